//! `fireplan.gpkg` on the small plan fixture: core tables, every layer with its feature
//! count per variant (baseline and plan in one file), EPSG:4326 and GeoPackage binary
//! geometries, the R-tree index of every layer, the QGIS styles in `layer_styles`, the
//! field order and the `demand` layer against `demand_response.csv`; GDAL's `ogrinfo`
//! opens it (skipped with a message when ogrinfo is not installed).

mod common;

use std::path::Path;
use std::process::Command;

use rusqlite::Connection;

use common::{data, fireplan, read_json};

fn geojson_count(p: &Path, keep: impl Fn(&serde_json::Value) -> bool) -> i64 {
    read_json(p)["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| keep(f))
        .count() as i64
}

fn run_plan(out: &Path) {
    let st = fireplan()
        .args(["run", "-q", "--no-cache", "--plan"])
        .arg(data("plan/plan_add_east.toml"))
        .arg("--out")
        .arg(out)
        .arg(data("plan/scenario_s2_closed.toml"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
}

#[test]
fn geopackage_has_every_layer_with_counts_and_srs() {
    let out = tempfile::tempdir().unwrap();
    run_plan(out.path());
    let o = out.path();
    let db = Connection::open(o.join("fireplan.gpkg")).unwrap();
    let app: i64 = db
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, 0x4750_4B47); // "GPKG"
    let srs: i64 = db
        .query_row("SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = 4326 AND organization = 'EPSG'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(srs, 1);
    let is_point = |f: &serde_json::Value| f["geometry"]["type"] == "Point";
    let layer = |f: &serde_json::Value, l: &str| f["properties"]["layer"] == l;
    let expected: Vec<(&str, &str, i64)> = vec![
        ("stations", "POINT", 4), // S1, S2 (closed), L1, S3
        ("depots", "POINT", 1),
        ("demand", "POINT", 4),
        (
            "service_areas",
            "MULTIPOLYGON",
            geojson_count(&o.join("service_areas.geojson"), |_| true),
        ),
        (
            "districts",
            "MULTIPOLYGON",
            geojson_count(&data("plan/districts.geojson"), |_| true),
        ),
        (
            "coverage_segments",
            "LINESTRING",
            geojson_count(&o.join("coverage.geojson"), |_| true),
        ),
        (
            "first_due_areas",
            "MULTIPOLYGON",
            geojson_count(&o.join("first_due.geojson"), |_| true),
        ),
        (
            "gaps",
            "POINT",
            geojson_count(&o.join("gaps.geojson"), is_point),
        ),
        (
            "gap_areas",
            "MULTIPOLYGON",
            geojson_count(&o.join("gaps.geojson"), |f| !is_point(f)),
        ),
        (
            "plan_changes",
            "POINT",
            geojson_count(&o.join("plan_changes.geojson"), |f| layer(f, "change")),
        ),
        (
            "plan_demand_changes",
            "POINT",
            geojson_count(&o.join("plan_changes.geojson"), |f| layer(f, "demand")),
        ),
    ];
    for (name, gtype, count) in &expected {
        let (dt, srs_id): (String, i64) = db
            .query_row(
                "SELECT data_type, srs_id FROM gpkg_contents WHERE table_name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((dt.as_str(), srs_id), ("features", 4326), "{name}");
        let (col, gt, gsrs): (String, String, i64) = db
            .query_row(
                "SELECT column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (col.as_str(), gt.as_str(), gsrs),
            ("geom", *gtype, 4326),
            "{name}"
        );
        // The run's folder holds the plan variant's files.
        let n: i64 = db
            .query_row(
                &format!("SELECT count(*) FROM \"{name}\" WHERE variant = 'plan'"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, *count, "{name}");
        if n > 0 {
            let blob: Vec<u8> = db
                .query_row(&format!("SELECT geom FROM \"{name}\" LIMIT 1"), [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(&blob[..3], b"GP\0", "{name}");
            assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 4326);
            // Little-endian WKB after the 32-byte XY envelope.
            assert_eq!(blob[40], 1, "{name}");
        }
    }
    assert!(expected
        .iter()
        .all(|e| e.2 > 0 || e.0 == "gap_areas" || e.0 == "plan_demand_changes"));
    let name: String = db
        .query_row(
            "SELECT name FROM stations WHERE id = 'S1' AND variant = 'baseline'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "西站");
    // The baseline has no S3 (the plan adds it); the plan's changes only in the plan.
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM stations WHERE variant = 'baseline'"),
        3
    );
    assert_eq!(
        count("SELECT count(*) FROM stations WHERE id = 'S3' AND variant = 'baseline'"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM plan_changes WHERE variant <> 'plan'"),
        0
    );
    // The baseline's layers are its own run: its road pieces are those of a run of the
    // scenario alone.
    let base = tempfile::tempdir().unwrap();
    let st = fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(base.path())
        .arg(data("plan/scenario_s2_closed.toml"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(
        count("SELECT count(*) FROM coverage_segments WHERE variant = 'baseline'"),
        geojson_count(&base.path().join("coverage.geojson"), |_| true)
    );
    assert_eq!(
        count("SELECT count(*) FROM first_due_areas WHERE variant = 'baseline'"),
        geojson_count(&base.path().join("first_due.geojson"), |_| true)
    );
    let plan_ids: i64 = db
        .query_row(
            "SELECT count(*) FROM plan_changes WHERE subject = 'S3' AND action = 'add_station'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(plan_ids, 1);
}

#[test]
fn ogrinfo_opens_the_geopackage() {
    if Command::new("ogrinfo").arg("--version").output().is_err() {
        eprintln!("SKIPPED: ogrinfo not installed (Debian gdal-bin); the GeoPackage was not checked with GDAL");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    run_plan(out.path());
    let o = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al"])
        .arg(out.path().join("fireplan.gpkg"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{text}");
    assert!(!text.contains("ERROR"), "{text}");
    assert!(!text.contains("Warning"), "{text}");
    for l in [
        "stations",
        "depots",
        "districts",
        "coverage_segments",
        "first_due_areas",
        "gaps",
        "gap_areas",
        "plan_changes",
        "demand",
        "service_areas",
    ] {
        assert!(
            text.contains(&format!("Layer name: {l}\n")),
            "no layer {l}: {text}"
        );
    }
    assert!(
        text.contains("ID[\"EPSG\",4326]") || text.contains("AUTHORITY[\"EPSG\",\"4326\"]"),
        "{text}"
    );
    assert!(text.contains("Geometry: Multi Polygon"));
    assert!(text.contains("Geometry: Line String"));
}

/// QGIS itself (Debian `python3-qgis`, headless) opens the demo plan run's GeoPackage:
/// every layer valid, with its stored style applied as its renderer, and a first view drawn
/// (`bench/qgis_check.py`). Skipped with a message when QGIS's Python bindings are absent.
#[test]
fn qgis_opens_every_layer_styled() {
    let python = "/usr/bin/python3";
    let has_qgis = Command::new(python)
        .args(["-c", "import qgis.core"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_qgis {
        eprintln!("SKIPPED: QGIS's Python bindings not installed (Debian python3-qgis); the GeoPackage was not opened in QGIS");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let st = fireplan()
        .current_dir(root)
        .args(["run", "-q", "--plan", "scenarios/demo_plan.toml", "--out"])
        .arg(out.path().join("run"))
        .arg("scenarios/demo.toml")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let picture = out.path().join("qgis.png");
    let o = Command::new(python)
        .arg(Path::new(root).join("bench/qgis_check.py"))
        .arg(out.path().join("run/fireplan.gpkg"))
        .arg(&picture)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        o.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let layers: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" features, renderer "))
        .collect();
    // The demo plan has 21 layers: analysis, water, villages, drone, risk sites, context,
    // plan changes.
    assert_eq!(layers.len(), 21, "{text}");
    for l in &layers {
        assert!(l.ends_with(": applied"), "{l}");
        assert!(!l.contains(" 0 features"), "{l}");
    }
    // The first view is drawn: many pixels are neither white nor one colour.
    let mut decoder = png::Decoder::new(std::fs::File::open(&picture).unwrap());
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).unwrap();
    let channels = frame.color_type.samples();
    let pixels = &buf[..frame.buffer_size()];
    let inked = pixels
        .chunks_exact(channels)
        .filter(|p| p[..3] != [255, 255, 255])
        .count();
    let total = (frame.width * frame.height) as usize;
    assert!(inked > total / 4, "{inked} of {total} pixels drawn");
}

/// A QML document (QGIS writes a DOCTYPE line, which roxmltree refuses unless asked).
fn parse_qml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, opts)
}

/// Names of a table's columns in order.
fn column_names(db: &Connection, table: &str) -> Vec<String> {
    let mut st = db
        .prepare(&format!("PRAGMA table_info(\"{table}\")"))
        .unwrap();
    let names = st
        .query_map([], |r| r.get::<_, String>(1))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    names
}

/// The XY envelope in a GeoPackage geometry's header: [minx, maxx, miny, maxy].
fn header_envelope(blob: &[u8]) -> [f64; 4] {
    assert_eq!(blob[3] & 0b1110, 0b0010, "envelope XY");
    let f = |i: usize| f64::from_le_bytes(blob[8 + i * 8..16 + i * 8].try_into().unwrap());
    [f(0), f(1), f(2), f(3)]
}

#[test]
fn every_layer_has_an_rtree_index_styles_and_ordered_fields() {
    let out = tempfile::tempdir().unwrap();
    run_plan(out.path());
    let db = Connection::open(out.path().join("fireplan.gpkg")).unwrap();
    let mut st = db
        .prepare(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
        )
        .unwrap();
    let tables: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(tables.len() >= 10, "{tables:?}");
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    for t in &tables {
        // One gpkg_rtree_index row per layer, the index holding one box per feature.
        assert_eq!(
            count(&format!(
                "SELECT count(*) FROM gpkg_extensions WHERE table_name = '{t}' AND column_name = 'geom' \
                 AND extension_name = 'gpkg_rtree_index' AND scope = 'write-only'"
            )),
            1,
            "{t}"
        );
        let features = count(&format!("SELECT count(*) FROM \"{t}\""));
        let boxes = count(&format!("SELECT count(*) FROM \"rtree_{t}_geom\""));
        assert_eq!(boxes, features, "{t}");
        // The six triggers of the GeoPackage 1.3 R-tree extension.
        assert_eq!(
            count(&format!(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{t}' \
                 AND name LIKE 'rtree_{t}_geom_%'"
            )),
            6,
            "{t}"
        );
        // Each box holds its feature's envelope (SQLite's R-tree keeps 32-bit floats,
        // rounded outwards).
        let mut q = db
            .prepare(&format!(
                "SELECT t.geom, r.minx, r.maxx, r.miny, r.maxy FROM \"{t}\" t \
                 JOIN \"rtree_{t}_geom\" r ON r.id = t.fid"
            ))
            .unwrap();
        let rows = q
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    [r.get::<_, f64>(1)?, r.get(2)?, r.get(3)?, r.get(4)?],
                ))
            })
            .unwrap();
        let mut joined = 0;
        for row in rows {
            let (blob, rt) = row.unwrap();
            let env = header_envelope(&blob);
            assert!(rt[0] <= env[0] && rt[2] <= env[2], "{t}: {rt:?} {env:?}");
            assert!(rt[1] >= env[1] && rt[3] >= env[3], "{t}: {rt:?} {env:?}");
            for k in 0..4 {
                assert!((rt[k] - env[k]).abs() < 2e-5, "{t}: {rt:?} {env:?}");
            }
            joined += 1;
        }
        assert_eq!(joined, features, "{t}");
    }
    // A spatial query through the index finds S1's point (120.0, 30.0) and not S3.
    let near_s1 = count(
        "SELECT count(*) FROM stations s JOIN rtree_stations_geom r ON r.id = s.fid \
         WHERE r.minx <= 120.0001 AND r.maxx >= 119.9999 AND r.miny <= 30.0001 AND r.maxy >= 29.9999 \
         AND s.variant = 'plan'",
    );
    assert_eq!(near_s1, 1);

    // Field order: the identifier first, then the variant and the planner's fields.
    assert_eq!(
        column_names(&db, "stations")[..8],
        ["fid", "geom", "id", "variant", "name", "class", "class_zh", "status"]
    );
    assert_eq!(
        column_names(&db, "demand"),
        [
            "fid",
            "geom",
            "id",
            "variant",
            "first_station",
            "response_s",
            "second_station",
            "second_response_s",
            "within_threshold",
            "district",
            "status",
            "snap_m"
        ]
    );
    assert_eq!(
        column_names(&db, "service_areas"),
        [
            "fid",
            "geom",
            "station_id",
            "variant",
            "break_s",
            "minutes",
            "area_km2",
            "road_km"
        ]
    );

    // Styles: QGIS's layer_styles, registered, one default style per styled layer, each a
    // QGIS style document whose fields are the layer's.
    assert_eq!(
        count("SELECT count(*) FROM gpkg_contents WHERE table_name = 'layer_styles' AND data_type = 'attributes'"),
        1
    );
    let mut st = db
        .prepare(
            "SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault \
             FROM layer_styles ORDER BY f_table_name",
        )
        .unwrap();
    let styles: Vec<(String, String, String, String, bool)> = st
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let styled: Vec<&str> = styles.iter().map(|s| s.0.as_str()).collect();
    for t in [
        "stations",
        "coverage_segments",
        "demand",
        "first_due_areas",
        "service_areas",
        "districts",
    ] {
        assert!(styled.contains(&t), "no style for {t}: {styled:?}");
    }
    // Every layer opens styled: none is left to QGIS's random single colour.
    for t in &tables {
        assert!(styled.contains(&t.as_str()), "no style for {t}: {styled:?}");
    }
    for (table, geom_col, name, qml, default) in &styles {
        assert_eq!(
            (geom_col.as_str(), name.as_str(), *default),
            ("geom", table.as_str(), true)
        );
        let doc = parse_qml(qml).unwrap_or_else(|e| panic!("{table}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "qgis", "{table}");
        let renderer = root
            .children()
            .find(|n| n.has_tag_name("renderer-v2"))
            .unwrap_or_else(|| panic!("{table}: no renderer"));
        let cols = column_names(&db, table);
        if let Some(attr) = renderer.attribute("attr") {
            assert!(
                cols.iter().any(|c| c == attr),
                "{table}: {attr} not a field"
            );
        }
        // Every symbol a category or rule names is defined.
        let symbols: Vec<&str> = renderer
            .descendants()
            .filter(|n| n.has_tag_name("symbol"))
            .filter_map(|n| n.attribute("name"))
            .collect();
        for n in renderer
            .descendants()
            .filter(|n| n.has_tag_name("category") || n.has_tag_name("rule"))
        {
            let s = n.attribute("symbol").unwrap();
            assert!(symbols.contains(&s), "{table}: symbol {s}");
            // A rule's filter names only the layer's fields.
            if let Some(f) = n.attribute("filter") {
                for (i, part) in f.split('"').enumerate() {
                    if i % 2 == 1 {
                        assert!(cols.iter().any(|c| c == part), "{table}: {part} in {f}");
                    }
                }
            }
        }
        let geom_type = root
            .children()
            .find(|n| n.has_tag_name("layerGeometryType"))
            .and_then(|n| n.text())
            .unwrap();
        // The style's geometry type is the layer's.
        let layer_type: String = db
            .query_row(
                "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        let want = match layer_type.as_str() {
            "POINT" | "MULTIPOINT" => "0",
            "LINESTRING" | "MULTILINESTRING" => "1",
            _ => "2",
        };
        assert_eq!(geom_type, want, "{table} ({layer_type})");
    }
    let qml = |t: &str| styles.iter().find(|s| s.0 == t).unwrap().3.clone();
    // First-due areas: one category per station holding one, in id order.
    let fd = qml("first_due_areas");
    let doc = parse_qml(&fd).unwrap();
    let values: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("category"))
        .map(|n| n.attribute("value").unwrap())
        .collect();
    assert_eq!(values, ["S1", "S3"]);
    // Stations by class with the maps' colours: class-1 is the map's 0xb2182b square.
    let stq = qml("stations");
    let doc = parse_qml(&stq).unwrap();
    let class1 = doc
        .descendants()
        .find(|n| n.has_tag_name("category") && n.attribute("value") == Some("class1"))
        .unwrap();
    let sym = class1.attribute("symbol").unwrap();
    let symbol = doc
        .descendants()
        .find(|n| n.has_tag_name("symbol") && n.attribute("name") == Some(sym))
        .unwrap();
    let opt = |k: &str| {
        symbol
            .descendants()
            .find(|n| n.has_tag_name("Option") && n.attribute("name") == Some(k))
            .and_then(|n| n.attribute("value"))
            .unwrap()
            .to_string()
    };
    assert_eq!(opt("color"), "178,24,43,255");
    assert_eq!(opt("name"), "square");
    // Demand by band: the first rule is the map's first band — "≤ 1 min" under the
    // fixture's 150 s threshold (bands 60, 150, 480 s) — dark green.
    let dq = qml("demand");
    let doc = parse_qml(&dq).unwrap();
    let first_rule = doc.descendants().find(|n| n.has_tag_name("rule")).unwrap();
    assert_eq!(first_rule.attribute("filter"), Some("\"response_s\" <= 60"));
    assert_eq!(first_rule.attribute("label"), Some("≤ 1 min"));
}

#[test]
fn demand_layer_and_csv_coordinates_match_the_input() {
    let out = tempfile::tempdir().unwrap();
    run_plan(out.path());
    let rows = common::csv_rows(&out.path().join("demand_response.csv"));
    let input = common::csv_rows(&data("plan/demand.csv"));
    assert_eq!(rows.len(), input.len());
    for (r, i) in rows.iter().zip(&input) {
        assert_eq!(r["id"], i["id"]);
        for k in ["lon", "lat"] {
            let a: f64 = r[k].parse().unwrap();
            let b: f64 = i[k].parse().unwrap();
            assert!((a - b).abs() <= 0.5e-7, "{} {k}: {a} vs {b}", r["id"]);
        }
    }
    // The header: the shared columns, then the coordinates.
    let text = std::fs::read_to_string(out.path().join("demand_response.csv")).unwrap();
    assert!(text.starts_with(
        "id,first_station,response_s,second_station,second_response_s,district,snap_m,status,lon,lat"
    ));
    // The `demand` layer of the plan variant says what the table says.
    let db = Connection::open(out.path().join("fireplan.gpkg")).unwrap();
    let mut st = db
        .prepare(
            "SELECT id, first_station, response_s, second_station, within_threshold, status, geom \
             FROM demand WHERE variant = 'plan' ORDER BY fid",
        )
        .unwrap();
    type Row = (
        String,
        Option<String>,
        Option<f64>,
        Option<String>,
        bool,
        String,
        Vec<u8>,
    );
    let layer: Vec<Row> = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(layer.len(), rows.len());
    let mut covered = 0;
    for (l, r) in layer.iter().zip(&rows) {
        assert_eq!(l.0, r["id"]);
        assert_eq!(l.1.clone().unwrap_or_default(), r["first_station"]);
        assert_eq!(l.3.clone().unwrap_or_default(), r["second_station"]);
        match l.2 {
            Some(t) => assert!((t - r["response_s"].parse::<f64>().unwrap()).abs() < 0.051),
            None => assert_eq!(r["response_s"], ""),
        }
        assert_eq!(l.5, r["status"]);
        assert_eq!(l.4, r["status"] == "covered");
        covered += l.4 as usize;
        let env = header_envelope(&l.6);
        assert!((env[0] - r["lon"].parse::<f64>().unwrap()).abs() < 1e-9);
        assert!((env[2] - r["lat"].parse::<f64>().unwrap()).abs() < 1e-9);
    }
    // By hand (tests/plan.rs's network, threshold 150 s, turnout 60 s): the plan adds S3
    // at n3, so mid_n2_n3 (1000 m from n3: 60 + 80 = 140 s) and south_of_n3 (60 + a 24 s
    // access leg = 84 s) join at_n1 (S1: 132 s); far_away is off the network.
    assert_eq!(covered, 3);
    // The baseline (S2 closed, no S3): only at_n1; mid_n2_n3 comes from S1 at 284 s.
    let mut st = db
        .prepare("SELECT id, first_station, response_s, status FROM demand WHERE variant = 'baseline' ORDER BY fid")
        .unwrap();
    let base: Vec<(String, Option<String>, Option<f64>, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(base.len(), 4);
    assert_eq!(
        (base[0].1.as_deref(), base[0].3.as_str()),
        (Some("S1"), "covered")
    );
    assert_eq!(
        (base[1].1.as_deref(), base[1].2, base[1].3.as_str()),
        (Some("S1"), Some(284.0), "late")
    );
    assert_eq!(base[3].3, "off-network");
    // Service areas at 150 s by hand: S1 (n0, 60 s turnout) drives 90 s: n0–n1 (1000 m,
    // 72 s) and 18 of n1–n2's 72 s (125 m): 1.125 km of road. With the plan, all
    // stations together reach more.
    let road_km = |variant: &str, station: &str| -> f64 {
        db.query_row(
            "SELECT road_km FROM service_areas WHERE variant = ?1 AND station_id = ?2 AND break_s = 150",
            [variant, station],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(road_km("baseline", "S1"), 1.125);
    assert_eq!(road_km("baseline", "all"), 1.125);
    assert!(road_km("plan", "all") > road_km("plan", "S1"));
}
