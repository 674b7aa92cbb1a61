//! Coverage sets: which demand points each candidate reaches within the threshold — one
//! bounded search per candidate (in parallel, one search buffer per worker), the response
//! at a demand point computed exactly as [`crate::coverage::response_at`] does (candidate
//! offset = dispatch + turnout + access leg, seeded into the search; the demand point's
//! own access leg added at the end). Stored sparse (CSR), never candidates × demand.

use std::collections::HashMap;

use crate::progress::Progress;
use rayon::prelude::*;

use crate::coverage::{place_stations, response_at, seeds};
use crate::model::Station;
use crate::network::search::{two_nearest, Dijkstra};
use crate::network::{access_time_s, Network, SnapIndex, SnapPoint};
use crate::params::ResponseParams;

/// Compressed sparse rows: row `r` is `items[offsets[r]..offsets[r + 1]]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Csr {
    pub offsets: Vec<usize>,
    pub items: Vec<u32>,
}

impl Csr {
    pub fn from_rows(rows: Vec<Vec<u32>>) -> Csr {
        let mut offsets = Vec::with_capacity(rows.len() + 1);
        offsets.push(0);
        let mut items = Vec::with_capacity(rows.iter().map(Vec::len).sum());
        for r in rows {
            items.extend_from_slice(&r);
            offsets.push(items.len());
        }
        Csr { offsets, items }
    }
    pub fn rows(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    #[inline]
    pub fn row(&self, r: usize) -> &[u32] {
        &self.items[self.offsets[r]..self.offsets[r + 1]]
    }
    /// Rows of the transpose (`cols` columns).
    pub fn transpose(&self, cols: usize) -> Csr {
        let mut counts = vec![0usize; cols + 1];
        for &c in &self.items {
            counts[c as usize + 1] += 1;
        }
        for i in 0..cols {
            counts[i + 1] += counts[i];
        }
        let offsets = counts.clone();
        let mut fill = counts;
        let mut items = vec![0u32; self.items.len()];
        for r in 0..self.rows() {
            for &c in self.row(r) {
                items[fill[c as usize]] = r as u32;
                fill[c as usize] += 1;
            }
        }
        Csr { offsets, items }
    }
}

/// A site that may open: its snap point and its offset (dispatch + turnout + access leg).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    pub snap: SnapPoint,
    pub offset_s: f64,
}

impl Site {
    pub fn new(snap: SnapPoint, params: &ResponseParams) -> Site {
        Site {
            snap,
            offset_s: params.dispatch_s + params.turnout_s + access_time_s(snap.access_m),
        }
    }
}

/// For each demand point (on the network), how many existing responding stations reach it
/// within `threshold_s`, capped at 2 — from one two-label search of all stations.
pub fn existing_counts(
    net: &Network,
    index: &SnapIndex,
    stations: &[Station],
    params: &ResponseParams,
    max_snap_m: f64,
    demand: &[SnapPoint],
) -> Vec<u8> {
    let (_, origins) = place_stations(net, index, stations, params, max_snap_m);
    let thr = params.threshold_s;
    let labels = two_nearest(net, &seeds(net, &origins), thr);
    let mut on_segment: HashMap<u32, Vec<u32>> = HashMap::new();
    for (o, p) in origins.iter().enumerate() {
        on_segment.entry(p.snap.segment).or_default().push(o as u32);
    }
    demand
        .par_iter()
        .map(|sp| {
            let r = response_at(net, &labels, &origins, &on_segment, sp);
            let leg = access_time_s(sp.access_m);
            let within = |x: Option<(u32, f64)>| x.is_some_and(|(_, t)| t + leg <= thr);
            within(r.first) as u8 + within(r.second) as u8
        })
        .collect()
}

/// Coverage sets of `sites` over `demand` within `threshold_s`: row `i` lists (sorted)
/// the demand indices site `i` reaches, keeping only those `keep` accepts. `progress` is
/// advanced once per site.
pub fn cover_sets(
    net: &Network,
    sites: &[Site],
    demand: &[SnapPoint],
    threshold_s: f64,
    keep: &(dyn Fn(usize) -> bool + Sync),
    progress: &dyn Progress,
) -> Csr {
    // Node → (demand index, seconds from the node to the demand point's snap point); sums
    // are formed in the same order as `coverage::evaluate` ((node + along) + access leg).
    let n = net.vertex_count();
    let legs: Vec<f64> = demand.iter().map(|sp| access_time_s(sp.access_m)).collect();
    let mut per_node: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    let mut per_segment: HashMap<u32, Vec<u32>> = HashMap::new();
    for (j, sp) in demand.iter().enumerate() {
        if !keep(j) {
            continue;
        }
        for (node, t) in net.arrivals(sp) {
            per_node[node as usize].push((j as u32, t));
        }
        per_segment.entry(sp.segment).or_default().push(j as u32);
    }
    let mut node_offsets = Vec::with_capacity(n + 1);
    node_offsets.push(0usize);
    let mut node_items: Vec<(u32, f64)> = Vec::new();
    for l in per_node {
        node_items.extend(l);
        node_offsets.push(node_items.len());
    }
    let rows: Vec<Vec<u32>> = sites
        .par_iter()
        .map_init(
            || (Dijkstra::new(n), vec![u32::MAX; demand.len()], 0u32),
            |(dij, mark, stamp), site| {
                *stamp = stamp.wrapping_add(1);
                if *stamp == u32::MAX {
                    mark.iter_mut().for_each(|m| *m = u32::MAX);
                    *stamp = 0;
                }
                let s = *stamp;
                let mut row = Vec::new();
                let seeds: Vec<(u32, f64)> = net
                    .departures(&site.snap)
                    .into_iter()
                    .map(|(v, t)| (v, site.offset_s + t))
                    .collect();
                let dist = dij.run(net, &seeds, threshold_s);
                for (v, &d) in dist.iter().enumerate() {
                    if d.is_finite() {
                        for &(j, t) in &node_items[node_offsets[v]..node_offsets[v + 1]] {
                            if mark[j as usize] != s && d + t + legs[j as usize] <= threshold_s {
                                mark[j as usize] = s;
                                row.push(j);
                            }
                        }
                    }
                }
                if let Some(list) = per_segment.get(&site.snap.segment) {
                    for &j in list {
                        let dp = &demand[j as usize];
                        if mark[j as usize] == s {
                            continue;
                        }
                        if let Some(t) = net.along_segment_s(&site.snap, dp) {
                            if site.offset_s + t + legs[j as usize] <= threshold_s {
                                mark[j as usize] = s;
                                row.push(j);
                            }
                        }
                    }
                }
                row.sort_unstable();
                progress.advance(1);
                row
            },
        )
        .collect();
    Csr::from_rows(rows)
}
