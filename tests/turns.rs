//! Turn restrictions (issue 19, part 2): read from OSM as the sign says, obeyed by every
//! search, exactly — hand-computed on a crossroads, and cross-checked on a real extract
//! against an independent edge-based search (one label per directed road segment).

mod common;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use common::{data, shared};
use fireplan::coverage::trees::StationTrees;
use fireplan::coverage::{evaluate, PlacedStation};
use fireplan::io::osm::{read_osm_pbf, OsmImportOptions};
use fireplan::model::{DemandPoint, Station, StationClass, StationStatus};
use fireplan::network::raw::{Highway, ImportStats, Oneway, RawNetwork, RawNode, RawSegment};
use fireplan::network::search::{two_nearest, Dijkstra, Seed};
use fireplan::network::turns::{Turn, TurnRule};
use fireplan::network::{Network, Profile, SnapIndex, SnapPoint};
use fireplan::params::{NetworkParams, ResponseParams};
use geo::Point;

const ROADS: OsmImportOptions = OsmImportOptions {
    ignore_oneway: false,
    buildings: false,
};

/// Metres per degree on the mean sphere, so node positions can be written in metres.
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// A residential street at 25 km/h: 1000 m in 144 s, 1500 m in 216 s.
const KM_S: f64 = 144.0;

/// `tests/data/osm/turns.osm` (its comments say what each relation is); counts and turns
/// as `osmium cat -f opl turns.osm.pbf | python3 reference.py` prints them
/// (`turn_restrictions_on_roads=4 turn_restrictions_exempt=2 turns=6`).
#[test]
fn osm_restrictions_are_read_as_the_sign_says() {
    let raw = read_osm_pbf(
        &data("osm/turns.osm.pbf"),
        &ROADS,
        &fireplan::progress::Silent,
    )
    .unwrap();
    assert_eq!(
        raw.stats,
        ImportStats {
            nodes_read: 17,
            drivable_ways: 9,
            barriers_blocking: 1,
            turn_restrictions_via_node: 8, // r701–r708
            turn_restrictions_on_roads: 4, // r701, r702, r704, r705
            turn_restrictions_exempt: 2,   // r703 except=emergency, r708 via a bollard
            ..ImportStats::default()
        }
    );
    let id = |i: u32| raw.nodes[i as usize].id;
    let mut turns: Vec<(i64, i64, i64, TurnRule)> = raw
        .turns
        .iter()
        .map(|t| (id(t.from), id(t.via), id(t.to), t.rule))
        .collect();
    turns.sort_unstable();
    assert_eq!(
        turns,
        [
            (4, 1, 5, TurnRule::Banned), // r701: south arm, no left into the west arm
            (5, 1, 3, TurnRule::Only),   // r702: west arm, only straight on
            (10, 11, 10, TurnRule::Banned), // r705: no U-turn, each road end of w607
            (10, 11, 13, TurnRule::Banned), // r704: from either road end of w607
            (12, 11, 12, TurnRule::Banned),
            (12, 11, 13, TurnRule::Banned),
        ]
    );

    // Built: one vertex per (via, arriving road) pair — the south and west arms at 1; the
    // street at 11 is not joined to the crossroads, so the largest strongly connected
    // component leaves it out with its restrictions. A route from the south arm to the
    // west arm goes round the ring, unless restrictions are switched off.
    let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    let copies: Vec<(i64, i64)> = net
        .turns
        .copies
        .iter()
        .map(|&(via, from)| (net.nodes[via as usize].id, net.nodes[from as usize].id))
        .collect();
    assert_eq!(copies, [(1, 4), (1, 5)]);
    assert_eq!(net.vertex_count(), net.node_count() + 2);
    let off = Network::build(
        &raw,
        &NetworkParams {
            turn_restrictions: false,
            ..NetworkParams::default()
        },
        Profile::Emergency,
    );
    assert_eq!(off.vertex_count(), off.node_count());
    let node = |net: &Network, osm: i64| net.nodes.iter().position(|n| n.id == osm).unwrap() as u32;
    let (s, w) = (node(&net, 4), node(&net, 5));
    let on_s = node_to_node_s(&net, s, w);
    let off_s = node_to_node_s(&off, s, w);
    let (c, e) = (node(&net, 1), node(&net, 3));
    let through_centre = seg_time(&net, s, c) + seg_time(&net, c, w);
    // Banned, the best is to go on to the east arm's end and come back (111 + 107 + 107 +
    // 107 m), shorter than round the ring (241 + 247 m).
    let back_from_east = seg_time(&net, s, c) + 2.0 * seg_time(&net, c, e) + seg_time(&net, c, w);
    let round_the_ring = seg_time(&net, s, node(&net, 8)) + seg_time(&net, node(&net, 8), w);
    assert!(
        (off_s - through_centre).abs() < 1e-9,
        "{off_s} vs {through_centre}"
    );
    assert!(
        (on_s - back_from_east).abs() < 1e-9,
        "{on_s} vs {back_from_east}"
    );
    assert!(back_from_east < round_the_ring);
    assert!(on_s > off_s + 10.0);
}

