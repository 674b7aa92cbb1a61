//! Road closures for a what-if (道路封闭): a bridge under repair, a road dug up for a metro
//! line — roads a fire engine cannot drive for a while, each with a name and a reason.

use geo::{LineString, MultiPolygon, Point};

/// One closure as the scenario names it, with the shapes its GeoJSON file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadClosure {
    pub name: String,
    /// Why the roads are closed (shown in the outputs).
    pub reason: Option<String>,
    pub shapes: Vec<ClosureShape>,
}

/// What one GeoJSON feature of a closure file closes.
#[derive(Debug, Clone, PartialEq)]
pub enum ClosureShape {
    /// The nearest road segment to the point (a bridge, a junction box).
    Point(Point<f64>),
    /// The road segments the line follows (both ends within
    /// [`crate::network::closure::LINE_TOLERANCE_M`] of it).
    Line(LineString<f64>),
    /// Every road segment with any part inside the area (a flood zone, a works site).
    Area(MultiPolygon<f64>),
}
