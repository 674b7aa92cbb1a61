//! Response coverage (DESIGN §4): response times for every demand point, road segment and
//! grid cell; first-due areas (辖区); second-due coverage; all per rescue district and for
//! the whole region. One two-label search serves every station at once.

pub mod area;
pub mod drone;
pub mod envelope;
pub mod service_areas;
pub mod sites;
pub mod stats;
pub mod tiles;
pub mod trees;
pub mod vehicles;

use crate::model::area::DistrictLookup;
use std::collections::HashMap;

use geo::Point;
use rayon::prelude::*;
use serde::Serialize;

use crate::model::{DemandPoint, District, Station};
use crate::network::search::{two_nearest, Seed, TwoNearest, NO_ORIGIN};
use crate::network::{access_time_s, Network, SnapIndex, SnapPoint};
use crate::params::ResponseParams;
use area::CellPiece;
use envelope::{Envelope, Piece};

/// A station as the search sees it: only stations that respond (not closed, not
/// logistics) and reach the network become origins; origins are numbered in station-id
/// order so that results do not depend on the order of the stations file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedStation {
    /// Index into the input stations.
    pub station: usize,
    pub snap: SnapPoint,
    /// Dispatch + turnout + access leg, seconds: the response time at the snap point.
    pub offset_s: f64,
}

/// What happened to each input station.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Placement {
    /// Takes part as origin number `0`.
    Origin(u32),
    /// Closed or logistics: no first-due area by definition.
    NotResponding,
    /// Farther than `max_snap_m` from any road (distance in metres).
    OffNetwork(f64),
}

/// Response at one place: the two nearest distinct stations (origin, seconds).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Response {
    pub first: Option<(u32, f64)>,
    pub second: Option<(u32, f64)>,
}

impl Response {
    pub fn first_s(&self) -> Option<f64> {
        self.first.map(|f| f.1)
    }
    pub fn second_s(&self) -> Option<f64> {
        self.second.map(|s| s.1)
    }
}

/// A demand point's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandResult {
    pub snap: Option<SnapPoint>,
    /// Farther than `max_snap_m` from any road: listed, counted uncovered, never moved.
    pub off_network: bool,
    /// Includes the place's own access leg.
    pub response: Response,
    /// Rescue district index (None: outside every district).
    pub district: Option<usize>,
}

/// A road segment's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentResult {
    /// Fractions (0 at node a, 1 at node b) reached within the threshold.
    pub covered: Vec<(f64, f64)>,
    /// Worst response on the segment, seconds (None: unreachable).
    pub worst_s: Option<f64>,
    /// Response at each end node.
    pub at_a_s: Option<f64>,
    pub at_b_s: Option<f64>,
    /// First-due station at the segment's midpoint.
    pub owner: Option<u32>,
    pub district: Option<usize>,
}

/// A grid cell piece's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellResult {
    /// Response at the road point nearest the cell centre (None: unreachable or farther
    /// than `max_snap_m` from a road).
    pub response_s: Option<f64>,
    pub owner: Option<u32>,
}

/// Coverage figures of one area (a district or the whole region).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Metrics {
    /// Share of demand weight reached within the threshold (None: no demand).
    pub demand_coverage: Option<f64>,
    pub road_coverage: Option<f64>,
    pub area_coverage: Option<f64>,
    /// Share of demand weight reached by two different stations within the second threshold.
    pub second_due_coverage: Option<f64>,
    pub p50_s: Option<f64>,
    pub p90_s: Option<f64>,
    /// Worst response among reached demand points.
    pub max_s: Option<f64>,
    pub demand_points: usize,
    pub demand_weight: f64,
    /// Demand points farther than `max_snap_m` from any road.
    pub off_network: usize,
    /// Demand points on the network that no station reaches.
    pub unreachable: usize,
    pub road_km: f64,
    pub covered_road_km: f64,
    pub area_km2: f64,
    pub covered_area_km2: f64,
}

