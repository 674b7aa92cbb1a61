//! QGIS styles (QML) of the GeoPackage's layers, stored in its `layer_styles` table so
//! that QGIS opens each layer drawn as the PNG maps draw it: stations by class, road
//! pieces and demand points by response band, first-due areas by station, service areas
//! by break. The XML comes from the templates beside this file (QGIS 3 style format);
//! only colours, values and labels are filled in, every text XML-escaped.

use crate::model::StationClass;
use crate::report::maps::response::Band;
use crate::report::maps::scene::{class_name_en, class_symbol, Shape};

const CATEGORIZED: &str = include_str!("categorized.qml");
const RULES: &str = include_str!("rules.qml");
const SINGLE: &str = include_str!("single.qml");
const MARKER: &str = include_str!("marker.qml");
const LINE: &str = include_str!("line.qml");
const FILL: &str = include_str!("fill.qml");

/// A layer's geometry as QML's `layerGeometryType` numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleGeometry {
    Point = 0,
    Line = 1,
    Polygon = 2,
}

/// Text for an XML attribute or element.
pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// `r,g,b,a` as QML writes a colour.
fn rgba(hex: u32, alpha: u8) -> String {
    format!(
        "{},{},{},{alpha}",
        (hex >> 16) & 0xff,
        (hex >> 8) & 0xff,
        hex & 0xff
    )
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut s = template.to_string();
    for (k, v) in pairs {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// One symbol of a layer's geometry, named `name`, in colour `hex`.
fn symbol(geom: StyleGeometry, name: usize, hex: u32, shape: &str, size_mm: f64) -> String {
    let name = name.to_string();
    match geom {
        StyleGeometry::Point => fill(
            MARKER,
            &[
                ("NAME", &name),
                ("SHAPE", shape),
                ("COLOR", &rgba(hex, 255)),
                ("SIZE_MM", &format!("{size_mm}")),
            ],
        ),
        StyleGeometry::Line => fill(
            LINE,
            &[
                ("NAME", &name),
                ("COLOR", &rgba(hex, 255)),
                ("WIDTH_MM", &format!("{size_mm}")),
            ],
        ),
        StyleGeometry::Polygon => fill(
            FILL,
            &[
                ("NAME", &name),
                ("ALPHA", "0.5"),
                ("COLOR", &rgba(hex, 255)),
                ("OUTLINE", "255,255,255,255"),
                ("OUTLINE_MM", "0.26"),
                ("STYLE", "solid"),
            ],
        ),
    }
}

/// A categorized style on `attr`: `(value, label, colour, marker shape, size mm)` each.
pub fn categorized(
    geom: StyleGeometry,
    attr: &str,
    categories: &[(String, String, u32, &str, f64)],
) -> String {
    let cats: Vec<String> = categories
        .iter()
        .enumerate()
        .map(|(i, (value, label, ..))| {
            format!(
                "      <category render=\"true\" symbol=\"{i}\" value=\"{}\" label=\"{}\" type=\"string\"/>",
                xml_escape(value),
                xml_escape(label)
            )
        })
        .collect();
    let syms: Vec<String> = categories
        .iter()
        .enumerate()
        .map(|(i, (_, _, hex, shape, size))| symbol(geom, i, *hex, shape, *size))
        .collect();
    fill(
        CATEGORIZED,
        &[
            ("ATTR", &xml_escape(attr)),
            ("CATEGORIES", &cats.join("\n")),
            ("SYMBOLS", &syms.join("")),
            ("GEOMETRY_TYPE", &(geom as u8).to_string()),
        ],
    )
}

/// A rule-based style: `(QGIS filter expression, label, colour)` each, drawn in order;
/// `order_by`: an expression features are drawn by (descending), or none.
pub fn rules(
    geom: StyleGeometry,
    rules: &[(String, String, u32)],
    size: f64,
    order_by_desc: Option<&str>,
) -> String {
    let rs: Vec<String> = rules
        .iter()
        .enumerate()
        .map(|(i, (filter, label, _))| {
            format!(
                "      <rule key=\"{{rule-{i}}}\" symbol=\"{i}\" filter=\"{}\" label=\"{}\"/>",
                xml_escape(filter),
                xml_escape(label)
            )
        })
        .collect();
    let syms: Vec<String> = rules
        .iter()
        .enumerate()
        .map(|(i, (_, _, hex))| symbol(geom, i, *hex, "circle", size))
        .collect();
    let order = order_by_desc
        .map(|e| {
            format!(
                "      <orderByClause asc=\"0\" nullsFirst=\"0\">{}</orderByClause>",
                xml_escape(e)
            )
        })
        .unwrap_or_default();
    fill(
        RULES,
        &[
            ("RULES", &rs.join("\n")),
            ("SYMBOLS", &syms.join("")),
            ("ORDER_BY", &order),
            (
                "ORDER_BY_ENABLED",
                if order_by_desc.is_some() { "1" } else { "0" },
            ),
            ("GEOMETRY_TYPE", &(geom as u8).to_string()),
        ],
    )
}

/// One symbol for every feature; polygons get an outline only when `hex` is `None`.
pub fn single(geom: StyleGeometry, hex: Option<u32>, size: f64) -> String {
    let sym = match (geom, hex) {
        (StyleGeometry::Polygon, None) => fill(
            FILL,
            &[
                ("NAME", "0"),
                ("ALPHA", "1"),
                ("COLOR", "0,0,0,0"),
                ("OUTLINE", "64,64,64,255"),
                ("OUTLINE_MM", "0.5"),
                ("STYLE", "no"),
            ],
        ),
        (_, h) => symbol(geom, 0, h.unwrap_or(0x404040), "circle", size),
    };
    fill(
        SINGLE,
        &[
            ("SYMBOLS", &sym),
            ("GEOMETRY_TYPE", &(geom as u8).to_string()),
        ],
    )
}

/// A flat area fill without outline, as the maps' context tints are drawn.
fn plain_fill(name: usize, hex: u32) -> String {
    fill(
        FILL,
        &[
            ("NAME", &name.to_string()),
            ("ALPHA", "1"),
            ("COLOR", &rgba(hex, 255)),
            ("OUTLINE", "0,0,0,0"),
            ("OUTLINE_MM", "0"),
            ("STYLE", "solid"),
        ],
    )
}

/// The maps' context and other reference layers, in the PNG maps' colours: None for a
/// table that is not one of them.
pub fn reference(table: &str) -> Option<String> {
    use crate::model::context::LanduseClass;
    use crate::report::maps::context as ctx;
    let one = |geom: StyleGeometry, sym: String| {
        fill(
            SINGLE,
            &[
                ("SYMBOLS", &sym),
                ("GEOMETRY_TYPE", &(geom as u8).to_string()),
            ],
        )
    };
    let line = |hex: u32, mm: f64| {
        one(
            StyleGeometry::Line,
            symbol(StyleGeometry::Line, 0, hex, "", mm),
        )
    };
    let point = |hex: u32, shape: &str, mm: f64| {
        one(
            StyleGeometry::Point,
            symbol(StyleGeometry::Point, 0, hex, shape, mm),
        )
    };
    Some(match table {
        "context_landuse" => {
            let classes = [
                LanduseClass::Residential,
                LanduseClass::Industrial,
                LanduseClass::Forest,
                LanduseClass::Farmland,
            ];
            let cats: Vec<String> = classes
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    format!(
                        "      <category render=\"true\" symbol=\"{i}\" value=\"{n}\" label=\"{n}\" type=\"string\"/>",
                        n = c.name()
                    )
                })
                .collect();
            let syms: Vec<String> = classes
                .iter()
                .enumerate()
                .map(|(i, c)| plain_fill(i, ctx::landuse_fill(*c)))
                .collect();
            fill(
                CATEGORIZED,
                &[
                    ("ATTR", "class"),
                    ("CATEGORIES", &cats.join("\n")),
                    ("SYMBOLS", &syms.join("")),
                    ("GEOMETRY_TYPE", &(StyleGeometry::Polygon as u8).to_string()),
                ],
            )
        }
        "context_water" => one(StyleGeometry::Polygon, plain_fill(0, ctx::WATER_FILL)),
        "context_water_lines" => line(ctx::WATER_LINE, 0.3),
        "context_rail" => line(ctx::RAIL, 0.3),
        "context_admin" => line(ctx::ADMIN, 0.4),
        "context_places" => point(ctx::PLACE_TEXT, "circle", 1.2),
        "water_sources" => point(0x2171b5, "circle", 1.2),
        "water_spacing_gaps" => line(0xe6550d, 0.6),
        "water_beyond_reach" => point(0x54278f, "circle", 1.4),
        "villages" => point(0x636363, "square", 1.6),
        "village_areas" => one(StyleGeometry::Polygon, plain_fill(0, 0xe5e5e5)),
        "drone_reach" => one(
            StyleGeometry::Polygon,
            symbol(StyleGeometry::Polygon, 0, 0x6baed6, "", 0.0),
        ),
        "risk_sites" => point(0xcb181d, "cross", 3.0),
        "closed_roads" => line(0x101010, 0.8),
        "plan_changes" => point(0x101010, "star", 4.0),
        "plan_demand_changes" => categorized(
            StyleGeometry::Point,
            "change",
            &[
                ("gained".into(), "gained".into(), 0x1a9850, "circle", 1.6),
                ("lost".into(), "lost".into(), 0xd73027, "circle", 1.6),
            ],
        ),
        _ => return None,
    })
}

