//! Villages (行政村、自然村) with residents, and their micro fire stations (微型消防站) and
//! volunteer fire teams (志愿消防队): derived from the layout's villages AFTER everything
//! else, with a random stream of their own (`VILLAGE_SEED`), so that every file written
//! before this stage stays byte-identical.
//!
//! Populations are skewed (most villages are small): plains villages 200–2,000 residents,
//! hill villages 150–1,350. About nine in ten villages over 1,000 residents get a micro
//! station at their centre and about half a volunteer team; a few small villages get a
//! volunteer team too. Villages over 1,000 residents left without a micro station are the
//! deliberate gaps the README lists.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::districts::{district_of, District};
use crate::geometry::{dist, Frame, P};
use crate::layout::Village;
use crate::noding::Graph;

/// The villages' own random stream (the generator's seed with "VILL" mixed in).
const VILLAGE_SEED: u64 = crate::SEED ^ 0x5649_4c4c;

/// Given-name syllables of the village names (two of them, then 村).
const SYLLABLES: [&str; 24] = [
    "东", "西", "南", "北", "前", "后", "上", "下", "张", "王", "李", "陈", "沈", "杨", "湖", "塘",
    "溪", "桥", "山", "岙", "坞", "家", "埠", "浦",
];

/// One village of `villages.csv`.
pub struct DemoVillage {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub population: u32,
    pub at: P,
}

/// One community force appended to `stations.csv`.
pub struct DemoForce {
    pub id: String,
    pub name: String,
    /// `micro` or `volunteer`.
    pub class: &'static str,
    pub staff: u32,
    pub at: P,
}

/// The villages, their forces, and the deliberate gaps.
pub struct DemoVillages {
    pub villages: Vec<DemoVillage>,
    pub forces: Vec<DemoForce>,
}

impl DemoVillages {
    /// Administrative villages over 1,000 residents without a micro station (the
    /// mandatory 000 专栏6 target's failures), as `id name (residents)`.
    pub fn micro_gaps(&self) -> Vec<String> {
        self.gaps("micro", &["village"])
    }

    /// Administrative and natural villages over 1,000 residents without a volunteer team
    /// (the goal's shortfalls).
    pub fn volunteer_gaps(&self) -> Vec<String> {
        self.gaps("volunteer", &["village", "natural_village"])
    }

    fn gaps(&self, class: &str, kinds: &[&str]) -> Vec<String> {
        self.villages
            .iter()
            .filter(|v| v.population > 1000 && kinds.contains(&v.kind))
            .filter(|v| {
                !self
                    .forces
                    .iter()
                    .any(|f| f.class == class && dist(f.at, v.at) <= 1000.0)
            })
            .map(|v| format!("{} {} ({})", v.id, v.name, v.population))
            .collect()
    }
}

/// Draws the villages' residents and forces from their own stream.
pub fn make_villages(g: &Graph, layout_villages: &[Village]) -> DemoVillages {
    let mut rng = ChaCha8Rng::seed_from_u64(VILLAGE_SEED);
    let mut names = BTreeSet::new();
    let mut villages = Vec::new();
    let mut forces = Vec::new();
    for (k, v) in layout_villages.iter().enumerate() {
        let u: f64 = rng.random();
        let population = if v.hill {
            150.0 + 1200.0 * u * u * u
        } else {
            200.0 + 1800.0 * u * u * u
        };
        let population = (population / 10.0).round() as u32 * 10;
        let kind = if v.hill && population < 700 {
            "natural_village"
        } else {
            "village"
        };
        let name = loop {
            let a = SYLLABLES[rng.random_range(0..SYLLABLES.len())];
            let b = SYLLABLES[rng.random_range(0..SYLLABLES.len())];
            let name = format!("{a}{b}村");
            if a != b && names.insert(name.clone()) {
                break name;
            }
        };
        let id = format!("V{:03}", k + 1);
        // The village's own road node nearest its centre: forces stand beside it.
        let near = g
            .nodes
            .iter()
            .copied()
            .min_by(|a, b| dist(*a, v.center).total_cmp(&dist(*b, v.center)))
            .filter(|p| dist(*p, v.center) < 400.0);
        let (micro, volunteer) = if population > 1000 {
            (rng.random::<f64>() < 0.85, rng.random::<f64>() < 0.5)
        } else {
            (false, rng.random::<f64>() < 0.08)
        };
        if let Some(p) = near {
            if micro {
                forces.push(DemoForce {
                    id: format!("VM{:03}", k + 1),
                    name: format!("{name}微型消防站"),
                    class: "micro",
                    staff: 6,
                    at: p + P { x: 15.0, y: 15.0 },
                });
            }
            if volunteer {
                forces.push(DemoForce {
                    id: format!("VT{:03}", k + 1),
                    name: format!("{name}志愿消防队"),
                    class: "volunteer",
                    staff: rng.random_range(8..20),
                    at: p + P { x: -20.0, y: 10.0 },
                });
            }
        }
        villages.push(DemoVillage {
            id,
            name,
            kind,
            population,
            at: v.center,
        });
    }
    DemoVillages { villages, forces }
}

/// `villages.csv`: `id,name,lon,lat,population,kind`.
pub fn villages_csv(fr: &Frame, v: &DemoVillages) -> String {
    let mut s = String::from("id,name,lon,lat,population,kind\n");
    for x in &v.villages {
        let (lon, lat) = fr.lonlat(x.at);
        let _ = writeln!(
            s,
            "{},{},{lon:.7},{lat:.7},{},{}",
            x.id, x.name, x.population, x.kind
        );
    }
    s
}

/// The forces as rows of `stations.csv` (appended after the 28 stations).
pub fn station_rows(fr: &Frame, ds: &[District], v: &DemoVillages) -> String {
    let mut s = String::new();
    for f in &v.forces {
        let (lon, lat) = fr.lonlat(f.at);
        let district = district_of(ds, f.at).map(|d| ds[d].name).unwrap_or("");
        let _ = writeln!(
            s,
            "{},{},{},{lon:.7},{lat:.7},{district},{},,,existing,,",
            f.id, f.name, f.class, f.staff
        );
    }
    s
}
