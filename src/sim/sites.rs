//! Incident places and their station rankings, computed once per run so that the event
//! loop never searches or snaps: every place (a demand point, or one of its jittered
//! copies) is snapped to the network and carries the responding stations it can be
//! reached from, sorted by response time, each with the drive back to the station.
//!
//! Response from station `o` to a place = `o`'s offset (dispatch + turnout + the
//! station's access leg) + travel from `o`'s snap point to the place's snap point
//! ([`StationTrees::travel_s`], as in static coverage) + the place's access leg. The
//! drive back = the place's access leg + travel from the place's snap point to `o`'s
//! (exact, over the reversed graph: one-way streets count) + `o`'s access leg.

use crate::model::area::DistrictLookup;

use rand::{Rng, RngExt};
use rayon::prelude::*;

use crate::coverage::trees::StationTrees;
use crate::coverage::PlacedStation;
use crate::network::{access_time_s, Network, SnapIndex, SnapPoint};

/// A responding station as seen from one place.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// Ranks the responding stations for every place (in parallel; the result does not
    /// depend on the thread count). `reversed` is `net.reversed()`; `ahead` and `back`
    /// are the station trees on `net` and on `reversed`.
    pub fn build(
        net: &Network,
        reversed: &Network,
        origins: &[PlacedStation],
        ahead: &StationTrees,
        back: &StationTrees,
        places: Vec<Place>,
    ) -> Sites {
        let snaps: Vec<Option<SnapPoint>> = places.iter().map(|p| Some(p.snap)).collect();
        let mut sites = Sites {
            places,
            rankings: Vec::new(),
        };
        sites.add_ranking(net, reversed, origins, ahead, back, &snaps);
        sites
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
        ahead: &StationTrees,
        back: &StationTrees,
        snaps: &[Option<SnapPoint>],
    ) -> u16 {
        let ranking = Ranking::build(net, reversed, origins, ahead, back, snaps);
        self.rankings.push(ranking);
        (self.rankings.len() - 1) as u16
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

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

impl Ranking {
    fn build(
        net: &Network,
        reversed: &Network,
        origins: &[PlacedStation],
        ahead: &StationTrees,
        back: &StationTrees,
        snaps: &[Option<SnapPoint>],
    ) -> Ranking {
        let ranked: Vec<Vec<Candidate>> = snaps
            .par_iter()
            .map(|p| {
                let Some(p) = p else {
                    return Vec::new();
                };
                let leg = access_time_s(p.access_m);
                let mut c: Vec<Candidate> = origins
                    .iter()
                    .enumerate()
                    .filter_map(|(o, st)| {
                        let go = ahead.travel_s(net, &st.snap, o, p)?;
                        // On the reversed graph, "from the station to the place" is the
                        // real drive from the place to the station.
                        let ret = back.travel_s(reversed, &st.snap, o, p)?;
                        Some(Candidate {
                            response_s: st.offset_s + go + leg,
                            return_s: leg + ret + access_time_s(st.snap.access_m),
                            origin: o as u32,
                        })
                    })
                    .collect();
                c.sort_by(|a, b| {
                    a.response_s
                        .total_cmp(&b.response_s)
                        .then(a.origin.cmp(&b.origin))
                });
                c
            })
            .collect();
        let mut first = Vec::with_capacity(snaps.len() + 1);
        first.push(0u32);
        let mut candidates = Vec::with_capacity(ranked.iter().map(Vec::len).sum());
        for r in ranked {
            candidates.extend(r);
            first.push(candidates.len() as u32);
        }
        Ranking { first, candidates }
    }
}
