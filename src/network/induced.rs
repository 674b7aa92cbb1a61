//! Sub-networks for partitioned runs (分区计算): the search graph induced on a set of
//! vertices, and the bounded reverse search that finds which vertices a tile's halo needs.
//!
//! The induced network is a plain node-based search graph: every kept *vertex* (road node
//! or turn-restriction copy, [`super::turns`]) becomes a node of its own, and every edge of
//! the full network between two kept vertices is kept with its time. A turn restriction is
//! already expressed by the copies' out-edges, so the sub-network has no turn table of its
//! own, and a search over it follows exactly the paths of the full network that stay on the
//! kept vertices. Segments whose two end nodes are kept come along (geometry and road
//! length); where a point meets the graph must be taken from the *full* network
//! ([`Network::arrivals`] there, mapped through [`Induced::local`]), because the copies
//! are plain nodes here.

use super::graph::{csr_of_edges, Network};
use super::search::Dijkstra;

/// A sub-network and how its indices map back to the full network's.
#[derive(Debug, Clone, PartialEq)]
pub struct Induced {
    pub network: Network,
    /// Full-network vertex of each sub-network node (ascending).
    pub vertex_of: Vec<u32>,
    /// Full-network segment of each sub-network segment (ascending).
    pub segment_of: Vec<u32>,
}

impl Induced {
    /// The sub-network node of full-network vertex `v`, if kept.
    pub fn local(&self, v: u32) -> Option<u32> {
        self.vertex_of.binary_search(&v).ok().map(|i| i as u32)
    }
}

impl Network {
    /// The search graph induced on `vertices` (full-network vertex indices, any order,
    /// duplicates allowed; out-of-range ones ignored).
    pub fn induced(&self, vertices: &[u32]) -> Induced {
        let total = self.vertex_count();
        let mut vertex_of: Vec<u32> = vertices
            .iter()
            .copied()
            .filter(|&v| (v as usize) < total)
            .collect();
        vertex_of.sort_unstable();
        vertex_of.dedup();
        let local = |v: u32| vertex_of.binary_search(&v).ok().map(|i| i as u32);
        let mut edges = Vec::new();
        for (i, &v) in vertex_of.iter().enumerate() {
            for (u, w) in self.out_edges(v) {
                if let Some(j) = local(u) {
                    edges.push((i as u32, j, w));
                }
            }
        }
        let (first_out, head, edge_time_s) = csr_of_edges(vertex_of.len(), edges);
        let nodes = vertex_of
            .iter()
            .map(|&v| self.nodes[self.node_of(v) as usize])
            .collect();
        // A segment comes along when both its road nodes (as vertices) are kept.
        let mut segments = Vec::new();
        let mut segment_of = Vec::new();
        for (si, s) in self.segments.iter().enumerate() {
            if let (Some(a), Some(b)) = (local(s.a), local(s.b)) {
                segments.push(super::Segment { a, b, ..*s });
                segment_of.push(si as u32);
            }
        }
        let limits = self
            .limits
            .iter()
            .filter_map(|&(si, l)| segment_of.binary_search(&si).ok().map(|k| (k as u32, l)))
            .collect();
        let network = Network {
            nodes,
            segments,
            first_out,
            head,
            edge_time_s,
            projection: self.projection,
            profile: self.profile,
            dropped_nodes: 0,
            turns: Default::default(),
            reversed: self.reversed,
            limits,
        };
        Induced {
            network,
            vertex_of,
            segment_of,
        }
    }
}

