//! Road closures (`[[network.closure]]`, issue 19 part 3) on the hand-computed supply
//! network (tests/data/supply; tests/supply.rs draws it): closing a road must give exactly
//! what deleting its row from the edges file gives — an independent route to the same
//! network — and `closures.csv` must name the places each closure takes out of 300 s.

mod common;

use std::path::{Path, PathBuf};

use fireplan::params::Scenario;
use fireplan::run::{run, RunResult};

use common::{csv_rows, data, fireplan, quiet};

/// The supply fixture copied into a fresh folder, with `edit` applied to named files.
fn fixture(edits: &[(&str, &dyn Fn(String) -> String)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(data("supply")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    for (name, edit) in edits {
        let p = dir.path().join(name);
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        std::fs::write(&p, edit(text)).unwrap();
    }
    let scenario = dir.path().join("scenario.toml");
    (dir, scenario)
}

fn run_of(scenario: &Path) -> RunResult {
    run(&Scenario::load(scenario).unwrap(), &quiet()).unwrap()
}

/// The scenario with a closure section naming `closure.geojson`.
fn with_closure(name: &str) -> impl Fn(String) -> String + '_ {
    move |toml: String| {
        format!(
            "{toml}\n[[network.closure]]\nname = \"{name}\"\nreason = \"repairs\"\nfile = \"closure.geojson\"\n"
        )
    }
}

/// A closure file of one feature.
fn geojson(geometry: &str) -> impl Fn(String) -> String + '_ {
    move |_| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{geometry}}}]}}"#
        )
    }
}

