//! Calibration (`fireplan calibrate`): the response-time model learned from the brigade's
//! own incident records, and how well it predicts records it was not fitted to.
//!
//! 1. Each usable record is routed from *its* station (the one whose unit arrived, not
//!    necessarily the modelled first-due one) to its place, and the route is split into
//!    free-flow seconds per road group ([`routes`]).
//! 2. A median (L1) regression fits `response − access legs = pre + Σ factor_g × T_g`:
//!    robust to the long tail of runs that went wrong. Where the records carry `turnout`
//!    timestamps, the time before the wheels turn is measured rather than fitted and the
//!    intercept is the per-trip constant (parking, finding the address). Stations with
//!    enough records get their own pre-travel time. A road group with too little driving
//!    in the records shares its neighbour's factor, and says so.
//! 3. Routes are recomputed under the fitted factors and the fit repeated until the
//!    factors settle or come back to earlier values (routes can flip between two sets);
//!    the round that fitted best is kept: the model's route is the fastest one under it.
//! 4. The spread of log(observed / modelled) is fitted against the modelled median, so a
//!    place gets a probability of being reached within the threshold.
//! 5. Everything is judged on held-out records: k folds by incident (both pumps of an
//!    incident in the same fold), each fold predicted by a model fitted without it.
//!
//! Nothing here reads or writes a file: the records come in as values, the result goes to
//! `report::calibration`.

pub mod robust;
pub mod routes;

use std::collections::{BTreeMap, HashMap};

use crate::error::{Error, Result};
use crate::load::{Inputs, PreparedNetwork};
use crate::model::{MeasuredFrom, RecordsFile};
use crate::network::SnapPoint;
use crate::params::calibration::SpreadPoint;
use crate::params::{ResponseModel, RoadGroup, Spread, TimeFactors};
use robust::{median, median_regression, quantile, spearman};
use routes::{split_routes, EdgeGroups, RouteSplit};

/// Choices of a calibration run.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrateOptions {
    /// Folds of the held-out check (≥ 2).
    pub folds: usize,
    /// Records a station needs for its own pre-travel time.
    pub min_station_records: usize,
    /// Also fit second and later pumps (default: only the first to arrive, which is what
    /// the 5-minute standard and the coverage model are about).
    pub all_pumps: bool,
}

impl Default for CalibrateOptions {
    fn default() -> Self {
        CalibrateOptions {
            folds: 5,
            min_station_records: 20,
            all_pumps: false,
        }
    }
}

/// Fewer usable records than this and there is nothing to learn from.
pub const MIN_RECORDS: usize = 30;
/// A road group needs this share of the records' free-flow driving for its own factor.
const MIN_GROUP_SHARE: f64 = 0.05;
/// Factors outside this range mean the group cannot be told apart from the others.
const FACTOR_RANGE: (f64, f64) = (0.2, 10.0);
/// Quantile levels of the standardised residuals kept in the model.
const SPREAD_LEVELS: usize = 100;

/// A record that is fine as data but cannot be used for this fit, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAside {
    pub line: u64,
    pub id: String,
    pub reason: String,
}

/// A record the fit uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Index into [`RecordsFile::records`].
    pub record: usize,
    /// Index into the scenario's stations.
    pub station: usize,
    pub fold: usize,
    pub place: SnapPoint,
    /// The route under free flow (the uncalibrated model's).
    pub free_flow: RouteSplit,
    /// The route under the fitted factors.
    pub route: RouteSplit,
}

/// How far predictions are from the records.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ErrorStats {
    pub n: usize,
    /// Median of |predicted − observed|, seconds.
    pub median_abs_error_s: f64,
    /// Median of predicted − observed, seconds (negative: the model is optimistic).
    pub median_bias_s: f64,
    /// 90th percentile of |predicted − observed|, seconds.
    pub p90_abs_error_s: f64,
    pub spearman: f64,
    /// Share of records observed within the threshold.
    pub observed_within: f64,
    /// Share whose predicted (median) response is within the threshold.
    pub predicted_within: f64,
    /// Mean probability of arriving within the threshold (the calibrated model only).
    pub expected_within: Option<f64>,
}

/// One record's held-out prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordResult {
    /// Index into [`Calibrated::observations`].
    pub observation: usize,
    pub observed_s: f64,
    /// The uncalibrated model: dispatch + turnout + free-flow travel.
    pub free_flow_s: f64,
    /// The calibrated median from the model fitted without this record's fold.
    pub calibrated_s: f64,
    /// Its probability of arriving within the threshold.
    pub p_within: f64,
}

