//! Reach (保障圈): for every place — each station, each rescue district's worst point and
//! centroid, each road segment — the door-to-door time from the nearest and the
//! second-nearest support point of each level that must reach it, pass or fail against
//! the level's reach time, and the margin in minutes. Everything is read from the
//! [`DepotTrees`]: per place and level, a scan over that level's points.

use crate::model::area::DistrictLookup;
use geo::{Centroid, Point};
use rayon::prelude::*;
use serde::Serialize;

use super::points::{Source, SupportPoint};
use super::trees::DepotTrees;
use crate::coverage::area::project_multipolygon;
use crate::coverage::envelope::{Envelope, Piece};
use crate::model::{DemandPoint, DepotLevel, District, Station, StationStatus};
use crate::network::{access_time_s, Network, SnapIndex, SnapPoint};

/// One level that is checked: it has support points in the inputs, or the scenario
/// requires it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelInfo {
    pub level: DepotLevel,
    /// Reach time, seconds (None: times reported without pass/fail).
    pub reach_s: Option<f64>,
    /// Listed in `[supply] required_levels`.
    pub required: bool,
    /// Indices of this level's support points (on or off the network).
    pub points: Vec<usize>,
}

/// What a place's reach at one level comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReachStatus {
    /// The nearest support point arrives within the level's reach time.
    Pass,
    /// It arrives later.
    Fail,
    /// The level has no reach time (town, by default): the time is reported only.
    Reported,
    /// The place must be reached at this level (the level is required, or a support point
    /// of the level has the place in its area) but no support point on the network does.
    NoDepot,
    /// No support point of this level has the place in its area, and the level is not
    /// required: nothing to check.
    OutsideArea,
    /// The place is farther than `max_snap_m` from any road.
    OffNetwork,
}

impl ReachStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReachStatus::Pass => "pass",
            ReachStatus::Fail => "fail",
            ReachStatus::Reported => "reported",
            ReachStatus::NoDepot => "no-depot",
            ReachStatus::OutsideArea => "outside-area",
            ReachStatus::OffNetwork => "off-network",
        }
    }

    /// Counts against `supply_reach_ok`.
    pub fn is_failure(self) -> bool {
        matches!(self, ReachStatus::Fail | ReachStatus::NoDepot)
    }
}

/// A place's reach at one level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LevelReach {
    pub level: DepotLevel,
    pub reach_s: Option<f64>,
    /// Nearest support point (index) and door-to-door seconds.
    pub nearest: Option<(usize, f64)>,
    /// Second-nearest (redundancy).
    pub second: Option<(usize, f64)>,
    pub status: ReachStatus,
}

impl LevelReach {
    /// (reach time − time of the nearest) in minutes: positive = slack, negative = late.
    pub fn margin_min(&self) -> Option<f64> {
        Some((self.reach_s? - self.nearest?.1) / 60.0)
    }

    /// The same for the second-nearest point.
    pub fn second_margin_min(&self) -> Option<f64> {
        Some((self.reach_s? - self.second?.1) / 60.0)
    }

    /// Pass / fail of the second-nearest point (None without one or without reach time).
    pub fn second_status(&self) -> Option<ReachStatus> {
        let r = self.reach_s?;
        let t = self.second?.1;
        Some(if t <= r {
            ReachStatus::Pass
        } else {
            ReachStatus::Fail
        })
    }
}

/// What every reach query needs.
pub struct ReachContext<'a> {
    pub net: &'a Network,
    pub points: &'a [SupportPoint],
    pub trees: &'a DepotTrees,
    pub levels: &'a [LevelInfo],
    /// `serving[level][district + 1]`: the level's points (on the network or not) that
    /// must reach places of the district, ascending; entry 0 is for places outside every
    /// district. A place scans these, not all of a province's points.
    serving: Vec<Vec<Vec<usize>>>,
}

/// A place to reach: where it joins the network (with its access leg in seconds) and its
/// district. `itself`: the support point the place is (a logistics station reaching
/// itself takes 0 s).
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub snap: Option<(SnapPoint, f64)>,
    pub district: Option<usize>,
    pub itself: Option<usize>,
}

