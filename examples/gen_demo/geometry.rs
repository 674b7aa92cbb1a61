//! Frame and geometry: the generator's local metric frame (x east, y north, metres from
//! the box's south-west corner) and WGS-84; points, polylines, hash noise.

use std::f64::consts::PI;
use std::ops::{Add, Mul, Sub};

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// South-west corner of the district's bounding box.
pub const LON0: f64 = 120.30;
pub const LAT0: f64 = 29.90;
/// Extent of the box in degrees (0.3° × 0.3° ≈ 29 km × 33 km ≈ 960 km²).
pub const SPAN_DEG: f64 = 0.30;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct P {
    pub x: f64,
    pub y: f64,
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
    pub fn len(self) -> f64 {
        self.x.hypot(self.y)
    }
    pub fn dot(self, o: P) -> f64 {
        self.x * o.x + self.y * o.y
    }
    pub fn cross(self, o: P) -> f64 {
        self.x * o.y - self.y * o.x
    }
    pub fn unit(self) -> P {
        let l = self.len();
        P {
            x: self.x / l,
            y: self.y / l,
        }
    }
    /// Left normal.
    pub fn left(self) -> P {
        P {
            x: -self.y,
            y: self.x,
        }
    }
}

pub fn km(x: f64, y: f64) -> P {
    P {
        x: x * 1000.0,
        y: y * 1000.0,
    }
}

pub fn dist(a: P, b: P) -> f64 {
    (a - b).len()
}

pub fn lerp(a: P, b: P, t: f64) -> P {
    a + (b - a) * t
}

/// Equirectangular frame centred on the box's middle latitude.
pub struct Frame {
    m_lat: f64,
    m_lon: f64,
    pub w: f64,
    pub h: f64,
}

impl Frame {
    pub fn new() -> Frame {
        let m_lat = 6_371_008.8 * PI / 180.0;
        let m_lon = m_lat * (LAT0 + SPAN_DEG / 2.0).to_radians().cos();
        Frame {
            m_lat,
            m_lon,
            w: SPAN_DEG * m_lon,
            h: SPAN_DEG * m_lat,
        }
    }
    pub fn lonlat(&self, p: P) -> (f64, f64) {
        (LON0 + p.x / self.m_lon, LAT0 + p.y / self.m_lat)
    }
    /// Longitude and latitude as the files hold them (7 decimals), so as the engine reads
    /// them back.
    pub fn lonlat7(&self, p: P) -> (f64, f64) {
        let round7 = |v: f64| (v * 1e7).round() / 1e7;
        let (lon, lat) = self.lonlat(p);
        (round7(lon), round7(lat))
    }
    pub fn inside(&self, p: P) -> bool {
        p.x >= 0.0 && p.y >= 0.0 && p.x <= self.w && p.y <= self.h
    }
}

/// Distance from `p` to segment `a-b`, with the projection parameter.
pub fn seg_dist(p: P, a: P, b: P) -> (f64, f64) {
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
pub fn seg_cross(a: P, b: P, c: P, d: P) -> Option<f64> {
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

pub fn point_in_ring(p: P, ring: &[P]) -> bool {
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

pub fn ring_area(ring: &[P]) -> f64 {
    let mut s = 0.0;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        s += a.cross(b);
    }
    s / 2.0
}

/// Deterministic hash noise in [0, 1) (independent of the random stream's order).
pub fn h01(a: u64, b: i64, c: i64) -> f64 {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    let h = mix(mix(mix(a) ^ (b as u64)) ^ (c as u64).rotate_left(17));
    (h >> 11) as f64 / (1u64 << 53) as f64
}

pub fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
}

/// A polyline from `a` to `b` (both exact) with points about every `step` metres, displaced
/// sideways by a sum of sine waves `(amplitude m, wavelength m)` tapering to 0 at the ends.
pub fn meander(a: P, b: P, step: f64, waves: &[(f64, f64)], rng: &mut ChaCha8Rng) -> Vec<P> {
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

pub fn straight(a: P, b: P, step: f64) -> Vec<P> {
    let l = dist(a, b);
    let steps = (l / step).ceil().max(1.0) as usize;
    let mut pts: Vec<P> = (0..steps)
        .map(|k| lerp(a, b, k as f64 / steps as f64))
        .collect();
    pts.push(b);
    pts
}
