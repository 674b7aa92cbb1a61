//! The province generator (`synth`, `fireplan gen-province`) and its PBF writer
//! (`report::osm_pbf`): the PBF read back with `osmpbf`; a 2x2 province imported by
//! fireplan's own import to exactly the graph the generator expects, then run; the same
//! seed giving the same bytes; stations at the asked density by district kind; bad input.
//! Tests on the province need ../shared/data (skipped with a message when it is absent).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fireplan::io::osm::{OsmElements, OsmNode, OsmWay};
use fireplan::model::DistrictKind;
use fireplan::progress::Silent;
use fireplan::synth::sources::{SourceName, SourcePaths};
use fireplan::synth::{choose_sources, generate, Province, ProvinceSpec};
use osmpbf::{Element, ElementReader};

use common::{csv_rows, fireplan, read_json, root, shared};

fn spec(cols: u32, rows: u32, seed: u64) -> Option<ProvinceSpec> {
    shared("")?;
    Some(ProvinceSpec {
        cols,
        rows,
        seed,
        paths: SourcePaths {
            data_dir: root().join("../shared/data"),
            demo_dir: root().join("maps/demo"),
        },
    })
}

fn tags(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Everything `osmpbf` reads back: nodes (id, lon, lat, tags) and ways (id, refs, tags).
type ReadBack = (
    Vec<(i64, f64, f64, Vec<(String, String)>)>,
    Vec<(i64, Vec<i64>, Vec<(String, String)>)>,
);

fn read_back(path: &Path) -> ReadBack {
    let (mut nodes, mut ways) = (Vec::new(), Vec::new());
    ElementReader::from_path(path)
        .unwrap()
        .for_each(|e| match e {
            Element::DenseNode(n) => nodes.push((
                n.id(),
                n.lon(),
                n.lat(),
                n.tags()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )),
            Element::Node(n) => nodes.push((
                n.id(),
                n.lon(),
                n.lat(),
                n.tags()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )),
            Element::Way(w) => ways.push((
                w.id(),
                w.refs().collect(),
                w.tags()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )),
            Element::Relation(_) => panic!("no relation was written"),
        })
        .unwrap();
    (nodes, ways)
}

#[test]
fn pbf_written_is_read_back_by_osmpbf_exactly() {
    // 20,001 nodes: three blocks of DenseNodes (8,000 a block); ids far apart and negative
    // deltas in coordinates; one barrier node with tags.
    let mut nodes: Vec<OsmNode> = (0..20_001i64)
        .map(|i| OsmNode {
            id: 300_000_000_000 + i * 7,
            lon: 120.123_456_7 - (i as f64) * 1.3e-6,
            lat: 29.5 + ((i * 37) % 1000) as f64 * 1.1e-6,
            tags: Vec::new(),
        })
        .collect();
    nodes[5].tags = tags(&[("barrier", "bollard"), ("emergency", "yes")]);
    nodes[0].lon = -179.999_999_9;
    nodes[0].lat = -89.5;
    let ways: Vec<OsmWay> = (0..9_000i64)
        .map(|i| OsmWay {
            id: 300_000_000_000 + i,
            refs: vec![nodes[(i * 2) as usize].id, nodes[(i * 2 + 1) as usize].id],
            tags: if i % 2 == 0 {
                tags(&[
                    ("highway", "residential"),
                    ("oneway", "-1"),
                    ("name", "柯桥路"),
                ])
            } else {
                Vec::new()
            },
        })
        .collect();
    let elements = OsmElements { nodes, ways };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.osm.pbf");
    let size = fireplan::report::osm_pbf::write_osm_pbf(&path, &elements, &Silent).unwrap();
    assert_eq!(size, std::fs::metadata(&path).unwrap().len());

    let (nodes, ways) = read_back(&path);
    assert_eq!(nodes.len(), 20_001);
    assert_eq!(ways.len(), 9_000);
    for (got, want) in nodes.iter().zip(&elements.nodes) {
        assert_eq!(got.0, want.id);
        assert!(
            (got.1 - want.lon).abs() <= 0.5e-7 + 1e-12,
            "{} {}",
            got.1,
            want.lon
        );
        assert!(
            (got.2 - want.lat).abs() <= 0.5e-7 + 1e-12,
            "{} {}",
            got.2,
            want.lat
        );
        assert_eq!(got.3, want.tags);
    }
    assert_eq!(nodes[0].1, -179.999_999_9);
    assert_eq!(
        nodes[5].3,
        tags(&[("barrier", "bollard"), ("emergency", "yes")])
    );
    for (got, want) in ways.iter().zip(&elements.ways) {
        assert_eq!((got.0, &got.1, &got.2), (want.id, &want.refs, &want.tags));
    }

    // fireplan's own import reads it (header features accepted): the 4,500 tagged ways
    // are residential roads of two nodes each.
    let raw = fireplan::io::osm::read_osm_pbf(&path, &Default::default(), &Silent).unwrap();
    assert_eq!(raw.stats.drivable_ways, 4_500);
    assert_eq!(raw.segments.len(), 4_500);
    assert_eq!(raw.stats.nodes_read, 20_001);
}

#[test]
fn pbf_writer_refuses_a_node_off_the_globe() {
    let elements = OsmElements {
        nodes: vec![OsmNode {
            id: 1,
            lon: 120.0,
            lat: 95.0,
            tags: Vec::new(),
        }],
        ways: Vec::new(),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.osm.pbf");
    let err = fireplan::report::osm_pbf::write_osm_pbf(&path, &elements, &Silent).unwrap_err();
    assert!(
        err.to_string().contains("node 1 lies at lon 120, lat 95"),
        "{err}"
    );
    assert!(!path.exists(), "nothing is left behind");
}

#[test]
fn sources_per_cell_mostly_demo_every_extract_present() {
    let c = choose_sources(10, 10, 1);
    let count = |n: SourceName| c.iter().filter(|&&s| s == n).count();
    assert_eq!(count(SourceName::Demo), 95);
    for n in &SourceName::ALL[1..] {
        assert_eq!(count(*n), 1, "{n:?}");
    }
    // 20x10: ten extract tiles, each extract twice.
    let big = choose_sources(20, 10, 1);
    assert_eq!(big.iter().filter(|&&s| s == SourceName::Camden).count(), 2);
    // 2x2: three extracts and one demo tile; another seed, another layout.
    let small = choose_sources(2, 2, 1);
    assert_eq!(small.iter().filter(|&&s| s == SourceName::Demo).count(), 1);
    assert_ne!(choose_sources(10, 10, 2), c);
    assert_eq!(choose_sources(10, 10, 1), c);
}

fn write(p: &Province, dir: &Path) -> PathBuf {
    fireplan::report::synth::write_province(dir, p, &Silent).unwrap();
    dir.to_path_buf()
}

#[test]
fn a_2x2_province_imports_to_the_expected_graph_and_runs() {
    let Some(spec) = spec(2, 2, 1) else { return };
    let province = generate(&spec, &Silent).unwrap();
    // The demo tile keeps the demo's 53,702 nodes; Liechtenstein's 16,502 are what
    // `fireplan validate scenarios/liechtenstein.toml` reports.
    for t in &province.tiles {
        match t.source {
            SourceName::Demo => assert_eq!(t.graph_nodes, 53_702),
            SourceName::Liechtenstein => assert_eq!(t.graph_nodes, 16_502),
            _ => {}
        }
    }
    assert_eq!(
        province.expected_graph_nodes,
        province.tiles.iter().map(|t| t.graph_nodes).sum::<usize>() + province.link_nodes
    );
    let dir = tempfile::tempdir().unwrap();
    let out = write(&province, &dir.path().join("p"));

    // fireplan's own import keeps exactly every tile's component and every generated node:
    // the tiles are joined into one strongly connected network, none dropped.
    let scenario = fireplan::params::Scenario::load(&out.join("scenario.toml")).unwrap();
    let (inputs, prepared) = fireplan::load::load(&scenario, &common::quiet()).unwrap();
    assert_eq!(prepared.network.node_count(), province.expected_graph_nodes);
    assert_eq!(
        inputs.demand.as_ref().map(Vec::len),
        Some(province.buildings)
    );
    assert_eq!(inputs.stations.len(), province.stations.len());
    assert_eq!(inputs.districts.len(), province.districts.len());

    // `fireplan run` accepts the folder unchanged.
    let run_out = dir.path().join("run");
    let status = fireplan()
        .args(["run", "--quiet", "--no-cache", "--out"])
        .arg(&run_out)
        .arg(out.join("scenario.toml"))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let summary = read_json(&run_out.join("summary.json"));
    assert!(summary.is_object());
    // The simulation scenario (a year of incidents) passes validation.
    let status = fireplan()
        .args(["validate", "--quiet", "--no-cache"])
        .arg(out.join("simulate.toml"))
        .status()
        .unwrap();
    assert!(status.success());
    // … and `fireplan simulate` runs its year.
    let sim_out = dir.path().join("sim");
    let status = fireplan()
        .args(["simulate", "--quiet", "--no-cache", "--out"])
        .arg(&sim_out)
        .arg(out.join("simulate.toml"))
        .status()
        .unwrap();
    assert!(status.success());
    assert!(sim_out.join("sim_summary.json").is_file());
    let incidents = csv_rows(&out.join("incidents.csv"));
    assert_eq!(incidents.len(), 8_000);
    assert!(incidents.iter().all(|r| r["time"].starts_with("2025-")));
    assert!(incidents.windows(2).all(|w| w[0]["time"] <= w[1]["time"]));
    assert_eq!(csv_rows(&out.join("candidates.csv")).len(), 10_000);
}

#[test]
fn same_seed_same_bytes_through_the_cli() {
    if shared("").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<BTreeMap<String, Vec<u8>>> = Vec::new();
    for run in ["a", "b"] {
        let out = dir.path().join(run);
        let status = fireplan()
            .current_dir(root())
            .args([
                "gen-province",
                "--quiet",
                "--grid",
                "2x2",
                "--seed",
                "3",
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(status.status.success());
        files.push(
            std::fs::read_dir(&out)
                .unwrap()
                .map(|e| {
                    let p = e.unwrap().path();
                    (
                        p.file_name().unwrap().to_string_lossy().into_owned(),
                        std::fs::read(&p).unwrap(),
                    )
                })
                .collect(),
        );
    }
    assert_eq!(files[0].len(), 11);
    assert_eq!(files[0], files[1]);
}

#[test]
fn stations_at_the_asked_density_by_district_kind() {
    use geo::ChamberlainDuquetteArea;
    let Some(spec) = spec(3, 2, 5) else { return };
    let p = generate(&spec, &Silent).unwrap();
    let mut by_kind: BTreeMap<&str, (f64, usize, usize)> = BTreeMap::new();
    for d in &p.districts {
        let area_km2 = d.area.chamberlain_duquette_unsigned_area() / 1e6;
        let stations = p
            .stations
            .iter()
            .filter(|s| s.district == d.name && s.support_level.is_none())
            .count();
        let per = match d.kind {
            DistrictKind::Urban => 7.0,
            DistrictKind::Suburban => 15.0,
            DistrictKind::Rural => 50.0,
        };
        let e = by_kind.entry(d.kind.as_str()).or_default();
        e.0 += area_km2 / per;
        e.1 += stations;
        e.2 += 1;
    }
    assert_eq!(by_kind.len(), 3, "{by_kind:?}");
    for (kind, (asked, got, districts)) in by_kind {
        // Each district rounds to a whole station (at least one): off by at most one each.
        assert!(
            (got as f64 - asked).abs() <= districts as f64,
            "{kind}: {got} stations for {asked:.1} asked over {districts} districts"
        );
        assert!(got >= districts);
    }
    // Station ids are unique.
    let mut ids: Vec<&str> = p.stations.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), p.stations.len());
}

#[test]
fn missing_extract_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let spec = ProvinceSpec {
        cols: 2,
        rows: 2,
        seed: 1,
        paths: SourcePaths {
            data_dir: dir.path().join("no-such-data"),
            demo_dir: root().join("maps/demo"),
        },
    };
    let err = generate(&spec, &Silent).unwrap_err().to_string();
    assert!(err.contains("no-such-data"), "{err}");
    assert!(err.contains("folder of real OSM extracts"), "{err}");

    // The folder is there but an extract is not: the error names the extract's file.
    let spec = ProvinceSpec {
        paths: SourcePaths {
            data_dir: dir.path().to_path_buf(),
            demo_dir: root().join("maps/demo"),
        },
        ..spec
    };
    let err = generate(&spec, &Silent).unwrap_err().to_string();
    assert!(err.contains(".osm.pbf"), "{err}");
    assert!(err.contains("not found"), "{err}");

    // The CLI says so too, with a failing status.
    let out = fireplan()
        .current_dir(root())
        .args([
            "gen-province",
            "--quiet",
            "--grid",
            "2x2",
            "--data",
            "/nonexistent-data",
            "--out",
        ])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/nonexistent-data"), "{stderr}");
    // A bad grid is refused by the argument parser.
    let out = fireplan()
        .args(["gen-province", "--grid", "0x3", "--out"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("each side a whole number 1–100"));
}
