//! Service areas (isochrone polygons, 服务区): for each station and each response break,
//! the roads it reaches within the break — response time as coverage counts it, dispatch,
//! turnout and the station's access leg included, cut exactly where the break falls on a
//! segment — widened by a trim distance and unioned, as ArcGIS Network Analyst and QNEAT3
//! draw them; and the same for all stations together ("merged"). The reach is exact; the
//! polygon is drawn on a 20 m raster (see [`pieces_polygon`] for the measurement that
//! chose it). Each station's search is bounded by the largest break.

use geo::{unary_union, Area, Coord, MapCoords, MultiPolygon, Polygon, Rect};
use rayon::prelude::*;

use super::envelope::{Envelope, Piece};
use super::PlacedStation;
use crate::network::search::Dijkstra;
use crate::network::Network;

/// ArcGIS Network Analyst's default trim distance: how far a service area reaches beyond
/// the roads it follows, metres.
pub const TRIM_M: f64 = 100.0;

/// One service area: a station's (or all stations') polygons within one break.
#[derive(Debug, Clone)]
pub struct ServiceArea {
    /// The origin (index into `Coverage::origins`); `None`: every station together.
    pub origin: Option<u32>,
    pub break_s: f64,
    /// Polygons, lon/lat degrees (EPSG:4326).
    pub shape: MultiPolygon<f64>,
    /// Area of the polygons, km² (measured in the network's local metres).
    pub area_km2: f64,
    /// Road length reached within the break, km.
    pub road_km: f64,
}

/// Road pieces `(segment, from, to)` on each segment's fraction axis.
type Pieces = Vec<(u32, f64, f64)>;

/// The road pieces one station reaches within each break, per break.
type Reached = Vec<Pieces>;

/// Segments touching each road node (both ends), as CSR: `segments[first[n]..first[n+1]]`.
struct NodeSegments {
    first: Vec<u32>,
    segments: Vec<u32>,
}

