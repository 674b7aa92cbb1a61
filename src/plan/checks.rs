//! Checks: every target evaluated against one variant (the baseline or a plan) → findings.
//!
//! A [`Finding`] is one target applied to one subject — the region, a rescue district
//! (救援片区), a station (消防站), a support point (战勤保障) or a township / key area
//! (乡镇、功能区) — with the measured value, the required value, pass / fail / no data /
//! not applicable and the reason in words. Every target yields at least one finding:
//! when nothing is in its scope a not-applicable finding says so.
//!
//! Missing data is "no data", neither a pass nor a failure (issue 14, item 11): an empty
//! `staff` or `drone` cell, no vehicles file, no population, no townships layer, a figure
//! the scenario does not supply. The report counts them so that a planner sees what is
//! left to collect.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::coverage::{Coverage, KindPart, Metrics, Placement};
use crate::model::area::{AreaIndex, DistrictLookup};
use crate::model::target::{fmt_value, Comparator, Force, Metric, ScopeLevel, Source, Target};
use crate::model::{
    Depot, DepotLevel, District, PlanningArea, Station, StationClass, StationStatus, Vehicle,
};
use crate::supply::points::Source as PointSource;
use crate::supply::reach::{LevelReach, ReachStatus};
use crate::supply::Supply;
use crate::water::{WaterFigures, WaterReach};

/// Outcome of one target on one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    /// In scope, but the inputs do not hold what it is measured from (an empty cell, no
    /// vehicles file, no population, a figure not supplied); the reason says which.
    NoData,
    /// Nothing in its scope to measure (no station of the class, no district of the
    /// kind); the reason says why.
    NotApplicable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NoData => "no-data",
            Status::NotApplicable => "not-applicable",
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Region,
    District,
    Station,
    Depot,
    /// A township, functional zone or key area of the `[areas]` layer.
    Area,
    /// A village or community of the `[villages]` layer.
    Village,
    /// The target as a whole (nothing in its scope, or its inputs missing).
    Target,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Region => "region",
            SubjectKind::District => "district",
            SubjectKind::Station => "station",
            SubjectKind::Depot => "depot",
            SubjectKind::Area => "area",
            SubjectKind::Village => "village",
            SubjectKind::Target => "target",
        }
    }
}

/// One target on one subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Target id (shared by the target's findings, as are `set` and `source`).
    pub target: Arc<str>,
    pub set: Arc<str>,
    pub metric: Metric,
    pub subject_kind: SubjectKind,
    /// Station id, district name, support-point label, `region`, or the target id.
    pub subject: String,
    /// Station or depot name (the district name again for districts).
    pub subject_name: String,
    pub status: Status,
    /// Measured value in the metric's unit (None when not measured; infinite ratios, e.g.
    /// 3 fire-fighting : 0 other vehicles, are `inf`).
    pub measured: Option<f64>,
    pub required: f64,
    pub comparator: Comparator,
    pub unit: &'static str,
    pub force: Force,
    /// Why, in words: what was counted, or why it could not be measured.
    pub reason: String,
    pub source: Arc<Source>,
}

impl Finding {
    /// "station KQ02 (马鞍特勤站)", "district 柯北": the subject for tables and lines.
    pub fn subject_label(&self) -> String {
        if self.subject_name != self.subject {
            format!(
                "{} {} ({})",
                self.subject_kind.as_str(),
                self.subject,
                self.subject_name
            )
        } else {
            format!("{} {}", self.subject_kind.as_str(), self.subject)
        }
    }

    /// A failure makes `fireplan check` exit with status 2.
    pub fn mandatory(&self) -> bool {
        self.force == Force::Mandatory
    }

    /// How far a failing measured value is from the requirement, in the metric's unit
    /// (14.1 % short of 100 %: 0.141); None when it passes or was not measured.
    pub fn shortfall(&self) -> Option<f64> {
        let v = self.measured?;
        if self.status != Status::Fail || !v.is_finite() {
            return None;
        }
        Some((v - self.required).abs())
    }
}

/// Findings of every target on one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Checks {
    pub targets: Vec<Target>,
    pub findings: Vec<Finding>,
}

/// Pass / fail / not-applicable counts of one target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetTally {
    pub id: String,
    pub force: Force,
    pub pass: usize,
    pub fail: usize,
    pub no_data: usize,
    pub not_applicable: usize,
}

impl Checks {
    /// Failing findings of mandatory targets.
    pub fn mandatory_failures(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.mandatory() && f.status == Status::Fail)
    }

    /// Failing findings of goal targets: shortfalls, not failures of the plan.
    pub fn goal_shortfalls(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.force == Force::Goal && f.status == Status::Fail)
    }

    /// Findings per status over all findings.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.findings {
            match f.status {
                Status::Pass => c.pass += 1,
                Status::Fail => c.fail += 1,
                Status::NoData => c.no_data += 1,
                Status::NotApplicable => c.not_applicable += 1,
            }
        }
        c
    }

    /// The findings of each target, in target order: one pass over the findings (a scan
    /// per target took seconds at 10 M findings).
    pub fn by_target(&self) -> Vec<Vec<&Finding>> {
        let index: std::collections::HashMap<&str, usize> = self
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| (&*t.id, i))
            .collect();
        let mut out = vec![Vec::new(); self.targets.len()];
        for f in &self.findings {
            if let Some(&i) = index.get(&*f.target) {
                out[i].push(f);
            }
        }
        out
    }

    /// Counts per target, in target order.
    pub fn tallies(&self) -> Vec<TargetTally> {
        self.targets
            .iter()
            .zip(self.by_target())
            .map(|(t, mine)| {
                let mut tally = TargetTally {
                    id: t.id.to_string(),
                    force: t.force,
                    pass: 0,
                    fail: 0,
                    no_data: 0,
                    not_applicable: 0,
                };
                for f in mine {
                    match f.status {
                        Status::Pass => tally.pass += 1,
                        Status::Fail => tally.fail += 1,
                        Status::NoData => tally.no_data += 1,
                        Status::NotApplicable => tally.not_applicable += 1,
                    }
                }
                tally
            })
            .collect()
    }
}

