//! The thin clap front end: one file per subcommand.

/// `println!` that ignores a closed stdout (e.g. piped into `head`) instead of panicking.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

mod calibrate;
mod check;
mod export_graph;
mod gen_province;
mod map;
mod optimize;
mod progress;
mod run;
mod simulate;
mod supply;
mod sweep;
mod tiles;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use std::sync::Arc;

use fireplan::load::{default_cache_dir, RunOptions};
use fireplan::progress::Silent;

/// Fire-station coverage and resource planning on real road networks.
#[derive(Parser)]
#[command(name = "fireplan", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compute 5-minute response coverage and write tables, GIS layers and a report.
    Run(run::RunArgs),
    /// Fit response times to the brigade's incident records: travel-time factors, time
    /// before the wheels turn, and the spread that makes coverage a probability.
    Calibrate(calibrate::CalibrateArgs),
    /// Check a scenario's inputs (files, columns, snapping) without writing outputs.
    Validate(validate::ValidateArgs),
    /// Check every planning target (seeds/targets.toml); exit status 2 when a mandatory
    /// target fails (with --plan: on the plan).
    Check(check::CheckArgs),
    /// Logistics-support (战勤保障) reach and capacity of depots and support stations.
    Supply(supply::SupplyArgs),
    /// Simulate years of incidents with busy units: coverage a year would actually deliver.
    Simulate(simulate::SimulateArgs),
    /// Where new stations help most: the best k new sites, or the fewest for a coverage level.
    Optimize(optimize::OptimizeArgs),
    /// Run many variants (plans × parameters) into a resumable, shardable result store;
    /// `sweep merge` joins shards' stores, `sweep export` writes results.csv and the report.
    Sweep(sweep::SweepArgs),
    /// Render the maps alone (response time, first-due areas, logistics reach, plan): PNG and SVG.
    Map(map::MapArgs),
    /// Export the prepared graph and search seeds for independent checks (benchmarks).
    #[command(hide = true)]
    ExportGraph(export_graph::ExportGraphArgs),
    /// Partitioned coverage for networks too large for one search or one machine: `split`
    /// into tiles with a halo, `run` each (a Slurm array task), `merge` — equal to `run`
    /// within the horizon.
    Tiles(tiles::TilesArgs),
    /// Generate a province-size scenario from real roads (issue 18): OSM PBF, stations,
    /// depots, districts, incidents, candidates and scenario files.
    #[command(hide = true)]
    GenProvince(gen_province::GenProvinceArgs),
}

/// Options shared by every subcommand.
#[derive(Args, Clone)]
pub struct Common {
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not read or write the prepared-network cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Folder for the prepared-network cache (default: $FIREPLAN_CACHE_DIR or ~/.cache/fireplan).
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
}

impl Common {
    fn options(&self) -> RunOptions {
        RunOptions {
            cache_dir: if self.no_cache {
                None
            } else {
                self.cache_dir.clone().or_else(default_cache_dir)
            },
            progress: if self.quiet {
                Arc::new(Silent)
            } else {
                Arc::new(progress::TerminalProgress::default())
            },
        }
    }
}

/// `--calibration FILE`, for the commands that compute response times.
#[derive(Args, Clone)]
pub struct CalibrationArg {
    /// Use this calibration (from `fireplan calibrate`) instead of the scenario's
    /// `[calibration]` or the free-flow model.
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<PathBuf>,
}

impl CalibrationArg {
    /// Reads the scenario at `path` with the calibration applied.
    pub fn scenario(&self, path: &std::path::Path) -> anyhow::Result<fireplan::params::Scenario> {
        let scenario = fireplan::params::Scenario::load(path)?;
        Ok(scenario.with_calibration_file(self.calibration.clone())?)
    }
}

/// `text` padded on the right with spaces to `width` terminal columns (a CJK character
/// takes two), so that a table of Chinese names lines up; never cut.
pub fn pad(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// The terminal columns of the widest of `names`, at least `min`: a table's name column.
pub fn column_width<'a>(names: impl IntoIterator<Item = &'a str>, min: usize) -> usize {
    names
        .into_iter()
        .map(unicode_width::UnicodeWidthStr::width)
        .fold(min, usize::max)
}

/// Warns when a cache file was there but could not be used (damaged, stale, foreign).
pub fn warn_cache(prepared: &fireplan::load::PreparedNetwork) {
    if let Some(why) = &prepared.cache_rebuilt {
        eprintln!("warning: prepared-network cache {why}");
    }
}

/// The default output folder of a command: `out/<stem of each file>` joined by `-`
/// (`out/demo`, `out/demo-demo_plan`).
pub fn default_out(files: &[&std::path::Path]) -> PathBuf {
    default_out_of("", files)
}

/// [`default_out`] of a command other than `run`, whose whole-run folder must not replace
/// the run's: `out/demo-simulate`, `out/demo-optimize`, ….
pub fn default_out_of(command: &str, files: &[&std::path::Path]) -> PathBuf {
    let stems: Vec<String> = files
        .iter()
        .map(|p| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let mut name = stems.join("-");
    if !command.is_empty() {
        name = format!("{name}-{command}");
    }
    PathBuf::from("out").join(name)
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run::main(a),
        Command::Validate(a) => validate::main(a),
        Command::Calibrate(a) => calibrate::main(a),
        Command::Check(a) => check::main(a),
        Command::Supply(a) => supply::main(a),
        Command::Simulate(a) => simulate::main(a),
        Command::Optimize(a) => optimize::main(a),
        Command::Sweep(a) => sweep::main(a),
        Command::Map(a) => map::main(a),
        Command::ExportGraph(a) => export_graph::main(a),
        Command::Tiles(a) => tiles::main(a),
        Command::GenProvince(a) => gen_province::main(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