/// A station's first-due area (辖区) and worst times.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct FirstDueArea {
    pub area_km2: f64,
    pub nodes: usize,
    pub demand_points: usize,
    pub demand_weight: f64,
    /// Share of all demand weight.
    pub demand_share: f64,
    /// Worst response on any road of the area: the 5-minute rule asks that the edge of
    /// the area be reached within 300 s (建标152-2017).
    pub worst_road_s: Option<f64>,
    /// Worst response to a demand point of the area.
    pub worst_demand_s: Option<f64>,
    /// Road length whose first station this is, km.
    pub road_km: f64,
    /// The same figures for the part of the area in urban, suburban and rural districts
    /// and outside every district ([`KindPart::slot`]): the first-due rules of
    /// 建标152-2017 and GB 51080-2015 speak of the part within urban construction land.
    pub by_kind: [KindPart; 4],
}

/// Area, road and worst road time of the part of a first-due area in districts of one
/// kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct KindPart {
    pub area_km2: f64,
    pub road_km: f64,
    pub worst_road_s: Option<f64>,
}

impl KindPart {
    /// Adds another part: areas and road lengths sum, the worst time is the larger.
    pub fn add(&mut self, other: &KindPart) {
        self.area_km2 += other.area_km2;
        self.road_km += other.road_km;
        self.worst_road_s = match (self.worst_road_s, other.worst_road_s) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// Index into [`FirstDueArea::by_kind`]: urban 0, suburban 1, rural 2, outside every
    /// district 3.
    pub fn slot(kind: Option<crate::model::DistrictKind>) -> usize {
        use crate::model::DistrictKind::*;
        match kind {
            Some(Urban) => 0,
            Some(Suburban) => 1,
            Some(Rural) => 2,
            None => 3,
        }
    }
}

/// Everything [`evaluate`] computes.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub params: ResponseParams,
    pub max_snap_m: f64,
    pub placement: Vec<Placement>,
    pub origins: Vec<PlacedStation>,
    pub labels: TwoNearest,
    pub demand: Vec<DemandResult>,
    pub segments: Vec<SegmentResult>,
    pub cells: Vec<CellPiece>,
    pub cell_results: Vec<CellResult>,
    pub region: Metrics,
    pub districts: Vec<Metrics>,
    /// Demand points and roads inside no district (the grid never is).
    pub outside: Metrics,
    /// Per origin.
    pub first_due: Vec<FirstDueArea>,
    /// Special-risk sites of the `[areas]` layer (重点风险场所), in layer order: filled by
    /// [`sites::evaluate_sites`] where the areas are known (`run::evaluate_variant`);
    /// empty from [`evaluate`] alone.
    pub sites: Vec<sites::SiteResponse>,
}

/// Places responding stations on the network.
pub fn place_stations(
    net: &Network,
    index: &SnapIndex,
    stations: &[Station],
    params: &ResponseParams,
    max_snap_m: f64,
) -> (Vec<Placement>, Vec<PlacedStation>) {
    let mut order: Vec<usize> = (0..stations.len()).collect();
    order.sort_unstable_by(|&a, &b| stations[a].id.cmp(&stations[b].id).then(a.cmp(&b)));
    // Snapped on every core: a pure function of each station.
    let mut snaps: Vec<Option<SnapPoint>> = stations
        .par_iter()
        .map(|s| {
            s.responds_with(params.micro_and_volunteer_respond)
                .then(|| index.snap(net, s.location.x(), s.location.y()))
                .flatten()
        })
        .collect();
    let mut placement = vec![Placement::NotResponding; stations.len()];
    let mut origins = Vec::new();
    for i in order {
        let s = &stations[i];
        if !s.responds_with(params.micro_and_volunteer_respond) {
            continue;
        }
        let Some(snap) = snaps[i].take() else {
            placement[i] = Placement::OffNetwork(f64::INFINITY);
            continue;
        };
        if snap.access_m > max_snap_m {
            placement[i] = Placement::OffNetwork(snap.access_m);
            continue;
        }
        let offset_s = params.dispatch_s
            + s.turnout_s.unwrap_or(params.turnout_s)
            + access_time_s(snap.access_m);
        placement[i] = Placement::Origin(origins.len() as u32);
        origins.push(PlacedStation {
            station: i,
            snap,
            offset_s,
        });
    }
    (placement, origins)
}

