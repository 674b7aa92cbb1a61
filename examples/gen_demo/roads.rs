//! Road classes (ranked by the generator, mapped to the library's [`Highway`]), the ways
//! the layout emits, and the shapes of country roads.

use fireplan::model::RoadClass;
use fireplan::network::raw::Highway;
use rand_chacha::ChaCha8Rng;

use crate::geometry::{dist, meander, P};

/// The road classes the generator builds, ranked by importance (the `Ord` the layout uses
/// to pick "at least tertiary" and the like). Speeds and tags are the library's: see
/// [`Hw::highway`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hw {
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
    /// The `highway` value of DESIGN §3 (class and ramp flag) that the engine reads.
    pub fn highway(self) -> Highway {
        let (class, link) = match self {
            Hw::Motorway => (RoadClass::Motorway, false),
            Hw::MotorwayLink => (RoadClass::Motorway, true),
            Hw::Trunk => (RoadClass::Trunk, false),
            Hw::Primary => (RoadClass::Primary, false),
            Hw::Secondary => (RoadClass::Secondary, false),
            Hw::Tertiary => (RoadClass::Tertiary, false),
            Hw::Unclassified => (RoadClass::Unclassified, false),
            Hw::Residential => (RoadClass::Residential, false),
            Hw::Service => (RoadClass::Service, false),
        };
        Highway { class, link }
    }
    /// The `highway` tag written to `edges.csv`.
    pub fn tag(self) -> String {
        self.highway().tag()
    }
    pub fn is_motorway(self) -> bool {
        matches!(self, Hw::Motorway | Hw::MotorwayLink)
    }
}

#[derive(Clone)]
pub struct Way {
    pub pts: Vec<P>,
    pub hw: Hw,
    pub oneway: bool,
    pub maxspeed: Option<u32>,
    /// A planned regional road: bridges and underpasses wherever it crosses a barrier.
    pub planned: bool,
}

#[derive(Default)]
pub struct Net {
    pub ways: Vec<Way>,
}

impl Net {
    pub fn add(&mut self, pts: Vec<P>, hw: Hw, oneway: bool, maxspeed: Option<u32>, planned: bool) {
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
    pub fn nearest_vertex(
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

#[derive(Clone, Copy)]
pub enum Style {
    Plain,
    Hill,
    HillMinor,
}

pub fn road(a: P, b: P, style: Style, rng: &mut ChaCha8Rng) -> Vec<P> {
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
