//! A response-time model learned from the brigade's own incident records (`fireplan
//! calibrate`): travel-time factors per road group, the time before the wheels turn per
//! station, and the spread of real responses around the model, which turns a response time
//! into a probability of arriving within the threshold.
//!
//! The model: the median response of station `s` to a place is
//! `pre_travel_s(s) + Σ_g factor_g × free-flow travel on road group g + access legs`;
//! the real response is that median × exp(location(m) + scale(m) × Z), with `m` the median,
//! `location` and `scale` interpolated from [`Spread::points`] and `Z` drawn from the
//! standardised residuals the fit left ([`Spread::standard_quantiles`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::RoadClass;

/// The file format version of `calibration.toml`.
pub const CALIBRATION_FORMAT: u32 = 1;

/// Road classes grouped for the travel-time factors: records rarely hold enough driving on
/// one class to fit it alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadGroup {
    /// Motorway and trunk roads (高速公路、快速路), with their links.
    MotorwayTrunk,
    /// Primary and secondary roads (主干路、次干路), with their links.
    PrimarySecondary,
    /// Tertiary roads and everything below (支路、街巷、小区道路). (The access legs between a
    /// point and its road keep their 15 km/h: no factor scales them.)
    Local,
}

impl RoadGroup {
    pub const ALL: [RoadGroup; 3] = [
        RoadGroup::MotorwayTrunk,
        RoadGroup::PrimarySecondary,
        RoadGroup::Local,
    ];

    /// The group a road class belongs to.
    pub fn of(class: RoadClass) -> RoadGroup {
        match class {
            RoadClass::Motorway | RoadClass::Trunk => RoadGroup::MotorwayTrunk,
            RoadClass::Primary | RoadClass::Secondary => RoadGroup::PrimarySecondary,
            _ => RoadGroup::Local,
        }
    }

    /// The name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            RoadGroup::MotorwayTrunk => "motorway_trunk",
            RoadGroup::PrimarySecondary => "primary_secondary",
            RoadGroup::Local => "local",
        }
    }
}

/// Multipliers of free-flow travel time per road group (1.0 = free flow; 1.5 = real trips
/// take half as long again).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeFactors {
    pub motorway_trunk: f64,
    pub primary_secondary: f64,
    pub local: f64,
}

impl Default for TimeFactors {
    fn default() -> Self {
        TimeFactors {
            motorway_trunk: 1.0,
            primary_secondary: 1.0,
            local: 1.0,
        }
    }
}

impl TimeFactors {
    pub fn get(&self, group: RoadGroup) -> f64 {
        match group {
            RoadGroup::MotorwayTrunk => self.motorway_trunk,
            RoadGroup::PrimarySecondary => self.primary_secondary,
            RoadGroup::Local => self.local,
        }
    }

    pub fn set(&mut self, group: RoadGroup, factor: f64) {
        match group {
            RoadGroup::MotorwayTrunk => self.motorway_trunk = factor,
            RoadGroup::PrimarySecondary => self.primary_secondary = factor,
            RoadGroup::Local => self.local = factor,
        }
    }

    /// The factor of every road class, in [`RoadClass::ALL`] order.
    pub fn per_class(&self) -> [f64; 10] {
        RoadClass::ALL.map(|c| self.get(RoadGroup::of(c)))
    }
}

/// One point of the spread curve: at a median response of `median_s`, log(real / median)
/// has this `location` (median) and `scale` (1.4826 × median absolute deviation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpreadPoint {
    pub median_s: f64,
    pub location: f64,
    pub scale: f64,
}

/// How real responses scatter around the modelled median.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Increasing in `median_s`; linear in between, constant beyond the ends.
    pub points: Vec<SpreadPoint>,
    /// Quantiles of the standardised residual Z at levels (i + ½) / n, increasing.
    pub standard_quantiles: Vec<f64>,
}

