//! `fireplan optimize SCENARIO --add K | --reach 0.95 [--candidates FILE | --grid 500]
//! [--backup] [--out DIR]`: where new stations help most (DESIGN §8). Writes
//! `optimize_sites.csv`, `optimize_curve.csv`, `optimize_plan.toml` (for `run --plan`),
//! `optimize.geojson`, `optimize_summary.json` and the map of candidates and chosen sites
//! (`optimize_map.png`, `optimize_map.svg`).
//!
//! Hidden, for benchmarks and peer checks (`bench/optimize_peers.py`):
//! `--random-candidates N [--seed S]` uses N random network nodes as candidates;
//! `--random-demand N` N random demand points along the roads (weight 1);
//! `--export-sets DIR` writes the coverage sets of the existing stations and of every
//! candidate over all demand in scope (`sites.csv`: site, id, fixed; `demand.csv`:
//! demand, weight; `sets.csv`: site, demand) and stops.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{ArgGroup, Args};
use fireplan::model::AreaKind;
use fireplan::optimize::{self, CandidateSource, Goal, Options};
use fireplan::params::Crs;
use fireplan::report::folder::OutputFolder;
use fireplan::report::maps::{self, MapOptions};
use fireplan::report::{self, write_atomic};
use fireplan::run::Loaded;

#[derive(Args)]
#[command(group(ArgGroup::new("goal").required(true).args(["add", "reach"])))]
#[command(group(ArgGroup::new("source").args(["candidates", "grid", "random_candidates"])))]
pub struct OptimizeArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Choose the best K new sites (maximal covering).
    #[arg(long, value_name = "K")]
    add: Option<usize>,
    /// Find the fewest new sites reaching this share of demand (e.g. 0.95).
    #[arg(long, value_name = "SHARE")]
    reach: Option<f64>,
    /// Candidate sites CSV (`id, lon, lat[, name]`).
    #[arg(long, value_name = "FILE")]
    candidates: Option<PathBuf>,
    /// CRS of the candidates file: wgs84, gcj02, bd09 or an EPSG code (`EPSG:4549`).
    #[arg(long, default_value = "wgs84", value_parser = Crs::parse)]
    candidates_crs: Crs,
    /// Generate candidates: one network node per grid cell of this many metres (default 500).
    #[arg(long, value_name = "METRES")]
    grid: Option<f64>,
    /// Maximise demand covered twice (backup coverage) instead of once.
    #[arg(long)]
    backup: bool,
    /// Only demand and candidates in these districts (repeat or comma-separate).
    #[arg(long = "district", value_delimiter = ',')]
    districts: Vec<String>,
    /// Hazard sites CSV (`id, lon, lat`): candidates closer than --hazard-distance are left out.
    #[arg(long, value_name = "FILE")]
    hazards: Option<PathBuf>,
    /// Minimum distance from a hazard site, metres (建标152-2017: 300).
    #[arg(long, default_value_t = 300.0)]
    hazard_distance: f64,
    /// Every road node is a demand point of weight 1 (instead of the scenario's demand).
    #[arg(long)]
    demand_nodes: bool,
    /// Every special-risk site of this kind (`[areas]`, e.g. chemical_park) must be covered:
    /// its worst road point within the threshold once the answer's sites open (repeat or
    /// comma-separate). Writes `optimize_required_sites.csv`.
    #[arg(long = "require-area-kind", value_delimiter = ',', value_parser = parse_area_kind)]
    require_area_kinds: Vec<AreaKind>,
    /// Output folder (default: out/<scenario file name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Re-rank the best N answers (the answer and its best one-site swaps) by simulated
    /// first-unit coverage with busy units (`[simulation]` of the scenario); writes
    /// `optimize_rerank.csv`.
    #[arg(long, value_name = "N")]
    simulate: Option<usize>,
    /// N random network nodes as candidates (benchmarks).
    #[arg(long, hide = true)]
    random_candidates: Option<usize>,
    /// N random demand points along the roads (benchmarks; replaces the scenario's demand).
    #[arg(long, hide = true)]
    random_demand: Option<usize>,
    /// Seed of --random-candidates and --random-demand.
    #[arg(long, hide = true, default_value_t = 1)]
    seed: u64,
    /// Write the coverage sets (existing stations and candidates) to this folder and stop.
    #[arg(long, hide = true)]
    export_sets: Option<PathBuf>,
    #[command(flatten)]
    calibration: super::CalibrationArg,
    #[command(flatten)]
    common: super::Common,
}

