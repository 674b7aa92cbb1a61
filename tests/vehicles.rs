//! Vehicle profiles (issue 19, part 5): `[vehicles.KIND]` gives a heavy appliance its own
//! network — roads whose posted weight, height or width limit it exceeds are barred, its
//! times are the emergency times ÷ `speed_factor` — for coverage by kind and for the
//! simulation's dispatch. Hand-computed on a small graph; the simulation fixture with a
//! low bridge; bad input.

mod common;

use std::path::Path;

use common::{csv_rows, data, fireplan, quiet, read_json};
use fireplan::coverage::vehicles::evaluate_vehicles;
use fireplan::model::{DemandPoint, Station, StationClass, StationStatus, Vehicle};
use fireplan::network::raw::{Highway, Oneway, RawNetwork, RawNode, RawSegment, RoadLimits};
use fireplan::network::{Network, Profile, SnapIndex};
use fireplan::params::{NetworkParams, ResponseParams, Scenario, VehicleProfile};
use fireplan::sim::setup::{SimSetup, World};
use geo::Point;

/// Metres per degree on the mean sphere, so node positions can be written in metres.
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// A residential street at 25 km/h: 1000 m in 144 s.
const KM_S: f64 = 144.0;

fn node(id: i64, x_m: f64, y_m: f64) -> RawNode {
    RawNode {
        id,
        lon: x_m / M_PER_DEG,
        lat: y_m / M_PER_DEG,
    }
}

fn street(from: u32, to: u32, length_m: f64, limits: RoadLimits) -> RawSegment {
    RawSegment {
        from,
        to,
        highway: Highway::parse("residential").unwrap(),
        oneway: Oneway::Both,
        maxspeed_kmh: None,
        length_m,
        limits,
    }
}

/// S (0) —1 km— X (1) —1 km, max height 3.2 m— P (2); S —1.5 km— Y (3) —1.5 km— P, the
/// first half of the bypass with a 40 t weight limit.
fn low_bridge() -> RawNetwork {
    let height = RoadLimits {
        max_height_m: Some(3.2),
        ..RoadLimits::default()
    };
    let weight = RoadLimits {
        max_weight_t: Some(40.0),
        ..RoadLimits::default()
    };
    RawNetwork {
        nodes: vec![
            node(0, 0.0, 0.0),
            node(1, 1000.0, 0.0),
            node(2, 2000.0, 0.0),
            node(3, 1000.0, 1118.0),
        ],
        segments: vec![
            street(0, 1, 1000.0, RoadLimits::default()),
            street(1, 2, 1000.0, height),
            street(0, 3, 1500.0, weight),
            street(3, 2, 1500.0, RoadLimits::default()),
        ],
        ..RawNetwork::default()
    }
}

fn station(id: &str, at: &RawNode, kinds: &[&str]) -> Station {
    Station {
        id: id.into(),
        name: id.into(),
        class: StationClass::Class2,
        location: Point::new(at.lon, at.lat),
        staff: None,
        turnout_s: Some(0.0),
        status: StationStatus::Existing,
        drone: None,
        district: None,
        support_level: None,
        support_capacity_persons: None,
        vehicles: kinds
            .iter()
            .map(|k| Vehicle {
                kind: k.to_string(),
                count: 1,
                pump_flow_lps: None,
                firefighting: None,
            })
            .collect(),
        line: 0,
    }
}

fn demand(id: &str, x_m: f64, y_m: f64, kind: &str) -> DemandPoint {
    let n = node(0, x_m, y_m);
    DemandPoint {
        id: id.into(),
        location: Point::new(n.lon, n.lat),
        weight: 1.0,
        kind: Some(kind.into()),
        time: None,
    }
}

fn aerial(weight_t: f64, height_m: f64, speed_factor: f64) -> VehicleProfile {
    VehicleProfile {
        kind: "aerial".into(),
        weight_t: Some(weight_t),
        height_m: Some(height_m),
        width_m: Some(2.55),
        speed_factor,
    }
}