impl Spread {
    /// (location, scale) of log(real / median) at a median response of `median_s`.
    pub fn at(&self, median_s: f64) -> (f64, f64) {
        let p = &self.points;
        let Some(first) = p.first() else {
            return (0.0, 0.0);
        };
        if median_s <= first.median_s {
            return (first.location, first.scale);
        }
        for w in p.windows(2) {
            if median_s <= w[1].median_s {
                let span = w[1].median_s - w[0].median_s;
                let f = if span > 0.0 {
                    (median_s - w[0].median_s) / span
                } else {
                    1.0
                };
                return (
                    w[0].location + f * (w[1].location - w[0].location),
                    w[0].scale + f * (w[1].scale - w[0].scale),
                );
            }
        }
        let last = p[p.len() - 1];
        (last.location, last.scale)
    }

    /// The standardised residual at cumulative probability `u` (0 … 1): the inverse of
    /// the table [`Spread::p_within`] reads, for drawing realised responses.
    pub fn standard_quantile(&self, u: f64) -> f64 {
        let q = &self.standard_quantiles;
        let n = q.len();
        if n == 0 {
            return 0.0;
        }
        let h = u * n as f64 - 0.5;
        if h <= 0.0 {
            return q[0];
        }
        let i = h.floor() as usize;
        if i + 1 >= n {
            return q[n - 1];
        }
        q[i] + (h - i as f64) * (q[i + 1] - q[i])
    }

    /// A realised response: the median scaled by exp(location + scale × `z`) at that
    /// median.
    pub fn realised_s(&self, median_s: f64, z: f64) -> f64 {
        let (location, scale) = self.at(median_s);
        median_s * (location + scale * z).exp()
    }

    /// Probability that a response whose modelled median is `median_s` arrives within
    /// `threshold_s`: the share of standardised residuals at or below the one the
    /// threshold needs, read off the quantile table (linear between levels, 0 and 1
    /// beyond its ends).
    pub fn p_within(&self, median_s: f64, threshold_s: f64) -> f64 {
        if !median_s.is_finite() {
            return 0.0;
        }
        if median_s <= 0.0 {
            return 1.0;
        }
        let (location, scale) = self.at(median_s);
        let need = (threshold_s / median_s).ln() - location;
        let q = &self.standard_quantiles;
        if scale <= 0.0 || q.is_empty() {
            return if need >= 0.0 { 1.0 } else { 0.0 };
        }
        let z = need / scale;
        let n = q.len() as f64;
        if z < q[0] {
            return 0.0;
        }
        if z >= q[q.len() - 1] {
            return 1.0;
        }
        // The last level whose quantile is ≤ z, then linear to the next.
        let i = q.partition_point(|&v| v <= z) - 1;
        let (lo, hi) = (q[i], q[i + 1]);
        let f = if hi > lo { (z - lo) / (hi - lo) } else { 1.0 };
        ((i as f64 + 0.5 + f) / n).clamp(0.0, 1.0)
    }
}

/// The fitted response-time model `run`, `check`, `simulate`, `optimize` and `sweep` use
/// when a scenario names a calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseModel {
    /// What the records' times are measured from: `dispatch` (派车/出动命令), `alarm`
    /// (接警) or `record` (the `response_s` column, as the brigade defines it).
    pub measured_from: String,
    /// Time before the wheels turn plus the per-trip constant, seconds, for stations
    /// without their own value: replaces `dispatch_s + turnout_s`.
    pub pre_travel_s: f64,
    /// The same per station id, where the records held enough of its responses.
    #[serde(default)]
    pub station_pre_travel_s: BTreeMap<String, f64>,
    pub time_factors: TimeFactors,
    pub spread: Spread,
}

impl ResponseModel {
    /// What the times are measured from, in words for reports.
    pub fn measured_from_text(&self) -> &'static str {
        match self.measured_from.as_str() {
            "dispatch" => "the dispatch order (派车) to arrival",
            "alarm" => "the call (接警) to arrival",
            _ => "the start the records' `response_s` column uses, to arrival",
        }
    }
}

/// The part of `calibration.toml` a run reads (the file also holds the data and the fit
/// statistics, for people).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub format: u32,
    pub model: ResponseModel,
}

