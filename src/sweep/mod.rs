//! Batch scenario sweeps (DESIGN §8, `fireplan sweep`): a sweep file names a base scenario
//! and axes (plan files, any scenario parameter by its key path); the runs are the
//! cartesian product of the axes (or an explicit `[[runs]]` list). Each run has a stable
//! id, the SHA-256 of its canonical parameters, so the same sweep gives the same ids on any
//! machine; `--shard I/N` keeps the runs whose id falls in shard I.
//!
//! ```toml
//! name = "demo sweep"
//! scenario = "demo.toml"                    # relative to the sweep file
//! [axes]
//! plan = ["none", "demo_plan.toml"]         # "none": the scenario as given
//! "response.turnout_s" = [45, 60, 90]       # any scenario key path
//! "network.speed_factor" = [0.7, 0.85, 1.0]
//! [simulate]                                # optional: simulate every run too
//! replications = 5
//! seed = 1
//! years = 1
//! ```
//!
//! - [`exec`] loads and prepares the network once per distinct network-parameter set and
//!   runs the runs in parallel; [`store`] is the SQLite result store (one transaction per
//!   finished run, resume, merge, `results.csv`); [`report`] ranks runs and measures each
//!   metric's sensitivity to each axis.

pub mod exec;
pub mod store;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{Error, Location, Result};
use crate::params::Scenario;
use crate::plan::Plan;

/// The axis that names plan files (relative to the sweep file; `"none"`: no plan).
pub const PLAN_AXIS: &str = "plan";

/// How many hex digits of the SHA-256 make a run id.
pub const RUN_ID_LEN: usize = 16;

/// One axis: a key path and its values (JSON form of the TOML values).
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub name: String,
    pub values: Vec<Value>,
}

/// One run: its position in the expansion, its id and its parameters (axis → value).
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    pub index: usize,
    pub id: String,
    pub params: BTreeMap<String, Value>,
}

/// `[simulate]`: run the incident simulation on every run.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SimulateSpec {
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    pub years: Option<f64>,
}

/// A parsed and checked sweep file.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep file.
    pub path: PathBuf,
    /// SHA-256 of the sweep file's bytes: stores of different sweeps are never mixed.
    pub sha256: String,
    pub name: String,
    /// The base scenario file.
    pub scenario_path: PathBuf,
    /// The base scenario as a TOML table (overrides are set on a copy of it).
    pub base: toml::Table,
    /// Axes in name order (for `[[runs]]`: every key some run sets).
    pub axes: Vec<Axis>,
    /// True for an explicit `[[runs]]` list.
    pub explicit: bool,
    pub runs: Vec<RunSpec>,
    pub simulate: Option<SimulateSpec>,
}

/// A `--shard I/N` spec (1-based I).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `I/N` with 1 ≤ I ≤ N.
    pub fn parse(spec: &str) -> Result<Shard> {
        let bad = |why: &str| {
            Error::option(
                format!("--shard `{spec}`"),
                format!("{why}; expected I/N with 1 ≤ I ≤ N, e.g. 1/4"),
            )
        };
        let (i, n) = spec.split_once('/').ok_or_else(|| bad("no `/`"))?;
        let i: u64 = i
            .trim()
            .parse()
            .map_err(|_| bad("I is not a whole number"))?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| bad("N is not a whole number"))?;
        if n == 0 {
            return Err(bad("N must be at least 1"));
        }
        if i == 0 || i > n {
            return Err(bad(&format!("I = {i} is outside 1..={n}")));
        }
        Ok(Shard { index: i, count: n })
    }

    /// Whether the run `id` belongs to this shard: its first 16 hex digits modulo N.
    pub fn contains(&self, id: &str) -> bool {
        shard_of(id, self.count) == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The 1-based shard of run `id` among `count` shards.
pub fn shard_of(id: &str, count: u64) -> u64 {
    let h = u64::from_str_radix(id.get(..16).unwrap_or(id), 16).unwrap_or(0);
    h % count.max(1) + 1
}

/// Canonical JSON: object keys sorted at every level, no spaces; numbers as serde_json
/// writes them (shortest round-trip form), so the text is the same on every machine.
pub fn canonical_json(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let sorted: BTreeMap<&String, &Value> = m.iter().collect();
            let parts: Vec<String> = sorted
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), canonical_json(v)))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical_json).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// The canonical parameter text of a run (axis → value, sorted).
pub fn canonical_params(params: &BTreeMap<String, Value>) -> String {
    canonical_json(&Value::Object(
        params.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    ))
}

