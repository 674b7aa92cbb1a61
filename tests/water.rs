//! Fire water supply (issue 15, part 1): hose distances along the roads from the
//! serviceable sources, hydrant reach (GB 50974-2014 §7.2.5: 150 m), spacing gaps (120 m
//! apart → 60 m from a hydrant), the serviceable share — hand-computed on small graphs;
//! the scenario path end to end (outputs, targets); bad input.

mod common;

use std::path::Path;

use common::{csv_rows, data, fireplan, read_json};
use fireplan::model::water::{WaterSource, WaterSourceKind, WaterSourceStatus};
use fireplan::model::{DemandPoint, District, DistrictKind, Station, StationClass, StationStatus};
use fireplan::network::raw::{Highway, Oneway, RawNetwork, RawNode, RawSegment, RoadLimits};
use fireplan::network::{Network, Profile, SnapIndex};
use fireplan::params::{NetworkParams, ResponseParams, WaterParams};
use fireplan::water::{evaluate, WaterReach};
use geo::{LineString, MultiPolygon, Point, Polygon};

/// Metres per degree on the mean sphere, so node positions can be written in metres.
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

fn at(x_m: f64, y_m: f64) -> Point<f64> {
    Point::new(x_m / M_PER_DEG, y_m / M_PER_DEG)
}

fn node(id: i64, x_m: f64, y_m: f64) -> RawNode {
    let p = at(x_m, y_m);
    RawNode {
        id,
        lon: p.x(),
        lat: p.y(),
    }
}

fn street(from: u32, to: u32, length_m: f64, oneway: Oneway) -> RawSegment {
    RawSegment {
        from,
        to,
        highway: Highway::parse("residential").unwrap(),
        oneway,
        maxspeed_kmh: None,
        length_m,
        limits: RoadLimits::default(),
    }
}

fn source(id: &str, p: Point<f64>, kind: WaterSourceKind, ok: bool) -> WaterSource {
    WaterSource {
        id: id.into(),
        kind,
        status: if ok {
            WaterSourceStatus::InService
        } else {
            WaterSourceStatus::OutOfService
        },
        location: p,
        flow_lps: None,
        last_inspected: None,
    }
}

fn place(id: &str, p: Point<f64>) -> DemandPoint {
    DemandPoint {
        id: id.into(),
        location: p,
        weight: 1.0,
        kind: None,
        time: None,
    }
}

fn station_at(p: Point<f64>) -> Station {
    Station {
        id: "S1".into(),
        name: "S1".into(),
        class: StationClass::Class2,
        location: p,
        staff: None,
        turnout_s: Some(0.0),
        status: StationStatus::Existing,
        drone: None,
        district: None,
        support_level: None,
        support_capacity_persons: None,
        vehicles: Vec::new(),
        line: 0,
    }
}

/// Runs coverage and water reach on `raw` with the GB 50974 rules (150 m, 120 m).
fn water_on(raw: &RawNetwork, sources: &[WaterSource], demand: &[DemandPoint]) -> WaterReach {
    let net = Network::build(raw, &NetworkParams::default(), Profile::Emergency);
    let index = SnapIndex::new(&net);
    // One urban district around everything (the spacing rule's built-up area).
    let ring: Vec<(f64, f64)> = [
        (-100.0, -100.0),
        (600.0, -100.0),
        (600.0, 300.0),
        (-100.0, 300.0),
    ]
    .iter()
    .map(|&(x, y)| (at(x, y).x(), at(x, y).y()))
    .collect();
    let districts = vec![District {
        name: "test".into(),
        kind: DistrictKind::Urban,
        area: MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]),
        population: None,
    }];
    let stations = vec![station_at(Point::new(raw.nodes[0].lon, raw.nodes[0].lat))];
    let coverage = fireplan::coverage::evaluate(
        &net,
        &index,
        &stations,
        demand,
        &districts,
        &ResponseParams::default(),
        50.0,
    );
    let params = WaterParams {
        file: None,
        from_osm: false,
        protection_radius_m: 150.0,
        hydrant_spacing_m: 120.0,
    };
    let weights: Vec<f64> = demand.iter().map(|d| d.weight).collect();
    evaluate(
        &net, &index, sources, &params, &coverage, &weights, &districts,
    )
}

