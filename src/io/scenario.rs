//! The scenario file (TOML, DESIGN §10): [`ScenarioFile`] mirrors the file as written;
//! [`Scenario::load`] checks it and resolves it into `params::Scenario` (paths made
//! absolute, defaults applied), the form everything downstream uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::model::{RoadClass, StationClass};
use crate::names::{nearest, one_of};
use crate::params::{
    ClosureParams, Crs, DemandSource, NetworkParams, NetworkSource, ResponseParams, Scenario,
    SupplyParams, SupplySection,
};

/// `[network]`: where the roads come from and the travel-time model's parameters.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    /// OpenStreetMap extract (`.osm.pbf`).
    pub osm: Option<PathBuf>,
    /// CSV network: nodes file (`id, lon, lat`).
    pub nodes: Option<PathBuf>,
    /// CSV network: edges file (`from, to, highway`, optional `length_m, maxspeed_kmh, oneway`).
    pub edges: Option<PathBuf>,
    /// CRS of the CSV nodes file (`wgs84`, `gcj02`, `bd09`, `EPSG:<code>`; [`Crs`]).
    #[serde(default)]
    pub crs: Crs,
    /// Multiplies every speed (peak-hour congestion < 1).
    #[serde(default = "one")]
    pub speed_factor: f64,
    /// Treat every road as two-way.
    #[serde(default)]
    pub ignore_oneway: bool,
    /// Obey the extract's turn restrictions (default true).
    #[serde(default = "yes")]
    pub turn_restrictions: bool,
    /// Points farther than this from any road are off-network, metres.
    #[serde(default = "default_max_snap_m")]
    pub max_snap_m: f64,
    /// Speed overrides by highway class, km/h (`primary = 50`).
    #[serde(default)]
    pub speeds_kmh: BTreeMap<String, f64>,
    /// Road closures for a what-if (`[[network.closure]]`).
    #[serde(default)]
    pub closure: Vec<ClosureSection>,
}

/// `[[network.closure]]`: roads closed for a what-if (道路封闭).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureSection {
    /// Shown in the outputs (`秦望大桥 repairs`).
    pub name: String,
    /// Why (`bridge repairs 2026–2027`).
    pub reason: Option<String>,
    /// GeoJSON FeatureCollection of points (the nearest road segment), lines (the segments
    /// they follow) and polygons (every segment touching them).
    pub file: PathBuf,
    #[serde(default)]
    pub crs: Crs,
}

/// `[stations]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StationsSection {
    pub file: PathBuf,
    #[serde(default)]
    pub crs: Crs,
    /// Vehicles file (`station_id, kind, count`).
    pub vehicles: Option<PathBuf>,
    /// Class for stations files without a `class` column (e.g. stations taken from OSM).
    pub default_class: Option<String>,
}

/// `[demand]`: incident records / demand points, or demand derived from OSM buildings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DemandSection {
    pub file: Option<PathBuf>,
    #[serde(default)]
    pub crs: Crs,
    /// `"osm-buildings"`: one demand point per building of the OSM extract.
    pub from: Option<String>,
    /// For buildings: `"footprint"` (weight = footprint m²) or `"one"` (default).
    pub weight: Option<String>,
}

/// `[districts]`: rescue-district polygons.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictsSection {
    pub file: PathBuf,
    #[serde(default)]
    pub crs: Crs,
}

/// `[areas]`: townships, functional zones, key areas and special-risk sites.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AreasSection {
    /// GeoJSON (polygons or points) or CSV of points.
    pub file: PathBuf,
    #[serde(default)]
    pub crs: Crs,
    /// A second file of the same layer, read the same way (e.g. the special-risk sites kept
    /// apart from the townships); names unique across both.
    pub sites: Option<PathBuf>,
    /// `[areas.weights]`: demand inside a site of a kind weighs this many times as much
    /// (重点风险场所 weigh more in coverage and placement); the largest factor applies
    /// where sites overlap; default 1.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
}

/// `[depots]`: reserve depots and support points.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DepotsSection {
    pub file: PathBuf,
    #[serde(default)]
    pub crs: Crs,
}

/// `[water]`: fire water sources (消防水源) from a register and/or the OSM extract.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WaterSection {
    /// A CSV register: `id,lon,lat,kind` (+ `status`, `flow_lps`, `last_inspected`).
    pub file: Option<PathBuf>,
    #[serde(default)]
    pub crs: Crs,
    /// `"osm"`: the extract's fire-hydrant, water-tank and suction-point nodes.
    pub from: Option<String>,
    #[serde(default = "protection_radius_m")]
    pub protection_radius_m: f64,
    #[serde(default = "hydrant_spacing_m")]
    pub hydrant_spacing_m: f64,
}

