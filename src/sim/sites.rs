//! Incident places and their station rankings, computed once per run so that the event
//! loop never searches or snaps: every place (a demand point, or one of its jittered
//! copies) is snapped to the network and carries the responding stations within the
//! dispatch reach, sorted by response time, each with the drive back to the station.
//!
//! Response from station `o` to a place = `o`'s offset (dispatch + turnout + the
//! station's access leg) + travel from `o`'s snap point to the place's snap point (as
//! [`crate::coverage::trees::StationTrees::travel_s`] and static coverage compute it) +
//! the place's access leg. The drive back = the place's access leg + travel from the
//! place's snap point to `o`'s (exact, over the reversed graph: one-way streets count) +
//! `o`'s access leg.
//!
//! Rankings are built station by station: one search ahead bounded by the reach, then
//! one back that stops once the places it found are final; only the candidates are
//! kept, never a tree. Memory is the candidates (places × stations within reach), not
//! stations × vertices: at province scale (5 M vertices, thousands of stations) whole
//! trees would take hundreds of GB.

use crate::model::area::DistrictLookup;

use rand::{Rng, RngExt};
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::coverage::PlacedStation;
use crate::network::search::Dijkstra;
use crate::network::{access_time_s, Network, SnapIndex, SnapPoint};

/// A responding station as seen from one place.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Candidate {
    /// Response time from the dispatch order's call to arrival, seconds (dispatch +
    /// turnout + travel, access legs included).
    pub response_s: f64,
    /// Drive from the place back into the station, seconds.
    pub return_s: f64,
    /// Origin index (station placed on the network, numbered by station id).
    pub origin: u32,
}

/// Where an incident can happen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// Index of the demand point it was drawn from.
    pub point: u32,
    pub snap: SnapPoint,
    /// The place itself (the jittered position), degrees.
    pub lon: f64,
    pub lat: f64,
    /// Rescue district index.
    pub district: Option<u32>,
}

/// All places and, per place, the stations that reach it, nearest first.
#[derive(Debug, Clone)]
pub struct Sites {
    pub places: Vec<Place>,
    /// The stations ranked for every place: on the emergency network first, then on each
    /// vehicle profile's own network ([`Sites::add_ranking`]).
    rankings: Vec<Ranking>,
}

/// The stations reaching each place on one network, nearest first.
#[derive(Debug, Clone)]
struct Ranking {
    /// CSR: the candidates of place `i` are `candidates[first[i]..first[i + 1]]`.
    first: Vec<u32>,
    candidates: Vec<Candidate>,
}

/// Outcome of drawing jittered copies of one point.
pub struct Jittered {
    pub places: Vec<Place>,
    /// Draws that fell farther than `max_snap_m` from a road and were drawn again.
    pub redraws: u32,
    /// Copies given up after [`MAX_TRIES`] off-network draws.
    pub skipped: u32,
}

/// Off-network draws tried per jittered copy before it is given up.
pub const MAX_TRIES: u32 = 20;

/// `samples` copies of the point `(lon, lat)`, each moved uniformly within `jitter_m`
/// metres (in the network's local projection) and snapped; draws off the network are
/// drawn again.
#[allow(clippy::too_many_arguments)]
pub fn jitter<R: Rng + ?Sized>(
    net: &Network,
    index: &SnapIndex,
    districts: &DistrictLookup,
    point: u32,
    (lon, lat): (f64, f64),
    jitter_m: f64,
    samples: u32,
    max_snap_m: f64,
    rng: &mut R,
) -> Jittered {
    let mut out = Jittered {
        places: Vec::with_capacity(samples as usize),
        redraws: 0,
        skipped: 0,
    };
    let centre = net.projection.project(lon, lat);
    for _ in 0..samples {
        let mut placed = false;
        for _ in 0..MAX_TRIES {
            let r = jitter_m * rng.random::<f64>().sqrt();
            let a = std::f64::consts::TAU * rng.random::<f64>();
            let (jlon, jlat) = net
                .projection
                .unproject([centre[0] + r * a.cos(), centre[1] + r * a.sin()]);
            match index.snap(net, jlon, jlat) {
                Some(snap) if snap.access_m <= max_snap_m => {
                    out.places.push(Place {
                        point,
                        snap,
                        lon: jlon,
                        lat: jlat,
                        district: districts.of(geo::Point::new(jlon, jlat)).map(|i| i as u32),
                    });
                    placed = true;
                    break;
                }
                _ => out.redraws += 1,
            }
        }
        if !placed {
            out.skipped += 1;
        }
    }
    out
}

impl Sites {
    /// Ranks the responding stations within `reach_s` of travel (without access legs)
    /// for every place (in parallel; the result does not depend on the thread count),
    /// giving up past `max_pairs` station-place pairs ([`MAX_RANKED_CANDIDATES`] in a
    /// simulation). `reversed` is `net.reversed()`.
    pub fn build(
        net: &Network,
        reversed: &Network,
        origins: &[PlacedStation],
        places: Vec<Place>,
        reach_s: f64,
        max_pairs: usize,
    ) -> Result<Sites, TooManyCandidates> {
        let snaps: Vec<Option<SnapPoint>> = places.iter().map(|p| Some(p.snap)).collect();
        let mut sites = Sites {
            places,
            rankings: Vec::new(),
        };
        sites.add_ranking(net, reversed, origins, &snaps, reach_s, max_pairs)?;
        Ok(sites)
    }