/// A run's id: the first [`RUN_ID_LEN`] hex digits of the SHA-256 of its canonical
/// parameters.
pub fn run_id(params: &BTreeMap<String, Value>) -> String {
    let digest = Sha256::digest(canonical_params(params).as_bytes());
    format!("{digest:x}")[..RUN_ID_LEN].to_string()
}

/// The first NaN or infinity in a TOML value (JSON, the store's format, has neither).
fn non_finite(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(f) if !f.is_finite() => Some(*f),
        toml::Value::Array(a) => a.iter().find_map(non_finite),
        toml::Value::Table(t) => t.values().find_map(non_finite),
        _ => None,
    }
}

/// TOML value → JSON value (datetimes as their text).
pub fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

/// JSON value → TOML value (None for null).
pub fn json_to_toml(v: &Value) -> Option<toml::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(a) => toml::Value::Array(a.iter().filter_map(json_to_toml).collect()),
        Value::Object(m) => toml::Value::Table(
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), json_to_toml(v)?)))
                .collect(),
        ),
    })
}

/// A value as written in messages (`45`, `"fast"`).
fn shown(v: &Value) -> String {
    v.to_string()
}

/// Sets the dotted key path `key` of `table` to `value`, creating tables on the way.
pub fn set_key_path(
    table: &mut toml::Table,
    key: &str,
    value: toml::Value,
) -> std::result::Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.trim().is_empty()) {
        return Err(format!("`{key}` is not a key path (empty part)"));
    }
    let mut t = table;
    for (n, p) in parts[..parts.len() - 1].iter().enumerate() {
        let entry = t
            .entry(p.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        t = match entry {
            toml::Value::Table(inner) => inner,
            _ => {
                return Err(format!(
                    "`{}` is a value, not a table, so `{key}` cannot be set",
                    parts[..=n].join(".")
                ))
            }
        };
    }
    t.insert(parts[parts.len() - 1].to_string(), value);
    Ok(())
}

const TOP_KEYS: [&str; 5] = ["name", "scenario", "axes", "runs", "simulate"];
const SIMULATE_KEYS: [&str; 3] = ["replications", "seed", "years"];

