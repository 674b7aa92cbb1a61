//! `map.html`: an offline interactive map of a run (issue 17). Leaflet (vendored in
//! `vendor/leaflet/`, embedded here) and the run's layers are written into one file, the
//! data inline as a JS object, so the page works from a `file://` URL with the network
//! unplugged: nothing is fetched, no tiles, no CDN. The layers are the report's own values
//! (`layers::*_features`, the supply and plan-change features, the band pieces the PNG
//! response map draws), in the PNG maps' colours, each toggleable in the layer control.
//! Under them, the maps' context (`MapContext`: land use, water, rail, boundaries, place
//! names) as a muted basemap in the PNG maps' context colours, fitted into its own budget.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use geo::{CoordsIter, LineString, MultiPolygon, Simplify};
use geojson::Feature;
use serde::Serialize;
use serde_json::Value;

use super::layers;
use super::maps::context as ctx_style;
use super::maps::labels::fmt_min;
use super::maps::scene::class_name_en;
use super::maps::{first_due, response, Lang};
use crate::coverage::Placement;
use crate::error::{Error, Result};
use crate::model::context::{LanduseClass, MapContext};
use crate::model::{DepotLevel, RoadClass, StationStatus};
use crate::run::{PlanRunResult, RunResult};

/// Leaflet 1.9.4 (BSD-2-Clause), fetched and checked by `vendor/leaflet/fetch.sh`.
const LEAFLET_JS: &str = include_str!("../../vendor/leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../../vendor/leaflet/leaflet.css");
const LEAFLET_LICENSE: &str = include_str!("../../vendor/leaflet/LICENSE");
/// The page's own script: builds the layers from the data and records what it drew.
const APP_JS: &str = include_str!("webmap.js");

/// The most bytes the coverage roads may take in `map.html`: with Leaflet and the other
/// layers the page stays near 20 MB, which a browser opens in seconds.
pub const ROAD_BUDGET_BYTES: usize = 20_000_000;

/// The most bytes the basemap (the maps' context) may take in `map.html`: a province's
/// land use would otherwise make a page of 100 MB.
pub const BASEMAP_BUDGET_BYTES: usize = 6_000_000;

/// Douglas–Peucker tolerances (degrees) tried in turn when the basemap is over its
/// budget: none, then ≈ 1, 5, 20 and 100 m.
const BASEMAP_TOLERANCES_DEG: [f64; 5] = [0.0, 1e-5, 5e-5, 2e-4, 1e-3];

/// Decimals of the basemap's coordinates: 5 (≈ 1 m), finer than a basemap needs.
const BASEMAP_DECIMALS: u32 = 5;

/// Metres in a degree of latitude (for the note's "≈ n m").
const M_PER_DEG: f64 = 111_320.0;

/// Above this many vertices the district outlines are simplified (Douglas–Peucker,
/// [`OUTLINE_SIMPLIFY_DEG`]): a province's county boundaries hold millions.
const MAX_OUTLINE_VERTICES: usize = 200_000;
/// About 10 m: invisible at the zooms a whole province is looked at.
const OUTLINE_SIMPLIFY_DEG: f64 = 1e-4;

/// How a feature is drawn (colours as `#rrggbb`, sizes in CSS pixels).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WebStyle {
    pub colour: String,
    /// Fill colour of areas and points; None: not filled.
    pub fill: Option<String>,
    pub fill_opacity: f64,
    pub weight_px: f64,
    /// Radius of a point.
    pub radius_px: f64,
}

/// One feature of a layer: a GeoJSON geometry (lon/lat), its style and its popup rows
/// (label, value).
#[derive(Debug, Clone, Serialize)]
pub struct WebFeature {
    pub geometry: geojson::Geometry,
    pub style: WebStyle,
    pub popup: Vec<(String, String)>,
}

/// One toggleable layer of the map.
#[derive(Debug, Clone, Serialize)]
pub struct WebLayer {
    /// Stable key (`roads-0`, `first-due`, …), for tests and scripts.
    pub key: String,
    /// Name in the layer control, in the scenario's language.
    pub name: String,
    /// Swatch colour in the layer control.
    pub colour: String,
    /// Shown when the page opens.
    pub shown: bool,
    pub features: Vec<WebFeature>,
    /// Road lines of one colour as flat `[lon, lat, lon, lat, …]` lists (the coverage
    /// bands): far smaller than one GeoJSON feature per piece.
    pub lines: Vec<Vec<f64>>,
    pub line_colour: String,
    /// Width, opacity and dash pattern of `lines` (CSS pixels; the dash as Leaflet's
    /// `dashArray`, empty: solid).
    pub line_weight_px: f64,
    pub line_opacity: f64,
    pub line_dash: String,
    /// Filled areas without outline, by fill colour (the basemap's land use and water).
    pub areas: Vec<WebAreas>,
    /// Text labels at points (the basemap's place names).
    pub labels: Vec<WebLabel>,
    /// Part of the basemap: drawn in its own pane under every analysis layer, and left out
    /// of the initial view's extent.
    pub basemap: bool,
}

/// Areas of one fill colour: per feature (a multipolygon) its polygons, each its rings as
/// flat `[lon, lat, lon, lat, …]` lists without the closing point.
#[derive(Debug, Clone, Serialize)]
pub struct WebAreas {
    pub fill: String,
    pub areas: Vec<Vec<Vec<Vec<f64>>>>,
}

/// A text label: the place name in the scenario's language, where and how large.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WebLabel {
    pub text: String,
    /// Lon, lat.
    pub at: [f64; 2],
    pub size_px: f64,
}