fn protection_radius_m() -> f64 {
    crate::params::water::GB50974_PROTECTION_RADIUS_M
}
fn hydrant_spacing_m() -> f64 {
    crate::params::water::GB50974_HYDRANT_SPACING_M
}

/// `[villages]`: villages and communities (行政村、社区) with their residents.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VillagesSection {
    /// CSV (`id,name,lon,lat,population`, optional `kind`) or GeoJSON (`.geojson`,
    /// `.json`: Point or Polygon features with `name`, `population`, optional `kind`).
    pub file: Option<PathBuf>,
    /// `"osm"`: the `place=*` nodes with a numeric `population` of the scenario's OSM
    /// extract (`[network] osm`), instead of a file.
    pub from: Option<String>,
    #[serde(default)]
    pub crs: Crs,
    /// A point village has a force when one stands within this distance, metres
    /// (default 1,000).
    pub point_radius_m: Option<f64>,
}

/// `[drone]`: the reach of a drone hangar (消防无人机舱), as `radius_m` or as
/// `flight_time_s` at `cruise_speed_kmh` (exactly one of the two).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DroneSection {
    pub radius_m: Option<f64>,
    pub flight_time_s: Option<f64>,
    pub cruise_speed_kmh: Option<f64>,
    /// A what-if: every fire and rescue station not closed has a hangar, as 004 §六(一)
    /// asks, whatever its `drone` cell says (default false: the stations file's hangars).
    #[serde(default)]
    pub every_station: bool,
}

/// `[calibration]`: a response-time model fitted by `fireplan calibrate` from the
/// brigade's incident records.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationSection {
    /// The `calibration.toml` the fit wrote.
    pub file: PathBuf,
}

/// The scenario file as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: String,
    /// The region the scenario lies in (a key of the catalogue's `[regions]`, e.g.
    /// `keqiao`): the documents issued for it and the regions around it apply (DESIGN §6);
    /// none: the national standards only.
    pub region: Option<String>,
    /// Report language, `zh` or `en`.
    pub lang: Option<String>,
    pub network: NetworkSection,
    pub stations: StationsSection,
    pub demand: Option<DemandSection>,
    pub districts: Option<DistrictsSection>,
    /// Townships, functional zones, key areas and special-risk sites (乡镇、功能区、重点区域、
    /// 重点风险场所): a GeoJSON or CSV layer with `name` and `kind` (DESIGN §6).
    pub areas: Option<AreasSection>,
    pub depots: Option<DepotsSection>,
    #[serde(default)]
    pub response: ResponseParams,
    /// Logistics-support reach times and capacities (DESIGN §5).
    pub supply: Option<SupplySection>,
    /// Incident simulation with busy units (DESIGN §7); checked here, resolved against
    /// the incident records by [`crate::sim::SimParams::resolve`].
    pub simulation: Option<crate::params::SimulationSection>,
    /// Planning targets: sets, overrides, local targets (DESIGN §6).
    pub targets: Option<crate::params::TargetsSection>,
    /// Calibrated response times instead of free flow.
    pub calibration: Option<CalibrationSection>,
    /// Heavy appliances with their own network: `[vehicles.aerial]`.
    #[serde(default)]
    pub vehicles: BTreeMap<String, VehicleSection>,
    /// Fire water sources and their reach rules (消防水源).
    pub water: Option<WaterSection>,
    /// Villages and communities with their residents (行政村、社区).
    pub villages: Option<VillagesSection>,
    /// Reach of the stations' drone hangars (消防无人机).
    pub drone: Option<DroneSection>,
    /// How the maps are drawn: bands, page, time zone.
    pub map: Option<MapSection>,
}

/// `[map]`: how the maps are drawn (规划附图).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MapSection {
    /// Response-time band limits, seconds, ascending (default: `threshold_s` and
    /// `second_threshold_s` of `[response]`).
    pub bands_s: Option<Vec<f64>>,
    /// `A4-portrait` (default), `A4-landscape`, `A3-portrait` or `A3-landscape`.
    pub page: Option<String>,
    /// IANA time zone of the date on the maps (default Asia/Shanghai for `lang = "zh"`,
    /// UTC for `"en"`).
    pub timezone: Option<String>,
    /// The scenario's own context layers (`[[map.layer]]`).
    #[serde(default)]
    pub layer: Vec<MapLayerSection>,
    /// Draw the OSM extract's context (water, land use, railways, places, boundaries);
    /// default true.
    pub osm_context: Option<bool>,
}

