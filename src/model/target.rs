//! Planning targets (规划指标) as values: what is measured ([`Metric`]), how it is compared,
//! where it applies ([`Scope`]) and the clause it comes from ([`Source`]). Read from
//! `seeds/targets.toml` by `io::targets`; checked by `plan::checks`.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::{AreaKind, DepotLevel, DistrictKind, StationClass, VillageKind};

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
    /// Personnel assigned to a support point over its capacity, 0..1 when within: a
    /// derived figure no clause states (advisory only).
    DepotLoadShare,
    /// Support capability a logistics-support station (战勤保障消防站) declares, persons
    /// (seed 000 专栏8: 800 / 400 / 200 / 100 by level).
    LogisticsCapabilityPersons,
    /// Fire-rescue forces (stations of any class, 乡镇专职队, volunteer teams) standing
    /// inside a township, functional zone or key area (消除空白点; 004's 前置站 areas).
    ForcesInside,
    /// A figure the scenario supplies in `[targets.figures]` (command-centre staff,
    /// table-2 indicators): the inputs hold nothing to measure it from.
    Declared,
    /// Share of the listed fire water sources in service (消防水源完好率), 0..1.
    WaterServiceableShare,
    /// Share of demand weight with a serviceable hydrant within the protection radius
    /// along the roads (消防供水覆盖), 0..1.
    WaterReachDemandShare,
    /// Road length farther than half the hydrant spacing from a serviceable hydrant
    /// (消火栓间距缺口), km.
    HydrantSpacingGapKm,
    /// Community forces of the scoped classes (micro fire stations 微型消防站, volunteer
    /// teams 志愿消防队) inside a village's outline, or within `[villages] point_radius_m`
    /// of a village given as a point.
    VillageForces,
    /// Stations of the scoped classes serving a special-risk site: standing inside it, or
    /// its first-due station (first on most of the road inside it; 化工园区 …按照特勤消防站
    /// 标准建成, 002 §五(四)).
    ServedByClass,
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
    /// Each township, functional zone or key area of the `[areas]` layer (乡镇、功能区).
    Area,
    /// Each village or community of the `[villages]` layer (行政村、社区).
    Village,
}

impl ScopeLevel {
    pub const ALL: [ScopeLevel; 6] = [
        ScopeLevel::Region,
        ScopeLevel::District,
        ScopeLevel::Station,
        ScopeLevel::Depot,
        ScopeLevel::Area,
        ScopeLevel::Village,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeLevel::Region => "region",
            ScopeLevel::District => "district",
            ScopeLevel::Station => "station",
            ScopeLevel::Depot => "depot",
            ScopeLevel::Area => "area",
            ScopeLevel::Village => "village",
        }
    }
}

impl Metric {
    pub const ALL: [Metric; 28] = [
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
        Metric::LogisticsCapabilityPersons,
        Metric::ForcesInside,
        Metric::Declared,
        Metric::WaterServiceableShare,
        Metric::WaterReachDemandShare,
        Metric::HydrantSpacingGapKm,
        Metric::VillageForces,
        Metric::ServedByClass,
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
            Metric::LogisticsCapabilityPersons => "logistics_capability_persons",
            Metric::ForcesInside => "forces_inside",
            Metric::WaterServiceableShare => "water_serviceable_share",
            Metric::WaterReachDemandShare => "water_reach_demand_share",
            Metric::HydrantSpacingGapKm => "hydrant_spacing_gap_km",
            Metric::Declared => "declared",
            Metric::VillageForces => "village_forces",
            Metric::ServedByClass => "served_by_class",
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
            Metric::Staff | Metric::DepotCapacityPersons | Metric::LogisticsCapabilityPersons => {
                "persons"
            }
            Metric::ForcesInside | Metric::VillageForces => "forces",
            Metric::ServedByClass => "stations of the class inside or first-due",
            Metric::Declared => "as declared",
            Metric::PumpFlowLps => "L/s",
            Metric::PickupTrucks => "vehicles",
            Metric::DroneHangars => "hangars",
            Metric::FirefightingRatio => "fire-fighting per other vehicle",
            Metric::FirstDueAreaKm2 => "km²",
            Metric::DepotLoadShare => "share of capacity",
            Metric::WaterServiceableShare | Metric::WaterReachDemandShare => "share",
            Metric::HydrantSpacingGapKm => "km",
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
            Metric::DepotCapacityPersons
            | Metric::DepotLoadShare
            | Metric::LogisticsCapabilityPersons => &[Depot],
            Metric::ForcesInside | Metric::ServedByClass => &[Area],
            Metric::Declared | Metric::WaterServiceableShare => &[Region],
            Metric::WaterReachDemandShare | Metric::HydrantSpacingGapKm => &[Region, District],
            Metric::VillageForces => &[Village],
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
    /// Kinds of township, functional zone or key area (area level).
    pub area_kinds: Vec<AreaKind>,
    /// Kinds of village (village level): 行政村, 自然村, 社区.
    pub village_kinds: Vec<VillageKind>,
    /// Villages with more residents than this (village level: 常住人口超过1000人).
    pub population_above: Option<f64>,
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

    /// Whether an area of `kind` is in scope.
    pub fn has_area_kind(&self, kind: AreaKind) -> bool {
        self.area_kinds.is_empty() || self.area_kinds.contains(&kind)
    }

    /// Whether a village of `kind` with `population` residents is in scope.
    pub fn has_village(&self, kind: VillageKind, population: f64) -> bool {
        (self.village_kinds.is_empty() || self.village_kinds.contains(&kind))
            && self.population_above.is_none_or(|p| population > p)
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
        if !self.area_kinds.is_empty() {
            let k: Vec<&str> = self.area_kinds.iter().map(|k| k.as_str()).collect();
            s += &format!(" kind {}", k.join("/"));
        }
        if !self.district_kinds.is_empty() {
            let k: Vec<&str> = self.district_kinds.iter().map(|k| k.as_str()).collect();
            s += &format!(" in {} districts", k.join("/"));
        }
        if !self.village_kinds.is_empty() {
            let k: Vec<&str> = self.village_kinds.iter().map(|k| k.as_str()).collect();
            s += &format!(" kind {}", k.join("/"));
        }
        if let Some(p) = self.population_above {
            s += &format!(" over {} residents", fmt_value(p));
        }
        s
    }
}

/// How binding a target is (DESIGN §6: force follows the wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Force {
    /// 约束性, 应 / 不应, 必须, a dated "…前完成": a failure makes `fireplan check` exit
    /// with status 2.
    Mandatory,
    /// 以…为目标, 逐步实现, 力争, 预期性, 宜 / 不宜: reported with its shortfall, never a
    /// failing exit status on its own.
    Goal,
    /// A derived planning check that no clause states, shown with its reasoning.
    Advisory,
}

