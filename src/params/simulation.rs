//! `[simulation]` of a scenario as written (its doc comments are the user documentation),
//! checked on its own; `sim::SimParams::resolve` applies the defaults the incident file gives.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::model::IncidentType;
use crate::names::nearest;

/// `[simulation]` as written. Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSection {
    /// Incidents per year today (before `growth`). Default: the records of the incident
    /// file per year of the dates they span (needs a `time` column spanning ≥ 28 days).
    pub incidents_per_year: Option<f64>,
    /// Multiplies the yearly rate, e.g. 1.2 for 20 % more incidents by the planning year.
    /// Default 1.
    pub growth: Option<f64>,
    /// Relative call rate for each hour of the local day, 24 numbers from 00–01 on.
    /// Default: the incident file's hours (≥ 240 records with a clock time), else a
    /// typical diurnal shape (night trough, late-afternoon peak).
    pub hour_profile: Option<Vec<f64>>,
    /// Relative call rate for each day of the week, 7 numbers from Monday on. Default:
    /// the incident file's weekdays (≥ 70 dated records), else flat.
    pub weekday_profile: Option<Vec<f64>>,
    /// Share of each incident type (`building_fire`, `vehicle_fire`, `rescue`, `hazmat`,
    /// `other`); shares are normalised, types left out get 0. Default: the incident file's
    /// `kind` column (kinds that name no type count as `other`), else 0.22 / 0.07 / 0.36 /
    /// 0.03 / 0.32.
    pub type_mix: Option<BTreeMap<String, f64>>,
    /// Where incidents happen: `incidents` resamples the historical points (by weight,
    /// the points of the drawn type when the file has kinds) with a small jitter;
    /// `demand` draws demand points by weight without jitter. Default: `incidents` for a
    /// demand file, `demand` for OSM buildings.
    pub spatial: Option<String>,
    /// Jitter radius around a resampled point, metres (uniform in the disc). Default 50 for
    /// `spatial = "incidents"`, 0 for `demand`.
    pub jitter_m: Option<f64>,
    /// Jittered places drawn (and snapped) per point once per run, among which each
    /// incident picks one. Default 8.
    pub jitter_samples: Option<u32>,
    /// Response plan per type: units by vehicle kind (the `kind` of the vehicles file).
    /// Defaults: building_fire 2 engine + 1 aerial; vehicle_fire 1 engine; rescue 1 rescue;
    /// hazmat 1 hazmat + 1 engine; other 1 engine. A type given here replaces its default.
    pub plans: Option<BTreeMap<String, BTreeMap<String, u32>>>,
    /// On-scene time per type (each unit, from its arrival). Defaults (lognormal, mean /
    /// sd in minutes): building_fire 75/60, vehicle_fire 35/20, rescue 45/35, hazmat
    /// 90/60, other 30/25 — planning assumptions, not calibrated; override with local
    /// records.
    pub on_scene: Option<BTreeMap<String, OnSceneSection>>,
    /// When no suitable unit is free: `queue` (the incident waits for the first suitable
    /// unit to come back; default) or `lost` (the missing units are not sent, as if
    /// covered by mutual aid outside the model).
    pub when_all_busy: Option<String>,
    /// The longest drive a unit is sent over, minutes of travel (access legs, dispatch and
    /// turnout not counted): stations farther from a place never respond to it, and an
    /// incident only waits for units within it (跨区调派的行车时间上限). Default 60.
    pub dispatch_reach_min: Option<f64>,
    /// Units given to every responding station that has no row in the vehicles file (or
    /// when the scenario has no vehicles file), by kind, e.g. `{ engine = 2, rescue = 1 }`.
    pub default_fleet: Option<BTreeMap<String, u32>>,
    /// Simulated years per replication (default 1; `--years` overrides).
    pub years: Option<f64>,
    /// Independent replications (default 20; `--reps` overrides).
    pub replications: Option<u32>,
    /// Seed of every random stream (default 1; `--seed` overrides).
    pub seed: Option<u64>,
}

