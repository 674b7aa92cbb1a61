//! Snapping: a point joins the network at the nearest point of the nearest segment
//! (DESIGN §3), nearest measured in the network's local projection.

use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;
use serde::{Deserialize, Serialize};

use super::raw::haversine_m;
use super::Network;

/// Where a point joins the network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SnapPoint {
    /// Index into [`Network::segments`].
    pub segment: u32,
    /// Position along the segment from its `a` node (0) to its `b` node (1).
    pub fraction: f64,
    /// Length of the access leg from the point to the snap point, metres (haversine).
    pub access_m: f64,
    pub lon: f64,
    pub lat: f64,
}

type SegmentEntry = GeomWithData<Line<[f64; 2]>, u32>;

/// R-tree over the network's segments in projected metres: those that may be driven in
/// at least one direction (a vehicle profile's barred roads are left out, so a place beside
/// one joins the nearest road that vehicle may use).
pub struct SnapIndex {
    tree: RTree<SegmentEntry>,
}

impl SnapIndex {
    pub fn new(net: &Network) -> SnapIndex {
        let proj = &net.projection;
        let entries = net
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.time_ab_s.is_finite() || s.time_ba_s.is_finite())
            .map(|(i, s)| {
                let a = &net.nodes[s.a as usize];
                let b = &net.nodes[s.b as usize];
                GeomWithData::new(
                    Line::new(proj.project(a.lon, a.lat), proj.project(b.lon, b.lat)),
                    i as u32,
                )
            })
            .collect();
        SnapIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// The nearest point of the nearest segment; `None` only for an empty network.
    /// Ties (equal distance) go to the lowest segment index, so results never depend
    /// on the tree's layout.
    pub fn snap(&self, net: &Network, lon: f64, lat: f64) -> Option<SnapPoint> {
        let p = net.projection.project(lon, lat);
        let mut nearest = self.tree.nearest_neighbor_iter_with_distance_2(&p);
        let (first, d0) = nearest.next()?;
        let mut seg = first.data;
        for (entry, d2) in nearest {
            if d2 > d0 {
                break;
            }
            seg = seg.min(entry.data);
        }
        let s = &net.segments[seg as usize];
        let a = &net.nodes[s.a as usize];
        let b = &net.nodes[s.b as usize];
        let pa = net.projection.project(a.lon, a.lat);
        let pb = net.projection.project(b.lon, b.lat);
        let (dx, dy) = (pb[0] - pa[0], pb[1] - pa[1]);
        let len2 = dx * dx + dy * dy;
        let fraction = if len2 > 0.0 {
            (((p[0] - pa[0]) * dx + (p[1] - pa[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let slon = a.lon + fraction * (b.lon - a.lon);
        let slat = a.lat + fraction * (b.lat - a.lat);
        Some(SnapPoint {
            segment: seg,
            fraction,
            access_m: haversine_m(lon, lat, slon, slat),
            lon: slon,
            lat: slat,
        })
    }
}