impl<'a> ReachContext<'a> {
    pub fn new(
        net: &'a Network,
        points: &'a [SupportPoint],
        trees: &'a DepotTrees,
        levels: &'a [LevelInfo],
        district_count: usize,
    ) -> ReachContext<'a> {
        let serving = levels
            .iter()
            .map(|info| {
                (0..=district_count)
                    .map(|k| {
                        let d = k.checked_sub(1);
                        info.points
                            .iter()
                            .copied()
                            .filter(|&p| points[p].serves(d))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        ReachContext {
            net,
            points,
            trees,
            levels,
            serving,
        }
    }

    /// The points of level `li` that must reach places of district `d`, ascending.
    pub fn serving(&self, li: usize, d: Option<usize>) -> &[usize] {
        let k = d.map_or(0, |d| d + 1);
        self.serving[li].get(k).map_or(&[], |v| v.as_slice())
    }

    /// Reach of `target` at the level `li` (index into `levels`).
    pub fn reach(&self, li: usize, target: &Target) -> LevelReach {
        let info = &self.levels[li];
        let mut out = LevelReach {
            level: info.level,
            reach_s: info.reach_s,
            nearest: None,
            second: None,
            status: ReachStatus::OffNetwork,
        };
        let Some((snap, access_s)) = &target.snap else {
            return out;
        };
        let mut best: [Option<(usize, f64)>; 2] = [None, None];
        let serving = self.serving(li, target.district);
        let serves_any = !serving.is_empty();
        for &p in serving {
            let point = &self.points[p];
            if !point.usable() {
                continue;
            }
            let t = if target.itself == Some(p) {
                0.0
            } else {
                self.trees.time_s(self.net, self.points, p, snap, *access_s)
            };
            if !t.is_finite() {
                continue;
            }
            // Points are scanned in index order: a tie keeps the lower index.
            match best {
                [Some((_, t0)), _] if t < t0 => best = [Some((p, t)), best[0]],
                [Some(_), Some((_, t1))] if t < t1 => best[1] = Some((p, t)),
                [Some(_), None] => best[1] = Some((p, t)),
                [None, _] => best[0] = Some((p, t)),
                _ => {}
            }
        }
        out.nearest = best[0];
        out.second = best[1];
        out.status = match (out.nearest, info.reach_s) {
            (Some((_, t)), Some(r)) if t <= r => ReachStatus::Pass,
            (Some(_), Some(_)) => ReachStatus::Fail,
            (Some(_), None) => ReachStatus::Reported,
            (None, _) if info.required || serves_any => ReachStatus::NoDepot,
            (None, _) => ReachStatus::OutsideArea,
        };
        out
    }

    /// Reach at every checked level.
    pub fn reach_all(&self, target: &Target) -> Vec<LevelReach> {
        (0..self.levels.len())
            .map(|li| self.reach(li, target))
            .collect()
    }
}

/// Snaps a point; `None` when farther than `max_snap_m` (or the network is empty), with
/// the distance to the nearest road in metres.
pub fn snap_within(
    net: &Network,
    index: &SnapIndex,
    p: Point<f64>,
    max_snap_m: f64,
) -> (Option<(SnapPoint, f64)>, Option<f64>) {
    match index.snap(net, p.x(), p.y()) {
        Some(s) if s.access_m <= max_snap_m => {
            (Some((s, access_time_s(s.access_m))), Some(s.access_m))
        }
        Some(s) => (None, Some(s.access_m)),
        None => (None, None),
    }
}

/// A station's reach at every checked level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationReach {
    /// Index into the stations.
    pub station: usize,
    /// Distance to the nearest road, metres.
    pub snap_m: Option<f64>,
    pub district: Option<usize>,
    /// Parallel to the checked levels.
    pub levels: Vec<LevelReach>,
}

/// A station's district: the one holding it, else the one its `district` column names.
/// The depot trees' boxes ([`super::trees::near_vertices`]) follow the same rule.
pub fn station_district(
    s: &Station,
    lookup: &DistrictLookup,
    districts: &[District],
) -> Option<usize> {
    lookup.of(s.location).or_else(|| {
        let name = s.district.as_deref()?;
        districts.iter().position(|d| d.name == name)
    })
}

/// Reach of every station that is not closed, in file order.
pub fn stations_reach(
    ctx: &ReachContext,
    index: &SnapIndex,
    stations: &[Station],
    lookup: &DistrictLookup,
    districts: &[District],
    max_snap_m: f64,
) -> Vec<StationReach> {
    let itself = |i: usize| {
        ctx.points
            .iter()
            .position(|p| p.source == Source::Station(i))
    };
    stations
        .par_iter()
        .enumerate()
        .filter(|(_, s)| s.status != StationStatus::Closed)
        .map(|(i, s)| {
            let (snap, snap_m) = snap_within(ctx.net, index, s.location, max_snap_m);
            let district = station_district(s, lookup, districts);
            let target = Target {
                snap,
                district,
                itself: itself(i),
            };
            StationReach {
                station: i,
                snap_m,
                district,
                levels: ctx.reach_all(&target),
            }
        })
        .collect()
}

/// Which place is a district's worst.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum WorstPlace {
    /// Index into the demand points.
    Demand(usize),
    /// A point on a road (districts without demand): segment and fraction from its `a` end.
    Road { segment: u32, fraction: f64 },
}

/// The worst place of a district at one level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Worst {
    pub place: WorstPlace,
    pub lon: f64,
    pub lat: f64,
    pub reach: LevelReach,
}

