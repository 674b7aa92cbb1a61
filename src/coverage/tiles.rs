//! Partitioned coverage (分区计算): the demand points split into tiles (a grid or the
//! rescue districts), each tile computed on its own sub-network, the results merged — equal
//! to the whole run's for every first and second station within the horizon.
//!
//! **The halo rule.** Let `H` be the horizon (the longest response time computed), `t₀` the
//! earliest time any station enters the roads (the least seed time: dispatch + turnout +
//! access leg + the part of its own segment), and for a core demand point `p` with access
//! leg `ℓ(p)` and arrivals `(v, a)` (vertex `v` of the full network, `a` seconds from `v`
//! to the snap point along its segment), `D(u) = min over core p, (v, a) of
//! dist(u → v) + a + ℓ(p)`. The tile's sub-network is the search graph induced on
//! `{u : D(u) ≤ H − t₀ + ε}` (ε = [`HALO_SLACK_S`] against rounding), found by one bounded
//! reverse multi-source search from the core's arrivals; its seeds are every station's
//! departures onto it, and the stations standing on a core point's own segment come along
//! with their exact time at the point.
//!
//! *Why it is exact.* Every path of the sub-network is a path of the full network, so
//! every time the tile finds is a real arrival of that station (never too early). If a
//! point's first (or second) station reaches it at `T ≤ H` in the whole run, every vertex
//! `y` on that station's shortest path is reached at `t(y) ≥ t₀` and leaves
//! `T − t(y) ≥ D(y)`, so `D(y) ≤ H − t₀`: the whole path, seed included, lies in the
//! sub-network, and the tile finds the same time. The second station's path lies on
//! vertices whose first station's paths also qualify (the same bound), so the first labels
//! that confine the second search to first-due areas agree where it matters. Ties break
//! on the origin number of the whole run (stations keep it), so the same station wins.
//! Beyond `H` the tile may be late: a first or second time over `H` is reported as "none
//! within the horizon".

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::{place_stations, seeds, stations_by_segment, BestTwo, PlacedStation};
use crate::error::{Error, Result};
use crate::load::tiles::{
    ManifestDistrict, PointResult, TileDemand, TileInput, TileSeed, TileStation, HALO_SLACK_S,
};
use crate::model::area::DistrictLookup;
use crate::model::{DemandPoint, District, Station};
use crate::network::induced::within_time_to;
use crate::network::search::{two_nearest, Dijkstra, Seed, NO_ORIGIN};
use crate::network::{access_time_s, Network, SnapIndex, SnapPoint};
use crate::params::ResponseParams;

/// How the demand points are split into tiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tiling {
    /// Square cells of this side, km, on the network's local projection.
    Grid { km: f64 },
    /// One tile per rescue district (辖区) holding demand, then the points outside every
    /// district.
    Districts,
}

impl Tiling {
    pub fn describe(&self) -> String {
        match self {
            Tiling::Grid { km } => format!("grid {km} km"),
            Tiling::Districts => "districts".into(),
        }
    }
}

/// The default horizon: the longer of the response and second-due thresholds.
pub fn default_horizon_s(params: &ResponseParams) -> f64 {
    params.threshold_s.max(params.second_threshold_s)
}

/// A tile's core: its name and demand points (indices, ascending).
#[derive(Debug, Clone, PartialEq)]
pub struct TileCore {
    pub name: String,
    pub points: Vec<u32>,
    /// Vertices whose road node lies in the tile's grid cell or district.
    pub core_vertices: usize,
}

/// Where a demand point meets the roads (as the whole run places it).
#[derive(Debug, Clone)]
struct Place {
    snap: Option<SnapPoint>,
    on_network: bool,
    district: Option<usize>,
}

/// A scenario split into tiles: everything the split step computes once on the whole
/// network, from which each tile's input is cut.
pub struct Partition<'a> {
    net: &'a Network,
    reversed: Network,
    stations: &'a [Station],
    demand: &'a [DemandPoint],
    origins: Vec<PlacedStation>,
    /// Per origin, its departures (vertex, seed time).
    departures: Vec<Vec<(u32, f64)>>,
    on_segment: HashMap<u32, Vec<u32>>,
    places: Vec<Place>,
    pub horizon_s: f64,
    /// `H − t₀ + ε` of the halo rule.
    pub halo_bound_s: f64,
    pub tiles: Vec<TileCore>,
}