/// Errors of one slice of the records (a station, a road group, an hour band).
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub label: String,
    pub before: ErrorStats,
    pub after: ErrorStats,
}

/// How much slower (factor > 1) real responses are in an hour band than the all-day
/// model says: the median of observed / modelled over the band.
#[derive(Debug, Clone, PartialEq)]
pub struct HourBand {
    pub label: &'static str,
    pub hours: (u8, u8),
    pub n: usize,
    pub factor: f64,
}

/// Records by predicted probability, against what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ReliabilityBin {
    pub p_from: f64,
    pub p_to: f64,
    pub n: usize,
    pub mean_p: f64,
    pub observed_within: f64,
}

/// Everything a calibration found.
#[derive(Debug, Clone)]
pub struct Calibrated {
    /// Fitted on every usable record: what `calibration.toml` holds.
    pub model: ResponseModel,
    pub measured_from: MeasuredFrom,
    pub threshold_s: f64,
    pub folds: usize,
    pub observations: Vec<Observation>,
    pub set_aside: Vec<SetAside>,
    /// Road groups that share another's factor, and why.
    pub pooled: Vec<String>,
    /// Rounds of routing under the fitted factors before they settled.
    pub route_rounds: usize,
    /// Held out: the free-flow model and the calibrated one.
    pub before: ErrorStats,
    pub after: ErrorStats,
    /// The full model on the records it was fitted to (for comparison only).
    pub in_sample: ErrorStats,
    pub results: Vec<RecordResult>,
    pub by_station: Vec<Breakdown>,
    pub by_group: Vec<Breakdown>,
    pub by_hour: Vec<Breakdown>,
    pub hour_bands: Vec<HourBand>,
    pub reliability: Vec<ReliabilityBin>,
    /// Observed time before the wheels turn (p10, p50, p90), when records carry it.
    pub observed_pre_travel_s: Option<[f64; 3]>,
}

