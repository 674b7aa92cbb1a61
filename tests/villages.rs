//! Villages and communities (行政村、社区): micro stations (微型消防站) and volunteer teams
//! (志愿消防队) inside a village's outline or within `[villages] point_radius_m` of its
//! point, the catalogue targets of seed 000 专栏6 and main text, and micro stations'
//! absence from response coverage. On the hand-computed network of tests/data/cli.

mod common;

use std::path::{Path, PathBuf};

use fireplan::network::raw::haversine_m;
use fireplan::params::Scenario;
use fireplan::plan::Status;

/// Longitude `m` metres east of 120° E along 30.001° N (haversine), found by bisection.
fn east_of(m: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 0.1);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if haversine_m(120.0, 30.001, 120.0 + mid, 30.001) < m {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    120.0 + (lo + hi) / 2.0
}

/// The cli fixture with extra stations rows, a villages file and `extra` scenario text.
fn fixture(
    dir: &Path,
    stations_extra: &str,
    villages_name: &str,
    villages: &str,
    extra: &str,
) -> PathBuf {
    let copy = common::fixture_copy("cli", dir, &[]);
    let stations = std::fs::read_to_string(copy.join("stations.csv")).unwrap();
    std::fs::write(
        copy.join("stations.csv"),
        format!("{stations}{stations_extra}"),
    )
    .unwrap();
    std::fs::write(copy.join(villages_name), villages).unwrap();
    let scenario = std::fs::read_to_string(copy.join("scenario.toml")).unwrap();
    let text = format!(
        "region = \"zhejiang\"\n{scenario}\n[villages]\nfile = \"{villages_name}\"\npoint_radius_m = 1000\n{extra}"
    );
    std::fs::write(copy.join("scenario.toml"), text).unwrap();
    copy.join("scenario.toml")
}

fn statuses(run: &fireplan::run::RunResult, target: &str) -> Vec<(String, Status)> {
    run.checks
        .findings
        .iter()
        .filter(|f| &*f.target == target)
        .map(|f| (f.subject.clone(), f.status))
        .collect()
}

#[test]
fn micro_station_inside_outline_passes_none_fails_small_village_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    // A micro station at 120.0005, 30.0005: inside A's square, outside B's.
    let square = |x0: f64, y0: f64| {
        format!(
            "[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]",
            x1 = x0 + 0.001,
            y1 = y0 + 0.001
        )
    };
    let feature = |name: &str, pop: u32, kind: &str, sq: String| {
        format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"{name}\",\"population\":{pop},\"kind\":\"{kind}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":{sq}}}}}"
        )
    };
    let villages = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{},{},{}]}}",
        feature("A", 1200, "village", square(120.0, 30.0)),
        feature("B", 1200, "community", square(120.01, 30.0)),
        feature("C", 900, "village", square(120.02, 30.0)),
    );
    let path = fixture(
        dir.path(),
        "M1,甲村微型站,micro,120.0005,30.0005,6\n",
        "villages.geojson",
        &villages,
        "",
    );
    let run = fireplan::run::run(&Scenario::load(&path).unwrap(), &common::quiet()).unwrap();
    assert_eq!(
        statuses(&run, "village_micro_station"),
        vec![
            ("A".to_string(), Status::Pass),
            ("B".to_string(), Status::Fail)
        ],
        "C (900 residents) is not checked"
    );
    let a = run
        .checks
        .findings
        .iter()
        .find(|f| &*f.target == "village_micro_station" && f.subject == "A")
        .unwrap();
    assert_eq!(a.measured, Some(1.0));
    assert!(a.reason.contains("M1"), "{}", a.reason);
    // The volunteer-team goal speaks of villages, not communities: A only, and it fails.
    assert_eq!(
        statuses(&run, "village_volunteer_team"),
        vec![("A".to_string(), Status::Fail)]
    );
}

