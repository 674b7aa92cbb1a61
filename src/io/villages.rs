//! Villages and communities (`[villages]`, 行政村、社区) with their residents: a CSV
//! (`id,name,lon,lat,population`, optional `kind`) or a GeoJSON FeatureCollection of
//! Point / Polygon / MultiPolygon features with properties `name`, `population` and
//! optional `kind` and `id`, told apart by the extension (`.geojson`, `.json`). Errors name
//! the file, the line (CSV) or feature (GeoJSON), the field and what was expected.

use std::collections::HashMap;
use std::path::Path;

use geo::MultiPolygon;
use geojson::{Feature, Value as Geometry};
use serde_json::Value as Json;

use crate::error::{Error, Location, Result};
use crate::model::{Village, VillageKind, VillageShape};
use crate::names::one_of;
use crate::params::Crs;

use super::crs::ToWgs84;
use super::districts::{check_outline, polygon, read_features};
use super::tables::{read_table, text, Col, IdIndex};

const VILLAGE_COLUMNS: &[&str] = &["id", "name", "lon", "lat", "population", "kind"];

/// Reads the villages file at `path` (coordinates in `crs`): GeoJSON for a `.geojson` or
/// `.json` extension, CSV otherwise.
pub fn read_villages(path: &Path, crs: Crs) -> Result<Vec<Village>> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext == "geojson" || ext == "json" {
        read_geojson(path, crs)
    } else {
        read_csv(path, crs)
    }
}

/// A resident count: a finite number ≥ 0.
fn population(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(v) => Err(format!("expected a number of residents ≥ 0, got {v}")),
        Err(_) => Err(format!(
            "expected a number of residents ≥ 0, got `{}`",
            super::tables::quoted(s)
        )),
    }
}

fn kind_of(s: &str) -> std::result::Result<VillageKind, String> {
    one_of("village kind", &VillageKind::ALL, VillageKind::as_str)(s.trim())
}

fn read_csv(path: &Path, crs: Crs) -> Result<Vec<Village>> {
    struct Cols {
        id: Col,
        name: Option<Col>,
        lon: Col,
        lat: Col,
        population: Col,
        kind: Option<Col>,
    }
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let mut ids = IdIndex::new();
    read_table(
        path,
        VILLAGE_COLUMNS,
        |h| {
            Ok(Cols {
                id: h.required("id")?,
                name: h.optional("name")?,
                lon: h.required("lon")?,
                lat: h.required("lat")?,
                population: h.required("population")?,
                kind: h.optional("kind")?,
            })
        },
        |c, row| {
            let id = row.required(c.id, text)?;
            ids.insert(row, "id", id.clone())?;
            let (lon, lat) = row.lon_lat(c.lon, c.lat, &to_wgs84)?;
            Ok(Village {
                name: row.optional(c.name, text)?.unwrap_or_else(|| id.clone()),
                id,
                kind: row
                    .optional(c.kind, kind_of)?
                    .unwrap_or(VillageKind::Village),
                population: row.required(c.population, population)?,
                shape: VillageShape::Point(geo::Point::new(lon, lat)),
                line: row.line(),
            })
        },
    )
}

