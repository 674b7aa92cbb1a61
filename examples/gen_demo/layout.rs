//! Layout: water, places, rural roads, regional and hill roads, expressways, villages and
//! service roads, in the order that fixes the random stream.

use std::f64::consts::PI;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::districts::{district_idx, district_of, District};
use crate::geometry::{dist, h01, km, meander, seg_dist, Frame, P};
use crate::lattice::{stitch, Lattice, Mask};
use crate::motorway::{build_motorway, expressways, Motorway};
use crate::noding::Barrier;
use crate::places::{in_any_place, place, places};
use crate::regional::regional_roads;
use crate::roads::{road, Hw, Net, Style};

/// A canal or river (a barrier, and a reference layer in `waterways.geojson`).
pub struct Water {
    pub name: &'static str,
    pub kind: &'static str,
    pub pts: Vec<P>,
}

const PLAIN_VILLAGES: usize = 160;
const HILL_VILLAGES: usize = 34;

pub struct Village {
    pub center: P,
    pub r: f64,
    pub hill: bool,
}

/// Everything the layout stages built.
pub struct Layout {
    pub net: Net,
    pub places: Vec<Lattice>,
    pub villages: Vec<Village>,
    pub water: Vec<Water>,
    pub motorways: Vec<Motorway>,
    /// Water and expressway segments: surface roads cross them only at bridges/underpasses.
    pub barriers: Vec<(P, P, Barrier)>,
    pub industrial_spurs: usize,
}

/// Builds every road of the district (as ways, before noding).
pub fn build_layout(fr: &Frame, ds: &[District], rng: &mut ChaCha8Rng) -> Layout {
    let mut net = Net::default();
    let water = water(fr, rng);
    // Expressway centre lines now: they are barriers for everything built below.
    let [m1, m2] = expressways(fr, rng);
    let mut places = places(fr, ds, rng);
    let barriers = barriers(&water, [&m1, &m2]);
    for pl in &places {
        pl.emit(&mut net, rng);
    }
    // Streets continue from the core into the new town across the district line.
    let stitched = stitch(place(&places, "北部新城"), place(&places, "柯中"), &mut net);
    println!("core–new town street links: {stitched}");
    rural_roads(fr, ds, &places, &mut net, rng);
    regional_roads(fr, &places, &mut net, rng);
    // Expressways with their interchanges.
    build_motorway(&m1, &mut net, rng);
    build_motorway(&m2, &mut net, rng);
    let villages = villages(fr, ds, &water, [&m1, &m2], &mut places, &mut net, rng);
    let industrial_spurs = service_roads(ds, &places, &mut net, rng);
    Layout {
        net,
        places,
        villages,
        water,
        motorways: vec![m1, m2],
        barriers,
        industrial_spurs,
    }
}

/// Water: the Zhedong canal through the core, a drainage canal north to the Qiantang,
/// and the Xixiao river between the new town and the industrial zone.
fn water(fr: &Frame, rng: &mut ChaCha8Rng) -> Vec<Water> {
    vec![
        Water {
            name: "浙东运河",
            kind: "canal",
            pts: meander(
                km(0.0, 16.4),
                P {
                    x: fr.w,
                    y: 15000.0,
                },
                100.0,
                &[(260.0, 6500.0), (70.0, 1500.0)],
                rng,
            ),
        },
        Water {
            name: "直落江",
            kind: "canal",
            pts: meander(
                km(16.55, 15.2),
                P {
                    x: 16900.0,
                    y: fr.h,
                },
                100.0,
                &[(90.0, 4500.0)],
                rng,
            ),
        },
        Water {
            name: "西小江",
            kind: "river",
            pts: meander(
                km(0.0, 24.55),
                P {
                    x: fr.w,
                    y: 24300.0,
                },
                80.0,
                &[(420.0, 7000.0), (140.0, 2300.0)],
                rng,
            ),
        },
    ]
}