impl<'a> Partition<'a> {
    /// Places stations and demand points exactly as [`super::evaluate`] does, and assigns
    /// every demand point to one tile. `horizon_s` below the default horizon is an error
    /// (the second-due figures would be lost), as is a grid side that is not a positive
    /// number, or no demand.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        net: &'a Network,
        index: &SnapIndex,
        stations: &'a [Station],
        demand: &'a [DemandPoint],
        districts: &[District],
        params: &ResponseParams,
        max_snap_m: f64,
        tiling: Tiling,
        horizon_s: Option<f64>,
    ) -> Result<Partition<'a>> {
        let least = default_horizon_s(params);
        let horizon_s = horizon_s.unwrap_or(least);
        if !horizon_s.is_finite() || horizon_s < least {
            return Err(Error::option(
                "--horizon-s",
                format!(
                    "{horizon_s} s is shorter than the longest threshold of [response] \
                     ({least} s); give at least that"
                ),
            ));
        }
        if let Tiling::Grid { km } = tiling {
            if !km.is_finite() || km <= 0.0 {
                return Err(Error::option(
                    "--grid-km",
                    format!("expected a positive number of km, found {km}"),
                ));
            }
        }
        if demand.is_empty() {
            return Err(Error::Scenario(
                "a partitioned run splits the demand points into tiles: the scenario has none \
                 ([demand])"
                    .into(),
            ));
        }
        let (_, origins) = place_stations(net, index, stations, params, max_snap_m);
        let mut departures = vec![Vec::new(); origins.len()];
        for s in seeds(net, &origins) {
            departures[s.origin as usize].push((s.node, s.time_s));
        }
        let t0 = departures
            .iter()
            .flatten()
            .map(|d| d.1)
            .fold(f64::INFINITY, f64::min);
        let halo_bound_s = if t0.is_finite() {
            horizon_s - t0.max(0.0) + HALO_SLACK_S
        } else {
            horizon_s + HALO_SLACK_S
        };
        let lookup = DistrictLookup::new(districts);
        let places: Vec<Place> = demand
            .par_iter()
            .map(|d| {
                let snap = index.snap(net, d.location.x(), d.location.y());
                Place {
                    on_network: snap.is_some_and(|s| s.access_m <= max_snap_m),
                    snap,
                    district: lookup.of(d.location),
                }
            })
            .collect();

        // Tile keys of the demand points and of the road nodes.
        let proj = net.projection;
        let grid_key = |lon: f64, lat: f64, km: f64| {
            let [x, y] = proj.project(lon, lat);
            let side = km * 1000.0;
            (
                (y / side).floor() as i64,
                (x / side).floor() as i64,
                usize::MAX,
            )
        };
        let key_of_point = |i: usize| match tiling {
            Tiling::Grid { km } => {
                let p = demand[i].location;
                grid_key(p.x(), p.y(), km)
            }
            Tiling::Districts => (0, 0, places[i].district.unwrap_or(usize::MAX)),
        };
        let mut by_key: BTreeMap<(i64, i64, usize), Vec<u32>> = BTreeMap::new();
        for i in 0..demand.len() {
            by_key.entry(key_of_point(i)).or_default().push(i as u32);
        }
        let keys: Vec<(i64, i64, usize)> = by_key.keys().copied().collect();
        let node_tile: Vec<Option<u32>> = (0..net.node_count())
            .into_par_iter()
            .map(|v| {
                let n = &net.nodes[v];
                let key = match tiling {
                    Tiling::Grid { km } => grid_key(n.lon, n.lat, km),
                    Tiling::Districts => (
                        0,
                        0,
                        lookup
                            .of(geo::Point::new(n.lon, n.lat))
                            .unwrap_or(usize::MAX),
                    ),
                };
                keys.binary_search(&key).ok().map(|k| k as u32)
            })
            .collect();
        let mut core_vertices = vec![0usize; keys.len()];
        for v in 0..net.vertex_count() as u32 {
            if let Some(k) = node_tile[net.node_of(v) as usize] {
                core_vertices[k as usize] += 1;
            }
        }
        let tiles = by_key
            .into_iter()
            .zip(core_vertices)
            .map(|((key, points), core_vertices)| TileCore {
                name: match tiling {
                    Tiling::Grid { .. } => format!("x{} y{}", key.1, key.0),
                    Tiling::Districts => districts
                        .get(key.2)
                        .map_or("(outside districts)".to_string(), |d| d.name.clone()),
                },
                points,
                core_vertices,
            })
            .collect();
        Ok(Partition {
            net,
            reversed: net.reversed(),
            stations,
            demand,
            on_segment: stations_by_segment(&origins),
            origins,
            departures,
            places,
            horizon_s,
            halo_bound_s,
            tiles,
        })
    }

    /// The districts as the manifest lists them.
    pub fn manifest_districts(districts: &[District]) -> Vec<ManifestDistrict> {
        districts
            .iter()
            .map(|d| ManifestDistrict {
                name: d.name.clone(),
                kind: d.kind.as_str().to_string(),
            })
            .collect()
    }

    /// A reusable reverse search for [`Self::halo`] (one per worker).
    pub fn search(&self) -> Dijkstra {
        Dijkstra::new(self.net.vertex_count())
    }

    /// The halo of tile `k` (0-based) by the rule of the module: the full-network vertices
    /// with `D(u) ≤ H − t₀ + ε`, sorted.
    pub fn halo(&self, k: usize, search: &mut Dijkstra) -> Vec<u32> {
        let mut targets = Vec::new();
        for &i in &self.tiles[k].points {
            let place = &self.places[i as usize];
            if let (true, Some(sp)) = (place.on_network, &place.snap) {
                let leg = access_time_s(sp.access_m);
                for (v, a) in self.net.arrivals(sp) {
                    targets.push((v, a + leg));
                }
            }
        }
        within_time_to(&self.reversed, search, &targets, self.halo_bound_s)
    }

    /// The input of tile `k` (0-based) on its halo by the rule.
    pub fn tile_input(&self, k: usize, search: &mut Dijkstra) -> TileInput {
        let halo = self.halo(k, search);
        self.tile_input_with_halo(k, &halo)
    }

    /// The input of tile `k` (0-based) on the sub-network induced on `halo` (full-network
    /// vertices): exact when `halo` holds the rule's halo; tests pass smaller ones.
    pub fn tile_input_with_halo(&self, k: usize, halo: &[u32]) -> TileInput {
        let core = &self.tiles[k];
        let sub = self.net.induced(halo);
        // Stations: those entering the sub-network, and those on a core point's segment.
        let mut wanted = vec![false; self.origins.len()];
        for (o, deps) in self.departures.iter().enumerate() {
            if deps.iter().any(|&(v, _)| sub.local(v).is_some()) {
                wanted[o] = true;
            }
        }
        for &i in &core.points {
            let place = &self.places[i as usize];
            if let (true, Some(sp)) = (place.on_network, &place.snap) {
                for &o in self.on_segment.get(&sp.segment).into_iter().flatten() {
                    wanted[o as usize] = true;
                }
            }
        }
        let mut local_station = vec![u32::MAX; self.origins.len()];
        let mut stations = Vec::new();
        let mut seeds_out = Vec::new();
        for o in (0..self.origins.len()).filter(|&o| wanted[o]) {
            local_station[o] = stations.len() as u32;
            stations.push(TileStation {
                origin: o as u32,
                id: self.stations[self.origins[o].station].id.clone(),
            });
            for &(v, t) in &self.departures[o] {
                if let Some(l) = sub.local(v) {
                    seeds_out.push(TileSeed {
                        station: local_station[o],
                        vertex: l,
                        time_s: t,
                    });
                }
            }
        }
        let demand = core
            .points
            .iter()
            .map(|&i| {
                let d = &self.demand[i as usize];
                let place = &self.places[i as usize];
                let mut td = TileDemand {
                    index: i,
                    id: d.id.clone(),
                    lon: d.location.x(),
                    lat: d.location.y(),
                    weight: d.weight,
                    district: place.district.map(|x| x as u32),
                    snap_m: place.snap.map(|s| s.access_m),
                    off_network: !place.on_network,
                    access_s: 0.0,
                    arrivals: Vec::new(),
                    on_segment: Vec::new(),
                };
                if let (true, Some(sp)) = (place.on_network, &place.snap) {
                    td.access_s = access_time_s(sp.access_m);
                    td.arrivals = self
                        .net
                        .arrivals(sp)
                        .into_iter()
                        .filter_map(|(v, a)| sub.local(v).map(|l| (l, a)))
                        .collect();
                    for &o in self.on_segment.get(&sp.segment).into_iter().flatten() {
                        let st = &self.origins[o as usize];
                        if let Some(t) = self.net.along_segment_s(&st.snap, sp) {
                            td.on_segment
                                .push((local_station[o as usize], st.offset_s + t));
                        }
                    }
                }
                td
            })
            .collect();
        TileInput {
            tile: k as u32 + 1,
            name: core.name.clone(),
            horizon_s: self.horizon_s,
            network: sub.network,
            stations,
            seeds: seeds_out,
            demand,
        }
    }
}

