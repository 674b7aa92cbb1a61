//! Shortest-time searches over the CSR arrays: the hot kernels, hand-written because
//! petgraph's Dijkstra is ~2.5× slower and has no cutoff (DESIGN §11).
//!
//! - [`two_nearest`]: bounded multi-source Dijkstra keeping, for every node, the first and
//!   the second *distinct* origin (station) and their times — one search gives first-due
//!   areas, response times and second-due coverage for all stations at once.
//! - [`Dijkstra`]: a reusable single-origin (multi-seed) search, for station-to-node trees.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Network;

/// Marks "no origin reaches this node".
pub const NO_ORIGIN: u32 = u32::MAX;

/// Where an origin enters the graph: `time_s` already includes everything before the
/// node (dispatch, turnout, access leg, the part of the snap segment).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seed {
    pub origin: u32,
    pub node: u32,
    pub time_s: f64,
}

/// Per node, the nearest and second-nearest distinct origins and their times
/// (`NO_ORIGIN` / `f64::INFINITY` when none within the cutoff).
#[derive(Debug, Clone, PartialEq)]
pub struct TwoNearest {
    pub first: Vec<u32>,
    pub first_s: Vec<f64>,
    pub second: Vec<u32>,
    pub second_s: Vec<f64>,
}

/// Heap key: (time bits, origin, node). Non-negative f64 bits order like the numbers, and
/// equal times go to the lower origin index, so results are deterministic.
type Entry = Reverse<(u64, u32, u32)>;

/// Multi-source Dijkstra with two labels per node: the first two distinct origins to reach
/// it. Labels later than `cutoff_s` are not settled. Every node settles at most two
/// labels and relaxes its edges once per label, so the work is O(2·E log E).
pub fn two_nearest(net: &Network, seeds: &[Seed], cutoff_s: f64) -> TwoNearest {
    let n = net.node_count();
    let mut first = vec![NO_ORIGIN; n];
    let mut first_s = vec![f64::INFINITY; n];
    let mut second = vec![NO_ORIGIN; n];
    let mut second_s = vec![f64::INFINITY; n];
    let mut heap: BinaryHeap<Entry> = BinaryHeap::with_capacity(n);
    for s in seeds {
        if s.time_s <= cutoff_s && s.time_s >= 0.0 {
            heap.push(Reverse((s.time_s.to_bits(), s.origin, s.node)));
        }
    }
    while let Some(Reverse((bits, origin, v))) = heap.pop() {
        let vi = v as usize;
        if second[vi] != NO_ORIGIN || first[vi] == origin {
            continue;
        }
        let t = f64::from_bits(bits);
        if first[vi] == NO_ORIGIN {
            first[vi] = origin;
            first_s[vi] = t;
        } else {
            second[vi] = origin;
            second_s[vi] = t;
        }
        for (u, w) in net.out_edges(v) {
            let ui = u as usize;
            if second[ui] != NO_ORIGIN || first[ui] == origin {
                continue;
            }
            let nt = t + w as f64;
            if nt <= cutoff_s {
                heap.push(Reverse((nt.to_bits(), origin, u)));
            }
        }
    }
    TwoNearest {
        first,
        first_s,
        second,
        second_s,
    }
}

/// A reusable single-origin search: buffers are kept between runs and only the touched
/// entries are reset, so many trees (one per station, depot or candidate) cost no
/// allocation. One `Dijkstra` per worker thread.
#[derive(Debug, Clone)]
pub struct Dijkstra {
    dist: Vec<f64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Dijkstra {
    pub fn new(node_count: usize) -> Self {
        Dijkstra {
            dist: vec![f64::INFINITY; node_count],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Shortest times from the seeds `(node, seconds)` to every node within `cutoff_s`
    /// (`f64::INFINITY` beyond). The slice is valid until the next run.
    pub fn run(&mut self, net: &Network, seeds: &[(u32, f64)], cutoff_s: f64) -> &[f64] {
        for &v in &self.touched {
            self.dist[v as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
        if self.dist.len() != net.node_count() {
            self.dist = vec![f64::INFINITY; net.node_count()];
        }
        for &(v, t) in seeds {
            if t <= cutoff_s && t < self.dist[v as usize] {
                if self.dist[v as usize].is_infinite() {
                    self.touched.push(v);
                }
                self.dist[v as usize] = t;
                self.heap.push(Reverse((t.to_bits(), v)));
            }
        }
        while let Some(Reverse((bits, v))) = self.heap.pop() {
            let t = f64::from_bits(bits);
            if t > self.dist[v as usize] {
                continue;
            }
            for (u, w) in net.out_edges(v) {
                let nt = t + w as f64;
                let du = &mut self.dist[u as usize];
                if nt < *du && nt <= cutoff_s {
                    if du.is_infinite() {
                        self.touched.push(u);
                    }
                    *du = nt;
                    self.heap.push(Reverse((nt.to_bits(), u)));
                }
            }
        }
        &self.dist
    }
}
