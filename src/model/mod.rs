//! Plain domain types: stations, vehicles, depots, districts, demand. No I/O here.
//!
//! Coordinates are WGS-84 longitude/latitude in degrees (`geo::Point`: x = lon, y = lat);
//! readers convert GCJ-02 / BD-09 input before building these.

pub mod area;
pub mod closure;
pub mod context;
pub mod incident;
pub mod intervals;
pub mod record;
pub mod road;
pub mod target;
pub mod time;
pub mod village;
pub mod water;

pub use incident::IncidentType;
pub use record::{IncidentRecord, MeasuredFrom, RecordsFile, RejectedRecord};
pub use road::RoadClass;
pub use village::{Village, VillageKind, VillageShape};

use geo::{MultiPolygon, Point};
use serde::{Deserialize, Serialize};

/// Station class of 建标152-2017 and the Keqiao "2+7+13+N" system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StationClass {
    /// 特勤站: special-service station.
    Special,
    /// 一级站: class-1 ordinary station.
    Class1,
    /// 二级站: class-2 ordinary station.
    Class2,
    /// 小型站: small station.
    Small,
    /// 前置(执勤)站: forward station.
    Forward,
    /// 战勤保障站: logistics-support station (no first-due area; serves supply reach).
    Logistics,
    /// 乡镇专职消防队: a township's government full-time fire brigade.
    Township,
    /// 志愿消防队: a volunteer fire team. No response-coverage role unless the scenario's
    /// `[response] micro_and_volunteer_respond = true`.
    Volunteer,
    /// 微型消防站: a micro fire station of a village, community or key unit (seed 000
    /// 专栏6). No response-coverage role unless the scenario's
    /// `[response] micro_and_volunteer_respond = true`.
    Micro,
}

impl StationClass {
    pub const ALL: [StationClass; 9] = [
        StationClass::Special,
        StationClass::Class1,
        StationClass::Class2,
        StationClass::Small,
        StationClass::Forward,
        StationClass::Logistics,
        StationClass::Township,
        StationClass::Volunteer,
        StationClass::Micro,
    ];

    /// The name used in files (`special`, `class1`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            StationClass::Special => "special",
            StationClass::Class1 => "class1",
            StationClass::Class2 => "class2",
            StationClass::Small => "small",
            StationClass::Forward => "forward",
            StationClass::Logistics => "logistics",
            StationClass::Township => "township",
            StationClass::Volunteer => "volunteer",
            StationClass::Micro => "micro",
        }
    }

    /// Parses the file name of a class; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Chinese name used in reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            StationClass::Special => "特勤站",
            StationClass::Class1 => "一级站",
            StationClass::Class2 => "二级站",
            StationClass::Small => "小型站",
            StationClass::Forward => "前置站",
            StationClass::Logistics => "战勤保障站",
            StationClass::Township => "乡镇专职消防队",
            StationClass::Volunteer => "志愿消防队",
            StationClass::Micro => "微型消防站",
        }
    }

    /// An ordinary urban fire station of 建标152-2017 (普通站: class 1, class 2, small) or
    /// a special-service station: the classes the first-due rules speak of.
    pub fn is_ordinary_or_special(self) -> bool {
        matches!(
            self,
            StationClass::Special
                | StationClass::Class1
                | StationClass::Class2
                | StationClass::Small
        )
    }

    /// Its staff count as full-time firefighters (专职消防人员): every class but
    /// logistics-support stations, volunteer teams and micro fire stations (whose members
    /// are the village's, community's or unit's own part-time or volunteer staff).
    pub fn full_time(self) -> bool {
        !matches!(
            self,
            StationClass::Logistics | StationClass::Volunteer | StationClass::Micro
        )
    }

    /// A community force (基层消防力量): a micro fire station (微型消防站) or a volunteer
    /// team (志愿消防队). They take no part in response coverage unless the scenario says
    /// so (`[response] micro_and_volunteer_respond = true`).
    pub fn community_force(self) -> bool {
        matches!(self, StationClass::Micro | StationClass::Volunteer)
    }
}

/// Whether a station exists today, is planned, or is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum StationStatus {
    #[default]
    Existing,
    Planned,
    Closed,
}

impl StationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StationStatus::Existing => "existing",
            StationStatus::Planned => "planned",
            StationStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "existing" => Some(StationStatus::Existing),
            "planned" => Some(StationStatus::Planned),
            "closed" => Some(StationStatus::Closed),
            _ => None,
        }
    }
}

