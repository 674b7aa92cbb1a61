//! Rescue-district polygons (DESIGN §10): a GeoJSON FeatureCollection of Polygon /
//! MultiPolygon features with properties `name` (required, unique) and `kind` (urban,
//! suburban, rural; default urban). Errors name the feature by its 0-based index.

use std::collections::HashMap;
use std::path::Path;

use geo::{Coord, LineString, MultiPolygon, Point, Polygon, Validation};
use geojson::{Feature, PolygonType, Value as Geometry};
use serde_json::Value as Json;

use crate::error::{Error, Location, Result};
use crate::model::{AreaKind, District, DistrictKind, PlanningArea};

use super::crs::ToWgs84;
use crate::names::one_of;
use crate::params::Crs;

/// Reads rescue districts from a GeoJSON file whose coordinates are in `crs`.
///
/// Every ring must close (first position = last) and have at least 4 positions; every
/// position must be a valid lon/lat pair (easting/northing in a projected `crs`). Holes
/// are kept as interior rings.
pub fn read_districts(path: &Path, crs: Crs) -> Result<Vec<District>> {
    let districts = read_named_outlines(path, crs, |feature, name, area, error| {
        let kind = match feature.property("kind") {
            None | Some(Json::Null) => DistrictKind::default(),
            Some(Json::String(s)) => {
                one_of("district kind", &DistrictKind::ALL, DistrictKind::as_str)(s.trim())
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
        Ok(District {
            name,
            kind,
            area,
            population,
        })
    })?;
    check_overlaps(path, &districts)?;
    Ok(districts)
}

/// Reads the townships, functional zones, key areas and special-risk sites (`[areas]`,
/// 乡镇、功能区、重点区域、重点风险场所): a GeoJSON FeatureCollection (or, for a file ending in
/// `.csv`, a table of points, [`read_area_points`]). Features carry a unique `name` and a
/// required `kind` (township, zone, industrial_park, business_district, scenic_area,
/// residential or dense_residential, chemical_park, high_rise, forest, water); Polygon /
/// MultiPolygon outlines, or Point features with an optional `radius_m` (a circle of that
/// radius; none or 0: the point itself). They may overlap: a park lies in a township.
pub fn read_areas(path: &Path, crs: Crs) -> Result<Vec<PlanningArea>> {
    read_areas_beside(path, crs, &[])
}

/// [`read_areas`] for a second file of the layer (`[areas] sites`): a name one of `first`
/// already has is an error at the feature or line that repeats it.
pub fn read_areas_beside(
    path: &Path,
    crs: Crs,
    first: &[PlanningArea],
) -> Result<Vec<PlanningArea>> {
    let taken = |name: &str| {
        first.iter().any(|a| a.name == name).then(|| {
            format!("duplicate name `{name}`: the first `[areas]` file has a site of that name")
        })
    };
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        return read_area_points(path, crs, &taken);
    }
    read_features_with(path, crs, true, |feature, name, shape, error| {
        if let Some(m) = taken(&name) {
            return Err(error("name", m));
        }
        let kind = match feature.property("kind") {
            Some(Json::String(s)) => AreaKind::parse(s).map_err(|m| error("kind", m))?,
            None | Some(Json::Null) => {
                return Err(error(
                    "kind",
                    format!("missing property `kind` (required: {})", area_kinds()),
                ))
            }
            Some(other) => {
                return Err(error(
                    "kind",
                    format!("expected one of {}, got {other}", area_kinds()),
                ))
            }
        };
        let (area, point) = match shape {
            Shape::Outline(area) => {
                if feature.property("radius_m").is_some_and(|v| !v.is_null()) {
                    return Err(error(
                        "radius_m",
                        "a radius belongs to a Point site; this feature is a polygon".into(),
                    ));
                }
                (area, None)
            }
            Shape::Point(p) => {
                let radius_m = match feature.property("radius_m") {
                    None | Some(Json::Null) => 0.0,
                    Some(v) => v
                        .as_f64()
                        .ok_or_else(|| format!("expected a number of metres, got {v}"))
                        .and_then(site_radius)
                        .map_err(|m| error("radius_m", m))?,
                };
                (circle(p, radius_m), Some((p, radius_m)))
            }
        };
        Ok(PlanningArea {
            name,
            kind,
            area,
            point,
        })
    })
}

/// The area kinds a file may name, for messages.
fn area_kinds() -> String {
    let mut names: Vec<&str> = AreaKind::ALL.iter().map(|k| k.as_str()).collect();
    names.extend(AreaKind::ALIASES.iter().map(|a| a.0));
    names.join(", ")
}

/// Largest radius of a point site, metres: a site is a place, not a district.
pub const MAX_SITE_RADIUS_M: f64 = 20_000.0;

/// A point site's radius: a finite number of metres in 0..=[`MAX_SITE_RADIUS_M`].
fn site_radius(r: f64) -> std::result::Result<f64, String> {
    if r.is_finite() && (0.0..=MAX_SITE_RADIUS_M).contains(&r) {
        Ok(r)
    } else {
        Err(format!(
            "expected a radius in metres from 0 to {MAX_SITE_RADIUS_M} (0: the point itself), \
             got {r}"
        ))
    }
}

/// A circle of `radius_m` around `p` as a 64-gon in lon/lat (local metres per degree);
/// radius 0: empty (nothing stands inside a point).
pub fn circle(p: Point<f64>, radius_m: f64) -> MultiPolygon<f64> {
    if radius_m <= 0.0 {
        return MultiPolygon(Vec::new());
    }
    const SIDES: usize = 64;
    let m_per_deg_lat = 111_320.0;
    let m_per_deg_lon = 111_320.0 * p.y().to_radians().cos();
    let mut ring: Vec<Coord<f64>> = (0..SIDES)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / SIDES as f64;
            Coord {
                x: p.x() + radius_m * a.cos() / m_per_deg_lon,
                y: p.y() + radius_m * a.sin() / m_per_deg_lat,
            }
        })
        .collect();
    ring.push(ring[0]);
    MultiPolygon(vec![Polygon::new(LineString(ring), Vec::new())])
}

