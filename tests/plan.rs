//! Plans: parsing and applying plan files (every bad input names the file, the change and
//! the field), baseline versus plan on the hand-computed network of tests/engine.rs
//! (figures worked out below), and `fireplan check` / `fireplan run --plan` as a script
//! sees them: exit codes and output files.

mod common;

use std::path::Path;

use fireplan::model::{StationClass, StationStatus};
use fireplan::params::Scenario;
use fireplan::plan::diff::CoverageChange;
use fireplan::plan::file::{apply, Plan};
use fireplan::run::run_with_plan;
use geo::Point;

use common::{csv_rows, data, fireplan, quiet, read_json, root};

// ---------------------------------------------------------------------------------------
// Parsing and applying.

/// Applies plan text to the plan fixture's stations and depots; the network check says a
/// point is `metres_from_road` away from the nearest road (the fixture's network is not
/// needed for the other checks).
fn apply_text(text: &str, metres_from_road: f64) -> Result<fireplan::plan::file::Applied, String> {
    let path = Path::new("my_plan.toml");
    let plan = Plan::parse(text, path).map_err(|e| e.to_string())?;
    let sc = Scenario::load(&data("plan/scenario.toml")).unwrap();
    let mut stations =
        fireplan::io::tables::read_stations(&sc.stations_file, sc.stations_crs, None).unwrap();
    fireplan::io::tables::read_vehicles(sc.vehicles_file.as_ref().unwrap(), &mut stations).unwrap();
    let depots =
        fireplan::io::tables::read_depots(&sc.depots.as_ref().unwrap().0, Default::default())
            .unwrap();
    apply(
        &plan,
        &stations,
        Some(&depots),
        &|_: Point<f64>| Some(metres_from_road),
        500.0,
    )
    .map_err(|e| e.to_string())
}

fn change(action: &str, body: &str) -> String {
    format!("[[change]]\naction = \"{action}\"\n{body}\nreason = \"test\"\n")
}

#[test]
fn every_kind_of_change_applies() {
    let text = [
        change(
            "add_station",
            "id = \"S3\"\nclass = \"class2\"\nlon = 120.02\nlat = 30.0\nstaff = 20\ndrone = true\n\
             vehicles = [{ kind = \"engine\", count = 2, pump_flow_lps = 60, firefighting = true }]",
        ),
        change("move_station", "id = \"S2\"\nlon = 120.03\nlat = 30.0"),
        change("upgrade", "id = \"S2\"\nclass = \"class1\""),
        change("downgrade", "id = \"S3\"\nclass = \"small\""),
        change("change_station", "id = \"S2\"\nstaff = 30\nturnout_s = 45"),
        change(
            "change_vehicles",
            "id = \"S1\"\nadd = [{ kind = \"foam\", count = 1, pump_flow_lps = 80 }]\n\
             remove = [{ kind = \"engine\", count = 1 }, { kind = \"rescue\" }]",
        ),
        change("close_station", "id = \"L1\""),
        change(
            "add_depot",
            "id = \"D2\"\nlevel = \"city\"\nlon = 120.0\nlat = 30.0\ncapacity_persons = 200",
        ),
        change("change_depot", "id = \"D1\"\ncapacity_persons = 120"),
        change("remove_depot", "id = \"D2\""),
    ]
    .concat();
    let a = apply_text(&format!("name = \"all\"\n{text}"), 10.0).unwrap();
    let st = |id: &str| a.stations.iter().find(|s| s.id == id).unwrap();
    assert_eq!(st("S3").class, StationClass::Small);
    assert_eq!(st("S3").status, StationStatus::Planned);
    assert_eq!(st("S2").class, StationClass::Class1);
    assert_eq!((st("S2").staff, st("S2").turnout_s), (Some(30), Some(45.0)));
    assert_eq!(st("S2").location, Point::new(120.03, 30.0));
    assert_eq!(st("L1").status, StationStatus::Closed);
    let kinds: Vec<(&str, u32)> = st("S1")
        .vehicles
        .iter()
        .map(|v| (v.kind.as_str(), v.count))
        .collect();
    assert_eq!(
        kinds,
        [
            ("engine", 1),
            ("tanker", 1),
            ("aerial", 1),
            ("pickup", 1),
            ("foam", 1)
        ]
    );
    let depots = a.depots.unwrap();
    assert_eq!(depots.len(), 1);
    assert_eq!(depots[0].capacity_persons, Some(120.0));
    assert_eq!(a.changes.len(), 10);
    assert_eq!(a.changes[2].summary, "class2 → class1");
    assert_eq!(a.changes[0].snap_m, Some(10.0));
}

