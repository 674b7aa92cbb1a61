//! Reading `calibration.toml` (written by `fireplan calibrate`): the fitted response-time
//! model, checked value by value so that a hand-edited or truncated file is refused with
//! the key that is wrong rather than producing impossible response times.

use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::params::calibration::{
    Calibration, CalibrationFit, FitData, FitQuality, ResponseModel, CALIBRATION_FORMAT,
};
use crate::params::RoadGroup;

/// Reads and checks the model of a calibration file.
pub fn read(path: &Path) -> Result<ResponseModel> {
    read_with_fit(path).map(|(model, _)| model)
}

/// Reads and checks the model of a calibration file, with what the file says of its records
/// and fit (`None` when `[data]` or `[fit]` is absent: a hand-written model). A `[data]`
/// or `[fit]` that is there but damaged is refused with its key: a report would quote it.
pub fn read_with_fit(path: &Path) -> Result<(ResponseModel, Option<CalibrationFit>)> {
    super::check_regular_file(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let model = read_model(path, &text)?;
    // The model parsed, so the text is a TOML table.
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    let data: Option<FitData> = section(path, &table, "data")?;
    let fit: Option<FitQuality> = section(path, &table, "fit")?;
    Ok((
        model,
        data.zip(fit)
            .map(|(data, fit)| CalibrationFit { data, fit }),
    ))
}

/// The table `key` of the file as `T`, if present.
fn section<T: serde::de::DeserializeOwned>(
    path: &Path,
    table: &toml::Table,
    key: &str,
) -> Result<Option<T>> {
    table
        .get(key)
        .map(|v| {
            v.clone().try_into::<T>().map_err(|e| {
                bad(
                    path,
                    key,
                    format!(
                        "[{key}] as `fireplan calibrate` writes it: {}",
                        e.message().trim_end()
                    ),
                )
            })
        })
        .transpose()
}

fn read_model(path: &Path, text: &str) -> Result<ResponseModel> {
    let file: Calibration = toml::from_str(text).map_err(|e| {
        Error::input(
            path,
            Location::File,
            "calibration",
            format!(
                "not a calibration file written by `fireplan calibrate`: {}",
                e.message().trim_end()
            ),
        )
    })?;
    if file.format != CALIBRATION_FORMAT {
        return Err(bad(
            path,
            "format",
            format!(
                "format {} is not understood (this fireplan reads format {CALIBRATION_FORMAT}); \
                 run `fireplan calibrate` again",
                file.format
            ),
        ));
    }
    check(&file.model).map_err(|(key, message)| bad(path, &key, message))?;
    Ok(file.model)
}

fn bad(path: &Path, key: &str, message: impl Into<String>) -> Error {
    Error::input(path, Location::Key(key.to_string()), key, message)
}

/// The first impossible value of a model: (key, what was expected).
pub fn check(m: &ResponseModel) -> std::result::Result<(), (String, String)> {
    let seconds = |key: String, v: f64| {
        if v.is_finite() && (0.0..=7200.0).contains(&v) {
            Ok(())
        } else {
            Err((key, format!("expected seconds in 0 … 7200, got {v}")))
        }
    };
    seconds("model.pre_travel_s".into(), m.pre_travel_s)?;
    for (id, &v) in &m.station_pre_travel_s {
        seconds(format!("model.station_pre_travel_s.{id}"), v)?;
    }
    for g in RoadGroup::ALL {
        let f = m.time_factors.get(g);
        if !(f.is_finite() && (0.1..=20.0).contains(&f)) {
            return Err((
                format!("model.time_factors.{}", g.as_str()),
                format!("expected a travel-time factor in 0.1 … 20, got {f}"),
            ));
        }
    }
    let points = &m.spread.points;
    if points.is_empty() {
        return Err((
            "model.spread.points".into(),
            "expected at least one point".into(),
        ));
    }
    for (i, p) in points.iter().enumerate() {
        let key = format!("model.spread.points[{i}]");
        if !(p.median_s.is_finite() && p.median_s > 0.0) {
            return Err((key, format!("median_s must be > 0, got {}", p.median_s)));
        }
        if !(p.scale.is_finite() && p.scale >= 0.0 && p.location.is_finite()) {
            return Err((key, "location must be finite and scale ≥ 0".into()));
        }
        if i > 0 && p.median_s <= points[i - 1].median_s {
            return Err((key, "median_s must increase from point to point".into()));
        }
    }
    let q = &m.spread.standard_quantiles;
    if q.len() < 2 || q.iter().any(|v| !v.is_finite()) || q.windows(2).any(|w| w[1] < w[0]) {
        return Err((
            "model.spread.standard_quantiles".into(),
            "expected at least two finite values in increasing order".into(),
        ));
    }
    Ok(())
}
