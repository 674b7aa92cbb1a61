//! Every reader refuses bad input with an error naming the file, the line (CSV, header =
//! line 1), feature (GeoJSON, 0-based) or key (TOML), the field, and what was expected —
//! and never panics, whatever the bytes.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use fireplan::io::csv_network::read_csv_network;
use fireplan::io::districts::read_districts;
use fireplan::io::tables::{read_demand, read_depots, read_stations, read_vehicles};
use fireplan::model::StationClass;
use fireplan::params::{Crs, Scenario};
use proptest::prelude::*;

/// Writes `content` to `name` in a fresh temporary folder.
fn write(name: &str, content: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    (dir, path)
}

/// Asserts that `result` is an error whose message contains every one of `expected`
/// (file name, location, field, explanation).
fn check<T: Debug>(result: fireplan::Result<T>, expected: &[&str]) {
    let message = result.expect_err("expected an error").to_string();
    for part in expected {
        assert!(
            message.contains(part),
            "error message lacks {part:?}:\n  {message}"
        );
    }
}

fn stations(content: &str) -> fireplan::Result<Vec<fireplan::model::Station>> {
    let (_dir, path) = write("stations.csv", content);
    read_stations(&path, Crs::Wgs84, None)
}

fn demand(content: &str) -> fireplan::Result<Vec<fireplan::model::DemandPoint>> {
    let (_dir, path) = write("demand.csv", content);
    read_demand(&path, Crs::Wgs84)
}

fn depots(content: &str) -> fireplan::Result<Vec<fireplan::model::Depot>> {
    let (_dir, path) = write("depots.csv", content);
    read_depots(&path, Crs::Wgs84)
}

fn vehicles(content: &str) -> fireplan::Result<Vec<fireplan::model::Station>> {
    let mut s = stations("id,lon,lat,class\nS1,120.5,30.0,class1\nS2,120.6,30.1,small\n")?;
    let (_dir, path) = write("vehicles.csv", content);
    read_vehicles(&path, &mut s).map(|()| s)
}

const NODES: &str = "id,lon,lat\n1,120.0,30.0\n2,120.01,30.0\n3,120.01,30.01\n";

fn network(nodes: &str, edges: &str) -> fireplan::Result<fireplan::network::raw::RawNetwork> {
    let dir = tempfile::tempdir().unwrap();
    let (n, e) = (dir.path().join("nodes.csv"), dir.path().join("edges.csv"));
    std::fs::write(&n, nodes).unwrap();
    std::fs::write(&e, edges).unwrap();
    read_csv_network(&n, &e, Crs::Wgs84, false)
}

fn districts(content: &str) -> fireplan::Result<Vec<fireplan::model::District>> {
    let (_dir, path) = write("districts.geojson", content);
    read_districts(&path, Crs::Wgs84)
}

/// A FeatureCollection of the given features (JSON text).
fn collection(features: &[&str]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// A Polygon feature with the given properties and ring (JSON text).
fn feature(properties: &str, ring: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{properties},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}"#
    )
}

const SQUARE: &str = "[[120.0,30.0],[120.1,30.0],[120.1,30.1],[120.0,30.0]]";

fn scenario(text: &str) -> fireplan::Result<Scenario> {
    Scenario::from_toml(text, Path::new("/plans/scenario.toml"))
}

const SCENARIO_HEAD: &str =
    "name = \"t\"\n[network]\nosm = \"r.osm.pbf\"\n[stations]\nfile = \"s.csv\"\n";

// ---- CSV columns -------------------------------------------------------------------------

#[test]
fn missing_column_suggests_the_misspelt_header() {
    check(
        stations("id,lon,lattitude,class\nS1,120.5,30.0,class1\n"),
        &[
            "stations.csv",
            "line 1",
            "field `lat`",
            "missing column `lat` (found `lattitude` — misspelt?",
        ],
    );
}

#[test]
fn missing_column_without_a_near_header_lists_the_header() {
    check(
        depots("id,lon,lat,name\nP1,120.5,30.0,x\n"),
        &[
            "depots.csv",
            "line 1",
            "field `level`",
            "missing column `level`; the header has: id, lon, lat, name",
        ],
    );
}

#[test]
fn missing_column_in_vehicles_and_edges() {
    check(
        vehicles("station,kind,count\nS1,engine,2\n"),
        &[
            "vehicles.csv",
            "line 1",
            "field `station_id`",
            "found `station`",
        ],
    );
    check(
        network(NODES, "from,to,road_class\n1,2,primary\n"),
        &[
            "edges.csv",
            "line 1",
            "field `highway`",
            "missing column `highway`",
        ],
    );
}

#[test]
fn a_column_given_twice_is_refused() {
    check(
        stations("id,lon,lat,class,LAT\nS1,120.5,30.0,class1,30.0\n"),
        &[
            "stations.csv",
            "line 1",
            "field `lat`",
            "appears twice (columns 3 and 5)",
        ],
    );
}

#[test]
fn empty_file_and_header_only_have_no_rows() {
    check(stations(""), &["stations.csv", "field `header`", "no rows"]);
    check(
        demand("id,lon,lat\n"),
        &["demand.csv", "line 2", "field `rows`", "no rows"],
    );
    check(depots("id,lon,lat,level\n"), &["depots.csv", "no rows"]);
    check(
        vehicles("station_id,kind,count\n"),
        &["vehicles.csv", "no rows"],
    );
    check(
        network("id,lon,lat\n", "from,to,highway\n"),
        &["nodes.csv", "no rows"],
    );
    check(
        network(NODES, "from,to,highway\n"),
        &["edges.csv", "no rows"],
    );
}

