//! The routable road graph: travel-time model (DESIGN §3), cleaning, snapping, searches.
//!
//! Invariant: nothing here does I/O; readers in [`crate::io`] produce a
//! [`raw::RawNetwork`], [`Network::build`] turns it into compact arrays.

pub mod closure;
pub mod graph;
pub mod induced;
pub mod queue;
pub mod raw;
pub mod reverse;
pub mod search;
pub mod snap;
pub mod turns;
pub mod vehicle;

pub use graph::{Network, Profile, Segment};
pub use snap::{SnapIndex, SnapPoint};

use serde::{Deserialize, Serialize};

use raw::RawNode;

/// Speed of the access leg between a point and its snap point (walking a hose / driving
/// a yard), km/h (DESIGN §3).
pub const ACCESS_SPEED_KMH: f64 = 15.0;

/// Seconds to cover an access leg of `metres`.
pub fn access_time_s(metres: f64) -> f64 {
    metres / (ACCESS_SPEED_KMH / 3.6)
}

/// Local equirectangular projection centred on the network's bounding box: metres east
/// (`x`) and north (`y`). Used to find the nearest point of the nearest segment and for
/// the area grid; good to well under 0.1 % over a county-sized region.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LocalProjection {
    pub lon0: f64,
    pub lat0: f64,
    /// Metres per degree of longitude at `lat0`.
    pub m_per_deg_lon: f64,
    /// Metres per degree of latitude.
    pub m_per_deg_lat: f64,
}

impl LocalProjection {
    const R: f64 = 6_371_008.8;

    /// Centred on the bounding box of `nodes` (the origin when empty).
    pub fn around(nodes: &[RawNode]) -> Self {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for n in nodes {
            x0 = x0.min(n.lon);
            x1 = x1.max(n.lon);
            y0 = y0.min(n.lat);
            y1 = y1.max(n.lat);
        }
        if nodes.is_empty() {
            return Self::centred_at(0.0, 0.0);
        }
        Self::centred_at((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    }

    pub fn centred_at(lon0: f64, lat0: f64) -> Self {
        let m_per_deg_lat = Self::R * std::f64::consts::PI / 180.0;
        LocalProjection {
            lon0,
            lat0,
            m_per_deg_lon: m_per_deg_lat * lat0.to_radians().cos(),
            m_per_deg_lat,
        }
    }

    /// lon/lat degrees → local metres.
    #[inline]
    pub fn project(&self, lon: f64, lat: f64) -> [f64; 2] {
        [
            (lon - self.lon0) * self.m_per_deg_lon,
            (lat - self.lat0) * self.m_per_deg_lat,
        ]
    }

    /// Local metres → lon/lat degrees.
    #[inline]
    pub fn unproject(&self, p: [f64; 2]) -> (f64, f64) {
        (
            self.lon0 + p[0] / self.m_per_deg_lon,
            self.lat0 + p[1] / self.m_per_deg_lat,
        )
    }
}

impl Network {
    /// Where a trip starting at `p` enters the graph: `(vertex, seconds from the snap
    /// point to its node)` along the segment, only in drivable directions. The access leg
    /// is not included.
    pub fn departures(&self, p: &SnapPoint) -> Vec<(u32, f64)> {
        let s = &self.segments[p.segment as usize];
        let mut out = Vec::with_capacity(2);
        if s.time_ba_s.is_finite() {
            self.push_end(&mut out, s.a, s.b, false, p.fraction * s.time_ba_s as f64);
        }
        if s.time_ab_s.is_finite() {
            self.push_end(
                &mut out,
                s.b,
                s.a,
                false,
                (1.0 - p.fraction) * s.time_ab_s as f64,
            );
        }
        out
    }

    /// How a trip reaches `p` from the graph: `(vertex, seconds from its node to the snap
    /// point)`, only in drivable directions. The access leg is not included.
    pub fn arrivals(&self, p: &SnapPoint) -> Vec<(u32, f64)> {
        let mut out = Vec::with_capacity(2);
        self.arrivals_into(p, &mut out);
        out
    }

    /// As [`Network::arrivals`], appended to `out` (no allocation in a hot loop).
    pub fn arrivals_into(&self, p: &SnapPoint, out: &mut Vec<(u32, f64)>) {
        let s = &self.segments[p.segment as usize];
        if s.time_ab_s.is_finite() {
            self.push_end(out, s.a, s.b, true, p.fraction * s.time_ab_s as f64);
        }
        if s.time_ba_s.is_finite() {
            self.push_end(out, s.b, s.a, true, (1.0 - p.fraction) * s.time_ba_s as f64);
        }
    }

    /// The vertices at node `x` of a trip on the segment `x`–`y` in this graph's
    /// direction, each with `t`: the trip `leaving` `x` towards `y`, or arriving at `x`
    /// from `y`. On a reversed graph the real drive goes the other way.
    fn push_end(&self, out: &mut Vec<(u32, f64)>, x: u32, y: u32, leaving: bool, t: f64) {
        if leaving != self.reversed {
            out.extend(self.drive_starts(x, y).map(|v| (v, t)));
        } else {
            out.push((self.drive_end(y, x), t));
        }
    }

    /// Seconds from `from` to `to` staying on their common segment, when both lie on the
    /// same segment and the direction may be driven; `None` otherwise.
    pub fn along_segment_s(&self, from: &SnapPoint, to: &SnapPoint) -> Option<f64> {
        if from.segment != to.segment {
            return None;
        }
        let s = &self.segments[from.segment as usize];
        let t = if to.fraction >= from.fraction {
            (to.fraction - from.fraction) * s.time_ab_s as f64
        } else {
            (from.fraction - to.fraction) * s.time_ba_s as f64
        };
        t.is_finite().then_some(t)
    }
}
