//! Road closures on the maps (道路封闭): the segments a `[[network.closure]]` or a plan's
//! `close_road` took out of the network, drawn from the open network as a dark red dashed
//! line with a cross and the closure's name, and one legend entry per closure. Without
//! this the closed roads would simply vanish from the maps.

use super::frame::Frame;
use super::labels::{symbol_radius, LabelRequest, Priority};
use super::scene::{ascii_or, hex, push_symbol, Prim, Scene, Shape, Swatch};
use crate::load::PreparedNetwork;

/// Colour of closed roads.
pub const CLOSED: u32 = 0x8b0000;

/// Dash and gap of a closed road at 2480 px, pixels.
const DASH: f64 = 26.0;
const GAP: f64 = 16.0;

/// A closure with this many segments or fewer gets a cross on each; a larger one (an
/// area) one cross, on the segment nearest the middle of its closed roads.
const CROSS_EACH_MAX: usize = 12;

/// For each segment of `p.network`, its index in the open network (the identity without
/// closures): closing keeps the open network's order, leaving the closed ones out.
pub fn open_index(p: &PreparedNetwork) -> Vec<u32> {
    let Some(open) = p.open.as_deref() else {
        return (0..p.network.segments.len() as u32).collect();
    };
    let mut shut = vec![false; open.network.segments.len()];
    for c in &p.closures {
        for &s in &c.segments {
            if let Some(x) = shut.get_mut(s as usize) {
                *x = true;
            }
        }
    }
    (0..open.network.segments.len() as u32)
        .filter(|&i| !shut[i as usize])
        .collect()
}

/// A dashed line from `a` to `b` (pixels) as short paths.
fn dashes(a: (i32, i32), b: (i32, i32), dash: f64, gap: f64) -> Vec<Vec<(i32, i32)>> {
    let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
    let len = dx.hypot(dy);
    if len <= dash + gap {
        return vec![vec![a, b]];
    }
    let at = |t: f64| {
        let t = t.min(len) / len;
        (
            (f64::from(a.0) + t * dx).round() as i32,
            (f64::from(a.1) + t * dy).round() as i32,
        )
    };
    let mut out = Vec::new();
    let mut t = 0.0;
    while t < len {
        out.push(vec![at(t), at(t + dash)]);
        t += dash + gap;
    }
    out
}

/// The legend swatch of a closed road.
pub fn swatch(fr: &Frame) -> Swatch {
    Swatch::Closed(hex(CLOSED), fr.s(7.0) as u32, fr.s(22.0))
}

/// The pixel ends of each closure's segments, in closure order (None without closures).
fn closure_ends<'a>(
    fr: &Frame,
    p: &'a PreparedNetwork,
) -> Vec<(&'a crate::load::network::AppliedClosure, Vec<Ends>)> {
    let Some(open) = p.open.as_deref() else {
        return Vec::new();
    };
    let net = &open.network;
    p.closures
        .iter()
        .map(|c| {
            let ends = c
                .segments
                .iter()
                .filter_map(|&s| net.segments.get(s as usize))
                .map(|s| {
                    let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
                    (fr.px(a.lon, a.lat), fr.px(b.lon, b.lat))
                })
                .collect();
            (c, ends)
        })
        .collect()
}

type Ends = ((i32, i32), (i32, i32));

/// Draws the closed roads of `p` as dashed lines (layer `closed-roads`): call it where
/// the roads are drawn.
pub fn draw_roads(fr: &Frame, sc: &mut Scene, p: &PreparedNetwork) {
    let width = fr.s(7.0) as u32;
    for (_, ends) in closure_ends(fr, p) {
        for (a, b) in ends {
            for pts in dashes(a, b, f64::from(fr.s(DASH)), f64::from(fr.s(GAP))) {
                sc.layer("closed-roads").push(Prim::Path {
                    pts,
                    color: hex(CLOSED),
                    width,
                });
            }
        }
    }
}

/// Draws each closure's crosses and name (layers `closed-road-marks`,
/// `closed-road-labels`): call it after the stations, so that district names and symbols
/// do not hide them. Returns one legend entry per closure, "封闭道路：name" / "Closed
/// road: name".
pub fn draw_marks(
    fr: &Frame,
    sc: &mut Scene,
    p: &PreparedNetwork,
) -> Vec<(Swatch, String, String)> {
    let mut legend = Vec::new();
    let size = fr.s(26.0);
    for (k, (c, ends)) in closure_ends(fr, p).into_iter().enumerate() {
        if ends.is_empty() {
            continue;
        }
        let mid = |(a, b): Ends| ((a.0 + b.0) / 2, (a.1 + b.1) / 2);
        let n = ends.len() as i64;
        let sum = ends.iter().map(|&e| mid(e)).fold((0i64, 0i64), |acc, m| {
            (acc.0 + i64::from(m.0), acc.1 + i64::from(m.1))
        });
        let centre = ((sum.0 / n) as i32, (sum.1 / n) as i32);
        let dist2 = |m: (i32, i32), o: (i32, i32)| {
            let (dx, dy) = (i64::from(m.0 - o.0), i64::from(m.1 - o.1));
            dx * dx + dy * dy
        };
        let main = ends
            .iter()
            .map(|&e| mid(e))
            .min_by_key(|&m| dist2(m, centre))
            .unwrap_or(centre);
        // A cross on the segment nearest the middle, then (a short closure) on the others
        // that stand clear of the crosses already drawn.
        let mut crosses = vec![main];
        if ends.len() <= CROSS_EACH_MAX {
            let clear = i64::from(3 * size) * i64::from(3 * size);
            for m in ends.iter().map(|&e| mid(e)) {
                if crosses.iter().all(|&x| dist2(m, x) >= clear) {
                    crosses.push(m);
                }
            }
        }
        for at in crosses {
            push_symbol(sc, "closed-road-marks", Shape::Cross, at, size, hex(CLOSED));
        }
        let fallback = ascii_or(&c.name, &format!("closure {}", k + 1));
        sc.label(LabelRequest::point(
            "closed-road-labels",
            main,
            symbol_radius(Shape::Cross, size, fr.s(4.0)),
            &c.name,
            &fallback,
            28.0 * fr.u,
            hex(CLOSED),
            Priority::Facility,
        ));
        let zh = format!("封闭道路：{}", c.name);
        let en = format!("Closed road: {fallback}");
        legend.push((swatch(fr), fr.lang.pick(&zh, &en).to_string(), en));
    }
    legend
}

#[cfg(test)]
mod tests {
    use super::dashes;

    #[test]
    fn dashes_cover_the_line_from_end_to_end() {
        let d = dashes((0, 0), (100, 0), 20.0, 10.0);
        assert_eq!(d.len(), 4);
        assert_eq!(d[0], vec![(0, 0), (20, 0)]);
        assert_eq!(d[3], vec![(90, 0), (100, 0)]);
        assert_eq!(
            dashes((0, 0), (10, 0), 20.0, 10.0),
            vec![vec![(0, 0), (10, 0)]]
        );
    }
}
