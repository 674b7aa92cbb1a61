//! The report as a plan appendix (issue 17): one typed view model — every cell already
//! formatted for a planner (percentages with one decimal, times as m:ss, planners' column
//! names in the scenario's language) — rendered by the templates of `templates/` into
//! `report.html` and `report.md`, so that both carry the same content and the wording can
//! be edited without touching Rust.
//!
//! Order (what a plan's reader looks for first): summary, plan comparison and the plan's
//! changes with their reasons, coverage by district and station, supply, simulation,
//! targets (failures and goals first, passes collapsed), methodology and sources.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::coverage::{Metrics, Placement};
use crate::error::Result;
use crate::model::target::{fmt_value, Force, Metric};
use crate::plan::checks::{Checks, Finding, Status};
use crate::report::write::REPORT_ROWS;
use crate::run::{PlanRunResult, RunResult};

use super::maps::MapKind;

/// Planners' column names: (key, Chinese, English). One table for both reports, so a column
/// reads the same in `report.html` and `report.md`.
const COLUMNS: &[(&str, &str, &str)] = &[
    ("district", "救援片区", "Rescue district"),
    ("kind", "类型", "Kind"),
    ("area", "范围", "Area"),
    ("figure", "指标", "Figure"),
    ("baseline", "现状", "Baseline"),
    ("plan", "方案", "Plan"),
    ("change", "变化", "Change"),
    ("demand_coverage", "警情覆盖率", "Demand covered"),
    ("road_coverage", "道路覆盖率", "Road covered"),
    ("area_coverage", "面积覆盖率", "Area covered"),
    (
        "second_due_coverage",
        "第二出动覆盖率",
        "Second-due covered",
    ),
    ("p50", "响应时间中位数", "Median response"),
    ("p90", "响应时间 P90", "P90 response"),
    ("max", "最长响应时间", "Longest response"),
    ("demand_points", "警情点", "Incidents"),
    ("road_km", "道路 km", "Road km"),
    ("area_km2", "面积 km²", "Area km²"),
    ("number", "序号", "No."),
    ("action", "变更", "Change"),
    ("subject", "对象", "Subject"),
    ("what", "内容", "What"),
    ("reason", "理由", "Reason"),
    ("station", "消防站", "Station"),
    ("name", "名称", "Name"),
    ("class", "等级", "Class"),
    ("first_due_area_km2", "辖区面积 km²", "First-due area km²"),
    ("first_due_road_km", "辖区道路 km", "First-due road km"),
    ("demand_share", "辖区警情占比", "Share of incidents"),
    ("worst_road", "辖区最远道路响应", "Slowest road point"),
    ("within", "5 分钟内", "Within threshold"),
    ("site", "场所", "Site"),
    ("serving", "服务消防站", "Serving station"),
    ("special", "特勤站", "Special station"),
    ("level", "层级", "Level"),
    ("reach_time", "到达时限", "Reach time"),
    ("points", "保障点", "Support points"),
    ("stations_in_time", "按时到达的消防站", "Stations in time"),
    ("districts_in_time", "按时到达的片区", "Districts in time"),
    ("worst_margin", "最小余量", "Smallest margin"),
    ("capacity", "保障能力（人）", "Capacity (persons)"),
    ("stations", "消防站数", "Stations"),
    ("staff", "需保障人员", "Staff to sustain"),
    ("load", "负荷", "Load"),
    ("status", "结论", "Result"),
    (
        "within_share",
        "按时可达警情占比",
        "Incidents reached in time",
    ),
    ("worst_time", "最远点用时", "Slowest place"),
    ("margin", "余量", "Margin"),
    (
        "water_reach_share",
        "消火栓保护范围内警情",
        "Incidents within hydrant reach",
    ),
    (
        "spacing_gap_km",
        "消火栓间距缺口 km",
        "Hydrant spacing gap km",
    ),
    ("village", "村、社区", "Village"),
    ("population", "人口", "Population"),
    ("micro_stations", "微型消防站", "Micro stations"),
    ("volunteer_teams", "志愿消防队", "Volunteer teams"),
    ("hangars", "无人机机舱", "Drone hangars"),
    (
        "drone_demand_share",
        "无人机可达警情",
        "Incidents within drone reach",
    ),
    (
        "drone_area_share",
        "无人机可达面积",
        "Area within drone reach",
    ),
    ("closure", "封闭", "Closure"),
    ("source", "来源", "Source"),
    ("road_closed", "封闭道路", "Road closed"),
    (
        "demand_lost",
        "失去覆盖的警情点",
        "Incidents losing coverage",
    ),
    ("target", "指标", "Target"),
    ("requirement", "要求", "Requirement"),
    ("failing", "未达标对象（实测）", "Not met (measured)"),
    ("findings", "核查结果", "Findings"),
    ("force", "性质", "Force"),
    ("pass", "通过", "Pass"),
    ("fail", "未通过", "Fail"),
    ("no_data", "无数据", "No data"),
    ("not_applicable", "不适用", "N/a"),
    ("set", "指标集", "Set"),
    ("applied", "适用", "Applied"),
    ("why", "理由", "Why"),
    ("road_class", "道路等级", "Road class"),
    ("speed", "车速 km/h", "Speed km/h"),
    ("static", "静态计算", "Static"),
    (
        "free_fleet",
        "模拟：最近站总是空闲",
        "Simulated, nearest always free",
    ),
    (
        "busy_units",
        "模拟：考虑忙碌占用",
        "Simulated with busy units",
    ),
    ("full_plan", "全部力量按时到达", "Whole plan in time"),
    ("first_due_busy", "辖区站忙碌", "First-due busy"),
    ("incidents_per_year", "年警情数", "Incidents a year"),
    (
        "no_data_subjects",
        "无数据的对象及原因",
        "Without data, and why",
    ),
    ("free_flow_speed", "自由流车速 km/h", "Free-flow km/h"),
    ("time_factor", "行驶时间系数", "Time factor"),
    ("calibrated_speed", "校准车速 km/h", "Calibrated km/h"),
    ("model", "模型", "Model"),
    ("records", "记录数", "Records"),
    ("median_error", "误差中位数", "Median error"),
    ("p90_error", "误差 P90", "P90 error"),
    ("bias", "偏差中位数", "Median bias"),
    (
        "predicted_within",
        "预测按时（中位数）",
        "Predicted in time (median)",
    ),
    (
        "expected_within",
        "预测按时（概率）",
        "Expected in time (probability)",
    ),
    ("observed_within", "实际按时", "Observed in time"),
    (
        "modelled_median",
        "模型响应时间中位数",
        "Modelled median response",
    ),
    (
        "chance_within",
        "时限内到达的概率",
        "Chance within the threshold",
    ),
    ("vehicle", "车辆类型", "Vehicle kind"),
    ("limits", "车辆尺寸与重量", "Size and weight"),
    ("vehicle_stations", "配备该车的消防站", "Stations with it"),
    ("barred_road_km", "禁行道路 km", "Barred road km"),
    (
        "vehicle_within",
        "该车按时到达的警情",
        "Incidents it reaches in time",
    ),
];

/// A column's name in the report's language (the key itself if the table lacks it).
pub fn column(key: &str, zh: bool) -> String {
    COLUMNS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, z, e)| if zh { *z } else { *e })
        .unwrap_or(key)
        .to_string()
}

/// A share as a percentage with one decimal (`48.6 %`); `—` when not measured.
pub fn pct(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(|| "—".into(), |v| format!("{:.1} %", v * 100.0 + 0.0))
}

/// A change of a share in percentage points with its sign (`+14.5 pp`), `—` when either
/// side is missing.
pub fn points_change(b: Option<f64>, p: Option<f64>) -> String {
    match (b, p) {
        (Some(b), Some(p)) => format!("{:+.1} pp", (p - b) * 100.0 + 0.0),
        _ => "—".into(),
    }
}

/// Seconds as a planner reads a response time: `5:07` (minutes:seconds), `1:02:05` past an
/// hour; `—` when not measured.
pub fn mmss(x: Option<f64>) -> String {
    let Some(s) = x.filter(|v| v.is_finite() && *v >= 0.0) else {
        return "—".into();
    };
    let total = s.round() as u64;
    let (h, m, sec) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else {
        format!("{m}:{sec:02}")
    }
}

/// A change of a time with its sign (`−0:42`), `—` when either side is missing; taken
/// between the whole seconds shown, so that the row adds up as printed.
pub fn mmss_change(b: Option<f64>, p: Option<f64>) -> String {
    match (b, p) {
        (Some(b), Some(p)) => {
            let d = p.round() - b.round();
            let sign = if d < -0.5 { "−" } else { "+" };
            format!("{sign}{}", mmss(Some(d.abs())))
        }
        _ => "—".into(),
    }
}

/// One column of a table: its name and whether its cells are figures (right-aligned).
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub label: String,
    pub numeric: bool,
}

/// One row: the formatted cells and a class for the reader (`fail`, `short`, `pass`,
/// `total` or empty).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Row {
    pub class: &'static str,
    pub cells: Vec<String>,
}

