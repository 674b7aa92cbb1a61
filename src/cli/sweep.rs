//! `fireplan sweep SWEEP [--out DIR] [--shard I/N] [--resume | --restart] [--threads N]`,
//! `fireplan sweep merge OUT1 OUT2 … --out DIR`, `fireplan sweep export DIR`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use fireplan::report::sweep as report;
use fireplan::sweep::{exec, store, Shard, Sweep};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    command: Option<SweepCommand>,
    /// Sweep file (TOML): base scenario, axes or runs, optional [simulate].
    #[arg(required = true)]
    sweep: Option<PathBuf>,
    /// Output folder (default: out/<sweep file name>, with -shard-I-of-N for a shard).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run only shard I of N (1-based; by run id, deterministic), e.g. 2/8.
    #[arg(long)]
    shard: Option<String>,
    /// Continue the store in the output folder (the default when it exists).
    #[arg(long, conflicts_with = "restart")]
    resume: bool,
    /// Delete the store in the output folder and start again.
    #[arg(long)]
    restart: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Metric the report ranks runs by.
    #[arg(long, default_value = "demand_coverage")]
    metric: String,
    #[command(flatten)]
    common: super::Common,
}

#[derive(Subcommand)]
enum SweepCommand {
    /// Join the stores of several output folders (e.g. shards) into a new one.
    Merge {
        /// Output folders (or sweep.sqlite files) to join.
        #[arg(required = true)]
        stores: Vec<PathBuf>,
        /// Folder of the merged store.
        #[arg(long)]
        out: PathBuf,
        /// Metric the report ranks runs by.
        #[arg(long, default_value = "demand_coverage")]
        metric: String,
    },
    /// Write results.csv and the ranking report from a store.
    Export {
        /// Output folder holding sweep.sqlite.
        dir: PathBuf,
        /// Metric the report ranks runs by.
        #[arg(long, default_value = "demand_coverage")]
        metric: String,
    },
}

pub fn main(a: SweepArgs) -> anyhow::Result<ExitCode> {
    match a.command {
        Some(SweepCommand::Merge {
            stores,
            out,
            metric,
        }) => {
            let r = store::merge(&stores, &out)?;
            report::export(&out, &metric)?;
            say!(
                "merged {} stores: {} of {} runs into {}",
                stores.len(),
                r.runs,
                r.expected,
                out.display()
            );
            if !r.duplicated.is_empty() {
                say!(
                    "  {} runs found in more than one store (first kept): {}",
                    r.duplicated.len(),
                    r.duplicated
                        .iter()
                        .take(10)
                        .map(|(id, n)| format!("{id} ×{n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if !r.missing.is_empty() {
                say!(
                    "  {} runs missing: {}{}",
                    r.missing.len(),
                    r.missing
                        .iter()
                        .take(10)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                    if r.missing.len() > 10 { ", …" } else { "" }
                );
                return Ok(ExitCode::from(3));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(SweepCommand::Export { dir, metric }) => {
            report::export(&dir, &metric)?;
            say!(
                "wrote results.csv, sweep_report.md, sweep_sensitivity.csv in {}",
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let path = a
                .sweep
                .clone()
                .context("name a sweep file: fireplan sweep SWEEP.toml")?;
            let shard = a
                .shard
                .as_deref()
                .map(Shard::parse)
                .transpose()
                .with_context(|| format!("sweep {}", path.display()))?;
            let sweep = Sweep::load(&path)?;
            let out = a.out.clone().unwrap_or_else(|| {
                let out = super::default_out(&[&path]);
                match shard {
                    Some(s) => PathBuf::from(format!(
                        "{}-shard-{}-of-{}",
                        out.display(),
                        s.index,
                        s.count
                    )),
                    None => out,
                }
            });
            let _lock = fireplan::report::folder::lock(&out)?;
            let store_path = store::Store::path_in(&out);
            if a.restart {
                for suffix in ["", "-wal", "-shm"] {
                    let p = PathBuf::from(format!("{}{suffix}", store_path.display()));
                    if p.exists() {
                        std::fs::remove_file(&p)
                            .with_context(|| format!("removing {}", p.display()))?;
                    }
                }
            }
            let pause_after = std::env::var("FIREPLAN_SWEEP_PAUSE_AFTER")
                .ok()
                .and_then(|v| v.parse().ok());
            let s = exec::execute(
                &sweep,
                &out,
                &exec::ExecOptions {
                    shard,
                    threads: a.threads,
                    pause_after,
                },
                &a.common.options(),
            )
            .with_context(|| format!("sweep {}", path.display()))?;
            report::export(&out, &a.metric)
                .with_context(|| format!("sweep {}: writing the results", path.display()))?;
            say!(
                "{}: {} runs{}; {} already in the store, {} run now ({} failed)",
                sweep.name,
                s.total,
                shard
                    .map(|sh| format!(", {} in shard {sh}", s.in_shard))
                    .unwrap_or_default(),
                s.skipped,
                s.ran,
                s.failed
            );
            if s.ran > 0 {
                say!(
                    "  load: {} network(s) in {:.2} s; runs: {:.2} s ({:.1} runs/s)",
                    s.load.loads,
                    s.load.load_s,
                    s.runs_s,
                    s.ran as f64 / s.runs_s.max(1e-9)
                );
            }
            say!(
                "  store {}; results.csv and sweep_report.md in {}",
                store_path.display(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