    /// Ranks the stations again on another network of the same nodes and segments (a
    /// vehicle profile's, [`Network::for_vehicle`]), with the places joined to it at
    /// `snaps` (in place order; `None`: beyond reach of any road it may use) and the
    /// stations as placed on it; returns its index for [`Sites::ranking_on`].
    pub fn add_ranking(
        &mut self,
        net: &Network,
        reversed: &Network,
        origins: &[PlacedStation],
        snaps: &[Option<SnapPoint>],
        reach_s: f64,
        max_pairs: usize,
    ) -> Result<u16, TooManyCandidates> {
        let ranking = Ranking::build(net, reversed, origins, snaps, reach_s, max_pairs)?;
        self.rankings.push(ranking);
        Ok((self.rankings.len() - 1) as u16)
    }

    /// The stations reaching place `i` on the emergency network, nearest first (ties:
    /// lower origin).
    #[inline]
    pub fn ranking(&self, i: u32) -> &[Candidate] {
        self.ranking_on(0, i)
    }

    /// The same on ranking `r` (0: the emergency network; then each vehicle profile's).
    #[inline]
    pub fn ranking_on(&self, r: u16, i: u32) -> &[Candidate] {
        let k = &self.rankings[r as usize];
        &k.candidates[k.first[i as usize] as usize..k.first[i as usize + 1] as usize]
    }

    /// Candidates held over all places and rankings (what the rankings' memory grows with).
    pub fn candidate_count(&self) -> usize {
        self.rankings.iter().map(|r| r.candidates.len()).sum()
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

/// Station-place pairs a ranking may hold (24 bytes each in the ranking, more while it is
/// gathered): beyond this the rankings would not fit a 24 GiB machine beside the network.
pub const MAX_RANKED_CANDIDATES: usize = 250_000_000;

/// A ranking given up past its limit of station-place pairs: the pairs found by the stations
/// searched so far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TooManyCandidates {
    pub candidates: usize,
    pub stations_searched: usize,
    pub stations: usize,
    pub places: usize,
}

/// The places a search can finish at, by vertex: CSR over the vertices of one graph, each
/// entry a place whose snap point is reached from that vertex and the seconds from the
/// vertex to it ([`Network::arrivals`]).
struct PlacesByVertex {
    first: Vec<u32>,
    entries: Vec<(u32, f64)>,
}

impl PlacesByVertex {
    fn new(net: &Network, snaps: &[Option<SnapPoint>]) -> PlacesByVertex {
        let arrivals: Vec<Vec<(u32, f64)>> = snaps
            .par_iter()
            .map(|p| p.as_ref().map(|p| net.arrivals(p)).unwrap_or_default())
            .collect();
        let (first, entries) = group_by_key(net.vertex_count(), || {
            arrivals
                .iter()
                .enumerate()
                .flat_map(|(place, a)| a.iter().map(move |&(v, t)| (v, (place as u32, t))))
        });
        PlacesByVertex { first, entries }
    }

    fn at(&self, v: u32) -> &[(u32, f64)] {
        &self.entries[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }
}

/// The best time so far per place, with the places touched: one per worker.
struct Best {
    best_s: Vec<f64>,
    touched: Vec<u32>,
}

impl Best {
    fn new(places: usize) -> Best {
        Best {
            best_s: vec![f64::INFINITY; places],
            touched: Vec::new(),
        }
    }

    /// Offers `t` as place `i`'s time.
    fn offer(&mut self, i: u32, t: f64) {
        let b = &mut self.best_s[i as usize];
        if b.is_infinite() {
            self.touched.push(i);
        }
        if t < *b {
            *b = t;
        }
    }

