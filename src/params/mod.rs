//! The ground floor's parameters: the plain, validated types of every scenario section —
//! network and travel-time model, response standard, CRS, logistics support (战勤保障),
//! simulation, the targets checked — and the [`Scenario`] that holds them. Nothing here
//! reads a file or imports a module above it; `io::scenario` parses the file into these.

pub mod calibration;
pub mod crs;
pub mod map;
pub mod network;
pub mod response;
pub mod scenario;
pub mod simulation;
pub mod supply;
pub mod targets;
pub mod villages;
pub mod water;

pub use calibration::{Calibration, CalibrationFit, ResponseModel, RoadGroup, Spread, TimeFactors};
pub use crs::Crs;
pub use map::{ContextLayerParams, MapParams, Page};
pub use network::{ClosureParams, NetworkParams, NetworkSource, VehicleProfile};
pub use response::ResponseParams;
pub use scenario::{CalibrationInUse, DemandSource, Scenario};
pub use simulation::SimulationSection;
pub use supply::{SupplyParams, SupplySection};
pub use targets::{TargetConfig, TargetsSection};
pub use villages::{DroneParams, VillagesParams};
pub use water::WaterParams;
