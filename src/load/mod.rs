//! Loading a scenario: every input read and checked ([`Inputs`]), the road network
//! prepared for routing ([`PreparedNetwork`], from the cache when it can), and what
//! identifies both ([`key`]). Features (coverage, supply, simulation, plans) receive these
//! as arguments; nothing below the pipeline reads an input file again.

pub mod key;
pub mod network;
pub mod tiles;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Location, Result};
use crate::io;
use crate::model::context::MapContext;
use crate::model::water::WaterSource;
use crate::model::{DemandPoint, Depot, District, PlanningArea, Station, Village};
use crate::network::Profile;
use crate::params::{DemandSource, NetworkSource, Scenario};
use crate::progress::{Progress, Silent};

pub use key::{LoadKey, NetworkKey};
pub use network::{prepare_logistics, prepare_network, PreparedNetwork};

/// How to load and run: where prepared networks are cached, and who shows progress.
#[derive(Clone)]
pub struct RunOptions {
    /// Folder of prepared-network caches; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
    /// Receives the progress of long steps ([`Silent`] by default).
    pub progress: Arc<dyn Progress + Send>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            cache_dir: None,
            progress: Arc::new(Silent),
        }
    }
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("cache_dir", &self.cache_dir)
            .finish_non_exhaustive()
    }
}

impl RunOptions {
    /// The same options without progress display (for work done many times in parallel).
    pub fn silent(&self) -> RunOptions {
        RunOptions {
            cache_dir: self.cache_dir.clone(),
            progress: Arc::new(Silent),
        }
    }
}

/// The default cache folder: `$FIREPLAN_CACHE_DIR`, else `$XDG_CACHE_HOME/fireplan`,
/// else `~/.cache/fireplan`.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("FIREPLAN_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("fireplan"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("fireplan"))
}

/// An input file and its SHA-256, recorded in `run.json`.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    pub role: String,
    pub path: PathBuf,
    pub sha256: String,
    pub bytes: u64,
}

impl InputFile {
    /// [`InputFile::read`] of the file the scenario names at `key`: a missing file is an
    /// error at that key of the scenario (where the planner fixes it), naming the path.
    pub fn read_named(scenario: &Path, key: &str, role: &str, path: &Path) -> Result<InputFile> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::input(
                scenario,
                Location::Key(key.to_string()),
                key.rsplit('.').next().unwrap_or(key),
                format!(
                    "{} does not exist (paths are relative to the scenario file's folder)",
                    path.display()
                ),
            )),
            _ => InputFile::read(role, path),
        }
    }

    /// Hashes `path` (streamed: extracts can be gigabytes).
    pub fn read(role: &str, path: &Path) -> Result<InputFile> {
        io::check_regular_file(path)?;
        let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut hasher = Sha256::new();
        let bytes = std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
        Ok(InputFile {
            role: role.to_string(),
            path: path.to_path_buf(),
            sha256: format!("{:x}", hasher.finalize()),
            bytes,
        })
    }
}

/// Everything read for a scenario, validated.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub scenario: Scenario,
    pub stations: Vec<Station>,
    /// `None` when the scenario has no `[demand]`.
    pub demand: Option<Vec<DemandPoint>>,
    pub districts: Vec<District>,
    /// False when the whole network stands in for the districts.
    pub districts_given: bool,
    pub depots: Option<Vec<Depot>>,
    /// Townships, functional zones and key areas (`[areas]`; None without one).
    pub areas: Option<Vec<PlanningArea>>,
    /// Fire water sources (`[water]`; None without one): the register's rows in file
    /// order, then the OSM extract's, sorted by id.
    pub water: Option<Vec<WaterSource>>,
    pub files: Vec<InputFile>,
    /// Villages and communities with their residents (`[villages]`; None without one).
    pub villages: Option<Vec<Village>>,
    /// What the maps draw under the analysis: the OSM extract's water, land use, railways,
    /// places and boundaries (`[map] osm_context`), then the `[[map.layer]]` files.
    pub context: Arc<MapContext>,
}

