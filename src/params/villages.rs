//! `[villages]` (villages and communities with their residents, 行政村、社区) and `[drone]`
//! (the reach of stations' fire-drone hangars, 消防无人机舱).

use std::path::PathBuf;

use serde::Serialize;

use super::Crs;

/// `[villages]` as checked: the file and how a point village is judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillagesParams {
    /// A CSV (`id,name,lon,lat,population`, optional `kind`) or a GeoJSON of Point or
    /// Polygon features with `name` and `population` (by extension: `.geojson` / `.json`);
    /// with `from_osm`, the scenario's OSM extract.
    pub file: PathBuf,
    pub crs: Crs,
    /// A village given as a point has a force when a micro fire station or volunteer
    /// team stands within this straight-line distance of it, metres (default 1,000).
    pub point_radius_m: f64,
    /// `from = "osm"`: the villages are the `place=*` nodes with a `population` of the
    /// OSM extract `file` (行政村 for village and isolated_dwelling, 自然村 for hamlet, 社区
    /// for suburb and neighbourhood).
    pub from_osm: bool,
}

/// The default `[villages] point_radius_m`: 1 km, about the walking distance within
/// which a village's own micro station or volunteer team answers on foot or by bicycle
/// in the first minutes (a planning choice; no seed clause gives one).
pub const DEFAULT_POINT_RADIUS_M: f64 = 1000.0;

/// `[drone]` as checked: the straight-line reach of a drone hangar.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DroneParams {
    /// Reach of a hangar, metres: `radius_m` as given, or `flight_time_s` ×
    /// `cruise_speed_kmh` / 3.6.
    pub radius_m: f64,
    /// The flight time and cruise speed it was derived from, when given so.
    pub flight_time_s: Option<f64>,
    pub cruise_speed_kmh: Option<f64>,
    /// A what-if: every fire and rescue station not closed counts as having a hangar (004
    /// §六(一) asks for one at each), whatever the stations file's `drone` cells say.
    pub every_station: bool,
}
