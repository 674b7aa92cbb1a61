//! Special-risk sites (重点风险场所: chemical parks, industrial parks, business districts,
//! scenic areas, dense residential areas, high-rise districts, forests, water) on the
//! response envelope: for each site of the `[areas]` layer that is not a township or
//! functional zone, the road inside it, its worst road point (the slowest point of the
//! roads inside the outline, by the same envelope road coverage uses: dispatch, turnout
//! and the station's access leg included) and the station first at most of that road.
//!
//! A site with no road inside (a point site, or a small outline between roads) is measured
//! at its nearest road point, as a demand point is: the snap of the point (of an outline's
//! interior point), its access leg included.

use geo::{BoundingRect, Coord, InteriorPoint, MultiPolygon, Point, Rect};
use serde::Serialize;

use super::{response_at, segment_envelope, stations_by_segment, Coverage};
use crate::model::area::AreaIndex;
use crate::model::PlanningArea;
use crate::network::{access_time_s, Network, SnapIndex};

/// A polygon's edges (start, end) in lon/lat.
type Edges = Vec<(Coord<f64>, Coord<f64>)>;
/// A segment with pieces inside an outline: index, end coordinates, the pieces (fractions).
type PiecesInside = (usize, Coord<f64>, Coord<f64>, Vec<(f64, f64)>);

/// How a special-risk site is reached.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SiteResponse {
    /// Index into the `[areas]` layer (`Inputs::areas`).
    pub area: usize,
    /// Road length inside the site, km (0: measured at the nearest road point).
    pub road_km: f64,
    /// Response at the site's worst road point, seconds, and the origin first there.
    pub worst: Option<(f64, u32)>,
    /// Where the worst road point lies (lon, lat).
    pub worst_at: Option<(f64, f64)>,
    /// The origin first at most of the road length inside (its first-due station; ties:
    /// the lower origin); with no road inside, the origin first at the nearest road point.
    pub first_due: Option<u32>,
    /// No road inside: measured at the nearest road point (access leg included); None when
    /// that point is farther than `max_snap_m` from any road.
    pub at_nearest_road: bool,
}

/// Every risk site of `areas` (kinds [`crate::model::AreaKind::is_risk_site`]), in layer
/// order. Deterministic: segments in index order, ties on the lower origin.
pub fn evaluate_sites(
    net: &Network,
    index: &SnapIndex,
    coverage: &Coverage,
    areas: &[PlanningArea],
) -> Vec<SiteResponse> {
    let on_segment = stations_by_segment(&coverage.origins);
    areas
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind.is_risk_site())
        .map(|(i, a)| {
            let mut r = roads_inside(net, coverage, &on_segment, &a.area);
            r.area = i;
            if r.road_km > 0.0 {
                return r;
            }
            let p = match a.point {
                Some((p, _)) => Some(p),
                None => a.area.interior_point(),
            };
            let snap = p
                .and_then(|p| index.snap(net, p.x(), p.y()))
                .filter(|sp| sp.access_m <= coverage.max_snap_m);
            let Some(sp) = snap else {
                return r;
            };
            let resp = response_at(net, &coverage.labels, &coverage.origins, &on_segment, &sp);
            let leg = access_time_s(sp.access_m);
            SiteResponse {
                area: i,
                road_km: 0.0,
                worst: resp.first.map(|(o, t)| (t + leg, o)),
                worst_at: Some((sp.lon, sp.lat)),
                first_due: resp.first.map(|f| f.0),
                at_nearest_road: true,
            }
        })
        .collect()
}

/// The road inside `outline`: length, worst point and the origin first on most of it.
fn roads_inside(
    net: &Network,
    coverage: &Coverage,
    on_segment: &std::collections::HashMap<u32, Vec<u32>>,
    outline: &MultiPolygon<f64>,
) -> SiteResponse {
    let mut out = SiteResponse::default();
    // Road metres per origin, in origin order (majority of the road length).
    let mut by_origin: Vec<f64> = vec![0.0; coverage.origins.len()];
    let mut worst: Option<(f64, u32, Coord<f64>)> = None;
    for (si, a, b, inside) in pieces_inside(net, outline) {
        let s = &net.segments[si];
        let env = segment_envelope(
            net,
            &coverage.labels,
            &coverage.origins,
            on_segment,
            si as u32,
        );
        let breaks = env.breakpoints();
        for (lo, hi) in inside {
            let mut g: Vec<f64> = vec![lo];
            g.extend(breaks.iter().copied().filter(|&x| x > lo && x < hi));
            g.push(hi);
            out.road_km += (hi - lo) * s.length_m as f64 / 1000.0;
            for &x in &g {
                if let Some((t, o)) = env.at(x) {
                    let later = worst.is_none_or(|w| t > w.0 || (t == w.0 && o < w.1));
                    if later {
                        let at = Coord {
                            x: a.x + (b.x - a.x) * x,
                            y: a.y + (b.y - a.y) * x,
                        };
                        worst = Some((t, o, at));
                    }
                }
            }
            for w in g.windows(2) {
                if let Some((_, o)) = env.at((w[0] + w[1]) / 2.0) {
                    by_origin[o as usize] += (w[1] - w[0]) * s.length_m as f64;
                }
            }
        }
    }
    out.worst = worst.map(|w| (w.0, w.1));
    out.worst_at = worst.map(|w| (w.2.x, w.2.y));
    out.first_due = by_origin
        .iter()
        .enumerate()
        .filter(|(_, &m)| m > 0.0)
        .max_by(|x, y| x.1.total_cmp(y.1).then(y.0.cmp(&x.0)))
        .map(|(o, _)| o as u32);
    out
}

