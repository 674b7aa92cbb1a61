//! How every output is written: whole files atomically ([`write_atomic`]), numbers in
//! one format ([`fmt_s`], [`fmt_share`]), JSON and GeoJSON encoded the same way, and
//! encoding failures as [`Error::Output`].

use geojson::{Feature, FeatureCollection, Geometry, JsonObject};
use serde_json::Value;

use crate::error::{Error, Result};

pub use crate::atomic::write_atomic;

/// An encoding failure of a CSV table.
pub fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::output("CSV table", e)
}

/// Pretty JSON with a final newline.
pub fn json_bytes<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(v).map_err(|e| Error::output("JSON", e))?;
    b.push(b'\n');
    Ok(b)
}

/// The most rows one table of `report.md` or `report.html` lists (stations, the findings
/// of one target); the CSV beside the report has every row. A province's report stays
/// readable, and 1 M stations no longer make a 0.5 GB page (issue 20, H2).
pub const REPORT_ROWS: usize = 500;

/// The line under a table cut at [`REPORT_ROWS`]: how many rows were left out and where
/// they all are.
pub fn rows_left_out(left_out: usize, what: &str, file: &str) -> String {
    format!("… and {left_out} more {what}, not listed here: every row is in `{file}`.")
}

/// Text from an input as one Markdown table cell: `|` escaped, line breaks and other
/// control characters as spaces (a name with a newline or `|` used to break the table).
pub fn md_cell(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|")
}

/// Optional seconds with one decimal, empty when absent.
pub fn fmt_s(t: Option<f64>) -> String {
    t.map(|t| format!("{t:.1}")).unwrap_or_default()
}

/// An optional share with four decimals, empty when absent.
pub fn fmt_share(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.4}")).unwrap_or_default()
}

/// Degrees rounded to 7 decimals (about 1 cm): smaller files, no loss that matters.
pub fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// A GeoJSON feature from a geometry and a JSON object of properties.
pub fn feature(geometry: geojson::Value, props: Value) -> Feature {
    let properties: Option<JsonObject> = match props {
        Value::Object(m) => Some(m),
        _ => None,
    };
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(geometry)),
        id: None,
        properties,
        foreign_members: None,
    }
}

/// Writes a FeatureCollection feature by feature, byte for byte what [`collection`]
/// makes: a province's road layer is millions of features, never all in memory at once.
pub fn write_collection(
    w: &mut dyn std::io::Write,
    features: impl Iterator<Item = Feature>,
) -> Result<()> {
    let io = |e: std::io::Error| Error::output("GeoJSON layer", e);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")
        .map_err(io)?;
    for (i, f) in features.enumerate() {
        if i > 0 {
            w.write_all(b",").map_err(io)?;
        }
        serde_json::to_writer(&mut *w, &f).map_err(|e| Error::output("GeoJSON layer", e))?;
    }
    w.write_all(b"]}\n").map_err(io)
}

/// Compact JSON: road layers of a county run to tens of thousands of features.
pub fn collection(features: Vec<Feature>) -> Result<Vec<u8>> {
    collection_noted(features, None)
}

/// [`collection`] with a top-level `note` member saying what the layer leaves out, when
/// it leaves something out (GeoJSON's foreign members; QGIS and GDAL pass over them).
pub fn collection_noted(features: Vec<Feature>, note: Option<&str>) -> Result<Vec<u8>> {
    let foreign_members = note.map(|n| {
        let mut m = serde_json::Map::new();
        m.insert("note".into(), n.into());
        m
    });
    let fc = FeatureCollection {
        bbox: None,
        features,
        foreign_members,
    };
    let mut b = serde_json::to_vec(&fc).map_err(|e| Error::output("GeoJSON layer", e))?;
    b.push(b'\n');
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_collection_is_byte_for_byte_the_whole_one() {
        let f = |x: f64| {
            feature(
                geojson::Value::Point(vec![x, 30.0]),
                serde_json::json!({"name": "甲", "t_s": x}),
            )
        };
        for n in [0, 1, 3] {
            let features: Vec<Feature> = (0..n).map(|i| f(i as f64)).collect();
            let mut streamed = Vec::new();
            write_collection(&mut streamed, features.clone().into_iter()).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(collection(features).unwrap()).unwrap()
            );
        }
    }
}