impl NodeSegments {
    fn build(net: &Network) -> NodeSegments {
        let n = net.node_count();
        let mut count = vec![0u32; n + 1];
        for s in &net.segments {
            count[s.a as usize + 1] += 1;
            count[s.b as usize + 1] += 1;
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let mut fill = count.clone();
        let mut segments = vec![0u32; count[n] as usize];
        for (i, s) in net.segments.iter().enumerate() {
            for node in [s.a, s.b] {
                segments[fill[node as usize] as usize] = i as u32;
                fill[node as usize] += 1;
            }
        }
        NodeSegments {
            first: count,
            segments,
        }
    }

    fn at(&self, node: u32) -> &[u32] {
        let n = node as usize;
        &self.segments[self.first[n] as usize..self.first[n + 1] as usize]
    }
}

/// The road pieces station `st` reaches within each of `breaks` (ascending): one search
/// bounded by the largest break, then per segment it touches the exact envelope of its
/// arrivals (as `coverage::segment_envelope` builds it, for this station alone).
fn reached(
    net: &Network,
    adj: &NodeSegments,
    dij: &mut Dijkstra,
    st: &PlacedStation,
    breaks: &[f64],
) -> Reached {
    let mut out: Reached = vec![Vec::new(); breaks.len()];
    let Some(&max) = breaks.last() else {
        return out;
    };
    let seeds: Vec<(u32, f64)> = net
        .departures(&st.snap)
        .into_iter()
        .map(|(v, t)| (v, st.offset_s + t))
        .collect();
    dij.run(net, &seeds, max);
    let dist = dij.times();
    let mut segs: Vec<u32> = dij
        .reached()
        .iter()
        .flat_map(|&v| adj.at(net.node_of(v)).iter().copied())
        .chain(std::iter::once(st.snap.segment))
        .collect();
    segs.sort_unstable();
    segs.dedup();
    for si in segs {
        let s = &net.segments[si as usize];
        let (t_ab, t_ba) = (s.time_ab_s as f64, s.time_ba_s as f64);
        let mut pieces = Vec::with_capacity(2);
        if t_ab.is_finite() {
            for v in net.drive_starts(s.a, s.b) {
                let t = dist[v as usize];
                if t.is_finite() {
                    pieces.push(Piece::towards_b(0.0, t, t_ab, 0));
                }
            }
        }
        if t_ba.is_finite() {
            for v in net.drive_starts(s.b, s.a) {
                let t = dist[v as usize];
                if t.is_finite() {
                    pieces.push(Piece::towards_a(1.0, t, t_ba, 0));
                }
            }
        }
        if si == st.snap.segment {
            let f = st.snap.fraction;
            if t_ab.is_finite() {
                pieces.push(Piece::towards_b(f, st.offset_s, t_ab, 0));
            }
            if t_ba.is_finite() {
                pieces.push(Piece::towards_a(f, st.offset_s, t_ba, 0));
            }
        }
        let env = Envelope { pieces };
        for (k, &b) in breaks.iter().enumerate() {
            for (x, y) in env.covered_intervals(b) {
                if y > x {
                    out[k].push((si, x, y));
                }
            }
        }
    }
    out
}

/// Grid cell of the service-area raster, metres: fine enough that the 100 m trim is five
/// cells, coarse enough that a station's 8-minute area is ~10⁵ cells.
pub const CELL_M: f64 = 20.0;

/// At most this many cells in one raster: a province's merged area coarsens the cell
/// instead of growing without bound (12.5 MB of bits).
const MAX_CELLS: f64 = 1e8;

/// The polygons of road pieces `(segment, from, to)`: every cell of a `CELL_M` grid whose
/// centre lies within `trim_m` of a piece is marked, the marked cells joined into
/// rectangles (runs along a row, stacked while the next row repeats them) and unioned.
/// The outline is the cells' staircase, not simplified: every area is a union of cells of
/// one grid, so a larger break's polygon holds the smaller's exactly. Returned in lon/lat (rounded to 1e-7°, as
/// every layer is) with the area in km² and the road length in km.
///
/// Why a raster and not `geo`'s `Buffer` of the pieces (exact but for its arc steps): on
/// the demo (22 stations × 3 breaks, ~10⁶ road pieces in all) the buffer-and-union took
/// 100 s; the raster takes about a second, and its cost is bounded by the area, not by
/// the road pieces (a province).
pub fn pieces_polygon(
    net: &Network,
    pieces: &[(u32, f64, f64)],
    trim_m: f64,
) -> (MultiPolygon<f64>, f64, f64) {
    let proj = &net.projection;
    let mut road_m = 0.0;
    let lines: Vec<([f64; 2], [f64; 2])> = pieces
        .iter()
        .map(|&(si, x, y)| {
            let s = &net.segments[si as usize];
            road_m += s.length_m as f64 * (y - x);
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            let pa = proj.project(a.lon, a.lat);
            let pb = proj.project(b.lon, b.lat);
            let at = |g: f64| [pa[0] + g * (pb[0] - pa[0]), pa[1] + g * (pb[1] - pa[1])];
            (at(x), at(y))
        })
        .collect();
    if lines.is_empty() {
        return (MultiPolygon(Vec::new()), 0.0, road_m / 1000.0);
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (a, b) in &lines {
        x0 = x0.min(a[0]).min(b[0]);
        y0 = y0.min(a[1]).min(b[1]);
        x1 = x1.max(a[0]).max(b[0]);
        y1 = y1.max(a[1]).max(b[1]);
    }
    let (x0, y0, x1, y1) = (x0 - trim_m, y0 - trim_m, x1 + trim_m, y1 + trim_m);
    let cell = CELL_M.max(((x1 - x0) * (y1 - y0) / MAX_CELLS).sqrt());
    // The grid is anchored at the projection's origin, so that every area of a run lies
    // on the same cells (a larger break's cells are a superset of a smaller's).
    let (c0, r0) = ((x0 / cell).floor() as i64, (y0 / cell).floor() as i64);
    let cols = ((x1 / cell).ceil() as i64 - c0 + 1).max(1) as usize;
    let rows = ((y1 / cell).ceil() as i64 - r0 + 1).max(1) as usize;
    let mut marked = vec![0u64; (cols * rows).div_ceil(64)];
    let centre = |c: usize, r: usize| {
        [
            (c0 + c as i64) as f64 * cell + cell / 2.0,
            (r0 + r as i64) as f64 * cell + cell / 2.0,
        ]
    };
    let trim2 = trim_m * trim_m;
    for (a, b) in &lines {
        let lo_c = (((a[0].min(b[0]) - trim_m) / cell).floor() as i64 - c0).max(0) as usize;
        let hi_c = ((((a[0].max(b[0]) + trim_m) / cell).ceil() as i64 - c0) as usize).min(cols - 1);
        let lo_r = (((a[1].min(b[1]) - trim_m) / cell).floor() as i64 - r0).max(0) as usize;
        let hi_r = ((((a[1].max(b[1]) + trim_m) / cell).ceil() as i64 - r0) as usize).min(rows - 1);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        for r in lo_r..=hi_r {
            for c in lo_c..=hi_c {
                let k = r * cols + c;
                if marked[k / 64] & (1 << (k % 64)) != 0 {
                    continue;
                }
                let p = centre(c, r);
                let t = if len2 > 0.0 {
                    (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let (ex, ey) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
                if ex * ex + ey * ey <= trim2 {
                    marked[k / 64] |= 1 << (k % 64);
                }
            }
        }
    }
    // Runs of marked cells per row, stacked into rectangles while the rows repeat them.
    let is = |c: usize, r: usize| {
        let k = r * cols + c;
        marked[k / 64] & (1 << (k % 64)) != 0
    };
    let mut rects: Vec<Polygon<f64>> = Vec::new();
    let mut open: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    let rect = |c_lo: usize, c_hi: usize, r_lo: usize, r_hi: usize| {
        let x = |c: usize| (c0 + c as i64) as f64 * cell;
        let y = |r: usize| (r0 + r as i64) as f64 * cell;
        Rect::new(
            Coord {
                x: x(c_lo),
                y: y(r_lo),
            },
            Coord {
                x: x(c_hi),
                y: y(r_hi),
            },
        )
        .to_polygon()
    };
    for r in 0..=rows {
        let mut runs = Vec::new();
        if r < rows {
            let mut c = 0;
            while c < cols {
                if is(c, r) {
                    let start = c;
                    while c < cols && is(c, r) {
                        c += 1;
                    }
                    runs.push((start, c));
                } else {
                    c += 1;
                }
            }
        }
        let mut next: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
        for run in runs {
            next.insert(run, open.remove(&run).unwrap_or(r));
        }
        for ((c_lo, c_hi), r_lo) in std::mem::take(&mut open) {
            rects.push(rect(c_lo, c_hi, r_lo, r));
        }
        open = next;
    }
    let metres = unary_union(&rects);
    let area_km2 = metres.unsigned_area() / 1e6;
    let round7 = |v: f64| (v * 1e7).round() / 1e7;
    let lonlat = metres.map_coords(|c: Coord<f64>| {
        let (lon, lat) = proj.unproject([c.x, c.y]);
        Coord {
            x: round7(lon),
            y: round7(lat),
        }
    });
    (lonlat, area_km2, road_m / 1000.0)
}

/// Merges per-segment intervals: sorted by (segment, from), overlapping ones joined.
fn merge_pieces(mut p: Vec<(u32, f64, f64)>) -> Vec<(u32, f64, f64)> {
    p.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut out: Vec<(u32, f64, f64)> = Vec::with_capacity(p.len());
    for (s, x, y) in p {
        match out.last_mut() {
            Some(last) if last.0 == s && x <= last.2 => last.2 = last.2.max(y),
            _ => out.push((s, x, y)),
        }
    }
    out
}

/// Every station's service area at every break (origin order, breaks ascending), then
/// the merged areas of all stations (`origin: None`), one per break. Stations are
/// searched in parallel, one `Dijkstra` per worker; same inputs give the same polygons.
/// Stations are taken [`STATIONS_AT_ONCE`] at a time and only the merged pieces are kept
/// between batches: memory follows the network and the polygons, not the stations' reach
/// (all reaches held at once took more than 24 GB for 100,000 stations on the demo).
pub fn service_areas(
    net: &Network,
    origins: &[PlacedStation],
    breaks: &[f64],
    trim_m: f64,
) -> Vec<ServiceArea> {
    service_areas_in_batches(net, origins, breaks, trim_m, STATIONS_AT_ONCE)
}

/// [`service_areas`], `stations_at_once` stations at a time (at least one): the same
/// areas whatever the batch size.
pub fn service_areas_in_batches(
    net: &Network,
    origins: &[PlacedStation],
    breaks: &[f64],
    trim_m: f64,
    stations_at_once: usize,
) -> Vec<ServiceArea> {
    let stations_at_once = stations_at_once.max(1);
    let adj = NodeSegments::build(net);
    let mut areas: Vec<ServiceArea> = Vec::new();
    let mut merged: Vec<Pieces> = vec![Vec::new(); breaks.len()];
    for (batch, stations) in origins.chunks(stations_at_once).enumerate() {
        let first = batch * stations_at_once;
        let per_station: Vec<Reached> = stations
            .par_iter()
            .map_init(
                || Dijkstra::new(net.vertex_count()),
                |dij, st| reached(net, &adj, dij, st, breaks),
            )
            .collect();
        let jobs: Vec<(usize, usize)> = (0..per_station.len())
            .flat_map(|o| (0..breaks.len()).map(move |k| (o, k)))
            .collect();
        let batch_areas: Vec<ServiceArea> = jobs
            .into_par_iter()
            .map(|(o, k)| {
                let origin = Some((first + o) as u32);
                area(net, origin, breaks[k], &per_station[o][k], trim_m)
            })
            .collect();
        areas.extend(batch_areas);
        // The union so far with this batch's pieces: a union of intervals, the same
        // whatever the batches.
        for (k, all) in merged.iter_mut().enumerate() {
            let mut grown = std::mem::take(all);
            grown.extend(per_station.iter().flat_map(|r| r[k].iter().copied()));
            *all = merge_pieces(grown);
        }
    }
    areas.extend(merged_areas(net, &merged, breaks, trim_m));
    areas
}

/// The merged service areas (`origin: None`), one per break, of the road pieces some
/// station reaches within each break (`reached[k]` for `breaks[k]`): from
/// [`service_areas`]' searches, or without a search per station from the coverage's
/// envelope ([`super::Coverage::reached_pieces`]; the same pieces, tested).
pub fn merged_areas(
    net: &Network,
    reached: &[Vec<(u32, f64, f64)>],
    breaks: &[f64],
    trim_m: f64,
) -> Vec<ServiceArea> {
    reached
        .par_iter()
        .zip(breaks)
        .map(|(pieces, &break_s)| area(net, None, break_s, pieces, trim_m))
        .collect()
}

/// The service area of `origin` (`None`: all stations) within `break_s`, whose roads are
/// `pieces`.
fn area(
    net: &Network,
    origin: Option<u32>,
    break_s: f64,
    pieces: &[(u32, f64, f64)],
    trim_m: f64,
) -> ServiceArea {
    let (shape, area_km2, road_km) = pieces_polygon(net, pieces, trim_m);
    ServiceArea {
        origin,
        break_s,
        shape,
        area_km2,
        road_km,
    }
}

/// Stations searched, and their reach held, at once by [`service_areas`]: enough to keep
/// two cores busy, few enough that their road pieces stay in the tens of megabytes.
const STATIONS_AT_ONCE: usize = 256;
