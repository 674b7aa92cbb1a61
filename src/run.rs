//! The pipeline, written once: a variant (a scenario's inputs, with or without a plan
//! applied) evaluated on a loaded network — coverage → supply → targets → [`RunResult`]
//! with its typed [`Summary`]. `run`, `run --plan`, sweeps and the placement search's
//! re-ranking all call [`evaluate_variant`]; the CLI then hands the results to `report`.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use serde::Serialize;

use crate::coverage::{self, Coverage, Metrics};
use crate::error::Result;
use crate::load::network::{close_roads, with_closures, AppliedClosure, NetworkTimings};
use crate::load::{prepare_logistics, InputFile, Inputs, PreparedNetwork, RunOptions};
use crate::params::Scenario;
use crate::plan::checks::TargetsSummary;
use crate::plan::{AppliedChange, Checks, Plan, PlanDiff};
use crate::supply::{Supply, SupplySummary};

/// Stage timings, seconds, for `run.json` and the profile split.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub load_s: f64,
    pub coverage_s: f64,
    /// Logistics network and supply reach (0 without `[depots]`).
    pub supply_s: f64,
    /// Within `load_s`: the emergency network's import, graph, cache write or read.
    pub network: NetworkTimings,
    /// Not a time: `run.json` has it as `peak_memory_mib`.
    #[serde(skip)]
    pub memory: crate::memory::PeakMemory,
}

/// A scenario's inputs and prepared network, loaded once and shared by every variant
/// evaluated on them; the logistics network is prepared on first use.
pub struct Loaded {
    pub inputs: Inputs,
    pub network: Arc<PreparedNetwork>,
    /// Seconds spent loading.
    pub load_s: f64,
    /// Peak resident memory once loaded, MiB.
    pub load_peak_mib: Option<f64>,
    logistics: OnceLock<Arc<PreparedNetwork>>,
    /// The networks plans' road closures leave, one per set of closures (a sweep's runs of
    /// one plan share theirs).
    closed: Mutex<Vec<Arc<ClosedRoads>>>,
}

/// A variant to evaluate: its inputs and, when a plan closes roads (`close_road`), the
/// network those closures leave (None: the load's network).
pub struct Variant {
    pub inputs: Inputs,
    pub roads: Option<Arc<ClosedRoads>>,
}

impl From<Inputs> for Variant {
    fn from(inputs: Inputs) -> Variant {
        Variant {
            inputs,
            roads: None,
        }
    }
}

/// The load's network with a plan's road closures as well as the scenario's (both in
/// `network.closures`, the open network shared), and its logistics network closed the
/// same way on first use.
pub struct ClosedRoads {
    pub network: Arc<PreparedNetwork>,
    logistics: OnceLock<Arc<PreparedNetwork>>,
}

impl ClosedRoads {
    /// The logistics network with the same roads closed: the load's open logistics
    /// network (prepared once per load) with this network's closures.
    fn logistics(&self, loaded: &Loaded, opts: &RunOptions) -> Result<Arc<PreparedNetwork>> {
        if let Some(l) = self.logistics.get() {
            return Ok(l.clone());
        }
        let base = loaded.logistics(opts)?;
        let open = base.open.clone().unwrap_or(base);
        let l = with_closures(open, self.network.closures.clone());
        Ok(self.logistics.get_or_init(|| Arc::new(l)).clone())
    }
}

impl Loaded {
    /// Loads `scenario` ([`crate::load::load`]).
    pub fn load(scenario: &Scenario, opts: &RunOptions) -> Result<Loaded> {
        let t0 = Instant::now();
        let (inputs, network) = crate::load::load(scenario, opts)?;
        Ok(Loaded {
            inputs,
            network: Arc::new(network),
            load_s: t0.elapsed().as_secs_f64(),
            load_peak_mib: crate::memory::peak_rss_mib(),
            logistics: OnceLock::new(),
            closed: Mutex::new(Vec::new()),
        })
    }

