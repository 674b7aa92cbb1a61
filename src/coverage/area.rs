//! The area grid (DESIGN §4): square cells of `grid_cell_m` in the network's local
//! projection, clipped exactly to each rescue district.

use geo::{Area, BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Point, Polygon, Rect};
use rstar::primitives::{GeomWithData, Line};
use rstar::{RTree, AABB};

use crate::model::area::AreaIndex;
use crate::model::District;
use crate::network::LocalProjection;

/// One grid cell's part inside one district.
#[derive(Debug, Clone, PartialEq)]
pub struct CellPiece {
    pub district: usize,
    pub row: i64,
    pub col: i64,
    /// Area of the cell inside the district, m².
    pub area_m2: f64,
    /// Centre of the whole cell, lon/lat.
    pub centre: (f64, f64),
    /// The clipped shape in projected metres, for cells crossing the district boundary
    /// (`None`: the whole square).
    pub clipped: Option<MultiPolygon<f64>>,
}

impl CellPiece {
    /// The piece's shape in projected metres, exterior rings counter-clockwise.
    pub fn shape(&self, cell_m: f64) -> MultiPolygon<f64> {
        use geo::orient::{Direction, Orient};
        match &self.clipped {
            Some(mp) => mp.orient(Direction::Default),
            None => {
                let (x0, y0) = (self.col as f64 * cell_m, self.row as f64 * cell_m);
                let rect = Rect::new(
                    Coord { x: x0, y: y0 },
                    Coord {
                        x: x0 + cell_m,
                        y: y0 + cell_m,
                    },
                );
                MultiPolygon(vec![rect.to_polygon().orient(Direction::Default)])
            }
        }
    }
}

/// Most grid cells a run may build (about 1 GB of cells and results): more means a
/// polygon far larger than the network or a tiny `grid_cell_m`.
pub const MAX_GRID_CELLS: f64 = 10_000_000.0;

/// How many grid cells the districts' bounding boxes hold at `cell_m` (an upper bound of
/// the pieces [`grid_pieces`] builds), computed without building any.
pub fn cell_estimate(districts: &[District], proj: &LocalProjection, cell_m: f64) -> f64 {
    districts
        .iter()
        .filter_map(|d| d.area.bounding_rect())
        .map(|r| {
            let a = proj.project(r.min().x, r.min().y);
            let b = proj.project(r.max().x, r.max().y);
            ((b[0] - a[0]).abs() / cell_m + 1.0) * ((b[1] - a[1]).abs() / cell_m + 1.0)
        })
        .sum()
}

/// Projects a lon/lat multipolygon into local metres.
pub fn project_multipolygon(mp: &MultiPolygon<f64>, proj: &LocalProjection) -> MultiPolygon<f64> {
    let ring = |ls: &LineString<f64>| -> LineString<f64> {
        ls.coords()
            .map(|c| {
                let p = proj.project(c.x, c.y);
                Coord { x: p[0], y: p[1] }
            })
            .collect()
    };
    MultiPolygon(
        mp.0.iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .collect(),
    )
}

/// Outlines with more edges than this are cut into one band per grid row before their
/// boundary cells are clipped: clipping a cell against the whole outline costs its every
/// edge, and a 10⁶-vertex district took over 100 s (issue 20, H2). Smaller outlines are
/// clipped whole, as before, so their figures do not move.
const BAND_CLIP_VERTICES: usize = 20_000;

/// Cuts `mp` into the bands of rows `rows.0..rows.1` (pushed in row order) by halving the
/// row range: each level of the halving handles every edge once, so the whole costs
/// O(edges × log rows), not O(edges × rows).
fn row_bands(
    mp: &MultiPolygon<f64>,
    rows: (i64, i64),
    x: (f64, f64),
    cell_m: f64,
    out: &mut Vec<MultiPolygon<f64>>,
) {
    let (lo, hi) = rows;
    if hi - lo <= 1 {
        out.push(mp.clone());
        return;
    }
    let mid = lo + (hi - lo) / 2;
    let band = |a: i64, b: i64| {
        let rect = Rect::new(
            Coord {
                x: x.0,
                y: a as f64 * cell_m,
            },
            Coord {
                x: x.1,
                y: b as f64 * cell_m,
            },
        );
        mp.intersection(&MultiPolygon(vec![rect.to_polygon()]))
    };
    row_bands(&band(lo, mid), (lo, mid), x, cell_m, out);
    row_bands(&band(mid, hi), (mid, hi), x, cell_m, out);
}

/// Cells of size `cell_m` covering every district, each clipped to the district. Cells
/// crossing a district boundary are clipped exactly (polygon intersection); the others
/// are whole or absent by their centre. Output order: district, row, column.
pub fn grid_pieces(districts: &[District], proj: &LocalProjection, cell_m: f64) -> Vec<CellPiece> {
    grid_pieces_banded_above(districts, proj, cell_m, BAND_CLIP_VERTICES)
}