#[test]
fn a_row_with_the_wrong_number_of_cells() {
    check(
        stations("id,lon,lat,class,name\nS1,120.5,30.0,class1,Keqiao, HQ\n"),
        &[
            "stations.csv",
            "line 2",
            "6 cells, but the header has 5 columns",
        ],
    );
}

#[test]
fn a_file_that_is_not_utf8() {
    // "柯桥" in GBK, as Excel on a Chinese Windows saves it.
    let mut bytes = b"id,lon,lat,class,name\nS1,120.5,30.0,class1,".to_vec();
    bytes.extend_from_slice(&[0xbf, 0xc2, 0xc7, 0xc5]);
    bytes.push(b'\n');
    let (_dir, path) = write("stations.csv", bytes);
    check(
        read_stations(&path, Crs::Wgs84, None),
        &["stations.csv", "line 2", "field `name`", "not valid UTF-8"],
    );
}

// ---- coordinates -------------------------------------------------------------------------

#[test]
fn non_numeric_coordinate() {
    check(
        stations("id,lon,lat,class\nS1,120.5,30.0,class1\nS2,east,30.0,class1\n"),
        &[
            "stations.csv",
            "line 3",
            "field `lon`",
            "expected a number, got `east`",
        ],
    );
    check(
        demand("id,lon,lat\nD1,120.5,\"30,1\"\n"),
        &["demand.csv", "line 2", "field `lat`", "decimal comma"],
    );
}

#[test]
fn nan_and_infinite_coordinates() {
    check(
        demand("id,lon,lat\nD1,NaN,30.0\n"),
        &[
            "demand.csv",
            "line 2",
            "field `lon`",
            "expected a finite number, got `NaN`",
        ],
    );
    check(
        network("id,lon,lat\n1,120.0,inf\n", "from,to,highway\n1,1,road\n"),
        &["nodes.csv", "line 2", "field `lat`", "finite"],
    );
}

#[test]
fn empty_coordinate() {
    check(
        depots("id,lon,lat,level\nP1,,30.0,city\n"),
        &[
            "depots.csv",
            "line 2",
            "field `lon`",
            "empty, but a value is required",
        ],
    );
}

#[test]
fn latitude_and_longitude_out_of_range() {
    check(
        stations("id,lon,lat,class\nS1,120.5,95.0,class1\n"),
        &[
            "stations.csv",
            "line 2",
            "field `lat`",
            "latitude 95 is outside −90…90",
        ],
    );
    check(
        stations("id,lon,lat,class\nS1,200.5,30.0,class1\n"),
        &[
            "stations.csv",
            "line 2",
            "field `lon`",
            "longitude 200.5 is outside −180…180",
        ],
    );
}

#[test]
fn swapped_lon_and_lat_are_named() {
    check(
        stations("id,lon,lat,class\nS1,30.03,120.58,class1\n"),
        &[
            "stations.csv",
            "line 2",
            "field `lat`",
            "looks like lon and lat are swapped",
        ],
    );
    check(
        network("id,lat,lon\n1,120.0,30.0\n", "from,to,highway\n1,1,road\n"),
        &["nodes.csv", "line 2", "swapped"],
    );
}

#[test]
fn projected_coordinates_are_named() {
    check(
        demand("id,lon,lat\nD1,13423000.5,3503000.2\n"),
        &["demand.csv", "line 2", "field `lon`", "projected"],
    );
}

#[test]
fn projected_values_that_make_no_sense_are_named() {
    let (_dir, path) = write("stations.csv", "id,lon,lat,class\nS1,120.49,30.08,class1\n");
    check(
        read_stations(&path, Crs::Epsg(4549), None),
        &[
            "stations.csv",
            "line 2",
            "field `lon`",
            "look like degrees",
            "EPSG:4549",
        ],
    );
    // The zone number in front where EPSG:4549 has none: the code that has it is named.
    let (dir, nodes) = write("nodes.csv", "id,lon,lat\n1,40547240.599,3329082.895\n");
    let edges = dir.path().join("edges.csv");
    std::fs::write(&edges, "from,to,highway\n1,1,road\n").unwrap();
    check(
        read_csv_network(&nodes, &edges, Crs::Epsg(4549), false),
        &[
            "nodes.csv",
            "line 2",
            "field `lon`",
            "zone number (40)",
            "use EPSG:4528",
        ],
    );
    // Northing and easting swapped, in a GeoJSON ring.
    let (_dir, path) = write(
        "districts.geojson",
        collection(&[&feature(
            r#"{"name":"A"}"#,
            "[[3329082.9,547240.6],[3329082.9,548240.6],[3330082.9,548240.6],[3329082.9,547240.6]]",
        )]),
    );
    check(
        read_districts(&path, Crs::Epsg(4549)),
        &["districts.geojson", "feature 0", "position 0", "swapped"],
    );
    // Not a point on Earth.
    let (_dir, path) = write("demand.csv", "id,lon,lat\nD1,547240.6,1e12\n");
    check(
        read_demand(&path, Crs::Epsg(4549)),
        &[
            "demand.csv",
            "line 2",
            "field `lat`",
            "not a point on Earth",
        ],
    );
}

