//! The pipeline of one scenario run: load and check inputs → prepare the network (from
//! the cache when it can) → snap and search → metrics. The CLI calls these in order.

use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::coverage::{self, Coverage};
use crate::error::{Error, Result};
use crate::io::scenario::{DemandSource, NetworkSource, Scenario};
use crate::io::{self};
use crate::model::{DemandPoint, Depot, District, Station};
use crate::network::raw::{ImportStats, RawBuilding};
use crate::network::{Network, Profile, SnapIndex};

/// How to run: progress display and cache location.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// No progress bars (also hidden automatically when stderr is not a terminal).
    pub quiet: bool,
    /// Folder of prepared-network caches; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
}

impl RunOptions {
    /// A spinner for a long step, hidden in quiet mode.
    pub fn spinner(&self, msg: &str) -> ProgressBar {
        if self.quiet {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::new_spinner();
        pb.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}] {pos}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb.set_message(msg.to_string());
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
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
    pub files: Vec<InputFile>,
}

/// The prepared road network and what the import reported.
pub struct PreparedNetwork {
    pub network: Network,
    pub index: SnapIndex,
    pub import: ImportStats,
    /// Read from the cache rather than imported.
    pub from_cache: bool,
}

/// What is cached per network file and model parameters.
#[derive(Serialize, serde::Deserialize)]
struct CacheEntry {
    network: Network,
    import: ImportStats,
    buildings: Vec<RawBuilding>,
}

/// Bump when the network model or the cache layout changes.
const CACHE_FORMAT: u32 = 1;

/// SHA-256 and size of a file, streamed (extracts can be gigabytes).
fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok((format!("{:x}", hasher.finalize()), bytes))
}

fn record(files: &mut Vec<InputFile>, role: &str, path: &Path) -> Result<()> {
    let (sha256, bytes) = sha256_file(path)?;
    files.push(InputFile {
        role: role.to_string(),
        path: path.to_path_buf(),
        sha256,
        bytes,
    });
    Ok(())
}

/// Reads the road network (or its cached prepared form) and builds the snapping index.
/// Returns the buildings too when the scenario derives demand from them.
pub fn prepare_network(
    scenario: &Scenario,
    profile: Profile,
    opts: &RunOptions,
    files: &mut Vec<InputFile>,
) -> Result<(PreparedNetwork, Vec<RawBuilding>)> {
    let want_buildings = matches!(scenario.demand, Some(DemandSource::OsmBuildings { .. }));
    match &scenario.network {
        NetworkSource::Osm(p) => record(files, "network.osm", p)?,
        NetworkSource::Csv { nodes, edges, .. } => {
            record(files, "network.nodes", nodes)?;
            record(files, "network.edges", edges)?;
        }
    }
    let network_hashes: Vec<&str> = files
        .iter()
        .filter(|f| f.role.starts_with("network."))
        .map(|f| f.sha256.as_str())
        .collect();
    let cache_path_for = |profile: Profile| -> Option<PathBuf> {
        let mut hasher = Sha256::new();
        hasher.update(CACHE_FORMAT.to_le_bytes());
        for h in &network_hashes {
            hasher.update(h.as_bytes());
        }
        let params = (
            &scenario.params,
            profile,
            want_buildings,
            &scenario.network_crs(),
        );
        hasher.update(serde_json::to_vec(&params).unwrap_or_default());
        let key = format!("{:x}", hasher.finalize());
        opts.cache_dir
            .as_ref()
            .map(|d| d.join(format!("network-{}.bin", &key[..32])))
    };
    let write_cache = |path: &Path, entry: &CacheEntry| {
        // A cache that cannot be written only costs time next run: not an error.
        if let Ok(bytes) = postcard::to_stdvec(entry) {
            let _ = crate::report::write_atomic(path, &bytes);
        }
    };
    let cache_path = &cache_path_for(profile);

    if let Some(cp) = &cache_path {
        if let Ok(bytes) = std::fs::read(cp) {
            if let Ok(entry) = postcard::from_bytes::<CacheEntry>(&bytes) {
                let index = SnapIndex::new(&entry.network);
                return Ok((
                    PreparedNetwork {
                        network: entry.network,
                        index,
                        import: entry.import,
                        from_cache: true,
                    },
                    entry.buildings,
                ));
            }
        }
    }

    let pb = opts.spinner("importing road network");
    let mut raw = match &scenario.network {
        NetworkSource::Osm(p) => io::osm::read_osm_pbf(
            p,
            &io::osm::OsmImportOptions {
                ignore_oneway: scenario.params.ignore_oneway,
                buildings: want_buildings,
            },
            Some(&pb),
        )?,
        NetworkSource::Csv { nodes, edges, crs } => {
            io::csv_network::read_csv_network(nodes, edges, *crs, scenario.params.ignore_oneway)?
        }
    };
    pb.set_message("building graph");
    let network = Network::build(&raw, &scenario.params, profile);
    pb.finish_and_clear();
    if network.node_count() == 0 {
        return Err(Error::Scenario(format!(
            "{}: the road network has no strongly connected part (no drivable roads?)",
            scenario.path.display()
        )));
    }
    let entry = CacheEntry {
        network,
        import: raw.stats.clone(),
        buildings: std::mem::take(&mut raw.buildings),
    };
    if let Some(cp) = cache_path {
        write_cache(cp, &entry);
        // The other vehicle profile costs a few milliseconds to build from the same import:
        // cache it too, so supply reach (logistics) never reads the road files again.
        let other = match profile {
            Profile::Emergency => Profile::Logistics,
            Profile::Logistics => Profile::Emergency,
        };
        if let Some(op) = cache_path_for(other) {
            let other_entry = CacheEntry {
                network: Network::build(&raw, &scenario.params, other),
                import: entry.import.clone(),
                buildings: entry.buildings.clone(),
            };
            write_cache(&op, &other_entry);
        }
    }
    let index = SnapIndex::new(&entry.network);
    Ok((
        PreparedNetwork {
            network: entry.network,
            index,
            import: entry.import,
            from_cache: false,
        },
        entry.buildings,
    ))
}

