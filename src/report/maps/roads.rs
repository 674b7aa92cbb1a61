//! Road layers at any zoom (issue 18): every map that draws roads (response bands,
//! first-due context, the grey base roads, supply reach, plan coverage change, optimize
//! reach) pushes its pieces into a [`RoadLayer`], which draws them one path per piece, as
//! always, while the map can show them, and aggregated on a grid of cells when it cannot.
//!
//! The rule, per tier (one road class or level, drawn in one width), a cell being a square
//! of the tier's line width: a tier is aggregated when it has more than
//! [`PIECES_PER_CELL`] pieces per cell it inks (most pieces are then far shorter than the
//! line is wide, so one path each shows nothing a reader could tell apart: a province has
//! 6.3 M segments at ~100 m a pixel) and more than one piece per
//! [`PAGE_PX_PER_PIECE`] pixels of the page (fewer are cheap to draw one by one, and the
//! curves of a few major roads stay exact). A tier of more pieces than the page has cells is aggregated
//! whatever its density, so an exact tier draws at most one path per cell of the page and
//! an aggregated one at most 5 lines (4 directions and a square) per inked cell.
//!
//! Aggregated, each piece is walked through the cells it crosses; every step between
//! neighbouring cells is an edge, duplicate edges are dropped, and an edge takes the colour
//! holding the most road length along it (ties: the colour the tier met first): a cell of
//! mixed bands shows the band of most of its roads, as the road coverage figures weigh
//! roads by length. Straight runs of edges of one colour become one line, all lines of one
//! colour one [`Prim::Lines`] (one `<path>` in the SVG), drawn through the cells' centres
//! with square ends. A piece crossing [`LONG_CELLS`] cells or more is drawn exactly over
//! them (a long straight road, such as a link between towns, stays straight rather than a
//! staircase of cells), unless there are more such pieces than a tenth of the page's
//! cells. Tiers keep their order (major roads over minor ones), so roads still read as
//! roads.

use std::collections::HashMap;

use plotters::style::RGBColor;

use super::scene::{Line, Prim, Scene};

/// A tier with more pieces than this per cell it inks may be aggregated. The bundled
/// scenarios' tiers have 0.1–2.6 (the most: Camden's few motorway pieces, curved); a
/// generated 3x3 province's minor roads 4.7, a 4x4's 6.4, their supply reach 7–11.
pub const PIECES_PER_CELL: f64 = 2.0;

/// A tier of no more than one piece per this many pixels of the page is drawn exactly
/// whatever its density (89 k pieces on an A4-wide page). The bundled scenarios' largest
/// tier has 61 k (the demo's grey roads); a 4x4 province's minor roads 538 k.
pub const PAGE_PX_PER_PIECE: usize = 64;

/// A piece of an aggregated tier crossing this many cells or more is drawn exactly.
pub const LONG_CELLS: i32 = 4;

/// One piece as drawn exactly: end points and the index of its colour in the tier.
#[derive(Clone, Copy)]
struct Piece {
    a: (i32, i32),
    b: (i32, i32),
    colour: u8,
}

/// Directions of an edge from a cell: itself (a piece within one cell), east, south-east,
/// south, south-west.
const DIRS: [(i32, i32); 5] = [(0, 0), (1, 0), (1, 1), (0, 1), (-1, 1)];

/// Pieces drawn in one width, one after another.
struct Tier {
    key: u32,
    width: u32,
    colours: Vec<RGBColor>,
    /// The pieces in order, while the tier could still be drawn one path per piece (no
    /// more pieces than the page has cells); dropped beyond that, so the memory is
    /// bounded by the page, not the network.
    exact: Option<Vec<Piece>>,
    pieces: usize,
    /// Side of a cell in pixels (the line width, at least 1).
    cell_px: i32,
    cols: i32,
    rows: i32,
    /// Road length (px) per edge and colour: key `(cell * 5 + dir) << 8 | colour`.
    votes: HashMap<u64, f64>,
    /// Long pieces (at least [`LONG_CELLS`] cells), drawn exactly when aggregated, while
    /// there are no more than a tenth of the page's cells of them; then walked as others.
    long: Option<Vec<Piece>>,
    /// Edges (`cell * 5 + dir`) the long pieces cross: the cells they ink.
    long_edges: std::collections::HashSet<u64>,
}

