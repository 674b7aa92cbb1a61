//! Point-in-area tests that stay fast on detailed boundaries: a rescue district traced
//! from OSM or a cadastre can have 10⁵–10⁶ vertices, and `geo`'s `contains` walks every
//! edge for each of up to millions of points (demand points, area cells, stations).
//!
//! [`AreaIndex`] sorts the area's edges into horizontal bands once; a test casts a ray
//! through the edges of the point's band only. The orientation test is `geo`'s robust
//! kernel, so the answer is `geo`'s: a point on the boundary is not inside.

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{BoundingRect, Coord, MultiPolygon, Point, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

/// Edges per band aimed at, and the most bands an area gets.
const EDGES_PER_BAND: usize = 4;
const MAX_BANDS: usize = 1 << 16;

/// An area (a district's multipolygon) prepared for point-in-area tests.
#[derive(Debug, Clone)]
pub struct AreaIndex {
    bbox: Option<Rect<f64>>,
    edges: Vec<(Coord<f64>, Coord<f64>)>,
    /// `bands[i]`: the edges whose y-range meets band `i` (indices into `edges`).
    bands: Vec<Vec<u32>>,
    band_height: f64,
}

impl AreaIndex {
    /// Indexes every ring (exterior and holes) of every polygon of `area`.
    pub fn new(area: &MultiPolygon<f64>) -> AreaIndex {
        let bbox = area.bounding_rect();
        let mut edges = Vec::new();
        for polygon in &area.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                edges.extend(ring.lines().map(|l| (l.start, l.end)));
            }
        }
        let (min_y, height) = bbox.map_or((0.0, 0.0), |r| (r.min().y, r.height()));
        let count = (edges.len() / EDGES_PER_BAND).clamp(1, MAX_BANDS);
        let band_height = if height > 0.0 {
            height / count as f64
        } else {
            1.0
        };
        let band_of = |y: f64| (((y - min_y) / band_height) as usize).min(count - 1);
        let mut bands = vec![Vec::new(); count];
        for (i, (a, b)) in edges.iter().enumerate() {
            let (lo, hi) = (band_of(a.y.min(b.y)), band_of(a.y.max(b.y)));
            for band in &mut bands[lo..=hi] {
                band.push(i as u32);
            }
        }
        AreaIndex {
            bbox,
            edges,
            bands,
            band_height,
        }
    }

    /// Whether `p` lies inside the area (not on its boundary), as `geo`'s `contains`.
    pub fn contains(&self, p: Point<f64>) -> bool {
        let Some(r) = self.bbox else {
            return false;
        };
        let c = p.0;
        if !(c.x >= r.min().x && c.x <= r.max().x && c.y >= r.min().y && c.y <= r.max().y) {
            return false;
        }
        let band = (((c.y - r.min().y) / self.band_height) as usize).min(self.bands.len() - 1);
        let mut inside = false;
        for &i in &self.bands[band] {
            let (a, b) = self.edges[i as usize];
            let on_span = c.x >= a.x.min(b.x)
                && c.x <= a.x.max(b.x)
                && c.y >= a.y.min(b.y)
                && c.y <= a.y.max(b.y);
            if on_span && RobustKernel::orient2d(a, b, c) == Orientation::Collinear {
                return false;
            }
            // Half-open in y: an edge counts when it crosses the horizontal line through p.
            if (a.y <= c.y) != (b.y <= c.y) {
                let (lo, hi) = if a.y < b.y { (a, b) } else { (b, a) };
                // p left of the upward edge: the edge crosses the ray to the right of p.
                if RobustKernel::orient2d(lo, hi, c) == Orientation::CounterClockwise {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// The rescue districts prepared for "which district holds this point": coverage, the
/// targets, the simulation and supply reach all ask it, and the first district wins where
/// districts overlap.
#[derive(Debug, Clone)]
pub struct DistrictLookup {
    areas: Vec<AreaIndex>,
    /// The districts' bounding boxes: a province's 10⁷ lookups among hundreds of districts
    /// test only the few whose box holds the point.
    boxes: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl DistrictLookup {
    pub fn new(districts: &[super::District]) -> DistrictLookup {
        let areas: Vec<AreaIndex> = districts.iter().map(|d| AreaIndex::new(&d.area)).collect();
        let boxes = areas
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let r = a.bbox?;
                let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                Some(GeomWithData::new(rect, i))
            })
            .collect();
        DistrictLookup {
            areas,
            boxes: RTree::bulk_load(boxes),
        }
    }

    /// Index of the first district containing `p`.
    pub fn of(&self, p: Point<f64>) -> Option<usize> {
        self.boxes
            .locate_all_at_point(&[p.x(), p.y()])
            .map(|b| b.data)
            .filter(|&i| self.areas[i].contains(p))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, LineString, Polygon};

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A star-shaped ring of `n` vertices around `(cx, cy)` (radii jitter), on a 1/64 grid
    /// so that test points often fall exactly on vertices and edges.
    fn ring(seed: &mut u64, n: usize, cx: f64, cy: f64, r: f64) -> LineString<f64> {
        let snap = |v: f64| (v * 64.0).round() / 64.0;
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = std::f64::consts::TAU * i as f64 / n as f64;
                let rr = r * (0.5 + 0.5 * lcg(seed));
                (snap(cx + rr * a.cos()), snap(cy + rr * a.sin()))
            })
            .collect();
        pts.push(pts[0]);
        LineString::from(pts)
    }

    /// Same answers as `geo`'s `contains` on random areas (holes and several polygons
    /// included) at random points, grid points, vertices and edge midpoints.
    #[test]
    fn agrees_with_geo_contains() {
        let mut seed = 11;
        for round in 0..300 {
            let n = 3 + (lcg(&mut seed) * 200.0) as usize;
            let outer = ring(&mut seed, n, 0.0, 0.0, 10.0);
            let hole = ring(&mut seed, 3 + n / 3, 0.0, 0.0, 2.0);
            let second = ring(&mut seed, 5, 30.0, 0.0, 4.0);
            let area = MultiPolygon(vec![
                Polygon::new(outer.clone(), vec![hole.clone()]),
                Polygon::new(second.clone(), vec![]),
            ]);
            let index = AreaIndex::new(&area);
            let mut points: Vec<Point<f64>> = (0..400)
                .map(|_| {
                    let x = -12.0 + 48.0 * lcg(&mut seed);
                    let y = -12.0 + 24.0 * lcg(&mut seed);
                    if round % 2 == 0 {
                        Point::new((x * 64.0).round() / 64.0, (y * 64.0).round() / 64.0)
                    } else {
                        Point::new(x, y)
                    }
                })
                .collect();
            for l in outer.lines().chain(hole.lines()).chain(second.lines()) {
                points.push(Point(l.start));
                points.push(Point::new(
                    (l.start.x + l.end.x) / 2.0,
                    (l.start.y + l.end.y) / 2.0,
                ));
            }
            for p in points {
                assert_eq!(index.contains(p), area.contains(&p), "round {round}: {p:?}");
            }
        }
    }

    #[test]
    fn empty_and_degenerate_areas_contain_nothing() {
        let empty = AreaIndex::new(&MultiPolygon(vec![]));
        assert!(!empty.contains(Point::new(0.0, 0.0)));
        let flat = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (2.0, 0.0), (1.0, 0.0), (0.0, 0.0)]),
            vec![],
        )]);
        assert!(!AreaIndex::new(&flat).contains(Point::new(1.0, 0.0)));
    }
}