/// Findings per status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub no_data: usize,
    pub not_applicable: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.no_data + self.not_applicable
    }
}

/// The targets' figures of `summary.json`: counts of findings and the failing targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetsSummary {
    pub checked: usize,
    pub findings: usize,
    pub pass: usize,
    pub fail: usize,
    pub no_data: usize,
    pub not_applicable: usize,
    pub mandatory_failures: usize,
    /// Failing findings of goals (shortfalls).
    pub goal_shortfalls: usize,
    pub mandatory_ok: bool,
    /// Ids of the targets with at least one failing finding, in catalogue order.
    pub failing_targets: Vec<String>,
}

impl Checks {
    /// The figures of `summary.json`.
    pub fn summary(&self) -> TargetsSummary {
        let c = self.counts();
        let mandatory_failures = self.mandatory_failures().count();
        TargetsSummary {
            checked: self.targets.len(),
            findings: self.findings.len(),
            pass: c.pass,
            fail: c.fail,
            no_data: c.no_data,
            not_applicable: c.not_applicable,
            mandatory_failures,
            goal_shortfalls: self.goal_shortfalls().count(),
            mandatory_ok: mandatory_failures == 0,
            failing_targets: self
                .tallies()
                .into_iter()
                .filter(|t| t.fail > 0)
                .map(|t| t.id.clone())
                .collect(),
        }
    }
}

/// Residents, for firefighters per 10,000 residents.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Population {
    /// The whole region (scenario `[targets] population`, else the sum over the
    /// districts when every district has one).
    pub region: Option<f64>,
    /// Per district, parallel to the districts.
    pub districts: Vec<Option<f64>>,
}

impl Population {
    /// From the scenario's region figure and the districts' `population` properties.
    pub fn new(region: Option<f64>, districts: Vec<Option<f64>>) -> Self {
        let sum = if !districts.is_empty() && districts.iter().all(Option::is_some) {
            Some(districts.iter().flatten().sum())
        } else {
            None
        };
        Population {
            region: region.or(sum),
            districts,
        }
    }
}

/// Everything the checks read of one variant.
pub struct Facts<'a> {
    pub stations: &'a [Station],
    /// The scenario names a vehicles file (else vehicle targets are not applicable).
    pub vehicles_given: bool,
    /// Never empty (the whole network stands in without a districts file).
    pub districts: &'a [District],
    pub coverage: &'a Coverage,
    /// The scenario has demand (else demand targets are not applicable).
    pub demand_given: bool,
    pub population: &'a Population,
    /// Logistics-support reach and capacity (None: no `[depots]`).
    pub supply: Option<&'a Supply>,
    pub depots: &'a [Depot],
    /// Townships, functional zones and key areas (None: no `[areas]` in the scenario).
    pub areas: Option<&'a [PlanningArea]>,
    /// Fire water supply (None: no `[water]` in the scenario).
    pub water: Option<&'a WaterReach>,
    /// `[targets.figures]`: per key, (subject name, value) pairs.
    pub figures: &'a crate::params::targets::Figures,
    /// Villages and communities (None: no `[villages]` in the scenario).
    pub villages: Option<&'a [crate::model::Village]>,
    /// The community forces of each village, parallel to `villages`
    /// ([`super::villages::village_forces`]).
    pub village_forces: &'a [Vec<super::villages::VillageForce>],
}

/// What was measured on one subject.
enum Measure {
    /// A value and how it was obtained.
    Value(f64, String),
    /// In scope and measured, but the requirement cannot be met (the place is not
    /// served at all): a failure without a value.
    Unmet(String),
    /// In scope, but the inputs do not hold the figure.
    NoData(String),
    /// Nothing to measure here.
    NotApplicable(String),
}

/// Whether a vehicle kind is a light pickup fire truck (皮卡).
pub fn is_pickup(kind: &str) -> bool {
    let k = kind.to_lowercase();
    k.contains("pickup") || k.contains("皮卡")
}

/// The rescue district each station stands in: the polygon containing it (lowest index on
/// overlaps), else the district its `district` column names.
pub fn station_districts(stations: &[Station], districts: &[District]) -> Vec<Option<usize>> {
    let lookup = DistrictLookup::new(districts);
    stations
        .iter()
        .map(|s| {
            lookup.of(s.location).or_else(|| {
                let name = s.district.as_deref()?;
                districts.iter().position(|d| d.name == name)
            })
        })
        .collect()
}

