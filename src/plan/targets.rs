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
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::entry::{array_headers, array_of_tables, parse_toml, type_name, Entry};
use crate::error::{Error, Location, Result};
use crate::io::tables::{nearest, one_of};
use crate::model::{DepotLevel, DistrictKind, StationClass};

/// The catalogue shipped with fireplan (`seeds/targets.toml`), built into the binary.
pub const BUILTIN_TARGETS: &str = include_str!("../../seeds/targets.toml");

/// Where the built-in catalogue comes from, for error messages and `run.json`.
pub fn builtin_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/targets.toml")
}

/// What the checker can measure. A closed set: a target naming anything else is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Share of demand weight reached within the threshold (5分钟救援圈), 0..1.
    DemandCoverage,
    /// Share of the grid area reached within the threshold, 0..1.
    AreaCoverage,
    /// Share of road length reached within the threshold, 0..1.
    RoadCoverage,
    /// Share of demand reached by two different stations within the second threshold.
    SecondDueCoverage,
    /// Demand-weighted median response, seconds.
    P50S,
    /// Demand-weighted 90th-percentile response, seconds.
    P90S,
    /// Worst response to a reached demand point, seconds.
    MaxS,
    /// Demand points that no station reaches, or that lie off the network (空白点).
    UnreachableDemand,
    /// Stations (not closed) of the scoped classes: the "2+7+13+N" composition.
    StationCount,
    /// Full-time firefighters (专职消防人员: staff of stations not closed) per 10,000
    /// residents.
    FirefightersPer10k,
    /// Staff of a station (人员配备), persons.
    Staff,
    /// Water-supply flow of a station (供水链路): Σ pump flow × count, L/s.
    PumpFlowLps,
    /// Light pickup fire trucks (轻型灭火救援消防车(皮卡)) at a station.
    PickupTrucks,
    /// Drone hangars (消防无人机舱) at a station: 1 when the stations file says `drone = 1`.
    DroneHangars,
    /// Fire-fighting (灭火类) vehicles per other vehicle, at a station or in the fleet.
    FirefightingRatio,
    /// Area of a station's first-due area (辖区面积), km².
    FirstDueAreaKm2,
    /// Worst response on the roads of a station's first-due area, seconds: the 5-minute
    /// rule asks that the edge of the area be reached within 300 s.
    FirstDueWorstRoadS,
    /// Time from the nearest support point of one level (保障圈), seconds, door to door
    /// on the logistics speed profile.
    LogisticsReachS,
    /// Capacity a support point declares (保障能力), persons.
    DepotCapacityPersons,
    /// Personnel assigned to a support point over its capacity, 0..1 when within.
    DepotLoadShare,
}

/// Where a target applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeLevel {
    /// The whole region once.
    Region,
    /// Each rescue district (救援片区).
    District,
    /// Each station (消防站) that is not closed.
    Station,
    /// Each support point (depot or logistics-support station).
    Depot,
}

impl ScopeLevel {
    pub const ALL: [ScopeLevel; 4] = [
        ScopeLevel::Region,
        ScopeLevel::District,
        ScopeLevel::Station,
        ScopeLevel::Depot,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeLevel::Region => "region",
            ScopeLevel::District => "district",
            ScopeLevel::Station => "station",
            ScopeLevel::Depot => "depot",
        }
    }
}

