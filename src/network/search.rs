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

/// Labels of [`two_nearest`] while it runs: per node the best two tentative labels of
/// distinct origins, and how many of them are settled (final).
struct Labels {
    first: Vec<u32>,
    first_s: Vec<f64>,
    second: Vec<u32>,
    second_s: Vec<f64>,
    settled: Vec<u8>,
}

/// The search's order: time, then origin index (deterministic ties).
#[inline]
fn earlier(ta: f64, oa: u32, tb: f64, ob: u32) -> bool {
    ta < tb || (ta == tb && oa < ob)
}

impl Labels {
    /// Offers `origin` at `t` to node `u`; true when it entered the node's best two (then it
    /// must be pushed). Settled labels never change.
    #[inline]
    fn offer(&mut self, u: usize, t: f64, origin: u32) -> bool {
        match self.settled[u] {
            2 => return false,
            0 if earlier(t, origin, self.first_s[u], self.first[u]) => {
                if self.first[u] != origin {
                    // The old first beats any old second: it becomes the second.
                    self.second[u] = self.first[u];
                    self.second_s[u] = self.first_s[u];
                }
                self.first[u] = origin;
                self.first_s[u] = t;
                return true;
            }
            _ => {}
        }
        if self.first[u] == origin || !earlier(t, origin, self.second_s[u], self.second[u]) {
            return false;
        }
        self.second[u] = origin;
        self.second_s[u] = t;
        true
    }
}

/// Multi-source Dijkstra with two labels per node: the first two distinct origins to reach
/// it. Labels later than `cutoff_s` are not settled.
///
/// An entry is pushed only when it enters its node's best two tentative labels, and a
/// popped entry that no longer matches its label is stale; every node settles at most two
/// labels and relaxes its edges once per label: O(2·E log E).
pub fn two_nearest(net: &Network, seeds: &[Seed], cutoff_s: f64) -> TwoNearest {
    let n = net.node_count();
    let mut l = Labels {
        first: vec![NO_ORIGIN; n],
        first_s: vec![f64::INFINITY; n],
        second: vec![NO_ORIGIN; n],
        second_s: vec![f64::INFINITY; n],
        settled: vec![0; n],
    };
    let mut heap: BinaryHeap<Entry> = BinaryHeap::with_capacity(n);
    for s in seeds {
        if s.time_s <= cutoff_s && s.time_s >= 0.0 && l.offer(s.node as usize, s.time_s, s.origin) {
            heap.push(Reverse((s.time_s.to_bits(), s.origin, s.node)));
        }
    }
    while let Some(Reverse((bits, origin, v))) = heap.pop() {
        let vi = v as usize;
        let t = f64::from_bits(bits);
        let current = match l.settled[vi] {
            0 => l.first[vi] == origin && l.first_s[vi] == t,
            1 => l.second[vi] == origin && l.second_s[vi] == t,
            _ => false,
        };
        if !current {
            continue; // stale: a better label replaced it after it was pushed
        }
        l.settled[vi] += 1;
        for (u, w) in net.out_edges(v) {
            let nt = t + w as f64;
            if nt <= cutoff_s && l.offer(u as usize, nt, origin) {
                heap.push(Reverse((nt.to_bits(), origin, u)));
            }
        }
    }
    TwoNearest {
        first: l.first,
        first_s: l.first_s,
        second: l.second,
        second_s: l.second_s,
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