/// H (0, 0) —150 m— B1 (150, 0) —300 m— B3 (450, 0); H —151 m— B2 (0, 151).
/// A hydrant at H, a broken hydrant at B2, a water tank at B3.
fn tee() -> RawNetwork {
    RawNetwork {
        nodes: vec![
            node(0, 0.0, 0.0),
            node(1, 150.0, 0.0),
            node(2, 0.0, 151.0),
            node(3, 450.0, 0.0),
        ],
        segments: vec![
            street(0, 1, 150.0, Oneway::Both),
            street(0, 2, 151.0, Oneway::Both),
            street(1, 3, 300.0, Oneway::Both),
        ],
        ..RawNetwork::default()
    }
}

#[test]
fn hydrant_150_m_along_the_road_is_in_reach_151_m_is_not() {
    let sources = [
        source("H", at(0.0, 0.0), WaterSourceKind::Hydrant, true),
        source("broken", at(0.0, 151.0), WaterSourceKind::Hydrant, false),
        source("T", at(450.0, 0.0), WaterSourceKind::WaterTank, true),
    ];
    let demand = [
        place("B1", at(150.0, 0.0)),
        place("B2", at(0.0, 151.0)),
        place("B3", at(450.0, 0.0)),
    ];
    let w = water_on(&tee(), &sources, &demand);
    let hydrant_m: Vec<f64> = w
        .demand
        .iter()
        .map(|d| d.hydrant.unwrap().distance_m)
        .collect();
    for (got, want) in hydrant_m.iter().zip([150.0, 151.0, 450.0]) {
        assert!((got - want).abs() < 1e-3, "hydrant distances {hydrant_m:?}");
    }
    // 150 m: in reach; 151 m: not (the broken hydrant standing on B2 does not count).
    assert!(w.in_reach(0));
    assert!(!w.in_reach(1));
    assert!(!w.in_reach(2));
    assert_eq!(w.region.reach_demand_share, Some(1.0 / 3.0));
    // The nearest static source: the tank, 601 m from B2 (151 + 150 + 300), 0 m from B3.
    let tank = w.demand[1].nearest_static.unwrap();
    assert_eq!(tank.source, 2);
    assert!((tank.distance_m - 601.0).abs() < 1e-3, "{tank:?}");
    let b3 = w.demand[2];
    assert!(b3.nearest_static.unwrap().distance_m < 1e-3);
    // Nearest of any kind: the hydrant for B1 and B2, the tank for B3.
    let nearest: Vec<usize> = w.demand.iter().map(|d| d.nearest.unwrap().source).collect();
    assert_eq!(nearest, vec![0, 0, 2]);
    // 2 of 3 in service.
    assert_eq!((w.sources, w.serviceable), (3, 2));
    assert_eq!(w.serviceable_share, Some(2.0 / 3.0));
}

#[test]
fn spacing_gaps_hand_computed() {
    let sources = [source("H", at(0.0, 0.0), WaterSourceKind::Hydrant, true)];
    let w = water_on(&tee(), &sources, &[]);
    // Within 60 m of H: the first 60 m of the 150 m and the 151 m roads; the 300 m road
    // starts 150 m away. Gaps: 90 + 91 + 300 = 481 m.
    assert!(
        (w.region.spacing_gap_road_km - 0.481).abs() < 1e-6,
        "{}",
        w.region.spacing_gap_road_km
    );
    assert!((w.region.road_km - 0.601).abs() < 1e-6);
    let first = w.gaps.iter().find(|g| g.segment == 0).unwrap();
    assert!((first.from - 0.4).abs() < 1e-9 && (first.to - 1.0).abs() < 1e-12);
    // A second hydrant at B1 closes the 150 m road but for its middle 30 m (60 m from each
    // end), and cuts 60 m off the 300 m road.
    let sources = [
        source("H", at(0.0, 0.0), WaterSourceKind::Hydrant, true),
        source("H2", at(150.0, 0.0), WaterSourceKind::Hydrant, true),
    ];
    let w = water_on(&tee(), &sources, &[]);
    assert!(
        (w.region.spacing_gap_road_km - (0.030 + 0.091 + 0.240)).abs() < 1e-6,
        "{}",
        w.region.spacing_gap_road_km
    );
}

