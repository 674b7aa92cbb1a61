//! Happy paths of the input readers on the small fixtures in `tests/data/readers/`:
//! optional columns and their defaults, shuffled columns, a UTF-8 BOM, CRS conversion,
//! vehicles attached to stations, the CSV network's oneway rules and default lengths.

mod common;

use std::path::PathBuf;

use fireplan::io::crs::{bd09_to_wgs84, gcj02_to_wgs84};
use fireplan::io::csv_network::read_csv_network;
use fireplan::io::districts::read_districts;
use fireplan::io::tables::{read_demand, read_depots, read_stations, read_vehicles};
use fireplan::model::{DepotLevel, DistrictKind, StationClass, StationStatus};
use fireplan::network::raw::{haversine_m, Oneway, RoadClass};
use fireplan::params::{Crs, NetworkSource, Scenario};

/// A file of `tests/data/readers/`.
fn fixture(name: &str) -> PathBuf {
    common::data(&format!("readers/{name}"))
}

fn assert_near(got: f64, want: f64, tol: f64) {
    assert!((got - want).abs() < tol, "got {got}, want {want}");
}

#[test]
fn stations_with_bom_shuffled_columns_and_every_optional_column() {
    let stations = read_stations(&fixture("stations.csv"), Crs::Wgs84, None).unwrap();
    assert_eq!(stations.len(), 3);

    let s1 = &stations[0];
    assert_eq!(s1.id, "S1", "BOM and spaces around the header are dropped");
    assert_eq!(s1.name, "Keqiao Special, HQ");
    assert_eq!(s1.class, StationClass::Special);
    assert_eq!((s1.location.x(), s1.location.y()), (120.4930, 30.0833));
    assert_eq!(s1.staff, Some(45));
    assert_eq!(s1.turnout_s, Some(50.0));
    assert_eq!(s1.status, StationStatus::Existing);
    assert_eq!(s1.drone, Some(true));
    assert_eq!(s1.district.as_deref(), Some("城区"));
    assert!(s1.vehicles.is_empty());

    let s2 = &stations[1];
    assert_eq!(s2.name, "柯桥一级站");
    assert_eq!(s2.class, StationClass::Class1, "class is case-insensitive");
    assert_eq!((s2.location.x(), s2.location.y()), (120.5101, 30.1012));
    assert_eq!(
        (s2.staff, s2.turnout_s),
        (None, None),
        "empty cells take the default"
    );
    assert_eq!(s2.status, StationStatus::Planned);
    assert_eq!(s2.drone, Some(false));
    assert_eq!(s2.district, None);

    let s3 = &stations[2];
    assert_eq!(s3.name, "S3", "an empty name defaults to the id");
    assert_eq!(
        s3.status,
        StationStatus::Existing,
        "status defaults to existing"
    );
    assert_eq!(s3.drone, None);
}

#[test]
fn stations_without_class_take_the_default_class() {
    let path = fixture("stations_osm.csv");
    let stations = read_stations(&path, Crs::Wgs84, Some(StationClass::Small)).unwrap();
    assert_eq!(
        stations[0].class,
        StationClass::Small,
        "empty cell → default"
    );
    assert_eq!(
        stations[1].class,
        StationClass::Forward,
        "a given class wins"
    );
    assert!(
        read_stations(&path, Crs::Wgs84, None).is_err(),
        "no default → empty class refused"
    );
}

#[test]
fn station_coordinates_are_converted_from_bd09() {
    let wgs = read_stations(&fixture("stations.csv"), Crs::Wgs84, None).unwrap();
    let bd = read_stations(&fixture("stations.csv"), Crs::Bd09, None).unwrap();
    for (w, b) in wgs.iter().zip(&bd) {
        let (lon, lat) = bd09_to_wgs84(w.location.x(), w.location.y());
        assert_eq!((b.location.x(), b.location.y()), (lon, lat));
        // BD-09 is about 1.1 km from WGS-84 around Shaoxing (GCJ-02 ≈ 0.5 km + Baidu).
        let shift = haversine_m(w.location.x(), w.location.y(), lon, lat);
        assert!((700.0..1500.0).contains(&shift), "shift {shift} m");
    }
}