/// Fits the response model to `records` on the scenario's free-flow network.
pub fn calibrate(
    inputs: &Inputs,
    prepared: &PreparedNetwork,
    records: &RecordsFile,
    options: &CalibrateOptions,
) -> Result<Calibrated> {
    if inputs.scenario.calibration.is_some() {
        return Err(Error::Scenario(
            "calibration fits the free-flow model: load the scenario without its \
             [calibration]"
                .into(),
        ));
    }
    if options.folds < 2 {
        return Err(Error::Option {
            option: "--folds".into(),
            message: format!("needs at least 2 folds, got {}", options.folds),
        });
    }
    let net = &prepared.network;
    let max_snap_m = inputs.scenario.max_snap_m;
    let mut set_aside = Vec::new();

    // Where each station and record joins the network.
    let mut station_snap: HashMap<usize, Option<SnapPoint>> = HashMap::new();
    let mut candidates: Vec<(usize, SnapPoint)> = Vec::new();
    for (i, r) in records.records.iter().enumerate() {
        let aside = |reason: String| SetAside {
            line: r.line,
            id: r.id.clone(),
            reason,
        };
        if !options.all_pumps && r.pump_order.is_some_and(|p| p > 1) {
            set_aside.push(aside(format!(
                "pump_order {}: the model is of the first unit to arrive (--all-pumps fits \
                 every unit)",
                r.pump_order.unwrap_or(0)
            )));
            continue;
        }
        let snap = *station_snap.entry(r.station).or_insert_with(|| {
            let s = &inputs.stations[r.station];
            prepared
                .index
                .snap(net, s.location.x(), s.location.y())
                .filter(|p| p.access_m <= max_snap_m)
        });
        if snap.is_none() {
            set_aside.push(aside(format!(
                "station `{}` is farther than max_snap_m = {max_snap_m} m from any road",
                inputs.stations[r.station].id
            )));
            continue;
        }
        match prepared
            .index
            .snap(net, r.location.x(), r.location.y())
            .filter(|p| p.access_m <= max_snap_m)
        {
            Some(p) => candidates.push((i, p)),
            None => set_aside.push(aside(format!(
                "the place is farther than max_snap_m = {max_snap_m} m from any road of \
                 the network"
            ))),
        }
    }

    // Routes, one search per station.
    let groups = EdgeGroups::new(net);
    let route_all = |factors: &TimeFactors| -> Vec<Option<RouteSplit>> {
        let mut out = vec![None; candidates.len()];
        let mut by_station: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (k, (i, _)) in candidates.iter().enumerate() {
            by_station
                .entry(records.records[*i].station)
                .or_default()
                .push(k);
        }
        for (station, ks) in by_station {
            let Some(Some(origin)) = station_snap.get(&station) else {
                continue;
            };
            let places: Vec<SnapPoint> = ks.iter().map(|&k| candidates[k].1).collect();
            for (k, split) in ks
                .into_iter()
                .zip(split_routes(net, &groups, factors, origin, &places))
            {
                out[k] = split;
            }
        }
        out
    };
    let free = route_all(&TimeFactors::default());
    let mut observations = Vec::new();
    let mut candidate_of = Vec::new();
    for (c, ((i, place), split)) in candidates.iter().zip(&free).enumerate() {
        let r = &records.records[*i];
        match split {
            Some(s) => {
                candidate_of.push(c);
                observations.push(Observation {
                    record: *i,
                    station: r.station,
                    fold: fold_of(&r.id, options.folds),
                    place: *place,
                    free_flow: *s,
                    route: *s,
                })
            }
            None => set_aside.push(SetAside {
                line: r.line,
                id: r.id.clone(),
                reason: format!(
                    "no route from station `{}` to the place on this network",
                    inputs.stations[r.station].id
                ),
            }),
        }
    }
    set_aside.sort_by_key(|s| s.line);
    if observations.len() < MIN_RECORDS {
        return Err(Error::Scenario(format!(
            "only {} of the {} records can be used (at least {MIN_RECORDS} are needed): {} \
             set aside, {} rejected; see the reasons with --out",
            observations.len(),
            records.records.len() + records.rejected.len(),
            set_aside.len(),
            records.rejected.len()
        )));
    }

    // Fit, route under the fit, fit again until the factors settle.
    let ctx = FitContext {
        inputs,
        records,
        options,
    };
    let all: Vec<usize> = (0..observations.len()).collect();
    let mut fit = ctx.fit(&observations, &all)?;
    let mut best = (
        fit.loss_s,
        fit.model.clone(),
        fit.pooled.clone(),
        observations.clone(),
    );
    let mut route_rounds = 0;
    let mut seen: Vec<TimeFactors> = vec![fit.model.time_factors];
    while route_rounds < 8 {
        route_rounds += 1;
        let routed = route_all(&fit.model.time_factors);
        for (o, &c) in observations.iter_mut().zip(&candidate_of) {
            // The graph is the same, so what was reachable stays reachable.
            if let Some(s) = routed[c] {
                o.route = s;
            }
        }
        let next = ctx.fit(&observations, &all)?;
        if next.loss_s < best.0 {
            best = (
                next.loss_s,
                next.model.clone(),
                next.pooled.clone(),
                observations.clone(),
            );
        }
        let settled = seen.iter().any(|f| {
            RoadGroup::ALL
                .iter()
                .all(|&g| (next.model.time_factors.get(g) / f.get(g) - 1.0).abs() < 0.005)
        });
        seen.push(next.model.time_factors);
        fit = next;
        // Settled, or back to factors seen before (routes flipping between two sets):
        // keep the round that fitted best.
        if settled {
            break;
        }
    }
    let (_, model, pooled, routed_observations) = best;
    observations = routed_observations;
    let fit = Fit {
        model,
        pooled,
        loss_s: 0.0,
    };

    // Held out.
    let threshold_s = inputs.scenario.response.threshold_s;
    let mut results: Vec<Option<RecordResult>> = vec![None; observations.len()];
    for fold in 0..options.folds {
        let train: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&k| observations[k].fold != fold)
            .collect();
        let test: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&k| observations[k].fold == fold)
            .collect();
        if test.is_empty() {
            continue;
        }
        let model = ctx.fit(&observations, &train)?.model;
        for k in test {
            let o = &observations[k];
            let calibrated_s = ctx.predict(&model, o);
            results[k] = Some(RecordResult {
                observation: k,
                observed_s: records.records[o.record].response_s,
                free_flow_s: ctx.free_flow_s(o),
                calibrated_s,
                p_within: model.spread.p_within(calibrated_s, threshold_s),
            });
        }
    }
    let results: Vec<RecordResult> = results.into_iter().flatten().collect();
    let in_sample_pred: Vec<f64> = observations
        .iter()
        .map(|o| ctx.predict(&fit.model, o))
        .collect();
    let in_sample_obs: Vec<f64> = observations
        .iter()
        .map(|o| records.records[o.record].response_s)
        .collect();
    let in_sample_p: Vec<f64> = in_sample_pred
        .iter()
        .map(|&m| fit.model.spread.p_within(m, threshold_s))
        .collect();

    let slice = |label: String, keep: &dyn Fn(&RecordResult) -> bool| -> Option<Breakdown> {
        let part: Vec<&RecordResult> = results.iter().filter(|r| keep(r)).collect();
        (!part.is_empty()).then(|| Breakdown {
            label,
            before: held_out_stats(&part, threshold_s, false),
            after: held_out_stats(&part, threshold_s, true),
        })
    };
    let mut station_ids: Vec<usize> = observations.iter().map(|o| o.station).collect();
    station_ids.sort_unstable();
    station_ids.dedup();
    let by_station = station_ids
        .iter()
        .filter_map(|&s| {
            let st = &inputs.stations[s];
            let label = if st.name != st.id {
                format!("{} {}", st.id, st.name)
            } else {
                st.id.clone()
            };
            slice(label, &|r| observations[r.observation].station == s)
        })
        .collect();
    let by_group = RoadGroup::ALL
        .iter()
        .filter_map(|&g| {
            slice(format!("mostly {}", g.as_str()), &|r| {
                observations[r.observation].route.main_group() == g
            })
        })
        .collect();
    let hour_of = |r: &RecordResult| records.records[observations[r.observation].record].hour;
    let by_hour = HOUR_BANDS
        .iter()
        .filter_map(|&(label, (from, to))| {
            slice(format!("{label} {from:02}–{to:02} h"), &|r| {
                hour_of(r).is_some_and(|h| (from..to).contains(&h))
            })
        })
        .collect();
    let hour_bands = HOUR_BANDS
        .iter()
        .filter_map(|&(label, hours)| {
            let ratios: Vec<f64> = observations
                .iter()
                .zip(&in_sample_pred)
                .filter(|(o, _)| {
                    records.records[o.record]
                        .hour
                        .is_some_and(|h| (hours.0..hours.1).contains(&h))
                })
                .map(|(o, &m)| (records.records[o.record].response_s / m).ln())
                .collect();
            (ratios.len() >= 20).then(|| HourBand {
                label,
                hours,
                n: ratios.len(),
                factor: median(&ratios).exp(),
            })
        })
        .collect();
    let reliability = (0..5)
        .filter_map(|b| {
            let (lo, hi) = (b as f64 * 0.2, (b + 1) as f64 * 0.2);
            let part: Vec<&RecordResult> = results
                .iter()
                .filter(|r| r.p_within >= lo && (r.p_within < hi || (b == 4 && r.p_within <= hi)))
                .collect();
            (!part.is_empty()).then(|| ReliabilityBin {
                p_from: lo,
                p_to: hi,
                n: part.len(),
                mean_p: part.iter().map(|r| r.p_within).sum::<f64>() / part.len() as f64,
                observed_within: part.iter().filter(|r| r.observed_s <= threshold_s).count() as f64
                    / part.len() as f64,
            })
        })
        .collect();
    let pre: Vec<f64> = observations
        .iter()
        .filter_map(|o| records.records[o.record].pre_travel_s)
        .collect();
    let all_results: Vec<&RecordResult> = results.iter().collect();
    Ok(Calibrated {
        measured_from: records.measured_from,
        threshold_s,
        folds: options.folds,
        set_aside,
        pooled: fit.pooled,
        route_rounds,
        before: held_out_stats(&all_results, threshold_s, false),
        after: held_out_stats(&all_results, threshold_s, true),
        in_sample: stats(
            &in_sample_pred,
            &in_sample_obs,
            Some(&in_sample_p),
            threshold_s,
        ),
        results,
        by_station,
        by_group,
        by_hour,
        hour_bands,
        reliability,
        observed_pre_travel_s: (!pre.is_empty()).then(|| {
            [
                quantile(&pre, 0.1),
                quantile(&pre, 0.5),
                quantile(&pre, 0.9),
            ]
        }),
        model: fit.model,
        observations,
    })
}