#[test]
fn unknown_crs_names_the_key_and_what_was_expected() {
    for (crs, want) in [
        (
            "EPSG:9999",
            "EPSG:9999 is not a coordinate reference system fireplan knows",
        ),
        ("EPSG:abc", "expected a number after `EPSG:`"),
        ("EPSG:4978", "geocentric"),
        ("wgs48", "did you mean `wgs84`?"),
        ("4549", "did you mean `EPSG:4549`?"),
    ] {
        check(
            scenario(&format!("{SCENARIO_HEAD}crs = \"{crs}\"\n")),
            &[
                "scenario.toml",
                "key `stations.crs`",
                "field `crs`",
                want,
                "3° EPSG:4513–4533",
            ],
        );
    }
    check(
        scenario(&format!("{SCENARIO_HEAD}crs = 4549\n")),
        &["key `stations.crs`", "EPSG:<code>"],
    );
}

// ---- values ------------------------------------------------------------------------------

#[test]
fn unknown_station_class_lists_the_valid_ones() {
    check(
        stations("id,lon,lat,class\nS1,120.5,30.0,clas1\n"),
        &[
            "stations.csv",
            "line 2",
            "field `class`",
            "unknown station class `clas1`; expected one of special, class1, class2, small, forward, logistics",
            "did you mean `class1`?",
        ],
    );
}

#[test]
fn empty_class_without_a_default_class() {
    check(
        stations("id,lon,lat,class\nS1,120.5,30.0,\n"),
        &["stations.csv", "line 2", "field `class`", "default_class"],
    );
    let (_dir, path) = write("stations.csv", "id,lon,lat\nS1,120.5,30.0\n");
    check(
        read_stations(&path, Crs::Wgs84, None),
        &["stations.csv", "line 1", "missing column `class`"],
    );
    assert!(read_stations(&path, Crs::Wgs84, Some(StationClass::Small)).is_ok());
}

#[test]
fn unknown_status() {
    check(
        stations("id,lon,lat,class,status\nS1,120.5,30.0,class1,open\n"),
        &[
            "stations.csv",
            "line 2",
            "field `status`",
            "unknown status `open`; expected one of existing, planned, closed",
        ],
    );
}

#[test]
fn other_station_values() {
    check(
        stations("id,lon,lat,class,staff\nS1,120.5,30.0,class1,12.5\n"),
        &["stations.csv", "line 2", "field `staff`", "whole number"],
    );
    check(
        stations("id,lon,lat,class,turnout_s\nS1,120.5,30.0,class1,-5\n"),
        &["stations.csv", "line 2", "field `turnout_s`", "≥ 0"],
    );
    check(
        stations("id,lon,lat,class,drone\nS1,120.5,30.0,class1,2\n"),
        &["stations.csv", "line 2", "field `drone`", "expected 0 or 1"],
    );
    check(
        stations("id,lon,lat,class\n,120.5,30.0,class1\n"),
        &["stations.csv", "line 2", "field `id`", "empty"],
    );
}

#[test]
fn unknown_depot_level() {
    check(
        depots("id,lon,lat,level\nP1,120.5,30.0,province\n"),
        &[
            "depots.csv",
            "line 2",
            "field `level`",
            "unknown depot level `province`; expected one of national, regional, city, county, town",
        ],
    );
}

#[test]
fn negative_capacity() {
    check(
        depots("id,lon,lat,level,capacity_persons\nP1,120.5,30.0,city,-200\n"),
        &[
            "depots.csv",
            "line 2",
            "field `capacity_persons`",
            "expected a number ≥ 0, got -200",
        ],
    );
}

#[test]
fn negative_demand_weight() {
    check(
        demand("id,lon,lat,weight\nD1,120.5,30.0,1\nD2,120.5,30.0,-1\n"),
        &["demand.csv", "line 3", "field `weight`", "≥ 0"],
    );
}

#[test]
fn duplicate_ids_name_both_lines() {
    check(
        stations(
            "id,lon,lat,class\nS1,120.5,30.0,class1\nS2,120.5,30.0,class1\nS1,120.6,30.0,small\n",
        ),
        &[
            "stations.csv",
            "line 4",
            "field `id`",
            "duplicate id `S1` (lines 2 and 4)",
        ],
    );
    check(
        demand("id,lon,lat\nD1,120.5,30.0\nD1,120.5,30.0\n"),
        &["demand.csv", "line 3", "duplicate id `D1` (lines 2 and 3)"],
    );
    check(
        depots("id,lon,lat,level\nP1,120.5,30.0,city\nP1,120.5,30.0,town\n"),
        &["depots.csv", "line 3", "duplicate id `P1` (lines 2 and 3)"],
    );
    check(
        network(
            "id,lon,lat\n7,120.0,30.0\n7,120.1,30.0\n",
            "from,to,highway\n7,7,road\n",
        ),
        &[
            "nodes.csv",
            "line 3",
            "field `id`",
            "duplicate id `7` (lines 2 and 3)",
        ],
    );
    check(
        network(
            "id,lon,lat\nCNN 12,120.0,30.0\n\"CNN 12 \",120.1,30.0\n",
            "from,to,highway\nCNN 12,CNN 12,road\n",
        ),
        &[
            "nodes.csv",
            "line 3",
            "duplicate id `CNN 12` (lines 2 and 3)",
        ],
    );
    check(
        network(
            "id,lon,lat\nn1,120.0,30.0\n,120.1,30.0\n",
            "from,to,highway\nn1,n1,road\n",
        ),
        &[
            "nodes.csv",
            "line 3",
            "field `id`",
            "empty, but a value is required",
        ],
    );
}

