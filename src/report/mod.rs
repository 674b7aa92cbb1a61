//! Outputs of a run (DESIGN §9–§10): tables (CSV, JSON), GIS layers (GeoJSON) and the
//! Markdown report. Every file is written to a temporary name and renamed, so a failed
//! run never leaves a half-written file.

pub mod appendix;
pub mod calibration;
pub mod chart;
pub mod context;
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
pub mod webmap;
pub mod write;

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::progress::Progress;
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

/// Writes every output of DESIGN §10 into `out`; returns the files written. `progress`
/// sees two steps: the tables and maps ([`output_steps`] items: one per table step, one
/// per map), then `report.html` and `fireplan.gpkg` (2 items).
pub fn write_all(out: &Path, run: &RunResult, progress: &dyn Progress) -> Result<Vec<PathBuf>> {
    write_all_simulated(out, run, None, progress)
}

/// [`write_all`], with the simulation's section in `report.html` and `report.md` when
/// `sim` is given (`fireplan simulate`).
pub fn write_all_simulated(
    out: &Path,
    run: &RunResult,
    sim: Option<appendix::Simulated>,
    progress: &dyn Progress,
) -> Result<Vec<PathBuf>> {
    let t0 = std::time::Instant::now();
    let (mut written, maps, mut timings) =
        write_tables_and_maps(out, run, &[("baseline", &run.checks)], 0, progress)?;
    // map.html first: report.html links it when it is there.
    written.push(webmap::write_map_html(out, run, None)?);
    written.extend(write_html_gpkg(
        out,
        run,
        None,
        &maps,
        sim,
        &mut timings,
        progress,
    )?);
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

/// The maps of a run's outputs, without those whose part the run lacks (`write_maps`
/// would leave them out: no supply, water or drone map without that part).
fn run_map_kinds(run: &RunResult) -> Vec<maps::MapKind> {
    use maps::MapKind;
    [
        (MapKind::Response, true),
        (MapKind::FirstDue, true),
        (MapKind::Supply, run.supply.is_some()),
        (MapKind::Water, run.water.is_some()),
        (MapKind::Drone, run.drone.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, drawn)| drawn.then_some(k))
    .collect()
}

/// The steps of [`write_tables`] for this run: the tables, the layers, the optional
/// tables (closures, vehicles, water, villages, drone) when the run has one, the supply
/// outputs when it has them, `coverage.geojson` and `targets.csv`.
fn table_steps(run: &RunResult) -> u64 {
    4 + u64::from(has_optional_tables(run)) + u64::from(run.supply.is_some())
}

/// Whether the run writes any of the optional tables.
fn has_optional_tables(run: &RunResult) -> bool {
    !run.closures.is_empty()
        || !run.vehicles.is_empty()
        || run.water.is_some()
        || run.inputs.villages.is_some()
        || run.drone.is_some()
}

/// The items of the first output step of a run (`write_all`'s progress): its table
/// steps and its maps.
pub fn output_steps(run: &RunResult) -> u64 {
    table_steps(run) + run_map_kinds(run).len() as u64
}

/// Every output of a run but `report.html`, `fireplan.gpkg` and `run.json`, with
/// `targets.csv` holding the findings of `variants`; returns the files written, the PNG
/// bytes of the maps for the report and the seconds of each step. The maps are drawn on
/// one core while the tables are written on the other; `progress` gets one step of
/// [`table_steps`] + maps items. `extra_items`: items the caller adds to the step (a plan
/// run's comparison files and plan map), advancing them and finishing the step itself.
fn write_tables_and_maps(
    out: &Path,
    run: &RunResult,
    variants: &[(&str, &crate::plan::Checks)],
    extra_items: u64,
    progress: &dyn Progress,
) -> Result<TablesAndMaps> {
    let opts = maps::MapOptions::for_run(run);
    let kinds = run_map_kinds(run);
    progress.start(
        "writing tables and maps",
        Some(table_steps(run) + kinds.len() as u64 + extra_items),
    );
    let (tables, maps) = rayon::join(
        || write_tables(out, run, variants, progress),
        || {
            let t0 = std::time::Instant::now();
            // Map by map, heaviest first, each to whichever core is free (the tables
            // take the other for a moment only): longest-first list scheduling leaves the
            // light first-due map for last, where a heavy map left a core idle at the end.
            // Results kept in the kinds' order.
            let mut order: Vec<usize> = (0..kinds.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(kinds[i].drawing_weight()));
            let next = std::sync::atomic::AtomicUsize::new(0);
            let (sent, received) = std::sync::mpsc::channel();
            rayon::scope(|scope| {
                for _ in 0..rayon::current_num_threads().min(kinds.len()) {
                    let sent = sent.clone();
                    let (order, next, kinds, opts) = (&order, &next, &kinds, &opts);
                    scope.spawn(move |_| {
                        while let Some(&i) =
                            order.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                        {
                            let k = kinds[i];
                            progress.message(&format!("drawing {}", k.stem()));
                            let drawn = maps::write_maps(out, run, None, &[k], opts);
                            progress.advance(1);
                            // The receiver outlives the scope: a send cannot fail.
                            let _ = sent.send((i, drawn));
                        }
                    });
                }
            });
            drop(sent);
            let mut each: Vec<(usize, Result<maps::Written>)> = received.into_iter().collect();
            each.sort_by_key(|(i, _)| *i);
            let mut all: maps::Written = (Vec::new(), Vec::new());
            for (_, drawn) in each {
                let (files, pngs) = drawn?;
                all.0.extend(files);
                all.1.extend(pngs);
            }
            Ok::<_, crate::error::Error>((all, since(t0)))
        },
    );
    if extra_items == 0 {
        progress.finish();
    }
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
    progress: &dyn Progress,
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
    // One item of the step per table step ([`table_steps`]), named as it begins.
    let step = |next: &str| {
        progress.advance(1);
        if !next.is_empty() {
            progress.message(&format!("writing {next}"));
        }
    };
    progress.message("writing summary.json and the tables");
    put("summary.json", tables::summary_json(run)?)?;
    put("demand_response.csv", tables::demand_response_csv(run)?)?;
    put("coverage_by_district.csv", tables::districts_csv(run)?)?;
    put("stations.csv", tables::stations_csv(run)?)?;
    lap(&mut timings.tables_s);
    step("the GeoJSON layers");
    put("first_due.geojson", layers::first_due_geojson(run)?)?;
    put("gaps.geojson", layers::gaps_geojson(run)?)?;
    lap(&mut timings.layers_s);
    if has_optional_tables(run) {
        step("the closure, vehicle, water and village tables");
    }
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
        step("the logistics-support outputs");
        for (name, bytes) in supply::output_files(sup, &run.inputs, &run.prepared.network)? {
            put(name, bytes)?;
        }
    }
    lap(&mut timings.supply_s);
    step("coverage.geojson");
    // Streamed: a province's road pieces are millions of features.
    let coverage = out.join("coverage.geojson");
    crate::atomic::write_atomic_with(&coverage, |w| layers::write_coverage_geojson(w, run))?;
    written.push(coverage);
    lap(&mut timings.coverage_geojson_s);
    step("targets.csv");
    // Streamed: at 1 M stations it is 3 GB.
    let targets = out.join("targets.csv");
    crate::atomic::write_atomic_with(&targets, |w| plan::write_targets_csv(w, variants))?;
    written.push(targets);
    lap(&mut timings.targets_csv_s);
    step("");
    Ok((written, timings))
}