impl Sweep {
    /// Reads, expands and checks a sweep file: every axis value is applied alone to the base
    /// scenario (so an unknown key path, a value of the wrong type or a missing plan file is
    /// reported before anything runs, naming the sweep file, the axis and the value).
    pub fn load(path: &Path) -> Result<Sweep> {
        crate::io::check_regular_file(path)?;
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::input(path, Location::File, "sweep", "the sweep file is not UTF-8")
        })?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            Error::input(
                path,
                Location::File,
                "sweep",
                e.message().trim_end().to_string(),
            )
        })?;
        let key_err = |k: &str, field: &str, m: String| {
            Error::input(path, Location::Key(k.to_string()), field, m)
        };
        for k in table.keys() {
            if !TOP_KEYS.contains(&k.as_str()) {
                let hint = crate::names::nearest(k, TOP_KEYS)
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_else(|| format!("; expected one of {}", TOP_KEYS.join(", ")));
                return Err(key_err(k, k, format!("unknown key `{k}`{hint}")));
            }
        }
        let Some(toml::Value::String(scen)) = table.get("scenario") else {
            return Err(key_err(
                "scenario",
                "scenario",
                "expected `scenario = \"base.toml\"` (the base scenario, relative to the sweep file)"
                    .into(),
            ));
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let scenario_path = dir.join(scen);
        let base_text =
            std::fs::read_to_string(&scenario_path).map_err(|e| Error::io(&scenario_path, e))?;
        // The base must be a valid scenario on its own.
        Scenario::from_toml(&base_text, &scenario_path)?;
        let base: toml::Table = toml::from_str(&base_text)
            .map_err(|e| Error::input(&scenario_path, Location::File, "scenario", e.to_string()))?;
        let name = match table.get("name") {
            None => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Some(toml::Value::String(s)) => s.clone(),
            Some(_) => return Err(key_err("name", "name", "expected a string".into())),
        };
        let simulate = match table.get("simulate") {
            None => None,
            Some(toml::Value::Table(t)) => {
                for k in t.keys() {
                    if !SIMULATE_KEYS.contains(&k.as_str()) {
                        let hint = crate::names::nearest(k, SIMULATE_KEYS)
                            .map(|n| format!("; did you mean `{n}`?"))
                            .unwrap_or_default();
                        return Err(key_err(
                            &format!("simulate.{k}"),
                            k,
                            format!("unknown key `simulate.{k}`{hint}"),
                        ));
                    }
                }
                let int = |k: &str| -> Result<Option<i64>> {
                    match t.get(k) {
                        None => Ok(None),
                        Some(toml::Value::Integer(i)) if *i >= 0 => Ok(Some(*i)),
                        Some(v) => Err(key_err(
                            &format!("simulate.{k}"),
                            k,
                            format!("expected a whole number ≥ 0, got {v}"),
                        )),
                    }
                };
                let years = match t.get("years") {
                    None => None,
                    Some(toml::Value::Float(f)) if *f > 0.0 => Some(*f),
                    Some(toml::Value::Integer(i)) if *i > 0 => Some(*i as f64),
                    Some(v) => {
                        return Err(key_err(
                            "simulate.years",
                            "years",
                            format!("expected a number > 0, got {v}"),
                        ))
                    }
                };
                Some(SimulateSpec {
                    replications: int("replications")?.map(|r| r as u32),
                    seed: int("seed")?.map(|s| s as u64),
                    years,
                })
            }
            Some(_) => {
                return Err(key_err(
                    "simulate",
                    "simulate",
                    "expected a table `[simulate]`".into(),
                ))
            }
        };

        let mut sweep = Sweep {
            path: path.to_path_buf(),
            sha256,
            name,
            scenario_path,
            base,
            axes: Vec::new(),
            explicit: false,
            runs: Vec::new(),
            simulate,
        };
        match (table.get("axes"), table.get("runs")) {
            (Some(_), Some(_)) => {
                return Err(key_err(
                    "runs",
                    "runs",
                    "give either `[axes]` (the cartesian product) or `[[runs]]` (an explicit list), not both"
                        .into(),
                ))
            }
            (Some(toml::Value::Table(axes)), None) => {
                let mut flat = Vec::new();
                flatten_axes(axes, "", &mut flat);
                if flat.is_empty() {
                    return Err(key_err("axes", "axes", "`[axes]` has no axis".into()));
                }
                for (name, v) in flat {
                    let toml::Value::Array(values) = v else {
                        return Err(key_err(
                            &format!("axes.{name}"),
                            &name,
                            format!(
                                "axis `{name}`: expected a list of values, e.g. `[45, 60]`, got {v}"
                            ),
                        ));
                    };
                    if values.is_empty() {
                        return Err(key_err(
                            &format!("axes.{name}"),
                            &name,
                            format!("axis `{name}` is empty: give at least one value"),
                        ));
                    }
                    if let Some(bad) = values.iter().find_map(non_finite) {
                        return Err(key_err(
                            &format!("axes.{name}"),
                            &name,
                            format!(
                                "axis `{name}`: {bad} is not a finite number (it would have \
                                 become an empty cell and the base scenario's value)"
                            ),
                        ));
                    }
                    let values: Vec<Value> = values.iter().map(toml_to_json).collect();
                    let mut seen = BTreeSet::new();
                    for v in &values {
                        if !seen.insert(canonical_json(v)) {
                            return Err(key_err(
                                &format!("axes.{name}"),
                                &name,
                                format!("axis `{name}`: value {} is listed twice", shown(v)),
                            ));
                        }
                    }
                    sweep.axes.push(Axis { name, values });
                }
                sweep.axes.sort_by(|a, b| a.name.cmp(&b.name));
                for axis in &sweep.axes {
                    for v in &axis.values {
                        let params = BTreeMap::from([(axis.name.clone(), v.clone())]);
                        sweep.check_params(&params, &format!("axes.{}", axis.name))?;
                    }
                }
                sweep.runs = cartesian(&sweep.axes);
            }
            (None, Some(toml::Value::Array(list))) => {
                sweep.explicit = true;
                if list.is_empty() {
                    return Err(key_err("runs", "runs", "`[[runs]]` lists no run".into()));
                }
                let mut names = BTreeSet::new();
                let mut ids = BTreeMap::new();
                for (i, r) in list.iter().enumerate() {
                    let toml::Value::Table(t) = r else {
                        return Err(key_err("runs", "runs", format!("run {}: expected a table", i + 1)));
                    };
                    let mut flat = Vec::new();
                    flatten_run(t, "", &mut flat);
                    if let Some((k, bad)) = flat.iter().find_map(|(k, v)| non_finite(v).map(|b| (k, b))) {
                        return Err(key_err(
                            "runs",
                            k,
                            format!("run {}: `{k}` = {bad} is not a finite number", i + 1),
                        ));
                    }
                    let params: BTreeMap<String, Value> =
                        flat.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect();
                    sweep.check_params(&params, &format!("runs[{}]", i + 1))?;
                    let id = run_id(&params);
                    if let Some(first) = ids.insert(id.clone(), i + 1) {
                        return Err(key_err(
                            "runs",
                            "runs",
                            format!("runs {first} and {} have the same parameters", i + 1),
                        ));
                    }
                    names.extend(params.keys().cloned());
                    sweep.runs.push(RunSpec { index: i, id, params });
                }
                sweep.axes = names
                    .into_iter()
                    .map(|name| {
                        let mut values: Vec<Value> = Vec::new();
                        for r in &sweep.runs {
                            if let Some(v) = r.params.get(&name) {
                                if !values.contains(v) {
                                    values.push(v.clone());
                                }
                            }
                        }
                        Axis { name, values }
                    })
                    .collect();
            }
            _ => {
                return Err(key_err(
                    "axes",
                    "axes",
                    "expected `[axes]` (key path = [values]) or `[[runs]]`".into(),
                ))
            }
        }
        Ok(sweep)
    }

    /// The runs of `shard` (all without one), in expansion order.
    pub fn runs_of(&self, shard: Option<Shard>) -> Vec<&RunSpec> {
        self.runs
            .iter()
            .filter(|r| shard.is_none_or(|s| s.contains(&r.id)))
            .collect()
    }

    /// The plan file a plan-axis value names (None: no plan).
    pub fn plan_path(&self, v: &Value) -> std::result::Result<Option<PathBuf>, String> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) if s.is_empty() || s == "none" => Ok(None),
            Value::String(s) => Ok(Some(self.path.parent().unwrap_or(Path::new(".")).join(s))),
            other => Err(format!(
                "expected a plan file name (relative to the sweep file) or \"none\", got {other}"
            )),
        }
    }

    /// The scenario and plan of a run: the base scenario with every parameter set, checked
    /// by [`Scenario::from_toml`] (relative paths still resolve against the base file).
    pub fn build(
        &self,
        params: &BTreeMap<String, Value>,
    ) -> std::result::Result<(Scenario, Option<Plan>), String> {
        let mut t = self.base.clone();
        let mut plan = None;
        for (k, v) in params {
            if k == PLAN_AXIS {
                if let Some(p) = self.plan_path(v)? {
                    if !p.is_file() {
                        return Err(format!("plan file {} does not exist", p.display()));
                    }
                    plan = Some(Plan::load(&p).map_err(|e| e.to_string())?);
                }
                continue;
            }
            if let Some(value) = json_to_toml(v) {
                set_key_path(&mut t, k, value)?;
            }
        }
        let text = toml::to_string(&t).map_err(|e| format!("writing the scenario: {e}"))?;
        // The line numbers of a type error point into the generated text: leave them out.
        let scenario = Scenario::from_toml(&text, &self.scenario_path)
            .map_err(|e| strip_line(&e.to_string()))?;
        Ok((scenario, plan))
    }

    /// [`Sweep::build`] with the error naming the sweep file, `at` and the values.
    fn check_params(&self, params: &BTreeMap<String, Value>, at: &str) -> Result<()> {
        self.build(params).map(|_| ()).map_err(|m| {
            let what = params
                .iter()
                .map(|(k, v)| format!("`{k}` = {}", shown(v)))
                .collect::<Vec<_>>()
                .join(", ");
            let field = params.keys().next().cloned().unwrap_or_default();
            Error::input(
                &self.path,
                Location::Key(at.to_string()),
                field,
                format!("{what}: {m}"),
            )
        })
    }
}