/// How the coverage roads were fitted into [`ROAD_BUDGET_BYTES`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RoadFit {
    /// Decimals of the coordinates: 6 (≈ 0.1 m), 5 (≈ 1 m) when 6 did not fit.
    pub decimals: u32,
    /// Consecutive pieces of one band and road class joined into one line (with 5
    /// decimals).
    pub merged: bool,
    /// Road classes left out because even merged lines did not fit, least important
    /// first (`coverage.geojson` has every road).
    pub classes_left_out: Vec<RoadClass>,
    /// Road pieces (band pieces of `Coverage::band_pieces`) drawn.
    pub pieces: usize,
    /// Bytes the road lines take in the page's data.
    pub bytes: usize,
}

/// A part of the basemap, in the order parts are left out when even the most simplified
/// basemap is over its budget: the least useful for finding one's way first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BasemapPart {
    Farmland,
    Forest,
    Residential,
    Industrial,
    Railways,
    WaterLines,
    Admin,
    WaterAreas,
    Places,
}

impl BasemapPart {
    /// Every part, the first left out first.
    pub const ALL: [BasemapPart; 9] = [
        BasemapPart::Farmland,
        BasemapPart::Forest,
        BasemapPart::Residential,
        BasemapPart::Industrial,
        BasemapPart::Railways,
        BasemapPart::WaterLines,
        BasemapPart::Admin,
        BasemapPart::WaterAreas,
        BasemapPart::Places,
    ];

    /// The land-use class of a land-use part.
    fn landuse(self) -> Option<LanduseClass> {
        match self {
            BasemapPart::Farmland => Some(LanduseClass::Farmland),
            BasemapPart::Forest => Some(LanduseClass::Forest),
            BasemapPart::Residential => Some(LanduseClass::Residential),
            BasemapPart::Industrial => Some(LanduseClass::Industrial),
            _ => None,
        }
    }

    /// Its name in the page's note.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            BasemapPart::Farmland => lang.pick("农田", "farmland"),
            BasemapPart::Forest => lang.pick("林地", "forest"),
            BasemapPart::Residential => lang.pick("居住用地", "residential"),
            BasemapPart::Industrial => lang.pick("工业用地", "industrial"),
            BasemapPart::Railways => lang.pick("铁路", "railways"),
            BasemapPart::WaterLines => lang.pick("河流水渠", "rivers and canals"),
            BasemapPart::Admin => lang.pick("行政界线", "boundaries"),
            BasemapPart::WaterAreas => lang.pick("水域", "water areas"),
            BasemapPart::Places => lang.pick("地名", "place names"),
        }
    }
}

/// How the basemap was fitted into [`BASEMAP_BUDGET_BYTES`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BasemapFit {
    /// Decimals of the coordinates (5, ≈ 1 m).
    pub decimals: u32,
    /// Douglas–Peucker tolerance in degrees the lines and rings were simplified with (0:
    /// not simplified).
    pub tolerance_deg: f64,
    /// Parts left out because even the most simplified basemap did not fit, in
    /// [`BasemapPart::ALL`] order (`fireplan.gpkg`'s `context_*` layers hold everything).
    pub parts_left_out: Vec<BasemapPart>,
    /// Features drawn by kind, in `MapContext::counts` order: water areas, water lines,
    /// land use, railways, places, admin lines. Equal to the context's counts unless
    /// parts were left out or simplified to nothing (an area under a metre across).
    pub features: [usize; 6],
    /// Bytes the basemap takes in the page's data.
    pub bytes: usize,
}

/// Everything the page shows.
#[derive(Debug, Clone, Serialize)]
pub struct MapData {
    pub title: String,
    pub lang: &'static str,
    /// A line under the title: the run's coverage.
    pub summary: String,
    /// Said under the title when the roads were thinned to fit (empty otherwise).
    pub note: String,
    pub layers: Vec<WebLayer>,
    pub roads: RoadFit,
    pub basemap: BasemapFit,
}

fn hex(c: u32) -> String {
    format!("#{c:06x}")
}

/// Rounds every coordinate of a GeoJSON geometry value to `decimals`.
fn round_geometry(v: &mut geojson::Value, decimals: u32) {
    let f = 10f64.powi(decimals as i32);
    let r = |p: &mut Vec<f64>| p.iter_mut().for_each(|x| *x = (*x * f).round() / f);
    use geojson::Value as G;
    match v {
        G::Point(p) => r(p),
        G::MultiPoint(l) | G::LineString(l) => l.iter_mut().for_each(r),
        G::MultiLineString(l) | G::Polygon(l) => l.iter_mut().flatten().for_each(r),
        G::MultiPolygon(l) => l.iter_mut().flatten().flatten().for_each(r),
        G::GeometryCollection(gs) => gs
            .iter_mut()
            .for_each(|g| round_geometry(&mut g.value, decimals)),
    }
}

/// A JSON property as popup text (None for null).
fn popup_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A report feature (GeoJSON) as a map feature: geometry at 6 decimals, every non-null
/// property a popup row (the property names documented in docs/output.md).
fn from_feature(f: Feature, style: WebStyle) -> Option<WebFeature> {
    let mut geometry = f.geometry?;
    round_geometry(&mut geometry.value, 6);
    if let geojson::Value::MultiLineString(lines) = &mut geometry.value {
        *lines = join_lines(std::mem::take(lines));
    }
    let popup = f
        .properties
        .iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), popup_text(v)?)))
        .collect();
    Some(WebFeature {
        geometry,
        style,
        popup,
    })
}

