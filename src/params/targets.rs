//! `[targets]` of a scenario: which targets are checked (sets, skips, overrides, local
//! targets) as written, and the resolved list every run checks.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::target::Target;

/// `[targets]` in the scenario file, as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsSection {
    /// A catalogue file replacing the built-in `seeds/targets.toml` (relative to the
    /// scenario).
    pub file: Option<PathBuf>,
    /// Sets of the catalogue to check (default: every set).
    #[serde(rename = "use")]
    pub use_sets: Option<Vec<String>>,
    /// Target ids to leave out.
    #[serde(default)]
    pub skip: Vec<String>,
    /// New required values by target id (`demand_coverage_urban = 0.9`).
    #[serde(rename = "override", default)]
    pub overrides: BTreeMap<String, toml::Value>,
    /// Residents of the whole region, for firefighters per 10,000 residents (when the
    /// districts file has no `population` property).
    pub population: Option<f64>,
    /// Local targets, in the catalogue's format (`source` optional).
    #[serde(default)]
    pub add: Vec<toml::Table>,
    /// Figures the inputs cannot hold, for targets of metric `declared`: a number
    /// (`district_command_centre_staff = 22`) or one per named subject
    /// (`town_command_centre_staff = { 钱清 = 6, 华舍 = 4 }`).
    #[serde(default)]
    pub figures: BTreeMap<String, toml::Value>,
}

/// `[targets.figures]` resolved: per figure key, (subject name, value) pairs; one unnamed
/// pair for a single number.
pub type Figures = BTreeMap<String, Vec<(Option<String>, f64)>>;

/// One set of the catalogue and whether this scenario checks it, with the reason (the
/// report lists every set: DESIGN §6, scope follows the issuer).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetChoice {
    pub set: String,
    pub description: String,
    /// The region its issuer governs (None: national, binding everywhere) and its name.
    pub region: Option<String>,
    pub region_name: Option<String>,
    /// Whether `[targets] use` names it (None: no `use`).
    pub chosen: Option<bool>,
    pub applied: bool,
    /// Its mandatory targets are read as goals (a set chosen outside its issuer's region).
    pub as_goals: bool,
    pub why: String,
}

impl SetChoice {
    /// Whether it is checked, for report tables: `yes`, `yes, as goals`, `no` (是, …).
    pub fn applied_label(&self, zh: bool) -> &'static str {
        match (self.applied, self.as_goals, zh) {
            (true, false, false) => "yes",
            (true, true, false) => "yes, as goals",
            (false, _, false) => "no",
            (true, false, true) => "是",
            (true, true, true) => "是（作为目标）",
            (false, _, true) => "否",
        }
    }
}

/// The targets a scenario checks, resolved: catalogue read, sets chosen, overrides and
/// local targets applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetConfig {
    /// The catalogue read.
    pub catalogue: PathBuf,
    /// The sets used.
    pub sets: Vec<String>,
    /// Every set of the catalogue, applied or not, and why.
    pub set_choices: Vec<SetChoice>,
    /// The scenario's region (`region = "keqiao"`) and its name (`绍兴市柯桥区`).
    pub region: Option<(String, String)>,
    pub targets: Vec<Target>,
    /// `[targets.figures]`: per figure key, (subject name, value) pairs; one unnamed pair
    /// for a single number.
    pub figures: Figures,
    /// Region residents from the scenario (`[targets] population`).
    pub population: Option<f64>,
    /// (id, catalogue value, scenario value) of every overridden target.
    pub overridden: Vec<(String, f64, f64)>,
}