impl Metric {
    pub const ALL: [Metric; 20] = [
        Metric::DemandCoverage,
        Metric::AreaCoverage,
        Metric::RoadCoverage,
        Metric::SecondDueCoverage,
        Metric::P50S,
        Metric::P90S,
        Metric::MaxS,
        Metric::UnreachableDemand,
        Metric::StationCount,
        Metric::FirefightersPer10k,
        Metric::Staff,
        Metric::PumpFlowLps,
        Metric::PickupTrucks,
        Metric::DroneHangars,
        Metric::FirefightingRatio,
        Metric::FirstDueAreaKm2,
        Metric::FirstDueWorstRoadS,
        Metric::LogisticsReachS,
        Metric::DepotCapacityPersons,
        Metric::DepotLoadShare,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::DemandCoverage => "demand_coverage",
            Metric::AreaCoverage => "area_coverage",
            Metric::RoadCoverage => "road_coverage",
            Metric::SecondDueCoverage => "second_due_coverage",
            Metric::P50S => "p50_s",
            Metric::P90S => "p90_s",
            Metric::MaxS => "max_s",
            Metric::UnreachableDemand => "unreachable_demand",
            Metric::StationCount => "station_count",
            Metric::FirefightersPer10k => "firefighters_per_10k",
            Metric::Staff => "staff",
            Metric::PumpFlowLps => "pump_flow_lps",
            Metric::PickupTrucks => "pickup_trucks",
            Metric::DroneHangars => "drone_hangars",
            Metric::FirefightingRatio => "firefighting_ratio",
            Metric::FirstDueAreaKm2 => "first_due_area_km2",
            Metric::FirstDueWorstRoadS => "first_due_worst_road_s",
            Metric::LogisticsReachS => "logistics_reach_s",
            Metric::DepotCapacityPersons => "depot_capacity_persons",
            Metric::DepotLoadShare => "depot_load_share",
        }
    }

    /// Unit of the measured and required values, for tables and reports.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::DemandCoverage
            | Metric::AreaCoverage
            | Metric::RoadCoverage
            | Metric::SecondDueCoverage => "share",
            Metric::P50S
            | Metric::P90S
            | Metric::MaxS
            | Metric::FirstDueWorstRoadS
            | Metric::LogisticsReachS => "s",
            Metric::UnreachableDemand => "points",
            Metric::StationCount => "stations",
            Metric::FirefightersPer10k => "per 10,000 residents",
            Metric::Staff | Metric::DepotCapacityPersons => "persons",
            Metric::PumpFlowLps => "L/s",
            Metric::PickupTrucks => "vehicles",
            Metric::DroneHangars => "hangars",
            Metric::FirefightingRatio => "fire-fighting per other vehicle",
            Metric::FirstDueAreaKm2 => "km²",
            Metric::DepotLoadShare => "share of capacity",
        }
    }

    /// The scope levels this metric can be measured at.
    pub fn levels(self) -> &'static [ScopeLevel] {
        use ScopeLevel::*;
        match self {
            Metric::DemandCoverage
            | Metric::AreaCoverage
            | Metric::RoadCoverage
            | Metric::SecondDueCoverage
            | Metric::P50S
            | Metric::P90S
            | Metric::MaxS
            | Metric::UnreachableDemand
            | Metric::FirefightersPer10k => &[Region, District],
            Metric::StationCount => &[Region],
            Metric::Staff
            | Metric::PumpFlowLps
            | Metric::PickupTrucks
            | Metric::DroneHangars
            | Metric::FirstDueAreaKm2
            | Metric::FirstDueWorstRoadS => &[Station],
            Metric::FirefightingRatio => &[Station, Region],
            Metric::LogisticsReachS => &[Station, District],
            Metric::DepotCapacityPersons | Metric::DepotLoadShare => &[Depot],
        }
    }
}

/// How the measured value must compare with the required one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparator {
    /// `>=` (≥): at least.
    #[serde(rename = ">=")]
    AtLeast,
    /// `<=` (≤): at most.
    #[serde(rename = "<=")]
    AtMost,
    /// `>`.
    #[serde(rename = ">")]
    Above,
    /// `<`.
    #[serde(rename = "<")]
    Below,
    /// `==`: exactly (within 1e-9 relative).
    #[serde(rename = "==")]
    Equal,
}