/// Lines joined where one starts at the point the one before ends (a reach's pieces along
/// a road): the same drawing in fewer points (`supply.geojson`'s reach was 5.7 MB of the
/// demo's 9 MB page piece by piece).
fn join_lines(lines: Vec<Vec<Vec<f64>>>) -> Vec<Vec<Vec<f64>>> {
    let mut out: Vec<Vec<Vec<f64>>> = Vec::with_capacity(lines.len());
    for line in lines {
        match (out.last_mut(), line.split_first()) {
            (Some(prev), Some((first, rest))) if prev.last() == Some(first) => {
                prev.extend(rest.iter().cloned());
            }
            _ => out.push(line),
        }
    }
    out
}

fn prop<'a>(f: &'a Feature, key: &str) -> Option<&'a str> {
    f.properties.as_ref()?.get(key)?.as_str()
}

fn area_style(colour: u32, fill: u32, fill_opacity: f64, weight_px: f64) -> WebStyle {
    WebStyle {
        colour: hex(colour),
        fill: Some(hex(fill)),
        fill_opacity,
        weight_px,
        radius_px: 0.0,
    }
}

fn line_style(colour: u32, weight_px: f64) -> WebStyle {
    WebStyle {
        colour: hex(colour),
        fill: None,
        fill_opacity: 0.0,
        weight_px,
        radius_px: 0.0,
    }
}

fn point_style(fill: u32, radius_px: f64) -> WebStyle {
    WebStyle {
        colour: "#ffffff".into(),
        fill: Some(hex(fill)),
        fill_opacity: 0.95,
        weight_px: 1.0,
        radius_px,
    }
}

fn layer(key: &str, name: &str, colour: u32, shown: bool, features: Vec<WebFeature>) -> WebLayer {
    WebLayer {
        key: key.into(),
        name: name.into(),
        colour: hex(colour),
        shown,
        features,
        lines: Vec::new(),
        line_colour: String::new(),
        line_weight_px: 0.0,
        line_opacity: 0.0,
        line_dash: String::new(),
        areas: Vec::new(),
        labels: Vec::new(),
        basemap: false,
    }
}

/// A ring or line as a flat `[lon, lat, …]` list at `decimals`, consecutive equal points
/// (after rounding) kept once.
fn flat_points(line: &LineString<f64>, decimals: u32) -> Vec<f64> {
    let f = 10f64.powi(decimals as i32);
    let mut flat: Vec<f64> = Vec::with_capacity(line.0.len() * 2);
    for c in &line.0 {
        let p = [(c.x * f).round() / f, (c.y * f).round() / f];
        if flat.len() < 2 || flat[flat.len() - 2..] != p {
            flat.extend(p);
        }
    }
    flat
}

/// A multipolygon simplified with `tolerance_deg` (0: as it is), at `decimals`, each ring
/// without its closing point; rings left with under 3 points are dropped, and polygons
/// whose shell is. None when nothing is left.
fn basemap_area(
    area: &MultiPolygon<f64>,
    tolerance_deg: f64,
    decimals: u32,
) -> Option<Vec<Vec<Vec<f64>>>> {
    let simplified;
    let area = if tolerance_deg > 0.0 {
        simplified = area.simplify(tolerance_deg);
        &simplified
    } else {
        area
    };
    let ring = |r: &LineString<f64>| {
        let mut flat = flat_points(r, decimals);
        if flat.len() >= 4 && flat[..2] == flat[flat.len() - 2..] {
            flat.truncate(flat.len() - 2);
        }
        (flat.len() >= 6).then_some(flat)
    };
    let polygons: Vec<Vec<Vec<f64>>> = area
        .0
        .iter()
        .filter_map(|p| {
            let shell = ring(p.exterior())?;
            Some(
                std::iter::once(shell)
                    .chain(p.interiors().iter().filter_map(ring))
                    .collect(),
            )
        })
        .collect();
    (!polygons.is_empty()).then_some(polygons)
}

/// A line simplified with `tolerance_deg`, at `decimals`; None when under 2 points.
fn basemap_line(line: &LineString<f64>, tolerance_deg: f64, decimals: u32) -> Option<Vec<f64>> {
    let flat = if tolerance_deg > 0.0 {
        flat_points(&line.simplify(tolerance_deg), decimals)
    } else {
        flat_points(line, decimals)
    };
    (flat.len() >= 4).then_some(flat)
}

/// Bytes of a value as the page's JSON (with the comma after it).
fn json_bytes<T: Serialize + ?Sized>(value: &T) -> usize {
    let mut n = ByteCount(1);
    // Writing plain numbers and strings to a counter cannot fail.
    let _ = serde_json::to_writer(&mut n, value);
    n.0
}

/// One part of the basemap encoded at one tolerance, with its bytes.
#[derive(Default)]
struct EncodedPart {
    areas: Vec<Vec<Vec<Vec<f64>>>>,
    lines: Vec<Vec<f64>>,
    labels: Vec<WebLabel>,
    bytes: usize,
}

