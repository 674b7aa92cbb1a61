//! Noding: junctions where surface roads cross, cuts where a road crosses water or the
//! expressway without a bridge, and the resulting nodes and edges.

use std::collections::{BTreeMap, HashMap, HashSet};

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::geometry::{lerp, seg_cross, P};
use crate::roads::{Hw, Net};

/// What a surface road crosses only at a bridge or an underpass.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Barrier {
    Water,
    Motorway,
}

/// Does a road of this class get a bridge (water) or an underpass (expressway) here?
fn crossing_kept(
    hw: Hw,
    oneway: bool,
    planned: bool,
    barrier: Barrier,
    rng: &mut ChaCha8Rng,
) -> bool {
    if oneway || planned {
        return true;
    }
    let p = match (barrier, hw) {
        (_, Hw::Trunk | Hw::Primary | Hw::Secondary) => 1.0,
        (Barrier::Water, Hw::Tertiary) => 1.0,
        (Barrier::Water, Hw::Unclassified) => 0.55,
        (Barrier::Water, Hw::Residential) => 0.12,
        (Barrier::Water, Hw::Service) => 0.03,
        (Barrier::Motorway, Hw::Tertiary) => 0.8,
        (Barrier::Motorway, Hw::Unclassified) => 0.4,
        (Barrier::Motorway, Hw::Residential) => 0.08,
        (Barrier::Motorway, Hw::Service) => 0.0,
        (_, Hw::Motorway | Hw::MotorwayLink) => 1.0,
    };
    rng.random::<f64>() < p
}

/// The noded road graph in the local frame; edges keep their way's direction and tags.
pub struct Graph {
    pub nodes: Vec<P>,
    pub edges: Vec<Edge>,
}

#[derive(Clone, Copy)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    pub hw: Hw,
    pub oneway: bool,
    pub maxspeed: Option<u32>,
}

/// A position rounded to 1 cm: vertices with the same key are one node.
type Key = (i64, i64);

fn key(p: P) -> Key {
    ((p.x * 100.0).round() as i64, (p.y * 100.0).round() as i64)
}

struct UnionFind {
    parent: HashMap<Key, Key>,
}

impl UnionFind {
    fn find(&mut self, k: Key) -> Key {
        let mut r = k;
        while let Some(&p) = self.parent.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        // Path compression.
        let mut c = k;
        while c != r {
            let p = self.parent[&c];
            self.parent.insert(c, r);
            c = p;
        }
        r
    }
    fn union(&mut self, a: Key, b: Key) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller key is the root: the result does not depend on the union order.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent.insert(hi, lo);
            self.parent.entry(lo).or_insert(lo);
        }
    }
}