impl Inputs {
    /// Every file the inputs came from: the scenario file and each input file.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.scenario.path.as_path())
            .chain(self.files.iter().map(|f| f.path.as_path()))
    }
}

/// Reads every input of a scenario and prepares the emergency network.
pub fn load(scenario: &Scenario, opts: &RunOptions) -> Result<(Inputs, PreparedNetwork)> {
    let mut files = Vec::new();
    let (prepared, buildings) = prepare_network(scenario, Profile::Emergency, opts, &mut files)?;

    let sp = scenario.path.as_path();
    files.push(InputFile::read_named(
        sp,
        "stations.file",
        "stations",
        &scenario.stations_file,
    )?);
    let mut stations = io::tables::read_stations(
        &scenario.stations_file,
        scenario.stations_crs,
        scenario.default_class,
    )?;
    if let Some(cal) = &scenario.calibration {
        files.push(InputFile::read_named(
            sp,
            "calibration.file",
            "calibration",
            &cal.file,
        )?);
        // The records measured each station's time before the wheels turn: it replaces
        // the stations file's `turnout_s`.
        for s in &mut stations {
            let m = &cal.model;
            s.turnout_s = Some(*m.station_pre_travel_s.get(&s.id).unwrap_or(&m.pre_travel_s));
        }
    }
    if let Some(v) = &scenario.vehicles_file {
        files.push(InputFile::read_named(
            sp,
            "stations.vehicles",
            "vehicles",
            v,
        )?);
        io::tables::read_vehicles(v, &mut stations)?;
    }
    let demand = match &scenario.demand {
        None => None,
        Some(DemandSource::File { path, crs }) => {
            files.push(InputFile::read_named(sp, "demand.file", "demand", path)?);
            Some(io::tables::read_demand(path, *crs)?)
        }
        Some(DemandSource::OsmBuildings {
            weight_by_footprint,
        }) => Some(
            buildings
                .iter()
                .map(|b| DemandPoint {
                    id: format!("w{}", b.id),
                    location: geo::Point::new(b.lon, b.lat),
                    weight: if *weight_by_footprint {
                        b.footprint_m2
                    } else {
                        1.0
                    },
                    kind: Some("building".to_string()),
                    time: None,
                })
                .collect(),
        ),
    };
    let (districts, districts_given) = match &scenario.districts {
        Some((path, crs)) => {
            files.push(InputFile::read_named(
                sp,
                "districts.file",
                "districts",
                path,
            )?);
            (io::districts::read_districts(path, *crs)?, true)
        }
        None => (
            vec![prepared.network.whole_network_district(&scenario.name)],
            false,
        ),
    };
    let depots = match &scenario.depots {
        Some((path, crs)) => {
            files.push(InputFile::read_named(sp, "depots.file", "depots", path)?);
            Some(io::tables::read_depots(path, *crs)?)
        }
        None => None,
    };
    let areas = match &scenario.areas {
        Some((path, crs)) => {
            files.push(InputFile::read_named(sp, "areas.file", "areas", path)?);
            let mut areas = io::districts::read_areas(path, *crs)?;
            if let Some(sites) = &scenario.area_sites {
                files.push(InputFile::read_named(
                    sp,
                    "areas.sites",
                    "area_sites",
                    sites,
                )?);
                let more = io::districts::read_areas_beside(sites, *crs, &areas)?;
                areas.extend(more);
            }
            Some(areas)
        }
        None => None,
    };
    let water = match &scenario.water {
        Some(w) => Some(read_water(scenario, w, &mut files)?),
        None => None,
    };
    let villages = match &scenario.villages {
        // The OSM extract is already among the files (the network's).
        Some(v) if v.from_osm => Some(io::villages::read_place_nodes(&v.file)?),
        Some(v) => {
            files.push(InputFile::read_named(
                sp,
                "villages.file",
                "villages",
                &v.file,
            )?);
            Some(io::villages::read_villages(&v.file, v.crs)?)
        }
        None => None,
    };
    let context = Arc::new(read_context(scenario, &mut files)?);
    let mut demand = demand;
    if let (Some(demand), Some(areas)) = (demand.as_mut(), areas.as_deref()) {
        weight_by_risk_sites(demand, areas, &scenario.area_weights);
    }
    let respond = scenario.response.micro_and_volunteer_respond;
    if !stations.iter().any(|s| s.responds_with(respond)) {
        return Err(Error::input(
            &scenario.stations_file,
            Location::File,
            "class",
            "no station takes part in response coverage (all closed, logistics, or micro \
             stations and volunteer teams without `[response] micro_and_volunteer_respond`)",
        ));
    }
    Ok((
        Inputs {
            scenario: scenario.clone(),
            stations,
            demand,
            districts,
            districts_given,
            depots,
            areas,
            water,
            files,
            villages,
            context,
        },
        prepared,
    ))
}

