//! Expressways: centre lines and interchanges (laid out early: they are barriers), then
//! both carriageways and the diamond interchanges.

use rand_chacha::ChaCha8Rng;

use crate::geometry::{dist, km, lerp, meander, seg_dist, straight, Frame, P};
use crate::roads::{road, Hw, Net, Style};

/// An expressway: its centre line and where its interchanges are.
pub struct Motorway {
    pub name: &'static str,
    /// Dense centre line (about 20 m) and its cumulative arc length.
    pub centre: Vec<P>,
    pub cum: Vec<f64>,
    /// Interchange positions as arc length along the centre line.
    pub interchanges: Vec<f64>,
}

impl Motorway {
    pub fn new(name: &'static str, waypoints: &[P], rng: &mut ChaCha8Rng) -> Motorway {
        let mut centre = vec![waypoints[0]];
        for w in waypoints.windows(2) {
            let part = meander(w[0], w[1], 20.0, &[(260.0, 9000.0)], rng);
            centre.extend_from_slice(&part[1..]);
        }
        let mut cum = vec![0.0];
        for w in centre.windows(2) {
            let before = *cum.last().expect("cum starts with 0");
            cum.push(before + dist(w[0], w[1]));
        }
        Motorway {
            name,
            centre,
            cum,
            interchanges: Vec::new(),
        }
    }
    pub fn length(&self) -> f64 {
        *self.cum.last().expect("cum starts with 0")
    }
    /// Arc length between the terminal interchanges' outer ramp ends: the part that is
    /// built (and is a barrier).
    pub fn built_span(&self) -> (f64, f64) {
        let first = self
            .interchanges
            .first()
            .expect("an expressway has interchanges");
        let last = self
            .interchanges
            .last()
            .expect("an expressway has interchanges");
        (first + RAMP, last - RAMP)
    }
    pub fn at(&self, s: f64) -> P {
        let s = s.clamp(0.0, self.length());
        let k = self
            .cum
            .partition_point(|&c| c < s)
            .clamp(1, self.cum.len() - 1);
        let t = (s - self.cum[k - 1]) / (self.cum[k] - self.cum[k - 1]);
        lerp(self.centre[k - 1], self.centre[k], t)
    }
    pub fn dir(&self, s: f64) -> P {
        (self.at(s + 15.0) - self.at(s - 15.0)).unit()
    }
    /// Carriageway vertex: side +1 = right of travel direction (forward carriageway).
    pub fn carriage(&self, s: f64, forward: bool) -> P {
        let off = if forward { -18.0 } else { 18.0 };
        self.at(s) + self.dir(s).left() * off
    }
    pub fn nearest_s(&self, p: P) -> f64 {
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

/// The two expressways' centre lines and interchange positions.
pub fn expressways(fr: &Frame, rng: &mut ChaCha8Rng) -> [Motorway; 2] {
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
    [m1, m2]
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
pub fn build_motorway(m: &Motorway, net: &mut Net, rng: &mut ChaCha8Rng) {
    let (first, last) = m.built_span();
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
    ss.sort_by(|a, b| a.partial_cmp(b).expect("arc lengths are finite"));
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