    /// The load's network with `extra` closures on top of the scenario's (shared by the
    /// variants that close the same roads).
    fn closed_roads(&self, extra: Vec<AppliedClosure>) -> Arc<ClosedRoads> {
        let base = &self.network;
        let mut all = base.closures.clone();
        all.extend(extra);
        let mut cache = self.closed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.iter().find(|c| c.network.closures == all) {
            return c.clone();
        }
        let open = base.open.clone().unwrap_or_else(|| base.clone());
        let c = Arc::new(ClosedRoads {
            network: Arc::new(with_closures(open, all)),
            logistics: OnceLock::new(),
        });
        cache.push(c.clone());
        c
    }

    /// The logistics network (checked against the emergency one), prepared on first use.
    pub fn logistics(&self, opts: &RunOptions) -> Result<Arc<PreparedNetwork>> {
        if let Some(l) = self.logistics.get() {
            return Ok(l.clone());
        }
        let l = prepare_logistics(&self.inputs.scenario, opts, Some(&self.network))?;
        Ok(self.logistics.get_or_init(|| Arc::new(l)).clone())
    }

    /// `inputs` (the loaded ones, perhaps with other scenario parameters) with `plan`
    /// applied to their stations and depots; new and moved locations are measured against
    /// the prepared network (farther than the scenario's `max_snap_m` from a road is an
    /// error). A plan's road closures (`close_road`) are matched on the open network as
    /// `[[network.closure]]` is, and the variant runs on the network they leave (the
    /// load's own network, the baseline's, stays open); their files join the inputs.
    pub fn with_plan(&self, inputs: Inputs, plan: &Plan) -> Result<(Variant, Vec<AppliedChange>)> {
        let prepared = &self.network;
        let snap_m = |p: geo::Point<f64>| {
            prepared
                .index
                .snap(&prepared.network, p.x(), p.y())
                .map(|s| s.access_m)
        };
        let open = prepared.open.as_deref().unwrap_or(prepared);
        let max_snap_m = inputs.scenario.max_snap_m;
        let close = |c: &crate::model::closure::RoadClosure| close_roads(open, c, max_snap_m);
        let roads = crate::plan::file::Roads {
            closed: &prepared.closures,
            close: &close,
        };
        let applied = crate::plan::file::apply_with_roads(
            plan,
            &inputs.stations,
            inputs.depots.as_deref(),
            &snap_m,
            max_snap_m,
            Some(&roads),
        )?;
        let mut inputs = inputs;
        inputs.stations = applied.stations;
        inputs.depots = applied.depots;
        for c in &plan.changes {
            if let crate::plan::file::Action::CloseRoad { file, .. } = &c.action {
                inputs
                    .files
                    .push(InputFile::read(&format!("plan.{}", c.entry), file)?);
            }
        }
        let roads = (!applied.closures.is_empty()).then(|| self.closed_roads(applied.closures));
        Ok((Variant { inputs, roads }, applied.changes))
    }
}

/// A finished variant: inputs, network, coverage, supply and targets.
pub struct RunResult {
    pub inputs: Inputs,
    /// Shared by every variant of one load.
    pub prepared: Arc<PreparedNetwork>,
    pub coverage: Coverage,
    /// Logistics-support reach and capacity, when the variant has depots.
    pub supply: Option<Supply>,
    /// Every target of the scenario's `[targets]` evaluated (DESIGN §6).
    pub checks: Checks,
    /// What each road closure costs (empty without `[[network.closure]]`).
    pub closures: Vec<ClosureEffect>,
    /// Coverage of each `[vehicles.KIND]` on its own network (empty without any).
    pub vehicles: Vec<crate::coverage::vehicles::VehicleCoverage>,
    /// Fire water supply (消防水源), when the scenario has `[water]`.
    pub water: Option<crate::water::WaterReach>,
    pub timings: Timings,
    /// Demand and area within reach of the drone hangars (None without `[drone]`).
    pub drone: Option<crate::coverage::drone::DroneReach>,
    /// The community forces (micro stations, volunteer teams) of each village, parallel
    /// to the inputs' villages (empty without `[villages]`).
    pub village_forces: Vec<Vec<crate::plan::villages::VillageForce>>,
}