/// QGIS's name of a map symbol shape.
fn shape_name(s: Shape) -> &'static str {
    match s {
        Shape::Star => "star",
        Shape::Square => "square",
        Shape::Circle => "circle",
        Shape::Triangle => "triangle",
        Shape::Diamond => "diamond",
        Shape::Hexagon => "hexagon",
        Shape::Cross => "cross",
    }
}

/// Stations by class, with the response map's shapes and colours.
pub fn stations() -> String {
    let cats: Vec<(String, String, u32, &str, f64)> = StationClass::ALL
        .into_iter()
        .map(|c: StationClass| {
            let (shape, color, size) = class_symbol(c);
            let hex = ((color.0 as u32) << 16) | ((color.1 as u32) << 8) | color.2 as u32;
            (
                c.as_str().to_string(),
                format!("{} {}", c.name_zh(), class_name_en(c)),
                hex,
                shape_name(shape),
                // The map's pixel size at 2480 px across an A4 page: 0.085 mm a pixel.
                (size as f64 * 0.085 * 10.0).round() / 10.0,
            )
        })
        .collect();
    categorized(StyleGeometry::Point, "class", &cats)
}

/// The filter `lo < field ≤ hi` (either bound left out when absent).
fn between(f: &str, lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (None, Some(h)) => format!("{f} <= {h}"),
        (Some(l), Some(h)) => format!("{f} > {l} AND {f} <= {h}"),
        (Some(l), None) => format!("{f} > {l}"),
        (None, None) => format!("{f} IS NOT NULL"),
    }
}