fn without_rows<'a>(rows: &'a [&'a str]) -> impl Fn(String) -> String + 'a {
    move |text: String| {
        text.lines()
            .filter(|l| !rows.contains(l))
            .map(|l| format!("{l}\n"))
            .collect()
    }
}

/// Demand points within 300 s, and the region's metrics.
fn outcome(r: &RunResult) -> (Vec<Option<(u32, f64)>>, fireplan::coverage::Metrics) {
    (
        r.coverage.demand.iter().map(|d| d.response.first).collect(),
        r.coverage.region.clone(),
    )
}

/// The bridge n1–n2 (primary, 4,250 m; station S3 stands on its middle) closed by a point
/// on it equals the edges file without that row: S3 is then 2 km from any open road and
/// off the network, and D1 — reached by S3 within 300 s — loses its cover (D2 keeps S1,
/// 213 s away).
#[test]
fn a_point_closure_equals_deleting_the_road() {
    let bridge = r#"{"type":"Point","coordinates":[120.057331673,30.0]}"#;
    let (_a, closed) = fixture(&[
        ("scenario.toml", &with_closure("秦望大桥")),
        ("closure.geojson", &geojson(bridge)),
    ]);
    let (_b, deleted) = fixture(&[("edges.csv", &without_rows(&["11,12,primary,4250,no"]))]);
    let (_c, open) = fixture(&[]);
    let (closed, deleted, open) = (run_of(&closed), run_of(&deleted), run_of(&open));
    assert_eq!(outcome(&closed), outcome(&deleted));
    assert_eq!(
        closed.prepared.network.segments.len() + 1,
        open.prepared.network.segments.len()
    );
    // Independent attribution: the places within 300 s on the open run and not on the run
    // without the row.
    let thr = 300.0;
    let within = |r: &RunResult| -> Vec<bool> {
        r.coverage
            .demand
            .iter()
            .map(|d| !d.off_network && d.response.first_s().is_some_and(|t| t <= thr))
            .collect()
    };
    let (o, d) = (within(&open), within(&deleted));
    let lost: Vec<usize> = (0..o.len()).filter(|&i| o[i] && !d[i]).collect();
    assert_eq!(lost, [0], "D1 alone loses its cover");
    assert_eq!(closed.closures.len(), 2, "the closure, then all closures");
    for c in &closed.closures {
        assert_eq!(c.demand_lost, lost, "{}", c.name);
        assert_eq!(c.segments_closed, 1);
        assert!((c.road_km_closed - 4.25).abs() < 1e-3);
    }
    assert_eq!(closed.closures[0].name, "秦望大桥");
    assert_eq!(closed.closures[1].name, "all closures");
    // Closing roads never raises coverage.
    let share = |r: &RunResult| r.coverage.region.demand_coverage.unwrap();
    assert!(share(&closed) <= share(&open));
    assert!(open.closures.is_empty());
}

/// A line along n2–n3 (secondary, 4,590 m) closes that segment only: the segments that
/// merely touch its ends are not "followed"; equal to deleting the row.
#[test]
fn a_line_closure_closes_the_road_it_follows() {
    let line = r#"{"type":"LineString","coordinates":[[120.076442231,30.00003],[120.117721036,30.00003]]}"#;
    let (_a, closed) = fixture(&[
        ("scenario.toml", &with_closure("metro works")),
        ("closure.geojson", &geojson(line)),
    ]);
    let (_b, deleted) = fixture(&[("edges.csv", &without_rows(&["12,13,secondary,4590,no"]))]);
    let (closed, deleted) = (run_of(&closed), run_of(&deleted));
    assert_eq!(outcome(&closed), outcome(&deleted));
    assert_eq!(closed.closures[0].segments_closed, 1);
    assert!((closed.closures[0].road_km_closed - 4.59).abs() < 1e-3);
}

/// A polygon around n3 closes both roads touching it inside (n2–n3 and n3–n4); the
/// logistics network is closed the same way (supply reach runs: it checks both match).
#[test]
fn an_area_closure_closes_every_road_inside() {
    let area = r#"{"type":"Polygon","coordinates":[[[120.1167,29.9995],[120.1187,29.9995],[120.1187,30.0005],[120.1167,30.0005],[120.1167,29.9995]]]}"#;
    let (_a, closed) = fixture(&[
        ("scenario.toml", &with_closure("flood")),
        ("closure.geojson", &geojson(area)),
    ]);
    let r = run_of(&closed);
    assert_eq!(r.closures[0].segments_closed, 2);
    assert!((r.closures[0].road_km_closed - (4.59 + 1.0625)).abs() < 1e-3);
    assert!(r.supply.is_some());
}

/// The CLI writes `closures.csv` and a `closures` entry in `summary.json`.
#[test]
fn cli_writes_closures_csv() {
    let bridge = r#"{"type":"Point","coordinates":[120.057331673,30.0]}"#;
    let (dir, closed) = fixture(&[
        ("scenario.toml", &with_closure("秦望大桥")),
        ("closure.geojson", &geojson(bridge)),
    ]);
    let out = dir.path().join("out");
    let st = fireplan()
        .args(["run", "--quiet", "--no-cache", "--out"])
        .arg(&out)
        .arg(&closed)
        .status()
        .unwrap();
    assert!(st.success());
    let rows = csv_rows(&out.join("closures.csv"));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["closure"], "秦望大桥");
    assert_eq!(rows[0]["reason"], "repairs");
    assert_eq!(rows[0]["road_km_closed"], "4.250");
    assert_eq!(rows[1]["closure"], "all closures");
    assert!(!rows[0]["demand_ids"].is_empty());
    let summary = common::read_json(&out.join("summary.json"));
    assert_eq!(summary["closures"][0]["name"], "秦望大桥");
}

