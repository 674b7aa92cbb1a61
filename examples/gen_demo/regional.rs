//! Regional and hill roads between the places: the G104 trunk, the primary and secondary
//! roads of the plains, and the winding hill roads with low posted limits.

use rand_chacha::ChaCha8Rng;

use crate::geometry::{dist, km, Frame, P};
use crate::lattice::Lattice;
use crate::places::place;
use crate::roads::{road, Hw, Net, Style};

/// A regional road: from, to, optional via point (km), class, style, posted limit.
type Conn = (End, End, Option<(f64, f64)>, Hw, Style, Option<u32>);

#[derive(Clone, Copy)]
enum End {
    Pl(&'static str),
    Pt(f64, f64),
}

/// Adds the regional roads; each leaves a place at its nearest major street towards the
/// other end (or the via point). All are planned: bridged wherever they cross a barrier.
pub fn regional_roads(fr: &Frame, places: &[Lattice], net: &mut Net, rng: &mut ChaCha8Rng) {
    use End::{Pl, Pt};
    let w_km = fr.w / 1000.0;
    let conns: Vec<Conn> = vec![
        // G104 (trunk) west to east through Qianqing, the core, Keyan and Jianhu.
        (
            Pt(0.0, 18.3),
            Pl("钱清"),
            None,
            Hw::Trunk,
            Style::Plain,
            None,
        ),
        (Pl("钱清"), Pl("柯中"), None, Hw::Trunk, Style::Plain, None),
        (Pl("柯中"), Pl("柯岩"), None, Hw::Trunk, Style::Plain, None),
        (Pl("柯岩"), Pl("鉴湖"), None, Hw::Trunk, Style::Plain, None),
        (
            Pl("鉴湖"),
            Pt(w_km, 17.4),
            None,
            Hw::Trunk,
            Style::Plain,
            None,
        ),
        // North–south trunk: core → new town → industrial zone.
        (
            Pl("柯中"),
            Pl("北部新城"),
            Some((15.2, 19.0)),
            Hw::Trunk,
            Style::Plain,
            None,
        ),
        (
            Pl("北部新城"),
            Pl("滨海工业区"),
            Some((15.6, 24.3)),
            Hw::Trunk,
            Style::Plain,
            None,
        ),
        // Primary roads.
        (
            Pl("柯中"),
            Pl("北部新城"),
            Some((11.0, 19.0)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("北部新城"),
            Some((18.3, 19.0)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("北部新城"),
            Pl("马鞍"),
            Some((11.4, 24.2)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("福全"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("湖塘"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯岩"),
            Pl("湖塘"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("钱清"),
            Pl("杨汛桥"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("杨汛桥"),
            Pl("滨海工业区"),
            Some((5.0, 24.8)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("北部新城"),
            Pl("安昌"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("安昌"),
            Pl("齐贤"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("齐贤"),
            Pt(w_km, 22.6),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("安昌"),
            Pl("滨海工业区"),
            Some((22.5, 24.8)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("齐贤"),
            Pl("滨海工业区"),
            Some((26.4, 24.8)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        // Secondary roads.
        (
            Pl("马鞍"),
            Pl("滨海工业区"),
            Some((13.5, 26.9)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("马鞍"),
            Pl("滨海工业区"),
            Some((9.5, 26.9)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("马鞍"),
            Pl("滨海工业区"),
            Some((11.5, 28.9)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("钱清"),
            Some((9.0, 14.2)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("福全"),
            Some((11.5, 13.0)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("柯岩"),
            Some((19.0, 14.0)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("钱清"),
            Pl("漓渚"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("漓渚"),
            Pl("兰亭"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("兰亭"),
            Pl("福全"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("福全"),
            Pl("柯岩"),
            Some((18.5, 12.5)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("钱清"),
            Pl("夏履"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("夏履"),
            Pt(0.0, 12.0),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("夏履"),
            Pl("漓渚"),
            None,
            Hw::Tertiary,
            Style::Plain,
            None,
        ),
        (
            Pl("齐贤"),
            Pl("鉴湖"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯岩"),
            Pl("安昌"),
            Some((21.5, 19.5)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("湖塘"),
            Pl("鉴湖"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("湖塘"),
            Pt(w_km, 9.2),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("杨汛桥"),
            Pt(0.0, 23.2),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("杨汛桥"),
            Pl("北部新城"),
            Some((8.6, 22.0)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        // Hill roads: winding, few, with lower posted limits.
        (
            Pl("湖塘"),
            Pl("平水"),
            None,
            Hw::Secondary,
            Style::Hill,
            Some(40),
        ),
        (
            Pl("平水"),
            Pl("王坛"),
            None,
            Hw::Tertiary,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("王坛"),
            Pl("稽东"),
            None,
            Hw::Tertiary,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("兰亭"),
            Pl("稽东"),
            None,
            Hw::Tertiary,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("福全"),
            Pl("王坛"),
            None,
            Hw::Unclassified,
            Style::Hill,
            Some(25),
        ),
        (
            Pl("漓渚"),
            Pt(3.2, 4.0),
            None,
            Hw::Unclassified,
            Style::Hill,
            Some(25),
        ),
        (
            Pt(3.2, 4.0),
            Pl("稽东"),
            None,
            Hw::Unclassified,
            Style::Hill,
            Some(25),
        ),
        (
            Pl("平水"),
            Pt(w_km, 3.6),
            None,
            Hw::Tertiary,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("平水"),
            Pl("鉴湖"),
            Some((27.5, 9.0)),
            Hw::Unclassified,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("王坛"),
            Pt(15.2, 0.0),
            None,
            Hw::Unclassified,
            Style::Hill,
            Some(25),
        ),
    ];
    let center_of = |e: End, places: &[Lattice]| match e {
        Pl(n) => place(places, n).center,
        Pt(x, y) => km(x, y),
    };
    for &(a, b, via, hw, style, maxspeed) in &conns {
        let target_a = via
            .map(|v| km(v.0, v.1))
            .unwrap_or_else(|| center_of(b, places));
        let target_b = via
            .map(|v| km(v.0, v.1))
            .unwrap_or_else(|| center_of(a, places));
        let gate = |e: End, target: P| match e {
            Pl(n) => {
                let pl = place(places, n);
                let min = if matches!(n, "柯中" | "北部新城") {
                    Hw::Secondary
                } else {
                    Hw::Tertiary
                };
                pl.attach(target, min)
            }
            Pt(x, y) => km(x, y),
        };
        let (pa, pb) = (gate(a, target_a), gate(b, target_b));
        let pts = match via {
            Some(v) if dist(pa, km(v.0, v.1)) > 300.0 && dist(pb, km(v.0, v.1)) > 300.0 => {
                let mut p1 = road(pa, km(v.0, v.1), style, rng);
                let p2 = road(km(v.0, v.1), pb, style, rng);
                p1.extend_from_slice(&p2[1..]);
                p1
            }
            _ => road(pa, pb, style, rng),
        };
        net.add(pts, hw, false, maxspeed, true);
    }
}