/// Reads every input of a scenario and the network.
pub fn load(scenario: &Scenario, opts: &RunOptions) -> Result<(Inputs, PreparedNetwork)> {
    let mut files = Vec::new();
    let (prepared, buildings) = prepare_network(scenario, Profile::Emergency, opts, &mut files)?;

    record(&mut files, "stations", &scenario.stations_file)?;
    let mut stations = io::tables::read_stations(
        &scenario.stations_file,
        scenario.stations_crs,
        scenario.default_class,
    )?;
    if let Some(v) = &scenario.vehicles_file {
        record(&mut files, "vehicles", v)?;
        io::tables::read_vehicles(v, &mut stations)?;
    }
    let demand = match &scenario.demand {
        None => None,
        Some(DemandSource::File { path, crs }) => {
            record(&mut files, "demand", path)?;
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
            record(&mut files, "districts", path)?;
            (io::districts::read_districts(path, *crs)?, true)
        }
        None => (
            vec![coverage::whole_network_district(
                &prepared.network,
                &scenario.name,
            )],
            false,
        ),
    };
    let depots = match &scenario.depots {
        Some((path, crs)) => {
            record(&mut files, "depots", path)?;
            Some(io::tables::read_depots(path, *crs)?)
        }
        None => None,
    };
    if !stations.iter().any(|s| s.responds()) {
        return Err(Error::input(
            &scenario.stations_file,
            crate::error::Location::File,
            "class",
            "no station takes part in response coverage (all closed or logistics)",
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
            files,
        },
        prepared,
    ))
}

/// Stage timings, seconds, for `run.json` and the profile split.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub load_s: f64,
    pub coverage_s: f64,
    /// Logistics network and supply reach (0 without `[depots]`).
    pub supply_s: f64,
}

/// A finished run: inputs, network and coverage.
pub struct RunResult {
    pub inputs: Inputs,
    /// Shared by the baseline and the plan of [`run_with_plan`].
    pub prepared: std::sync::Arc<PreparedNetwork>,
    pub coverage: Coverage,
    /// Logistics-support reach and capacity, when the scenario has `[depots]`.
    pub supply: Option<crate::supply::Supply>,
    /// Every target of the scenario's `[targets]` evaluated (DESIGN §6).
    pub checks: crate::plan::Checks,
    pub timings: Timings,
}