/// Every part of `ctx` at `tolerance_deg`, in [`BasemapPart::ALL`] order.
fn encode_basemap(ctx: &MapContext, lang: Lang, tolerance_deg: f64) -> Vec<EncodedPart> {
    let d = BASEMAP_DECIMALS;
    let areas = |it: &mut dyn Iterator<Item = &MultiPolygon<f64>>| -> EncodedPart {
        let areas: Vec<_> = it
            .filter_map(|a| basemap_area(a, tolerance_deg, d))
            .collect();
        EncodedPart {
            bytes: areas.iter().map(json_bytes).sum(),
            areas,
            ..EncodedPart::default()
        }
    };
    let lines = |it: &mut dyn Iterator<Item = &LineString<f64>>| -> EncodedPart {
        let lines: Vec<_> = it
            .filter_map(|l| basemap_line(l, tolerance_deg, d))
            .collect();
        EncodedPart {
            bytes: lines.iter().map(json_bytes).sum(),
            lines,
            ..EncodedPart::default()
        }
    };
    BasemapPart::ALL
        .iter()
        .map(|part| match part {
            p if p.landuse().is_some() => areas(
                &mut ctx
                    .landuse
                    .iter()
                    .filter(|(c, _)| Some(*c) == p.landuse())
                    .map(|(_, a)| a),
            ),
            BasemapPart::WaterAreas => areas(&mut ctx.water_areas.iter()),
            BasemapPart::WaterLines => lines(&mut ctx.water_lines.iter()),
            BasemapPart::Railways => lines(&mut ctx.railways.iter()),
            BasemapPart::Admin => lines(&mut ctx.admin.iter().map(|a| &a.line)),
            _ => {
                let f = 10f64.powi(d as i32);
                // The most important place first (then input order): the page shows the
                // first where names collide.
                let mut places: Vec<_> = ctx.places.iter().collect();
                places.sort_by_key(|p| p.rank);
                let labels: Vec<WebLabel> = places
                    .into_iter()
                    .map(|p| WebLabel {
                        text: match (lang, p.name_en.as_deref()) {
                            (Lang::En, Some(en)) if !en.is_empty() => en.to_string(),
                            _ => p.name.clone(),
                        },
                        at: [(p.at.x() * f).round() / f, (p.at.y() * f).round() / f],
                        // The PNG's size at 2480 px, on a screen: ≥ 11 px.
                        size_px: (ctx_style::place_size(p.rank) / 3.0).round().max(11.0),
                    })
                    .collect();
                EncodedPart {
                    bytes: labels.iter().map(json_bytes).sum(),
                    labels,
                    ..EncodedPart::default()
                }
            }
        })
        .collect()
}

/// The maps' context as basemap layers under the run's layers, in the PNG maps' context
/// colours: land use (tinted by class, no outline), water areas, rivers and canals,
/// railways, boundaries (dashed) and place names (in the scenario's language, the most
/// important first; the page draws them over the analysis, the rest under it). Fitted into `budget_bytes`: coordinates at 5 decimals; if too big,
/// simplified by Douglas–Peucker at ≈ 1, 5, 20, 100 m in turn; if still too big, parts
/// left out in [`BasemapPart::ALL`] order until the rest fits.
pub fn basemap_layers(
    ctx: &MapContext,
    lang: Lang,
    budget_bytes: usize,
) -> (Vec<WebLayer>, BasemapFit) {
    let total = |parts: &[EncodedPart]| parts.iter().map(|p| p.bytes).sum::<usize>();
    let mut tolerance_deg = 0.0;
    let mut parts = Vec::new();
    for t in BASEMAP_TOLERANCES_DEG {
        tolerance_deg = t;
        parts = encode_basemap(ctx, lang, t);
        if total(&parts) <= budget_bytes {
            break;
        }
    }
    let mut bytes = total(&parts);
    let mut parts_left_out = Vec::new();
    for (part, encoded) in BasemapPart::ALL.iter().zip(&mut parts) {
        if bytes <= budget_bytes {
            break;
        }
        if encoded.bytes > 0 {
            bytes -= encoded.bytes;
            parts_left_out.push(*part);
            *encoded = EncodedPart::default();
        }
    }
    let mut by_part: HashMap<BasemapPart, EncodedPart> =
        BasemapPart::ALL.into_iter().zip(parts).collect();
    let mut take = |p: BasemapPart| by_part.remove(&p).unwrap_or_default();
    let basemap = |key: &str, name: &str, colour: u32| WebLayer {
        basemap: true,
        ..layer(key, name, colour, true, Vec::new())
    };
    let line_layer =
        |key: &str, name: &str, colour: u32, weight_px: f64, dash: &str, lines| WebLayer {
            lines,
            line_colour: hex(colour),
            line_weight_px: weight_px,
            line_opacity: 1.0,
            line_dash: dash.into(),
            ..basemap(key, name, colour)
        };
    // Land use bottom first: the broad classes under the built-up ones.
    let landuse: Vec<WebAreas> = [
        BasemapPart::Farmland,
        BasemapPart::Forest,
        BasemapPart::Industrial,
        BasemapPart::Residential,
    ]
    .into_iter()
    .filter_map(|p| {
        let class = p.landuse()?;
        let areas = take(p).areas;
        (!areas.is_empty()).then(|| WebAreas {
            fill: hex(ctx_style::landuse_fill(class)),
            areas,
        })
    })
    .collect();
    let water_areas = take(BasemapPart::WaterAreas).areas;
    let water_lines = take(BasemapPart::WaterLines).lines;
    let railways = take(BasemapPart::Railways).lines;
    let admin = take(BasemapPart::Admin).lines;
    let places = take(BasemapPart::Places).labels;
    let fit = BasemapFit {
        decimals: BASEMAP_DECIMALS,
        tolerance_deg,
        parts_left_out,
        features: [
            water_areas.len(),
            water_lines.len(),
            landuse.iter().map(|g| g.areas.len()).sum(),
            railways.len(),
            places.len(),
            admin.len(),
        ],
        bytes,
    };
    let mut out = Vec::new();
    if !landuse.is_empty() {
        out.push(WebLayer {
            areas: landuse,
            ..basemap(
                "basemap-landuse",
                lang.pick("底图：土地利用", "Basemap: land use"),
                ctx_style::landuse_fill(LanduseClass::Residential),
            )
        });
    }
    if !water_areas.is_empty() {
        out.push(WebLayer {
            areas: vec![WebAreas {
                fill: hex(ctx_style::WATER_FILL),
                areas: water_areas,
            }],
            ..basemap(
                "basemap-water",
                lang.pick("底图：水域", "Basemap: water"),
                ctx_style::WATER_FILL,
            )
        });
    }
    if !water_lines.is_empty() {
        out.push(line_layer(
            "basemap-waterways",
            lang.pick("底图：河流水渠", "Basemap: rivers and canals"),
            ctx_style::WATER_LINE,
            1.5,
            "",
            water_lines,
        ));
    }
    if !railways.is_empty() {
        out.push(line_layer(
            "basemap-rail",
            lang.pick("底图：铁路", "Basemap: railways"),
            ctx_style::RAIL,
            1.5,
            "",
            railways,
        ));
    }
    if !admin.is_empty() {
        out.push(line_layer(
            "basemap-admin",
            lang.pick("底图：行政界线", "Basemap: boundaries"),
            ctx_style::ADMIN,
            1.5,
            "6 4",
            admin,
        ));
    }
    if !places.is_empty() {
        out.push(WebLayer {
            labels: places,
            ..basemap(
                "basemap-places",
                lang.pick("底图：地名", "Basemap: place names"),
                ctx_style::PLACE_TEXT,
            )
        });
    }
    (out, fit)
}

