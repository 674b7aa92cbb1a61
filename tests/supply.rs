//! Logistics-support reach and capacity (战勤保障) on a hand-computed network, its variants
//! and bad inputs, the CLI, and the real Liechtenstein extract against petgraph.
//!
//! # The hand-computed network (tests/data/supply)
//!
//! Logistics speeds (DESIGN §3: class speed × 0.85, capped at 70 km/h): primary 42.5 km/h,
//! secondary 38.25 km/h, residential 21.25 km/h, motorway (overridden to 100 km/h) 85 → 70
//! km/h. Edges, both ways:
//!
//! ```text
//!   n0 —primary 4,250 m: 360 s— n1 —primary 4,250 m: 360 s— n2 —secondary 4,590 m: 432 s— n3
//!    \                                                                                    |
//!     \—————————————— motorway 14,000 m: 720 s (uncapped 85 km/h would be 593 s) ———— n4 —residential 1,062.5 m: 180 s
//!                                                                                          |
//!                                                                    n5 —residential 2,550 m: 432 s— n4
//! ```
//!
//! Support points: C1 city at n0 (a reserve depot with no declared capacity: none, DESIGN
//! §5), K1 county at n1 (own capacity 50), K2 county at n4 (none declared), T1 town at n2
//! (no reach time, no capacity), and the logistics station L1 at n3 as a county point
//! (the county capability, 100). Shortest road times (s):
//!
//! | from | n0 | n1 | n2 | n3 | n4 | n5 |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | C1 (n0) | 0 | 360 | 720 | 900 (via n4) | 720 | 1152 |
//! | K1 (n1) | 360 | 0 | 360 | 792 | 972 (via n3) | 1404 |
//! | K2 (n4) | 720 | 972 (via n2) | 612 | 180 | 0 | 432 |
//! | L1 (n3) | 900 | 792 | 432 | 0 | 180 | 612 |
//! | T1 (n2) | 720 | 360 | 0 | 432 | 612 | 1044 |
//!
//! Places: S1 at n0, S2 at n2, S3 halfway n1–n2 (180 s from either end), S4 100 m south of
//! n3 (access leg 100 m at 15 km/h = 24 s), L1 at n3, S5 at n5; X1 is closed (no row).
//! County reach time 420 s (scenario), city 3,600 s (default). County, nearest / second:
//! - S1: K1 360 (margin (420 − 360)/60 = +1.0 min) / K2 720 (−5.0);
//! - S2: K1 360 (+1.0) / L1 432 (−0.2);
//! - S3: K1 0 + 180 = 180 (+4.0) / L1 432 + 180 = 612 (−3.2);
//! - S4: L1 0 + 24 = 24 (+6.6; same segment, no road) / K2 180 + 24 = 204 (+3.6);
//! - L1 itself: 0 (+7.0) / K2 180 (+4.0);
//! - S5: K2 432 (**fail**, −0.2) / L1 612 (−3.2).
//!
//! City (C1 only): S1 0 (+60.0), S2 720 (+48.0), S3 360 + 180 = 540 (+51.0), S4 900 + 24 =
//! 924 (+44.6), L1 900 (+45.0), S5 1152 (+40.8).
//!
//! Districts: 西片 (x < 5,250 m: D1 at n1 weight 1, D2 halfway n0–n1 weight 2; centroid =
//! D2's place) and 东片 (D3 at n5 weight 1, D4 = S4's place weight 1, D5 200 m north of n5
//! weight 0; centroid halfway n2–n3, 216 s from either end). County worst points: 西片 D2,
//! K1 180 (+4.0); 东片 D3, K2 432 (−0.2; D5 would be 480 s but weighs 0); within 420 s:
//! 西片 3 of 3 weight, 东片 D4 only = 1 of 2. Centroids: 西片 K1 180 / K2 720 + 180 = 900;
//! 东片 L1 216 (+3.4) / K2 180 + 216 = 396. City worst: 西片 D1 360 (+54.0), 东片 D3 1152.
//!
//! Worst margins: county −0.2 min (S5 and 东片's D3), city +40.8 min (S5 and D3).
//! Capacity (responding stations only, so not L1): county — K1 ← S1 30 + S2 20 + S3 25 =
//! 75 > 50 (**over-subscribed**), L1 ← S4 (no staff figure: 0, one unknown), K2 ← S5 40
//! (no capacity to compare with); city — C1 ← 30 + 20 + 25 + 40 = 115 (none).

mod common;

use std::path::{Path, PathBuf};

use fireplan::load::load;
use fireplan::model::DepotLevel;
use fireplan::params::{Crs, Scenario};
use fireplan::run::run;
use fireplan::supply::reach::ReachStatus;
use fireplan::supply::Supply;
use petgraph::graph::{DiGraph, NodeIndex};

use common::{csv_rows, data, fireplan, quiet, read_json, root, shared};

const TOL_S: f64 = 1e-3;

/// A copy of the fixture in a temporary folder, with files replaced or edited.
struct Copy {
    dir: tempfile::TempDir,
}