#[test]
fn low_bridge_hand_computed() {
    let raw = low_bridge();
    let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    assert_eq!(net.limits.len(), 2);
    let index = SnapIndex::new(&net);
    // P, and the middle of the low bridge X–P.
    let places = vec![
        demand("P", 2000.0, 0.0, "high_rise"),
        demand("bridge", 1500.0, 0.0, "other"),
    ];
    let stations = vec![
        station("S", &raw.nodes[0], &["engine", "aerial"]),
        station("Y", &raw.nodes[3], &["engine"]),
    ];
    let params = ResponseParams {
        dispatch_s: 0.0,
        threshold_s: 480.0,
        ..ResponseParams::default()
    };
    let district = net.whole_network_district("bridge");
    let districts = std::slice::from_ref(&district);
    let run = |profiles: &[VehicleProfile]| {
        evaluate_vehicles(
            &net, &index, profiles, true, &stations, &places, districts, &params, 50.0,
        )
    };

    // A 32 t, 3.8 m ladder at 0.9 of the pace: the bridge is barred, so S → P goes round by
    // Y (3 km) in 3 × 144 / 0.9 = 480 s; the middle of the bridge, 373 m from the nearest
    // road the ladder may use (Y–P), is beyond max_snap_m = 50 m: not reached. Only S has
    // one (Y's engine does not count).
    let v = run(&[aerial(32.0, 3.8, 0.9)]);
    assert_eq!(v[0].stations, vec![0]);
    assert_eq!(v[0].barred_segments.len(), 1);
    assert!((v[0].barred_road_m - 1000.0).abs() < 1e-3);
    let t = |i: usize| v[0].coverage.demand[i].response.first.map(|f| f.1);
    assert!(
        (t(0).unwrap() - 3.0 * KM_S / 0.9).abs() < 1e-3,
        "{:?}",
        t(0)
    );
    assert_eq!(t(1), None, "the ladder cannot stand on the bridge");
    assert_eq!(v[0].coverage.region.off_network, 1);
    let s = v[0].summary(&places);
    assert_eq!(s.unreachable, 0);
    assert_eq!(s.demand_coverage, Some(0.5));
    assert_eq!(s.demand_coverage_by_kind["high_rise"], 1.0);
    assert_eq!(s.demand_coverage_by_kind["other"], 0.0);

    // 45 t: the bypass is barred too: P is cut off.
    let v = run(&[aerial(45.0, 3.8, 0.9)]);
    assert_eq!(v[0].barred_segments.len(), 2);
    assert_eq!(v[0].coverage.demand[0].response.first, None);

    // 3 m high: nothing barred; S → P over the bridge, 2 km at full pace = 288 s; the
    // bridge's middle 1.5 km = 216 s.
    let v = run(&[aerial(32.0, 3.0, 1.0)]);
    assert!(v[0].barred_segments.is_empty());
    let t = |i: usize| v[0].coverage.demand[i].response.first.map(|f| f.1).unwrap();
    assert!((t(0) - 2.0 * KM_S).abs() < 1e-3);
    assert!((t(1) - 1.5 * KM_S).abs() < 1e-3);

    // A profile changes only its own network: the engine coverage is the baseline's (P
    // from Y's engine, 1.5 km; the bridge's middle from S over the bridge, 1.5 km).
    let base =
        fireplan::coverage::evaluate(&net, &index, &stations, &places, districts, &params, 50.0);
    assert!((base.demand[0].response.first.unwrap().1 - 1.5 * KM_S).abs() < 1e-3);
    assert!((base.demand[1].response.first.unwrap().1 - 1.5 * KM_S).abs() < 1e-3);
}

