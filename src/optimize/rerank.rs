//! Re-ranking the best few answers of a placement search by simulated coverage with busy
//! units (`fireplan optimize --simulate N`): each answer becomes a [`Plan`] value, is
//! applied to the loaded inputs and evaluated like any variant, then simulated. Answers
//! whose static coverage is close can swap places once stations are sometimes out; answers
//! the simulation cannot tell apart (their confidence intervals overlap) share a rank.

use crate::error::Result;
use crate::load::RunOptions;
use crate::plan::Plan;
use crate::run::{evaluate_variant, Loaded};
use crate::sim::stats::Estimate;

use super::{answer_plan, Outcome, Problem};

/// One answer, simulated.
#[derive(Debug, Clone)]
pub struct Reranked {
    /// 1-based position among the answers before re-ranking (the search's own order).
    pub answer: usize,
    pub plan: Plan,
    /// Share of demand covered within the threshold (static, every station free).
    pub static_coverage: f64,
    /// Share of incidents whose first unit arrives within the threshold, with busy units.
    pub simulated: Option<Estimate>,
    /// Candidate ids of the answer's sites, in rank order.
    pub sites: Vec<String>,
    /// Rank by simulated coverage: 1 + the number of answers whose confidence interval
    /// lies wholly above this one's ([`interval_ranks`]).
    pub sim_rank: usize,
    /// Another answer has the same `sim_rank`: the simulation cannot order them.
    pub tied: bool,
}

impl Reranked {
    /// The rank as shown: `=2` when tied, else `2`.
    pub fn rank_label(&self) -> String {
        rank_label(self.sim_rank, self.tied)
    }
}

/// `=2` for a shared rank, else `2`.
pub fn rank_label(rank: usize, tied: bool) -> String {
    if tied {
        format!("={rank}")
    } else {
        rank.to_string()
    }
}

/// Ranks of estimates, higher better, that only order what the intervals can tell apart:
/// an answer's rank is 1 + the number of answers whose 95 % interval lies wholly above its
/// own (low end above its high end; an estimate without an interval is the point of its
/// mean). Answers whose intervals overlap therefore share a rank; an answer without an
/// estimate ranks below every answer with one. Returns `(rank, tied)` per estimate, in the
/// given order.
pub fn interval_ranks(estimates: &[Option<Estimate>]) -> Vec<(usize, bool)> {
    let bounds = |e: &Estimate| {
        (
            e.ci95_low.unwrap_or(e.mean).min(e.mean),
            e.ci95_high.unwrap_or(e.mean).max(e.mean),
        )
    };
    let with_estimate = estimates.iter().filter(|e| e.is_some()).count();
    let ranks: Vec<usize> = estimates
        .iter()
        .map(|e| match e {
            Some(e) => {
                let (_, high) = bounds(e);
                1 + estimates
                    .iter()
                    .flatten()
                    .filter(|o| bounds(o).0 > high)
                    .count()
            }
            None => 1 + with_estimate,
        })
        .collect();
    ranks
        .iter()
        .map(|&r| (r, ranks.iter().filter(|&&o| o == r).count() > 1))
        .collect()
}

/// New sites have no vehicles rows: unless the scenario sets `[simulation] default_fleet`,
/// they get this standard first-due fleet (2 engines, 1 rescue unit) — else they would have
/// no units and the simulation could not tell the answers apart.
pub const DEFAULT_NEW_SITE_FLEET: [(&str, u32); 2] = [("engine", 2), ("rescue", 1)];

/// Simulates the best `n` answers ([`Problem::alternatives`]) on `loaded` and returns them
/// by [`interval_ranks`] (within a rank, higher mean first, then the search's order), and
/// whether the standard fleet was given to new sites.
pub fn rerank_by_simulation(
    loaded: &Loaded,
    problem: &Problem,
    outcome: &Outcome,
    n: usize,
    opts: &RunOptions,
) -> Result<(Vec<Reranked>, bool)> {
    let mut scenario = loaded.inputs.scenario.clone();
    let section = scenario.simulation.get_or_insert_with(Default::default);
    let fleet_added = section.default_fleet.is_none();
    if fleet_added {
        section.default_fleet = Some(
            DEFAULT_NEW_SITE_FLEET
                .iter()
                .map(|&(k, n)| (k.to_string(), n))
                .collect(),
        );
    }
    let ids: Vec<String> = loaded
        .inputs
        .stations
        .iter()
        .map(|s| s.id.clone())
        .collect();
    let quiet = opts.silent();
    let mut rows = Vec::new();
    let alternatives = problem.alternatives(outcome, n);
    // One bar over the answers; each answer's own steps run silently beneath it.
    let progress = &*opts.progress;
    progress.start(
        "simulating the best answers (busy units)",
        Some(alternatives.len() as u64),
    );
    for (i, alt) in alternatives.iter().enumerate() {
        let plan = answer_plan(problem, alt, &ids, &scenario.name);
        let simulated = match simulate_answer(loaded, &scenario, &plan, &quiet) {
            Ok(e) => e,
            Err(e) => {
                progress.finish();
                return Err(e);
            }
        };
        rows.push(Reranked {
            answer: i + 1,
            plan,
            static_coverage: alt.coverage,
            simulated,
            sites: alt
                .sites
                .iter()
                .map(|s| problem.candidates.kept[s.candidate].0.id.clone())
                .collect(),
            sim_rank: 0,
            tied: false,
        });
        progress.advance(1);
    }
    progress.finish();
    rank_rows(&mut rows);
    Ok((rows, fleet_added))
}

/// One answer's plan applied to the loaded inputs under `scenario` (with the new sites'
/// fleet), evaluated and simulated: its first-unit coverage within the threshold.
fn simulate_answer(
    loaded: &Loaded,
    scenario: &crate::params::Scenario,
    plan: &Plan,
    quiet: &RunOptions,
) -> Result<Option<Estimate>> {
    let mut inputs = loaded.inputs.clone();
    inputs.scenario = scenario.clone();
    let (inputs, _) = loaded.with_plan(inputs, plan)?;
    let run = evaluate_variant(loaded, inputs, quiet)?;
    let setup = crate::sim::setup_for(
        &run.inputs,
        &run.prepared,
        &run.coverage,
        &crate::sim::Overrides::default(),
    )?;
    let res = crate::sim::simulate(&setup, &crate::progress::Silent);
    Ok(res.region.first_unit_within_threshold)
}

/// Sets each row's rank by [`interval_ranks`] and sorts the rows by rank, then higher
/// mean, then the search's order.
pub fn rank_rows(rows: &mut [Reranked]) {
    let estimates: Vec<Option<Estimate>> = rows.iter().map(|r| r.simulated).collect();
    for (row, (rank, tied)) in rows.iter_mut().zip(interval_ranks(&estimates)) {
        row.sim_rank = rank;
        row.tied = tied;
    }
    let mean = |e: &Option<Estimate>| e.as_ref().map_or(f64::MIN, |e| e.mean);
    rows.sort_by(|a, b| {
        a.sim_rank
            .cmp(&b.sim_rank)
            .then(mean(&b.simulated).total_cmp(&mean(&a.simulated)))
            .then(a.answer.cmp(&b.answer))
    });
}