/// [`grid_pieces`], cutting outlines of more than `band_above` edges into row bands.
fn grid_pieces_banded_above(
    districts: &[District],
    proj: &LocalProjection,
    cell_m: f64,
    band_above: usize,
) -> Vec<CellPiece> {
    let mut out = Vec::new();
    for (di, d) in districts.iter().enumerate() {
        let mp = project_multipolygon(&d.area, proj);
        let Some(bbox) = mp.bounding_rect() else {
            continue;
        };
        // Boundary edges, to tell boundary cells (clipped) from interior ones.
        let mut lines = Vec::new();
        for p in &mp.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                for l in ring.lines() {
                    lines.push(GeomWithData::new(
                        Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]),
                        (),
                    ));
                }
            }
        }
        let vertices = lines.len();
        let boundary = RTree::bulk_load(lines);
        let inside = AreaIndex::new(&mp);
        let row0 = (bbox.min().y / cell_m).floor() as i64;
        let row1 = (bbox.max().y / cell_m).ceil() as i64;
        let col0 = (bbox.min().x / cell_m).floor() as i64;
        let col1 = (bbox.max().x / cell_m).ceil() as i64;
        let bands = (vertices > band_above).then(|| {
            let (x0, x1) = (bbox.min().x - cell_m, bbox.max().x + cell_m);
            let mut bands = Vec::with_capacity((row1 - row0) as usize);
            row_bands(&mp, (row0, row1), (x0, x1), cell_m, &mut bands);
            bands
        });
        for row in row0..row1 {
            // The outline cut to this row, when it is detailed enough to be worth it.
            let outline = bands.as_ref().map_or(&mp, |b| &b[(row - row0) as usize]);
            for col in col0..col1 {
                let (x0, y0) = (col as f64 * cell_m, row as f64 * cell_m);
                let (x1, y1) = (x0 + cell_m, y0 + cell_m);
                let env = AABB::from_corners([x0, y0], [x1, y1]);
                let crosses = boundary
                    .locate_in_envelope_intersecting(&env)
                    .next()
                    .is_some();
                let centre = [x0 + cell_m / 2.0, y0 + cell_m / 2.0];
                let (area_m2, clipped) = if crosses {
                    let rect = Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 });
                    let piece = outline.intersection(&MultiPolygon(vec![rect.to_polygon()]));
                    (piece.unsigned_area(), Some(piece))
                } else if inside.contains(Point::new(centre[0], centre[1])) {
                    (cell_m * cell_m, None)
                } else {
                    (0.0, None)
                };
                if area_m2 > 0.0 {
                    out.push(CellPiece {
                        district: di,
                        row,
                        col,
                        area_m2,
                        centre: proj.unproject(centre),
                        clipped,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DistrictKind;
    use geo::polygon;

    /// A detailed outline (a 30,000-vertex circle of 2 km, with a hole) cut into row bands
    /// gives the cells that clipping against the whole outline gives.
    #[test]
    fn row_bands_clip_like_the_whole_outline() {
        let proj = LocalProjection::centred_at(120.0, 30.0);
        let circle = |r_m: f64, n: usize| {
            let pts: Vec<(f64, f64)> = (0..=n)
                .map(|i| {
                    let a = std::f64::consts::TAU * (i % n) as f64 / n as f64;
                    (
                        120.0 + r_m * a.cos() / proj.m_per_deg_lon,
                        30.0 + r_m * a.sin() / proj.m_per_deg_lat,
                    )
                })
                .collect();
            LineString::from(pts)
        };
        let d = District {
            name: "c".into(),
            kind: DistrictKind::Urban,
            area: MultiPolygon(vec![Polygon::new(
                circle(2000.0, 30_000),
                vec![circle(500.0, 1_000).into_iter().rev().collect()],
            )]),
            population: None,
        };
        let whole = grid_pieces_banded_above(std::slice::from_ref(&d), &proj, 250.0, usize::MAX);
        let banded = grid_pieces_banded_above(std::slice::from_ref(&d), &proj, 250.0, 0);
        assert_eq!(whole.len(), banded.len());
        for (a, b) in whole.iter().zip(&banded) {
            assert_eq!((a.row, a.col), (b.row, b.col));
            assert!(
                (a.area_m2 - b.area_m2).abs() <= 1e-6 * a.area_m2.max(1.0),
                "cell {},{}: {} vs {}",
                a.row,
                a.col,
                a.area_m2,
                b.area_m2
            );
        }
        let total: f64 = banded.iter().map(|c| c.area_m2).sum();
        let exact = std::f64::consts::PI * (2000.0f64.powi(2) - 500.0f64.powi(2));
        assert!((total - exact).abs() < 1e-3 * exact, "{total} vs {exact}");
    }

    #[test]
    fn clipped_cells_sum_to_polygon_area() {
        let proj = LocalProjection::centred_at(120.0, 30.0);
        // A triangle of about 2 × 2 km in lon/lat.
        let (dx, dy) = (2000.0 / proj.m_per_deg_lon, 2000.0 / proj.m_per_deg_lat);
        let tri = polygon![(x: 120.0, y: 30.0), (x: 120.0 + dx, y: 30.0), (x: 120.0, y: 30.0 + dy), (x: 120.0, y: 30.0)];
        let d = District {
            name: "t".into(),
            kind: DistrictKind::Urban,
            area: MultiPolygon(vec![tri]),
            population: None,
        };
        let cells = grid_pieces(&[d], &proj, 250.0);
        let total: f64 = cells.iter().map(|c| c.area_m2).sum();
        assert!((total - 2_000_000.0).abs() < 1.0, "{total}");
    }
}