/// `[simulation.on_scene.<type>]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OnSceneSection {
    /// `lognormal` (default), `gamma`, `exponential` or `fixed`.
    pub distribution: Option<String>,
    /// Mean on-scene time, minutes.
    pub mean_min: f64,
    /// Standard deviation, minutes (lognormal and gamma; default: equal to the mean).
    pub sd_min: Option<f64>,
}

/// An on-scene time distribution, minutes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "distribution", rename_all = "lowercase")]
pub enum OnScene {
    Fixed { mean_min: f64 },
    Exponential { mean_min: f64 },
    Lognormal { mean_min: f64, sd_min: f64 },
    Gamma { mean_min: f64, sd_min: f64 },
}

impl OnScene {
    pub fn mean_min(&self) -> f64 {
        match *self {
            OnScene::Fixed { mean_min }
            | OnScene::Exponential { mean_min }
            | OnScene::Lognormal { mean_min, .. }
            | OnScene::Gamma { mean_min, .. } => mean_min,
        }
    }
}

/// Where incidents happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Spatial {
    /// Historical incident points resampled with jitter (by type when the file has kinds).
    Incidents,
    /// Demand points by weight, no jitter by default.
    Demand,
}

/// What happens to the part of a plan no free unit can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WhenAllBusy {
    /// Wait for the first suitable unit to come back (first in, first served).
    Queue,
    /// Not sent: the incident is counted without those units.
    Lost,
}

pub(crate) fn key_error(path: &Path, key: &str, message: impl Into<String>) -> Error {
    let field = key.rsplit('.').next().unwrap_or(key).to_string();
    Error::input(path, Location::Key(key.to_string()), field, message)
}

/// The incident type named by a key of `[simulation.<table>]`, with a suggestion.
pub(crate) fn type_key(path: &Path, table: &str, name: &str) -> Result<IncidentType> {
    IncidentType::parse(name).ok_or_else(|| {
        let names = IncidentType::ALL.map(IncidentType::as_str);
        let hint = nearest(name, names)
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        key_error(
            path,
            &format!("simulation.{table}.{name}"),
            format!(
                "unknown incident type `{name}`; expected one of {}{hint}",
                names.join(", ")
            ),
        )
    })
}

fn check_profile(path: &Path, key: &str, v: &[f64], len: usize, what: &str) -> Result<()> {
    if v.len() != len {
        return Err(key_error(
            path,
            key,
            format!("expected {len} numbers ({what}), got {}", v.len()),
        ));
    }
    if let Some(x) = v.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
        return Err(key_error(
            path,
            key,
            format!("expected numbers ≥ 0, got {x}"),
        ));
    }
    if v.iter().sum::<f64>() <= 0.0 {
        return Err(key_error(
            path,
            key,
            "all zero: no incident could ever happen",
        ));
    }
    Ok(())
}

impl OnSceneSection {
    pub(crate) fn resolve(&self, path: &Path, key: &str) -> Result<OnScene> {
        let mean_min = self.mean_min;
        if !(mean_min.is_finite() && mean_min > 0.0) {
            return Err(key_error(
                path,
                &format!("{key}.mean_min"),
                format!("expected minutes > 0, got {mean_min}"),
            ));
        }
        let sd_min = self.sd_min.unwrap_or(mean_min);
        if !(sd_min.is_finite() && sd_min > 0.0) {
            return Err(key_error(
                path,
                &format!("{key}.sd_min"),
                format!("expected minutes > 0, got {sd_min}"),
            ));
        }
        Ok(match self.distribution.as_deref().unwrap_or("lognormal") {
            "lognormal" => OnScene::Lognormal { mean_min, sd_min },
            "gamma" => OnScene::Gamma { mean_min, sd_min },
            "exponential" => OnScene::Exponential { mean_min },
            "fixed" => OnScene::Fixed { mean_min },
            other => {
                return Err(key_error(
                    path,
                    &format!("{key}.distribution"),
                    format!(
                        "unknown distribution `{other}`; expected lognormal, gamma, \
                         exponential or fixed"
                    ),
                ))
            }
        })
    }
}

