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

use super::queue::{BucketQueue, BUCKET_WIDTH_S};
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

/// Per vertex (road node or turn-restriction copy), the nearest and second-nearest
/// distinct origins and their times
/// (`NO_ORIGIN` / `f64::INFINITY` when none within the cutoff).
#[derive(Debug, Clone, PartialEq)]
pub struct TwoNearest {
    pub first: Vec<u32>,
    pub first_s: Vec<f64>,
    pub second: Vec<u32>,
    pub second_s: Vec<f64>,
}

/// A start time the searches take: finite (an infinite one means "none" and must never
/// reach the queue), not negative, within the cutoff.
#[inline]
fn usable(t: f64, cutoff_s: f64) -> bool {
    t.is_finite() && (0.0..=cutoff_s).contains(&t)
}

/// The search's order: time, then origin index (deterministic ties).
#[inline]
fn earlier(ta: f64, oa: u32, tb: f64, ob: u32) -> bool {
    ta < tb || (ta == tb && oa < ob)
}

/// Labels of [`two_nearest`] per node: the first origin, and the best time of any other
/// origin seen so far (the second).
struct Labels {
    first: Vec<u32>,
    first_s: Vec<f64>,
    second: Vec<u32>,
    second_s: Vec<f64>,
}

impl Labels {
    /// Pass 1: offers `origin` at `t` to node `u`. True when it became the node's first (a
    /// displaced first of another origin becomes the second: it beats any second); else it
    /// may still become the second.
    #[inline]
    fn offer(&mut self, u: usize, t: f64, origin: u32) -> bool {
        if earlier(t, origin, self.first_s[u], self.first[u]) {
            if self.first[u] != origin {
                self.second[u] = self.first[u];
                self.second_s[u] = self.first_s[u];
            }
            self.first[u] = origin;
            self.first_s[u] = t;
            true
        } else {
            if self.first[u] != origin {
                self.offer_second(u, t, origin);
            }
            false
        }
    }

    /// Takes `origin` (never the node's first) at `t` as `u`'s second if it is earlier.
    #[inline]
    fn offer_second(&mut self, u: usize, t: f64, origin: u32) -> bool {
        if earlier(t, origin, self.second_s[u], self.second[u]) {
            self.second[u] = origin;
            self.second_s[u] = t;
            true
        } else {
            false
        }
    }
}

