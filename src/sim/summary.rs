//! From replications to figures: per replication, the shares and percentiles of the
//! region, each rescue district, each incident type and each station; over
//! replications, their means and 95 % confidence intervals.

use serde::Serialize;

use super::engine::{FirstDue, IncidentRecord, Replication};
use super::setup::SimSetup;
use super::stats::Estimate;
use crate::model::IncidentType;

/// The figures of one group of incidents (region, district or type). `T` is
/// `Option<f64>` for one replication and `Option<Estimate>` over replications.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures<T> {
    /// Incidents per simulated year.
    pub incidents_per_year: T,
    /// Share whose first unit arrives within `threshold_s` of the call (an incident no
    /// unit reaches counts as late).
    pub first_unit_within_threshold: T,
    /// Share whose whole response plan has arrived within `second_threshold_s`.
    pub full_plan_within_second_threshold: T,
    /// Median first-unit response, seconds (unreached incidents count as latest).
    pub p50_first_s: T,
    /// 90th percentile of first-unit response, seconds.
    pub p90_first_s: T,
    /// The same incidents as if every unit were always free: the static coverage of the
    /// simulated places.
    pub free_fleet_within_threshold: T,
    /// Share whose first-due station had suitable units, all out.
    pub first_due_busy_share: T,
    /// Share whose first-due station has no unit of any kind the type's plan needs (a
    /// capability gap, not a busy one).
    pub first_due_not_equipped_share: T,
    /// Share that waited for a unit to come back (`when_all_busy = "queue"`).
    pub queued_share: T,
    /// Share whose response plan never came complete (`lost`, or kinds no station within
    /// reach has).
    pub plan_incomplete_share: T,
}

/// One replication's figures of a group.
pub type RepFigures = Figures<Option<f64>>;
/// Figures over replications.
pub type SimFigures = Figures<Option<Estimate>>;

/// Tallies of one group of incidents in one replication.
#[derive(Debug, Clone, Default)]
struct Tally {
    n: usize,
    within: usize,
    full: usize,
    free: usize,
    busy: usize,
    not_equipped: usize,
    queued: usize,
    incomplete: usize,
    /// First-unit response of each incident (`INFINITY`: no unit came).
    firsts: Vec<f64>,
}

impl Tally {
    #[inline]
    fn add(&mut self, r: &IncidentRecord, threshold_s: f64, second_threshold_s: f64) {
        self.n += 1;
        self.within += r.first_s.is_some_and(|t| t <= threshold_s) as usize;
        self.full += r.full_plan_s.is_some_and(|t| t <= second_threshold_s) as usize;
        self.free += r.free_fleet_s.is_some_and(|t| t <= threshold_s) as usize;
        self.busy += (r.first_due_status == FirstDue::Busy) as usize;
        self.not_equipped += (r.first_due_status == FirstDue::NotEquipped) as usize;
        self.queued += r.queued as usize;
        self.incomplete += r.full_plan_s.is_none() as usize;
        self.firsts.push(r.first_s.unwrap_or(f64::INFINITY));
    }

    fn figures(mut self, years: f64) -> RepFigures {
        self.firsts.sort_unstable_by(f64::total_cmp);
        let n = self.n;
        let share = |k: usize| (n > 0).then(|| k as f64 / n as f64);
        Figures {
            incidents_per_year: Some(n as f64 / years),
            first_unit_within_threshold: share(self.within),
            full_plan_within_second_threshold: share(self.full),
            p50_first_s: percentile(&self.firsts, 0.5),
            p90_first_s: percentile(&self.firsts, 0.9),
            free_fleet_within_threshold: share(self.free),
            first_due_busy_share: share(self.busy),
            first_due_not_equipped_share: share(self.not_equipped),
            queued_share: share(self.queued),
            plan_incomplete_share: share(self.incomplete),
        }
    }
}

/// Percentile `p` of sorted times where `INFINITY` is "never": the smallest time that at
/// least `p` of the incidents had reached, as [`crate::coverage::stats::weighted_percentile`]
/// with unit weights; `None` when that falls on an incident no unit reached.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let need = p * sorted.len() as f64 * (1.0 - 1e-12);
    let k = (need.ceil() as usize).clamp(1, sorted.len());
    Some(sorted[k - 1]).filter(|t| t.is_finite())
}

impl SimFigures {
    /// Means and intervals over replications.
    pub fn over(reps: &[RepFigures]) -> SimFigures {
        let est = |f: fn(&RepFigures) -> Option<f64>| Estimate::of_some(reps.iter().map(f));
        // A share's interval is cut to 0..1.
        let share = |f: fn(&RepFigures) -> Option<f64>| est(f).map(|e| e.clamped(0.0, 1.0));
        Figures {
            incidents_per_year: est(|f| f.incidents_per_year),
            first_unit_within_threshold: share(|f| f.first_unit_within_threshold),
            full_plan_within_second_threshold: share(|f| f.full_plan_within_second_threshold),
            p50_first_s: est(|f| f.p50_first_s),
            p90_first_s: est(|f| f.p90_first_s),
            free_fleet_within_threshold: share(|f| f.free_fleet_within_threshold),
            first_due_busy_share: share(|f| f.first_due_busy_share),
            first_due_not_equipped_share: share(|f| f.first_due_not_equipped_share),
            queued_share: share(|f| f.queued_share),
            plan_incomplete_share: share(|f| f.plan_incomplete_share),
        }
    }
}