/// What a road closure costs (道路封闭的影响): the demand points reached within the
/// threshold on the open network but not with this closure alone in force.
#[derive(Debug, Clone, Serialize)]
pub struct ClosureEffect {
    /// The closure's name, or `all closures` for the whole set together.
    pub name: String,
    pub reason: Option<String>,
    /// The plan change (1-based) that closed it; None for `[[network.closure]]` and for
    /// `all closures`.
    pub plan_change: Option<usize>,
    /// The last entry: every closure together.
    pub together: bool,
    pub segments_closed: usize,
    pub road_km_closed: f64,
    /// Indices into the variant's demand points, ascending.
    pub demand_lost: Vec<usize>,
    pub demand_weight_lost: f64,
}

/// Each closure alone, then all together, against the open network (for the same
/// stations and demand): one coverage search per closure.
fn closure_effects(
    prepared: &PreparedNetwork,
    inputs: &Inputs,
    closed: &Coverage,
) -> Vec<ClosureEffect> {
    let Some(open) = prepared.open.as_deref() else {
        return Vec::new();
    };
    let demand = inputs.demand.as_deref().unwrap_or(&[]);
    let scenario = &inputs.scenario;
    let thr = scenario.response.threshold_s;
    let within = |c: &Coverage| -> Vec<bool> {
        c.demand
            .iter()
            .map(|d| !d.off_network && d.response.first_s().is_some_and(|t| t <= thr))
            .collect()
    };
    let on = |net: &crate::network::Network, index: &crate::network::SnapIndex| {
        within(&coverage::evaluate(
            net,
            index,
            &inputs.stations,
            demand,
            &[],
            &scenario.response,
            scenario.max_snap_m,
        ))
    };
    let base = on(&open.network, &open.index);
    let effect = |c: &AppliedClosure, now: &[bool]| {
        let demand_lost: Vec<usize> = (0..base.len()).filter(|&i| base[i] && !now[i]).collect();
        let demand_weight_lost = demand_lost.iter().fold(0.0, |w, &i| w + demand[i].weight);
        ClosureEffect {
            name: c.name.clone(),
            reason: c.reason.clone(),
            plan_change: c.plan_change,
            together: false,
            segments_closed: c.segments.len(),
            road_km_closed: c.road_m / 1000.0,
            demand_lost,
            demand_weight_lost,
        }
    };
    let mut out: Vec<ClosureEffect> = prepared
        .closures
        .iter()
        .map(|c| {
            let net = open.network.with_segments_closed(&c.segments);
            let index = crate::network::SnapIndex::new(&net);
            effect(c, &on(&net, &index))
        })
        .collect();
    let mut union: Vec<u32> = prepared
        .closures
        .iter()
        .flat_map(|c| c.segments.iter().copied())
        .collect();
    union.sort_unstable();
    union.dedup();
    let all = AppliedClosure {
        name: "all closures".into(),
        reason: None,
        road_m: open.network.segments_length_m(&union),
        segments: union,
        plan_change: None,
    };
    out.push(ClosureEffect {
        together: true,
        ..effect(&all, &within(closed))
    });
    out
}