/// Evaluates every target on one variant.
pub fn evaluate(targets: &[Target], facts: &Facts) -> Checks {
    let station_district = station_districts(facts.stations, facts.districts);
    let mut findings = Vec::new();
    for t in targets {
        let before = findings.len();
        match t.scope.level {
            ScopeLevel::Station => station_findings(t, facts, &station_district, &mut findings),
            ScopeLevel::District => {
                for (di, d) in facts.districts.iter().enumerate() {
                    if !t.scope.has_kind(Some(d.kind)) {
                        continue;
                    }
                    let m = district_measure(t, facts, di, &station_district);
                    findings.push(finding(t, SubjectKind::District, &d.name, &d.name, m));
                }
            }
            ScopeLevel::Region if t.metric == Metric::Declared => {
                declared_findings(t, facts, &mut findings)
            }
            ScopeLevel::Region => {
                let m = region_measure(t, facts);
                findings.push(finding(t, SubjectKind::Region, "region", "region", m));
            }
            ScopeLevel::Depot => depot_findings(t, facts, &mut findings),
            ScopeLevel::Area => area_findings(t, facts, &mut findings),
            ScopeLevel::Village => village_findings(t, facts, &mut findings),
        }
        if findings.len() == before {
            let why = match t.scope.level {
                ScopeLevel::Station => format!("no station in scope ({})", t.scope.describe()),
                ScopeLevel::District => {
                    format!("no rescue district in scope ({})", t.scope.describe())
                }
                ScopeLevel::Depot => format!("no support point in scope ({})", t.scope.describe()),
                ScopeLevel::Area => format!(
                    "no township, zone or key area in scope ({})",
                    t.scope.describe()
                ),
                ScopeLevel::Village => {
                    format!("no village or community in scope ({})", t.scope.describe())
                }
                ScopeLevel::Region => "nothing to measure".to_string(),
            };
            findings.push(finding(
                t,
                SubjectKind::Target,
                &t.id,
                &t.id,
                Measure::NotApplicable(why),
            ));
        }
    }
    Checks {
        targets: targets.to_vec(),
        findings,
    }
}

fn finding(t: &Target, kind: SubjectKind, subject: &str, name: &str, m: Measure) -> Finding {
    let (status, measured, reason) = match m {
        Measure::Value(v, why) => {
            let status = if t.comparator.holds(v, t.value) {
                Status::Pass
            } else {
                Status::Fail
            };
            (status, Some(v), why)
        }
        Measure::Unmet(why) => (Status::Fail, None, why),
        Measure::NoData(why) => (Status::NoData, None, why),
        Measure::NotApplicable(why) => (Status::NotApplicable, None, why),
    };
    Finding {
        target: t.id.clone(),
        set: t.set.clone(),
        metric: t.metric,
        subject_kind: kind,
        subject: subject.to_string(),
        subject_name: name.to_string(),
        status,
        measured,
        required: t.value,
        comparator: t.comparator,
        unit: t.metric.unit(),
        force: t.force,
        reason,
        source: t.source.clone(),
    }
}

/// Station-level targets: every station not closed whose class and district kind are in
/// scope.
fn station_findings(
    t: &Target,
    facts: &Facts,
    station_district: &[Option<usize>],
    out: &mut Vec<Finding>,
) {
    for (i, s) in facts.stations.iter().enumerate() {
        if s.status == StationStatus::Closed || !t.scope.has_class(s.class) {
            continue;
        }
        let kind = station_district[i].map(|d| facts.districts[d].kind);
        if !t.scope.has_kind(kind) {
            continue;
        }
        let m = station_measure(t, facts, i);
        out.push(finding(t, SubjectKind::Station, &s.id, &s.name, m));
    }
}

/// Σ pump flow × count, and the vehicles it comes from.
fn pump_flow(vehicles: &[Vehicle]) -> (f64, String) {
    let parts: Vec<String> = vehicles
        .iter()
        .filter_map(|v| {
            let f = v.pump_flow_lps.filter(|&f| f > 0.0 && v.count > 0)?;
            Some(format!("{} {}×{}", v.kind, v.count, fmt_value(f)))
        })
        .collect();
    let total: f64 = vehicles
        .iter()
        .map(|v| v.pump_flow_lps.unwrap_or(0.0) * v.count as f64)
        .sum();
    let how = if parts.is_empty() {
        "no vehicle with a pump flow".to_string()
    } else {
        format!("{} = {} L/s", parts.join(" + "), fmt_value(total))
    };
    (total, how)
}

/// (fire-fighting, other, without the flag) vehicle counts.
fn vehicle_split<'a>(vehicles: impl IntoIterator<Item = &'a Vehicle>) -> (u64, u64, u64) {
    let mut n = (0, 0, 0);
    for v in vehicles {
        let c = v.count as u64;
        match v.firefighting {
            Some(true) => n.0 += c,
            Some(false) => n.1 += c,
            None => n.2 += c,
        }
    }
    n
}

/// The fire-fighting : other ratio as a measure.
fn ratio_measure(ff: u64, other: u64, unflagged: u64) -> Measure {
    let note = if unflagged > 0 {
        format!(" ({unflagged} without the `firefighting` flag left out)")
    } else {
        String::new()
    };
    match (ff, other) {
        (0, 0) if unflagged > 0 => {
            Measure::NoData(format!("no vehicle has the `firefighting` flag{note}"))
        }
        (0, 0) => Measure::NoData("no vehicles recorded".into()),
        (ff, 0) => Measure::Value(
            f64::INFINITY,
            format!("{ff} fire-fighting : 0 other vehicles{note}"),
        ),
        (ff, other) => Measure::Value(
            ff as f64 / other as f64,
            format!("{ff} fire-fighting : {other} other vehicles{note}"),
        ),
    }
}