/// A table ready to print: its columns, rows, and the line saying which file holds the
/// rows left out.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// How many rows were left out, and the file holding every row.
    pub left_out: usize,
    pub file: String,
    /// The line saying so, in the report's language (empty when nothing was cut).
    pub note: String,
    /// Printed on a landscape page (more columns than fit portrait).
    pub wide: bool,
}

impl Table {
    /// A table with these columns (`key`, numeric) named in the report's language.
    fn new(zh: bool, cols: &[(&str, bool)]) -> Self {
        Table {
            columns: cols
                .iter()
                .map(|(k, n)| Column {
                    label: column(k, zh),
                    numeric: *n,
                })
                .collect(),
            ..Table::default()
        }
    }

    fn push(&mut self, class: &'static str, cells: Vec<String>) {
        self.rows.push(Row { class, cells });
    }

    /// Keeps the first [`REPORT_ROWS`] rows, noting how many were cut and where they are.
    fn cut(mut self, file: &str, zh: bool) -> Self {
        if self.rows.len() > REPORT_ROWS {
            self.left_out = self.rows.len() - REPORT_ROWS;
            self.rows.truncate(REPORT_ROWS);
            self.note = if zh {
                format!("……另有 {} 行未列出，全部见 `{file}`。", self.left_out)
            } else {
                super::write::rows_left_out(self.left_out, "rows", file)
            };
        }
        self.file = file.to_string();
        self
    }
}

/// A headline figure of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub label: String,
    pub value: String,
    /// Baseline value and change, on a plan run.
    pub baseline: Option<String>,
    pub change: Option<String>,
}

/// The targets' verdict in counts.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub targets: usize,
    pub pass: usize,
    pub fail: usize,
    pub no_data: usize,
    pub not_applicable: usize,
    pub mandatory_failures: usize,
    pub goal_shortfalls: usize,
    pub advisories: usize,
}

impl Verdict {
    fn of(checks: &Checks) -> Self {
        let c = checks.counts();
        Verdict {
            targets: checks.targets.len(),
            pass: c.pass,
            fail: c.fail,
            no_data: c.no_data,
            not_applicable: c.not_applicable,
            mandatory_failures: checks.mandatory_failures().count(),
            goal_shortfalls: checks.goal_shortfalls().count(),
            advisories: checks
                .findings
                .iter()
                .filter(|f| f.status == Status::Fail && f.force == Force::Advisory)
                .count(),
        }
    }
}

/// The plan section: baseline against plan, the changes with their reasons.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub name: String,
    pub description: Option<String>,
    pub file: String,
    pub closes_roads: bool,
    /// Region figures, baseline → plan → change.
    pub region: Table,
    /// Demand coverage per district, baseline → plan.
    pub districts: Table,
    pub changes: Table,
    /// First-due areas that change (none: empty rows).
    pub first_due: Table,
    /// Each target's failing findings before and after.
    pub targets: Table,
    pub gained_points: usize,
    pub gained_weight: String,
    pub lost_points: usize,
    pub lost_weight: String,
    pub baseline_verdict: Verdict,
    pub plan_verdict: Verdict,
}

/// An embedded map.
#[derive(Debug, Clone, Serialize)]
pub struct MapView {
    pub id: &'static str,
    pub caption: String,
    /// `data:image/png;base64,…` (report.html) — empty in report.md, which links the file.
    pub data_uri: String,
    pub file: String,
}

/// Logistics support (战勤保障).
#[derive(Debug, Clone, Serialize)]
pub struct SupplyView {
    pub reach_ok: bool,
    pub capacity_ok: bool,
    pub logistics_stations: bool,
    pub levels: Table,
    pub capacity: Table,
    pub districts: Table,
}

/// Fire water supply (消防水源).
#[derive(Debug, Clone, Serialize)]
pub struct WaterView {
    pub sources: usize,
    pub serviceable: usize,
    pub serviceable_share: String,
    pub protection_radius_m: String,
    pub hydrant_spacing_m: String,
    pub region_reach_share: String,
    pub districts: Table,
}

/// Drone reach (消防无人机): the hangars, their straight-line reach and the shares within it.
#[derive(Debug, Clone, Serialize)]
pub struct DroneView {
    pub hangars: usize,
    pub radius_m: String,
    /// `[drone] every_station = true`: every station not closed has a hangar (a what-if).
    pub every_station: bool,
    pub table: Table,
}

/// Villages and communities: the counts and the villages whose forces fall short.
#[derive(Debug, Clone, Serialize)]
pub struct VillagesView {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub not_checked: usize,
    pub failing: Table,
}

/// The incident simulation with busy units.
#[derive(Debug, Clone, Serialize)]
pub struct SimView {
    pub incidents_per_year: String,
    pub replications: u32,
    pub years: String,
    pub seed: u64,
    pub region: Table,
    pub districts: Table,
}

/// The targets: sets applied, what is not met (mandatory, goals, advisories, no data),
/// and every target's tally (collapsed in the HTML).
#[derive(Debug, Clone, Serialize)]
pub struct TargetsView {
    pub region: Option<String>,
    pub sets: Table,
    pub verdict: Verdict,
    pub mandatory: Table,
    pub goals: Table,
    pub advisories: Table,
    pub no_data: Table,
    pub all: Table,
}

/// One clause quoted by the targets.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseView {
    pub section: String,
    pub clause: String,
    pub gloss: String,
    pub targets: String,
}

/// A document the targets cite, with the clauses quoted from it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub title: String,
    pub file: String,
    pub clauses: Vec<ClauseView>,
}

/// The calibrated response model as a planner needs it to trust the figures: what was
/// fitted, to how many records, how well it predicts records it did not see, and how
/// coverage becomes a probability.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationView {
    /// The calibration file's name.
    pub file: String,
    /// What the records' times run from, in the report's language.
    pub measured_from: String,
    /// Fitted time before the wheels turn (m:ss), for stations without their own.
    pub pre_travel: String,
    /// Stations with their own fitted time before the wheels turn: `FS07 3:00`.
    pub station_pre_travel: Vec<String>,
    /// The fit's records and errors (`None`: the file states none).
    pub fit: Option<FitView>,
    /// Free flow against the calibrated model on the records (absent without `fit`).
    pub errors: Table,
    /// The chance of arriving within the threshold at a few modelled medians.
    pub chances: Table,
    /// Region demand coverage by the modelled median, and the expected coverage (the mean
    /// probability of arriving within the threshold).
    pub median_coverage: String,
    pub expected_coverage: String,
}

/// What the calibration file says of the records it was fitted to.
#[derive(Debug, Clone, Serialize)]
pub struct FitView {
    pub records_file: String,
    pub rows: usize,
    pub rejected: usize,
    pub set_aside: usize,
    pub used: usize,
    pub stations: usize,
    pub held_out: String,
    /// The threshold the fit's in-time shares were counted at (m:ss).
    pub threshold: String,
    /// Whether that threshold differs from this run's.
    pub other_threshold: bool,
    pub median_error: String,
    pub p90_error: String,
    pub expected_within: String,
    pub observed_within: String,
}

/// Heavy vehicles on their own network (`[vehicles.KIND]`): per kind, the stations that
/// have it, the roads barred to it and the demand it reaches in time.
#[derive(Debug, Clone, Serialize)]
pub struct VehiclesView {
    /// Whether the stations come from the vehicles file (else every station is assumed).
    pub from_vehicles_file: bool,
    pub table: Table,
}

/// Methodology: what the figures mean and how they were computed.
#[derive(Debug, Clone, Serialize)]
pub struct MethodView {
    pub threshold: String,
    pub threshold_s: String,
    pub second_threshold: String,
    pub dispatch: String,
    pub turnout: String,
    /// The calibrated response model, when the run uses one (`None`: free flow).
    pub calibration: Option<CalibrationView>,
    pub grid_cell_m: String,
    pub max_snap_m: String,
    pub speed_factor: String,
    pub speeds: Table,
    pub network_nodes: usize,
    pub network_edges: usize,
    pub dropped_nodes: usize,
    pub restricted_turns: usize,
    pub osm: bool,
    pub documents: Vec<DocumentView>,
    pub version: &'static str,
}

/// Everything the report shows, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct Appendix {
    pub zh: bool,
    pub lang: &'static str,
    pub title: String,
    pub scenario: String,
    pub scenario_file: String,
    pub date: String,
    pub plan: Option<PlanView>,
    /// `map.html`, the interactive map, when it is among the run's outputs.
    pub interactive_map: Option<String>,
    pub cards: Vec<Card>,
    pub verdict: Verdict,
    pub maps: Vec<MapView>,
    pub closures: Option<Table>,
    pub districts: Table,
    pub stations: Table,
    /// Stations that do not respond (village forces, closed), counted by class and status:
    /// `微型消防站 (existing) 42`.
    pub not_responding: Vec<String>,
    pub off_network: Vec<String>,
    pub risk_sites: Option<Table>,
    pub supply: Option<SupplyView>,
    pub water: Option<WaterView>,
    pub villages: Option<VillagesView>,
    pub drone: Option<DroneView>,
    pub vehicles: Option<VehiclesView>,
    pub simulation: Option<SimView>,
    pub targets: TargetsView,
    pub method: MethodView,
    pub no_demand: bool,
}

