//! Planning targets as data (DESIGN §6): the catalogue `seeds/targets.toml` (built into
//! the binary, or a file named by the scenario) and the scenario's `region` and
//! `[targets]` section that choose sets, override values, add local targets and declare
//! figures.
//!
//! The catalogue holds `[regions]` (which region lies within which), `[documents]` (the
//! title and date each document is cited by), `[sets]` (one issuer's targets and the
//! region they bind; none: national) and the targets. A target is one quantified
//! requirement of a planning document or standard: a [`Metric`] the checker knows, a
//! [`Comparator`] and a value, a [`Scope`] (the whole region, rescue districts (救援片区) of
//! some kinds, stations (消防站) of some classes, support points (战勤保障) of some levels,
//! townships and key areas of some kinds), its [`Force`] (mandatory, goal, advisory) and
//! its [`Source`]: the document, the clause quoted in Chinese exactly, and an English gloss.
//!
//! ```toml
//! [regions]
//! zhejiang = { name = "浙江省" }
//! keqiao = { name = "绍兴市柯桥区", within = "zhejiang" }
//! [documents]
//! "004_e477e33bbf9d6d33.txt" = { title = "绍兴市柯桥区消防安全工作实施意见", date = "2023-12-29" }
//! [sets]
//! keqiao = { region = "keqiao", description = "Keqiao implementation opinions" }
//!
//! [[target]]
//! id = "staff_class2"
//! set = "keqiao"
//! metric = "staff"
//! comparator = ">="
//! value = 20
//! scope = { level = "station", station_class = ["class2"] }
//! force = "mandatory"
//! source = { document = "004_e477e33bbf9d6d33.txt", section = "八", clause = "二级站不少于20人", gloss = "class-2 stations: at least 20" }
//! ```
//!
//! In a scenario:
//!
//! ```toml
//! region = "keqiao"                                    # none: national standards only
//! [targets]
//! use = ["keqiao", "zhejiang", "national-standard"]   # default: every set that binds the region
//! skip = ["drone_hangar"]                              # leave targets out by id
//! population = 1_100_000                               # residents, for firefighters per 10,000
//! [targets.override]
//! demand_coverage_urban = 0.9                          # an interim level
//! [targets.figures]                                    # what the inputs cannot hold
//! district_command_centre_staff = 22
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
use crate::model::{AreaKind, DepotLevel, DistrictKind, StationClass, VillageKind};
use crate::names::{nearest, one_of};
use crate::params::targets::{Figures, SetChoice, TargetConfig, TargetsSection};

/// The catalogue shipped with fireplan (`seeds/targets.toml`), built into the binary.
pub const BUILTIN_TARGETS: &str = include_str!("../../seeds/targets.toml");

/// Where the built-in catalogue comes from, for error messages and `run.json`.
pub fn builtin_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/targets.toml")
}

/// A parsed catalogue: its regions, documents, sets and targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalogue {
    pub path: PathBuf,
    /// Region key → the region (`[regions]`).
    pub regions: BTreeMap<String, Region>,
    /// Set name → what it is and whom it binds.
    pub sets: BTreeMap<String, SetInfo>,
    pub targets: Vec<Target>,
}

/// A region a document binds (`[regions]`): a province, a city or a district.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    /// Its name (`浙江省`, `绍兴市柯桥区`).
    pub name: String,
    /// The region it lies in (`keqiao` lies in `zhejiang`): its documents bind here too.
    pub within: Option<String>,
}

/// A set of targets: one issuer's document (DESIGN §6: scope follows the issuer).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetInfo {
    pub description: String,
    /// The region its issuer governs; None: a national standard, binding everywhere.
    pub region: Option<String>,
}

impl Catalogue {
    /// `region` and every region it lies within, innermost first.
    pub fn enclosing(&self, region: &str) -> Vec<String> {
        let mut out = vec![region.to_string()];
        let mut at = region;
        while let Some(up) = self.regions.get(at).and_then(|r| r.within.as_deref()) {
            if out.iter().any(|r| r == up) {
                break; // a cycle: the parser refuses it, this only guards the loop
            }
            out.push(up.to_string());
            at = up;
        }
        out
    }
}