/// A district's centroid at one level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CentroidReach {
    pub lon: f64,
    pub lat: f64,
    /// Distance to the nearest road, metres.
    pub snap_m: Option<f64>,
    pub reach: LevelReach,
}

/// A rescue district at one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictLevel {
    /// The demand point (weight > 0, on the network) reached last — or, in a district
    /// without such a point, the road point reached last; None when it has neither.
    pub worst: Option<Worst>,
    pub centroid: CentroidReach,
    /// Share of the district's demand weight reached within the level's reach time
    /// (off-network points count as not reached); None without demand or reach time.
    pub demand_within_share: Option<f64>,
}

/// A rescue district (救援片区) at every checked level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictReach {
    pub district: usize,
    pub demand_points: usize,
    pub demand_weight: f64,
    /// Parallel to the checked levels.
    pub levels: Vec<DistrictLevel>,
}

/// Reach along every road segment at one level: the lower envelope of the times from the
/// level's points that must reach the segment's district (by its midpoint).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentReach {
    /// Fractions (0 at node a) reached within the reach time, merged; empty without one.
    pub within: Vec<(f64, f64)>,
    /// Worst time on the segment: (seconds, fraction, point).
    pub worst: Option<(f64, f64, usize)>,
    /// Nearest point at the midpoint.
    pub owner: Option<usize>,
}

