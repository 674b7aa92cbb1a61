//! Partitioned runs (`fireplan tiles`, issue 18): merged tile results equal the whole run
//! for every demand point's first and second station and time within the horizon, on the
//! demo and on real extracts; the halo rule on a hand-computed graph where one vertex less
//! changes the answer; resume, damaged files and missing tiles.

mod common;

use std::path::Path;

use common::{fireplan, quiet, root, shared};
use fireplan::coverage::tiles::{merge, run_tile, Merged, Partition, Tiling};
use fireplan::coverage::{evaluate, Coverage};
use fireplan::load::tiles::{decode_tile, PointResult, TileFile};
use fireplan::model::{DemandPoint, Station, StationClass, StationStatus};
use fireplan::network::raw::{Highway, Oneway, RawNetwork, RawNode, RawSegment};
use fireplan::network::{Network, Profile, SnapIndex};
use fireplan::params::{NetworkParams, ResponseParams, Scenario};

/// Splits, computes every tile and merges, in this process.
#[allow(clippy::too_many_arguments)]
fn partitioned(
    net: &Network,
    index: &SnapIndex,
    stations: &[Station],
    demand: &[DemandPoint],
    districts: &[fireplan::model::District],
    params: &ResponseParams,
    max_snap_m: f64,
    tiling: Tiling,
) -> (Merged, usize, usize) {
    let p = Partition::new(
        net, index, stations, demand, districts, params, max_snap_m, tiling, None,
    )
    .unwrap();
    let mut search = p.search();
    let mut results = Vec::new();
    let mut largest = 0;
    for k in 0..p.tiles.len() {
        let tile = p.tile_input(k, &mut search);
        largest = largest.max(tile.network.vertex_count());
        results.push((format!("tile {}", k + 1), run_tile(&tile)));
    }
    let merged = merge(
        demand.len(),
        &Partition::manifest_districts(districts),
        p.horizon_s,
        params.threshold_s,
        params.second_threshold_s,
        results,
    )
    .unwrap();
    (merged, p.tiles.len(), largest)
}

/// Every demand point: the whole run's first and second station and time where within
/// the horizon (times bit for bit), "none" where beyond; the district shares bit for bit.
/// Returns how many points have a second station within the horizon.
fn assert_equal(cov: &Coverage, stations: &[Station], merged: &Merged, what: &str) -> usize {
    let h = merged.horizon_s;
    let id = |o: u32| stations[cov.origins[o as usize].station].id.clone();
    let mut seconds = 0;
    assert_eq!(merged.points.len(), cov.demand.len());
    for (i, (d, p)) in cov.demand.iter().zip(&merged.points).enumerate() {
        assert_eq!(p.index as usize, i);
        assert_eq!(p.off_network, d.off_network, "{what}: point {i}");
        let within = |x: Option<(u32, f64)>| x.filter(|x| x.1 <= h).map(|(o, t)| (id(o), t));
        let first = within(d.response.first);
        let second = first.as_ref().and(within(d.response.second));
        let bits = |x: &Option<(String, f64)>| x.as_ref().map(|(s, t)| (s.clone(), t.to_bits()));
        assert_eq!(bits(&p.first), bits(&first), "{what}: first at point {i}");
        assert_eq!(
            bits(&p.second),
            bits(&second),
            "{what}: second at point {i}"
        );
        seconds += usize::from(second.is_some());
    }
    for (m, a) in cov.districts.iter().zip(&merged.areas) {
        assert_eq!(
            m.demand_coverage.map(f64::to_bits),
            a.demand_coverage.map(f64::to_bits),
            "{what}: {}",
            a.name
        );
        assert_eq!(
            m.second_due_coverage.map(f64::to_bits),
            a.second_due_coverage.map(f64::to_bits),
            "{what}: {}",
            a.name
        );
        assert_eq!(m.demand_points, a.demand_points);
    }
    let region = merged.areas.last().unwrap();
    assert_eq!(region.demand_coverage, cov.region.demand_coverage, "{what}");
    assert_eq!(region.second_due_coverage, cov.region.second_due_coverage);
    assert_eq!(region.p50_s, cov.region.p50_s.filter(|t| *t <= h));
    seconds
}

