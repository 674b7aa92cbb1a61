//! Station-to-node trees: travel time from each station's snap point to every node,
//! computed once per scenario and reused by the simulation, supply reach and the
//! placement search.

use rayon::prelude::*;

use super::PlacedStation;
use crate::network::search::Dijkstra;
use crate::network::{Network, SnapPoint};

/// Travel seconds (f32, `INFINITY` beyond the cutoff) from each origin's snap point to
/// every node, without dispatch, turnout or access legs.
#[derive(Debug, Clone, PartialEq)]
pub struct StationTrees {
    pub cutoff_s: f64,
    /// `times[origin][vertex]`.
    pub times: Vec<Vec<f32>>,
}

impl StationTrees {
    /// One bounded search per origin, in parallel; each worker keeps its own buffers.
    pub fn build(net: &Network, origins: &[PlacedStation], cutoff_s: f64) -> StationTrees {
        let times = origins
            .par_iter()
            .map_init(
                || Dijkstra::new(net.vertex_count()),
                |dij, o| {
                    let seeds = net.departures(&o.snap);
                    dij.run(net, &seeds, cutoff_s)
                        .iter()
                        .map(|&t| t as f32)
                        .collect()
                },
            )
            .collect();
        StationTrees { cutoff_s, times }
    }

    /// Travel seconds from origin `o` to the snap point `p` (no access legs); `None` when
    /// not reachable within the cutoff.
    pub fn travel_s(
        &self,
        net: &Network,
        origin_snap: &SnapPoint,
        o: usize,
        p: &SnapPoint,
    ) -> Option<f64> {
        let via_nodes = net
            .arrivals(p)
            .into_iter()
            .map(|(node, t)| self.times[o][node as usize] as f64 + t)
            .fold(f64::INFINITY, f64::min);
        let direct = net.along_segment_s(origin_snap, p).unwrap_or(f64::INFINITY);
        let t = via_nodes.min(direct);
        (t <= self.cutoff_s).then_some(t)
    }
}