/// Evaluates one variant — `inputs` (the loaded ones, or a plan's, or with other
/// scenario parameters) on `loaded`'s network, or on the network a plan's road closures
/// leave: coverage, supply when it has depots, then every target.
pub fn evaluate_variant(
    loaded: &Loaded,
    variant: impl Into<Variant>,
    opts: &RunOptions,
) -> Result<RunResult> {
    let Variant { inputs, roads } = variant.into();
    let progress = &*opts.progress;
    let prepared = roads.as_ref().map_or(&loaded.network, |r| &r.network);
    let scenario = &inputs.scenario;
    check_grid_size(&inputs, &prepared.network)?;
    progress.start("computing coverage", None);
    let t1 = Instant::now();
    let mut coverage = coverage::evaluate(
        &prepared.network,
        &prepared.index,
        &inputs.stations,
        inputs.demand.as_deref().unwrap_or(&[]),
        &inputs.districts,
        &scenario.response,
        scenario.max_snap_m,
    );
    if let Some(areas) = inputs.areas.as_deref() {
        coverage.sites =
            coverage::sites::evaluate_sites(&prepared.network, &prepared.index, &coverage, areas);
    }
    progress.finish();
    let coverage_s = t1.elapsed().as_secs_f64();
    let coverage_peak_mib = crate::memory::peak_rss_mib();
    let t2 = Instant::now();
    let supply = match inputs.depots {
        Some(_) => {
            let logistics = match &roads {
                Some(r) => r.logistics(loaded, opts)?,
                None => loaded.logistics(opts)?,
            };
            progress.start("computing logistics-support reach", None);
            let s = crate::supply::evaluate_inputs(&inputs, &logistics);
            progress.finish();
            Some(s?)
        }
        None => None,
    };
    let supply_s = t2.elapsed().as_secs_f64();
    let supply_peak_mib = crate::memory::peak_rss_mib();
    let water = match (&scenario.water, &inputs.water) {
        (Some(params), Some(sources)) => {
            progress.start("computing fire water reach", None);
            let weights: Vec<f64> = inputs
                .demand
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .map(|d| d.weight)
                .collect();
            let w = crate::water::evaluate(
                &prepared.network,
                &prepared.index,
                sources,
                params,
                &coverage,
                &weights,
                &inputs.districts,
            );
            progress.finish();
            Some(w)
        }
        _ => None,
    };
    let checks = check_targets(&inputs, &coverage, supply.as_ref(), water.as_ref());
    let closures = closure_effects(prepared, &inputs, &coverage);
    let vehicles = crate::coverage::vehicles::evaluate_vehicles(
        &prepared.network,
        &prepared.index,
        &scenario.vehicle_profiles,
        scenario.vehicles_file.is_some(),
        &inputs.stations,
        inputs.demand.as_deref().unwrap_or(&[]),
        &inputs.districts,
        &scenario.response,
        scenario.max_snap_m,
    );
    let drone = scenario.drone.map(|d| {
        crate::coverage::drone::evaluate(
            &inputs.stations,
            inputs.demand.as_deref().unwrap_or(&[]),
            &coverage.demand,
            &coverage.cells,
            inputs.districts.len(),
            d.radius_m,
            d.every_station,
        )
    });
    let village_forces = village_forces(&inputs);
    Ok(RunResult {
        drone,
        village_forces,
        inputs,
        prepared: prepared.clone(),
        coverage,
        supply,
        checks,
        closures,
        vehicles,
        water,
        timings: Timings {
            load_s: loaded.load_s,
            coverage_s,
            supply_s,
            network: prepared.timings,
            memory: crate::memory::PeakMemory {
                after_load_mib: loaded.load_peak_mib,
                after_coverage_mib: coverage_peak_mib,
                after_supply_mib: supply_peak_mib,
            },
        },
    })
}

/// Loads and evaluates a scenario.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> Result<RunResult> {
    let loaded = Loaded::load(scenario, opts)?;
    let inputs = loaded.inputs.clone();
    evaluate_variant(&loaded, inputs, opts)
}

/// Evaluates the scenario's targets on one variant (its inputs, coverage and supply).
pub fn check_targets(
    inputs: &Inputs,
    coverage: &Coverage,
    supply: Option<&Supply>,
    water: Option<&crate::water::WaterReach>,
) -> Checks {
    let population = crate::plan::population(&inputs.scenario, &inputs.districts);
    let village_forces = village_forces(inputs);
    crate::plan::checks::evaluate(
        &inputs.scenario.targets.targets,
        &crate::plan::checks::Facts {
            stations: &inputs.stations,
            vehicles_given: inputs.scenario.vehicles_file.is_some(),
            districts: &inputs.districts,
            coverage,
            demand_given: inputs.demand.is_some(),
            population: &population,
            supply,
            depots: inputs.depots.as_deref().unwrap_or(&[]),
            areas: inputs.areas.as_deref(),
            water,
            figures: &inputs.scenario.targets.figures,
            villages: inputs.villages.as_deref(),
            village_forces: &village_forces,
        },
    )
}