fn station_measure(t: &Target, facts: &Facts, i: usize) -> Measure {
    let s = &facts.stations[i];
    let no_vehicles = || Measure::NoData("no vehicles file in the scenario".into());
    match t.metric {
        Metric::Staff => match s.staff {
            Some(n) => Measure::Value(n as f64, format!("{n} staff ({})", s.class.name_zh())),
            None => Measure::NoData(
                "staff not recorded (the stations file's staff cell is empty)".into(),
            ),
        },
        Metric::PumpFlowLps => {
            if !facts.vehicles_given {
                return no_vehicles();
            }
            let (total, how) = pump_flow(&s.vehicles);
            Measure::Value(total, how)
        }
        Metric::PickupTrucks => {
            if !facts.vehicles_given {
                return no_vehicles();
            }
            let n: u32 = s
                .vehicles
                .iter()
                .filter(|v| is_pickup(&v.kind))
                .map(|v| v.count)
                .sum();
            Measure::Value(
                n as f64,
                if n == 0 {
                    "no vehicle of kind `pickup`".into()
                } else {
                    format!("{n} pickup truck(s)")
                },
            )
        }
        Metric::DroneHangars => match s.drone {
            Some(true) => Measure::Value(1.0, "drone = 1".into()),
            Some(false) => Measure::Value(0.0, "drone = 0".into()),
            None => {
                Measure::NoData("not recorded (the stations file's drone cell is empty)".into())
            }
        },
        Metric::FirefightingRatio => {
            if !facts.vehicles_given {
                return no_vehicles();
            }
            let (ff, other, unflagged) = vehicle_split(&s.vehicles);
            ratio_measure(ff, other, unflagged)
        }
        Metric::FirstDueAreaKm2 | Metric::FirstDueWorstRoadS => first_due_measure(t, facts, i),
        Metric::LogisticsReachS => {
            let Some(sup) = facts.supply else {
                return Measure::NoData("no `[depots]` in the scenario".into());
            };
            let Some(&level) = t.scope.depot_levels.first() else {
                return Measure::NotApplicable("the target names no depot level".into());
            };
            let Some(li) = sup.level_index(level) else {
                return no_level(level);
            };
            // Supply lists the stations it checked in station order: a binary search, not
            // a scan per station (issue 20, H2: quadratic in the number of stations).
            match sup.stations.binary_search_by_key(&i, |r| r.station) {
                Ok(k) => reach_measure(sup, &sup.stations[k].levels[li], "station"),
                Err(_) => Measure::NotApplicable("not checked by supply reach".into()),
            }
        }
        // Region / district / depot metrics never reach here (the catalogue parser
        // refuses them at station level).
        _ => Measure::NotApplicable(format!(
            "metric `{}` is not measured per station",
            t.metric.as_str()
        )),
    }
}

fn no_level(level: DepotLevel) -> Measure {
    Measure::NotApplicable(format!(
        "no {}-level support point ({}) in the inputs",
        level.as_str(),
        crate::params::supply::level_name_zh(level)
    ))
}

/// A place's reach at one level as a measure.
fn reach_measure(sup: &Supply, r: &LevelReach, what: &str) -> Measure {
    let from = |p: usize| {
        let pt = &sup.points[p];
        format!("{} {} ({})", pt.kind(), pt.label, pt.name)
    };
    match (r.status, r.nearest) {
        (ReachStatus::OffNetwork, _) => {
            Measure::NotApplicable(format!("the {what} is off the network"))
        }
        (ReachStatus::OutsideArea, _) => Measure::NotApplicable(format!(
            "outside the area of every {}-level support point",
            r.level.as_str()
        )),
        (_, Some((p, t))) => Measure::Value(t, format!("{:.1} min from {}", t / 60.0, from(p))),
        (_, None) => Measure::Unmet(format!(
            "no {}-level support point on the network reaches it",
            r.level.as_str()
        )),
    }
}