#[test]
fn point_village_radius_minus_one_metre_passes_plus_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let near = east_of(999.0);
    let far = east_of(1001.0);
    // Two point villages 0.05° apart in latitude, each with one micro station east of it.
    let villages =
        "id,name,lon,lat,population\nV1,近村,120.0,30.001,1200\nV2,远村,120.0,30.051,1200\n";
    let stations =
        format!("M1,近村微型站,micro,{near:.9},30.001,6\nM2,远村微型站,micro,{far:.9},30.051,6\n");
    let d_near = haversine_m(120.0, 30.001, (near * 1e9).round() / 1e9, 30.001);
    assert!((d_near - 999.0).abs() < 0.01, "{d_near}");
    let path = fixture(dir.path(), &stations, "villages.csv", villages, "");
    let run = fireplan::run::run(&Scenario::load(&path).unwrap(), &common::quiet()).unwrap();
    assert_eq!(
        statuses(&run, "village_micro_station"),
        vec![
            ("V1".to_string(), Status::Pass),
            ("V2".to_string(), Status::Fail)
        ]
    );
    assert_eq!(run.village_forces[0].len(), 1);
    assert!((run.village_forces[0][0].distance_m - 999.0).abs() < 0.01);
    assert!(run.village_forces[1].is_empty());
}

#[test]
fn micro_stations_do_not_respond_unless_the_scenario_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let villages = "id,name,lon,lat,population\nV1,村,120.0,30.044966018,1200\n";
    // A micro station on far_away's spot: 5 km north of the network, 10 m off no road…
    // it stands next to node 10's road only when it responds; far_away is off-network.
    let extra_station = "M1,村微型站,micro,120.0,30.0001,6\n";
    let base = fireplan::run::run(
        &Scenario::load(&common::data("cli/scenario.toml")).unwrap(),
        &common::quiet(),
    )
    .unwrap();
    let off = fixture(dir.path(), extra_station, "villages.csv", villages, "");
    let off_run = fireplan::run::run(&Scenario::load(&off).unwrap(), &common::quiet()).unwrap();
    assert_eq!(off_run.coverage.origins.len(), base.coverage.origins.len());
    assert_eq!(
        off_run.summary().demand_coverage,
        base.summary().demand_coverage
    );
    assert_eq!(
        off_run.coverage.region.p50_s, base.coverage.region.p50_s,
        "a micro station changes no response time"
    );
    let dir2 = tempfile::tempdir().unwrap();
    let on = fixture(dir2.path(), extra_station, "villages.csv", villages, "");
    let text = std::fs::read_to_string(&on).unwrap().replace(
        "threshold_s = 150",
        "threshold_s = 150\nmicro_and_volunteer_respond = true",
    );
    std::fs::write(&on, text).unwrap();
    let on_run = fireplan::run::run(&Scenario::load(&on).unwrap(), &common::quiet()).unwrap();
    assert_eq!(
        on_run.coverage.origins.len(),
        base.coverage.origins.len() + 1
    );
    // at_n1 (1 of 5 weight) was reached through S1 at 60 + travel; M1 at node 10 with the
    // same turnout ties S1's place and changes nothing there, but the count of origins
    // proves it takes part.
}

#[test]
fn bad_village_inputs_are_refused_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.csv");
    std::fs::write(&p, "id,name,lon,lat,population\nV1,a,120,30,12x0\n").unwrap();
    let e = fireplan::io::villages::read_villages(&p, Default::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("v.csv") && e.contains("line 2") && e.contains("population"),
        "{e}"
    );
    std::fs::write(&p, "id,name,lon,lat,population\nV1,a,120,30,-5\n").unwrap();
    let e = fireplan::io::villages::read_villages(&p, Default::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2") && e.contains("≥ 0"), "{e}");
    let g = dir.path().join("v.geojson");
    std::fs::write(
        &g,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a","population":"many"},"geometry":{"type":"Point","coordinates":[120,30]}}]}"#,
    )
    .unwrap();
    let e = fireplan::io::villages::read_villages(&g, Default::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("feature 0") && e.contains("population"), "{e}");
    // An unknown station class names the nearest.
    let s = dir.path().join("s.csv");
    std::fs::write(&s, "id,name,class,lon,lat\nM1,a,micr,120,30\n").unwrap();
    let e = fireplan::io::tables::read_stations(&s, Default::default(), None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2") && e.contains("class") && e.contains("micro"),
        "{e}"
    );
}

