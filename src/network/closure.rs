//! Which road segments a closure shape closes ([`ClosureShape`]): the nearest segment to a
//! point, the segments a line follows, every segment touching an area. Pure geometry on
//! the prepared network; the caller turns the result into a network with
//! [`Network::with_segments_closed`].

use geo::{Distance, Euclidean, Intersects, Line, LineString};

use super::{Network, SnapIndex};
use crate::model::closure::ClosureShape;

/// A segment follows a closure line when both its ends lie within this distance of the
/// line, metres: digitised lines seldom sit exactly on the OSM way.
pub const LINE_TOLERANCE_M: f64 = 15.0;

/// What one shape closed.
#[derive(Debug, Clone, PartialEq)]
pub enum ShapeMatch {
    /// These segments (indices into [`Network::segments`], ascending).
    Segments(Vec<u32>),
    /// A point farther than `max_snap_m` from every road: nothing closed, metres away.
    TooFar(f64),
    /// A line or area that touches no road segment.
    NoRoad,
}

/// The segments `shape` closes on `net`. A point closes the one nearest segment (within
/// `max_snap_m`, as for every other point fireplan places).
pub fn segments_closed_by(
    net: &Network,
    index: &SnapIndex,
    shape: &ClosureShape,
    max_snap_m: f64,
) -> ShapeMatch {
    let found: Vec<u32> = match shape {
        ClosureShape::Point(p) => {
            return match index.snap(net, p.x(), p.y()) {
                Some(s) if s.access_m <= max_snap_m => ShapeMatch::Segments(vec![s.segment]),
                Some(s) => ShapeMatch::TooFar(s.access_m),
                None => ShapeMatch::NoRoad,
            }
        }
        ClosureShape::Line(line) => {
            let proj = &net.projection;
            let projected = LineString::from(
                line.coords()
                    .map(|c| {
                        let [x, y] = proj.project(c.x, c.y);
                        (x, y)
                    })
                    .collect::<Vec<_>>(),
            );
            let near = |lon: f64, lat: f64| {
                let [x, y] = proj.project(lon, lat);
                Euclidean.distance(&geo::Point::new(x, y), &projected) <= LINE_TOLERANCE_M
            };
            segment_ends(net)
                .filter(|(_, a, b)| near(a.0, a.1) && near(b.0, b.1))
                .map(|(i, _, _)| i)
                .collect()
        }
        ClosureShape::Area(area) => segment_ends(net)
            .filter(|(_, a, b)| Line::new(*a, *b).intersects(area))
            .map(|(i, _, _)| i)
            .collect(),
    };
    if found.is_empty() {
        ShapeMatch::NoRoad
    } else {
        ShapeMatch::Segments(found)
    }
}

/// Every segment's index and end coordinates (lon, lat).
fn segment_ends(net: &Network) -> impl Iterator<Item = (u32, (f64, f64), (f64, f64))> + '_ {
    net.segments.iter().enumerate().map(|(i, s)| {
        let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
        (i as u32, (a.lon, a.lat), (b.lon, b.lat))
    })
}