/// The community forces (micro stations, volunteer teams) of each village of the
/// variant's `[villages]` (empty without one).
pub fn village_forces(inputs: &Inputs) -> Vec<Vec<crate::plan::villages::VillageForce>> {
    match (&inputs.villages, &inputs.scenario.villages) {
        (Some(v), Some(p)) => {
            crate::plan::villages::village_forces(v, &inputs.stations, p.point_radius_m)
        }
        _ => Vec::new(),
    }
}

/// Baseline and plan evaluated on the same prepared network, and what differs.
pub struct PlanRunResult {
    /// The scenario as given.
    pub baseline: RunResult,
    /// The scenario with the plan applied (shares the baseline's prepared network, or
    /// with `close_road` changes runs on the network they leave).
    pub plan: RunResult,
    pub plan_file: Plan,
    /// The plan's changes as applied, in file order.
    pub applied: Vec<AppliedChange>,
    pub diff: PlanDiff,
}

/// Refuses an area grid too large to hold (issue 20, P3: a district polygon covering the
/// world asked for 9.7 GB), naming the key and the districts.
pub fn check_grid_size(inputs: &Inputs, net: &crate::network::Network) -> Result<()> {
    let cell_m = inputs.scenario.response.grid_cell_m;
    let cells = coverage::area::cell_estimate(&inputs.districts, &net.projection, cell_m);
    if cells <= coverage::area::MAX_GRID_CELLS {
        return Ok(());
    }
    let (file, what) = match &inputs.scenario.districts {
        Some((path, _)) => (path.clone(), "the districts' polygons"),
        None => (inputs.scenario.path.clone(), "the network"),
    };
    Err(crate::Error::input(
        file,
        crate::error::Location::File,
        "grid_cell_m",
        format!(
            "the area grid over {what} would have about {cells:.2e} cells of {cell_m} m \
             (at most {:.0e}): are the polygons in the right place and coordinates, or raise \
             [response] grid_cell_m",
            coverage::area::MAX_GRID_CELLS
        ),
    ))
}

impl PlanRunResult {
    /// Every file the plan run read: the scenario's inputs, the plan file and its road
    /// closures' files.
    pub fn inputs_and_plan(&self) -> impl Iterator<Item = &std::path::Path> {
        let closures = self
            .plan_file
            .changes
            .iter()
            .filter_map(|c| match &c.action {
                crate::plan::file::Action::CloseRoad { file, .. } => Some(file.as_path()),
                _ => None,
            });
        self.baseline
            .inputs
            .paths()
            .chain(std::iter::once(self.plan_file.path.as_path()))
            .chain(closures)
    }
}

/// Loads the scenario once, applies `plan` to its stations and depots, and evaluates
/// baseline and plan on the same prepared network (one import, two coverage searches,
/// one logistics network for both supply evaluations) — or, when the plan closes roads,
/// the plan on the network its closures leave; then compares them.
pub fn run_with_plan(scenario: &Scenario, plan: &Plan, opts: &RunOptions) -> Result<PlanRunResult> {
    let loaded = Loaded::load(scenario, opts)?;
    let (plan_variant, applied) = loaded.with_plan(loaded.inputs.clone(), plan)?;
    let baseline = evaluate_variant(&loaded, loaded.inputs.clone(), opts)?;
    let planned = evaluate_variant(&loaded, plan_variant, opts)?;
    let diff = crate::plan::diff::compare(
        crate::plan::diff::Variant {
            stations: &baseline.inputs.stations,
            coverage: &baseline.coverage,
            checks: &baseline.checks,
        },
        crate::plan::diff::Variant {
            stations: &planned.inputs.stations,
            coverage: &planned.coverage,
            checks: &planned.checks,
        },
        &baseline.inputs.districts,
        baseline.inputs.demand.as_deref().unwrap_or(&[]),
        scenario.response.threshold_s,
    );
    Ok(PlanRunResult {
        baseline,
        plan: planned,
        plan_file: plan.clone(),
        applied,
        diff,
    })
}

/// One rescue district's figures in [`Summary`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictSummary {
    pub name: String,
    pub kind: &'static str,
    pub metrics: Metrics,
    /// Demand-weighted mean probability of arrival within the threshold (calibrated runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_demand_coverage: Option<f64>,
}

