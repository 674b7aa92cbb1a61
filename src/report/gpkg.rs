//! `fireplan.gpkg`: the GIS layers of a run in one OGC GeoPackage (SQLite, EPSG:4326),
//! so that QGIS and GDAL open it without questions: stations, depots, districts,
//! coverage segments, first-due areas, gaps (points) and gap areas, and with a plan the
//! plan's changes and the incidents gaining or losing coverage.
//!
//! Written with `rusqlite` (bundled SQLite): the core tables `gpkg_spatial_ref_sys`,
//! `gpkg_contents` and `gpkg_geometry_columns`, one feature table per layer with a
//! GeoPackage binary geometry (header `GP`, version 0, little-endian, XY envelope, SRS
//! 4326) followed by standard little-endian WKB.

use crate::report::maps::response::Band;
use std::path::Path;

use geojson::{FeatureCollection, GeoJson, Value as GValue};
use rayon::iter::{FromParallelIterator, IntoParallelIterator};
use rayon::prelude::*;
use rusqlite::{params_from_iter, types::Value as SqlValue, Connection};
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::run::{PlanRunResult, RunResult};

#[path = "styles/mod.rs"]
pub mod styles;

/// Geometry type of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeomType {
    Point,
    LineString,
    MultiPolygon,
}

impl GeomType {
    fn name(self) -> &'static str {
        match self {
            GeomType::Point => "POINT",
            GeomType::LineString => "LINESTRING",
            GeomType::MultiPolygon => "MULTIPOLYGON",
        }
    }
}

/// One feature: geometry and properties.
pub type LayerFeature = (GValue, Map<String, Value>);

/// One layer to write.
pub struct Layer<'a> {
    pub name: String,
    pub description: String,
    pub geom: GeomType,
    pub features: Features<'a>,
}

/// A layer's features: held in memory, or made on demand — twice, once for the columns
/// and once for the rows — when there are millions (a province's road pieces).
pub enum Features<'a> {
    Held(Vec<LayerFeature>),
    Made(Box<dyn Fn() -> Box<dyn Iterator<Item = LayerFeature> + 'a> + 'a>),
}

impl From<Vec<LayerFeature>> for Features<'_> {
    fn from(v: Vec<LayerFeature>) -> Self {
        Features::Held(v)
    }
}

impl FromIterator<LayerFeature> for Features<'_> {
    fn from_iter<I: IntoIterator<Item = LayerFeature>>(iter: I) -> Self {
        Features::Held(iter.into_iter().collect())
    }
}

impl FromParallelIterator<LayerFeature> for Features<'_> {
    fn from_par_iter<I: IntoParallelIterator<Item = LayerFeature>>(iter: I) -> Self {
        Features::Held(iter.into_par_iter().collect())
    }
}

impl Features<'_> {
    /// Calls `f` on every feature in order.
    fn for_each(
        &self,
        mut f: impl FnMut(&GValue, &Map<String, Value>) -> Result<()>,
    ) -> Result<()> {
        match self {
            Features::Held(v) => v.iter().try_for_each(|(g, p)| f(g, p)),
            Features::Made(make) => make().try_for_each(|(g, p)| f(&g, &p)),
        }
    }
}

fn sql_err(path: &Path, e: rusqlite::Error) -> Error {
    Error::output(format!("writing GeoPackage {}", path.display()), e)
}

// ---------------------------------------------------------------------------------------
// Geometry encoding

fn put_f64(b: &mut Vec<u8>, x: f64) {
    b.extend_from_slice(&x.to_le_bytes());
}
fn put_u32(b: &mut Vec<u8>, x: u32) {
    b.extend_from_slice(&x.to_le_bytes());
}
fn put_ring(b: &mut Vec<u8>, pts: &[Vec<f64>], env: &mut [f64; 4]) {
    put_u32(b, pts.len() as u32);
    for p in pts {
        let (x, y) = (p[0], p[1]);
        env[0] = env[0].min(x);
        env[1] = env[1].max(x);
        env[2] = env[2].min(y);
        env[3] = env[3].max(y);
        put_f64(b, x);
        put_f64(b, y);
    }
}
fn put_polygon(b: &mut Vec<u8>, rings: &[Vec<Vec<f64>>], env: &mut [f64; 4]) {
    b.push(1);
    put_u32(b, 3);
    put_u32(b, rings.len() as u32);
    for r in rings {
        put_ring(b, r, env);
    }
}

