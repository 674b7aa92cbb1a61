//! Drone reach (消防无人机): the places within a straight-line radius of a station with a
//! drone hangar (`drone = 1`, not closed). The radius is the scenario's `[drone]`
//! (`radius_m`, or `flight_time_s` × `cruise_speed_kmh`); distances are great-circle
//! (haversine, as the network measures). Demand points count by weight; the area is the
//! same grid of cells response coverage uses, a cell piece counting whole when the centre
//! of its cell lies within reach.

use serde::Serialize;

use super::area::CellPiece;
use super::DemandResult;
use crate::model::{DemandPoint, Station, StationStatus};
use crate::network::raw::haversine_m;

/// Demand and area within drone reach over one region or district.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct DroneShares {
    pub demand_weight: f64,
    pub demand_weight_within: f64,
    /// `demand_weight_within / demand_weight`; None without demand.
    pub demand_share: Option<f64>,
    pub area_km2: f64,
    pub area_km2_within: f64,
    /// `area_km2_within / area_km2`; None without grid area.
    pub area_share: Option<f64>,
}

impl DroneShares {
    fn finish(mut self) -> Self {
        self.demand_share =
            (self.demand_weight > 0.0).then(|| self.demand_weight_within / self.demand_weight);
        self.area_share = (self.area_km2 > 0.0).then(|| self.area_km2_within / self.area_km2);
        self
    }
}

/// Everything [`evaluate`] computes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroneReach {
    /// Reach of one hangar, metres.
    pub radius_m: f64,
    /// Indices into the stations of those with a hangar (`drone = 1`, not closed).
    pub hangars: Vec<usize>,
    /// Per demand point: within reach of a hangar.
    pub demand_within: Vec<bool>,
    /// Per grid cell piece (parallel to the coverage's cells): its cell's centre within
    /// reach.
    pub cell_within: Vec<bool>,
    pub region: DroneShares,
    /// Parallel to the districts.
    pub districts: Vec<DroneShares>,
}

/// Stations with a drone hangar that is in service: `drone = 1` and not closed; with
/// `every_station` (a what-if), every fire and rescue station (消防救援站: not a township
/// brigade, volunteer team or micro station) not closed.
pub fn hangars(stations: &[Station], every_station: bool) -> Vec<usize> {
    use crate::model::StationClass;
    (0..stations.len())
        .filter(|&i| {
            let s = &stations[i];
            let has = if every_station {
                !matches!(
                    s.class,
                    StationClass::Township | StationClass::Volunteer | StationClass::Micro
                )
            } else {
                s.drone == Some(true)
            };
            has && s.status != StationStatus::Closed
        })
        .collect()
}

/// Demand and grid area within `radius_m` of a hangar, over the region and per district.
/// `demand_results` and `cells` are the coverage's (for the districts points and cells
/// fall in); `district_count` sizes the per-district list.
pub fn evaluate(
    stations: &[Station],
    demand: &[DemandPoint],
    demand_results: &[DemandResult],
    cells: &[CellPiece],
    district_count: usize,
    radius_m: f64,
    every_station: bool,
) -> DroneReach {
    let hangars = hangars(stations, every_station);
    let at: Vec<(f64, f64)> = hangars
        .iter()
        .map(|&i| (stations[i].location.x(), stations[i].location.y()))
        .collect();
    // A cheap box first: one degree of latitude is at least 110.5 km, of longitude
    // 111.3 km × cos(lat); the box is widened by 1 % so that no point within reach is
    // left out before the exact distance decides.
    let within = |lon: f64, lat: f64| -> bool {
        let dlat = radius_m / 110_000.0 * 1.01;
        let dlon = dlat / lat.to_radians().cos().max(1e-6);
        at.iter().any(|&(x, y)| {
            (lat - y).abs() <= dlat
                && (lon - x).abs() <= dlon
                && haversine_m(lon, lat, x, y) <= radius_m
        })
    };
    let mut region = DroneShares::default();
    let mut districts = vec![DroneShares::default(); district_count];
    let demand_within: Vec<bool> = demand
        .iter()
        .map(|d| within(d.location.x(), d.location.y()))
        .collect();
    for (i, d) in demand.iter().enumerate() {
        let w = d.weight;
        let inside = demand_within[i];
        let add = |s: &mut DroneShares| {
            s.demand_weight += w;
            if inside {
                s.demand_weight_within += w;
            }
        };
        add(&mut region);
        if let Some(k) = demand_results.get(i).and_then(|r| r.district) {
            if let Some(s) = districts.get_mut(k) {
                add(s);
            }
        }
    }
    let cell_within: Vec<bool> = cells
        .iter()
        .map(|c| within(c.centre.0, c.centre.1))
        .collect();
    for (c, &inside) in cells.iter().zip(&cell_within) {
        let km2 = c.area_m2 / 1e6;
        let add = |s: &mut DroneShares| {
            s.area_km2 += km2;
            if inside {
                s.area_km2_within += km2;
            }
        };
        add(&mut region);
        if let Some(s) = districts.get_mut(c.district) {
            add(s);
        }
    }
    DroneReach {
        radius_m,
        hangars,
        demand_within,
        cell_within,
        region: region.finish(),
        districts: districts.into_iter().map(DroneShares::finish).collect(),
    }
}
