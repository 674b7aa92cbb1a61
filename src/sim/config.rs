//! The `[simulation]` section of a scenario: [`SimulationSection`] mirrors the file as
//! written (its doc comments are the user documentation); [`SimParams`] is the resolved
//! form, with defaults taken from the incident file where it can tell (rate, hour and
//! weekday profiles, type mix) and built-in planning defaults elsewhere.
//!
//! ```toml
//! [simulation]
//! incidents_per_year = 4300      # default: from the incident file's `time` column
//! growth = 1.2                   # 20 % more incidents by the planning year
//! when_all_busy = "queue"        # or "lost"
//! [simulation.type_mix]          # default: from the `kind` column
//! building_fire = 0.25
//! [simulation.plans]             # units by vehicle kind, per incident type
//! building_fire = { engine = 2, aerial = 1 }
//! [simulation.on_scene.building_fire]
//! distribution = "lognormal"
//! mean_min = 75
//! sd_min = 60
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::clock::Stamp;
use super::types::IncidentType;
use crate::error::{Error, Location, Result};
use crate::io::scenario::{DemandSource, Scenario};
use crate::io::tables::nearest;
use crate::model::DemandPoint;

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

/// One incident type's share, response plan and on-scene time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypeParams {
    #[serde(rename = "type")]
    pub kind: IncidentType,
    /// Share of incidents (the shares sum to 1).
    pub share: f64,
    /// Units needed by vehicle kind.
    pub plan: BTreeMap<String, u32>,
    pub on_scene: OnScene,
}

/// The resolved simulation parameters (every default applied), recorded in
/// `sim_summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimParams {
    /// The scenario file, named in errors about these parameters.
    #[serde(skip)]
    pub source: PathBuf,
    /// Today's yearly rate, before growth.
    pub incidents_per_year: f64,
    pub growth: f64,
    /// Relative rates by local hour (00–01 first).
    pub hour_profile: [f64; 24],
    /// Relative rates by weekday (Monday first).
    pub weekday_profile: [f64; 7],
    /// In [`IncidentType::ALL`] order.
    pub types: Vec<TypeParams>,
    pub spatial: Spatial,
    pub jitter_m: f64,
    pub jitter_samples: u32,
    pub when_all_busy: WhenAllBusy,
    /// Fleet for stations without vehicles rows, by kind.
    pub default_fleet: BTreeMap<String, u32>,
    pub years: f64,
    pub replications: u32,
    pub seed: u64,
    /// Where each defaulted value came from (`incident file: …`, `built-in default`).
    pub sources: BTreeMap<String, String>,
}

impl SimParams {
    /// Incidents per year simulated: rate × growth.
    pub fn rate_per_year(&self) -> f64 {
        self.incidents_per_year * self.growth
    }
}

/// A typical diurnal shape of fire-service calls (night trough, late-afternoon peak).
pub const DEFAULT_HOUR_PROFILE: [f64; 24] = [
    2.0, 1.6, 1.3, 1.1, 1.0, 1.1, 1.6, 2.6, 3.6, 4.4, 4.8, 5.0, 4.8, 4.6, 4.8, 5.0, 5.2, 5.4, 5.2,
    4.8, 4.2, 3.6, 3.0, 2.4,
];

/// Shares in [`IncidentType::ALL`] order when the incident file has no kinds.
pub const DEFAULT_TYPE_MIX: [f64; 5] = [0.22, 0.07, 0.36, 0.03, 0.32];

/// Default response plan of a type: units by vehicle kind.
pub fn default_plan(t: IncidentType) -> BTreeMap<String, u32> {
    let units: &[(&str, u32)] = match t {
        IncidentType::BuildingFire => &[("engine", 2), ("aerial", 1)],
        IncidentType::VehicleFire => &[("engine", 1)],
        IncidentType::Rescue => &[("rescue", 1)],
        IncidentType::Hazmat => &[("hazmat", 1), ("engine", 1)],
        IncidentType::Other => &[("engine", 1)],
    };
    units.iter().map(|&(k, n)| (k.to_string(), n)).collect()
}