/// Seconds of the segment between nodes `x` and `y`, from `x`.
fn seg_time(net: &Network, x: u32, y: u32) -> f64 {
    net.segments
        .iter()
        .find_map(|s| {
            if (s.a, s.b) == (x, y) {
                Some(s.time_ab_s as f64)
            } else if (s.b, s.a) == (x, y) {
                Some(s.time_ba_s as f64)
            } else {
                None
            }
        })
        .unwrap()
}

/// Fastest seconds from road node `x` (a trip starting there, any way out) to road node `y`
/// (at any of its vertices).
fn node_to_node_s(net: &Network, x: u32, y: u32) -> f64 {
    let dist = Dijkstra::new(net.vertex_count())
        .run(net, &[(x, 0.0)], f64::INFINITY)
        .to_vec();
    net.vertices_at(y)
        .map(|v| dist[v as usize])
        .fold(f64::INFINITY, f64::min)
}

fn node(x_m: f64, y_m: f64) -> RawNode {
    RawNode {
        id: 0,
        lon: x_m / M_PER_DEG,
        lat: y_m / M_PER_DEG,
    }
}

fn residential(from: u32, to: u32, length_m: f64) -> RawSegment {
    RawSegment {
        from,
        to,
        highway: Highway::parse("residential").unwrap(),
        oneway: Oneway::Both,
        maxspeed_kmh: None,
        length_m,
        limits: Default::default(),
    }
}

const C: u32 = 0;
const N: u32 = 1;
const E: u32 = 2;
const S: u32 = 3;
const W: u32 = 4;

/// A crossroads C with 1000 m arms N, E, S, W inside a ring of 1500 m segments through the
/// corners NE (5), SE (6), SW (7), NW (8). Coming up from S, no left turn into W; from W,
/// straight on to E only.
fn crossroads() -> RawNetwork {
    let k = 1000.0;
    let mut nodes = vec![
        node(0.0, 0.0),
        node(0.0, k),
        node(k, 0.0),
        node(0.0, -k),
        node(-k, 0.0),
        node(k, k),
        node(k, -k),
        node(-k, -k),
        node(-k, k),
    ];
    for (i, n) in nodes.iter_mut().enumerate() {
        n.id = i as i64;
    }
    let mut segments = vec![
        residential(C, N, 1000.0),
        residential(C, E, 1000.0),
        residential(C, S, 1000.0),
        residential(C, W, 1000.0),
    ];
    for (x, y) in [
        (N, 5),
        (5, E),
        (E, 6),
        (6, S),
        (S, 7),
        (7, W),
        (W, 8),
        (8, N),
    ] {
        segments.push(residential(x, y, 1500.0));
    }
    RawNetwork {
        nodes,
        segments,
        turns: vec![
            Turn {
                from: S,
                via: C,
                to: W,
                rule: TurnRule::Banned,
            },
            Turn {
                from: W,
                via: C,
                to: E,
                rule: TurnRule::Only,
            },
        ],
        ..RawNetwork::default()
    }
}

fn station(id: &str, at: &RawNode) -> Station {
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
        vehicles: vec![],
        line: 0,
    }
}