#[test]
fn vehicles_are_attached_to_their_stations() {
    let mut stations = read_stations(&fixture("stations.csv"), Crs::Wgs84, None).unwrap();
    read_vehicles(&fixture("vehicles.csv"), &mut stations).unwrap();
    let s1 = &stations[0].vehicles;
    assert_eq!(s1.len(), 2);
    assert_eq!((s1[0].kind.as_str(), s1[0].count), ("engine", 2));
    assert_eq!(s1[0].pump_flow_lps, Some(60.0));
    assert_eq!(s1[0].firefighting, Some(true));
    assert_eq!((s1[1].pump_flow_lps, s1[1].firefighting), (None, None));
    assert_eq!(stations[1].vehicles[0].firefighting, Some(false));
    assert_eq!(stations[2].vehicles[0].count, 3);
}

#[test]
fn demand_defaults_and_gcj02_conversion() {
    let demand = read_demand(&fixture("demand_gcj02.csv"), Crs::Gcj02).unwrap();
    assert_eq!(demand.len(), 2);
    let d1 = &demand[0];
    assert_eq!(d1.id, "D1");
    assert_eq!(d1.weight, 2.5);
    assert_eq!(d1.kind.as_deref(), Some("building_fire"));
    assert_eq!(d1.time.as_deref(), Some("2023-04-01T10:15:00+08:00"));
    let (lon, lat) = gcj02_to_wgs84(120.5, 30.08);
    assert_eq!((d1.location.x(), d1.location.y()), (lon, lat));
    // GCJ-02 is a few hundred metres off WGS-84 here.
    assert!(haversine_m(120.5, 30.08, lon, lat) > 200.0);
    let d2 = &demand[1];
    assert_eq!(d2.weight, 1.0, "weight defaults to 1");
    assert_eq!((d2.kind.as_deref(), d2.time.as_deref()), (None, None));
}

#[test]
fn depots_with_optional_columns() {
    let depots = read_depots(&fixture("depots.csv"), Crs::Wgs84).unwrap();
    assert_eq!(depots[0].level, DepotLevel::City);
    assert_eq!(depots[0].name, "City reserve depot");
    assert_eq!(depots[0].capacity_persons, Some(200.0));
    assert_eq!(
        depots[1].level,
        DepotLevel::Town,
        "level is case-insensitive"
    );
    assert_eq!(depots[1].name, "P2");
    assert_eq!(depots[1].capacity_persons, None);
}

#[test]
fn csv_network_oneway_rules_lengths_and_file_order() {
    let net = read_csv_network(
        &fixture("nodes.csv"),
        &fixture("edges.csv"),
        Crs::Wgs84,
        false,
    )
    .unwrap();
    // Ids are text (issue 19); a node is numbered by its place in the file.
    let ids: Vec<i64> = net.nodes.iter().map(|n| n.id).collect();
    assert_eq!(ids, [0, 1, 2, 3], "nodes keep file order");
    let places: Vec<(f64, f64)> = net.nodes.iter().map(|n| (n.lon, n.lat)).collect();
    assert_eq!(
        places,
        [
            (120.0, 30.0),
            (120.01, 30.0),
            (120.01, 30.01),
            (120.0, 30.01)
        ]
    );
    assert_eq!(net.stats.nodes_read, 4);
    assert_eq!(net.stats.drivable_ways, 6);

    let s = &net.segments;
    assert_eq!(s.len(), 6);
    // residential 10→20, no oneway, no length: two-way, haversine length.
    assert_eq!((s[0].from, s[0].to), (0, 1));
    assert_eq!(s[0].oneway, Oneway::Both);
    assert_near(s[0].length_m, haversine_m(120.0, 30.0, 120.01, 30.0), 1e-9);
    assert_eq!(s[0].maxspeed_kmh, None);
    // primary with yes, an explicit length and a maxspeed.
    assert_eq!(s[1].highway.class, RoadClass::Primary);
    assert_eq!(s[1].oneway, Oneway::Forward);
    assert_eq!((s[1].length_m, s[1].maxspeed_kmh), (1200.0, Some(40.0)));
    // secondary_link with -1.
    assert!(s[2].highway.link);
    assert_eq!(s[2].oneway, Oneway::Backward);
    // motorway without oneway is one-way; with `no` two-way; `1` means yes.
    assert_eq!(s[3].oneway, Oneway::Forward);
    assert_eq!(s[4].oneway, Oneway::Both);
    assert_eq!(s[5].oneway, Oneway::Forward);

    let two_way = read_csv_network(
        &fixture("nodes.csv"),
        &fixture("edges.csv"),
        Crs::Wgs84,
        true,
    )
    .unwrap();
    assert!(two_way.segments.iter().all(|s| s.oneway == Oneway::Both));
}

