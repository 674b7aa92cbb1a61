//! Building the routable graph from a [`RawNetwork`]: speeds and edge times (DESIGN §3),
//! the "faster edge counts" rule, largest strongly connected component, compact CSR arrays.

use std::collections::HashMap;

use geo::{ConvexHull, MultiPoint, MultiPolygon, Point};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use super::raw::{Highway, Oneway, RawNetwork, RawNode, RoadLimits};
use super::turns::{Turn, TurnTable};
use super::LocalProjection;
use crate::model::{District, DistrictKind};
use crate::params::NetworkParams;

/// Which vehicles drive the graph (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Profile {
    /// Fire engines on an emergency run: class speeds, `maxspeed` cap, × `speed_factor`.
    Emergency,
    /// Logistics-support vehicles: (class speed after the `maxspeed` cap) × 0.85, capped at
    /// 70 km/h, then × `speed_factor`.
    Logistics,
}

/// A road segment between two graph nodes, kept once for both directions: the geometry
/// that snapping, road coverage and the GIS layers use. Times are `f32::INFINITY` in a
/// direction that may not be driven.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub a: u32,
    pub b: u32,
    pub highway: Highway,
    pub length_m: f32,
    /// Seconds to drive from `a` to `b`.
    pub time_ab_s: f32,
    /// Seconds to drive from `b` to `a`.
    pub time_ba_s: f32,
}

impl Segment {
    /// The same road with its two directions swapped.
    pub fn turned_round(&self) -> Segment {
        Segment {
            time_ab_s: self.time_ba_s,
            time_ba_s: self.time_ab_s,
            ..*self
        }
    }
}

/// The prepared road network: nodes, segments and a CSR adjacency of directed edges
/// between *vertices*: the road nodes, then one vertex per (node, arriving road) pair that
/// a turn restriction names ([`super::turns`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub nodes: Vec<RawNode>,
    pub segments: Vec<Segment>,
    /// CSR: the out-edges of vertex `v` are `first_out[v]..first_out[v + 1]`.
    pub first_out: Vec<u32>,
    pub head: Vec<u32>,
    pub edge_time_s: Vec<f32>,
    pub projection: LocalProjection,
    pub profile: Profile,
    /// Nodes outside the largest strongly connected component (and unused nodes).
    pub dropped_nodes: usize,
    /// The turn restrictions applied and the vertices they add (empty: none).
    pub turns: TurnTable,
    /// Every direction turned round ([`Network::reversed`]): edges, segment times and
    /// which end of a segment a trip leaves from.
    pub reversed: bool,
    /// The segments with a posted weight, height or width limit: (segment index, limits),
    /// sorted (few roads carry one, so they are kept apart from [`Segment`]).
    #[serde(default)]
    pub limits: Vec<(u32, RoadLimits)>,
}

/// Speed in km/h of a segment under the model of DESIGN §3.
pub fn segment_speed_kmh(
    highway: Highway,
    maxspeed_kmh: Option<f64>,
    params: &NetworkParams,
    profile: Profile,
) -> f64 {
    let mut kmh = params.speed_kmh(highway.class);
    if highway.link {
        kmh *= 0.7;
    }
    if let Some(limit) = maxspeed_kmh {
        if limit < kmh {
            kmh = limit;
        }
    }
    if profile == Profile::Logistics {
        kmh = (kmh * 0.85).min(70.0);
    }
    kmh * params.speed_factor
}