#[test]
fn crossroads_hand_computed() {
    let raw = crossroads();
    let on = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    let off = Network::build(
        &raw,
        &NetworkParams {
            turn_restrictions: false,
            ..NetworkParams::default()
        },
        Profile::Emergency,
    );
    assert!((seg_time(&on, C, S) - KM_S).abs() < 1e-3);

    // S → W: through the centre 2 km; the left turn banned, round the ring S–SW–W 3 km
    // (S–C–N–C–W, turning back at N, is 4 km).
    assert!((node_to_node_s(&off, S, W) - 2.0 * KM_S).abs() < 1e-3);
    assert!((node_to_node_s(&on, S, W) - 3.0 * KM_S).abs() < 1e-3);
    // W → N: only straight on at C, so W–NW–N 3 km, not W–C–N 2 km (W–C–E–C–N is 4 km).
    assert!((node_to_node_s(&off, W, N) - 2.0 * KM_S).abs() < 1e-3);
    assert!((node_to_node_s(&on, W, N) - 3.0 * KM_S).abs() < 1e-3);
    // W → E straight on is allowed: 2 km. N → W (no restriction from N): 2 km.
    assert!((node_to_node_s(&on, W, E) - 2.0 * KM_S).abs() < 1e-3);
    assert!((node_to_node_s(&on, N, W) - 2.0 * KM_S).abs() < 1e-3);
    // The restriction binds the arriving road, not the node: S reaches C in 1 km, and N, E.
    assert!((node_to_node_s(&on, S, C) - KM_S).abs() < 1e-3);
    assert!((node_to_node_s(&on, S, E) - 2.0 * KM_S).abs() < 1e-3);

    // A place halfway along C–W, from a station at S (no turnout, no dispatch, on the
    // node): by W, 3 km + 0.5 km back; by C, 2 km to N or E + 1 km back to C (now free to
    // turn) + 0.5 km = 3.5 km; without restrictions 1.5 km. Coverage, the station trees and
    // the simulation's reversed graph all agree.
    let index = SnapIndex::new(&on);
    let mid = node(-500.0, 0.0);
    let place = index.snap(&on, mid.lon, mid.lat).unwrap();
    let params = ResponseParams {
        dispatch_s: 0.0,
        threshold_s: 480.0,
        ..ResponseParams::default()
    };
    let demand = vec![DemandPoint {
        id: "mid C–W".into(),
        location: Point::new(mid.lon, mid.lat),
        weight: 1.0,
        kind: None,
        time: None,
    }];
    let stations = vec![station("S", &raw.nodes[S as usize])];
    let district = on.whole_network_district("crossroads");
    for (net, km) in [(&on, 3.5), (&off, 1.5)] {
        let index = SnapIndex::new(net);
        let cov = evaluate(
            net,
            &index,
            &stations,
            &demand,
            std::slice::from_ref(&district),
            &params,
            50.0,
        );
        let (_, t) = cov.demand[0].response.first.unwrap();
        assert!((t - km * KM_S).abs() < 1e-3, "coverage: {t} vs {km} km");
        let trees = StationTrees::build(net, &cov.origins, f64::INFINITY);
        let t = trees
            .travel_s(net, &cov.origins[0].snap, 0, &place)
            .unwrap();
        assert!((t - km * KM_S).abs() < 1e-3, "trees: {t} vs {km} km");
        // The drive back from the place to S, on the reversed graph from the station: by C
        // it arrives from W, where only straight on to E is allowed (C–E–C–S), or by W
        // round the ring: 3.5 km either way; 1.5 km without restrictions.
        let reversed = net.reversed();
        let back = StationTrees::build(&reversed, &cov.origins, f64::INFINITY);
        let t = back
            .travel_s(&reversed, &cov.origins[0].snap, 0, &place)
            .unwrap();
        assert!((t - km * KM_S).abs() < 1e-3, "back: {t} vs {km} km");
    }

    // The road coverage envelope: along C–W from S, the first 0.5 km from C is reached
    // 3 km + 0.5 km at the midpoint; the segment's worst point lies there.
    let cov = evaluate(
        &on,
        &index,
        &stations,
        &[],
        std::slice::from_ref(&district),
        &params,
        50.0,
    );
    let cw = on
        .segments
        .iter()
        .position(|s| (s.a, s.b) == (C, W))
        .unwrap();
    let worst = cov.segments[cw].worst_s.unwrap();
    assert!((worst - 3.5 * KM_S).abs() < 1e-3, "{worst}");

    // Every node pair, both graphs: the reversed graph gives the time *to* a node.
    for net in [&on, &off] {
        let r = net.reversed();
        assert_eq!(&r.reversed(), net);
        let n = net.node_count() as u32;
        for y in 0..n {
            let seeds: Vec<(u32, f64)> = net.vertices_at(y).map(|v| (v, 0.0)).collect();
            let to_y = Dijkstra::new(r.vertex_count())
                .run(&r, &seeds, f64::INFINITY)
                .to_vec();
            for x in 0..n {
                let d = node_to_node_s(net, x, y);
                assert!(
                    (d - to_y[x as usize]).abs() < 1e-9,
                    "{x}→{y}: {d} vs {}",
                    to_y[x as usize]
                );
            }
        }
    }

    // A closure keeps the restrictions: with S–SW closed, S → W is S–C–N–C–W, 4 km.
    let ring_s_sw = on
        .segments
        .iter()
        .position(|s| (s.a, s.b) == (S, 7))
        .unwrap() as u32;
    let closed = on.with_segments_closed(&[ring_s_sw]);
    assert!((node_to_node_s(&closed, S, W) - 4.0 * KM_S).abs() < 1e-3);
    assert_eq!(closed.turns, on.turns);
}

