//! Street lattices, the machinery of every place: a rotated, jittered grid clipped by a
//! mask, with line classes, one-way pairs, dropped minor streets and dead-end spurs.

use std::collections::BTreeMap;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::districts::District;
use crate::geometry::{dist, h01, lerp, meander, point_in_ring, straight, Frame, P};
use crate::roads::{Hw, Net};

/// Where a lattice has streets.
#[derive(Clone)]
pub enum Mask {
    District(usize),
    Rect(P, P),
    Circle(P, f64, f64),
    Not(Box<Mask>),
    All(Vec<Mask>),
}

impl Mask {
    pub fn contains(&self, p: P, ds: &[District]) -> bool {
        match self {
            Mask::District(i) => point_in_ring(p, &ds[*i].ring),
            Mask::Rect(a, b) => p.x >= a.x && p.x <= b.x && p.y >= a.y && p.y <= b.y,
            Mask::Circle(c, r, phase) => {
                let d = p - *c;
                let th = d.y.atan2(d.x);
                let rr = r
                    * (1.0
                        + 0.14 * (3.0 * th + phase).sin()
                        + 0.07 * (5.0 * th + 2.0 * phase).sin());
                d.len() <= rr
            }
            Mask::Not(m) => !m.contains(p, ds),
            Mask::All(ms) => ms.iter().all(|m| m.contains(p, ds)),
        }
    }
}

/// A one-way run along a lattice line: `horizontal` row `line` (or column), segments with
/// index in `from..to`, direction of increasing index when `forward`.
#[derive(Clone)]
pub struct OneWay {
    pub horizontal: bool,
    pub line: i32,
    pub from: i32,
    pub to: i32,
    pub forward: bool,
    pub hw: Hw,
}

/// A street grid: node `(i, j)` sits at `center` + rotated `(i·s, j·s)` plus jitter, kept
/// where it is inside the box and the mask.
#[derive(Clone)]
pub struct Lattice {
    pub name: &'static str,
    pub id: u64,
    pub center: P,
    pub s: f64,
    pub rot: f64,
    pub hi: i32,
    pub hj: i32,
    pub mask: Mask,
    /// Line classes by index: first `(modulus, remainder, class)` that matches.
    pub rules: Vec<(i32, i32, Hw)>,
    pub default: Hw,
    /// Share of minor (residential, service, unclassified) segments left out.
    pub drop: f64,
    pub jitter: f64,
    /// Densify / wiggle long segments: (step m, wiggle amplitude m).
    pub densify: (f64, f64),
    pub oneways: Vec<OneWay>,
    pub maxspeed: Option<u32>,
    pub pts: BTreeMap<(i32, i32), P>,
    pub deg: BTreeMap<(i32, i32), u32>,
}

struct LatEdge {
    a: (i32, i32),
    b: (i32, i32),
    hw: Hw,
    /// `Some(true)`: one-way a → b; `Some(false)`: one-way b → a.
    oneway: Option<bool>,
}

