//! Planning targets as data (DESIGN §6): the catalogue `seeds/targets.toml` (built into
//! the binary, or a file named by the scenario) and the scenario's `[targets]` section
//! that chooses sets, overrides values and adds local targets.
//!
//! A target is one quantified requirement of a planning document or standard: a
//! [`Metric`] the checker knows, a [`Comparator`] and a value, a [`Scope`] (the whole
//! region, rescue districts (救援片区) of some kinds, stations (消防站) of some classes, or
//! support points (战勤保障) of some levels), whether it is mandatory, and its [`Source`]:
//! the document, the clause quoted in Chinese exactly, and an English gloss.
//!
//! ```toml
//! [[target]]
//! id = "staff_class2"
//! set = "keqiao"
//! metric = "staff"
//! comparator = ">="
//! value = 20
//! scope = { level = "station", station_class = ["class2"] }
//! mandatory = true
//! source = { document = "004_e477e33bbf9d6d33.txt", section = "八", clause = "二级站不少于20人", gloss = "class-2 stations: at least 20" }
//! ```
//!
//! In a scenario:
//!
//! ```toml
//! [targets]
//! use = ["keqiao", "zhejiang", "national-standard"]   # default: every set
//! skip = ["drone_hangar"]                              # leave targets out by id
//! population = 1_100_000                               # residents, for firefighters per 10,000
//! [targets.override]
//! demand_coverage_urban = 0.9                          # an interim level
//! [[targets.add]]                                      # a local target (source optional)
//! id = "p90_urban"
//! metric = "p90_s"
//! comparator = "<="
//! value = 300
//! scope = { level = "district", district_kind = ["urban"] }
//! ```

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};
use crate::io::entry::{array_headers, array_of_tables, parse_toml, type_name, Entry};
use crate::model::target::*;
use crate::model::{DepotLevel, DistrictKind, StationClass};
use crate::names::{nearest, one_of};
use crate::params::targets::{TargetConfig, TargetsSection};

/// The catalogue shipped with fireplan (`seeds/targets.toml`), built into the binary.
pub const BUILTIN_TARGETS: &str = include_str!("../../seeds/targets.toml");

/// Where the built-in catalogue comes from, for error messages and `run.json`.
pub fn builtin_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/targets.toml")
}

/// A parsed catalogue: its sets and targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalogue {
    pub path: PathBuf,
    /// Set name → description.
    pub sets: BTreeMap<String, String>,
    pub targets: Vec<Target>,
}

const TARGET_KEYS: &[&str] = &[
    "id",
    "set",
    "metric",
    "comparator",
    "value",
    "scope",
    "mandatory",
    "source",
    "note",
];
const SCOPE_KEYS: &[&str] = &["level", "district_kind", "station_class", "depot_level"];
const SOURCE_KEYS: &[&str] = &["document", "section", "clause", "gloss"];

const KINDS: [DistrictKind; 3] = [
    DistrictKind::Urban,
    DistrictKind::Suburban,
    DistrictKind::Rural,
];

impl Catalogue {
    /// The built-in catalogue (`seeds/targets.toml`).
    pub fn builtin() -> Result<Catalogue> {
        Catalogue::parse(BUILTIN_TARGETS, &builtin_path())
    }