/// The scenario's whole run and its partitioned runs for each tiling.
fn check_scenario(sc: &Scenario, tilings: &[Tiling]) {
    let (inputs, prep) = fireplan::load::load(sc, &quiet()).unwrap();
    let net = &prep.network;
    let demand = inputs.demand.as_deref().unwrap();
    let cov = evaluate(
        net,
        &prep.index,
        &inputs.stations,
        demand,
        &inputs.districts,
        &sc.response,
        sc.max_snap_m,
    );
    for &tiling in tilings {
        let (merged, tiles, largest) = partitioned(
            net,
            &prep.index,
            &inputs.stations,
            demand,
            &inputs.districts,
            &sc.response,
            sc.max_snap_m,
            tiling,
        );
        let what = format!("{} {}", sc.name, tiling.describe());
        let seconds = assert_equal(&cov, &inputs.stations, &merged, &what);
        eprintln!(
            "{what}: {tiles} tiles, largest {largest} of {} vertices, {seconds} second stations",
            net.vertex_count()
        );
        assert!(seconds > 0, "{what}: the second station is tested");
        if let Tiling::Grid { .. } = tiling {
            assert!(tiles > 1, "{what}: more than one tile");
        }
    }
}

fn scenario(name: &str) -> Scenario {
    Scenario::load(&root().join("scenarios").join(name)).unwrap()
}

#[test]
fn demo_partitioned_equals_whole_run() {
    let sc = scenario("demo.toml");
    check_scenario(
        &sc,
        &[
            Tiling::Grid { km: 2.0 },
            Tiling::Grid { km: 7.0 },
            Tiling::Districts,
        ],
    );
}

#[test]
fn demo_small_tiles_need_only_part_of_the_network() {
    let sc = scenario("demo.toml");
    let (inputs, prep) = fireplan::load::load(&sc, &quiet()).unwrap();
    let (_, tiles, largest) = partitioned(
        &prep.network,
        &prep.index,
        &inputs.stations,
        inputs.demand.as_deref().unwrap(),
        &inputs.districts,
        &sc.response,
        sc.max_snap_m,
        Tiling::Grid { km: 2.0 },
    );
    assert!(tiles >= 4);
    assert!(
        largest < prep.network.vertex_count() * 9 / 10,
        "the largest 2 km tile holds {largest} of {} vertices",
        prep.network.vertex_count()
    );
}

#[test]
fn real_extracts_partitioned_equal_whole_run() {
    if shared("baltimore-osm/baltimore.osm.pbf").is_some() {
        check_scenario(
            &scenario("baltimore.toml"),
            &[
                Tiling::Grid { km: 1.0 },
                Tiling::Grid { km: 2.5 },
                Tiling::Districts,
            ],
        );
    }
    if shared("london-lfb/camden.osm.pbf").is_some() {
        // Turn restrictions (copies of vertices) in the sub-networks.
        check_scenario(
            &scenario("camden.toml"),
            &[Tiling::Grid { km: 1.0 }, Tiling::Grid { km: 3.0 }],
        );
    }
}

// ---- The halo rule on a hand-computed graph. ----

const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

fn node(id: i64, x_m: f64, y_m: f64) -> RawNode {
    RawNode {
        id,
        lon: x_m / M_PER_DEG,
        lat: y_m / M_PER_DEG,
    }
}

fn street(from: u32, to: u32) -> RawSegment {
    RawSegment {
        from,
        to,
        highway: Highway::parse("residential").unwrap(),
        oneway: Oneway::Both,
        maxspeed_kmh: None,
        length_m: 500.0,
        limits: Default::default(),
    }
}

fn station(id: &str, at: &RawNode, turnout_s: Option<f64>) -> Station {
    Station {
        id: id.into(),
        name: id.into(),
        class: StationClass::Class2,
        location: geo::Point::new(at.lon, at.lat),
        staff: None,
        turnout_s,
        status: StationStatus::Existing,
        drone: None,
        district: None,
        support_level: None,
        support_capacity_persons: None,
        vehicles: vec![],
        line: 0,
    }
}