/// The simulation to report, when the run was simulated.
pub type Simulated<'a> = (&'a crate::sim::SimSetup, &'a crate::sim::SimResults);

/// Map captions by kind: (zh, en).
pub fn caption(k: MapKind) -> (&'static str, &'static str) {
    match k {
        MapKind::Response => ("响应时间图", "Response-time map"),
        MapKind::FirstDue => ("消防站辖区图", "First-due areas"),
        MapKind::Supply => ("战勤保障可达范围图", "Logistics-support reach"),
        MapKind::Plan => ("规划方案对比图", "Plan versus baseline"),
        MapKind::Water => ("消防水源与供水缺口图", "Fire water sources and gaps"),
        MapKind::Drone => ("消防无人机覆盖图", "Drone reach"),
    }
}

fn yes_no(ok: bool, zh: bool) -> String {
    match (ok, zh) {
        (true, true) => "达标",
        (false, true) => "不达标",
        (true, false) => "pass",
        (false, false) => "fail",
    }
    .to_string()
}

/// A station class as planners name it: `一级站` / `class 1`.
fn class_name(class: crate::model::StationClass, zh: bool) -> String {
    use crate::model::StationClass as C;
    if zh {
        return class.name_zh().to_string();
    }
    match class {
        C::Special => "special service",
        C::Class1 => "class\u{a0}1",
        C::Class2 => "class\u{a0}2",
        C::Small => "small",
        C::Forward => "forward",
        C::Logistics => "logistics",
        C::Township => "township brigade",
        C::Volunteer => "volunteer",
        C::Micro => "micro station",
    }
    .to_string()
}

/// A station's status in the report's language.
fn status_name(status: crate::model::StationStatus, zh: bool) -> &'static str {
    use crate::model::StationStatus as S;
    match (status, zh) {
        (S::Existing, true) => "现有",
        (S::Planned, true) => "规划",
        (S::Closed, true) => "撤销",
        (s, false) => s.as_str(),
    }
}

/// A village kind as `villages.csv` writes it (`natural_village`), in the report's language.
fn village_kind_name(kind: &str, zh: bool) -> String {
    use crate::model::village::VillageKind;
    match VillageKind::ALL.into_iter().find(|k| k.as_str() == kind) {
        Some(k) if zh => k.name_zh().to_string(),
        _ => kind.replace('_', " "),
    }
}

/// A district kind in the report's language.
fn kind_name(kind: &str, zh: bool) -> String {
    if !zh {
        return kind.to_string();
    }
    match kind {
        "urban" => "城区",
        "suburban" => "城郊",
        "rural" => "乡村",
        "region" => "全区",
        other => other,
    }
    .to_string()
}

