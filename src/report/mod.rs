//! Outputs of a run (DESIGN §9–§10): tables (CSV, JSON), GIS layers (GeoJSON) and the
//! Markdown report. Every file is written to a temporary name and renamed, so a failed
//! run never leaves a half-written file.

pub mod calibration;
pub mod chart;
pub mod export;
pub mod folder;
pub mod gpkg;
pub mod html;
pub mod layers;
pub mod maps;
pub mod markdown;
pub mod optimize;
pub mod plan;
pub mod sim;
pub mod supply;
pub mod sweep;
pub mod tables;
pub mod write;

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::run::RunResult;
pub use write::{fmt_s, fmt_share, write_atomic};

/// Name of a station origin in outputs.
pub(crate) fn origin_id(run: &RunResult, origin: u32) -> &str {
    let st = run.coverage.origins[origin as usize].station;
    &run.inputs.stations[st].id
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
        files.extend(supply::output_files(
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
