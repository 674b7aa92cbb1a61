//! Everything a replication needs that does not change between replications: units at
//! stations, response plans as kind indices, station-to-node trees (ahead and back),
//! incident places with their station rankings, and the samplers of when, what and
//! where. Built once per scenario (and seed); replications only read it.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::weighted::WeightedAliasIndex;
use serde::Serialize;

use super::arrivals::ArrivalProfile;
use super::config::SimParams;
use super::service::OnSceneSampler;
use super::sites::{jitter, Candidate, Place, Sites, TooManyCandidates, MAX_RANKED_CANDIDATES};
use crate::coverage::{Coverage, PlacedStation};
use crate::error::{Error, Location, Result};
use crate::load::{Inputs, PreparedNetwork};
use crate::model::area::DistrictLookup;
use crate::model::IncidentType;
use crate::model::{DemandPoint, District, Station};
use crate::network::{access_time_s, SnapPoint};
use crate::network::{Network, SnapIndex};
use crate::params::simulation::Spatial;
use crate::params::ResponseParams;
use crate::params::Spread;
use crate::params::VehicleProfile;

/// The scenario as the simulation reads it: the prepared network, the inputs and their
/// static coverage (whose placed stations are the simulation's).
#[derive(Clone, Copy)]
pub struct World<'a> {
    pub network: &'a Network,
    pub index: &'a SnapIndex,
    pub stations: &'a [Station],
    pub demand: &'a [DemandPoint],
    pub districts: &'a [District],
    pub coverage: &'a Coverage,
    /// `[vehicles.KIND]`: units of these kinds drive their own network.
    pub profiles: &'a [VehicleProfile],
}

impl<'a> World<'a> {
    /// The world of a finished static run: its inputs, network and coverage.
    pub fn of(inputs: &'a Inputs, prepared: &'a PreparedNetwork, coverage: &'a Coverage) -> Self {
        World {
            network: &prepared.network,
            index: &prepared.index,
            stations: &inputs.stations,
            demand: inputs.demand.as_deref().unwrap_or(&[]),
            districts: &inputs.districts,
            coverage,
            profiles: &inputs.scenario.vehicle_profiles,
        }
    }
}

/// A responding station in the simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimStation {
    /// Index into the input stations.
    pub station: usize,
    pub id: String,
    /// Units per vehicle kind of [`SimSetup::kinds`].
    pub units: Vec<u32>,
    /// Took its fleet from `[simulation] default_fleet`.
    pub default_fleet: bool,
}

/// How the incident places were obtained.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlacesReport {
    pub demand_points: usize,
    /// Points farther than `max_snap_m` from any road: not drawn (the static run counts
    /// them as not covered).
    pub off_network_points: usize,
    /// Points of weight 0: never drawn.
    pub zero_weight_points: usize,
    /// Jittered draws off the network, drawn again.
    pub jitter_redraws: u64,
    /// Jittered copies given up after repeated off-network draws.
    pub jitter_skipped: u64,
    /// Places in the pool.
    pub places: usize,
}

/// Draws a place for an incident type: a demand point by weight, then one of its places.
#[derive(Debug, Clone)]
struct PlaceSampler {
    points: Vec<u32>,
    alias: WeightedAliasIndex<f64>,
}

/// The fixed part of a simulation.
#[derive(Debug, Clone)]
pub struct SimSetup {
    pub params: SimParams,
    pub response: ResponseParams,
    /// Vehicle kinds named by the response plans.
    pub kinds: Vec<String>,
    /// Per origin (placed station, in origin order).
    pub stations: Vec<SimStation>,
    /// Per type: (kind index, units).
    pub plans: Vec<Vec<(u16, u32)>>,
    pub sites: Sites,
    /// Per kind index: the ranking of [`SimSetup::sites`] its units use (0: the emergency
    /// network; a kind with a `[vehicles.KIND]` profile has its own).
    pub kind_ranking: Vec<u16>,
    pub district_names: Vec<String>,
    pub places_report: PlacesReport,
    /// Per demand point: its places `first..first + count`.
    pub(crate) point_places: Vec<(u32, u32)>,
    samplers: Vec<Option<PlaceSampler>>,
    pub(crate) arrivals: ArrivalProfile,
    /// Cumulative type shares.
    pub(crate) type_cdf: [f64; 5],
    pub(crate) on_scene: Vec<OnSceneSampler>,
    /// The calibrated spread of real responses around the median (`None`: free flow,
    /// every unit arrives exactly at its modelled time).
    pub spread: Option<Spread>,
}