/// The rescue-district outlines over the basemap, simplified when a province's boundaries
/// would make the page heavy.
fn district_layer(run: &RunResult, lang: Lang) -> WebLayer {
    let districts = &run.inputs.districts;
    let vertices: usize = districts.iter().map(|d| d.area.coords_count()).sum();
    let features = districts
        .iter()
        .map(|d| {
            let area = if vertices > MAX_OUTLINE_VERTICES {
                d.area.simplify(OUTLINE_SIMPLIFY_DEG)
            } else {
                d.area.clone()
            };
            let mut geometry = geojson::Geometry::new(geojson::Value::from(&area));
            round_geometry(&mut geometry.value, 6);
            WebFeature {
                geometry,
                style: line_style(0x404040, 2.0),
                popup: vec![(lang.pick("救援片区", "district").into(), d.name.clone())],
            }
        })
        .collect();
    layer(
        "districts",
        lang.pick("救援片区边界", "Rescue districts"),
        0x404040,
        true,
        features,
    )
}

/// Each station's first-due area in the first-due map's colours.
fn first_due_layer(run: &RunResult, lang: Lang) -> WebLayer {
    let colours = first_due::colours(run);
    let origin_of: HashMap<&str, usize> = run
        .coverage
        .origins
        .iter()
        .enumerate()
        .map(|(o, p)| (run.inputs.stations[p.station].id.as_str(), o))
        .collect();
    let features = layers::first_due_features(run)
        .into_iter()
        .filter_map(|f| {
            let o = prop(&f, "station").and_then(|id| origin_of.get(id).copied());
            let fill = o
                .and_then(|o| colours.get(o))
                .map_or(first_due::PALETTE[0], |&c| first_due::PALETTE[c]);
            from_feature(f, area_style(0x606060, fill, 0.55, 1.0))
        })
        .collect();
    layer(
        "first-due",
        lang.pick("辖区", "First-due areas"),
        first_due::PALETTE[0],
        false,
        features,
    )
}

/// Demand points not reached within the threshold, off-network stations and the district
/// areas not reached (`gaps.geojson`).
fn gaps_layer(run: &RunResult, lang: Lang) -> WebLayer {
    let features = layers::gaps_features(run)
        .into_iter()
        .filter_map(|f| {
            let style = match prop(&f, "layer") {
                Some("area") => area_style(0xd7191c, 0xd7191c, 0.15, 1.0),
                Some("station") => point_style(0xd7191c, 6.0),
                _ => point_style(0x1f1f1f, 4.0),
            };
            from_feature(f, style)
        })
        .collect();
    let thr = fmt_min(run.coverage.params.threshold_s);
    layer(
        "gaps",
        lang.pick(
            &format!("{thr} 分钟内未到达（警情点、区域）"),
            &format!("Not reached in {thr} min (incidents, areas)"),
        ),
        0x1f1f1f,
        true,
        features,
    )
}

