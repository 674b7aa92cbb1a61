//! Outputs of a run (DESIGN §9–§10): tables (CSV, JSON), GIS layers (GeoJSON) and the
//! Markdown report. Every file is written to a temporary name and renamed, so a failed
//! run never leaves a half-written file.

pub mod chart;
pub mod gpkg;
pub mod html;
pub mod layers;
pub mod maps;
pub mod markdown;
pub mod plan;
pub mod tables;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::run::RunResult;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed,
/// then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Pretty JSON with a final newline.
pub(crate) fn write_json_value<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut b =
        serde_json::to_vec_pretty(v).map_err(|e| Error::Scenario(format!("writing JSON: {e}")))?;
    b.push(b'\n');
    Ok(b)
}

/// Name of a station origin in outputs.
pub(crate) fn origin_id(run: &RunResult, origin: u32) -> &str {
    let st = run.coverage.origins[origin as usize].station;
    &run.inputs.stations[st].id
}

/// Formats optional seconds with one decimal, empty when absent.
pub(crate) fn fmt_s(t: Option<f64>) -> String {
    t.map(|t| format!("{t:.1}")).unwrap_or_default()
}

/// Formats an optional share with four decimals, empty when absent.
pub(crate) fn fmt_share(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.4}")).unwrap_or_default()
}

/// Writes every output of DESIGN §10 into `out`; returns the files written.
pub fn write_all(out: &Path, run: &RunResult) -> Result<Vec<PathBuf>> {
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("summary.json", tables::summary_json(run)?),
        ("demand_response.csv", tables::demand_response_csv(run)?),
        ("coverage_by_district.csv", tables::districts_csv(run)?),
        ("stations.csv", tables::stations_csv(run)?),
        ("coverage.geojson", layers::coverage_geojson(run)?),
        ("first_due.geojson", layers::first_due_geojson(run)?),
        ("gaps.geojson", layers::gaps_geojson(run)?),
        ("run.json", tables::run_json(run)?),
        ("report.md", markdown::report_md(run).into_bytes()),
        (
            "targets.csv",
            plan::targets_csv(&[("baseline", &run.checks)])?,
        ),
    ];
    if let Some(sup) = &run.supply {
        files.extend(crate::supply::output_files(
            sup,
            &run.inputs,
            &run.prepared.network,
        )?);
    }
    let mut written = Vec::new();
    for (name, bytes) in files {
        let p = out.join(name);
        write_atomic(&p, &bytes)?;
        written.push(p);
    }
    written.extend(write_maps_html_gpkg(out, run, None)?);
    Ok(written)
}

/// The maps (PNG, SVG), `report.html` and `fireplan.gpkg` of a run; with `plan`, `run` is
/// the plan variant and only the plan map is drawn (the others are drawn by `write_all`).
pub fn write_maps_html_gpkg(
    out: &Path,
    run: &RunResult,
    plan: Option<&crate::run::PlanRunResult>,
) -> Result<Vec<PathBuf>> {
    let opts = maps::MapOptions::for_run(run);
    let kinds: &[maps::MapKind] = match plan {
        Some(_) => &[maps::MapKind::Plan],
        None => &[
            maps::MapKind::Response,
            maps::MapKind::FirstDue,
            maps::MapKind::Supply,
        ],
    };
    let (mut written, _) = maps::write_maps(out, run, plan, kinds, &opts)?;
    written.push(gpkg::write_run(out, run, plan)?);
    written.push(html::write_report(out, run, plan, &maps::today())?);
    Ok(written)
}