/// `service_areas.geojson`, `fireplan.gpkg`, `report.html` (embedding `maps`) and
/// `report.md` of a run, their seconds added to `timings` (the service areas' to
/// `gpkg_s`); with `plan`, `run` is the plan variant.
fn write_html_gpkg(
    out: &Path,
    run: &RunResult,
    plan: Option<&crate::run::PlanRunResult>,
    maps: &[(maps::MapKind, Vec<u8>)],
    sim: Option<appendix::Simulated>,
    timings: &mut OutputTimings,
    progress: &dyn Progress,
) -> Result<Vec<PathBuf>> {
    progress.start("writing report.html and fireplan.gpkg", Some(2));
    // Side by side: the GeoPackage takes the longest of all outputs at 10^6 stations.
    let timed = |f: &dyn Fn() -> Result<Vec<PathBuf>>| {
        let t0 = std::time::Instant::now();
        let done = f().map(|p| (p, since(t0)));
        progress.advance(1);
        done
    };
    let (gpkg, reports) = rayon::join(
        || timed(&|| gpkg::write_run(out, run, plan)),
        || {
            let t0 = std::time::Instant::now();
            let date = maps::today_in(&maps::scenario_timezone(&run.inputs.scenario));
            let done = html::write_reports(out, run, plan, maps, sim, &date);
            progress.advance(1);
            done.map(|d| (d, since(t0)))
        },
    );
    progress.finish();
    let ((mut files, gpkg_s), ((reports, report_s), _)) = (gpkg?, reports?);
    timings.gpkg_s += gpkg_s;
    timings.report_html_s += report_s.html_s;
    timings.report_md_s += report_s.md_s;
    files.extend(reports);
    Ok(files)
}