/// Vehicles of one kind at a station (vehicles file row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vehicle {
    /// Free-text kind, e.g. `engine`, `aerial`, `rescue`, `hazmat`, `pickup`.
    pub kind: String,
    pub count: u32,
    /// Pump flow of one vehicle, litres per second.
    pub pump_flow_lps: Option<f64>,
    /// Counts as a fire-fighting vehicle for the 1:1 ratio.
    pub firefighting: Option<bool>,
}

/// A fire station (消防站) as given in the stations file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Station {
    pub id: String,
    pub name: String,
    pub class: StationClass,
    pub location: Point<f64>,
    pub staff: Option<u32>,
    /// Per-station turnout time (出动时间) overriding the scenario's, seconds.
    pub turnout_s: Option<f64>,
    pub status: StationStatus,
    pub drone: Option<bool>,
    /// Rescue district named in the file, if any.
    pub district: Option<String>,
    /// Level of a logistics-support station (战勤保障消防站: national, regional, city,
    /// county); None: county.
    pub support_level: Option<DepotLevel>,
    /// Support capability a logistics-support station declares, persons (seed 000
    /// 专栏8: 800 / 400 / 200 / 100 by level).
    pub support_capacity_persons: Option<f64>,
    pub vehicles: Vec<Vehicle>,
    /// 1-based line of the stations file (header = line 1), for findings; 0 for a
    /// station that is not in a file (one a plan or a placement search adds).
    #[serde(skip)]
    pub line: u64,
}

impl Station {
    /// A planned station that is in no file (a placement search's site): nothing recorded
    /// beyond its id, name, class and place.
    pub fn planned(id: String, name: String, class: StationClass, location: Point<f64>) -> Self {
        Station {
            id,
            name,
            class,
            location,
            staff: None,
            turnout_s: None,
            status: StationStatus::Planned,
            drone: None,
            district: None,
            support_level: None,
            support_capacity_persons: None,
            vehicles: Vec::new(),
            line: 0,
        }
    }

    /// Takes part in response coverage by default: not closed, not a logistics-support
    /// station, not a community force (micro fire station, volunteer team).
    pub fn responds(&self) -> bool {
        self.responds_with(false)
    }

    /// Takes part in response coverage: not closed and not a logistics-support station;
    /// micro fire stations and volunteer teams only when `community_forces_respond`
    /// (the scenario's `[response] micro_and_volunteer_respond`).
    pub fn responds_with(&self, community_forces_respond: bool) -> bool {
        self.status != StationStatus::Closed
            && self.class != StationClass::Logistics
            && (community_forces_respond || !self.class.community_force())
    }
}

/// Level of a reserve depot or support point (战勤保障 tiers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DepotLevel {
    National,
    Regional,
    City,
    County,
    Town,
}

impl DepotLevel {
    pub const ALL: [DepotLevel; 5] = [
        DepotLevel::National,
        DepotLevel::Regional,
        DepotLevel::City,
        DepotLevel::County,
        DepotLevel::Town,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DepotLevel::National => "national",
            DepotLevel::Regional => "regional",
            DepotLevel::City => "city",
            DepotLevel::County => "county",
            DepotLevel::Town => "town",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// A reserve depot (应急物资储备库) or reserve centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Depot {
    pub id: String,
    pub name: String,
    pub level: DepotLevel,
    pub location: Point<f64>,
    /// People it can sustain (seed 000: national 800, regional 400, city 200, county 100).
    pub capacity_persons: Option<f64>,
    /// Rescue districts it must reach, by name as written in the `area` column (`;`,
    /// `|` or `、` separated); empty: the whole region.
    #[serde(skip)]
    pub area: Vec<String>,
    /// 1-based line of the depots file, for findings; 0 for a depot not in a file.
    #[serde(skip)]
    pub line: u64,
}

/// Urban / suburban / rural, as used by the first-due area caps of 建标152-2017.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DistrictKind {
    #[default]
    Urban,
    Suburban,
    Rural,
}

impl DistrictKind {
    pub const ALL: [DistrictKind; 3] = [
        DistrictKind::Urban,
        DistrictKind::Suburban,
        DistrictKind::Rural,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DistrictKind::Urban => "urban",
            DistrictKind::Suburban => "suburban",
            DistrictKind::Rural => "rural",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "urban" => Some(DistrictKind::Urban),
            "suburban" => Some(DistrictKind::Suburban),
            "rural" => Some(DistrictKind::Rural),
            _ => None,
        }
    }
}

