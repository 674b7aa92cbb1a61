//! What the chosen sites of a placement search change (for the placement map): which demand
//! points they cover that the existing stations do not (twice, with backup), and — for single
//! coverage — which road pieces they bring within the threshold.
//!
//! The demand states use the functions the search itself uses ([`sets::existing_counts`],
//! [`sets::cover_sets`]), so their weights add up to the search's coverage before and after;
//! the road pieces come from [`coverage::evaluate`] without and with the chosen sites (as
//! planned stations of the suggested class with the scenario's turnout time, as
//! `optimize_plan.toml` adds them).

use super::{sets, Outcome, Problem};
use crate::coverage;
use crate::load::Inputs;
use crate::model::intervals::minus;
use crate::model::Station;
use crate::network::{Network, SnapIndex};

/// What a demand point of the search gets (covered twice, with `backup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemandState {
    /// Covered by the existing stations.
    Today,
    /// Covered only once the chosen sites open.
    Gained,
    /// Not covered even with the chosen sites.
    Uncovered,
}

/// Road pieces of one segment within the threshold: `(today, gained)`, fractions from node
/// `a`; `gained` is what the chosen sites add to `today`.
pub type RoadPieces = (Vec<(f64, f64)>, Vec<(f64, f64)>);

/// What the chosen sites change.
#[derive(Debug, Clone)]
pub struct Effect {
    /// One per demand point of the search (`problem.demand`).
    pub demand: Vec<DemandState>,
    /// One per road segment; `None` with backup coverage.
    pub roads: Option<Vec<RoadPieces>>,
}

impl Effect {
    /// Number of demand points in `state`.
    pub fn count(&self, state: DemandState) -> usize {
        self.demand.iter().filter(|s| **s == state).count()
    }

    /// Demand weight in `state`.
    pub fn weight(&self, problem: &Problem, state: DemandState) -> f64 {
        self.demand
            .iter()
            .zip(&problem.demand_weights)
            .filter(|(s, _)| **s == state)
            .map(|(_, w)| w)
            .sum()
    }

    /// Road kilometres reached today and added by the chosen sites (0 with backup).
    pub fn road_km(&self, net: &Network) -> (f64, f64) {
        let len = |iv: &[(f64, f64)]| iv.iter().map(|(a, b)| b - a).sum::<f64>();
        let mut km = (0.0, 0.0);
        for (s, (today, gained)) in net.segments.iter().zip(self.roads.iter().flatten()) {
            km.0 += len(today) * s.length_m as f64 / 1000.0;
            km.1 += len(gained) * s.length_m as f64 / 1000.0;
        }
        km
    }
}

/// The chosen sites as planned stations: suggested class, the scenario's turnout time.
pub fn chosen_stations(problem: &Problem, outcome: &Outcome) -> Vec<Station> {
    outcome
        .sites
        .iter()
        .map(|s| {
            let (c, _) = &problem.candidates.kept[s.candidate];
            Station::planned(format!("OPT-{}", c.id), c.name.clone(), s.class, c.location)
        })
        .collect()
}

/// Demand states and road pieces of the chosen sites.
pub fn compute(
    inputs: &Inputs,
    net: &Network,
    index: &SnapIndex,
    problem: &Problem,
    outcome: &Outcome,
) -> Effect {
    let scenario = &inputs.scenario;
    let params = &scenario.response;
    let counts = sets::existing_counts(
        net,
        index,
        &inputs.stations,
        params,
        scenario.max_snap_m,
        &problem.demand,
    );
    let goal: u8 = if problem.backup { 2 } else { 1 };
    let need: Vec<u8> = counts.iter().map(|&c| goal.saturating_sub(c)).collect();
    let sites: Vec<sets::Site> = outcome
        .sites
        .iter()
        .map(|s| problem.sites[s.candidate])
        .collect();
    let keep = |j: usize| need[j] > 0;
    let csr = sets::cover_sets(
        net,
        &sites,
        &problem.demand,
        problem.threshold_s,
        &keep,
        &crate::progress::Silent,
    );
    let mut added = vec![0u8; problem.demand.len()];
    for r in 0..csr.rows() {
        for &j in csr.row(r) {
            added[j as usize] = added[j as usize].saturating_add(1);
        }
    }
    let demand = need
        .iter()
        .zip(&added)
        .map(|(&n, &a)| match n {
            0 => DemandState::Today,
            n if a >= n => DemandState::Gained,
            _ => DemandState::Uncovered,
        })
        .collect();
    let roads = (!problem.backup).then(|| {
        let eval = |stations: &[Station]| {
            coverage::evaluate(
                net,
                index,
                stations,
                &[],
                &inputs.districts,
                params,
                scenario.max_snap_m,
            )
        };
        let today = eval(&inputs.stations);
        let chosen = chosen_stations(problem, outcome);
        if chosen.is_empty() {
            return today
                .segments
                .into_iter()
                .map(|r| (r.covered, Vec::new()))
                .collect();
        }
        let mut all = inputs.stations.clone();
        all.extend(chosen);
        let after = eval(&all);
        today
            .segments
            .into_iter()
            .zip(after.segments)
            .map(|(t, a)| {
                let gained = minus(&a.covered, &t.covered);
                (t.covered, gained)
            })
            .collect()
    });
    Effect { demand, roads }
}
