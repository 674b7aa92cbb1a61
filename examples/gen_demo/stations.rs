//! Stations (the "2+7+13" system plus forward and logistics-support stations), their
//! vehicles, the reserve depots, and where each stands next to a road.

use crate::geometry::{lerp, seg_dist, Frame, P};
use crate::noding::Graph;
use crate::roads::Hw;
use crate::routing::Roads;

/// A station of the tables below.
pub struct StationSpec {
    pub id: &'static str,
    pub name: &'static str,
    pub class: &'static str,
    pub at: (f64, f64),
    pub staff: u32,
    pub turnout_s: Option<u32>,
    pub drone: Option<u8>,
}

const fn st(
    id: &'static str,
    name: &'static str,
    class: &'static str,
    at: (f64, f64),
    staff: u32,
    turnout_s: Option<u32>,
    drone: Option<u8>,
) -> StationSpec {
    StationSpec {
        id,
        name,
        class,
        at,
        staff,
        turnout_s,
        drone,
    }
}

/// Today's "2+7+13" system plus forward and logistics-support stations: (id, name, class,
/// design position km, staff, turnout s, drone hangar). Some staff numbers are below the
/// seed-004 minima on purpose.
#[rustfmt::skip]
pub const STATIONS: [StationSpec; 28] = [
    st("KQ01", "柯桥特勤站", "special", (14.3, 16.1), 48, Some(45), Some(1)),
    st("KQ02", "马鞍特勤站", "special", (11.9, 27.4), 41, None, Some(1)),
    st("KQ03", "柯中一级站", "class1", (11.9, 14.7), 31, None, Some(1)),
    st("KQ04", "北部新城一级站", "class1", (12.2, 22.4), 33, None, Some(1)),
    st("KQ05", "钱清一级站", "class1", (4.2, 17.1), 26, None, Some(0)),
    st("KQ06", "柯岩一级站", "class1", (21.5, 15.4), 30, None, Some(1)),
    st("KQ07", "福全一级站", "class1", (14.4, 11.2), 28, None, None),
    st("KQ08", "马鞍一级站", "class1", (18.5, 28.0), 32, None, Some(1)),
    st("KQ09", "安昌一级站", "class1", (22.2, 22.9), 30, None, Some(0)),
    st("KQ10", "笛扬二级站", "class2", (16.7, 14.7), 22, None, Some(1)),
    st("KQ11", "轻纺城二级站", "class2", (16.7, 17.6), 18, None, Some(1)),
    st("KQ12", "柯桥西二级站", "class2", (11.9, 17.6), 21, None, None),
    st("KQ13", "瓜渚二级站", "class2", (14.5, 19.9), 20, None, Some(1)),
    st("KQ14", "齐贤二级站", "class2", (25.7, 22.5), 21, None, Some(1)),
    st("KQ15", "杨汛桥二级站", "class2", (4.7, 22.9), 20, None, Some(0)),
    st("KQ16", "华舍二级站", "class2", (17.0, 22.4), 16, None, None),
    st("KQ17", "兰亭二级站", "class2", (9.4, 9.9), 20, None, Some(1)),
    st("KQ18", "漓渚二级站", "class2", (4.3, 10.5), 19, None, Some(0)),
    st("KQ19", "湖塘二级站", "class2", (23.7, 11.3), 22, None, Some(1)),
    st("KQ20", "鉴湖二级站", "class2", (26.7, 16.8), 20, None, Some(0)),
    st("KQ21", "平水二级站", "class2", (24.2, 5.2), 20, Some(75), Some(1)),
    st("KQ22", "滨海西二级站", "class2", (5.5, 28.0), 17, None, None),
    st("KQ23", "稽东前置站", "forward", (10.6, 3.3), 8, Some(90), None),
    st("KQ24", "王坛前置站", "forward", (16.6, 2.3), 10, Some(90), Some(0)),
    st("KQ25", "滨海前置站", "forward", (15.3, 25.9), 12, Some(75), Some(0)),
    st("KQ26", "夏履前置站", "forward", (1.9, 14.3), 10, Some(75), None),
    st("KQ27", "柯桥战勤保障站", "logistics", (15.6, 20.3), 18, None, Some(1)),
    st("KQ28", "滨海战勤保障站", "logistics", (13.8, 29.3), 12, None, None),
];

