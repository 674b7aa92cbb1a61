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
//! loaded scenario; `report::supply` writes the outputs.
//!
//! Times are door to door: the point's access leg (15 km/h) + road time with the
//! logistics speed profile + the place's access leg. No dispatch or turnout time.

pub mod capacity;
pub mod findings;
pub mod points;
pub mod reach;
pub mod synthetic;
pub mod trees;

use serde::Serialize;

pub use findings::Finding;

use crate::model::area::DistrictLookup;
use capacity::PointLoad;
use points::{SourceFiles, SupportPoint};
use reach::{DistrictReach, LevelInfo, ReachContext, SegmentReach, StationReach};
use trees::DepotTrees;

use crate::error::{Error, Location, Result};
use crate::load::{Inputs, PreparedNetwork};
use crate::model::{DemandPoint, Depot, DepotLevel, District, Station};
use crate::network::{Network, Profile, SnapIndex};
use crate::params::supply::{level_name_zh, SupplyParams};

/// Everything [`evaluate`] needs. `net` must be built with [`Profile::Logistics`].
pub struct SupplyInput<'a> {
    pub net: &'a Network,
    pub index: &'a SnapIndex,
    pub stations: &'a [Station],
    pub depots: &'a [Depot],
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
    /// In station order (ascending [`StationReach::station`]): checks look rows up by
    /// binary search.
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

/// Per district, the box every place of it lies in: its outline's bounding box, widened to
/// the stations that name it in the stations file without lying in it (reach finds a
/// station's district the same way: [`reach::stations_reach`]).
fn place_boxes(
    districts: &[District],
    stations: &[Station],
    lookup: &DistrictLookup,
) -> Vec<Option<geo::Rect<f64>>> {
    use geo::BoundingRect;
    let mut boxes: Vec<Option<geo::Rect<f64>>> =
        districts.iter().map(|d| d.area.bounding_rect()).collect();
    for s in stations {
        if lookup.of(s.location).is_some() {
            continue;
        }
        let Some(d) = reach::station_district(s, lookup, districts) else {
            continue;
        };
        let p = s.location.0;
        boxes[d] = Some(match boxes[d] {
            Some(r) => geo::Rect::new(
                geo::Coord {
                    x: r.min().x.min(p.x),
                    y: r.min().y.min(p.y),
                },
                geo::Coord {
                    x: r.max().x.max(p.x),
                    y: r.max().y.max(p.y),
                },
            ),
            None => geo::Rect::new(p, p),
        });
    }
    boxes
}

/// Evaluates reach and capacity (see the module docs).
pub fn evaluate(input: &SupplyInput) -> Result<Supply> {
    let net = input.net;
    if net.profile != Profile::Logistics {
        return Err(Error::Network(
            "supply reach needs the network built with the logistics speed profile".into(),
        ));
    }
    let (points, mut findings) = points::place_support_points(
        net,
        input.index,
        input.stations,
        input.depots,
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
                    level_name_zh(l.level),
                    l.level.as_str()
                ),
            });
        }
    }

    let lookup = DistrictLookup::new(input.districts);
    let boxes = place_boxes(input.districts, input.stations, &lookup);
    let longest_m = net
        .segments
        .iter()
        .map(|s| f64::from(s.length_m))
        .fold(0.0, f64::max);
    let near = trees::near_vertices(net, &points, &boxes, input.max_snap_m + longest_m);
    let trees = DepotTrees::build(net, &points, &near);
    drop(near);
    let ctx = ReachContext::new(net, &points, &trees, &levels, input.districts.len());
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

/// Evaluates loaded inputs (the baseline's, or a variant's with a plan applied) on the
/// prepared logistics network ([`evaluate`]). Depots come from `inputs.depots` (none:
/// logistics-support stations only); findings name the rows' files and lines.
pub fn evaluate_inputs(inputs: &Inputs, logistics: &PreparedNetwork) -> Result<Supply> {
    let scenario = &inputs.scenario;
    let depots_file = scenario.depots.as_ref().map(|(p, _)| p.clone());
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
        districts: &inputs.districts,
        districts_given: inputs.districts_given,
        demand: inputs.demand.as_deref().unwrap_or(&[]),
        params: &scenario.supply,
        max_snap_m: scenario.max_snap_m,
        files: &files,
    })
}

/// The supply figures of `summary.json`; every field is null when the run has no supply
/// evaluation.
///
/// - `supply_reach_ok`: every checked place reached within its level's time (see
///   [`Supply::reach_ok`]);
/// - `supply_worst_margin_min`: per level, the smallest margin in minutes (negative: late);
/// - `supply_capacity_ok`, `supply_over_subscribed` (labels), `supply_levels`,
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SupplySummary {
    pub supply_reach_ok: Option<bool>,
    /// Smallest margin per checked level, minutes (negative = late).
    pub supply_worst_margin_min: Option<std::collections::BTreeMap<String, Option<f64>>>,
    pub supply_capacity_ok: Option<bool>,
    /// Labels of the over-subscribed support points.
    pub supply_over_subscribed: Option<Vec<String>>,
    pub supply_levels: Option<Vec<&'static str>>,
    pub supply_findings: Option<Vec<Finding>>,
}

impl SupplySummary {
    pub fn of(sup: Option<&Supply>) -> SupplySummary {
        let Some(sup) = sup else {
            return SupplySummary::default();
        };
        SupplySummary {
            supply_reach_ok: Some(sup.reach_ok()),
            supply_worst_margin_min: Some(
                sup.levels
                    .iter()
                    .enumerate()
                    .map(|(li, l)| (l.level.as_str().to_string(), sup.worst_margin_min(li)))
                    .collect(),
            ),
            supply_capacity_ok: Some(sup.capacity_ok()),
            supply_over_subscribed: Some(
                sup.over_subscribed()
                    .iter()
                    .map(|&p| sup.points[p].label.clone())
                    .collect(),
            ),
            supply_levels: Some(sup.levels.iter().map(|l| l.level.as_str()).collect()),
            supply_findings: Some(sup.findings.clone()),
        }
    }
}