/// The stations by class (closed ones left out), with their first-due figures.
fn stations_layer(run: &RunResult, lang: Lang) -> WebLayer {
    let cov = &run.coverage;
    let thr = cov.params.threshold_s;
    let mut features = Vec::new();
    for (s, placement) in run.inputs.stations.iter().zip(&cov.placement) {
        if s.status == StationStatus::Closed {
            continue;
        }
        let (_, colour, size) = super::maps::scene::class_symbol(s.class);
        let [r, g, b] = [colour.0, colour.1, colour.2].map(u32::from);
        let mut popup = vec![
            (lang.pick("编号", "id").to_string(), s.id.clone()),
            (lang.pick("名称", "name").to_string(), s.name.clone()),
            (
                lang.pick("类别", "class").to_string(),
                lang.pick(s.class.name_zh(), class_name_en(s.class))
                    .to_string(),
            ),
        ];
        match placement {
            Placement::Origin(o) => {
                let fd = &cov.first_due[*o as usize];
                popup.extend([
                    (
                        lang.pick("辖区面积 (km²)", "first-due area (km²)")
                            .to_string(),
                        format!("{:.2}", fd.area_km2),
                    ),
                    (
                        lang.pick("辖区道路 (km)", "first-due roads (km)")
                            .to_string(),
                        format!("{:.1}", fd.road_km),
                    ),
                    (
                        lang.pick("辖区警情点", "first-due incidents").to_string(),
                        format!("{} ({:.1} %)", fd.demand_points, fd.demand_share * 100.0),
                    ),
                    (
                        lang.pick("辖区道路最长响应 (秒)", "worst road response (s)")
                            .to_string(),
                        fd.worst_road_s.map_or("—".into(), |t| format!("{t:.0}")),
                    ),
                    (
                        format!(
                            "{} {}",
                            lang.pick("辖区边缘在", "area edge within"),
                            lang.pick(
                                &format!("{} 分钟内", fmt_min(thr)),
                                &format!("{} min", fmt_min(thr))
                            )
                        ),
                        match fd.worst_road_s {
                            Some(t) if t <= thr => lang.pick("是", "yes").into(),
                            Some(_) => lang.pick("否", "no").into(),
                            None => "—".into(),
                        },
                    ),
                ]);
            }
            Placement::NotResponding => popup.push((
                lang.pick("出动", "responds").into(),
                lang.pick("不出动", "not responding").into(),
            )),
            Placement::OffNetwork(d) => popup.push((
                lang.pick("不在路网上", "off the network").into(),
                format!("{d:.0} m"),
            )),
        }
        let mut geometry = geojson::Geometry::new(geojson::Value::from(&s.location));
        round_geometry(&mut geometry.value, 6);
        features.push(WebFeature {
            geometry,
            style: point_style((r << 16) | (g << 8) | b, size as f64 / 3.5),
            popup,
        });
    }
    layer(
        "stations",
        lang.pick("消防站", "Fire stations"),
        0xb2182b,
        true,
        features,
    )
}

/// Support points by level and each point's roads within its level's reach time
/// (`supply.geojson`), in the supply map's colours.
fn supply_layer(run: &RunResult, lang: Lang) -> Option<WebLayer> {
    let sup = run.supply.as_ref()?;
    let level = |f: &Feature| prop(f, "level").and_then(DepotLevel::parse);
    let features = super::supply::layers::supply_features(sup, &run.prepared.network)
        .into_iter()
        .filter_map(|f| {
            let l = level(&f).unwrap_or(DepotLevel::County);
            let style = match prop(&f, "layer") {
                Some("reach") => line_style(super::maps::supply::reach_colour(l), 3.0),
                _ => {
                    let (_, colour, size, _, _) = super::maps::supply::level_style(l);
                    point_style(colour, size / 4.0)
                }
            };
            from_feature(f, style)
        })
        .collect();
    Some(layer(
        "supply",
        lang.pick("战勤保障覆盖", "Logistics-support reach"),
        0x08519c,
        false,
        features,
    ))
}

/// The plan's changes at their places and the incidents gaining (green) or losing (red)
/// coverage (`plan_changes.geojson`).
fn plan_layer(pr: &PlanRunResult, lang: Lang) -> WebLayer {
    let features = super::plan::changes_features(pr)
        .into_iter()
        .filter_map(|f| {
            let style = match (prop(&f, "layer"), prop(&f, "change")) {
                (Some("demand"), Some("gained")) => point_style(0x1a9850, 4.0),
                (Some("demand"), _) => point_style(0xd73027, 4.0),
                _ => WebStyle {
                    radius_px: 8.0,
                    ..area_style(0x6a3d9a, 0x6a3d9a, 0.9, 4.0)
                },
            };
            from_feature(f, style)
        })
        .collect();
    layer(
        "plan",
        lang.pick("规划变更", "Plan changes"),
        0x6a3d9a,
        true,
        features,
    )
}

/// A road line before encoding: its band, its class and flat lon/lat.
struct RoadLine {
    band: usize,
    class: RoadClass,
    flat: Vec<f64>,
}

/// Counts the bytes written to it.
struct ByteCount(usize);

impl Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Bytes of a flat line as the page's JSON (with the comma after it).
fn line_bytes(flat: &[f64]) -> usize {
    let mut n = ByteCount(1);
    // Writing numbers to a counter cannot fail.
    let _ = serde_json::to_writer(&mut n, flat);
    n.0
}

/// Every band piece as a line at `decimals`, joined with the previous line of its band
/// and class when `merge` and it starts where that one ends (a way's segments are
/// consecutive).
fn road_lines(
    run: &RunResult,
    pieces: &[Vec<(f64, f64, usize)>],
    decimals: u32,
    merge: bool,
) -> Vec<RoadLine> {
    let net = &run.prepared.network;
    let f = 10f64.powi(decimals as i32);
    let r = |x: f64| (x * f).round() / f;
    let mut lines: Vec<RoadLine> = Vec::new();
    // Index of the last line of each (band, class).
    let mut last: HashMap<(usize, RoadClass), usize> = HashMap::new();
    for (s, pieces) in net.segments.iter().zip(pieces) {
        let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
        let at = |g: f64| {
            [
                r(a.lon + g * (b.lon - a.lon)),
                r(a.lat + g * (b.lat - a.lat)),
            ]
        };
        let class = s.highway.class;
        for &(x, y, band) in pieces {
            let (p, q) = (at(x), at(y));
            if merge {
                if let Some(&i) = last.get(&(band, class)) {
                    let fl = &mut lines[i].flat;
                    if fl[fl.len() - 2..] == p {
                        fl.extend(q);
                        continue;
                    }
                }
                last.insert((band, class), lines.len());
            }
            lines.push(RoadLine {
                band,
                class,
                flat: vec![p[0], p[1], q[0], q[1]],
            });
        }
    }
    lines
}