#[test]
fn csv_network_nodes_are_converted_from_gcj02() {
    let net = read_csv_network(
        &fixture("nodes.csv"),
        &fixture("edges.csv"),
        Crs::Gcj02,
        false,
    )
    .unwrap();
    let (lon, lat) = gcj02_to_wgs84(120.01, 30.0);
    assert_eq!((net.nodes[1].lon, net.nodes[1].lat), (lon, lat));
    // The default length is measured between the converted nodes.
    let a = net.nodes[0];
    assert_near(
        net.segments[0].length_m,
        haversine_m(a.lon, a.lat, lon, lat),
        1e-9,
    );
}

#[test]
fn districts_polygons_multipolygons_holes_and_kinds() {
    let districts = read_districts(&fixture("districts.geojson"), Crs::Wgs84).unwrap();
    assert_eq!(districts.len(), 3);
    let central = &districts[0];
    assert_eq!(
        (central.name.as_str(), central.kind),
        ("Central", DistrictKind::Urban)
    );
    assert_eq!(central.area.0.len(), 1);
    assert_eq!(central.area.0[0].interiors().len(), 1, "the hole is kept");
    let hills = &districts[1];
    assert_eq!(hills.kind, DistrictKind::Urban, "kind defaults to urban");
    assert_eq!(hills.area.0.len(), 2);
    assert_eq!(districts[2].kind, DistrictKind::Rural);
}

#[test]
fn districts_are_converted_from_gcj02() {
    let districts = read_districts(&fixture("districts.geojson"), Crs::Gcj02).unwrap();
    let first = districts[0].area.0[0].exterior().0[0];
    assert_eq!((first.x, first.y), gcj02_to_wgs84(120.0, 30.0));
}

#[test]
fn scenario_resolves_paths_and_defaults() {
    let path = fixture("scenario.toml");
    let text = r#"
        name = "demo"
        [network]
        nodes = "nodes.csv"
        edges = "edges.csv"
        crs = "gcj02"
        [network.speeds_kmh]
        primary = 55
        [stations]
        file = "stations.csv"
        vehicles = "vehicles.csv"
        default_class = "class2"
        [response]
        turnout_s = 45
    "#;
    let s = Scenario::from_toml(text, &path).unwrap();
    assert_eq!(
        s.network,
        NetworkSource::Csv {
            nodes: fixture("nodes.csv"),
            edges: fixture("edges.csv"),
            crs: Crs::Gcj02,
        }
    );
    assert_eq!(s.params.speed_kmh(RoadClass::Primary), 55.0);
    assert_eq!(s.params.speed_kmh(RoadClass::Trunk), 60.0);
    assert_eq!(s.default_class, Some(StationClass::Class2));
    assert_eq!(s.vehicles_file, Some(fixture("vehicles.csv")));
    assert_eq!(
        (s.response.turnout_s, s.response.threshold_s),
        (45.0, 300.0)
    );
    assert_eq!(s.lang, "zh");
}

// ---- projected coordinates ---------------------------------------------------------------

/// The `*_epsg4549*` / `*_epsg4528*` fixtures are twins of the lon/lat ones in CGCS2000
/// Gauss–Krüger (EPSG:4549, 3° CM 120°E; the nodes in EPSG:4528, 3° zone 40, eastings with
/// the zone number in front), made from them by pyproj 3.7.2 (PROJ 9.5.1,
/// `Transformer.from_crs(4490, code, always_xy=True)`) and rounded to 0.1 mm: both read to
/// the same WGS-84 within 1e-8° (~1 mm).
const TWIN_DEG: f64 = 1e-8;

fn assert_twin(got: (f64, f64), want: (f64, f64), what: &str) {
    let err = (got.0 - want.0).abs().max((got.1 - want.1).abs());
    assert!(err < TWIN_DEG, "{what}: got {got:?}, want {want:?}");
}