/// Water and the built part of the expressway centre lines: surface roads cross them only
/// at bridges and underpasses.
fn barriers(water: &[Water], motorways: [&Motorway; 2]) -> Vec<(P, P, Barrier)> {
    let mut barriers: Vec<(P, P, Barrier)> = Vec::new();
    for w in water {
        for s in w.pts.windows(2) {
            barriers.push((s[0], s[1], Barrier::Water));
        }
    }
    for m in motorways {
        let (first, last) = m.built_span();
        for (k, s) in m.centre.windows(2).enumerate() {
            if m.cum[k + 1] >= first && m.cum[k] <= last {
                barriers.push((s[0], s[1], Barrier::Motorway));
            }
        }
    }
    barriers
}

/// The rural road lattice between the places (plains only); a road that ends in
/// a place joins its nearest tertiary street.
fn rural_roads(
    fr: &Frame,
    ds: &[District],
    places: &[Lattice],
    net: &mut Net,
    rng: &mut ChaCha8Rng,
) {
    let hills_d = district_idx(ds, "南部山区");
    let mut farm_mask = vec![Mask::Not(Box::new(Mask::District(hills_d)))];
    for pl in places {
        farm_mask.push(Mask::Not(Box::new(pl.mask.clone())));
    }
    let mut farm = Lattice::new(
        "农村道路",
        99,
        km(14.4, 20.6),
        850.0,
        0.04,
        (16000.0, 14000.0),
        Mask::All(farm_mask),
        Hw::Unclassified,
    );
    farm.rules = vec![(4, 0, Hw::Tertiary)];
    farm.drop = 0.2;
    farm.jitter = 170.0;
    for i in -farm.hi..=farm.hi {
        for j in -farm.hj..=farm.hj {
            let a = farm.raw(i, j);
            let a_in = fr.inside(a) && farm.mask.contains(a, ds);
            for (horizontal, (i2, j2)) in [(true, (i + 1, j)), (false, (i, j + 1))] {
                let b = farm.raw(i2, j2);
                let b_in = fr.inside(b) && farm.mask.contains(b, ds);
                if !a_in && !b_in {
                    continue;
                }
                let hw = farm.class_of(if horizontal { j } else { i });
                if hw == Hw::Unclassified
                    && h01(99, (i * 2 + horizontal as i32) as i64, j as i64) < farm.drop
                {
                    continue;
                }
                let resolve = |p: P, inside: bool, other: P| -> Option<P> {
                    if inside {
                        return Some(p);
                    }
                    if !fr.inside(p) {
                        return None;
                    }
                    in_any_place(places, ds, p).map(|k| places[k].attach(other, Hw::Tertiary))
                };
                let (Some(pa), Some(pb)) = (resolve(a, a_in, b), resolve(b, b_in, a)) else {
                    continue;
                };
                if dist(pa, pb) < 30.0 {
                    continue;
                }
                let pts = meander(pa, pb, 45.0, &[(30.0, 600.0), (12.0, 210.0)], rng);
                net.add(pts, hw, false, None, false);
            }
        }
    }
}

