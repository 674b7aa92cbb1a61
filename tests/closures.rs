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
/// off the network, and D1 and D2 — reached by S3 within 300 s — lose their cover.
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
    assert!(!lost.is_empty(), "the bridge matters to someone");
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