/// `[[map.layer]]`: a GeoJSON file drawn under the analysis as context
/// (`file = "waterways.geojson", style = "water"`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MapLayerSection {
    pub file: PathBuf,
    /// `water`, `landuse`, `rail`, `place` or `admin`.
    pub style: String,
    #[serde(default)]
    pub crs: Crs,
}

/// `[vehicles.KIND]`: the dimensions and pace of one vehicle kind (DESIGN-style table in
/// README). Roads whose posted limits it exceeds are barred to it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VehicleSection {
    pub weight_t: Option<f64>,
    pub height_m: Option<f64>,
    pub width_m: Option<f64>,
    #[serde(default = "one")]
    pub speed_factor: f64,
}

/// What a parameter may be: its bounds (inclusive unless `open_low`) and unit, so that
/// a typo (`dispatch_s = 1.1e6`, `grid_cell_m = 1`) is refused before it sizes a search
/// or a grid beyond memory.
#[derive(Debug, Clone, Copy)]
struct Range {
    low: f64,
    open_low: bool,
    high: f64,
    unit: &'static str,
}

impl Range {
    const fn closed(low: f64, high: f64, unit: &'static str) -> Range {
        Range {
            low,
            open_low: false,
            high,
            unit,
        }
    }
    /// Above `low`, up to `high`.
    const fn above(low: f64, high: f64, unit: &'static str) -> Range {
        Range {
            low,
            open_low: true,
            high,
            unit,
        }
    }
}

/// Time before the wheels turn (dispatch, turnout): up to an hour.
const PRE_TRAVEL_S: Range = Range::closed(0.0, 3600.0, "s");
/// Hose reach and hydrant spacing: 1 m to 10 km.
const WATER_DISTANCE_M: Range = Range::closed(1.0, 10_000.0, "m");
/// Response thresholds: up to two hours.
const THRESHOLD_S: Range = Range::above(0.0, 7200.0, "s");
/// Area grid cells: 10 m (a 1 m grid of a county is billions of cells) to 10 km.
const GRID_CELL_M: Range = Range::closed(10.0, 10_000.0, "m");
const MAX_SNAP_M: Range = Range::above(0.0, 50_000.0, "m");
const SPEED_FACTOR: Range = Range::closed(0.05, 10.0, "");
const SPEED_KMH: Range = Range::above(0.0, 300.0, "km/h");
/// A road vehicle's gross weight, height and width (the largest fire appliances: 60 t, 4.5 m,
/// 3 m).
const VEHICLE_WEIGHT_T: Range = Range::above(0.0, 100.0, "t");
const VEHICLE_HEIGHT_M: Range = Range::above(0.0, 6.0, "m");
const VEHICLE_WIDTH_M: Range = Range::above(0.0, 4.0, "m");
const VEHICLE_SPEED_FACTOR: Range = Range::above(0.0, 2.0, "");
/// A point village's radius: up to 20 km.
const POINT_RADIUS_M: Range = Range::above(0.0, 20_000.0, "m");
/// A drone's reach: up to 100 km; flight up to 2 h at up to 300 km/h.
const DRONE_RADIUS_M: Range = Range::above(0.0, 100_000.0, "m");
const DRONE_FLIGHT_S: Range = Range::above(0.0, 7200.0, "s");
const DRONE_SPEED_KMH: Range = Range::above(0.0, 300.0, "km/h");

/// A response band limit: up to 2 h, like `threshold_s`.
const BAND_S: Range = Range::above(0.0, 7200.0, "s");
/// More bands than this cannot be told apart by colour on a printed map.
const MAX_BANDS: usize = 6;

