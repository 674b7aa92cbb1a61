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

use serde::Serialize;

use super::clock::Stamp;
use crate::error::{Error, Location, Result};
use crate::model::DemandPoint;
use crate::model::IncidentType;
use crate::params::simulation::{key_error, type_key, OnScene, Spatial, WhenAllBusy};
use crate::params::{DemandSource, Scenario};

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
    /// Stations farther than this many minutes of travel from a place never respond to it.
    pub dispatch_reach_min: f64,
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

    /// [`SimParams::dispatch_reach_min`] in seconds.
    pub fn dispatch_reach_s(&self) -> f64 {
        self.dispatch_reach_min * 60.0
    }
}

/// Default dispatch reach, minutes of travel: a unit more than an hour's drive away is
/// reinforcement, not response; and it bounds the rankings' memory at province scale.
pub const DEFAULT_DISPATCH_REACH_MIN: f64 = 60.0;

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
            dispatch_reach_min: section
                .dispatch_reach_min
                .unwrap_or(DEFAULT_DISPATCH_REACH_MIN),
            default_fleet,
            years: section.years.unwrap_or(1.0),
            replications: section.replications.unwrap_or(20),
            seed: section.seed.unwrap_or(1),
            sources,
        })
    }
}
