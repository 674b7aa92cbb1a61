//! Snapping: a point joins the network at the nearest point of the nearest segment
//! (DESIGN §3), nearest measured in the network's local projection.
//!
//! The index is a static packed R-tree: the drivable segments in Hilbert order of their
//! centres, grouped [`NODE`] to a box, boxes grouped [`NODE`] to a box up to one root. Its
//! only state beyond the network is that order ([`SnapIndex::order`]), so the prepared-
//! network cache stores it and a cached network gets its index back in one linear pass
//! ([`SnapIndex::from_order`]) instead of a bulk load that sorts millions of segments.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use rayon::prelude::*;
use rstar::primitives::Line;
use rstar::PointDistance;
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

/// Entries per leaf box and boxes per parent box.
const NODE: usize = 8;

/// A box `[min_x, min_y, max_x, max_y]` in projected metres.
type Bbox = [f64; 4];

/// Packed R-tree over the network's segments in projected metres: those that may be driven
/// in at least one direction (a vehicle profile's barred roads are left out, so a place
/// beside one joins the nearest road that vehicle may use). Cheap to clone (shared).
#[derive(Clone)]
pub struct SnapIndex {
    inner: Arc<Packed>,
}

struct Packed {
    /// Segment index of each entry, in tree order.
    order: Vec<u32>,
    /// Each entry's segment in projected metres, in tree order.
    lines: Vec<[[f64; 2]; 2]>,
    /// Boxes per level: `levels[0][i]` holds entries `i * NODE..`, `levels[k][i]` holds
    /// boxes `i * NODE..` of level `k - 1`; the last level is the root alone.
    levels: Vec<Vec<Bbox>>,
}

/// Whether segment `s` of `net` belongs in the index.
fn indexed(net: &Network, s: usize) -> bool {
    let s = &net.segments[s];
    s.time_ab_s.is_finite() || s.time_ba_s.is_finite()
}

/// Segment `s` of `net` in projected metres.
fn line_of(net: &Network, s: u32) -> [[f64; 2]; 2] {
    let proj = &net.projection;
    let s = &net.segments[s as usize];
    let a = &net.nodes[s.a as usize];
    let b = &net.nodes[s.b as usize];
    [proj.project(a.lon, a.lat), proj.project(b.lon, b.lat)]
}