#[test]
fn stations_demand_and_depots_in_gauss_kruger_read_like_their_lon_lat_twin() {
    let lon_lat = read_stations(&fixture("stations.csv"), Crs::Wgs84, None).unwrap();
    let path = fixture("stations_epsg4549.csv");
    let gk = read_stations(&path, Crs::Epsg(4549), None).unwrap();
    assert_eq!(gk.len(), lon_lat.len());
    for (a, b) in lon_lat.iter().zip(&gk) {
        assert_eq!(a.id, b.id);
        assert_twin(b.location.x_y(), a.location.x_y(), &b.id);
    }
    // Demand and depots go through the same row reader: one row each, S1's easting/northing.
    let dir = tempfile::tempdir().unwrap();
    let demand = dir.path().join("demand.csv");
    std::fs::write(&demand, "id,lon,lat\nD1,547528.2530,3329449.9626\n").unwrap();
    let d = read_demand(&demand, Crs::Epsg(4549)).unwrap();
    assert_twin(d[0].location.x_y(), lon_lat[0].location.x_y(), "demand");
    let depots = dir.path().join("depots.csv");
    std::fs::write(
        &depots,
        "id,lon,lat,level\nP1,547528.2530,3329449.9626,city\n",
    )
    .unwrap();
    let p = read_depots(&depots, Crs::Epsg(4549)).unwrap();
    assert_twin(p[0].location.x_y(), lon_lat[0].location.x_y(), "depot");
}

#[test]
fn districts_in_gauss_kruger_read_like_their_lon_lat_twin() {
    let lon_lat = read_districts(&fixture("districts.geojson"), Crs::Wgs84).unwrap();
    let gk = read_districts(&fixture("districts_epsg4549.geojson"), Crs::Epsg(4549)).unwrap();
    assert_eq!(gk.len(), lon_lat.len());
    for (a, b) in lon_lat.iter().zip(&gk) {
        assert_eq!(
            (&a.name, a.kind, a.population),
            (&b.name, b.kind, b.population)
        );
        assert_eq!(a.area.0.len(), b.area.0.len());
        for (pa, pb) in a.area.0.iter().zip(&b.area.0) {
            let rings_a = std::iter::once(pa.exterior()).chain(pa.interiors());
            let rings_b = std::iter::once(pb.exterior()).chain(pb.interiors());
            for (ra, rb) in rings_a.zip(rings_b) {
                assert_eq!(ra.0.len(), rb.0.len());
                for (ca, cb) in ra.0.iter().zip(&rb.0) {
                    assert_twin((cb.x, cb.y), (ca.x, ca.y), &b.name);
                }
            }
        }
    }
}

#[test]
fn csv_network_in_gauss_kruger_with_zone_number_reads_like_its_lon_lat_twin() {
    let edges = fixture("edges.csv");
    let lon_lat = read_csv_network(&fixture("nodes.csv"), &edges, Crs::Wgs84, false).unwrap();
    let gk = read_csv_network(
        &fixture("nodes_epsg4528.csv"),
        &edges,
        Crs::Epsg(4528),
        false,
    )
    .unwrap();
    for (a, b) in lon_lat.nodes.iter().zip(&gk.nodes) {
        assert_eq!(a.id, b.id);
        assert_twin((b.lon, b.lat), (a.lon, a.lat), "node");
    }
    // Default lengths are measured between the converted nodes.
    for (a, b) in lon_lat.segments.iter().zip(&gk.segments) {
        assert_near(b.length_m, a.length_m, 1e-3);
    }
}

#[test]
fn scenario_takes_epsg_codes_for_every_file() {
    let text = r#"
        name = "projected"
        [network]
        nodes = "nodes_epsg4528.csv"
        edges = "edges.csv"
        crs = "epsg:4528"
        [stations]
        file = "stations_epsg4549.csv"
        crs = "EPSG:4549"
        [demand]
        file = "demand.csv"
        crs = "EPSG:32651"
        [districts]
        file = "districts_epsg4549.geojson"
        crs = "EPSG:4549"
        [depots]
        file = "depots.csv"
        crs = "EPSG:4490"
    "#;
    let s = Scenario::from_toml(text, &fixture("scenario.toml")).unwrap();
    assert_eq!(s.network_crs(), Crs::Epsg(4528));
    assert_eq!(s.stations_crs, Crs::Epsg(4549));
    assert!(matches!(
        s.demand,
        Some(fireplan::params::DemandSource::File {
            crs: Crs::Epsg(32651),
            ..
        })
    ));
    assert_eq!(s.districts.map(|d| d.1), Some(Crs::Epsg(4549)));
    assert_eq!(s.depots.map(|d| d.1), Some(Crs::Epsg(4490)));
}
