//! Largest SCC and snapping on the library: the written nodes and edges read back as the
//! engine reads them, built by `fireplan::network` (DESIGN §3).

use fireplan::network::raw::{haversine_m, Oneway, RawNetwork, RawNode, RawSegment};
use fireplan::network::{Network, Profile, SnapIndex, SnapPoint};
use fireplan::params::NetworkParams;

use crate::geometry::{Frame, P};
use crate::noding::Graph;

/// The raw network the files describe: node `k` has id `k + 1` and the coordinates as
/// written (7 decimals); each edge is one segment with its haversine length, as the CSV
/// reader computes it when `length_m` is absent.
fn raw_network(g: &Graph, fr: &Frame) -> RawNetwork {
    let nodes: Vec<RawNode> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(k, &p)| {
            let (lon, lat) = fr.lonlat7(p);
            RawNode {
                id: k as i64 + 1,
                lon,
                lat,
            }
        })
        .collect();
    let segments = g
        .edges
        .iter()
        .map(|e| {
            let (a, b) = (nodes[e.from as usize], nodes[e.to as usize]);
            RawSegment {
                from: e.from,
                to: e.to,
                highway: e.hw.highway(),
                oneway: if e.oneway {
                    Oneway::Forward
                } else {
                    Oneway::Both
                },
                maxspeed_kmh: e.maxspeed.map(f64::from),
                length_m: haversine_m(a.lon, a.lat, b.lon, b.lat),
                limits: Default::default(),
            }
        })
        .collect();
    RawNetwork {
        nodes,
        segments,
        ..RawNetwork::default()
    }
}

/// The engine's graph of `g` with the scenario defaults (emergency profile).
fn engine_network(raw: &RawNetwork) -> Network {
    Network::build(raw, &NetworkParams::default(), Profile::Emergency)
}

/// Membership of the largest strongly connected component, the part of `g` the engine
/// keeps ([`Network::build`]).
pub fn largest_scc(g: &Graph, fr: &Frame) -> Vec<bool> {
    let net = engine_network(&raw_network(g, fr));
    let mut keep = vec![false; g.nodes.len()];
    for n in &net.nodes {
        keep[(n.id - 1) as usize] = true;
    }
    keep
}

/// The written network as the engine sees it, with its snap index.
pub struct Roads {
    /// Nodes as written and segment lengths in full precision (edge `k` of the graph is
    /// segment `k`).
    pub raw: RawNetwork,
    /// Edge times of DESIGN §3; segment `k` is edge `k` of the graph.
    pub net: Network,
    index: SnapIndex,
}

impl Roads {
    /// Builds the network of a graph that is one strongly connected component (as after
    /// pruning); panics if the engine would drop any of it.
    pub fn new(g: &Graph, fr: &Frame) -> Roads {
        let raw = raw_network(g, fr);
        let net = engine_network(&raw);
        assert_eq!(
            net.dropped_nodes, 0,
            "pruned graph must be strongly connected"
        );
        // Edges join distinct nodes and no two join the same pair (noding keeps the first),
        // so the engine keeps every edge as one segment, in order.
        assert_eq!(net.segments.len(), g.edges.len(), "one segment per edge");
        for (s, e) in net.segments.iter().zip(&g.edges) {
            assert!(
                (s.a, s.b) == (e.from.min(e.to), e.from.max(e.to)),
                "segment order follows edge order"
            );
        }
        let index = SnapIndex::new(&net);
        Roads { raw, net, index }
    }

    /// Length of edge `k`, metres (haversine of the written coordinates).
    pub fn len_m(&self, k: usize) -> f64 {
        self.raw.segments[k].length_m
    }

    /// Where a point, as written to a file, joins the network (DESIGN §3).
    pub fn snap(&self, fr: &Frame, p: P) -> SnapPoint {
        let (lon, lat) = fr.lonlat7(p);
        self.index
            .snap(&self.net, lon, lat)
            .expect("the network is not empty")
    }

    /// The graph edge a snap point lies on and its position from the edge's `from` node.
    pub fn edge_position(&self, g: &Graph, s: &SnapPoint) -> (usize, f64) {
        let k = s.segment as usize;
        let t = if g.edges[k].from == self.net.segments[k].a {
            s.fraction
        } else {
            1.0 - s.fraction
        };
        (k, t)
    }
}
