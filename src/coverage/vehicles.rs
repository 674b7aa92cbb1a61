//! Coverage by vehicle kind (分车型覆盖): a heavy appliance (`[vehicles.aerial]`) reaches
//! places over the roads it may use, from the stations that have it. Each profile's
//! network comes from [`Network::for_vehicle`]; the coverage on it is the same
//! [`evaluate`] as the baseline's, so every figure (demand, road, area, first-due areas)
//! exists per kind.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{evaluate, Coverage};
use crate::model::{DemandPoint, District, Station};
use crate::network::{Network, SnapIndex};
use crate::params::{ResponseParams, VehicleProfile};

/// One vehicle kind's coverage on its own network.
#[derive(Debug, Clone)]
pub struct VehicleCoverage {
    pub profile: VehicleProfile,
    /// Road segments the kind may not use (weight, height or width limits).
    pub barred_segments: Vec<u32>,
    pub barred_road_m: f64,
    /// Stations that have the kind: indices into the variant's stations.
    pub stations: Vec<usize>,
    /// Whether `stations` came from the vehicles file (else: every station, for want of one).
    pub from_vehicles_file: bool,
    /// Coverage from those stations over the kind's network. Its station indices are into
    /// `stations` (the subset), not the variant's.
    pub coverage: Coverage,
}

/// The part of `summary.json` for one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VehicleSummary {
    pub kind: String,
    pub weight_t: Option<f64>,
    pub height_m: Option<f64>,
    pub width_m: Option<f64>,
    pub speed_factor: f64,
    /// Stations with the kind (every station when the scenario has no vehicles file).
    pub stations: usize,
    pub stations_from_vehicles_file: bool,
    pub barred_segments: usize,
    pub barred_road_km: f64,
    pub demand_coverage: Option<f64>,
    pub road_coverage: Option<f64>,
    pub p90_s: Option<f64>,
    /// Demand points no station with the kind reaches over the roads it may use.
    pub unreachable: usize,
    /// Share of demand weight within the threshold, per demand `kind` (e.g. `high_rise`).
    pub demand_coverage_by_kind: BTreeMap<String, f64>,
}

/// Every profile of `profiles`, on `net` (the variant's emergency network), from the
/// stations with units of its kind (all stations when `vehicles_given` is false).
#[allow(clippy::too_many_arguments)]
pub fn evaluate_vehicles(
    net: &Network,
    index: &SnapIndex,
    profiles: &[VehicleProfile],
    vehicles_given: bool,
    stations: &[Station],
    demand: &[DemandPoint],
    districts: &[District],
    params: &ResponseParams,
    max_snap_m: f64,
) -> Vec<VehicleCoverage> {
    profiles
        .iter()
        .map(|profile| {
            let (own, barred) = net.for_vehicle(profile);
            // Places join the nearest road the vehicle may use.
            let own_index;
            let index = if barred.is_empty() {
                index
            } else {
                own_index = SnapIndex::new(&own);
                &own_index
            };
            let with_kind: Vec<usize> = stations
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    !vehicles_given
                        || s.vehicles
                            .iter()
                            .any(|v| v.kind == profile.kind && v.count > 0)
                })
                .map(|(i, _)| i)
                .collect();
            let subset: Vec<Station> = with_kind.iter().map(|&i| stations[i].clone()).collect();
            let coverage = evaluate(&own, index, &subset, demand, districts, params, max_snap_m);
            VehicleCoverage {
                profile: profile.clone(),
                barred_road_m: net.segments_length_m(&barred),
                barred_segments: barred,
                stations: with_kind,
                from_vehicles_file: vehicles_given,
                coverage,
            }
        })
        .collect()
}

impl VehicleCoverage {
    pub fn summary(&self, demand: &[DemandPoint]) -> VehicleSummary {
        let m = &self.coverage.region;
        let thr = self.coverage.params.threshold_s;
        let mut by_kind: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for (d, r) in demand.iter().zip(&self.coverage.demand) {
            let Some(kind) = d.kind.as_deref() else {
                continue;
            };
            let e = by_kind.entry(kind.to_string()).or_default();
            e.1 += d.weight;
            if r.response.first_s().is_some_and(|t| t <= thr) {
                e.0 += d.weight;
            }
        }
        VehicleSummary {
            kind: self.profile.kind.clone(),
            weight_t: self.profile.weight_t,
            height_m: self.profile.height_m,
            width_m: self.profile.width_m,
            speed_factor: self.profile.speed_factor,
            stations: self.stations.len(),
            stations_from_vehicles_file: self.from_vehicles_file,
            barred_segments: self.barred_segments.len(),
            barred_road_km: self.barred_road_m / 1000.0,
            demand_coverage: m.demand_coverage,
            road_coverage: m.road_coverage,
            p90_s: m.p90_s,
            unreachable: m.unreachable,
            demand_coverage_by_kind: by_kind
                .into_iter()
                .filter(|(_, (_, w))| *w > 0.0)
                .map(|(k, (c, w))| (k, c / w))
                .collect(),
        }
    }
}
