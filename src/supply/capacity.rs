//! Capacity (保障能力): each firefighting station is assigned, per level, to its nearest
//! support point of that level; the personnel a point must sustain is the sum of the staff
//! of its stations, compared with its capacity (seed 000: national 800, regional 400,
//! city 200, county 100 persons, or the depot's own `capacity_persons`).

use serde::Serialize;

use super::points::SupportPoint;
use super::reach::StationReach;
use crate::model::Station;

/// What one support point must sustain.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PointLoad {
    /// Stations assigned to it (indices into the stations), in file order.
    pub stations: Vec<usize>,
    /// Σ staff of those stations, persons.
    pub staff_persons: u64,
    /// Assigned stations whose staff the stations file does not give (counted as 0).
    pub unknown_staff: usize,
    /// What it can sustain, persons (None: no capacity to check).
    pub capacity_persons: Option<f64>,
}

impl PointLoad {
    /// More personnel to sustain than its capacity.
    pub fn over_subscribed(&self) -> bool {
        self.capacity_persons
            .is_some_and(|c| self.staff_persons as f64 > c)
    }

    /// Staff over capacity (None without a capacity, or a capacity of 0).
    pub fn utilisation(&self) -> Option<f64> {
        self.capacity_persons
            .filter(|&c| c > 0.0)
            .map(|c| self.staff_persons as f64 / c)
    }
}

/// Assigns every station that responds (not closed, not a logistics-support station) to
/// its nearest support point at each checked level; returns one load per support point.
/// Stations that no point of a level reaches stay unassigned at that level.
pub fn assign(
    stations: &[Station],
    reach: &[StationReach],
    points: &[SupportPoint],
) -> Vec<PointLoad> {
    let mut loads: Vec<PointLoad> = points
        .iter()
        .map(|p| PointLoad {
            capacity_persons: p.capacity_persons,
            ..PointLoad::default()
        })
        .collect();
    for r in reach {
        let s = &stations[r.station];
        if !s.responds() {
            continue;
        }
        for lr in &r.levels {
            if let Some((p, _)) = lr.nearest {
                let load = &mut loads[p];
                load.stations.push(r.station);
                match s.staff {
                    Some(n) => load.staff_persons += n as u64,
                    None => load.unknown_staff += 1,
                }
            }
        }
    }
    loads
}