/// Villages: plains villages every kilometre or so, hill villages far apart, each a small
/// lattice joined to the nearest road (hill villages by a winding lane).
fn villages(
    fr: &Frame,
    ds: &[District],
    water: &[Water],
    motorways: [&Motorway; 2],
    places: &mut Vec<Lattice>,
    net: &mut Net,
    rng: &mut ChaCha8Rng,
) -> Vec<Village> {
    let hills_d = district_idx(ds, "南部山区");
    let mut villages: Vec<Village> = Vec::new();
    let mut tries = 0;
    let (mut n_plain, mut n_hill) = (0, 0);
    while (n_plain < PLAIN_VILLAGES || n_hill < HILL_VILLAGES) && tries < 200_000 {
        tries += 1;
        let c = P {
            x: rng.random_range(400.0..fr.w - 400.0),
            y: rng.random_range(400.0..fr.h - 600.0),
        };
        let hill = district_of(ds, c) == Some(hills_d);
        if (hill && n_hill >= HILL_VILLAGES) || (!hill && n_plain >= PLAIN_VILLAGES) {
            continue;
        }
        let spacing = if hill { 1500.0 } else { 900.0 };
        if villages.iter().any(|v| dist(v.center, c) < spacing) {
            continue;
        }
        let clear = [
            P { x: 0.0, y: 0.0 },
            P { x: 350.0, y: 0.0 },
            P { x: -350.0, y: 0.0 },
            P { x: 0.0, y: 350.0 },
            P { x: 0.0, y: -350.0 },
        ]
        .iter()
        .all(|&o| in_any_place(places, ds, c + o).is_none());
        if !clear {
            continue;
        }
        if water
            .iter()
            .any(|w| w.pts.windows(2).any(|s| seg_dist(c, s[0], s[1]).0 < 300.0))
        {
            continue;
        }
        if motorways.iter().any(|m| {
            m.centre
                .windows(2)
                .any(|s| seg_dist(c, s[0], s[1]).0 < 400.0)
        }) {
            continue;
        }
        let r = if hill {
            rng.random_range(110.0..200.0)
        } else {
            rng.random_range(130.0..260.0)
        };
        villages.push(Village { center: c, r, hill });
        if hill {
            n_hill += 1;
        } else {
            n_plain += 1;
        }
    }
    for (k, v) in villages.iter().enumerate() {
        let phase = rng.random::<f64>() * 2.0 * PI;
        let mut lat = Lattice::new(
            "村",
            1000 + k as u64,
            v.center,
            85.0,
            rng.random_range(-0.8..0.8),
            (v.r * 1.3, v.r * 1.3),
            Mask::Circle(v.center, v.r, phase),
            Hw::Residential,
        );
        lat.rules = vec![(3, 1, Hw::Service)];
        lat.drop = 0.2;
        lat.jitter = 12.0;
        lat.build(ds, fr);
        if lat.pts.len() < 3 || lat.deg.values().all(|&d| d < 2) {
            continue;
        }
        let Some(target) = net.nearest_vertex(
            v.center,
            Hw::Unclassified,
            6000.0,
            Some((v.center, v.r * 1.5)),
            None,
        ) else {
            continue;
        };
        let gate = lat.attach(target, Hw::Residential);
        lat.emit(net, rng);
        if v.hill {
            net.add(
                road(gate, target, Style::HillMinor, rng),
                Hw::Unclassified,
                false,
                Some(25),
                false,
            );
        } else {
            net.add(
                meander(gate, target, 60.0, &[(40.0, 900.0), (10.0, 200.0)], rng),
                Hw::Unclassified,
                false,
                None,
                false,
            );
        }
        places.push(lat);
    }
    villages
}

/// Dead-end service roads — factory roads in the industrial blocks (two rounds),
/// compound entrances in the core, the new town and the towns. Returns the factory roads.
fn service_roads(
    ds: &[District],
    places: &[Lattice],
    net: &mut Net,
    rng: &mut ChaCha8Rng,
) -> usize {
    let all_classes = [Hw::Trunk, Hw::Primary, Hw::Secondary, Hw::Tertiary];
    let ind = place(places, "滨海工业区");
    let big = (80.0, 240.0);
    let arm = (30.0, 90.0);
    let mut industrial_spurs = ind.spurs(net, rng, &all_classes, 0.45, big, arm, ds);
    industrial_spurs += ind.spurs(net, rng, &all_classes, 0.25, big, arm, ds);
    let mut compound_spurs = 0;
    for pl in places {
        let (p, len) = match pl.name {
            "柯中" => (0.25, (30.0, 48.0)),
            "北部新城" => (0.2, (40.0, 75.0)),
            "滨海工业区" | "村" => continue,
            _ => (0.15, (40.0, 75.0)),
        };
        let on = [Hw::Residential, Hw::Tertiary];
        compound_spurs += pl.spurs(net, rng, &on, p, len, (0.0, 0.0), ds);
    }
    println!("dead-end service roads: {industrial_spurs} factory roads, {compound_spurs} compound entrances");
    industrial_spurs
}
