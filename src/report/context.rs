//! The maps' context as GeoPackage layers (issue 16): `context_water` (areas),
//! `context_water_lines`, `context_landuse` (with `class`), `context_rail`,
//! `context_admin` (with `admin_level`) and `context_places` (with `name`, `name_en`,
//! `rank`), so that a GIS shows the same basemap as the printed maps. Empty layers are
//! left out.

use geojson::Value as GValue;
use serde_json::{json, Map, Value};

use super::gpkg::{GeomType, Layer, LayerFeature};
use crate::model::context::MapContext;

fn props(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The context layers of `ctx`, in drawing order; empty ones left out.
pub fn gpkg_layers<'a>(ctx: &'a MapContext) -> Vec<Layer<'a>> {
    let line = |l: &geo::LineString<f64>| GValue::from(l);
    let area = |a: &geo::MultiPolygon<f64>| GValue::from(a);
    let mut out = Vec::new();
    let mut push = |name: &str, description: &str, geom: GeomType, features: Vec<LayerFeature>| {
        if !features.is_empty() {
            out.push(Layer {
                name: name.into(),
                description: description.into(),
                geom,
                features: features.into(),
            });
        }
    };
    push(
        "context_landuse",
        "Map context: land use (residential, industrial, forest, farmland)",
        GeomType::MultiPolygon,
        ctx.landuse
            .iter()
            .map(|(c, a)| (area(a), props(json!({ "class": c.name() }))))
            .collect(),
    );
    push(
        "context_water",
        "Map context: water areas (lakes, rivers' banks, harbours)",
        GeomType::MultiPolygon,
        ctx.water_areas
            .iter()
            .map(|a| (area(a), Map::new()))
            .collect(),
    );
    push(
        "context_water_lines",
        "Map context: rivers, canals, streams, coastlines",
        GeomType::LineString,
        ctx.water_lines
            .iter()
            .map(|l| (line(l), Map::new()))
            .collect(),
    );
    push(
        "context_rail",
        "Map context: railways, light rail, subways above ground",
        GeomType::LineString,
        ctx.railways.iter().map(|l| (line(l), Map::new())).collect(),
    );
    push(
        "context_admin",
        "Map context: administrative boundaries (admin_level ≤ 8)",
        GeomType::LineString,
        ctx.admin
            .iter()
            .map(|a| (line(&a.line), props(json!({ "admin_level": a.level }))))
            .collect(),
    );
    push(
        "context_places",
        "Map context: place names",
        GeomType::Point,
        ctx.places
            .iter()
            .map(|p| {
                (
                    GValue::Point(vec![p.at.x(), p.at.y()]),
                    props(json!({
                        "name": p.name,
                        "name_en": p.name_en,
                        "rank": p.rank.name(),
                    })),
                )
            })
            .collect(),
    );
    out
}