/// A value in a target's unit, in the report's language: `≥ 2 套`, `≥ 20 persons`,
/// `≥ 90.0 %` (not `1 share`, not `1 hangars`).
pub fn measure(metric: Metric, v: f64, zh: bool) -> String {
    if v.is_infinite() {
        return "∞".into();
    }
    let n = fmt_value(v);
    let plural = |one: &str, many: &str| {
        if (v - 1.0).abs() < 1e-9 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    match (metric.unit(), zh) {
        ("share", _) => format!("{:.1} %", v * 100.0),
        ("share of capacity", _) => format!("{:.0} %", v * 100.0),
        ("s", _) => mmss(Some(v)),
        ("km²", _) => format!("{v:.2} km²"),
        ("km", _) => format!("{v:.1} km"),
        ("fire-fighting per other vehicle", _) => format!("{v:.2}"),
        ("per 10,000 residents", true) => format!("{v:.2} 人/万人"),
        ("per 10,000 residents", false) => format!("{v:.2} per 10,000 residents"),
        ("as declared", _) => n,
        ("points", true) => format!("{n} 个警情点"),
        ("points", false) => plural("incident", "incidents"),
        ("stations", true) => format!("{n} 个站"),
        ("stations", false) => plural("station", "stations"),
        ("persons", true) => format!("{n} 人"),
        ("persons", false) => plural("person", "persons"),
        ("forces", true) => format!("{n} 支"),
        ("forces", false) => plural("force", "forces"),
        ("stations of the class inside or first-due", true) => format!("{n} 个站"),
        ("stations of the class inside or first-due", false) => plural("station", "stations"),
        ("L/s", _) => format!("{n} L/s"),
        ("vehicles", true) => format!("{n} 辆"),
        ("vehicles", false) => plural("vehicle", "vehicles"),
        ("hangars", true) => format!("{n} 套"),
        ("hangars", false) => plural("hangar", "hangars"),
        (unit, _) => format!("{n} {unit}"),
    }
}

fn force_name(f: Force, zh: bool) -> String {
    if zh {
        f.name_zh().to_string()
    } else {
        f.as_str().to_string()
    }
}

/// "KQ02 马鞍特勤站" or "柯北": a finding's subject as a planner names it.
fn subject(f: &Finding) -> String {
    if f.subject_name.is_empty() || f.subject_name == f.subject {
        f.subject.clone()
    } else {
        format!("{} {}", f.subject, f.subject_name)
    }
}

/// One row per target with findings of `status` and `force`: its requirement, the
/// subjects with their measured values, and where it comes from.
fn findings_by_target(checks: &Checks, status: Status, force: Option<Force>, zh: bool) -> Table {
    let subjects = if status == Status::NoData {
        "no_data_subjects"
    } else {
        "failing"
    };
    let mut t = Table::new(
        zh,
        &[
            ("target", false),
            ("requirement", false),
            (subjects, false),
            ("source", false),
        ],
    );
    t.wide = false;
    for (target, of_target) in checks.targets.iter().zip(checks.by_target()) {
        let mine: Vec<&&Finding> = of_target
            .iter()
            .filter(|f| f.status == status && force.is_none_or(|x| f.force == x))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let listed: Vec<String> = mine
            .iter()
            .take(12)
            .map(|f| match (status, f.measured) {
                (Status::Fail, Some(m)) => {
                    format!("{} ({})", subject(f), measure(f.metric, m, zh))
                }
                (Status::NoData, _) => format!("{}: {}", subject(f), f.reason),
                _ => subject(f),
            })
            .collect();
        let more = mine.len().saturating_sub(12);
        let mut cell = listed.join("; ");
        if more > 0 {
            cell += &if zh {
                format!("；另 {more} 项见 targets.csv")
            } else {
                format!("; {more} more in targets.csv")
            };
        }
        let class = match (status, target.force) {
            (Status::Fail, Force::Mandatory) => "fail",
            (Status::Fail, _) => "short",
            _ => "",
        };
        t.push(
            class,
            vec![
                target.id.to_string(),
                format!(
                    "{} {}",
                    target.comparator.symbol(),
                    measure(target.metric, target.value, zh)
                ),
                cell,
                target.source.citation(),
            ],
        );
    }
    t
}

/// Every target's tally, for the collapsed list.
fn tallies(checks: &Checks, zh: bool) -> Table {
    let mut t = Table::new(
        zh,
        &[
            ("target", false),
            ("requirement", false),
            ("force", false),
            ("pass", true),
            ("fail", true),
            ("no_data", true),
            ("not_applicable", true),
        ],
    );
    for (target, tally) in checks.targets.iter().zip(checks.tallies()) {
        t.push(
            if tally.fail > 0 { "fail" } else { "pass" },
            vec![
                target.id.to_string(),
                format!(
                    "{} {}",
                    target.comparator.symbol(),
                    measure(target.metric, target.value, zh)
                ),
                force_name(target.force, zh),
                tally.pass.to_string(),
                tally.fail.to_string(),
                tally.no_data.to_string(),
                tally.not_applicable.to_string(),
            ],
        );
    }
    t
}

/// Why a set applies, in Chinese (the English reason is `SetChoice::why`).
fn set_reason_zh(c: &crate::params::targets::SetChoice, here: Option<&str>) -> String {
    let issuer = match &c.region_name {
        None => "国家标准，全国适用".to_string(),
        Some(n) => format!("由{n}发布"),
    };
    let place = match here {
        Some(h) => format!("本情景地区为{h}"),
        None => "本情景未指定地区".to_string(),
    };
    match (c.applied, c.as_goals, c.chosen) {
        (true, true, _) => {
            format!("{issuer}，{place}：在 [targets] use 中选用，其强制性指标按目标性指标核查")
        }
        (true, false, Some(true)) => format!("{issuer}；在 [targets] use 中选用"),
        (false, _, Some(false)) => format!("{issuer}；未列入 [targets] use"),
        _ => format!("{issuer}；{place}"),
    }
}

fn targets_view(checks: &Checks, config: &crate::params::TargetConfig, zh: bool) -> TargetsView {
    let mut sets = Table::new(zh, &[("set", false), ("applied", false), ("why", false)]);
    let here = config.region.as_ref().map(|r| r.1.as_str());
    for c in &config.set_choices {
        let why = if zh {
            set_reason_zh(c, here)
        } else {
            c.why.clone()
        };
        sets.push(
            "",
            vec![c.set.clone(), c.applied_label(zh).to_string(), why],
        );
    }
    TargetsView {
        region: config.region.as_ref().map(|(k, n)| format!("{n} ({k})")),
        sets,
        verdict: Verdict::of(checks),
        mandatory: findings_by_target(checks, Status::Fail, Some(Force::Mandatory), zh),
        goals: findings_by_target(checks, Status::Fail, Some(Force::Goal), zh),
        advisories: findings_by_target(checks, Status::Fail, Some(Force::Advisory), zh),
        no_data: findings_by_target(checks, Status::NoData, None, zh),
        all: tallies(checks, zh),
    }
}

/// The documents the targets quote, each with its clauses (one per section and clause),
/// in the order first cited.
fn documents(checks: &Checks) -> Vec<DocumentView> {
    let mut docs: Vec<DocumentView> = Vec::new();
    for t in &checks.targets {
        let s = &t.source;
        let title = s.title.clone().unwrap_or_else(|| s.document.clone());
        let i = match docs.iter().position(|d| d.file == s.document) {
            Some(i) => i,
            None => {
                docs.push(DocumentView {
                    title,
                    file: s.document.clone(),
                    clauses: Vec::new(),
                });
                docs.len() - 1
            }
        };
        let section = s.section.clone().unwrap_or_default();
        let clauses = &mut docs[i].clauses;
        match clauses
            .iter_mut()
            .find(|c| c.section == section && c.clause == s.clause)
        {
            Some(c) => {
                c.targets.push_str(", ");
                c.targets.push_str(&t.id);
            }
            None => clauses.push(ClauseView {
                section,
                clause: s.clause.clone(),
                gloss: s.gloss.clone(),
                targets: t.id.to_string(),
            }),
        }
    }
    docs
}

fn method_view(run: &RunResult, checks: &Checks) -> MethodView {
    let sc = &run.inputs.scenario;
    let zh = sc.lang != "en";
    let p = &run.coverage.params;
    let params = &sc.params;
    let calibrated = sc.calibration.is_some();
    let mut speeds = if calibrated {
        Table::new(
            zh,
            &[
                ("road_class", false),
                ("free_flow_speed", true),
                ("time_factor", true),
                ("calibrated_speed", true),
            ],
        )
    } else {
        Table::new(zh, &[("road_class", false), ("speed", true)])
    };
    for class in crate::model::RoadClass::ALL {
        let free_kmh = params.speed_kmh(class) * params.speed_factor;
        let mut cells = vec![
            if zh {
                class.as_str().to_string()
            } else {
                class.as_str().replace('_', " ")
            },
            format!("{free_kmh:.0}"),
        ];
        if calibrated {
            let factor = params.time_factor(class);
            cells.push(format!("× {factor:.2}"));
            cells.push(format!("{:.0}", free_kmh / factor));
        }
        speeds.push("", cells);
    }
    let net = &run.prepared.network;
    MethodView {
        threshold: mmss(Some(p.threshold_s)),
        threshold_s: format!("{:.0}", p.threshold_s),
        second_threshold: mmss(Some(p.second_threshold_s)),
        dispatch: mmss(Some(p.dispatch_s)),
        turnout: mmss(Some(p.turnout_s)),
        calibration: calibration_view(run, zh),
        grid_cell_m: format!("{:.0}", sc.response.grid_cell_m),
        max_snap_m: format!("{:.0}", run.coverage.max_snap_m),
        speed_factor: format!("{:.2}", params.speed_factor),
        speeds,
        network_nodes: net.node_count(),
        network_edges: net.edge_count(),
        dropped_nodes: net.dropped_nodes,
        restricted_turns: net.turns.banned.len() + net.turns.only.len(),
        osm: matches!(sc.network, crate::params::NetworkSource::Osm(_)),
        documents: documents(checks),
        version: env!("CARGO_PKG_VERSION"),
    }
}

/// The calibrated model of the run, as the methodology states it (`None`: free flow). Every
/// value is the run's: the model and fit statistics read with the scenario, the coverage
/// figures from this run's search.
fn calibration_view(run: &RunResult, zh: bool) -> Option<CalibrationView> {
    let cal = run.inputs.scenario.calibration.as_ref()?;
    let model = &cal.model;
    let thr_s = run.coverage.params.threshold_s;
    let thr = mmss(Some(thr_s));
    let measured_from = match (model.measured_from.as_str(), zh) {
        ("dispatch", true) => "出动命令（派车）至到场",
        ("alarm", true) => "接警至到场",
        (_, true) => "记录 `response_s` 列的起点至到场",
        (_, false) => model.measured_from_text(),
    }
    .to_string();
    let mut errors = Table::new(
        zh,
        &[
            ("model", false),
            ("records", true),
            ("median_error", true),
            ("p90_error", true),
            ("bias", true),
            ("predicted_within", true),
            ("expected_within", true),
            ("observed_within", true),
        ],
    );
    let fit = cal.fit.as_ref().map(|f| {
        let row = |label: String, e: &crate::params::calibration::FitErrors| {
            vec![
                label,
                e.n.to_string(),
                mmss(Some(e.median_abs_error_s)),
                mmss(Some(e.p90_abs_error_s)),
                mmss_change(Some(0.0), Some(e.median_bias_s)),
                pct(Some(e.predicted_within)),
                pct(e.expected_within),
                pct(Some(e.observed_within)),
            ]
        };
        let q = &f.fit;
        errors.push(
            "",
            row(
                tr(zh, "自由流（未校准）", "Free flow (not calibrated)"),
                &q.before,
            ),
        );
        errors.push(
            "total",
            row(
                tr(zh, "校准模型（留出检验）", "Calibrated (held-out records)"),
                &q.after,
            ),
        );
        FitView {
            records_file: std::path::Path::new(&f.data.records)
                .file_name()
                .map_or_else(|| f.data.records.clone(), |n| n.to_string_lossy().into()),
            rows: f.data.rows,
            rejected: f.data.rejected,
            set_aside: f.data.set_aside,
            used: f.data.used,
            stations: f.data.stations.len(),
            held_out: if zh {
                q.held_out
                    .replace("-fold by incident id", " 折、按警情编号分组")
            } else {
                q.held_out.clone()
            },
            threshold: mmss(Some(q.threshold_s)),
            other_threshold: (q.threshold_s - thr_s).abs() > 0.5,
            median_error: mmss(Some(q.after.median_abs_error_s)),
            p90_error: mmss(Some(q.after.p90_abs_error_s)),
            expected_within: pct(q.after.expected_within),
            observed_within: pct(Some(q.after.observed_within)),
        }
    });
    let mut chances = Table::new(zh, &[("modelled_median", true), ("chance_within", true)]);
    if let Some(c) = chances.columns.get_mut(1) {
        c.label = if zh {
            format!("{thr} 内到达的概率")
        } else {
            format!("Chance within {thr}")
        };
    }
    // Medians two minutes before the threshold to one after, by the minute.
    for minutes in [-2.0, -1.0, 0.0, 1.0] {
        let median_s = thr_s + 60.0 * minutes;
        if median_s <= 0.0 {
            continue;
        }
        chances.push(
            if minutes == 0.0 { "total" } else { "" },
            vec![
                mmss(Some(median_s)),
                pct(Some(model.spread.p_within(median_s, thr_s))),
            ],
        );
    }
    Some(CalibrationView {
        file: cal.file.file_name().map_or_else(
            || cal.file.display().to_string(),
            |n| n.to_string_lossy().into(),
        ),
        measured_from,
        pre_travel: mmss(Some(model.pre_travel_s)),
        station_pre_travel: model
            .station_pre_travel_s
            .iter()
            .map(|(id, s)| format!("{id} {}", mmss(Some(*s))))
            .collect(),
        fit,
        errors,
        chances,
        median_coverage: pct(run.coverage.region.demand_coverage),
        expected_coverage: pct(run.expected_demand_coverage()),
    })
}

/// Per `[vehicles.KIND]`: the stations that have it, the roads barred to it and the demand
/// it reaches in time over the roads it may use (`vehicle_coverage.csv` in full).
fn vehicles_view(run: &RunResult, zh: bool) -> Option<VehiclesView> {
    if run.vehicles.is_empty() {
        return None;
    }
    let mut t = Table::new(
        zh,
        &[
            ("vehicle", false),
            ("limits", false),
            ("vehicle_stations", false),
            ("barred_road_km", true),
            ("vehicle_within", true),
            ("road_coverage", true),
            ("p90", true),
        ],
    );
    let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
    for v in &run.vehicles {
        let s = v.summary(demand);
        let limits: Vec<String> = [
            s.weight_t.map(|x| format!("{} t", fmt_value(x))),
            s.height_m.map(|x| dimension(x, zh, "高", "high")),
            s.width_m.map(|x| dimension(x, zh, "宽", "wide")),
            (s.speed_factor != 1.0).then(|| {
                format!(
                    "{} × {}",
                    tr(zh, "车速", "speed"),
                    fmt_value(s.speed_factor)
                )
            }),
        ]
        .into_iter()
        .flatten()
        .collect();
        let ids: Vec<&str> = v
            .stations
            .iter()
            .map(|&i| run.inputs.stations[i].id.as_str())
            .collect();
        let stations = if !v.from_vehicles_file {
            if zh {
                format!("全部 {} 个站（无车辆文件）", ids.len())
            } else {
                format!("all {} (no vehicles file)", ids.len())
            }
        } else if ids.len() > 8 {
            let more = ids.len() - 8;
            if zh {
                format!("{}: {} 等另 {more} 个", ids.len(), ids[..8].join(", "))
            } else {
                format!("{}: {} and {more} more", ids.len(), ids[..8].join(", "))
            }
        } else {
            format!("{}: {}", ids.len(), ids.join(", "))
        };
        t.push(
            if s.unreachable > 0 { "short" } else { "" },
            vec![
                s.kind.clone(),
                limits.join(if zh { "，" } else { ", " }),
                stations,
                format!("{:.1}", s.barred_road_km),
                pct(s.demand_coverage),
                pct(s.road_coverage),
                mmss(s.p90_s),
            ],
        );
    }
    Some(VehiclesView {
        from_vehicles_file: run.vehicles.iter().all(|v| v.from_vehicles_file),
        table: t.cut("vehicle_coverage.csv", zh),
    })
}

/// A vehicle's height or width: `高 3.8 m` / `3.8 m high`.
fn dimension(m: f64, zh: bool, what_zh: &str, what_en: &str) -> String {
    if zh {
        format!("{what_zh} {} m", fmt_value(m))
    } else {
        format!("{} m {what_en}", fmt_value(m))
    }
}

/// The wording in the report's language.
fn tr(zh: bool, zh_text: &str, en_text: &str) -> String {
    if zh { zh_text } else { en_text }.to_string()
}

/// A region figure of [`headline_figures`]: its label, how to read it off the metrics, and
/// whether it is a share (else seconds).
type Figure = (String, fn(&Metrics) -> Option<f64>, bool);

/// The region's headline figures, as the summary's cards and the plan's region table show
/// them (in that order).
fn headline_figures(threshold_s: f64, zh: bool) -> Vec<Figure> {
    let thr = mmss(Some(threshold_s));
    vec![
        (
            if zh {
                format!("{thr} 内到场的警情")
            } else {
                format!("Incidents reached within {thr}")
            },
            |m| m.demand_coverage,
            true,
        ),
        (
            tr(zh, "道路覆盖率", "Road length covered"),
            |m| m.road_coverage,
            true,
        ),
        (
            tr(zh, "面积覆盖率", "Area covered"),
            |m| m.area_coverage,
            true,
        ),
        (
            tr(zh, "第二出动覆盖率", "Second-due coverage"),
            |m| m.second_due_coverage,
            true,
        ),
        (
            tr(zh, "响应时间中位数", "Median response"),
            |m| m.p50_s,
            false,
        ),
        (tr(zh, "响应时间 P90", "P90 response"), |m| m.p90_s, false),
    ]
}

/// A figure as printed: a share as `48.6 %`, seconds as `5:07`.
fn show(share: bool, v: Option<f64>) -> String {
    if share {
        pct(v)
    } else {
        mmss(v)
    }
}

/// The change of a figure from `b` to `p`: `+14.5 pp`, `−0:42`.
fn change(share: bool, b: Option<f64>, p: Option<f64>) -> String {
    if share {
        points_change(b, p)
    } else {
        mmss_change(b, p)
    }
}

/// A count and its change: `6`, `+1`.
fn count_change(b: usize, p: usize) -> String {
    format!("{:+}", p as i64 - b as i64)
}

/// The summary's headline figures; with a plan, each with the baseline and the change.
fn cards(run: &RunResult, base: Option<&RunResult>, zh: bool) -> Vec<Card> {
    let m = &run.coverage.region;
    let b = base.map(|b| &b.coverage.region);
    let mut cards: Vec<Card> = headline_figures(run.coverage.params.threshold_s, zh)
        .into_iter()
        .map(|(label, get, share)| Card {
            label,
            value: show(share, get(m)),
            baseline: b.map(|b| show(share, get(b))),
            change: b.map(|b| change(share, get(b), get(m))),
        })
        .collect();
    let n = run.coverage.origins.len();
    cards.push(Card {
        label: tr(zh, "出动消防站", "Responding stations"),
        value: n.to_string(),
        baseline: base.map(|b| b.coverage.origins.len().to_string()),
        change: base.map(|b| count_change(b.coverage.origins.len(), n)),
    });
    if let Some(e) = run.expected_demand_coverage() {
        // Calibrated: the first card counts modelled medians; the expected coverage next to
        // it is the figure to plan with (Methodology says why).
        if let Some(first) = cards.first_mut() {
            first.label += &tr(zh, "（按中位数）", " (median)");
        }
        cards.insert(
            1,
            Card {
                label: tr(zh, "期望覆盖率", "Expected coverage"),
                value: pct(Some(e)),
                baseline: base.map(|b| pct(b.expected_demand_coverage())),
                change: base.map(|b| points_change(b.expected_demand_coverage(), Some(e))),
            },
        );
    }
    cards
}

/// A district row: its name, kind and coverage figures.
fn metric_cells(name: String, kind: String, m: &Metrics) -> Vec<String> {
    vec![
        name,
        kind,
        pct(m.demand_coverage),
        pct(m.road_coverage),
        pct(m.area_coverage),
        pct(m.second_due_coverage),
        mmss(m.p50_s),
        mmss(m.p90_s),
        m.demand_points.to_string(),
    ]
}

/// The region's name in a table's total row.
fn region_name(zh: bool) -> String {
    tr(zh, "全区", "Region")
}

fn districts_table(run: &RunResult, zh: bool) -> Table {
    let mut t = Table::new(
        zh,
        &[
            ("district", false),
            ("kind", false),
            ("demand_coverage", true),
            ("road_coverage", true),
            ("area_coverage", true),
            ("second_due_coverage", true),
            ("p50", true),
            ("p90", true),
            ("demand_points", true),
        ],
    );
    let cov = &run.coverage;
    for (d, m) in run.inputs.districts.iter().zip(&cov.districts) {
        t.push(
            "",
            metric_cells(d.name.clone(), kind_name(d.kind.as_str(), zh), m),
        );
    }
    if cov.outside.demand_points > 0 || cov.outside.road_km > 0.0 {
        let outside = tr(zh, "（片区以外）", "(outside districts)");
        t.push("", metric_cells(outside, String::new(), &cov.outside));
    }
    t.push(
        "total",
        metric_cells(region_name(zh), String::new(), &cov.region),
    );
    t.cut("coverage_by_district.csv", zh)
}

fn stations_table(run: &RunResult, zh: bool) -> Table {
    let mut t = Table::new(
        zh,
        &[
            ("station", false),
            ("name", false),
            ("class", false),
            ("first_due_area_km2", true),
            ("first_due_road_km", true),
            ("demand_share", true),
            ("worst_road", true),
            ("within", false),
        ],
    );
    let cov = &run.coverage;
    let thr = cov.params.threshold_s;
    for (i, st) in run.inputs.stations.iter().enumerate() {
        let class = class_name(st.class, zh);
        let (cells, row_class) = match &cov.placement[i] {
            Placement::Origin(o) => {
                let fd = &cov.first_due[*o as usize];
                let (within, c) = match fd.worst_road_s {
                    Some(s) if s <= thr => (if zh { "是" } else { "yes" }, ""),
                    Some(_) => (if zh { "否" } else { "no" }, "short"),
                    None => ("—", ""),
                };
                (
                    vec![
                        format!("{:.1}", fd.area_km2),
                        format!("{:.1}", fd.road_km),
                        format!("{:.1} %", fd.demand_share * 100.0),
                        mmss(fd.worst_road_s),
                        within.to_string(),
                    ],
                    c,
                )
            }
            // Listed by class under the table (village forces, closed stations).
            Placement::NotResponding => continue,
            Placement::OffNetwork(d) => (
                vec![
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    "—".into(),
                    if zh {
                        format!("距最近道路 {d:.0} m，未接入路网")
                    } else {
                        format!("off the roads ({d:.0} m)")
                    },
                ],
                "fail",
            ),
        };
        let mut row = vec![st.id.clone(), st.name.clone(), class];
        row.extend(cells);
        t.push(row_class, row);
    }
    t.cut("stations.csv", zh)
}

/// The stations left out of the coverage (not responding), counted by class and status in
/// file order of first appearance.
fn not_responding(run: &RunResult, zh: bool) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (st, p) in run.inputs.stations.iter().zip(&run.coverage.placement) {
        if !matches!(p, Placement::NotResponding) {
            continue;
        }
        let key = format!(
            "{} ({})",
            class_name(st.class, zh),
            status_name(st.status, zh)
        );
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    counts
        .into_iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect()
}

fn risk_sites_table(run: &RunResult, zh: bool) -> Option<Table> {
    let rows = super::sites::risk_site_rows(run);
    if rows.is_empty() {
        return None;
    }
    let mut t = Table::new(
        zh,
        &[
            ("site", false),
            ("kind", false),
            ("serving", false),
            ("class", false),
            ("worst_time", true),
            ("special", false),
        ],
    );
    for r in &rows {
        let (station, class) = match &r.serving {
            Some((id, name, class)) => (format!("{id} {name}"), class_name(*class, zh)),
            None => ("—".to_string(), "—".to_string()),
        };
        let check = r.special_check();
        t.push(
            if check == Some(false) { "fail" } else { "" },
            vec![
                r.name.clone(),
                if zh {
                    r.kind_zh.to_string()
                } else {
                    r.kind.replace('_', " ")
                },
                station,
                class,
                format!(
                    "{}{}",
                    mmss(r.worst_s),
                    if r.at_nearest_road { "*" } else { "" }
                ),
                check.map_or("—".to_string(), |ok| yes_no(ok, zh)),
            ],
        );
    }
    Some(t.cut("risk_sites", zh))
}

fn supply_view(run: &RunResult, zh: bool) -> Option<SupplyView> {
    use crate::params::supply::level_name_zh;
    use crate::supply::reach::{LevelReach, ReachStatus};
    let sup = run.supply.as_ref()?;
    let level_name = |l: crate::model::DepotLevel| {
        if zh {
            level_name_zh(l).to_string()
        } else {
            l.as_str().to_string()
        }
    };
    let mut levels = Table::new(
        zh,
        &[
            ("level", false),
            ("reach_time", true),
            ("points", true),
            ("stations_in_time", true),
            ("districts_in_time", true),
            ("worst_margin", true),
        ],
    );
    let checked = |r: &LevelReach| {
        matches!(
            r.status,
            ReachStatus::Pass | ReachStatus::Fail | ReachStatus::NoDepot
        )
    };
    for (li, l) in sup.levels.iter().enumerate() {
        let st: Vec<&LevelReach> = sup
            .stations
            .iter()
            .map(|x| &x.levels[li])
            .filter(|r| checked(r))
            .collect();
        let dw: Vec<LevelReach> = sup
            .districts
            .iter()
            .filter_map(|d| d.levels[li].worst.map(|w| w.reach))
            .filter(checked)
            .collect();
        let on = l.points.iter().filter(|&&p| sup.points[p].usable()).count();
        let of = |v: &[&LevelReach]| {
            let pass = v.iter().filter(|r| r.status == ReachStatus::Pass).count();
            if l.reach_s.is_some() {
                format!("{pass} / {}", v.len())
            } else {
                "—".into()
            }
        };
        let dwr: Vec<&LevelReach> = dw.iter().collect();
        let margin = sup.worst_margin_min(li);
        levels.push(
            if margin.is_some_and(|m| m < 0.0) {
                "fail"
            } else {
                ""
            },
            vec![
                level_name(l.level),
                mmss(l.reach_s),
                on.to_string(),
                of(&st),
                of(&dwr),
                margin.map_or("—".into(), |m| format!("{m:+.1} min")),
            ],
        );
    }
    let mut capacity = Table::new(
        zh,
        &[
            ("name", false),
            ("level", false),
            ("capacity", true),
            ("stations", true),
            ("staff", true),
            ("load", true),
            ("status", false),
        ],
    );
    for (p, load) in sup.points.iter().zip(&sup.loads) {
        let (status, class) = if !p.usable() {
            (
                if zh {
                    format!("未接入路网（{:.0} m）", p.snap_m)
                } else {
                    format!("off the roads ({:.0} m)", p.snap_m)
                },
                "fail",
            )
        } else if load.over_subscribed() {
            (
                if zh { "超负荷" } else { "over-subscribed" }.to_string(),
                "fail",
            )
        } else {
            (if zh { "满足" } else { "ok" }.to_string(), "")
        };
        capacity.push(
            class,
            vec![
                format!("{} {}", p.label, p.name),
                level_name(p.level),
                p.capacity_persons.map_or("—".into(), |c| format!("{c:.0}")),
                load.stations.len().to_string(),
                load.staff_persons.to_string(),
                load.utilisation()
                    .map_or("—".into(), |u| format!("{:.0} %", u * 100.0)),
                status,
            ],
        );
    }
    let mut districts = Table::new(
        zh,
        &[
            ("district", false),
            ("level", false),
            ("reach_time", true),
            ("worst_time", true),
            ("margin", true),
            ("status", false),
        ],
    );
    for (d, dr) in run.inputs.districts.iter().zip(&sup.districts) {
        for (li, lr) in dr.levels.iter().enumerate() {
            let Some(w) = &lr.worst else { continue };
            let r = &w.reach;
            if !checked(r) {
                continue;
            }
            let pass = r.status == ReachStatus::Pass;
            districts.push(
                if pass { "" } else { "fail" },
                vec![
                    d.name.clone(),
                    level_name(sup.levels[li].level),
                    mmss(sup.levels[li].reach_s),
                    mmss(r.nearest.map(|n| n.1)),
                    r.margin_min()
                        .map_or("—".into(), |m| format!("{m:+.1} min")),
                    yes_no(pass, zh),
                ],
            );
        }
    }
    Some(SupplyView {
        reach_ok: sup.reach_ok(),
        capacity_ok: sup.capacity_ok(),
        logistics_stations: sup.params.logistics_stations,
        levels,
        capacity: capacity.cut("supply_reach.csv", zh),
        districts: districts.cut("supply_districts.csv", zh),
    })
}

fn water_view(run: &RunResult, zh: bool) -> Option<WaterView> {
    let w = run.water.as_ref()?;
    let mut t = Table::new(
        zh,
        &[
            ("district", false),
            ("demand_points", true),
            ("water_reach_share", true),
            ("road_km", true),
            ("spacing_gap_km", true),
        ],
    );
    for (d, f) in run.inputs.districts.iter().zip(&w.districts) {
        t.push(
            "",
            vec![
                d.name.clone(),
                f.demand_points.to_string(),
                pct(f.reach_demand_share),
                format!("{:.1}", f.road_km),
                format!("{:.1}", f.spacing_gap_road_km),
            ],
        );
    }
    let r = &w.region;
    t.push(
        "total",
        vec![
            region_name(zh),
            r.demand_points.to_string(),
            pct(r.reach_demand_share),
            format!("{:.1}", r.road_km),
            format!("{:.1}", r.spacing_gap_road_km),
        ],
    );
    Some(WaterView {
        sources: w.sources,
        serviceable: w.serviceable,
        serviceable_share: pct(w.serviceable_share),
        protection_radius_m: format!("{:.0}", w.protection_radius_m),
        hydrant_spacing_m: format!("{:.0}", w.hydrant_spacing_m),
        region_reach_share: pct(r.reach_demand_share),
        districts: t.cut("water_by_district.csv", zh),
    })
}

/// The rows of a CSV the report writes, as maps from column to cell (the villages and drone
/// tables are made once, in `report::villages`).
fn csv_records(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let Ok(h) = r.headers().cloned() else {
        return Vec::new();
    };
    r.records()
        .flatten()
        .map(|rec| {
            h.iter()
                .zip(rec.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn share_cell(v: Option<&String>) -> String {
    pct(v.and_then(|s| s.parse::<f64>().ok()))
}

fn villages_view(run: &RunResult, zh: bool) -> Result<Option<VillagesView>> {
    if run.inputs.villages.is_none() {
        return Ok(None);
    }
    let rows = csv_records(&super::villages::villages_csv(run)?);
    let get = |r: &BTreeMap<String, String>, k: &str| r.get(k).cloned().unwrap_or_default();
    let count = |s: &str| rows.iter().filter(|r| get(r, "status") == s).count();
    let mut failing = Table::new(
        zh,
        &[
            ("village", false),
            ("kind", false),
            ("population", true),
            ("micro_stations", true),
            ("volunteer_teams", true),
        ],
    );
    for r in rows.iter().filter(|r| get(r, "status") == "fail") {
        failing.push(
            "fail",
            vec![
                format!("{} {}", get(r, "id"), get(r, "name")),
                village_kind_name(&get(r, "kind"), zh),
                get(r, "population"),
                get(r, "micro_stations"),
                get(r, "volunteer_teams"),
            ],
        );
    }
    Ok(Some(VillagesView {
        total: rows.len(),
        pass: count("pass"),
        fail: count("fail"),
        not_checked: count("not-checked"),
        failing: failing.cut("villages.csv", zh),
    }))
}

fn drone_view(run: &RunResult, zh: bool) -> Result<Option<DroneView>> {
    let Some(reach) = &run.drone else {
        return Ok(None);
    };
    let rows = csv_records(&super::villages::drone_reach_csv(run)?);
    let mut t = Table::new(
        zh,
        &[
            ("area", false),
            ("hangars", true),
            ("drone_demand_share", true),
            ("drone_area_share", true),
        ],
    );
    // The region first in the file; printed last, as the total.
    let mut region = None;
    for r in &rows {
        let area = r.get("area").cloned().unwrap_or_default();
        let cells = vec![
            if area == "region" {
                region_name(zh)
            } else {
                area.clone()
            },
            r.get("hangars").cloned().unwrap_or_default(),
            share_cell(r.get("drone_reach_demand_share")),
            share_cell(r.get("drone_reach_area_share")),
        ];
        if r.get("kind").map(String::as_str) == Some("region") {
            region = Some(cells);
        } else {
            t.push("", cells);
        }
    }
    if let Some(c) = region {
        t.push("total", c);
    }
    Ok(Some(DroneView {
        hangars: reach.hangars.len(),
        radius_m: format!("{:.0}", reach.radius_m),
        every_station: run.inputs.scenario.drone.is_some_and(|p| p.every_station),
        table: t.cut("drone_reach.csv", zh),
    }))
}

fn closures_table(run: &RunResult, zh: bool) -> Option<Table> {
    if run.closures.is_empty() {
        return None;
    }
    let mut t = Table::new(
        zh,
        &[
            ("closure", false),
            ("source", false),
            ("reason", false),
            ("road_closed", true),
            ("demand_lost", true),
        ],
    );
    for c in &run.closures {
        t.push(
            if c.together { "total" } else { "" },
            vec![
                if c.together {
                    if zh { "全部封闭" } else { "All closures" }.to_string()
                } else {
                    c.name.clone()
                },
                super::tables::closure_source(c).to_string(),
                c.reason.clone().unwrap_or_default(),
                format!("{:.2} km", c.road_km_closed),
                c.demand_lost.len().to_string(),
            ],
        );
    }
    Some(t.cut("closures.csv", zh))
}

fn sim_view(run: &RunResult, sim: Simulated, zh: bool) -> SimView {
    use crate::sim::stats::Estimate;
    let (setup, res) = sim;
    let ci = |e: &Option<Estimate>| match e {
        None => "—".to_string(),
        Some(e) => match (e.ci95_low, e.ci95_high) {
            (Some(lo), Some(hi)) => format!(
                "{:.1} % ({:.1}–{:.1})",
                e.mean * 100.0,
                lo * 100.0,
                hi * 100.0
            ),
            _ => format!("{:.1} %", e.mean * 100.0),
        },
    };
    let m = &res.region;
    let mut region = Table::new(
        zh,
        &[
            ("figure", false),
            ("static", true),
            ("free_fleet", true),
            ("busy_units", true),
        ],
    );
    let thr = mmss(Some(setup.response.threshold_s));
    let thr2 = mmss(Some(setup.response.second_threshold_s));
    let t = |z: String, e: String| if zh { z } else { e };
    region.push(
        "",
        vec![
            t(
                format!("首车 {thr} 内到场"),
                format!("First unit within {thr}"),
            ),
            pct(run.coverage.region.demand_coverage),
            ci(&m.free_fleet_within_threshold),
            ci(&m.first_unit_within_threshold),
        ],
    );
    region.push(
        "",
        vec![
            t(
                format!("全部力量 {thr2} 内到场"),
                format!("Whole plan within {thr2}"),
            ),
            String::new(),
            String::new(),
            ci(&m.full_plan_within_second_threshold),
        ],
    );
    region.push(
        "",
        vec![
            t("辖区站忙碌".into(), "First-due station busy".into()),
            String::new(),
            String::new(),
            ci(&m.first_due_busy_share),
        ],
    );
    region.push(
        "",
        vec![
            t("等待车辆归队".into(), "Waited for a unit".into()),
            String::new(),
            String::new(),
            ci(&m.queued_share),
        ],
    );
    let mut districts = Table::new(
        zh,
        &[
            ("district", false),
            ("static", true),
            ("busy_units", true),
            ("full_plan", true),
            ("first_due_busy", true),
            ("incidents_per_year", true),
        ],
    );
    for ((d, f), dm) in run
        .inputs
        .districts
        .iter()
        .zip(&res.districts)
        .zip(&run.coverage.districts)
    {
        districts.push(
            "",
            vec![
                d.name.clone(),
                pct(dm.demand_coverage),
                ci(&f.first_unit_within_threshold),
                ci(&f.full_plan_within_second_threshold),
                ci(&f.first_due_busy_share),
                f.incidents_per_year
                    .map_or(String::new(), |e| format!("{:.0}", e.mean)),
            ],
        );
    }
    SimView {
        incidents_per_year: format!("{:.0}", setup.params.rate_per_year()),
        replications: res.replications,
        years: fmt_value(res.years),
        seed: res.seed,
        region,
        districts,
    }
}

/// How a plan change's action reads to a planner.
fn action_name(action: &str, zh: bool) -> String {
    if !zh {
        return action.replace('_', " ");
    }
    match action {
        "add_station" => "新建消防站",
        "remove_station" => "撤销消防站",
        "move_station" => "迁建消防站",
        "upgrade" => "升级",
        "downgrade" => "降级",
        "change_station" => "调整人员与装备",
        "change_vehicles" => "调整车辆",
        "add_depot" => "新建保障点",
        "remove_depot" => "撤销保障点",
        "change_depot" => "调整保障点",
        "close_road" => "封闭道路",
        other => other,
    }
    .to_string()
}

fn plan_view(pr: &PlanRunResult, zh: bool) -> PlanView {
    let t = |z: &str, e: &str| tr(zh, z, e);
    let mut region = Table::new(
        zh,
        &[
            ("figure", false),
            ("baseline", true),
            ("plan", true),
            ("change", true),
        ],
    );
    let (b, p) = (&pr.baseline.coverage.region, &pr.plan.coverage.region);
    let longest: Figure = (t("最长响应时间", "Longest response"), |m| m.max_s, false);
    for (label, get, share) in headline_figures(pr.plan.coverage.params.threshold_s, zh)
        .into_iter()
        .chain([longest])
    {
        region.push(
            "",
            vec![
                label,
                show(share, get(b)),
                show(share, get(p)),
                change(share, get(b), get(p)),
            ],
        );
    }
    let bs = pr.baseline.coverage.origins.len();
    let ps = pr.plan.coverage.origins.len();
    region.push(
        "",
        vec![
            t("出动消防站", "Responding stations"),
            bs.to_string(),
            ps.to_string(),
            count_change(bs, ps),
        ],
    );
    let bm = pr.baseline.checks.mandatory_failures().count();
    let pm = pr.plan.checks.mandatory_failures().count();
    region.push(
        if pm > 0 { "fail" } else { "" },
        vec![
            t("未满足的强制性指标（项次）", "Mandatory findings not met"),
            bm.to_string(),
            pm.to_string(),
            count_change(bm, pm),
        ],
    );

    let mut districts = Table::new(
        zh,
        &[
            ("district", false),
            ("baseline", true),
            ("plan", true),
            ("change", true),
            ("p90", true),
        ],
    );
    for a in &pr.diff.areas {
        let name = if a.kind.is_none() {
            region_name(zh)
        } else {
            a.name.clone()
        };
        districts.push(
            if a.kind.is_none() { "total" } else { "" },
            vec![
                name,
                pct(a.baseline.demand_coverage),
                pct(a.plan.demand_coverage),
                points_change(a.baseline.demand_coverage, a.plan.demand_coverage),
                format!("{} → {}", mmss(a.baseline.p90_s), mmss(a.plan.p90_s)),
            ],
        );
    }

    let mut changes = Table::new(
        zh,
        &[
            ("number", true),
            ("action", false),
            ("subject", false),
            ("what", false),
            ("reason", false),
        ],
    );
    for c in &pr.applied {
        changes.push(
            "",
            vec![
                c.number.to_string(),
                action_name(c.action, zh),
                if c.subject_kind == "road" || c.name.is_empty() || c.name == c.subject {
                    if c.subject_kind == "road" {
                        c.name.clone()
                    } else {
                        c.subject.clone()
                    }
                } else {
                    format!("{} {}", c.subject, c.name)
                },
                c.summary.clone(),
                c.reason.clone(),
            ],
        );
    }

    let mut first_due = Table::new(
        zh,
        &[
            ("station", false),
            ("first_due_area_km2", true),
            ("worst_road", true),
        ],
    );
    let km2 = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.1}"));
    for c in &pr.diff.stations {
        let d = |a: Option<f64>, b: Option<f64>, tol: f64| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() > tol,
            (None, None) => false,
            _ => true,
        };
        if d(c.baseline_area_km2, c.plan_area_km2, 0.05)
            || d(c.baseline_worst_road_s, c.plan_worst_road_s, 0.5)
        {
            first_due.push(
                "",
                vec![
                    format!("{} {}", c.id, c.name),
                    format!("{} → {}", km2(c.baseline_area_km2), km2(c.plan_area_km2)),
                    format!(
                        "{} → {}",
                        mmss(c.baseline_worst_road_s),
                        mmss(c.plan_worst_road_s)
                    ),
                ],
            );
        }
    }

    let mut targets = Table::new(
        zh,
        &[
            ("target", false),
            ("force", false),
            ("fail", true),
            ("pass", true),
        ],
    );
    for tc in &pr.diff.targets {
        if tc.baseline.fail == tc.plan.fail && tc.baseline.pass == tc.plan.pass {
            continue;
        }
        targets.push(
            if tc.plan.fail < tc.baseline.fail {
                "pass"
            } else if tc.plan.fail > tc.baseline.fail {
                "fail"
            } else {
                ""
            },
            vec![
                tc.id.clone(),
                force_name(tc.force, zh),
                format!("{} → {}", tc.baseline.fail, tc.plan.fail),
                format!("{} → {}", tc.baseline.pass, tc.plan.pass),
            ],
        );
    }

    PlanView {
        name: pr.plan_file.name.clone(),
        description: pr.plan_file.description.clone(),
        file: pr.plan_file.path.display().to_string(),
        closes_roads: pr.applied.iter().any(|c| c.subject_kind == "road"),
        region,
        districts: districts.cut("plan_comparison.csv", zh),
        changes: changes.cut("plan_changes.geojson", zh),
        first_due: first_due.cut("plan_comparison.csv", zh),
        targets,
        gained_points: pr.diff.gained_points,
        gained_weight: fmt_value(pr.diff.gained_weight),
        lost_points: pr.diff.lost_points,
        lost_weight: fmt_value(pr.diff.lost_weight),
        baseline_verdict: Verdict::of(&pr.baseline.checks),
        plan_verdict: Verdict::of(&pr.plan.checks),
    }
}

/// The view model of a run's report. `run` is the variant reported (the plan's when `plan`
/// is given); `maps` the PNG maps to embed (HTML) or link (Markdown); `sim` the simulation,
/// when the run was simulated.
pub fn build(
    run: &RunResult,
    plan: Option<&PlanRunResult>,
    maps: &[(MapKind, Vec<u8>)],
    sim: Option<Simulated>,
    date: &str,
    embed_maps: bool,
) -> Result<Appendix> {
    let sc = &run.inputs.scenario;
    let zh = sc.lang != "en";
    let cov = &run.coverage;
    let off_network: Vec<String> = run
        .inputs
        .demand
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .zip(&cov.demand)
        .filter(|(_, r)| r.off_network)
        .take(20)
        .map(|(d, r)| {
            format!(
                "{} ({:.0} m)",
                d.id,
                r.snap.map_or(f64::NAN, |s| s.access_m)
            )
        })
        .collect();
    let maps = maps
        .iter()
        .map(|(k, png)| {
            let (cz, ce) = caption(*k);
            MapView {
                id: k.stem(),
                caption: if zh { cz } else { ce }.to_string(),
                data_uri: if embed_maps {
                    format!("data:image/png;base64,{}", super::html::base64(png))
                } else {
                    String::new()
                },
                file: format!("{}.png", k.stem()),
            }
        })
        .collect();
    Ok(Appendix {
        zh,
        lang: if zh { "zh-CN" } else { "en" },
        title: if zh {
            "消防站布局评估报告".to_string()
        } else {
            "Fire-station coverage report".to_string()
        },
        scenario: sc.name.clone(),
        // The file's name: the same bytes wherever the scenario folder lies.
        scenario_file: sc.path.file_name().map_or_else(
            || sc.path.display().to_string(),
            |n| n.to_string_lossy().into(),
        ),
        date: date.to_string(),
        plan: plan.map(|pr| plan_view(pr, zh)),
        interactive_map: None,
        cards: cards(run, plan.map(|p| &p.baseline), zh),
        verdict: Verdict::of(&run.checks),
        maps,
        closures: closures_table(run, zh),
        districts: districts_table(run, zh),
        stations: stations_table(run, zh),
        not_responding: not_responding(run, zh),
        off_network,
        risk_sites: risk_sites_table(run, zh),
        supply: supply_view(run, zh),
        water: water_view(run, zh),
        villages: villages_view(run, zh)?,
        drone: drone_view(run, zh)?,
        vehicles: vehicles_view(run, zh),
        simulation: sim.map(|s| sim_view(run, s, zh)),
        targets: targets_view(&run.checks, &sc.targets, zh),
        method: method_view(run, &run.checks),
        no_demand: run.inputs.demand.is_none(),
    })
}

/// The HTML template, embedded so the binary stays self-contained.
const HTML_TEMPLATE: &str = include_str!("../../templates/report.html.j2");
/// The Markdown template (the same content as the HTML).
const MD_TEMPLATE: &str = include_str!("../../templates/report.md.j2");

/// Renders `view` with the template `name` (`report.html.j2`: HTML-escaped; `report.md.j2`:
/// table cells escaped with the `md` filter). With `FIREPLAN_TEMPLATES` naming a folder
/// that holds `name`, that file is used instead of the embedded one: a planner's edited
/// wording, tried without a rebuild.
fn render(name: &str, source: &str, view: &Appendix) -> Result<String> {
    let edited = std::env::var_os("FIREPLAN_TEMPLATES")
        .map(|dir| std::path::PathBuf::from(dir).join(name))
        .filter(|p| p.is_file());
    let owned;
    let source = match edited {
        Some(p) => {
            owned = std::fs::read_to_string(&p).map_err(|e| crate::error::Error::io(&p, e))?;
            owned.as_str()
        }
        None => source,
    };
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    // HTML ignores the line breaks block tags leave; Markdown keeps them (a table's rows
    // are lines).
    env.set_trim_blocks(name.ends_with(".html.j2"));
    env.set_keep_trailing_newline(true);
    env.add_filter("md", |s: String| super::write::md_cell(&s));
    // A note's `file` spans as <code>, the rest escaped (HTML only).
    env.add_filter("code", |s: String| {
        minijinja::Value::from_safe_string(super::html::code_spans(&super::html::esc(&s)))
    });
    // t("中文", "English"): the wording in the report's language (`zh` of the view).
    env.add_function(
        "t",
        |state: &minijinja::State, zh_text: String, en_text: String| {
            if state.lookup("zh").is_some_and(|z| z.is_true()) {
                zh_text
            } else {
                en_text
            }
        },
    );
    let what = name.trim_end_matches(".j2").to_string();
    env.add_template(name, source)
        .map_err(|e| crate::error::Error::output(what.clone(), format!("template: {e:#}")))?;
    let tmpl = env
        .get_template(name)
        .map_err(|e| crate::error::Error::output(what.clone(), format!("template: {e:#}")))?;
    tmpl.render(view)
        .map_err(|e| crate::error::Error::output(what, format!("template: {e:#}")))
}

/// `report.html` from the view model.
pub fn render_html(view: &Appendix) -> Result<String> {
    render("report.html.j2", HTML_TEMPLATE, view)
}

/// `report.md` from the view model.
pub fn render_md(view: &Appendix) -> Result<String> {
    render("report.md.j2", MD_TEMPLATE, view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_minutes_and_seconds() {
        assert_eq!(mmss(Some(307.2)), "5:07");
        assert_eq!(mmss(Some(59.5)), "1:00");
        assert_eq!(mmss(Some(3725.0)), "1:02:05");
        assert_eq!(mmss(None), "—");
        assert_eq!(mmss_change(Some(300.0), Some(258.0)), "−0:42");
        assert_eq!(mmss_change(Some(300.0), Some(300.0)), "+0:00");
        // 3:21 → 3:17 reads −0:04, as the two figures shown differ.
        assert_eq!(mmss_change(Some(201.4), Some(197.4)), "−0:04");
        assert_eq!(mmss_change(Some(201.4), Some(197.6)), "−0:03");
    }

    #[test]
    fn shares_read_as_percentages_with_one_decimal() {
        assert_eq!(pct(Some(0.48552)), "48.6 %");
        assert_eq!(pct(Some(0.8603)), "86.0 %");
        assert_eq!(pct(None), "—");
        assert_eq!(points_change(Some(0.4855), Some(0.6303)), "+14.5 pp");
        assert_eq!(points_change(Some(0.5), Some(0.5)), "+0.0 pp");
    }

    #[test]
    fn units_read_in_the_report_language() {
        assert_eq!(measure(Metric::DroneHangars, 1.0, false), "1 hangar");
        assert_eq!(measure(Metric::DroneHangars, 2.0, false), "2 hangars");
        assert_eq!(measure(Metric::DroneHangars, 1.0, true), "1 套");
        assert_eq!(measure(Metric::DemandCoverage, 1.0, false), "100.0 %");
        assert_eq!(measure(Metric::Staff, 20.0, true), "20 人");
        assert_eq!(measure(Metric::P90S, 300.0, true), "5:00");
    }

    #[test]
    fn every_column_has_both_names() {
        for (k, z, e) in COLUMNS {
            assert!(!z.is_empty() && !e.is_empty(), "{k}");
            assert_eq!(column(k, true), *z);
            assert_eq!(column(k, false), *e);
        }
        let keys: std::collections::HashSet<_> = COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(keys.len(), COLUMNS.len(), "a column key twice");
    }
}
