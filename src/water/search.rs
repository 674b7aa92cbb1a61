//! The hose-distance search: road metres on the undirected road graph from many sources at
//! once, each node labelled with its nearest source.
//!
//! Hand-written rather than `network::search::Dijkstra` or petgraph: the engine's searches
//! run on directed travel times over search vertices (turn copies included), and neither
//! crate search carries the nearest source's label with a deterministic tie rule. This one
//! is a plain binary-heap Dijkstra over road nodes, O((n + m) log n).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use super::SourceDistance;
use crate::network::{Network, SnapPoint};

/// The undirected road graph in metres, CSR by node.
pub struct HoseSearch {
    first: Vec<u32>,
    /// (neighbour node, segment length in metres).
    adjacent: Vec<(u32, f64)>,
}

/// Nearest source per road node, and the sources that stand on each segment.
pub struct HoseLabels {
    /// Per node: (distance in metres, source index); `f64::INFINITY` where none reaches.
    node: Vec<(f64, usize)>,
    /// Per segment with a source on it: (source, fraction, access leg in metres).
    on_segment: HashMap<u32, Vec<(usize, f64, f64)>>,
}

#[derive(PartialEq)]
struct Entry {
    distance_m: f64,
    source: usize,
    node: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    /// Reversed: the smallest distance (then source, then node) on top of the heap.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .distance_m
            .total_cmp(&self.distance_m)
            .then_with(|| other.source.cmp(&self.source))
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The better of two labels: shorter, then the source listed first.
fn better(a: (f64, usize), b: (f64, usize)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
}

impl HoseSearch {
    /// Every segment of `net`, both ways, whatever its one-way rule or closure.
    pub fn new(net: &Network) -> HoseSearch {
        let n = net.node_count();
        let mut degree = vec![0u32; n + 1];
        for s in &net.segments {
            degree[s.a as usize] += 1;
            degree[s.b as usize] += 1;
        }
        let mut first = vec![0u32; n + 1];
        for i in 0..n {
            first[i + 1] = first[i] + degree[i];
        }
        let mut next = first.clone();
        let mut adjacent = vec![(0u32, 0.0f64); first[n] as usize];
        for s in &net.segments {
            let len = s.length_m as f64;
            adjacent[next[s.a as usize] as usize] = (s.b, len);
            next[s.a as usize] += 1;
            adjacent[next[s.b as usize] as usize] = (s.a, len);
            next[s.b as usize] += 1;
        }
        HoseSearch { first, adjacent }
    }

    /// Labels every node with its nearest source among `sources` (index, snap point).
    pub fn run(&self, net: &Network, sources: &[(usize, SnapPoint)]) -> HoseLabels {
        let n = self.first.len() - 1;
        let mut node = vec![(f64::INFINITY, usize::MAX); n];
        let mut heap = BinaryHeap::new();
        let mut on_segment: HashMap<u32, Vec<(usize, f64, f64)>> = HashMap::new();
        let mut seed = |node_idx: u32, d: f64, source: usize, heap: &mut BinaryHeap<Entry>| {
            let slot = &mut node[node_idx as usize];
            if better((d, source), *slot) {
                *slot = (d, source);
                heap.push(Entry {
                    distance_m: d,
                    source,
                    node: node_idx,
                });
            }
        };
        for &(source, p) in sources {
            let seg = &net.segments[p.segment as usize];
            let len = seg.length_m as f64;
            seed(seg.a, p.access_m + p.fraction * len, source, &mut heap);
            seed(
                seg.b,
                p.access_m + (1.0 - p.fraction) * len,
                source,
                &mut heap,
            );
            on_segment
                .entry(p.segment)
                .or_default()
                .push((source, p.fraction, p.access_m));
        }
        while let Some(Entry {
            distance_m,
            source,
            node: v,
        }) = heap.pop()
        {
            if node[v as usize] != (distance_m, source) {
                continue;
            }
            let (lo, hi) = (self.first[v as usize], self.first[v as usize + 1]);
            for &(w, len) in &self.adjacent[lo as usize..hi as usize] {
                let cand = (distance_m + len, source);
                if better(cand, node[w as usize]) {
                    node[w as usize] = cand;
                    heap.push(Entry {
                        distance_m: cand.0,
                        source,
                        node: w,
                    });
                }
            }
        }
        HoseLabels { node, on_segment }
    }
}

/// Where the sources enter the road graph: (source, node, metres) for both ends of each
/// source's segment, its access leg included.
pub fn seeds(net: &Network, sources: &[(usize, SnapPoint)]) -> Vec<(usize, u32, f64)> {
    let mut out = Vec::with_capacity(2 * sources.len());
    for &(source, p) in sources {
        let seg = &net.segments[p.segment as usize];
        let len = seg.length_m as f64;
        out.push((source, seg.a, p.access_m + p.fraction * len));
        out.push((source, seg.b, p.access_m + (1.0 - p.fraction) * len));
    }
    out
}

impl HoseLabels {
    /// The nearest source from a place joined to the roads at `p`, its access leg included.
    pub fn at(&self, net: &Network, p: &SnapPoint) -> Option<SourceDistance> {
        self.along(net, p.segment, p.fraction)
            .map(|(source, d)| SourceDistance {
                source,
                distance_m: d + p.access_m,
            })
    }