/// The headline figures of a variant: what `summary.json` holds and what a sweep
/// tabulates per run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub threshold_s: f64,
    pub second_threshold_s: f64,
    pub demand_coverage: Option<f64>,
    pub road_coverage: Option<f64>,
    pub area_coverage: Option<f64>,
    pub second_due_coverage: Option<f64>,
    pub p50_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub max_s: Option<f64>,
    /// Stations taking part in response coverage (placed on the network).
    pub stations: usize,
    pub stations_in_file: usize,
    pub demand_points: usize,
    pub demand_weight: f64,
    pub unreachable: usize,
    pub network_nodes: usize,
    pub network_edges: usize,
    pub network_segments: usize,
    pub road_km: f64,
    pub area_km2: f64,
    pub dropped_nodes: usize,
    /// Stations and demand points off the network.
    pub off_network: usize,
    pub off_network_demand: usize,
    pub demand_available: bool,
    /// Demand-weighted mean probability that the first unit arrives within the threshold,
    /// under the calibrated spread; absent for a free-flow run, which has no spread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_demand_coverage: Option<f64>,
    pub districts: Vec<DistrictSummary>,
    /// Each road closure, then all together: what it costs (`closures.csv` has the places).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub closures: Vec<ClosureSummary>,
    /// Each `[vehicles.KIND]`: its coverage over the roads it may use.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vehicles: Vec<crate::coverage::vehicles::VehicleSummary>,
    #[serde(flatten)]
    pub supply: SupplySummary,
    /// Share of demand weight with a serviceable hydrant within the protection radius
    /// along the roads (only with `[water]`; null without demand).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub water_reach_demand_share: Option<Option<f64>>,
    /// Fire water supply figures (only with `[water]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub water: Option<WaterSummary>,
    pub targets: TargetsSummary,
    /// Share of demand weight within drone reach (only with `[drone]`; null without
    /// demand).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drone_reach_demand_share: Option<Option<f64>>,
    /// Share of the grid area within drone reach (only with `[drone]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drone_reach_area_share: Option<Option<f64>>,
}

/// The fire-water part of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterSummary {
    pub protection_radius_m: f64,
    pub hydrant_spacing_m: f64,
    /// Sources listed, in service, and their share (消防水源完好率; null with none listed).
    pub sources: usize,
    pub serviceable: usize,
    pub serviceable_share: Option<f64>,
    /// Sources farther than `max_snap_m` from any road (not used).
    pub sources_off_network: usize,
    /// Demand points on the network without a serviceable hydrant within reach.
    pub demand_beyond_reach: usize,
    /// Road length the spacing rule applies to, and of it farther than half the spacing
    /// from a serviceable hydrant, km (whole region).
    pub road_km: f64,
    pub spacing_gap_road_km: f64,
}

/// One closure's line of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosureSummary {
    pub name: String,
    pub road_km_closed: f64,
    /// Demand points within the threshold on the open network but not with the closure.
    pub demand_lost: usize,
    pub demand_weight_lost: f64,
}

impl RunResult {
    /// The incident simulation's setup on this finished run ([`crate::sim::setup_for`]).
    pub fn sim_setup(&self, overrides: &crate::sim::Overrides) -> Result<crate::sim::SimSetup> {
        crate::sim::setup_for(&self.inputs, &self.prepared, &self.coverage, overrides)
    }

    /// Stations and demand points farther than `max_snap_m` from any road.
    pub fn off_network_count(&self) -> usize {
        let stations = self
            .coverage
            .placement
            .iter()
            .filter(|p| matches!(p, crate::coverage::Placement::OffNetwork(_)))
            .count();
        self.coverage.region.off_network + stations
    }

    /// Per demand point, the probability that its first unit arrives within the threshold
    /// under the scenario's calibration (0 off the network or unreachable); `None` for a
    /// free-flow run.
    pub fn p_within(&self) -> Option<Vec<f64>> {
        let spread = &self.inputs.scenario.calibration.as_ref()?.model.spread;
        let thr = self.coverage.params.threshold_s;
        Some(
            self.coverage
                .demand
                .iter()
                .map(|d| match d.response.first_s() {
                    Some(t) if !d.off_network => spread.p_within(t, thr),
                    _ => 0.0,
                })
                .collect(),
        )
    }