    /// Reads a catalogue file.
    pub fn load(path: &Path) -> Result<Catalogue> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Catalogue::parse(&text, path)
    }

    /// Parses catalogue text; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Catalogue> {
        let table = parse_toml(text, path)?;
        if let Some(k) = table
            .keys()
            .find(|k| !["sets", "target", "version"].contains(&k.as_str()))
        {
            let hint = nearest(k, ["sets", "target", "version"])
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_else(|| "; expected `sets`, `target` or `version`".into());
            return Err(Error::input(
                path,
                Location::Key(k.clone()),
                k.as_str(),
                format!("unknown key `{k}`{hint}"),
            ));
        }
        let mut sets = BTreeMap::new();
        match table.get("sets") {
            None => {}
            Some(toml::Value::Table(t)) => {
                for (name, v) in t {
                    let desc = match v {
                        toml::Value::String(s) => s.clone(),
                        other => {
                            return Err(Error::input(
                                path,
                                Location::Key(format!("sets.{name}")),
                                name.as_str(),
                                format!("expected a description string, got {}", type_name(other)),
                            ))
                        }
                    };
                    sets.insert(name.clone(), desc);
                }
            }
            Some(other) => {
                return Err(Error::input(
                    path,
                    Location::Key("sets".into()),
                    "sets",
                    format!("expected a table of set names, got {}", type_name(other)),
                ))
            }
        }
        let entries = array_of_tables(path, &table, "target", |m| {
            Error::input(path, Location::Key("target".into()), "target", m)
        })?;
        let lines = array_headers(text, "target");
        let mut targets: Vec<Target> = Vec::with_capacity(entries.len());
        let mut seen: HashSet<String> = HashSet::new();
        for (i, t) in entries.into_iter().enumerate() {
            let name = entry_name("target", i, lines.get(i).copied(), t);
            let entry = Entry::new(path, name, t);
            let target = parse_target(&entry, TargetOrigin::Catalogue { sets: &sets })?;
            if !seen.insert(target.id.to_string()) {
                return Err(entry.error("id", format!("duplicate target id `{}`", target.id)));
            }
            targets.push(target);
        }
        Ok(Catalogue {
            path: path.to_path_buf(),
            sets,
            targets,
        })
    }
}

/// How an entry is named in errors: `target[3] (line 41, id staff_class2)`.
pub(crate) fn entry_name(
    array: &str,
    index: usize,
    line: Option<usize>,
    t: &toml::Table,
) -> String {
    let id = t.get("id").and_then(toml::Value::as_str);
    match (line, id) {
        (Some(l), Some(id)) => format!("{array}[{}] (line {l}, id {id})", index + 1),
        (Some(l), None) => format!("{array}[{}] (line {l})", index + 1),
        (None, Some(id)) => format!("{array}[{}] (id {id})", index + 1),
        (None, None) => format!("{array}[{}]", index + 1),
    }
}

/// Where a target entry comes from, which decides what is required of it.
enum TargetOrigin<'a> {
    /// A catalogue: `set` must name one of its sets; `source` is required.
    Catalogue { sets: &'a BTreeMap<String, String> },
    /// A scenario's `[[targets.add]]`: set `local`, source optional.
    Scenario,
}