/// Every vertex `u` of the network that `reversed` turns round whose time *to* one of the
/// `targets` is within `bound_s`: a bounded reverse multi-source search, each target
/// `(vertex, seconds)` seeded with the time still to go after it. Sorted vertex indices.
/// `search` is a reusable [`Dijkstra`] (one per worker).
pub fn within_time_to(
    reversed: &Network,
    search: &mut Dijkstra,
    targets: &[(u32, f64)],
    bound_s: f64,
) -> Vec<u32> {
    let dist = search.run(reversed, targets, bound_s);
    let mut out: Vec<u32> = (0..dist.len() as u32)
        .filter(|&v| dist[v as usize].is_finite())
        .collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use crate::network::raw::{Highway, Oneway, RawNetwork, RawNode, RawSegment};
    use crate::network::search::{two_nearest, Seed};
    use crate::network::turns::{Turn, TurnRule};
    use crate::network::{Network, Profile};
    use crate::params::NetworkParams;

    /// A 3×3 grid of 500 m residential streets with a banned turn at the centre.
    fn grid() -> Network {
        let mut nodes = Vec::new();
        for y in 0..3 {
            for x in 0..3 {
                nodes.push(RawNode {
                    id: (y * 3 + x) as i64,
                    lon: x as f64 * 500.0 / 111_000.0,
                    lat: y as f64 * 500.0 / 111_000.0,
                });
            }
        }
        let seg = |from, to| RawSegment {
            from,
            to,
            highway: Highway::parse("residential").unwrap(),
            oneway: Oneway::Both,
            maxspeed_kmh: None,
            length_m: 500.0,
            limits: Default::default(),
        };
        let mut segments = Vec::new();
        for y in 0..3u32 {
            for x in 0..3u32 {
                let i = y * 3 + x;
                if x < 2 {
                    segments.push(seg(i, i + 1));
                }
                if y < 2 {
                    segments.push(seg(i, i + 3));
                }
            }
        }
        let raw = RawNetwork {
            nodes,
            segments,
            turns: vec![Turn {
                from: 3,
                via: 4,
                to: 5,
                rule: TurnRule::Banned,
            }],
            ..RawNetwork::default()
        };
        Network::build(&raw, &NetworkParams::default(), Profile::Emergency)
    }

    #[test]
    fn the_whole_vertex_set_gives_the_same_search() {
        let g = grid();
        assert_eq!(g.vertex_count(), 10, "9 nodes and one copy");
        let all: Vec<u32> = (0..g.vertex_count() as u32).collect();
        let sub = g.induced(&all);
        assert!(sub.network.check_consistent().is_ok());
        assert_eq!(sub.network.edge_count(), g.edge_count());
        assert_eq!(sub.segment_of.len(), g.segments.len());
        let seeds = [Seed {
            origin: 0,
            node: 3,
            time_s: 0.0,
        }];
        let full = two_nearest(&g, &seeds, f64::INFINITY);
        let part = two_nearest(&sub.network, &seeds, f64::INFINITY);
        assert_eq!(full, part);
        // The banned turn 3 → 4 → 5 holds in the sub-network too: 5 is reached round it,
        // in four streets (3 → 0 → 1 → 2 → 5 or the like) rather than two.
        let t_edge = g.segments[0].time_ab_s as f64;
        assert_eq!(part.first_s[5], 4.0 * t_edge);
    }

    #[test]
    fn dropping_a_vertex_drops_its_edges_and_segments() {
        let g = grid();
        let keep: Vec<u32> = (0..g.vertex_count() as u32).filter(|&v| v != 4).collect();
        let sub = g.induced(&keep);
        assert!(sub.network.check_consistent().is_ok());
        assert_eq!(sub.vertex_of.len(), 9);
        assert_eq!(sub.local(4), None);
        assert_eq!(sub.local(5), Some(4));
        // The 4 segments at the centre are gone.
        assert_eq!(sub.segment_of.len(), g.segments.len() - 4);
        assert!(sub
            .network
            .head
            .iter()
            .all(|&h| sub.vertex_of[h as usize] != 4));
    }

    #[test]
    fn reverse_search_finds_the_vertices_within_the_bound() {
        let g = grid();
        let r = g.reversed();
        let t = g.segments[0].time_ab_s as f64;
        let mut d = crate::network::search::Dijkstra::new(r.vertex_count());
        // Within one edge of node 0: 0, 1 and 3.
        let v = super::within_time_to(&r, &mut d, &[(0, 0.0)], t);
        assert_eq!(v, vec![0, 1, 3]);
        // A target's own remaining time counts: nothing beyond it when it already spends the bound.
        let v = super::within_time_to(&r, &mut d, &[(0, t * 0.5)], t);
        assert_eq!(v, vec![0]);
    }
}