/// Rules by response band (the run's response map bands, [`crate::report::maps::response::run_bands`])
/// on the number `field` (seconds), the map's colours; null is "unreachable".
pub fn by_band(geom: StyleGeometry, field: &str, size: f64, bands: &[Band]) -> String {
    let f = format!("\"{}\"", field.replace('"', "\"\""));
    let mut lower: Option<f64> = None;
    let mut out = Vec::new();
    for b in bands {
        let filter = if b.upto_s.is_nan() {
            format!("{f} IS NULL")
        } else {
            between(&f, lower, b.upto_s.is_finite().then_some(b.upto_s))
        };
        lower = Some(b.upto_s);
        out.push((filter, b.en.clone(), b.color));
    }
    rules(geom, &out, size, None)
}

/// Road pieces: the map's bands, read from what a piece carries — `covered` (the piece
/// is within the threshold) and its segment's worst response `worst_s`: a covered piece
/// takes the in-time band of its segment's worst (the last in-time band when that is
/// late), a piece beyond the threshold the late band of its segment's worst; grey
/// unreached. Exact for whole segments within one band.
pub fn coverage_segments(bands: &[Band]) -> String {
    let w = "\"worst_s\"";
    let mut rs = Vec::new();
    let in_time: Vec<&Band> = bands.iter().filter(|b| b.in_time).collect();
    let mut lo = None;
    for (i, b) in in_time.iter().enumerate() {
        let filter = if i + 1 == in_time.len() {
            match lo {
                None => "\"covered\"".to_string(),
                Some(l) => format!("\"covered\" AND ({w} IS NULL OR {w} > {l})"),
            }
        } else {
            format!("\"covered\" AND {}", between(w, lo, Some(b.upto_s)))
        };
        rs.push((filter, b.en.clone(), b.color));
        lo = Some(b.upto_s);
    }
    let mut lo = None;
    for b in bands.iter().filter(|b| !b.in_time && !b.upto_s.is_nan()) {
        let hi = b.upto_s.is_finite().then_some(b.upto_s);
        let filter = match (lo, hi) {
            (None, None) => format!("NOT \"covered\" AND {w} IS NOT NULL"),
            _ => format!("NOT \"covered\" AND {}", between(w, lo, hi)),
        };
        rs.push((filter, b.en.clone(), b.color));
        lo = hi;
    }
    if let Some(u) = bands.iter().find(|b| b.upto_s.is_nan()) {
        rs.push((
            format!("NOT \"covered\" AND {w} IS NULL"),
            u.en.clone(),
            u.color,
        ));
    }
    rules(StyleGeometry::Line, &rs, 0.5, None)
}