/// Default on-scene time of a type.
pub fn default_on_scene(t: IncidentType) -> OnScene {
    let (mean_min, sd_min) = match t {
        IncidentType::BuildingFire => (75.0, 60.0),
        IncidentType::VehicleFire => (35.0, 20.0),
        IncidentType::Rescue => (45.0, 35.0),
        IncidentType::Hazmat => (90.0, 60.0),
        IncidentType::Other => (30.0, 25.0),
    };
    OnScene::Lognormal { mean_min, sd_min }
}

const MIN_SPAN_DAYS: i64 = 28;
const MIN_RECORDS_HOURS: usize = 240;
const MIN_RECORDS_WEEKDAYS: usize = 70;

fn key_error(path: &Path, key: &str, message: impl Into<String>) -> Error {
    let field = key.rsplit('.').next().unwrap_or(key).to_string();
    Error::input(path, Location::Key(key.to_string()), field, message)
}

/// The incident type named by a key of `[simulation.<table>]`, with a suggestion.
fn type_key(path: &Path, table: &str, name: &str) -> Result<IncidentType> {
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
    fn resolve(&self, path: &Path, key: &str) -> Result<OnScene> {
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

/// What the incident file says about rate, timing and types.
#[derive(Debug, Default)]
struct History {
    dated: Vec<Stamp>,
    by_type: [usize; 5],
    named_kinds: usize,
}

fn history(demand: &[DemandPoint], file: Option<&Path>) -> Result<History> {
    let mut h = History::default();
    for d in demand {
        if let Some(t) = d.time.as_deref().filter(|t| !t.trim().is_empty()) {
            let stamp = Stamp::parse(t).map_err(|m| {
                Error::input(
                    file.unwrap_or(Path::new("demand")),
                    Location::File,
                    "time",
                    format!("incident `{}`: {m}", d.id),
                )
            })?;
            h.dated.push(stamp);
        }
        if let Some(k) = &d.kind {
            let t = IncidentType::of_record(k);
            h.by_type[t.index()] += 1;
            if IncidentType::parse(k).is_some() {
                h.named_kinds += 1;
            }
        }
    }
    Ok(h)
}

impl SimParams {
    /// Resolves `[simulation]` (or its absence) for `scenario`, deriving defaults from
    /// the incident records `demand` where they tell.
    pub fn resolve(scenario: &Scenario, demand: &[DemandPoint]) -> Result<SimParams> {
        let section = scenario.simulation.clone().unwrap_or_default();
        let path = scenario.path.as_path();
        section.check(path)?;
        let demand_file = match &scenario.demand {
            Some(DemandSource::File { path, .. }) => Some(path.as_path()),
            _ => None,
        };
        let h = history(demand, demand_file)?;
        let mut sources = BTreeMap::new();
        let mut note = |k: &str, v: String| {
            sources.insert(k.to_string(), v);
        };

        let incidents_per_year = match section.incidents_per_year {
            Some(r) => {
                note("incidents_per_year", "scenario".into());
                r
            }
            None => {
                let first = h.dated.iter().map(|s| s.day).min();
                let last = h.dated.iter().map(|s| s.day).max();
                match (first, last) {
                    (Some(a), Some(b)) if b - a + 1 >= MIN_SPAN_DAYS => {
                        let days = (b - a + 1) as f64;
                        note(
                            "incidents_per_year",
                            format!(
                                "incident file: {} dated records over {days:.0} days",
                                h.dated.len()
                            ),
                        );
                        h.dated.len() as f64 * 365.25 / days
                    }
                    _ => {
                        let why = match demand_file {
                            None => "demand does not come from an incident file".to_string(),
                            Some(f) => format!(
                                "{} has no `time` column spanning at least {MIN_SPAN_DAYS} days",
                                f.display()
                            ),
                        };
                        return Err(key_error(
                            path,
                            "simulation.incidents_per_year",
                            format!("needed: {why}, so the yearly rate cannot be derived"),
                        ));
                    }
                }
            }
        };
        let growth = section.growth.unwrap_or(1.0);

        let mut hour_profile = DEFAULT_HOUR_PROFILE;
        let timed: Vec<usize> = h.dated.iter().filter_map(Stamp::hour).collect();
        match &section.hour_profile {
            Some(v) => {
                hour_profile.copy_from_slice(v);
                note("hour_profile", "scenario".into());
            }
            None if timed.len() >= MIN_RECORDS_HOURS => {
                hour_profile = [0.0; 24];
                for &hr in &timed {
                    hour_profile[hr] += 1.0;
                }
                note(
                    "hour_profile",
                    format!("incident file: {} records with a clock time", timed.len()),
                );
            }
            None => note(
                "hour_profile",
                format!(
                    "built-in default (fewer than {MIN_RECORDS_HOURS} records with a clock time)"
                ),
            ),
        }
        let mut weekday_profile = [1.0; 7];
        match &section.weekday_profile {
            Some(v) => {
                weekday_profile.copy_from_slice(v);
                note("weekday_profile", "scenario".into());
            }
            None if h.dated.len() >= MIN_RECORDS_WEEKDAYS => {
                weekday_profile = [0.0; 7];
                for s in &h.dated {
                    weekday_profile[s.weekday()] += 1.0;
                }
                note(
                    "weekday_profile",
                    format!("incident file: {} dated records", h.dated.len()),
                );
            }
            None => note(
                "weekday_profile",
                format!("built-in default: flat (fewer than {MIN_RECORDS_WEEKDAYS} dated records)"),
            ),
        }

        let mut mix = DEFAULT_TYPE_MIX;
        match &section.type_mix {
            Some(m) => {
                mix = [0.0; 5];
                for (name, &share) in m {
                    mix[type_key(path, "type_mix", name)?.index()] = share;
                }
                note("type_mix", "scenario".into());
            }
            None if h.named_kinds > 0 => {
                mix = h.by_type.map(|n| n as f64);
                note(
                    "type_mix",
                    format!(
                        "incident file: `kind` of {} records ({} name a type)",
                        h.by_type.iter().sum::<usize>(),
                        h.named_kinds
                    ),
                );
            }
            None => note("type_mix", "built-in default".into()),
        }
        let total: f64 = mix.iter().sum();
        let mut types = Vec::with_capacity(5);
        for t in IncidentType::ALL {
            let name = t.as_str();
            let plan = match section.plans.as_ref().and_then(|p| p.get(name)) {
                Some(p) => {
                    note(&format!("plans.{name}"), "scenario".into());
                    p.iter()
                        .filter(|(_, &n)| n > 0)
                        .map(|(k, &n)| (k.trim().to_lowercase(), n))
                        .collect()
                }
                None => default_plan(t),
            };
            let on_scene = match section.on_scene.as_ref().and_then(|o| o.get(name)) {
                Some(s) => {
                    note(&format!("on_scene.{name}"), "scenario".into());
                    s.resolve(path, &format!("simulation.on_scene.{name}"))?
                }
                None => default_on_scene(t),
            };
            types.push(TypeParams {
                kind: t,
                share: mix[t.index()] / total,
                plan,
                on_scene,
            });
        }

        let spatial = match section.spatial.as_deref() {
            Some("demand") => Spatial::Demand,
            Some(_) => Spatial::Incidents,
            None if demand_file.is_some() => Spatial::Incidents,
            None => Spatial::Demand,
        };
        let jitter_m = section.jitter_m.unwrap_or(match spatial {
            Spatial::Incidents => 50.0,
            Spatial::Demand => 0.0,
        });
        let default_fleet = section
            .default_fleet
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (k.trim().to_lowercase(), n))
            .collect();
        Ok(SimParams {
            source: path.to_path_buf(),
            incidents_per_year,
            growth,
            hour_profile,
            weekday_profile,
            types,
            spatial,
            jitter_m,
            jitter_samples: if jitter_m > 0.0 {
                section.jitter_samples.unwrap_or(8)
            } else {
                1
            },
            when_all_busy: match section.when_all_busy.as_deref() {
                Some("lost") => WhenAllBusy::Lost,
                _ => WhenAllBusy::Queue,
            },
            default_fleet,
            years: section.years.unwrap_or(1.0),
            replications: section.replications.unwrap_or(20),
            seed: section.seed.unwrap_or(1),
            sources,
        })
    }
}