/// Search seeds of the placed stations.
pub fn seeds(net: &Network, origins: &[PlacedStation]) -> Vec<Seed> {
    let mut out = Vec::with_capacity(origins.len() * 2);
    for (o, p) in origins.iter().enumerate() {
        for (node, t) in net.departures(&p.snap) {
            out.push(Seed {
                origin: o as u32,
                node,
                time_s: p.offset_s + t,
            });
        }
    }
    out
}

/// Response at a snap point, not counting the place's access leg: the two best distinct
/// origins among the labels of the segment's end nodes and the stations standing on the
/// same segment. (The true second-best origin at a point is always among the two labels
/// of the end node it comes through, so this is exact.)
pub fn response_at(
    net: &Network,
    labels: &TwoNearest,
    origins: &[PlacedStation],
    on_segment: &HashMap<u32, Vec<u32>>,
    p: &SnapPoint,
) -> Response {
    let mut best = BestTwo::default();
    for (node, t) in net.arrivals(p) {
        let v = node as usize;
        if labels.first[v] != NO_ORIGIN {
            best.offer(labels.first_s[v] + t, labels.first[v]);
        }
        if labels.second[v] != NO_ORIGIN {
            best.offer(labels.second_s[v] + t, labels.second[v]);
        }
    }
    if let Some(list) = on_segment.get(&p.segment) {
        for &o in list {
            let st = &origins[o as usize];
            if let Some(t) = net.along_segment_s(&st.snap, p) {
                best.offer(st.offset_s + t, o);
            }
        }
    }
    Response {
        first: best.first.map(|(t, o)| (o, t)),
        second: best.second.map(|(t, o)| (o, t)),
    }
}

/// The earliest arrival and the earliest of another origin, ordered by (time, origin):
/// what sorting every candidate gave, in one pass (a segment of a dense network carries
/// dozens of stations; issue 20, H2).
#[derive(Default)]
pub(crate) struct BestTwo {
    pub(crate) first: Option<(f64, u32)>,
    pub(crate) second: Option<(f64, u32)>,
}

impl BestTwo {
    pub(crate) fn offer(&mut self, t: f64, o: u32) {
        let earlier =
            |a: (f64, u32), b: (f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).is_lt();
        let c = (t, o);
        match self.first {
            None => self.first = Some(c),
            Some(f) if earlier(c, f) => {
                // The old first moves down unless it is the same origin.
                if f.1 != o {
                    self.second = Some(f);
                }
                self.first = Some(c);
            }
            Some(f) => {
                if o != f.1 && self.second.is_none_or(|s| earlier(c, s)) {
                    self.second = Some(c);
                }
            }
        }
    }
}

/// The origins standing on each segment (by segment index), in origin order.
pub(crate) fn stations_by_segment(origins: &[PlacedStation]) -> HashMap<u32, Vec<u32>> {
    let mut on_segment: HashMap<u32, Vec<u32>> = HashMap::new();
    for (o, p) in origins.iter().enumerate() {
        on_segment.entry(p.snap.segment).or_default().push(o as u32);
    }
    on_segment
}

impl Coverage {
    /// Every road segment cut into pieces by response band (`(from, to, band)` on the
    /// fraction axis from node `a`; band `i`: response ≤ `limits[i]`, then "above every
    /// limit", then unreached), exactly, from the same envelope road coverage is split
    /// with ([`Envelope::band_pieces`]). The maps draw these.
    pub fn band_pieces(&self, net: &Network, limits: &[f64]) -> Vec<Vec<(f64, f64, usize)>> {
        let on_segment = stations_by_segment(&self.origins);
        (0..net.segments.len() as u32)
            .map(|si| {
                segment_envelope(net, &self.labels, &self.origins, &on_segment, si)
                    .band_pieces(limits)
            })
            .collect()
    }