/// Drops a `line N: ` part from a message.
fn strip_line(m: &str) -> String {
    if let Some(at) = m.find("line ") {
        let rest = &m[at + 5..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(": ") {
            return format!("{}{}", &m[..at], &rest[digits + 2..]);
        }
    }
    m.to_string()
}

/// Flattens `[axes]`: a nested table (`response.turnout_s = [...]` written as a dotted key)
/// becomes its dotted path; anything else is an axis.
fn flatten_axes(t: &toml::Table, prefix: &str, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in t {
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(inner) => flatten_axes(inner, &name, out),
            other => out.push((name, other.clone())),
        }
    }
}

/// Flattens a `[[runs]]` entry the same way.
fn flatten_run(t: &toml::Table, prefix: &str, out: &mut Vec<(String, toml::Value)>) {
    flatten_axes(t, prefix, out)
}

/// The cartesian product of `axes` (sorted by name), the last axis varying fastest.
pub fn cartesian(axes: &[Axis]) -> Vec<RunSpec> {
    let mut combos: Vec<BTreeMap<String, Value>> = vec![BTreeMap::new()];
    for axis in axes {
        let mut next = Vec::with_capacity(combos.len() * axis.values.len());
        for c in &combos {
            for v in &axis.values {
                let mut c = c.clone();
                c.insert(axis.name.clone(), v.clone());
                next.push(c);
            }
        }
        combos = next;
    }
    combos
        .into_iter()
        .enumerate()
        .map(|(index, params)| RunSpec {
            index,
            id: run_id(&params),
            params,
        })
        .collect()
}
