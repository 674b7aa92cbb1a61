//! Deterministic generator of the bundled **synthetic** demo district (`maps/demo/`,
//! DESIGN §12): a made-up district modelled on the structure the Keqiao document (seed 004)
//! describes — seven rescue districts, a road hierarchy with an expressway, canals and a
//! river crossed only at bridges, the "2+7+13" station system, depots and a year of
//! incidents.
//!
//! Run: `cargo run --release --example gen_demo -- maps/demo`
//!
//! The same seed always gives byte-identical files on the same platform (no hash-map
//! iteration reaches the output; coordinates are written with 7 decimals; a different
//! maths library could in principle change a last digit, since `sin`/`cos` are not
//! correctly rounded everywhere). The generator checks what it writes:
//! strong connectivity of the road graph (it keeps the largest strongly connected
//! component and prints how many nodes that dropped) and the 5-minute demand coverage per
//! rescue district with its own multi-source Dijkstra over the travel-time model of
//! DESIGN §3 (segment snapping, 15 km/h access legs, 60 s turnout), so the story the demo
//! tells — the core meets 5 minutes, the hills and the industrial edge do not — is checked
//! every time the data is regenerated.
//!
//! Stages, in order: frame and districts → water → places (street lattices of the core,
//! towns, the industrial zone) → rural roads and villages → regional roads → hill roads →
//! expressways with interchanges → noding (junctions where surface roads cross; cuts where
//! roads cross water or the expressway without a bridge) → largest SCC → stations and
//! depots → incidents → coverage check → files.
//!
//! Development aid: with `GEN_DEMO_DEBUG_RESPONSE=path.csv` the response time of every
//! node (`id,response_s`) is written there too, for plotting while tuning the layout.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::f64::consts::PI;
use std::fmt::Write as _;
use std::io::Write as _;
use std::ops::{Add, Mul, Sub};
use std::path::{Path, PathBuf};

use fireplan::network::raw::haversine_m;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The fixed seed (the date of the Keqiao document, seed 004).
const SEED: u64 = 20231229;
/// South-west corner of the district's bounding box.
const LON0: f64 = 120.30;
const LAT0: f64 = 29.90;
/// Extent of the box in degrees (0.3° × 0.3° ≈ 29 km × 33 km ≈ 960 km²).
const SPAN_DEG: f64 = 0.30;
/// Year of the synthetic incident records.
const YEAR: i32 = 2025;

// ---------------------------------------------------------------------------------------
// Geometry in a local metric frame (x east, y north, metres from the SW corner).
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
struct P {
    x: f64,
    y: f64,
}

impl Add for P {
    type Output = P;
    fn add(self, o: P) -> P {
        P {
            x: self.x + o.x,
            y: self.y + o.y,
        }
    }
}
impl Sub for P {
    type Output = P;
    fn sub(self, o: P) -> P {
        P {
            x: self.x - o.x,
            y: self.y - o.y,
        }
    }
}
impl Mul<f64> for P {
    type Output = P;
    fn mul(self, k: f64) -> P {
        P {
            x: self.x * k,
            y: self.y * k,
        }
    }
}
impl P {
    fn len(self) -> f64 {
        self.x.hypot(self.y)
    }
    fn dot(self, o: P) -> f64 {
        self.x * o.x + self.y * o.y
    }
    fn cross(self, o: P) -> f64 {
        self.x * o.y - self.y * o.x
    }
    fn unit(self) -> P {
        let l = self.len();
        P {
            x: self.x / l,
            y: self.y / l,
        }
    }
    /// Left normal.
    fn left(self) -> P {
        P {
            x: -self.y,
            y: self.x,
        }
    }
}

fn km(x: f64, y: f64) -> P {
    P {
        x: x * 1000.0,
        y: y * 1000.0,
    }
}

fn dist(a: P, b: P) -> f64 {
    (a - b).len()
}

fn lerp(a: P, b: P, t: f64) -> P {
    a + (b - a) * t
}

/// Equirectangular frame centred on the box's middle latitude.
struct Frame {
    m_lat: f64,
    m_lon: f64,
    w: f64,
    h: f64,
}

impl Frame {
    fn new() -> Frame {
        let m_lat = 6_371_008.8 * PI / 180.0;
        let m_lon = m_lat * (LAT0 + SPAN_DEG / 2.0).to_radians().cos();
        Frame {
            m_lat,
            m_lon,
            w: SPAN_DEG * m_lon,
            h: SPAN_DEG * m_lat,
        }
    }
    fn lonlat(&self, p: P) -> (f64, f64) {
        (LON0 + p.x / self.m_lon, LAT0 + p.y / self.m_lat)
    }
    fn inside(&self, p: P) -> bool {
        p.x >= 0.0 && p.y >= 0.0 && p.x <= self.w && p.y <= self.h
    }
}