/// A closure point far from every road, a duplicate name: refused, naming what and where.
#[test]
fn bad_closures_are_refused() {
    let far = r#"{"type":"Point","coordinates":[121.0,31.0]}"#;
    let (_a, scenario) = fixture(&[
        ("scenario.toml", &with_closure("far away")),
        ("closure.geojson", &geojson(far)),
    ]);
    let e = Scenario::load(&scenario)
        .and_then(|s| run(&s, &quiet()).map(|_| ()))
        .unwrap_err()
        .to_string();
    for part in [
        "closure.geojson",
        "closure `far away`",
        "m from the nearest road",
    ] {
        assert!(e.contains(part), "{part:?} not in: {e}");
    }
    let (_n, scenario) = fixture(&[
        ("scenario.toml", &with_closure("nothing")),
        ("closure.geojson", &|_| {
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}"#.to_string()
        }),
    ]);
    let e = Scenario::load(&scenario)
        .and_then(|s| run(&s, &quiet()).map(|_| ()))
        .unwrap_err()
        .to_string();
    for part in ["closure.geojson", "feature 0", "missing geometry"] {
        assert!(e.contains(part), "{part:?} not in: {e}");
    }
    let twice = |t: String| {
        format!("{t}\n[[network.closure]]\nname = \"a\"\nfile = \"x.geojson\"\n[[network.closure]]\nname = \"a\"\nfile = \"y.geojson\"\n")
    };
    let (_b, scenario) = fixture(&[("scenario.toml", &twice)]);
    let e = Scenario::load(&scenario).unwrap_err().to_string();
    for part in [
        "scenario.toml",
        "network.closure[1]",
        "duplicate closure name `a`",
    ] {
        assert!(e.contains(part), "{part:?} not in: {e}");
    }
}

// ---------------------------------------------------------------------------------------
// A plan's `close_road` (issue 19 part 3): the bridge closed for the plan variant only.
//
// Supply fixture, free flow, turnout 60 s, threshold 300 s; primary 50 km/h (4,250 m in
// 306 s). Open network: D1 (n1, weight 1) is reached by S3 from the bridge's middle,
// 2,125 m = 153 s + 60 = 213 s; D2 (halfway n0–n1, weight 2) by S1 in 213 s; D3 and D4
// stand at S5 and S4 (60 s); D5 weighs 0 → 5 of 5 weight, 100 %. With the bridge closed S3
// stands 2 km from any open road (off the network) and D1's nearest unit is S1 at n0,
// 306 + 60 = 366 s > 300: D1 alone loses cover → 4 of 5 weight, 80 %.
// ---------------------------------------------------------------------------------------

/// The bridge plan and its GeoJSON (tests/data/closures) beside the fixture's copy.
fn copy_from_closures(name: &'static str) -> impl Fn(String) -> String {
    move |_| std::fs::read_to_string(data("closures").join(name)).unwrap()
}

fn plan_fixture(
    extra: &[(&str, &dyn Fn(String) -> String)],
) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let plan = copy_from_closures("close_bridge.toml");
    let bridge = copy_from_closures("bridge.geojson");
    let mut edits: Vec<(&str, &dyn Fn(String) -> String)> =
        vec![("close_bridge.toml", &plan), ("bridge.geojson", &bridge)];
    edits.extend_from_slice(extra);
    let (dir, scenario) = fixture(&edits);
    let plan = dir.path().join("close_bridge.toml");
    (dir, scenario, plan)
}

fn run_plan(scenario: &Path, plan: &Path) -> fireplan::run::PlanRunResult {
    let plan = fireplan::plan::Plan::load(plan).unwrap();
    fireplan::run::run_with_plan(&Scenario::load(scenario).unwrap(), &plan, &quiet()).unwrap()
}

fn demand_index(r: &RunResult, id: &str) -> usize {
    let demand = r.inputs.demand.as_deref().unwrap();
    demand.iter().position(|d| d.id == id).unwrap()
}