/// The random stream of replication `rep` under `seed`.
pub fn replication_rng(seed: u64, rep: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(rep);
    rng
}

/// Stream of the place pool (jitter), apart from every replication's.
const POOL_STREAM: u64 = u64::MAX;

fn scenario_error(params: &SimParams, key: &str, field: &str, message: String) -> Error {
    Error::input(
        &params.source,
        Location::Key(key.to_string()),
        field,
        message,
    )
}

impl SimSetup {
    /// Builds the fixed part of a simulation. Fails when the fleet cannot serve a plan
    /// (a kind no responding station has), when no station has any unit, or when no
    /// demand point lies on the network.
    pub fn build(world: World, params: SimParams) -> Result<SimSetup> {
        let net = world.network;
        let cov = world.coverage;
        let origins = &cov.origins;

        // Vehicle kinds of the plans, in type order then name order.
        let mut kinds: Vec<String> = Vec::new();
        for t in &params.types {
            for k in t.plan.keys() {
                if !kinds.contains(k) {
                    kinds.push(k.clone());
                }
            }
        }
        let kind_of = |k: &str| kinds.iter().position(|x| x == k);
        let mut stations = Vec::with_capacity(origins.len());
        let mut fleet_kinds: Vec<String> = Vec::new();
        for o in origins {
            let st = &world.stations[o.station];
            let mut units = vec![0u32; kinds.len()];
            let default_fleet = st.vehicles.is_empty();
            let rows: Vec<(String, u32)> = if default_fleet {
                params
                    .default_fleet
                    .iter()
                    .map(|(k, &n)| (k.clone(), n))
                    .collect()
            } else {
                st.vehicles
                    .iter()
                    .map(|v| (v.kind.trim().to_lowercase(), v.count))
                    .collect()
            };
            for (k, n) in rows {
                if n > 0 && !fleet_kinds.contains(&k) {
                    fleet_kinds.push(k.clone());
                }
                if let Some(i) = kind_of(&k) {
                    units[i] += n;
                }
            }
            stations.push(SimStation {
                station: o.station,
                id: st.id.clone(),
                units,
                default_fleet,
            });
        }
        fleet_kinds.sort();
        if fleet_kinds.is_empty() {
            return Err(scenario_error(
                &params,
                "simulation.default_fleet",
                "default_fleet",
                "no responding station has any vehicle: give `[stations] vehicles = \"…\"` or \
                 `[simulation] default_fleet = { engine = 2, … }`"
                    .to_string(),
            ));
        }
        let mut plans = Vec::with_capacity(params.types.len());
        for t in &params.types {
            let mut plan = Vec::new();
            for (k, &n) in &t.plan {
                let i = kind_of(k).unwrap_or(0);
                let total: u32 = stations.iter().map(|s| s.units[i]).sum();
                if total == 0 && t.share > 0.0 {
                    let name = t.kind.as_str();
                    let default = if params.sources.contains_key(&format!("plans.{name}")) {
                        ""
                    } else {
                        " (the default plan)"
                    };
                    return Err(scenario_error(
                        &params,
                        &format!("simulation.plans.{name}"),
                        k,
                        format!(
                            "the `{name}` plan{default} needs `{k}` units, but no responding \
                             station has any; the fleet has: {}. Set `[simulation.plans] \
                             {name} = {{ … }}` with kinds the stations have",
                            fleet_kinds.join(", ")
                        ),
                    ));
                }
                plan.push((i as u16, n));
            }
            plans.push(plan);
        }

        // Places: the demand points on the network, or jittered copies of them.
        let districts = DistrictLookup::new(world.districts);
        let mut report = PlacesReport {
            demand_points: world.demand.len(),
            ..PlacesReport::default()
        };
        let mut places: Vec<Place> = Vec::new();
        let mut point_places = vec![(0u32, 0u32); world.demand.len()];
        let mut rng = replication_rng(params.seed, POOL_STREAM);
        for (i, (d, r)) in world.demand.iter().zip(&cov.demand).enumerate() {
            let snap = match r.snap {
                Some(s) if !r.off_network => s,
                _ => {
                    report.off_network_points += 1;
                    continue;
                }
            };
            if d.weight <= 0.0 {
                report.zero_weight_points += 1;
                continue;
            }
            let first = places.len() as u32;
            if params.jitter_m > 0.0 {
                let j = jitter(
                    net,
                    world.index,
                    &districts,
                    i as u32,
                    (d.location.x(), d.location.y()),
                    params.jitter_m,
                    params.jitter_samples,
                    cov.max_snap_m,
                    &mut rng,
                );
                report.jitter_redraws += j.redraws as u64;
                report.jitter_skipped += j.skipped as u64;
                places.extend(j.places);
            } else {
                places.push(Place {
                    point: i as u32,
                    snap,
                    lon: d.location.x(),
                    lat: d.location.y(),
                    district: r.district.map(|x| x as u32),
                });
            }
            point_places[i] = (first, places.len() as u32 - first);
        }
        report.places = places.len();

        // Samplers of where, per type.
        let usable: Vec<u32> = (0..world.demand.len() as u32)
            .filter(|&i| point_places[i as usize].1 > 0)
            .collect();
        if usable.is_empty() {
            return Err(Error::Scenario(format!(
                "{}: simulation: no demand point lies on the road network (of {}, {} are \
                 off-network and {} have weight 0)",
                params.source.display(),
                report.demand_points,
                report.off_network_points,
                report.zero_weight_points
            )));
        }
        let sampler = |points: Vec<u32>| -> Option<PlaceSampler> {
            let w: Vec<f64> = points
                .iter()
                .map(|&i| world.demand[i as usize].weight)
                .collect();
            WeightedAliasIndex::new(w)
                .ok()
                .map(|alias| PlaceSampler { points, alias })
        };
        let by_kind = params.spatial == Spatial::Incidents
            && world
                .demand
                .iter()
                .any(|d| d.kind.as_deref().and_then(IncidentType::parse).is_some());
        let all = sampler(usable.clone());
        let samplers = IncidentType::ALL
            .iter()
            .map(|&t| {
                if by_kind {
                    let own: Vec<u32> = usable
                        .iter()
                        .copied()
                        .filter(|&i| {
                            world.demand[i as usize]
                                .kind
                                .as_deref()
                                .map(IncidentType::of_record)
                                == Some(t)
                        })
                        .collect();
                    if !own.is_empty() {
                        return sampler(own);
                    }
                }
                all.clone()
            })
            .collect();

        // Every place's stations within the dispatch reach, once per scenario.
        let reach_s = params.dispatch_reach_s();
        let reversed = net.reversed();
        let too_many = |t: TooManyCandidates| {
            scenario_error(
                &params,
                "simulation.dispatch_reach_min",
                "dispatch_reach_min",
                format!(
                    "within {} min of travel, the first {} of {} stations already reach {} \
                     station-place pairs over {} places (more than {}, ≈ {:.1} GB of \
                     rankings): set `[simulation] dispatch_reach_min` lower (e.g. 20 on a \
                     province) or draw fewer places (`jitter_samples`)",
                    params.dispatch_reach_min,
                    t.stations_searched,
                    t.stations,
                    t.candidates,
                    t.places,
                    MAX_RANKED_CANDIDATES,
                    t.candidates as f64 * 24.0 / 1e9
                ),
            )
        };
        let mut sites = Sites::build(
            net,
            &reversed,
            origins,
            places,
            reach_s,
            MAX_RANKED_CANDIDATES,
        )
        .map_err(too_many)?;
        // Kinds with a vehicle profile: their own network, trees and ranking.
        let kind_ranking = kinds
            .iter()
            .map(|k| {
                let Some(profile) = world
                    .profiles
                    .iter()
                    .find(|p| p.kind.trim().to_lowercase() == *k)
                else {
                    return Ok(0);
                };
                let (own, barred) = net.for_vehicle(profile);
                let own_reversed = own.reversed();
                // Stations and places join the nearest road the vehicle may use (only
                // where some road is barred to it: else they stand where they are).
                let own_index = (!barred.is_empty()).then(|| SnapIndex::new(&own));
                let resnap = |lon: f64, lat: f64| {
                    own_index.as_ref().map(|index| {
                        index
                            .snap(&own, lon, lat)
                            .filter(|s| s.access_m <= cov.max_snap_m)
                    })
                };
                let own_origins: Vec<PlacedStation> = origins
                    .iter()
                    .map(|o| {
                        let at = &world.stations[o.station].location;
                        match resnap(at.x(), at.y()) {
                            Some(Some(snap)) => PlacedStation {
                                offset_s: o.offset_s - access_time_s(o.snap.access_m)
                                    + access_time_s(snap.access_m),
                                snap,
                                ..*o
                            },
                            _ => o.clone(),
                        }
                    })
                    .collect();
                let snaps: Vec<Option<SnapPoint>> = sites
                    .places
                    .iter()
                    .map(|p| resnap(p.lon, p.lat).unwrap_or(Some(p.snap)))
                    .collect();
                sites
                    .add_ranking(
                        &own,
                        &own_reversed,
                        &own_origins,
                        &snaps,
                        reach_s,
                        MAX_RANKED_CANDIDATES,
                    )
                    .map_err(too_many)
            })
            .collect::<Result<Vec<u16>>>()?;

        let mut type_cdf = [0.0; 5];
        let mut acc = 0.0;
        for (i, t) in params.types.iter().enumerate() {
            acc += t.share;
            type_cdf[i] = acc;
        }
        // Rounding leftovers go to the last type that happens at all.
        if let Some(last) = params.types.iter().rposition(|t| t.share > 0.0) {
            type_cdf[last..].fill(f64::INFINITY);
        }
        let arrivals = ArrivalProfile::new(
            params.rate_per_year(),
            &params.hour_profile,
            &params.weekday_profile,
        );
        let on_scene = params
            .types
            .iter()
            .map(|t| OnSceneSampler::new(&t.on_scene))
            .collect();
        Ok(SimSetup {
            response: cov.params,
            kinds,
            stations,
            plans,
            sites,
            kind_ranking,
            district_names: world.districts.iter().map(|d| d.name.clone()).collect(),
            places_report: report,
            point_places,
            samplers,
            arrivals,
            type_cdf,
            on_scene,
            params,
            spread: None,
        })
    }