fn coverage_measure(metric: Metric, m: &Metrics, facts: &Facts, what: &str) -> Measure {
    let no_demand = || {
        if facts.demand_given {
            Measure::NotApplicable(format!("no demand points in {what}"))
        } else {
            Measure::NoData("no `[demand]` in the scenario".into())
        }
    };
    let share = |x: Option<f64>, how: String| x.map(|v| Measure::Value(v, how));
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{:.1} %", v * 100.0));
    let r = match metric {
        Metric::DemandCoverage => share(
            m.demand_coverage,
            format!(
                "{} of {:.0} demand weight within the threshold ({} points)",
                pct(m.demand_coverage),
                m.demand_weight,
                m.demand_points
            ),
        ),
        Metric::SecondDueCoverage => share(
            m.second_due_coverage,
            format!("{} second-due", pct(m.second_due_coverage)),
        ),
        Metric::P50S | Metric::P90S | Metric::MaxS if m.demand_weight > 0.0 => {
            let (v, name, share) = match metric {
                Metric::P50S => (m.p50_s, "p50", 0.5),
                Metric::P90S => (m.p90_s, "p90", 0.9),
                _ => (m.max_s, "max", 0.0),
            };
            Some(match v {
                Some(v) => Measure::Value(v, format!("{name} {v:.0} s")),
                // Unreached points count as later than any time (docs/output.md).
                None if share > 0.0 => Measure::Unmet(format!(
                    "more than {:.0} % of the demand weight is not reached at all ({} \
                     unreachable, {} off-network): no {name}",
                    (1.0 - share) * 100.0,
                    m.unreachable,
                    m.off_network
                )),
                None => Measure::Unmet("no demand point is reached".into()),
            })
        }
        Metric::P50S | Metric::P90S | Metric::MaxS => None,
        Metric::UnreachableDemand => (m.demand_points > 0).then(|| {
            let n = m.unreachable + m.off_network;
            Measure::Value(
                n as f64,
                format!(
                    "{} unreachable and {} off-network of {} demand points",
                    m.unreachable, m.off_network, m.demand_points
                ),
            )
        }),
        Metric::RoadCoverage => {
            return m.road_coverage.map_or_else(
                || Measure::NotApplicable(format!("no roads in {what}")),
                |v| {
                    Measure::Value(
                        v,
                        format!("{:.1} of {:.1} km of road", m.covered_road_km, m.road_km),
                    )
                },
            )
        }
        Metric::AreaCoverage => {
            return m.area_coverage.map_or_else(
                || Measure::NotApplicable(format!("no area grid in {what}")),
                |v| {
                    Measure::Value(
                        v,
                        format!("{:.1} of {:.1} km²", m.covered_area_km2, m.area_km2),
                    )
                },
            )
        }
        _ => {
            return Measure::NotApplicable(format!(
                "metric `{}` is not a coverage figure",
                metric.as_str()
            ))
        }
    };
    r.unwrap_or_else(no_demand)
}

/// Staff of the stations (not closed) selected by `keep`, and how many have no staff figure.
fn staff_sum(facts: &Facts, keep: impl Fn(usize) -> bool) -> (u64, usize, usize) {
    let mut total = 0;
    let mut unknown = 0;
    let mut n = 0;
    for (i, s) in facts.stations.iter().enumerate() {
        if s.status == StationStatus::Closed || !keep(i) {
            continue;
        }
        n += 1;
        match s.staff {
            Some(x) => total += x as u64,
            None => unknown += 1,
        }
    }
    (total, unknown, n)
}

fn per_10k(facts: &Facts, residents: Option<f64>, keep: impl Fn(usize) -> bool) -> Measure {
    let Some(pop) = residents.filter(|&p| p > 0.0) else {
        return Measure::NoData(
            "population not given ([targets] population, or a `population` property on the districts)"
                .into(),
        );
    };
    // 专职消防人员: full-time firefighters; logistics-support staff and volunteers are not.
    let (staff, unknown, n) = staff_sum(facts, |i| facts.stations[i].class.full_time() && keep(i));
    let note = if unknown > 0 {
        format!("; {unknown} station(s) without a staff figure counted as 0")
    } else {
        String::new()
    };
    Measure::Value(
        staff as f64 / pop * 10_000.0,
        format!(
            "{staff} full-time firefighters at {n} stations for {pop:.0} residents \
             (logistics-support stations and volunteer teams not counted){note}"
        ),
    )
}

fn district_measure(
    t: &Target,
    facts: &Facts,
    di: usize,
    station_district: &[Option<usize>],
) -> Measure {
    let name = &facts.districts[di].name;
    match t.metric {
        Metric::FirefightersPer10k => per_10k(
            facts,
            facts.population.districts.get(di).copied().flatten(),
            |i| station_district[i] == Some(di),
        ),
        Metric::LogisticsReachS => {
            let Some(sup) = facts.supply else {
                return Measure::NoData("no `[depots]` in the scenario".into());
            };
            let Some(&level) = t.scope.depot_levels.first() else {
                return Measure::NotApplicable("the target names no depot level".into());
            };
            let Some(li) = sup.level_index(level) else {
                return no_level(level);
            };
            let Some(dr) = sup.districts.iter().find(|d| d.district == di) else {
                return Measure::NotApplicable("not checked by supply reach".into());
            };
            match dr.levels[li].worst {
                Some(w) => match reach_measure(sup, &w.reach, "district's worst place") {
                    Measure::Value(v, why) => Measure::Value(
                        v,
                        format!("worst place ({:.5}, {:.5}): {why}", w.lon, w.lat),
                    ),
                    other => other,
                },
                None => Measure::NotApplicable(format!("no demand and no road in {name}")),
            }
        }
        Metric::WaterReachDemandShare | Metric::HydrantSpacingGapKm => {
            water_measure(t.metric, facts, |w| w.districts.get(di), name)
        }
        m => coverage_measure(m, &facts.coverage.districts[di], facts, name),
    }
}