/// `[map]` checked: bands ascending and at most [`MAX_BANDS`], a known page, a time zone
/// of the IANA database (bundled with `jiff`, so that every machine prints the same date).
fn map_params(
    m: Option<&MapSection>,
    path: &Path,
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<crate::params::MapParams> {
    use crate::model::context::ContextStyle;
    use crate::params::{ContextLayerParams, MapParams, Page};
    let Some(m) = m else {
        return Ok(MapParams::default());
    };
    let key = |k: &str| Location::Key(format!("map.{k}"));
    if let Some(bands) = &m.bands_s {
        if bands.is_empty() || bands.len() > MAX_BANDS {
            return Err(Error::input(
                path,
                key("bands_s"),
                "bands_s",
                format!("expected 1 to {MAX_BANDS} band limits, got {}", bands.len()),
            ));
        }
        for (i, &b) in bands.iter().enumerate() {
            in_range(path, &format!("map.bands_s[{i}]"), b, BAND_S)?;
            if i > 0 && b <= bands[i - 1] {
                return Err(Error::input(
                    path,
                    key("bands_s"),
                    "bands_s",
                    format!("expected ascending limits, got {b} after {}", bands[i - 1]),
                ));
            }
        }
    }
    let page = match m.page.as_deref() {
        None => Page::A4Portrait,
        Some(s) => Page::parse(s).ok_or_else(|| {
            let names: Vec<&str> = Page::ALL.iter().map(|p| p.name()).collect();
            Error::input(
                path,
                key("page"),
                "page",
                format!("expected one of {}, got `{s}`", names.join(", ")),
            )
        })?,
    };
    if let Some(tz) = &m.timezone {
        if jiff::tz::db().get(tz).is_err() {
            return Err(Error::input(
                path,
                key("timezone"),
                "timezone",
                format!("expected an IANA time zone such as `Asia/Shanghai` or `UTC`, got `{tz}`"),
            ));
        }
    }
    let mut layers = Vec::new();
    for (i, l) in m.layer.iter().enumerate() {
        let style = ContextStyle::parse(&l.style).ok_or_else(|| {
            let names: Vec<&str> = ContextStyle::ALL.iter().map(|c| c.name()).collect();
            Error::input(
                path,
                key(&format!("layer[{i}]")),
                "style",
                format!("expected one of {}, got `{}`", names.join(", "), l.style),
            )
        })?;
        if l.file.as_os_str().is_empty() {
            return Err(Error::input(
                path,
                key(&format!("layer[{i}]")),
                "file",
                "expected a GeoJSON file, got an empty path",
            ));
        }
        layers.push(ContextLayerParams {
            file: resolve(&l.file),
            style,
            crs: l.crs,
        });
    }
    Ok(MapParams {
        bands_s: m.bands_s.clone(),
        page,
        timezone: m.timezone.clone(),
        layers,
        osm_context: m.osm_context.unwrap_or(true),
    })
}

/// `[drone]` checked: exactly one of `radius_m` and `flight_time_s` + `cruise_speed_kmh`.
fn drone_params(d: &DroneSection, path: &Path) -> Result<crate::params::DroneParams> {
    let key = |k: &str| Location::Key(format!("drone.{k}"));
    match (d.radius_m, d.flight_time_s, d.cruise_speed_kmh) {
        (Some(r), None, None) => {
            in_range(path, "drone.radius_m", r, DRONE_RADIUS_M)?;
            Ok(crate::params::DroneParams {
                radius_m: r,
                flight_time_s: None,
                cruise_speed_kmh: None,
                every_station: d.every_station,
            })
        }
        (None, Some(t), Some(v)) => {
            in_range(path, "drone.flight_time_s", t, DRONE_FLIGHT_S)?;
            in_range(path, "drone.cruise_speed_kmh", v, DRONE_SPEED_KMH)?;
            Ok(crate::params::DroneParams {
                radius_m: t * v / 3.6,
                flight_time_s: Some(t),
                cruise_speed_kmh: Some(v),
                every_station: d.every_station,
            })
        }
        (Some(_), _, _) => Err(Error::input(
            path,
            key("radius_m"),
            "radius_m",
            "give either `radius_m` or `flight_time_s` with `cruise_speed_kmh`, not both",
        )),
        (None, Some(_), None) => Err(Error::input(
            path,
            key("cruise_speed_kmh"),
            "cruise_speed_kmh",
            "missing: `flight_time_s` needs `cruise_speed_kmh` (the reach is their product)",
        )),
        (None, None, Some(_)) => Err(Error::input(
            path,
            key("flight_time_s"),
            "flight_time_s",
            "missing: `cruise_speed_kmh` needs `flight_time_s` (the reach is their product)",
        )),
        (None, None, None) => Err(Error::input(
            path,
            Location::Key("drone".into()),
            "radius_m",
            "missing: give `radius_m` (e.g. 5000) or `flight_time_s` with `cruise_speed_kmh`",
        )),
    }
}

/// Checks `v` (at `key_path`) against `range`.
fn in_range(path: &Path, key_path: &str, v: f64, range: Range) -> Result<()> {
    let ok = v.is_finite()
        && v <= range.high
        && if range.open_low {
            v > range.low
        } else {
            v >= range.low
        };
    if ok {
        return Ok(());
    }
    let unit = if range.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", range.unit)
    };
    let low = if range.open_low { "above " } else { "" };
    Err(Error::input(
        path,
        Location::Key(key_path.to_string()),
        last(key_path),
        format!(
            "expected a value {low}{}{unit} … {}{unit}, got {v}",
            range.low, range.high
        ),
    ))
}

fn one() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}
fn default_max_snap_m() -> f64 {
    500.0
}

