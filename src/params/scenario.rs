//! The validated scenario every computation reads: paths resolved, defaults applied,
//! every section checked. `io::scenario` parses the file into it.

use std::path::PathBuf;

use serde::Serialize;

use super::{
    ClosureParams, Crs, NetworkParams, NetworkSource, ResponseModel, ResponseParams,
    SimulationSection, SupplyParams, TargetConfig,
};
use crate::model::StationClass;

/// How demand is obtained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DemandSource {
    /// A CSV of incidents / demand points.
    File { path: PathBuf, crs: Crs },
    /// Building centroids from the OSM extract; weight = footprint m² or 1.
    OsmBuildings { weight_by_footprint: bool },
}

/// A validated scenario: absolute paths, defaults applied.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub name: String,
    pub lang: String,
    /// The scenario file itself.
    pub path: PathBuf,
    pub network: NetworkSource,
    pub params: NetworkParams,
    pub max_snap_m: f64,
    /// Roads closed for a what-if (`[[network.closure]]`), in the scenario's order.
    pub closures: Vec<ClosureParams>,
    /// Heavy appliances with their own network (`[vehicles.KIND]`), sorted by kind.
    pub vehicle_profiles: Vec<crate::params::VehicleProfile>,
    pub stations_file: PathBuf,
    pub stations_crs: Crs,
    pub vehicles_file: Option<PathBuf>,
    pub default_class: Option<StationClass>,
    pub demand: Option<DemandSource>,
    pub districts: Option<(PathBuf, Crs)>,
    /// Townships, functional zones and key areas (`[areas]`).
    pub areas: Option<(PathBuf, Crs)>,
    /// `[areas] sites`: a second file of the same layer (same CRS).
    pub area_sites: Option<PathBuf>,
    /// `[areas.weights]`: demand weight factor per area kind (kinds not listed: 1).
    pub area_weights: Vec<(crate::model::AreaKind, f64)>,
    pub depots: Option<(PathBuf, Crs)>,
    pub response: ResponseParams,
    /// `[supply]` with the defaults of DESIGN §5 applied.
    pub supply: SupplyParams,
    /// `[simulation]` as written (checked; defaults need the incident file).
    pub simulation: Option<SimulationSection>,
    /// The targets checked: the catalogue read, sets chosen, overrides and local targets
    /// applied (every built-in target without `[targets]`).
    pub targets: TargetConfig,
    /// The calibrated response-time model in use (`None`: free flow, optimistic).
    pub calibration: Option<CalibrationInUse>,
    /// Fire water sources and their reach rules (`[water]`).
    pub water: Option<super::WaterParams>,
    /// Villages and communities (`[villages]`, 行政村、社区).
    pub villages: Option<super::VillagesParams>,
    /// Reach of the stations' drone hangars (`[drone]`, 消防无人机).
    pub drone: Option<super::DroneParams>,
    /// How the maps are drawn (`[map]`).
    pub map: super::MapParams,
}

/// A calibration a scenario uses, and the file it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationInUse {
    pub file: PathBuf,
    pub model: ResponseModel,
    /// `[response]` as written, before the calibration replaced dispatch and turnout.
    pub free_flow_response: ResponseParams,
    /// The records and fit quality the file states (for reports; `None`: not stated).
    pub fit: Option<super::CalibrationFit>,
}

impl Scenario {
    /// Uses `model` for response times: its road-group factors scale every edge time, and
    /// its time before the wheels turn replaces `dispatch_s + turnout_s` (per station where
    /// it has one; see `load`). Threshold, grid and everything else stay as written.
    pub fn calibrate(&mut self, file: PathBuf, model: ResponseModel) {
        let free_flow_response = self.free_flow().response;
        self.params.time_factors = model.time_factors.per_class();
        self.response.dispatch_s = 0.0;
        self.response.turnout_s = model.pre_travel_s;
        self.calibration = Some(CalibrationInUse {
            file,
            model,
            free_flow_response,
            fit: None,
        });
    }

    /// The scenario under the free-flow model, as written without `[calibration]`.
    pub fn free_flow(&self) -> Scenario {
        let mut s = self.clone();
        if let Some(c) = s.calibration.take() {
            s.response = c.free_flow_response;
            s.params.time_factors = [1.0; 10];
        }
        s
    }

    /// CRS of the CSV network's nodes (WGS-84 for OSM), part of the cache key.
    pub fn network_crs(&self) -> Crs {
        match &self.network {
            NetworkSource::Csv { crs, .. } => *crs,
            NetworkSource::Osm(_) => Crs::Wgs84,
        }
    }
}