    /// Takes the touched places with their times (in the order first reached: each
    /// place's candidates are sorted later) and forgets them.
    fn take(&mut self) -> Vec<(u32, f64)> {
        let best_s = &mut self.best_s;
        self.touched
            .drain(..)
            .map(|i| (i, std::mem::replace(&mut best_s[i as usize], f64::INFINITY)))
            .collect()
    }
}

/// Items grouped by key (`0..keys`), in their order within a key, as CSR: the items of
/// key `k` are `items[first[k]..first[k + 1]]`. `items` is iterated twice.
fn group_by_key<T: Copy + Default, I: Iterator<Item = (u32, T)>>(
    keys: usize,
    items: impl Fn() -> I,
) -> (Vec<u32>, Vec<T>) {
    let mut first = vec![0u32; keys + 1];
    for (k, _) in items() {
        first[k as usize + 1] += 1;
    }
    for k in 0..keys {
        first[k + 1] += first[k];
    }
    let mut next = first.clone();
    let mut grouped = vec![T::default(); first[keys] as usize];
    for (k, item) in items() {
        grouped[next[k as usize] as usize] = item;
        next[k as usize] += 1;
    }
    (first, grouped)
}

impl Ranking {
    /// Station by station: the places within `reach_s` of travel ahead (one bounded
    /// search), then the exact drive back from each of them (one search on the reversed
    /// graph, stopped once their vertices are final); then each place's candidates sorted.
    fn build(
        net: &Network,
        reversed: &Network,
        origins: &[PlacedStation],
        snaps: &[Option<SnapPoint>],
        reach_s: f64,
        max_pairs: usize,
    ) -> Result<Ranking, TooManyCandidates> {
        let by_vertex = PlacesByVertex::new(net, snaps);
        // Places on a station's own segment are reached along it, maybe without a vertex.
        let mut origin_segments: Vec<(u32, usize)> = origins
            .iter()
            .enumerate()
            .map(|(o, st)| (st.snap.segment, o))
            .collect();
        origin_segments.sort_unstable();
        let mut on_segment: Vec<Vec<u32>> = vec![Vec::new(); origins.len()];
        for (i, p) in snaps.iter().enumerate() {
            let Some(p) = p else { continue };
            let from = origin_segments.partition_point(|&(s, _)| s < p.segment);
            for &(_, o) in origin_segments[from..]
                .iter()
                .take_while(|&&(s, _)| s == p.segment)
            {
                on_segment[o].push(i as u32);
            }
        }
        let held = AtomicUsize::new(0);
        let searched = AtomicUsize::new(0);
        let per_origin: Vec<Vec<(u32, Candidate)>> = origins
            .par_iter()
            .enumerate()
            .map_init(
                || (Dijkstra::new(net.vertex_count()), Best::new(snaps.len())),
                |(dij, best), (o, st)| {
                    if held.load(Ordering::Relaxed) > max_pairs {
                        return Vec::new();
                    }
                    searched.fetch_add(1, Ordering::Relaxed);
                    dij.run(net, &net.departures(&st.snap), reach_s);
                    let times = dij.times();
                    for &v in dij.reached() {
                        let tv = times[v as usize] as f32 as f64;
                        for &(i, t) in by_vertex.at(v) {
                            best.offer(i, tv + t);
                        }
                    }
                    for &i in &on_segment[o] {
                        if let Some(t) = snaps[i as usize]
                            .as_ref()
                            .and_then(|p| net.along_segment_s(&st.snap, p))
                        {
                            best.offer(i, t);
                        }
                    }
                    let ahead: Vec<(u32, f64)> = best
                        .take()
                        .into_iter()
                        .filter(|&(_, t)| t <= reach_s)
                        .collect();
                    held.fetch_add(ahead.len(), Ordering::Relaxed);
                    // On the reversed graph, "from the station to the place" is the real
                    // drive from the place to the station.
                    let mut legs = Vec::with_capacity(2 * ahead.len());
                    let mut at = Vec::with_capacity(4);
                    for (g, &(i, _)) in ahead.iter().enumerate() {
                        if let Some(p) = &snaps[i as usize] {
                            at.clear();
                            reversed.arrivals_into(p, &mut at);
                            legs.extend(at.iter().map(|&(v, t)| (v, g as u32, t)));
                        }
                    }
                    let back_s = dij.run_until_legs_final(
                        reversed,
                        &reversed.departures(&st.snap),
                        &legs,
                        ahead.len(),
                    );
                    ahead
                        .into_iter()
                        .zip(back_s)
                        .filter_map(|((i, go), via_nodes)| {
                            let p = snaps[i as usize].as_ref()?;
                            let direct = reversed.along_segment_s(&st.snap, p);
                            let ret = via_nodes.min(direct.unwrap_or(f64::INFINITY));
                            ret.is_finite().then(|| {
                                let leg = access_time_s(p.access_m);
                                (
                                    i,
                                    Candidate {
                                        response_s: st.offset_s + go + leg,
                                        return_s: leg + ret + access_time_s(st.snap.access_m),
                                        origin: o as u32,
                                    },
                                )
                            })
                        })
                        .collect()
                },
            )
            .collect();
        // The total is the same whatever the threads did: stopping early only happens
        // when it is past the limit anyway.
        let pairs = held.into_inner();
        if pairs > max_pairs {
            return Err(TooManyCandidates {
                candidates: pairs,
                stations_searched: searched.into_inner(),
                stations: origins.len(),
                places: snaps.len(),
            });
        }
        // Gather by place (origin order within a place), then sort each place's list.
        let (first, mut candidates) = group_by_key(snaps.len(), || {
            per_origin.iter().flat_map(|list| list.iter().copied())
        });
        let mut slices: Vec<&mut [Candidate]> = Vec::with_capacity(snaps.len());
        let mut rest = candidates.as_mut_slice();
        for i in 0..snaps.len() {
            let (head, tail) = rest.split_at_mut((first[i + 1] - first[i]) as usize);
            slices.push(head);
            rest = tail;
        }
        slices.into_par_iter().for_each(|c| {
            c.sort_by(|a, b| {
                a.response_s
                    .total_cmp(&b.response_s)
                    .then(a.origin.cmp(&b.origin))
            })
        });
        Ok(Ranking { first, candidates })
    }
}