#[test]
fn a_hydrant_mid_segment_reaches_both_ways_along_it() {
    // One 300 m road; a hydrant at its middle, 5 m off the kerb.
    let raw = RawNetwork {
        nodes: vec![node(0, 0.0, 0.0), node(1, 300.0, 0.0)],
        segments: vec![street(0, 1, 300.0, Oneway::Both)],
        ..RawNetwork::default()
    };
    let sources = [source("H", at(150.0, 5.0), WaterSourceKind::Hydrant, true)];
    let demand = [place("end", at(300.0, 0.0)), place("near", at(100.0, 0.0))];
    let w = water_on(&raw, &sources, &demand);
    // 5 m access + 150 m along the road: 155 m, beyond 150 m; 5 + 50 = 55 m.
    let d: Vec<f64> = w
        .demand
        .iter()
        .map(|d| d.hydrant.unwrap().distance_m)
        .collect();
    assert!(
        (d[0] - 155.0).abs() < 0.01 && (d[1] - 55.0).abs() < 0.01,
        "{d:?}"
    );
    assert!(!w.in_reach(0) && w.in_reach(1));
    // Within 60 m: 55 m either side of the middle (5 m are the access leg): gap 300 − 110.
    assert!(
        (w.region.spacing_gap_road_km - 0.190).abs() < 1e-4,
        "{}",
        w.region.spacing_gap_road_km
    );
}

#[test]
fn adding_a_hydrant_never_lowers_reach_nor_widens_gaps() {
    let raw = tee();
    let demand: Vec<DemandPoint> = (0..20)
        .map(|i| place(&format!("d{i}"), at(22.5 * i as f64, 0.0)))
        .collect();
    let mut sources = vec![source("H", at(0.0, 0.0), WaterSourceKind::Hydrant, true)];
    let mut last = water_on(&raw, &sources, &demand);
    for (i, x) in [300.0, 450.0, 75.0].into_iter().enumerate() {
        sources.push(source(
            &format!("H{i}"),
            at(x, 0.0),
            WaterSourceKind::Hydrant,
            true,
        ));
        let next = water_on(&raw, &sources, &demand);
        assert!(next.region.reach_weight >= last.region.reach_weight);
        assert!(next.region.spacing_gap_road_km <= last.region.spacing_gap_road_km + 1e-12);
        for (a, b) in next.demand.iter().zip(&last.demand) {
            assert!(a.hydrant.unwrap().distance_m <= b.hydrant.unwrap().distance_m + 1e-9);
        }
        last = next;
    }
}

/// The scenario path: `[water] file` with a register; outputs and targets.
#[test]
fn scenario_outputs_and_targets() {
    let out = tempfile::tempdir().unwrap();
    let scenario = data("water/scenario.toml");
    let st = fireplan()
        .args(["run", "--quiet", "--out"])
        .arg(out.path())
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let summary = read_json(&out.path().join("summary.json"));
    let share = summary["water_reach_demand_share"].as_f64().unwrap();
    assert!((share - 1.0 / 3.0).abs() < 1e-9, "{share}");
    assert_eq!(summary["water"]["sources"], 3);
    assert_eq!(summary["water"]["serviceable"], 2);
    assert_eq!(summary["water"]["demand_beyond_reach"], 2);
    let rows = csv_rows(&out.path().join("demand_response.csv"));
    let b1 = rows.iter().find(|r| r["id"] == "B1").unwrap();
    assert_eq!(b1["water_source"], "H");
    assert_eq!(b1["water_m"], "150.0");
    let b3 = rows.iter().find(|r| r["id"] == "B3").unwrap();
    assert_eq!(
        (b3["water_source"].as_str(), b3["hydrant_m"].as_str()),
        ("T", "450.0")
    );
    let gaps = csv_rows(&out.path().join("water_gaps.csv"));
    let ids: Vec<&str> = gaps.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, vec!["B2", "B3"]);
    assert_eq!(gaps[0]["static_source"], "T");
    assert_eq!(gaps[0]["static_m"], "601.0");
    let sources = csv_rows(&out.path().join("water_sources.csv"));
    assert_eq!(sources[1]["used"], "no: out of service");
    let targets = csv_rows(&out.path().join("targets.csv"));
    let row = |id: &str| {
        targets
            .iter()
            .find(|r| r["target"] == id)
            .unwrap_or_else(|| panic!("no {id} in targets.csv"))
    };
    assert_eq!(row("hydrant_protection_radius")["status"], "fail");
    assert_eq!(row("hydrant_spacing")["status"], "fail");
    assert_eq!(row("water_sources_serviceable")["status"], "fail");
    let layer: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("water.geojson")).unwrap()).unwrap();
    let layers: Vec<&str> = layer["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["layer"].as_str().unwrap())
        .collect();
    assert_eq!(layers.iter().filter(|l| **l == "source").count(), 3);
    assert_eq!(layers.iter().filter(|l| **l == "beyond_reach").count(), 2);
    assert!(layers.contains(&"spacing_gap"));
}

