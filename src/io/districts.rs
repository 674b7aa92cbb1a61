//! Rescue-district polygons (DESIGN §10): a GeoJSON FeatureCollection of Polygon /
//! MultiPolygon features with properties `name` (required, unique) and `kind` (urban,
//! suburban, rural; default urban). Errors name the feature by its 0-based index.

use std::collections::HashMap;
use std::path::Path;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use geojson::{Feature, PolygonType, Value as Geometry};
use serde_json::Value as Json;

use crate::error::{Error, Location, Result};
use crate::model::{District, DistrictKind};

use super::crs;
use crate::names::one_of;
use crate::params::Crs;

const KINDS: [DistrictKind; 3] = [
    DistrictKind::Urban,
    DistrictKind::Suburban,
    DistrictKind::Rural,
];

/// Reads rescue districts from a GeoJSON file whose coordinates are in `crs`.
///
/// Every ring must close (first position = last) and have at least 4 positions; every
/// position must be a valid lon/lat pair. Holes are kept as interior rings.
pub fn read_districts(path: &Path, crs: Crs) -> Result<Vec<District>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let text = text.trim_start_matches('\u{feff}');
    let file_error =
        |field: &str, message: String| Error::input(path, Location::File, field, message);
    if text.trim().is_empty() {
        return Err(file_error(
            "type",
            "empty file: expected a GeoJSON FeatureCollection".into(),
        ));
    }
    let json: Json = serde_json::from_str(text).map_err(|e| {
        Error::input(
            path,
            Location::Line(e.line() as u64),
            "json",
            format!("not valid JSON: {e}"),
        )
    })?;
    let Json::Object(mut top) = json else {
        return Err(file_error(
            "type",
            "expected a GeoJSON FeatureCollection object".into(),
        ));
    };
    match top.get("type").and_then(Json::as_str) {
        Some("FeatureCollection") => {}
        other => {
            return Err(file_error(
                "type",
                format!(
                    "expected a GeoJSON FeatureCollection, got type {}",
                    other.map_or("(none)".to_string(), |t| format!("`{t}`"))
                ),
            ))
        }
    }
    let Some(Json::Array(features)) = top.remove("features") else {
        return Err(file_error("features", "expected a `features` array".into()));
    };
    if features.is_empty() {
        return Err(file_error(
            "features",
            "no features: the collection is empty".into(),
        ));
    }

    let mut first_of_name: HashMap<String, usize> = HashMap::new();
    let mut districts = Vec::with_capacity(features.len());
    for (index, value) in features.into_iter().enumerate() {
        let error = |field: &str, message: String| {
            Error::input(path, Location::Feature(index), field, message)
        };
        let feature = Feature::from_json_value(value)
            .map_err(|e| error("feature", format!("not a valid GeoJSON feature: {e}")))?;
        let name = match feature.property("name") {
            Some(Json::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Json::Number(n)) => n.to_string(),
            None | Some(Json::Null) => {
                return Err(error("name", "missing property `name` (required)".into()))
            }
            Some(other) => {
                return Err(error(
                    "name",
                    format!("expected a non-empty text, got {other}"),
                ))
            }
        };
        if let Some(first) = first_of_name.insert(name.clone(), index) {
            return Err(error(
                "name",
                format!("duplicate name `{name}` (features {first} and {index})"),
            ));
        }
        let kind = match feature.property("kind") {
            None | Some(Json::Null) => DistrictKind::default(),
            Some(Json::String(s)) => {
                one_of("district kind", &KINDS, DistrictKind::as_str)(s.trim())
                    .map_err(|m| error("kind", m))?
            }
            Some(other) => {
                return Err(error(
                    "kind",
                    format!("expected urban, suburban or rural, got {other}"),
                ))
            }
        };
        let population = match feature.property("population") {
            None | Some(Json::Null) => None,
            Some(v) => match v.as_f64() {
                Some(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    return Err(error(
                        "population",
                        format!("expected a number of residents ≥ 0, got {v}"),
                    ))
                }
            },
        };
        let polygons = match feature.geometry.map(|g| g.value) {
            Some(Geometry::Polygon(rings)) => vec![rings],
            Some(Geometry::MultiPolygon(polygons)) => polygons,
            Some(other) => {
                return Err(error(
                    "geometry",
                    format!(
                        "expected a Polygon or MultiPolygon, got a {}",
                        other.type_name()
                    ),
                ))
            }
            None => return Err(error("geometry", "missing geometry (null)".into())),
        };
        let area = polygons
            .iter()
            .enumerate()
            .map(|(p, rings)| polygon(rings, p, crs))
            .collect::<Result<Vec<_>, String>>()
            .map_err(|m| error("geometry", m))?;
        districts.push(District {
            name,
            kind,
            area: MultiPolygon(area),
            population,
        });
    }
    Ok(districts)
}

/// Converts polygon number `p` of a feature: checks every ring and position and converts
/// the coordinates to WGS-84. The error names the polygon, ring and position.
fn polygon(rings: &PolygonType, p: usize, crs: Crs) -> Result<Polygon<f64>, String> {
    let mut converted = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let at = format!("polygon {p}, ring {r}");
        if ring.len() < 4 {
            return Err(format!(
                "{at} has {} positions; a closed ring needs at least 4 (the first repeated last)",
                ring.len()
            ));
        }
        let (first, last) = (&ring[0], &ring[ring.len() - 1]);
        if first != last {
            return Err(format!(
                "{at} does not close: first position {first:?} ≠ last {last:?} \
                 (repeat the first position at the end)"
            ));
        }
        let coords = ring
            .iter()
            .enumerate()
            .map(|(i, pos)| match pos.as_slice() {
                [lon, lat, ..] => crs::checked_to_wgs84(crs, *lon, *lat)
                    .map(|(x, y)| Coord { x, y })
                    .map_err(|bad| format!("{at}, position {i}: {}", bad.message)),
                _ => Err(format!(
                    "{at}, position {i}: expected [lon, lat], got {pos:?}"
                )),
            })
            .collect::<Result<Vec<_>, String>>()?;
        converted.push(LineString(coords));
    }
    let mut rings = converted.into_iter();
    let exterior = rings
        .next()
        .ok_or_else(|| format!("polygon {p} has no rings"))?;
    Ok(Polygon::new(exterior, rings.collect()))
}