/// Computes a tile: one two-label search on its sub-network, then each core demand point's
/// first and second station as the whole run computes them (the same candidates, the same
/// order of additions), kept where within the horizon.
pub fn run_tile(tile: &TileInput) -> Vec<PointResult> {
    let seeds: Vec<Seed> = tile
        .seeds
        .iter()
        .map(|s| Seed {
            origin: s.station,
            node: s.vertex,
            time_s: s.time_s,
        })
        .collect();
    let labels = two_nearest(&tile.network, &seeds, f64::INFINITY);
    let h = tile.horizon_s;
    let id = |o: u32| tile.stations[o as usize].id.clone();
    tile.demand
        .iter()
        .map(|d| {
            let mut r = PointResult {
                index: d.index,
                id: d.id.clone(),
                lon: d.lon,
                lat: d.lat,
                district: d.district,
                weight: d.weight,
                snap_m: d.snap_m,
                off_network: d.off_network,
                first: None,
                second: None,
            };
            if d.off_network {
                return r;
            }
            let mut best = BestTwo::default();
            for &(v, a) in &d.arrivals {
                let v = v as usize;
                if labels.first[v] != NO_ORIGIN {
                    best.offer(labels.first_s[v] + a, labels.first[v]);
                }
                if labels.second[v] != NO_ORIGIN {
                    best.offer(labels.second_s[v] + a, labels.second[v]);
                }
            }
            for &(o, t) in &d.on_segment {
                best.offer(t, o);
            }
            // The access leg last, as the whole run adds it.
            let within = |x: Option<(f64, u32)>| {
                x.map(|(t, o)| (id(o), t + d.access_s)).filter(|x| x.1 <= h)
            };
            r.first = within(best.first);
            if r.first.is_some() {
                r.second = within(best.second);
            }
            r
        })
        .collect()
}

