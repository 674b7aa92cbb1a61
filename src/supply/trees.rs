//! Depot trees: one search per support point, in parallel (one reusable [`Dijkstra`] per
//! rayon worker), on the logistics network. Every reach time, assignment and reach layer
//! is read from these trees; no search ever runs per (depot, place) pair. A point that
//! serves only some districts (a depot's `area`) searches until the vertices near them are
//! final and keeps only those ([`near_vertices`]): at province scale a county depot's tree
//! is its county, not 5 M vertices.

use rayon::prelude::*;

use geo::Rect;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use super::points::SupportPoint;
use crate::network::search::Dijkstra;
use crate::network::{Network, SnapPoint};

/// One support point's search.
#[derive(Debug, Clone, PartialEq)]
enum Tree {
    /// Off the network: reaches nothing.
    Empty,
    /// Every vertex (`INFINITY` where unreachable): a point that serves the whole region.
    Every(Vec<f32>),
    /// Only the vertices near the districts the point serves (ascending), with their
    /// times: the search stopped once all of them were final. A county depot of a
    /// province searches its county, not the province.
    Near {
        vertices: Vec<u32>,
        times_s: Vec<f32>,
    },
}

/// Travel seconds from each support point's snap point to the vertices its places can
/// touch (f32), without access legs.
#[derive(Debug, Clone, PartialEq)]
pub struct DepotTrees {
    trees: Vec<Tree>,
}

impl DepotTrees {
    /// One search per usable point, in parallel: unbounded for a point that serves the
    /// whole region; for a point with an `area`, stopped once every vertex of
    /// [`near_vertices`] is final.
    pub fn build(net: &Network, points: &[SupportPoint], near: &[Option<Vec<u32>>]) -> DepotTrees {
        let trees = points
            .par_iter()
            .zip(near)
            .map_init(
                || Dijkstra::new(net.vertex_count()),
                |dij, (p, near)| match (&p.snap, near) {
                    (None, _) => Tree::Empty,
                    (Some(snap), None) => Tree::Every(
                        dij.run(net, &net.departures(snap), f64::INFINITY)
                            .iter()
                            .map(|&t| t as f32)
                            .collect(),
                    ),
                    (Some(snap), Some(vertices)) => {
                        let times = dij.run_until_final(net, &net.departures(snap), vertices);
                        Tree::Near {
                            vertices: vertices.clone(),
                            times_s: vertices.iter().map(|&v| times[v as usize] as f32).collect(),
                        }
                    }
                },
            )
            .collect();
        DepotTrees { trees }
    }

    /// How many vertices point `p`'s tree keeps (all of them for a point serving the
    /// whole region).
    pub fn vertices_kept(&self, p: usize) -> usize {
        match &self.trees[p] {
            Tree::Empty => 0,
            Tree::Every(t) => t.len(),
            Tree::Near { vertices, .. } => vertices.len(),
        }
    }

    /// Seconds from point `p` to vertex `v` (no access leg); infinite when unreachable or
    /// the point is off the network. A vertex outside a `Near` tree is never asked for
    /// (the places of the districts the point serves lie within [`near_vertices`]).
    #[inline]
    pub fn node_s(&self, p: usize, v: u32) -> f64 {
        match &self.trees[p] {
            Tree::Empty => f64::INFINITY,
            Tree::Every(t) => t.get(v as usize).map_or(f64::INFINITY, |&t| t as f64),
            Tree::Near { vertices, times_s } => vertices
                .binary_search(&v)
                .map_or(f64::INFINITY, |i| times_s[i] as f64),
        }
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

/// Per support point with an `area`, the vertices (ascending) its places can touch: every
/// vertex whose node lies in the bounding box of a district it serves, widened by
/// `margin_m`. `boxes[d]` must hold every place of district `d` (demand points and
/// centroids inside its outline, stations that name it); with `margin_m` = the snapping
/// distance + the longest segment, the ends of every place's segment, and of every
/// segment whose midpoint lies in the district, are inside. `None` for a point that
/// serves the whole region.
pub fn near_vertices(
    net: &Network,
    points: &[SupportPoint],
    boxes: &[Option<Rect<f64>>],
    margin_m: f64,
) -> Vec<Option<Vec<u32>>> {
    let proj = &net.projection;
    let (dlon, dlat) = (margin_m / proj.m_per_deg_lon, margin_m / proj.m_per_deg_lat);
    // Widen by the margin at the widest: m_per_deg_lon is the projection's, at its centre;
    // a province spans a few degrees of latitude, so widen by 10 % more.
    let (dlon, dlat) = (dlon * 1.1, dlat * 1.1);
    let rects: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = boxes
        .iter()
        .enumerate()
        .filter_map(|(d, b)| {
            let b = (*b)?;
            Some(GeomWithData::new(
                Rectangle::from_corners(
                    [b.min().x - dlon, b.min().y - dlat],
                    [b.max().x + dlon, b.max().y + dlat],
                ),
                d,
            ))
        })
        .collect();
    let tree = RTree::bulk_load(rects);
    // District → the points (with an area) serving it.
    let mut serving: Vec<Vec<u32>> = vec![Vec::new(); boxes.len()];
    for (p, point) in points.iter().enumerate() {
        if let (Some(area), true) = (&point.area, point.usable()) {
            for &d in area {
                if let Some(s) = serving.get_mut(d) {
                    s.push(p as u32);
                }
            }
        }
    }
    let mut pairs: Vec<(u32, u32)> = (0..net.vertex_count() as u32)
        .into_par_iter()
        .fold(Vec::new, |mut acc, v| {
            let n = &net.nodes[net.node_of(v) as usize];
            for r in tree.locate_all_at_point(&[n.lon, n.lat]) {
                acc.extend(serving[r.data].iter().map(|&p| (p, v)));
            }
            acc
        })
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    pairs.par_sort_unstable();
    pairs.dedup();
    let mut out: Vec<Option<Vec<u32>>> = points
        .iter()
        .map(|p| p.area.as_ref().map(|_| Vec::new()))
        .collect();
    for (p, v) in pairs {
        if let Some(Some(vs)) = out.get_mut(p as usize) {
            vs.push(v);
        }
    }
    out
}