/// Reads special-risk sites (and any other `[areas]` kind) as points from a CSV:
/// `id, name, lon, lat, kind` and an optional `radius_m` (a circle of that radius; empty
/// or 0: the point). `name` is unique (the sites' name in every output); `id` unique.
fn read_area_points(
    path: &Path,
    crs: Crs,
    taken: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<PlanningArea>> {
    use super::tables::{number, read_table, text, IdIndex};
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let mut ids = IdIndex::new();
    let mut names = IdIndex::new();
    read_table(
        path,
        &["id", "name", "lon", "lat", "kind", "radius_m"],
        |h| {
            Ok((
                h.required("id")?,
                h.required("name")?,
                h.required("lon")?,
                h.required("lat")?,
                h.required("kind")?,
                h.optional("radius_m")?,
            ))
        },
        |&(id_c, name_c, lon_c, lat_c, kind_c, radius_c), row| {
            let id = row.required(id_c, text)?;
            ids.insert(row, "id", id)?;
            let name = row.required(name_c, text)?;
            names.insert(row, "name", name.clone())?;
            if let Some(m) = taken(&name) {
                return Err(row.error("name", m));
            }
            let kind = row.required(kind_c, AreaKind::parse)?;
            let (lon, lat) = row.lon_lat(lon_c, lat_c, &to_wgs84)?;
            let radius_m = row
                .optional(radius_c, |s| number(s).and_then(site_radius))?
                .unwrap_or(0.0);
            let p = Point::new(lon, lat);
            Ok(PlanningArea {
                name,
                kind,
                area: circle(p, radius_m),
                point: Some((p, radius_m)),
            })
        },
    )
}

/// A feature's geometry as the readers take it.
enum Shape {
    Outline(MultiPolygon<f64>),
    Point(Point<f64>),
}

/// An error about one field of one feature.
type FeatureError<'a> = &'a dyn Fn(&str, String) -> Error;

/// Reads a FeatureCollection of Polygon / MultiPolygon features with unique `name`s and
/// valid outlines, handing each to `make` with its name, its outline (WGS-84) and a way
/// to name a field of it in an error.
fn read_named_outlines<T>(
    path: &Path,
    crs: Crs,
    mut make: impl FnMut(&Feature, String, MultiPolygon<f64>, FeatureError) -> Result<T>,
) -> Result<Vec<T>> {
    read_features_with(
        path,
        crs,
        false,
        |feature, name, shape, error| match shape {
            Shape::Outline(area) => make(feature, name, area, error),
            Shape::Point(_) => Err(error(
                "geometry",
                "expected a Polygon or MultiPolygon".into(),
            )),
        },
    )
}

/// [`read_named_outlines`], and with `points` Point features too.
fn read_features_with<T>(
    path: &Path,
    crs: Crs,
    points: bool,
    mut make: impl FnMut(&Feature, String, Shape, FeatureError) -> Result<T>,
) -> Result<Vec<T>> {
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let features = read_features(path)?;

    let mut first_of_name: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(features.len());
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
        let polygons = match feature.geometry.as_ref().map(|g| &g.value) {
            Some(Geometry::Polygon(rings)) => std::slice::from_ref(rings),
            Some(Geometry::MultiPolygon(polygons)) => polygons.as_slice(),
            Some(Geometry::Point(pos)) if points => {
                let p = match pos.as_slice() {
                    [lon, lat, ..] => to_wgs84
                        .checked(*lon, *lat)
                        .map_err(|bad| error("geometry", bad.message))?,
                    _ => {
                        return Err(error(
                            "geometry",
                            format!("expected a position [lon, lat], got {pos:?}"),
                        ))
                    }
                };
                out.push(make(
                    &feature,
                    name,
                    Shape::Point(Point::new(p.0, p.1)),
                    &error,
                )?);
                continue;
            }
            Some(other) => {
                return Err(error(
                    "geometry",
                    format!(
                        "expected a Polygon or MultiPolygon{}, got a {}",
                        if points { " or a Point" } else { "" },
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
            .collect::<Result<Vec<_>, String>>()
            .map_err(|m| error("geometry", m))?;
        let area = MultiPolygon(area);
        // Regression (issue 20, S4): a self-intersecting outline was accepted silently.
        if let Err(e) = check_outline(&area) {
            return Err(error(
                "geometry",
                format!(
                    "not a valid polygon: {e} (repair it, e.g. QGIS › Vector › Geometry \
                     Tools › Fix Geometries)"
                ),
            ));
        }
        out.push(make(&feature, name, Shape::Outline(area), &error)?);
    }
    Ok(out)
}

/// The features of the GeoJSON FeatureCollection at `path`, each parsed and with its
/// geometry taken out, in file order; a feature that is not valid GeoJSON or has no
/// geometry is an error naming it (0-based).
pub(crate) fn read_features_with_geometry(
    path: &Path,
) -> Result<Vec<(geojson::Value, geojson::Feature)>> {
    read_features(path)?
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let error = |field: &str, message: String| {
                Error::input(path, Location::Feature(index), field, message)
            };
            let mut feature = geojson::Feature::from_json_value(value)
                .map_err(|e| error("feature", format!("not a valid GeoJSON feature: {e}")))?;
            let geometry = feature
                .geometry
                .take()
                .map(|g| g.value)
                .ok_or_else(|| error("geometry", "missing geometry (null)".into()))?;
            Ok((geometry, feature))
        })
        .collect()
}

/// The features of the GeoJSON FeatureCollection at `path` (a BOM is allowed), not yet
/// parsed; an empty file, invalid JSON, another type or an empty collection is an error.
pub(crate) fn read_features(path: &Path) -> Result<Vec<Json>> {
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
    Ok(features)
}

/// Outlines up to this many vertices get `geo`'s full validation, which tests every pair
/// of edges (O(n²): a 10⁶-vertex outline did not finish in 10 minutes); larger ones get
/// [`crossing_edges`].
const FULL_VALIDATION_VERTICES: usize = 20_000;

/// Whether `area` is a valid outline: `geo`'s validation for ordinary outlines, the
/// crossing test of an edge index for detailed ones.
pub(crate) fn check_outline(area: &MultiPolygon<f64>) -> Result<(), String> {
    use geo::CoordsIter;
    if area.coords_count() <= FULL_VALIDATION_VERTICES {
        return area.check_validation().map_err(|e| e.to_string());
    }
    match crossing_edges(area) {
        Some(at) => Err(format!(
            "its boundary crosses itself near {:.6}, {:.6}",
            at.x, at.y
        )),
        None => Ok(()),
    }
}

/// Where two edges of `area`'s rings meet other than at the shared vertex of neighbours
/// in one ring, if anywhere: an R-tree of the edges makes it O(n log n).
fn crossing_edges(area: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    use geo::{Intersects, Line};
    use rstar::primitives::{GeomWithData, Line as TreeLine};
    use rstar::{RTree, RTreeObject};
    /// An edge with (ring number, edge number in the ring, edges in the ring).
    type Edge = GeomWithData<TreeLine<[f64; 2]>, (usize, usize, usize)>;
    let mut edges: Vec<Edge> = Vec::new();
    let rings = area
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    for (r, ring) in rings.enumerate() {
        let n = ring.lines().count();
        for (i, l) in ring.lines().enumerate() {
            let line = TreeLine::new([l.start.x, l.start.y], [l.end.x, l.end.y]);
            edges.push(GeomWithData::new(line, (r, i, n)));
        }
    }
    let tree = RTree::bulk_load(edges.clone());
    let to_line = |e: &TreeLine<[f64; 2]>| {
        Line::new(
            Coord {
                x: e.from[0],
                y: e.from[1],
            },
            Coord {
                x: e.to[0],
                y: e.to[1],
            },
        )
    };
    // In file order, so that the first crossing along the outline is the one reported.
    for e in &edges {
        let (r, i, n) = e.data;
        let line = to_line(e.geom());
        for o in tree.locate_in_envelope_intersecting(&e.envelope()) {
            let (r2, j, _) = o.data;
            let neighbours = r == r2 && (i.abs_diff(j) <= 1 || i.abs_diff(j) == n - 1);
            if (r, i) < (r2, j) && !neighbours && line.intersects(&to_line(o.geom())) {
                return Some(line.start);
            }
        }
    }
    None
}

/// Refuses districts that overlap by more than 1 % of the smaller one (S4: overlapping
/// districts counted their shared area twice in the region's figures); slivers from
/// digitising pass.
fn check_overlaps(path: &Path, districts: &[District]) -> Result<()> {
    use geo::{Area, BooleanOps, BoundingRect, Intersects};
    let boxes: Vec<_> = districts.iter().map(|d| d.area.bounding_rect()).collect();
    // km² per square degree at the districts' latitude (equirectangular: enough for a share).
    let km2 = |a: f64, lat: f64| a * 111.32 * 111.32 * lat.to_radians().cos();
    for i in 0..districts.len() {
        for j in i + 1..districts.len() {
            let (Some(a), Some(b)) = (boxes[i], boxes[j]) else {
                continue;
            };
            if !a.intersects(&b) {
                continue;
            }
            let lat = a.center().y;
            let shared = km2(
                districts[i]
                    .area
                    .intersection(&districts[j].area)
                    .unsigned_area(),
                lat,
            );
            let smaller = km2(
                districts[i]
                    .area
                    .unsigned_area()
                    .min(districts[j].area.unsigned_area()),
                lat,
            );
            if shared > 0.01 * smaller && shared > 0.0 {
                return Err(Error::input(
                    path,
                    Location::Feature(j),
                    "geometry",
                    format!(
                        "districts `{}` (feature {i}) and `{}` (feature {j}) overlap by \
                         {shared:.3} km² ({:.1} % of the smaller): a place belongs to one \
                         rescue district, or the region counts it twice",
                        districts[i].name,
                        districts[j].name,
                        100.0 * shared / smaller
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Converts polygon number `p` of a feature: checks every ring and position and converts
/// the coordinates to WGS-84. The error names the polygon, ring and position.
pub(crate) fn polygon(
    rings: &PolygonType,
    p: usize,
    to_wgs84: &ToWgs84,
) -> Result<Polygon<f64>, String> {
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
                [lon, lat, ..] => to_wgs84
                    .checked(*lon, *lat)
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