impl Network {
    /// Applies the travel-time model to a raw network and keeps its largest strongly
    /// connected component. Never fails: an empty input gives an empty network.
    pub fn build(raw: &RawNetwork, params: &NetworkParams, profile: Profile) -> Network {
        // 1. Directed edge times, faster edge wins per ordered node pair; undirected
        //    segments keyed by the unordered pair.
        let mut segs: HashMap<(u32, u32), Segment> = HashMap::new();
        let mut limits: HashMap<(u32, u32), RoadLimits> = HashMap::new();
        let mut order: Vec<(u32, u32)> = Vec::new();
        for s in &raw.segments {
            if s.from == s.to {
                continue;
            }
            let kmh = segment_speed_kmh(s.highway, s.maxspeed_kmh, params, profile);
            let t = (s.length_m / (kmh / 3.6) * params.time_factor(s.highway.class)) as f32;
            let (fwd, bwd) = match s.oneway {
                Oneway::Both => (t, t),
                Oneway::Forward => (t, f32::INFINITY),
                Oneway::Backward => (f32::INFINITY, t),
            };
            let (key, t_ab, t_ba) = if s.from < s.to {
                ((s.from, s.to), fwd, bwd)
            } else {
                ((s.to, s.from), bwd, fwd)
            };
            match limits.get_mut(&key) {
                // Parallel roads: a vehicle may take whichever lets it through.
                Some(l) => *l = l.looser(s.limits),
                None => {
                    limits.insert(key, s.limits);
                }
            }
            match segs.get_mut(&key) {
                None => {
                    order.push(key);
                    segs.insert(
                        key,
                        Segment {
                            a: key.0,
                            b: key.1,
                            highway: s.highway,
                            length_m: s.length_m as f32,
                            time_ab_s: t_ab,
                            time_ba_s: t_ba,
                        },
                    );
                }
                Some(seg) => {
                    if t_ab.min(t_ba) < seg.time_ab_s.min(seg.time_ba_s) {
                        seg.highway = s.highway;
                        seg.length_m = s.length_m as f32;
                    }
                    seg.time_ab_s = seg.time_ab_s.min(t_ab);
                    seg.time_ba_s = seg.time_ba_s.min(t_ba);
                }
            }
        }

        // 2. Largest strongly connected component.
        let n = raw.nodes.len();
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, order.len() * 2);
        for _ in 0..n {
            g.add_node(());
        }
        for key in &order {
            let s = &segs[key];
            if s.time_ab_s.is_finite() {
                g.add_edge(
                    NodeIndex::new(s.a as usize),
                    NodeIndex::new(s.b as usize),
                    (),
                );
            }
            if s.time_ba_s.is_finite() {
                g.add_edge(
                    NodeIndex::new(s.b as usize),
                    NodeIndex::new(s.a as usize),
                    (),
                );
            }
        }
        let mut keep = vec![false; n];
        // Kosaraju (iterative DFS): petgraph's Tarjan recurses once per node on a path and
        // overflows the stack on long road chains.
        let components = petgraph::algo::kosaraju_scc(&g);
        // Largest; ties go to the component holding the lowest node index (deterministic).
        if let Some(best) = components.iter().max_by(|x, y| {
            x.len().cmp(&y.len()).then_with(|| {
                let mx = x.iter().map(|i| i.index()).min();
                let my = y.iter().map(|i| i.index()).min();
                my.cmp(&mx)
            })
        }) {
            if best.len() > 1 {
                for i in best {
                    keep[i.index()] = true;
                }
            }
        }

        // 3. Renumber kept nodes in input order.
        let mut new_index = vec![u32::MAX; n];
        let mut nodes = Vec::new();
        for (i, node) in raw.nodes.iter().enumerate() {
            if keep[i] {
                new_index[i] = nodes.len() as u32;
                nodes.push(*node);
            }
        }
        let dropped_nodes = n - nodes.len();
        let mut segments: Vec<Segment> = Vec::with_capacity(order.len());
        let mut segment_limits = Vec::new();
        for key in &order {
            let s = segs[key];
            if keep[s.a as usize] && keep[s.b as usize] {
                if let Some(l) = limits.get(key).filter(|l| !l.is_none()) {
                    segment_limits.push((segments.len() as u32, *l));
                }
                segments.push(Segment {
                    a: new_index[s.a as usize],
                    b: new_index[s.b as usize],
                    ..s
                });
            }
        }

