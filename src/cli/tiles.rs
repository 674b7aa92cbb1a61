//! `fireplan tiles split | run | merge`: coverage computed tile by tile (分区计算), for
//! networks too large for one search or one machine; the merged results equal the whole
//! run's within the horizon (ARCHITECTURE.md, "Partitioned runs").

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use rayon::prelude::*;

use fireplan::coverage::tiles::{self, Partition, Tiling};
use fireplan::load::tiles::{
    file_sha256, read_manifest, read_result, read_tile, Manifest, ManifestInput, ManifestTile,
    MANIFEST_FORMAT,
};

#[derive(Args)]
pub struct TilesArgs {
    #[command(subcommand)]
    command: TilesCommand,
}

#[derive(Subcommand)]
enum TilesCommand {
    /// Split a scenario into tiles: PARTS/manifest.json and one self-contained input file
    /// per tile (its sub-network with the halo, its stations and demand points).
    Split(SplitArgs),
    /// Compute tiles: `--tile K` (1-based, for `$SLURM_ARRAY_TASK_ID`) or `--all`. A tile
    /// whose result is already complete is skipped.
    Run(RunArgs),
    /// Join the tiles' results into demand_response.csv, coverage_by_district.csv and
    /// summary.json; `--compare` checks them against a whole run's demand_response.csv.
    Merge(MergeArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum By {
    /// One tile per rescue district (and one for the points outside every district).
    Districts,
}

#[derive(Args)]
struct SplitArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Folder for the manifest and the tile files.
    #[arg(long, value_name = "PARTS")]
    out: PathBuf,
    /// Square grid tiles of this side, km (default 30).
    #[arg(long, value_name = "KM", conflicts_with = "by")]
    grid_km: Option<f64>,
    /// Tiles by rescue district instead of a grid.
    #[arg(long, value_enum)]
    by: Option<By>,
    /// Longest response time computed, seconds (default: the longer of `threshold_s` and
    /// `second_threshold_s`; only larger values are accepted).
    #[arg(long, value_name = "S")]
    horizon_s: Option<f64>,
    #[command(flatten)]
    calibration: super::CalibrationArg,
    #[command(flatten)]
    common: super::Common,
}

#[derive(Args)]
struct RunArgs {
    /// The split's folder.
    parts: PathBuf,
    /// The tile to compute (1-based).
    #[arg(
        long,
        value_name = "K",
        conflicts_with = "all",
        required_unless_present = "all"
    )]
    tile: Option<u32>,
    /// Every tile without a complete result, in this process.
    #[arg(long)]
    all: bool,
    /// Worker threads for `--all` (default: all cores). The results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct MergeArgs {
    /// The split's folder.
    parts: PathBuf,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// A whole run's demand_response.csv: print every difference, exit 1 if any.
    #[arg(long, value_name = "FILE")]
    compare: Option<PathBuf>,
    /// Print nothing but errors and differences.
    #[arg(long, short)]
    quiet: bool,
}

pub fn main(a: TilesArgs) -> anyhow::Result<ExitCode> {
    match a.command {
        TilesCommand::Split(s) => split(s),
        TilesCommand::Run(r) => run(r),
        TilesCommand::Merge(m) => merge(m),
    }
}

