//! Depot trees: one unbounded search per support point, in parallel (one reusable
//! [`Dijkstra`] per rayon worker), on the logistics network. Every reach time, assignment
//! and reach layer is read from these trees; no search ever runs per (depot, place) pair.

use rayon::prelude::*;

use super::points::SupportPoint;
use crate::network::search::Dijkstra;
use crate::network::{Network, SnapPoint};

/// Travel seconds from each support point's snap point to every node (f32,
/// `INFINITY` where unreachable), without access legs. Points off the network have an
/// empty tree.
#[derive(Debug, Clone, PartialEq)]
pub struct DepotTrees {
    /// `times_s[point][vertex]`.
    pub times_s: Vec<Vec<f32>>,
}

impl DepotTrees {
    /// One search per usable point, in parallel.
    pub fn build(net: &Network, points: &[SupportPoint]) -> DepotTrees {
        let times_s = points
            .par_iter()
            .map_init(
                || Dijkstra::new(net.vertex_count()),
                |dij, p| match &p.snap {
                    Some(snap) => dij
                        .run(net, &net.departures(snap), f64::INFINITY)
                        .iter()
                        .map(|&t| t as f32)
                        .collect(),
                    None => Vec::new(),
                },
            )
            .collect();
        DepotTrees { times_s }
    }

    /// Seconds from point `p` to vertex `v` (no access leg); infinite when unreachable or
    /// the point is off the network.
    #[inline]
    pub fn node_s(&self, p: usize, v: u32) -> f64 {
        self.times_s[p]
            .get(v as usize)
            .map_or(f64::INFINITY, |&t| t as f64)
    }

    /// Seconds from point `p` to the start of a drive along the segment from node `x`
    /// towards `y` (the best vertex of `x` allowed onto it: turn restrictions).
    pub fn drive_start_s(&self, net: &Network, p: usize, x: u32, y: u32) -> f64 {
        net.drive_starts(x, y)
            .map(|v| self.node_s(p, v))
            .fold(f64::INFINITY, f64::min)
    }

    /// Door-to-door seconds from point `p` to a place snapped at `target` whose access leg
    /// takes `target_access_s`: the point's access leg + the road (through an end node of
    /// the place's segment, or along a segment both stand on) + the place's access leg.
    pub fn time_s(
        &self,
        net: &Network,
        points: &[SupportPoint],
        p: usize,
        target: &SnapPoint,
        target_access_s: f64,
    ) -> f64 {
        let point = &points[p];
        let Some(from) = &point.snap else {
            return f64::INFINITY;
        };
        let via_nodes = net
            .arrivals(target)
            .into_iter()
            .map(|(node, t)| self.node_s(p, node) + t)
            .fold(f64::INFINITY, f64::min);
        let direct = net.along_segment_s(from, target).unwrap_or(f64::INFINITY);
        point.access_s + via_nodes.min(direct) + target_access_s
    }
}

/// Fresh f64 times from one support point to every node (for independent checks): its
/// index among the points, label, entry seeds and times (infinite: unreached).
pub struct PointTimes {
    pub point: usize,
    pub label: String,
    pub seeds: Vec<(u32, f64)>,
    pub times_s: Vec<f64>,
}

/// [`PointTimes`] of every usable point of `sup`, with the kernel the trees use, in f64.
pub fn point_times(net: &Network, sup: &super::Supply) -> Vec<PointTimes> {
    let mut dij = Dijkstra::new(net.vertex_count());
    sup.points
        .iter()
        .enumerate()
        .filter_map(|(p, point)| {
            let snap = point.snap.as_ref()?;
            let seeds = net.departures(snap);
            let times_s = dij.run(net, &seeds, f64::INFINITY).to_vec();
            Some(PointTimes {
                point: p,
                label: point.label.clone(),
                seeds,
                times_s,
            })
        })
        .collect()
}