fn region_measure(t: &Target, facts: &Facts) -> Measure {
    let active = |s: &Station| s.status != StationStatus::Closed && t.scope.has_class(s.class);
    match t.metric {
        Metric::StationCount => {
            // A higher class counts toward a lower class's quota: the catalogue scopes
            // "13 class-2" as 22 of class 2 or higher (issue 14, item 7).
            let mut by_class: BTreeMap<StationClass, usize> = BTreeMap::new();
            for s in facts.stations.iter().filter(|s| active(s)) {
                *by_class.entry(s.class).or_default() += 1;
            }
            let n: usize = by_class.values().sum();
            let parts: Vec<String> = by_class
                .iter()
                .map(|(c, k)| format!("{k} {}", c.name_zh()))
                .collect();
            Measure::Value(
                n as f64,
                format!(
                    "{n} station(s) not closed{}",
                    if parts.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", parts.join(" + "))
                    }
                ),
            )
        }
        Metric::FirefightersPer10k => per_10k(facts, facts.population.region, |i| {
            t.scope.has_class(facts.stations[i].class)
        }),
        Metric::FirefightingRatio => {
            if !facts.vehicles_given {
                return Measure::NoData("no vehicles file in the scenario".into());
            }
            let (ff, other, unflagged) = vehicle_split(
                facts
                    .stations
                    .iter()
                    .filter(|s| active(s))
                    .flat_map(|s| &s.vehicles),
            );
            ratio_measure(ff, other, unflagged)
        }
        Metric::WaterServiceableShare => {
            let Some(w) = facts.water else {
                return Measure::NoData("no `[water]` in the scenario".into());
            };
            match w.serviceable_share {
                Some(v) => Measure::Value(
                    v,
                    format!(
                        "{} of {} listed water sources in service",
                        w.serviceable, w.sources
                    ),
                ),
                None => Measure::NoData("`[water]` lists no water source".into()),
            }
        }
        Metric::WaterReachDemandShare | Metric::HydrantSpacingGapKm => {
            water_measure(t.metric, facts, |w| Some(&w.region), "the region")
        }
        m => coverage_measure(m, &facts.coverage.region, facts, "the region"),
    }
}

/// Fire-water reach or hydrant-spacing gaps of one area (`figures` picks it).
fn water_measure(
    metric: Metric,
    facts: &Facts,
    figures: impl Fn(&WaterReach) -> Option<&WaterFigures>,
    what: &str,
) -> Measure {
    let Some(w) = facts.water else {
        return Measure::NoData("no `[water]` in the scenario".into());
    };
    let Some(f) = figures(w) else {
        return Measure::NotApplicable(format!("no water figures for {what}"));
    };
    if metric == Metric::HydrantSpacingGapKm {
        if f.road_km <= 0.0 {
            return Measure::NotApplicable(format!(
                "no road in {what} the spacing rule applies to"
            ));
        }
        return Measure::Value(
            f.spacing_gap_road_km,
            format!(
                "{:.2} of {:.1} km of road farther than {:.0} m (half the {:.0} m hydrant \
                 spacing) from a serviceable hydrant",
                f.spacing_gap_road_km,
                f.road_km,
                w.hydrant_spacing_m / 2.0,
                w.hydrant_spacing_m
            ),
        );
    }
    match f.reach_demand_share {
        Some(v) => Measure::Value(
            v,
            format!(
                "{:.1} % of {:.0} demand weight ({} points) within {:.0} m of a serviceable \
                 hydrant along the roads",
                v * 100.0,
                f.demand_weight,
                f.demand_points,
                w.protection_radius_m
            ),
        ),
        None if facts.demand_given => Measure::NotApplicable(format!("no demand points in {what}")),
        None => Measure::NoData("no `[demand]` in the scenario".into()),
    }
}

/// Depot-level targets: every support point whose level is in scope.
fn depot_findings(t: &Target, facts: &Facts, out: &mut Vec<Finding>) {
    let Some(sup) = facts.supply else {
        out.push(finding(
            t,
            SubjectKind::Target,
            &t.id,
            &t.id,
            Measure::NoData("no `[depots]` in the scenario".into()),
        ));
        return;
    };
    for (p, pt) in sup.points.iter().enumerate() {
        if !t.scope.has_depot_level(pt.level) {
            continue;
        }
        let m = match (t.metric, pt.source) {
            // Seed 000 专栏8 speaks of logistics-support stations (战勤保障消防站), not of
            // reserve depots: each is a subject of its own metric.
            (Metric::DepotCapacityPersons, PointSource::Station(_))
            | (Metric::LogisticsCapabilityPersons, PointSource::Depot(_)) => continue,
            (Metric::DepotCapacityPersons, PointSource::Depot(i)) => {
                match facts.depots.get(i).and_then(|d| d.capacity_persons) {
                    Some(c) => Measure::Value(c, format!("declares {} persons", fmt_value(c))),
                    None => Measure::NoData(
                        "no capacity declared (the depots file's capacity_persons cell)".into(),
                    ),
                }
            }
            (Metric::LogisticsCapabilityPersons, PointSource::Station(i)) => {
                let s = &facts.stations[i];
                match s.support_capacity_persons {
                    Some(c) => Measure::Value(
                        c,
                        format!(
                            "{}-level logistics-support station declares {} persons",
                            pt.level.as_str(),
                            fmt_value(c)
                        ),
                    ),
                    None => Measure::NoData(
                        "capability not declared (the stations file's support_capacity_persons \
                         cell)"
                            .into(),
                    ),
                }
            }
            (Metric::DepotLoadShare, _) => {
                let load = &sup.loads[p];
                match load.utilisation() {
                    _ if !pt.usable() => Measure::NotApplicable(
                        "off the network: left out of supply reach and capacity".into(),
                    ),
                    Some(u) => {
                        let unknown = if load.unknown_staff > 0 {
                            format!(" ({} without a staff figure)", load.unknown_staff)
                        } else {
                            String::new()
                        };
                        Measure::Value(
                            u,
                            format!(
                                "{} persons of {} stations{unknown} for a capacity of {}",
                                load.staff_persons,
                                load.stations.len(),
                                fmt_value(load.capacity_persons.unwrap_or(0.0))
                            ),
                        )
                    }
                    None => Measure::NotApplicable("no capacity to compare with".into()),
                }
            }
            _ => Measure::NotApplicable(format!(
                "metric `{}` is not measured per support point",
                t.metric.as_str()
            )),
        };
        out.push(finding(t, SubjectKind::Depot, &pt.label, &pt.name, m));
    }
}