        // 4. Turn restrictions (unless switched off) and the CSR of directed edges.
        let turns = if params.turn_restrictions {
            TurnTable::renumbered(&raw.turns, &new_index)
        } else {
            Vec::new()
        };
        let (turns, first_out, head, edge_time_s) = csr(nodes.len(), &segments, &turns);
        let projection = LocalProjection::around(&nodes);
        Network {
            nodes,
            segments,
            first_out,
            head,
            edge_time_s,
            projection,
            profile,
            dropped_nodes,
            turns,
            reversed: false,
            limits: segment_limits,
        }
    }

    /// The network with the segments `closed` (indices into [`Self::segments`]) taken out,
    /// for a road closure (道路封闭): every node stays, so places behind a closed bridge
    /// are reached late or not at all rather than dropped, and the projection is kept.
    pub fn with_segments_closed(&self, closed: &[u32]) -> Network {
        let mut shut = vec![false; self.segments.len()];
        for &i in closed {
            if let Some(s) = shut.get_mut(i as usize) {
                *s = true;
            }
        }
        let segments: Vec<Segment> = self
            .segments
            .iter()
            .zip(&shut)
            .filter(|(_, &shut)| !shut)
            // A reversed network is closed as the forward one, then turned round again.
            .map(|(s, _)| if self.reversed { s.turned_round() } else { *s })
            .collect();
        // Limits follow their segments to the new indices.
        let mut new_index = Vec::with_capacity(shut.len());
        let mut next = 0u32;
        for &s in &shut {
            new_index.push(next);
            next += u32::from(!s);
        }
        let limits = self
            .limits
            .iter()
            .filter(|(i, _)| !shut[*i as usize])
            .map(|&(i, l)| (new_index[i as usize], l))
            .collect();
        self.with_forward_segments(segments, limits)
    }

    /// This network's nodes with other (forward) `segments` and their `limits`: the edges
    /// and turn restrictions rebuilt over them, turned round again if this one is reversed.
    pub(super) fn with_forward_segments(
        &self,
        segments: Vec<Segment>,
        limits: Vec<(u32, RoadLimits)>,
    ) -> Network {
        let (mut turns, first_out, head, edge_time_s) =
            csr(self.nodes.len(), &segments, &self.turns.turns());
        turns.trapping += self.turns.trapping;
        let net = Network {
            nodes: self.nodes.clone(),
            segments,
            first_out,
            head,
            edge_time_s,
            projection: self.projection,
            profile: self.profile,
            dropped_nodes: self.dropped_nodes,
            turns,
            reversed: false,
            limits,
        };
        if self.reversed {
            net.reversed()
        } else {
            net
        }
    }

    /// Total length of the segments `indices`, metres.
    pub fn segments_length_m(&self, indices: &[u32]) -> f64 {
        // From +0.0: a float sum of nothing is -0.0, printed "-0.00 km".
        indices
            .iter()
            .map(|&i| f64::from(self.segments[i as usize].length_m))
            .fold(0.0, |a, b| a + b)
    }

    /// Road nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Vertices the searches label: the road nodes, then the turn-restriction copies.
    pub fn vertex_count(&self) -> usize {
        self.first_out.len().saturating_sub(1)
    }

    /// The road node vertex `v` stands for.
    #[inline]
    pub fn node_of(&self, v: u32) -> u32 {
        match (v as usize).checked_sub(self.nodes.len()) {
            None => v,
            Some(k) => self.turns.copies[k].0,
        }
    }

    /// The vertices of road node `node`: itself, then its turn-restriction copies.
    pub fn vertices_at(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        let n = self.nodes.len() as u32;
        std::iter::once(node).chain(self.turns.copies_at(node).map(move |k| n + k as u32))
    }

    /// The vertices a drive along the segment from node `x` towards node `y` may start
    /// from, in the real direction of travel: `x` itself, and each copy of `x` whose
    /// arriving road allows the turn onto `y`.
    pub fn drive_starts(&self, x: u32, y: u32) -> impl Iterator<Item = u32> + '_ {
        let n = self.nodes.len() as u32;
        std::iter::once(x).chain(
            self.turns
                .copies_at(x)
                .filter(move |&k| self.turns.allowed(self.turns.copies[k].1, x, y))
                .map(move |k| n + k as u32),
        )
    }

    /// The vertex a drive along the segment from node `x` reaches at node `y`, in the real
    /// direction of travel: `y`'s copy for arrivals from `x` when a restriction names it.
    #[inline]
    pub fn drive_end(&self, x: u32, y: u32) -> u32 {
        match self.turns.copy(y, x) {
            Some(k) => (self.nodes.len() + k) as u32,
            None => y,
        }
    }

    /// Directed edges.
    pub fn edge_count(&self) -> usize {
        self.head.len()
    }

    /// Out-edges of `v` as (head, seconds).
    #[inline]
    pub fn out_edges(&self, v: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let r = self.first_out[v as usize] as usize..self.first_out[v as usize + 1] as usize;
        self.head[r.clone()]
            .iter()
            .copied()
            .zip(self.edge_time_s[r].iter().copied())
    }

    /// Total road length, metres (each segment once).
    pub fn road_length_m(&self) -> f64 {
        self.segments.iter().map(|s| s.length_m as f64).sum()
    }

    /// The whole network as one district, for scenarios without `[districts]`: the convex
    /// hull of the road nodes.
    pub fn whole_network_district(&self, name: &str) -> District {
        let pts: MultiPoint<f64> = self
            .nodes
            .iter()
            .map(|n| Point::new(n.lon, n.lat))
            .collect();
        District {
            name: name.to_string(),
            kind: DistrictKind::Urban,
            area: MultiPolygon(vec![pts.convex_hull()]),
            population: None,
        }
    }

    /// Whether the arrays index each other correctly (CSR offsets ascending and ending at
    /// the edge count, every head and segment end a node), every time and length is finite
    /// and ≥ 0, and every coordinate on the globe: what a network decoded from a cache must
    /// satisfy before any search or the snapping index trusts it. O(n + m).
    pub fn check_consistent(&self) -> Result<(), String> {
        let n = self.nodes.len();
        self.turns.check(n)?;
        if self.limits.windows(2).any(|w| w[0].0 >= w[1].0)
            || self
                .limits
                .last()
                .is_some_and(|l| l.0 as usize >= self.segments.len())
        {
            return Err("the road limits are out of order or name no segment".into());
        }
        let vertices = n + self.turns.copies.len();
        if self.first_out.len() != vertices + 1 {
            return Err(format!(
                "{} CSR offsets for {vertices} vertices",
                self.first_out.len()
            ));
        }
        if self.head.len() != self.edge_time_s.len() {
            return Err("edge heads and times differ in length".into());
        }
        if self.first_out.first() != Some(&0)
            || self.first_out.last().map(|&m| m as usize) != Some(self.head.len())
            || self.first_out.windows(2).any(|w| w[0] > w[1])
        {
            return Err("CSR offsets out of order".into());
        }
        if self.head.iter().any(|&h| h as usize >= vertices) {
            return Err("an edge leads to no vertex".into());
        }
        let bad = |x: f32| !x.is_finite() || x < 0.0;
        if self.edge_time_s.iter().any(|&t| bad(t)) {
            return Err("an edge time is negative, infinite or NaN".into());
        }
        // A segment's time is +∞ in the direction a one-way road cannot be driven.
        let bad_time = |t: f32| t.is_nan() || t < 0.0;
        if self.segments.iter().any(|s| {
            s.a as usize >= n
                || s.b as usize >= n
                || bad_time(s.time_ab_s)
                || bad_time(s.time_ba_s)
                || bad(s.length_m)
        }) {
            return Err("a segment names no node or has a bad time or length".into());
        }
        let on_globe =
            |lon: f64, lat: f64| (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
        if self.nodes.iter().any(|v| !on_globe(v.lon, v.lat)) {
            return Err("a node lies outside the globe or has no coordinates".into());
        }
        let p = &self.projection;
        let scale_ok = |m: f64| m.is_finite() && m > 0.0;
        if !on_globe(p.lon0, p.lat0) || !scale_ok(p.m_per_deg_lon) || !scale_ok(p.m_per_deg_lat) {
            return Err("the projection is not usable".into());
        }
        Ok(())
    }
}

