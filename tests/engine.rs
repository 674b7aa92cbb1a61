//! The engine on hand-computed graphs and property tests against independent searches.
#![allow(clippy::needless_range_loop)] // node-indexed comparisons read clearer as index loops

use fireplan::coverage::{evaluate, trees::StationTrees};
use fireplan::model::{DemandPoint, District, DistrictKind, Station, StationClass, StationStatus};
use fireplan::network::raw::{Highway, Oneway, RawNetwork, RawNode, RawSegment};
use fireplan::network::search::{two_nearest, Dijkstra, Seed, NO_ORIGIN};
use fireplan::network::{Network, Profile, SnapIndex};
use fireplan::params::{NetworkParams, ResponseParams};
use geo::{polygon, MultiPolygon, Point};
use proptest::prelude::*;

/// Metres per degree on the mean sphere, so node positions can be written in metres.
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

fn node(id: i64, x_m: f64, y_m: f64) -> RawNode {
    RawNode {
        id,
        lon: x_m / M_PER_DEG,
        lat: y_m / M_PER_DEG,
    }
}

fn seg(from: u32, to: u32, hw: &str, len: f64, oneway: Oneway) -> RawSegment {
    RawSegment {
        from,
        to,
        highway: Highway::parse(hw).unwrap(),
        oneway,
        maxspeed_kmh: None,
        length_m: len,
        limits: Default::default(),
    }
}

fn station(id: &str, at: &RawNode) -> Station {
    Station {
        id: id.into(),
        name: id.into(),
        class: StationClass::Class2,
        location: Point::new(at.lon, at.lat),
        staff: None,
        turnout_s: None,
        status: StationStatus::Existing,
        drone: None,
        district: None,
        support_level: None,
        support_capacity_persons: None,
        vehicles: vec![],
        line: 0,
    }
}

fn demand(id: &str, lon: f64, lat: f64) -> DemandPoint {
    DemandPoint {
        id: id.into(),
        location: Point::new(lon, lat),
        weight: 1.0,
        kind: None,
        time: None,
    }
}