/// Hour bands of the day for the breakdowns, local time as recorded.
const HOUR_BANDS: [(&str, (u8, u8)); 5] = [
    ("night", (0, 7)),
    ("morning peak", (7, 10)),
    ("day", (10, 16)),
    ("evening peak", (16, 19)),
    ("evening", (19, 24)),
];

/// The fold of an incident: a hash of its id, so both pumps of an incident, and the same
/// incident in any run, land in the same fold.
fn fold_of(id: &str, folds: usize) -> usize {
    // FNV-1a, 64 bit: stable across platforms and Rust versions.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in id.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    (h % folds as u64) as usize
}

fn held_out_stats(part: &[&RecordResult], threshold_s: f64, calibrated: bool) -> ErrorStats {
    let obs: Vec<f64> = part.iter().map(|r| r.observed_s).collect();
    if calibrated {
        let pred: Vec<f64> = part.iter().map(|r| r.calibrated_s).collect();
        let p: Vec<f64> = part.iter().map(|r| r.p_within).collect();
        stats(&pred, &obs, Some(&p), threshold_s)
    } else {
        let pred: Vec<f64> = part.iter().map(|r| r.free_flow_s).collect();
        stats(&pred, &obs, None, threshold_s)
    }
}

fn stats(pred: &[f64], obs: &[f64], p: Option<&[f64]>, threshold_s: f64) -> ErrorStats {
    let n = obs.len();
    if n == 0 {
        return ErrorStats::default();
    }
    let err: Vec<f64> = pred.iter().zip(obs).map(|(p, o)| p - o).collect();
    let abs: Vec<f64> = err.iter().map(|e| e.abs()).collect();
    let share = |v: &[f64]| v.iter().filter(|&&t| t <= threshold_s).count() as f64 / n as f64;
    ErrorStats {
        n,
        median_abs_error_s: median(&abs),
        median_bias_s: median(&err),
        p90_abs_error_s: quantile(&abs, 0.9),
        spearman: spearman(pred, obs),
        observed_within: share(obs),
        predicted_within: share(pred),
        expected_within: p.map(|p| p.iter().sum::<f64>() / n as f64),
    }
}