/// Loads and evaluates a scenario.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> Result<RunResult> {
    let t0 = Instant::now();
    let (inputs, prepared) = load(scenario, opts)?;
    let load_s = t0.elapsed().as_secs_f64();
    let pb = opts.spinner("computing coverage");
    let t1 = Instant::now();
    let coverage = coverage::evaluate(
        &prepared.network,
        &prepared.index,
        &inputs.stations,
        inputs.demand.as_deref().unwrap_or(&[]),
        &inputs.districts,
        &scenario.response,
        scenario.max_snap_m,
    );
    pb.finish_and_clear();
    let coverage_s = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let supply = match inputs.depots {
        Some(_) => {
            let pb = opts.spinner("computing logistics-support reach");
            let s = crate::supply::run(&inputs, &prepared, opts)?;
            pb.finish_and_clear();
            Some(s)
        }
        None => None,
    };
    let supply_s = t2.elapsed().as_secs_f64();
    let population = crate::plan::population(scenario, inputs.districts.len())?;
    let checks = check_targets(&inputs, &coverage, supply.as_ref(), &population);
    Ok(RunResult {
        inputs,
        prepared: std::sync::Arc::new(prepared),
        coverage,
        supply,
        checks,
        timings: Timings {
            load_s,
            coverage_s,
            supply_s,
        },
    })
}

/// Evaluates the scenario's targets on one variant (its inputs, coverage and supply).
pub fn check_targets(
    inputs: &Inputs,
    coverage: &Coverage,
    supply: Option<&crate::supply::Supply>,
    population: &crate::plan::Population,
) -> crate::plan::Checks {
    crate::plan::checks::evaluate(
        &inputs.scenario.targets.targets,
        &crate::plan::checks::Facts {
            stations: &inputs.stations,
            vehicles_given: inputs.scenario.vehicles_file.is_some(),
            districts: &inputs.districts,
            coverage,
            demand_given: inputs.demand.is_some(),
            population,
            supply,
            depots: inputs.depots.as_deref().unwrap_or(&[]),
        },
    )
}

/// Baseline and plan evaluated on the same prepared network, and what differs.
pub struct PlanRunResult {
    /// The scenario as given.
    pub baseline: RunResult,
    /// The scenario with the plan applied (shares the baseline's prepared network).
    pub plan: RunResult,
    pub plan_file: crate::plan::Plan,
    /// The plan's changes as applied, in file order.
    pub applied: Vec<crate::plan::AppliedChange>,
    pub diff: crate::plan::PlanDiff,
}

/// Supply reach and capacity of the plan's stations and depots on the prepared logistics
/// network. The depot rows' lines and `area` cells of the depots file are kept for the
/// depots the plan keeps; depots the plan adds have neither.
pub fn plan_supply(
    plan_inputs: &Inputs,
    logistics: &PreparedNetwork,
) -> Result<crate::supply::Supply> {
    use crate::supply::points::{self, DepotRow, RowInfo, SourceFiles};
    let scenario = &plan_inputs.scenario;
    let depots_file = scenario.depots.as_ref().map(|(p, _)| p.clone());
    let file_rows = match &depots_file {
        Some(p) => points::read_depot_rows(p)?,
        None => Vec::new(),
    };
    let depots = plan_inputs.depots.as_deref().unwrap_or(&[]);
    let rows = RowInfo {
        depot_rows: Some(
            depots
                .iter()
                .map(|d| {
                    file_rows
                        .iter()
                        .find(|r| r.id == d.id)
                        .cloned()
                        .unwrap_or_else(|| DepotRow {
                            id: d.id.clone(),
                            line: 0,
                            area: Vec::new(),
                        })
                })
                .collect(),
        ),
        station_lines: points::read_station_lines(&scenario.stations_file)?,
    };
    crate::supply::evaluate(&crate::supply::SupplyInput {
        net: &logistics.network,
        index: &logistics.index,
        stations: &plan_inputs.stations,
        depots,
        rows: &rows,
        districts: &plan_inputs.districts,
        districts_given: plan_inputs.districts_given,
        demand: plan_inputs.demand.as_deref().unwrap_or(&[]),
        params: &scenario.supply,
        max_snap_m: scenario.max_snap_m,
        files: &SourceFiles {
            scenario: scenario.path.clone(),
            stations: scenario.stations_file.clone(),
            depots: depots_file,
        },
    })
}

