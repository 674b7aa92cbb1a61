//! Fire water sources (消防水源) for `water_sources.csv`: hydrants at the street junctions
//! and along the streets of the urban and suburban districts, suction points on the canals and the river where a
//! road comes near, water tanks in some hill villages. Drawn from their own random stream
//! after everything else, so that the other files do not change.
//!
//! Deliberate gaps (maps/demo/README.md): an old quarter of 柯中 without hydrants, a share
//! of hydrants out of service, suburban hydrants farther apart than the 120 m of
//! GB 50974-2014, no hydrants in 南部山区 and only some hill villages with a tank.

use std::collections::HashMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::districts::{district_idx, district_of, District};
use crate::geometry::{dist, P};
use crate::layout::{Village, Water};
use crate::noding::Graph;
use crate::roads::Hw;

/// One water source as written.
pub struct Source {
    pub id: String,
    pub kind: &'static str,
    pub in_service: bool,
    pub at: P,
    pub flow_lps: Option<f64>,
    /// Day of 2025 of the last inspection (1-based).
    pub inspected_day: u32,
}

/// The old quarter of 柯中 whose mains have no hydrants: centre offset from the district's
/// centroid, and radius (metres).
const OLD_QUARTER: (f64, f64, f64) = (700.0, -500.0, 550.0);
/// Least distance between hydrants: urban, suburban (metres).
const URBAN_SPACING_M: f64 = 55.0;
const SUBURBAN_SPACING_M: f64 = 230.0;
/// Share of hydrants out of service.
const BROKEN_SHARE: f64 = 0.06;

/// The water sources, in id order (hydrants, suction points, tanks).
pub fn water_sources(
    seed: u64,
    ds: &[District],
    g: &Graph,
    water: &[Water],
    villages: &[Village],
) -> Vec<Source> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5743_5f53_4f55_5243);
    let core = &ds[district_idx(ds, "柯中")];
    let c = centroid(&core.ring);
    let old = P {
        x: c.x + OLD_QUARTER.0,
        y: c.y + OLD_QUARTER.1,
    };
    // Nodes on a street (not only on the expressway or its ramps).
    let mut on_street = vec![false; g.nodes.len()];
    for e in &g.edges {
        if !matches!(e.hw, Hw::Motorway | Hw::MotorwayLink) {
            on_street[e.from as usize] = true;
            on_street[e.to as usize] = true;
        }
    }
    let mut out = Vec::new();
    // Candidates: every street junction, then points along the longer streets (urban every
    // 100 m, suburban every 230 m); Poisson-disk thinning in that order on a 100 m hash grid.
    let mut candidates: Vec<P> = g
        .nodes
        .iter()
        .zip(&on_street)
        .filter(|(_, s)| **s)
        .map(|(p, _)| *p)
        .collect();
    for e in &g.edges {
        if matches!(e.hw, Hw::Motorway | Hw::MotorwayLink) {
            continue;
        }
        let (a, b) = (g.nodes[e.from as usize], g.nodes[e.to as usize]);
        let step = match district_of(ds, a).map(|d| ds[d].kind) {
            Some("urban") => 100.0,
            Some("suburban") => SUBURBAN_SPACING_M,
            _ => continue,
        };
        let n = (dist(a, b) / step).ceil() as usize;
        for i in 1..n {
            candidates.push(crate::geometry::lerp(a, b, i as f64 / n as f64));
        }
    }
    let mut grid: HashMap<(i64, i64), Vec<P>> = HashMap::new();
    let key = |p: P| ((p.x / 100.0).floor() as i64, (p.y / 100.0).floor() as i64);
    for p in candidates {
        let spacing = match district_of(ds, p).map(|d| ds[d].kind) {
            Some("urban") => URBAN_SPACING_M,
            Some("suburban") => SUBURBAN_SPACING_M,
            _ => continue,
        };
        if dist(p, old) < OLD_QUARTER.2 {
            continue;
        }
        let (kx, ky) = key(p);
        let reach = (spacing / 100.0).ceil() as i64;
        let crowded = (-reach..=reach).any(|dx| {
            (-reach..=reach).any(|dy| {
                grid.get(&(kx + dx, ky + dy))
                    .is_some_and(|v| v.iter().any(|&q| dist(p, q) < spacing))
            })
        });
        if crowded {
            continue;
        }
        grid.entry((kx, ky)).or_default().push(p);
        // On the pavement, 3 m from the street.
        let at = P {
            x: p.x + 3.0,
            y: p.y,
        };
        out.push(Source {
            id: format!("XH{:05}", out.len() + 1),
            kind: "hydrant",
            in_service: rng.random::<f64>() >= BROKEN_SHARE,
            at,
            flow_lps: Some(15.0),
            inspected_day: rng.random_range(1..=365),
        });
    }
    // Suction points: every 2 km along each waterway, where a street node is within 120 m.
    let street_nodes: Vec<P> = g
        .nodes
        .iter()
        .zip(&on_street)
        .filter(|(_, s)| **s)
        .map(|(p, _)| *p)
        .collect();
    let mut n_suction = 0;
    for w in water {
        let mut along = 0.0;
        let mut next = 1000.0;
        for pair in w.pts.windows(2) {
            let step = dist(pair[0], pair[1]);
            along += step;
            if along < next {
                continue;
            }
            next = along + 2000.0;
            let p = pair[1];
            if street_nodes.iter().any(|&q| dist(p, q) < 120.0) {
                n_suction += 1;
                out.push(Source {
                    id: format!("QS{n_suction:03}"),
                    kind: "suction_point",
                    in_service: true,
                    at: p,
                    flow_lps: Some(30.0),
                    inspected_day: rng.random_range(1..=365),
                });
            }
        }
    }
    // Tanks in every other hill village.
    let mut n_tank = 0;
    for (i, v) in villages.iter().filter(|v| v.hill).enumerate() {
        if i % 2 == 1 {
            continue;
        }
        n_tank += 1;
        out.push(Source {
            id: format!("SC{n_tank:03}"),
            kind: "water_tank",
            in_service: true,
            at: v.center,
            flow_lps: None,
            inspected_day: rng.random_range(1..=365),
        });
    }
    out
}

fn centroid(ring: &[P]) -> P {
    let n = ring.len() as f64;
    P {
        x: ring.iter().map(|p| p.x).sum::<f64>() / n,
        y: ring.iter().map(|p| p.y).sum::<f64>() / n,
    }
}