    /// The road pieces `(segment, from, to)` some station reaches within each of
    /// `breaks_s` (response as coverage counts it), from the same envelope as
    /// [`Coverage::band_pieces`], merged per segment: the roads of the merged service
    /// areas without a search per station.
    pub fn reached_pieces(&self, net: &Network, breaks_s: &[f64]) -> Vec<Vec<(u32, f64, f64)>> {
        let on_segment = stations_by_segment(&self.origins);
        let mut out = vec![Vec::new(); breaks_s.len()];
        for si in 0..net.segments.len() as u32 {
            let env = segment_envelope(net, &self.labels, &self.origins, &on_segment, si);
            for (pieces, &b) in out.iter_mut().zip(breaks_s) {
                pieces.extend(
                    env.covered_intervals(b)
                        .into_iter()
                        .filter(|(x, y)| y > x)
                        .map(|(x, y)| (si, x, y)),
                );
            }
        }
        out
    }
}

/// The response envelope along a segment (no access legs: points on the road).
pub(crate) fn segment_envelope(
    net: &Network,
    labels: &TwoNearest,
    origins: &[PlacedStation],
    on_segment: &HashMap<u32, Vec<u32>>,
    seg: u32,
) -> Envelope {
    let s = &net.segments[seg as usize];
    let (t_ab, t_ba) = (s.time_ab_s as f64, s.time_ba_s as f64);
    let mut pieces = Vec::with_capacity(2);
    // Each vertex a drive onto the segment may start from (more than one end vertex only
    // where a turn restriction splits the node).
    if t_ab.is_finite() {
        for v in net.drive_starts(s.a, s.b).map(|v| v as usize) {
            if labels.first[v] != NO_ORIGIN {
                pieces.push(Piece::towards_b(
                    0.0,
                    labels.first_s[v],
                    t_ab,
                    labels.first[v],
                ));
            }
        }
    }
    if t_ba.is_finite() {
        for v in net.drive_starts(s.b, s.a).map(|v| v as usize) {
            if labels.first[v] != NO_ORIGIN {
                pieces.push(Piece::towards_a(
                    1.0,
                    labels.first_s[v],
                    t_ba,
                    labels.first[v],
                ));
            }
        }
    }
    if let Some(list) = on_segment.get(&seg) {
        for &o in list {
            let st = &origins[o as usize];
            let f = st.snap.fraction;
            if t_ab.is_finite() {
                pieces.push(Piece::towards_b(f, st.offset_s, t_ab, o));
            }
            if t_ba.is_finite() {
                pieces.push(Piece::towards_a(f, st.offset_s, t_ba, o));
            }
        }
    }
    Envelope { pieces }
}

/// The demand points, segments and grid cells of one scope (a district, the region, the
/// places outside every district), as ascending indices.
#[derive(Debug, Clone, Default)]
struct Members {
    demand: Vec<usize>,
    segments: Vec<usize>,
    cells: Vec<usize>,
}