const TARGET_KEYS: &[&str] = &[
    "id",
    "set",
    "metric",
    "comparator",
    "value",
    "scope",
    "force",
    "mandatory",
    "figure",
    "source",
    "note",
];
const SCOPE_KEYS: &[&str] = &[
    "level",
    "district_kind",
    "station_class",
    "depot_level",
    "area_kind",
    "village_kind",
    "population_above",
];
const TOP_KEYS: [&str; 5] = ["version", "regions", "documents", "sets", "target"];
/// The document name of an advisory that no clause states.
pub const DERIVED: &str = "derived";
const SOURCE_KEYS: &[&str] = &["document", "section", "clause", "gloss"];

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
        if let Some(k) = table.keys().find(|k| !TOP_KEYS.contains(&k.as_str())) {
            let hint = nearest(k, TOP_KEYS)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_else(|| format!("; expected one of {}", TOP_KEYS.join(", ")));
            return Err(Error::input(
                path,
                Location::Key(k.clone()),
                k.as_str(),
                format!("unknown key `{k}`{hint}"),
            ));
        }
        let regions = parse_regions(path, table.get("regions"))?;
        let titles = parse_documents(path, table.get("documents"))?;
        let sets = parse_sets(path, table.get("sets"), &regions)?;
        let entries = array_of_tables(path, &table, "target", |m| {
            Error::input(path, Location::Key("target".into()), "target", m)
        })?;
        let lines = array_headers(text, "target");
        let mut targets: Vec<Target> = Vec::with_capacity(entries.len());
        let mut seen: HashSet<String> = HashSet::new();
        for (i, t) in entries.into_iter().enumerate() {
            let name = entry_name("target", i, lines.get(i).copied(), t);
            let entry = Entry::new(path, name, t);
            let target = parse_target(
                &entry,
                TargetOrigin::Catalogue {
                    sets: &sets,
                    titles: &titles,
                },
            )?;
            if !seen.insert(target.id.to_string()) {
                return Err(entry.error("id", format!("duplicate target id `{}`", target.id)));
            }
            targets.push(target);
        }
        Ok(Catalogue {
            path: path.to_path_buf(),
            regions,
            sets,
            targets,
        })
    }
}

/// A `[section.key]` entry of a catalogue, as an [`Entry`] for its fields.
fn sub_entry<'a>(
    path: &'a Path,
    section: &str,
    key: &str,
    v: &'a toml::Value,
) -> Result<Entry<'a>> {
    match v {
        toml::Value::Table(t) => Ok(Entry::new(path, format!("{section}.{key}"), t)),
        other => Err(Error::input(
            path,
            Location::Key(format!("{section}.{key}")),
            key,
            format!("expected a table, got {}", type_name(other)),
        )),
    }
}

/// The entries of a top-level table (`[regions]`, `[documents]`, `[sets]`).
fn section_table<'a>(
    path: &Path,
    name: &str,
    v: Option<&'a toml::Value>,
) -> Result<Option<&'a toml::Table>> {
    match v {
        None => Ok(None),
        Some(toml::Value::Table(t)) => Ok(Some(t)),
        Some(other) => Err(Error::input(
            path,
            Location::Key(name.into()),
            name,
            format!("expected a table, got {}", type_name(other)),
        )),
    }
}