fn split(a: SplitArgs) -> anyhow::Result<ExitCode> {
    let t0 = Instant::now();
    let scenario = a.calibration.scenario(&a.scenario)?;
    let opts = a.common.options();
    let (inputs, prepared) = fireplan::load::load(&scenario, &opts)
        .with_context(|| format!("loading scenario {}", a.scenario.display()))?;
    super::warn_cache(&prepared);
    let tiling = match (a.by, a.grid_km) {
        (Some(By::Districts), _) => Tiling::Districts,
        (None, km) => Tiling::Grid {
            km: km.unwrap_or(30.0),
        },
    };
    let demand = inputs.demand.as_deref().unwrap_or(&[]);
    let net = &prepared.network;
    let partition = Partition::new(
        net,
        &prepared.index,
        &inputs.stations,
        demand,
        &inputs.districts,
        &scenario.response,
        scenario.max_snap_m,
        tiling,
        a.horizon_s,
    )?;
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    fireplan::report::tiles::remove_old_results(&a.out)?;
    let out = &a.out;
    let written: Vec<ManifestTile> = (0..partition.tiles.len())
        .into_par_iter()
        .map_init(
            || partition.search(),
            |search, k| -> anyhow::Result<ManifestTile> {
                let tile = partition.tile_input(k, search);
                let file = Manifest::tile_file_name(tile.tile);
                let sha256 = fireplan::report::tiles::write_tile(&out.join(&file), &tile)?;
                Ok(ManifestTile {
                    tile: tile.tile,
                    name: tile.name.clone(),
                    file,
                    sha256,
                    demand_points: tile.demand.len(),
                    vertices: tile.network.vertex_count(),
                    core_vertices: partition.tiles[k].core_vertices,
                    edges: tile.network.edge_count(),
                    stations: tile.stations.len(),
                })
            },
        )
        .collect::<anyhow::Result<_>>()?;
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        scenario: a.scenario.display().to_string(),
        scenario_name: scenario.name.clone(),
        inputs: inputs
            .files
            .iter()
            .map(|f| ManifestInput {
                role: f.role.clone(),
                path: f.path.display().to_string(),
                sha256: f.sha256.clone(),
            })
            .collect(),
        tiling: tiling.describe(),
        horizon_s: partition.horizon_s,
        threshold_s: scenario.response.threshold_s,
        second_threshold_s: scenario.response.second_threshold_s,
        halo_bound_s: partition.halo_bound_s,
        demand_points: demand.len(),
        districts: Partition::manifest_districts(&inputs.districts),
        tiles: written,
    };
    fireplan::report::tiles::write_manifest(&a.out.join("manifest.json"), &manifest)?;
    let largest = manifest.tiles.iter().max_by_key(|t| t.vertices);
    let total_vertices: usize = manifest.tiles.iter().map(|t| t.vertices).sum();
    let core: usize = manifest.tiles.iter().map(|t| t.core_vertices).sum();
    if !a.common.quiet {
        say!(
            "{} tiles ({}, horizon {} s, halo bound {:.3} s) of {} demand points, network {} vertices",
            manifest.tiles.len(),
            manifest.tiling,
            manifest.horizon_s,
            manifest.halo_bound_s,
            manifest.demand_points,
            net.vertex_count()
        );
        if let Some(t) = largest {
            say!(
                "  largest tile: {} ({}) with {} vertices ({} in its core), {} stations, {} demand points",
                t.tile,
                t.name,
                t.vertices,
                t.core_vertices,
                t.stations,
                t.demand_points
            );
        }
        say!(
            "  all tiles: {} vertices, {:.2}× the {} core vertices; split in {:.1} s",
            total_vertices,
            total_vertices as f64 / core.max(1) as f64,
            core,
            t0.elapsed().as_secs_f64()
        );
        say!("  manifest in {}", a.out.join("manifest.json").display());
    } else {
        say!("{} tiles", manifest.tiles.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn manifest_of(parts: &Path) -> anyhow::Result<Manifest> {
    Ok(read_manifest(&parts.join("manifest.json"))?)
}

/// Whether `tile`'s result is there and whole (every core demand point once).
fn complete(parts: &Path, t: &ManifestTile) -> bool {
    let path = parts.join(Manifest::result_file_name(t.tile));
    path.exists() && read_result(&path).is_ok_and(|rows| rows.len() == t.demand_points)
}

/// Computes one tile (unless its result is complete); a line of what happened.
fn run_one(parts: &Path, t: &ManifestTile) -> anyhow::Result<String> {
    let result = parts.join(Manifest::result_file_name(t.tile));
    if complete(parts, t) {
        return Ok(format!(
            "tile {}: done already ({}), skipped",
            t.tile,
            result.display()
        ));
    }
    let started = Instant::now();
    let path = parts.join(&t.file);
    let tile = read_tile(&path)?;
    let sha = file_sha256(&path)?;
    if sha != t.sha256 || tile.tile != t.tile {
        bail!(
            "{}: not the file of tile {} in the manifest (another split?); split again",
            path.display(),
            t.tile
        );
    }
    let rows = tiles::run_tile(&tile);
    fireplan::report::tiles::write_result(&result, &rows)?;
    Ok(format!(
        "tile {} ({}): {} demand points on {} vertices in {:.2} s → {}",
        t.tile,
        t.name,
        rows.len(),
        tile.network.vertex_count(),
        started.elapsed().as_secs_f64(),
        result.display()
    ))
}

fn run(a: RunArgs) -> anyhow::Result<ExitCode> {
    let manifest = manifest_of(&a.parts)?;
    let chosen: Vec<&ManifestTile> = match a.tile {
        Some(k) => {
            let t = manifest
                .tiles
                .get((k as usize).wrapping_sub(1))
                .with_context(|| {
                    format!(
                        "--tile {k}: the split has tiles 1 to {}",
                        manifest.tiles.len()
                    )
                })?;
            vec![t]
        }
        None => manifest.tiles.iter().collect(),
    };
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = a.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build().context("starting worker threads")?;
    let lines: Vec<anyhow::Result<String>> =
        pool.install(|| chosen.par_iter().map(|t| run_one(&a.parts, t)).collect());
    let mut failed = 0;
    for line in lines {
        match line {
            Ok(l) if !a.quiet => say!("{l}"),
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: {e:#}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} tiles failed", chosen.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn merge(a: MergeArgs) -> anyhow::Result<ExitCode> {
    let manifest = manifest_of(&a.parts)?;
    let missing: Vec<&ManifestTile> = manifest
        .tiles
        .iter()
        .filter(|t| !a.parts.join(Manifest::result_file_name(t.tile)).exists())
        .collect();
    if !missing.is_empty() {
        let names: Vec<String> = missing
            .iter()
            .take(20)
            .map(|t| format!("{} ({})", t.tile, Manifest::result_file_name(t.tile)))
            .collect();
        bail!(
            "{} of {} tiles have no result: {}{}; run `fireplan tiles run {} --tile K` for each",
            missing.len(),
            manifest.tiles.len(),
            names.join(", "),
            if missing.len() > 20 { ", …" } else { "" },
            a.parts.display()
        );
    }
    let mut results = Vec::with_capacity(manifest.tiles.len());
    for t in &manifest.tiles {
        let path = a.parts.join(Manifest::result_file_name(t.tile));
        let rows = read_result(&path)?;
        if rows.len() != t.demand_points {
            bail!(
                "{}: {} rows, tile {} has {} demand points; run the tile again",
                path.display(),
                rows.len(),
                t.tile,
                t.demand_points
            );
        }
        results.push((path.display().to_string(), rows));
    }
    let merged = tiles::merge(
        manifest.demand_points,
        &manifest.districts,
        manifest.horizon_s,
        manifest.threshold_s,
        manifest.second_threshold_s,
        results,
    )?;
    fireplan::report::tiles::write_merged(&a.out, &merged, &manifest)
        .with_context(|| format!("writing outputs to {}", a.out.display()))?;
    if !a.quiet {
        let region = merged.areas.last();
        let pct = |x: Option<f64>| x.map_or("n/a".into(), |x| format!("{:.1} %", x * 100.0));
        say!(
            "{} tiles merged: {} demand points; covered within {} s: {}   second-due within {} s: {}",
            manifest.tiles.len(),
            merged.points.len(),
            manifest.threshold_s,
            pct(region.and_then(|r| r.demand_coverage)),
            manifest.second_threshold_s,
            pct(region.and_then(|r| r.second_due_coverage))
        );
        say!("  outputs in {}", a.out.display());
    }
    if let Some(mono) = &a.compare {
        let rows = fireplan::load::tiles::read_demand_response(mono)?;
        let diffs = tiles::compare(&merged, &rows, &mono.display().to_string());
        for d in diffs.iter().take(50) {
            say!("  mismatch: {d}");
        }
        say!(
            "{} mismatches against {} ({} demand points, horizon {} s)",
            diffs.len(),
            mono.display(),
            rows.len(),
            manifest.horizon_s
        );
        if !diffs.is_empty() {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