/// A qualitative palette for first-due areas (ColorBrewer Set3 and Paired, 24 colours),
/// cycled by station order.
const AREA_PALETTE: [u32; 24] = [
    0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x80b1d3, 0xfdb462, 0xb3de69, 0xfccde5, 0xd9d9d9,
    0xbc80bd, 0xccebc5, 0xffed6f, 0xa6cee3, 0x1f78b4, 0xb2df8a, 0x33a02c, 0xfb9a99, 0xe31a1c,
    0xfdbf6f, 0xff7f00, 0xcab2d6, 0x6a3d9a, 0xffff99, 0xb15928,
];

/// First-due areas by station: one category per station id, in the order given.
pub fn first_due_areas(stations: &[String]) -> String {
    let cats: Vec<(String, String, u32, &str, f64)> = stations
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.clone(),
                s.clone(),
                AREA_PALETTE[i % AREA_PALETTE.len()],
                "circle",
                0.0,
            )
        })
        .collect();
    categorized(StyleGeometry::Polygon, "station", &cats)
}

/// Service areas by break (seconds, ascending), in the response band colour of each
/// break; the larger breaks drawn first so the smaller lie on top.
pub fn service_areas(breaks_s: &[f64], bands: &[Band]) -> String {
    let late = bands
        .iter()
        .rfind(|b| !b.upto_s.is_nan())
        .map_or(0xd7191c, |b| b.color);
    let rs: Vec<(String, String, u32)> = breaks_s
        .iter()
        .map(|&s| {
            let hex = bands
                .iter()
                .find(|b| s <= b.upto_s)
                .map_or(late, |b| b.color);
            (
                format!("\"break_s\" = {s}"),
                format!("≤ {} min", s / 60.0),
                hex,
            )
        })
        .collect();
    rules(StyleGeometry::Polygon, &rs, 0.0, Some("\"break_s\""))
}