    /// The nearest source of road node `v` and its distance, metres (None: none reaches).
    pub fn node(&self, v: u32) -> Option<(usize, f64)> {
        let (d, s) = self.node[v as usize];
        d.is_finite().then_some((s, d))
    }

    /// The nearest source to the road point at `fraction` of `segment` and its distance in
    /// road metres (no access leg of the place).
    pub fn along(&self, net: &Network, segment: u32, fraction: f64) -> Option<(usize, f64)> {
        let seg = &net.segments[segment as usize];
        let len = seg.length_m as f64;
        let (da, sa) = self.node[seg.a as usize];
        let (db, sb) = self.node[seg.b as usize];
        let mut best = (da + fraction * len, sa);
        for cand in [(db + (1.0 - fraction) * len, sb)].into_iter().chain(
            self.same_segment(segment)
                .map(|&(s, f, access)| (access + (fraction - f).abs() * len, s)),
        ) {
            if better(cand, best) {
                best = cand;
            }
        }
        best.0.is_finite().then_some((best.1, best.0))
    }

    /// The pieces of `segment` (fractions, ascending) farther than `limit_m` along the roads
    /// from every source.
    pub fn beyond(&self, net: &Network, segment: u32, limit_m: f64) -> Vec<(f64, f64)> {
        let seg = &net.segments[segment as usize];
        let len = seg.length_m as f64;
        if len <= 0.0 {
            return Vec::new();
        }
        // The pieces within reach, as fraction intervals.
        let mut within: Vec<(f64, f64)> = Vec::new();
        let (da, _) = self.node[seg.a as usize];
        let (db, _) = self.node[seg.b as usize];
        if da <= limit_m {
            within.push((0.0, ((limit_m - da) / len).min(1.0)));
        }
        if db <= limit_m {
            within.push(((1.0 - (limit_m - db) / len).max(0.0), 1.0));
        }
        for &(_, f, access) in self.same_segment(segment) {
            if access <= limit_m {
                let r = (limit_m - access) / len;
                within.push(((f - r).max(0.0), (f + r).min(1.0)));
            }
        }
        within.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
        let mut out = Vec::new();
        let mut at = 0.0;
        // Pieces shorter than a millimetre are rounding, not gaps.
        let gap = |from: f64, to: f64| (to - from) * len > 1e-3;
        for (from, to) in within {
            if gap(at, from) {
                out.push((at, from));
            }
            at = f64::max(at, to);
        }
        if gap(at, 1.0) {
            out.push((at, 1.0));
        }
        out
    }

    fn same_segment(&self, segment: u32) -> impl Iterator<Item = &(usize, f64, f64)> {
        self.on_segment.get(&segment).into_iter().flatten()
    }
}