/// Parses one `[[target]]` entry.
fn parse_target(e: &Entry, origin: TargetOrigin) -> Result<Target> {
    e.check_keys(TARGET_KEYS)?;
    let id = e.string("id")?;
    if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(e.error(
            "id",
            format!("`{id}`: ids use lowercase letters, digits and `_` (they are TOML keys in `[targets.override]`)"),
        ));
    }
    let set = match &origin {
        TargetOrigin::Catalogue { sets } => {
            let set = e.string("set")?;
            if !sets.contains_key(&set) {
                let hint = nearest(&set, sets.keys().map(String::as_str))
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                let known: Vec<&str> = sets.keys().map(String::as_str).collect();
                return Err(e.error(
                    "set",
                    format!(
                        "unknown set `{set}`; `[sets]` has {}{hint}",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
            set
        }
        TargetOrigin::Scenario => match e.opt_string("set")? {
            None => "local".to_string(),
            Some(s) => s,
        },
    };
    let metric_name = e.string("metric")?;
    let metric = one_of("metric", &Metric::ALL, Metric::as_str)(&metric_name)
        .map_err(|m| e.error("metric", m))?;
    let comparator_text = e.string("comparator")?;
    let comparator = Comparator::parse(&comparator_text).ok_or_else(|| {
        e.error(
            "comparator",
            format!("unknown comparator `{comparator_text}`; expected one of >=, <=, >, <, =="),
        )
    })?;
    let value = e.number("value")?;
    let scope_table = e.opt_table("scope")?.ok_or_else(|| {
        e.error(
            "scope",
            "missing: give e.g. `scope = { level = \"region\" }`",
        )
    })?;
    let scope = parse_scope(&e.sub("scope", scope_table), metric)?;
    let mandatory = e.opt_bool("mandatory")?.unwrap_or(true);
    let source = match (e.opt_table("source")?, &origin) {
        (Some(t), _) => parse_source(
            &e.sub("source", t),
            matches!(origin, TargetOrigin::Catalogue { .. }),
        )?,
        (None, TargetOrigin::Catalogue { .. }) => {
            return Err(e.error(
                "source",
                "missing: every catalogue target cites its source \
                 (`source = { document = \"...\", clause = \"...\", gloss = \"...\" }`)",
            ))
        }
        (None, TargetOrigin::Scenario) => Source {
            document: e
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            section: None,
            clause: String::new(),
            gloss: "local target of the scenario".into(),
        },
    };
    Ok(Target {
        id: id.into(),
        set: set.into(),
        metric,
        comparator,
        value,
        scope,
        mandatory,
        source: source.into(),
        note: e.opt_string("note")?,
    })
}

/// Parses `scope = { level = ..., district_kind = [...], station_class = [...], depot_level = [...] }`
/// and checks it fits the metric.
fn parse_scope(e: &Entry, metric: Metric) -> Result<Scope> {
    e.check_keys(SCOPE_KEYS)?;
    let level_name = e.string("level")?;
    let level = one_of("scope level", &ScopeLevel::ALL, ScopeLevel::as_str)(&level_name)
        .map_err(|m| e.error("level", m))?;
    if !metric.levels().contains(&level) {
        let allowed: Vec<&str> = metric.levels().iter().map(|l| l.as_str()).collect();
        return Err(e.error(
            "level",
            format!(
                "metric `{}` is measured per {}, not per {}",
                metric.as_str(),
                allowed.join(" or "),
                level.as_str()
            ),
        ));
    }
    let list = |key: &str| -> Result<Vec<String>> { Ok(e.opt_strings(key)?.unwrap_or_default()) };
    let district_kinds = list("district_kind")?
        .iter()
        .map(|k| one_of("district kind", &KINDS, DistrictKind::as_str)(k))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|m| e.error("district_kind", m))?;
    let station_classes = list("station_class")?
        .iter()
        .map(|c| one_of("station class", &StationClass::ALL, StationClass::as_str)(c))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|m| e.error("station_class", m))?;
    let depot_levels = list("depot_level")?
        .iter()
        .map(|l| one_of("depot level", &DepotLevel::ALL, DepotLevel::as_str)(l))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|m| e.error("depot_level", m))?;
    let station_metric = matches!(level, ScopeLevel::Station)
        || matches!(metric, Metric::StationCount | Metric::FirefightingRatio);
    if !station_classes.is_empty() && !station_metric {
        return Err(e.error(
            "station_class",
            format!(
                "metric `{}` at {} level does not take a station class",
                metric.as_str(),
                level.as_str()
            ),
        ));
    }
    if !district_kinds.is_empty() && matches!(level, ScopeLevel::Region | ScopeLevel::Depot) {
        return Err(e.error(
            "district_kind",
            format!(
                "a {}-level target does not take district kinds",
                level.as_str()
            ),
        ));
    }
    match metric {
        Metric::LogisticsReachS if depot_levels.len() != 1 => {
            return Err(e.error(
                "depot_level",
                "`logistics_reach_s` needs exactly one depot level (the level whose reach is \
                 measured), e.g. `depot_level = [\"county\"]`",
            ))
        }
        Metric::LogisticsReachS | Metric::DepotCapacityPersons | Metric::DepotLoadShare => {}
        _ if !depot_levels.is_empty() => {
            return Err(e.error(
                "depot_level",
                format!("metric `{}` does not take a depot level", metric.as_str()),
            ))
        }
        _ => {}
    }
    Ok(Scope {
        level,
        district_kinds,
        station_classes,
        depot_levels,
    })
}

/// Parses `source = { document, section, clause, gloss }`.
fn parse_source(e: &Entry, strict: bool) -> Result<Source> {
    e.check_keys(SOURCE_KEYS)?;
    let document = e.string("document")?;
    let (clause, gloss) = if strict {
        (e.string("clause")?, e.string("gloss")?)
    } else {
        (
            e.opt_string("clause")?.unwrap_or_default(),
            e.opt_string("gloss")?.unwrap_or_default(),
        )
    };
    Ok(Source {
        document,
        section: e.opt_string("section")?,
        clause,
        gloss,
    })
}