/// n0 —primary 1000 m (72 s)— n1 —residential 500 m (72 s)— n2 —secondary 2000 m (160 s)— n3,
/// n3 → n4 and n4 → n2 one-way residential 250 m (36 s). S1 at n0, S2 at n3, turnout 60 s.
fn small_graph() -> RawNetwork {
    RawNetwork {
        nodes: vec![
            node(10, 0.0, 0.0),
            node(11, 1000.0, 0.0),
            node(12, 1500.0, 0.0),
            node(13, 3500.0, 0.0),
            node(14, 2500.0, 200.0),
        ],
        segments: vec![
            seg(0, 1, "primary", 1000.0, Oneway::Both),
            seg(1, 2, "residential", 500.0, Oneway::Both),
            seg(2, 3, "secondary", 2000.0, Oneway::Both),
            seg(3, 4, "residential", 250.0, Oneway::Forward),
            seg(4, 2, "residential", 250.0, Oneway::Forward),
        ],
        ..RawNetwork::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-3
}

#[test]
fn hand_computed_small_graph() {
    let raw = small_graph();
    let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    assert_eq!(net.node_count(), 5);
    assert_eq!(net.dropped_nodes, 0);
    let index = SnapIndex::new(&net);
    let stations = vec![station("S2", &raw.nodes[3]), station("S1", &raw.nodes[0])];
    let params = ResponseParams {
        threshold_s: 150.0,
        ..ResponseParams::default()
    };
    let mid = node(0, 2500.0, 0.0);
    let dem = vec![
        demand("at_n1", raw.nodes[1].lon, raw.nodes[1].lat),
        demand("mid_n2_n3", mid.lon, mid.lat),
    ];
    let whole = District {
        name: "all".into(),
        kind: DistrictKind::Urban,
        area: MultiPolygon(vec![
            polygon![(x: -1.0, y: -1.0), (x: 1.0, y: -1.0), (x: 1.0, y: 1.0), (x: -1.0, y: 1.0), (x: -1.0, y: -1.0)],
        ]),
        population: None,
    };
    let cov = evaluate(&net, &index, &stations, &dem, &[whole], &params, 500.0);
    // Origins are numbered in id order: S1 = 0, S2 = 1, whatever the file order.
    assert_eq!(cov.origins[0].station, 1);
    let l = &cov.labels;
    let expect = [
        (0, 60.0, 1, 276.0),
        (0, 132.0, 1, 204.0),
        (1, 132.0, 0, 204.0),
        (1, 60.0, 0, 364.0),
        (1, 96.0, 0, 400.0),
    ];
    for (v, &(f, fs, s, ss)) in expect.iter().enumerate() {
        assert_eq!((l.first[v], l.second[v]), (f, s), "node {v}");
        assert!(
            close(l.first_s[v], fs) && close(l.second_s[v], ss),
            "node {v}: {} {}",
            l.first_s[v],
            l.second_s[v]
        );
    }
    // Demand: at n1 → S1 132 s, S2 204 s; mid n2–n3 → S2 60 + 80 = 140 s, S1 204 + 80 = 284 s.
    let r0 = cov.demand[0].response;
    assert_eq!(r0.first.unwrap().0, 0);
    assert!(close(r0.first.unwrap().1, 132.0) && close(r0.second.unwrap().1, 204.0));
    let r1 = cov.demand[1].response;
    assert_eq!((r1.first.unwrap().0, r1.second.unwrap().0), (1, 0));
    assert!(close(r1.first.unwrap().1, 140.0) && close(r1.second.unwrap().1, 284.0));
    // Road within 150 s: n0–n1 1000 m, n1–n2 half (250 m), n2–n3 0.1125 + 0.5625 of 2000 m
    // (1350 m), both one-way links whole (500 m): 3100 of 4000 m.
    assert!(
        close(cov.region.road_coverage.unwrap(), 3100.0 / 4000.0),
        "{:?}",
        cov.region.road_coverage
    );
    assert_eq!(cov.region.demand_coverage, Some(1.0));
    assert_eq!(cov.region.second_due_coverage, Some(1.0));
    assert!(close(cov.region.p50_s.unwrap(), 132.0) && close(cov.region.max_s.unwrap(), 140.0));
    // First-due areas: S1 owns n0, n1; S2 owns n2, n3, n4. Worst road points: S1 168 s
    // (middle of n1–n2), S2 176 s (n2–n3 at g = 0.275).
    assert_eq!((cov.first_due[0].nodes, cov.first_due[1].nodes), (2, 3));
    assert!(close(cov.first_due[0].worst_road_s.unwrap(), 168.0));
    assert!(close(cov.first_due[1].worst_road_s.unwrap(), 176.0));

    // Station trees agree with the labels.
    let trees = StationTrees::build(&net, &cov.origins, f64::INFINITY);
    for v in 0..5 {
        let best = (0..2)
            .map(|o| trees.times[o][v] as f64 + cov.origins[o].offset_s)
            .fold(f64::INFINITY, f64::min);
        assert!(close(best, l.first_s[v]));
    }
}

#[test]
fn faster_edge_counts_and_scc_drops_dangling() {
    let mut raw = small_graph();
    // A parallel motorway-class edge n0→n1 (faster) and a dead-end one-way spur n1→n5.
    raw.segments
        .push(seg(0, 1, "trunk", 1000.0, Oneway::Forward));
    raw.nodes.push(node(15, 1000.0, -300.0));
    raw.segments
        .push(seg(1, 5, "residential", 300.0, Oneway::Forward));
    let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    assert_eq!(net.dropped_nodes, 1);
    let s = net.segments.iter().find(|s| s.a == 0 && s.b == 1).unwrap();
    assert!(close(s.time_ab_s as f64, 60.0) && close(s.time_ba_s as f64, 72.0));
}

#[test]
fn logistics_profile_is_slower_and_capped() {
    let p = NetworkParams::default();
    let mw = Highway::parse("motorway").unwrap();
    let kmh = fireplan::network::graph::segment_speed_kmh(mw, None, &p, Profile::Logistics);
    assert!(close(kmh, 68.0)); // 80 × 0.85
    let fast = NetworkParams {
        speeds_kmh: [120.0; 10],
        ..p
    };
    assert!(close(
        fireplan::network::graph::segment_speed_kmh(mw, None, &fast, Profile::Logistics),
        70.0
    ));
    let capped =
        fireplan::network::graph::segment_speed_kmh(mw, Some(30.0), &p, Profile::Emergency);
    assert!(close(capped, 30.0));
}

/// Random strongly connected-ish graph for property tests.
fn random_graph(n: usize, extra: &[(usize, usize, u16, bool)]) -> RawNetwork {
    let nodes = (0..n)
        .map(|i| node(i as i64, (i % 7) as f64 * 300.0, (i / 7) as f64 * 300.0))
        .collect();
    let mut segments: Vec<RawSegment> = (1..n)
        .map(|i| {
            seg(
                (i - 1) as u32,
                i as u32,
                "residential",
                100.0 + (i * 37 % 400) as f64,
                Oneway::Both,
            )
        })
        .collect();
    for &(a, b, len, oneway) in extra {
        let (a, b) = (a % n, b % n);
        let ow = if oneway {
            Oneway::Forward
        } else {
            Oneway::Both
        };
        segments.push(seg(a as u32, b as u32, "tertiary", 50.0 + len as f64, ow));
    }
    RawNetwork {
        nodes,
        segments,
        ..RawNetwork::default()
    }
}

/// Independent oracle: petgraph's Dijkstra from one node.
fn petgraph_times(net: &Network, from: u32) -> Vec<f64> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let mut g: DiGraph<(), f64> = DiGraph::new();
    for _ in 0..net.node_count() {
        g.add_node(());
    }
    for v in 0..net.node_count() as u32 {
        for (u, w) in net.out_edges(v) {
            g.add_edge(
                NodeIndex::new(v as usize),
                NodeIndex::new(u as usize),
                w as f64,
            );
        }
    }
    let d = petgraph::algo::dijkstra(&g, NodeIndex::new(from as usize), None, |e| *e.weight());
    (0..net.node_count())
        .map(|v| d.get(&NodeIndex::new(v)).copied().unwrap_or(f64::INFINITY))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Bounded multi-source two-label search equals brute force over full Dijkstras.
    #[test]
    fn two_nearest_equals_brute_force(
        n in 3usize..40,
        extra in prop::collection::vec((0usize..40, 0usize..40, 0u16..500, any::<bool>()), 0..40),
        srcs in prop::collection::vec((0usize..40, 0u16..200), 1..5),
        cutoff in prop_oneof![Just(f64::INFINITY), 50.0f64..400.0],
    ) {
        let raw = random_graph(n, &extra);
        let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
        let nn = net.node_count();
        prop_assume!(nn > 0);
        let seeds: Vec<Seed> = srcs.iter().enumerate()
            .map(|(o, &(v, t))| Seed { origin: o as u32, node: (v % nn) as u32, time_s: t as f64 })
            .collect();
        let labels = two_nearest(&net, &seeds, cutoff);
        let per_origin: Vec<Vec<f64>> = seeds.iter()
            .map(|s| petgraph_times(&net, s.node).into_iter().map(|t| t + s.time_s).collect())
            .collect();
        let mut dij = Dijkstra::new(nn);
        for (o, s) in seeds.iter().enumerate() {
            let bounded = dij.run(&net, &[(s.node, s.time_s)], cutoff).to_vec();
            for v in 0..nn {
                let full = per_origin[o][v];
                let expect = if full <= cutoff { full } else { f64::INFINITY };
                prop_assert!((bounded[v] == expect) || (bounded[v] - expect).abs() < 1e-6);
            }
        }
        for v in 0..nn {
            let mut c: Vec<(f64, u32)> = (0..seeds.len()).map(|o| (per_origin[o][v], o as u32))
                .filter(|x| x.0 <= cutoff).collect();
            c.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let f = c.first().copied();
            let s = c.get(1).copied();
            match f {
                None => prop_assert_eq!(labels.first[v], NO_ORIGIN),
                Some((t, _)) => prop_assert!((labels.first_s[v] - t).abs() < 1e-6),
            }
            match s {
                None => prop_assert_eq!(labels.second[v], NO_ORIGIN),
                Some((t, _)) => prop_assert!((labels.second_s[v] - t).abs() < 1e-6, "node {} second {} vs {}", v, labels.second_s[v], t),
            }
        }
    }

    /// Edges far shorter than a bucket of the search queue (rescans) and exact ties: on a
    /// grid of equal edges with every station starting at 0 s, arrival times tie exactly
    /// and the lower origin index must win, first and second, as in brute force.
    #[test]
    fn two_nearest_short_edges_and_exact_ties(
        side in 2usize..7,
        len_m in prop_oneof![Just(0.5f64), Just(1.0), Just(3.0), Just(40.0)],
        shortcuts in prop::collection::vec((0usize..49, 0usize..49, 0u8..4), 0..12),
        srcs in prop::collection::vec(0usize..49, 1..6),
        cutoff in prop_oneof![Just(f64::INFINITY), 0.5f64..20.0],
    ) {
        let n = side * side;
        let nodes: Vec<RawNode> = (0..n)
            .map(|i| node(i as i64, (i % side) as f64 * len_m, (i / side) as f64 * len_m))
            .collect();
        let mut segments = Vec::new();
        for i in 0..n {
            if i % side + 1 < side {
                segments.push(seg(i as u32, i as u32 + 1, "residential", len_m, Oneway::Both));
            }
            if i + side < n {
                segments.push(seg(i as u32, (i + side) as u32, "residential", len_m, Oneway::Both));
            }
        }
        let grid_only = shortcuts.is_empty();
        for &(a, b, l) in &shortcuts {
            let (a, b) = (a % n, b % n);
            if a != b {
                segments.push(seg(a as u32, b as u32, "tertiary", 0.1 + l as f64, Oneway::Forward));
            }
        }
        let raw = RawNetwork { nodes, segments, ..RawNetwork::default() };
        let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
        let nn = net.node_count();
        prop_assume!(nn == n);
        let seeds: Vec<Seed> = srcs.iter().enumerate()
            .map(|(o, &v)| Seed { origin: o as u32, node: (v % nn) as u32, time_s: 0.0 })
            .collect();
        let labels = two_nearest(&net, &seeds, cutoff);
        let per_origin: Vec<Vec<f64>> = seeds.iter().map(|s| petgraph_times(&net, s.node)).collect();
        for v in 0..nn {
            let mut c: Vec<(f64, u32)> = (0..seeds.len())
                .map(|o| (per_origin[o][v], o as u32))
                .filter(|x| x.0 <= cutoff)
                .collect();
            c.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let got = [(labels.first_s[v], labels.first[v]), (labels.second_s[v], labels.second[v])];
            for (k, g) in got.iter().enumerate() {
                match c.get(k) {
                    None => prop_assert_eq!(g.1, NO_ORIGIN),
                    Some(&(t, o)) => {
                        prop_assert!((g.0 - t).abs() < 1e-9, "node {} label {}: {:?} vs {}", v, k, g, t);
                        if grid_only {
                            prop_assert_eq!(g.1, o, "node {} label {} time {}", v, k, t);
                        }
                    }
                }
            }
        }
    }

    /// Adding a station never lowers any coverage; station order does not matter.
    #[test]
    fn adding_a_station_never_lowers_coverage(
        extra in prop::collection::vec((0usize..30, 0usize..30, 0u16..500, any::<bool>()), 0..30),
        at in prop::collection::vec(0usize..30, 2..5),
        thr in 60.0f64..400.0,
    ) {
        let raw = random_graph(30, &extra);
        let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
        let index = SnapIndex::new(&net);
        let sts: Vec<Station> = at.iter().enumerate()
            .map(|(i, &v)| station(&format!("S{i}"), &raw.nodes[v])).collect();
        let dem: Vec<DemandPoint> = raw.nodes.iter().enumerate()
            .map(|(i, n)| demand(&format!("d{i}"), n.lon + 0.0005, n.lat + 0.0003)).collect();
        let district = net.whole_network_district("all");
        let params = ResponseParams { threshold_s: thr, grid_cell_m: 200.0, ..ResponseParams::default() };
        let fewer = evaluate(&net, &index, &sts[..sts.len() - 1], &dem, std::slice::from_ref(&district), &params, 500.0);
        let more = evaluate(&net, &index, &sts, &dem, std::slice::from_ref(&district), &params, 500.0);
        let (a, b) = (&fewer.region, &more.region);
        prop_assert!(b.demand_coverage >= a.demand_coverage);
        prop_assert!(b.road_coverage.unwrap() >= a.road_coverage.unwrap() - 1e-12);
        prop_assert!(b.area_coverage.unwrap() >= a.area_coverage.unwrap() - 1e-12);
        prop_assert!(b.second_due_coverage >= a.second_due_coverage);
        let mut reversed = sts.clone();
        reversed.reverse();
        let rev = evaluate(&net, &index, &reversed, &dem, std::slice::from_ref(&district), &params, 500.0);
        prop_assert_eq!(&rev.region, &more.region);
    }
}