impl Tier {
    fn cell_of(&self, p: (i32, i32)) -> (i32, i32) {
        (p.0.div_euclid(self.cell_px), p.1.div_euclid(self.cell_px))
    }

    fn inside(&self, c: (i32, i32)) -> bool {
        c.0 >= 0 && c.1 >= 0 && c.0 < self.cols && c.1 < self.rows
    }

    fn vote(&mut self, cell: (i32, i32), dir: usize, colour: u8, len_px: f64) {
        let idx = cell.1 as u64 * self.cols as u64 + cell.0 as u64;
        *self
            .votes
            .entry(((idx * 5 + dir as u64) << 8) | u64::from(colour))
            .or_insert(0.0) += len_px;
    }

    /// Walks a piece through the cells it crosses (a line of cells between the cells of
    /// its ends), voting its length on each step; steps off the page are left out.
    fn walk(&mut self, p: Piece) {
        let len = (f64::from(p.b.0 - p.a.0)).hypot(f64::from(p.b.1 - p.a.1));
        if len == 0.0 {
            // Draws nothing in the exact drawing either.
            return;
        }
        let (ca, cb) = (self.cell_of(p.a), self.cell_of(p.b));
        let (dx, dy) = (cb.0 - ca.0, cb.1 - ca.1);
        let n = dx.abs().max(dy.abs());
        if n >= LONG_CELLS && self.long.is_some() {
            let cap = self.cols as usize * self.rows as usize / 10;
            if self.long.as_ref().map_or(0, Vec::len) < cap {
                if let Some(list) = &mut self.long {
                    list.push(p);
                }
                self.walk_cells(ca, (dx, dy), |t, from, d| {
                    let idx = from.1 as u64 * t.cols as u64 + from.0 as u64;
                    t.long_edges.insert(idx * 5 + d as u64);
                });
                return;
            }
            // Too many to draw one by one: every long piece is walked.
            let list = self.long.take().unwrap_or_default();
            self.long_edges.clear();
            for q in list {
                self.walk(q);
            }
        }
        if n == 0 {
            if self.inside(ca) {
                self.vote(ca, 0, p.colour, len);
            }
            return;
        }
        let step_len = len / f64::from(n);
        self.walk_cells(ca, (dx, dy), |t, from, d| {
            t.vote(from, d, p.colour, step_len)
        });
    }

    /// Calls `step(self, cell, direction)` for each step of the line of cells from `ca`
    /// to `ca + (dx, dy)` that stays on the page.
    fn walk_cells(
        &mut self,
        ca: (i32, i32),
        (dx, dy): (i32, i32),
        mut step: impl FnMut(&mut Self, (i32, i32), usize),
    ) {
        let n = dx.abs().max(dy.abs());
        let at = |i: i32| {
            let t = f64::from(i) / f64::from(n);
            (
                ca.0 + (t * f64::from(dx)).round() as i32,
                ca.1 + (t * f64::from(dy)).round() as i32,
            )
        };
        let mut prev = ca;
        for i in 1..=n {
            let next = at(i);
            let (from, d) = normalise(prev, next);
            if self.inside(prev) && self.inside(next) {
                step(self, from, d);
            }
            prev = next;
        }
    }

    /// Pixel centre of a cell.
    fn centre(&self, c: (i32, i32)) -> (i32, i32) {
        (
            c.0 * self.cell_px + self.cell_px / 2,
            c.1 * self.cell_px + self.cell_px / 2,
        )
    }

