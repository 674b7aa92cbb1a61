//! Re-ranking the best few answers of a placement search by simulated coverage with busy
//! units (`fireplan optimize --simulate N`): each answer becomes a [`Plan`] value, is
//! applied to the loaded inputs and evaluated like any variant, then simulated. Answers
//! whose static coverage is close can swap places once stations are sometimes out.

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
}

/// New sites have no vehicles rows: unless the scenario sets `[simulation] default_fleet`,
/// they get this standard first-due fleet (2 engines, 1 rescue unit) — else they would have
/// no units and the simulation could not tell the answers apart.
pub const DEFAULT_NEW_SITE_FLEET: [(&str, u32); 2] = [("engine", 2), ("rescue", 1)];

/// Simulates the best `n` answers ([`Problem::alternatives`]) on `loaded` and returns them
/// best simulated coverage first (ties keep the search's order), and whether the standard
/// fleet was given to new sites.
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
    for (i, alt) in problem.alternatives(outcome, n).iter().enumerate() {
        let plan = answer_plan(problem, alt, &ids, &scenario.name);
        let mut inputs = loaded.inputs.clone();
        inputs.scenario = scenario.clone();
        let (inputs, _) = loaded.with_plan(inputs, &plan)?;
        let run = evaluate_variant(loaded, inputs, &quiet)?;
        let setup = crate::sim::setup_for(
            &run.inputs,
            &run.prepared,
            &run.coverage,
            &crate::sim::Overrides::default(),
        )?;
        let res = crate::sim::simulate(&setup, &crate::progress::Silent);
        rows.push(Reranked {
            answer: i + 1,
            plan,
            static_coverage: alt.coverage,
            simulated: res.region.first_unit_within_threshold,
            sites: alt
                .sites
                .iter()
                .map(|s| problem.candidates.kept[s.candidate].0.id.clone())
                .collect(),
        });
    }
    let mean = |e: &Option<Estimate>| e.as_ref().map_or(f64::MIN, |e| e.mean);
    rows.sort_by(|a, b| mean(&b.simulated).total_cmp(&mean(&a.simulated)));
    Ok((rows, fleet_added))
}