/// Multi-source search for the first two distinct origins to reach every node; labels
/// later than `cutoff_s` are not kept. Equal times go to the lower origin index.
///
/// Two passes of a one-label search. (1) The nearest origin `F(v)` of every node; every
/// relaxation that does not win a node's first is kept as a candidate second if it is of
/// another origin. (2) The second, `S(v)`: if the best origin other than `F(v)` reaches `v`
/// over the edge `u → v`, it is `F(u)` when `F(u) ≠ F(v)` — a candidate pass 1 saw when it
/// scanned `u` — else `S(u)` (an origin beaten at `u` by two others is beaten at `v` by
/// one of them that is not `F(v)`). So pass 2 starts from pass 1's candidates (real
/// arrivals, so never too early) and spreads only inside first-due areas.
pub fn two_nearest(net: &Network, seeds: &[Seed], cutoff_s: f64) -> TwoNearest {
    let n = net.vertex_count();
    let mut l = Labels {
        first: vec![NO_ORIGIN; n],
        first_s: vec![f64::INFINITY; n],
        second: vec![NO_ORIGIN; n],
        second_s: vec![f64::INFINITY; n],
    };
    // About one push per label; pass 2 reuses pass 1's buffers.
    let mut queue: BucketQueue<(f64, u32)> = BucketQueue::with_capacity(n);

    // Pass 1: the nearest origin. An entry is live while its time is the node's.
    for s in seeds {
        if usable(s.time_s, cutoff_s) && l.offer(s.node as usize, s.time_s, s.origin) {
            queue.push(s.time_s, (s.time_s, s.node));
        }
    }
    while let Some((t, v)) = queue.pop() {
        if t != l.first_s[v as usize] {
            continue; // stale: improved after it was pushed
        }
        let origin = l.first[v as usize];
        for (u, w) in net.out_edges(v) {
            let nt = t + w as f64;
            if nt <= cutoff_s && l.offer(u as usize, nt, origin) {
                queue.push(nt, (nt, u));
            }
        }
    }

    // Pass 2: the second origin, from the candidates, spreading inside first-due areas.
    for v in 0..n {
        let t = l.second_s[v];
        if usable(t, cutoff_s) {
            queue.push(t, (t, v as u32));
        }
    }
    while let Some((t, v)) = queue.pop() {
        if t != l.second_s[v as usize] {
            continue;
        }
        let (origin, area) = (l.second[v as usize], l.first[v as usize]);
        for (u, w) in net.out_edges(v) {
            let nt = t + w as f64;
            if l.first[u as usize] == area
                && nt <= cutoff_s
                && l.offer_second(u as usize, nt, origin)
            {
                queue.push(nt, (nt, u));
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
    queue: BucketQueue<(f64, u32)>,
    /// Per vertex, the first of its legs in [`Dijkstra::run_until_goals_final`]'s sorted
    /// list, or `u32::MAX`; allocated on first use and left all `u32::MAX` after each run.
    goal_leg: Vec<u32>,
}

impl Dijkstra {
    pub fn new(node_count: usize) -> Self {
        Dijkstra {
            dist: vec![f64::INFINITY; node_count],
            touched: Vec::new(),
            queue: BucketQueue::new(),
            goal_leg: Vec::new(),
        }
    }

    /// Forgets the last run: only the vertices it touched are reset.
    fn reset(&mut self, net: &Network) {
        for &v in &self.touched {
            self.dist[v as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.queue.clear();
        if self.dist.len() != net.vertex_count() {
            self.dist = vec![f64::INFINITY; net.vertex_count()];
        }
    }

    /// The vertices the last run gave a finite time, in the order it first reached them.
    pub fn reached(&self) -> &[u32] {
        &self.touched
    }

    /// The last run's times by vertex (`f64::INFINITY` where it did not reach).
    pub fn times(&self) -> &[f64] {
        &self.dist
    }

    /// Shortest times from the seeds `(node, seconds)` to every node within `cutoff_s`
    /// (`f64::INFINITY` beyond). The slice is valid until the next run.
    pub fn run(&mut self, net: &Network, seeds: &[(u32, f64)], cutoff_s: f64) -> &[f64] {
        self.reset(net);
        for &(v, t) in seeds {
            if usable(t, cutoff_s) && t < self.dist[v as usize] {
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

    /// The times of `goals` from the seeds: goal `g` is reached through any of its legs
    /// `(vertex, seconds)` at the least of the vertex's time rounded to f32 (as a tree
    /// stores it) plus the leg (`f64::INFINITY` when none is reachable). Searches without a
    /// cutoff but stops once every goal is final — no entry left in the queue could lower
    /// it — so a search for goals near the seeds stays near them even when one of a goal's
    /// vertices cannot be reached at all.
    pub fn run_until_goals_final(
        &mut self,
        net: &Network,
        seeds: &[(u32, f64)],
        goals: &[Vec<(u32, f64)>],
    ) -> Vec<f64> {
        let legs: Vec<(u32, u32, f64)> = goals
            .iter()
            .enumerate()
            .flat_map(|(g, l)| l.iter().map(move |&(v, t)| (v, g as u32, t)))
            .collect();
        self.run_until_legs_final(net, seeds, &legs, goals.len())
    }

    /// As [`Dijkstra::run_until_goals_final`] with the goals' legs as one list of
    /// `(vertex, goal, seconds)`, for callers that build it without an
    /// allocation per goal.
    pub fn run_until_legs_final(
        &mut self,
        net: &Network,
        seeds: &[(u32, f64)],
        legs: &[(u32, u32, f64)],
        goal_count: usize,
    ) -> Vec<f64> {
        self.reset(net);
        if self.goal_leg.len() != net.vertex_count() {
            self.goal_leg = vec![u32::MAX; net.vertex_count()];
        }
        // Each vertex's legs as a list through `next_leg` (no sort: the order within a
        // vertex does not change a least time).
        let mut next_leg = vec![u32::MAX; legs.len()];
        for (i, l) in legs.iter().enumerate() {
            next_leg[i] = self.goal_leg[l.0 as usize];
            self.goal_leg[l.0 as usize] = i as u32;
        }
        let mut best_s = vec![f64::INFINITY; goal_count];
        let mut unreached = goal_count;
        // An upper bound of the latest goal's time (a goal's time only falls).
        let mut latest_s = 0.0f64;
        for &(v, t) in seeds {
            if usable(t, f64::INFINITY) && t < self.dist[v as usize] {
                if self.dist[v as usize].is_infinite() {
                    self.touched.push(v);
                }
                self.dist[v as usize] = t;
                self.queue.push(t, (t, v));
            }
        }
        while let Some((t, v)) = self.queue.pop() {
            // Entries left are at least a bucket before `t`; f32 rounding is far smaller
            // than the second bucket of margin.
            if unreached == 0 && t >= latest_s + 2.0 * BUCKET_WIDTH_S {
                break;
            }
            if t > self.dist[v as usize] {
                continue;
            }
            let mut i = self.goal_leg[v as usize];
            while i != u32::MAX {
                let (_, g, leg_s) = legs[i as usize];
                let at = t as f32 as f64 + leg_s;
                let b = &mut best_s[g as usize];
                if at < *b {
                    if b.is_infinite() {
                        unreached -= 1;
                    }
                    *b = at;
                    latest_s = latest_s.max(at);
                }
                i = next_leg[i as usize];
            }
            for (u, w) in net.out_edges(v) {
                let nt = t + w as f64;
                let du = &mut self.dist[u as usize];
                if nt < *du {
                    if du.is_infinite() {
                        self.touched.push(u);
                    }
                    *du = nt;
                    self.queue.push(nt, (nt, u));
                }
            }
        }
        for l in legs.iter() {
            self.goal_leg[l.0 as usize] = u32::MAX;
        }
        best_s
    }

    /// As [`Dijkstra::run`] without a cutoff, but stops once every vertex of `targets` is
    /// final: the times of `targets` are exact, other vertices' may be too high. Final
    /// means no entry left in the queue is earlier: all targets reached, and the entry
    /// popped lies a bucket past the latest of them.
    pub fn run_until_final(
        &mut self,
        net: &Network,
        seeds: &[(u32, f64)],
        targets: &[u32],
    ) -> &[f64] {
        self.reset(net);
        let mut is_target = vec![false; net.vertex_count()];
        for &v in targets {
            is_target[v as usize] = true;
        }
        let mut unreached = targets.len();
        let mut latest_s = 0.0f64;
        let reach = |v: u32, t: f64, before: f64, unreached: &mut usize, latest_s: &mut f64| {
            if is_target[v as usize] {
                if before.is_infinite() {
                    *unreached -= 1;
                }
                // A target's time only falls, so the latest of them is tracked from above.
                *latest_s = latest_s.max(t);
            }
        };
        for &(v, t) in seeds {
            let before = self.dist[v as usize];
            if usable(t, f64::INFINITY) && t < before {
                if before.is_infinite() {
                    self.touched.push(v);
                }
                reach(v, t, before, &mut unreached, &mut latest_s);
                self.dist[v as usize] = t;
                self.queue.push(t, (t, v));
            }
        }
        while let Some((t, v)) = self.queue.pop() {
            if unreached == 0 && t >= latest_s + BUCKET_WIDTH_S {
                break;
            }
            if t > self.dist[v as usize] {
                continue;
            }
            for (u, w) in net.out_edges(v) {
                let nt = t + w as f64;
                let before = self.dist[u as usize];
                if nt < before {
                    if before.is_infinite() {
                        self.touched.push(u);
                    }
                    reach(u, nt, before, &mut unreached, &mut latest_s);
                    self.dist[u as usize] = nt;
                    self.queue.push(nt, (nt, u));
                }
            }
        }
        &self.dist
    }
}