/// n0 — n1 — n2 — n3 — n4 in a row and n5 beside n1, residential 500 m streets (72 s).
/// A at n0 and B at n4 turn out in 60 s, C at n5 in 250 s; the demand point stands at n1.
/// A arrives at 60 + 72 = 132 s, B at 60 + 3 × 72 = 276 s (from its seed at n3, 132 s),
/// C at 250 + 72 = 322 s. Horizon 480 s, earliest seed t₀ = 60 s: the halo holds every
/// vertex u with dist(u → n1) ≤ 420 s: D = n0 72, n1 0, n2 72, n3 144, n4 216, n5 72 s —
/// all six. Without n3 (D = 144 s, a halo bounded just below it), B's path is cut and
/// the second station becomes C.
#[test]
fn a_halo_one_vertex_short_changes_the_second_station() {
    let nodes = vec![
        node(0, 0.0, 0.0),
        node(1, 500.0, 0.0),
        node(2, 1000.0, 0.0),
        node(3, 1500.0, 0.0),
        node(4, 2000.0, 0.0),
        node(5, 500.0, 500.0),
    ];
    let raw = RawNetwork {
        segments: vec![
            street(0, 1),
            street(1, 2),
            street(2, 3),
            street(3, 4),
            street(1, 5),
        ],
        nodes: nodes.clone(),
        ..RawNetwork::default()
    };
    let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    assert_eq!(net.segments[0].time_ab_s, 72.0);
    let index = SnapIndex::new(&net);
    let stations = vec![
        station("A", &nodes[0], None),
        station("B", &nodes[4], None),
        station("C", &nodes[5], Some(250.0)),
    ];
    let demand = vec![DemandPoint {
        id: "D".into(),
        location: geo::Point::new(nodes[1].lon, nodes[1].lat),
        weight: 1.0,
        kind: None,
        time: None,
    }];
    let params = ResponseParams::default();
    assert_eq!((params.turnout_s, params.second_threshold_s), (60.0, 480.0));
    let districts = vec![net.whole_network_district("all")];
    let cov = evaluate(&net, &index, &stations, &demand, &districts, &params, 100.0);
    let p = Partition::new(
        &net,
        &index,
        &stations,
        &demand,
        &districts,
        &params,
        100.0,
        Tiling::Grid { km: 50.0 },
        None,
    )
    .unwrap();
    assert_eq!(p.tiles.len(), 1);
    assert!((p.halo_bound_s - 420.0).abs() < 0.01, "{}", p.halo_bound_s);
    let mut search = p.search();
    assert_eq!(p.halo(0, &mut search), vec![0, 1, 2, 3, 4, 5]);

    let near = |r: &PointResult| {
        (
            r.first.as_ref().map(|(s, t)| (s.clone(), t.round())),
            r.second.as_ref().map(|(s, t)| (s.clone(), t.round())),
        )
    };
    let whole = run_tile(&p.tile_input(0, &mut search));
    assert_eq!(
        near(&whole[0]),
        (Some(("A".into(), 132.0)), Some(("B".into(), 276.0)))
    );
    // The same bits as the whole run.
    assert_eq!(
        whole[0].second.as_ref().map(|s| s.1.to_bits()),
        cov.demand[0].response.second.map(|s| s.1.to_bits())
    );
    // One vertex short: B's road is cut, C comes second.
    let short = run_tile(&p.tile_input_with_halo(0, &[0, 1, 2, 5]));
    assert_eq!(
        near(&short[0]),
        (Some(("A".into(), 132.0)), Some(("C".into(), 322.0)))
    );
    // Without n4 alone B still enters at n3 (its seed at the segment's other end).
    let without_n4 = run_tile(&p.tile_input_with_halo(0, &[0, 1, 2, 3, 5]));
    assert_eq!(near(&without_n4[0]), near(&whole[0]));
    // A longer horizon is accepted, a shorter one is an error naming the option.
    let e = Partition::new(
        &net,
        &index,
        &stations,
        &demand,
        &districts,
        &params,
        100.0,
        Tiling::Districts,
        Some(300.0),
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("--horizon-s"), "{e}");
}

#[test]
fn a_damaged_tile_file_is_refused_naming_it() {
    let sc = scenario("demo.toml");
    let (inputs, prep) = fireplan::load::load(&sc, &quiet()).unwrap();
    let p = Partition::new(
        &prep.network,
        &prep.index,
        &inputs.stations,
        inputs.demand.as_deref().unwrap(),
        &inputs.districts,
        &sc.response,
        sc.max_snap_m,
        Tiling::Districts,
        None,
    )
    .unwrap();
    let tile = p.tile_input(0, &mut p.search());
    let bytes = TileFile::encode(&tile).unwrap();
    let path = Path::new("PARTS/tile-0001.bin");
    assert_eq!(decode_tile(path, &bytes).unwrap(), tile);
    let mut bad = bytes.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x40;
    let e = decode_tile(path, &bad).unwrap_err().to_string();
    assert!(e.contains("tile-0001.bin") && e.contains("damaged"), "{e}");
    let e = decode_tile(path, &bytes[..bytes.len() / 3])
        .unwrap_err()
        .to_string();
    assert!(e.contains("tile-0001.bin"), "{e}");
}

