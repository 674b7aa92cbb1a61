//! Logistics-support reach and capacity (战勤保障, DESIGN §5).
//!
//! Reserve depots (应急物资储备库 / 储备中心) carry a level — national (国家级), regional
//! (区域级; a provincial centre, 省级, is entered as regional), city (市级), county (县级),
//! town (乡镇级) — and a capacity in persons; logistics-support stations (战勤保障站)
//! count as county-level support points unless `[supply] logistics_stations = false`.
//! Each level must reach the places it supports within its reach time (seed 002:
//! 省内2小时、市内1小时、县(市、区)内半小时 — 7,200 s, 3,600 s, 1,800 s by default), and
//! sustain the personnel of the stations assigned to it (seed 000: 800 / 400 / 200 / 100).
//!
//! Pipeline ([`evaluate`]): support points placed on the **logistics** network
//! ([`points`]) → one search per point ([`trees`]) → per place and level the nearest and
//! second-nearest point, pass/fail and margin ([`reach`]) → stations assigned to their
//! nearest point per level, load against capacity ([`capacity`]). [`run`] does it for a
//! loaded scenario; [`tables`], [`layers`] and [`markdown`] write the outputs.
//!
//! Times are door to door: the point's access leg (15 km/h) + road time with the
//! logistics speed profile + the place's access leg. No dispatch or turnout time.

pub mod capacity;
pub mod findings;
pub mod layers;
pub mod markdown;
pub mod network;
pub mod params;
pub mod points;
pub mod reach;
pub mod synthetic;
pub mod tables;
pub mod trees;

use serde::Serialize;

pub use findings::Finding;
pub use params::{SupplyParams, SupplySection};

use capacity::PointLoad;
use points::{RowInfo, SourceFiles, SupportPoint};
use reach::{DistrictLookup, DistrictReach, LevelInfo, ReachContext, SegmentReach, StationReach};
use trees::DepotTrees;

use crate::error::{Error, Location, Result};
use crate::model::{DemandPoint, Depot, DepotLevel, District, Station};
use crate::network::{Network, Profile, SnapIndex};
use crate::run::{Inputs, PreparedNetwork, RunOptions};

/// Everything [`evaluate`] needs. `net` must be built with [`Profile::Logistics`].
pub struct SupplyInput<'a> {
    pub net: &'a Network,
    pub index: &'a SnapIndex,
    pub stations: &'a [Station],
    pub depots: &'a [Depot],
    /// Lines and `area` cells of the depot rows, lines of the stations (for findings).
    pub rows: &'a RowInfo,
    /// Never empty (the whole network stands in when the scenario has no `[districts]`).
    pub districts: &'a [District],
    /// The districts come from a file (so depot `area` cells may name them).
    pub districts_given: bool,
    pub demand: &'a [DemandPoint],
    pub params: &'a SupplyParams,
    pub max_snap_m: f64,
    pub files: &'a SourceFiles,
}

/// The result of a supply evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Supply {
    pub params: SupplyParams,
    /// The checked levels, in [`DepotLevel::ALL`] order; every per-level vector below is
    /// parallel to this.
    pub levels: Vec<LevelInfo>,
    /// Support points sorted by (level, label).
    pub points: Vec<SupportPoint>,
    #[serde(skip)]
    pub trees: DepotTrees,
    /// Every station that is not closed, in file order.
    pub stations: Vec<StationReach>,
    pub districts: Vec<DistrictReach>,
    /// `segments[level][segment]`.
    #[serde(skip)]
    pub segments: Vec<Vec<SegmentReach>>,
    /// Per support point.
    pub loads: Vec<PointLoad>,
    pub findings: Vec<Finding>,
    pub max_snap_m: f64,
}

impl Supply {
    /// Every checked place (stations, districts' worst points and centroids) is reached
    /// within its level's reach time, and no required level lacks support points.
    pub fn reach_ok(&self) -> bool {
        let stations = self
            .stations
            .iter()
            .flat_map(|s| &s.levels)
            .all(|r| !r.status.is_failure());
        let districts = self.districts.iter().flat_map(|d| &d.levels).all(|l| {
            !l.centroid.reach.status.is_failure()
                && l.worst.is_none_or(|w| !w.reach.status.is_failure())
        });
        stations && districts
    }

    /// No support point sustains more personnel than its capacity.
    pub fn capacity_ok(&self) -> bool {
        !self.loads.iter().any(PointLoad::over_subscribed)
    }

    /// Indices of the over-subscribed support points.
    pub fn over_subscribed(&self) -> Vec<usize> {
        (0..self.loads.len())
            .filter(|&p| self.loads[p].over_subscribed())
            .collect()
    }

    /// The smallest margin (minutes; negative = late) at level `li` over every place
    /// with a time and a reach time; None when there is none.
    pub fn worst_margin_min(&self, li: usize) -> Option<f64> {
        let stations = self
            .stations
            .iter()
            .filter_map(|s| s.levels[li].margin_min());
        let districts = self.districts.iter().flat_map(|d| {
            let l = &d.levels[li];
            [
                l.worst.and_then(|w| w.reach.margin_min()),
                l.centroid.reach.margin_min(),
            ]
            .into_iter()
            .flatten()
        });
        stations.chain(districts).reduce(f64::min)
    }

    /// Index of `level` among the checked levels.
    pub fn level_index(&self, level: DepotLevel) -> Option<usize> {
        self.levels.iter().position(|l| l.level == level)
    }
}