/// Nodes the ways: returns the graph and how many segments were cut at water and at the
/// expressway (no bridge or underpass there).
pub fn node_network(
    net: &Net,
    barriers: &[(P, P, Barrier)],
    rng: &mut ChaCha8Rng,
) -> (Graph, usize, usize) {
    const CELL: f64 = 250.0;
    const TOL: f64 = 1.5;
    let cell = |p: P| ((p.x / CELL).floor() as i32, (p.y / CELL).floor() as i32);

    // Surface segments into a grid.
    let mut segs: Vec<(u32, u32)> = Vec::new();
    let mut grid: BTreeMap<(i32, i32), Vec<u32>> = BTreeMap::new();
    for (wi, w) in net.ways.iter().enumerate() {
        if w.hw.is_motorway() {
            continue;
        }
        for si in 0..w.pts.len() - 1 {
            let (a, b) = (w.pts[si], w.pts[si + 1]);
            let id = segs.len() as u32;
            segs.push((wi as u32, si as u32));
            let (c0, c1) = (
                cell(P {
                    x: a.x.min(b.x) - TOL,
                    y: a.y.min(b.y) - TOL,
                }),
                cell(P {
                    x: a.x.max(b.x) + TOL,
                    y: a.y.max(b.y) + TOL,
                }),
            );
            for cx in c0.0..=c1.0 {
                for cy in c0.1..=c1.1 {
                    grid.entry((cx, cy)).or_default().push(id);
                }
            }
        }
    }
    let seg_pts = |id: u32| {
        let (wi, si) = segs[id as usize];
        let w = &net.ways[wi as usize];
        (w.pts[si as usize], w.pts[si as usize + 1])
    };

    // Intersections: a point inserted into a segment, or two vertices merged.
    let mut inserts: Vec<Vec<(u32, f64, P)>> = vec![Vec::new(); net.ways.len()];
    let mut uf = UnionFind {
        parent: HashMap::new(),
    };
    for (&c, ids) in &grid {
        for x in 0..ids.len() {
            for y in x + 1..ids.len() {
                let (s1, s2) = (ids[x], ids[y]);
                let (w1, i1) = segs[s1 as usize];
                let (w2, i2) = segs[s2 as usize];
                if w1 == w2 && i1.abs_diff(i2) <= 1 {
                    continue;
                }
                let (a, b) = seg_pts(s1);
                let (q, q2) = seg_pts(s2);
                let r = b - a;
                let s = q2 - q;
                let (lr, ls) = (r.len(), s.len());
                let den = r.cross(s);
                if lr < 1e-6 || ls < 1e-6 || den.abs() < 1e-9 * lr * ls {
                    continue;
                }
                let t = (q - a).cross(s) / den;
                let u = (q - a).cross(r) / den;
                let (et, eu) = (TOL / lr, TOL / ls);
                if t < -et || t > 1.0 + et || u < -eu || u > 1.0 + eu {
                    continue;
                }
                let t_end = if t <= et {
                    Some(a)
                } else if t >= 1.0 - et {
                    Some(b)
                } else {
                    None
                };
                let u_end = if u <= eu {
                    Some(q)
                } else if u >= 1.0 - eu {
                    Some(q2)
                } else {
                    None
                };
                let pt = t_end.or(u_end).unwrap_or_else(|| lerp(a, b, t));
                if cell(pt) != c {
                    continue; // each pair is handled once, in the cell of its point
                }
                match (t_end, u_end) {
                    (Some(e1), Some(e2)) => uf.union(key(e1), key(e2)),
                    (Some(e1), None) => inserts[w2 as usize].push((i2, u.clamp(0.0, 1.0), e1)),
                    (None, Some(e2)) => inserts[w1 as usize].push((i1, t.clamp(0.0, 1.0), e2)),
                    (None, None) => {
                        inserts[w1 as usize].push((i1, t, pt));
                        inserts[w2 as usize].push((i2, u, pt));
                    }
                }
            }
        }
    }

    // Barrier grid.
    let mut bgrid: BTreeMap<(i32, i32), Vec<usize>> = BTreeMap::new();
    for (k, &(a, b, _)) in barriers.iter().enumerate() {
        let (c0, c1) = (
            cell(P {
                x: a.x.min(b.x),
                y: a.y.min(b.y),
            }),
            cell(P {
                x: a.x.max(b.x),
                y: a.y.max(b.y),
            }),
        );
        for cx in c0.0..=c1.0 {
            for cy in c0.1..=c1.1 {
                bgrid.entry((cx, cy)).or_default().push(k);
            }
        }
    }

    // Node ids in order of first appearance; edges per way.
    let mut first_p: HashMap<Key, P> = HashMap::new();
    let mut node_of: HashMap<Key, u32> = HashMap::new();
    let mut nodes: Vec<P> = Vec::new();
    let mut edges: Vec<Edge> = Vec::new();
    let mut seen: HashSet<(u32, u32)> = HashSet::new();
    let (mut cut_water, mut cut_motorway) = (0usize, 0usize);
    for w in &net.ways {
        for &p in &w.pts {
            first_p.entry(key(p)).or_insert(p);
        }
    }
    for ins in &inserts {
        for &(_, _, p) in ins {
            first_p.entry(key(p)).or_insert(p);
        }
    }
    for (wi, w) in net.ways.iter().enumerate() {
        let mut ins = inserts[wi].clone();
        ins.sort_by(|a, b| {
            (a.0, a.1)
                .partial_cmp(&(b.0, b.1))
                .expect("insert parameters are finite")
        });
        let mut verts: Vec<P> = Vec::new();
        let mut k = 0;
        for si in 0..w.pts.len() {
            verts.push(w.pts[si]);
            while k < ins.len() && ins[k].0 as usize == si {
                verts.push(ins[k].2);
                k += 1;
            }
        }
        let mut ids: Vec<u32> = Vec::with_capacity(verts.len());
        let mut pos: Vec<P> = Vec::with_capacity(verts.len());
        for v in verts {
            let root = uf.find(key(v));
            let id = *node_of.entry(root).or_insert_with(|| {
                nodes.push(first_p[&root]);
                (nodes.len() - 1) as u32
            });
            if ids.last() != Some(&id) {
                ids.push(id);
                pos.push(nodes[id as usize]);
            }
        }
        for x in 0..ids.len().saturating_sub(1) {
            let (a, b) = (pos[x], pos[x + 1]);
            if !w.hw.is_motorway() {
                // Barrier crossings of this sub-segment.
                let mut crossed: Vec<Barrier> = Vec::new();
                let (c0, c1) = (
                    cell(P {
                        x: a.x.min(b.x),
                        y: a.y.min(b.y),
                    }),
                    cell(P {
                        x: a.x.max(b.x),
                        y: a.y.max(b.y),
                    }),
                );
                let mut checked: Vec<usize> = Vec::new();
                for cx in c0.0..=c1.0 {
                    for cy in c0.1..=c1.1 {
                        if let Some(list) = bgrid.get(&(cx, cy)) {
                            for &bk in list {
                                if checked.contains(&bk) {
                                    continue;
                                }
                                checked.push(bk);
                                let (p1, p2, kind) = barriers[bk];
                                if seg_cross(a, b, p1, p2).is_some() && !crossed.contains(&kind) {
                                    crossed.push(kind);
                                }
                            }
                        }
                    }
                }
                let mut cut = false;
                for kind in crossed {
                    if !crossing_kept(w.hw, w.oneway, w.planned, kind, rng) {
                        cut = true;
                        match kind {
                            Barrier::Water => cut_water += 1,
                            Barrier::Motorway => cut_motorway += 1,
                        }
                    }
                }
                if cut {
                    continue;
                }
            }
            let (u, v) = (ids[x], ids[x + 1]);
            let k = (u.min(v), u.max(v));
            if !seen.insert(k) {
                continue;
            }
            edges.push(Edge {
                from: u,
                to: v,
                hw: w.hw,
                oneway: w.oneway,
                maxspeed: w.maxspeed,
            });
        }
    }
    (Graph { nodes, edges }, cut_water, cut_motorway)
}

/// The graph restricted to the nodes in `keep` (the largest strongly connected component),
/// renumbered in order; only nodes that carry an edge inside it stay.
pub fn prune(g: Graph, keep: &[bool]) -> Graph {
    let mut map = vec![u32::MAX; g.nodes.len()];
    let mut nodes = Vec::new();
    // Only nodes that carry an edge inside the component.
    let mut used = vec![false; g.nodes.len()];
    for e in &g.edges {
        if keep[e.from as usize] && keep[e.to as usize] {
            used[e.from as usize] = true;
            used[e.to as usize] = true;
        }
    }
    for (i, &p) in g.nodes.iter().enumerate() {
        if used[i] {
            map[i] = nodes.len() as u32;
            nodes.push(p);
        }
    }
    let edges = g
        .edges
        .iter()
        .filter(|e| {
            used[e.from as usize]
                && used[e.to as usize]
                && keep[e.from as usize]
                && keep[e.to as usize]
        })
        .map(|e| Edge {
            from: map[e.from as usize],
            to: map[e.to as usize],
            ..*e
        })
        .collect();
    Graph { nodes, edges }
}