/// Segment reach at level `li`; `seg_district[s]` is the district of segment `s`.
pub fn segments_reach(
    ctx: &ReachContext,
    li: usize,
    seg_district: &[Option<usize>],
) -> Vec<SegmentReach> {
    let net = ctx.net;
    let info = &ctx.levels[li];
    net.segments
        .par_iter()
        .enumerate()
        .map(|(si, s)| {
            let d = seg_district[si];
            let (t_ab, t_ba) = (s.time_ab_s as f64, s.time_ba_s as f64);
            let mut from_a: Option<(f64, usize)> = None;
            let mut from_b: Option<(f64, usize)> = None;
            let mut pieces = Vec::with_capacity(4);
            for &p in ctx.serving(li, d) {
                let point = &ctx.points[p];
                if !point.usable() {
                    continue;
                }
                let ta = point.access_s + ctx.trees.drive_start_s(net, p, s.a, s.b);
                let tb = point.access_s + ctx.trees.drive_start_s(net, p, s.b, s.a);
                if ta < from_a.map_or(f64::INFINITY, |x| x.0) {
                    from_a = Some((ta, p));
                }
                if tb < from_b.map_or(f64::INFINITY, |x| x.0) {
                    from_b = Some((tb, p));
                }
                if let Some(snap) = point.snap.filter(|sp| sp.segment as usize == si) {
                    let f = snap.fraction;
                    if t_ab.is_finite() {
                        pieces.push(Piece {
                            lo: f,
                            hi: 1.0,
                            at_lo: point.access_s,
                            slope: t_ab,
                            origin: p as u32,
                        });
                    }
                    if t_ba.is_finite() {
                        pieces.push(Piece {
                            lo: 0.0,
                            hi: f,
                            at_lo: point.access_s + f * t_ba,
                            slope: -t_ba,
                            origin: p as u32,
                        });
                    }
                }
            }
            if let (Some((t, p)), true) = (from_a, t_ab.is_finite()) {
                pieces.push(Piece {
                    lo: 0.0,
                    hi: 1.0,
                    at_lo: t,
                    slope: t_ab,
                    origin: p as u32,
                });
            }
            if let (Some((t, p)), true) = (from_b, t_ba.is_finite()) {
                pieces.push(Piece {
                    lo: 0.0,
                    hi: 1.0,
                    at_lo: t + t_ba,
                    slope: -t_ba,
                    origin: p as u32,
                });
            }
            let env = Envelope { pieces };
            let worst = env
                .worst_by_owner()
                .into_iter()
                .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)))
                .map(|(o, t, g)| (t, g, o as usize));
            SegmentReach {
                within: info
                    .reach_s
                    .map(|r| env.covered_intervals(r))
                    .unwrap_or_default(),
                worst,
                owner: env.at(0.5).map(|x| x.1 as usize),
            }
        })
        .collect()
}

/// The centroid of a district in lon/lat, computed in the network's local projection.
pub fn district_centroid(net: &Network, d: &District) -> Option<Point<f64>> {
    let c = project_multipolygon(&d.area, &net.projection).centroid()?;
    let (lon, lat) = net.projection.unproject([c.x(), c.y()]);
    Some(Point::new(lon, lat))
}

/// Key to rank a place as "worst": no-depot beats any time, which beats nothing to check.
fn severity(r: &LevelReach) -> f64 {
    match (r.status, r.nearest) {
        (ReachStatus::NoDepot, _) => f64::INFINITY,
        (_, Some((_, t))) => t,
        _ => f64::NEG_INFINITY,
    }
}