impl Lattice {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        name: &'static str,
        id: u64,
        center: P,
        s: f64,
        rot: f64,
        half: (f64, f64),
        mask: Mask,
        default: Hw,
    ) -> Lattice {
        Lattice {
            name,
            id,
            center,
            s,
            rot,
            hi: (half.0 / s).ceil() as i32,
            hj: (half.1 / s).ceil() as i32,
            mask,
            rules: Vec::new(),
            default,
            drop: 0.0,
            jitter: 0.0,
            densify: (1e9, 0.0),
            oneways: Vec::new(),
            maxspeed: None,
            pts: BTreeMap::new(),
            deg: BTreeMap::new(),
        }
    }

    pub fn raw(&self, i: i32, j: i32) -> P {
        let (c, s) = (self.rot.cos(), self.rot.sin());
        let (u, v) = (i as f64 * self.s, j as f64 * self.s);
        let jx = (h01(self.id, i as i64, j as i64) - 0.5) * 2.0 * self.jitter;
        let jy = (h01(self.id ^ 0xABCD, i as i64, j as i64) - 0.5) * 2.0 * self.jitter;
        P {
            x: self.center.x + c * u - s * v + jx,
            y: self.center.y + s * u + c * v + jy,
        }
    }

    pub fn class_of(&self, k: i32) -> Hw {
        for &(m, r, hw) in &self.rules {
            if k.rem_euclid(m) == r {
                return hw;
            }
        }
        self.default
    }

    pub fn build(&mut self, ds: &[District], fr: &Frame) {
        for i in -self.hi..=self.hi {
            for j in -self.hj..=self.hj {
                let p = self.raw(i, j);
                if fr.inside(p) && self.mask.contains(p, ds) {
                    self.pts.insert((i, j), p);
                }
            }
        }
        let edges = self.edges();
        for e in &edges {
            *self.deg.entry(e.a).or_default() += 1;
            *self.deg.entry(e.b).or_default() += 1;
        }
    }

    fn edges(&self) -> Vec<LatEdge> {
        let mut out = Vec::new();
        for &(i, j) in self.pts.keys() {
            for (horizontal, b) in [(true, (i + 1, j)), (false, (i, j + 1))] {
                if !self.pts.contains_key(&b) {
                    continue;
                }
                let (line, idx) = if horizontal { (j, i) } else { (i, j) };
                let mut hw = self.class_of(line);
                let mut oneway = None;
                for ow in &self.oneways {
                    if ow.horizontal == horizontal
                        && ow.line == line
                        && idx >= ow.from
                        && idx < ow.to
                    {
                        hw = ow.hw;
                        oneway = Some(ow.forward);
                    }
                }
                let minor = matches!(hw, Hw::Residential | Hw::Service | Hw::Unclassified);
                if minor
                    && oneway.is_none()
                    && h01(
                        self.id ^ 0x5EED,
                        (i * 2 + horizontal as i32) as i64,
                        j as i64,
                    ) < self.drop
                {
                    continue;
                }
                out.push(LatEdge {
                    a: (i, j),
                    b,
                    hw,
                    oneway,
                });
            }
        }
        out
    }

    /// Dead-end service roads (compound entrances, factory roads) off the lattice's streets
    /// of a class in `on`: on each side of each street segment, with probability `p`, a spur
    /// of length in `len` at right angles, with a cross-piece of half-length in `arm` at its
    /// end when `arm.1 > 0`. Returns how many were added.
    #[allow(clippy::too_many_arguments)]
    pub fn spurs(
        &self,
        net: &mut Net,
        rng: &mut ChaCha8Rng,
        on: &[Hw],
        p: f64,
        len: (f64, f64),
        arm: (f64, f64),
        ds: &[District],
    ) -> usize {
        let mut n = 0;
        for e in self.edges() {
            if !on.contains(&e.hw) || e.oneway.is_some() {
                continue;
            }
            let (a, b) = (self.pts[&e.a], self.pts[&e.b]);
            let d = (b - a).unit();
            for side in [-1.0, 1.0] {
                if rng.random::<f64>() >= p {
                    continue;
                }
                let start = lerp(a, b, rng.random_range(0.25..0.75));
                let end = start + d.left() * (side * rng.random_range(len.0..len.1));
                if !self.mask.contains(end, ds) {
                    continue;
                }
                net.add(straight(start, end, 60.0), Hw::Service, false, None, false);
                if arm.1 > 0.0 {
                    let l = rng.random_range(arm.0..arm.1);
                    net.add(
                        vec![end - d * l, end, end + d * l],
                        Hw::Service,
                        false,
                        None,
                        false,
                    );
                }
                n += 1;
            }
        }
        n
    }

    pub fn emit(&self, net: &mut Net, rng: &mut ChaCha8Rng) {
        for e in self.edges() {
            let (mut a, mut b) = (self.pts[&e.a], self.pts[&e.b]);
            if e.oneway == Some(false) {
                std::mem::swap(&mut a, &mut b);
            }
            let pts = if dist(a, b) > self.densify.0 {
                meander(a, b, self.densify.0, &[(self.densify.1, 900.0)], rng)
            } else {
                vec![a, b]
            };
            net.add(pts, e.hw, e.oneway.is_some(), self.maxspeed, false);
        }
    }

    /// The lattice point where a road from `target` joins: nearest point on a line of at
    /// least class `min` that has streets, falling back to any connected point.
    pub fn attach(&self, target: P, min: Hw) -> P {
        let mut best: Option<(f64, P)> = None;
        let mut any: Option<(f64, P)> = None;
        for (&(i, j), &p) in &self.pts {
            if self.deg.get(&(i, j)).copied().unwrap_or(0) < 2 {
                continue;
            }
            let d = dist(p, target);
            if any.is_none_or(|b| d < b.0) {
                any = Some((d, p));
            }
            let major = self.class_of(i) >= min || self.class_of(j) >= min;
            if major && best.is_none_or(|b| d < b.0) {
                best = Some((d, p));
            }
        }
        best.or(any)
            .unwrap_or_else(|| panic!("lattice {} is empty", self.name))
            .1
    }
}

/// Joins the edge streets of lattice `a` to the nearest edge point of lattice `b` within
/// 300 m (every other street), so that two neighbouring street grids form one city.
pub fn stitch(a: &Lattice, b: &Lattice, net: &mut Net) -> usize {
    let edge_pts = |l: &Lattice| -> Vec<((i32, i32), P)> {
        l.pts
            .iter()
            .filter(|(k, _)| (1..=3).contains(&l.deg.get(k).copied().unwrap_or(0)))
            .map(|(k, p)| (*k, *p))
            .collect()
    };
    let eb = edge_pts(b);
    let mut n = 0;
    for ((i, j), p) in edge_pts(a) {
        if (i + j).rem_euclid(2) != 0 {
            continue;
        }
        let best = eb
            .iter()
            .map(|&(kb, q)| (dist(p, q), kb, q))
            .filter(|x| x.0 < 300.0)
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        if let Some((_, (ib, jb), q)) = best {
            let major = a
                .class_of(i)
                .max(a.class_of(j))
                .max(b.class_of(ib))
                .max(b.class_of(jb));
            let hw = if major >= Hw::Tertiary {
                Hw::Tertiary
            } else {
                Hw::Residential
            };
            net.add(straight(p, q, 100.0), hw, false, None, false);
            n += 1;
        }
    }
    n
}
