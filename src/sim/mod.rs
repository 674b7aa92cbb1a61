//! Incident simulation with busy units (DESIGN §7): the coverage a year would actually
//! deliver when the nearest station is sometimes out, and how busy each station is.
//!
//! Static coverage assumes every station is always free. Here calls arrive as a Poisson
//! process (yearly rate × growth, hour-of-day and day-of-week profiles), each of a type
//! (building fire, vehicle fire, rescue, hazmat, other) at a place drawn from the
//! incident records (resampled with a small jitter) or the demand weights. Each type has
//! a response plan (units by vehicle kind) and an on-scene time distribution; units are
//! the vehicles of the stations. Dispatch sends the nearest free units of each kind by
//! response time; a unit is busy until it is back at its station.
//!
//! Pipeline, one file per concern:
//! - [`config`] — the `[simulation]` section and its defaults ([`SimParams`]);
//! - [`setup`] — what stays fixed over replications ([`SimSetup`]): units, plans,
//!   station trees ahead and back, incident [`sites`] with their station rankings;
//! - [`arrivals`], [`service`], [`clock`] — when and how long (incident types are
//!   [`crate::model::IncidentType`]);
//! - [`queue`] — the event queue; [`engine`] — one replication's event loop;
//! - [`summary`], [`stats`] — figures per replication, mean and 95 % CI over them;
//! - [`output`] — `sim_summary.json`, `sim_stations.csv`, `sim_incidents.csv`.
//!
//! Determinism: replication `r` draws from ChaCha8 seeded with `seed` on stream `r`
//! (the place pool uses its own stream), and replications are combined in index order,
//! so results are identical for any number of threads.

pub mod arrivals;
pub mod clock;
pub mod config;
pub mod engine;
pub mod queue;
pub mod service;
pub mod setup;
pub mod sites;
pub mod stats;
pub mod summary;

pub use config::SimParams;
pub use engine::{run_calls, run_replication, Call, IncidentRecord, Replication};
pub use setup::{SimSetup, World};
pub use summary::{SimFigures, StationFigures};

use rayon::prelude::*;

use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::load::{Inputs, PreparedNetwork};
use crate::model::IncidentType;
use crate::progress::Progress;
use summary::RepSummary;

/// Command-line overrides of `[simulation] years / replications / seed`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    pub years: Option<f64>,
    pub replications: Option<u32>,
    pub seed: Option<u64>,
}

/// Resolves the scenario's `[simulation]` (defaults from its incident records), applies
/// the overrides and builds the setup on a finished static run (its inputs, network and
/// coverage).
pub fn setup_for(
    inputs: &Inputs,
    prepared: &PreparedNetwork,
    coverage: &Coverage,
    overrides: &Overrides,
) -> Result<SimSetup> {
    let scenario = &inputs.scenario;
    let Some(demand) = inputs.demand.as_deref() else {
        return Err(Error::input(
            &scenario.path,
            crate::error::Location::Key("demand".into()),
            "demand",
            "the simulation draws incidents from `[demand]` (incident records or demand \
             points): add it to the scenario",
        ));
    };
    let mut params = SimParams::resolve(scenario, demand)?;
    if let Some(y) = overrides.years {
        if !(y.is_finite() && y > 0.0) {
            return Err(Error::option(
                "--years",
                format!("expected a number > 0, got {y}"),
            ));
        }
        params.years = y;
    }
    if let Some(r) = overrides.replications {
        if r == 0 {
            return Err(Error::option("--reps", "expected at least 1"));
        }
        params.replications = r;
    }
    if let Some(s) = overrides.seed {
        params.seed = s;
    }
    check_size(&params, overrides, &scenario.path)?;
    let mut setup = SimSetup::build(World::of(inputs, prepared, coverage), params)?;
    setup.spread = scenario
        .calibration
        .as_ref()
        .map(|c| c.model.spread.clone());
    Ok(setup)
}