/// The turn table of `turns` on `segments`, and the CSR of the directed edges over the
/// `node_count` nodes and the table's copies (first out-edge per vertex, heads, seconds);
/// out-edges sorted by head for determinism.
///
/// Restrictions can contradict the roads the network keeps (a street closed to fire
/// engines, cut at the extract's edge, closed for a what-if): a copy outside the largest
/// strongly connected component of the vertices is a trap — a vehicle that arrived that
/// way could never leave — and a road node none of whose vertices is inside it is cut off.
/// The restrictions of such a copy, and those at a cut-off node and its neighbours, are
/// left out, round after round until none is, and counted in [`TurnTable::trapping`].
fn csr(
    node_count: usize,
    segments: &[Segment],
    turns: &[Turn],
) -> (TurnTable, Vec<u32>, Vec<u32>, Vec<f32>) {
    let mut turns = turns.to_vec();
    let mut trapping = 0;
    loop {
        let (mut table, first_out, head, time) = expand(node_count, segments, &turns);
        let traps = trapped_copies(node_count, segments, &table, &first_out, &head);
        if traps.is_empty() {
            table.trapping = trapping;
            return (table, first_out, head, time);
        }
        trapping += traps.len() as u32;
        turns.retain(|t| traps.binary_search(&(t.via, t.from)).is_err());
    }
}