#[test]
fn vehicles_of_an_unknown_station() {
    check(
        vehicles("station_id,kind,count\nS1,engine,2\nS3,engine,1\n"),
        &[
            "vehicles.csv",
            "line 3",
            "field `station_id`",
            "unknown station id `S3`",
        ],
    );
    check(
        vehicles("station_id,kind,count\nS1,engine,-1\n"),
        &[
            "vehicles.csv",
            "line 2",
            "field `count`",
            "whole number ≥ 0",
        ],
    );
}

#[test]
fn vehicles_are_not_attached_when_a_row_is_wrong() {
    let mut s = stations("id,lon,lat,class\nS1,120.5,30.0,class1\n").unwrap();
    let (_dir, path) = write(
        "vehicles.csv",
        "station_id,kind,count\nS1,engine,2\nS9,engine,1\n",
    );
    assert!(read_vehicles(&path, &mut s).is_err());
    assert!(s[0].vehicles.is_empty());
}

// ---- CSV network -------------------------------------------------------------------------

#[test]
fn edge_to_an_unknown_node() {
    check(
        network(NODES, "from,to,highway\n1,2,primary\n2,99,primary\n"),
        &[
            "edges.csv",
            "line 3",
            "field `to`",
            "unknown node id `99`",
            "nodes.csv",
        ],
    );
    // Ids are text matched exactly: `1.5` and ` 01` are ids, not numbers.
    check(
        network(NODES, "from,to,highway\n1.5,2,primary\n"),
        &[
            "edges.csv",
            "line 2",
            "field `from`",
            "unknown node id `1.5`",
        ],
    );
    check(
        network(NODES, "from,to,highway\n01,2,primary\n"),
        &[
            "edges.csv",
            "line 2",
            "field `from`",
            "unknown node id `01`",
        ],
    );
}

#[test]
fn undrivable_highway() {
    check(
        network(NODES, "from,to,highway\n1,2,footway\n"),
        &[
            "edges.csv",
            "line 2",
            "field `highway`",
            "`footway` is not a drivable highway class",
        ],
    );
    check(
        network(NODES, "from,to,highway\n1,2,residental\n"),
        &["edges.csv", "did you mean `residential`?"],
    );
}

#[test]
fn bad_edge_values() {
    check(
        network(NODES, "from,to,highway,oneway\n1,2,primary,maybe\n"),
        &[
            "edges.csv",
            "line 2",
            "field `oneway`",
            "expected yes, no or -1",
        ],
    );
    check(
        network(NODES, "from,to,highway,length_m\n1,2,primary,-3\n"),
        &["edges.csv", "line 2", "field `length_m`", "≥ 0"],
    );
    check(
        network(NODES, "from,to,highway,maxspeed_kmh\n1,2,primary,0\n"),
        &["edges.csv", "line 2", "field `maxspeed_kmh`", "> 0"],
    );
    // Regression (issue 20, S2): a length of 1e300 m was accepted and made the road
    // figures infinite.
    check(
        network(NODES, "from,to,highway,length_m\n1,2,primary,1e300\n"),
        &[
            "edges.csv",
            "line 2",
            "field `length_m`",
            "at most 1000000 m",
            "in metres?",
        ],
    );
    check(
        network(NODES, "from,to,highway,length_m\n1,2,primary,inf\n"),
        &["edges.csv", "line 2", "field `length_m`", "finite"],
    );
    // Regression (issue 20, S2): a column of zero lengths was accepted and made every
    // travel time 0. Nodes 1 and 3 are 1.47 km apart.
    check(
        network(
            NODES,
            "from,to,highway,length_m\n1,2,primary,0\n2,3,primary,0\n1,3,primary,0.0\n",
        ),
        &[
            "edges.csv",
            "field `length_m`",
            "every `length_m` given is 0 (3 segments)",
            "up to 1471 m apart",
        ],
    );
    // One zero among real lengths (two nodes at one place) is a road, not a mistake.
    let net = network(
        NODES,
        "from,to,highway,length_m\n1,2,primary,0\n2,3,primary,1112\n",
    )
    .expect("one zero length among others is accepted");
    assert_eq!(net.segments[0].length_m, 0.0);
}

/// Regression (issue 20, H1): a device or a folder named as an input hung the run
/// (`/dev/zero` was hashed forever) or failed obscurely; it is refused, naming the file.
#[test]
fn inputs_must_be_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    check(
        Scenario::load(Path::new("/dev/zero")),
        &["/dev/zero", "not a regular file"],
    );
    check(Scenario::load(dir.path()), &["not a regular file"]);
    check(
        fireplan::plan::Plan::load(Path::new("/dev/zero")),
        &["/dev/zero", "not a regular file"],
    );
    // An input named by a valid scenario.
    let sc = dir.path().join("scenario.toml");
    std::fs::write(
        &sc,
        "name = \"t\"\n[network]\nosm = \"/dev/zero\"\n[stations]\nfile = \"s.csv\"\n",
    )
    .unwrap();
    let scenario = Scenario::load(&sc).unwrap();
    let result = fireplan::load::load(&scenario, &fireplan::load::RunOptions::default());
    check(result.map(|_| ()), &["/dev/zero", "not a regular file"]);
}