/// The checked levels, in [`DepotLevel::ALL`] order: those with support points (on the
/// network or not) and those the scenario requires.
pub fn checked_levels(points: &[SupportPoint], params: &SupplyParams) -> Vec<LevelInfo> {
    DepotLevel::ALL
        .into_iter()
        .filter_map(|level| {
            let pts: Vec<usize> = (0..points.len())
                .filter(|&p| points[p].level == level)
                .collect();
            let required = params.required_levels.contains(&level);
            (required || !pts.is_empty()).then(|| LevelInfo {
                level,
                reach_s: params.reach_time_s(level),
                required,
                points: pts,
            })
        })
        .collect()
}

/// Evaluates reach and capacity (see the module docs).
pub fn evaluate(input: &SupplyInput) -> Result<Supply> {
    let net = input.net;
    if net.profile != Profile::Logistics {
        return Err(Error::Scenario(
            "supply reach needs the network built with the logistics speed profile".into(),
        ));
    }
    let (points, mut findings) = points::place_support_points(
        net,
        input.index,
        input.stations,
        input.depots,
        input.rows,
        input.districts,
        input.districts_given,
        input.params,
        input.max_snap_m,
        input.files,
    )?;
    let levels = checked_levels(&points, input.params);
    for l in levels.iter().filter(|l| l.required) {
        if !l.points.iter().any(|&p| points[p].usable()) {
            let depots = input
                .files
                .depots
                .as_ref()
                .map_or("no depots file".to_string(), |p| p.display().to_string());
            findings.push(Finding {
                file: input.files.scenario.clone(),
                location: Location::Key("supply.required_levels".into()),
                field: l.level.as_str().into(),
                message: format!(
                    "the scenario requires {}-level reach ({}), but there is no {} depot on the \
                     network (depots: {depots}): every place fails at this level",
                    l.level.as_str(),
                    params::level_name_zh(l.level),
                    l.level.as_str()
                ),
            });
        }
    }

    let trees = DepotTrees::build(net, &points);
    let ctx = ReachContext {
        net,
        points: &points,
        trees: &trees,
        levels: &levels,
    };
    let lookup = DistrictLookup::new(input.districts);
    let stations = reach::stations_reach(
        &ctx,
        input.index,
        input.stations,
        &lookup,
        input.districts,
        input.max_snap_m,
    );
    let seg_district: Vec<Option<usize>> = net
        .segments
        .iter()
        .map(|s| {
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            lookup.of(geo::Point::new(
                (a.lon + b.lon) / 2.0,
                (a.lat + b.lat) / 2.0,
            ))
        })
        .collect();
    let segments: Vec<Vec<SegmentReach>> = (0..levels.len())
        .map(|li| reach::segments_reach(&ctx, li, &seg_district))
        .collect();
    let districts = reach::districts_reach(
        &ctx,
        input.index,
        input.districts,
        &lookup,
        input.demand,
        &segments,
        &seg_district,
        input.max_snap_m,
    );
    let loads = capacity::assign(input.stations, &stations, &points);
    Ok(Supply {
        params: input.params.clone(),
        levels,
        points,
        trees,
        stations,
        districts,
        segments,
        loads,
        findings,
        max_snap_m: input.max_snap_m,
    })
}

/// Supply for a loaded scenario: prepares the logistics network (checked against the
/// emergency one) and evaluates on it ([`evaluate_inputs`]).
pub fn run(inputs: &Inputs, emergency: &PreparedNetwork, opts: &RunOptions) -> Result<Supply> {
    let logistics = network::prepare_logistics(&inputs.scenario, opts, Some(&emergency.network))?;
    evaluate_inputs(inputs, &logistics)
}

/// Evaluates a loaded scenario on its prepared logistics network: reads the depot rows'
/// lines and `area` cells and the stations' lines (for findings), then [`evaluate`].
/// Depots come from `inputs.depots` (none: logistics-support stations only).
pub fn evaluate_inputs(inputs: &Inputs, logistics: &PreparedNetwork) -> Result<Supply> {
    let scenario = &inputs.scenario;
    let depots_file = scenario.depots.as_ref().map(|(p, _)| p.clone());
    let rows = RowInfo {
        depot_rows: match (&depots_file, &inputs.depots) {
            (Some(p), Some(_)) => Some(points::read_depot_rows(p)?),
            _ => None,
        },
        station_lines: points::read_station_lines(&scenario.stations_file)?,
    };
    let files = SourceFiles {
        scenario: scenario.path.clone(),
        stations: scenario.stations_file.clone(),
        depots: depots_file,
    };
    evaluate(&SupplyInput {
        net: &logistics.network,
        index: &logistics.index,
        stations: &inputs.stations,
        depots: inputs.depots.as_deref().unwrap_or(&[]),
        rows: &rows,
        districts: &inputs.districts,
        districts_given: inputs.districts_given,
        demand: inputs.demand.as_deref().unwrap_or(&[]),
        params: &scenario.supply,
        max_snap_m: scenario.max_snap_m,
        files: &files,
    })
}

/// The supply output files of a run: `supply_reach.csv`, `supply_districts.csv` and
/// `supply.geojson` (`net`: either network, for the road geometry).
pub fn output_files(
    sup: &Supply,
    inputs: &Inputs,
    net: &Network,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let demand = inputs.demand.as_deref().unwrap_or(&[]);
    Ok(vec![
        (
            "supply_reach.csv",
            tables::reach_csv(sup, &inputs.stations, &inputs.districts)?,
        ),
        (
            "supply_districts.csv",
            tables::districts_csv(sup, &inputs.districts, demand)?,
        ),
        ("supply.geojson", layers::supply_geojson(sup, net)?),
    ])
}