/// Most incidents one replication may simulate (memory grows with them: the sample keeps
/// every incident of replication 0).
pub const MAX_INCIDENTS_PER_REPLICATION: f64 = 10_000_000.0;
/// Most replications (their summaries are all kept until they are combined).
pub const MAX_REPLICATIONS: u32 = 10_000;

/// Refuses a simulation too large to hold (`--years 1e9` used to allocate until the
/// process was killed), naming the option or the scenario key that set the size.
fn check_size(params: &SimParams, overrides: &Overrides, scenario: &std::path::Path) -> Result<()> {
    let incidents = params.rate_per_year() * params.years;
    // The option when the command line set the size, else the scenario key.
    let what = |from_option: bool, option: &str, key: &str, message: String| {
        if from_option {
            Error::option(option, message)
        } else {
            Error::input(
                scenario,
                crate::error::Location::Key(key.into()),
                key.rsplit('.').next().unwrap_or(key),
                message,
            )
        }
    };
    if incidents > MAX_INCIDENTS_PER_REPLICATION {
        return Err(what(
            overrides.years.is_some(),
            "--years",
            "simulation.years",
            format!(
                "{} years at {:.0} incidents a year are {incidents:.3e} incidents per \
                 replication; at most {MAX_INCIDENTS_PER_REPLICATION:.0e} are simulated: ask \
                 for fewer years and more replications",
                params.years,
                params.rate_per_year()
            ),
        ));
    }
    if params.replications > MAX_REPLICATIONS {
        return Err(what(
            overrides.replications.is_some(),
            "--reps",
            "simulation.replications",
            format!(
                "{} replications; at most {MAX_REPLICATIONS} are simulated (the 95 % interval \
                 narrows with the square root: 1,000 are already tight)",
                params.replications
            ),
        ));
    }
    Ok(())
}

/// Everything a simulation found.
#[derive(Debug, Clone)]
pub struct SimResults {
    pub years: f64,
    pub replications: u32,
    pub seed: u64,
    pub region: SimFigures,
    /// Per rescue district, in input order.
    pub districts: Vec<SimFigures>,
    /// Per incident type, in [`IncidentType::ALL`] order.
    pub types: Vec<SimFigures>,
    /// Per responding station (origin order).
    pub stations: Vec<StationFigures>,
    /// Every incident of replication 0, for `sim_incidents.csv`.
    pub sample: Replication,
}

/// Runs the setup's replications in parallel (rayon), advancing `progress` by one per
/// finished replication. The numbers do not depend on the thread count.
pub fn simulate(setup: &SimSetup, progress: &dyn Progress) -> SimResults {
    let p = &setup.params;
    let (years, seed) = (p.years, p.seed);
    let runs: Vec<(RepSummary, Option<Replication>)> = (0..p.replications as u64)
        .into_par_iter()
        .map(|r| {
            let rep = run_replication(setup, years, seed, r);
            let summary = RepSummary::of(setup, &rep);
            progress.advance(1);
            (summary, (r == 0).then_some(rep))
        })
        .collect();
    let mut sample = None;
    let mut reps = Vec::with_capacity(runs.len());
    for (s, r) in runs {
        reps.push(s);
        if r.is_some() {
            sample = r;
        }
    }
    let figures_of = |f: &dyn Fn(&RepSummary) -> summary::RepFigures| {
        SimFigures::over(&reps.iter().map(f).collect::<Vec<_>>())
    };
    SimResults {
        years,
        replications: p.replications,
        seed,
        region: figures_of(&|r| r.region.clone()),
        districts: (0..setup.district_names.len())
            .map(|d| figures_of(&|r| r.districts[d].clone()))
            .collect(),
        types: (0..IncidentType::ALL.len())
            .map(|t| figures_of(&|r| r.types[t].clone()))
            .collect(),
        stations: summary::station_figures(setup, &reps),
        sample: sample.unwrap_or(Replication {
            horizon_s: 0.0,
            incidents: Vec::new(),
            stations: Vec::new(),
        }),
    }
}