impl Scenario {
    /// The scenario with the calibration in `file` applied (unchanged for `None`): read
    /// and checked by [`crate::io::calibration::read_with_fit`], with its fit statistics.
    pub fn with_calibration_file(mut self, file: Option<PathBuf>) -> Result<Scenario> {
        if let Some(file) = file {
            let (model, fit) = crate::io::calibration::read_with_fit(&file)?;
            self.calibrate(file, model);
            if let Some(c) = self.calibration.as_mut() {
                c.fit = fit;
            }
        }
        Ok(self)
    }

    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario> {
        super::check_regular_file(path)?;
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_toml(&text, path)
    }

    /// Parses scenario text; `path` locates relative file names and names the file in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Scenario> {
        let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, path, &e))?;
        check_keys(&table, path)?;
        let file: ScenarioFile = toml::from_str(text).map_err(|e| toml_error(text, path, &e))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let resolve = |p: &Path| -> PathBuf { dir.join(p) };
        let key = |k: &str| Location::Key(k.to_string());

        let network = match (&file.network.osm, &file.network.nodes, &file.network.edges) {
            (Some(osm), None, None) => NetworkSource::Osm(resolve(osm)),
            (None, Some(n), Some(e)) => NetworkSource::Csv {
                nodes: resolve(n),
                edges: resolve(e),
                crs: file.network.crs,
            },
            _ => {
                return Err(Error::input(
                    path,
                    key("network"),
                    "osm",
                    "give either `osm` (an .osm.pbf file) or both `nodes` and `edges` (CSV)",
                ))
            }
        };
        let mut params = NetworkParams {
            speed_factor: file.network.speed_factor,
            ignore_oneway: file.network.ignore_oneway,
            turn_restrictions: file.network.turn_restrictions,
            ..NetworkParams::default()
        };
        in_range(
            path,
            "network.speed_factor",
            params.speed_factor,
            SPEED_FACTOR,
        )?;
        for (name, &kmh) in &file.network.speeds_kmh {
            let Some(class) = RoadClass::ALL.into_iter().find(|c| c.as_str() == name) else {
                let classes = RoadClass::ALL.map(RoadClass::as_str);
                let hint = nearest(name, classes)
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                return Err(Error::input(
                    path,
                    key(&format!("network.speeds_kmh.{name}")),
                    name,
                    format!(
                        "unknown highway class; expected one of {}{hint}",
                        classes.join(", ")
                    ),
                ));
            };
            in_range(path, &format!("network.speeds_kmh.{name}"), kmh, SPEED_KMH)?;
            params.speeds_kmh[class as usize] = kmh;
        }
        let r = file.response;
        for (k, v, range) in [
            ("response.dispatch_s", r.dispatch_s, PRE_TRAVEL_S),
            ("response.turnout_s", r.turnout_s, PRE_TRAVEL_S),
            ("response.threshold_s", r.threshold_s, THRESHOLD_S),
            (
                "response.second_threshold_s",
                r.second_threshold_s,
                THRESHOLD_S,
            ),
            ("response.grid_cell_m", r.grid_cell_m, GRID_CELL_M),
            ("network.max_snap_m", file.network.max_snap_m, MAX_SNAP_M),
        ] {
            in_range(path, k, v, range)?;
        }
        // Second-due coverage counts a second station within `second_threshold_s`: below
        // the first threshold it could never be met, and would read as 0 % without a hint.
        if r.second_threshold_s < r.threshold_s {
            return Err(Error::input(
                path,
                key("response.second_threshold_s"),
                "second_threshold_s",
                format!(
                    "expected at least `threshold_s` ({} s), got {} s",
                    r.threshold_s, r.second_threshold_s
                ),
            ));
        }
        let default_class = match &file.stations.default_class {
            None => None,
            Some(c) => Some(
                one_of("station class", &StationClass::ALL, StationClass::as_str)(c.trim())
                    .map_err(|m| {
                        Error::input(path, key("stations.default_class"), "default_class", m)
                    })?,
            ),
        };
        let demand = match &file.demand {
            None => None,
            Some(d) => match (d.from.as_deref(), &d.file) {
                (None | Some("incidents") | Some("file"), Some(f)) => Some(DemandSource::File {
                    path: resolve(f),
                    crs: d.crs,
                }),
                (Some("osm-buildings"), None) => {
                    if !matches!(network, NetworkSource::Osm(_)) {
                        return Err(Error::input(
                            path,
                            key("demand.from"),
                            "from",
                            "`osm-buildings` needs `[network] osm = ...`",
                        ));
                    }
                    let weight_by_footprint = match d.weight.as_deref() {
                        None | Some("one") => false,
                        Some("footprint") => true,
                        Some(other) => {
                            return Err(Error::input(
                                path,
                                key("demand.weight"),
                                "weight",
                                format!("expected `one` or `footprint`, got `{other}`"),
                            ))
                        }
                    };
                    Some(DemandSource::OsmBuildings {
                        weight_by_footprint,
                    })
                }
                (from, _) => {
                    // The file is absent unless `from` names another source.
                    let message = match from {
                        None => "`[demand]` needs `file = \"...\"` (a CSV of incidents) or \
                                 `from = \"osm-buildings\"`"
                            .to_string(),
                        Some("osm-buildings") => {
                            "give either `file` or `from = \"osm-buildings\"`, not both".to_string()
                        }
                        Some(f @ ("incidents" | "file")) => {
                            format!("`from = \"{f}\"` needs `file = \"...\"`")
                        }
                        Some(other) => format!(
                            "unknown source `{other}`; expected `osm-buildings` (or give `file`)"
                        ),
                    };
                    return Err(Error::input(path, key("demand"), "from", message));
                }
            },
        };
        if let Some(lang) = file.lang.as_deref().filter(|l| !matches!(*l, "zh" | "en")) {
            return Err(Error::input(
                path,
                key("lang"),
                "lang",
                format!("expected `zh` or `en`, got `{lang}`"),
            ));
        }
        let mut closures: Vec<ClosureParams> = Vec::new();
        for (i, c) in file.network.closure.iter().enumerate() {
            let at = Location::Key(format!("network.closure[{i}]"));
            let name = c.name.trim();
            if name.is_empty() {
                return Err(Error::input(
                    path,
                    at,
                    "name",
                    "empty: every closure needs a name for the outputs",
                ));
            }
            if let Some(j) = closures.iter().position(|o| o.name == name) {
                return Err(Error::input(
                    path,
                    at,
                    "name",
                    format!("duplicate closure name `{name}` (closures {j} and {i})"),
                ));
            }
            closures.push(ClosureParams {
                name: name.to_string(),
                reason: c
                    .reason
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string),
                file: resolve(&c.file),
                crs: c.crs,
            });
        }
        let mut vehicle_profiles = Vec::new();
        for (kind, v) in &file.vehicles {
            let at = |field: &str| format!("vehicles.{kind}.{field}");
            if kind.trim().is_empty() || kind.trim() != kind {
                return Err(Error::input(
                    path,
                    key(&format!("vehicles.{kind}")),
                    "vehicles",
                    "a vehicle kind is a name without spaces around it, as in the vehicles \
                     file (`aerial`, `engine`)",
                ));
            }
            for (field, value, range) in [
                ("weight_t", v.weight_t, VEHICLE_WEIGHT_T),
                ("height_m", v.height_m, VEHICLE_HEIGHT_M),
                ("width_m", v.width_m, VEHICLE_WIDTH_M),
                ("speed_factor", Some(v.speed_factor), VEHICLE_SPEED_FACTOR),
            ] {
                if let Some(value) = value {
                    in_range(path, &at(field), value, range)?;
                }
            }
            vehicle_profiles.push(crate::params::VehicleProfile {
                kind: kind.clone(),
                weight_t: v.weight_t,
                height_m: v.height_m,
                width_m: v.width_m,
                speed_factor: v.speed_factor,
            });
        }
        let water = match &file.water {
            None => None,
            Some(w) => {
                let from_osm = match w.from.as_deref().map(str::trim) {
                    None => false,
                    Some("osm") => {
                        if !matches!(network, NetworkSource::Osm(_)) {
                            return Err(Error::input(
                                path,
                                key("water.from"),
                                "from",
                                "`from = \"osm\"` reads the OSM extract's water sources, but \
                                 `[network]` is a CSV network: give `file = \"...\"` instead",
                            ));
                        }
                        true
                    }
                    Some(other) => {
                        return Err(Error::input(
                            path,
                            key("water.from"),
                            "from",
                            format!("unknown source `{other}`; expected `osm` (or give `file`)"),
                        ))
                    }
                };
                if w.file.is_none() && !from_osm {
                    return Err(Error::input(
                        path,
                        key("water"),
                        "file",
                        "`[water]` needs `file = \"water_sources.csv\"` and/or `from = \"osm\"`",
                    ));
                }
                in_range(
                    path,
                    "water.protection_radius_m",
                    w.protection_radius_m,
                    WATER_DISTANCE_M,
                )?;
                in_range(
                    path,
                    "water.hydrant_spacing_m",
                    w.hydrant_spacing_m,
                    WATER_DISTANCE_M,
                )?;
                Some(crate::params::WaterParams {
                    file: w.file.as_deref().map(|f| (resolve(f), w.crs)),
                    from_osm,
                    protection_radius_m: w.protection_radius_m,
                    hydrant_spacing_m: w.hydrant_spacing_m,
                })
            }
        };
        let villages = match &file.villages {
            Some(v) => {
                let point_radius_m = v
                    .point_radius_m
                    .unwrap_or(crate::params::villages::DEFAULT_POINT_RADIUS_M);
                in_range(
                    path,
                    "villages.point_radius_m",
                    point_radius_m,
                    POINT_RADIUS_M,
                )?;
                let vkey = |k: &str| Location::Key(format!("villages.{k}"));
                let (file, from_osm) = match (v.from.as_deref(), &v.file) {
                    (None | Some("file"), Some(f)) => (resolve(f), false),
                    (Some("osm"), None) => match &network {
                        NetworkSource::Osm(osm) => (osm.clone(), true),
                        NetworkSource::Csv { .. } => {
                            return Err(Error::input(
                                path,
                                vkey("from"),
                                "from",
                                "`from = \"osm\"` needs `[network] osm = ...` (the \
                                 villages are the extract's `place=*` nodes)",
                            ))
                        }
                    },
                    (Some("osm"), Some(_)) => {
                        return Err(Error::input(
                            path,
                            vkey("from"),
                            "from",
                            "give either `file` or `from = \"osm\"`, not both",
                        ))
                    }
                    (None | Some("file"), None) => {
                        return Err(Error::input(
                            path,
                            vkey("file"),
                            "file",
                            "missing: `[villages]` needs `file = \"...\"` (CSV or \
                             GeoJSON) or `from = \"osm\"`",
                        ))
                    }
                    (Some(other), _) => {
                        return Err(Error::input(
                            path,
                            vkey("from"),
                            "from",
                            format!("unknown source `{other}`; expected `osm` (or give `file`)"),
                        ))
                    }
                };
                Some(crate::params::VillagesParams {
                    file,
                    crs: v.crs,
                    point_radius_m,
                    from_osm,
                })
            }
            None => None,
        };
        let mut area_weights = Vec::new();
        for (kind, &w) in file.areas.iter().flat_map(|a| &a.weights) {
            let at = format!("areas.weights.{kind}");
            let k = crate::model::AreaKind::parse(kind)
                .map_err(|m| Error::input(path, key(&at), "weights", m))?;
            if !(w.is_finite() && w > 0.0 && w <= 1000.0) {
                return Err(Error::input(
                    path,
                    key(&at),
                    "weights",
                    format!("expected a factor > 0 and ≤ 1000 (1: no change), got {w}"),
                ));
            }
            if area_weights.iter().any(|&(other, _)| other == k) {
                return Err(Error::input(
                    path,
                    key(&at),
                    "weights",
                    format!("the kind `{}` is weighted twice", k.as_str()),
                ));
            }
            area_weights.push((k, w));
        }
        Scenario {
            name: file.name,
            water,
            vehicle_profiles,
            lang: file.lang.unwrap_or_else(|| "zh".to_string()),
            path: path.to_path_buf(),
            network,
            params,
            max_snap_m: file.network.max_snap_m,
            closures,
            stations_file: resolve(&file.stations.file),
            stations_crs: file.stations.crs,
            vehicles_file: file.stations.vehicles.as_deref().map(resolve),
            default_class,
            demand,
            districts: file.districts.as_ref().map(|d| (resolve(&d.file), d.crs)),
            areas: file.areas.as_ref().map(|d| (resolve(&d.file), d.crs)),
            area_sites: file
                .areas
                .as_ref()
                .and_then(|d| d.sites.as_deref())
                .map(resolve),
            area_weights,
            depots: file.depots.as_ref().map(|d| (resolve(&d.file), d.crs)),
            response: r,
            supply: match &file.supply {
                Some(section) => SupplyParams::from_section(section, path)?,
                None => SupplyParams::default(),
            },
            simulation: match file.simulation {
                Some(section) => {
                    section.check(path)?;
                    Some(section)
                }
                None => None,
            },
            targets: crate::io::targets::resolve(
                file.targets.as_ref(),
                file.region.as_deref(),
                path,
            )?,
            calibration: None,
            villages,
            drone: match &file.drone {
                Some(d) => Some(drone_params(d, path)?),
                None => None,
            },
            map: map_params(file.map.as_ref(), path, &resolve)?,
        }
        .with_calibration_file(file.calibration.as_ref().map(|c| resolve(&c.file)))
    }
}