/// `plan` applied to the stations and depots of `inputs`; new and moved locations are
/// measured against the prepared network (farther than `max_snap_m` from a road is an error).
pub fn apply_plan(
    plan: &crate::plan::Plan,
    inputs: &Inputs,
    prepared: &PreparedNetwork,
    max_snap_m: f64,
) -> Result<crate::plan::file::Applied> {
    let snap_m = |p: geo::Point<f64>| {
        prepared
            .index
            .snap(&prepared.network, p.x(), p.y())
            .map(|s| s.access_m)
    };
    crate::plan::file::apply(
        plan,
        &inputs.stations,
        inputs.depots.as_deref(),
        &snap_m,
        max_snap_m,
    )
}

/// Loads the scenario once, applies `plan` to its stations and depots, and evaluates
/// baseline and plan on the same prepared network (one import, two coverage searches,
/// one logistics network for both supply evaluations); then compares them.
pub fn run_with_plan(
    scenario: &Scenario,
    plan: &crate::plan::Plan,
    opts: &RunOptions,
) -> Result<PlanRunResult> {
    let t0 = Instant::now();
    let (inputs, prepared) = load(scenario, opts)?;
    let applied = apply_plan(plan, &inputs, &prepared, scenario.max_snap_m)?;
    let mut plan_inputs = inputs.clone();
    plan_inputs.stations = applied.stations;
    plan_inputs.depots = applied.depots;
    let load_s = t0.elapsed().as_secs_f64();

    let pb = opts.spinner("computing coverage: baseline and plan");
    let t1 = Instant::now();
    let evaluate = |i: &Inputs| {
        coverage::evaluate(
            &prepared.network,
            &prepared.index,
            &i.stations,
            i.demand.as_deref().unwrap_or(&[]),
            &i.districts,
            &scenario.response,
            scenario.max_snap_m,
        )
    };
    let base_cov = evaluate(&inputs);
    let plan_cov = evaluate(&plan_inputs);
    pb.finish_and_clear();
    let coverage_s = t1.elapsed().as_secs_f64() / 2.0;

    let t2 = Instant::now();
    let (base_sup, plan_sup) = if inputs.depots.is_some() || plan_inputs.depots.is_some() {
        let pb = opts.spinner("computing logistics-support reach: baseline and plan");
        let logistics =
            crate::supply::network::prepare_logistics(scenario, opts, Some(&prepared.network))?;
        let b = match inputs.depots {
            Some(_) => Some(crate::supply::evaluate_inputs(&inputs, &logistics)?),
            None => None,
        };
        let p = match plan_inputs.depots {
            Some(_) => Some(plan_supply(&plan_inputs, &logistics)?),
            None => None,
        };
        pb.finish_and_clear();
        (b, p)
    } else {
        (None, None)
    };
    let supply_s = t2.elapsed().as_secs_f64() / 2.0;

    let population = crate::plan::population(scenario, inputs.districts.len())?;
    let base_checks = check_targets(&inputs, &base_cov, base_sup.as_ref(), &population);
    let plan_checks = check_targets(&plan_inputs, &plan_cov, plan_sup.as_ref(), &population);
    let diff = crate::plan::diff::compare(
        crate::plan::diff::Variant {
            stations: &inputs.stations,
            coverage: &base_cov,
            checks: &base_checks,
        },
        crate::plan::diff::Variant {
            stations: &plan_inputs.stations,
            coverage: &plan_cov,
            checks: &plan_checks,
        },
        &inputs.districts,
        inputs.demand.as_deref().unwrap_or(&[]),
        scenario.response.threshold_s,
    );
    let prepared = std::sync::Arc::new(prepared);
    let timings = Timings {
        load_s,
        coverage_s,
        supply_s,
    };
    Ok(PlanRunResult {
        baseline: RunResult {
            inputs,
            prepared: prepared.clone(),
            coverage: base_cov,
            supply: base_sup,
            checks: base_checks,
            timings: timings.clone(),
        },
        plan: RunResult {
            inputs: plan_inputs,
            prepared,
            coverage: plan_cov,
            supply: plan_sup,
            checks: plan_checks,
            timings,
        },
        plan_file: plan.clone(),
        applied: applied.changes,
        diff,
    })
}