/// The simulation fixture (tests/data/sim, only station A has an aerial) with the road
/// 1–2 next to A under a 3.2 m height limit: A's ladder leaves by 1–7 instead.
fn low_bridge_fixture(dir: &Path, profile: &str) -> std::path::PathBuf {
    let src = data("sim");
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let edges = std::fs::read_to_string(dir.join("edges.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in edges.lines().enumerate() {
        let extra = match (i, line) {
            (0, _) => ",maxheight_m",
            (_, "1,2,residential,400,no") => ",3.2",
            _ => ",",
        };
        out.push_str(&format!("{line}{extra}\n"));
    }
    std::fs::write(dir.join("edges.csv"), out).unwrap();
    let scenario = dir.join("scenario.toml");
    let toml = std::fs::read_to_string(&scenario).unwrap();
    std::fs::write(&scenario, format!("{toml}\n{profile}")).unwrap();
    scenario
}

#[test]
fn the_simulation_dispatches_each_kind_on_its_own_network() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = low_bridge_fixture(
        dir.path(),
        "[vehicles.aerial]\nweight_t = 32\nheight_m = 3.8\nwidth_m = 2.55\nspeed_factor = 0.8\n",
    );
    let sc = Scenario::load(&scenario).unwrap();
    assert_eq!(sc.vehicle_profiles.len(), 1);
    let r = fireplan::run::run(&sc, &quiet()).unwrap();
    assert_eq!(r.vehicles.len(), 1);
    let v = &r.vehicles[0];
    assert_eq!(v.barred_segments.len(), 1);
    assert_eq!(v.stations.len(), 1, "only A has an aerial");

    let params =
        fireplan::sim::SimParams::resolve(&sc, r.inputs.demand.as_deref().unwrap()).unwrap();
    let world = World::of(&r.inputs, &r.prepared, &r.coverage);
    let setup = SimSetup::build(world, params).unwrap();
    let aerial = setup.kinds.iter().position(|k| k == "aerial").unwrap() as u16;
    let engine = setup.kinds.iter().position(|k| k == "engine").unwrap() as u16;
    assert_eq!(setup.kind_ranking[engine as usize], 0);
    assert_eq!(setup.kind_ranking[aerial as usize], 1);
    // A is origin 0 (stations numbered by id). For every place not on the barred road (so
    // joined to the same road by both): the ladder's drive from A takes at least the
    // engine's ÷ 0.8, and longer where it must go round; at the node 2 (the end of the
    // barred road), hand-computed below: the engine drives 400 m (57.6 s), the ladder
    // 1–7–8–2, 1,200 m, 172.8 s ÷ 0.8 = 216 s.
    let a = 0u32;
    let offset = r.coverage.origins[0].offset_s;
    let barred = &r.vehicles[0].barred_segments;
    let (mut slower, mut compared) = (0, 0);
    for i in 0..setup.sites.len() as u32 {
        let place = &setup.sites.places[i as usize];
        if barred.contains(&place.snap.segment) {
            continue;
        }
        let by_engine = setup.ranking_for(engine, i).iter().find(|c| c.origin == a);
        let by_ladder = setup.ranking_for(aerial, i).iter().find(|c| c.origin == a);
        let (Some(e), Some(l)) = (by_engine, by_ladder) else {
            panic!("place {i}: A reaches it with both");
        };
        let leg = fireplan::network::access_time_s(place.snap.access_m);
        let (drive_e, drive_l) = (e.response_s - offset - leg, l.response_s - offset - leg);
        assert!(
            drive_l >= drive_e / 0.8 - 1e-6,
            "place {i}: {drive_l} vs {drive_e}"
        );
        compared += 1;
        if drive_l > drive_e / 0.8 + 1.0 {
            slower += 1;
        }
    }
    assert!(compared > 100, "{compared}");
    assert!(slower > 0, "the barred road changes some ladder routes");
    let node2 = r
        .prepared
        .index
        .snap(&r.prepared.network, 120.000000000, 30.003597281);
    let node2 = node2.unwrap();
    let trees = fireplan::coverage::trees::StationTrees::build(
        &r.prepared.network,
        &r.coverage.origins,
        f64::INFINITY,
    );
    let engine_s = trees
        .travel_s(&r.prepared.network, &r.coverage.origins[0].snap, 0, &node2)
        .unwrap();
    assert!((engine_s - 57.6).abs() < 1e-3, "{engine_s}");
    // The ladder's own network, with A and the node joined to roads it may use.
    let profile = &sc.vehicle_profiles[0];
    let (own, _) = r.prepared.network.for_vehicle(profile);
    let own_index = SnapIndex::new(&own);
    let at_node2 = own_index.snap(&own, 120.000000000, 30.003597281).unwrap();
    let a_on_own = &r.vehicles[0].coverage.origins;
    let own_trees = fireplan::coverage::trees::StationTrees::build(&own, a_on_own, f64::INFINITY);
    let ladder_s = own_trees
        .travel_s(&own, &a_on_own[0].snap, 0, &at_node2)
        .unwrap();
    assert!((ladder_s - 216.0).abs() < 1e-3, "{ladder_s}");

    // The whole run: outputs and the simulation's answer move the way they must.
    let out = dir.path().join("out");
    let st = fireplan()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let rows = csv_rows(&out.join("vehicle_coverage.csv"));
    let region = rows.iter().find(|r| r["district"] == "(region)").unwrap();
    assert_eq!(region["vehicle"], "aerial");
    assert_eq!(region["stations"], "1");
    assert_eq!(region["barred_segments"], "1");
    assert_eq!(region["barred_road_km"], "0.400");
    let s = read_json(&out.join("summary.json"));
    assert_eq!(s["vehicles"][0]["kind"], "aerial");
    let responses = csv_rows(&out.join("vehicle_response.csv"));
    assert_eq!(responses.len(), r.inputs.demand.as_ref().unwrap().len());
}

