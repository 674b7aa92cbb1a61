//! `fireplan simulate SCENARIO --years N --reps R --seed S [--out DIR] [--threads T]`:
//! the static run, then the incident simulation with busy units. Writes the run's outputs
//! plus `sim_summary.json`, `sim_stations.csv`, `sim_incidents.csv`, and a `report.md`
//! with the static-versus-simulated section. With `--plan PLAN` the plan's stations and
//! vehicles are simulated (the plan applied to the scenario on the same network).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use fireplan::report::folder::OutputFolder;
use fireplan::sim::{self, Overrides};

#[derive(Args)]
pub struct SimulateArgs {
    /// Scenario file (TOML); its optional `[simulation]` section sets the incident model.
    scenario: PathBuf,
    /// Plan file (TOML): simulate the scenario with the plan applied.
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Simulated years per replication (default: `[simulation] years`, else 1).
    #[arg(long)]
    years: Option<f64>,
    /// Replications (default: `[simulation] replications`, else 20).
    #[arg(long)]
    reps: Option<u32>,
    /// Seed of the random streams (default: `[simulation] seed`, else 1).
    #[arg(long)]
    seed: Option<u64>,
    /// Output folder (default: out/<scenario file name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads (default: all cores). The results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    #[command(flatten)]
    calibration: super::CalibrationArg,
    #[command(flatten)]
    common: super::Common,
}

pub fn main(a: SimulateArgs) -> anyhow::Result<ExitCode> {
    let scenario = a.calibration.scenario(&a.scenario)?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| super::default_out_of("simulate", &[&a.scenario]));
    let opts = a.common.options();
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = a.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build().context("starting worker threads")?;
    pool.install(|| -> anyhow::Result<ExitCode> {
        let run = match &a.plan {
            None => fireplan::run::run(&scenario, &opts)
                .with_context(|| format!("running scenario {}", a.scenario.display()))?,
            Some(plan_path) => {
                let plan = fireplan::plan::Plan::load(plan_path)?;
                fireplan::run::run_with_plan(&scenario, &plan, &opts)
                    .with_context(|| {
                        format!(
                            "running scenario {} with plan {}",
                            a.scenario.display(),
                            plan_path.display()
                        )
                    })?
                    .plan
            }
        };
        super::warn_cache(&run.prepared);
        let t0 = Instant::now();
        let progress = &*opts.progress;
        progress.start(
            "preparing the simulation (station trees, incident places)",
            None,
        );
        let setup = sim::setup_for(
            &run.inputs,
            &run.prepared,
            &run.coverage,
            &Overrides {
                years: a.years,
                replications: a.reps,
                seed: a.seed,
            },
        )
        .with_context(|| format!("simulation of {}", a.scenario.display()));
        progress.finish();
        let setup = setup?;
        let setup_s = t0.elapsed().as_secs_f64();

        let t1 = Instant::now();
        progress.start("replications", Some(u64::from(setup.params.replications)));
        let res = sim::simulate(&setup, progress);
        progress.finish();
        let sim_s = t1.elapsed().as_secs_f64();

        let folder = OutputFolder::begin(&out, run.inputs.paths())?;
        let dir = folder.path();
        // report.html and report.md with the simulation's section.
        fireplan::report::write_all_simulated(dir, &run, Some((&setup, &res)), &*opts.progress)
            .with_context(|| format!("writing outputs to {}", out.display()))?;
        fireplan::report::sim::output::write_outputs(dir, &run, &setup, &res)
            .with_context(|| format!("writing outputs to {}", out.display()))?;
        folder.commit()?;

        let pct = |e: &Option<sim::stats::Estimate>| match e {
            Some(e) => match (e.ci95_low, e.ci95_high) {
                (Some(lo), Some(hi)) => format!(
                    "{:.1} % (95 % CI {:.1}–{:.1})",
                    e.mean * 100.0,
                    lo * 100.0,
                    hi * 100.0
                ),
                _ => format!("{:.1} %", e.mean * 100.0),
            },
            None => "n/a".into(),
        };
        let m = &res.region;
        let incidents =
            m.incidents_per_year.map_or(0.0, |e| e.mean) * res.years * res.replications as f64;
        say!(
            "{}: {} replications × {} year(s), {:.0} incidents a year, seed {}",
            scenario.name,
            res.replications,
            res.years,
            setup.params.rate_per_year(),
            res.seed
        );
        say!(
            "  first unit within {:.0} s: static {}, every unit free {}, with busy units {}",
            setup.response.threshold_s,
            run.coverage
                .region
                .demand_coverage
                .map_or("n/a".into(), |x| format!("{:.1} %", x * 100.0)),
            pct(&m.free_fleet_within_threshold),
            pct(&m.first_unit_within_threshold)
        );
        say!(
            "  whole plan within {:.0} s: {}   first-due station busy: {}",
            setup.response.second_threshold_s,
            pct(&m.full_plan_within_second_threshold),
            pct(&m.first_due_busy_share)
        );
        say!("  {incidents:.0} incidents simulated in {sim_s:.2} s (setup {setup_s:.2} s)");
        say!("  outputs in {}", out.display());
        Ok(ExitCode::SUCCESS)
    })
}