impl SimulationSection {
    /// Checks what can be checked without the incident file and the stations: numbers,
    /// profile lengths, type names, distributions. `path` is the scenario file.
    pub fn check(&self, path: &Path) -> Result<()> {
        for (key, v) in [
            ("simulation.incidents_per_year", self.incidents_per_year),
            ("simulation.growth", self.growth),
            ("simulation.years", self.years),
        ] {
            if let Some(v) = v {
                if !(v.is_finite() && v > 0.0) {
                    return Err(key_error(
                        path,
                        key,
                        format!("expected a number > 0, got {v}"),
                    ));
                }
            }
        }
        if let Some(r) = self.dispatch_reach_min {
            if r.is_nan() || r <= 0.0 {
                return Err(key_error(
                    path,
                    "simulation.dispatch_reach_min",
                    format!("expected minutes > 0 (a number; `inf` for no limit), got {r}"),
                ));
            }
        }
        if let Some(j) = self.jitter_m {
            if !(j.is_finite() && j >= 0.0) {
                return Err(key_error(
                    path,
                    "simulation.jitter_m",
                    format!("expected metres ≥ 0, got {j}"),
                ));
            }
        }
        for (key, v) in [
            ("simulation.jitter_samples", self.jitter_samples),
            ("simulation.replications", self.replications),
        ] {
            if v == Some(0) {
                return Err(key_error(path, key, "expected a whole number ≥ 1, got 0"));
            }
        }
        if let Some(h) = &self.hour_profile {
            check_profile(
                path,
                "simulation.hour_profile",
                h,
                24,
                "one per hour, 00–01 first",
            )?;
        }
        if let Some(w) = &self.weekday_profile {
            check_profile(
                path,
                "simulation.weekday_profile",
                w,
                7,
                "one per day, Monday first",
            )?;
        }
        if let Some(mix) = &self.type_mix {
            for (name, &share) in mix {
                type_key(path, "type_mix", name)?;
                if !(share.is_finite() && share >= 0.0) {
                    return Err(key_error(
                        path,
                        &format!("simulation.type_mix.{name}"),
                        format!("expected a share ≥ 0, got {share}"),
                    ));
                }
            }
            if mix.values().sum::<f64>() <= 0.0 {
                return Err(key_error(
                    path,
                    "simulation.type_mix",
                    "all shares are zero: give at least one type a share > 0",
                ));
            }
        }
        if let Some(s) = &self.spatial {
            if !matches!(s.as_str(), "incidents" | "demand") {
                return Err(key_error(
                    path,
                    "simulation.spatial",
                    format!("expected `incidents` or `demand`, got `{s}`"),
                ));
            }
        }
        if let Some(w) = &self.when_all_busy {
            if !matches!(w.as_str(), "queue" | "lost") {
                return Err(key_error(
                    path,
                    "simulation.when_all_busy",
                    format!("expected `queue` or `lost`, got `{w}`"),
                ));
            }
        }
        if let Some(plans) = &self.plans {
            for (name, units) in plans {
                type_key(path, "plans", name)?;
                if units.values().all(|&n| n == 0) {
                    return Err(key_error(
                        path,
                        &format!("simulation.plans.{name}"),
                        "a response plan needs at least one unit, e.g. `{ engine = 1 }`",
                    ));
                }
            }
        }
        if let Some(on_scene) = &self.on_scene {
            for (name, spec) in on_scene {
                type_key(path, "on_scene", name)?;
                spec.resolve(path, &format!("simulation.on_scene.{name}"))?;
            }
        }
        Ok(())
    }
}