/// A fitted model and the groups it pooled.
struct Fit {
    model: ResponseModel,
    pooled: Vec<String>,
    /// Σ |observed − modelled| over the records fitted, seconds.
    loss_s: f64,
}

struct FitContext<'a> {
    inputs: &'a Inputs,
    records: &'a RecordsFile,
    options: &'a CalibrateOptions,
}

impl FitContext<'_> {
    /// The uncalibrated model's response: dispatch + turnout + free-flow travel.
    fn free_flow_s(&self, o: &Observation) -> f64 {
        let r = &self.inputs.scenario.response;
        r.dispatch_s
            + self.inputs.stations[o.station]
                .turnout_s
                .unwrap_or(r.turnout_s)
            + o.free_flow.travel_s(&TimeFactors::default())
    }

    /// The model's median response for an observation.
    fn predict(&self, model: &ResponseModel, o: &Observation) -> f64 {
        let id = &self.inputs.stations[o.station].id;
        model
            .station_pre_travel_s
            .get(id)
            .copied()
            .unwrap_or(model.pre_travel_s)
            + o.route.travel_s(&model.time_factors)
    }

    /// Fits the model to the observations `use_`.
    fn fit(&self, obs: &[Observation], use_: &[usize]) -> Result<Fit> {
        let rec = |o: &Observation| &self.records.records[o.record];
        let pre_known = use_.iter().all(|&k| rec(&obs[k]).pre_travel_s.is_some());
        // What the regression explains: the response without access legs (and without the
        // measured pre-travel time, when every record has it).
        let y: Vec<f64> = use_
            .iter()
            .map(|&k| {
                let o = &obs[k];
                let r = rec(o);
                r.response_s
                    - o.route.access_s
                    - if pre_known {
                        r.pre_travel_s.unwrap_or(0.0)
                    } else {
                        0.0
                    }
            })
            .collect();
        let splits: Vec<&RouteSplit> = use_.iter().map(|&k| &obs[k].route).collect();

        // Which groups have enough driving for their own factor.
        let total: [f64; 3] =
            std::array::from_fn(|g| splits.iter().map(|s| s.free_flow_s[g]).sum());
        let all_total: f64 = total.iter().sum();
        let mut active: Vec<bool> = total
            .iter()
            .map(|&t| all_total > 0.0 && t / all_total >= MIN_GROUP_SHARE)
            .collect();
        if !active.iter().any(|&a| a) {
            let best = (0..3)
                .max_by(|&a, &b| total[a].total_cmp(&total[b]))
                .unwrap_or(2);
            active[best] = true;
        }
        // The constant part: with measured pre-travel times one intercept (the per-trip
        // constant); otherwise one per station with enough records and one shared by the
        // rest (station fixed effects, fitted jointly with the factors).
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for &k in use_ {
            *counts.entry(obs[k].station).or_default() += 1;
        }
        let own: Vec<usize> = counts
            .iter()
            .filter(|(_, &n)| !pre_known && n >= self.options.min_station_records)
            .map(|(&s, _)| s)
            .collect();
        let has_rest = pre_known || use_.iter().any(|&k| !own.contains(&obs[k].station));
        let mut with_rest = has_rest;
        let beta = loop {
            let target = pool_targets(&active);
            let x: Vec<Vec<f64>> = use_
                .iter()
                .zip(&splits)
                .map(|(&k, s)| {
                    let mut row = Vec::with_capacity(own.len() + 4);
                    let station = obs[k].station;
                    for &o in &own {
                        row.push(if o == station { 1.0 } else { 0.0 });
                    }
                    if with_rest {
                        row.push(if own.contains(&station) { 0.0 } else { 1.0 });
                    }
                    for (a, _) in active.iter().enumerate().filter(|(_, &on)| on) {
                        let t: f64 = (0..3)
                            .filter(|&g| target[g] == a)
                            .map(|g| s.free_flow_s[g])
                            .sum();
                        row.push(t);
                    }
                    row
                })
                .collect();
            let n_active = active.iter().filter(|&&a| a).count();
            let Some(b) = median_regression(&x, &y) else {
                if n_active <= 1 {
                    return Err(Error::Scenario(
                        "the records cannot be fitted: their routes have no driving time".into(),
                    ));
                }
                pool_smallest(&mut active, &total);
                continue;
            };
            let constants = own.len() + usize::from(with_rest);
            // A negative per-trip constant is not physical: fit without one.
            if pre_known && with_rest && b[constants - 1] < 0.0 {
                with_rest = false;
                continue;
            }
            let bad = (0..3)
                .filter(|&a| active[a])
                .zip(&b[constants..])
                .find(|(_, &f)| !(FACTOR_RANGE.0..=FACTOR_RANGE.1).contains(&f));
            if let Some((a, &f)) = bad {
                if n_active <= 1 {
                    return Err(Error::Scenario(format!(
                        "the records do not fit a travel-time model: the fitted factor is \
                         {f:.2} (expected {} … {}); are the times in seconds and the \
                         stations the ones that responded?",
                        FACTOR_RANGE.0, FACTOR_RANGE.1
                    )));
                }
                active[a] = false;
                continue;
            }
            break b;
        };
        let constants = own.len() + usize::from(with_rest);
        let target = pool_targets(&active);
        let mut factors = TimeFactors::default();
        let mut it = beta[constants..].iter();
        let mut by_active = [1.0; 3];
        for a in 0..3 {
            if active[a] {
                by_active[a] = *it.next().unwrap_or(&1.0);
            }
        }
        let mut pooled = Vec::new();
        for (g, &group) in RoadGroup::ALL.iter().enumerate() {
            factors.set(group, by_active[target[g]]);
            if target[g] != g {
                pooled.push(format!(
                    "{} shares the factor of {}: {:.1} % of the records' free-flow driving \
                     (its own factor needs {:.0} % and a stable fit)",
                    group.as_str(),
                    RoadGroup::ALL[target[g]].as_str(),
                    if all_total > 0.0 {
                        100.0 * total[g] / all_total
                    } else {
                        0.0
                    },
                    100.0 * MIN_GROUP_SHARE
                ));
            }
        }
        let rest_s = with_rest.then(|| beta[own.len()]);

        // Time before the wheels turn, overall and per station.
        let (pre_travel_s, station_pre_travel_s) = if pre_known {
            let constant_s = rest_s.unwrap_or(0.0);
            let mut per: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
            for &k in use_ {
                per.entry(obs[k].station)
                    .or_default()
                    .push(rec(&obs[k]).pre_travel_s.unwrap_or(0.0));
            }
            let overall: Vec<f64> = per.values().flatten().copied().collect();
            let stations = per
                .iter()
                .filter(|(_, v)| v.len() >= self.options.min_station_records)
                .map(|(&s, v)| (self.inputs.stations[s].id.clone(), median(v) + constant_s))
                .collect();
            (median(&overall) + constant_s, stations)
        } else {
            let own_s: Vec<f64> = beta[..own.len()].iter().map(|v| v.max(0.0)).collect();
            let stations: BTreeMap<String, f64> = own
                .iter()
                .zip(&own_s)
                .map(|(&s, &v)| (self.inputs.stations[s].id.clone(), v))
                .collect();
            // Stations without their own value (and new ones a plan adds): the shared
            // constant of the stations with few records, else the median station.
            let other = match rest_s {
                Some(v) => v.max(0.0),
                None => median(&own_s),
            };
            (other, stations)
        };
        let mut model = ResponseModel {
            measured_from: self.records.measured_from.as_str().to_string(),
            pre_travel_s,
            station_pre_travel_s,
            time_factors: factors,
            spread: Spread {
                points: Vec::new(),
                standard_quantiles: Vec::new(),
            },
        };
        let pred: Vec<f64> = use_
            .iter()
            .map(|&k| self.predict(&model, &obs[k]))
            .collect();
        let observed: Vec<f64> = use_.iter().map(|&k| rec(&obs[k]).response_s).collect();
        model.spread = fit_spread(&pred, &observed);
        let loss_s = pred.iter().zip(&observed).map(|(p, o)| (p - o).abs()).sum();
        Ok(Fit {
            model,
            pooled,
            loss_s,
        })
    }
}