// ---- districts ---------------------------------------------------------------------------

#[test]
fn districts_must_be_a_feature_collection() {
    check(
        districts(&feature(r#"{"name":"A"}"#, SQUARE)),
        &[
            "districts.geojson",
            "field `type`",
            "expected a GeoJSON FeatureCollection, got type `Feature`",
        ],
    );
    check(districts(""), &["districts.geojson", "empty file"]);
    check(
        districts("{\n\"type\": \"FeatureCollection\",\n\"features\": [,]\n}"),
        &["districts.geojson", "line 3", "not valid JSON"],
    );
    check(
        districts(&collection(&[])),
        &["districts.geojson", "no features"],
    );
}

#[test]
fn district_geometry_must_be_a_polygon() {
    let line = r#"{"type":"Feature","properties":{"name":"B"},"geometry":{"type":"LineString","coordinates":[[120.0,30.0],[120.1,30.0]]}}"#;
    check(
        districts(&collection(&[&feature(r#"{"name":"A"}"#, SQUARE), line])),
        &[
            "districts.geojson",
            "feature 1",
            "field `geometry`",
            "expected a Polygon or MultiPolygon, got a LineString",
        ],
    );
    let null = r#"{"type":"Feature","properties":{"name":"B"},"geometry":null}"#;
    check(
        districts(&collection(&[null])),
        &["feature 0", "missing geometry"],
    );
}

#[test]
fn district_name_is_required_and_unique() {
    check(
        districts(&collection(&[&feature(r#"{"kind":"urban"}"#, SQUARE)])),
        &[
            "districts.geojson",
            "feature 0",
            "field `name`",
            "missing property `name`",
        ],
    );
    check(
        districts(&collection(&[
            &feature(r#"{"name":"A"}"#, SQUARE),
            &feature(r#"{"name":"B"}"#, SQUARE),
            &feature(r#"{"name":"A"}"#, SQUARE),
        ])),
        &[
            "districts.geojson",
            "feature 2",
            "field `name`",
            "duplicate name `A` (features 0 and 2)",
        ],
    );
}

#[test]
fn unknown_district_kind() {
    check(
        districts(&collection(&[&feature(
            r#"{"name":"A","kind":"suburb"}"#,
            SQUARE,
        )])),
        &[
            "districts.geojson",
            "feature 0",
            "field `kind`",
            "unknown district kind `suburb`; expected one of urban, suburban, rural",
            "did you mean `suburban`?",
        ],
    );
}

#[test]
fn polygon_that_does_not_close() {
    check(
        districts(&collection(&[
            &feature(r#"{"name":"A"}"#, SQUARE),
            &feature(
                r#"{"name":"B"}"#,
                "[[120.0,30.0],[120.1,30.0],[120.1,30.1],[120.0,30.1]]",
            ),
        ])),
        &[
            "districts.geojson",
            "feature 1",
            "field `geometry`",
            "polygon 0, ring 0 does not close",
        ],
    );
}

#[test]
fn ring_with_too_few_positions() {
    check(
        districts(&collection(&[&feature(
            r#"{"name":"A"}"#,
            "[[120.0,30.0],[120.1,30.0],[120.0,30.0]]",
        )])),
        &[
            "districts.geojson",
            "feature 0",
            "field `geometry`",
            "has 3 positions; a closed ring needs at least 4",
        ],
    );
}

#[test]
fn district_coordinates_are_checked() {
    check(
        districts(&collection(&[&feature(
            r#"{"name":"A"}"#,
            "[[30.0,120.0],[30.0,120.1],[30.1,120.1],[30.0,120.0]]",
        )])),
        &["districts.geojson", "feature 0", "position 0", "swapped"],
    );
}

// ---- scenario ----------------------------------------------------------------------------

#[test]
fn unknown_scenario_key_suggests_the_nearest() {
    check(
        scenario(&format!("{SCENARIO_HEAD}[response]\nturnout_time = 60\n")),
        &[
            "scenario.toml",
            "key `response.turnout_time`",
            "unknown key `response.turnout_time`; did you mean `turnout_s`?",
        ],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}[respons]\nturnout_s = 60\n")),
        &[
            "scenario.toml",
            "unknown key `respons`; did you mean `response`?",
        ],
    );
    check(
        scenario(&SCENARIO_HEAD.replace("osm =", "ignore_one_way = true\nosm =")),
        &[
            "key `network.ignore_one_way`",
            "did you mean `ignore_oneway`?",
        ],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}colour = \"red\"\n")),
        &["unknown key `stations.colour`; expected one of file, crs, vehicles, default_class"],
    );
}

#[test]
fn scenario_type_errors_name_key_and_line() {
    check(
        scenario(&format!(
            "{SCENARIO_HEAD}[response]\nthreshold_s = \"five minutes\"\n"
        )),
        &["scenario.toml", "key `response.threshold_s`", "line 7"],
    );
    check(
        scenario("name = \"t\"\n[network\n"),
        &["scenario.toml", "line 2"],
    );
    check(
        scenario("name = \"t\"\n[network]\nosm = \"r.osm.pbf\"\n"),
        &[
            "scenario.toml",
            "field `scenario`",
            "missing field `stations`",
        ],
    );
    check(
        scenario(&SCENARIO_HEAD.replace("file = ", "vehicles = ")),
        &["scenario.toml", "key `stations`", "missing field `file`"],
    );
}

#[test]
fn scenario_values_are_validated() {
    check(
        scenario("name = \"t\"\n[network]\nspeed_factor = 1.0\n[stations]\nfile = \"s.csv\"\n"),
        &["key `network`", "give either `osm`"],
    );
    check(
        scenario(&SCENARIO_HEAD.replace("osm =", "speed_factor = 0\nosm =")),
        &[
            "key `network.speed_factor`",
            "expected a value 0.05 … 10, got 0",
        ],
    );
    check(
        scenario(&format!(
            "{SCENARIO_HEAD}[network.speeds_kmh]\nprimray = 50\n"
        )),
        &[
            "key `network.speeds_kmh.primray`",
            "unknown highway class",
            "did you mean `primary`?",
        ],
    );
    check(
        scenario(&format!(
            "{SCENARIO_HEAD}[network.speeds_kmh]\nprimary = -5\n"
        )),
        &[
            "key `network.speeds_kmh.primary`",
            "expected a value above 0 km/h … 300 km/h, got -5",
        ],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}default_class = \"big\"\n")),
        &[
            "key `stations.default_class`",
            "unknown station class `big`",
        ],
    );
    // Regression (issue 20, S5): a second threshold below the first was accepted.
    check(
        scenario(&format!(
            "{SCENARIO_HEAD}[response]\nthreshold_s = 300\nsecond_threshold_s = 240\n"
        )),
        &[
            "key `response.second_threshold_s`",
            "expected at least `threshold_s` (300 s), got 240 s",
        ],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}[response]\nturnout_s = -1\n")),
        &[
            "key `response.turnout_s`",
            "expected a value 0 s … 3600 s, got -1",
        ],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}[response]\ngrid_cell_m = 0\n")),
        &[
            "key `response.grid_cell_m`",
            "expected a value 10 m … 10000 m",
        ],
    );
    // Regression (issue 20, P2/P3): values that sized a search or a grid beyond memory.
    for (key, value, expected) in [
        (
            "dispatch_s",
            "1.1e6",
            "expected a value 0 s … 3600 s, got 1100000",
        ),
        ("grid_cell_m", "1", "expected a value 10 m … 10000 m, got 1"),
        ("threshold_s", "1e9", "expected a value above 0 s … 7200 s"),
    ] {
        let at = format!("key `response.{key}`");
        check(
            scenario(&format!("{SCENARIO_HEAD}[response]\n{key} = {value}\n")),
            &[at.as_str(), expected],
        );
    }
    check(
        scenario(&SCENARIO_HEAD.replace("osm =", "speed_factor = 0.001\nosm =")),
        &[
            "key `network.speed_factor`",
            "expected a value 0.05 … 10, got 0.001",
        ],
    );
    check(
        scenario(
            "name = \"t\"\n[network]\nnodes = \"n.csv\"\nedges = \"e.csv\"\n\
             [stations]\nfile = \"s.csv\"\n[demand]\nfrom = \"osm-buildings\"\n",
        ),
        &["key `demand.from`", "needs `[network] osm"],
    );
    check(
        scenario(&format!(
            "{SCENARIO_HEAD}[demand]\nfrom = \"osm-buildings\"\nweight = \"area\"\n"
        )),
        &["key `demand.weight`", "expected `one` or `footprint`"],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}[demand]\ncrs = \"wgs84\"\n")),
        &["key `demand`", "needs `file"],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}[demand]\nfrom = \"census\"\n")),
        &["key `demand`", "unknown source `census`"],
    );
    check(
        scenario(&format!("lang = \"fr\"\n{SCENARIO_HEAD}")),
        &["key `lang`", "expected `zh` or `en`, got `fr`"],
    );
}

