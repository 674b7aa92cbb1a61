//! Villages and communities (行政村、社区): which micro fire stations (微型消防站) and
//! volunteer teams (志愿消防队) each one has — standing inside its outline, or for a
//! village given as a point, within the scenario's `[villages] point_radius_m` in a
//! straight line (haversine, as the network measures). Seed 000 asks every village or
//! community over 1,000 residents to have one (专栏6; the main text for volunteer teams);
//! `checks` turns these into findings, `report` into the villages table and layer.

use serde::Serialize;

use crate::model::area::AreaIndex;
use crate::model::{Station, StationStatus, Village, VillageShape};
use crate::network::raw::haversine_m;

/// One community force a village has.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VillageForce {
    /// Index into the variant's stations (a micro station or volunteer team, not closed).
    pub station: usize,
    /// Straight-line distance from a point village, metres; 0 inside an outline.
    pub distance_m: f64,
}

/// The community forces (micro stations and volunteer teams, not closed) of each village,
/// parallel to `villages`: inside its outline, or within `point_radius_m` of its point
/// (a force exactly at the radius counts). Each list is ordered by distance, then by
/// station order.
pub fn village_forces(
    villages: &[Village],
    stations: &[Station],
    point_radius_m: f64,
) -> Vec<Vec<VillageForce>> {
    let forces: Vec<usize> = (0..stations.len())
        .filter(|&i| {
            let s = &stations[i];
            s.status != StationStatus::Closed && s.class.community_force()
        })
        .collect();
    villages
        .iter()
        .map(|v| {
            let mut out: Vec<VillageForce> = match &v.shape {
                VillageShape::Point(p) => forces
                    .iter()
                    .filter_map(|&i| {
                        let at = stations[i].location;
                        let d = haversine_m(p.x(), p.y(), at.x(), at.y());
                        (d <= point_radius_m).then_some(VillageForce {
                            station: i,
                            distance_m: d,
                        })
                    })
                    .collect(),
                VillageShape::Area(area) => {
                    let index = AreaIndex::new(area);
                    forces
                        .iter()
                        .filter(|&&i| index.contains(stations[i].location))
                        .map(|&i| VillageForce {
                            station: i,
                            distance_m: 0.0,
                        })
                        .collect()
                }
            };
            out.sort_by(|a, b| {
                a.distance_m
                    .total_cmp(&b.distance_m)
                    .then(a.station.cmp(&b.station))
            });
            out
        })
        .collect()
}
