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
pub mod osm_pbf;
pub mod plan;
pub mod sim;
pub mod sites;
pub mod supply;
pub mod sweep;
pub mod synth;
pub mod tables;
pub mod tiles;
pub mod villages;
pub mod water;
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
    let (mut written, maps) = write_tables_and_maps(out, run, &[("baseline", &run.checks)])?;
    written.extend(write_html_gpkg(out, run, None, &maps)?);
    Ok(written)
}

/// Every output of a run but `report.html` and `fireplan.gpkg`, with `targets.csv` holding
/// the findings of `variants`; returns the files written and the PNG bytes of the maps for
/// the report. The maps are drawn on one core while the tables are written on the other.
fn write_tables_and_maps(
    out: &Path,
    run: &RunResult,
    variants: &[(&str, &crate::plan::Checks)],
) -> Result<maps::Written> {
    let opts = maps::MapOptions::for_run(run);
    let kinds = [
        maps::MapKind::Response,
        maps::MapKind::FirstDue,
        maps::MapKind::Supply,
        maps::MapKind::Water,
        maps::MapKind::Drone,
    ];
    let (tables, maps) = rayon::join(
        || write_tables(out, run, variants),
        || maps::write_maps(out, run, None, &kinds, &opts),
    );
    let mut written = tables?;
    let (files, pngs) = maps?;
    written.extend(files);
    Ok((written, pngs))
}

/// The tables, GeoJSON layers, `report.md` and `targets.csv` of a run. Each file is
/// written as soon as it is made, so that only one is in memory at a time (a run of 1 M
/// stations).
fn write_tables(
    out: &Path,
    run: &RunResult,
    variants: &[(&str, &crate::plan::Checks)],
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut put = |name: &str, bytes: Vec<u8>| -> Result<()> {
        let p = out.join(name);
        write_atomic(&p, &bytes)?;
        written.push(p);
        Ok(())
    };
    put("summary.json", tables::summary_json(run)?)?;
    put("demand_response.csv", tables::demand_response_csv(run)?)?;
    put("coverage_by_district.csv", tables::districts_csv(run)?)?;
    put("stations.csv", tables::stations_csv(run)?)?;
    put("first_due.geojson", layers::first_due_geojson(run)?)?;
    put("gaps.geojson", layers::gaps_geojson(run)?)?;
    put("run.json", tables::run_json(run)?)?;
    if !run.closures.is_empty() {
        put("closures.csv", tables::closures_csv(run)?)?;
    }
    if !run.vehicles.is_empty() {
        put("vehicle_coverage.csv", tables::vehicle_coverage_csv(run)?)?;
        put("vehicle_response.csv", tables::vehicle_response_csv(run)?)?;
    }
    if let Some(w) = &run.water {
        put("water_sources.csv", water::water_sources_csv(run, w)?)?;
        put("water_gaps.csv", water::water_gaps_csv(run, w)?)?;
        put(
            "water_by_district.csv",
            water::water_by_district_csv(run, w)?,
        )?;
        put("water.geojson", water::water_geojson(run, w)?)?;
    }
    if run.inputs.villages.is_some() {
        put("villages.csv", villages::villages_csv(run)?)?;
    }
    if run.drone.is_some() {
        put("drone_reach.csv", villages::drone_reach_csv(run)?)?;
    }
    put("report.md", markdown::report_md(run).into_bytes())?;
    if let Some(sup) = &run.supply {
        for (name, bytes) in supply::output_files(sup, &run.inputs, &run.prepared.network)? {
            put(name, bytes)?;
        }
    }
    // Streamed: a province's road pieces are millions of features.
    let coverage = out.join("coverage.geojson");
    crate::atomic::write_atomic_with(&coverage, |w| layers::write_coverage_geojson(w, run))?;
    written.push(coverage);
    // Streamed: at 1 M stations it is 3 GB.
    let targets = out.join("targets.csv");
    crate::atomic::write_atomic_with(&targets, |w| plan::write_targets_csv(w, variants))?;
    written.push(targets);
    Ok(written)
}

/// `fireplan.gpkg` and `report.html` (embedding `maps`) of a run; with `plan`, `run` is
/// the plan variant.
fn write_html_gpkg(
    out: &Path,
    run: &RunResult,
    plan: Option<&crate::run::PlanRunResult>,
    maps: &[(maps::MapKind, Vec<u8>)],
) -> Result<Vec<PathBuf>> {
    // Side by side: the GeoPackage takes the longest of all outputs at 10^6 stations.
    let (gpkg, html) = rayon::join(
        || gpkg::write_run(out, run, plan),
        || html::write_report(out, run, plan, maps, &maps::today()),
    );
    Ok(vec![gpkg?, html?])
}