/// A first-due rule on one station, measured over the part of its first-due area in
/// districts of the target's kinds (建标152-2017 第十四条 and GB 51080-2015 4.1.3 speak of
/// urban construction land and near suburbs, not of the rural rest of a large area).
fn first_due_measure(t: &Target, facts: &Facts, i: usize) -> Measure {
    let fd = match &facts.coverage.placement[i] {
        Placement::Origin(o) => &facts.coverage.first_due[*o as usize],
        Placement::NotResponding => {
            return Measure::NotApplicable(
                "does not respond (logistics support): no first-due area".into(),
            )
        }
        Placement::OffNetwork(d) => {
            return Measure::NotApplicable(format!(
                "off the network ({d:.0} m from the nearest road): no first-due area"
            ))
        }
    };
    let kinds = &t.scope.district_kinds;
    let whole = kinds.is_empty();
    let part = if whole {
        KindPart {
            area_km2: fd.area_km2,
            road_km: fd.road_km,
            worst_road_s: fd.worst_road_s,
        }
    } else {
        let mut part = KindPart::default();
        for &kind in kinds {
            part.add(&fd.by_kind[KindPart::slot(Some(kind))]);
        }
        part
    };
    let within = if whole {
        String::new()
    } else {
        let k: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        format!(" in {} districts", k.join("/"))
    };
    if t.metric == Metric::FirstDueAreaKm2 {
        let of_whole = if whole {
            String::new()
        } else {
            format!(" of its {:.2} km²", fd.area_km2)
        };
        return Measure::Value(
            part.area_km2,
            format!(
                "first-due area{within}: {:.2} km²{of_whole} ({} demand points in all)",
                part.area_km2, fd.demand_points
            ),
        );
    }
    match part.worst_road_s {
        Some(w) => Measure::Value(
            w,
            format!(
                "edge of the first-due area{within} reached in {w:.0} s ({:.1} km of road{})",
                part.road_km,
                if whole {
                    String::new()
                } else {
                    format!(" of its {:.1} km", fd.road_km)
                }
            ),
        ),
        None if fd.worst_road_s.is_some() => {
            Measure::NotApplicable(format!("no road of its first-due area lies{within}"))
        }
        None => Measure::NotApplicable("no road is first reached from this station".into()),
    }
}

/// Area-level targets: each township, functional zone or key area of the kinds in scope,
/// with the forces (stations not closed, of the classes in scope) standing inside it.
fn area_findings(t: &Target, facts: &Facts, out: &mut Vec<Finding>) {
    let Some(areas) = facts.areas else {
        out.push(finding(
            t,
            SubjectKind::Target,
            &t.id,
            &t.id,
            Measure::NoData(
                "no `[areas]` in the scenario: the townships, functional zones or key areas \
                 (乡镇、功能区、重点区域) this target speaks of are not given"
                    .into(),
            ),
        ));
        return;
    };
    let forces: Vec<usize> = (0..facts.stations.len())
        .filter(|&i| {
            let s = &facts.stations[i];
            s.status != StationStatus::Closed && t.scope.has_class(s.class)
        })
        .collect();
    for (ai, area) in areas.iter().enumerate() {
        if !t.scope.has_area_kind(area.kind) {
            continue;
        }
        let m = match t.metric {
            Metric::ServedByClass => served_by_class(facts, ai, area, &forces),
            Metric::ForcesInside => {
                let index = AreaIndex::new(&area.area);
                let forces: Vec<usize> = forces
                    .iter()
                    .copied()
                    .filter(|&i| index.contains(facts.stations[i].location))
                    .collect();
                let listed: Vec<String> = forces
                    .iter()
                    .take(5)
                    .map(|&i| {
                        let s = &facts.stations[i];
                        format!("{} {}", s.id, s.class.name_zh())
                    })
                    .collect();
                let more = forces.len().saturating_sub(listed.len());
                Measure::Value(
                    forces.len() as f64,
                    if forces.is_empty() {
                        format!("no fire-rescue force inside this {}", area.kind.name_zh())
                    } else {
                        format!(
                            "{} inside: {}{}",
                            forces.len(),
                            listed.join(", "),
                            if more > 0 {
                                format!(" and {more} more")
                            } else {
                                String::new()
                            }
                        )
                    },
                )
            }
            _ => Measure::NotApplicable(format!(
                "metric `{}` is not measured per area",
                t.metric.as_str()
            )),
        };
        out.push(finding(t, SubjectKind::Area, &area.name, &area.name, m));
    }
}