#[test]
fn bad_vehicle_sections_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (section, expected) in [
        (
            "[vehicles.aerial]\nheight_m = 0\n",
            "vehicles.aerial.height_m",
        ),
        (
            "[vehicles.aerial]\nweight_t = 500\n",
            "vehicles.aerial.weight_t",
        ),
        (
            "[vehicles.aerial]\nspeed_factor = -1\n",
            "vehicles.aerial.speed_factor",
        ),
        ("[vehicles.aerial]\nheigth_m = 3.8\n", "heigth_m"),
    ] {
        let scenario = low_bridge_fixture(dir.path(), section);
        let err = Scenario::load(&scenario).expect_err(section).to_string();
        assert!(err.contains(expected), "{section}: {err}");
        assert!(err.contains("scenario.toml"), "{err}");
    }
    // A bad limit in the edges file: file, line and field.
    let scenario = low_bridge_fixture(dir.path(), "");
    let edges = std::fs::read_to_string(dir.path().join("edges.csv")).unwrap();
    std::fs::write(
        dir.path().join("edges.csv"),
        edges.replace("1,2,residential,400,no,3.2", "1,2,residential,400,no,low"),
    )
    .unwrap();
    let sc = Scenario::load(&scenario).unwrap();
    let err = fireplan::run::run(&sc, &quiet()).err().unwrap().to_string();
    for part in ["edges.csv", "line 3", "maxheight_m", "low"] {
        assert!(err.contains(part), "{part}: {err}");
    }
}

/// The report's heavy-vehicle section (issue 17): per kind, its limits, the stations that
/// have it, the road barred to it and the demand it reaches in time, in both languages,
/// agreeing with `vehicle_coverage.csv` (the region row).
#[test]
fn the_report_shows_each_vehicle_kind() {
    use fireplan::report::appendix::{build, mmss, pct, render_html, render_md};
    let dir = tempfile::tempdir().unwrap();
    let scenario = low_bridge_fixture(
        dir.path(),
        "[vehicles.aerial]\nweight_t = 32\nheight_m = 3.8\nwidth_m = 2.55\nspeed_factor = 0.8\n",
    );
    let mut sc = Scenario::load(&scenario).unwrap();
    for (lang, heading, row) in [
        (
            "zh",
            "重型车辆的通行与覆盖",
            "| aerial | 32 t，高 3.8 m，宽 2.55 m，车速 × 0.8 | 1: A | 0.4 |",
        ),
        (
            "en",
            "Heavy vehicles: roads they may use and what they reach",
            "| aerial | 32 t, 3.8 m high, 2.55 m wide, speed × 0.8 | 1: A | 0.4 |",
        ),
    ] {
        sc.lang = lang.to_string();
        let r = fireplan::run::run(&sc, &quiet()).unwrap();
        let view = build(&r, None, &[], None, "2026-12-01", false).unwrap();
        let md = render_md(&view).unwrap();
        assert!(md.contains(heading), "{lang}: no vehicle section");
        // Only A has an aerial (tests/data/sim/vehicles.csv); the 400 m road 1–2 under
        // its 3.2 m limit is barred to a 3.8 m ladder.
        let line = md
            .lines()
            .find(|l| l.starts_with("| aerial |"))
            .unwrap_or_else(|| panic!("{lang}: no aerial row in\n{md}"));
        assert!(line.starts_with(row), "{lang}: {line}");
        // The figures the CSV holds for the region, as the report formats them.
        let v = &r.vehicles[0];
        let m = &v.coverage.region;
        let csv = fireplan::report::tables::vehicle_coverage_csv(&r).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let region = csv.lines().find(|l| l.contains(",(region),")).unwrap();
        let share: f64 = region.split(',').nth(8).unwrap().parse().unwrap();
        assert!(
            (share - m.demand_coverage.unwrap()).abs() < 1e-4,
            "{region}"
        );
        let cells = format!(
            " {} | {} | {} |",
            pct(Some(share)),
            pct(m.road_coverage),
            mmss(m.p90_s)
        );
        assert!(line.ends_with(&cells), "{lang}: {line} lacks {cells}");
        // Fewer incidents reached by the ladder from one station than by the fleet.
        assert!(share < r.coverage.region.demand_coverage.unwrap());
        let html = render_html(&view).unwrap();
        assert!(html.contains("id=\"vehicles\""), "{lang}: report.html");
    }
    // Without [vehicles.*] there is no section.
    let plain = Scenario::load(&low_bridge_fixture(dir.path(), "")).unwrap();
    let r = fireplan::run::run(&plain, &quiet()).unwrap();
    let md = render_md(&build(&r, None, &[], None, "2026-12-01", false).unwrap()).unwrap();
    assert!(!md.contains("重型车辆"));
}
