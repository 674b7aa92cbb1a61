//! `[water]` in the scenario: where the fire water sources (消防水源) come from and the
//! reach rules they are checked against, as data.
//!
//! ```toml
//! [water]
//! file = "water_sources.csv"   # id,lon,lat,kind[,status,flow_lps,last_inspected]
//! # from = "osm"               # and/or the extract's emergency=fire_hydrant, … nodes
//! protection_radius_m = 150    # GB 50974-2014 §7.2.5: 保护半径不应超过150m
//! hydrant_spacing_m = 120      # GB 50974-2014 §7.2.5: 间距不应大于120m
//! ```

use std::path::PathBuf;

use serde::Serialize;

use super::Crs;

/// GB 50974-2014 §7.2.5: a municipal hydrant protects at most 150 m (市政消火栓的保护半径
/// 不应超过150m).
pub const GB50974_PROTECTION_RADIUS_M: f64 = 150.0;
/// GB 50974-2014 §7.2.5: municipal hydrants stand at most 120 m apart (间距不应大于120m).
pub const GB50974_HYDRANT_SPACING_M: f64 = 120.0;

/// The validated `[water]` parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterParams {
    /// A water-source register (CSV), with its coordinate system.
    pub file: Option<(PathBuf, Crs)>,
    /// Also take the OSM extract's `emergency=fire_hydrant`, `water_tank`,
    /// `suction_point` and `fire_water_pond` nodes.
    pub from_osm: bool,
    /// A place is within a source's reach when the hose path along the roads (both access
    /// legs included) is at most this long, metres.
    pub protection_radius_m: f64,
    /// Hydrants on the roads of built-up (urban) districts stand at most this far apart,
    /// metres: every road point lies within half of it of a hydrant.
    pub hydrant_spacing_m: f64,
}