/// The coverage roads by response band (the response map's bands and colours), fitted
/// into `budget_bytes`: coordinates at 6 decimals; if too big, 5 decimals with
/// consecutive same-band pieces joined; if still too big, the least important road
/// classes left out (service roads first) until the rest fits.
pub fn road_layers(run: &RunResult, lang: Lang, budget_bytes: usize) -> (Vec<WebLayer>, RoadFit) {
    let (limits, band_list) = response::run_bands(run);
    let pieces = run.coverage.band_pieces(&run.prepared.network, &limits);
    let piece_count: usize = pieces.iter().map(Vec::len).sum();
    let mut lines = road_lines(run, &pieces, 6, false);
    let mut fit = RoadFit {
        decimals: 6,
        merged: false,
        classes_left_out: Vec::new(),
        pieces: piece_count,
        bytes: 0,
    };
    let mut sizes: Vec<usize> = lines.iter().map(|l| line_bytes(&l.flat)).collect();
    if sizes.iter().sum::<usize>() > budget_bytes {
        lines = road_lines(run, &pieces, 5, true);
        sizes = lines.iter().map(|l| line_bytes(&l.flat)).collect();
        fit.decimals = 5;
        fit.merged = true;
    }
    let mut by_class: HashMap<RoadClass, usize> = HashMap::new();
    for (l, n) in lines.iter().zip(&sizes) {
        *by_class.entry(l.class).or_default() += n;
    }
    let mut total: usize = sizes.iter().sum();
    for class in RoadClass::ALL.iter().rev() {
        if total <= budget_bytes {
            break;
        }
        if let Some(n) = by_class.get(class) {
            total -= n;
            fit.classes_left_out.push(*class);
        }
    }
    fit.bytes = total;
    let mut bands: Vec<Vec<Vec<f64>>> = vec![Vec::new(); band_list.len()];
    let kept = |c: &RoadClass| !fit.classes_left_out.contains(c);
    for l in lines.into_iter().filter(|l| kept(&l.class)) {
        bands[l.band].push(l.flat);
    }
    if !fit.classes_left_out.is_empty() {
        // What was left out is not drawn: count only the pieces of the kept classes.
        let net = &run.prepared.network;
        fit.pieces = net
            .segments
            .iter()
            .zip(&pieces)
            .filter(|(s, _)| kept(&s.highway.class))
            .map(|(_, p)| p.len())
            .sum();
    }
    let layers = bands
        .into_iter()
        .enumerate()
        .filter(|(_, lines)| !lines.is_empty())
        .map(|(i, lines)| {
            let b = &band_list[i];
            let (colour, zh, en) = (b.color, &b.zh, &b.en);
            WebLayer {
                key: format!("roads-{i}"),
                name: lang
                    .pick(&format!("道路：{zh}"), &format!("Roads: {en}"))
                    .to_string(),
                lines,
                line_colour: hex(colour),
                line_weight_px: 2.0,
                line_opacity: 0.9,
                ..layer("", "", colour, true, Vec::new())
            }
        })
        .collect();
    (layers, fit)
}

/// The page's data: the basemap fitted into `basemap_budget_bytes`, then every layer of
/// the run (and of the plan's changes with `plan`), the roads fitted into
/// `road_budget_bytes`.
pub fn map_data(
    run: &RunResult,
    plan: Option<&PlanRunResult>,
    road_budget_bytes: usize,
    basemap_budget_bytes: usize,
) -> MapData {
    let lang = Lang::parse(&run.inputs.scenario.lang);
    let (roads, fit) = road_layers(run, lang, road_budget_bytes);
    let (mut all, basemap) = basemap_layers(&run.inputs.context, lang, basemap_budget_bytes);
    all.push(district_layer(run, lang));
    all.push(first_due_layer(run, lang));
    all.extend(roads);
    all.extend(supply_layer(run, lang));
    all.push(gaps_layer(run, lang));
    if let Some(pr) = plan {
        all.push(plan_layer(pr, lang));
    }
    all.push(stations_layer(run, lang));
    let m = &run.coverage.region;
    let thr = fmt_min(run.coverage.params.threshold_s);
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:.1} %", x * 100.0));
    let summary = lang
        .pick(
            &format!(
                "{thr} 分钟覆盖：警情 {}，道路 {}",
                pct(m.demand_coverage),
                pct(m.road_coverage)
            ),
            &format!(
                "{thr}-min coverage: incidents {}, roads {}",
                pct(m.demand_coverage),
                pct(m.road_coverage)
            ),
        )
        .to_string();
    let mut notes = Vec::new();
    if !fit.classes_left_out.is_empty() {
        let classes: Vec<&str> = fit.classes_left_out.iter().map(|c| c.as_str()).collect();
        notes.push(
            lang.pick(
                &format!(
                    "道路过多：未画 {}（全部道路见 coverage.geojson）",
                    classes.join("、")
                ),
                &format!(
                    "Too many roads: {} not drawn (every road is in coverage.geojson)",
                    classes.join(", ")
                ),
            )
            .to_string(),
        );
    }
    notes.extend(basemap_note(&basemap, lang));
    let note = notes.join(lang.pick("；", "; "));
    let scenario_name = &run.inputs.scenario.name;
    MapData {
        title: match plan {
            Some(pr) => format!("{scenario_name} · {}", pr.plan_file.name),
            None => scenario_name.clone(),
        },
        lang: lang.pick("zh", "en"),
        summary,
        note,
        layers: all,
        roads: fit,
        basemap,
    }
}