/// Computes every coverage figure of DESIGN §4. `districts` must not be empty (use
/// [`crate::network::Network::whole_network_district`]); `demand` may be empty (demand metrics are then `None`).
pub fn evaluate(
    net: &Network,
    index: &SnapIndex,
    stations: &[Station],
    demand: &[DemandPoint],
    districts: &[District],
    params: &ResponseParams,
    max_snap_m: f64,
) -> Coverage {
    let (placement, origins) = place_stations(net, index, stations, params, max_snap_m);
    let labels = two_nearest(net, &seeds(net, &origins), f64::INFINITY);
    let on_segment = stations_by_segment(&origins);
    let lookup = DistrictLookup::new(districts);
    let thr = params.threshold_s;

    // Demand points, each on its own, on every core.
    let demand_results: Vec<DemandResult> = demand
        .par_iter()
        .map(|d| {
            let district = lookup.of(d.location);
            let snap = index.snap(net, d.location.x(), d.location.y());
            match snap {
                Some(sp) if sp.access_m <= max_snap_m => {
                    let mut r = response_at(net, &labels, &origins, &on_segment, &sp);
                    let leg = access_time_s(sp.access_m);
                    r.first = r.first.map(|(o, t)| (o, t + leg));
                    r.second = r.second.map(|(o, t)| (o, t + leg));
                    DemandResult {
                        snap: Some(sp),
                        off_network: false,
                        response: r,
                        district,
                    }
                }
                _ => DemandResult {
                    snap,
                    off_network: true,
                    response: Response::default(),
                    district,
                },
            }
        })
        .collect();

    // Road segments.
    let mut first_due = vec![FirstDueArea::default(); origins.len()];
    let segments: Vec<SegmentResult> = (0..net.segments.len() as u32)
        .map(|si| {
            let env = segment_envelope(net, &labels, &origins, &on_segment, si);
            let s = &net.segments[si as usize];
            let (na, nb) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            let mid = Point::new((na.lon + nb.lon) / 2.0, (na.lat + nb.lat) / 2.0);
            let district = lookup.of(mid);
            let slot = KindPart::slot(district.map(|d| districts[d].kind));
            let worst = env.worst_by_owner();
            for &(o, v, _) in &worst {
                let fd = &mut first_due[o as usize];
                fd.worst_road_s = Some(fd.worst_road_s.map_or(v, |w: f64| w.max(v)));
                let part = &mut fd.by_kind[slot];
                part.worst_road_s = Some(part.worst_road_s.map_or(v, |w: f64| w.max(v)));
            }
            let owner = env.at(0.5).map(|x| x.1);
            if let Some(o) = owner {
                let fd = &mut first_due[o as usize];
                fd.road_km += s.length_m as f64 / 1000.0;
                fd.by_kind[slot].road_km += s.length_m as f64 / 1000.0;
            }
            SegmentResult {
                covered: env.covered_intervals(thr),
                worst_s: worst.iter().map(|w| w.1).reduce(f64::max),
                at_a_s: env.at(0.0).map(|x| x.0),
                at_b_s: env.at(1.0).map(|x| x.0),
                owner,
                district,
            }
        })
        .collect();
    // A road node belongs to the station first at any of its vertices.
    for v in 0..net.node_count() as u32 {
        let first = net
            .vertices_at(v)
            .map(|x| (labels.first_s[x as usize], labels.first[x as usize]))
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        if let Some((_, o)) = first.filter(|f| f.1 != NO_ORIGIN) {
            first_due[o as usize].nodes += 1;
        }
    }

    // Area grid.
    let cells = area::grid_pieces(districts, &net.projection, params.grid_cell_m);
    let cell_results: Vec<CellResult> = cells
        .par_iter()
        .map(|c| match index.snap(net, c.centre.0, c.centre.1) {
            Some(sp) if sp.access_m <= max_snap_m => {
                let r = response_at(net, &labels, &origins, &on_segment, &sp);
                CellResult {
                    response_s: r.first_s(),
                    owner: r.first.map(|f| f.0),
                }
            }
            _ => CellResult {
                response_s: None,
                owner: None,
            },
        })
        .collect();
    for (c, r) in cells.iter().zip(&cell_results) {
        if let Some(o) = r.owner {
            let fd = &mut first_due[o as usize];
            fd.area_km2 += c.area_m2 / 1e6;
            fd.by_kind[KindPart::slot(Some(districts[c.district].kind))].area_km2 +=
                c.area_m2 / 1e6;
        }
    }

    // Demand per first-due area.
    let total_weight: f64 = demand.iter().map(|d| d.weight).sum();
    for (d, r) in demand.iter().zip(&demand_results) {
        if let Some((o, t)) = r.response.first {
            let fd = &mut first_due[o as usize];
            fd.demand_points += 1;
            fd.demand_weight += d.weight;
            fd.worst_demand_s = Some(fd.worst_demand_s.map_or(t, |w: f64| w.max(t)));
        }
    }
    for fd in &mut first_due {
        fd.demand_share = if total_weight > 0.0 {
            fd.demand_weight / total_weight
        } else {
            0.0
        };
    }

    // Each scope's demand points, segments and cells, ascending, grouped in one pass: a
    // province has hundreds of districts, and a scan of everything per district was
    // quadratic (issue 18).
    let mut scopes: Vec<Members> = vec![Members::default(); districts.len() + 1];
    let slot = |d: Option<usize>| d.map_or(0, |d| d + 1);
    for (i, r) in demand_results.iter().enumerate() {
        scopes[slot(r.district)].demand.push(i);
    }
    for (i, r) in segments.iter().enumerate() {
        scopes[slot(r.district)].segments.push(i);
    }
    for (i, c) in cells.iter().enumerate() {
        scopes[slot(Some(c.district))].cells.push(i);
    }
    let everything = Members {
        demand: (0..demand_results.len()).collect(),
        segments: (0..segments.len()).collect(),
        cells: (0..cells.len()).collect(),
    };
    let metrics_of = |members: &Members| -> Metrics {
        let samples: Vec<(Option<f64>, f64)> = members
            .demand
            .iter()
            .map(|&i| (demand_results[i].response.first_s(), demand[i].weight))
            .collect();
        let second: Vec<(Option<f64>, f64)> = members
            .demand
            .iter()
            .map(|&i| (demand_results[i].response.second_s(), demand[i].weight))
            .collect();
        let in_area: Vec<&DemandResult> =
            members.demand.iter().map(|&i| &demand_results[i]).collect();
        let mut m = Metrics {
            demand_points: samples.len(),
            demand_weight: samples.iter().map(|s| s.1).sum(),
            off_network: in_area.iter().filter(|r| r.off_network).count(),
            unreachable: in_area
                .iter()
                .filter(|r| !r.off_network && r.response.first.is_none())
                .count(),
            ..Metrics::default()
        };
        if m.demand_weight > 0.0 {
            m.demand_coverage = Some(stats::covered_share(&samples, thr));
            m.second_due_coverage = Some(stats::covered_share(&second, params.second_threshold_s));
            m.p50_s = stats::weighted_percentile(&samples, 0.5);
            m.p90_s = stats::weighted_percentile(&samples, 0.9);
            m.max_s = samples.iter().filter_map(|s| s.0).reduce(f64::max);
        }
        for &i in &members.segments {
            let (s, r) = (&net.segments[i], &segments[i]);
            let km = s.length_m as f64 / 1000.0;
            m.road_km += km;
            m.covered_road_km += km * r.covered.iter().map(|(x, y)| y - x).sum::<f64>().min(1.0);
        }
        if m.road_km > 0.0 {
            m.road_coverage = Some(m.covered_road_km / m.road_km + 0.0);
        }
        for &i in &members.cells {
            let (c, r) = (&cells[i], &cell_results[i]);
            m.area_km2 += c.area_m2 / 1e6;
            if r.response_s.is_some_and(|t| t <= thr) {
                m.covered_area_km2 += c.area_m2 / 1e6;
            }
        }
        if m.area_km2 > 0.0 {
            m.area_coverage = Some(m.covered_area_km2 / m.area_km2 + 0.0);
        }
        m
    };
    let region = metrics_of(&everything);
    let outside = metrics_of(&scopes[0]);
    let district_metrics = scopes[1..].par_iter().map(metrics_of).collect();

    Coverage {
        params: *params,
        max_snap_m,
        placement,
        origins,
        labels,
        demand: demand_results,
        segments,
        cells,
        cell_results,
        region,
        districts: district_metrics,
        outside,
        first_due,
        sites: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::BestTwo;

    /// (time, origin) of the first and of the first of another origin.
    type FirstTwo = (Option<(f64, u32)>, Option<(f64, u32)>);

    /// What `response_at` did before: sort every candidate by (time, origin), take the
    /// first and the first of another origin.
    fn by_sorting(cand: &[(f64, u32)]) -> FirstTwo {
        let mut c = cand.to_vec();
        c.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let first = c.first().copied();
        let second = first.and_then(|f| c.iter().find(|x| x.1 != f.1).copied());
        (first, second)
    }

    #[test]
    fn best_two_equals_sorting_every_candidate() {
        // Small times and few origins, so that ties of time and repeated origins are common.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for _ in 0..20_000 {
            let n = next(12) as usize;
            let cand: Vec<(f64, u32)> = (0..n)
                .map(|_| (next(8) as f64 * 0.5, next(5) as u32))
                .collect();
            let mut best = BestTwo::default();
            for &(t, o) in &cand {
                best.offer(t, o);
            }
            assert_eq!((best.first, best.second), by_sorting(&cand), "{cand:?}");
        }
    }
}