/// Village-level targets: each village or community of the kinds and size in scope, with
/// the community forces of the classes in scope it has (inside its outline, or within
/// `[villages] point_radius_m` of its point).
fn village_findings(t: &Target, facts: &Facts, out: &mut Vec<Finding>) {
    let Some(villages) = facts.villages else {
        out.push(finding(
            t,
            SubjectKind::Target,
            &t.id,
            &t.id,
            Measure::NoData(
                "no `[villages]` in the scenario: the villages and communities (行政村、社区) \
                 with their residents this target speaks of are not given"
                    .into(),
            ),
        ));
        return;
    };
    for (vi, v) in villages.iter().enumerate() {
        if !t.scope.has_village(v.kind, v.population) {
            continue;
        }
        let m = match t.metric {
            Metric::VillageForces => {
                let forces: Vec<&super::villages::VillageForce> = facts
                    .village_forces
                    .get(vi)
                    .map(|f| {
                        f.iter()
                            .filter(|f| t.scope.has_class(facts.stations[f.station].class))
                            .collect()
                    })
                    .unwrap_or_default();
                let inside = matches!(v.shape, crate::model::VillageShape::Area(_));
                let listed: Vec<String> = forces
                    .iter()
                    .take(5)
                    .map(|f| {
                        let s = &facts.stations[f.station];
                        if inside {
                            format!("{} {}", s.id, s.class.name_zh())
                        } else {
                            format!("{} {} {:.0} m", s.id, s.class.name_zh(), f.distance_m)
                        }
                    })
                    .collect();
                let more = forces.len().saturating_sub(listed.len());
                let classes: Vec<&str> = if t.scope.station_classes.is_empty() {
                    vec!["force"]
                } else {
                    t.scope
                        .station_classes
                        .iter()
                        .map(|c| c.name_zh())
                        .collect()
                };
                let place = if inside {
                    "inside".to_string()
                } else {
                    "within the point radius".to_string()
                };
                Measure::Value(
                    forces.len() as f64,
                    if forces.is_empty() {
                        format!(
                            "{} residents ({}): no {} {place}",
                            fmt_value(v.population),
                            v.kind.name_zh(),
                            classes.join(" / ")
                        )
                    } else {
                        format!(
                            "{} residents ({}): {} {place}: {}{}",
                            fmt_value(v.population),
                            v.kind.name_zh(),
                            forces.len(),
                            listed.join(", "),
                            if more > 0 {
                                format!(" and {more} more")
                            } else {
                                String::new()
                            }
                        )
                    },
                )
            }
            _ => Measure::NotApplicable(format!(
                "metric `{}` is not measured per village",
                t.metric.as_str()
            )),
        };
        out.push(finding(t, SubjectKind::Village, &v.id, &v.name, m));
    }
}

/// A special-risk site served by a station of the scoped classes: one standing inside it
/// or its first-due station (first on most of its road; [`crate::coverage::sites`]). The
/// value counts those stations; the note names the serving station, its class and the
/// response at the site's worst road point.
fn served_by_class(facts: &Facts, ai: usize, area: &PlanningArea, forces: &[usize]) -> Measure {
    let index = AreaIndex::new(&area.area);
    let inside: Vec<usize> = forces
        .iter()
        .copied()
        .filter(|&i| index.contains(facts.stations[i].location))
        .collect();
    let site = facts.coverage.sites.iter().find(|s| s.area == ai);
    let first_due = site
        .and_then(|s| s.first_due)
        .map(|o| facts.coverage.origins[o as usize].station);
    let label = |i: usize| {
        let s = &facts.stations[i];
        format!("{} {} ({})", s.id, s.name, s.class.name_zh())
    };
    let worst = match site.and_then(|s| s.worst) {
        Some((t_s, o)) => format!(
            "worst road point {t_s:.0} s{} (first there: {})",
            if site.is_some_and(|s| s.at_nearest_road) {
                " at its nearest road point"
            } else {
                ""
            },
            facts.stations[facts.coverage.origins[o as usize].station].id
        ),
        None => "no station reaches its roads".to_string(),
    };
    let mut serving: Vec<usize> = inside.clone();
    if let Some(f) = first_due.filter(|f| forces.contains(f) && !inside.contains(f)) {
        serving.push(f);
    }
    let inside_note = if inside.is_empty() {
        "none of the class inside".to_string()
    } else {
        let l: Vec<String> = inside.iter().map(|&i| label(i)).collect();
        format!("inside: {}", l.join(", "))
    };
    let first_note = match first_due {
        Some(f) => format!("first-due {}", label(f)),
        None => "no first-due station".to_string(),
    };
    let note = format!("{inside_note}; {first_note}; {worst}");
    if serving.is_empty() && first_due.is_none() {
        return Measure::Unmet(note);
    }
    Measure::Value(serving.len() as f64, note)
}

/// A `declared` target: the figure the scenario supplies in `[targets.figures]`, once or
/// per named subject (town command centres).
fn declared_findings(t: &Target, facts: &Facts, out: &mut Vec<Finding>) {
    let key = t.figure.as_deref().unwrap_or_default();
    match facts.figures.get(key) {
        None => out.push(finding(
            t,
            SubjectKind::Region,
            "region",
            key,
            Measure::NoData(format!(
                "not supplied: the inputs cannot hold it; give `{key} = …` under \
                 `[targets.figures]`"
            )),
        )),
        Some(values) => {
            for (name, v) in values {
                let subject = name.as_deref().unwrap_or("region");
                out.push(finding(
                    t,
                    SubjectKind::Region,
                    subject,
                    subject,
                    Measure::Value(*v, format!("`{key}` as the scenario declares it")),
                ));
            }
        }
    }
}