/// Position of (x, y) on the Hilbert curve filling a 2¹⁶ × 2¹⁶ grid.
fn hilbert(mut x: u32, mut y: u32) -> u64 {
    const N: u32 = 1 << 16;
    let mut d = 0u64;
    let mut s = N / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = N - 1 - x;
                y = N - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

fn bbox_of_line(l: &[[f64; 2]; 2]) -> Bbox {
    [
        l[0][0].min(l[1][0]),
        l[0][1].min(l[1][1]),
        l[0][0].max(l[1][0]),
        l[0][1].max(l[1][1]),
    ]
}

fn union(a: Bbox, b: Bbox) -> Bbox {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// Squared distance from `p` to box `b` (0 inside).
fn box_distance_2(b: &Bbox, p: [f64; 2]) -> f64 {
    let dx = (b[0] - p[0]).max(p[0] - b[2]).max(0.0);
    let dy = (b[1] - p[1]).max(p[1] - b[3]).max(0.0);
    dx * dx + dy * dy
}

/// A box of the search queue, nearest first.
struct Queued {
    d2: f64,
    level: usize,
    index: usize,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    /// Reversed: `BinaryHeap` pops the nearest box first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .d2
            .total_cmp(&self.d2)
            .then_with(|| other.level.cmp(&self.level))
            .then_with(|| other.index.cmp(&self.index))
    }
}

impl SnapIndex {
    /// Indexes the drivable segments of `net`.
    pub fn new(net: &Network) -> SnapIndex {
        let entries: Vec<u32> = (0..net.segments.len())
            .filter(|&s| indexed(net, s))
            .map(|s| s as u32)
            .collect();
        let centres: Vec<[f64; 2]> = entries
            .par_iter()
            .map(|&s| {
                let l = line_of(net, s);
                [(l[0][0] + l[1][0]) / 2.0, (l[0][1] + l[1][1]) / 2.0]
            })
            .collect();
        let mut lo = [f64::INFINITY; 2];
        let mut hi = [f64::NEG_INFINITY; 2];
        for c in &centres {
            for k in 0..2 {
                lo[k] = lo[k].min(c[k]);
                hi[k] = hi[k].max(c[k]);
            }
        }
        let cell = |v: f64, k: usize| {
            let span = hi[k] - lo[k];
            if span > 0.0 && v.is_finite() {
                (((v - lo[k]) / span) * 65535.0).clamp(0.0, 65535.0) as u32
            } else {
                0
            }
        };
        let mut keyed: Vec<(u64, u32)> = entries
            .iter()
            .zip(&centres)
            .map(|(&s, c)| (hilbert(cell(c[0], 0), cell(c[1], 1)), s))
            .collect();
        // (key, segment) pairs are unique: the order does not depend on the sort.
        keyed.par_sort_unstable();
        let order = keyed.into_iter().map(|(_, s)| s).collect();
        SnapIndex::packed(net, order)
    }

    /// The index of `net` with its entries in `order` (a cached [`SnapIndex::order`]):
    /// refused unless `order` holds every drivable segment of `net` exactly once.
    pub fn from_order(net: &Network, order: Vec<u32>) -> Result<SnapIndex, String> {
        let mut seen = vec![false; net.segments.len()];
        for &s in &order {
            let i = s as usize;
            if i >= seen.len() || seen[i] || !indexed(net, i) {
                return Err(format!(
                    "the snapping order names segment {s} twice, or one not to index"
                ));
            }
            seen[i] = true;
        }
        let indexed_count = (0..net.segments.len()).filter(|&s| indexed(net, s)).count();
        if indexed_count != order.len() {
            return Err(format!(
                "the snapping order holds {} of {indexed_count} segments",
                order.len()
            ));
        }
        Ok(SnapIndex::packed(net, order))
    }

    /// The tree over `order` (checked): lines, then boxes level by level.
    fn packed(net: &Network, order: Vec<u32>) -> SnapIndex {
        let lines: Vec<[[f64; 2]; 2]> = order.par_iter().map(|&s| line_of(net, s)).collect();
        let mut levels: Vec<Vec<Bbox>> = vec![lines
            .par_chunks(NODE)
            .map(|c| c.iter().map(bbox_of_line).reduce(union).unwrap_or_default())
            .collect()];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let up = below
                .chunks(NODE)
                .map(|c| c.iter().copied().reduce(union).unwrap_or_default())
                .collect();
            levels.push(up);
        }
        SnapIndex {
            inner: Arc::new(Packed {
                order,
                lines,
                levels,
            }),
        }
    }

    /// The segments in the tree's order: with the network, all the index is.
    pub fn order(&self) -> &[u32] {
        &self.inner.order
    }

    /// The nearest segment to projected point `p` by rstar's point-to-line distance
    /// ([`Line::distance_2`]), the lowest index among equally near ones.
    fn nearest(&self, p: [f64; 2]) -> Option<u32> {
        let t = &*self.inner;
        let top = t.levels.len().checked_sub(1)?;
        if t.lines.is_empty() {
            return None;
        }
        let mut best: Option<(f64, u32)> = None;
        let mut queue = BinaryHeap::new();
        queue.push(Queued {
            d2: box_distance_2(&t.levels[top][0], p),
            level: top,
            index: 0,
        });
        // A box or segment farther than the best so far (with a hair of slack for rounding
        // between box and line distances) cannot hold an equally near or nearer segment.
        let beyond = |d2: f64, best: Option<(f64, u32)>| {
            best.is_some_and(|(b, _)| d2 > b + 1e-9 * (1.0 + b))
        };
        while let Some(q) = queue.pop() {
            if beyond(q.d2, best) {
                break;
            }
            let range = q.index * NODE;
            if q.level == 0 {
                let end = (range + NODE).min(t.lines.len());
                for e in range..end {
                    let l = &t.lines[e];
                    if beyond(box_distance_2(&bbox_of_line(l), p), best) {
                        continue;
                    }
                    let d2 = Line::new(l[0], l[1]).distance_2(&p);
                    let s = t.order[e];
                    match best {
                        Some((b, bs)) if d2 > b || (d2 == b && s > bs) => {}
                        // NaN only on a damaged network: never preferred.
                        _ if d2.is_nan() && best.is_some() => {}
                        _ => best = Some((d2, s)),
                    }
                }
            } else {
                let below = &t.levels[q.level - 1];
                let end = (range + NODE).min(below.len());
                for (i, b) in below.iter().enumerate().take(end).skip(range) {
                    let d2 = box_distance_2(b, p);
                    if !beyond(d2, best) {
                        queue.push(Queued {
                            d2,
                            level: q.level - 1,
                            index: i,
                        });
                    }
                }
            }
        }
        best.map(|(_, s)| s)
    }

    /// The nearest point of the nearest segment; `None` only for an empty network.
    /// Ties (equal distance) go to the lowest segment index, so results never depend
    /// on the tree's layout.
    pub fn snap(&self, net: &Network, lon: f64, lat: f64) -> Option<SnapPoint> {
        let p = net.projection.project(lon, lat);
        let seg = self.nearest(p)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::road::RoadClass;
    use crate::network::raw::{Highway, RawNode};
    use crate::network::{LocalProjection, Profile, Segment};

    /// A network of `segments` between `nodes` (lon, lat), one-way where a time is +∞.
    fn net(nodes: &[(f64, f64)], segments: &[(u32, u32, f32, f32)]) -> Network {
        let nodes: Vec<RawNode> = nodes
            .iter()
            .enumerate()
            .map(|(i, &(lon, lat))| RawNode {
                id: i as i64,
                lon,
                lat,
            })
            .collect();
        Network {
            projection: LocalProjection::around(&nodes),
            nodes,
            segments: segments
                .iter()
                .map(|&(a, b, ab, ba)| Segment {
                    a,
                    b,
                    highway: Highway {
                        class: RoadClass::Residential,
                        link: false,
                    },
                    length_m: 100.0,
                    time_ab_s: ab,
                    time_ba_s: ba,
                })
                .collect(),
            first_out: vec![0],
            head: Vec::new(),
            edge_time_s: Vec::new(),
            profile: Profile::Emergency,
            dropped_nodes: 0,
            turns: Default::default(),
            reversed: false,
            limits: Vec::new(),
        }
    }

    /// A grid of `k` × `k` nodes 0.001° apart, every neighbour pair a segment.
    fn grid(k: u32) -> Network {
        let mut nodes = Vec::new();
        for j in 0..k {
            for i in 0..k {
                nodes.push((8.0 + 0.001 * f64::from(i), 47.0 + 0.001 * f64::from(j)));
            }
        }
        let mut segs = Vec::new();
        for j in 0..k {
            for i in 0..k {
                let v = j * k + i;
                if i + 1 < k {
                    segs.push((v, v + 1, 1.0, 1.0));
                }
                if j + 1 < k {
                    segs.push((v, v + k, 1.0, f32::INFINITY));
                }
            }
        }
        net(&nodes, &segs)
    }

    /// The nearest segment by scanning every one (the definition the tree must meet).
    fn brute(n: &Network, lon: f64, lat: f64) -> Option<u32> {
        let p = n.projection.project(lon, lat);
        (0..n.segments.len())
            .filter(|&s| indexed(n, s))
            .map(|s| {
                let l = line_of(n, s as u32);
                (Line::new(l[0], l[1]).distance_2(&p), s as u32)
            })
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
            .map(|x| x.1)
    }

    #[test]
    fn nearest_segment_equals_a_scan_of_every_segment() {
        let n = grid(30);
        let index = SnapIndex::new(&n);
        assert!(index.inner.levels.len() >= 3, "a tree, not one leaf");
        let mut ties = 0;
        for j in 0..120 {
            for i in 0..120 {
                // Steps of a quarter grid cell: many points are equally near two segments
                // (on a node, or on the diagonal of a cell).
                let lon = 7.999 + 0.00025 * f64::from(i) * 1.04;
                let lat = 46.999 + 0.00025 * f64::from(j) * 1.04;
                let got = index.snap(&n, lon, lat).map(|s| s.segment);
                assert_eq!(got, brute(&n, lon, lat), "at {lon}, {lat}");
            }
        }
        // On a node: every segment ending there is at distance 0; the lowest index wins.
        for v in [0u32, 31, 465, 899] {
            let (lon, lat) = (n.nodes[v as usize].lon, n.nodes[v as usize].lat);
            let want = (0..n.segments.len() as u32)
                .find(|&s| n.segments[s as usize].a == v || n.segments[s as usize].b == v);
            assert_eq!(index.snap(&n, lon, lat).map(|s| s.segment), want);
            ties += 1;
        }
        assert_eq!(ties, 4);
    }

    #[test]
    fn undrivable_segments_are_not_indexed_and_empty_networks_snap_nowhere() {
        // Segment 0 is closed both ways: a point on it joins segment 1.
        let n = net(
            &[(8.0, 47.0), (8.001, 47.0), (8.0, 47.001)],
            &[(0, 1, f32::INFINITY, f32::INFINITY), (0, 2, 5.0, 5.0)],
        );
        let index = SnapIndex::new(&n);
        assert_eq!(index.order(), &[1]);
        let s = index.snap(&n, 8.0005, 47.0).unwrap();
        assert_eq!(s.segment, 1);
        assert_eq!(s.fraction, 0.0);
        // 0.0005° of longitude at 47° N is about 37.9 m.
        assert!((s.access_m - 37.9).abs() < 0.1, "{}", s.access_m);
        let empty = net(&[(8.0, 47.0)], &[]);
        assert!(SnapIndex::new(&empty).snap(&empty, 8.0, 47.0).is_none());
    }

    #[test]
    fn a_cached_order_gives_the_same_index_and_a_wrong_one_is_refused() {
        let n = grid(12);
        let index = SnapIndex::new(&n);
        let again = SnapIndex::from_order(&n, index.order().to_vec()).unwrap();
        assert_eq!(again.inner.lines, index.inner.lines);
        assert_eq!(again.inner.levels, index.inner.levels);
        // Any permutation gives the same answers (only speed depends on the order).
        let mut reversed = index.order().to_vec();
        reversed.reverse();
        let other = SnapIndex::from_order(&n, reversed).unwrap();
        for k in 0..200 {
            let lon = 8.0 + 0.011 * f64::from(k % 20) / 20.0;
            let lat = 47.0 + 0.011 * f64::from(k / 20) / 10.0;
            assert_eq!(
                other.snap(&n, lon, lat),
                index.snap(&n, lon, lat),
                "{lon} {lat}"
            );
        }
        let mut dup = index.order().to_vec();
        dup[1] = dup[0];
        assert!(SnapIndex::from_order(&n, dup).is_err());
        let short = index.order()[1..].to_vec();
        assert!(SnapIndex::from_order(&n, short).is_err());
        let mut out_of_range = index.order().to_vec();
        out_of_range[0] = n.segments.len() as u32;
        assert!(SnapIndex::from_order(&n, out_of_range).is_err());
    }

    #[test]
    fn hilbert_curve_visits_neighbours_in_turn() {
        // The first cells of the curve on the 2^16 grid: (0,0), (0,1), (1,1), (1,0) after
        // the orientation of the top level.
        let mut cells: Vec<(u64, (u32, u32))> = [(0, 0), (0, 1), (1, 0), (1, 1)]
            .into_iter()
            .map(|(x, y)| (hilbert(x, y), (x, y)))
            .collect();
        cells.sort();
        let d: Vec<u64> = cells.iter().map(|c| c.0).collect();
        assert_eq!(d, vec![0, 1, 2, 3]);
        // Consecutive cells are neighbours.
        for w in cells.windows(2) {
            let (a, b) = (w[0].1, w[1].1);
            assert_eq!(a.0.abs_diff(b.0) + a.1.abs_diff(b.1), 1, "{a:?} {b:?}");
        }
        assert_eq!(hilbert(65535, 0), (1u64 << 32) - 1);
    }
}