/// GeoPackage binary geometry of a GeoJSON geometry, converted to the layer's type
/// (a Polygon becomes a one-part MultiPolygon; a LineString in a point layer its last
/// point). None when it does not fit the layer.
pub fn gpkg_geometry(g: &GValue, want: GeomType) -> Option<Vec<u8>> {
    let mut env = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut wkb = Vec::new();
    match (want, g) {
        (GeomType::Point, GValue::Point(p)) => {
            wkb.push(1);
            put_u32(&mut wkb, 1);
            put_ring(&mut Vec::new(), std::slice::from_ref(p), &mut env);
            put_f64(&mut wkb, p[0]);
            put_f64(&mut wkb, p[1]);
        }
        (GeomType::Point, GValue::LineString(l)) => {
            let p = l.last()?;
            return gpkg_geometry(&GValue::Point(p.clone()), want);
        }
        (GeomType::LineString, GValue::LineString(l)) => {
            wkb.push(1);
            put_u32(&mut wkb, 2);
            put_ring(&mut wkb, l, &mut env);
        }
        (GeomType::MultiPolygon, GValue::Polygon(p)) => {
            wkb.push(1);
            put_u32(&mut wkb, 6);
            put_u32(&mut wkb, 1);
            put_polygon(&mut wkb, p, &mut env);
        }
        (GeomType::MultiPolygon, GValue::MultiPolygon(mp)) => {
            wkb.push(1);
            put_u32(&mut wkb, 6);
            put_u32(&mut wkb, mp.len() as u32);
            for p in mp {
                put_polygon(&mut wkb, p, &mut env);
            }
        }
        _ => return None,
    }
    let mut b = Vec::with_capacity(wkb.len() + 40);
    b.extend_from_slice(b"GP");
    b.push(0); // version 1.0
    let empty = !env[0].is_finite();
    // Flags: little-endian (bit 0), envelope [minx, maxx, miny, maxy] (1 << 1), empty (bit 4).
    b.push(if empty { 0b0001_0001 } else { 0b0000_0011 });
    b.extend_from_slice(&4326i32.to_le_bytes());
    if !empty {
        for x in env {
            put_f64(&mut b, x);
        }
    }
    b.extend_from_slice(&wkb);
    Some(b)
}

fn envelope_of(blob: &[u8]) -> Option<[f64; 4]> {
    if blob.len() < 40 || blob[3] & 0b1110 != 0b0010 {
        return None;
    }
    let f = |i: usize| f64::from_le_bytes(blob[8 + i * 8..16 + i * 8].try_into().unwrap_or([0; 8]));
    Some([f(0), f(1), f(2), f(3)])
}

// ---------------------------------------------------------------------------------------
// Layers

/// Features of a GeoJSON collection (as the report writes them), optionally only those
/// whose geometry fits `want` and whose properties pass `keep`.
pub fn from_geojson(
    bytes: &[u8],
    want: GeomType,
    keep: impl Fn(&Map<String, Value>) -> bool,
) -> Result<Vec<(GValue, Map<String, Value>)>> {
    let gj: GeoJson = std::str::from_utf8(bytes)
        .map_err(|e| Error::output("GeoJSON", e))?
        .parse()
        .map_err(|e| Error::output("GeoJSON", e))?;
    let fc = FeatureCollection::try_from(gj).map_err(|e| Error::output("GeoJSON", e))?;
    Ok(from_features(fc.features, want, keep))
}

/// As [`from_geojson`], from the features themselves (no text in between: the layers of
/// 10^6 stations are not written out and parsed back).
pub fn from_features(
    features: impl IntoIterator<Item = geojson::Feature>,
    want: GeomType,
    keep: impl Fn(&Map<String, Value>) -> bool,
) -> Vec<LayerFeature> {
    fitting(features, want, keep).collect()
}

/// The features that fit `want` and pass `keep`, as (geometry, properties), lazily.
fn fitting(
    features: impl IntoIterator<Item = geojson::Feature>,
    want: GeomType,
    keep: impl Fn(&Map<String, Value>) -> bool,
) -> impl Iterator<Item = LayerFeature> {
    features.into_iter().filter_map(move |f| {
        let g = f.geometry?.value;
        let props = f.properties.unwrap_or_default();
        let fits = matches!(
            (want, &g),
            (GeomType::Point, GValue::Point(_))
                | (GeomType::Point, GValue::LineString(_))
                | (GeomType::LineString, GValue::LineString(_))
                | (GeomType::MultiPolygon, GValue::Polygon(_))
                | (GeomType::MultiPolygon, GValue::MultiPolygon(_))
        );
        (fits && keep(&props)).then_some((g, props))
    })
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The `demand` layer: every demand point with its first and second station and their
/// times, whether it is reached within the threshold, the calibrated probability of that
/// (calibrated runs only), its district and status (as `demand_response.csv`).
fn demand_features(run: &RunResult) -> impl Iterator<Item = LayerFeature> + '_ {
    let cov = &run.coverage;
    let thr = cov.params.threshold_s;
    let p_within = run.p_within();
    let tenth = |t: f64| (t * 10.0).round() / 10.0;
    run.inputs
        .demand
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .zip(&cov.demand)
        .enumerate()
        .map(move |(i, (d, r))| {
            let first = r.response.first;
            let second = r.response.second;
            let status = super::tables::demand_status(r, thr);
            let mut props = obj(json!({
                "id": d.id,
                "first_station": first.map(|f| super::origin_id(run, f.0)),
                "response_s": first.map(|f| tenth(f.1)),
                "second_station": second.map(|f| super::origin_id(run, f.0)),
                "second_response_s": second.map(|f| tenth(f.1)),
                "within_threshold": status == "covered",
                "district": r.district.map(|k| run.inputs.districts[k].name.as_str()),
                "status": status,
                "snap_m": r.snap.map(|s| tenth(s.access_m)),
            }));
            if let Some(p) = &p_within {
                props.insert(
                    "p_within_threshold".into(),
                    json!((p[i] * 10000.0).round() / 10000.0),
                );
            }
            (
                GValue::Point(vec![
                    super::write::round7(d.location.x()),
                    super::write::round7(d.location.y()),
                ]),
                props,
            )
        })
}