impl Comparator {
    pub const ALL: [Comparator; 5] = [
        Comparator::AtLeast,
        Comparator::AtMost,
        Comparator::Above,
        Comparator::Below,
        Comparator::Equal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::AtMost => "<=",
            Comparator::Above => ">",
            Comparator::Below => "<",
            Comparator::Equal => "==",
        }
    }

    /// The mathematical sign, for reports.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::AtMost => "≤",
            Comparator::Above => ">",
            Comparator::Below => "<",
            Comparator::Equal => "=",
        }
    }

    /// Parses `>=`, `<=`, `>`, `<`, `==` (also `≥`, `≤`, `=`).
    pub fn parse(s: &str) -> Option<Comparator> {
        match s.trim() {
            ">=" | "≥" => Some(Comparator::AtLeast),
            "<=" | "≤" => Some(Comparator::AtMost),
            ">" => Some(Comparator::Above),
            "<" => Some(Comparator::Below),
            "==" | "=" => Some(Comparator::Equal),
            _ => None,
        }
    }

    /// Whether `measured` satisfies the comparison with `required`. Shares such as
    /// 0.9999999999 against 1.0 pass: the comparison allows 1e-9 relative slack for the
    /// rounding of sums.
    pub fn holds(self, measured: f64, required: f64) -> bool {
        let slack = 1e-9 * required.abs().max(1.0);
        match self {
            Comparator::AtLeast => measured >= required - slack,
            Comparator::AtMost => measured <= required + slack,
            Comparator::Above => measured > required + slack,
            Comparator::Below => measured < required - slack,
            Comparator::Equal => (measured - required).abs() <= slack,
        }
    }
}

/// Where a target applies; an empty list means "any".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scope {
    pub level: ScopeLevel,
    /// Rescue-district kinds: of the district itself (district level) or of the district
    /// the station stands in (station level).
    pub district_kinds: Vec<DistrictKind>,
    /// Station classes (station level; region level for counts and ratios).
    pub station_classes: Vec<StationClass>,
    /// Support-point levels (depot level), or the one level whose reach is measured
    /// (`logistics_reach_s`).
    pub depot_levels: Vec<DepotLevel>,
}

impl Scope {
    /// Whether a district of `kind` (None: outside every district) is in scope.
    pub fn has_kind(&self, kind: Option<DistrictKind>) -> bool {
        self.district_kinds.is_empty() || kind.is_some_and(|k| self.district_kinds.contains(&k))
    }

    /// Whether a station of `class` is in scope.
    pub fn has_class(&self, class: StationClass) -> bool {
        self.station_classes.is_empty() || self.station_classes.contains(&class)
    }

    /// Whether a support point of `level` is in scope.
    pub fn has_depot_level(&self, level: DepotLevel) -> bool {
        self.depot_levels.is_empty() || self.depot_levels.contains(&level)
    }

    /// A short description, e.g. `station class2 in urban districts`.
    pub fn describe(&self) -> String {
        let mut s = self.level.as_str().to_string();
        if !self.station_classes.is_empty() {
            let c: Vec<&str> = self.station_classes.iter().map(|c| c.as_str()).collect();
            s += &format!(" class {}", c.join("/"));
        }
        if !self.depot_levels.is_empty() {
            let l: Vec<&str> = self.depot_levels.iter().map(|l| l.as_str()).collect();
            s += &format!(" level {}", l.join("/"));
        }
        if !self.district_kinds.is_empty() {
            let k: Vec<&str> = self.district_kinds.iter().map(|k| k.as_str()).collect();
            s += &format!(" in {} districts", k.join("/"));
        }
        s
    }
}

/// Where a target comes from: the document, the clause in its own words, a gloss.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// A seed file name (`004_e477e33bbf9d6d33.txt`), a standard (`建标152-2017`,
    /// `GB 51080-2015`), or the scenario file for local targets.
    pub document: String,
    /// Section or article within the document (`六(二)`, `第十四条`), if given.
    pub section: Option<String>,
    /// The clause's words, quoted exactly (Chinese).
    pub clause: String,
    /// English gloss of the clause.
    pub gloss: String,
}