impl Copy {
    fn new() -> Copy {
        let dir = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(data("supply")).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
        Copy { dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, text: &str) -> &Self {
        std::fs::write(self.path(name), text).unwrap();
        self
    }
    fn edit(&self, name: &str, f: impl FnOnce(String) -> String) -> &Self {
        let text = std::fs::read_to_string(self.path(name)).unwrap();
        self.write(name, &f(text))
    }
    fn scenario(&self) -> PathBuf {
        self.path("scenario.toml")
    }
    fn supply(&self) -> Supply {
        supply_of(&self.scenario())
    }
}

fn supply_of(scenario: &Path) -> Supply {
    let sc = Scenario::load(scenario).unwrap();
    run(&sc, &quiet())
        .unwrap()
        .supply
        .expect("the scenario has depots")
}

/// Issue 19: node ids of a CSV network are text. The fixture with its integer ids replaced
/// by a prefixed id, a street-file id with a space, a GUID, Chinese text, an id with a
/// leading zero (text, so `0014` is not `14`) and a negative number gives the same
/// coverage and supply as the original; an edge naming an id in the wrong letter case is
/// refused with a hint.
#[test]
fn text_node_ids_give_the_same_results() {
    let ids = [
        ("10", "n10"),
        ("11", "CNN 12345"),
        ("12", "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}"),
        ("13", "路口13"),
        ("14", "0014"),
        ("15", "-15"),
    ];
    let rename = |text: String| -> String {
        text.lines()
            .map(|line| {
                let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
                for cell in cells.iter_mut().take(2) {
                    if let Some((_, new)) = ids.iter().find(|(old, _)| *old == cell.as_str()) {
                        *cell = new.to_string();
                    }
                }
                cells.join(",") + "\n"
            })
            .collect()
    };
    let copy = Copy::new();
    copy.edit("nodes.csv", rename).edit("edges.csv", rename);
    let edges = std::fs::read_to_string(copy.path("edges.csv")).unwrap();
    assert!(edges.contains("CNN 12345,{3f2504e0-4f89-11d3-9a0c-0305e82c3301},primary"));

    let original = run(
        &Scenario::load(&data("supply/scenario.toml")).unwrap(),
        &quiet(),
    )
    .unwrap();
    let renamed = run(&Scenario::load(&copy.scenario()).unwrap(), &quiet()).unwrap();
    let firsts = |r: &fireplan::run::RunResult| -> Vec<Option<(u32, f64)>> {
        r.coverage.demand.iter().map(|d| d.response.first).collect()
    };
    assert_eq!(firsts(&renamed), firsts(&original));
    assert_eq!(renamed.coverage.region, original.coverage.region);
    assert_eq!(
        serde_json::to_value(&renamed.supply).unwrap(),
        serde_json::to_value(&original.supply).unwrap()
    );
    let (a, b) = (&renamed.prepared.network, &original.prepared.network);
    assert_eq!(
        (&a.head, &a.edge_time_s),
        (&b.head, &b.edge_time_s),
        "the same roads"
    );

    copy.edit("edges.csv", |t| {
        t.replacen("n10,CNN 12345", "N10,CNN 12345", 1)
    });
    let e = run_error(&copy.scenario());
    for part in [
        "edges.csv",
        "line 2",
        "field `from`",
        "unknown node id `N10`",
        "did you mean `n10`",
    ] {
        assert!(e.contains(part), "{part:?} not in: {e}");
    }
}

/// The error of running a scenario, as the CLI prints it.
fn run_error(scenario: &Path) -> String {
    match Scenario::load(scenario).and_then(|sc| run(&sc, &quiet()).map(|_| ())) {
        Ok(()) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

/// (nearest label, seconds, second label, seconds, status) of a station at a level.
fn station_row(
    sup: &Supply,
    stations: &[fireplan::model::Station],
    id: &str,
    level: DepotLevel,
) -> (String, f64, String, f64, ReachStatus) {
    let li = sup.level_index(level).unwrap();
    let r = sup
        .stations
        .iter()
        .find(|s| stations[s.station].id == id)
        .unwrap()
        .levels[li];
    let name = |x: Option<(usize, f64)>| x.map_or(String::new(), |x| sup.points[x.0].label.clone());
    (
        name(r.nearest),
        r.nearest.map_or(f64::NAN, |x| x.1),
        name(r.second),
        r.second.map_or(f64::NAN, |x| x.1),
        r.status,
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < TOL_S || (a.is_nan() && b.is_nan())
}

#[test]
fn hand_computed_reach_margins_and_capacity() {
    let sc = Scenario::load(&data("supply/scenario.toml")).unwrap();
    let r = run(&sc, &quiet()).unwrap();
    let sup = r.supply.as_ref().unwrap();
    let stations = &r.inputs.stations;
    let levels: Vec<DepotLevel> = sup.levels.iter().map(|l| l.level).collect();
    assert_eq!(
        levels,
        [DepotLevel::City, DepotLevel::County, DepotLevel::Town]
    );
    assert_eq!(sup.levels[1].reach_s, Some(420.0));
    assert_eq!(sup.levels[2].reach_s, None); // town: no default reach time
                                             // Points sorted by (level, label).
    let labels: Vec<&str> = sup.points.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["C1", "K1", "K2", "L1", "T1"]);

    use DepotLevel::*;
    use ReachStatus::*;
    let nan = f64::NAN;
    let expect: &[(&str, DepotLevel, &str, f64, &str, f64, ReachStatus)] = &[
        ("S1", County, "K1", 360.0, "K2", 720.0, Pass),
        ("S2", County, "K1", 360.0, "L1", 432.0, Pass),
        ("S3", County, "K1", 180.0, "L1", 612.0, Pass),
        ("S4", County, "L1", 24.0, "K2", 204.0, Pass),
        ("L1", County, "L1", 0.0, "K2", 180.0, Pass),
        ("S5", County, "K2", 432.0, "L1", 612.0, Fail),
        ("S1", City, "C1", 0.0, "", nan, Pass),
        ("S2", City, "C1", 720.0, "", nan, Pass),
        ("S3", City, "C1", 540.0, "", nan, Pass),
        ("S4", City, "C1", 924.0, "", nan, Pass),
        ("L1", City, "C1", 900.0, "", nan, Pass),
        ("S5", City, "C1", 1152.0, "", nan, Pass),
        ("S1", Town, "T1", 720.0, "", nan, Reported),
        ("S3", Town, "T1", 180.0, "", nan, Reported),
        ("S4", Town, "T1", 456.0, "", nan, Reported),
        ("S5", Town, "T1", 1044.0, "", nan, Reported),
    ];
    for &(id, level, n, t, s, t2, status) in expect {
        let got = station_row(sup, stations, id, level);
        assert!(
            got.0 == n && close(got.1, t) && got.2 == s && close(got.3, t2) && got.4 == status,
            "{id} {level:?}: got {got:?}, expected {:?}",
            (n, t, s, t2, status)
        );
    }
    // Margins in minutes, and the closed station has no row.
    let li = sup.level_index(County).unwrap();
    let s5 = sup
        .stations
        .iter()
        .find(|s| stations[s.station].id == "S5")
        .unwrap();
    assert!(close(s5.levels[li].margin_min().unwrap(), -0.2));
    assert!(close(s5.levels[li].second_margin_min().unwrap(), -3.2));
    assert_eq!(sup.stations.len(), 6);
    assert!(!sup.stations.iter().any(|s| stations[s.station].id == "X1"));

    // Districts.
    let d = |name: &str| {
        sup.districts
            .iter()
            .find(|d| r.inputs.districts[d.district].name == name)
            .unwrap()
    };
    let demand = r.inputs.demand.as_ref().unwrap();
    let worst_id = |w: &fireplan::supply::reach::Worst| match w.place {
        fireplan::supply::reach::WorstPlace::Demand(i) => demand[i].id.clone(),
        _ => "road".into(),
    };
    let west = &d("西片").levels[li];
    let w = west.worst.unwrap();
    assert_eq!(worst_id(&w), "D2");
    assert!(close(w.reach.nearest.unwrap().1, 180.0) && close(w.reach.second.unwrap().1, 900.0));
    assert!(close(west.centroid.reach.nearest.unwrap().1, 180.0));
    assert_eq!(west.demand_within_share, Some(1.0));
    let east = &d("东片").levels[li];
    let w = east.worst.unwrap();
    assert_eq!(worst_id(&w), "D3"); // D5 is later (480 s) but weighs 0
    assert_eq!(w.reach.status, Fail);
    assert!(close(w.reach.nearest.unwrap().1, 432.0));
    assert!(close(east.centroid.reach.nearest.unwrap().1, 216.0));
    assert!(close(east.centroid.reach.second.unwrap().1, 396.0));
    assert_eq!(east.demand_within_share, Some(0.5));
    let ci = sup.level_index(City).unwrap();
    assert_eq!(worst_id(&d("西片").levels[ci].worst.unwrap()), "D1");
    assert!(close(
        d("西片").levels[ci].worst.unwrap().reach.nearest.unwrap().1,
        360.0
    ));

    // Worst margins and the verdict.
    assert!(close(sup.worst_margin_min(li).unwrap(), -0.2));
    assert!(close(sup.worst_margin_min(ci).unwrap(), 40.8));
    assert_eq!(sup.worst_margin_min(sup.level_index(Town).unwrap()), None);
    assert!(!sup.reach_ok());

    // Capacity.
    let load = |label: &str| {
        let p = sup.points.iter().position(|p| p.label == label).unwrap();
        &sup.loads[p]
    };
    let ids = |l: &fireplan::supply::capacity::PointLoad| -> Vec<String> {
        l.stations.iter().map(|&i| stations[i].id.clone()).collect()
    };
    assert_eq!(ids(load("K1")), ["S1", "S2", "S3"]);
    assert_eq!(
        (load("K1").staff_persons, load("K1").capacity_persons),
        (75, Some(50.0))
    );
    assert!(load("K1").over_subscribed());
    assert_eq!(ids(load("L1")), ["S4"]);
    assert_eq!((load("L1").staff_persons, load("L1").unknown_staff), (0, 1));
    assert_eq!(
        (load("K2").staff_persons, load("K2").capacity_persons),
        (40, None)
    );
    assert_eq!(
        (load("C1").staff_persons, load("C1").capacity_persons),
        (115, None)
    );
    assert_eq!(load("T1").capacity_persons, None);
    assert!(!sup.capacity_ok());
    let over: Vec<&str> = sup
        .over_subscribed()
        .iter()
        .map(|&p| sup.points[p].label.as_str())
        .collect();
    assert_eq!(over, ["K1"]);
    assert!(sup.findings.is_empty(), "{:?}", sup.findings);
}

#[test]
fn logistics_profile_is_its_own_network_with_the_70_kmh_cap() {
    let sc = Scenario::load(&data("supply/scenario.toml")).unwrap();
    let (_, emergency) = load(&sc, &quiet()).unwrap();
    let logistics = fireplan::load::prepare_logistics(&sc, &quiet(), Some(&emergency)).unwrap();
    let time = |net: &fireplan::network::Network, a: u32, b: u32| {
        net.out_edges(a).find(|e| e.0 == b).unwrap().1 as f64
    };
    // Motorway n4 → n0: emergency 100 km/h → 504 s; logistics 85 → capped 70 km/h → 720 s.
    assert!(close(time(&emergency.network, 4, 0), 504.0));
    assert!(close(time(&logistics.network, 4, 0), 720.0));
    // Primary: 50 km/h → 306 s; × 0.85 = 42.5 km/h → 360 s.
    assert!(close(time(&emergency.network, 0, 1), 306.0));
    assert!(close(time(&logistics.network, 0, 1), 360.0));
    // Same graph otherwise.
    fireplan::load::network::check_same_graph(&emergency.network, &logistics.network).unwrap();
    let mut other = logistics.network.clone();
    other.segments.swap(0, 1);
    let e = fireplan::load::network::check_same_graph(&emergency.network, &other).unwrap_err();
    assert!(e.to_string().contains("segment 0 differs"), "{e}");
}

#[test]
fn removing_a_depot_makes_the_second_nearest_take_over() {
    let base = supply_of(&data("supply/scenario.toml"));
    let c = Copy::new();
    c.edit("depots.csv", |t| {
        t.lines()
            .filter(|l| !l.starts_with("K1,"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let sc = Scenario::load(&c.scenario()).unwrap();
    let r = run(&sc, &quiet()).unwrap();
    let without = r.supply.as_ref().unwrap();
    let li = base.level_index(DepotLevel::County).unwrap();
    let label = |s: &Supply, x: Option<(usize, f64)>| x.map(|x| s.points[x.0].label.clone());
    let mut taken_over = 0;
    for (a, b) in base.stations.iter().zip(&without.stations) {
        let (ra, rb) = (a.levels[li], b.levels[li]);
        if label(&base, ra.nearest).as_deref() == Some("K1") {
            // The old second-nearest is the new nearest, with the same time.
            assert_eq!(label(without, rb.nearest), label(&base, ra.second));
            assert!(close(rb.nearest.unwrap().1, ra.second.unwrap().1));
            taken_over += 1;
        } else {
            assert_eq!(label(without, rb.nearest), label(&base, ra.nearest));
        }
    }
    assert_eq!(taken_over, 3); // S1, S2, S3
                               // S1 → K2 720 s (−5.0 min), S2 → L1 432 s, S3 → L1 612 s.
    let st = &r.inputs.stations;
    assert_eq!(station_row(without, st, "S1", DepotLevel::County).0, "K2");
    assert!(close(
        station_row(without, st, "S1", DepotLevel::County).1,
        720.0
    ));
    assert!(close(
        station_row(without, st, "S3", DepotLevel::County).1,
        612.0
    ));
    // Loads move with the stations: K2 ← S1 30 + S5 40; L1 ← S2 20 + S3 25 + S4 (unknown).
    let load = |l: &str| {
        let p = without.points.iter().position(|p| p.label == l).unwrap();
        without.loads[p].staff_persons
    };
    assert_eq!((load("K2"), load("L1")), (70, 45));
    assert!(without.capacity_ok());
}

#[test]
fn results_do_not_depend_on_file_order() {
    let base = Copy::new();
    let out_a = base.path("out_a");
    let c = Copy::new();
    c.edit("depots.csv", |t| {
        let mut lines: Vec<&str> = t.lines().collect();
        lines[1..].reverse();
        lines.join("\n") + "\n"
    });
    let out_b = c.path("out_b");
    for (sc, out) in [(base.scenario(), &out_a), (c.scenario(), &out_b)] {
        let st = fireplan()
            .args(["supply", "-q", "--no-cache", "--out"])
            .arg(out)
            .arg(sc)
            .status()
            .unwrap();
        assert!(st.success());
    }
    for f in ["supply_reach.csv", "supply_districts.csv", "supply.geojson"] {
        assert_eq!(
            std::fs::read(out_a.join(f)).unwrap(),
            std::fs::read(out_b.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn town_reach_time_when_given() {
    let c = Copy::new();
    c.edit("scenario.toml", |t| t + "town = 500\n");
    let sup = c.supply();
    let sc = Scenario::load(&c.scenario()).unwrap();
    let stations =
        fireplan::io::tables::read_stations(&sc.stations_file, Crs::Wgs84, None).unwrap();
    // T1 at n2: S1 720 s (fail, −3.67 min), S3 180 s (pass), S4 456 s (pass).
    assert_eq!(
        station_row(&sup, &stations, "S1", DepotLevel::Town).4,
        ReachStatus::Fail
    );
    assert_eq!(
        station_row(&sup, &stations, "S3", DepotLevel::Town).4,
        ReachStatus::Pass
    );
    assert_eq!(
        station_row(&sup, &stations, "S4", DepotLevel::Town).4,
        ReachStatus::Pass
    );
    let ti = sup.level_index(DepotLevel::Town).unwrap();
    // Worst: S5 at 1044 s → (500 − 1044) / 60.
    assert!(close(
        sup.worst_margin_min(ti).unwrap(),
        (500.0 - 1044.0) / 60.0
    ));
}

#[test]
fn area_restricts_which_depots_must_reach_a_place() {
    let c = Copy::new();
    // The same depots with an `area` column: K1 and C1 serve 西片 only.
    c.write(
        "depots.csv",
        "id,name,level,lon,lat,capacity_persons,area\n\
         C1,市级储备库,city,120.000000000,30.000000000,,西片\n\
         K1,县级储备库甲,county,120.038221115,30.000000000,50,西片\n\
         K2,县级储备库乙,county,120.117721036,30.009555279,,\n\
         T1,乡镇储备点,town,120.076442231,30.000000000,,\n",
    );
    let sup = c.supply();
    let sc = Scenario::load(&c.scenario()).unwrap();
    let st = fireplan::io::tables::read_stations(&sc.stations_file, Crs::Wgs84, None).unwrap();
    // K1 serves 西片 only: S1 (西片) keeps it; S2 and S3 (东片) fall back to L1.
    assert_eq!(station_row(&sup, &st, "S1", DepotLevel::County).0, "K1");
    let s2 = station_row(&sup, &st, "S2", DepotLevel::County);
    assert_eq!(
        (s2.0.as_str(), s2.2.as_str(), s2.4),
        ("L1", "K2", ReachStatus::Fail)
    );
    assert!(close(s2.1, 432.0) && close(s2.3, 612.0));
    assert_eq!(station_row(&sup, &st, "S3", DepotLevel::County).0, "L1");
    // The only city depot serves 西片: places in 东片 have nothing to check at city level…
    assert_eq!(
        station_row(&sup, &st, "S5", DepotLevel::City).4,
        ReachStatus::OutsideArea
    );
    assert_eq!(
        station_row(&sup, &st, "S1", DepotLevel::City).4,
        ReachStatus::Pass
    );
    // …unless the scenario requires city-level reach everywhere.
    c.edit("scenario.toml", |t| {
        t.replace(
            "[supply.reach_s]",
            "[supply]\nrequired_levels = [\"city\"]\n[supply.reach_s]",
        )
    });
    let sup = c.supply();
    assert_eq!(
        station_row(&sup, &st, "S5", DepotLevel::City).4,
        ReachStatus::NoDepot
    );
    assert!(!sup.reach_ok());
    // Unknown district name in `area`: the depots file, its line and the field.
    c.edit("depots.csv", |t| t.replace(",50,西片", ",50,西区"));
    let e = run_error(&c.scenario());
    assert!(
        e.contains("depots.csv, line 3: field `area`") && e.contains("西区") && e.contains("西片"),
        "{e}"
    );
}

/// Without demand a district's worst place is the road point reached last (the exact
/// maximum of the lower envelope). County (420 s):
/// - 西片 has one segment, n0–n1: min(K1 from n0: 360 + 360 g, K1 from n1: 360 (1 − g)) is
///   largest at n0 (g = 0): 360 s, +1.0 min;
/// - 东片: n1–n2 at most 360 s, n2–n3 at most 396 s (360 + 432 g = 432 (1 − g) at g = 1/12),
///   n3–n4 90 s, n4–n5 432 s (at n5), and the motorway (midpoint in 东片): K1 from n0
///   360 + 720 g meets K2 from n4 720 (1 − g) at g = 1/4: **540 s**, −2.0 min (the tie goes
///   to the lower point, K1).
#[test]
fn district_without_demand_uses_its_worst_road_point() {
    let c = Copy::new();
    c.edit("scenario.toml", |t| {
        t.replace("[demand]\nfile = \"demand.csv\"\n", "")
    });
    let sc = Scenario::load(&c.scenario()).unwrap();
    let r = run(&sc, &quiet()).unwrap();
    let sup = r.supply.as_ref().unwrap();
    let li = sup.level_index(DepotLevel::County).unwrap();
    let worst = |name: &str| {
        let d = sup
            .districts
            .iter()
            .find(|d| r.inputs.districts[d.district].name == name)
            .unwrap();
        d.levels[li].worst.unwrap()
    };
    use fireplan::supply::reach::WorstPlace;
    let w = worst("西片");
    assert_eq!(
        w.place,
        WorstPlace::Road {
            segment: 0,
            fraction: 0.0
        }
    );
    assert!(close(w.reach.nearest.unwrap().1, 360.0));
    assert!(close(w.reach.margin_min().unwrap(), 1.0));
    let e = worst("东片");
    let WorstPlace::Road { segment, fraction } = e.place else {
        panic!("{e:?}")
    };
    assert_eq!(segment, 4); // the motorway, fifth edge of edges.csv
    assert!((fraction - 0.25).abs() < 1e-9);
    assert_eq!(sup.points[e.reach.nearest.unwrap().0].label, "K1");
    assert!(close(e.reach.nearest.unwrap().1, 540.0));
    assert_eq!(e.reach.status, ReachStatus::Fail);
    assert!(close(sup.worst_margin_min(li).unwrap(), -2.0));
}

#[test]
fn logistics_stations_can_be_left_out() {
    let c = Copy::new();
    c.edit("scenario.toml", |t| {
        t.replace(
            "[supply.reach_s]",
            "[supply]\nlogistics_stations = false\n[supply.reach_s]",
        )
    });
    let sup = c.supply();
    assert!(sup.points.iter().all(|p| p.label != "L1"));
    let st =
        fireplan::io::tables::read_stations(&c.path("stations.csv"), Crs::Wgs84, None).unwrap();
    // S4 now: K2 204 s, K1 792 + 24 = 816 s.
    let s4 = station_row(&sup, &st, "S4", DepotLevel::County);
    assert_eq!((s4.0.as_str(), s4.2.as_str()), ("K2", "K1"));
    assert!(close(s4.1, 204.0) && close(s4.3, 816.0));
}

// ---------------------------------------------------------------------------------------
// Bad input: every message names the file, the line (or key) and the field.

#[test]
fn unknown_depot_level_names_file_line_and_field() {
    let c = Copy::new();
    c.edit("depots.csv", |t| {
        t.replace(",county,120.117721036", ",provincial,120.117721036")
    });
    let e = run_error(&c.scenario());
    assert!(
        e.contains("depots.csv, line 4: field `level`") && e.contains("provincial"),
        "{e}"
    );
}

#[test]
fn negative_capacity_names_file_line_and_field() {
    let c = Copy::new();
    c.edit("depots.csv", |t| t.replace(",50\n", ",-50\n"));
    let e = run_error(&c.scenario());
    assert!(
        e.contains("depots.csv, line 3: field `capacity_persons`") && e.contains("-50"),
        "{e}"
    );
}

#[test]
fn depot_off_the_network_is_a_finding_naming_file_line_and_field() {
    let c = Copy::new();
    // K2 moved 2 km north of n4 (0.0179864 degrees of latitude).
    c.edit("depots.csv", |t| t.replace("30.009555279", "30.027541682"));
    let sup = c.supply();
    assert_eq!(sup.findings.len(), 1);
    let f = sup.findings[0].to_string();
    assert!(
        f.contains("depots.csv, line 4: field `lon/lat`")
            && f.contains("`K2`")
            && f.contains("2000 m")
            && f.contains("max_snap_m 500"),
        "{f}"
    );
    let k2 = sup.points.iter().find(|p| p.label == "K2").unwrap();
    assert!(!k2.usable());
    // K2 no longer reaches anyone: S5's nearest county point is L1 at 612 s.
    let st =
        fireplan::io::tables::read_stations(&c.path("stations.csv"), Crs::Wgs84, None).unwrap();
    let s5 = station_row(&sup, &st, "S5", DepotLevel::County);
    assert_eq!(s5.0, "L1");
    assert!(close(s5.1, 612.0));
}

#[test]
fn logistics_station_off_the_network_is_a_finding() {
    let c = Copy::new();
    c.edit("stations.csv", |t| {
        t.replace(
            "L1,战勤保障站,logistics,120.117721036,30.000000000",
            "L1,战勤保障站,logistics,120.117721036,29.990000000",
        )
    });
    let sup = c.supply();
    let f = sup
        .findings
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        f.contains("stations.csv, line 6: field `lon/lat`") && f.contains("logistics-station `L1`"),
        "{f}"
    );
}

#[test]
fn required_level_without_depot_is_a_finding_and_fails_reach() {
    let c = Copy::new();
    c.edit("scenario.toml", |t| {
        t.replace(
            "[supply.reach_s]",
            "[supply]\nrequired_levels = [\"regional\"]\n[supply.reach_s]",
        )
    });
    let sup = c.supply();
    let f = sup
        .findings
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        f.contains("scenario.toml, key `supply.required_levels`: field `regional`")
            && f.contains("depots.csv"),
        "{f}"
    );
    let ri = sup.level_index(DepotLevel::Regional).unwrap();
    assert!(sup
        .stations
        .iter()
        .all(|s| s.levels[ri].status == ReachStatus::NoDepot));
    assert!(!sup.reach_ok());
    assert_eq!(sup.worst_margin_min(ri), None);
}

#[test]
fn bad_supply_section_names_file_key_and_field() {
    let cases: &[(&str, &str)] = &[
        (
            "provincial = 7200\n",
            "key `supply.reach_s.provincial`: field `provincial`",
        ),
        ("city = -60\n", "key `supply.reach_s.city`: field `city`"),
        (
            "[supply.capacity_persons]\ncounty = -1\n",
            "key `supply.capacity_persons.county`: field `county`",
        ),
        (
            "[supply.capacity_persons]\ncountry = 10\n",
            "did you mean `county`",
        ),
    ];
    for (extra, expect) in cases {
        let c = Copy::new();
        c.edit("scenario.toml", |t| t + extra);
        let e = run_error(&c.scenario());
        assert!(
            e.contains("scenario.toml") && e.contains(expect),
            "{extra}: {e}"
        );
    }
    let c = Copy::new();
    c.edit("scenario.toml", |t| {
        t.replace(
            "[supply.reach_s]",
            "[supply]\nrequired_level = [\"city\"]\n[supply.reach_s]",
        )
    });
    let e = run_error(&c.scenario());
    assert!(
        e.contains("key `supply.required_level`") && e.contains("did you mean `required_levels`"),
        "{e}"
    );
    let c = Copy::new();
    c.edit("scenario.toml", |t| {
        t.replace(
            "[supply.reach_s]",
            "[supply]\nrequired_levels = [\"province\"]\n[supply.reach_s]",
        )
    });
    let e = run_error(&c.scenario());
    assert!(
        e.contains("key `supply.required_levels`: field `required_levels`")
            && e.contains("entered as `regional`"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// The binary.

#[test]
fn cli_supply_writes_the_tables_layer_and_summary() {
    let out = tempfile::tempdir().unwrap();
    let o = fireplan()
        .args(["supply", "-q", "--no-cache", "--out"])
        .arg(out.path())
        .arg(data("supply/scenario.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("over-subscribed: K1 (75 persons to sustain, capacity 50)"),
        "{stdout}"
    );

    let rows = csv_rows(&out.path().join("supply_reach.csv"));
    assert_eq!(rows.len(), 6 * 3); // six stations (X1 closed) × city, county, town
    let row = |id: &str, level: &str| {
        rows.iter()
            .find(|r| r["id"] == id && r["level"] == level)
            .unwrap()
            .clone()
    };
    let s5 = row("S5", "county");
    assert_eq!(
        [
            &s5["nearest"],
            &s5["nearest_s"],
            &s5["margin_min"],
            &s5["result"]
        ],
        ["K2", "432.0", "-0.20", "fail"]
    );
    assert_eq!(
        [
            &s5["second"],
            &s5["second_s"],
            &s5["second_margin_min"],
            &s5["second_result"]
        ],
        ["L1", "612.0", "-3.20", "fail"]
    );
    assert_eq!(row("S4", "county")["snap_m"], "100.0");
    assert_eq!(row("S4", "county")["nearest_s"], "24.0");
    assert_eq!(row("S1", "town")["result"], "reported");
    assert_eq!(row("S1", "town")["margin_min"], "");

    let d = csv_rows(&out.path().join("supply_districts.csv"));
    let east = d
        .iter()
        .find(|r| r["district"] == "东片" && r["level"] == "county")
        .unwrap();
    assert_eq!(
        [
            &east["worst_place"],
            &east["worst_nearest"],
            &east["worst_s"],
            &east["worst_result"]
        ],
        ["D3", "K2", "432.0", "fail"]
    );
    assert_eq!(
        [
            &east["centroid_nearest"],
            &east["centroid_s"],
            &east["centroid_margin_min"]
        ],
        ["L1", "216.0", "3.40"]
    );
    assert_eq!(east["demand_within_share"], "0.5000");

    let s = read_json(&out.path().join("supply_summary.json"));
    assert_eq!(s["supply_reach_ok"], false);
    assert_eq!(s["supply_capacity_ok"], false);
    assert_eq!(s["supply_over_subscribed"], serde_json::json!(["K1"]));
    assert!((s["supply_worst_margin_min"]["county"].as_f64().unwrap() + 0.2).abs() < 1e-4);
    assert!((s["supply_worst_margin_min"]["city"].as_f64().unwrap() - 40.8).abs() < 1e-4);
    assert!(s["supply_worst_margin_min"]["town"].is_null());

    let g = read_json(&out.path().join("supply.geojson"));
    let feats = g["features"].as_array().unwrap();
    let points: Vec<&serde_json::Value> = feats
        .iter()
        .filter(|f| f["properties"]["layer"] == "support_point")
        .collect();
    assert_eq!(points.len(), 5);
    let k1 = points
        .iter()
        .find(|f| f["properties"]["id"] == "K1")
        .unwrap();
    assert_eq!(k1["properties"]["over_subscribed"], true);
    assert_eq!(k1["properties"]["staff_persons"], 75);
    // County reach (420 s): road metres within 420 s, by the point nearest at each
    // segment's midpoint (ties: the lower point in (level, label) order).
    // - n0–n1 (360 s): from n1 (K1) 360 (1 − g) ≤ 420 everywhere → 4,250 m, K1;
    // - n1–n2 (360 s): K1 from n1, K1 360 from n2 → 4,250 m, K1;
    // - n2–n3 (432 s): from n3 (L1) 432 (1 − g) ≤ 420 for g ≥ 0.028, from n2 (K1 360)
    //   360 + 432 g ≤ 420 for g ≤ 0.139 → whole, 4,590 m; midpoint L1 216 < K1 576 → L1;
    // - n3–n4 (180 s): whole, 1,062.5 m; midpoint K2 90 = L1 90 → K2 (before L1);
    // - motorway n0–n4 (720 s): from n0 (K1 360) g ≤ 60/720, from n4 (K2 0) g ≥ 300/720
    //   → 480/720 of 14,000 = 9,333.3 m; midpoint K2 360 < K1 720 → K2;
    // - n4–n5 (432 s): from n4 (K2) 432 g ≤ 420 → 420/432 of 2,550 = 2,479.2 m, K2.
    // K1 8.5 km, L1 4.59 km, K2 1,062.5 + 9,333.3 + 2,479.2 = 12,875 m.
    let reach = |id: &str| {
        feats
            .iter()
            .find(|f| {
                f["properties"]["layer"] == "reach"
                    && f["properties"]["level"] == "county"
                    && f["properties"]["id"] == id
            })
            .map(|f| f["properties"]["road_km"].as_f64().unwrap())
    };
    assert_eq!(reach("K1"), Some(8.5));
    assert_eq!(reach("L1"), Some(4.59));
    assert!((reach("K2").unwrap() - 12.875).abs() < 0.006);
    let md = std::fs::read_to_string(out.path().join("supply_report.md")).unwrap();
    assert!(
        md.contains("战勤保障") && md.contains("**over-subscribed**") && md.contains("**fail**")
    );
}

#[test]
fn run_includes_supply_when_depots_are_given() {
    let out = tempfile::tempdir().unwrap();
    let st = fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(out.path())
        .arg(data("supply/scenario.toml"))
        .status()
        .unwrap();
    assert!(st.success());
    for f in ["supply_reach.csv", "supply_districts.csv", "supply.geojson"] {
        assert!(out.path().join(f).exists(), "{f}");
    }
    let s = read_json(&out.path().join("summary.json"));
    assert_eq!(s["supply_reach_ok"], false);
    assert!((s["supply_worst_margin_min"]["county"].as_f64().unwrap() + 0.2).abs() < 1e-4);
    assert!(s["demand_coverage"].is_number()); // the coverage figures are still there
    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(
        md.contains("## 战勤保障与资源") && md.contains("| K1 "),
        "{md}"
    );

    // Without [depots]: no supply files, null fields, and the report says it was skipped.
    let out2 = tempfile::tempdir().unwrap();
    let st = fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(out2.path())
        .arg(data("cli/scenario.toml"))
        .status()
        .unwrap();
    assert!(st.success());
    assert!(!out2.path().join("supply_reach.csv").exists());
    let s = read_json(&out2.path().join("summary.json"));
    assert!(s["supply_reach_ok"].is_null());
    let md = std::fs::read_to_string(out2.path().join("report.md")).unwrap();
    assert!(
        md.contains("情景中没有 `[depots]`：未评估战勤保障。"),
        "{md}"
    );
}

#[test]
fn cli_supply_errors_name_the_problem() {
    let c = Copy::new();
    c.edit("depots.csv", |t| t.replace(",town,", ",village,"));
    let o = fireplan()
        .args(["supply", "-q", "--no-cache", "--out"])
        .arg(c.path("out"))
        .arg(c.scenario())
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("depots.csv, line 5: field `level`: unknown depot level `village`"),
        "{err}"
    );
    assert!(!c.path("out").exists());
}

// ---------------------------------------------------------------------------------------
// The real extract: every depot's times equal a plain petgraph Dijkstra.

#[test]
fn liechtenstein_depot_times_equal_petgraph() {
    if shared("liechtenstein-osm").is_none() {
        return;
    }
    let mut sc = Scenario::load(&root().join("scenarios/liechtenstein.toml")).unwrap();
    // The hypothetical depots of maps/liechtenstein (see its README).
    sc.depots = Some((root().join("maps/liechtenstein/depots.csv"), Crs::Wgs84));
    let r = run(&sc, &quiet()).unwrap();
    let sup = r.supply.as_ref().unwrap();
    assert!(sup.findings.is_empty(), "{:?}", sup.findings);
    assert_eq!(sup.points.len(), 3);
    let logistics = fireplan::load::prepare_logistics(&sc, &quiet(), Some(&*r.prepared)).unwrap();
    let net = &logistics.network;
    // Every vertex the searches label (road nodes and turn-restriction copies).
    let n = net.vertex_count();

    // A plain graph of the logistics network, plus a super source (node n) per depot.
    let mut g: DiGraph<(), f64> = DiGraph::with_capacity(n + 1, net.edge_count() + 2);
    for _ in 0..=n {
        g.add_node(());
    }
    for v in 0..n as u32 {
        for (u, w) in net.out_edges(v) {
            g.add_edge(
                NodeIndex::new(v as usize),
                NodeIndex::new(u as usize),
                w as f64,
            );
        }
    }
    let mut checked_places = 0;
    for (p, point) in sup.points.iter().enumerate() {
        let snap = point.snap.unwrap();
        let mut gp = g.clone();
        for (node, t) in net.departures(&snap) {
            gp.add_edge(NodeIndex::new(n), NodeIndex::new(node as usize), t);
        }
        let d = petgraph::algo::dijkstra(&gp, NodeIndex::new(n), None, |e| *e.weight());
        // Every node: fireplan's tree (f32) equals petgraph's time.
        for v in 0..n {
            let expect = d[&NodeIndex::new(v)];
            let got = sup.trees.node_s(p, v as u32);
            assert!(
                (got - expect).abs() < TOL_S,
                "{}: node {v}: fireplan {got}, petgraph {expect}",
                point.label
            );
        }
        // Every station: door to door, from petgraph's times.
        let li = sup.level_index(point.level).unwrap();
        for sr in &sup.stations {
            let s = &r.inputs.stations[sr.station];
            let target = logistics
                .index
                .snap(net, s.location.x(), s.location.y())
                .unwrap();
            let road = net
                .arrivals(&target)
                .into_iter()
                .map(|(v, t)| d[&NodeIndex::new(v as usize)] + t)
                .fold(f64::INFINITY, f64::min)
                .min(net.along_segment_s(&snap, &target).unwrap_or(f64::INFINITY));
            let expect = point.access_s + road + fireplan::network::access_time_s(target.access_m);
            let lr = sr.levels[li];
            let got = [lr.nearest, lr.second]
                .into_iter()
                .flatten()
                .find(|x| x.0 == p)
                .map(|x| x.1);
            if let Some(got) = got {
                assert!(
                    (got - expect).abs() < TOL_S,
                    "{} → {}: fireplan {got}, petgraph {expect}",
                    point.label,
                    s.id
                );
                checked_places += 1;
            }
            // The nearest really is the nearest.
            if lr.nearest.is_some_and(|x| x.0 != p) {
                assert!(lr.nearest.unwrap().1 <= expect + TOL_S);
            }
        }
    }
    // 6 stations × (1 city + 2 county points, each nearest or second).
    assert_eq!(checked_places, 18);
    assert!(sup.reach_ok());
}

/// Issue 18: a depot with an `area` searches only until the vertices near its districts are
/// final and keeps only those. On the demo, with one county depot per district (at the
/// district's first station), every vertex a place of its districts reaches it through —
/// both drive starts of each segment whose midpoint lies in them, the arrival vertices of
/// each demand point and station in them — has exactly the time of an unbounded search,
/// and the trees keep a fraction of the network.
#[test]
fn depot_trees_near_their_area_equal_unbounded_searches() {
    use fireplan::model::area::DistrictLookup;
    let mut sc = Scenario::load(&root().join("scenarios/demo.toml")).unwrap();
    let stations = csv_rows(&root().join("maps/demo/stations.csv"));
    let dir = tempfile::tempdir().unwrap();
    let mut depots = String::from("id,name,level,lon,lat,capacity_persons,area\n");
    let mut seen = Vec::new();
    for s in &stations {
        let d = &s["district"];
        if d.is_empty() || seen.contains(d) {
            continue;
        }
        seen.push(d.clone());
        depots += &format!(
            "A{},{d}县库,county,{},{},100,{d}\n",
            seen.len(),
            s["lon"],
            s["lat"]
        );
    }
    assert_eq!(seen.len(), 7);
    std::fs::write(dir.path().join("depots.csv"), depots).unwrap();
    sc.depots = Some((dir.path().join("depots.csv"), Crs::Wgs84));
    let r = run(&sc, &quiet()).unwrap();
    let sup = r.supply.as_ref().unwrap();
    let logistics = fireplan::load::prepare_logistics(&sc, &quiet(), Some(&*r.prepared)).unwrap();
    let net = &logistics.network;
    let full = fireplan::supply::trees::point_times(net, sup);
    let lookup = DistrictLookup::new(&r.inputs.districts);
    let seg_district: Vec<Option<usize>> = net
        .segments
        .iter()
        .map(|s| {
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            lookup.of(geo::Point::new(
                (a.lon + b.lon) / 2.0,
                (a.lat + b.lat) / 2.0,
            ))
        })
        .collect();
    let places: Vec<(Option<usize>, geo::Point<f64>)> = r
        .inputs
        .demand
        .iter()
        .flatten()
        .map(|d| d.location)
        .chain(r.inputs.stations.iter().map(|s| s.location))
        .map(|p| (lookup.of(p), p))
        .collect();
    let mut checked = 0;
    for pt in &full {
        let point = &sup.points[pt.point];
        let Some(area) = &point.area else { continue };
        let kept = sup.trees.vertices_kept(pt.point);
        assert!(
            kept > 0 && kept < net.vertex_count() * 3 / 4,
            "{}: keeps {kept} of {} vertices",
            point.label,
            net.vertex_count()
        );
        let mut check = |v: u32| {
            let want = pt.times_s[v as usize] as f32 as f64;
            assert_eq!(
                sup.trees.node_s(pt.point, v),
                want,
                "{} → vertex {v}",
                point.label
            );
            checked += 1;
        };
        for (si, s) in net.segments.iter().enumerate() {
            if seg_district[si].is_some_and(|d| area.contains(&d)) {
                net.drive_starts(s.a, s.b)
                    .chain(net.drive_starts(s.b, s.a))
                    .for_each(&mut check);
            }
        }
        for (d, p) in &places {
            if d.is_some_and(|d| area.contains(&d)) {
                if let Some(snap) = logistics.index.snap(net, p.x(), p.y()) {
                    net.arrivals(&snap).into_iter().for_each(|(v, _)| check(v));
                }
            }
        }
    }
    assert!(checked > 100_000, "{checked} vertex times checked");
}