/// The copies `(via, from)` to leave out, sorted: those outside the largest strongly
/// connected component of the vertices (the one holding the most road nodes; ties: the
/// lowest vertex), and every copy at a road node with no vertex inside it or next to one.
fn trapped_copies(
    node_count: usize,
    segments: &[Segment],
    table: &TurnTable,
    first_out: &[u32],
    head: &[u32],
) -> Vec<(u32, u32)> {
    if table.is_empty() {
        return Vec::new();
    }
    let vertices = first_out.len() - 1;
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(vertices, head.len());
    for _ in 0..vertices {
        g.add_node(());
    }
    for v in 0..vertices {
        for &u in &head[first_out[v] as usize..first_out[v + 1] as usize] {
            g.add_edge(NodeIndex::new(v), NodeIndex::new(u as usize), ());
        }
    }
    let components = petgraph::algo::kosaraju_scc(&g);
    let roads = |c: &Vec<NodeIndex>| c.iter().filter(|i| i.index() < node_count).count();
    let lowest = |c: &Vec<NodeIndex>| c.iter().map(|i| i.index()).min();
    let Some(best) = components.iter().max_by(|x, y| {
        roads(x)
            .cmp(&roads(y))
            .then_with(|| lowest(y).cmp(&lowest(x)))
    }) else {
        return Vec::new();
    };
    let mut inside = vec![false; vertices];
    for i in best {
        inside[i.index()] = true;
    }
    let mut traps: Vec<(u32, u32)> = (node_count..vertices)
        .filter(|&v| !inside[v])
        .map(|v| table.copies[v - node_count])
        .collect();
    // Road nodes with no vertex inside, and the junctions next to them.
    let mut cut_off = vec![false; node_count];
    for (x, cut) in cut_off.iter_mut().enumerate() {
        *cut = !inside[x] && !table.copies_at(x as u32).any(|k| inside[node_count + k]);
    }
    if cut_off.iter().any(|&c| c) {
        let mut near = cut_off.clone();
        for s in segments {
            if cut_off[s.a as usize] || cut_off[s.b as usize] {
                near[s.a as usize] = true;
                near[s.b as usize] = true;
            }
        }
        traps.extend(table.copies.iter().filter(|c| near[c.0 as usize]));
    }
    traps.sort_unstable();
    traps.dedup();
    traps
}

/// [`csr`] for one set of turns, traps and all.
fn expand(
    node_count: usize,
    segments: &[Segment],
    turns: &[Turn],
) -> (TurnTable, Vec<u32>, Vec<u32>, Vec<f32>) {
    let mut drivable: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
    if !turns.is_empty() {
        for s in segments {
            if s.time_ab_s.is_finite() {
                drivable.insert((s.a, s.b));
            }
            if s.time_ba_s.is_finite() {
                drivable.insert((s.b, s.a));
            }
        }
    }
    let table = TurnTable::new(turns, |from, via| drivable.contains(&(from, via)));
    let n = node_count as u32;
    let vertices = node_count + table.copies.len();
    let mut edges: Vec<(u32, u32, f32)> = Vec::with_capacity(segments.len() * 2);
    let mut push = |x: u32, y: u32, t: f32| {
        let head = table.copy(y, x).map_or(y, |k| n + k as u32);
        edges.push((x, head, t));
        for k in table.copies_at(x) {
            if table.allowed(table.copies[k].1, x, y) {
                edges.push((n + k as u32, head, t));
            }
        }
    };
    for s in segments {
        if s.time_ab_s.is_finite() {
            push(s.a, s.b, s.time_ab_s);
        }
        if s.time_ba_s.is_finite() {
            push(s.b, s.a, s.time_ba_s);
        }
    }
    let (first_out, head, edge_time_s) = csr_of_edges(vertices, edges);
    (table, first_out, head, edge_time_s)
}

/// The CSR (first out-edge per vertex, heads, seconds) of directed `edges` (tail, head,
/// seconds) over `vertices` vertices; out-edges sorted by head for determinism.
pub(super) fn csr_of_edges(
    vertices: usize,
    mut edges: Vec<(u32, u32, f32)>,
) -> (Vec<u32>, Vec<u32>, Vec<f32>) {
    edges.sort_unstable_by_key(|e| (e.0, e.1));
    let mut first_out = vec![0u32; vertices + 1];
    for e in &edges {
        first_out[e.0 as usize + 1] += 1;
    }
    for v in 0..vertices {
        first_out[v + 1] += first_out[v];
    }
    let head = edges.iter().map(|e| e.1).collect();
    let edge_time_s = edges.iter().map(|e| e.2).collect();
    (first_out, head, edge_time_s)
}