#[test]
fn osm_place_nodes_with_a_population_are_the_villages() {
    let pbf = common::data("osm/villages.osm.pbf");
    let v = fireplan::io::villages::read_place_nodes(&pbf).unwrap();
    let got: Vec<(&str, &str, &str, f64)> = v
        .iter()
        .map(|v| {
            (
                v.id.as_str(),
                v.name.as_str(),
                v.kind.as_str(),
                v.population,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("n100", "Adorf", "village", 1357.0),
            ("n101", "Bweiler", "natural_village", 1204.0),
            ("n102", "Cstadt", "community", 2500.0),
            ("n106", "n106", "village", 4.0),
            ("n107", "Gdorf", "village", 900.0),
        ]
    );
    // At the node (PBF coordinates: 100 nanodegrees).
    let fireplan::model::VillageShape::Point(p) = v[0].shape else {
        panic!("not a point")
    };
    assert!(
        (p.x() - 10.0).abs() < 1e-9 && (p.y() - 50.001).abs() < 1e-9,
        "{p:?}"
    );
    // Populations: plain or grouped digits only.
    use fireplan::io::villages::osm_population;
    assert_eq!(osm_population("1357"), Some(1357.0));
    assert_eq!(osm_population(" 12 345 "), Some(12345.0));
    assert_eq!(osm_population("1,204,000"), Some(1_204_000.0));
    for bad in [
        "", "ca. 800", "1.357", "500-600", "12,34", "1,2345", "-5", ",123",
    ] {
        assert_eq!(osm_population(bad), None, "{bad}");
    }
    // An OSM XML file is refused with the conversion hint.
    let e = fireplan::io::villages::read_place_nodes(&common::data("osm/villages.osm"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("villages.osm") && e.contains("osmium cat"),
        "{e}"
    );
}

#[test]
fn villages_from_osm_are_checked_in_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let pbf = common::data("osm/villages.osm.pbf");
    std::fs::write(
        dir.path().join("stations.csv"),
        "id,name,class,lon,lat\n\
         S1,Station,class2,10.010,50.000\n\
         M1,Adorf micro,micro,10.0005,50.001\n",
    )
    .unwrap();
    let scenario = |villages: &str| {
        let p = dir.path().join("scenario.toml");
        std::fs::write(
            &p,
            format!(
                "name = \"osm villages\"\nregion = \"zhejiang\"\n[network]\nosm = \"{}\"\n\
                 [stations]\nfile = \"stations.csv\"\n{villages}",
                pbf.display()
            ),
        )
        .unwrap();
        p
    };
    let path = scenario("[villages]\nfrom = \"osm\"\n");
    let run = fireplan::run::run(&Scenario::load(&path).unwrap(), &common::quiet()).unwrap();
    assert_eq!(run.inputs.villages.as_ref().map(Vec::len), Some(5));
    // Micro station: the administrative village n100 (36 m from M1) passes, the suburb
    // n102 (1.4 km) fails; the hamlet n101 is not its subject, n106 and n107 are small.
    assert_eq!(
        statuses(&run, "village_micro_station"),
        [
            ("n100".to_string(), Status::Pass),
            ("n102".to_string(), Status::Fail)
        ]
    );
    // Volunteer team (villages and natural villages): none has one.
    assert_eq!(
        statuses(&run, "village_volunteer_team"),
        [
            ("n100".to_string(), Status::Fail),
            ("n101".to_string(), Status::Fail)
        ]
    );
    // Bad sections.
    for (section, field) in [
        (
            "[villages]\nfrom = \"osm\"\nfile = \"v.csv\"\n",
            "villages.from",
        ),
        ("[villages]\nfrom = \"wikidata\"\n", "villages.from"),
        ("[villages]\npoint_radius_m = 500\n", "villages.file"),
    ] {
        let e = Scenario::load(&scenario(section)).unwrap_err().to_string();
        assert!(
            e.contains("scenario.toml") && e.contains(field),
            "{section}: {e}"
        );
    }
    // `from = "osm"` on a CSV network.
    let csv = fixture(dir.path(), "", "v.csv", "id,lon,lat,population\n", "");
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replace("file = \"v.csv\"", "from = \"osm\"");
    std::fs::write(&csv, text).unwrap();
    let e = Scenario::load(&csv).unwrap_err().to_string();
    assert!(
        e.contains("villages.from") && e.contains("[network] osm"),
        "{e}"
    );
}
