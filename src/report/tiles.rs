//! The files of a partitioned run (`fireplan tiles`): the split's manifest and tile files,
//! each tile's results, and the merged tables. Every file is written atomically, so a tile
//! task killed half-way leaves no result behind and is simply run again.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::write::{csv_error, fmt_s, fmt_share, json_bytes};
use crate::atomic::write_atomic;
use crate::coverage::tiles::{status, Merged};
use crate::error::{Error, Result};
use crate::load::tiles::{Manifest, PointResult, TileFile, TileInput, RESULT_COLUMNS};

/// Writes `manifest.json`.
pub fn write_manifest(path: &Path, manifest: &Manifest) -> Result<()> {
    let v = serde_json::to_value(manifest).map_err(|e| Error::output("manifest.json", e))?;
    write_atomic(path, &json_bytes(&v)?)
}

/// Writes a tile file; returns its SHA-256 (hex) for the manifest.
pub fn write_tile(path: &Path, tile: &TileInput) -> Result<String> {
    use sha2::{Digest, Sha256};
    let bytes = TileFile::encode(tile)?;
    write_atomic(path, &bytes)?;
    Ok(format!("{:x}", Sha256::digest(&bytes)))
}

/// Removes the results of an earlier split in `dir` (`result-*.csv`): a new split's tiles
/// are other tiles. Returns how many were removed.
pub fn remove_old_results(dir: &Path) -> Result<usize> {
    let mut removed = 0;
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let old_tile = name.starts_with("tile-") && name.ends_with(".bin");
        if (name.starts_with("result-") && name.ends_with(".csv")) || old_tile {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// `{}` of an f64: the shortest text that reads back to the same bits.
fn exact(x: f64) -> String {
    format!("{x}")
}

/// Writes a tile's `result-NNNN.csv`.
pub fn write_result(path: &Path, rows: &[PointResult]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(RESULT_COLUMNS).map_err(csv_error)?;
    for r in rows {
        let station = |s: &Option<(String, f64)>| match s {
            Some((id, t)) => [id.clone(), exact(*t)],
            None => [String::new(), String::new()],
        };
        let [first, first_s] = station(&r.first);
        let [second, second_s] = station(&r.second);
        w.write_record([
            r.index.to_string(),
            r.id.clone(),
            r.district.map(|d| d.to_string()).unwrap_or_default(),
            exact(r.weight),
            r.snap_m.map(exact).unwrap_or_default(),
            r.off_network.to_string(),
            first,
            first_s,
            second,
            second_s,
            exact(r.lon),
            exact(r.lat),
        ])
        .map_err(csv_error)?;
    }
    let bytes = w.into_inner().map_err(csv_error)?;
    write_atomic(path, &bytes)
}

/// Writes the merged `demand_response.csv`, `coverage_by_district.csv` and `summary.json`
/// into `out` (created); returns the files written.
pub fn write_merged(out: &Path, merged: &Merged, manifest: &Manifest) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let thr = merged.threshold_s;

    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(super::tables::DEMAND_RESPONSE_COLUMNS)
        .map_err(csv_error)?;
    for p in &merged.points {
        let (f, ft) = p
            .first
            .as_ref()
            .map_or((String::new(), String::new()), |(s, t)| {
                (s.clone(), fmt_s(Some(*t)))
            });
        let (s, st) = p
            .second
            .as_ref()
            .map_or((String::new(), String::new()), |(s, t)| {
                (s.clone(), fmt_s(Some(*t)))
            });
        let district = p
            .district
            .and_then(|d| manifest.districts.get(d as usize))
            .map(|d| d.name.clone())
            .unwrap_or_default();
        w.write_record([
            p.id.clone(),
            f,
            ft,
            s,
            st,
            district,
            p.snap_m.map(|m| format!("{m:.1}")).unwrap_or_default(),
            status(p, thr).to_string(),
            format!("{}", super::write::round7(p.lon)),
            format!("{}", super::write::round7(p.lat)),
        ])
        .map_err(csv_error)?;
    }
    let demand_path = out.join("demand_response.csv");
    write_atomic(&demand_path, &w.into_inner().map_err(csv_error)?)?;

    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "district",
        "kind",
        "demand_points",
        "demand_weight",
        "demand_coverage",
        "second_due_coverage",
        "p50_s",
        "p90_s",
        "off_network",
        "beyond_horizon",
    ])
    .map_err(csv_error)?;
    for a in &merged.areas {
        w.write_record([
            a.name.clone(),
            a.kind.clone(),
            a.demand_points.to_string(),
            format!("{:.3}", a.demand_weight),
            fmt_share(a.demand_coverage),
            fmt_share(a.second_due_coverage),
            fmt_s(a.p50_s),
            fmt_s(a.p90_s),
            a.off_network.to_string(),
            a.beyond_horizon.to_string(),
        ])
        .map_err(csv_error)?;
    }
    let district_path = out.join("coverage_by_district.csv");
    write_atomic(&district_path, &w.into_inner().map_err(csv_error)?)?;

    let region = merged.areas.last();
    let summary = json!({
        "scenario": manifest.scenario_name,
        "tiling": manifest.tiling,
        "tiles": manifest.tiles.len(),
        "horizon_s": manifest.horizon_s,
        "threshold_s": manifest.threshold_s,
        "second_threshold_s": manifest.second_threshold_s,
        "demand_points": merged.points.len(),
        "demand_coverage": region.and_then(|r| r.demand_coverage),
        "second_due_coverage": region.and_then(|r| r.second_due_coverage),
        "p50_s": region.and_then(|r| r.p50_s),
        "p90_s": region.and_then(|r| r.p90_s),
        "off_network": region.map(|r| r.off_network),
        "beyond_horizon": region.map(|r| r.beyond_horizon),
    });
    let summary_path = out.join("summary.json");
    write_atomic(&summary_path, &json_bytes(&summary)?)?;
    Ok(vec![demand_path, district_path, summary_path])
}