/// A rescue district (救援片区).
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub name: String,
    pub kind: DistrictKind,
    /// Outline in lon/lat degrees.
    pub area: MultiPolygon<f64>,
    /// Residents, from the districts file's optional `population` property (for
    /// firefighters per 10,000 residents).
    pub population: Option<f64>,
}

/// Kind of a township, functional zone or key area (the `[areas]` layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    /// 乡镇 (街道): a township or sub-district.
    Township,
    /// 功能区: a functional zone (development zone, port, …).
    Zone,
    /// 大型工业园区: a large industrial park (004 §六(二)).
    IndustrialPark,
    /// 重点商圈: a key business district.
    BusinessDistrict,
    /// 旅游景区: a scenic area.
    ScenicArea,
    /// 居民集聚区: a dense residential area (file name `residential`, or
    /// `dense_residential` as issue 15 spells it).
    Residential,
    /// 化工园区: a chemical park (002 §五(四): a station built to special-service standard).
    ChemicalPark,
    /// 高层建筑区: a high-rise district.
    HighRise,
    /// 林区: a forest.
    Forest,
    /// 水域: a body of water (lake, reservoir, river reach).
    Water,
}

impl AreaKind {
    pub const ALL: [AreaKind; 10] = [
        AreaKind::Township,
        AreaKind::Zone,
        AreaKind::IndustrialPark,
        AreaKind::BusinessDistrict,
        AreaKind::ScenicArea,
        AreaKind::Residential,
        AreaKind::ChemicalPark,
        AreaKind::HighRise,
        AreaKind::Forest,
        AreaKind::Water,
    ];

    /// Another name a file may use for a kind: `dense_residential` (issue 15's name) for
    /// `residential`.
    pub const ALIASES: [(&'static str, AreaKind); 1] =
        [("dense_residential", AreaKind::Residential)];

    /// The kind a file names: its name or an alias; else an error with "did you mean".
    pub fn parse(text: &str) -> Result<AreaKind, String> {
        let text = text.trim();
        if let Some((_, k)) = Self::ALIASES.iter().find(|(a, _)| *a == text) {
            return Ok(*k);
        }
        crate::names::one_of("area kind", &Self::ALL, Self::as_str)(text)
    }

    /// A special-risk site (重点风险场所) rather than a township or functional zone: the
    /// kinds the risk-sites table, map and layer show.
    pub fn is_risk_site(self) -> bool {
        !matches!(self, AreaKind::Township | AreaKind::Zone)
    }

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Township => "township",
            AreaKind::Zone => "zone",
            AreaKind::IndustrialPark => "industrial_park",
            AreaKind::BusinessDistrict => "business_district",
            AreaKind::ScenicArea => "scenic_area",
            AreaKind::Residential => "residential",
            AreaKind::ChemicalPark => "chemical_park",
            AreaKind::HighRise => "high_rise",
            AreaKind::Forest => "forest",
            AreaKind::Water => "water",
        }
    }

    /// Chinese name used in reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            AreaKind::Township => "乡镇",
            AreaKind::Zone => "功能区",
            AreaKind::IndustrialPark => "工业园区",
            AreaKind::BusinessDistrict => "重点商圈",
            AreaKind::ScenicArea => "旅游景区",
            AreaKind::Residential => "居民集聚区",
            AreaKind::ChemicalPark => "化工园区",
            AreaKind::HighRise => "高层建筑区",
            AreaKind::Forest => "林区",
            AreaKind::Water => "水域",
        }
    }
}

/// A township, functional zone or key area (乡镇、功能区、重点区域): not a rescue district,
/// a place some targets ask to hold a force.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanningArea {
    pub name: String,
    pub kind: AreaKind,
    /// Outline in lon/lat degrees (a point site given a radius: the circle as a 64-gon;
    /// a point site without one: empty, nothing stands inside it).
    pub area: MultiPolygon<f64>,
    /// A site given as a point (CSV row or GeoJSON Point) and its radius in metres (0:
    /// the point itself); None for a polygon.
    pub point: Option<(Point<f64>, f64)>,
}

/// A place where demand arises: an incident record, a building or a population point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandPoint {
    pub id: String,
    pub location: Point<f64>,
    pub weight: f64,
    /// Incident type, e.g. `building_fire`.
    pub kind: Option<String>,
    /// ISO 8601 time as written in the file.
    pub time: Option<String>,
}