    /// The winning colour of every edge, sorted by edge key.
    fn edges(&self) -> Vec<(u64, u8)> {
        let mut all: Vec<(u64, u8, f64)> = self
            .votes
            .iter()
            .map(|(&k, &w)| (k >> 8, (k & 0xff) as u8, w))
            .collect();
        all.sort_unstable_by_key(|&(e, c, _)| (e, c));
        let mut out: Vec<(u64, u8)> = Vec::new();
        let mut best = f64::NEG_INFINITY;
        for (e, c, w) in all {
            match out.last_mut() {
                Some(last) if last.0 == e => {
                    if w > best {
                        *last = (e, c);
                        best = w;
                    }
                }
                _ => {
                    out.push((e, c));
                    best = w;
                }
            }
        }
        out
    }

    /// Distinct cells the tier inks (ends of its edges and of the long pieces' edges,
    /// cells of pieces within one cell).
    fn inked_cells(&self, edges: &[(u64, u8)]) -> usize {
        let cols = self.cols;
        let mut cells: Vec<u64> = Vec::with_capacity(edges.len() * 2);
        for e in edges
            .iter()
            .map(|&(e, _)| e)
            .chain(self.long_edges.iter().copied())
        {
            let (cell, dir) = (e / 5, (e % 5) as usize);
            cells.push(cell);
            if dir != 0 {
                let (x, y) = ((cell % cols as u64) as i32, (cell / cols as u64) as i32);
                let (dx, dy) = DIRS[dir];
                cells.push((y + dy) as u64 * cols as u64 + (x + dx) as u64);
            }
        }
        cells.sort_unstable();
        cells.dedup();
        cells.len()
    }

    /// The aggregated drawing: per colour, straight runs of edges as lines, and cells that
    /// only hold pieces within themselves as zero-length lines (a square of the width).
    fn aggregated(&self, edges: &[(u64, u8)]) -> Vec<Prim> {
        let cols = self.cols as u64;
        let cell_xy = |cell: u64| ((cell % cols) as i32, (cell / cols) as i32);
        // Cells touched by a real edge: a within-cell piece there draws nothing more.
        let mut linked: Vec<u64> = Vec::new();
        // (colour, dir, line, position, cell) of every edge.
        type Keyed = (u8, usize, i32, i32, (i32, i32));
        let mut keyed: Vec<Keyed> = Vec::with_capacity(edges.len());
        for &(e, colour) in edges {
            let (cell, dir) = (e / 5, (e % 5) as usize);
            let (x, y) = cell_xy(cell);
            if dir != 0 {
                let (dx, dy) = DIRS[dir];
                linked.push(cell);
                linked.push((y + dy) as u64 * cols + (x + dx) as u64);
            }
            // Cells of one straight line in direction `dir` share `line`; `position`
            // counts along it.
            let (line, pos) = match dir {
                1 => (y, x),
                2 => (x - y, y),
                3 => (x, y),
                4 => (x + y, y),
                _ => (y, x),
            };
            keyed.push((colour, dir, line, pos, (x, y)));
        }
        linked.sort_unstable();
        linked.dedup();
        keyed.sort_unstable_by_key(|&(c, d, l, p, _)| (c, d, l, p));
        let mut by_colour: Vec<(u8, Vec<Line>)> = Vec::new();
        let mut i = 0;
        while i < keyed.len() {
            let (colour, dir, line, pos, start) = keyed[i];
            let mut j = i + 1;
            if dir == 0 {
                let cell = start.1 as u64 * cols + start.0 as u64;
                i = j;
                if linked.binary_search(&cell).is_ok() {
                    continue;
                }
                let c = self.centre(start);
                push_line(&mut by_colour, colour, (c, c));
                continue;
            }
            // A run: the same colour, direction and line, consecutive positions.
            while j < keyed.len() && {
                let (c2, d2, l2, p2, _) = keyed[j];
                (c2, d2, l2, p2) == (colour, dir, line, pos + (j - i) as i32)
            } {
                j += 1;
            }
            let steps = (j - i) as i32;
            let (dx, dy) = DIRS[dir];
            let end = (start.0 + dx * steps, start.1 + dy * steps);
            push_line(
                &mut by_colour,
                colour,
                (self.centre(start), self.centre(end)),
            );
            i = j;
        }
        let mut prims: Vec<Prim> = by_colour
            .into_iter()
            .map(|(c, segs)| Prim::Lines {
                segs,
                color: self.colours[c as usize],
                width: self.width,
            })
            .collect();
        prims.extend(self.long.iter().flatten().map(|p| self.exact_path(p)));
        prims
    }