/// Reach of every district at every checked level: its worst demand point (or road point,
/// without demand) and its centroid. `segments[li]` are the segment results per level.
#[allow(clippy::too_many_arguments)]
pub fn districts_reach(
    ctx: &ReachContext,
    index: &SnapIndex,
    districts: &[District],
    lookup: &DistrictLookup,
    demand: &[DemandPoint],
    segments: &[Vec<SegmentReach>],
    seg_district: &[Option<usize>],
    max_snap_m: f64,
) -> Vec<DistrictReach> {
    let net = ctx.net;
    // Every demand point once: district, and reach per level (off-network: no times).
    let demand_reach: Vec<(Option<usize>, Vec<LevelReach>)> = demand
        .par_iter()
        .map(|d| {
            let (snap, _) = snap_within(net, index, d.location, max_snap_m);
            let district = lookup.of(d.location);
            let target = Target {
                snap,
                district,
                itself: None,
            };
            (district, ctx.reach_all(&target))
        })
        .collect();
    // Each district's demand points, in one pass (a province has hundreds of districts).
    let mut members_of: Vec<Vec<usize>> = vec![Vec::new(); districts.len()];
    for (i, (d, _)) in demand_reach.iter().enumerate() {
        if let Some(m) = d.and_then(|d| members_of.get_mut(d)) {
            m.push(i);
        }
    }
    members_of
        .into_iter()
        .enumerate()
        .map(|(di, members)| {
            let weight: f64 = members.iter().map(|&i| demand[i].weight).sum();
            let centroid = district_centroid(net, &districts[di]);
            let (csnap, csnap_m) = match centroid {
                Some(c) => snap_within(net, index, c, max_snap_m),
                None => (None, None),
            };
            let levels = (0..ctx.levels.len())
                .map(|li| {
                    let worst_demand = members
                        .iter()
                        .filter(|&&i| {
                            demand[i].weight > 0.0
                                && demand_reach[i].1[li].status != ReachStatus::OffNetwork
                        })
                        .map(|&i| (i, demand_reach[i].1[li]))
                        .fold(None, |acc: Option<(usize, LevelReach)>, (i, r)| match acc {
                            Some((_, a)) if severity(&a) >= severity(&r) => acc,
                            _ => Some((i, r)),
                        })
                        .map(|(i, r)| Worst {
                            place: WorstPlace::Demand(i),
                            lon: demand[i].location.x(),
                            lat: demand[i].location.y(),
                            reach: r,
                        });
                    let worst = worst_demand
                        .or_else(|| worst_road(ctx, li, di, &segments[li], seg_district));
                    let centroid_reach = ctx.reach(
                        li,
                        &Target {
                            snap: csnap,
                            district: Some(di),
                            itself: None,
                        },
                    );
                    let demand_within_share = match ctx.levels[li].reach_s {
                        Some(r) if weight > 0.0 => {
                            let within: f64 = members
                                .iter()
                                .filter(|&&i| {
                                    demand_reach[i].1[li].nearest.is_some_and(|n| n.1 <= r)
                                })
                                .map(|&i| demand[i].weight)
                                .sum();
                            Some(within / weight)
                        }
                        _ => None,
                    };
                    DistrictLevel {
                        worst,
                        centroid: CentroidReach {
                            lon: centroid.map_or(f64::NAN, |c| c.x()),
                            lat: centroid.map_or(f64::NAN, |c| c.y()),
                            snap_m: csnap_m,
                            reach: centroid_reach,
                        },
                        demand_within_share,
                    }
                })
                .collect();
            DistrictReach {
                district: di,
                demand_points: members.len(),
                demand_weight: weight,
                levels,
            }
        })
        .collect()
}

/// The road point of district `di` reached last at level `li` (for districts without
/// demand): the worst point of the envelopes of the segments whose midpoint lies in it.
fn worst_road(
    ctx: &ReachContext,
    li: usize,
    di: usize,
    segments: &[SegmentReach],
    seg_district: &[Option<usize>],
) -> Option<Worst> {
    let net = ctx.net;
    let on_district: Vec<usize> = (0..segments.len())
        .filter(|&s| seg_district[s] == Some(di))
        .collect();
    let (&first, _) = on_district.split_first()?;
    let info = &ctx.levels[li];
    let at = |s: usize, g: f64| {
        let seg = &net.segments[s];
        let (a, b) = (&net.nodes[seg.a as usize], &net.nodes[seg.b as usize]);
        (a.lon + g * (b.lon - a.lon), a.lat + g * (b.lat - a.lat))
    };
    let best = on_district
        .iter()
        .filter_map(|&s| segments[s].worst.map(|w| (s, w)))
        .fold(
            None,
            |acc: Option<(usize, (f64, f64, usize))>, x| match acc {
                Some(a) if a.1 .0 >= x.1 .0 => Some(a),
                _ => Some(x),
            },
        );
    let (segment, g, nearest) = match best {
        Some((s, (t, g, p))) => (s, g, Some((p, t))),
        None => (first, 0.5, None),
    };
    let (lon, lat) = at(segment, g);
    // Which status a place here has follows from the same rules as any place.
    let serves_any = !ctx.serving(li, Some(di)).is_empty();
    let status = match (nearest, info.reach_s) {
        (Some((_, t)), Some(r)) if t <= r => ReachStatus::Pass,
        (Some(_), Some(_)) => ReachStatus::Fail,
        (Some(_), None) => ReachStatus::Reported,
        (None, _) if info.required || serves_any => ReachStatus::NoDepot,
        (None, _) => ReachStatus::OutsideArea,
    };
    Some(Worst {
        place: WorstPlace::Road {
            segment: segment as u32,
            fraction: g,
        },
        lon,
        lat,
        reach: LevelReach {
            level: info.level,
            reach_s: info.reach_s,
            nearest,
            second: None,
            status,
        },
    })
}
