//! Outputs of a run (DESIGN §9–§10): tables (CSV, JSON), GIS layers (GeoJSON) and the
//! Markdown report. Every file is written to a temporary name and renamed, so a failed
//! run never leaves a half-written file.

pub mod appendix;
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

/// Wall seconds of each step of writing a run's outputs (`run.json`'s
/// `timings_s.outputs`), so that a missed whole-run budget names its cause. The maps are
/// drawn on one core while the tables, layers and reports are written on the other, and
/// the GeoPackage while `report.html` is: `maps_s` overlaps the table steps and
/// `gpkg_s` overlaps `report_html_s`; `total_s` is the wall time of them all. Not in it:
/// `manifest.json` (it hashes every file, `run.json` too) and the folder's commit.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct OutputTimings {
    /// `summary.json`, `demand_response.csv`, `coverage_by_district.csv`, `stations.csv`,
    /// and the closure, vehicle, water, village and drone tables a run has.
    pub tables_s: f64,
    /// `first_due.geojson`, `gaps.geojson` and `water.geojson`.
    pub layers_s: f64,
    /// `coverage.geojson` (streamed: every road piece of the network).
    pub coverage_geojson_s: f64,
    /// The supply outputs (`supply_reach.csv`, `supply.geojson`, …).
    pub supply_s: f64,
    /// `report.md` (rendered after `report.html`, from the same view model).
    pub report_md_s: f64,
    pub targets_csv_s: f64,
    /// Every map, PNG and SVG (beside the steps above).
    pub maps_s: f64,
    /// `fireplan.gpkg` (beside `report.html`).
    pub gpkg_s: f64,
    pub report_html_s: f64,
    /// `run.json` itself is not timed: it is written last, holding these.
    pub total_s: f64,
}

/// Seconds since `t0`.
fn since(t0: std::time::Instant) -> f64 {
    t0.elapsed().as_secs_f64()
}

/// Writes every output of DESIGN §10 into `out`; returns the files written.
pub fn write_all(out: &Path, run: &RunResult) -> Result<Vec<PathBuf>> {
    write_all_simulated(out, run, None)
}

/// [`write_all`], with the simulation's section in `report.html` and `report.md` when
/// `sim` is given (`fireplan simulate`).
pub fn write_all_simulated(
    out: &Path,
    run: &RunResult,
    sim: Option<appendix::Simulated>,
) -> Result<Vec<PathBuf>> {
    let t0 = std::time::Instant::now();
    let (mut written, maps, mut timings) =
        write_tables_and_maps(out, run, &[("baseline", &run.checks)])?;
    written.extend(write_html_gpkg(out, run, None, &maps, sim, &mut timings)?);
    timings.total_s = since(t0);
    written.push(write_run_json(out, run, &timings)?);
    Ok(written)
}

/// `run.json` with the output timings, written after every other output of the run.
fn write_run_json(out: &Path, run: &RunResult, timings: &OutputTimings) -> Result<PathBuf> {
    let p = out.join("run.json");
    write_atomic(&p, &tables::run_json(run, timings)?)?;
    Ok(p)
}

/// The files written, the PNG bytes of the maps by kind and the seconds of each step.
type TablesAndMaps = (Vec<PathBuf>, Vec<(maps::MapKind, Vec<u8>)>, OutputTimings);

/// Every output of a run but `report.html`, `fireplan.gpkg` and `run.json`, with
/// `targets.csv` holding the findings of `variants`; returns the files written, the PNG
/// bytes of the maps for the report and the seconds of each step. The maps are drawn on
/// one core while the tables are written on the other.
fn write_tables_and_maps(
    out: &Path,
    run: &RunResult,
    variants: &[(&str, &crate::plan::Checks)],
) -> Result<TablesAndMaps> {
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
        || {
            let t0 = std::time::Instant::now();
            maps::write_maps(out, run, None, &kinds, &opts).map(|m| (m, since(t0)))
        },
    );
    let (mut written, mut timings) = tables?;
    let ((files, pngs), maps_s) = maps?;
    timings.maps_s = maps_s;
    written.extend(files);
    Ok((written, pngs, timings))
}