/// The field names serde accepts for the struct `T` — exactly what `deny_unknown_fields`
/// checks — read by handing `T` a deserializer that records them and stops.
fn field_names<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{Deserializer, Visitor};

    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("field-name probe")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// The last part of a dotted key path.
fn last(key_path: &str) -> &str {
    key_path.rsplit('.').next().unwrap_or(key_path)
}

/// Refuses the first key that the scenario format does not have, naming its full path and
/// the nearest valid key (toml's own `deny_unknown_fields` message has neither).
fn check_keys(table: &toml::Table, path: &Path) -> Result<()> {
    check_table(table, "", field_names::<ScenarioFile>(), path)?;
    let sections = [
        ("network", field_names::<NetworkSection>()),
        ("stations", field_names::<StationsSection>()),
        ("demand", field_names::<DemandSection>()),
        ("districts", field_names::<DistrictsSection>()),
        ("depots", field_names::<DepotsSection>()),
        ("supply", field_names::<SupplySection>()),
        (
            "simulation",
            field_names::<crate::params::SimulationSection>(),
        ),
        ("targets", field_names::<crate::params::TargetsSection>()),
        ("response", field_names::<ResponseParams>()),
        ("calibration", field_names::<CalibrationSection>()),
        ("water", field_names::<WaterSection>()),
        ("villages", field_names::<VillagesSection>()),
        ("drone", field_names::<DroneSection>()),
        ("map", field_names::<MapSection>()),
    ];
    for (section, fields) in sections {
        // A section of the wrong type is left to serde, which names the expected type.
        if let Some(toml::Value::Table(t)) = table.get(section) {
            check_table(t, section, fields, path)?;
        }
    }
    if let Some(toml::Value::Table(map)) = table.get("map") {
        if let Some(toml::Value::Array(layers)) = map.get("layer") {
            for (i, l) in layers.iter().enumerate() {
                if let toml::Value::Table(t) = l {
                    let prefix = format!("map.layer[{i}]");
                    check_table(t, &prefix, field_names::<MapLayerSection>(), path)?;
                }
            }
        }
    }
    Ok(())
}

