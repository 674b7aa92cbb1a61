//! The reversed road graph: every directed edge turned round and every segment's two
//! directions swapped, so that a search over it from a place gives the exact time from
//! every node *to* that place in the real graph (one-way streets respected). The
//! simulation uses it for the drive back to the station.
//!
//! Vertex and segment indices are those of the original network, so snap points of the
//! original are valid on the reversed graph: on it, [`Network::departures`] gives how a
//! trip of the real graph *arrives* at the point (the turn-restriction vertices it may
//! come from), and [`Network::along_segment_s`] from `a` to `b` is the real time from `b`
//! to `a`.

use super::graph::{csr_of_edges, Network, Segment};

impl Network {
    /// The same roads with every direction reversed.
    pub fn reversed(&self) -> Network {
        let segments: Vec<Segment> = self.segments.iter().map(Segment::turned_round).collect();
        let vertices = self.vertex_count();
        let mut edges: Vec<(u32, u32, f32)> = Vec::with_capacity(self.edge_count());
        for v in 0..vertices as u32 {
            for (u, w) in self.out_edges(v) {
                edges.push((u, v, w));
            }
        }
        let (first_out, head, edge_time_s) = csr_of_edges(vertices, edges);
        Network {
            nodes: self.nodes.clone(),
            segments,
            first_out,
            head,
            edge_time_s,
            projection: self.projection,
            profile: self.profile,
            dropped_nodes: self.dropped_nodes,
            turns: self.turns.clone(),
            reversed: !self.reversed,
            limits: self.limits.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::network::raw::{Highway, Oneway, RawNetwork, RawNode, RawSegment};
    use crate::network::search::Dijkstra;
    use crate::network::{Network, Profile};
    use crate::params::NetworkParams;

    fn net() -> Network {
        let node = |id, x: f64, y: f64| RawNode {
            id,
            lon: x / 111_000.0,
            lat: y / 111_000.0,
        };
        let seg = |from, to, len, oneway| RawSegment {
            from,
            to,
            highway: Highway::parse("residential").unwrap(),
            oneway,
            maxspeed_kmh: None,
            length_m: len,
            limits: Default::default(),
        };
        // A square with a one-way diagonal and one one-way side.
        let raw = RawNetwork {
            nodes: vec![
                node(1, 0.0, 0.0),
                node(2, 500.0, 0.0),
                node(3, 500.0, 500.0),
                node(4, 0.0, 500.0),
            ],
            segments: vec![
                seg(0, 1, 500.0, Oneway::Both),
                seg(1, 2, 500.0, Oneway::Forward),
                seg(2, 3, 500.0, Oneway::Both),
                seg(3, 0, 500.0, Oneway::Both),
                seg(0, 2, 700.0, Oneway::Backward),
            ],
            ..RawNetwork::default()
        };
        Network::build(&raw, &NetworkParams::default(), Profile::Emergency)
    }

    #[test]
    fn search_on_the_reversed_graph_gives_times_to_the_target() {
        let g = net();
        let r = g.reversed();
        assert_eq!(r.reversed(), g);
        let n = g.node_count();
        let mut fwd = Dijkstra::new(n);
        let mut back = Dijkstra::new(n);
        for target in 0..n as u32 {
            let to_target = back.run(&r, &[(target, 0.0)], f64::INFINITY).to_vec();
            for from in 0..n as u32 {
                let d = fwd.run(&g, &[(from, 0.0)], f64::INFINITY)[target as usize];
                assert!(
                    (d - to_target[from as usize]).abs() < 1e-9,
                    "{from}→{target}"
                );
            }
        }
    }
}