/// Regression: petgraph's recursive Tarjan overflowed the 2 MB test-thread stack on the
/// Liechtenstein extract; a 200,000-node road chain must build on a small stack.
#[test]
fn long_road_chain_does_not_overflow_the_stack() {
    let n = 200_000;
    let raw = RawNetwork {
        nodes: (0..n)
            .map(|i| node(i as i64, i as f64 * 10.0, 0.0))
            .collect(),
        segments: (1..n)
            .map(|i| seg(i as u32 - 1, i as u32, "residential", 10.0, Oneway::Both))
            .collect(),
        ..RawNetwork::default()
    };
    let net = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || Network::build(&raw, &NetworkParams::default(), Profile::Emergency))
        .unwrap()
        .join()
        .expect("build must not overflow the stack");
    assert_eq!((net.node_count(), net.dropped_nodes), (n, 0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A search stopped once its goals are final gives each goal the least over its legs of
    /// the f32-rounded full-search time plus the leg, as brute force over petgraph does.
    #[test]
    fn goals_final_equal_brute_force(
        n in 3usize..40,
        extra in prop::collection::vec((0usize..40, 0usize..40, 0u16..500, any::<bool>()), 0..40),
        src in (0usize..40, 0u16..200),
        goals in prop::collection::vec(
            prop::collection::vec((0usize..40, 0u16..300), 0..3), 0..8),
    ) {
        let raw = random_graph(n, &extra);
        let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
        let nn = net.node_count();
        prop_assume!(nn > 0);
        let (s, s_t) = ((src.0 % nn) as u32, src.1 as f64);
        let full = petgraph_times(&net, s);
        let goals: Vec<Vec<(u32, f64)>> = goals.iter()
            .map(|g| g.iter().map(|&(v, t)| ((v % nn) as u32, t as f64)).collect())
            .collect();
        let got = Dijkstra::new(nn).run_until_goals_final(&net, &[(s, s_t)], &goals);
        for (g, legs) in goals.iter().enumerate() {
            let want = legs.iter()
                .map(|&(v, t)| (full[v as usize] + s_t) as f32 as f64 + t)
                .fold(f64::INFINITY, f64::min);
            prop_assert!(got[g] == want || (got[g] - want).abs() < 1e-4, "goal {}: {} vs {}", g, got[g], want);
        }
    }
}

/// A goal near the source is final long before the far end of the network is reached:
/// on a 200-node line, a goal reachable at node 1 (and at the far node 199) stops the
/// search a few nodes out, and its time is node 1's.
#[test]
fn goals_final_stop_near_the_source() {
    let nodes: Vec<RawNode> = (0..200).map(|i| node(i, i as f64 * 100.0, 0.0)).collect();
    let segments = (0..199)
        .map(|i| seg(i, i + 1, "residential", 100.0, Oneway::Both))
        .collect();
    let raw = RawNetwork {
        nodes,
        segments,
        ..RawNetwork::default()
    };
    let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    let full = Dijkstra::new(net.vertex_count())
        .run(&net, &[(0, 0.0)], f64::INFINITY)
        .to_vec();
    let mut dij = Dijkstra::new(net.vertex_count());
    let got = dij.run_until_goals_final(&net, &[(0, 0.0)], &[vec![(1, 5.0), (199, 0.0)]]);
    assert_eq!(got, vec![full[1] as f32 as f64 + 5.0]);
    assert!(dij.reached().len() < 10, "{}", dij.reached().len());
}