/// Every target of the built-in catalogue, nothing overridden: what a scenario without
/// `[targets]` checks.
pub fn builtin_all() -> Result<TargetConfig> {
    let cat = Catalogue::builtin()?;
    Ok(TargetConfig {
        catalogue: cat.path,
        sets: cat.sets.keys().cloned().collect(),
        targets: cat.targets,
        population: None,
        overridden: Vec::new(),
    })
}

/// Resolves the scenario's `[targets]` (None: every built-in target) for the scenario at
/// `scenario_path`; errors name the scenario file and the key.
pub fn resolve(section: Option<&TargetsSection>, scenario_path: &Path) -> Result<TargetConfig> {
    let Some(sec) = section else {
        return builtin_all();
    };
    let dir = scenario_path.parent().unwrap_or(Path::new("."));
    let key = |k: &str| Location::Key(k.to_string());
    let cat = match &sec.file {
        Some(f) => Catalogue::load(&dir.join(f))?,
        None => Catalogue::builtin()?,
    };
    let sets: Vec<String> = match &sec.use_sets {
        None => cat.sets.keys().cloned().collect(),
        Some(list) => {
            for s in list {
                if !cat.sets.contains_key(s) {
                    let hint = nearest(s, cat.sets.keys().map(String::as_str))
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default();
                    let known: Vec<&str> = cat.sets.keys().map(String::as_str).collect();
                    return Err(Error::input(
                        scenario_path,
                        key("targets.use"),
                        "use",
                        format!(
                            "unknown target set `{s}`; {} has {}{hint}",
                            cat.path.display(),
                            known.join(", ")
                        ),
                    ));
                }
            }
            list.clone()
        }
    };
    let ids: Vec<&str> = cat.targets.iter().map(|t| &*t.id).collect();
    let unknown_id = |field_key: String, id: &str| {
        let hint = nearest(id, ids.iter().copied())
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        Error::input(
            scenario_path,
            Location::Key(field_key),
            id,
            format!("unknown target id `{id}` in {}{hint}", cat.path.display()),
        )
    };
    for id in &sec.skip {
        if !ids.contains(&id.as_str()) {
            return Err(unknown_id("targets.skip".into(), id));
        }
    }
    let mut targets: Vec<Target> = cat
        .targets
        .iter()
        .filter(|t| sets.iter().any(|s| **s == *t.set) && !sec.skip.iter().any(|s| **s == *t.id))
        .cloned()
        .collect();
    let mut overridden = Vec::new();
    for (id, v) in &sec.overrides {
        let k = format!("targets.override.{id}");
        let value = match v {
            toml::Value::Integer(i) => *i as f64,
            toml::Value::Float(f) if f.is_finite() => *f,
            other => {
                return Err(Error::input(
                    scenario_path,
                    Location::Key(k),
                    id.as_str(),
                    format!("expected a number, got {}", type_name(other)),
                ))
            }
        };
        match targets.iter_mut().find(|t| *t.id == **id) {
            Some(t) => {
                overridden.push((id.clone(), t.value, value));
                t.value = value;
            }
            None if ids.contains(&id.as_str()) => {
                return Err(Error::input(
                    scenario_path,
                    Location::Key(k),
                    id.as_str(),
                    format!(
                        "target `{id}` is not checked: its set is not in `targets.use`, or it is in `targets.skip`"
                    ),
                ))
            }
            None => return Err(unknown_id(k, id)),
        }
    }
    for (i, t) in sec.add.iter().enumerate() {
        let name = entry_name("targets.add", i, None, t);
        let entry = Entry::new(scenario_path, name, t);
        let target = parse_target(&entry, TargetOrigin::Scenario)?;
        if targets.iter().any(|x| x.id == target.id) || ids.contains(&&*target.id) {
            return Err(entry.error(
                "id",
                format!(
                    "target id `{}` is already used by the catalogue; choose another id, or use \
                     `[targets.override]` to change its value",
                    target.id
                ),
            ));
        }
        targets.push(target);
    }
    if let Some(p) = sec.population {
        if !(p.is_finite() && p > 0.0) {
            return Err(Error::input(
                scenario_path,
                key("targets.population"),
                "population",
                format!("expected a number of residents > 0, got {p}"),
            ));
        }
    }
    Ok(TargetConfig {
        catalogue: cat.path,
        sets,
        targets,
        population: sec.population,
        overridden,
    })
}
