//! Drone reach (消防无人机): demand weight and grid area within `[drone]` reach of the
//! stations with a hangar, on the hand-computed network of tests/data/cli.

mod common;

use std::path::{Path, PathBuf};

use fireplan::network::raw::haversine_m;
use fireplan::params::Scenario;

/// The cli fixture with `drone` set on S1 (1) and S2 (0), and `extra` scenario text.
fn fixture(dir: &Path, extra: &str) -> PathBuf {
    let copy = common::fixture_copy("cli", dir, &[]);
    std::fs::write(
        copy.join("stations.csv"),
        "id,name,class,lon,lat,staff,drone\n\
         S2,东站,class2,120.031476213,30.000000000,20,0\n\
         S1,西站,class1,120.000000000,30.000000000,30,1\n\
         L1,保障站,logistics,120.008993204,30.000000000,15,\n",
    )
    .unwrap();
    let scenario = std::fs::read_to_string(copy.join("scenario.toml")).unwrap();
    std::fs::write(copy.join("scenario.toml"), format!("{scenario}{extra}")).unwrap();
    copy.join("scenario.toml")
}

#[test]
fn demand_share_within_reach_is_the_hand_value() {
    // From S1 (120, 30): at_n1 866 m, mid_n2_n3 2,166 m, south_of_n3 3,031 m, far_away
    // 5,000 m (haversine). Weights 1, 1, 2, 1.
    let d = |lon: f64, lat: f64| haversine_m(120.0, 30.0, lon, lat);
    assert!(d(120.008993204, 30.0) < 1500.0 && d(120.022483009, 30.0) > 1500.0);
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), "[drone]\nradius_m = 1500\n");
    let run = fireplan::run::run(&Scenario::load(&path).unwrap(), &common::quiet()).unwrap();
    let reach = run.drone.as_ref().unwrap();
    assert_eq!(reach.hangars.len(), 1, "S1 only: S2 says 0, L1 is empty");
    assert_eq!(reach.demand_within, vec![true, false, false, false]);
    // 1 of 5.
    assert_eq!(reach.region.demand_share, Some(0.2));
    let s = run.summary();
    assert_eq!(s.drone_reach_demand_share, Some(Some(0.2)));
    // 3,100 m by flight time × speed (60 s at 186 km/h = 3,100 m): at_n1, mid, south.
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(
        dir.path(),
        "[drone]\nflight_time_s = 60\ncruise_speed_kmh = 186\n",
    );
    let run = fireplan::run::run(&Scenario::load(&path).unwrap(), &common::quiet()).unwrap();
    let reach = run.drone.as_ref().unwrap();
    assert!((reach.radius_m - 3100.0).abs() < 1e-9);
    assert_eq!(reach.region.demand_share, Some(0.8));
}

#[test]
fn area_share_within_reach_matches_the_circle_within_the_grid_tolerance() {
    // A 300 m circle round S1 lies inside 西区 (which reaches 433 m west, 1,039 m east and
    // 1,000 m north and south of S1): π · 0.3² = 0.2827 km² within reach. Cells of 10 m
    // counted whole by their centre differ from the circle only in the cells its edge
    // crosses: at most perimeter × half a diagonal = 1.885 km × 0.00707 km = 0.0133 km².
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), "grid_cell_m = 10\n[drone]\nradius_m = 300\n");
    let run = fireplan::run::run(&Scenario::load(&path).unwrap(), &common::quiet()).unwrap();
    let reach = run.drone.as_ref().unwrap();
    let circle = std::f64::consts::PI * 0.3 * 0.3;
    assert!(
        (reach.region.area_km2_within - circle).abs() < 0.0133,
        "{} vs {circle}",
        reach.region.area_km2_within
    );
    let total = run.coverage.region.area_km2;
    assert!((reach.region.area_km2 - total).abs() < 1e-9);
    assert!((reach.region.area_share.unwrap() - circle / total).abs() < 0.0133 / total);
    // All of it in 西区 (district 0).
    assert!((reach.districts[0].area_km2_within - reach.region.area_km2_within).abs() < 1e-12);
}

#[test]
fn drone_section_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (extra, field) in [
        (
            "[drone]\nradius_m = 5000\nflight_time_s = 600\ncruise_speed_kmh = 60\n",
            "radius_m",
        ),
        ("[drone]\nflight_time_s = 600\n", "cruise_speed_kmh"),
        ("[drone]\nradius_m = -1\n", "radius_m"),
        ("[drone]\nradius = 5000\n", "radius"),
    ] {
        let path = fixture(dir.path(), extra);
        let e = Scenario::load(&path).unwrap_err().to_string();
        assert!(
            e.contains("scenario.toml") && e.contains(field),
            "{extra}: {e}"
        );
    }
}