/// What the page says when the basemap was simplified or thinned to fit (None: neither).
fn basemap_note(fit: &BasemapFit, lang: Lang) -> Option<String> {
    if fit.tolerance_deg == 0.0 {
        return None;
    }
    let m = format!("{:.0}", fit.tolerance_deg * M_PER_DEG);
    let mut note = lang
        .pick(
            &format!("底图已简化（约 {m} 米）"),
            &format!("Basemap simplified (≈ {m} m)"),
        )
        .to_string();
    if !fit.parts_left_out.is_empty() {
        let parts: Vec<&str> = fit.parts_left_out.iter().map(|p| p.label(lang)).collect();
        note.push_str(lang.pick(
            &format!(
                "，未画 {}（全部底图见 fireplan.gpkg 的 context 图层）",
                parts.join("、")
            ),
            &format!(
                "; {} not drawn (every context feature is in fireplan.gpkg)",
                parts.join(", ")
            ),
        ));
    }
    Some(note)
}

/// Text for HTML element content.
fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The page: Leaflet's CSS and script, the data, the page's script, in one file.
pub fn map_html(data: &MapData) -> Result<Vec<u8>> {
    let json = serde_json::to_string(data).map_err(|e| Error::output("map.html", e))?;
    // `<` only occurs inside JSON strings, where `\u003c` means the same: no `</script>`
    // or `<!--` can end or confuse the script element.
    let json = json.replace('<', "\\u003c");
    // No image is fetched: the layer control is always open (its icon is not needed) and
    // stations are drawn as circles, not marker icons.
    let css = LEAFLET_CSS
        .replace("url(images/layers.png)", "none")
        .replace("url(images/layers-2x.png)", "none")
        .replace("url(images/marker-icon.png)", "none");
    let mut page = String::with_capacity(json.len() + LEAFLET_JS.len() + 20_000);
    page.push_str("<!DOCTYPE html>\n<html lang=\"");
    page.push_str(data.lang);
    page.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str("<title>");
    page.push_str(&html_text(&data.title));
    page.push_str("</title>\n<!-- Leaflet 1.9.4, embedded. Its licence:\n");
    page.push_str(&LEAFLET_LICENSE.replace("--", "- -"));
    page.push_str("-->\n<style>\n");
    page.push_str(&css);
    page.push_str(PAGE_CSS);
    // The paper the basemap's tints are chosen for, as on the PNG maps.
    page.push_str(&format!(
        ".leaflet-container {{ background: {}; }}\n.fp-place span {{ color: {}; }}\n",
        hex(ctx_style::PAPER),
        hex(ctx_style::PLACE_TEXT)
    ));
    page.push_str("</style>\n");
    // First: every error from here on is recorded for the browser test.
    page.push_str("<script>\n");
    page.push_str(ERROR_JS);
    page.push_str("</script>\n</head>\n<body>\n<div id=\"map\"></div>\n<script>\n");
    page.push_str(LEAFLET_JS);
    page.push_str("\n</script>\n<script>\nwindow.FIREPLAN_MAP = ");
    page.push_str(&json);
    page.push_str(";\n</script>\n<script>\n");
    page.push_str(APP_JS);
    page.push_str("</script>\n</body>\n</html>\n");
    Ok(page.into_bytes())
}

const PAGE_CSS: &str = "
html, body, #map { height: 100%; margin: 0; }
body { font-family: 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; }
.fp-title { background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 420px; }
.fp-title h1 { font-size: 16px; margin: 0 0 4px 0; }
.fp-title p { margin: 0; font-size: 13px; }
.fp-title p.fp-note { color: #b2182b; }
.fp-swatch { display: inline-block; width: 16px; height: 8px; margin: 0 4px 0 2px;
  vertical-align: middle; border: 1px solid #555; }
.fp-popup th { text-align: left; padding-right: 8px; font-weight: normal; color: #555; }
.fp-place { width: 0; height: 0; }
.fp-place span { position: absolute; transform: translate(-50%, 7px); white-space: nowrap;
  font-weight: 600; pointer-events: none; text-shadow: -1.5px -1.5px 0 #fff, 0 -1.5px 0 #fff,
  1.5px -1.5px 0 #fff, 1.5px 0 0 #fff, 1.5px 1.5px 0 #fff, 0 1.5px 0 #fff, -1.5px 1.5px 0 #fff,
  -1.5px 0 0 #fff, 0 0 4px #fff; }
";

/// Records every error and `console.error` on the page (`document.body.dataset.errors`),
/// for the browser test and for anyone who opens the page with developer tools.
const ERROR_JS: &str = "window.FIREPLAN_ERRORS = [];
(function () {
  function record(message) {
    window.FIREPLAN_ERRORS.push(message);
    if (document.body) {
      document.body.dataset.errors = window.FIREPLAN_ERRORS.join(' | ');
    }
  }
  window.addEventListener('error', function (e) {
    record('error: ' + (e.message || (e.target && (e.target.src || e.target.href)) || 'unknown'));
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    record('rejection: ' + e.reason);
  });
  var original = console.error;
  console.error = function () {
    record('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
";

/// Writes `map.html` into `out` (the plan variant's, with its changes, when `plan`).
pub fn write_map_html(
    out: &Path,
    run: &RunResult,
    plan: Option<&PlanRunResult>,
) -> Result<PathBuf> {
    let p = out.join("map.html");
    let data = map_data(run, plan, ROAD_BUDGET_BYTES, BASEMAP_BUDGET_BYTES);
    super::write_atomic(&p, &map_html(&data)?)?;
    Ok(p)
}