/// One planning target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// Unique id (`[a-z0-9_]`), used by `[targets.override]` and in outputs.
    pub id: String,
    /// The set it belongs to (`keqiao`, `zhejiang`, …; `local` for scenario additions).
    pub set: String,
    pub metric: Metric,
    pub comparator: Comparator,
    /// The required value, in the metric's unit.
    pub value: f64,
    pub scope: Scope,
    /// A failing mandatory target makes `fireplan check` exit with status 2.
    pub mandatory: bool,
    pub source: Source,
    /// Free text: how the clause was turned into this target.
    pub note: Option<String>,
}

impl Target {
    /// `≥ 20 persons`, `≥ 100.0 %`.
    pub fn requirement(&self) -> String {
        format!(
            "{} {}",
            self.comparator.symbol(),
            fmt_measure(self.metric, self.value)
        )
    }
}

/// A measured or required value for people to read, in the metric's unit: shares as
/// percentages, seconds and km² with one or two decimals, ratios with two, counts whole.
pub fn fmt_measure(metric: Metric, v: f64) -> String {
    if v.is_infinite() {
        return "∞".into();
    }
    match metric.unit() {
        "share" => format!("{:.1} %", v * 100.0),
        "share of capacity" => format!("{:.0} %", v * 100.0),
        "s" => format!("{v:.0} s"),
        "km²" => format!("{v:.2} km²"),
        "fire-fighting per other vehicle" => format!("{v:.2}"),
        "per 10,000 residents" => format!("{v:.2} per 10,000"),
        unit => format!("{} {unit}", fmt_value(v)),
    }
}

/// A value without needless decimals (`20`, `0.95`, `1800`).
pub fn fmt_value(v: f64) -> String {
    let v = v + 0.0; // no "-0"
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
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
            if !seen.insert(target.id.clone()) {
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
        id,
        set,
        metric,
        comparator,
        value,
        scope,
        mandatory,
        source,
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
}

/// The targets a scenario checks, resolved: catalogue read, sets chosen, overrides and
/// local targets applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetConfig {
    /// The catalogue read.
    pub catalogue: PathBuf,
    /// The sets used.
    pub sets: Vec<String>,
    pub targets: Vec<Target>,
    /// Region residents from the scenario (`[targets] population`).
    pub population: Option<f64>,
    /// (id, catalogue value, scenario value) of every overridden target.
    pub overridden: Vec<(String, f64, f64)>,
}

impl TargetConfig {
    /// Every target of the built-in catalogue, nothing overridden: what a scenario
    /// without `[targets]` checks.
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
}

/// Resolves the scenario's `[targets]` (None: every built-in target) for the scenario at
/// `scenario_path`; errors name the scenario file and the key.
pub fn resolve(section: Option<&TargetsSection>, scenario_path: &Path) -> Result<TargetConfig> {
    let Some(sec) = section else {
        return TargetConfig::builtin_all();
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
    let ids: Vec<&str> = cat.targets.iter().map(|t| t.id.as_str()).collect();
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
        .filter(|t| sets.contains(&t.set) && !sec.skip.contains(&t.id))
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
        match targets.iter_mut().find(|t| &t.id == id) {
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
        if targets.iter().any(|x| x.id == target.id) || ids.contains(&target.id.as_str()) {
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

/// Residents per rescue district from the optional `population` property of the districts
/// GeoJSON (features in file order, as `read_districts` reads them). A district without
/// the property gets `None`; a value that is not a number ≥ 0 is an error naming the
/// feature.
pub fn district_population(path: &Path) -> Result<Vec<Option<f64>>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let json: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| {
            Error::input(
                path,
                Location::Line(e.line() as u64),
                "json",
                format!("not valid JSON: {e}"),
            )
        })?;
    let features = json
        .get("features")
        .and_then(serde_json::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    features
        .iter()
        .enumerate()
        .map(|(i, f)| match f.pointer("/properties/population") {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => match v.as_f64() {
                Some(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                _ => Err(Error::input(
                    path,
                    Location::Feature(i),
                    "population",
                    format!("expected a number of residents ≥ 0, got {v}"),
                )),
            },
        })
        .collect()
}