/// Points on the road of a site for a must-cover requirement (`fireplan optimize
/// --require-area-kind`): along every piece of drivable road inside its outline, both ends
/// of the piece and a point every `spacing_m` between them (access leg 0); a site with no
/// road inside: its nearest road point with its access leg, as [`evaluate_sites`] measures
/// it. Empty when that point is farther than `max_snap_m` from any road.
pub fn road_points(
    net: &Network,
    index: &SnapIndex,
    site: &PlanningArea,
    spacing_m: f64,
    max_snap_m: f64,
) -> Vec<crate::network::SnapPoint> {
    let mut out = Vec::new();
    for (si, a, b, inside) in pieces_inside(net, &site.area) {
        let s = &net.segments[si];
        if !(s.time_ab_s.is_finite() || s.time_ba_s.is_finite()) {
            continue;
        }
        for (lo, hi) in inside {
            let len_m = (hi - lo) * s.length_m as f64;
            let steps = (len_m / spacing_m.max(1.0)).ceil().max(1.0) as usize;
            for k in 0..=steps {
                let f = lo + (hi - lo) * k as f64 / steps as f64;
                out.push(crate::network::SnapPoint {
                    segment: si as u32,
                    fraction: f,
                    access_m: 0.0,
                    lon: a.x + (b.x - a.x) * f,
                    lat: a.y + (b.y - a.y) * f,
                });
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    let p = match site.point {
        Some((p, _)) => Some(p),
        None => site.area.interior_point(),
    };
    p.and_then(|p| index.snap(net, p.x(), p.y()))
        .filter(|sp| sp.access_m <= max_snap_m)
        .into_iter()
        .collect()
}

/// Every road segment with a piece inside `outline`: its index, its end coordinates and the
/// pieces inside (fractions, ascending). Segments whose box misses the outline's are not
/// looked at.
fn pieces_inside(net: &Network, outline: &MultiPolygon<f64>) -> Vec<PiecesInside> {
    let Some(bbox) = outline.bounding_rect() else {
        return Vec::new();
    };
    let index = AreaIndex::new(outline);
    let edges: Edges = outline
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.lines().map(|l| (l.start, l.end)))
        .collect();
    net.segments
        .iter()
        .enumerate()
        .filter_map(|(si, s)| {
            let (na, nb) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            let a = Coord {
                x: na.lon,
                y: na.lat,
            };
            let b = Coord {
                x: nb.lon,
                y: nb.lat,
            };
            if !boxes_meet(&bbox, a, b) {
                return None;
            }
            let inside = inside_intervals(a, b, &edges, &index);
            (!inside.is_empty()).then_some((si, a, b, inside))
        })
        .collect()
}

/// Whether the segment's box meets `bbox`.
fn boxes_meet(bbox: &Rect<f64>, a: Coord<f64>, b: Coord<f64>) -> bool {
    a.x.max(b.x) >= bbox.min().x
        && a.x.min(b.x) <= bbox.max().x
        && a.y.max(b.y) >= bbox.min().y
        && a.y.min(b.y) <= bbox.max().y
}

/// The fraction intervals of the straight segment a → b that lie inside the outline: cut
/// where it crosses an edge, each piece tested at its middle.
fn inside_intervals(
    a: Coord<f64>,
    b: Coord<f64>,
    edges: &[(Coord<f64>, Coord<f64>)],
    index: &AreaIndex,
) -> Vec<(f64, f64)> {
    let mut cuts = vec![0.0, 1.0];
    let d = Coord {
        x: b.x - a.x,
        y: b.y - a.y,
    };
    for &(p, q) in edges {
        let e = Coord {
            x: q.x - p.x,
            y: q.y - p.y,
        };
        let denom = d.x * e.y - d.y * e.x;
        if denom == 0.0 {
            continue;
        }
        let w = Coord {
            x: p.x - a.x,
            y: p.y - a.y,
        };
        let t = (w.x * e.y - w.y * e.x) / denom;
        let u = (w.x * d.y - w.y * d.x) / denom;
        if (0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u) {
            cuts.push(t);
        }
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut out: Vec<(f64, f64)> = Vec::new();
    for w in cuts.windows(2) {
        if w[1] - w[0] <= 1e-12 {
            continue;
        }
        let m = (w[0] + w[1]) / 2.0;
        let mid = Point::new(a.x + d.x * m, a.y + d.y * m);
        if index.contains(mid) {
            match out.last_mut() {
                Some(last) if last.1 == w[0] => last.1 = w[1],
                _ => out.push((w[0], w[1])),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn square() -> (Edges, AreaIndex) {
        let ring = LineString::from(vec![
            (1.0, -1.0),
            (3.0, -1.0),
            (3.0, 1.0),
            (1.0, 1.0),
            (1.0, -1.0),
        ]);
        let mp = MultiPolygon(vec![Polygon::new(ring, vec![])]);
        let edges = mp.0[0]
            .exterior()
            .lines()
            .map(|l| (l.start, l.end))
            .collect();
        (edges, AreaIndex::new(&mp))
    }

    #[test]
    fn a_segment_through_a_square_is_inside_between_its_crossings() {
        let (edges, index) = square();
        let got = inside_intervals(
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 4.0, y: 0.0 },
            &edges,
            &index,
        );
        assert_eq!(got, vec![(0.25, 0.75)]);
        let outside = inside_intervals(
            Coord { x: 0.0, y: 2.0 },
            Coord { x: 4.0, y: 2.0 },
            &edges,
            &index,
        );
        assert!(outside.is_empty());
        let within = inside_intervals(
            Coord { x: 1.5, y: 0.0 },
            Coord { x: 2.5, y: 0.0 },
            &edges,
            &index,
        );
        assert_eq!(within, vec![(0.0, 1.0)]);
    }
}