/// Vehicles (kind, count, pump flow L/s per vehicle, fire-fighting) of a station; some
/// stations fall short of the equipment standard (flow per class, 1:1 fire-fighting to
/// other vehicles, a light pickup at every station) on purpose.
pub fn vehicles_of(s: &StationSpec) -> Vec<(&'static str, u32, Option<u32>, bool)> {
    let v = |k, c, f, ff| (k, c, f, ff);
    match s.id {
        "KQ01" => vec![
            v("engine", 3, Some(60), true),
            v("foam", 1, Some(80), true),
            v("aerial", 2, Some(40), true),
            v("tanker", 1, Some(60), true),
            v("pickup", 1, Some(10), true),
            v("rescue", 1, None, false),
            v("hazmat", 1, None, false),
            v("command", 1, None, false),
            v("support", 1, None, false),
        ],
        // Short of flow (240 < 330 L/s), no pickup, more support than fire-fighting vehicles.
        "KQ02" => vec![
            v("engine", 2, Some(60), true),
            v("foam", 1, Some(80), true),
            v("aerial", 1, Some(40), true),
            v("rescue", 1, None, false),
            v("hazmat", 2, None, false),
            v("command", 1, None, false),
            v("support", 1, None, false),
        ],
        // Class 1 short of flow.
        "KQ05" => vec![
            v("engine", 2, Some(60), true),
            v("tanker", 1, Some(60), true),
            v("pickup", 1, Some(10), true),
            v("rescue", 1, None, false),
        ],
        "KQ09" => vec![
            v("engine", 2, Some(60), true),
            v("tanker", 1, Some(60), true),
            v("foam", 1, Some(60), true),
            v("rescue", 1, None, false),
            v("command", 1, None, false),
        ],
        // Class 2 short of flow / without pickup.
        "KQ16" => vec![
            v("engine", 1, Some(60), true),
            v("tanker", 1, Some(40), true),
            v("rescue", 1, None, false),
        ],
        "KQ22" => vec![
            v("engine", 1, Some(60), true),
            v("pickup", 1, Some(10), true),
            v("rescue", 1, None, false),
            v("support", 1, None, false),
        ],
        "KQ18" => vec![
            v("engine", 2, Some(60), true),
            v("tanker", 1, Some(30), true),
            v("rescue", 1, None, false),
        ],
        "KQ23" => vec![v("pickup", 1, Some(10), true), v("rescue", 1, None, false)],
        "KQ28" => vec![
            v("tanker", 2, Some(60), true),
            v("support", 1, None, false),
            v("fuel", 1, None, false),
            v("catering", 1, None, false),
        ],
        _ => match s.class {
            "class1" => vec![
                v("engine", 2, Some(60), true),
                v("tanker", 1, Some(60), true),
                v("aerial", 1, Some(40), true),
                v("foam", 1, Some(60), true),
                v("pickup", 1, Some(10), true),
                v("rescue", 1, None, false),
                v("command", 1, None, false),
            ],
            "class2" => vec![
                v("engine", 2, Some(60), true),
                v("tanker", 1, Some(40), true),
                v("pickup", 1, Some(10), true),
                v("rescue", 1, None, false),
            ],
            "forward" => vec![
                v("engine", 1, Some(40), true),
                v("pickup", 1, Some(10), true),
            ],
            "logistics" => vec![
                v("water_supply", 1, Some(400), true),
                v("tanker", 2, Some(60), true),
                v("pickup", 1, Some(10), true),
                v("foam_supply", 1, None, false),
                v("support", 1, None, false),
                v("fuel", 1, None, false),
            ],
            _ => vec![v("engine", 2, Some(60), true)],
        },
    }
}

/// (id, name, level, at km, capacity). The city depot stands at the district's east edge,
/// towards the Shaoxing city centre.
pub type DepotSpec = (&'static str, &'static str, &'static str, (f64, f64), u32);

pub const DEPOTS: [DepotSpec; 2] = [
    ("DP01", "柯桥区应急物资储备库", "county", (12.6, 20.1), 100),
    (
        "DP02",
        "绍兴市消防救援物资储备中心",
        "city",
        (28.6, 14.6),
        200,
    ),
];

/// Places a facility next to the nearest road (of at least tertiary class when there is one
/// within 1.2 km), 25 m off the carriageway on the side of the design point.
pub fn site_on_road(fr: &Frame, roads: &Roads, g: &Graph, at: P) -> P {
    let mut best: Option<(f64, usize, f64)> = None;
    for (k, e) in g.edges.iter().enumerate() {
        if e.hw < Hw::Tertiary || e.hw.is_motorway() {
            continue;
        }
        let (d, t) = seg_dist(at, g.nodes[e.from as usize], g.nodes[e.to as usize]);
        if d < 1200.0 && best.is_none_or(|b| (d, k) < (b.0, b.1)) {
            best = Some((d, k, t));
        }
    }
    let (k, t) = match best {
        Some((_, k, t)) => (k, t),
        None => roads.edge_position(g, &roads.snap(fr, at)),
    };
    let e = &g.edges[k];
    let (a, b) = (g.nodes[e.from as usize], g.nodes[e.to as usize]);
    let q = lerp(a, b, t.clamp(0.2, 0.8));
    let n = (b - a).unit().left();
    let side = if (at - q).dot(n) >= 0.0 { 1.0 } else { -1.0 };
    q + n * (25.0 * side)
}