/// The layers of one run (and of its plan, when given: `run` is then the plan variant).
pub fn layers<'a>(run: &'a RunResult, plan: Option<&PlanRunResult>) -> Result<Vec<Layer<'a>>> {
    let cov = &run.coverage;
    let mut out = Vec::new();
    // Stations (built on every core: 10^6 of them were a quarter of the GeoPackage's time).
    let stations = run
        .inputs
        .stations
        .par_iter()
        .enumerate()
        .map(|(i, s)| {
            let fd = match cov.placement.get(i) {
                Some(crate::coverage::Placement::Origin(o)) => cov.first_due.get(*o as usize),
                _ => None,
            };
            (
                GValue::Point(vec![s.location.x(), s.location.y()]),
                obj(json!({
                    "id": s.id, "name": s.name, "class": s.class.as_str(),
                    "class_zh": s.class.name_zh(), "status": s.status.as_str(),
                    "staff": s.staff, "drone": s.drone, "district": s.district,
                    "vehicles": s.vehicles.iter().map(|v| v.count as u64).sum::<u64>(),
                    "first_due_area_km2": fd.map(|f| (f.area_km2 * 1000.0).round() / 1000.0),
                    "worst_road_s": fd.and_then(|f| f.worst_road_s).map(|t| (t * 10.0).round() / 10.0),
                })),
            )
        })
        .collect();
    out.push(Layer {
        name: "stations".into(),
        description: "Fire stations (消防站) by class and status".into(),
        geom: GeomType::Point,
        features: stations,
    });
    // Depots.
    let depots = run
        .inputs
        .depots
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|d| {
            (
                GValue::Point(vec![d.location.x(), d.location.y()]),
                obj(
                    json!({"id": d.id, "name": d.name, "level": d.level.as_str(),
                           "capacity_persons": d.capacity_persons}),
                ),
            )
        })
        .collect();
    out.push(Layer {
        name: "depots".into(),
        description: "Reserve depots (应急物资储备库) by level".into(),
        geom: GeomType::Point,
        features: depots,
    });
    // Districts with their coverage.
    let districts = run
        .inputs
        .districts
        .iter()
        .zip(&cov.districts)
        .map(|(d, m)| {
            (
                GValue::from(&d.area),
                obj(json!({
                    "name": d.name, "kind": d.kind.as_str(),
                    "demand_coverage": m.demand_coverage, "road_coverage": m.road_coverage,
                    "area_coverage": m.area_coverage, "second_due_coverage": m.second_due_coverage,
                    "p90_s": m.p90_s, "demand_points": m.demand_points as u64,
                    "area_km2": (m.area_km2 * 1000.0).round() / 1000.0,
                })),
            )
        })
        .collect();
    out.push(Layer {
        name: "districts".into(),
        description: "Rescue districts (救援片区) with their coverage".into(),
        geom: GeomType::MultiPolygon,
        features: districts,
    });
    // Every demand point with its response (lazily: a province has millions).
    if run.inputs.demand.as_ref().is_some_and(|d| !d.is_empty()) {
        out.push(Layer {
            name: "demand".into(),
            description: "Demand points with first and second station, response time and status"
                .into(),
            geom: GeomType::Point,
            features: Features::Made(Box::new(move || Box::new(demand_features(run)))),
        });
    }
    out.push(Layer {
        name: "coverage_segments".into(),
        description: "Road pieces with response time, split at the threshold".into(),
        geom: GeomType::LineString,
        features: Features::Made(Box::new(move || {
            Box::new(fitting(
                super::layers::coverage_features(run),
                GeomType::LineString,
                |_| true,
            ))
        })),
    });
    if let (false, Some(open)) = (
        run.prepared.closures.is_empty(),
        run.prepared.open.as_deref(),
    ) {
        // One feature per closed segment, from the open network (the closed one lacks them).
        let net = &open.network;
        let mut closed = Vec::new();
        for c in &run.prepared.closures {
            for s in c
                .segments
                .iter()
                .filter_map(|&i| net.segments.get(i as usize))
            {
                let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
                closed.push((
                    GValue::LineString(vec![vec![a.lon, a.lat], vec![b.lon, b.lat]]),
                    obj(json!({
                        "closure": c.name,
                        "reason": c.reason,
                        "source": c.plan_change.map_or("scenario".to_string(), |n| format!("plan change[{n}]")),
                        "highway": s.highway.tag(),
                        "length_m": f64::from(s.length_m),
                    })),
                ));
            }
        }
        out.push(Layer {
            name: "closed_roads".into(),
            description: "Road segments closed (道路封闭), by closure".into(),
            geom: GeomType::LineString,
            features: closed.into(),
        });
    }
    out.push(Layer {
        name: "first_due_areas".into(),
        description: "First-due areas (辖区) per station".into(),
        geom: GeomType::MultiPolygon,
        features: from_features(
            super::layers::first_due_features(run),
            GeomType::MultiPolygon,
            |_| true,
        )
        .into(),
    });
    let (gap_points, gap_areas): (Vec<_>, Vec<_>) = super::layers::gaps_features(run)
        .into_iter()
        .partition(|f| {
            f.geometry
                .as_ref()
                .is_some_and(|g| matches!(g.value, GValue::Point(_)))
        });
    out.push(Layer {
        name: "gaps".into(),
        description: "Demand points and stations not reached within the threshold".into(),
        geom: GeomType::Point,
        features: from_features(gap_points, GeomType::Point, |_| true).into(),
    });
    out.push(Layer {
        name: "gap_areas".into(),
        description: "Area of each district not reached within the threshold".into(),
        geom: GeomType::MultiPolygon,
        features: from_features(gap_areas, GeomType::MultiPolygon, |_| true).into(),
    });
    if let Some(w) = &run.water {
        let layer_is = |name: &'static str| {
            move |p: &Map<String, Value>| p.get("layer").and_then(Value::as_str) == Some(name)
        };
        let features = super::water::water_features(run, w);
        out.push(Layer {
            name: "water_sources".into(),
            description: "Fire water sources (消防水源) by kind and status".into(),
            geom: GeomType::Point,
            features: from_features(features.clone(), GeomType::Point, layer_is("source")).into(),
        });
        out.push(Layer {
            name: "water_spacing_gaps".into(),
            description:
                "Urban roads farther than half the hydrant spacing from a serviceable hydrant"
                    .into(),
            geom: GeomType::LineString,
            features: from_features(
                features.clone(),
                GeomType::LineString,
                layer_is("spacing_gap"),
            )
            .into(),
        });
        out.push(Layer {
            name: "water_beyond_reach".into(),
            description: "Demand without a serviceable hydrant within the protection radius".into(),
            geom: GeomType::Point,
            features: from_features(features, GeomType::Point, layer_is("beyond_reach")).into(),
        });
    }
    out.extend(super::villages::gpkg_layers(run));
    out.extend(super::context::gpkg_layers(&run.inputs.context));
    let risk_sites = super::sites::risk_site_features(run);
    if !risk_sites.is_empty() {
        out.push(Layer {
            name: "risk_sites".into(),
            description:
                "Special-risk sites (重点风险场所): serving station, class, worst road time".into(),
            geom: GeomType::Point,
            features: risk_sites.into(),
        });
    }
    if let Some(pr) = plan {
        let ch = super::plan::changes_geojson(pr)?;
        out.push(Layer {
            name: "plan_changes".into(),
            description: "Changes of the plan at their (new) place".into(),
            geom: GeomType::Point,
            features: from_geojson(&ch, GeomType::Point, |p| {
                p.get("layer").and_then(Value::as_str) == Some("change")
            })?
            .into(),
        });
        out.push(Layer {
            name: "plan_demand_changes".into(),
            description: "Incidents gaining or losing coverage with the plan".into(),
            geom: GeomType::Point,
            features: from_geojson(&ch, GeomType::Point, |p| {
                p.get("layer").and_then(Value::as_str) == Some("demand")
            })?
            .into(),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Writing

/// SQL type of a value, None for null.
fn value_type(v: &Value) -> Option<&'static str> {
    match v {
        Value::Null => None,
        Value::Bool(_) => Some("BOOLEAN"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("INTEGER"),
        Value::Number(_) => Some("DOUBLE"),
        _ => Some("TEXT"),
    }
}

/// SQL type of a column holding values of type `a` and `b` (TEXT unless they agree, or
/// are both numbers).
fn merge_type(a: Option<&'static str>, b: Option<&'static str>) -> Option<&'static str> {
    match (a, b) {
        (None, t) | (t, None) => t,
        (Some(a), Some(b)) if a == b => Some(a),
        (Some("INTEGER"), Some("DOUBLE")) | (Some("DOUBLE"), Some("INTEGER")) => Some("DOUBLE"),
        _ => Some("TEXT"),
    }
}

/// The order a planner reads a layer's fields in: these first, in this order (the
/// identifier first, `variant` after it), then any others as first seen. Properties are
/// kept in alphabetical order in memory; this is where the table's order comes from.
pub fn field_order(layer: &str) -> &'static [&'static str] {
    match layer {
        "stations" => &[
            "id",
            "variant",
            "name",
            "class",
            "class_zh",
            "status",
            "district",
            "staff",
            "vehicles",
            "drone",
            "first_due_area_km2",
            "worst_road_s",
        ],
        "depots" => &["id", "variant", "name", "level", "capacity_persons"],
        "districts" => &[
            "name",
            "variant",
            "kind",
            "demand_points",
            "demand_coverage",
            "road_coverage",
            "area_coverage",
            "second_due_coverage",
            "p90_s",
            "area_km2",
        ],
        "demand" => &[
            "id",
            "variant",
            "first_station",
            "response_s",
            "second_station",
            "second_response_s",
            "within_threshold",
            "p_within_threshold",
            "district",
            "status",
            "snap_m",
        ],
        "coverage_segments" => &[
            "station",
            "variant",
            "district",
            "highway",
            "covered",
            "worst_s",
            "response_a_s",
            "response_b_s",
            "length_m",
            "oneway",
        ],
        "first_due_areas" => &[
            "station",
            "variant",
            "name",
            "class",
            "area_km2",
            "road_km",
            "demand_points",
            "demand_share",
            "worst_road_s",
            "edge_within_threshold",
        ],
        "service_areas" => &[
            "station_id",
            "variant",
            "break_s",
            "minutes",
            "area_km2",
            "road_km",
        ],
        "gaps" => &[
            "id",
            "variant",
            "layer",
            "reason",
            "response_s",
            "snap_m",
            "district",
        ],
        "gap_areas" => &["district", "variant", "layer", "reason", "area_km2"],
        "closed_roads" => &[
            "closure", "variant", "reason", "source", "highway", "length_m",
        ],
        _ => &["id", "variant", "name"],
    }
}

/// Columns of a table in the layer's field order ([`field_order`]) with their SQL types
/// (TEXT for a column of nulls), in one pass over each part's features; `variant` when
/// the table holds named variants.
fn columns(name: &str, parts: &[Part]) -> Result<Vec<(String, &'static str)>> {
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    let mut cols: Vec<(String, Option<&'static str>)> = Vec::new();
    if parts.iter().any(|p| p.variant.is_some()) {
        cols.push(("variant".into(), Some("TEXT")));
        index.insert("variant".into(), 0);
    }
    for part in parts {
        part.features.for_each(|_, p| {
            for (k, v) in p {
                if k == "fid" || k == "geom" {
                    continue;
                }
                let i = match index.get(k.as_str()) {
                    Some(&i) => i,
                    None => {
                        cols.push((k.clone(), None));
                        index.insert(k.clone(), cols.len() - 1);
                        cols.len() - 1
                    }
                };
                cols[i].1 = merge_type(cols[i].1, value_type(v));
            }
            Ok(())
        })?;
    }
    let order = field_order(name);
    let rank = |c: &str| order.iter().position(|o| *o == c).unwrap_or(order.len());
    // Stable: the fields not in the order keep their first-seen order after the others.
    cols.sort_by_key(|(c, _)| rank(c));
    Ok(cols
        .into_iter()
        .map(|(k, t)| (k, t.unwrap_or("TEXT")))
        .collect())
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// One variant's share of a table: its `variant` value (None: no `variant` column) and
/// features.
struct Part<'l, 'a> {
    variant: Option<&'l str>,
    features: &'l Features<'a>,
}

/// One feature table: the layers of every variant with its name.
struct Table<'l, 'a> {
    name: &'l str,
    description: &'l str,
    geom: GeomType,
    parts: Vec<Part<'l, 'a>>,
}

/// The tables of `variants` by layer name, in first-seen order (the baseline's layers,
/// then the layers only the plan has).
fn tables<'l, 'a>(variants: &'l [(Option<&'l str>, Vec<Layer<'a>>)]) -> Result<Vec<Table<'l, 'a>>> {
    let mut out: Vec<Table> = Vec::new();
    for (variant, layers) in variants {
        for l in layers {
            let part = Part {
                variant: *variant,
                features: &l.features,
            };
            match out.iter_mut().find(|t| t.name == l.name) {
                Some(t) if t.geom == l.geom => t.parts.push(part),
                Some(_) => {
                    return Err(Error::output(
                        "GeoPackage",
                        format!("layer {} has two geometry types", l.name),
                    ))
                }
                None => out.push(Table {
                    name: &l.name,
                    description: &l.description,
                    geom: l.geom,
                    parts: vec![part],
                }),
            }
        }
    }
    Ok(out)
}

/// Writes the layers to a new GeoPackage at `path` (atomically: a temporary file renamed).
/// Layers coloured by response band take the 5-minute standard's bands.
pub fn write(path: &Path, layers: Vec<Layer>) -> Result<()> {
    let bands = crate::report::maps::response::bands(&[180.0, 300.0, 480.0], 300.0);
    write_variants(path, vec![(None, layers)], &bands)
}

/// Writes the layers of several variants to a new GeoPackage at `path` (atomically):
/// layers of one name share a table, told apart by its `variant` field (none when the
/// variant is `None`); layers coloured by response band are styled with `bands`.
pub fn write_variants(
    path: &Path,
    variants: Vec<(Option<&str>, Vec<Layer>)>,
    bands: &[Band],
) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!(".fireplan.{}.gpkg.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = tables(&variants).and_then(|t| write_to(&tmp, &t, bands));
    match result {
        Ok(()) => std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The GeoPackage 1.3 R-tree triggers of `table`'s `geom` (spec, annex F.3): they keep
/// `rtree_<table>_geom` equal to the table when QGIS or GDAL edit it (both define the
/// `ST_*` functions they call; fireplan fills the index itself).
fn rtree_triggers(table: &str) -> String {
    let t = quote(table);
    let r = quote(&format!("rtree_{table}_geom"));
    let trig = |suffix: &str| quote(&format!("rtree_{table}_geom_{suffix}"));
    let values = "VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom))";
    format!(
        "CREATE TRIGGER {ins} AFTER INSERT ON {t}
           WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN INSERT OR REPLACE INTO {r} {values}; END;
         CREATE TRIGGER {u1} AFTER UPDATE OF geom ON {t}
           WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN INSERT OR REPLACE INTO {r} {values}; END;
         CREATE TRIGGER {u2} AFTER UPDATE OF geom ON {t}
           WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
         BEGIN DELETE FROM {r} WHERE id = OLD.fid; END;
         CREATE TRIGGER {u3} AFTER UPDATE ON {t}
           WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN DELETE FROM {r} WHERE id = OLD.fid; INSERT OR REPLACE INTO {r} {values}; END;
         CREATE TRIGGER {u4} AFTER UPDATE ON {t}
           WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
         BEGIN DELETE FROM {r} WHERE id IN (OLD.fid, NEW.fid); END;
         CREATE TRIGGER {del} AFTER DELETE ON {t}
           WHEN old.geom NOT NULL
         BEGIN DELETE FROM {r} WHERE id = OLD.fid; END;",
        ins = trig("insert"),
        u1 = trig("update1"),
        u2 = trig("update2"),
        u3 = trig("update3"),
        u4 = trig("update4"),
        del = trig("delete"),
    )
}

/// The QGIS style of a table, from what it holds (first-due areas: one colour per
/// station; service areas: one per break); None for a table drawn with QGIS's default.
fn style_of(
    tx: &rusqlite::Transaction,
    table: &Table,
    bands: &[Band],
) -> rusqlite::Result<Option<String>> {
    use styles::StyleGeometry as G;
    let distinct = |col: &str| -> rusqlite::Result<Vec<SqlValue>> {
        let mut st = tx.prepare(&format!(
            "SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL ORDER BY {c}",
            c = quote(col),
            t = quote(table.name)
        ))?;
        let rows = st.query_map([], |r| r.get::<_, SqlValue>(0))?;
        rows.collect()
    };
    Ok(Some(match table.name {
        "stations" => styles::stations(),
        "coverage_segments" => styles::coverage_segments(bands),
        "demand" => styles::by_band(G::Point, "response_s", 1.6, bands),
        "first_due_areas" => {
            let ids: Vec<String> = distinct("station")?
                .into_iter()
                .filter_map(|v| match v {
                    SqlValue::Text(s) => Some(s),
                    _ => None,
                })
                .collect();
            styles::first_due_areas(&ids)
        }
        "service_areas" => {
            let breaks: Vec<f64> = distinct("break_s")?
                .into_iter()
                .filter_map(|v| match v {
                    SqlValue::Real(x) => Some(x),
                    SqlValue::Integer(i) => Some(i as f64),
                    _ => None,
                })
                .collect();
            styles::service_areas(&breaks, bands)
        }
        "districts" => styles::single(G::Polygon, None, 0.0),
        "gaps" => styles::single(G::Point, Some(0xd7191c), 2.0),
        "gap_areas" => styles::single(G::Polygon, Some(0xd7191c), 0.0),
        "depots" => styles::single(G::Point, Some(0x01665e), 3.0),
        other => return Ok(styles::reference(other)),
    }))
}

fn write_to(path: &Path, tables: &[Table], bands: &[Band]) -> Result<()> {
    let e = |x| sql_err(path, x);
    let mut db = Connection::open(path).map_err(e)?;
    // The file is a temporary one, renamed into place only when complete: no journal and
    // no syncs are needed while it is written.
    db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        .map_err(e)?;
    db.execute_batch(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
         CREATE TABLE gpkg_spatial_ref_sys (
           srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
           organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES
           ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
           ('WGS 84 geodetic', 4326, 'EPSG', 4326,
            'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]',
            'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
         CREATE TABLE gpkg_contents (
           table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
           description TEXT DEFAULT '',
           last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (
           table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
           srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
           CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
           CONSTRAINT uk_gc_table_name UNIQUE (table_name),
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         CREATE TABLE gpkg_extensions (
           table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
           definition TEXT NOT NULL, scope TEXT NOT NULL,
           CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
         CREATE TABLE layer_styles (
           id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),
           f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256),
           styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN,
           description TEXT, owner TEXT(30), ui TEXT(30),
           update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));",
    )
    .map_err(e)?;
    let tx = db.transaction().map_err(e)?;
    for table in tables {
        let (cols, types): (Vec<String>, Vec<&str>) =
            columns(table.name, &table.parts)?.into_iter().unzip();
        let mut ddl = format!(
            "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}",
            quote(table.name),
            table.geom.name()
        );
        for (c, t) in cols.iter().zip(&types) {
            ddl.push_str(&format!(", {} {t}", quote(c)));
        }
        ddl.push(')');
        tx.execute(&ddl, []).map_err(e)?;
        let rtree = format!("rtree_{}_geom", table.name);
        tx.execute(
            &format!(
                "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
                quote(&rtree)
            ),
            [],
        )
        .map_err(e)?;
        let mut env = [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        {
            let placeholders: String = (0..=cols.len())
                .map(|i| format!("?{}", i + 1))
                .collect::<Vec<_>>()
                .join(", ");
            let names: String = std::iter::once("geom".to_string())
                .chain(cols.iter().map(|c| quote(c)))
                .collect::<Vec<_>>()
                .join(", ");
            let mut stmt = tx
                .prepare(&format!(
                    "INSERT INTO {} ({names}) VALUES ({placeholders})",
                    quote(table.name)
                ))
                .map_err(e)?;
            let mut index = tx
                .prepare(&format!(
                    "INSERT INTO {} VALUES (?1, ?2, ?3, ?4, ?5)",
                    quote(&rtree)
                ))
                .map_err(e)?;
            for part in &table.parts {
                part.features.for_each(|g, p| {
                    let Some(blob) = gpkg_geometry(g, table.geom) else {
                        return Ok(());
                    };
                    let bbox = envelope_of(&blob);
                    if let Some(b) = bbox {
                        env[0] = env[0].min(b[0]);
                        env[1] = env[1].max(b[1]);
                        env[2] = env[2].min(b[2]);
                        env[3] = env[3].max(b[3]);
                    }
                    let mut vals: Vec<SqlValue> = vec![SqlValue::Blob(blob)];
                    for (c, t) in cols.iter().zip(&types) {
                        if c == "variant" {
                            vals.push(
                                part.variant
                                    .map_or(SqlValue::Null, |v| SqlValue::Text(v.to_string())),
                            );
                            continue;
                        }
                        vals.push(match (p.get(c), *t) {
                            (None | Some(Value::Null), _) => SqlValue::Null,
                            (Some(Value::Bool(b)), "BOOLEAN") => SqlValue::Integer(*b as i64),
                            (Some(Value::Number(n)), "INTEGER") => {
                                SqlValue::Integer(n.as_i64().unwrap_or(0))
                            }
                            (Some(Value::Number(n)), "DOUBLE") => {
                                SqlValue::Real(n.as_f64().unwrap_or(f64::NAN))
                            }
                            (Some(Value::String(s)), _) => SqlValue::Text(s.clone()),
                            (Some(v), _) => SqlValue::Text(v.to_string()),
                        });
                    }
                    stmt.execute(params_from_iter(vals)).map_err(e)?;
                    if let Some(b) = bbox {
                        let fid = tx.last_insert_rowid();
                        index
                            .execute(rusqlite::params![fid, b[0], b[1], b[2], b[3]])
                            .map_err(e)?;
                    }
                    Ok(())
                })?;
            }
        }
        let bounds: [Option<f64>; 4] = if env[0].is_finite() {
            [Some(env[0]), Some(env[2]), Some(env[1]), Some(env[3])]
        } else {
            [None; 4]
        };
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
             VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, 4326)",
            rusqlite::params![table.name, table.description, bounds[0], bounds[1], bounds[2], bounds[3]],
        )
        .map_err(e)?;
        tx.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
            rusqlite::params![table.name, table.geom.name()],
        )
        .map_err(e)?;
        tx.execute(
            "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index',
               'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            [table.name],
        )
        .map_err(e)?;
        // After the rows: the triggers call ST_* functions only GIS programs define.
        tx.execute_batch(&rtree_triggers(table.name)).map_err(e)?;
        if let Some(qml) = style_of(&tx, table, bands).map_err(e)? {
            tx.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,
                   f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description,
                   owner, ui, update_time)
                 VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, ?3, 'fireplan', NULL, NULL)",
                rusqlite::params![table.name, qml, format!("fireplan: {}", table.description)],
            )
            .map_err(e)?;
        }
    }
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
         VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS styles of the layers')",
        [],
    )
    .map_err(e)?;
    tx.commit().map_err(e)?;
    Ok(())
}

/// Writes `service_areas.geojson` and `fireplan.gpkg` of a run into `out`; with `plan`
/// (`run` is then the plan variant) the GeoPackage holds the baseline's and the plan's
/// layers, told apart by `variant`, and the plan's changes.
pub fn write_run(
    out: &Path,
    run: &RunResult,
    plan: Option<&PlanRunResult>,
) -> Result<Vec<std::path::PathBuf>> {
    let areas = super::layers::service_areas(run);
    let sa_path = out.join("service_areas.geojson");
    let note = super::layers::service_areas_note(run);
    crate::atomic::write_atomic(
        &sa_path,
        &super::write::collection_noted(
            super::layers::service_area_features(run, &areas),
            note.as_deref(),
        )?,
    )?;
    let with_areas =
        |run: &RunResult, areas: &[crate::coverage::service_areas::ServiceArea]| Layer {
            name: "service_areas".into(),
            description: {
                let what =
                    "Service areas (服务区): roads reached within each break, buffered by 100 m";
                match super::layers::service_areas_note(run) {
                    None => what.into(),
                    Some(note) => format!("{what}; {note}"),
                }
            },
            geom: GeomType::MultiPolygon,
            features: from_features(
                super::layers::service_area_features(run, areas),
                GeomType::MultiPolygon,
                |_| true,
            )
            .into(),
        };
    let mut variants = Vec::new();
    if let Some(pr) = plan {
        let base_areas = super::layers::service_areas(&pr.baseline);
        let mut base = layers(&pr.baseline, None)?;
        base.push(with_areas(&pr.baseline, &base_areas));
        variants.push((Some("baseline"), base));
        let mut planned = layers(run, Some(pr))?;
        planned.push(with_areas(run, &areas));
        variants.push((Some("plan"), planned));
    } else {
        let mut base = layers(run, None)?;
        base.push(with_areas(run, &areas));
        variants.push((Some("baseline"), base));
    }
    let p = out.join("fireplan.gpkg");
    write_variants(&p, variants, &super::maps::response::run_bands(run).1)?;
    Ok(vec![sa_path, p])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_geometry_has_header_envelope_and_wkb() {
        let b = gpkg_geometry(&GValue::Point(vec![120.5, 30.25]), GeomType::Point).unwrap();
        assert_eq!(&b[..4], &[b'G', b'P', 0, 0b11]);
        assert_eq!(i32::from_le_bytes(b[4..8].try_into().unwrap()), 4326);
        assert_eq!(envelope_of(&b), Some([120.5, 120.5, 30.25, 30.25]));
        // WKB: little-endian, type 1, x, y.
        assert_eq!(b[40], 1);
        assert_eq!(u32::from_le_bytes(b[41..45].try_into().unwrap()), 1);
        assert_eq!(f64::from_le_bytes(b[45..53].try_into().unwrap()), 120.5);
        assert_eq!(b.len(), 40 + 21);
        // A polygon in a multipolygon layer becomes a one-part multipolygon.
        let sq = vec![vec![
            vec![0.0, 0.0],
            vec![1.0, 0.0],
            vec![1.0, 2.0],
            vec![0.0, 0.0],
        ]];
        let m = gpkg_geometry(&GValue::Polygon(sq), GeomType::MultiPolygon).unwrap();
        assert_eq!(u32::from_le_bytes(m[41..45].try_into().unwrap()), 6);
        assert_eq!(envelope_of(&m), Some([0.0, 1.0, 0.0, 2.0]));
        assert!(gpkg_geometry(&GValue::Point(vec![0.0, 0.0]), GeomType::LineString).is_none());
    }
}