#[test]
fn bad_plans_name_the_file_the_change_and_the_field() {
    let cases: Vec<(String, f64, &str, &str)> = vec![
        (
            change("close_station", "id = \"S9\""),
            0.0,
            "field `id`",
            "unknown station `S9`",
        ),
        (
            change("upgrade", "id = \"S\"\nclass = \"class1\""),
            0.0,
            "field `id`",
            "did you mean",
        ),
        (
            change("move_station", "id = \"S1\"\nlon = 120.5\nlat = 30.5"),
            812.0,
            "field `lon`",
            "812 m from the nearest road (max_snap_m 500): off the network",
        ),
        (
            change(
                "add_station",
                "id = \"S3\"\nclass = \"class2\"\nlon = 120.5\nlat = 30.5",
            ),
            600.0,
            "field `lon`",
            "off the network",
        ),
        (
            change("close_station", "id = \"S2\"") + &change("close_station", "id = \"S2\""),
            0.0,
            "change[2]",
            "already closed by change[1]: closing it twice",
        ),
        (
            change(
                "add_station",
                "id = \"S3\"\nclass = \"class3\"\nlon = 120\nlat = 30",
            ),
            0.0,
            "field `class`",
            "unknown station class `class3`",
        ),
        (
            change("upgrade", "id = \"S1\"\nclass = \"class2\""),
            0.0,
            "field `class`",
            "does not raise the class",
        ),
        (
            change("fly_station", "id = \"S1\""),
            0.0,
            "field `action`",
            "unknown action `fly_station`",
        ),
        (
            "[[change]]\naction = \"close_station\"\nid = \"S1\"\n".to_string(),
            0.0,
            "field `reason`",
            "every change says why",
        ),
        (
            change(
                "add_station",
                "id = \"S1\"\nclass = \"class2\"\nlon = 120\nlat = 30",
            ),
            0.0,
            "field `id`",
            "station id `S1` already exists",
        ),
        (
            change(
                "change_vehicles",
                "id = \"S2\"\nremove = [{ kind = \"pickup\" }]",
            ),
            0.0,
            "field `remove[1]`",
            "has 0 vehicle(s) of kind `pickup`",
        ),
        (
            change("remove_depot", "id = \"D7\""),
            0.0,
            "field `id`",
            "unknown depot `D7`",
        ),
        (
            change("change_station", "id = \"S1\"\nstaff = -3"),
            0.0,
            "field `staff`",
            "expected a whole number ≥ 0",
        ),
        (
            change("change_station", "id = \"S1\"\ncolour = \"red\""),
            0.0,
            "field `colour`",
            "unknown key `colour`",
        ),
        (
            change("move_station", "id = \"S1\"\nlon = 30.0\nlat = 120.0"),
            0.0,
            "field `lat`",
            "swapped",
        ),
    ];
    for (text, metres, field, want) in cases {
        let e = apply_text(&text, metres).unwrap_err();
        assert!(e.contains("my_plan.toml"), "{e}");
        assert!(e.contains("key `change["), "entry missing: {e}");
        assert!(e.contains(field), "want {field} in: {e}");
        assert!(e.contains(want), "want `{want}` in: {e}");
    }
    // Closing a station the stations file already closed.
    let sc_closed = data("plan/stations_s2_closed.csv");
    let stations =
        fireplan::io::tables::read_stations(&sc_closed, Default::default(), None).unwrap();
    let plan = Plan::parse(&change("close_station", "id = \"S2\""), Path::new("p.toml")).unwrap();
    let e = apply(&plan, &stations, None, &|_: Point<f64>| Some(0.0), 500.0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("already closed in the stations file"), "{e}");
    // An empty plan, and TOML syntax errors with their line.
    let e = Plan::parse("name = \"x\"\n", Path::new("p.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no changes"), "{e}");
    let e = Plan::parse("name = \"x\"\n[[change]\n", Path::new("p.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("p.toml, line 2"), "{e}");
}

/// A plan's coordinates in a projected CRS: the file's `crs` for every change, an entry's
/// own `crs` for its own. (547240.5990, 3329082.8947) in EPSG:4549 is lon 120.49, lat 30.08
/// (pyproj 3.7.2; see `io::crs`'s control points.)
#[test]
fn plan_coordinates_in_an_epsg_crs() {
    use fireplan::plan::file::Action;
    let text = format!(
        "crs = \"EPSG:4549\"\n{}{}",
        change(
            "move_station",
            "id = \"S1\"\nlon = 547240.5990\nlat = 3329082.8947"
        ),
        change(
            "move_station",
            "id = \"S2\"\ncrs = \"wgs84\"\nlon = 120.5\nlat = 30.1"
        ),
    );
    let plan = Plan::parse(&text, Path::new("p.toml")).unwrap();
    let at = |i: usize| match &plan.changes[i].action {
        Action::MoveStation { location, .. } => location.x_y(),
        other => panic!("{other:?}"),
    };
    let (lon, lat) = at(0);
    assert!(
        (lon - 120.49).abs() < 1e-8 && (lat - 30.08).abs() < 1e-8,
        "{lon}, {lat}"
    );
    assert_eq!(at(1), (120.5, 30.1));
    // Degrees where the file says metres, and an unknown code, at their entries.
    let text = format!(
        "crs = \"EPSG:4549\"\n{}",
        change("move_station", "id = \"S1\"\nlon = 120.49\nlat = 30.08")
    );
    let e = Plan::parse(&text, Path::new("p.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("key `change[1]") && e.contains("look like degrees"),
        "{e}"
    );
    let text = change(
        "move_station",
        "id = \"S1\"\ncrs = \"EPSG:45490\"\nlon = 1\nlat = 2",
    );
    let e = Plan::parse(&text, Path::new("p.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("field `crs`") && e.contains("EPSG:45490 is not"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// Baseline versus plan on the hand-computed network.
//
// n0 —primary 1000 m (72 s)— n1 —residential 500 m (72 s)— n2 —secondary 2000 m (160 s)— n3,
// threshold 150 s, turnout 60 s. Baseline: S1 at n0, S2 at n3. Demand: at_n1 132 s (S1),
// mid_n2_n3 (1000 m from n2) 140 s (S2), south_of_n3 (100 m off n3: a 24 s access leg at
// 15 km/h) 84 s (S2), far_away off the network. Weights 1, 1, 2, 1.

#[test]
fn closing_a_station_and_adding_one_elsewhere_loses_the_far_end() {
    // Plan: close S2 (n3), add S3 at n2. at_n1: S1 132 s (S3 ties at 60 + 72, S1 wins on
    // id); mid_n2_n3: S3 60 + 80 = 140 s, still covered; south_of_n3: S3 60 + 160 + 24 =
    // 244 s > 150: lost. Region demand coverage 4/5 → 2/5.
    let sc = Scenario::load(&data("plan/scenario.toml")).unwrap();
    let plan = Plan::load(&data("plan/plan_close_and_add.toml")).unwrap();
    let pr = run_with_plan(&sc, &plan, &quiet()).unwrap();
    let d = &pr.diff;
    assert_eq!((d.gained_points, d.lost_points), (0, 1));
    assert_eq!(d.lost_weight, 2.0);
    let lost = &d.demand[0];
    assert_eq!(lost.id, "south_of_n3");
    assert_eq!(lost.change, CoverageChange::Lost);
    assert_eq!(lost.baseline_station.as_deref(), Some("S2"));
    assert_eq!(lost.plan_station.as_deref(), Some("S3"));
    assert!((lost.baseline_s.unwrap() - 84.0).abs() < 1e-3);
    assert!((lost.plan_s.unwrap() - 244.0).abs() < 1e-3);
    let region = d.areas.last().unwrap();
    assert_eq!(region.name, "(region)");
    assert_eq!(region.baseline.demand_coverage, Some(0.8));
    assert!((region.plan.demand_coverage.unwrap() - 0.4).abs() < 1e-12);
    let east = d.areas.iter().find(|a| a.name == "东区").unwrap();
    assert_eq!(east.baseline.demand_coverage, Some(1.0));
    assert!((east.plan.demand_coverage.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    // mid_n2_n3 keeps its coverage with another station: not a change.
    let mid = fireplan::report::tables::demand_response_csv(&pr.plan).unwrap();
    let mid = String::from_utf8(mid).unwrap();
    assert!(mid.contains("mid_n2_n3,S3,140.0"), "{mid}");
    // S2 closed: in the plan it has no first-due area; S3 has one.
    let s2 = d.stations.iter().find(|s| s.id == "S2").unwrap();
    assert!(s2.baseline_area_km2.is_some() && s2.plan_area_km2.is_none());
    let s3 = d.stations.iter().find(|s| s.id == "S3").unwrap();
    assert!(s3.baseline_area_km2.is_none() && s3.plan_area_km2.is_some());
    // Both variants share one prepared network.
    assert!(std::sync::Arc::ptr_eq(
        &pr.baseline.prepared,
        &pr.plan.prepared
    ));
}

#[test]
fn adding_a_station_where_one_was_closed_gains_the_east_end() {
    // Baseline: S2 closed; from S1 mid_n2_n3 takes 60 + 144 + 80 = 284 s and south_of_n3
    // 60 + 144 + 160 + 24 = 388 s. Plan: S3 at n3 → 140 s and 84 s: both gained (weight 3);
    // region 1/5 → 4/5.
    let sc = Scenario::load(&data("plan/scenario_s2_closed.toml")).unwrap();
    let plan = Plan::load(&data("plan/plan_add_east.toml")).unwrap();
    let pr = run_with_plan(&sc, &plan, &quiet()).unwrap();
    let d = &pr.diff;
    assert_eq!((d.gained_points, d.lost_points), (2, 0));
    assert_eq!(d.gained_weight, 3.0);
    let got: Vec<(&str, f64, f64)> = d
        .demand
        .iter()
        .map(|c| (c.id.as_str(), c.baseline_s.unwrap(), c.plan_s.unwrap()))
        .collect();
    assert_eq!(got.len(), 2);
    for ((id, b, p), (wid, wb, wp)) in got
        .iter()
        .zip([("mid_n2_n3", 284.0, 140.0), ("south_of_n3", 388.0, 84.0)])
    {
        assert_eq!(*id, wid);
        assert!(
            (b - wb).abs() < 1e-3 && (p - wp).abs() < 1e-3,
            "{id}: {b} → {p}"
        );
    }
    let region = d.areas.last().unwrap();
    assert!((region.baseline.demand_coverage.unwrap() - 0.2).abs() < 1e-12);
    assert!((region.plan.demand_coverage.unwrap() - 0.8).abs() < 1e-12);
}

// ---------------------------------------------------------------------------------------
// The binary.

#[test]
fn check_exit_codes() {
    let run = |args: &[&str]| {
        fireplan()
            .args(["check", "-q", "--no-cache"])
            .args(args)
            .output()
            .unwrap()
    };
    // S2 has 18 staff, the class-2 minimum is 20: a mandatory failure → 2.
    let o = run(&[data("plan/scenario.toml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("FAIL station S2 (东站): 18 persons"), "{out}");
    assert!(out.contains("“二级站不少于20人”"), "{out}");
    // Cited by the document's title and clause, not by its file name (issue 14, item 12).
    assert!(
        out.contains("— 绍兴市柯桥区消防安全工作实施意见 (2023-12-29) 八: “二级站不少于20人”"),
        "{out}"
    );
    assert!(!out.contains("004_e477e33bbf9d6d33.txt"), "{out}");
    // The plan brings S2 to 20: every mandatory target met → 0 (the not-mandatory pickup
    // target still fails and is listed).
    let o = run(&[
        data("plan/scenario.toml").to_str().unwrap(),
        "--plan",
        data("plan/plan_fix_staff.toml").to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("every mandatory target is met by the plan"),
        "{out}"
    );
    assert!(out.contains("pickup_truck"), "{out}");
    // A plan that cannot be applied is an error → 1, naming the file and the change.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad_plan.toml");
    std::fs::write(&bad, change("close_station", "id = \"S7\"")).unwrap();
    let o = run(&[
        data("plan/scenario.toml").to_str().unwrap(),
        "--plan",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad_plan.toml") && err.contains("change[1]") && err.contains("S7"),
        "{err}"
    );
    // A scenario whose targets file names an unknown metric → 1.
    let sc = dir.path().join("scenario.toml");
    let text = std::fs::read_to_string(data("plan/scenario.toml"))
        .unwrap()
        .replace("nodes.csv", &data("plan/nodes.csv").display().to_string())
        .replace("edges.csv", &data("plan/edges.csv").display().to_string())
        .replace(
            "\"stations.csv",
            &format!("\"{}", data("plan/stations.csv").display()),
        )
        .replace("targets.toml", "bad_targets.toml");
    std::fs::write(&sc, text).unwrap();
    std::fs::write(
        dir.path().join("bad_targets.toml"),
        "[sets]\nt = \"t\"\n[[target]]\nid = \"a\"\nset = \"t\"\nmetric = \"speed\"\n\
         comparator = \">=\"\nvalue = 1\nscope = { level = \"region\" }\n",
    )
    .unwrap();
    let o = run(&[sc.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad_targets.toml") && err.contains("target[1]") && err.contains("metric"),
        "{err}"
    );
}

#[test]
fn run_with_plan_writes_both_variants_and_the_changes() {
    let out = tempfile::tempdir().unwrap();
    let st = fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(out.path())
        .arg(data("plan/scenario.toml"))
        .arg("--plan")
        .arg(data("plan/plan_close_and_add.toml"))
        .status()
        .unwrap();
    assert!(st.success());
    let o = out.path();
    for f in [
        "summary.json",
        "targets.csv",
        "plan_comparison.csv",
        "plan_changes.csv",
        "plan_changes.geojson",
        "report.md",
        "stations.csv",
        "baseline/summary.json",
        "baseline/targets.csv",
        "baseline/stations.csv",
    ] {
        assert!(o.join(f).is_file(), "{f}");
    }
    let changes = csv_rows(&o.join("plan_changes.csv"));
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0]["id"].as_str(), changes[0]["change"].as_str()),
        ("south_of_n3", "lost")
    );
    assert_eq!(changes[0]["plan_response_s"], "244.0");
    let cmp = csv_rows(&o.join("plan_comparison.csv"));
    let row = cmp
        .iter()
        .find(|r| r["area"] == "(region)" && r["metric"] == "demand_coverage")
        .unwrap();
    assert_eq!(
        (
            row["baseline"].as_str(),
            row["plan"].as_str(),
            row["change"].as_str()
        ),
        ("0.8000", "0.4000", "-0.4000")
    );
    let summary = read_json(&o.join("summary.json"));
    assert_eq!(summary["demand_coverage"].as_f64(), Some(0.4));
    assert_eq!(summary["baseline"]["demand_coverage"].as_f64(), Some(0.8));
    assert_eq!(summary["plan"]["lost_points"].as_u64(), Some(1));
    // S3 has 20 staff (S2 is closed); the region fails 0.8.
    assert_eq!(summary["targets"]["mandatory_failures"].as_u64(), Some(1));
    let baseline = read_json(&o.join("baseline/summary.json"));
    assert_eq!(baseline["demand_coverage"].as_f64(), Some(0.8));
    // targets.csv: both variants, each finding with its source.
    let t = csv_rows(&o.join("targets.csv"));
    assert!(t.iter().any(|r| r["variant"] == "baseline"));
    let cov = t
        .iter()
        .find(|r| r["variant"] == "plan" && r["target"] == "demand_coverage_region")
        .unwrap();
    assert_eq!(
        (
            cov["status"].as_str(),
            cov["measured"].as_str(),
            cov["required"].as_str()
        ),
        ("fail", "0.4", "0.8")
    );
    assert_eq!(cov["source_clause"], "逐步实现“5分钟救援圈”目标");
    // The columns issue 14 added: force, the gap, the citation by title and clause.
    assert_eq!(
        (
            cov["force"].as_str(),
            cov["shortfall"].as_str(),
            cov["citation"].as_str()
        ),
        (
            "mandatory",
            "0.4",
            "绍兴市柯桥区消防安全工作实施意见 (2023-12-29) 六(二)"
        )
    );
    // S2 closed leaves the staffing target to its replacement S3 (20 staff).
    assert!(t.iter().any(|r| r["variant"] == "plan"
        && r["target"] == "staff_class2"
        && r["subject"] == "S3"
        && r["status"] == "pass"));
    let geo = read_json(&o.join("plan_changes.geojson"));
    let layers: Vec<&str> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["layer"].as_str().unwrap())
        .collect();
    assert_eq!(layers, ["change", "change", "demand"]);
    let md = std::fs::read_to_string(o.join("report.md")).unwrap();
    assert!(
        md.contains("## 2 规划方案对比: move the east station west")
            && md.contains("the building is to be demolished")
            && md.contains("## 规划指标核查"),
        "{md}"
    );
}

#[test]
fn the_demo_plan_applies_to_the_demo_stations() {
    let sc = Scenario::load(&root().join("scenarios/demo.toml")).unwrap();
    let mut stations =
        fireplan::io::tables::read_stations(&sc.stations_file, sc.stations_crs, None).unwrap();
    fireplan::io::tables::read_vehicles(sc.vehicles_file.as_ref().unwrap(), &mut stations).unwrap();
    let depots =
        fireplan::io::tables::read_depots(&sc.depots.as_ref().unwrap().0, Default::default())
            .unwrap();
    let plan = Plan::load(&root().join("scenarios/demo_plan.toml")).unwrap();
    let a = apply(
        &plan,
        &stations,
        Some(&depots),
        &|_: Point<f64>| Some(0.0),
        500.0,
    )
    .unwrap();
    assert_eq!(a.stations.len(), stations.len() + 4);
    assert_eq!(a.depots.as_ref().map(Vec::len), Some(depots.len() + 1));
    assert!(a.changes.iter().all(|c| !c.reason.is_empty()));
}

#[test]
fn a_plan_adds_a_logistics_station_with_its_level_and_capability() {
    // Issue 14, item 3: a new 战勤保障站 declares its level and the people it can support.
    let text = change(
        "add_station",
        "id = \"L2\"\nclass = \"logistics\"\nlon = 120.02\nlat = 30.0\nstaff = 20\n\
         support_level = \"city\"\nsupport_capacity_persons = 180",
    );
    let applied = apply_text(&text, 10.0).unwrap();
    let l2 = applied.stations.iter().find(|s| s.id == "L2").unwrap();
    assert_eq!(
        (l2.support_level, l2.support_capacity_persons),
        (Some(fireplan::model::DepotLevel::City), Some(180.0))
    );
    // Only logistics-support stations have them; an unknown level is named.
    let e = apply_text(
        &change(
            "add_station",
            "id = \"S9\"\nclass = \"class2\"\nlon = 120.02\nlat = 30.0\nsupport_level = \"city\"",
        ),
        10.0,
    )
    .unwrap_err();
    assert!(
        e.contains("field `support_level`") && e.contains("logistics-support"),
        "{e}"
    );
    let e = apply_text(
        &change(
            "add_station",
            "id = \"L3\"\nclass = \"logistics\"\nlon = 120.02\nlat = 30.0\nsupport_level = \"province\"",
        ),
        10.0,
    )
    .unwrap_err();
    assert!(
        e.contains("field `support_level`") && e.contains("unknown depot level"),
        "{e}"
    );
}
