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
use fireplan::coverage::place_stations;
use fireplan::io::scenario::{Crs, Scenario};
use fireplan::optimize::{self, sets, CandidateSource, Goal, Options};
use fireplan::report::maps::{self, MapOptions};
use fireplan::report::write_atomic;
use indicatif::{ProgressBar, ProgressStyle};

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
    /// CRS of the candidates file: wgs84, gcj02 or bd09.
    #[arg(long, default_value = "wgs84")]
    candidates_crs: String,
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
    common: super::Common,
}

fn crs(s: &str) -> anyhow::Result<Crs> {
    Ok(match s.to_ascii_lowercase().as_str() {
        "wgs84" => Crs::Wgs84,
        "gcj02" => Crs::Gcj02,
        "bd09" => Crs::Bd09,
        other => anyhow::bail!("--candidates-crs `{other}`: expected wgs84, gcj02 or bd09"),
    })
}

pub fn main(a: OptimizeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let scenario = Scenario::load(&a.scenario)?;
    let run_opts = a.common.options();
    let (inputs, prepared) = fireplan::run::load(&scenario, &run_opts)
        .with_context(|| format!("loading scenario {}", a.scenario.display()))?;
    let load_s = started.elapsed().as_secs_f64();
    let candidates = match (&a.candidates, a.grid, a.random_candidates) {
        (Some(f), _, _) => CandidateSource::File(f.clone(), crs(&a.candidates_crs)?),
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
    };
    let goal = match (a.add, a.reach) {
        (Some(k), _) => Goal::Add(k),
        (_, Some(r)) => Goal::Reach(r),
        _ => unreachable!("clap requires --add or --reach"),
    };
    let pb = if a.common.quiet {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::new(0);
        pb.set_style(
            ProgressStyle::with_template("coverage sets {bar:30} {pos}/{len} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    };
    let (net, index) = (&prepared.network, &prepared.index);
    let problem = optimize::prepare(&inputs, net, index, &opts, &pb)?;
    pb.finish_and_clear();

    if let Some(dir) = &a.export_sets {
        let (_, origins) = place_stations(
            net,
            index,
            &inputs.stations,
            &scenario.response,
            scenario.max_snap_m,
        );
        let mut all: Vec<(String, bool, sets::Site)> = origins
            .iter()
            .map(|o| {
                let site = sets::Site {
                    snap: o.snap,
                    offset_s: o.offset_s,
                };
                (inputs.stations[o.station].id.clone(), true, site)
            })
            .collect();
        for ((c, _), s) in problem.candidates.kept.iter().zip(&problem.sites) {
            all.push((c.id.clone(), false, *s));
        }
        let site_list: Vec<sets::Site> = all.iter().map(|x| x.2).collect();
        let csr = sets::cover_sets(
            net,
            &site_list,
            &problem.demand,
            scenario.response.threshold_s,
            &|_| true,
            &ProgressBar::hidden(),
        );
        let mut s = String::from("site,id,fixed\n");
        for (i, (id, fixed, _)) in all.iter().enumerate() {
            s.push_str(&format!("{i},{id},{}\n", *fixed as u8));
        }
        write_atomic(&dir.join("sites.csv"), s.as_bytes())?;
        let mut d = String::from("demand,weight\n");
        for (j, w) in problem.demand_weights.iter().enumerate() {
            d.push_str(&format!("{j},{w}\n"));
        }
        write_atomic(&dir.join("demand.csv"), d.as_bytes())?;
        let mut e = String::with_capacity(csr.items.len() * 10);
        e.push_str("site,demand\n");
        for i in 0..csr.rows() {
            for &j in csr.row(i) {
                e.push_str(&format!("{i},{j}\n"));
            }
        }
        write_atomic(&dir.join("sets.csv"), e.as_bytes())?;
        say!(
            "exported {} sites ({} fixed), {} demand points, {} set entries to {}",
            all.len(),
            origins.len(),
            problem.demand.len(),
            csr.items.len(),
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }

    let outcome = problem.solve(goal)?;
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        PathBuf::from("out").join(stem)
    });
    let ids: Vec<String> = inputs.stations.iter().map(|s| s.id.clone()).collect();
    for (name, bytes) in optimize::output::files(&problem, &outcome, &ids, &scenario.name)? {
        let p = out.join(name);
        write_atomic(&p, &bytes).with_context(|| format!("writing {}", p.display()))?;
    }
    let map_opts = MapOptions::for_scenario(&scenario);
    let effect = optimize::effect::compute(&inputs, net, index, &problem, &outcome);
    maps::optimize::write(&out, &inputs, net, &problem, &outcome, &effect, &map_opts)
        .with_context(|| format!("drawing the placement map in {}", out.display()))?;

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
    for s in &outcome.sites {
        let (c, _) = &problem.candidates.kept[s.candidate];
        say!(
            "  {:>2}. {:<12} {:>9.5},{:>9.5}  +{:.2} % → {:.2} %  ({})",
            s.rank,
            c.id,
            c.location.x(),
            c.location.y(),
            s.marginal_share * 100.0,
            s.coverage_after * 100.0,
            s.class.as_str()
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
    say!(
        "  time: load {:.2} s, coverage sets {:.2} s, solve {:.2} s",
        load_s,
        problem.sets_s,
        outcome.solve_s
    );
    if let Some(n) = a.simulate {
        rerank_by_simulation(&scenario, &problem, &outcome, &ids, n, &out, &run_opts)?;
    }
    say!("  outputs in {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Simulates each of the best `n` answers (plan applied, busy units) and writes
/// `optimize_rerank.csv`, best simulated coverage first.
fn rerank_by_simulation(
    scenario: &Scenario,
    problem: &optimize::Problem,
    outcome: &optimize::Outcome,
    ids: &[String],
    n: usize,
    out: &std::path::Path,
    opts: &fireplan::run::RunOptions,
) -> anyhow::Result<()> {
    let answers = problem.alternatives(outcome, n);
    // New sites have no vehicles rows: they take `[simulation] default_fleet`, and when the
    // scenario sets none, a standard first-due fleet (2 engines, 1 rescue unit) — else they
    // would have no units and the simulation could not tell the answers apart.
    let mut scenario = scenario.clone();
    let section = scenario.simulation.get_or_insert_with(Default::default);
    if section.default_fleet.is_none() {
        section.default_fleet = Some(
            [("engine".to_string(), 2), ("rescue".to_string(), 1)]
                .into_iter()
                .collect(),
        );
        say!(
            "  new sites are simulated with 2 engines + 1 rescue unit ([simulation] default_fleet)"
        );
    }
    let scenario = &scenario;
    let mut rows = Vec::new();
    for (i, alt) in answers.iter().enumerate() {
        let name = format!("optimize_answer_{}.toml", i + 1);
        let text = optimize::output::plan_toml(problem, alt, ids, &scenario.name)?;
        let path = out.join(&name);
        write_atomic(&path, text.as_bytes())?;
        let plan = fireplan::plan::Plan::parse(&text, &path)?;
        let run = fireplan::run::run_with_plan(scenario, &plan, opts)
            .with_context(|| format!("evaluating answer {}", i + 1))?
            .plan;
        let setup = fireplan::sim::setup_for(&run, &fireplan::sim::Overrides::default())
            .with_context(|| format!("simulating answer {}", i + 1))?;
        let res = fireplan::sim::simulate(&setup, &indicatif::ProgressBar::hidden());
        let e = res.region.first_unit_within_threshold;
        let sites: Vec<&str> = alt
            .sites
            .iter()
            .map(|s| problem.candidates.kept[s.candidate].0.id.as_str())
            .collect();
        rows.push((name, alt.coverage, e, sites.join(" ")));
    }
    rows.sort_by(|a, b| {
        let m =
            |e: &Option<fireplan::sim::stats::Estimate>| e.as_ref().map_or(f64::MIN, |e| e.mean);
        m(&b.2).total_cmp(&m(&a.2))
    });
    let mut csv = String::from(
        "sim_rank,plan_file,static_coverage,sim_first_unit_coverage,sim_ci95_low,sim_ci95_high,sites\n",
    );
    let f = |x: Option<f64>| x.map(|x| format!("{x:.4}")).unwrap_or_default();
    say!("  re-ranked by simulated first-unit coverage (busy units):");
    for (r, (name, stat, e, sites)) in rows.iter().enumerate() {
        let (mean, lo, hi) = match e {
            Some(e) => (Some(e.mean), e.ci95_low, e.ci95_high),
            None => (None, None, None),
        };
        csv.push_str(&format!(
            "{},{name},{stat:.4},{},{},{},{sites}\n",
            r + 1,
            f(mean),
            f(lo),
            f(hi)
        ));
        say!(
            "  {:>2}. {name}: static {:.2} %, simulated {} %  [{sites}]",
            r + 1,
            stat * 100.0,
            f(mean.map(|m| m * 100.0))
        );
    }
    write_atomic(&out.join("optimize_rerank.csv"), csv.as_bytes())?;
    Ok(())
}
