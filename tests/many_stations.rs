//! Many stations (issue 20, H2): a report lists at most `REPORT_ROWS` rows per table and
//! says where the rest are, while the CSVs keep every row.

mod common;

use common::{fixture_copy, quiet};
use fireplan::report::write::REPORT_ROWS;

/// The CLI fixture with `n` class-2 stations of 10 staff spread along its 3 km main road,
/// in Keqiao (so that its staffing target, class 2 ≥ 20, applies and fails).
fn run_with_stations(n: usize) -> fireplan::run::RunResult {
    let dir = tempfile::tempdir().unwrap();
    let folder = fixture_copy("cli", dir.path(), &["stations.csv"]);
    let mut csv = String::from("id,lon,lat,class,staff\n");
    for i in 0..n {
        let lon = 120.0 + 0.031 * i as f64 / n as f64;
        csv.push_str(&format!("S{i},{lon:.7},30.0,class2,10\n"));
    }
    std::fs::write(folder.join("stations.csv"), csv).unwrap();
    let scenario = std::fs::read_to_string(folder.join("scenario.toml")).unwrap();
    std::fs::write(
        folder.join("scenario.toml"),
        format!("region = \"keqiao\"\n{scenario}"),
    )
    .unwrap();
    let scenario = fireplan::params::Scenario::load(&folder.join("scenario.toml")).unwrap();
    fireplan::run::run(&scenario, &quiet()).unwrap()
}

#[test]
fn reports_cut_long_tables_and_point_to_the_csv() {
    let n = REPORT_ROWS + 37;
    let run = run_with_stations(n);
    // report.md: the stations table is cut, and says where the rest is (the fixture's
    // report is in Chinese).
    let md = fireplan::report::markdown::report_md(&run).unwrap();
    let station_rows = md.lines().filter(|l| l.starts_with("| S")).count();
    assert_eq!(station_rows, REPORT_ROWS, "station rows of report.md");
    assert!(
        md.contains("……另有 37 行未列出，全部见 `stations.csv`。"),
        "{md}"
    );
    // Every station fails `staff_class2` (10 < 20): one row for the target, its first 12
    // stations with their staff, and the count of the rest pointing to targets.csv.
    let staff: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| staff_class2 | ≥ 20 人 | S0 "))
        .collect();
    assert_eq!(staff.len(), 1, "{staff:?}");
    assert_eq!(staff[0].matches("(10 人)").count(), 12, "{}", staff[0]);
    assert!(
        staff[0].contains(&format!("另 {} 项见 targets.csv", n - 12)),
        "{}",
        staff[0]
    );
    // targets.csv keeps every finding.
    let mut csv = Vec::new();
    fireplan::report::plan::write_targets_csv(&mut csv, &[("baseline", &run.checks)]).unwrap();
    let staff_csv = String::from_utf8(csv)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("baseline,staff_class2,"))
        .count();
    assert_eq!(staff_csv, n);
    // report.html: the same cut, one note per cut table, code spans as <code>.
    let html = fireplan::report::html::report_html(&run, None, &[], "2026-11-30").unwrap();
    assert_eq!(
        html.matches("<td>staff_class2</td>").count(),
        2,
        "failures + tally"
    );
    assert!(html.contains("……另有 37 行未列出，全部见 <code>stations.csv</code>。"));
    assert!(
        !html.contains('`'),
        "no Markdown backticks left in report.html"
    );
}

#[test]
fn short_tables_are_not_cut() {
    let run = run_with_stations(12);
    let md = fireplan::report::markdown::report_md(&run).unwrap();
    assert_eq!(md.lines().filter(|l| l.starts_with("| S")).count(), 12);
    assert!(!md.contains("未列出") && !md.contains("not listed here"));
    let html = fireplan::report::html::report_html(&run, None, &[], "2026-11-30").unwrap();
    assert!(!html.contains("未列出") && !html.contains("not listed here"));
}

#[test]
fn beyond_the_bound_service_areas_are_all_stations_together_and_say_so() {
    use fireplan::report::layers::{service_areas, service_areas_note};
    let n = fireplan::report::layers::EACH_STATION_SERVICE_AREAS_MAX + 1;
    let run = run_with_stations(n);
    let breaks = run
        .inputs
        .scenario
        .map
        .response_bands_s(&run.coverage.params);
    let areas = service_areas(&run);
    assert!(!areas.is_empty());
    assert!(areas.iter().all(|a| a.origin.is_none()));
    assert!(areas.len() <= breaks.len());
    let note = service_areas_note(&run).unwrap();
    assert!(
        note.starts_with(&format!("{n} responding stations, more than 2000")),
        "{note}"
    );
    // The GeoJSON says so beside its features, and the GeoPackage layer's description.
    let dir = tempfile::tempdir().unwrap();
    fireplan::report::gpkg::write_run(dir.path(), &run, None).unwrap();
    let text = std::fs::read_to_string(dir.path().join("service_areas.geojson")).unwrap();
    let fc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(fc["note"], serde_json::Value::from(note.clone()));
    let ids: Vec<&str> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["station_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["all"; areas.len()]);
    let db = rusqlite::Connection::open(dir.path().join("fireplan.gpkg")).unwrap();
    let description: String = db
        .query_row(
            "SELECT description FROM gpkg_contents WHERE table_name = 'service_areas'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(description.ends_with(&note), "{description}");
}

#[test]
fn within_the_bound_each_station_has_its_service_areas() {
    let run = run_with_stations(40);
    assert_eq!(fireplan::report::layers::service_areas_note(&run), None);
    let areas = fireplan::report::layers::service_areas(&run);
    let stations: std::collections::BTreeSet<u32> = areas.iter().filter_map(|a| a.origin).collect();
    assert_eq!(stations.len(), 40);
    assert!(areas.iter().any(|a| a.origin.is_none()));
}
