//! How every output is written: whole files atomically ([`write_atomic`]), numbers in
//! one format ([`fmt_s`], [`fmt_share`]), JSON and GeoJSON encoded the same way, and
//! encoding failures as [`Error::Output`].

use std::path::Path;

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

/// Compact JSON: road layers of a county run to tens of thousands of features.
pub fn collection(features: Vec<Feature>) -> Result<Vec<u8>> {
    let fc = FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    let mut b = serde_json::to_vec(&fc).map_err(|e| Error::output("GeoJSON layer", e))?;
    b.push(b'\n');
    Ok(b)
}

/// Refuses to write into `out` when it (or its `baseline/` folder) directly holds one of
/// `inputs`: a run's `stations.csv` would overwrite the stations file it was computed from.
/// A folder that does not exist yet holds nothing.
pub fn refuse_input_folder<'a>(
    out: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<()> {
    let Ok(out_c) = std::fs::canonicalize(out) else {
        return Ok(());
    };
    let baseline = out_c.join("baseline");
    for p in inputs {
        let Ok(pc) = std::fs::canonicalize(p) else {
            continue;
        };
        if pc.parent().is_some_and(|d| d == out_c || d == baseline) {
            return Err(Error::option(
                format!("--out {}", out.display()),
                format!(
                    "the folder holds the input file {}: the outputs would overwrite inputs; \
                     choose another output folder",
                    p.display()
                ),
            ));
        }
    }
    Ok(())
}