/// The plan variant runs with the bridge closed, the baseline on the open network; the
/// plan variant equals the scenario with the same closure as `[[network.closure]]`.
#[test]
fn a_plan_closes_the_bridge_for_its_variant_only() {
    let (_a, scenario, plan) = plan_fixture(&[]);
    let pr = run_plan(&scenario, &plan);
    let (b, p) = (&pr.baseline, &pr.plan);
    assert_eq!(b.coverage.region.demand_coverage, Some(1.0));
    assert!((p.coverage.region.demand_coverage.unwrap() - 0.8).abs() < 1e-12);
    let d1 = demand_index(p, "D1");
    let t = |r: &RunResult| r.coverage.demand[d1].response.first_s().unwrap();
    assert!((t(b) - 213.0).abs() < 1e-3, "{}", t(b));
    assert!((t(p) - 366.0).abs() < 1e-3, "{}", t(p));
    // S3 is off the network with its bridge closed: 4 responding stations of 5.
    assert_eq!(b.coverage.origins.len(), 5);
    assert_eq!(p.coverage.origins.len(), 4);
    assert_eq!(
        p.prepared.network.segments.len() + 1,
        b.prepared.network.segments.len()
    );
    assert!(b.closures.is_empty() && b.prepared.closures.is_empty());
    // The change as applied and what the closure costs.
    assert_eq!(pr.applied.len(), 1);
    let c = &pr.applied[0];
    assert_eq!(
        (c.action, c.subject_kind, c.subject.as_str()),
        ("close_road", "road", "秦望大桥")
    );
    assert_eq!(c.segments_closed, Some(1));
    assert!((c.road_km_closed.unwrap() - 4.25).abs() < 1e-9);
    assert_eq!(c.reason, "bridge repairs 2026–2027");
    assert_eq!(p.closures.len(), 2);
    let e = &p.closures[0];
    assert_eq!(e.name, "秦望大桥");
    assert_eq!(e.plan_change, Some(1));
    assert_eq!(e.demand_lost, vec![d1]);
    assert_eq!(e.demand_weight_lost, 1.0);
    assert!(p.closures[1].together);
    assert_eq!(pr.diff.lost_points, 1);
    assert_eq!(pr.diff.gained_points, 0);
    // The logistics network is closed too: supply reach ran on as many segments.
    let sup = p.supply.as_ref().unwrap();
    assert!(sup
        .segments
        .iter()
        .all(|s| s.len() == p.prepared.network.segments.len()));
    let bsup = b.supply.as_ref().unwrap();
    assert!(bsup
        .segments
        .iter()
        .all(|s| s.len() == b.prepared.network.segments.len()));
    // The same closure as [[network.closure]]: the same coverage, demand point by point.
    let bridge = r#"{"type":"Point","coordinates":[120.057331673,30.0]}"#;
    let (_c, closed) = fixture(&[
        ("scenario.toml", &with_closure("秦望大桥")),
        ("closure.geojson", &geojson(bridge)),
    ]);
    let closed = run_of(&closed);
    assert_eq!(outcome(&closed), outcome(p));
    assert_eq!(closed.closures[0].demand_lost, e.demand_lost);
}

/// A scenario closure (n2–n3 by a line) and the plan's bridge: the baseline has the
/// scenario's, the plan variant both, each costed alone against the open network.
#[test]
fn a_plan_closure_adds_to_the_scenarios() {
    let line = r#"{"type":"LineString","coordinates":[[120.076442231,30.00003],[120.117721036,30.00003]]}"#;
    let (_a, scenario, plan) = plan_fixture(&[
        ("scenario.toml", &with_closure("metro works")),
        ("closure.geojson", &geojson(line)),
    ]);
    let pr = run_plan(&scenario, &plan);
    let names = |r: &RunResult| -> Vec<(String, Option<usize>)> {
        r.closures
            .iter()
            .map(|c| (c.name.clone(), c.plan_change))
            .collect()
    };
    assert_eq!(
        names(&pr.baseline),
        [("metro works".into(), None), ("all closures".into(), None)]
    );
    assert_eq!(
        names(&pr.plan),
        [
            ("metro works".into(), None),
            ("秦望大桥".into(), Some(1)),
            ("all closures".into(), None)
        ]
    );
    let all = &pr.plan.closures[2];
    assert_eq!(all.segments_closed, 2);
    assert!((all.road_km_closed - (4.25 + 4.59)).abs() < 1e-9);
    // The bridge alone costs D1, as without the scenario's closure.
    assert_eq!(
        pr.plan.closures[1].demand_lost,
        vec![demand_index(&pr.plan, "D1")]
    );
    assert_eq!(
        pr.plan.prepared.network.segments.len() + 1,
        pr.baseline.prepared.network.segments.len()
    );
}

