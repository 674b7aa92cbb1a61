//! Road-closure files (`[[network.closure]]`): a GeoJSON FeatureCollection of Point,
//! MultiPoint, LineString, MultiLineString, Polygon or MultiPolygon features; properties are
//! free. Errors name the file, the feature (0-based) and what was expected.

use geo::{Coord, LineString, MultiPolygon, Point};
use geojson::{Position, Value as Geometry};

use super::crs::ToWgs84;
use super::districts::{polygon, read_features_with_geometry};
use crate::error::{Error, Location, Result};
use crate::model::closure::{ClosureShape, RoadClosure};
use crate::params::ClosureParams;

/// Reads the shapes of one closure and names them as the scenario does.
pub fn read_closure(params: &ClosureParams) -> Result<RoadClosure> {
    let path = params.file.as_path();
    let to_wgs84 = ToWgs84::for_file(path, params.crs)?;
    let mut shapes = Vec::new();
    for (index, (geometry, _)) in read_features_with_geometry(path)?.iter().enumerate() {
        shapes_of(geometry, &to_wgs84, &mut shapes)
            .map_err(|m| Error::input(path, Location::Feature(index), "geometry", m))?;
    }
    Ok(RoadClosure {
        name: params.name.clone(),
        reason: params.reason.clone(),
        shapes,
    })
}

/// Appends the shapes of one geometry, converted to WGS-84.
fn shapes_of(g: &Geometry, to_wgs84: &ToWgs84, out: &mut Vec<ClosureShape>) -> Result<(), String> {
    let point = |pos: &Position, at: &str| -> Result<Coord<f64>, String> {
        match pos.as_slice() {
            [x, y, ..] => to_wgs84
                .checked(*x, *y)
                .map(|(x, y)| Coord { x, y })
                .map_err(|bad| format!("{at}: {}", bad.message)),
            _ => Err(format!("{at}: expected [lon, lat], got {pos:?}")),
        }
    };
    let line = |positions: &[Position], l: usize| -> Result<LineString<f64>, String> {
        if positions.len() < 2 {
            return Err(format!(
                "line {l} has {} position(s); a line needs at least 2",
                positions.len()
            ));
        }
        positions
            .iter()
            .enumerate()
            .map(|(i, pos)| point(pos, &format!("line {l}, position {i}")))
            .collect::<Result<Vec<_>, _>>()
            .map(LineString)
    };
    match g {
        Geometry::Point(pos) => out.push(ClosureShape::Point(Point(point(pos, "point")?))),
        Geometry::MultiPoint(ps) => {
            for (i, pos) in ps.iter().enumerate() {
                out.push(ClosureShape::Point(Point(point(
                    pos,
                    &format!("point {i}"),
                )?)));
            }
        }
        Geometry::LineString(ps) => out.push(ClosureShape::Line(line(ps, 0)?)),
        Geometry::MultiLineString(ls) => {
            for (l, ps) in ls.iter().enumerate() {
                out.push(ClosureShape::Line(line(ps, l)?));
            }
        }
        Geometry::Polygon(rings) => out.push(ClosureShape::Area(MultiPolygon(vec![polygon(
            rings, 0, to_wgs84,
        )?]))),
        Geometry::MultiPolygon(polys) => {
            let area = polys
                .iter()
                .enumerate()
                .map(|(p, rings)| polygon(rings, p, to_wgs84))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(ClosureShape::Area(MultiPolygon(area)));
        }
        Geometry::GeometryCollection(gs) => {
            for g in gs {
                shapes_of(&g.value, to_wgs84, out)?;
            }
        }
    }
    Ok(())
}