/// The turn rules as plain sets, read from the network's table (the data), for the
/// independent search below.
struct Rules {
    banned: HashSet<(u32, u32, u32)>,
    only: HashMap<(u32, u32), HashSet<u32>>,
}

impl Rules {
    fn of(net: &Network) -> Rules {
        let mut only: HashMap<(u32, u32), HashSet<u32>> = HashMap::new();
        for &(f, v, t) in &net.turns.only {
            only.entry((f, v)).or_default().insert(t);
        }
        Rules {
            banned: net.turns.banned.iter().copied().collect(),
            only,
        }
    }

    fn allowed(&self, from: u32, via: u32, to: u32) -> bool {
        !self.banned.contains(&(from, via, to))
            && self.only.get(&(from, via)).is_none_or(|s| s.contains(&to))
    }
}

/// Edge-based search, written apart from fireplan's node splitting: one label per directed
/// segment (the time its far end is reached driving along it), a turn checked at every
/// step; the time to each place is the best label whose turn onto the place's segment is
/// allowed, plus the part of that segment.
fn edge_based(net: &Network, rules: &Rules, origin: &SnapPoint, places: &[SnapPoint]) -> Vec<f64> {
    // Directed segment `2 i` is a → b, `2 i + 1` is b → a.
    let ends = |d: usize| {
        let s = &net.segments[d / 2];
        if d.is_multiple_of(2) {
            (s.a, s.b, s.time_ab_s as f64)
        } else {
            (s.b, s.a, s.time_ba_s as f64)
        }
    };
    let mut leaving: Vec<Vec<usize>> = vec![Vec::new(); net.node_count()];
    for d in 0..2 * net.segments.len() {
        let (x, _, t) = ends(d);
        if t.is_finite() {
            leaving[x as usize].push(d);
        }
    }
    let mut label = vec![f64::INFINITY; 2 * net.segments.len()];
    let mut heap = BinaryHeap::new();
    let s0 = origin.segment as usize;
    for (d, part) in [
        (2 * s0, 1.0 - origin.fraction),
        (2 * s0 + 1, origin.fraction),
    ] {
        let t = part * ends(d).2;
        if t.is_finite() {
            label[d] = t;
            heap.push(Reverse((t.to_bits(), d)));
        }
    }
    while let Some(Reverse((bits, d))) = heap.pop() {
        let t = f64::from_bits(bits);
        if t > label[d] {
            continue;
        }
        let (x, y, _) = ends(d);
        for &e in &leaving[y as usize] {
            let (_, z, w) = ends(e);
            if rules.allowed(x, y, z) && t + w < label[e] {
                label[e] = t + w;
                heap.push(Reverse(((t + w).to_bits(), e)));
            }
        }
    }
    places
        .iter()
        .map(|p| {
            let si = p.segment as usize;
            let s = &net.segments[si];
            let mut best = net.along_segment_s(origin, p).unwrap_or(f64::INFINITY);
            // Onto the place's segment at a (towards b) and at b (towards a).
            for (at, to, part, t) in [
                (s.a, s.b, p.fraction, s.time_ab_s as f64),
                (s.b, s.a, 1.0 - p.fraction, s.time_ba_s as f64),
            ] {
                if !t.is_finite() {
                    continue;
                }
                for (d, &l) in label.iter().enumerate() {
                    let (x, y, _) = ends(d);
                    if y == at && l.is_finite() && rules.allowed(x, at, to) {
                        best = best.min(l + part * t);
                    }
                }
            }
            best
        })
        .collect()
}