impl Force {
    pub const ALL: [Force; 3] = [Force::Mandatory, Force::Goal, Force::Advisory];

    pub fn as_str(self) -> &'static str {
        match self {
            Force::Mandatory => "mandatory",
            Force::Goal => "goal",
            Force::Advisory => "advisory",
        }
    }

    /// Chinese name used in reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            Force::Mandatory => "强制",
            Force::Goal => "目标",
            Force::Advisory => "参考",
        }
    }
}

/// Where a target comes from: the document, the clause in its own words, a gloss.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// A seed file name (`004_e477e33bbf9d6d33.txt`), a standard (`建标152-2017`,
    /// `GB 51080-2015`), `derived` for an advisory no clause states, or the scenario file
    /// for local targets.
    pub document: String,
    /// The document's title and date as the catalogue's `[documents]` gives them
    /// (`绍兴市柯桥区消防安全工作实施意见 (2023-12-29)`); None: cite the document name.
    pub title: Option<String>,
    /// Section or article within the document (`六(二)`, `第十四条`), if given.
    pub section: Option<String>,
    /// The clause's words, quoted exactly (Chinese).
    pub clause: String,
    /// English gloss of the clause.
    pub gloss: String,
}

impl Source {
    /// How reports cite it: the document's title and the clause's section,
    /// `绍兴市柯桥区消防安全工作实施意见 (2023-12-29) 六(二)`.
    pub fn citation(&self) -> String {
        let doc = self.title.as_deref().unwrap_or(&self.document);
        match &self.section {
            Some(sec) => format!("{doc} {sec}"),
            None => doc.to_string(),
        }
    }
}

/// One planning target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// Unique id (`[a-z0-9_]`), used by `[targets.override]` and in outputs; shared with
    /// the target's findings.
    pub id: Arc<str>,
    /// The set it belongs to (`keqiao`, `zhejiang`, …; `local` for scenario additions).
    pub set: Arc<str>,
    pub metric: Metric,
    pub comparator: Comparator,
    /// The required value, in the metric's unit.
    pub value: f64,
    pub scope: Scope,
    /// Mandatory, goal or advisory (DESIGN §6).
    pub force: Force,
    /// For metric `declared`: the key of `[targets.figures]` the scenario supplies.
    pub figure: Option<String>,
    /// Shared with every finding of the target (a province's findings are millions).
    pub source: Arc<Source>,
    /// Free text: how the clause was turned into this target.
    pub note: Option<String>,
}

impl Target {
    /// A failure makes `fireplan check` exit with status 2.
    pub fn mandatory(&self) -> bool {
        self.force == Force::Mandatory
    }

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
        "km" => format!("{v:.2} km"),
        "fire-fighting per other vehicle" => format!("{v:.2}"),
        "per 10,000 residents" => format!("{v:.2} per 10,000"),
        "as declared" => fmt_value(v),
        unit => format!("{} {unit}", fmt_value(v)),
    }
}

/// A gap between a measured value and its target, in the target's unit; a gap between two
/// shares is in percentage points ("short by 14.1 percentage points"), not a percentage
/// of either.
pub fn fmt_gap(metric: Metric, gap: f64) -> String {
    match metric.unit() {
        "share" if gap.is_finite() => format!("{:.1} percentage points", gap * 100.0),
        "share of capacity" if gap.is_finite() => {
            format!("{:.0} percentage points", gap * 100.0)
        }
        _ => fmt_measure(metric, gap),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_between_shares_are_percentage_points() {
        // 85.9 % against a goal of 100 %: 14.1 points short, not "14.1 %" (of what?).
        assert_eq!(
            fmt_gap(Metric::DemandCoverage, 1.0 - 0.859),
            "14.1 percentage points"
        );
        assert_eq!(fmt_measure(Metric::DemandCoverage, 0.859), "85.9 %");
        // Other units keep their own.
        assert_eq!(fmt_gap(Metric::P90S, 42.0), "42 s");
    }
}