    /// The region's expected demand coverage (calibrated runs; `None` for free flow),
    /// without building the whole [`Summary`].
    pub fn expected_demand_coverage(&self) -> Option<f64> {
        self.expected_coverage(&self.p_within()?, |_| true)
    }

    /// Demand-weighted mean of `p` over the demand points `keep` selects by district.
    fn expected_coverage(&self, p: &[f64], keep: impl Fn(Option<usize>) -> bool) -> Option<f64> {
        let demand = self.inputs.demand.as_deref()?;
        let (mut w, mut wp) = (0.0, 0.0);
        for ((d, r), p) in demand.iter().zip(&self.coverage.demand).zip(p) {
            if keep(r.district) {
                w += d.weight;
                wp += d.weight * p;
            }
        }
        (w > 0.0).then(|| wp / w)
    }

    /// The variant's headline figures.
    pub fn summary(&self) -> Summary {
        let p = self.p_within();
        let expected = |keep: &dyn Fn(Option<usize>) -> bool| {
            p.as_deref().and_then(|p| self.expected_coverage(p, keep))
        };
        let m = &self.coverage.region;
        let net = &self.prepared.network;
        Summary {
            scenario: self.inputs.scenario.name.clone(),
            threshold_s: self.coverage.params.threshold_s,
            second_threshold_s: self.coverage.params.second_threshold_s,
            demand_coverage: m.demand_coverage,
            road_coverage: m.road_coverage,
            area_coverage: m.area_coverage,
            second_due_coverage: m.second_due_coverage,
            p50_s: m.p50_s,
            p90_s: m.p90_s,
            max_s: m.max_s,
            stations: self.coverage.origins.len(),
            stations_in_file: self.inputs.stations.len(),
            demand_points: m.demand_points,
            demand_weight: m.demand_weight,
            unreachable: m.unreachable,
            network_nodes: net.node_count(),
            network_edges: net.edge_count(),
            network_segments: net.segments.len(),
            road_km: m.road_km,
            area_km2: m.area_km2,
            dropped_nodes: net.dropped_nodes,
            off_network: self.off_network_count(),
            off_network_demand: m.off_network,
            demand_available: self.inputs.demand.is_some(),
            expected_demand_coverage: expected(&|_| true),
            closures: self
                .closures
                .iter()
                .map(|c| ClosureSummary {
                    name: c.name.clone(),
                    road_km_closed: c.road_km_closed,
                    demand_lost: c.demand_lost.len(),
                    demand_weight_lost: c.demand_weight_lost,
                })
                .collect(),
            vehicles: self
                .vehicles
                .iter()
                .map(|v| v.summary(self.inputs.demand.as_deref().unwrap_or(&[])))
                .collect(),
            districts: self
                .inputs
                .districts
                .iter()
                .zip(&self.coverage.districts)
                .enumerate()
                .map(|(i, (d, m))| DistrictSummary {
                    name: d.name.clone(),
                    kind: d.kind.as_str(),
                    metrics: m.clone(),
                    expected_demand_coverage: expected(&|k| k == Some(i)),
                })
                .collect(),
            supply: SupplySummary::of(self.supply.as_ref()),
            water_reach_demand_share: self.water.as_ref().map(|w| w.region.reach_demand_share),
            water: self.water.as_ref().map(|w| WaterSummary {
                protection_radius_m: w.protection_radius_m,
                hydrant_spacing_m: w.hydrant_spacing_m,
                sources: w.sources,
                serviceable: w.serviceable,
                serviceable_share: w.serviceable_share,
                sources_off_network: w.source_snaps.iter().filter(|s| s.is_none()).count(),
                demand_beyond_reach: w.beyond_reach(&self.coverage).count(),
                road_km: w.region.road_km,
                spacing_gap_road_km: w.region.spacing_gap_road_km,
            }),
            targets: self.checks.summary(),
            drone_reach_demand_share: self.drone.as_ref().map(|d| d.region.demand_share),
            drone_reach_area_share: self.drone.as_ref().map(|d| d.region.area_share),
        }
    }
}