/// Coverage shares of one area from merged results: what `coverage_by_district.csv` of a
/// whole run gives for demand, exact because both thresholds are within the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaShares {
    pub name: String,
    pub kind: String,
    pub demand_points: usize,
    pub demand_weight: f64,
    pub demand_coverage: Option<f64>,
    pub second_due_coverage: Option<f64>,
    /// Weighted percentiles; None when beyond the horizon.
    pub p50_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub off_network: usize,
    /// On the network, no station within the horizon (unreachable or later).
    pub beyond_horizon: usize,
}

/// The merged results of every tile.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// Every demand point, in input order.
    pub points: Vec<PointResult>,
    /// Per district, then `(outside districts)` when any point is outside, then `(region)`.
    pub areas: Vec<AreaShares>,
    pub horizon_s: f64,
    pub threshold_s: f64,
}

/// Joins the tiles' results (`(file name, rows)` per tile): every demand point exactly
/// once, or an error naming the file.
pub fn merge(
    demand_points: usize,
    districts: &[ManifestDistrict],
    horizon_s: f64,
    threshold_s: f64,
    second_threshold_s: f64,
    results: Vec<(String, Vec<PointResult>)>,
) -> Result<Merged> {
    let mut slots: Vec<Option<PointResult>> = vec![None; demand_points];
    for (file, rows) in results {
        for r in rows {
            let Some(slot) = slots.get_mut(r.index as usize) else {
                return Err(Error::Scenario(format!(
                    "{file}: demand point {} does not exist (the split has {demand_points}); \
                     split again",
                    r.index
                )));
            };
            if slot.is_some() {
                return Err(Error::Scenario(format!(
                    "{file}: demand point {} ({}) is in two tiles' results; split again",
                    r.index, r.id
                )));
            }
            if r.district.is_some_and(|d| d as usize >= districts.len()) {
                return Err(Error::Scenario(format!(
                    "{file}: demand point {} names district {} of {}",
                    r.index,
                    r.district.unwrap_or_default(),
                    districts.len()
                )));
            }
            *slot = Some(r);
        }
    }
    let missing = slots.iter().filter(|s| s.is_none()).count();
    if missing > 0 {
        return Err(Error::Scenario(format!(
            "{missing} demand points have no result: the results do not match the manifest; \
             split again"
        )));
    }
    let points: Vec<PointResult> = slots.into_iter().flatten().collect();
    let shares = |name: &str, kind: &str, filter: &dyn Fn(Option<u32>) -> bool| {
        let inside: Vec<&PointResult> = points.iter().filter(|p| filter(p.district)).collect();
        let first: Vec<(Option<f64>, f64)> = inside
            .iter()
            .map(|p| (p.first.as_ref().map(|f| f.1), p.weight))
            .collect();
        let second: Vec<(Option<f64>, f64)> = inside
            .iter()
            .map(|p| (p.second.as_ref().map(|f| f.1), p.weight))
            .collect();
        let weight: f64 = first.iter().map(|s| s.1).sum();
        let has = weight > 0.0;
        AreaShares {
            name: name.to_string(),
            kind: kind.to_string(),
            demand_points: inside.len(),
            demand_weight: weight,
            demand_coverage: has.then(|| super::stats::covered_share(&first, threshold_s)),
            second_due_coverage: has
                .then(|| super::stats::covered_share(&second, second_threshold_s)),
            p50_s: super::stats::weighted_percentile(&first, 0.5).filter(|_| has),
            p90_s: super::stats::weighted_percentile(&first, 0.9).filter(|_| has),
            off_network: inside.iter().filter(|p| p.off_network).count(),
            beyond_horizon: inside
                .iter()
                .filter(|p| !p.off_network && p.first.is_none())
                .count(),
        }
    };
    let mut areas: Vec<AreaShares> = districts
        .iter()
        .enumerate()
        .map(|(i, d)| shares(&d.name, &d.kind, &|x| x == Some(i as u32)))
        .collect();
    if points.iter().any(|p| p.district.is_none()) {
        areas.push(shares("(outside districts)", "", &|x| x.is_none()));
    }
    areas.push(shares("(region)", "", &|_| true));
    Ok(Merged {
        points,
        areas,
        horizon_s,
        threshold_s,
    })
}

