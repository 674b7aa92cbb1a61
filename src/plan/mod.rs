//! Plans against targets (DESIGN §1 step 3, §6): a planner's question is never "what is
//! the coverage" alone but "does this plan meet the targets our documents set, and what
//! changes compared with today".
//!
//! - [`targets`] — the targets as data: the catalogue `seeds/targets.toml` (each target
//!   citing its document and clause) and the scenario's `[targets]` (sets, overrides,
//!   local targets).
//! - [`file`](mod@file) — plan files: add, move, upgrade / downgrade, close stations; change staff,
//!   drones and vehicles; add, change, remove depots; close roads — each change with a
//!   reason — parsed, then applied to the baseline's stations and depots (and road
//!   closures matched on the loaded network the caller passes).
//! - [`checks`] — every target evaluated on one variant → findings (pass / fail /
//!   not-applicable, measured and required value, reason, source).
//! - [`diff`] — baseline versus plan: every figure per district and region, demand points
//!   gaining or losing 5-minute coverage, first-due areas, target counts.
//!
//! [`crate::run::run_with_plan`] runs both variants on one prepared network; the report
//! module writes `targets.csv`, `plan_comparison.csv`, `plan_changes.csv` and
//! `plan_changes.geojson`.
//!
//! Invariant: no network search here — this module reads the results of `coverage` and
//! `supply` and never recomputes them.

pub mod checks;
pub mod diff;
pub mod file;
pub mod villages;

pub use checks::{Checks, Finding, Population, Status};
pub use diff::PlanDiff;
pub use file::{AppliedChange, Plan};

use crate::model::District;
use crate::params::Scenario;

/// Residents for the firefighters-per-10,000 target: the scenario's `[targets]
/// population` and each district's optional `population` property.
pub fn population(scenario: &Scenario, districts: &[District]) -> Population {
    Population::new(
        scenario.targets.population,
        districts.iter().map(|d| d.population).collect(),
    )
}