/// `fireplan run --plan`: closures.csv, plan_changes.geojson and report.md of the plan
/// variant show the closure; the baseline's folder has none.
#[test]
fn cli_plan_run_shows_the_closure() {
    let (dir, scenario, plan) = plan_fixture(&[]);
    let out = dir.path().join("out");
    let st = fireplan()
        .args(["run", "--quiet", "--no-cache", "--out"])
        .arg(&out)
        .arg(&scenario)
        .arg("--plan")
        .arg(&plan)
        .status()
        .unwrap();
    assert!(st.success());
    let rows = csv_rows(&out.join("closures.csv"));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["closure"], "秦望大桥");
    assert_eq!(rows[0]["source"], "plan change[1]");
    assert_eq!(rows[0]["reason"], "bridge repairs 2026–2027");
    assert_eq!(rows[0]["road_km_closed"], "4.250");
    assert_eq!(rows[0]["demand_ids"], "D1");
    assert_eq!(rows[1]["closure"], "all closures");
    assert!(!out.join("baseline/closures.csv").exists());
    let changes = common::read_json(&out.join("plan_changes.geojson"));
    let road = changes["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["action"] == "close_road")
        .unwrap();
    assert_eq!(road["geometry"]["type"], "MultiLineString");
    assert_eq!(road["properties"]["road_km_closed"], 4.25);
    assert_eq!(road["properties"]["segments_closed"], 1);
    let lost: Vec<_> = csv_rows(&out.join("plan_changes.csv"))
        .into_iter()
        .map(|r| (r["id"].clone(), r["change"].clone()))
        .collect();
    assert_eq!(lost, [("D1".to_string(), "lost".to_string())]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for part in [
        "### 道路封闭",
        "| 秦望大桥 | plan change[1] | bridge repairs 2026–2027 | 4.25 km | 1 |",
        "| 1 | 封闭道路 | 秦望大桥 | closed 1 road segment(s), 4.25 km | bridge repairs 2026–2027 |",
    ] {
        assert!(md.contains(part), "{part:?} not in report.md");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"closures\""));
    let summary = common::read_json(&out.join("summary.json"));
    assert_eq!(summary["closures"][0]["name"], "秦望大桥");
    assert_eq!(summary["closures"][0]["demand_lost"], 1);
    // The closed road is drawn, with its legend entry.
    let svg = std::fs::read_to_string(out.join("map_plan.svg")).unwrap();
    assert!(svg.contains("layer-closed-roads") && svg.contains("封闭道路"));
    let svg = std::fs::read_to_string(out.join("map_response.svg")).unwrap();
    assert!(svg.contains("layer-closed-roads"));
    // The GeoPackage has the closed segment.
    let db = rusqlite::Connection::open(out.join("fireplan.gpkg")).unwrap();
    let (closure, source, length): (String, String, f64) = db
        .query_row(
            "SELECT closure, source, length_m FROM closed_roads",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (closure.as_str(), source.as_str(), length),
        ("秦望大桥", "plan change[1]", 4250.0)
    );
}

/// Run `fireplan::plan::Plan::load` then the plan run; the error text.
fn plan_error(scenario: &Path, plan: &Path) -> String {
    fireplan::plan::Plan::load(plan)
        .and_then(|p| {
            fireplan::run::run_with_plan(&Scenario::load(scenario).unwrap(), &p, &quiet())
                .map(|_| ())
        })
        .unwrap_err()
        .to_string()
}

fn plan_text(change: &'static str) -> impl Fn(String) -> String {
    move |_| format!("name = \"bad\"\n\n[[change]]\naction = \"close_road\"\n{change}")
}

