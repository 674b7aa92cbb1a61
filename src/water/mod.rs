//! Fire water supply (消防水源): how far each place is from water along the roads, and
//! where the roads of built-up districts lack a hydrant.
//!
//! A hose is laid on foot along the roads, so distances are road metres on the undirected
//! road graph — one-way streets, turn restrictions and speeds do not matter; both access
//! legs (source → road, road → place) are included. One multi-source search over the
//! serviceable hydrants and one over the serviceable static sources (tanks, natural sources,
//! suction points) give, for every demand point and every road point, the nearest of each
//! (ties to the source listed first). Out-of-service sources are listed, never used.
//!
//! - **Reach** (GB 50974-2014 §7.2.5, `protection_radius_m`, 150 m): a demand point is within
//!   reach when a serviceable hydrant is at most that far along the roads.
//! - **Spacing** (§7.2.5, `hydrant_spacing_m`, 120 m): hydrants at most that far apart put
//!   every road point within half of it of a hydrant; road length farther than that is a
//!   spacing gap. Motorways and their ramps are left out (no municipal hydrants there).

pub mod search;

use rayon::prelude::*;
use serde::Serialize;

use crate::coverage::Coverage;
use crate::model::water::WaterSource;
use crate::model::{District, DistrictKind, RoadClass};
use crate::network::{Network, SnapIndex, SnapPoint};
use crate::params::WaterParams;
use search::HoseSearch;

/// The nearest source of some kind and the hose distance to it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SourceDistance {
    /// Index into the water sources.
    pub source: usize,
    /// Along the roads, both access legs included, metres.
    pub distance_m: f64,
}

/// Water at one demand point (None everywhere for a point off the network).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct DemandWater {
    /// The nearest serviceable source of any kind.
    pub nearest: Option<SourceDistance>,
    /// The nearest serviceable hydrant.
    pub hydrant: Option<SourceDistance>,
    /// The nearest serviceable static source (tank, natural source, suction point).
    pub nearest_static: Option<SourceDistance>,
}

/// A piece of road farther than half the hydrant spacing from every serviceable hydrant.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RoadGap {
    pub segment: u32,
    /// Fractions along the segment (0 at node a, 1 at node b).
    pub from: f64,
    pub to: f64,
    pub length_m: f64,
}

/// Water figures of one area (a rescue district or the whole region).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct WaterFigures {
    pub demand_points: usize,
    pub demand_weight: f64,
    /// Demand weight with a serviceable hydrant within `protection_radius_m`.
    pub reach_weight: f64,
    /// `reach_weight / demand_weight` (None: no demand).
    pub reach_demand_share: Option<f64>,
    /// Road length the spacing rule applies to (all but motorways and ramps; for the
    /// region, those of the urban districts: the built-up area), km.
    pub road_km: f64,
    /// Of it, farther than half the spacing from a serviceable hydrant, km.
    pub spacing_gap_road_km: f64,
}

/// Everything the water checks, tables and maps read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterReach {
    pub protection_radius_m: f64,
    pub hydrant_spacing_m: f64,
    /// Per source: where it meets the roads (None: farther than `max_snap_m`; not used).
    pub source_snaps: Vec<Option<SnapPoint>>,
    /// Sources listed, and of them in service (完好).
    pub sources: usize,
    pub serviceable: usize,
    /// `serviceable / sources` (None: no source listed).
    pub serviceable_share: Option<f64>,
    /// Parallel to the demand points.
    pub demand: Vec<DemandWater>,
    pub region: WaterFigures,
    /// Parallel to the districts.
    pub districts: Vec<WaterFigures>,
    /// Spacing gaps, by segment then position.
    pub gaps: Vec<RoadGap>,
}

impl WaterReach {
    /// Whether demand point `i` has a serviceable hydrant within the protection radius
    /// (to the millimetre: a hose 150 m long reaches a place 150 m away, whatever the
    /// rounding of the last digit).
    pub fn in_reach(&self, i: usize) -> bool {
        self.demand[i]
            .hydrant
            .is_some_and(|h| h.distance_m <= self.protection_radius_m + 1e-3)
    }

    /// The demand points on the roads without a serviceable hydrant within reach, in input
    /// order (`coverage`: the run's, for which points are off the network).
    pub fn beyond_reach<'a>(&'a self, coverage: &'a Coverage) -> impl Iterator<Item = usize> + 'a {
        (0..self.demand.len())
            .filter(move |&i| !coverage.demand[i].off_network && !self.in_reach(i))
    }
}

