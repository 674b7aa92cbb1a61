//! Routes from a station to the places of its records, split by road group: how many
//! free-flow seconds the route drives on motorway/trunk, primary/secondary and local
//! roads. The route is the fastest under the current travel-time factors, so once the fit
//! has found that main roads are relatively quicker, routes move onto them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::network::{access_time_s, Network, SnapPoint};
use crate::params::{RoadGroup, TimeFactors};

/// One trip, split: free-flow seconds per road group (in [`RoadGroup::ALL`] order) and the
/// two access legs (station to road, road to place), which no factor scales.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RouteSplit {
    pub free_flow_s: [f64; 3],
    pub access_s: f64,
}

impl RouteSplit {
    /// Travel seconds under `factors`, access legs included.
    pub fn travel_s(&self, factors: &TimeFactors) -> f64 {
        RoadGroup::ALL
            .iter()
            .zip(&self.free_flow_s)
            .map(|(&g, t)| factors.get(g) * t)
            .sum::<f64>()
            + self.access_s
    }

    /// The group the route spends most free-flow time on.
    pub fn main_group(&self) -> RoadGroup {
        let mut best = 2;
        for g in [1, 0] {
            if self.free_flow_s[g] > self.free_flow_s[best] {
                best = g;
            }
        }
        RoadGroup::ALL[best]
    }
}

/// The road group of every directed edge of a network (CSR order) and of every segment.
#[derive(Debug, Clone)]
pub struct EdgeGroups {
    edge: Vec<u8>,
    segment: Vec<u8>,
}

impl EdgeGroups {
    pub fn new(net: &Network) -> EdgeGroups {
        let segment: Vec<u8> = net
            .segments
            .iter()
            .map(|s| RoadGroup::of(s.highway.class) as u8)
            .collect();
        let mut pairs: Vec<(u32, u32, u32)> = net
            .segments
            .iter()
            .enumerate()
            .map(|(i, s)| (s.a.min(s.b), s.a.max(s.b), i as u32))
            .collect();
        pairs.sort_unstable();
        let mut edge = vec![RoadGroup::Local as u8; net.edge_count()];
        for v in 0..net.vertex_count() {
            let first = net.first_out[v] as usize;
            let x = net.node_of(v as u32);
            for (k, (u, _)) in net.out_edges(v as u32).enumerate() {
                let y = net.node_of(u);
                let key = (x.min(y), x.max(y));
                if let Ok(i) = pairs.binary_search_by(|p| (p.0, p.1).cmp(&key)) {
                    edge[first + k] = segment[pairs[i].2 as usize];
                }
            }
        }
        EdgeGroups { edge, segment }
    }
}

fn factor(factors: &TimeFactors, group: u8) -> f64 {
    factors.get(RoadGroup::ALL[group as usize])
}

/// The fastest route under `factors` from `origin` (a station's snap point) to each of
/// `places`, split by road group; `None` for a place the station cannot reach.
pub fn split_routes(
    net: &Network,
    groups: &EdgeGroups,
    factors: &TimeFactors,
    origin: &SnapPoint,
    places: &[SnapPoint],
) -> Vec<Option<RouteSplit>> {
    let n = net.vertex_count();
    let mut dist = vec![f64::INFINITY; n];
    let mut split = vec![[0.0f64; 3]; n];
    let mut heap = BinaryHeap::new();
    let g0 = groups.segment[origin.segment as usize];
    for (v, t) in net.departures(origin) {
        let cost = t * factor(factors, g0);
        if cost < dist[v as usize] {
            dist[v as usize] = cost;
            split[v as usize] = [0.0; 3];
            split[v as usize][g0 as usize] = t;
            heap.push(Reverse((cost.to_bits(), v)));
        }
    }
    // Times are ≥ 0, so their bit patterns order like the numbers: a deterministic heap.
    while let Some(Reverse((bits, v))) = heap.pop() {
        let t = f64::from_bits(bits);
        if t > dist[v as usize] {
            continue;
        }
        let first = net.first_out[v as usize] as usize;
        for (k, (u, w)) in net.out_edges(v).enumerate() {
            let g = groups.edge[first + k];
            let nt = t + w as f64 * factor(factors, g);
            if nt < dist[u as usize] {
                dist[u as usize] = nt;
                let mut s = split[v as usize];
                s[g as usize] += w as f64;
                split[u as usize] = s;
                heap.push(Reverse((nt.to_bits(), u)));
            }
        }
    }
    let origin_access_s = access_time_s(origin.access_m);
    places
        .iter()
        .map(|p| {
            let g = groups.segment[p.segment as usize];
            let f = factor(factors, g);
            let mut best: Option<(f64, [f64; 3])> = None;
            let mut offer = |cost: f64, s: [f64; 3]| {
                if cost.is_finite() && best.is_none_or(|(c, _)| cost < c) {
                    best = Some((cost, s));
                }
            };
            for (v, t) in net.arrivals(p) {
                let mut s = split[v as usize];
                s[g as usize] += t;
                offer(dist[v as usize] + t * f, s);
            }
            if let Some(t) = net.along_segment_s(origin, p) {
                let mut s = [0.0; 3];
                s[g as usize] = t;
                offer(t * f, s);
            }
            best.map(|(_, free_flow_s)| RouteSplit {
                free_flow_s,
                access_s: origin_access_s + access_time_s(p.access_m),
            })
        })
        .collect()
}
