//! Shortest-time searches over the CSR arrays: the hot kernels, hand-written because
//! petgraph's Dijkstra (a binary heap, no cutoff, one label) is several times slower and
//! cannot carry the second station (DESIGN §11; BENCHMARKS.md).
//!
//! - [`two_nearest`]: bounded multi-source search keeping, for every node, the first and
//!   the second *distinct* origin (station) and their times — one call gives first-due
//!   areas, response times and second-due coverage for all stations at once.
//! - [`Dijkstra`]: a reusable single-origin (multi-seed) search, for station-to-node trees.
//!
//! Both run label-correcting over the bucket queue of [`super::queue`]: the times they
//! return are exactly Dijkstra's.

use super::queue::BucketQueue;
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

/// The search's order: time, then origin index (deterministic ties).
#[inline]
fn earlier(ta: f64, oa: u32, tb: f64, ob: u32) -> bool {
    ta < tb || (ta == tb && oa < ob)
}

/// One label per node: an origin and its time.
struct Label<'a> {
    origin: &'a mut [u32],
    time_s: &'a mut [f64],
}

impl Label<'_> {
    /// Takes `origin` at `t` for node `u` if it is earlier than the node's label.
    #[inline]
    fn offer(&mut self, u: usize, t: f64, origin: u32) -> bool {
        if earlier(t, origin, self.time_s[u], self.origin[u]) {
            self.origin[u] = origin;
            self.time_s[u] = t;
            true
        } else {
            false
        }
    }
}

/// Multi-source search for the first two distinct origins to reach every node; labels
/// later than `cutoff_s` are not kept. Equal times go to the lower origin index.
///
/// Two passes of a one-label search. (1) The nearest origin `F(v)` of every node. (2) The
/// second, `S(v)`: if the best origin other than `F(v)` reaches `v` over the edge `u → v`,
/// it is `F(u)` when `F(u) ≠ F(v)`, else `S(u)` (an origin beaten at `u` by two others is
/// beaten at `v` by one of them that is not `F(v)`). So pass 2 starts from the edges that
/// leave a first-due area (and seeds of a non-nearest origin) and spreads only inside
/// first-due areas. Measured about as fast as one label-correcting search carrying two
/// labels per node, and each pass is a plain one-label search, exact for the same reason.
pub fn two_nearest(net: &Network, seeds: &[Seed], cutoff_s: f64) -> TwoNearest {
    let n = net.node_count();
    let mut first = vec![NO_ORIGIN; n];
    let mut first_s = vec![f64::INFINITY; n];
    let mut second = vec![NO_ORIGIN; n];
    let mut second_s = vec![f64::INFINITY; n];
    // About one push per label; pass 2 reuses pass 1's buffers.
    let mut queue: BucketQueue<(f64, u32)> = BucketQueue::with_capacity(n);
    let mut f = Label {
        origin: &mut first,
        time_s: &mut first_s,
    };
    nearest_pass(net, seeds, cutoff_s, &mut f, &mut queue);
    let mut s2 = Label {
        origin: &mut second,
        time_s: &mut second_s,
    };
    second_pass(net, seeds, cutoff_s, &first, &first_s, &mut s2, &mut queue);
    TwoNearest {
        first,
        first_s,
        second,
        second_s,
    }
}

/// Pass 1 of [`two_nearest`]: the nearest origin of every node.
fn nearest_pass(
    net: &Network,
    seeds: &[Seed],
    cutoff_s: f64,
    f: &mut Label,
    queue: &mut BucketQueue<(f64, u32)>,
) {
    for s in seeds {
        if (0.0..=cutoff_s).contains(&s.time_s) && f.offer(s.node as usize, s.time_s, s.origin) {
            queue.push(s.time_s, (s.time_s, s.node));
        }
    }
    while let Some((t, v)) = queue.pop() {
        if t != f.time_s[v as usize] {
            continue; // stale: improved after it was pushed
        }
        let origin = f.origin[v as usize];
        for (u, w) in net.out_edges(v) {
            let nt = t + w as f64;
            if nt <= cutoff_s && f.offer(u as usize, nt, origin) {
                queue.push(nt, (nt, u));
            }
        }
    }
}

/// Pass 2 of [`two_nearest`]: the second origin, from seeds and first-due boundaries,
/// spreading inside first-due areas.
fn second_pass(
    net: &Network,
    seeds: &[Seed],
    cutoff_s: f64,
    first: &[u32],
    first_s: &[f64],
    s2: &mut Label,
    queue: &mut BucketQueue<(f64, u32)>,
) {
    for s in seeds {
        let v = s.node as usize;
        if (0.0..=cutoff_s).contains(&s.time_s)
            && first[v] != s.origin
            && s2.offer(v, s.time_s, s.origin)
        {
            queue.push(s.time_s, (s.time_s, s.node));
        }
    }
    for v in 0..first.len() as u32 {
        let (fv, tv) = (first[v as usize], first_s[v as usize]);
        if fv == NO_ORIGIN {
            continue;
        }
        for (u, w) in net.out_edges(v) {
            let nt = tv + w as f64;
            if first[u as usize] != fv && nt <= cutoff_s && s2.offer(u as usize, nt, fv) {
                queue.push(nt, (nt, u));
            }
        }
    }
    while let Some((t, v)) = queue.pop() {
        if t != s2.time_s[v as usize] {
            continue;
        }
        let (origin, area) = (s2.origin[v as usize], first[v as usize]);
        for (u, w) in net.out_edges(v) {
            let nt = t + w as f64;
            if first[u as usize] == area && nt <= cutoff_s && s2.offer(u as usize, nt, origin) {
                queue.push(nt, (nt, u));
            }
        }
    }
}

/// A reusable single-origin search: buffers are kept between runs and only the touched
/// entries are reset, so many trees (one per station, depot or candidate) cost no
/// allocation. One `Dijkstra` per worker thread.
#[derive(Debug, Clone)]
pub struct Dijkstra {
    dist: Vec<f64>,
    touched: Vec<u32>,
    queue: BucketQueue<(f64, u32)>,
}

impl Dijkstra {
    pub fn new(node_count: usize) -> Self {
        Dijkstra {
            dist: vec![f64::INFINITY; node_count],
            touched: Vec::new(),
            queue: BucketQueue::new(),
        }
    }

    /// Shortest times from the seeds `(node, seconds)` to every node within `cutoff_s`
    /// (`f64::INFINITY` beyond). The slice is valid until the next run.
    pub fn run(&mut self, net: &Network, seeds: &[(u32, f64)], cutoff_s: f64) -> &[f64] {
        for &v in &self.touched {
            self.dist[v as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.queue.clear();
        if self.dist.len() != net.node_count() {
            self.dist = vec![f64::INFINITY; net.node_count()];
        }
        for &(v, t) in seeds {
            if t <= cutoff_s && t >= 0.0 && t < self.dist[v as usize] {
                if self.dist[v as usize].is_infinite() {
                    self.touched.push(v);
                }
                self.dist[v as usize] = t;
                self.queue.push(t, (t, v));
            }
        }
        // Label-correcting over the bucket queue (see [`super::queue`]).
        while let Some((t, v)) = self.queue.pop() {
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
                    self.queue.push(nt, (nt, u));
                }
            }
        }
        &self.dist
    }
}