/// What `calibration.toml` says of the records the model was fitted to (`[data]`) and how
/// well it predicts records it did not see (`[fit]`): read with the model so that a report
/// can say why the model deserves trust; never used to compute a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationFit {
    pub data: FitData,
    pub fit: FitQuality,
}

/// `[data]` of `calibration.toml`: the records file and how many of its rows the fit used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitData {
    /// The records file as `fireplan calibrate` was given it.
    pub records: String,
    /// Data rows of the records file.
    pub rows: usize,
    /// Rows refused (unreadable values).
    pub rejected: usize,
    /// Rows read but left out of the fit (later pumps, places or stations off the roads).
    pub set_aside: usize,
    /// Responses the model was fitted to.
    pub used: usize,
    /// The stations those responses came from.
    pub stations: Vec<String>,
}

/// `[fit]` of `calibration.toml`: how the error was measured and what it came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitQuality {
    /// How records were held out (`5-fold by incident id`).
    pub held_out: String,
    /// The threshold the within-threshold shares were counted at, seconds.
    pub threshold_s: f64,
    /// Free flow (dispatch + turnout + free-flow travel) against the records.
    pub before: FitErrors,
    /// The calibrated model against records held out of its fit.
    pub after: FitErrors,
}

/// Prediction errors over `n` records, seconds, and the within-threshold shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitErrors {
    pub n: usize,
    pub median_abs_error_s: f64,
    /// Median of predicted − observed (negative: the model is optimistic).
    pub median_bias_s: f64,
    pub p90_abs_error_s: f64,
    /// Share of records observed within the threshold.
    pub observed_within: f64,
    /// Share whose predicted median is within the threshold.
    pub predicted_within: f64,
    /// Mean probability of arriving within the threshold (calibrated model only).
    #[serde(default)]
    pub expected_within: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread() -> Spread {
        Spread {
            points: vec![
                SpreadPoint {
                    median_s: 100.0,
                    location: 0.0,
                    scale: 0.4,
                },
                SpreadPoint {
                    median_s: 300.0,
                    location: 0.1,
                    scale: 0.2,
                },
            ],
            // Levels 0.125, 0.375, 0.625, 0.875.
            standard_quantiles: vec![-1.0, -0.5, 0.5, 1.0],
        }
    }

    #[test]
    fn spread_is_linear_between_points_and_flat_beyond() {
        let s = spread();
        assert_eq!(s.at(50.0), (0.0, 0.4));
        assert_eq!(s.at(1000.0), (0.1, 0.2));
        let (l, sc) = s.at(200.0);
        assert!((l - 0.05).abs() < 1e-12 && (sc - 0.3).abs() < 1e-12);
    }

    #[test]
    fn p_within_reads_the_quantile_table() {
        let s = spread();
        // Median 100 s, location 0, scale 0.4: threshold e^{0.4·(−0.5)}·100 s sits on the
        // second level (0.375); halfway between the 2nd and 3rd quantile (z = 0) is 0.5.
        let t = 100.0 * (0.4f64 * -0.5).exp();
        assert!((s.p_within(100.0, t) - 0.375).abs() < 1e-9);
        assert!((s.p_within(100.0, 100.0) - 0.5).abs() < 1e-9);
        assert_eq!(s.p_within(100.0, 10.0), 0.0);
        assert_eq!(s.p_within(100.0, 1000.0), 1.0);
        // Later medians are less likely within the same threshold.
        assert!(s.p_within(250.0, 300.0) < s.p_within(200.0, 300.0));
        assert_eq!(s.p_within(f64::INFINITY, 300.0), 0.0);
    }

    #[test]
    fn standard_quantile_inverts_p_within() {
        let s = spread();
        for u in [0.2, 0.375, 0.5, 0.7, 0.8] {
            let z = s.standard_quantile(u);
            // The threshold at which a 100 s median (location 0, scale 0.4) is reached
            // with probability u.
            let t = s.realised_s(100.0, z);
            assert!((s.p_within(100.0, t) - u).abs() < 1e-9, "{u}");
        }
        assert_eq!(s.standard_quantile(0.0), -1.0);
        assert_eq!(s.standard_quantile(1.0), 1.0);
    }
}