/// The tables, GeoJSON layers and `targets.csv` of a run, with the seconds
/// of each step. Each file is written as soon as it is made, so that only one is in
/// memory at a time (a run of 1 M stations).
fn write_tables(
    out: &Path,
    run: &RunResult,
    variants: &[(&str, &crate::plan::Checks)],
) -> Result<(Vec<PathBuf>, OutputTimings)> {
    let mut written = Vec::new();
    let mut timings = OutputTimings::default();
    let mut put = |name: &str, bytes: Vec<u8>| -> Result<()> {
        let p = out.join(name);
        write_atomic(&p, &bytes)?;
        written.push(p);
        Ok(())
    };
    let mut t0 = std::time::Instant::now();
    // The seconds since the last lap, added to `field`.
    let mut lap = |field: &mut f64| {
        *field += since(t0);
        t0 = std::time::Instant::now();
    };
    put("summary.json", tables::summary_json(run)?)?;
    put("demand_response.csv", tables::demand_response_csv(run)?)?;
    put("coverage_by_district.csv", tables::districts_csv(run)?)?;
    put("stations.csv", tables::stations_csv(run)?)?;
    lap(&mut timings.tables_s);
    put("first_due.geojson", layers::first_due_geojson(run)?)?;
    put("gaps.geojson", layers::gaps_geojson(run)?)?;
    lap(&mut timings.layers_s);
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
        lap(&mut timings.tables_s);
        put("water.geojson", water::water_geojson(run, w)?)?;
        lap(&mut timings.layers_s);
    }
    if run.inputs.villages.is_some() {
        put("villages.csv", villages::villages_csv(run)?)?;
    }
    if run.drone.is_some() {
        put("drone_reach.csv", villages::drone_reach_csv(run)?)?;
    }
    lap(&mut timings.tables_s);
    if let Some(sup) = &run.supply {
        for (name, bytes) in supply::output_files(sup, &run.inputs, &run.prepared.network)? {
            put(name, bytes)?;
        }
    }
    lap(&mut timings.supply_s);
    // Streamed: a province's road pieces are millions of features.
    let coverage = out.join("coverage.geojson");
    crate::atomic::write_atomic_with(&coverage, |w| layers::write_coverage_geojson(w, run))?;
    written.push(coverage);
    lap(&mut timings.coverage_geojson_s);
    // Streamed: at 1 M stations it is 3 GB.
    let targets = out.join("targets.csv");
    crate::atomic::write_atomic_with(&targets, |w| plan::write_targets_csv(w, variants))?;
    written.push(targets);
    lap(&mut timings.targets_csv_s);
    Ok((written, timings))
}

/// `fireplan.gpkg`, `report.html` (embedding `maps`) and `report.md` of a run, their
/// seconds added to `timings`; with `plan`, `run` is the plan variant.
fn write_html_gpkg(
    out: &Path,
    run: &RunResult,
    plan: Option<&crate::run::PlanRunResult>,
    maps: &[(maps::MapKind, Vec<u8>)],
    sim: Option<appendix::Simulated>,
    timings: &mut OutputTimings,
) -> Result<Vec<PathBuf>> {
    // Side by side: the GeoPackage takes the longest of all outputs at 10^6 stations.
    let timed = |f: &dyn Fn() -> Result<PathBuf>| {
        let t0 = std::time::Instant::now();
        f().map(|p| (p, since(t0)))
    };
    let (gpkg, reports) = rayon::join(
        || timed(&|| gpkg::write_run(out, run, plan)),
        || html::write_reports(out, run, plan, maps, sim, &maps::today()),
    );
    let ((gpkg, gpkg_s), (mut files, report_s)) = (gpkg?, reports?);
    timings.gpkg_s += gpkg_s;
    timings.report_html_s += report_s.html_s;
    timings.report_md_s += report_s.md_s;
    files.insert(0, gpkg);
    Ok(files)
}