    /// A unit's realised response on a call whose draw is `delay_z`: the modelled (median)
    /// response itself without a calibrated spread.
    #[inline]
    pub fn realised_s(&self, response_s: f64, delay_z: f64) -> f64 {
        match &self.spread {
            Some(s) => s.realised_s(response_s, delay_z),
            None => response_s,
        }
    }

    /// The stations reaching place `i` for units of kind index `k`, nearest first (over the
    /// roads that kind may use).
    #[inline]
    pub fn ranking_for(&self, k: u16, i: u32) -> &[Candidate] {
        self.sites.ranking_on(self.kind_ranking[k as usize], i)
    }

    /// Units of kind index `k` at origin `o`.
    #[inline]
    pub fn units(&self, o: u32, k: u16) -> u32 {
        self.stations[o as usize].units[k as usize]
    }

    /// The places drawn from demand point `i` (indices into [`SimSetup::sites`]).
    pub fn places_of_point(&self, i: usize) -> std::ops::Range<u32> {
        let (first, n) = self.point_places.get(i).copied().unwrap_or((0, 0));
        first..first + n
    }

    /// Draws a place for an incident of type `t`.
    #[inline]
    pub(crate) fn draw_place<R: rand::Rng + ?Sized>(&self, t: IncidentType, rng: &mut R) -> u32 {
        use rand::RngExt;
        use rand_distr::Distribution;
        // Every type has a sampler: `usable` is not empty and has positive weights.
        let Some(s) = self.samplers[t.index()].as_ref() else {
            return 0;
        };
        let point = s.points[s.alias.sample(rng)];
        let (first, n) = self.point_places[point as usize];
        if n == 1 {
            first
        } else {
            first + rng.random_range(0..n)
        }
    }
}
