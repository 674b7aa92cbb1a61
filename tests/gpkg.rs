//! `fireplan.gpkg` on the small plan fixture: core tables, every layer with its feature
//! count, EPSG:4326 and GeoPackage binary geometries; GDAL's `ogrinfo` opens it (skipped
//! with a message when ogrinfo is not installed).

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
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| {
                r.get(0)
            })
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
        .query_row("SELECT name FROM stations WHERE id = 'S1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "西站");
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