fn scenario_error(toml: &str) -> String {
    let dir = data("water");
    let path = dir.join("_bad.toml");
    let err = fireplan::params::Scenario::from_toml(toml, &path).unwrap_err();
    err.to_string()
}

#[test]
fn bad_water_sections() {
    let base = "name = \"w\"\n[network]\nnodes = \"nodes.csv\"\nedges = \"edges.csv\"\n\
                [stations]\nfile = \"stations.csv\"\n";
    let e = scenario_error(&format!("{base}[water]\nfrom = \"osm\"\n"));
    assert!(e.contains("water.from") && e.contains("CSV network"), "{e}");
    let e = scenario_error(&format!("{base}[water]\nprotection_radius_m = 150\n"));
    assert!(e.contains("`[water]` needs"), "{e}");
    let e = scenario_error(&format!(
        "{base}[water]\nfile = \"w.csv\"\nhydrant_spacing_m = 0\n"
    ));
    assert!(
        e.contains("water.hydrant_spacing_m") && e.contains("expected a value"),
        "{e}"
    );
    let e = scenario_error(&format!("{base}[water]\nfile = \"w.csv\"\nradius_m = 10\n"));
    assert!(e.contains("unknown key `water.radius_m`"), "{e}");
}

#[test]
fn bad_water_registers() {
    let dir = tempfile::tempdir().unwrap();
    let case = |body: &str| -> String {
        let p = dir.path().join("water.csv");
        std::fs::write(&p, body).unwrap();
        fireplan::io::water::read_water_sources(&p, Default::default())
            .unwrap_err()
            .to_string()
    };
    let e = case("id,lon,lat,kind\nH1,120.5,30.1,hydrnt\n");
    assert!(
        e.contains("line 2") && e.contains("kind") && e.contains("hydrant"),
        "{e}"
    );
    let e = case("id,lon,lat,kind,status\nH1,120.5,30.1,hydrant,broken\n");
    assert!(
        e.contains("line 2") && e.contains("status") && e.contains("out_of_service"),
        "{e}"
    );
    let e = case("id,lon,lat,kind\nH1,120.5,30.1,hydrant\nH1,120.6,30.1,hydrant\n");
    assert!(e.contains("line 3") && e.contains("H1"), "{e}");
    let e = case("id,lon,lat,kind,flow_lps\nH1,120.5,30.1,hydrant,-5\n");
    assert!(e.contains("line 2") && e.contains("flow_lps"), "{e}");
    let e = case("id,lon,lat\nH1,120.5,30.1\n");
    assert!(
        e.contains("line 1") && e.contains("missing column `kind`"),
        "{e}"
    );
    let e = case("id,lon,lat,kind\nH1,200.5,30.1,hydrant\n");
    assert!(e.contains("line 2") && e.contains("lon"), "{e}");
}

#[test]
fn osm_water_sources_are_read() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/osm/water.osm.pbf");
    let sources = fireplan::io::water::read_osm_water_sources(&path).unwrap();
    let got: Vec<(&str, &str, &str)> = sources
        .iter()
        .map(|s| (s.id.as_str(), s.kind.as_str(), s.status.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("osm:n101", "hydrant", "in_service"),
            ("osm:n102", "hydrant", "out_of_service"),
            ("osm:n103", "water_tank", "in_service"),
            ("osm:n104", "suction_point", "in_service"),
            ("osm:n105", "natural", "in_service"),
        ]
    );
    assert_eq!(sources[0].flow_lps, Some(20.0));
}

/// The GeoPackage of a water run holds the three water layers, read without GDAL.
#[test]
fn geopackage_has_the_water_layers() {
    let out = tempfile::tempdir().unwrap();
    let st = fireplan()
        .args(["run", "--quiet", "--out"])
        .arg(out.path())
        .arg(data("water/scenario.toml"))
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let db = rusqlite::Connection::open(out.path().join("fireplan.gpkg")).unwrap();
    let count = |table: &str| -> i64 {
        db.query_row(&format!("SELECT COUNT(*) FROM \"{table}\""), [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    assert_eq!(count("water_sources"), 3);
    assert_eq!(count("water_beyond_reach"), 2);
    // 90 + 91 + 300 m of gaps, one piece per segment.
    assert_eq!(count("water_spacing_gaps"), 3);
    let broken: String = db
        .query_row(
            "SELECT status FROM water_sources WHERE id = 'broken'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(broken, "out_of_service");
    assert!(out.path().join("map_water.png").exists());
    assert!(out.path().join("map_water.svg").exists());
}