// ---- never panic -------------------------------------------------------------------------

/// Feeds `bytes` to every reader; each may fail but none may panic.
fn read_everything(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input");
    std::fs::write(&path, bytes).unwrap();
    let nodes = dir.path().join("nodes.csv");
    std::fs::write(&nodes, NODES).unwrap();
    for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
        let _ = read_stations(&path, crs, None);
        let _ = read_stations(&path, crs, Some(StationClass::Small));
        let _ = read_demand(&path, crs);
        let _ = read_depots(&path, crs);
        let _ = read_districts(&path, crs);
        let _ = read_csv_network(&path, &path, crs, false);
        let _ = read_csv_network(&nodes, &path, crs, false);
    }
    if let Ok(mut s) = read_stations(&nodes, Crs::Wgs84, Some(StationClass::Small)) {
        let _ = read_vehicles(&path, &mut s);
        let _ = fireplan::io::records::read_records(&path, Crs::Wgs84, &s);
    }
    let _ = Scenario::from_toml(&String::from_utf8_lossy(bytes), &path);
    let _ = fireplan::plan::Plan::load(&path);
    let _ = fireplan::io::calibration::read(&path);
    let _ = fireplan::sweep::Sweep::load(&path);
    fireplan::load::network::exercise_cache_bytes(bytes);
    let _ = fireplan::io::osm::read_osm_pbf(
        &path,
        &fireplan::io::osm::OsmImportOptions::default(),
        &fireplan::progress::Silent,
    );
}

