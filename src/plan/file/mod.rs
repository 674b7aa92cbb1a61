//! Plan files (TOML): an ordered list of changes to the stations (消防站) and support
//! points (战勤保障) of a scenario, each with the planner's reason. [`Plan::parse`] reads
//! and checks the file on its own; [`apply`] applies it to the baseline's stations and
//! depots, checking what needs them (unknown ids, closing twice, moves off the network).
//!
//! ```toml
//! name = "马鞍 north-east and the southern hills"
//! crs = "wgs84"                 # default CRS of this file's coordinates (gcj02, bd09,
//!                               # "EPSG:4549": then lon = easting, lat = northing)
//!
//! [[change]]
//! action = "add_station"        # add_station, move_station, upgrade, downgrade,
//! id = "P01"                    # change_class, close_station, change_station,
//! class = "class2"              # change_vehicles, add_depot, remove_depot, change_depot
//! lon = 120.553
//! lat = 30.171
//! staff = 20
//! drone = true
//! vehicles = [{ kind = "engine", count = 2, pump_flow_lps = 60, firefighting = true }]
//! reason = "the unreached north-east of the industrial zone"
//!
//! [[change]]
//! action = "add_station"        # a logistics-support station (战勤保障站) may also give
//! id = "P02"                    # its level and the people it can support (seed 000 专栏8)
//! class = "logistics"
//! lon = 120.47
//! lat = 30.10
//! support_level = "city"
//! support_capacity_persons = 200
//! reason = "a city-level support station for the northern industrial zone"
//!
//! [[change]]
//! action = "change_station"
//! id = "KQ11"
//! staff = 20
//! reason = "staff to the class-2 minimum (seed 004 §八)"
//!
//! [[change]]
//! action = "close_road"         # a road closure for the plan variant only (道路封闭):
//! name = "秦望大桥"              # GeoJSON points (the nearest segment), lines (the
//! file = "qinwang_bridge.geojson" # segments they follow), polygons (all inside), as
//! crs = "wgs84"                 # [[network.closure]]; file relative to the plan file,
//! reason = "bridge repairs 2026–2027"  # crs: the change's, else the file's, else wgs84
//! ```
//!
//! Errors name the file, the change (`change[3] (line 41, id KQ11)`, 1-based, in file
//! order) and the field.
//!
//! The plan as a value ([`Plan`], [`Change`], [`Action`]) is here; `parse` reads and
//! checks a plan file into it ([`Plan::parse`]); `apply` applies it to a baseline ([`apply()`]).

mod apply;
mod parse;

pub use apply::{apply, apply_with_roads, Applied, AppliedChange, CloseRoad, Roads};

use std::path::PathBuf;

use geo::Point;
use serde::Serialize;

use crate::model::closure::ClosureShape;
use crate::model::{Depot, DepotLevel, Station, StationClass, Vehicle};
use crate::params::Crs;

/// The road-closure actions' name in plan files.
pub const CLOSE_ROAD: &str = "close_road";

/// A plan file, parsed and checked on its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub name: String,
    pub description: Option<String>,
    /// The plan file.
    pub path: PathBuf,
    /// In file order.
    pub changes: Vec<Change>,
}

/// One change with the planner's reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// How the change is named in errors and outputs (`change[3] (line 41, id KQ11)`).
    pub entry: String,
    /// 1-based position in the file.
    pub number: usize,
    pub action: Action,
    /// Why, in the planner's words.
    pub reason: String,
}

/// The parts of a vehicles change.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct VehicleChange {
    /// Replace every vehicle of the station with these (applied first).
    pub set: Option<Vec<Vehicle>>,
    /// Then add these.
    pub add: Vec<Vehicle>,
    /// Then remove `count` vehicles of `kind` (None: all of that kind).
    pub remove: Vec<(String, Option<u32>)>,
}