fn run_ok(args: &[&str]) -> String {
    let out = fireplan().args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn run_err(args: &[&str]) -> String {
    let out = fireplan().args(args).output().unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn cli_split_run_resume_merge_compare() {
    let dir = tempfile::tempdir().unwrap();
    let parts = dir.path().join("parts");
    let parts_s = parts.to_str().unwrap();
    let demo = root().join("scenarios/demo.toml");
    let demo_s = demo.to_str().unwrap();
    let out = run_ok(&[
        "tiles",
        "split",
        demo_s,
        "--out",
        parts_s,
        "--grid-km",
        "5",
        "--quiet",
        "--no-cache",
    ]);
    let n: usize = out.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n >= 3, "{out}");
    let manifest = common::read_json(&parts.join("manifest.json"));
    assert_eq!(manifest["tiles"].as_array().unwrap().len(), n);
    assert_eq!(manifest["horizon_s"], 480.0);

    // A tile, then the same tile again: skipped.
    let first = run_ok(&["tiles", "run", parts_s, "--tile", "1"]);
    assert!(first.contains("tile 1 ("), "{first}");
    let again = run_ok(&["tiles", "run", parts_s, "--tile", "1"]);
    assert!(again.contains("skipped"), "{again}");
    // Merge with tiles missing names them.
    let merged = dir.path().join("merged");
    let merged_s = merged.to_str().unwrap();
    let e = run_err(&["tiles", "merge", parts_s, "--out", merged_s]);
    assert!(e.contains("2 (result-0002.csv)"), "{e}");
    // A damaged tile file: an error naming it.
    let tile2 = parts.join("tile-0002.bin");
    let mut bytes = std::fs::read(&tile2).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&tile2, &bytes).unwrap();
    let e = run_err(&["tiles", "run", parts_s, "--tile", "2"]);
    assert!(e.contains("tile-0002.bin"), "{e}");
    // A tile number out of range.
    let e = run_err(&["tiles", "run", parts_s, "--tile", "0"]);
    assert!(e.contains("--tile 0"), "{e}");

    // Split again (by districts), every tile on two threads, merge against a whole run.
    let out = run_ok(&[
        "tiles",
        "split",
        demo_s,
        "--out",
        parts_s,
        "--by",
        "districts",
        "--no-cache",
    ]);
    assert!(out.contains("largest tile"), "{out}");
    assert!(
        !parts.join("result-0001.csv").exists(),
        "old results removed"
    );
    run_ok(&[
        "tiles",
        "run",
        parts_s,
        "--all",
        "--threads",
        "2",
        "--quiet",
    ]);
    let whole = dir.path().join("whole");
    run_ok(&[
        "run",
        demo_s,
        "--out",
        whole.to_str().unwrap(),
        "--quiet",
        "--no-cache",
    ]);
    let mono = whole.join("demand_response.csv");
    let report = run_ok(&[
        "tiles",
        "merge",
        parts_s,
        "--out",
        merged_s,
        "--compare",
        mono.to_str().unwrap(),
    ]);
    assert!(report.contains("0 mismatches"), "{report}");
    let rows = common::csv_rows(&merged.join("demand_response.csv"));
    let whole_rows = common::csv_rows(&mono);
    assert_eq!(rows.len(), whole_rows.len());
    let covered = rows.iter().filter(|r| r["status"] == "covered").count();
    let whole_covered = whole_rows
        .iter()
        .filter(|r| r["status"] == "covered")
        .count();
    assert_eq!(covered, whole_covered);
    // Both tables have the shared columns; where and what each point is agree cell for
    // cell (times beyond the horizon are empty in the merged table by design).
    let header = |p: &Path| {
        let text = std::fs::read_to_string(p).unwrap();
        text.lines().next().unwrap().to_string()
    };
    let shared = fireplan::report::tables::DEMAND_RESPONSE_COLUMNS.join(",");
    assert_eq!(header(&merged.join("demand_response.csv")), shared);
    assert!(header(&mono).starts_with(&shared));
    for (a, b) in rows.iter().zip(&whole_rows) {
        for c in ["id", "district", "snap_m", "lon", "lat"] {
            assert_eq!(a[c], b[c], "{c} of {}", a["id"]);
        }
    }
    let districts = common::csv_rows(&merged.join("coverage_by_district.csv"));
    let whole_districts = common::csv_rows(&whole.join("coverage_by_district.csv"));
    for (a, b) in districts.iter().zip(&whole_districts) {
        assert_eq!(a["district"], b["district"]);
        assert_eq!(a["demand_coverage"], b["demand_coverage"]);
        assert_eq!(a["second_due_coverage"], b["second_due_coverage"]);
    }

    // A whole run that differs: the mismatch is printed with its line, exit status 1.
    let text = std::fs::read_to_string(&mono).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let k = lines
        .iter()
        .position(|l| l.split(',').nth(7) == Some("covered"))
        .unwrap();
    let mut cells: Vec<String> = lines[k].split(',').map(String::from).collect();
    cells[1] = "NOT_A_STATION".into();
    lines[k] = cells.join(",");
    let text = lines.join("\n") + "\n";
    let doctored = dir.path().join("doctored.csv");
    std::fs::write(&doctored, text).unwrap();
    let out = fireplan()
        .args([
            "tiles",
            "merge",
            parts_s,
            "--out",
            merged_s,
            "--compare",
            doctored.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("line {}", k + 1)) && stdout.contains("1 mismatches"),
        "{stdout}"
    );
}
