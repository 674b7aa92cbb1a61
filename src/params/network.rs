//! The road network's source and the travel-time model's parameters (DESIGN §3).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Crs;
use crate::model::RoadClass;

/// A `[[network.closure]]` of the scenario: a GeoJSON file of points, lines or areas whose
/// roads are closed (道路封闭), with a name and a reason for the outputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosureParams {
    pub name: String,
    pub reason: Option<String>,
    pub file: PathBuf,
    pub crs: Crs,
}

/// Where the road network comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum NetworkSource {
    Osm(PathBuf),
    Csv {
        nodes: PathBuf,
        edges: PathBuf,
        crs: Crs,
    },
}

/// Parameters of the travel-time model that change edge times (part of the cache key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkParams {
    /// Speed per road class, km/h, in [`RoadClass::ALL`] order (defaults + overrides).
    pub speeds_kmh: [f64; 10],
    pub speed_factor: f64,
    pub ignore_oneway: bool,
    /// Multiplier of travel time per road class, in [`RoadClass::ALL`] order: all 1.0 for
    /// the free-flow model, the calibrated factors of the road's group otherwise.
    pub time_factors: [f64; 10],
    /// Whether routes obey the extract's turn restrictions (`[network] turn_restrictions`,
    /// default true; false for brigades whose appliances may ignore them on a run).
    pub turn_restrictions: bool,
}

impl Default for NetworkParams {
    fn default() -> Self {
        NetworkParams {
            speeds_kmh: RoadClass::ALL.map(RoadClass::default_speed_kmh),
            speed_factor: 1.0,
            ignore_oneway: false,
            time_factors: [1.0; 10],
            turn_restrictions: true,
        }
    }
}

impl NetworkParams {
    pub fn speed_kmh(&self, class: RoadClass) -> f64 {
        self.speeds_kmh[class as usize]
    }

    pub fn time_factor(&self, class: RoadClass) -> f64 {
        self.time_factors[class as usize]
    }
}

/// A heavy appliance's dimensions and pace (`[vehicles.aerial]`, 车辆通行条件): units of
/// this `kind` drive their own network, which bars every road whose posted weight,
/// height or width limit they exceed and takes the emergency times ÷ `speed_factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VehicleProfile {
    /// The vehicle kind, as in the vehicles file and `[simulation]` (`aerial`, `engine`, …).
    pub kind: String,
    pub weight_t: Option<f64>,
    pub height_m: Option<f64>,
    pub width_m: Option<f64>,
    /// Multiplies the emergency speed (a 32 t ladder is slower than a pump: 0.9).
    pub speed_factor: f64,
}