/// Bad close_road changes: each error names the plan file, the change and the field.
#[test]
fn bad_plan_closures_are_refused() {
    let cases: [(&str, &str, &[&str]); 8] = [
        (
            "name = \"gone\"\nfile = \"missing.geojson\"\nreason = \"x\"\n",
            "",
            &["close_bridge.toml", "change[1] (line 3, name gone)", "field `file`", "missing.geojson does not exist"],
        ),
        (
            "name = \"null\"\nfile = \"null.geojson\"\nreason = \"x\"\n",
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}]}",
            &["close_bridge.toml", "name null", "field `file`", "null.geojson", "feature 0", "missing geometry"],
        ),
        (
            "name = \"empty\"\nfile = \"empty.geojson\"\nreason = \"x\"\n",
            "{\"type\":\"FeatureCollection\",\"features\":[]}",
            &["close_bridge.toml", "name empty", "field `file`", "empty.geojson", "no features"],
        ),
        (
            "name = \"far\"\nfile = \"far.geojson\"\nreason = \"x\"\n",
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[121.0,31.0]}}]}",
            &["close_bridge.toml", "name far", "field `file`", "road closure `far`", "shape 0", "m from the nearest road"],
        ),
        (
            "name = \"nowhere\"\nfile = \"area.geojson\"\nreason = \"x\"\n",
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[121.0,31.0],[121.01,31.0],[121.01,31.01],[121.0,31.0]]]}}]}",
            &["close_bridge.toml", "name nowhere", "road closure `nowhere`", "touches no road"],
        ),
        (
            "name = \"x\"\nfile = \"bridge.geojson\"\n",
            "",
            &["close_bridge.toml", "change[1]", "field `reason`", "every change says why"],
        ),
        (
            "file = \"bridge.geojson\"\nreason = \"x\"\n",
            "",
            &["close_bridge.toml", "change[1]", "field `name`", "missing"],
        ),
        (
            "name = \"x\"\nfiles = \"bridge.geojson\"\nreason = \"x\"\n",
            "",
            &["close_bridge.toml", "change[1]", "unknown key `files`", "did you mean `file`"],
        ),
    ];
    for (change, file, parts) in cases {
        let geo_name = change
            .split("file = \"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("unused.geojson")
            .to_string();
        let text = plan_text(change);
        let geo = move |_: String| file.to_string();
        let mut extra: Vec<(&str, &dyn Fn(String) -> String)> = vec![];
        if !file.is_empty() {
            extra.push((&geo_name, &geo));
        }
        let (_d, scenario, plan) = plan_fixture(&extra);
        std::fs::write(&plan, text(String::new())).unwrap();
        let e = plan_error(&scenario, &plan);
        for part in parts {
            assert!(e.contains(part), "{part:?} not in: {e}");
        }
    }
}

/// A closure that closes only roads closed already, a name the scenario's closures use
/// and a name used twice in the plan are refused, naming the change.
#[test]
fn plan_closures_closing_nothing_new_or_reusing_a_name_are_refused() {
    let bridge = r#"{"type":"Point","coordinates":[120.057331673,30.0]}"#;
    // The scenario closes the bridge already (as `bridge works`).
    let (_a, scenario, plan) = plan_fixture(&[
        ("scenario.toml", &with_closure("bridge works")),
        ("closure.geojson", &geojson(bridge)),
    ]);
    let e = plan_error(&scenario, &plan);
    for part in [
        "close_bridge.toml",
        "change[1] (line 5, name 秦望大桥)",
        "field `file`",
        "road closure `秦望大桥` closes nothing",
        "closed already",
    ] {
        assert!(e.contains(part), "{part:?} not in: {e}");
    }
    let (_b, scenario, plan) = plan_fixture(&[
        ("scenario.toml", &with_closure("秦望大桥")),
        ("closure.geojson", &geojson(bridge)),
    ]);
    let e = plan_error(&scenario, &plan);
    for part in [
        "change[1]",
        "field `name`",
        "already has a road closure `秦望大桥`",
    ] {
        assert!(e.contains(part), "{part:?} not in: {e}");
    }
    let (_c, scenario, plan) = plan_fixture(&[]);
    let twice = std::fs::read_to_string(&plan).unwrap()
        + "\n[[change]]\naction = \"close_road\"\nname = \"秦望大桥\"\nfile = \"bridge.geojson\"\nreason = \"again\"\n";
    std::fs::write(&plan, twice).unwrap();
    let e = plan_error(&scenario, &plan);
    for part in [
        "change[2]",
        "field `name`",
        "duplicate road closure name `秦望大桥` (change[1] and change[2])",
    ] {
        assert!(e.contains(part), "{part:?} not in: {e}");
    }
}