    /// A piece drawn on its own.
    fn exact_path(&self, p: &Piece) -> Prim {
        Prim::Path {
            pts: vec![p.a, p.b],
            color: self.colours[p.colour as usize],
            width: self.width,
        }
    }
}

fn push_line(by_colour: &mut Vec<(u8, Vec<Line>)>, colour: u8, seg: Line) {
    match by_colour.last_mut() {
        Some((c, segs)) if *c == colour => segs.push(seg),
        _ => by_colour.push((colour, vec![seg])),
    }
}

/// A step between neighbouring cells as (cell, direction) with the direction one of
/// east, south-east, south, south-west (the step taken from its other end if needed).
fn normalise(a: (i32, i32), b: (i32, i32)) -> ((i32, i32), usize) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (from, d) = if dy < 0 || (dy == 0 && dx < 0) {
        (b, (-dx, -dy))
    } else {
        (a, (dx, dy))
    };
    let dir = DIRS.iter().position(|&x| x == d).unwrap_or(0);
    (from, dir)
}

/// How a tier was drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// One path per piece.
    Exact,
    /// On the grid of cells.
    Aggregated,
}

/// A road layer being built: pieces in pixel coordinates, grouped in tiers drawn in
/// ascending key order (within a tier, in the order pushed).
pub struct RoadLayer {
    size: (u32, u32),
    tiers: Vec<Tier>,
}

impl RoadLayer {
    /// An empty road layer for a page of `width` × `height` px.
    pub fn new(width: u32, height: u32) -> RoadLayer {
        RoadLayer {
            size: (width, height),
            tiers: Vec::new(),
        }
    }

    /// Adds a piece from `a` to `b` (px) in `color`, to the tier `key` drawn `width` px
    /// wide (tiers with a smaller key are drawn first).
    pub fn push(&mut self, key: u32, width: u32, a: (i32, i32), b: (i32, i32), color: RGBColor) {
        let ti = match self.tiers.iter().position(|t| t.key == key) {
            Some(i) => i,
            None => {
                let cell_px = width.max(1) as i32;
                let (cols, rows) = (
                    (self.size.0 as i32 + cell_px - 1) / cell_px,
                    (self.size.1 as i32 + cell_px - 1) / cell_px,
                );
                self.tiers.push(Tier {
                    key,
                    width,
                    colours: Vec::new(),
                    exact: Some(Vec::new()),
                    pieces: 0,
                    cell_px,
                    cols,
                    rows,
                    votes: HashMap::new(),
                    long: Some(Vec::new()),
                    long_edges: std::collections::HashSet::new(),
                });
                self.tiers.len() - 1
            }
        };
        let t = &mut self.tiers[ti];
        let colour = match t.colours.iter().position(|&c| c == color) {
            Some(i) => i,
            None => {
                t.colours.push(color);
                t.colours.len() - 1
            }
        };
        // More than 256 colours in one tier: the rest share the last index (no map has).
        let piece = Piece {
            a,
            b,
            colour: colour.min(255) as u8,
        };
        t.pieces += 1;
        let page_cells = t.cols as usize * t.rows as usize;
        if let Some(list) = &mut t.exact {
            if t.pieces > page_cells {
                t.exact = None;
            } else {
                list.push(piece);
            }
        }
        t.walk(piece);
    }

    /// Number of pieces pushed.
    pub fn len(&self) -> usize {
        self.tiers.iter().map(|t| t.pieces).sum()
    }