/// Computes water reach for one variant: `coverage` gives the demand points' snaps and
/// districts and each segment's district.
pub fn evaluate(
    net: &Network,
    index: &SnapIndex,
    sources: &[WaterSource],
    params: &WaterParams,
    coverage: &Coverage,
    demand_weights: &[f64],
    districts: &[District],
) -> WaterReach {
    let graph = HoseSearch::new(net);
    let source_snaps: Vec<Option<SnapPoint>> = sources
        .par_iter()
        .map(|s| {
            index
                .snap(net, s.location.x(), s.location.y())
                .filter(|p| p.access_m <= coverage.max_snap_m)
        })
        .collect();
    let usable = |keep: &dyn Fn(&WaterSource) -> bool| -> Vec<(usize, SnapPoint)> {
        sources
            .iter()
            .zip(&source_snaps)
            .enumerate()
            .filter(|(_, (s, _))| s.serviceable() && keep(s))
            .filter_map(|(i, (_, p))| p.map(|p| (i, p)))
            .collect()
    };
    let hydrants = graph.run(net, &usable(&|s| !s.kind.is_static()));
    let statics = graph.run(net, &usable(&|s| s.kind.is_static()));

    let demand: Vec<DemandWater> = coverage
        .demand
        .par_iter()
        .map(|d| match (d.snap, d.off_network) {
            (Some(p), false) => {
                let hydrant = hydrants.at(net, &p);
                let nearest_static = statics.at(net, &p);
                let nearest = match (hydrant, nearest_static) {
                    (Some(h), Some(s)) => Some(if s.distance_m < h.distance_m { s } else { h }),
                    (h, s) => h.or(s),
                };
                DemandWater {
                    nearest,
                    hydrant,
                    nearest_static,
                }
            }
            _ => DemandWater::default(),
        })
        .collect();

    let half_spacing_m = params.hydrant_spacing_m / 2.0;
    let mut gaps = Vec::new();
    let mut region = WaterFigures::default();
    let mut per_district = vec![WaterFigures::default(); districts.len()];
    for (k, seg) in net.segments.iter().enumerate() {
        if seg.highway.class == RoadClass::Motorway {
            continue;
        }
        let length_m = seg.length_m as f64;
        let mut gap_m = 0.0;
        for (from, to) in hydrants.beyond(net, k as u32, half_spacing_m) {
            let piece_m = (to - from) * length_m;
            gap_m += piece_m;
            gaps.push(RoadGap {
                segment: k as u32,
                from,
                to,
                length_m: piece_m,
            });
        }
        let district = coverage.segments[k].district;
        if let Some(f) = district.and_then(|di| per_district.get_mut(di)) {
            f.road_km += length_m / 1000.0;
            f.spacing_gap_road_km += gap_m / 1000.0;
        }
        // The region's figure is the built-up area's: the urban districts.
        if district.is_some_and(|di| districts[di].kind == DistrictKind::Urban) {
            region.road_km += length_m / 1000.0;
            region.spacing_gap_road_km += gap_m / 1000.0;
        }
    }

    let sources_n = sources.len();
    let serviceable = sources.iter().filter(|s| s.serviceable()).count();
    let mut reach = WaterReach {
        protection_radius_m: params.protection_radius_m,
        hydrant_spacing_m: params.hydrant_spacing_m,
        sources: sources_n,
        serviceable,
        serviceable_share: (sources_n > 0).then(|| serviceable as f64 / sources_n as f64),
        source_snaps,
        demand,
        region: WaterFigures::default(),
        districts: Vec::new(),
        gaps,
    };
    for (i, d) in coverage.demand.iter().enumerate() {
        let w = demand_weights.get(i).copied().unwrap_or(0.0);
        let within = reach.in_reach(i);
        let add = |f: &mut WaterFigures| {
            f.demand_points += 1;
            f.demand_weight += w;
            if within {
                f.reach_weight += w;
            }
        };
        add(&mut region);
        if let Some(f) = d.district.and_then(|di| per_district.get_mut(di)) {
            add(f);
        }
    }
    for f in std::iter::once(&mut region).chain(per_district.iter_mut()) {
        f.reach_demand_share = (f.demand_weight > 0.0).then(|| f.reach_weight / f.demand_weight);
    }
    reach.region = region;
    reach.districts = per_district;
    reach
}