/// Distance from `p` to segment `a-b`, with the projection parameter.
fn seg_dist(p: P, a: P, b: P) -> (f64, f64) {
    let ab = b - a;
    let l2 = ab.dot(ab);
    let t = if l2 > 0.0 {
        ((p - a).dot(ab) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (dist(p, lerp(a, b, t)), t)
}

/// Proper crossing of two segments (no tolerance), returning the parameter on the first.
fn seg_cross(a: P, b: P, c: P, d: P) -> Option<f64> {
    let r = b - a;
    let s = d - c;
    let den = r.cross(s);
    if den.abs() < 1e-12 {
        return None;
    }
    let t = (c - a).cross(s) / den;
    let u = (c - a).cross(r) / den;
    if (0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u) {
        Some(t)
    } else {
        None
    }
}

fn point_in_ring(p: P, ring: &[P]) -> bool {
    let mut inside = false;
    let n = ring.len();
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn ring_area(ring: &[P]) -> f64 {
    let mut s = 0.0;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        s += a.cross(b);
    }
    s / 2.0
}

/// Deterministic hash noise in [0, 1) (independent of the random stream's order).
fn h01(a: u64, b: i64, c: i64) -> f64 {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    let h = mix(mix(mix(a) ^ (b as u64)) ^ (c as u64).rotate_left(17));
    (h >> 11) as f64 / (1u64 << 53) as f64
}

fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
}

/// A polyline from `a` to `b` (both exact) with points about every `step` metres, displaced
/// sideways by a sum of sine waves `(amplitude m, wavelength m)` tapering to 0 at the ends.
fn meander(a: P, b: P, step: f64, waves: &[(f64, f64)], rng: &mut ChaCha8Rng) -> Vec<P> {
    let l = dist(a, b);
    if l < 1e-6 {
        return vec![a];
    }
    let d = (b - a) * (1.0 / l);
    let n = d.left();
    let phases: Vec<f64> = waves
        .iter()
        .map(|_| rng.random::<f64>() * 2.0 * PI)
        .collect();
    let steps = (l / step).ceil().max(1.0) as usize;
    let taper_len = (l / 2.0).min(700.0);
    let mut pts = Vec::with_capacity(steps + 1);
    pts.push(a);
    for k in 1..steps {
        let s = l * k as f64 / steps as f64;
        let taper = (s.min(l - s) / taper_len).min(1.0);
        let taper = taper * taper * (3.0 - 2.0 * taper);
        let mut off = 0.0;
        for (w, ph) in waves.iter().zip(&phases) {
            let amp = w.0.min(l * 0.12);
            off += amp * (2.0 * PI * s / w.1 + ph).sin();
        }
        pts.push(a + d * s + n * (off * taper));
    }
    pts.push(b);
    pts
}

fn straight(a: P, b: P, step: f64) -> Vec<P> {
    let l = dist(a, b);
    let steps = (l / step).ceil().max(1.0) as usize;
    let mut pts: Vec<P> = (0..steps)
        .map(|k| lerp(a, b, k as f64 / steps as f64))
        .collect();
    pts.push(b);
    pts
}

// ---------------------------------------------------------------------------------------
// Road classes and ways.
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Hw {
    Service,
    Residential,
    Unclassified,
    Tertiary,
    Secondary,
    Primary,
    Trunk,
    MotorwayLink,
    Motorway,
}

impl Hw {
    fn tag(self) -> &'static str {
        match self {
            Hw::Motorway => "motorway",
            Hw::MotorwayLink => "motorway_link",
            Hw::Trunk => "trunk",
            Hw::Primary => "primary",
            Hw::Secondary => "secondary",
            Hw::Tertiary => "tertiary",
            Hw::Unclassified => "unclassified",
            Hw::Residential => "residential",
            Hw::Service => "service",
        }
    }
    /// Emergency speed of DESIGN §3, km/h (links ×0.7).
    fn speed_kmh(self) -> f64 {
        match self {
            Hw::Motorway => 80.0,
            Hw::MotorwayLink => 80.0 * 0.7,
            Hw::Trunk => 60.0,
            Hw::Primary => 50.0,
            Hw::Secondary => 45.0,
            Hw::Tertiary => 40.0,
            Hw::Unclassified => 30.0,
            Hw::Residential => 25.0,
            Hw::Service => 15.0,
        }
    }
    fn is_motorway(self) -> bool {
        matches!(self, Hw::Motorway | Hw::MotorwayLink)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Barrier {
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

#[derive(Clone)]
struct Way {
    pts: Vec<P>,
    hw: Hw,
    oneway: bool,
    maxspeed: Option<u32>,
    /// A planned regional road: bridges and underpasses wherever it crosses a barrier.
    planned: bool,
}

#[derive(Default)]
struct Net {
    ways: Vec<Way>,
}

impl Net {
    fn add(&mut self, pts: Vec<P>, hw: Hw, oneway: bool, maxspeed: Option<u32>, planned: bool) {
        if pts.len() >= 2 {
            self.ways.push(Way {
                pts,
                hw,
                oneway,
                maxspeed,
                planned,
            });
        }
    }

    /// Nearest existing vertex of a surface road of at least `min` class, optionally only on
    /// one side of a line (`side`: point on it and its normal) and within `max_d`.
    fn nearest_vertex(
        &self,
        p: P,
        min: Hw,
        max_d: f64,
        exclude: Option<(P, f64)>,
        side: Option<(P, P)>,
    ) -> Option<P> {
        let mut best: Option<(f64, P)> = None;
        for w in &self.ways {
            if w.hw < min || w.hw.is_motorway() {
                continue;
            }
            for &q in &w.pts {
                let d = dist(p, q);
                if d > max_d || best.is_some_and(|b| d >= b.0) {
                    continue;
                }
                if let Some((c, r)) = exclude {
                    if dist(q, c) < r {
                        continue;
                    }
                }
                if let Some((o, n)) = side {
                    if (q - o).dot(n) < 100.0 {
                        continue;
                    }
                }
                best = Some((d, q));
            }
        }
        best.map(|b| b.1)
    }
}

// ---------------------------------------------------------------------------------------
// Rescue districts.
// ---------------------------------------------------------------------------------------

struct District {
    name: &'static str,
    kind: &'static str,
    /// Counter-clockwise exterior ring in metres (not repeated at the end).
    ring: Vec<P>,
}

/// Smooth displacement of the internal boundaries (zero on the outer box) so that the
/// districts tile the box without looking like rectangles.
fn warp(fr: &Frame, p: P) -> P {
    let edge = p.x.min(p.y).min(fr.w - p.x).min(fr.h - p.y);
    let fade = (edge / 1500.0).clamp(0.0, 1.0);
    let a = 320.0 * fade;
    let dx = a
        * (0.6 * (2.0 * PI * p.y / 5300.0 + 1.1).sin()
            + 0.4 * (2.0 * PI * p.y / 1900.0 + 2.3).sin());
    let dy = a
        * (0.6 * (2.0 * PI * p.x / 4700.0 + 0.3).sin()
            + 0.4 * (2.0 * PI * p.x / 1700.0 + 4.1).sin());
    P {
        x: p.x + dx,
        y: p.y + dy,
    }
}

fn build_districts(fr: &Frame) -> Vec<District> {
    // Base layout in km; f64::INFINITY = the box edge. Every corner lies on the 250 m grid
    // (or on the box edge), and every edge is densified at the same 250 m grid, so shared
    // edges get identical vertices and the warped polygons still tile the box exactly.
    let inf = f64::INFINITY;
    let layout: [(&str, &str, [f64; 4]); 7] = [
        ("马鞍", "suburban", [0.0, 24.0, inf, inf]),
        ("柯北", "urban", [10.0, 18.75, inf, 24.0]),
        ("柯西", "suburban", [0.0, 13.5, 10.0, 24.0]),
        ("柯中", "urban", [10.0, 13.5, 18.5, 18.75]),
        ("柯南", "suburban", [18.5, 8.0, inf, 18.75]),
        ("福兰漓", "suburban", [0.0, 8.0, 18.5, 13.5]),
        ("南部山区", "rural", [0.0, 0.0, inf, 8.0]),
    ];
    let clampx = |v: f64| if v.is_infinite() { fr.w } else { v * 1000.0 };
    let clampy = |v: f64| if v.is_infinite() { fr.h } else { v * 1000.0 };
    // Points strictly between v0 and v1 on the 250 m grid, in the direction v0 → v1.
    fn between(v0: f64, v1: f64) -> Vec<f64> {
        let (lo, hi) = (v0.min(v1), v0.max(v1));
        let mut ks: Vec<f64> = ((lo / 250.0).floor() as i64 + 1..=(hi / 250.0).ceil() as i64 - 1)
            .map(|k| k as f64 * 250.0)
            .filter(|&v| v > lo && v < hi)
            .collect();
        if v1 < v0 {
            ks.reverse();
        }
        ks
    }
    layout
        .iter()
        .map(|&(name, kind, r)| {
            let (x0, y0, x1, y1) = (clampx(r[0]), clampy(r[1]), clampx(r[2]), clampy(r[3]));
            let mut ring = Vec::new();
            ring.push(P { x: x0, y: y0 });
            ring.extend(between(x0, x1).into_iter().map(|x| P { x, y: y0 }));
            ring.push(P { x: x1, y: y0 });
            ring.extend(between(y0, y1).into_iter().map(|y| P { x: x1, y }));
            ring.push(P { x: x1, y: y1 });
            ring.extend(between(x1, x0).into_iter().map(|x| P { x, y: y1 }));
            ring.push(P { x: x0, y: y1 });
            ring.extend(between(y1, y0).into_iter().map(|y| P { x: x0, y }));
            let ring = ring.into_iter().map(|p| warp(fr, p)).collect();
            District { name, kind, ring }
        })
        .collect()
}

fn district_of(districts: &[District], p: P) -> Option<usize> {
    districts.iter().position(|d| point_in_ring(p, &d.ring))
}

fn district_idx(districts: &[District], name: &str) -> usize {
    districts.iter().position(|d| d.name == name).unwrap()
}

// ---------------------------------------------------------------------------------------
// Places: street lattices (core, new town, towns, industrial zone, villages).
// ---------------------------------------------------------------------------------------

#[derive(Clone)]
enum Mask {
    District(usize),
    Rect(P, P),
    Circle(P, f64, f64),
    Not(Box<Mask>),
    All(Vec<Mask>),
}

impl Mask {
    fn contains(&self, p: P, ds: &[District]) -> bool {
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
struct OneWay {
    horizontal: bool,
    line: i32,
    from: i32,
    to: i32,
    forward: bool,
    hw: Hw,
}

#[derive(Clone)]
struct Lattice {
    name: &'static str,
    id: u64,
    center: P,
    s: f64,
    rot: f64,
    hi: i32,
    hj: i32,
    mask: Mask,
    /// Line classes by index: first `(modulus, remainder, class)` that matches.
    rules: Vec<(i32, i32, Hw)>,
    default: Hw,
    /// Share of minor (residential, service, unclassified) segments left out.
    drop: f64,
    jitter: f64,
    /// Densify / wiggle long segments: (step m, wiggle amplitude m).
    densify: (f64, f64),
    oneways: Vec<OneWay>,
    maxspeed: Option<u32>,
    pts: BTreeMap<(i32, i32), P>,
    deg: BTreeMap<(i32, i32), u32>,
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
    fn new(
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

    fn raw(&self, i: i32, j: i32) -> P {
        let (c, s) = (self.rot.cos(), self.rot.sin());
        let (u, v) = (i as f64 * self.s, j as f64 * self.s);
        let jx = (h01(self.id, i as i64, j as i64) - 0.5) * 2.0 * self.jitter;
        let jy = (h01(self.id ^ 0xABCD, i as i64, j as i64) - 0.5) * 2.0 * self.jitter;
        P {
            x: self.center.x + c * u - s * v + jx,
            y: self.center.y + s * u + c * v + jy,
        }
    }

    fn class_of(&self, k: i32) -> Hw {
        for &(m, r, hw) in &self.rules {
            if k.rem_euclid(m) == r {
                return hw;
            }
        }
        self.default
    }

    fn build(&mut self, ds: &[District], fr: &Frame) {
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
    fn spurs(
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

    fn emit(&self, net: &mut Net, rng: &mut ChaCha8Rng) {
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
    fn attach(&self, target: P, min: Hw) -> P {
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
fn stitch(a: &Lattice, b: &Lattice, net: &mut Net) -> usize {
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

// ---------------------------------------------------------------------------------------
// Motorways.
// ---------------------------------------------------------------------------------------

struct Motorway {
    name: &'static str,
    /// Dense centre line (about 20 m) and its cumulative arc length.
    centre: Vec<P>,
    cum: Vec<f64>,
    /// Interchange positions as arc length along the centre line.
    interchanges: Vec<f64>,
}

impl Motorway {
    fn new(name: &'static str, waypoints: &[P], rng: &mut ChaCha8Rng) -> Motorway {
        let mut centre = vec![waypoints[0]];
        for w in waypoints.windows(2) {
            let part = meander(w[0], w[1], 20.0, &[(260.0, 9000.0)], rng);
            centre.extend_from_slice(&part[1..]);
        }
        let mut cum = vec![0.0];
        for w in centre.windows(2) {
            cum.push(cum.last().unwrap() + dist(w[0], w[1]));
        }
        Motorway {
            name,
            centre,
            cum,
            interchanges: Vec::new(),
        }
    }
    fn length(&self) -> f64 {
        *self.cum.last().unwrap()
    }
    fn at(&self, s: f64) -> P {
        let s = s.clamp(0.0, self.length());
        let k = self
            .cum
            .partition_point(|&c| c < s)
            .clamp(1, self.cum.len() - 1);
        let t = (s - self.cum[k - 1]) / (self.cum[k] - self.cum[k - 1]);
        lerp(self.centre[k - 1], self.centre[k], t)
    }
    fn dir(&self, s: f64) -> P {
        (self.at(s + 15.0) - self.at(s - 15.0)).unit()
    }
    /// Carriageway vertex: side +1 = right of travel direction (forward carriageway).
    fn carriage(&self, s: f64, forward: bool) -> P {
        let off = if forward { -18.0 } else { 18.0 };
        self.at(s) + self.dir(s).left() * off
    }
    fn nearest_s(&self, p: P) -> f64 {
        let mut best = (f64::MAX, 0.0);
        for (k, w) in self.centre.windows(2).enumerate() {
            let (d, t) = seg_dist(p, w[0], w[1]);
            if d < best.0 {
                best = (d, self.cum[k] + t * (self.cum[k + 1] - self.cum[k]));
            }
        }
        best.1
    }
}

/// Roughly where the southern hills begin (the base layout's 8 km line), metres.
const HILLS_NORTH_EDGE_M: f64 = 8000.0;

/// Half the length of an interchange: ramps leave and join the carriageway this far from
/// the crossing, metres.
const RAMP: f64 = 450.0;

/// Adds both carriageways and a diamond interchange at each interchange: a primary feeder
/// crossing under the motorway, four ramps, and the feeder's two ends joined to the surface
/// network. The motorway leaves the map at its two terminal interchanges (only the ramps
/// towards the map are built there), so every part of it can be reached and left.
fn build_motorway(m: &Motorway, net: &mut Net, rng: &mut ChaCha8Rng) {
    let first = m.interchanges.first().unwrap() + RAMP;
    let last = m.interchanges.last().unwrap() - RAMP;
    let mut ss: Vec<f64> = Vec::new();
    let mut s = first;
    while s < last {
        ss.push(s);
        s += 200.0;
    }
    let special: Vec<f64> = m
        .interchanges
        .iter()
        .flat_map(|&c| [c - RAMP, c + RAMP])
        .filter(|s| (first..=last).contains(s))
        .collect();
    ss.retain(|s| special.iter().all(|q| (s - q).abs() > 40.0));
    ss.extend(&special);
    ss.push(last);
    ss.sort_by(|a, b| a.partial_cmp(b).unwrap());
    ss.dedup();
    let fwd: Vec<P> = ss.iter().map(|&s| m.carriage(s, true)).collect();
    let mut bwd: Vec<P> = ss.iter().map(|&s| m.carriage(s, false)).collect();
    bwd.reverse();
    net.add(fwd, Hw::Motorway, true, Some(120), true);
    net.add(bwd, Hw::Motorway, true, Some(120), true);

    for (k, &c) in m.interchanges.iter().enumerate() {
        let (terminal_start, terminal_end) = (k == 0, k + 1 == m.interchanges.len());
        let cp = m.at(c);
        let d = m.dir(c);
        let n = d.left();
        let fa = cp - n * 260.0; // forward carriageway side
        let fb = cp + n * 260.0;
        // Feeder under the motorway (planned: kept through the barrier).
        net.add(straight(fa, fb, 130.0), Hw::Primary, false, None, true);
        // Ramps (grade-separated: only their end vertices join anything).
        let ramps = [
            vec![
                m.carriage(c - RAMP, true),
                cp - n * 50.0 - d * 300.0,
                cp - n * 130.0 - d * 150.0,
                fa,
            ],
            vec![
                fa,
                cp - n * 130.0 + d * 150.0,
                cp - n * 50.0 + d * 300.0,
                m.carriage(c + RAMP, true),
            ],
            vec![
                m.carriage(c + RAMP, false),
                cp + n * 50.0 + d * 300.0,
                cp + n * 130.0 + d * 150.0,
                fb,
            ],
            vec![
                fb,
                cp + n * 130.0 - d * 150.0,
                cp + n * 50.0 - d * 300.0,
                m.carriage(c - RAMP, false),
            ],
        ];
        for (j, r) in ramps.into_iter().enumerate() {
            // Ramps 0 and 3 meet the carriageways before the crossing, 1 and 2 after it.
            let before = j == 0 || j == 3;
            if (before && terminal_start) || (!before && terminal_end) {
                continue;
            }
            net.add(r, Hw::MotorwayLink, true, Some(60), true);
        }
        // Join each feeder end to the nearest major road on its side.
        for (f, side) in [(fa, n * -1.0), (fb, n)] {
            // Not the feeder itself (nor the other ramps' ends): look beyond 350 m.
            let away = Some((cp, 350.0));
            let target = net
                .nearest_vertex(f, Hw::Tertiary, 5000.0, away, Some((cp, side)))
                .or_else(|| {
                    net.nearest_vertex(f, Hw::Unclassified, 8000.0, away, Some((cp, side)))
                });
            if let Some(t) = target {
                if f.y < HILLS_NORTH_EDGE_M {
                    let pts = road(f, t, Style::HillMinor, rng);
                    net.add(pts, Hw::Secondary, false, Some(40), true);
                } else {
                    let pts = meander(f, t, 80.0, &[(60.0, 2500.0)], rng);
                    net.add(pts, Hw::Primary, false, None, true);
                }
            } else {
                println!(
                    "  warning: interchange feeder of {} at {:.0} m has no road to join",
                    m.name, c
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Noding: junctions where surface roads cross, cuts at barriers, nodes and edges.
// ---------------------------------------------------------------------------------------

struct Graph {
    nodes: Vec<P>,
    edges: Vec<Edge>,
}

#[derive(Clone, Copy)]
struct Edge {
    from: u32,
    to: u32,
    hw: Hw,
    oneway: bool,
    maxspeed: Option<u32>,
}

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

fn node_network(
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
        ins.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap());
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

/// Largest strongly connected component (iterative Kosaraju); returns the membership mask.
fn largest_scc(n: usize, edges: &[Edge]) -> Vec<bool> {
    let mut fwd: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut rev: Vec<Vec<u32>> = vec![Vec::new(); n];
    for e in edges {
        fwd[e.from as usize].push(e.to);
        rev[e.to as usize].push(e.from);
        if !e.oneway {
            fwd[e.to as usize].push(e.from);
            rev[e.from as usize].push(e.to);
        }
    }
    let mut visited = vec![false; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for s in 0..n {
        if visited[s] {
            continue;
        }
        visited[s] = true;
        let mut stack: Vec<(u32, usize)> = vec![(s as u32, 0)];
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i < fwd[v as usize].len() {
                let w = fwd[v as usize][*i];
                *i += 1;
                if !visited[w as usize] {
                    visited[w as usize] = true;
                    stack.push((w, 0));
                }
            } else {
                order.push(v);
                stack.pop();
            }
        }
    }
    let mut comp = vec![u32::MAX; n];
    let mut sizes: Vec<usize> = Vec::new();
    for &s in order.iter().rev() {
        if comp[s as usize] != u32::MAX {
            continue;
        }
        let c = sizes.len() as u32;
        let mut size = 0;
        let mut stack = vec![s];
        comp[s as usize] = c;
        while let Some(v) = stack.pop() {
            size += 1;
            for &w in &rev[v as usize] {
                if comp[w as usize] == u32::MAX {
                    comp[w as usize] = c;
                    stack.push(w);
                }
            }
        }
        sizes.push(size);
    }
    let best = (0..sizes.len())
        .max_by_key(|&c| (sizes[c], Reverse(c)))
        .unwrap() as u32;
    comp.iter().map(|&c| c == best).collect()
}

fn prune(g: Graph, keep: &[bool]) -> Graph {
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

// ---------------------------------------------------------------------------------------
// Travel-time model of DESIGN §3, snapping and the coverage check.
// ---------------------------------------------------------------------------------------

const ACCESS_MPS: f64 = 15.0 / 3.6;

/// The graph as the engine will see it: coordinates rounded as written, haversine lengths.
struct Routable {
    ll: Vec<(f64, f64)>,
    xy: Vec<P>,
    edges: Vec<Edge>,
    len_m: Vec<f64>,
    time_s: Vec<f64>,
    /// CSR of directed arcs: (head, edge index).
    off: Vec<usize>,
    arcs: Vec<(u32, u32)>,
    grid: HashMap<(i32, i32), Vec<u32>>,
}

const SNAP_CELL: f64 = 200.0;

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

impl Routable {
    fn new(g: &Graph, fr: &Frame) -> Routable {
        let ll: Vec<(f64, f64)> = g
            .nodes
            .iter()
            .map(|&p| {
                let (lon, lat) = fr.lonlat(p);
                (round7(lon), round7(lat))
            })
            .collect();
        let xy = g.nodes.clone();
        let mut len_m = Vec::with_capacity(g.edges.len());
        let mut time_s = Vec::with_capacity(g.edges.len());
        let mut lists: Vec<Vec<(u32, u32)>> = vec![Vec::new(); g.nodes.len()];
        let mut grid: HashMap<(i32, i32), Vec<u32>> = HashMap::new();
        for (k, e) in g.edges.iter().enumerate() {
            let (a, b) = (ll[e.from as usize], ll[e.to as usize]);
            let l = haversine_m(a.0, a.1, b.0, b.1);
            let mut v = e.hw.speed_kmh();
            if let Some(ms) = e.maxspeed {
                v = v.min(ms as f64);
            }
            len_m.push(l);
            time_s.push(l / (v / 3.6));
            lists[e.from as usize].push((e.to, k as u32));
            if !e.oneway {
                lists[e.to as usize].push((e.from, k as u32));
            }
            let (pa, pb) = (xy[e.from as usize], xy[e.to as usize]);
            let c0 = (
                (pa.x.min(pb.x) / SNAP_CELL).floor() as i32,
                (pa.y.min(pb.y) / SNAP_CELL).floor() as i32,
            );
            let c1 = (
                (pa.x.max(pb.x) / SNAP_CELL).floor() as i32,
                (pa.y.max(pb.y) / SNAP_CELL).floor() as i32,
            );
            for cx in c0.0..=c1.0 {
                for cy in c0.1..=c1.1 {
                    grid.entry((cx, cy)).or_default().push(k as u32);
                }
            }
        }
        let mut off = vec![0];
        let mut arcs = Vec::new();
        for l in lists {
            arcs.extend(l);
            off.push(arcs.len());
        }
        Routable {
            ll,
            xy,
            edges: g.edges.clone(),
            len_m,
            time_s,
            off,
            arcs,
            grid,
        }
    }

    /// Nearest segment: (edge, fraction from `from`, distance m in the local frame).
    fn snap(&self, p: P) -> (u32, f64, f64) {
        let c = (
            (p.x / SNAP_CELL).floor() as i32,
            (p.y / SNAP_CELL).floor() as i32,
        );
        let mut best: Option<(f64, u32, f64)> = None;
        for ring in 0..40 {
            for cx in c.0 - ring..=c.0 + ring {
                for cy in c.1 - ring..=c.1 + ring {
                    if (cx - c.0).abs() != ring && (cy - c.1).abs() != ring {
                        continue;
                    }
                    if let Some(list) = self.grid.get(&(cx, cy)) {
                        for &k in list {
                            let e = &self.edges[k as usize];
                            let (d, t) =
                                seg_dist(p, self.xy[e.from as usize], self.xy[e.to as usize]);
                            if best.is_none_or(|b| (d, k) < (b.0, b.1)) {
                                best = Some((d, k, t));
                            }
                        }
                    }
                }
            }
            if let Some(b) = best {
                if b.0 <= ring as f64 * SNAP_CELL {
                    return (b.1, b.2, b.0);
                }
            }
        }
        let b = best.expect("empty network");
        (b.1, b.2, b.0)
    }

    fn snap_point(&self, e: u32, t: f64) -> P {
        let e = &self.edges[e as usize];
        lerp(self.xy[e.from as usize], self.xy[e.to as usize], t)
    }

    fn access_s(&self, fr: &Frame, p: P, e: u32, t: f64) -> f64 {
        let (a, b) = (fr.lonlat(p), fr.lonlat(self.snap_point(e, t)));
        haversine_m(a.0, a.1, b.0, b.1) / ACCESS_MPS
    }

    fn dijkstra(&self, sources: &[(u32, f64)]) -> Vec<f64> {
        let mut dist = vec![f64::INFINITY; self.ll.len()];
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
        for &(v, t) in sources {
            if t < dist[v as usize] {
                dist[v as usize] = t;
                heap.push(Reverse((t.to_bits(), v)));
            }
        }
        while let Some(Reverse((tb, v))) = heap.pop() {
            let t = f64::from_bits(tb);
            if t > dist[v as usize] {
                continue;
            }
            for &(w, e) in &self.arcs[self.off[v as usize]..self.off[v as usize + 1]] {
                let nt = t + self.time_s[e as usize];
                if nt < dist[w as usize] {
                    dist[w as usize] = nt;
                    heap.push(Reverse((nt.to_bits(), w)));
                }
            }
        }
        dist
    }
}

/// A point joined to the network: the snapped segment, the fraction and the access time.
#[derive(Clone, Copy)]
struct Snap {
    edge: u32,
    t: f64,
    dist_m: f64,
    access_s: f64,
}

fn snap(r: &Routable, fr: &Frame, p: P) -> Snap {
    let (edge, t, dist_m) = r.snap(p);
    Snap {
        edge,
        t,
        dist_m,
        access_s: r.access_s(fr, p, edge, t),
    }
}

/// Response time from sources (snap, fixed time at the snap point) to each target snap.
fn response_times(r: &Routable, sources: &[(Snap, f64)], targets: &[Snap]) -> Vec<f64> {
    let mut init = Vec::new();
    let mut by_edge: HashMap<u32, Vec<(f64, f64)>> = HashMap::new();
    for &(s, t0) in sources {
        let e = r.edges[s.edge as usize];
        let te = r.time_s[s.edge as usize];
        let base = t0 + s.access_s;
        init.push((e.to, base + (1.0 - s.t) * te));
        if !e.oneway {
            init.push((e.from, base + s.t * te));
        }
        by_edge.entry(s.edge).or_default().push((s.t, base));
    }
    let dist = r.dijkstra(&init);
    targets
        .iter()
        .map(|s| {
            let e = r.edges[s.edge as usize];
            let te = r.time_s[s.edge as usize];
            let mut best = dist[e.from as usize] + s.t * te;
            if !e.oneway {
                best = best.min(dist[e.to as usize] + (1.0 - s.t) * te);
            }
            if let Some(list) = by_edge.get(&s.edge) {
                for &(ts, base) in list {
                    if !e.oneway || s.t >= ts {
                        best = best.min(base + (s.t - ts).abs() * te);
                    }
                }
            }
            best + s.access_s
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The district's layout.
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Style {
    Plain,
    Hill,
    HillMinor,
}

fn road(a: P, b: P, style: Style, rng: &mut ChaCha8Rng) -> Vec<P> {
    match style {
        Style::Plain => meander(a, b, 90.0, &[(140.0, 5000.0), (35.0, 1300.0)], rng),
        Style::Hill => meander(
            a,
            b,
            30.0,
            &[(420.0, 2800.0), (120.0, 950.0), (28.0, 230.0)],
            rng,
        ),
        Style::HillMinor => meander(
            a,
            b,
            30.0,
            &[(250.0, 1600.0), (70.0, 520.0), (22.0, 170.0)],
            rng,
        ),
    }
}

/// A regional road: from, to, optional via point (km), class, style, posted limit.
type Conn = (End, End, Option<(f64, f64)>, Hw, Style, Option<u32>);

#[derive(Clone, Copy)]
enum End {
    Pl(&'static str),
    Pt(f64, f64),
}

struct Water {
    name: &'static str,
    kind: &'static str,
    pts: Vec<P>,
}

const PLAIN_VILLAGES: usize = 160;
const HILL_VILLAGES: usize = 34;

struct Village {
    center: P,
    r: f64,
    hill: bool,
}

struct Layout {
    net: Net,
    places: Vec<Lattice>,
    villages: Vec<Village>,
    water: Vec<Water>,
    motorways: Vec<Motorway>,
    /// Water and expressway segments: surface roads cross them only at bridges/underpasses.
    barriers: Vec<(P, P, Barrier)>,
    industrial_spurs: usize,
}

fn place<'a>(places: &'a [Lattice], name: &str) -> &'a Lattice {
    places
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no place {name}"))
}

fn in_any_place(places: &[Lattice], ds: &[District], p: P) -> Option<usize> {
    places
        .iter()
        .position(|pl| pl.name != "农村道路" && pl.mask.contains(p, ds))
}

fn town(
    name: &'static str,
    id: u64,
    c: (f64, f64),
    r_km: f64,
    s: f64,
    rng: &mut ChaCha8Rng,
) -> Lattice {
    let center = km(c.0, c.1);
    let r = r_km * 1000.0;
    let phase = rng.random::<f64>() * 2.0 * PI;
    let mut t = Lattice::new(
        name,
        id,
        center,
        s,
        rng.random_range(-0.35..0.35),
        (r * 1.3, r * 1.3),
        Mask::Circle(center, r, phase),
        Hw::Residential,
    );
    t.rules = vec![(1000, 0, Hw::Secondary), (4, 2, Hw::Tertiary)];
    t.drop = 0.14;
    t.jitter = 12.0;
    t
}

fn build_layout(fr: &Frame, ds: &[District], rng: &mut ChaCha8Rng) -> Layout {
    let mut net = Net::default();

    // --- Water: the Zhedong canal through the core, a drainage canal north to the
    // Qiantang, and the Xixiao river between the new town and the industrial zone.
    let water = vec![
        Water {
            name: "浙东运河",
            kind: "canal",
            pts: meander(
                km(0.0, 16.4),
                P {
                    x: fr.w,
                    y: 15000.0,
                },
                100.0,
                &[(260.0, 6500.0), (70.0, 1500.0)],
                rng,
            ),
        },
        Water {
            name: "直落江",
            kind: "canal",
            pts: meander(
                km(16.55, 15.2),
                P {
                    x: 16900.0,
                    y: fr.h,
                },
                100.0,
                &[(90.0, 4500.0)],
                rng,
            ),
        },
        Water {
            name: "西小江",
            kind: "river",
            pts: meander(
                km(0.0, 24.55),
                P {
                    x: fr.w,
                    y: 24300.0,
                },
                80.0,
                &[(420.0, 7000.0), (140.0, 2300.0)],
                rng,
            ),
        },
    ];

    // --- Expressways (centre lines now: they are barriers for everything built below).
    let mut m1 = Motorway::new(
        "杭甬高速",
        &[
            km(0.0, 21.35),
            P {
                x: fr.w,
                y: 20650.0,
            },
        ],
        rng,
    );
    let mut m2 = Motorway::new(
        "绍诸高速",
        &[
            km(20.3, 0.0),
            km(22.0, 5.6),
            km(25.0, 9.3),
            P {
                x: fr.w,
                y: 12700.0,
            },
        ],
        rng,
    );
    m1.interchanges = [1.4, 9.8, 16.6, 22.6, 27.6]
        .iter()
        .map(|&x| m1.nearest_s(km(x, 21.0)))
        .collect();
    let m2_len = m2.length();
    m2.interchanges = vec![
        m2.nearest_s(km(21.3, 2.4)),
        m2.nearest_s(km(22.0, 5.3)),
        m2.nearest_s(km(25.3, 9.6)),
        m2_len - 700.0,
    ];

    // --- Places.
    let core_d = district_idx(ds, "柯中");
    let north_d = district_idx(ds, "柯北");
    let maan_d = district_idx(ds, "马鞍");
    let hills_d = district_idx(ds, "南部山区");

    let mut places: Vec<Lattice> = Vec::new();
    let mut core = Lattice::new(
        "柯中",
        1,
        km(14.25, 16.1),
        110.0,
        0.0,
        (4900.0, 3300.0),
        Mask::District(core_d),
        Hw::Residential,
    );
    core.rules = vec![
        (16, 8, Hw::Primary),
        (8, 0, Hw::Secondary),
        (4, 0, Hw::Tertiary),
    ];
    core.drop = 0.08;
    core.jitter = 6.0;
    core.oneways = vec![
        OneWay {
            horizontal: true,
            line: 10,
            from: -30,
            to: 30,
            forward: true,
            hw: Hw::Secondary,
        },
        OneWay {
            horizontal: true,
            line: 13,
            from: -30,
            to: 30,
            forward: false,
            hw: Hw::Secondary,
        },
        OneWay {
            horizontal: false,
            line: 3,
            from: -24,
            to: 24,
            forward: true,
            hw: Hw::Secondary,
        },
        OneWay {
            horizontal: false,
            line: 6,
            from: -24,
            to: 24,
            forward: false,
            hw: Hw::Secondary,
        },
    ];
    places.push(core);

    let mut new_town = Lattice::new(
        "北部新城",
        2,
        km(14.4, 21.3),
        165.0,
        0.0,
        (4700.0, 2700.0),
        Mask::All(vec![
            Mask::District(north_d),
            Mask::Rect(km(10.0, 18.7), km(18.8, 23.75)),
        ]),
        Hw::Residential,
    );
    new_town.rules = vec![
        (12, 6, Hw::Primary),
        (6, 0, Hw::Secondary),
        (3, 0, Hw::Tertiary),
    ];
    new_town.drop = 0.12;
    new_town.jitter = 10.0;
    places.push(new_town);

    let maan_c = km(11.5, 26.9);
    places.push(town("马鞍", 10, (11.5, 26.9), 1.35, 170.0, rng));

    let mut industry = Lattice::new(
        "滨海工业区",
        3,
        km(15.5, 29.0),
        750.0,
        0.03,
        (13600.0, 4600.0),
        Mask::All(vec![
            Mask::District(maan_d),
            Mask::Rect(km(1.8, 24.4), km(28.75, 31.3)),
            Mask::Not(Box::new(Mask::Circle(maan_c, 1750.0, 0.0))),
        ]),
        Hw::Tertiary,
    );
    industry.rules = vec![
        (6, 0, Hw::Trunk),
        (3, 0, Hw::Primary),
        (2, 1, Hw::Secondary),
    ];
    industry.jitter = 90.0;
    industry.densify = (110.0, 0.0);
    places.push(industry);

    let towns: [(&str, (f64, f64), f64, f64); 14] = [
        ("钱清", (4.0, 17.3), 1.5, 170.0),
        ("杨汛桥", (4.6, 22.95), 1.0, 170.0),
        ("夏履", (1.7, 14.2), 0.6, 150.0),
        ("安昌", (22.3, 23.0), 0.9, 160.0),
        ("齐贤", (25.8, 22.7), 1.0, 170.0),
        ("福全", (14.5, 11.0), 1.0, 160.0),
        ("兰亭", (9.3, 9.8), 0.8, 160.0),
        ("漓渚", (4.2, 10.4), 0.8, 160.0),
        ("柯岩", (21.6, 15.6), 1.3, 170.0),
        ("湖塘", (23.6, 11.2), 1.0, 170.0),
        ("鉴湖", (26.8, 16.9), 0.9, 160.0),
        ("平水", (24.2, 5.1), 0.7, 150.0),
        ("稽东", (10.6, 3.2), 0.45, 120.0),
        ("王坛", (16.6, 2.2), 0.45, 120.0),
    ];
    for (k, &(name, c, r, s)) in towns.iter().enumerate() {
        places.push(town(name, 20 + k as u64, c, r, s, rng));
    }
    for pl in &mut places {
        pl.build(ds, fr);
    }

    // Barriers for everything below: water, and the expressway centre lines.
    let mut barriers: Vec<(P, P, Barrier)> = Vec::new();
    for w in &water {
        for s in w.pts.windows(2) {
            barriers.push((s[0], s[1], Barrier::Water));
        }
    }
    for m in [&m1, &m2] {
        let first = m.interchanges.first().unwrap() + RAMP;
        let last = m.interchanges.last().unwrap() - RAMP;
        for (k, s) in m.centre.windows(2).enumerate() {
            if m.cum[k + 1] >= first && m.cum[k] <= last {
                barriers.push((s[0], s[1], Barrier::Motorway));
            }
        }
    }

    for pl in &places {
        pl.emit(&mut net, rng);
    }

    // --- Streets continue from the core into the new town across the district line.
    let stitched = stitch(place(&places, "北部新城"), place(&places, "柯中"), &mut net);
    println!("core–new town street links: {stitched}");

    // --- Rural road lattice between the places (plains only).
    let mut farm_mask = vec![Mask::Not(Box::new(Mask::District(hills_d)))];
    for pl in &places {
        farm_mask.push(Mask::Not(Box::new(pl.mask.clone())));
    }
    let mut farm = Lattice::new(
        "农村道路",
        99,
        km(14.4, 20.6),
        850.0,
        0.04,
        (16000.0, 14000.0),
        Mask::All(farm_mask),
        Hw::Unclassified,
    );
    farm.rules = vec![(4, 0, Hw::Tertiary)];
    farm.drop = 0.2;
    farm.jitter = 170.0;
    for i in -farm.hi..=farm.hi {
        for j in -farm.hj..=farm.hj {
            let a = farm.raw(i, j);
            let a_in = fr.inside(a) && farm.mask.contains(a, ds);
            for (horizontal, (i2, j2)) in [(true, (i + 1, j)), (false, (i, j + 1))] {
                let b = farm.raw(i2, j2);
                let b_in = fr.inside(b) && farm.mask.contains(b, ds);
                if !a_in && !b_in {
                    continue;
                }
                let hw = farm.class_of(if horizontal { j } else { i });
                if hw == Hw::Unclassified
                    && h01(99, (i * 2 + horizontal as i32) as i64, j as i64) < farm.drop
                {
                    continue;
                }
                let resolve = |p: P, inside: bool, other: P| -> Option<P> {
                    if inside {
                        return Some(p);
                    }
                    if !fr.inside(p) {
                        return None;
                    }
                    in_any_place(&places, ds, p).map(|k| places[k].attach(other, Hw::Tertiary))
                };
                let (Some(pa), Some(pb)) = (resolve(a, a_in, b), resolve(b, b_in, a)) else {
                    continue;
                };
                if dist(pa, pb) < 30.0 {
                    continue;
                }
                let pts = meander(pa, pb, 45.0, &[(30.0, 600.0), (12.0, 210.0)], rng);
                net.add(pts, hw, false, None, false);
            }
        }
    }

    // --- Regional roads between places.
    use End::{Pl, Pt};
    let w_km = fr.w / 1000.0;
    let conns: Vec<Conn> = vec![
        // G104 (trunk) west to east through Qianqing, the core, Keyan and Jianhu.
        (
            Pt(0.0, 18.3),
            Pl("钱清"),
            None,
            Hw::Trunk,
            Style::Plain,
            None,
        ),
        (Pl("钱清"), Pl("柯中"), None, Hw::Trunk, Style::Plain, None),
        (Pl("柯中"), Pl("柯岩"), None, Hw::Trunk, Style::Plain, None),
        (Pl("柯岩"), Pl("鉴湖"), None, Hw::Trunk, Style::Plain, None),
        (
            Pl("鉴湖"),
            Pt(w_km, 17.4),
            None,
            Hw::Trunk,
            Style::Plain,
            None,
        ),
        // North–south trunk: core → new town → industrial zone.
        (
            Pl("柯中"),
            Pl("北部新城"),
            Some((15.2, 19.0)),
            Hw::Trunk,
            Style::Plain,
            None,
        ),
        (
            Pl("北部新城"),
            Pl("滨海工业区"),
            Some((15.6, 24.3)),
            Hw::Trunk,
            Style::Plain,
            None,
        ),
        // Primary roads.
        (
            Pl("柯中"),
            Pl("北部新城"),
            Some((11.0, 19.0)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("北部新城"),
            Some((18.3, 19.0)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("北部新城"),
            Pl("马鞍"),
            Some((11.4, 24.2)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("福全"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("湖塘"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯岩"),
            Pl("湖塘"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("钱清"),
            Pl("杨汛桥"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("杨汛桥"),
            Pl("滨海工业区"),
            Some((5.0, 24.8)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("北部新城"),
            Pl("安昌"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("安昌"),
            Pl("齐贤"),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("齐贤"),
            Pt(w_km, 22.6),
            None,
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("安昌"),
            Pl("滨海工业区"),
            Some((22.5, 24.8)),
            Hw::Primary,
            Style::Plain,
            None,
        ),
        (
            Pl("齐贤"),
            Pl("滨海工业区"),
            Some((26.4, 24.8)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        // Secondary roads.
        (
            Pl("马鞍"),
            Pl("滨海工业区"),
            Some((13.5, 26.9)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("马鞍"),
            Pl("滨海工业区"),
            Some((9.5, 26.9)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("马鞍"),
            Pl("滨海工业区"),
            Some((11.5, 28.9)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("钱清"),
            Some((9.0, 14.2)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("福全"),
            Some((11.5, 13.0)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯中"),
            Pl("柯岩"),
            Some((19.0, 14.0)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("钱清"),
            Pl("漓渚"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("漓渚"),
            Pl("兰亭"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("兰亭"),
            Pl("福全"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("福全"),
            Pl("柯岩"),
            Some((18.5, 12.5)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("钱清"),
            Pl("夏履"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("夏履"),
            Pt(0.0, 12.0),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("夏履"),
            Pl("漓渚"),
            None,
            Hw::Tertiary,
            Style::Plain,
            None,
        ),
        (
            Pl("齐贤"),
            Pl("鉴湖"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("柯岩"),
            Pl("安昌"),
            Some((21.5, 19.5)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("湖塘"),
            Pl("鉴湖"),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("湖塘"),
            Pt(w_km, 9.2),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("杨汛桥"),
            Pt(0.0, 23.2),
            None,
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        (
            Pl("杨汛桥"),
            Pl("北部新城"),
            Some((8.6, 22.0)),
            Hw::Secondary,
            Style::Plain,
            None,
        ),
        // Hill roads: winding, few, with lower posted limits.
        (
            Pl("湖塘"),
            Pl("平水"),
            None,
            Hw::Secondary,
            Style::Hill,
            Some(40),
        ),
        (
            Pl("平水"),
            Pl("王坛"),
            None,
            Hw::Tertiary,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("王坛"),
            Pl("稽东"),
            None,
            Hw::Tertiary,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("兰亭"),
            Pl("稽东"),
            None,
            Hw::Tertiary,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("福全"),
            Pl("王坛"),
            None,
            Hw::Unclassified,
            Style::Hill,
            Some(25),
        ),
        (
            Pl("漓渚"),
            Pt(3.2, 4.0),
            None,
            Hw::Unclassified,
            Style::Hill,
            Some(25),
        ),
        (
            Pt(3.2, 4.0),
            Pl("稽东"),
            None,
            Hw::Unclassified,
            Style::Hill,
            Some(25),
        ),
        (
            Pl("平水"),
            Pt(w_km, 3.6),
            None,
            Hw::Tertiary,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("平水"),
            Pl("鉴湖"),
            Some((27.5, 9.0)),
            Hw::Unclassified,
            Style::Hill,
            Some(30),
        ),
        (
            Pl("王坛"),
            Pt(15.2, 0.0),
            None,
            Hw::Unclassified,
            Style::Hill,
            Some(25),
        ),
    ];
    let center_of = |e: End, places: &[Lattice]| match e {
        Pl(n) => place(places, n).center,
        Pt(x, y) => km(x, y),
    };
    for &(a, b, via, hw, style, maxspeed) in &conns {
        let target_a = via
            .map(|v| km(v.0, v.1))
            .unwrap_or_else(|| center_of(b, &places));
        let target_b = via
            .map(|v| km(v.0, v.1))
            .unwrap_or_else(|| center_of(a, &places));
        let gate = |e: End, target: P| match e {
            Pl(n) => {
                let pl = place(&places, n);
                let min = if matches!(n, "柯中" | "北部新城") {
                    Hw::Secondary
                } else {
                    Hw::Tertiary
                };
                pl.attach(target, min)
            }
            Pt(x, y) => km(x, y),
        };
        let (pa, pb) = (gate(a, target_a), gate(b, target_b));
        let pts = match via {
            Some(v) if dist(pa, km(v.0, v.1)) > 300.0 && dist(pb, km(v.0, v.1)) > 300.0 => {
                let mut p1 = road(pa, km(v.0, v.1), style, rng);
                let p2 = road(km(v.0, v.1), pb, style, rng);
                p1.extend_from_slice(&p2[1..]);
                p1
            }
            _ => road(pa, pb, style, rng),
        };
        net.add(pts, hw, false, maxspeed, true);
    }

    // --- Expressways with their interchanges.
    build_motorway(&m1, &mut net, rng);
    build_motorway(&m2, &mut net, rng);

    // --- Villages: plains villages every kilometre or so, hill villages far apart.
    let mut villages: Vec<Village> = Vec::new();
    let mut tries = 0;
    let (mut n_plain, mut n_hill) = (0, 0);
    while (n_plain < PLAIN_VILLAGES || n_hill < HILL_VILLAGES) && tries < 200_000 {
        tries += 1;
        let c = P {
            x: rng.random_range(400.0..fr.w - 400.0),
            y: rng.random_range(400.0..fr.h - 600.0),
        };
        let hill = district_of(ds, c) == Some(hills_d);
        if (hill && n_hill >= HILL_VILLAGES) || (!hill && n_plain >= PLAIN_VILLAGES) {
            continue;
        }
        let spacing = if hill { 1500.0 } else { 900.0 };
        if villages.iter().any(|v| dist(v.center, c) < spacing) {
            continue;
        }
        let clear = [
            P { x: 0.0, y: 0.0 },
            P { x: 350.0, y: 0.0 },
            P { x: -350.0, y: 0.0 },
            P { x: 0.0, y: 350.0 },
            P { x: 0.0, y: -350.0 },
        ]
        .iter()
        .all(|&o| in_any_place(&places, ds, c + o).is_none());
        if !clear {
            continue;
        }
        if water
            .iter()
            .any(|w| w.pts.windows(2).any(|s| seg_dist(c, s[0], s[1]).0 < 300.0))
        {
            continue;
        }
        if [&m1, &m2].iter().any(|m| {
            m.centre
                .windows(2)
                .any(|s| seg_dist(c, s[0], s[1]).0 < 400.0)
        }) {
            continue;
        }
        let r = if hill {
            rng.random_range(110.0..200.0)
        } else {
            rng.random_range(130.0..260.0)
        };
        villages.push(Village { center: c, r, hill });
        if hill {
            n_hill += 1;
        } else {
            n_plain += 1;
        }
    }
    for (k, v) in villages.iter().enumerate() {
        let phase = rng.random::<f64>() * 2.0 * PI;
        let mut lat = Lattice::new(
            "村",
            1000 + k as u64,
            v.center,
            85.0,
            rng.random_range(-0.8..0.8),
            (v.r * 1.3, v.r * 1.3),
            Mask::Circle(v.center, v.r, phase),
            Hw::Residential,
        );
        lat.rules = vec![(3, 1, Hw::Service)];
        lat.drop = 0.2;
        lat.jitter = 12.0;
        lat.build(ds, fr);
        if lat.pts.len() < 3 || lat.deg.values().all(|&d| d < 2) {
            continue;
        }
        let Some(target) = net.nearest_vertex(
            v.center,
            Hw::Unclassified,
            6000.0,
            Some((v.center, v.r * 1.5)),
            None,
        ) else {
            continue;
        };
        let gate = lat.attach(target, Hw::Residential);
        lat.emit(&mut net, rng);
        if v.hill {
            net.add(
                road(gate, target, Style::HillMinor, rng),
                Hw::Unclassified,
                false,
                Some(25),
                false,
            );
        } else {
            net.add(
                meander(gate, target, 60.0, &[(40.0, 900.0), (10.0, 200.0)], rng),
                Hw::Unclassified,
                false,
                None,
                false,
            );
        }
        places.push(lat);
    }

    // --- Dead-end service roads: factory roads in the industrial blocks (two rounds),
    // compound entrances in the core, the new town and the towns.
    let all_classes = [Hw::Trunk, Hw::Primary, Hw::Secondary, Hw::Tertiary];
    let ind = place(&places, "滨海工业区");
    let big = (80.0, 240.0);
    let arm = (30.0, 90.0);
    let mut industrial_spurs = ind.spurs(&mut net, rng, &all_classes, 0.45, big, arm, ds);
    industrial_spurs += ind.spurs(&mut net, rng, &all_classes, 0.25, big, arm, ds);
    let mut compound_spurs = 0;
    for pl in &places {
        let (p, len) = match pl.name {
            "柯中" => (0.25, (30.0, 48.0)),
            "北部新城" => (0.2, (40.0, 75.0)),
            "滨海工业区" | "村" => continue,
            _ => (0.15, (40.0, 75.0)),
        };
        let on = [Hw::Residential, Hw::Tertiary];
        compound_spurs += pl.spurs(&mut net, rng, &on, p, len, (0.0, 0.0), ds);
    }
    println!("dead-end service roads: {industrial_spurs} factory roads, {compound_spurs} compound entrances");

    Layout {
        net,
        places,
        villages,
        water,
        motorways: vec![m1, m2],
        barriers,
        industrial_spurs,
    }
}

// ---------------------------------------------------------------------------------------
// Stations, vehicles, depots.
// ---------------------------------------------------------------------------------------

struct StationSpec {
    id: &'static str,
    name: &'static str,
    class: &'static str,
    at: (f64, f64),
    staff: u32,
    turnout_s: Option<u32>,
    drone: Option<u8>,
}

const fn st(
    id: &'static str,
    name: &'static str,
    class: &'static str,
    at: (f64, f64),
    staff: u32,
    turnout_s: Option<u32>,
    drone: Option<u8>,
) -> StationSpec {
    StationSpec {
        id,
        name,
        class,
        at,
        staff,
        turnout_s,
        drone,
    }
}

/// Today's "2+7+13" system plus forward and logistics-support stations: (id, name, class,
/// design position km, staff, turnout s, drone hangar). Some staff numbers are below the
/// seed-004 minima on purpose.
#[rustfmt::skip]
const STATIONS: [StationSpec; 28] = [
    st("KQ01", "柯桥特勤站", "special", (14.3, 16.1), 48, Some(45), Some(1)),
    st("KQ02", "马鞍特勤站", "special", (11.9, 27.4), 41, None, Some(1)),
    st("KQ03", "柯中一级站", "class1", (11.9, 14.7), 31, None, Some(1)),
    st("KQ04", "北部新城一级站", "class1", (12.2, 22.4), 33, None, Some(1)),
    st("KQ05", "钱清一级站", "class1", (4.2, 17.1), 26, None, Some(0)),
    st("KQ06", "柯岩一级站", "class1", (21.5, 15.4), 30, None, Some(1)),
    st("KQ07", "福全一级站", "class1", (14.4, 11.2), 28, None, None),
    st("KQ08", "马鞍一级站", "class1", (18.5, 28.0), 32, None, Some(1)),
    st("KQ09", "安昌一级站", "class1", (22.2, 22.9), 30, None, Some(0)),
    st("KQ10", "笛扬二级站", "class2", (16.7, 14.7), 22, None, Some(1)),
    st("KQ11", "轻纺城二级站", "class2", (16.7, 17.6), 18, None, Some(1)),
    st("KQ12", "柯桥西二级站", "class2", (11.9, 17.6), 21, None, None),
    st("KQ13", "瓜渚二级站", "class2", (14.5, 19.9), 20, None, Some(1)),
    st("KQ14", "齐贤二级站", "class2", (25.7, 22.5), 21, None, Some(1)),
    st("KQ15", "杨汛桥二级站", "class2", (4.7, 22.9), 20, None, Some(0)),
    st("KQ16", "华舍二级站", "class2", (17.0, 22.4), 16, None, None),
    st("KQ17", "兰亭二级站", "class2", (9.4, 9.9), 20, None, Some(1)),
    st("KQ18", "漓渚二级站", "class2", (4.3, 10.5), 19, None, Some(0)),
    st("KQ19", "湖塘二级站", "class2", (23.7, 11.3), 22, None, Some(1)),
    st("KQ20", "鉴湖二级站", "class2", (26.7, 16.8), 20, None, Some(0)),
    st("KQ21", "平水二级站", "class2", (24.2, 5.2), 20, Some(75), Some(1)),
    st("KQ22", "滨海西二级站", "class2", (5.5, 28.0), 17, None, None),
    st("KQ23", "稽东前置站", "forward", (10.6, 3.3), 8, Some(90), None),
    st("KQ24", "王坛前置站", "forward", (16.6, 2.3), 10, Some(90), Some(0)),
    st("KQ25", "滨海前置站", "forward", (15.3, 25.9), 12, Some(75), Some(0)),
    st("KQ26", "夏履前置站", "forward", (1.9, 14.3), 10, Some(75), None),
    st("KQ27", "柯桥战勤保障站", "logistics", (15.6, 20.3), 18, None, Some(1)),
    st("KQ28", "滨海战勤保障站", "logistics", (13.8, 29.3), 12, None, None),
];

/// Vehicles (kind, count, pump flow L/s per vehicle, fire-fighting) of a station; some
/// stations fall short of the equipment standard (flow per class, 1:1 fire-fighting to
/// other vehicles, a light pickup at every station) on purpose.
fn vehicles_of(s: &StationSpec) -> Vec<(&'static str, u32, Option<u32>, bool)> {
    let v = |k, c, f, ff| (k, c, f, ff);
    match s.id {
        "KQ01" => vec![
            v("engine", 3, Some(60), true),
            v("foam", 1, Some(80), true),
            v("aerial", 2, Some(40), true),
            v("tanker", 1, Some(60), true),
            v("pickup", 1, Some(10), true),
            v("rescue", 1, None, false),
            v("hazmat", 1, None, false),
            v("command", 1, None, false),
            v("support", 1, None, false),
        ],
        // Short of flow (240 < 330 L/s), no pickup, more support than fire-fighting vehicles.
        "KQ02" => vec![
            v("engine", 2, Some(60), true),
            v("foam", 1, Some(80), true),
            v("aerial", 1, Some(40), true),
            v("rescue", 1, None, false),
            v("hazmat", 2, None, false),
            v("command", 1, None, false),
            v("support", 1, None, false),
        ],
        // Class 1 short of flow.
        "KQ05" => vec![
            v("engine", 2, Some(60), true),
            v("tanker", 1, Some(60), true),
            v("pickup", 1, Some(10), true),
            v("rescue", 1, None, false),
        ],
        "KQ09" => vec![
            v("engine", 2, Some(60), true),
            v("tanker", 1, Some(60), true),
            v("foam", 1, Some(60), true),
            v("rescue", 1, None, false),
            v("command", 1, None, false),
        ],
        // Class 2 short of flow / without pickup.
        "KQ16" => vec![
            v("engine", 1, Some(60), true),
            v("tanker", 1, Some(40), true),
            v("rescue", 1, None, false),
        ],
        "KQ22" => vec![
            v("engine", 1, Some(60), true),
            v("pickup", 1, Some(10), true),
            v("rescue", 1, None, false),
            v("support", 1, None, false),
        ],
        "KQ18" => vec![
            v("engine", 2, Some(60), true),
            v("tanker", 1, Some(30), true),
            v("rescue", 1, None, false),
        ],
        "KQ23" => vec![v("pickup", 1, Some(10), true), v("rescue", 1, None, false)],
        "KQ28" => vec![
            v("tanker", 2, Some(60), true),
            v("support", 1, None, false),
            v("fuel", 1, None, false),
            v("catering", 1, None, false),
        ],
        _ => match s.class {
            "class1" => vec![
                v("engine", 2, Some(60), true),
                v("tanker", 1, Some(60), true),
                v("aerial", 1, Some(40), true),
                v("foam", 1, Some(60), true),
                v("pickup", 1, Some(10), true),
                v("rescue", 1, None, false),
                v("command", 1, None, false),
            ],
            "class2" => vec![
                v("engine", 2, Some(60), true),
                v("tanker", 1, Some(40), true),
                v("pickup", 1, Some(10), true),
                v("rescue", 1, None, false),
            ],
            "forward" => vec![
                v("engine", 1, Some(40), true),
                v("pickup", 1, Some(10), true),
            ],
            "logistics" => vec![
                v("water_supply", 1, Some(400), true),
                v("tanker", 2, Some(60), true),
                v("pickup", 1, Some(10), true),
                v("foam_supply", 1, None, false),
                v("support", 1, None, false),
                v("fuel", 1, None, false),
            ],
            _ => vec![v("engine", 2, Some(60), true)],
        },
    }
}

/// (id, name, level, at km, capacity). The city depot stands at the district's east edge,
/// towards the Shaoxing city centre.
type DepotSpec = (&'static str, &'static str, &'static str, (f64, f64), u32);

const DEPOTS: [DepotSpec; 2] = [
    ("DP01", "柯桥区应急物资储备库", "county", (12.6, 20.1), 100),
    (
        "DP02",
        "绍兴市消防救援物资储备中心",
        "city",
        (28.6, 14.6),
        200,
    ),
];

/// Places a facility next to the nearest road (of at least tertiary class when there is one
/// within 1.2 km), 25 m off the carriageway on the side of the design point.
fn site_on_road(r: &Routable, g: &Graph, at: P) -> P {
    let mut best: Option<(f64, usize, f64)> = None;
    for (k, e) in g.edges.iter().enumerate() {
        if e.hw < Hw::Tertiary || e.hw.is_motorway() {
            continue;
        }
        let (d, t) = seg_dist(at, g.nodes[e.from as usize], g.nodes[e.to as usize]);
        if d < 1200.0 && best.is_none_or(|b| (d, k) < (b.0, b.1)) {
            best = Some((d, k, t));
        }
    }
    let (k, t) = match best {
        Some((_, k, t)) => (k, t),
        None => {
            let (k, t, _) = r.snap(at);
            (k as usize, t)
        }
    };
    let e = &g.edges[k];
    let (a, b) = (g.nodes[e.from as usize], g.nodes[e.to as usize]);
    let q = lerp(a, b, t.clamp(0.2, 0.8));
    let n = (b - a).unit().left();
    let side = if (at - q).dot(n) >= 0.0 { 1.0 } else { -1.0 };
    q + n * (25.0 * side)
}

// ---------------------------------------------------------------------------------------
// Incidents.
// ---------------------------------------------------------------------------------------

struct Incident {
    p: P,
    kind: &'static str,
    time: String,
}

/// Incidents per rescue district in the year (sums to ~4,300).
const QUOTA: [(&str, usize); 7] = [
    ("柯中", 1480),
    ("柯北", 640),
    ("马鞍", 760),
    ("柯西", 420),
    ("柯南", 470),
    ("福兰漓", 300),
    ("南部山区", 210),
];
/// Incidents placed far (550 m – 1.4 km) from any road in the hills: forest fires, mountain rescue.
const OFF_ROAD_HILL: usize = 8;

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[(&'a str, f64)]) -> &'a str {
    let total: f64 = items.iter().map(|i| i.1).sum();
    let mut x = rng.random::<f64>() * total;
    for &(k, w) in items {
        if x < w {
            return k;
        }
        x -= w;
    }
    items.last().unwrap().0
}

fn random_time(rng: &mut ChaCha8Rng) -> String {
    const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    // More fires in the dry, cold months and around the Spring Festival; more rescues in summer.
    const MONTH_W: [f64; 12] = [
        1.25, 1.3, 1.0, 0.95, 0.9, 0.85, 1.05, 1.1, 0.9, 0.9, 1.0, 1.2,
    ];
    const HOUR_W: [f64; 24] = [
        2.0, 1.6, 1.3, 1.1, 1.0, 1.1, 1.6, 2.6, 3.6, 4.4, 4.8, 5.0, 4.8, 4.6, 4.8, 5.0, 5.2, 5.4,
        5.2, 4.8, 4.2, 3.6, 3.0, 2.4,
    ];
    let month_items: Vec<(usize, f64)> = (0..12)
        .map(|m| (m, MONTH_W[m] * MONTH_DAYS[m] as f64))
        .collect();
    let total: f64 = month_items.iter().map(|m| m.1).sum();
    let mut x = rng.random::<f64>() * total;
    let mut month = 11;
    for &(m, w) in &month_items {
        if x < w {
            month = m;
            break;
        }
        x -= w;
    }
    let day = rng.random_range(1..=MONTH_DAYS[month]);
    let htotal: f64 = HOUR_W.iter().sum();
    let mut x = rng.random::<f64>() * htotal;
    let mut hour = 23;
    for (h, &w) in HOUR_W.iter().enumerate() {
        if x < w {
            hour = h;
            break;
        }
        x -= w;
    }
    let (minute, second) = (rng.random_range(0..60), rng.random_range(0..60));
    format!(
        "{YEAR}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        month + 1,
        day,
        hour,
        minute,
        second
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Zone {
    Urban,
    Industrial,
    Rural,
    Highway,
}

fn kind_for(zone: Zone, rng: &mut ChaCha8Rng) -> &'static str {
    let mix: &[(&str, f64)] = match zone {
        Zone::Urban => &[
            ("building_fire", 0.22),
            ("vehicle_fire", 0.07),
            ("rescue", 0.36),
            ("hazmat", 0.02),
            ("other", 0.33),
        ],
        Zone::Industrial => &[
            ("building_fire", 0.31),
            ("vehicle_fire", 0.06),
            ("rescue", 0.27),
            ("hazmat", 0.08),
            ("other", 0.28),
        ],
        Zone::Rural => &[
            ("building_fire", 0.25),
            ("vehicle_fire", 0.05),
            ("rescue", 0.34),
            ("hazmat", 0.01),
            ("other", 0.35),
        ],
        Zone::Highway => &[
            ("building_fire", 0.02),
            ("vehicle_fire", 0.26),
            ("rescue", 0.50),
            ("hazmat", 0.05),
            ("other", 0.17),
        ],
    };
    pick(rng, mix)
}

fn make_incidents(
    fr: &Frame,
    ds: &[District],
    lay: &Layout,
    g: &Graph,
    r: &Routable,
    rng: &mut ChaCha8Rng,
) -> Vec<Incident> {
    // Weight of each road edge: length × road factor × activity of the place it is in.
    let find = |n: &str| lay.places.iter().find(|p| p.name == n).unwrap();
    let (core, new_town, industry) = (find("柯中"), find("北部新城"), find("滨海工业区"));
    let towns: Vec<&Lattice> = lay
        .places
        .iter()
        .filter(|p| matches!(p.mask, Mask::Circle(..)) && p.name != "村")
        .collect();
    let hills = district_idx(ds, "南部山区");
    let mut per_district: Vec<Vec<(usize, f64, Zone)>> = vec![Vec::new(); ds.len()];
    for (k, e) in g.edges.iter().enumerate() {
        let (a, b) = (g.nodes[e.from as usize], g.nodes[e.to as usize]);
        let mid = lerp(a, b, 0.5);
        let Some(d) = district_of(ds, mid) else {
            continue;
        };
        let road = match e.hw {
            Hw::Motorway => 0.35,
            Hw::MotorwayLink => 0.15,
            Hw::Trunk | Hw::Primary => 1.0,
            Hw::Secondary | Hw::Tertiary => 1.0,
            Hw::Unclassified => 0.8,
            Hw::Residential => 1.2,
            Hw::Service => 1.0,
        };
        let near_village = lay
            .villages
            .iter()
            .any(|v| dist(v.center, mid) < v.r + 120.0);
        let (activity, mut zone) = if core.mask.contains(mid, ds) {
            (1.0, Zone::Urban)
        } else if industry.mask.contains(mid, ds) {
            // The newer tidal-flat parks in the north and east are less built up.
            let newer = mid.y > 29_800.0 || mid.x > 23_000.0;
            (if newer { 0.2 } else { 1.0 }, Zone::Industrial)
        } else if new_town.mask.contains(mid, ds) {
            (0.75, Zone::Urban)
        } else if towns.iter().any(|t| t.mask.contains(mid, ds)) {
            // Hill towns are small market towns; most hill people live in the villages.
            (if d == hills { 0.7 } else { 1.6 }, Zone::Urban)
        } else if near_village {
            (if d == hills { 0.35 } else { 0.25 }, Zone::Rural)
        } else {
            (0.04, Zone::Rural)
        };
        if matches!(e.hw, Hw::Motorway | Hw::MotorwayLink | Hw::Trunk) {
            zone = Zone::Highway;
        }
        per_district[d].push((k, r.len_m[k] * road * activity, zone));
    }
    let mut out = Vec::new();
    for &(name, quota) in &QUOTA {
        let d = district_idx(ds, name);
        let items = &per_district[d];
        let mut cum = Vec::with_capacity(items.len());
        let mut acc = 0.0;
        for it in items {
            acc += it.1;
            cum.push(acc);
        }
        let mut n = 0;
        while n < quota {
            let x = rng.random::<f64>() * acc;
            let idx = cum.partition_point(|&c| c < x).min(items.len() - 1);
            let (k, _, zone) = items[idx];
            let e = &g.edges[k];
            let (a, b) = (g.nodes[e.from as usize], g.nodes[e.to as usize]);
            let t = rng.random::<f64>();
            let side = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
            let off = if rng.random_bool(0.94) {
                (4.0 + gauss(rng).abs() * 25.0).min(95.0)
            } else {
                rng.random_range(100.0..260.0)
            };
            let p = lerp(a, b, t) + (b - a).unit().left() * (side * off);
            if !fr.inside(p) || district_of(ds, p) != Some(d) {
                continue;
            }
            out.push(Incident {
                p,
                kind: kind_for(zone, rng),
                time: random_time(rng),
            });
            n += 1;
        }
    }
    // A few incidents far from any road in the hills (off-network for the engine).
    let mut n = 0;
    while n < OFF_ROAD_HILL {
        let p = P {
            x: rng.random_range(1000.0..fr.w - 1000.0),
            y: rng.random_range(800.0..7000.0),
        };
        if district_of(ds, p) != Some(hills) {
            continue;
        }
        let (_, _, d) = r.snap(p);
        if !(550.0..=1400.0).contains(&d) {
            continue;
        }
        let kind = if rng.random_bool(0.6) {
            "other"
        } else {
            "rescue"
        };
        out.push(Incident {
            p,
            kind,
            time: random_time(rng),
        });
        n += 1;
    }
    out.sort_by(|a, b| a.time.cmp(&b.time).then(a.p.x.total_cmp(&b.p.x)));
    out
}

// ---------------------------------------------------------------------------------------
// Output.
// ---------------------------------------------------------------------------------------

fn write_file(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::File::create(dir.join(name))?;
    f.write_all(text.as_bytes())
}

fn fmt_ll(fr: &Frame, p: P) -> (String, String) {
    let (lon, lat) = fr.lonlat(p);
    (format!("{lon:.7}"), format!("{lat:.7}"))
}

fn geojson_ring(fr: &Frame, ring: &[P]) -> String {
    let mut s = String::from("[");
    for (k, &p) in ring.iter().chain(std::iter::once(&ring[0])).enumerate() {
        let (lon, lat) = fmt_ll(fr, p);
        if k > 0 {
            s.push(',');
        }
        let _ = write!(s, "[{lon},{lat}]");
    }
    s.push(']');
    s
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

struct DistrictCoverage {
    name: &'static str,
    kind: &'static str,
    area_km2: f64,
    incidents: usize,
    covered: usize,
    off_network: usize,
    p50: f64,
    p90: f64,
    road_cov: f64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "maps/demo".to_string()),
    );
    std::fs::create_dir_all(&out)?;
    let fr = Frame::new();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    println!("fireplan synthetic demo district, seed {SEED}, box {LON0}–{:.2} E, {LAT0}–{:.2} N ({:.1} × {:.1} km)", LON0 + SPAN_DEG, LAT0 + SPAN_DEG, fr.w / 1000.0, fr.h / 1000.0);

    // Districts.
    let ds = build_districts(&fr);
    let total_area: f64 = ds.iter().map(|d| ring_area(&d.ring)).sum::<f64>() / 1e6;
    println!(
        "districts: {} tiles, {:.1} km² (box {:.1} km²)",
        ds.len(),
        total_area,
        fr.w * fr.h / 1e6
    );

    // Roads.
    let lay = build_layout(&fr, &ds, &mut rng);
    println!(
        "layout: {} ways, {} places (incl. {} villages), {} factory roads",
        lay.net.ways.len(),
        lay.places.len(),
        lay.villages.len(),
        lay.industrial_spurs
    );
    for m in &lay.motorways {
        println!(
            "expressway {}: {:.1} km between its terminal interchanges, {} interchanges",
            m.name,
            (m.interchanges.last().unwrap() - m.interchanges.first().unwrap()) / 1000.0,
            m.interchanges.len()
        );
    }
    let (g, cut_w, cut_m) = node_network(&lay.net, &lay.barriers, &mut rng);
    println!("noded: {} nodes, {} edges; segments cut at water without bridge: {cut_w}, at the expressway: {cut_m}", g.nodes.len(), g.edges.len());
    let keep = largest_scc(g.nodes.len(), &g.edges);
    let dropped = keep.iter().filter(|k| !**k).count();
    let mut dropped_by: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &g.edges {
        if !keep[e.from as usize] || !keep[e.to as usize] {
            *dropped_by.entry(e.hw.tag()).or_default() += 1;
        }
    }
    println!(
        "largest strongly connected component: {} of {} nodes; {dropped} would be dropped by the engine (removed here; edges by class: {dropped_by:?})",
        g.nodes.len() - dropped,
        g.nodes.len()
    );
    let g = prune(g, &keep);
    let keep2 = largest_scc(g.nodes.len(), &g.edges);
    assert!(
        keep2.iter().all(|&k| k),
        "pruned graph must be strongly connected"
    );
    let r = Routable::new(&g, &fr);
    let mut by_class: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    for (k, e) in g.edges.iter().enumerate() {
        let c = by_class.entry(e.hw.tag()).or_default();
        c.0 += 1;
        c.1 += r.len_m[k] / 1000.0;
    }
    println!(
        "network: {} nodes, {} edges ({} one-way), {:.0} km of road",
        g.nodes.len(),
        g.edges.len(),
        g.edges.iter().filter(|e| e.oneway).count(),
        r.len_m.iter().sum::<f64>() / 1000.0
    );
    for (c, (n, l)) in &by_class {
        println!("  {c:<14} {n:>6} edges {l:>8.1} km");
    }

    // Stations and depots next to roads.
    let station_pts: Vec<P> = STATIONS
        .iter()
        .map(|s| site_on_road(&r, &g, km(s.at.0, s.at.1)))
        .collect();
    let depot_pts: Vec<P> = DEPOTS
        .iter()
        .map(|d| site_on_road(&r, &g, km(d.3 .0, d.3 .1)))
        .collect();

    // Incidents.
    let incidents = make_incidents(&fr, &ds, &lay, &g, &r, &mut rng);

    // Coverage check (DESIGN §3): turnout (60 s unless set) + travel + access legs.
    let sources: Vec<(Snap, f64)> = STATIONS
        .iter()
        .zip(&station_pts)
        .filter(|(s, _)| s.class != "logistics")
        .map(|(s, &p)| (snap(&r, &fr, p), s.turnout_s.unwrap_or(60) as f64))
        .collect();
    let inc_snaps: Vec<Snap> = incidents.iter().map(|i| snap(&r, &fr, i.p)).collect();
    let resp = response_times(&r, &sources, &inc_snaps);
    // Road coverage per district (edge counted by the share of its ends reached).
    let node_snaps: Vec<Snap> = (0..g.nodes.len())
        .map(|v| {
            let e = r.arcs[r.off[v]].1;
            let ed = g.edges[e as usize];
            let t = if ed.from as usize == v { 0.0 } else { 1.0 };
            Snap {
                edge: e,
                t,
                dist_m: 0.0,
                access_s: 0.0,
            }
        })
        .collect();
    let node_resp = response_times(&r, &sources, &node_snaps);
    if let Ok(path) = std::env::var("GEN_DEMO_DEBUG_RESPONSE") {
        // Development aid: response time per node, for plotting.
        let mut s = String::from("id,response_s\n");
        for (k, t) in node_resp.iter().enumerate() {
            let _ = writeln!(s, "{},{:.1}", k + 1, t);
        }
        std::fs::write(path, s)?;
    }
    let mut cov: Vec<DistrictCoverage> = Vec::new();
    for (di, d) in ds.iter().enumerate() {
        let mut times = Vec::new();
        let (mut n, mut c, mut off) = (0, 0, 0);
        for (k, inc) in incidents.iter().enumerate() {
            if district_of(&ds, inc.p) != Some(di) {
                continue;
            }
            n += 1;
            if inc_snaps[k].dist_m > 500.0 {
                off += 1;
                continue;
            }
            times.push(resp[k]);
            if resp[k] <= 300.0 {
                c += 1;
            }
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let (mut tot, mut covl) = (0.0, 0.0);
        for (k, e) in g.edges.iter().enumerate() {
            let mid = lerp(g.nodes[e.from as usize], g.nodes[e.to as usize], 0.5);
            if district_of(&ds, mid) != Some(di) {
                continue;
            }
            tot += r.len_m[k];
            let ends = (node_resp[e.from as usize] <= 300.0) as u32
                + (node_resp[e.to as usize] <= 300.0) as u32;
            covl += r.len_m[k] * ends as f64 / 2.0;
        }
        cov.push(DistrictCoverage {
            name: d.name,
            kind: d.kind,
            area_km2: ring_area(&d.ring) / 1e6,
            incidents: n,
            covered: c,
            off_network: off,
            p50: percentile(&times, 0.5),
            p90: percentile(&times, 0.9),
            road_cov: covl / tot.max(1.0),
        });
    }
    println!("5-minute coverage check (own Dijkstra, segment snapping; off-network = snap > 500 m, counted as not covered):");
    println!(
        "  {:<8} {:<9} {:>7} {:>6} {:>6} {:>8} {:>4} {:>6} {:>6} {:>6}",
        "district", "kind", "km²", "incid", "cov", "demand%", "off", "p50 s", "p90 s", "road%"
    );
    for c in &cov {
        println!(
            "  {:<8} {:<9} {:>7.1} {:>6} {:>6} {:>7.1}% {:>4} {:>6.0} {:>6.0} {:>5.1}%",
            c.name,
            c.kind,
            c.area_km2,
            c.incidents,
            c.covered,
            100.0 * c.covered as f64 / c.incidents as f64,
            c.off_network,
            c.p50,
            c.p90,
            100.0 * c.road_cov
        );
    }
    let (n_all, c_all): (usize, usize) = cov
        .iter()
        .fold((0, 0), |a, c| (a.0 + c.incidents, a.1 + c.covered));
    println!(
        "  overall: {} incidents, {} within 300 s = {:.1}%",
        n_all,
        c_all,
        100.0 * c_all as f64 / n_all as f64
    );
    let mut sorted: Vec<f64> = resp.iter().copied().filter(|t| t.is_finite()).collect();
    sorted.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  response p50 {:.0} s, p90 {:.0} s, max {:.0} s",
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.9),
        sorted.last().unwrap()
    );

    // ---- Files.
    let mut s = String::from("id,lon,lat\n");
    for (k, &(lon, lat)) in r.ll.iter().enumerate() {
        let _ = writeln!(s, "{},{lon:.7},{lat:.7}", k + 1);
    }
    write_file(&out, "nodes.csv", &s)?;

    let mut s = String::from("from,to,highway,oneway,maxspeed_kmh\n");
    for e in &g.edges {
        let ms = e.maxspeed.map(|m| m.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "{},{},{},{},{}",
            e.from + 1,
            e.to + 1,
            e.hw.tag(),
            if e.oneway { "yes" } else { "no" },
            ms
        );
    }
    write_file(&out, "edges.csv", &s)?;

    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (k, d) in ds.iter().enumerate() {
        let _ = writeln!(
            s,
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"{}\",\"kind\":\"{}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{}]}}}}{}",
            d.name,
            d.kind,
            geojson_ring(&fr, &d.ring),
            if k + 1 < ds.len() { "," } else { "" }
        );
    }
    s.push_str("]}\n");
    write_file(&out, "districts.geojson", &s)?;

    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (k, w) in lay.water.iter().enumerate() {
        let mut coords = String::new();
        for (j, &p) in w.pts.iter().enumerate() {
            let (lon, lat) = fmt_ll(&fr, p);
            let _ = write!(coords, "{}[{lon},{lat}]", if j > 0 { "," } else { "" });
        }
        let _ = writeln!(
            s,
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"{}\",\"waterway\":\"{}\"}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[{coords}]}}}}{}",
            w.name,
            w.kind,
            if k + 1 < lay.water.len() { "," } else { "" }
        );
    }
    s.push_str("]}\n");
    write_file(&out, "waterways.geojson", &s)?;

    let mut s = String::from("id,name,class,lon,lat,district,staff,turnout_s,drone,status\n");
    println!("stations:");
    for (spec, &p) in STATIONS.iter().zip(&station_pts) {
        let (lon, lat) = fmt_ll(&fr, p);
        let district = district_of(&ds, p).map(|d| ds[d].name).unwrap_or("");
        let turnout = spec.turnout_s.map(|t| t.to_string()).unwrap_or_default();
        let drone = spec.drone.map(|t| t.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "{},{},{},{lon},{lat},{district},{},{turnout},{drone},existing",
            spec.id, spec.name, spec.class, spec.staff
        );
        let flow: u32 = vehicles_of(spec)
            .iter()
            .map(|v| v.1 * v.2.unwrap_or(0))
            .sum();
        println!(
            "  {} {:<10} {:<9} {:<8} staff {:>2} flow {:>3} L/s turnout {:>3}",
            spec.id,
            spec.name,
            spec.class,
            district,
            spec.staff,
            flow,
            spec.turnout_s.unwrap_or(60)
        );
    }
    write_file(&out, "stations.csv", &s)?;

    let mut s = String::from("station_id,kind,count,pump_flow_lps,firefighting\n");
    for spec in &STATIONS {
        for (kind, count, flow, ff) in vehicles_of(spec) {
            let flow = flow.map(|f| f.to_string()).unwrap_or_default();
            let _ = writeln!(s, "{},{kind},{count},{flow},{}", spec.id, ff as u8);
        }
    }
    write_file(&out, "vehicles.csv", &s)?;

    let mut s = String::from("id,name,level,lon,lat,capacity_persons\n");
    for (d, &p) in DEPOTS.iter().zip(&depot_pts) {
        let (lon, lat) = fmt_ll(&fr, p);
        let _ = writeln!(s, "{},{},{},{lon},{lat},{}", d.0, d.1, d.2, d.4);
    }
    write_file(&out, "depots.csv", &s)?;

    let mut s = String::from("id,lon,lat,kind,time,weight\n");
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, inc) in incidents.iter().enumerate() {
        let (lon, lat) = fmt_ll(&fr, inc.p);
        *kinds.entry(inc.kind).or_default() += 1;
        let _ = writeln!(
            s,
            "KQ{YEAR}-{:05},{lon},{lat},{},{},1",
            k + 1,
            inc.kind,
            inc.time
        );
    }
    write_file(&out, "incidents.csv", &s)?;
    println!("incidents: {} ({:?})", incidents.len(), kinds);

    write_file(
        &out,
        "README.md",
        &readme(&g, &by_class, &cov, incidents.len(), dropped),
    )?;
    Ok(())
}

/// What the station checks should find, computed from the tables above (so the README
/// cannot drift from the data): staff below the seed-004 minima, pump flow below the
/// class standard, no light pickup, fewer fire-fighting than other vehicles, no drone.
fn findings() -> String {
    let mut staff = Vec::new();
    let mut flow = Vec::new();
    let mut pickup = Vec::new();
    let mut ratio = Vec::new();
    let mut drone = Vec::new();
    for s in &STATIONS {
        let min_staff = match s.class {
            "special" => 45,
            "class1" => 30,
            "class2" => 20,
            "logistics" => 15,
            _ => 10,
        };
        if s.staff < min_staff {
            staff.push(format!("{} ({}, {} < {min_staff})", s.id, s.class, s.staff));
        }
        let v = vehicles_of(s);
        let lps: u32 = v.iter().map(|x| x.1 * x.2.unwrap_or(0)).sum();
        let min_flow = match s.class {
            "special" => Some(330),
            "class1" => Some(270),
            "class2" => Some(160),
            "logistics" => Some(490),
            _ => None,
        };
        if let Some(m) = min_flow.filter(|&m| lps < m) {
            flow.push(format!("{} ({lps} < {m} L/s)", s.id));
        }
        if !v.iter().any(|x| x.0 == "pickup") {
            pickup.push(s.id);
        }
        let ff: u32 = v.iter().filter(|x| x.3).map(|x| x.1).sum();
        let other: u32 = v.iter().filter(|x| !x.3).map(|x| x.1).sum();
        if ff < other {
            ratio.push(format!("{} ({ff} : {other})", s.id));
        }
        match s.drone {
            Some(1) => {}
            Some(_) => drone.push(format!("{} (0)", s.id)),
            None => drone.push(format!("{} (empty)", s.id)),
        }
    }
    format!(
        "- Staff below the seed-004 minima (special 45, class 1 30, class 2 20, forward 10, \
         logistics 15): {}.\n\
         - Pump flow below the class standard (special 330, class 1 270, class 2 160, \
         logistics 490 L/s): {}.\n\
         - No light pickup fire truck: {}.\n\
         - Fewer fire-fighting than other vehicles: {}.\n\
         - No drone hangar (0) or not recorded (empty): {}.\n\
         - {OFF_ROAD_HILL} incidents in the hills lie 550 m – 1.4 km from any road (off-network).\n",
        staff.join(", "),
        flow.join(", "),
        pickup.join(", "),
        ratio.join(", "),
        drone.join(", ")
    )
}

fn readme(
    g: &Graph,
    by_class: &BTreeMap<&str, (usize, f64)>,
    cov: &[DistrictCoverage],
    n_inc: usize,
    dropped: usize,
) -> String {
    let mut classes = String::new();
    for (c, (n, l)) in by_class {
        let _ = writeln!(classes, "| {c} | {n} | {l:.0} |");
    }
    let mut table = String::new();
    for c in cov {
        let _ = writeln!(
            table,
            "| {} | {} | {:.0} | {} | {:.1} % | {:.0} | {:.0} | {} |",
            c.name,
            c.kind,
            c.area_km2,
            c.incidents,
            100.0 * c.covered as f64 / c.incidents as f64,
            c.p50,
            c.p90,
            c.off_network
        );
    }
    let mut stations = String::new();
    for s in &STATIONS {
        let _ = writeln!(
            stations,
            "| {} | {} | {} | {} | {} |",
            s.id,
            s.name,
            s.class,
            s.staff,
            s.turnout_s
                .map(|t| t.to_string())
                .unwrap_or_else(|| "(60)".to_string())
        );
    }
    let (n_all, c_all): (usize, usize) = cov
        .iter()
        .fold((0, 0), |a, c| (a.0 + c.incidents, a.1 + c.covered));
    format!(
        r#"# Demo district: 柯桥示范区 — SYNTHETIC DATA

**Everything in this folder is synthetic.** It is not real data about Keqiao District, its
roads, fire stations, staff, vehicles or incidents. It is a made-up district placed near
Keqiao, Shaoxing (about 120.30–120.60 E, 29.90–30.20 N, ~960 km²) and shaped after the
structure the Keqiao fire-safety opinions describe (seed document 004): seven rescue
districts, the "2+7+13" station system, a 5-minute rescue circle that the core meets and
the hills and the industrial edge do not. Names of places and stations are borrowed for
flavour only; positions, roads and numbers are invented. Do not use it for any real
decision.

## How it was made

Generated by the project's own deterministic generator:

```sh
cargo run --release --example gen_demo -- maps/demo
```

Source: `examples/gen_demo.rs`, random seed `{SEED}` (ChaCha8). The same seed gives
byte-identical files (on the same platform). The generator builds street lattices (a dense grid with one-way
pairs in the core 柯中, a new town north of it, towns, a large-block industrial zone in
马鞍, villages), rural roads, winding hill roads with low posted limits in 南部山区, two
expressways with a few diamond interchanges, canals (浙东运河, 直落江) and a river
(西小江) that roads cross only at bridges, joins crossing roads into junctions (the
expressways only at their ramps), keeps the largest strongly connected component
({dropped} nodes of small cut-off pieces removed, so the engine drops none) and writes
the files below. It then checks the 5-minute coverage with its own search (table at the
end).

## Files

| file | content |
| --- | --- |
| `nodes.csv` | road nodes: `id, lon, lat` (WGS-84, 7 decimals); {nodes} nodes |
| `edges.csv` | road segments: `from, to, highway, oneway` (yes/no), `maxspeed_kmh` (set on hill roads, ramps and expressways); no `length_m`, so lengths are haversine; {edges} edges |
| `districts.geojson` | the 7 rescue districts (救援片区), polygons that tile the box without gaps or overlaps; properties `name`, `kind` (urban / suburban / rural) |
| `stations.csv` | 28 stations — 2 special (特勤站), 7 class 1, 13 class 2, 4 forward (前置站), 2 logistics support (战勤保障站): `id, name, class, lon, lat, district, staff, turnout_s` (empty = scenario default), `drone` (0/1, empty = unknown), `status` |
| `vehicles.csv` | vehicles per station: `station_id, kind, count, pump_flow_lps` (per vehicle), `firefighting` (0/1) |
| `depots.csv` | reserve depots: a county depot (capacity 100) and a city depot at the east edge, towards Shaoxing city (capacity 200) |
| `incidents.csv` | {n_inc} incidents of {YEAR}: `id, lon, lat, kind` (building_fire, vehicle_fire, rescue, hazmat, other), `time` (ISO 8601, +08:00; more by day than by night, more in winter), `weight` = 1 |
| `waterways.geojson` | the canals and the river as lines (a reference layer for maps; the engine does not read it) |

Road network by class:

| highway | edges | km |
| --- | --- | --- |
{classes}
Stations:

| id | name | class | staff | turnout s |
| --- | --- | --- | --- | --- |
{stations}
## What the checks should find (on purpose)

{findings}
## The story (the generator's own check)

Response = turnout (60 s unless the station sets `turnout_s`) + travel at the emergency
speeds of DESIGN §3 from the station's snap point to the incident's snap point, access
legs at 15 km/h; threshold 300 s; logistics-support stations excluded; off-network
incidents counted as not reached.

| district | kind | km² | incidents | within 5 min | p50 s | p90 s | off-network |
| --- | --- | --- | --- | --- | --- | --- | --- |
{table}
Overall {pct:.1} % of {n_all} incidents within 5 minutes: the core (柯中) meets the
5-minute standard almost everywhere; the hills (南部山区) and the industrial zone's newer
northern and eastern edge in 马鞍 do not. The engine's own figures may differ slightly
from this independent check.
"#,
        nodes = g.nodes.len(),
        edges = g.edges.len(),
        findings = findings(),
        pct = 100.0 * c_all as f64 / n_all as f64,
    )
}