pub fn main(a: OptimizeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let scenario = a.calibration.scenario(&a.scenario)?;
    let run_opts = a.common.options();
    let loaded = Loaded::load(&scenario, &run_opts)
        .with_context(|| format!("loading scenario {}", a.scenario.display()))?;
    super::warn_cache(&loaded.network);
    let inputs = &loaded.inputs;
    let load_s = started.elapsed().as_secs_f64();
    let candidates = match (&a.candidates, a.grid, a.random_candidates) {
        (Some(f), _, _) => CandidateSource::File(f.clone(), a.candidates_crs),
        (_, _, Some(n)) => CandidateSource::Random { n, seed: a.seed },
        (_, g, _) => CandidateSource::Grid(g.unwrap_or(500.0)),
    };
    let opts = Options {
        candidates,
        backup: a.backup,
        districts: a.districts.clone(),
        hazards: a.hazards.clone(),
        hazard_m: a.hazard_distance,
        demand_nodes: a.demand_nodes,
        random_demand: a.random_demand.map(|n| (n, a.seed)),
        require_area_kinds: a.require_area_kinds.clone(),
    };
    let goal = match (a.add, a.reach) {
        (Some(k), _) => Goal::Add(k),
        (_, Some(r)) => Goal::Reach(r),
        _ => unreachable!("clap requires --add or --reach"),
    };
    let (net, index) = (&loaded.network.network, &loaded.network.index);
    let problem = optimize::prepare(inputs, net, index, &opts, &*run_opts.progress)?;

    if let Some(dir) = &a.export_sets {
        let export = optimize::export_sets(&problem, inputs, net, index);
        for (name, bytes) in report::optimize::sets_files(&export)? {
            write_atomic(&dir.join(name), &bytes)?;
        }
        say!(
            "exported {} sites ({} fixed), {} demand points, {} set entries to {}",
            export.sites.len(),
            export.sites.iter().filter(|s| s.1).count(),
            problem.demand.len(),
            export.sets.items.len(),
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }

    let mut outcome = problem.solve(goal)?;
    outcome.required = optimize::check_required(inputs, net, index, &problem, &outcome);
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| super::default_out_of("optimize", &[&a.scenario]));
    let ids: Vec<String> = inputs.stations.iter().map(|s| s.id.clone()).collect();
    let folder = OutputFolder::begin(&out, inputs.paths())?;
    let dir = folder.path().to_path_buf();
    for (name, bytes) in report::optimize::files(&problem, &outcome, &ids, &scenario.name)? {
        write_atomic(&dir.join(name), &bytes)
            .with_context(|| format!("writing {name} in {}", out.display()))?;
    }
    let map_opts = MapOptions::for_scenario(&scenario);
    let progress = &*run_opts.progress;
    progress.start("drawing the placement map", None);
    let effect = optimize::effect::compute(inputs, net, index, &problem, &outcome);
    let drawn = maps::optimize::write(&dir, inputs, net, &problem, &outcome, &effect, &map_opts);
    progress.finish();
    drawn.with_context(|| format!("drawing the placement map in {}", out.display()))?;

    let what = if a.backup { "covered twice" } else { "covered" };
    say!(
        "{}: {} candidates ({} excluded), {} demand points; {what} within {:.0} s today {:.2} %",
        scenario.name,
        problem.candidates.kept.len(),
        problem.candidates.excluded.len(),
        problem.demand.len(),
        scenario.response.threshold_s,
        outcome.base_coverage * 100.0
    );
    if outcome.sites.is_empty() {
        say!("  the level is already reached: no new site needed");
    }
    let name_w = super::column_width(
        outcome
            .sites
            .iter()
            .map(|s| problem.candidates.kept[s.candidate].0.id.as_str()),
        12,
    );
    for s in &outcome.sites {
        let (c, _) = &problem.candidates.kept[s.candidate];
        say!(
            "  {:>2}. {} {:>9.5},{:>9.5}  +{:.2} % → {:.2} %  ({}){}",
            s.rank,
            super::pad(&c.id, name_w),
            c.location.x(),
            c.location.y(),
            s.marginal_share * 100.0,
            s.coverage_after * 100.0,
            s.class.as_str(),
            c.grid_cell
                .as_deref()
                .map(|g| format!(" grid cell {g}"))
                .unwrap_or_default()
        );
    }
    say!(
        "  coverage {:.2} %, upper bound {:.2} % ({}), gap {:.2} pp{}",
        outcome.coverage * 100.0,
        outcome.upper * 100.0,
        outcome.bound.as_str(),
        outcome.gap_pp,
        match outcome.min_sites_bound {
            Some(lb) if !outcome.sites.is_empty() => format!(
                "; {} site(s) found, no answer has fewer than {lb}",
                outcome.sites.len()
            ),
            _ => String::new(),
        }
    );
    for r in &outcome.required {
        let secs = |t: Option<f64>| t.map_or("—".to_string(), |t| format!("{t:.0} s"));
        say!(
            "  required {} {}: worst road point {} today, {} with the answer (first-due {}): {}",
            r.kind,
            r.name,
            secs(r.worst_today_s),
            secs(r.worst_after_s),
            r.first_due_after.as_deref().unwrap_or("—"),
            if r.covered { "covered" } else { "NOT covered" }
        );
    }
    say!(
        "  time: load {:.2} s, coverage sets {:.2} s, solve {:.2} s",
        load_s,
        problem.sets_s,
        outcome.solve_s
    );
    if let Some(n) = a.simulate {
        let (rows, fleet_added) =
            optimize::rerank::rerank_by_simulation(&loaded, &problem, &outcome, n, &run_opts)
                .context("re-ranking the answers by simulation")?;
        if fleet_added {
            say!(
                "  new sites are simulated with 2 engines + 1 rescue unit ([simulation] default_fleet)"
            );
        }
        for (name, bytes) in report::optimize::rerank_files(&rows)? {
            write_atomic(&dir.join(name), &bytes)?;
        }
        say!(
            "  re-ranked by simulated first-unit coverage (busy units; \"=\" marks answers \
             whose 95 % intervals overlap: the simulation cannot order them):"
        );
        for row in &rows {
            let ci = row
                .simulated
                .as_ref()
                .and_then(|e| Some((e.ci95_low?, e.ci95_high?)))
                .map(|(lo, hi)| format!(" [{:.2}–{:.2}]", lo * 100.0, hi * 100.0))
                .unwrap_or_default();
            say!(
                "  {:>3}. {}: static {:.2} %, simulated {} %{ci}  ({})",
                row.rank_label(),
                report::optimize::rerank_file_name(row),
                row.static_coverage * 100.0,
                row.simulated
                    .as_ref()
                    .map(|e| format!("{:.2}", e.mean * 100.0))
                    .unwrap_or_else(|| "—".into()),
                row.sites.join("; ")
            );
        }
    }
    folder.commit()?;
    say!("  outputs in {}", out.display());
    Ok(ExitCode::SUCCESS)
}

fn parse_area_kind(s: &str) -> Result<AreaKind, String> {
    AreaKind::parse(s)
}
