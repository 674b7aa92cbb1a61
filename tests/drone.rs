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

/// The what-if `every_station = true`: S1, S2 and the logistics station L1 all count as
/// having a hangar whatever their `drone` cells say. S2 stands 866 m from mid_n2_n3 and
/// 100 m from south_of_n3; far_away is 5 km from S1 and farther from the others.
#[test]
fn every_station_what_if_counts_every_fire_and_rescue_station() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(
        dir.path(),
        "[drone]\nradius_m = 1500\nevery_station = true\n",
    );
    let run = fireplan::run::run(&Scenario::load(&path).unwrap(), &common::quiet()).unwrap();
    let reach = run.drone.as_ref().unwrap();
    assert_eq!(reach.hangars.len(), 3);
    assert_eq!(reach.demand_within, vec![true, true, true, false]);
    // (1 + 1 + 2) of 5.
    assert_eq!(reach.region.demand_share, Some(0.8));
    let md = std::fs::read_to_string({
        let out = dir.path().join("out");
        fireplan::report::write_all(&out, &run, &fireplan::progress::Silent).unwrap();
        out.join("report.md")
    })
    .unwrap();
    assert!(
        md.contains("what-if, `[drone] every_station = true`"),
        "{md}"
    );
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

/// The content of `<g id="layer-NAME">…</g>` of an SVG map.
fn layer<'a>(svg: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<g id=\"layer-{name}\">");
    let i = svg.find(&open)? + open.len();
    let j = svg[i..].find("</g>\n")?;
    Some(&svg[i..i + j])
}

/// Texts of the `<text>` elements of a piece of SVG.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t[t.find('>')? + 1..t.find("</text>")?].trim().to_string()))
        .collect()
}

#[test]
fn drone_map_and_village_markers() {
    // S1 (hangar, 1.5 km) reaches at_n1 only (866 m); S2 has no hangar. Villages: 一村
    // (1,500 residents, no micro station within 1 km) is ringed red and named on the
    // response map, 二村 (1,200, micro station M1 10 m away) ringed teal, 三村 (500) not
    // marked at all.
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(
        dir.path(),
        "[villages]\nfile = \"villages.csv\"\n[drone]\nradius_m = 1500\n",
    );
    let folder = path.parent().unwrap();
    let stations = std::fs::read_to_string(folder.join("stations.csv")).unwrap();
    std::fs::write(
        folder.join("stations.csv"),
        format!("{stations}M1,二村微型消防站,micro,120.020100000,30.000000000,6,\n"),
    )
    .unwrap();
    std::fs::write(
        folder.join("villages.csv"),
        "id,name,lon,lat,population\n\
         V1,一村,120.000000000,30.001000000,1500\n\
         V2,二村,120.020000000,30.000000000,1200\n\
         V3,三村,120.010000000,30.010000000,500\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let st = common::fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(&out)
        .arg(&path)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    assert!(out.join("map_drone.png").exists());
    let svg = std::fs::read_to_string(out.join("map_drone.svg")).unwrap();
    for l in [
        "reach",
        "reach-outline",
        "stations",
        "stations-without-hangar",
        "legend",
    ] {
        assert!(layer(&svg, l).is_some(), "no layer {l}");
    }
    // One hangar: one filled piece and one outline.
    assert_eq!(layer(&svg, "reach").unwrap().matches("<polygon").count(), 1);
    let labels = texts(layer(&svg, "station-labels").unwrap());
    assert!(labels.contains(&"西站".to_string()), "{labels:?}");
    assert!(labels.contains(&"东站".to_string()), "{labels:?}");
    assert!(!labels.iter().any(|l| l.contains("微型")), "{labels:?}");
    let legend = texts(layer(&svg, "legend").unwrap());
    for want in [
        "无人机 1.5 公里可达范围",
        "可达范围内的警情点 (1)",
        "可达范围外的警情点 (3)",
        "无人机覆盖：警情 20.0 %，面积",
    ] {
        assert!(
            legend.iter().any(|t| t.contains(want)),
            "{want}: {legend:?}"
        );
    }
    let resp = std::fs::read_to_string(out.join("map_response.svg")).unwrap();
    let names = texts(layer(&resp, "village-labels").unwrap());
    assert_eq!(names, ["一村"]);
    let legend = texts(layer(&resp, "legend").unwrap());
    for want in [
        "千人以上村、社区：有微型消防站 (1)",
        "千人以上村、社区：无微型消防站 (1)",
    ] {
        assert!(legend.iter().any(|t| t == want), "{want}: {legend:?}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<figure id=\"map_drone\"><img"));
    // Without [drone]: no drone map, and no village markers without [villages].
    let plain = common::data("cli/scenario.toml");
    let out2 = dir.path().join("out2");
    let st = common::fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(&out2)
        .arg(&plain)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    assert!(!out2.join("map_drone.svg").exists());
    let resp = std::fs::read_to_string(out2.join("map_response.svg")).unwrap();
    assert!(layer(&resp, "villages").is_none());
}