/// Cells that exercise the parsers' edge cases (times too: records and incident `time`).
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NaN".to_string()),
        Just("-inf".to_string()),
        Just("1e400".to_string()),
        Just("-1".to_string()),
        Just("\"a,b\"".to_string()),
        Just("\u{feff}".to_string()),
        Just("2024-03-01 14:05:09+08:00".to_string()),
        Just("2024/13/01T25:00".to_string()),
        any::<f64>().prop_map(|v| v.to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        "[a-z_0-9 .-]{0,8}",
    ]
}

/// CSV-shaped text over the column names of every table, plus GeoJSON-ish fragments.
fn csv_like() -> impl Strategy<Value = String> {
    let header = prop::sample::subsequence(
        vec![
            "id",
            "lon",
            "lat",
            "class",
            "status",
            "staff",
            "drone",
            "weight",
            "level",
            "capacity_persons",
            "station_id",
            "kind",
            "count",
            "from",
            "to",
            "highway",
            "oneway",
            "length_m",
            "maxspeed_kmh",
            "name",
        ],
        0..10,
    );
    (
        header,
        prop::collection::vec(prop::collection::vec(cell(), 0..8), 0..5),
    )
        .prop_map(|(header, rows)| {
            let mut text = header.join(",");
            for row in rows {
                text.push('\n');
                text.push_str(&row.join(","));
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn readers_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        read_everything(&bytes);
    }

    /// A real cache file (the fuzz seed of the CLI fixture) with bytes overwritten: each
    /// mutated file is read as it is and re-sealed behind a matching checksum, as the
    /// `cache_decoder` fuzz target does.
    #[test]
    fn cache_decoder_never_panics_on_mutated_cache_files(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/cache_decoder/cli0"))
            .unwrap();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        fireplan::load::network::exercise_cache_bytes(&bytes);
    }

    #[test]
    fn readers_never_panic_on_csv_like_text(text in csv_like()) {
        read_everything(text.as_bytes());
    }

    #[test]
    fn districts_never_panic_on_geojson_like_text(
        coords in prop::collection::vec((any::<f64>(), any::<f64>()), 0..6),
        extra in prop::collection::vec(any::<f64>(), 0..3),
        kind in "[a-z]{0,9}",
    ) {
        let mut ring: Vec<String> = coords
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| format!("[{x},{y}]"))
            .collect();
        ring.push(format!("{extra:?}"));
        let text = collection(&[&feature(
            &format!(r#"{{"name":"A","kind":"{kind}"}}"#),
            &format!("[{}]", ring.join(",")),
        )]);
        read_everything(text.as_bytes());
    }
}

/// Regression (issue 20, hygiene): messages quoted whole lines and values from the file —
/// `/etc/shadow`'s first line, `/proc/self/environ`, a 309-digit number — and a NUL byte in
/// an id printed as nothing ("unknown `KQ01` (did you mean `KQ01`?)").
#[test]
fn messages_quote_short_escaped_excerpts() {
    // A "header" that is one long line without commas (a password file, a binary).
    let line = format!("root:$y$j9T${}:19000:0:99999:7:::", "x".repeat(400));
    let m = demand(&format!("{line}\n1\n")).unwrap_err().to_string();
    assert!(
        m.contains("missing column `id`") && m.len() < 300,
        "{} chars: {m}",
        m.len()
    );
    // An environment-like header: NUL-separated, thousands of bytes.
    let env = "PATH=/usr/bin\0HOME=/root\0SECRET=abc\0".repeat(100);
    let m = demand(&format!("{env}\n1\n")).unwrap_err().to_string();
    assert!(
        m.len() < 400 && m.contains("\\u{0}"),
        "{} chars: {m}",
        m.len()
    );
    // A 309-digit coordinate.
    let m = demand(&format!("id,lon,lat\n1,120.0,{}\n", "9".repeat(309)))
        .unwrap_err()
        .to_string();
    assert!(
        m.contains("1e309") || m.contains("9.99") || m.len() < 200,
        "{m}"
    );
    assert!(m.len() < 200, "{} chars: {m}", m.len());
    let m = demand("id,lon,lat\n1,120.0,1e308\n")
        .unwrap_err()
        .to_string();
    assert!(m.contains("latitude 1e308 is outside"), "{m}");
    // A NUL byte in a station reference shows.
    let m = vehicles("station_id,kind,count\nS1\0,engine,2\n")
        .unwrap_err()
        .to_string();
    assert!(m.contains("S1\\u{0}"), "{m}");
}

/// Regression (issue 20, S6): an incident `time` that is not ISO 8601 passed `validate` and
/// every static command, and failed only in `simulate`; now the reader refuses it at its
/// line, for every command alike.
#[test]
fn an_incident_time_that_is_not_iso_8601_is_refused_at_its_line() {
    let m =
        demand("id,lon,lat,time\n1,120.0,30.0,2024-03-05 14:20\n2,120.0,30.0,05/03/2024 14:20\n")
            .unwrap_err()
            .to_string();
    assert!(
        m.contains("demand.csv, line 3") && m.contains("field `time`") && m.contains("05/03/2024"),
        "{m}"
    );
    assert!(demand("id,lon,lat,time\n1,120.0,30.0,2024/03/05\n").is_ok());
}

/// Regression (issue 20, S4): a self-intersecting outline and overlapping districts (the
/// region's area counted twice) were accepted silently.
#[test]
fn invalid_and_overlapping_districts_are_refused() {
    let bow_tie = "[[120.0,30.0],[120.1,30.1],[120.1,30.0],[120.0,30.1],[120.0,30.0]]";
    check(
        districts(&collection(&[&feature(r#"{"name":"A"}"#, bow_tie)])),
        &[
            "districts.geojson",
            "feature 0",
            "field `geometry`",
            "not a valid polygon",
        ],
    );
    let a = "[[120.0,30.0],[120.1,30.0],[120.1,30.1],[120.0,30.1],[120.0,30.0]]";
    let b = "[[120.05,30.0],[120.15,30.0],[120.15,30.1],[120.05,30.1],[120.05,30.0]]";
    let m = districts(&collection(&[
        &feature(r#"{"name":"A"}"#, a),
        &feature(r#"{"name":"B"}"#, b),
    ]))
    .unwrap_err()
    .to_string();
    // Half of each 0.1° × 0.1° square: 0.05 × 0.1 × 111.32² × cos 30° ≈ 53.7 km².
    assert!(
        m.contains("feature 1")
            && m.contains("`A` (feature 0) and `B` (feature 1) overlap by 53.")
            && m.contains("50.0 %"),
        "{m}"
    );
    // Neighbours sharing an edge are fine.
    let c = "[[120.1,30.0],[120.2,30.0],[120.2,30.1],[120.1,30.1],[120.1,30.0]]";
    assert!(districts(&collection(&[
        &feature(r#"{"name":"A"}"#, a),
        &feature(r#"{"name":"C"}"#, c),
    ]))
    .is_ok());
}

/// Detailed outlines (issue 20, H2): a 10⁶-vertex district did not load in 10 minutes, as
/// validation tested every pair of edges. Beyond 20,000 vertices an edge index finds a
/// crossing in O(n log n); a valid detailed outline loads, a self-crossing one is refused.
#[test]
fn detailed_outlines_are_checked_without_testing_every_pair() {
    let n = 60_000;
    let ring = |bow_tie: bool| {
        let mut pts: Vec<String> = (0..n)
            .map(|i| {
                let a = std::f64::consts::TAU * i as f64 / n as f64;
                format!(
                    "[{:.9},{:.9}]",
                    120.0 + 0.05 * a.cos(),
                    30.0 + 0.05 * a.sin()
                )
            })
            .collect();
        if bow_tie {
            // Two vertices a quarter of the way round swapped: their edges cross.
            pts.swap(n / 4, n / 4 + 1);
        }
        pts.push(pts[0].clone());
        format!("[{}]", pts.join(","))
    };
    let valid = districts(&collection(&[&feature(r#"{"name":"A"}"#, &ring(false))]));
    assert_eq!(valid.unwrap()[0].area.0[0].exterior().0.len(), n + 1);
    check(
        districts(&collection(&[&feature(r#"{"name":"A"}"#, &ring(true))])),
        &[
            "districts.geojson",
            "feature 0",
            "field `geometry`",
            "not a valid polygon: its boundary crosses itself near 120.000",
        ],
    );
}

/// Found by fuzzing `csv_tables` (2026-11-30, after 1.06 M executions): a calibration
/// records file whose time carries a UTC offset of four bytes that are not four digits
/// (`+0Ӝ0`) made the time parser slice inside a character and panic. Now the row is
/// refused like any other bad time.
#[test]
fn fuzz_crash_csv_tables_offset_that_is_not_four_digits() {
    let dir = tempfile::tempdir().unwrap();
    let stations = dir.path().join("stations.csv");
    std::fs::write(
        &stations,
        "id,lon,lat,class\nS1,120,30,class1\nS2,120.1,30,small\n",
    )
    .unwrap();
    let stations = read_stations(&stations, Crs::Wgs84, None).unwrap();
    let crash =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/csv_tables-1f9af1b8.csv");
    // Any result but a panic.
    let _ = fireplan::io::records::read_records(&crash, Crs::Wgs84, &stations);
    let e = fireplan::model::time::Stamp::parse("2024-03-01T14:00+0Ӝ0").unwrap_err();
    assert!(e.contains("expected an ISO 8601 date-time"), "{e}");
    // A good offset still reads.
    let ok = fireplan::model::time::Stamp::parse("2024-03-01T14:00+0800").unwrap();
    assert_eq!(ok.utc_offset_s, Some(8 * 3600));
}

#[test]
fn map_section_values_are_validated() {
    check(
        scenario(&format!("{SCENARIO_HEAD}[map]\nbands_s = [300, 180]\n")),
        &[
            "scenario.toml",
            "key `map.bands_s`",
            "expected ascending limits, got 180 after 300",
        ],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}[map]\nbands_s = [180, -5]\n")),
        &["key `map.bands_s[1]`", "got -5"],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}[map]\nbands_s = []\n")),
        &["key `map.bands_s`", "expected 1 to 6 band limits, got 0"],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}[map]\npage = \"A5\"\n")),
        &[
            "key `map.page`",
            "expected one of A4-portrait, A4-landscape, A3-portrait, A3-landscape, got `A5`",
        ],
    );
    check(
        scenario(&format!(
            "{SCENARIO_HEAD}[map]\ntimezone = \"Asia/Beijing\"\n"
        )),
        &[
            "key `map.timezone`",
            "expected an IANA time zone",
            "`Asia/Beijing`",
        ],
    );
    check(
        scenario(&format!("{SCENARIO_HEAD}[map]\ncolour = \"red\"\n")),
        &[
            "key `map.colour`",
            "unknown key `map.colour`; expected one of bands_s, page, timezone, layer, osm_context",
        ],
    );
}