/// One station's figures in one replication.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RepStation {
    /// Busy unit-time / (units of the plans' kinds × horizon).
    pub utilisation: Option<f64>,
    pub first_due_per_year: f64,
    /// Share of its first-due incidents it sent no unit to (all out, or not equipped).
    pub could_not_take_share: Option<f64>,
    /// Share of its first-due incidents it had suitable units for, all out.
    pub busy_share: Option<f64>,
    pub units_sent_per_year: f64,
}

/// A station's figures over replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationFigures {
    /// Origin index.
    pub origin: u32,
    /// Index into the input stations.
    pub station: usize,
    pub id: String,
    /// Units of the kinds the plans use.
    pub units: u32,
    pub default_fleet: bool,
    pub utilisation: Option<Estimate>,
    pub first_due_per_year: Option<Estimate>,
    pub could_not_take_share: Option<Estimate>,
    pub busy_share: Option<Estimate>,
    pub units_sent_per_year: Option<Estimate>,
}

/// What one replication contributes to the results (its records are dropped, except
/// for the replication whose incidents are written out).
#[derive(Debug, Clone, PartialEq)]
pub struct RepSummary {
    pub region: RepFigures,
    pub districts: Vec<RepFigures>,
    pub types: Vec<RepFigures>,
    pub stations: Vec<RepStation>,
}

impl RepSummary {
    pub fn of(setup: &SimSetup, rep: &Replication) -> RepSummary {
        let years = rep.horizon_s / super::clock::YEAR_S;
        let (thr, thr2) = (
            setup.response.threshold_s,
            setup.response.second_threshold_s,
        );
        // One pass over the incidents into region, district and type tallies.
        let mut region = Tally::default();
        let mut districts = vec![Tally::default(); setup.district_names.len()];
        let mut types = vec![Tally::default(); IncidentType::ALL.len()];
        for r in &rep.incidents {
            region.add(r, thr, thr2);
            if let Some(d) = setup.sites.places[r.place as usize].district {
                districts[d as usize].add(r, thr, thr2);
            }
            types[r.kind.index()].add(r, thr, thr2);
        }
        RepSummary {
            region: region.figures(years),
            districts: districts.into_iter().map(|t| t.figures(years)).collect(),
            types: types.into_iter().map(|t| t.figures(years)).collect(),
            stations: rep
                .stations
                .iter()
                .zip(&setup.stations)
                .map(|(t, s)| {
                    let units: u32 = s.units.iter().sum();
                    let share = |k: u64| (t.first_due > 0).then(|| k as f64 / t.first_due as f64);
                    RepStation {
                        utilisation: (units > 0 && rep.horizon_s > 0.0)
                            .then(|| t.busy_unit_s / (units as f64 * rep.horizon_s)),
                        first_due_per_year: t.first_due as f64 / years,
                        could_not_take_share: share(t.first_due_busy + t.first_due_not_equipped),
                        busy_share: share(t.first_due_busy),
                        units_sent_per_year: t.units_sent as f64 / years,
                    }
                })
                .collect(),
        }
    }
}

/// Per-station figures over replications.
pub fn station_figures(setup: &SimSetup, reps: &[RepSummary]) -> Vec<StationFigures> {
    setup
        .stations
        .iter()
        .enumerate()
        .map(|(o, s)| {
            let est = |f: fn(&RepStation) -> Option<f64>| {
                Estimate::of_some(reps.iter().map(|r| f(&r.stations[o])))
            };
            let share = |f: fn(&RepStation) -> Option<f64>| est(f).map(|e| e.clamped(0.0, 1.0));
            StationFigures {
                origin: o as u32,
                station: s.station,
                id: s.id.clone(),
                units: s.units.iter().sum(),
                default_fleet: s.default_fleet,
                utilisation: share(|r| r.utilisation),
                first_due_per_year: est(|r| Some(r.first_due_per_year)),
                could_not_take_share: share(|r| r.could_not_take_share),
                busy_share: share(|r| r.busy_share),
                units_sent_per_year: est(|r| Some(r.units_sent_per_year)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::percentile;
    use crate::coverage::stats::weighted_percentile;

    #[test]
    fn percentile_agrees_with_the_static_one() {
        let times = [120.0, 300.0, f64::INFINITY, 60.0, 200.0, 200.0, 90.0];
        let mut sorted = times.to_vec();
        sorted.sort_by(f64::total_cmp);
        let weighted: Vec<(Option<f64>, f64)> = times
            .iter()
            .map(|&t| (t.is_finite().then_some(t), 1.0))
            .collect();
        for p in [0.1, 0.5, 0.8, 0.85, 0.9, 1.0] {
            assert_eq!(
                percentile(&sorted, p),
                weighted_percentile(&weighted, p),
                "{p}"
            );
        }
        assert_eq!(percentile(&[], 0.5), None);
    }
}