fn read_geojson(path: &Path, crs: Crs) -> Result<Vec<Village>> {
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let features = read_features(path)?;
    let mut first_of_id: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(features.len());
    for (index, value) in features.into_iter().enumerate() {
        let error = |field: &str, message: String| {
            Error::input(path, Location::Feature(index), field, message)
        };
        let feature = Feature::from_json_value(value)
            .map_err(|e| error("feature", format!("not a valid GeoJSON feature: {e}")))?;
        let text_property = |key: &str| -> Result<Option<String>> {
            match feature.property(key) {
                None | Some(Json::Null) => Ok(None),
                Some(Json::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
                Some(Json::Number(n)) => Ok(Some(n.to_string())),
                Some(other) => Err(error(
                    key,
                    format!("expected a non-empty text, got {other}"),
                )),
            }
        };
        let name = text_property("name")?
            .ok_or_else(|| error("name", "missing property `name` (required)".into()))?;
        let id = text_property("id")?.unwrap_or_else(|| name.clone());
        if let Some(first) = first_of_id.insert(id.clone(), index) {
            return Err(error(
                "id",
                format!(
                    "duplicate village `{id}` (features {first} and {index}); give each an \
                     `id` or a unique `name`"
                ),
            ));
        }
        let population = match feature.property("population") {
            None | Some(Json::Null) => {
                return Err(error(
                    "population",
                    "missing property `population` (required: residents, 常住人口)".into(),
                ))
            }
            Some(Json::Number(n)) => {
                population(&n.to_string()).map_err(|m| error("population", m))?
            }
            Some(Json::String(s)) => population(s).map_err(|m| error("population", m))?,
            Some(other) => {
                return Err(error(
                    "population",
                    format!("expected a number of residents ≥ 0, got {other}"),
                ))
            }
        };
        let kind = match text_property("kind")? {
            None => VillageKind::Village,
            Some(k) => kind_of(&k).map_err(|m| error("kind", m))?,
        };
        let polygons = match feature.geometry.as_ref().map(|g| &g.value) {
            Some(Geometry::Point(pos)) => {
                let (lon, lat) = match pos.as_slice() {
                    [x, y, ..] => to_wgs84
                        .checked(*x, *y)
                        .map_err(|bad| error("geometry", bad.message))?,
                    _ => {
                        return Err(error(
                            "geometry",
                            format!("expected [lon, lat], got {pos:?}"),
                        ))
                    }
                };
                out.push(Village {
                    id,
                    name,
                    kind,
                    population,
                    shape: VillageShape::Point(geo::Point::new(lon, lat)),
                    line: index as u64,
                });
                continue;
            }
            Some(Geometry::Polygon(rings)) => std::slice::from_ref(rings),
            Some(Geometry::MultiPolygon(polygons)) => polygons.as_slice(),
            Some(other) => {
                return Err(error(
                    "geometry",
                    format!(
                        "expected a Point, Polygon or MultiPolygon, got a {}",
                        other.type_name()
                    ),
                ))
            }
            None => return Err(error("geometry", "missing geometry (null)".into())),
        };
        let area = polygons
            .iter()
            .enumerate()
            .map(|(p, rings)| polygon(rings, p, &to_wgs84))
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(|m| error("geometry", m))?;
        let area = MultiPolygon(area);
        check_outline(&area).map_err(|e| error("geometry", format!("not a valid polygon: {e}")))?;
        out.push(Village {
            id,
            name,
            kind,
            population,
            shape: VillageShape::Area(area),
            line: index as u64,
        });
    }
    Ok(out)
}

/// The settlement kind of an OSM `place=*` value: village, hamlet and isolated_dwelling
/// are villages (a hamlet a natural village, 自然村), suburb and neighbourhood urban
/// communities (社区); any other value is not a village.
pub fn place_kind(place: &str) -> Option<VillageKind> {
    match place {
        "village" | "isolated_dwelling" => Some(VillageKind::Village),
        "hamlet" => Some(VillageKind::NaturalVillage),
        "suburb" | "neighbourhood" => Some(VillageKind::Community),
        _ => None,
    }
}

/// An OSM `population=*` value as residents: digits, optionally grouped in thousands by
/// `,`, a space or a thin space (`1,357`, `1 357`); None for anything else (`ca. 500`,
/// `1.357`, `500-600`), which is left out rather than guessed.
pub fn osm_population(value: &str) -> Option<f64> {
    let v = value.trim();
    let groups: Vec<&str> = v.split([',', ' ', '\u{202f}', '\u{a0}']).collect();
    let well_grouped = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits: String = groups.concat();
    if !well_grouped || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<f64>().ok()
}

/// The villages and communities of an OpenStreetMap extract (`[villages] from = "osm"`):
/// its nodes tagged `place=village|hamlet|isolated_dwelling|suburb|neighbourhood` with a
/// numeric `population` ([`osm_population`]), as points; kinds by [`place_kind`]. The id is
/// `n` + the node id, the name the `name` tag (the id without one), `line` the node id.
/// Sorted by node id (deterministic whatever the threads). Places without a population, or
/// with one that is not a plain number, are left out.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Input`] (field `osm`) when it is not
/// an OpenStreetMap PBF file or is damaged.
pub fn read_place_nodes(path: &Path) -> Result<Vec<Village>> {
    let nodes = super::osm::read_tagged_nodes(path, "place")?;
    Ok(nodes
        .into_iter()
        .filter_map(|n| {
            let kind = place_kind(n.tag("place")?)?;
            let population = osm_population(n.tag("population")?)?;
            let id_text = format!("n{}", n.id);
            let name = n
                .tag("name")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map_or_else(|| id_text.clone(), str::to_string);
            Some(Village {
                name,
                id: id_text,
                kind,
                population,
                shape: VillageShape::Point(geo::Point::new(n.lon, n.lat)),
                line: n.id as u64,
            })
        })
        .collect())
}