/// A merged point's status: `covered`, `late` (first station after the threshold, within
/// the horizon), `beyond-horizon`, `off-network`.
pub fn status(p: &PointResult, threshold_s: f64) -> &'static str {
    match &p.first {
        _ if p.off_network => "off-network",
        None => "beyond-horizon",
        Some((_, t)) if *t <= threshold_s => "covered",
        Some(_) => "late",
    }
}

/// A time as `demand_response.csv` prints it (one decimal).
fn fmt_s(t: f64) -> String {
    format!("{t:.1}")
}

/// The differences between merged results and a whole run's `demand_response.csv`
/// (`file` names it in the messages). A station and time must be equal where the whole
/// run's time is within the horizon, and "none within the horizon" where it is beyond;
/// a printed time within 0.05 s of the horizon (rounded to one decimal either way) may be
/// either.
pub fn compare(merged: &Merged, mono: &[crate::load::tiles::MonoRow], file: &str) -> Vec<String> {
    let mut out = Vec::new();
    if mono.len() != merged.points.len() {
        out.push(format!(
            "{file}: {} demand points, the split has {}",
            mono.len(),
            merged.points.len()
        ));
        return out;
    }
    let h = merged.horizon_s;
    for (m, p) in mono.iter().zip(&merged.points) {
        let at = format!("{file}, line {} (id {})", m.line, m.id);
        if m.id != p.id {
            out.push(format!("{at}: the split has id {} here", p.id));
            continue;
        }
        if (m.status == "off-network") != p.off_network {
            out.push(format!(
                "{at}: status {}, the split says {}",
                m.status,
                status(p, merged.threshold_s)
            ));
            continue;
        }
        for (what, station, time, mine) in [
            ("first", &m.first_station, &m.response_s, &p.first),
            ("second", &m.second_station, &m.second_response_s, &p.second),
        ] {
            let whole: Option<f64> = time.parse().ok();
            let mine_txt = mine.as_ref().map(|(s, t)| (s.clone(), fmt_s(*t)));
            let same = mine_txt.as_ref() == Some(&(station.clone(), time.clone()));
            let ok = match whole {
                None => mine.is_none(),
                Some(t) if t <= h - 0.05 => same,
                Some(t) if t > h + 0.05 => mine.is_none(),
                Some(_) => same || mine.is_none(),
            };
            if !ok {
                out.push(format!(
                    "{at}: {what} station {station} at {time} s in the whole run, {} in the split",
                    mine_txt.map_or("none within the horizon".to_string(), |(s, t)| format!(
                        "{s} at {t} s"
                    ))
                ));
            }
        }
    }
    out
}