/// For each group, the active group whose factor it uses: itself, else the nearest active
/// neighbour (motorway/trunk → primary/secondary → local).
fn pool_targets(active: &[bool]) -> [usize; 3] {
    std::array::from_fn(|g| {
        let order: [usize; 3] = match g {
            0 => [0, 1, 2],
            1 => [1, 2, 0],
            _ => [2, 1, 0],
        };
        order.into_iter().find(|&a| active[a]).unwrap_or(g)
    })
}

/// Pools the active group with the least driving.
fn pool_smallest(active: &mut [bool], total: &[f64; 3]) {
    if let Some(g) = (0..3)
        .filter(|&g| active[g])
        .min_by(|&a, &b| total[a].total_cmp(&total[b]))
    {
        active[g] = false;
    }
}

/// The spread of log(observed / predicted) against the prediction: up to five bins of
/// equal count (at least 60 records each), each with its median and scaled MAD; then the
/// quantiles of the residuals standardised by them.
fn fit_spread(pred: &[f64], obs: &[f64]) -> Spread {
    let r: Vec<f64> = pred
        .iter()
        .zip(obs)
        .map(|(&p, &o)| (o / p.max(1.0)).ln())
        .collect();
    let mut order: Vec<usize> = (0..pred.len()).collect();
    order.sort_by(|&a, &b| pred[a].total_cmp(&pred[b]).then(a.cmp(&b)));
    let n = order.len();
    let bins = (n / 60).clamp(1, 5);
    let mut points: Vec<SpreadPoint> = Vec::new();
    for b in 0..bins {
        let part = &order[b * n / bins..(b + 1) * n / bins];
        let rs: Vec<f64> = part.iter().map(|&i| r[i]).collect();
        let location = median(&rs);
        let mad: Vec<f64> = rs.iter().map(|v| (v - location).abs()).collect();
        let point = SpreadPoint {
            median_s: median(&part.iter().map(|&i| pred[i]).collect::<Vec<_>>()),
            location,
            scale: (1.4826 * median(&mad)).max(0.01),
        };
        if points
            .last()
            .is_none_or(|last| point.median_s > last.median_s)
        {
            points.push(point);
        }
    }
    let mut spread = Spread {
        points,
        standard_quantiles: Vec::new(),
    };
    let z: Vec<f64> = pred
        .iter()
        .zip(&r)
        .map(|(&p, &ri)| {
            let (loc, scale) = spread.at(p);
            (ri - loc) / scale
        })
        .collect();
    let mut sorted = z;
    sorted.sort_by(f64::total_cmp);
    spread.standard_quantiles = (0..SPREAD_LEVELS)
        .map(|i| robust::quantile_sorted(&sorted, (i as f64 + 0.5) / SPREAD_LEVELS as f64))
        .collect();
    spread
}
