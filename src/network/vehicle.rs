//! A vehicle profile's own network (车辆通行条件): the emergency network with every road
//! whose posted weight, height or width limit the vehicle exceeds barred in both
//! directions, and its times ÷ the profile's `speed_factor`. Node and segment indices stay
//! the emergency network's; a [`super::SnapIndex`] built on it leaves the barred roads
//! out, so a place joins the nearest road the vehicle may use (an aerial ladder cannot
//! stand in a lane it may not enter: it stops on the nearest road it may use, and the
//! access leg from there counts, like any other).

use super::graph::{Network, Segment};
use crate::params::VehicleProfile;

impl Network {
    /// The network as `vehicle` may drive it, and the segments it bars (sorted).
    pub fn for_vehicle(&self, vehicle: &VehicleProfile) -> (Network, Vec<u32>) {
        let barred: Vec<u32> = self
            .limits
            .iter()
            .filter(|(_, l)| {
                l.bars(
                    vehicle.weight_t.unwrap_or(0.0),
                    vehicle.height_m.unwrap_or(0.0),
                    vehicle.width_m.unwrap_or(0.0),
                )
            })
            .map(|&(i, _)| i)
            .collect();
        let pace = vehicle.speed_factor as f32;
        let mut segments: Vec<Segment> = self
            .segments
            .iter()
            // A reversed network is derived as the forward one, then turned round again.
            .map(|s| if self.reversed { s.turned_round() } else { *s })
            .map(|s| Segment {
                time_ab_s: s.time_ab_s / pace,
                time_ba_s: s.time_ba_s / pace,
                ..s
            })
            .collect();
        for &i in &barred {
            let s = &mut segments[i as usize];
            s.time_ab_s = f32::INFINITY;
            s.time_ba_s = f32::INFINITY;
        }
        let net = self.with_forward_segments(segments, self.limits.clone());
        (net, barred)
    }
}
