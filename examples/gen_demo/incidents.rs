//! Incidents: a year of them per rescue district, weighted by road length, class and how
//! built-up the place is, with kind mixes and times; a few far from any road in the hills.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::districts::{district_idx, district_of, District};
use crate::geometry::{dist, gauss, lerp, Frame, P};
use crate::lattice::{Lattice, Mask};
use crate::layout::Layout;
use crate::noding::Graph;
use crate::places::place;
use crate::roads::Hw;
use crate::routing::Roads;
use crate::YEAR;

/// An incident of the year, in the local frame.
pub struct Incident {
    pub p: P,
    pub kind: &'static str,
    pub time: String,
}

/// Incidents per rescue district in the year (sums to ~4,300).
const QUOTA: [(&str, usize); 7] = [
    ("柯中", 1480),
    ("柯北", 640),
    ("马鞍", 760),
    ("柯西", 420),
    ("柯南", 470),
    ("福兰漓", 300),
    ("南部山区", 210),
];
/// Incidents placed far (550 m – 1.4 km) from any road in the hills: forest fires, mountain rescue.
pub const OFF_ROAD_HILL: usize = 8;

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[(&'a str, f64)]) -> &'a str {
    let total: f64 = items.iter().map(|i| i.1).sum();
    let mut x = rng.random::<f64>() * total;
    for &(k, w) in items {
        if x < w {
            return k;
        }
        x -= w;
    }
    items.last().expect("a non-empty mix").0
}

fn random_time(rng: &mut ChaCha8Rng) -> String {
    const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    // More fires in the dry, cold months and around the Spring Festival; more rescues in summer.
    const MONTH_W: [f64; 12] = [
        1.25, 1.3, 1.0, 0.95, 0.9, 0.85, 1.05, 1.1, 0.9, 0.9, 1.0, 1.2,
    ];
    const HOUR_W: [f64; 24] = [
        2.0, 1.6, 1.3, 1.1, 1.0, 1.1, 1.6, 2.6, 3.6, 4.4, 4.8, 5.0, 4.8, 4.6, 4.8, 5.0, 5.2, 5.4,
        5.2, 4.8, 4.2, 3.6, 3.0, 2.4,
    ];
    let month_items: Vec<(usize, f64)> = (0..12)
        .map(|m| (m, MONTH_W[m] * MONTH_DAYS[m] as f64))
        .collect();
    let total: f64 = month_items.iter().map(|m| m.1).sum();
    let mut x = rng.random::<f64>() * total;
    let mut month = 11;
    for &(m, w) in &month_items {
        if x < w {
            month = m;
            break;
        }
        x -= w;
    }
    let day = rng.random_range(1..=MONTH_DAYS[month]);
    let htotal: f64 = HOUR_W.iter().sum();
    let mut x = rng.random::<f64>() * htotal;
    let mut hour = 23;
    for (h, &w) in HOUR_W.iter().enumerate() {
        if x < w {
            hour = h;
            break;
        }
        x -= w;
    }
    let (minute, second) = (rng.random_range(0..60), rng.random_range(0..60));
    format!(
        "{YEAR}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        month + 1,
        day,
        hour,
        minute,
        second
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Zone {
    Urban,
    Industrial,
    Rural,
    Highway,
}

fn kind_for(zone: Zone, rng: &mut ChaCha8Rng) -> &'static str {
    let mix: &[(&str, f64)] = match zone {
        Zone::Urban => &[
            ("building_fire", 0.22),
            ("vehicle_fire", 0.07),
            ("rescue", 0.36),
            ("hazmat", 0.02),
            ("other", 0.33),
        ],
        Zone::Industrial => &[
            ("building_fire", 0.31),
            ("vehicle_fire", 0.06),
            ("rescue", 0.27),
            ("hazmat", 0.08),
            ("other", 0.28),
        ],
        Zone::Rural => &[
            ("building_fire", 0.25),
            ("vehicle_fire", 0.05),
            ("rescue", 0.34),
            ("hazmat", 0.01),
            ("other", 0.35),
        ],
        Zone::Highway => &[
            ("building_fire", 0.02),
            ("vehicle_fire", 0.26),
            ("rescue", 0.50),
            ("hazmat", 0.05),
            ("other", 0.17),
        ],
    };
    pick(rng, mix)
}

pub fn make_incidents(
    fr: &Frame,
    ds: &[District],
    lay: &Layout,
    g: &Graph,
    roads: &Roads,
    rng: &mut ChaCha8Rng,
) -> Vec<Incident> {
    // Weight of each road edge: length × road factor × activity of the place it is in.
    let find = |n: &str| place(&lay.places, n);
    let (core, new_town, industry) = (find("柯中"), find("北部新城"), find("滨海工业区"));
    let towns: Vec<&Lattice> = lay
        .places
        .iter()
        .filter(|p| matches!(p.mask, Mask::Circle(..)) && p.name != "村")
        .collect();
    let hills = district_idx(ds, "南部山区");
    let mut per_district: Vec<Vec<(usize, f64, Zone)>> = vec![Vec::new(); ds.len()];
    for (k, e) in g.edges.iter().enumerate() {
        let (a, b) = (g.nodes[e.from as usize], g.nodes[e.to as usize]);
        let mid = lerp(a, b, 0.5);
        let Some(d) = district_of(ds, mid) else {
            continue;
        };
        let road = match e.hw {
            Hw::Motorway => 0.35,
            Hw::MotorwayLink => 0.15,
            Hw::Trunk | Hw::Primary => 1.0,
            Hw::Secondary | Hw::Tertiary => 1.0,
            Hw::Unclassified => 0.8,
            Hw::Residential => 1.2,
            Hw::Service => 1.0,
        };
        let near_village = lay
            .villages
            .iter()
            .any(|v| dist(v.center, mid) < v.r + 120.0);
        let (activity, mut zone) = if core.mask.contains(mid, ds) {
            (1.0, Zone::Urban)
        } else if industry.mask.contains(mid, ds) {
            // The newer tidal-flat parks in the north and east are less built up.
            let newer = mid.y > 29_800.0 || mid.x > 23_000.0;
            (if newer { 0.2 } else { 1.0 }, Zone::Industrial)
        } else if new_town.mask.contains(mid, ds) {
            (0.75, Zone::Urban)
        } else if towns.iter().any(|t| t.mask.contains(mid, ds)) {
            // Hill towns are small market towns; most hill people live in the villages.
            (if d == hills { 0.7 } else { 1.6 }, Zone::Urban)
        } else if near_village {
            (if d == hills { 0.35 } else { 0.25 }, Zone::Rural)
        } else {
            (0.04, Zone::Rural)
        };
        if matches!(e.hw, Hw::Motorway | Hw::MotorwayLink | Hw::Trunk) {
            zone = Zone::Highway;
        }
        per_district[d].push((k, roads.len_m(k) * road * activity, zone));
    }
    let mut out = Vec::new();
    for &(name, quota) in &QUOTA {
        let d = district_idx(ds, name);
        let items = &per_district[d];
        let mut cum = Vec::with_capacity(items.len());
        let mut acc = 0.0;
        for it in items {
            acc += it.1;
            cum.push(acc);
        }
        let mut n = 0;
        while n < quota {
            let x = rng.random::<f64>() * acc;
            let idx = cum.partition_point(|&c| c < x).min(items.len() - 1);
            let (k, _, zone) = items[idx];
            let e = &g.edges[k];
            let (a, b) = (g.nodes[e.from as usize], g.nodes[e.to as usize]);
            let t = rng.random::<f64>();
            let side = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
            let off = if rng.random_bool(0.94) {
                (4.0 + gauss(rng).abs() * 25.0).min(95.0)
            } else {
                rng.random_range(100.0..260.0)
            };
            let p = lerp(a, b, t) + (b - a).unit().left() * (side * off);
            if !fr.inside(p) || district_of(ds, p) != Some(d) {
                continue;
            }
            out.push(Incident {
                p,
                kind: kind_for(zone, rng),
                time: random_time(rng),
            });
            n += 1;
        }
    }
    // A few incidents far from any road in the hills (off-network for the engine).
    let mut n = 0;
    while n < OFF_ROAD_HILL {
        let p = P {
            x: rng.random_range(1000.0..fr.w - 1000.0),
            y: rng.random_range(800.0..7000.0),
        };
        if district_of(ds, p) != Some(hills) {
            continue;
        }
        // Off-network for the engine: the access leg is longer than `max_snap_m` (500 m).
        let d = roads.snap(fr, p).access_m;
        if !(550.0..=1400.0).contains(&d) {
            continue;
        }
        let kind = if rng.random_bool(0.6) {
            "other"
        } else {
            "rescue"
        };
        out.push(Incident {
            p,
            kind,
            time: random_time(rng),
        });
        n += 1;
    }
    out.sort_by(|a, b| a.time.cmp(&b.time).then(a.p.x.total_cmp(&b.p.x)));
    out
}