/// [`check_keys`] for one table whose path is `prefix`.
fn check_table(table: &toml::Table, prefix: &str, fields: &[&str], path: &Path) -> Result<()> {
    let Some(unknown) = table.keys().find(|k| !fields.contains(&k.as_str())) else {
        return Ok(());
    };
    let full = if prefix.is_empty() {
        unknown.clone()
    } else {
        format!("{prefix}.{unknown}")
    };
    let message = match nearest(unknown, fields.iter().copied()) {
        Some(near) => format!("unknown key `{full}`; did you mean `{near}`?"),
        None => format!(
            "unknown key `{full}`; expected one of {}",
            fields.join(", ")
        ),
    };
    Err(Error::input(
        path,
        Location::Key(full),
        unknown.as_str(),
        message,
    ))
}

/// A toml syntax or type error, located at the key of the line it points to (or the line
/// itself when that line holds no key).
fn toml_error(text: &str, path: &Path, error: &toml::de::Error) -> Error {
    let message = error.message().trim_end().to_string();
    let Some(span) = error.span() else {
        return Error::input(path, Location::File, "scenario", message);
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    // A missing key is reported on the table that lacks it: its header, or the top level.
    let key_path = if message.starts_with("missing field") {
        section_at_line(text, line)
    } else {
        key_at_line(text, line)
    };
    match key_path {
        Some(key_path) => {
            let field = key_path.rsplit('.').next().unwrap_or(&key_path).to_string();
            Error::input(
                path,
                Location::Key(key_path),
                field,
                format!("line {line}: {message}"),
            )
        }
        None => Error::input(path, Location::Line(line as u64), "scenario", message),
    }
}

/// The section whose `[header]` is on 1-based `line`, if any.
fn section_at_line(text: &str, line: usize) -> Option<String> {
    table_header(text.lines().nth(line.checked_sub(1)?)?)
}

/// The table path of a `[header]` or `[[header]]` line.
fn table_header(line: &str) -> Option<String> {
    let header = line.trim().strip_prefix('[')?.trim_start_matches('[');
    Some(header[..header.find(']')?].trim().to_string())
}

/// The dotted path of the key set on 1-based `line` (`[section]` headers above it taken
/// into account), or of the section whose header is on that line.
fn key_at_line(text: &str, line: usize) -> Option<String> {
    let mut section = String::new();
    for (n, raw) in text.lines().enumerate().take(line) {
        if let Some(header) = table_header(raw) {
            section = header;
            if n + 1 == line {
                return Some(section);
            }
        } else if n + 1 == line {
            let (k, _) = raw.trim().split_once('=')?;
            let k = k.trim().trim_matches('"');
            if k.is_empty() || k.starts_with('#') {
                return None;
            }
            return Some(if section.is_empty() {
                k.to_string()
            } else {
                format!("{section}.{k}")
            });
        }
    }
    None
}