/// What a change does. Coordinates are WGS-84 (converted from the file's CRS).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Action {
    /// A new station (status `planned` unless given).
    AddStation(Box<Station>),
    MoveStation {
        id: String,
        location: Point<f64>,
    },
    /// `upgrade` (to a higher class), `downgrade` (lower) or `change_class` (any).
    ChangeClass {
        id: String,
        class: StationClass,
        direction: ClassDirection,
    },
    CloseStation {
        id: String,
    },
    /// New staff, drone, turnout or name (only the fields given change).
    ChangeStation {
        id: String,
        staff: Option<u32>,
        drone: Option<bool>,
        turnout_s: Option<f64>,
        name: Option<String>,
    },
    ChangeVehicles {
        id: String,
        change: VehicleChange,
    },
    AddDepot(Depot),
    RemoveDepot {
        id: String,
    },
    /// New capacity, level or name of a depot.
    ChangeDepot {
        id: String,
        capacity_persons: Option<f64>,
        level: Option<DepotLevel>,
        name: Option<String>,
    },
    /// Roads closed for the plan variant (道路封闭): the shapes of a GeoJSON file, read and
    /// converted to WGS-84 when the plan is parsed; matched to road segments when applied.
    CloseRoad {
        name: String,
        /// The GeoJSON file (absolute, resolved against the plan file's folder).
        file: PathBuf,
        crs: Crs,
        #[serde(skip)]
        shapes: Vec<ClosureShape>,
    },
}

/// Which way a class change must go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ClassDirection {
    Upgrade,
    Downgrade,
    Any,
}

impl Action {
    /// The action's name in plan files.
    pub fn name(&self) -> &'static str {
        match self {
            Action::AddStation(_) => "add_station",
            Action::MoveStation { .. } => "move_station",
            Action::ChangeClass { direction, .. } => match direction {
                ClassDirection::Upgrade => "upgrade",
                ClassDirection::Downgrade => "downgrade",
                ClassDirection::Any => "change_class",
            },
            Action::CloseStation { .. } => "close_station",
            Action::ChangeStation { .. } => "change_station",
            Action::ChangeVehicles { .. } => "change_vehicles",
            Action::AddDepot(_) => "add_depot",
            Action::RemoveDepot { .. } => "remove_depot",
            Action::ChangeDepot { .. } => "change_depot",
            Action::CloseRoad { .. } => CLOSE_ROAD,
        }
    }

    /// The station or depot id the change is about (a road closure: its name).
    pub fn subject(&self) -> &str {
        match self {
            Action::AddStation(s) => &s.id,
            Action::CloseRoad { name, .. } => name,
            Action::AddDepot(d) => &d.id,
            Action::MoveStation { id, .. }
            | Action::ChangeClass { id, .. }
            | Action::CloseStation { id }
            | Action::ChangeStation { id, .. }
            | Action::ChangeVehicles { id, .. }
            | Action::RemoveDepot { id }
            | Action::ChangeDepot { id, .. } => id,
        }
    }

    /// What the change is about: `station`, `depot` or `road`.
    pub fn subject_kind(&self) -> &'static str {
        if self.on_depot() {
            "depot"
        } else if matches!(self, Action::CloseRoad { .. }) {
            "road"
        } else {
            "station"
        }
    }

    /// Whether it changes a depot rather than a station.
    pub fn on_depot(&self) -> bool {
        matches!(
            self,
            Action::AddDepot(_) | Action::RemoveDepot { .. } | Action::ChangeDepot { .. }
        )
    }
}

/// Rank of a class for upgrades: special 4, class 1 3, class 2 2, small / forward 1;
/// logistics-support stations, township brigades, volunteer teams and micro fire stations
/// are not on this ladder.
pub(crate) fn rank(c: StationClass) -> Option<u8> {
    match c {
        StationClass::Special => Some(4),
        StationClass::Class1 => Some(3),
        StationClass::Class2 => Some(2),
        StationClass::Small | StationClass::Forward => Some(1),
        StationClass::Logistics
        | StationClass::Township
        | StationClass::Volunteer
        | StationClass::Micro => None,
    }
}