/// xorshift64*: places and origins drawn the same on every run.
fn draws(seed: u64) -> impl FnMut() -> f64 {
    let mut x = seed;
    move || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Camden (197 via-node restrictions): station trees and the two-label search equal the
/// edge-based search from 6 origins to 400 places; the restrictions change some times.
#[test]
fn camden_matches_an_edge_based_search() {
    let Some(path) = shared("london-lfb/camden.osm.pbf") else {
        return;
    };
    let raw = read_osm_pbf(&path, &ROADS, &fireplan::progress::Silent).unwrap();
    let net = Network::build(&raw, &NetworkParams::default(), Profile::Emergency);
    assert!(net.turns.copies.len() > 100, "{}", net.turns.copies.len());
    let rules = Rules::of(&net);
    let mut draw = draws(19);
    let mut on_road = |net: &Network| {
        let si = (draw() * net.segments.len() as f64) as u32;
        let s = &net.segments[si as usize];
        let f = draw();
        let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
        SnapPoint {
            segment: si,
            fraction: f,
            access_m: 0.0,
            lon: a.lon + f * (b.lon - a.lon),
            lat: a.lat + f * (b.lat - a.lat),
        }
    };
    let origins: Vec<PlacedStation> = (0..6)
        .map(|i| PlacedStation {
            station: i,
            snap: on_road(&net),
            offset_s: 0.0,
        })
        .collect();
    let places: Vec<SnapPoint> = (0..400).map(|_| on_road(&net)).collect();
    let trees = StationTrees::build(&net, &origins, f64::INFINITY);
    let seeds: Vec<Seed> = origins
        .iter()
        .enumerate()
        .flat_map(|(o, p)| {
            net.departures(&p.snap)
                .into_iter()
                .map(move |(node, t)| Seed {
                    origin: o as u32,
                    node,
                    time_s: t,
                })
        })
        .collect();
    let labels = two_nearest(&net, &seeds, f64::INFINITY);
    let on_segment: HashMap<u32, Vec<u32>> =
        origins
            .iter()
            .enumerate()
            .fold(HashMap::new(), |mut m, (o, p)| {
                m.entry(p.snap.segment).or_default().push(o as u32);
                m
            });
    let off = Network::build(
        &raw,
        &NetworkParams {
            turn_restrictions: false,
            ..NetworkParams::default()
        },
        Profile::Emergency,
    );
    let off_trees = StationTrees::build(&off, &origins, f64::INFINITY);
    let mut changed = 0;
    let mut best = vec![f64::INFINITY; places.len()];
    for (o, origin) in origins.iter().enumerate() {
        let reference = edge_based(&net, &rules, &origin.snap, &places);
        for (j, p) in places.iter().enumerate() {
            let got = trees
                .travel_s(&net, &origin.snap, o, p)
                .unwrap_or(f64::INFINITY);
            let want = reference[j];
            assert!(
                (got - want).abs() < 1e-3 || (got.is_infinite() && want.is_infinite()),
                "origin {o}, place {j}: {got} vs edge-based {want}"
            );
            let free = off_trees
                .travel_s(&off, &origin.snap, o, p)
                .unwrap_or(f64::INFINITY);
            assert!(
                free <= got + 1e-3,
                "a restriction never makes a route faster"
            );
            if got > free + 1e-3 {
                changed += 1;
            }
            best[j] = best[j].min(want);
        }
    }
    for (j, p) in places.iter().enumerate() {
        let r = fireplan::coverage::response_at(&net, &labels, &origins, &on_segment, p);
        let got = r.first.map_or(f64::INFINITY, |f| f.1);
        assert!(
            (got - best[j]).abs() < 1e-3 || (got.is_infinite() && best[j].is_infinite()),
            "place {j}: two-label {got} vs edge-based {}",
            best[j]
        );
    }
    assert!(
        changed > 0,
        "no restriction changed any of the 2,400 routes"
    );
    eprintln!("camden: {changed} of 2,400 routes changed by turn restrictions");
}