    /// True when no piece was pushed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Draws the layer into `layer` of `sc`: tier by tier, each exact or aggregated by
    /// the rule of this module; returns how each tier was drawn, in drawing order.
    pub fn draw(self, sc: &mut Scene, layer: &str) -> Vec<Drawn> {
        self.draw_at(sc, layer, PIECES_PER_CELL, |page_px| {
            page_px / PAGE_PX_PER_PIECE
        })
    }

    /// As [`RoadLayer::draw`], aggregating tiers of more than `pieces_per_cell` pieces per
    /// inked cell and more than `min_pieces(pixels of the page)` pieces (0 and 0: every
    /// tier).
    fn draw_at(
        mut self,
        sc: &mut Scene,
        layer: &str,
        pieces_per_cell: f64,
        min_pieces: impl Fn(usize) -> usize,
    ) -> Vec<Drawn> {
        self.tiers.sort_by_key(|t| t.key);
        let mut how = Vec::new();
        // No pieces, no layer: as when each piece was pushed on its own.
        for t in &self.tiers {
            let edges = t.edges();
            let inked = t.inked_cells(&edges);
            let many = t.pieces > min_pieces(self.size.0 as usize * self.size.1 as usize);
            let dense = many && t.pieces as f64 > pieces_per_cell * inked as f64;
            let prims = sc.layer(layer);
            match (&t.exact, dense) {
                (Some(list), false) => {
                    how.push(Drawn::Exact);
                    prims.extend(list.iter().map(|p| t.exact_path(p)));
                }
                _ => {
                    how.push(Drawn::Aggregated);
                    prims.extend(t.aggregated(&edges));
                }
            }
        }
        how
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::maps::scene::hex;

    fn scene() -> Scene {
        Scene {
            width: 60,
            height: 30,
            layers: Vec::new(),
            ..Scene::new(0, 0)
        }
    }

    fn lines(sc: &Scene) -> Vec<(RGBColor, Vec<Line>)> {
        sc.layers[0]
            .1
            .iter()
            .filter_map(|p| match p {
                Prim::Lines { segs, color, .. } => Some((*color, segs.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn many_short_pieces_in_one_cell_make_one_square_of_their_colour() {
        let (red, green) = (hex(0xd7191c), hex(0x1a9641));
        let mut roads = RoadLayer::new(60, 30);
        // Cell (2, 1) of 3 px: pixels 6..9 × 3..6; ten tiny pieces in it, all red.
        for i in 0..10 {
            roads.push(0, 3, (6, 3 + i % 3), (8, 3 + (i + 1) % 3), red);
        }
        // One green piece far away, alone in its cell.
        roads.push(0, 3, (30, 20), (31, 20), green);
        let mut sc = scene();
        assert_eq!(
            roads.draw_at(&mut sc, "roads", 0.0, |_| 0),
            vec![Drawn::Aggregated]
        );
        let got = lines(&sc);
        // The centre of cell (2, 1) is (7, 4); of cell (10, 6), (31, 19).
        assert_eq!(
            got,
            vec![
                (red, vec![((7, 4), (7, 4))]),
                (green, vec![((31, 19), (31, 19))]),
            ]
        );
    }

    #[test]
    fn a_tier_is_aggregated_only_when_dense_and_large() {
        // 400 × 300 px: 1,875 pieces are one per 64 px. Pieces of 1 px on a 3-px grid.
        let layer = |n: usize, spread: bool| {
            let mut roads = RoadLayer::new(400, 300);
            for i in 0..n as i32 {
                // Spread: each piece in a cell of its own; else 10 pieces per cell.
                let k = if spread { i } else { i / 10 };
                let (x, y) = (3 * (k % 130), 3 * (k / 130));
                roads.push(0, 3, (x, y), (x + 1, y), hex(0x808080));
            }
            let mut sc = Scene {
                width: 400,
                height: 300,
                layers: Vec::new(),
                ..Scene::new(0, 0)
            };
            roads.draw(&mut sc, "roads")
        };
        assert_eq!(layer(4000, false), vec![Drawn::Aggregated]);
        // Dense but no more than one piece per 64 px of the page.
        assert_eq!(layer(1875, false), vec![Drawn::Exact]);
        assert_eq!(layer(1876, false), vec![Drawn::Aggregated]);
        // Large but one piece per inked cell.
        assert_eq!(layer(4000, true), vec![Drawn::Exact]);
    }

    #[test]
    fn a_long_piece_stays_exact_over_the_aggregated_short_ones() {
        let (grey, red) = (hex(0x808080), hex(0xd7191c));
        let mut roads = RoadLayer::new(60, 30);
        for _ in 0..5 {
            roads.push(0, 3, (30, 18), (31, 19), grey);
        }
        // 14 cells across: drawn as it is, after the aggregated lines.
        roads.push(0, 3, (1, 2), (44, 27), red);
        let mut sc = scene();
        assert_eq!(
            roads.draw_at(&mut sc, "roads", 0.0, |_| 0),
            vec![Drawn::Aggregated]
        );
        let prims = &sc.layers[0].1;
        assert_eq!(prims.len(), 2);
        assert!(matches!(&prims[0], Prim::Lines { segs, color, .. }
            if *color == grey && segs == &vec![((31, 19), (31, 19))]));
        assert!(matches!(&prims[1], Prim::Path { pts, color, .. }
            if *color == red && pts == &vec![(1, 2), (44, 27)]));
    }

    #[test]
    fn a_few_long_pieces_are_drawn_exactly_in_order() {
        let mut roads = RoadLayer::new(60, 30);
        roads.push(5, 3, (0, 0), (50, 20), hex(0x00ff00));
        roads.push(1, 2, (10, 0), (10, 29), hex(0x0000ff));
        let mut sc = scene();
        assert_eq!(roads.draw(&mut sc, "roads"), vec![Drawn::Exact; 2]);
        let widths: Vec<u32> = sc.layers[0]
            .1
            .iter()
            .map(|p| match p {
                Prim::Path { width, .. } => *width,
                _ => 0,
            })
            .collect();
        // The tier of key 1 first.
        assert_eq!(widths, vec![2, 3]);
    }

    #[test]
    fn an_edge_of_two_bands_takes_the_band_of_most_length() {
        let (green, orange) = (hex(0xa6d96a), hex(0xfdae61));
        let mut roads = RoadLayer::new(60, 30);
        // Many pieces along row 4 (cells of row 1) from x = 1 to x = 10: cells 0..=3.
        // Green: 3 pieces of 9 px; orange: 4 pieces of 4 px; per step green weighs more.
        for _ in 0..3 {
            roads.push(0, 3, (1, 4), (10, 4), green);
        }
        for _ in 0..4 {
            roads.push(0, 3, (1, 4), (5, 4), orange);
        }
        let mut sc = scene();
        assert_eq!(
            roads.draw_at(&mut sc, "roads", 0.0, |_| 0),
            vec![Drawn::Aggregated]
        );
        // Steps: green votes 3 per step on (0→1), (1→2), (2→3); orange 4 × 4 px over one
        // step (0→1): 16 > 9, so the first edge is orange and the other two green.
        assert_eq!(
            lines(&sc),
            vec![
                (green, vec![((4, 4), (10, 4))]),
                (orange, vec![((1, 4), (4, 4))]),
            ]
        );
    }

    /// Inked (non-white) pixels of a scene drawn as PNG, as a `w` × `h` mask.
    fn ink(sc: &Scene) -> Vec<bool> {
        let png = crate::report::maps::render::render_png(sc, "roads.png", None).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        buf.chunks(3).map(|p| p != [255, 255, 255]).collect()
    }

    /// Pixels of `a` with no pixel of `b` within `r` (Chebyshev distance).
    fn far_from(a: &[bool], b: &[bool], (w, h): (i32, i32), r: i32) -> usize {
        (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| a[(y * w + x) as usize])
            .filter(|&(x, y)| {
                !(y - r..=y + r).any(|yy| {
                    (x - r..=x + r).any(|xx| {
                        xx >= 0 && yy >= 0 && xx < w && yy < h && b[(yy * w + xx) as usize]
                    })
                })
            })
            .count()
    }

    /// Random roads drawn in full and aggregated (every tier) in `width` px: the full
    /// drawing's inked pixels, those with no aggregated ink within a cell, and the
    /// aggregated ones with no full ink within two cells.
    fn ink_apart(width: u32, seed: u64) -> (usize, usize, usize) {
        let (w, h) = (90i32, 70i32);
        let colours = [hex(0x1a9641), hex(0xa6d96a), hex(0xfdae61), hex(0xd7191c)];
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move |n: i32| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as i32
        };
        let mut roads = RoadLayer::new(w as u32, h as u32);
        let mut full = Scene {
            width: w as u32,
            height: h as u32,
            layers: Vec::new(),
            ..Scene::new(0, 0)
        };
        let mut piece = |roads: &mut RoadLayer, p, q, color| {
            roads.push(0, width, p, q, color);
            full.layer("roads").push(Prim::Path {
                pts: vec![p, q],
                color,
                width,
            });
        };
        // Short pieces chained into a few random walks (roads), and some long pieces.
        for _ in 0..6 {
            let mut p = (next(w), next(h));
            for _ in 0..150 {
                let q = (
                    (p.0 + next(5) - 2).clamp(0, w - 1),
                    (p.1 + next(5) - 2).clamp(0, h - 1),
                );
                let c = colours[next(4) as usize];
                piece(&mut roads, p, q, c);
                p = q;
            }
        }
        for _ in 0..5 {
            let (p, q) = ((next(w), next(h)), (next(w), next(h)));
            piece(&mut roads, p, q, colours[0]);
        }
        let mut agg = Scene {
            width: w as u32,
            height: h as u32,
            layers: Vec::new(),
            ..Scene::new(0, 0)
        };
        assert_eq!(
            roads.draw_at(&mut agg, "roads", 0.0, |_| 0),
            vec![Drawn::Aggregated]
        );
        let (a, f) = (ink(&agg), ink(&full));
        let cell = width.max(1) as i32;
        (
            f.iter().filter(|&&i| i).count(),
            far_from(&f, &a, (w, h), cell),
            far_from(&a, &f, (w, h), 2 * cell),
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Nothing drawn disappears and nothing appears far from a road: every pixel the
        /// full drawing inks has aggregated ink within one cell (the ends of a piece move to
        /// their cells' centres, at most a cell from where they were), and every
        /// aggregated pixel lies within two cells of the full drawing's ink.
        #[test]
        fn aggregated_ink_stays_within_a_cell_of_the_full_ink(
            width in 1u32..5,
            seed in 0u64..1_000_000,
        ) {
            let (inked, lost, stray) = ink_apart(width, seed);
            proptest::prop_assert!(inked > 100);
            proptest::prop_assert_eq!((lost, stray), (0, 0));
        }
    }

    /// A case the property found: 1-px lines drawn as filled slivers inked stray pixels.
    #[test]
    fn one_pixel_lines_have_every_pixel() {
        let (inked, lost, stray) = ink_apart(1, 111_774);
        assert!(inked > 100);
        assert_eq!((lost, stray), (0, 0));
    }

    #[test]
    fn straight_runs_merge_and_diagonals_stay_diagonal() {
        let c = hex(0x808080);
        let mut roads = RoadLayer::new(60, 30);
        // A diagonal of many 1-px steps from (0, 0) to (20, 20) on a 1-px grid: one line.
        for i in 0..20 {
            for _ in 0..2 {
                roads.push(0, 1, (i, i), (i + 1, i + 1), c);
            }
        }
        let mut sc = scene();
        assert_eq!(
            roads.draw_at(&mut sc, "roads", 0.0, |_| 0),
            vec![Drawn::Aggregated]
        );
        assert_eq!(lines(&sc), vec![(c, vec![((0, 0), (20, 20))])]);
    }
}