/// The maps' context: the OSM extract's (already among the files, as the network's)
/// unless `[map] osm_context = false`, then each `[[map.layer]]` in scenario order.
fn read_context(scenario: &Scenario, files: &mut Vec<InputFile>) -> Result<MapContext> {
    let mut context = MapContext::default();
    if let (true, NetworkSource::Osm(osm)) = (scenario.map.osm_context, &scenario.network) {
        context = io::context::read_osm_context(osm)?;
    }
    for (i, layer) in scenario.map.layers.iter().enumerate() {
        files.push(InputFile::read_named(
            &scenario.path,
            &format!("map.layer[{i}].file"),
            "map_layer",
            &layer.file,
        )?);
        context.extend(io::context::read_context_layer(layer)?);
    }
    Ok(context)
}

/// The water sources of `[water]`: the register, then the extract's nodes. An id the
/// register shares with an OSM node is refused (the outputs name sources by id).
fn read_water(
    scenario: &Scenario,
    w: &crate::params::WaterParams,
    files: &mut Vec<InputFile>,
) -> Result<Vec<WaterSource>> {
    let sp = scenario.path.as_path();
    let mut sources = Vec::new();
    if let Some((path, crs)) = &w.file {
        files.push(InputFile::read_named(sp, "water.file", "water", path)?);
        sources = io::water::read_water_sources(path, *crs)?;
    }
    if w.from_osm {
        if let NetworkSource::Osm(osm) = &scenario.network {
            let from_osm = io::water::read_osm_water_sources(osm)?;
            if let (Some((path, _)), Some(dup)) = (
                &w.file,
                from_osm
                    .iter()
                    .find(|o| sources.iter().any(|s| s.id == o.id)),
            ) {
                return Err(Error::input(
                    path,
                    Location::File,
                    "id",
                    format!(
                        "id `{}` is also the id of a water source read from the OSM extract; \
                         rename the register's row",
                        dup.id
                    ),
                ));
            }
            sources.extend(from_osm);
        }
    }
    Ok(sources)
}

/// Multiplies the weight of every demand point inside a site of a weighted kind
/// (`[areas.weights]`) by that kind's factor, the largest where sites overlap (a point in a
/// chemical park that lies in an industrial park counts once, by the larger factor; kinds
/// not listed weigh 1).
pub fn weight_by_risk_sites(
    demand: &mut [DemandPoint],
    areas: &[crate::model::PlanningArea],
    weights: &[(crate::model::AreaKind, f64)],
) {
    use crate::model::area::AreaIndex;
    if weights.iter().all(|&(_, w)| w == 1.0) {
        return;
    }
    // Kinds not listed weigh 1: a point in a 0.5 site and in an unweighted one keeps 1.
    let weighted: Vec<(AreaIndex, f64)> = areas
        .iter()
        .map(|a| {
            let w = weights
                .iter()
                .find(|(k, _)| *k == a.kind)
                .map_or(1.0, |x| x.1);
            (AreaIndex::new(&a.area), w)
        })
        .collect();
    for d in demand {
        let factor = weighted
            .iter()
            .filter(|(index, _)| index.contains(d.location))
            .map(|&(_, w)| w)
            .reduce(f64::max);
        if let Some(f) = factor {
            d.weight *= f;
        }
    }
}