/// `[regions]`: `keqiao = { name = "绍兴市柯桥区", within = "zhejiang" }`.
fn parse_regions(path: &Path, v: Option<&toml::Value>) -> Result<BTreeMap<String, Region>> {
    let mut out = BTreeMap::new();
    let Some(t) = section_table(path, "regions", v)? else {
        return Ok(out);
    };
    for (key, v) in t {
        let e = sub_entry(path, "regions", key, v)?;
        e.check_keys(&["name", "within"])?;
        out.insert(
            key.clone(),
            Region {
                name: e.string("name")?,
                within: e.opt_string("within")?,
            },
        );
    }
    for (key, region) in &out {
        let Some(up) = &region.within else { continue };
        if !out.contains_key(up) {
            return Err(Error::input(
                path,
                Location::Key(format!("regions.{key}.within")),
                "within",
                format!(
                    "unknown region `{up}`; `[regions]` has {}",
                    out.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        // Walk outwards; meeting `key` again means the regions lie within each other.
        let mut chain = vec![key.as_str()];
        let mut at = Some(up.as_str());
        while let Some(r) = at {
            if chain.contains(&r) {
                chain.push(r);
                return Err(Error::input(
                    path,
                    Location::Key(format!("regions.{key}.within")),
                    "within",
                    format!(
                        "regions lie within each other in a circle: {}",
                        chain.join(" → ")
                    ),
                ));
            }
            chain.push(r);
            at = out.get(r).and_then(|x| x.within.as_deref());
        }
    }
    Ok(out)
}

/// `[documents]`: `"004_….txt" = { title = "…", date = "2023-12-29" }` → the citation title.
fn parse_documents(path: &Path, v: Option<&toml::Value>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let Some(t) = section_table(path, "documents", v)? else {
        return Ok(out);
    };
    for (key, v) in t {
        let e = sub_entry(path, "documents", key, v)?;
        e.check_keys(&["title", "date"])?;
        let title = e.string("title")?;
        let cited = match e.opt_string("date")? {
            Some(d) => format!("{title} ({d})"),
            None => title,
        };
        out.insert(key.clone(), cited);
    }
    Ok(out)
}

/// `[sets]`: `keqiao = { description = "…", region = "keqiao" }`, or a bare description
/// string for a set that binds everywhere (a national standard).
fn parse_sets(
    path: &Path,
    v: Option<&toml::Value>,
    regions: &BTreeMap<String, Region>,
) -> Result<BTreeMap<String, SetInfo>> {
    let mut out = BTreeMap::new();
    let Some(t) = section_table(path, "sets", v)? else {
        return Ok(out);
    };
    for (name, v) in t {
        let info = match v {
            toml::Value::String(s) => SetInfo {
                description: s.clone(),
                region: None,
            },
            other => {
                let e = sub_entry(path, "sets", name, other)?;
                e.check_keys(&["description", "region"])?;
                let region = e.opt_string("region")?;
                if let Some(r) = &region {
                    if !regions.contains_key(r) {
                        let hint = nearest(r, regions.keys().map(String::as_str))
                            .map(|n| format!(" (did you mean `{n}`?)"))
                            .unwrap_or_default();
                        return Err(e.error(
                            "region",
                            format!("unknown region `{r}`; list it under `[regions]`{hint}"),
                        ));
                    }
                }
                SetInfo {
                    description: e.string("description")?,
                    region,
                }
            }
        };
        out.insert(name.clone(), info);
    }
    Ok(out)
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
    /// A catalogue: `set` must name one of its sets; `source` is required; `titles` cite
    /// its documents.
    Catalogue {
        sets: &'a BTreeMap<String, SetInfo>,
        titles: &'a BTreeMap<String, String>,
    },
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
        TargetOrigin::Catalogue { sets, .. } => {
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
    let force = match (e.opt_string("force")?, e.opt_bool("mandatory")?) {
        (Some(_), Some(_)) => {
            return Err(e.error(
                "mandatory",
                "give `force` or the older `mandatory`, not both",
            ))
        }
        (Some(f), None) => {
            one_of("force", &Force::ALL, Force::as_str)(&f).map_err(|m| e.error("force", m))?
        }
        (None, Some(true)) | (None, None) => Force::Mandatory,
        (None, Some(false)) => Force::Goal,
    };
    let source = match (e.opt_table("source")?, &origin) {
        (Some(t), TargetOrigin::Catalogue { titles, .. }) => {
            let mut src = parse_source(&e.sub("source", t), true)?;
            src.title = titles.get(&src.document).cloned();
            src
        }
        (Some(t), TargetOrigin::Scenario) => parse_source(&e.sub("source", t), false)?,
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
            title: None,
            section: None,
            clause: String::new(),
            gloss: "local target of the scenario".into(),
        },
    };
    // DESIGN §6, subject follows the clause: a check no clause states is advisory.
    if source.document == DERIVED && force != Force::Advisory {
        return Err(e.error(
            "force",
            format!(
                "`{}`: a target derived by no clause (source document `{DERIVED}`) can only be \
                 `advisory`",
                force.as_str()
            ),
        ));
    }
    let figure = e.opt_string("figure")?;
    match (metric, &figure) {
        (Metric::Declared, None) => {
            return Err(e.error(
                "figure",
                "missing: metric `declared` names the `[targets.figures]` key the scenario \
                 supplies, e.g. `figure = \"district_command_centre_staff\"`",
            ))
        }
        (Metric::Declared, Some(f))
            if f.is_empty()
                || !f
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') =>
        {
            return Err(e.error(
                "figure",
                format!("`{f}`: figure keys use lowercase letters, digits and `_`"),
            ))
        }
        (Metric::Declared, Some(_)) | (_, None) => {}
        (m, Some(_)) => {
            return Err(e.error(
                "figure",
                format!(
                    "only metric `declared` takes a figure, not `{}`",
                    m.as_str()
                ),
            ))
        }
    }
    Ok(Target {
        id: id.into(),
        set: set.into(),
        metric,
        comparator,
        value,
        scope,
        force,
        figure,
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
        .map(|k| one_of("district kind", &DistrictKind::ALL, DistrictKind::as_str)(k))
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
    let area_kinds = list("area_kind")?
        .iter()
        .map(|k| AreaKind::parse(k))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|m| e.error("area_kind", m))?;
    let village_kinds = list("village_kind")?
        .iter()
        .map(|k| one_of("village kind", &VillageKind::ALL, VillageKind::as_str)(k))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|m| e.error("village_kind", m))?;
    let population_above = e.opt_number("population_above")?;
    if (!village_kinds.is_empty() || population_above.is_some()) && level != ScopeLevel::Village {
        let field = if village_kinds.is_empty() {
            "population_above"
        } else {
            "village_kind"
        };
        return Err(e.error(
            field,
            format!(
                "a {}-level target does not take village kinds or a population threshold",
                level.as_str()
            ),
        ));
    }
    if let Some(p) = population_above.filter(|p| !p.is_finite() || *p < 0.0) {
        return Err(e.error(
            "population_above",
            format!("expected a number of residents ≥ 0, got {p}"),
        ));
    }
    if !area_kinds.is_empty() && level != ScopeLevel::Area {
        return Err(e.error(
            "area_kind",
            format!("a {}-level target does not take area kinds", level.as_str()),
        ));
    }
    let station_metric = matches!(level, ScopeLevel::Station)
        || matches!(
            metric,
            Metric::StationCount
                | Metric::FirefightingRatio
                | Metric::ForcesInside
                | Metric::ServedByClass
                | Metric::FirefightersPer10k
                | Metric::VillageForces
        );
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
    if !district_kinds.is_empty()
        && matches!(
            level,
            ScopeLevel::Region | ScopeLevel::Depot | ScopeLevel::Area | ScopeLevel::Village
        )
    {
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
        Metric::LogisticsReachS
        | Metric::DepotCapacityPersons
        | Metric::DepotLoadShare
        | Metric::LogisticsCapabilityPersons => {}
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
        area_kinds,
        village_kinds,
        population_above,
    })
}

/// Parses `source = { document, section, clause, gloss }`.
fn parse_source(e: &Entry, strict: bool) -> Result<Source> {
    e.check_keys(SOURCE_KEYS)?;
    let document = e.string("document")?;
    let derived = document == DERIVED;
    let (clause, gloss) = if strict && !derived {
        (e.string("clause")?, e.string("gloss")?)
    } else if strict {
        (
            e.opt_string("clause")?.unwrap_or_default(),
            e.string("gloss")?,
        )
    } else {
        (
            e.opt_string("clause")?.unwrap_or_default(),
            e.opt_string("gloss")?.unwrap_or_default(),
        )
    };
    Ok(Source {
        document,
        title: None,
        section: e.opt_string("section")?,
        clause,
        gloss,
    })
}

/// "unknown region `x`; FILE has a, b (did you mean `y`?)".
fn unknown_in<'a>(
    what: &str,
    given: &str,
    keys: impl Iterator<Item = &'a String> + Clone,
    file: &Path,
) -> String {
    let hint = nearest(given, keys.clone().map(String::as_str))
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default();
    let known: Vec<&str> = keys.map(String::as_str).collect();
    format!(
        "unknown {what} `{given}`; {} has {}{hint}",
        file.display(),
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    )
}

/// Which sets bind a scenario of `region` (DESIGN §6, scope follows the issuer): national
/// standards everywhere, a region's documents in it and in the regions within it; `chosen`
/// (`[targets] use`) picks among them, and a chosen set issued elsewhere is checked with
/// its mandatory targets read as goals.
pub fn choose_sets(
    cat: &Catalogue,
    region: Option<&str>,
    chosen: Option<&[String]>,
) -> Vec<SetChoice> {
    let inside: Vec<String> = region.map(|r| cat.enclosing(r)).unwrap_or_default();
    let region_name = |r: &str| {
        cat.regions
            .get(r)
            .map_or_else(|| r.to_string(), |x| format!("{} ({r})", x.name))
    };
    cat.sets
        .iter()
        .map(|(name, info)| {
            let binds = match &info.region {
                None => true,
                Some(r) => inside.contains(r),
            };
            let named = chosen.map(|c| c.iter().any(|s| s == name));
            let issuer = match &info.region {
                None => "a national standard, binding everywhere".to_string(),
                Some(r) => format!("issued for {}", region_name(r)),
            };
            let here = match region {
                Some(r) => format!("the scenario's region is {}", region_name(r)),
                None => "the scenario names no `region`".to_string(),
            };
            let (applied, as_goals, why) = match (binds, named) {
                (true, None) => (true, false, format!("{issuer}; {here}")),
                (true, Some(true)) => (true, false, format!("{issuer}; named in `[targets] use`")),
                (true, Some(false)) => (
                    false,
                    false,
                    format!("{issuer}; left out of `[targets] use`"),
                ),
                (false, Some(true)) => (
                    true,
                    true,
                    format!(
                        "{issuer}, but {here}: named in `[targets] use`, so checked with its \
                         mandatory targets read as goals"
                    ),
                ),
                (false, _) => (false, false, format!("{issuer}; {here}")),
            };
            SetChoice {
                set: name.clone(),
                description: info.description.clone(),
                region: info.region.clone(),
                region_name: info
                    .region
                    .as_ref()
                    .and_then(|r| cat.regions.get(r))
                    .map(|r| r.name.clone()),
                chosen: named,
                applied,
                as_goals,
                why,
            }
        })
        .collect()
}

/// Resolves the scenario's `region` and `[targets]` (None: the built-in catalogue's sets
/// that bind the region) for the scenario at `scenario_path`; errors name the scenario
/// file and the key.
pub fn resolve(
    section: Option<&TargetsSection>,
    region: Option<&str>,
    scenario_path: &Path,
) -> Result<TargetConfig> {
    let empty = TargetsSection::default();
    let sec = section.unwrap_or(&empty);
    let dir = scenario_path.parent().unwrap_or(Path::new("."));
    let key = |k: &str| Location::Key(k.to_string());
    let cat = match &sec.file {
        Some(f) => Catalogue::load(&dir.join(f))?,
        None => Catalogue::builtin()?,
    };
    if let Some(r) = region.filter(|r| !cat.regions.contains_key(*r)) {
        return Err(Error::input(
            scenario_path,
            key("region"),
            "region",
            format!(
                "{}; leave `region` out to check the national standards only",
                unknown_in("region", r, cat.regions.keys(), &cat.path)
            ),
        ));
    }
    for s in sec.use_sets.iter().flatten() {
        if !cat.sets.contains_key(s) {
            return Err(Error::input(
                scenario_path,
                key("targets.use"),
                "use",
                unknown_in("target set", s, cat.sets.keys(), &cat.path),
            ));
        }
    }
    let set_choices = choose_sets(&cat, region, sec.use_sets.as_deref());
    let sets: Vec<String> = set_choices
        .iter()
        .filter(|c| c.applied)
        .map(|c| c.set.clone())
        .collect();
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
    for t in &mut targets {
        let as_goals = set_choices.iter().any(|c| c.as_goals && *c.set == *t.set);
        if as_goals && t.force == Force::Mandatory {
            t.force = Force::Goal;
        }
    }
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
                        "target `{id}` is not checked: its set does not bind the scenario's \
                         region or is not in `targets.use`, or it is in `targets.skip`"
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
    let figures = resolve_figures(&sec.figures, scenario_path)?;
    Ok(TargetConfig {
        catalogue: cat.path,
        sets,
        set_choices,
        region: region.map(|r| {
            (
                r.to_string(),
                cat.regions
                    .get(r)
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
            )
        }),
        targets,
        population: sec.population,
        overridden,
        figures,
    })
}

/// `[targets.figures]`: each key a number, or a table of numbers by subject name.
fn resolve_figures(
    figures: &BTreeMap<String, toml::Value>,
    scenario_path: &Path,
) -> Result<Figures> {
    let number = |v: &toml::Value, at: String, field: &str| -> Result<f64> {
        match v {
            toml::Value::Integer(i) => Ok(*i as f64),
            toml::Value::Float(f) if f.is_finite() => Ok(*f),
            other => Err(Error::input(
                scenario_path,
                Location::Key(at),
                field,
                format!("expected a finite number, got {}", type_name(other)),
            )),
        }
    };
    let mut out = BTreeMap::new();
    for (k, v) in figures {
        let at = format!("targets.figures.{k}");
        let values = match v {
            toml::Value::Table(t) if !t.is_empty() => t
                .iter()
                .map(|(name, x)| Ok((Some(name.clone()), number(x, format!("{at}.{name}"), name)?)))
                .collect::<Result<Vec<_>>>()?,
            toml::Value::Table(_) => {
                return Err(Error::input(
                    scenario_path,
                    Location::Key(at),
                    k.as_str(),
                    "an empty table: give a number, or one number per named subject".to_string(),
                ))
            }
            other => vec![(None, number(other, at, k)?)],
        };
        out.insert(k.clone(), values);
    }
    Ok(out)
}
