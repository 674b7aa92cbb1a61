//! Whole runs on the real OpenStreetMap extracts in ../shared/data (skipped with a message
//! when that folder is absent): figures cross-checked against petgraph's Dijkstra, an
//! independent implementation, and stable under reordering of the stations.

mod common;

use fireplan::coverage::{evaluate, place_stations, seeds};
use fireplan::load::load;
use fireplan::network::search::two_nearest;
use fireplan::params::Scenario;
use fireplan::run::run;
use petgraph::graph::{DiGraph, NodeIndex};

use common::{quiet, root, shared};

/// A scenario of `scenarios/`, or `None` (with a message) when ../shared/data is absent.
fn scenario(name: &str) -> Option<Scenario> {
    shared("")?;
    Some(Scenario::load(&root().join("scenarios").join(name)).expect("scenario parses"))
}

/// fireplan's first arrival at every node equals a plain Dijkstra (petgraph) from a super
/// source joined to each station's entry nodes by its start time.
fn check_against_petgraph(name: &str) {
    let Some(sc) = scenario(name) else { return };
    let (inputs, prep) = load(&sc, &quiet()).unwrap();
    let net = &prep.network;
    let (_, origins) = place_stations(
        net,
        &prep.index,
        &inputs.stations,
        &sc.response,
        sc.max_snap_m,
    );
    let s = seeds(net, &origins);
    let labels = two_nearest(net, &s, f64::INFINITY);

    // Every vertex the searches label (road nodes and turn-restriction copies).
    let n = net.vertex_count();
    let mut g: DiGraph<(), f64> = DiGraph::with_capacity(n + 1, net.edge_count() + s.len());
    for _ in 0..=n {
        g.add_node(());
    }
    for v in 0..n as u32 {
        for (u, w) in net.out_edges(v) {
            g.add_edge(
                NodeIndex::new(v as usize),
                NodeIndex::new(u as usize),
                w as f64,
            );
        }
    }
    for x in &s {
        g.add_edge(NodeIndex::new(n), NodeIndex::new(x.node as usize), x.time_s);
    }
    let d = petgraph::algo::dijkstra(&g, NodeIndex::new(n), None, |e| *e.weight());
    for v in 0..n {
        let expect = d.get(&NodeIndex::new(v)).copied().unwrap_or(f64::INFINITY);
        assert!(
            (labels.first_s[v] - expect).abs() < 1e-6 || labels.first_s[v] == expect,
            "{name}: vertex {v}: fireplan {} vs petgraph {expect}",
            labels.first_s[v]
        );
    }
    // The network is one strongly connected component: every road node is reached, at
    // itself or (where every road into it is restricted) at a turn-restriction copy.
    let reached = (0..net.node_count() as u32)
        .filter(|&x| {
            net.vertices_at(x)
                .any(|v| labels.first_s[v as usize].is_finite())
        })
        .count();
    assert_eq!(reached, net.node_count());
}

#[test]
fn liechtenstein_search_equals_petgraph() {
    check_against_petgraph("liechtenstein.toml");
}

#[test]
fn baltimore_search_equals_petgraph() {
    check_against_petgraph("baltimore.toml");
}

#[test]
fn helsinki_search_equals_petgraph() {
    check_against_petgraph("helsinki.toml");
}

#[test]
fn liechtenstein_run_is_stable_under_station_order() {
    let Some(sc) = scenario("liechtenstein.toml") else {
        return;
    };
    let a = run(&sc, &quiet()).unwrap();
    assert_eq!(a.coverage.origins.len(), 6);
    let m = &a.coverage.region;
    // Buildings of the 2015 extract; a few hundred lie > 500 m from any drivable road.
    assert!(m.demand_points > 8000, "{}", m.demand_points);
    assert!(m.off_network > 0 && m.off_network < m.demand_points / 20);
    assert!(a.prepared.network.dropped_nodes > 0);
    let mut reversed = a.inputs.stations.clone();
    reversed.reverse();
    let b = evaluate(
        &a.prepared.network,
        &a.prepared.index,
        &reversed,
        a.inputs.demand.as_deref().unwrap(),
        &a.inputs.districts,
        &sc.response,
        sc.max_snap_m,
    );
    assert_eq!(b.region, a.coverage.region);
    assert_eq!(b.first_due, a.coverage.first_due);
    let mut shuffled_demand = a.inputs.demand.clone().unwrap();
    shuffled_demand.reverse();
    let c = evaluate(
        &a.prepared.network,
        &a.prepared.index,
        &a.inputs.stations,
        &shuffled_demand,
        &a.inputs.districts,
        &sc.response,
        sc.max_snap_m,
    );
    assert_eq!(c.region.demand_points, a.coverage.region.demand_points);
    assert!(
        (c.region.demand_coverage.unwrap() - a.coverage.region.demand_coverage.unwrap()).abs()
            < 1e-12
    );
    assert_eq!(c.region.p90_s, a.coverage.region.p90_s);
}

/// Camden's extract carries 27 `emergency=fire_hydrant` nodes and no other water source
/// (counted independently with `osmium tags-filter camden.osm.pbf n/emergency=fire_hydrant,
/// water_tank,suction_point,fire_water_pond`); all are read, in service, and meet the roads.
#[test]
fn camden_hydrants_from_osm() {
    let Some(pbf) = common::shared("london-lfb/camden.osm.pbf") else {
        return;
    };
    let sources = fireplan::io::water::read_osm_water_sources(&pbf).unwrap();
    assert_eq!(sources.len(), 27);
    assert!(sources
        .iter()
        .all(|s| s.kind.as_str() == "hydrant" && s.serviceable()));
    let scenario = common::root().join("scenarios/camden.toml");
    let scenario = fireplan::params::Scenario::load(&scenario).unwrap();
    let run = fireplan::run::run(&scenario, &common::quiet()).unwrap();
    let w = run.water.as_ref().unwrap();
    assert_eq!(w.source_snaps.iter().filter(|s| s.is_some()).count(), 27);
    // 5 of the 222 fires lie within 150 m of a mapped hydrant along the roads: the map, not
    // London's mains (a hydrant every 100 m or so), is what is thin.
    assert_eq!(w.region.demand_points, 222);
    assert!(
        (w.region.reach_weight - 5.0).abs() < 1e-9,
        "{}",
        w.region.reach_weight
    );
}
