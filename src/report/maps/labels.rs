//! Label placement without overlaps (issue 16): every map kind asks for its labels
//! ([`LabelRequest`], through [`Scene::label`]) and [`finish`] places them all at once, in
//! priority order (district names, then stations, …), off every symbol and every label
//! placed before, inside the map box: one of 8 places around the symbol, else farther out
//! with a leader line, else left out (counted in [`Scene::labels_left_out`]). District
//! names go to a free spot inside their district. Then the map area is clipped to its box.
//! Also the text width estimate the placement and the tests share, and minutes for labels.

use geo::{Centroid, MultiPolygon};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{RGBColor, WHITE};

use super::scene::{hex, point_segment_dist, Prim, Rect, Scene};

/// Width of one character in em of the label size, conservative for the fonts the maps
/// are drawn with (Noto Sans CJK / WenQuanYi for Chinese, DejaVu Sans for the English
/// fallback; measured by `tests/map_labels.rs`, which renders text and checks its ink).
fn char_em(c: char) -> f64 {
    match c {
        'W' | 'M' | 'm' | 'w' | '@' | '%' => 0.85,
        'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | ' ' | 'f' | 't'
        | 'r' | '(' | ')' | '[' | ']' | '-' => 0.35,
        'A'..='Z' | '&' | '#' => 0.72,
        c if c.is_ascii() => 0.55,
        // Latin letters with accents (Finnish, German names), ·, ², –.
        c if (c as u32) < 0x250 || matches!(c, '–' | '—' | '·' | '’' | '‘') => 0.72,
        // CJK: 0.85 of the size in WenQuanYi Micro Hei, 0.69 in Noto Sans CJK.
        _ => 0.92,
    }
}

/// Estimated width in pixels of a label of `size` px (conservative: the drawn text is
/// never wider).
pub fn text_width(s: &str, size: f64) -> i32 {
    (s.chars().map(char_em).sum::<f64>() * size).ceil() as i32
}

/// Estimated height in pixels of one line of text of `size` px.
pub fn text_height(size: f64) -> i32 {
    (size * 1.1).ceil() as i32
}

/// How far above its anchor a line of text may ink, in px, by vertical anchor: plotters
/// anchors a line by a box smaller than the glyphs (measured: ink from −0.23 to +0.73 of
/// the size around a top anchor, −0.62 to +0.35 around a centre, −1.01 to −0.04 around a
/// bottom one, halo included).
fn text_rise(size: f64, v: VPos) -> i32 {
    let k = match v {
        VPos::Top => 0.3,
        VPos::Center => 0.7,
        VPos::Bottom => 1.1,
    };
    (size * k).ceil() as i32
}

/// The halo a text is drawn with, in px on each side (the PNG backend's offsets).
pub fn halo_px(size: f64) -> i32 {
    (size / 12.0).max(2.0) as i32
}

/// The box a text may ink, anchored at `at` as plotters anchors it, halo included; the
/// wider of the text and its fallback (either may be drawn).
pub fn text_box(
    at: (i32, i32),
    text: &str,
    fallback: &str,
    size: f64,
    h: HPos,
    v: VPos,
    halo: bool,
) -> Rect {
    let w = text_width(text, size).max(text_width(fallback, size));
    let ht = text_height(size);
    let x0 = match h {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2 - 1,
        HPos::Right => at.0 - w,
    };
    let y0 = at.1 - text_rise(size, v);
    let d = if halo { halo_px(size) + 1 } else { 1 };
    (x0 - d, y0 - d, x0 + w + d + 1, y0 + ht + d + 1)
}

/// Which labels win a crowded place: lower first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// District names: the map's frame of reference.
    District,
    /// Stations, plan changes, chosen sites: what the map is about.
    Station,
    /// Support points, closed roads, first-due areas' stations.
    Facility,
    /// Special-risk sites.
    Site,
    /// Villages without a micro station: many.
    Village,
    /// Place names of the map's context: the first to go.
    Place,
}

/// A label to place: its text, what it labels and how it may move.
#[derive(Debug, Clone)]
pub struct LabelRequest {
    /// Layer the text goes to.
    pub layer: String,
    /// The symbol's centre (an area's first spot for area labels).
    pub anchor: (i32, i32),
    /// Distance from the anchor the label keeps (half the symbol plus a gap).
    pub radius: i32,
    pub text: String,
    /// English / ASCII text for PNGs drawn without a CJK font.
    pub fallback: String,
    pub size: f64,
    pub color: RGBColor,
    pub halo: bool,
    /// A second, smaller line under the first (a first-due area's km²): text, size, colour.
    pub second: Option<(String, f64, RGBColor)>,
    /// Drawn in a white box with a border of this colour and width (a chosen site's tag).
    pub tag: Option<(RGBColor, u32)>,
    pub priority: Priority,
    /// For an area's name: the places inside the area its centre may go, best first
    /// (tried before the places around the anchor).
    pub spots: Vec<(i32, i32)>,
}

impl LabelRequest {
    /// A label beside a symbol at `anchor` of half-size `radius`, drawn with a halo.
    #[allow(clippy::too_many_arguments)]
    pub fn point(
        layer: &str,
        anchor: (i32, i32),
        radius: i32,
        text: &str,
        fallback: &str,
        size: f64,
        color: RGBColor,
        priority: Priority,
    ) -> LabelRequest {
        LabelRequest {
            layer: layer.to_string(),
            anchor,
            radius,
            text: text.to_string(),
            fallback: fallback.to_string(),
            size,
            color,
            halo: true,
            second: None,
            tag: None,
            priority,
            spots: Vec::new(),
        }
    }

    /// The primitives of this label with its text block's top centre at (0, 0), and the
    /// box they ink.
    fn layout(&self) -> (Vec<Prim>, Rect) {
        let mut prims = Vec::new();
        let pad = if self.tag.is_some() {
            (self.size / 4.0).ceil() as i32
        } else {
            0
        };
        let halo = self.halo && self.tag.is_none();
        prims.push(super::scene::text(
            (0, pad),
            &self.text,
            &self.fallback,
            self.size,
            self.color,
            HPos::Center,
            VPos::Top,
            halo,
        ));
        if let Some((t, size, color)) = &self.second {
            // Just under the first line's box (halo included) and its own halo.
            let first = prims.first().and_then(Prim::ink_box).map_or(0, |b| b.3);
            let d = text_rise(*size, VPos::Top) + if halo { halo_px(*size) + 2 } else { 2 };
            prims.push(super::scene::text(
                (0, first + d),
                t,
                t,
                *size,
                *color,
                HPos::Center,
                VPos::Top,
                halo,
            ));
        }
        let mut b = prims
            .iter()
            .filter_map(Prim::ink_box)
            .reduce(union)
            .unwrap_or((0, 0, 0, 0));
        if let Some((border, width)) = self.tag {
            b = (b.0 - pad, b.1 - pad, b.2 + pad, b.3 + pad);
            let corners = vec![(b.0, b.1), (b.2, b.1), (b.2, b.3), (b.0, b.3)];
            let mut ring = corners.clone();
            ring.push((b.0, b.1));
            let half = (width as i32 + 1) / 2;
            prims.insert(
                0,
                Prim::Path {
                    pts: ring,
                    color: border,
                    width,
                },
            );
            prims.insert(
                0,
                Prim::Polygon {
                    pts: corners,
                    fill: WHITE,
                    opacity: 0.92,
                },
            );
            b = (b.0 - half, b.1 - half, b.2 + half, b.3 + half);
        }
        (prims, b)
    }
}

fn union(a: Rect, b: Rect) -> Rect {
    (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3))
}

/// Whether two boxes share pixels (touching edges do not).
pub fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Whether `a` lies inside `o`.
pub fn inside(a: Rect, o: Rect) -> bool {
    a.0 >= o.0 && a.1 >= o.1 && a.2 <= o.2 && a.3 <= o.3
}

fn shift(p: Prim, dx: i32, dy: i32) -> Prim {
    let m = |q: (i32, i32)| (q.0 + dx, q.1 + dy);
    match p {
        Prim::Text {
            at,
            text,
            fallback,
            size,
            color,
            h,
            v,
            halo,
        } => Prim::Text {
            at: m(at),
            text,
            fallback,
            size,
            color,
            h,
            v,
            halo,
        },
        Prim::Path { pts, color, width } => Prim::Path {
            pts: pts.into_iter().map(m).collect(),
            color,
            width,
        },
        Prim::Polygon { pts, fill, opacity } => Prim::Polygon {
            pts: pts.into_iter().map(m).collect(),
            fill,
            opacity,
        },
        other => other,
    }
}

/// Top-left corners of a `w` × `h` box around a symbol at `a` kept `r` px away (in x or
/// y): below, above, right, left, then the four diagonals.
fn around(a: (i32, i32), r: i32, w: i32, h: i32) -> [(i32, i32); 8] {
    // Diagonal places clear the symbol's box, not just its circle: boxes are what collide.
    let k = r;
    [
        (a.0 - w / 2, a.1 + r),
        (a.0 - w / 2, a.1 - r - h),
        (a.0 + r, a.1 - h / 2),
        (a.0 - r - w, a.1 - h / 2),
        (a.0 + k, a.1 + k),
        (a.0 + k, a.1 - k - h),
        (a.0 - k - w, a.1 + k),
        (a.0 - k - w, a.1 - k - h),
    ]
}

/// The point of `b` nearest to `p`.
fn nearest_in(b: Rect, p: (i32, i32)) -> (i32, i32) {
    (p.0.clamp(b.0, b.2), p.1.clamp(b.1, b.3))
}

/// Places every requested label (see the module doc), raises the place names over the
/// map's other layers, then clips the map area to the map box ([`Scene::clip_to_map`]).
/// Call once, after the map's decorations are drawn.
pub fn finish(sc: &mut Scene) {
    place_labels(sc);
    sc.raise_over_map(super::context::PLACE_LAYER);
    sc.clip_to_map();
}

/// Places the requested labels of `sc` in priority order (requests order within one
/// priority): the first free place of the area's spots, the 8 places around the symbol,
/// then 16 farther places with a leader line; a label with none is left out and counted.
pub fn place_labels(sc: &mut Scene) {
    let mut reqs = std::mem::take(&mut sc.label_requests);
    if reqs.is_empty() {
        return;
    }
    reqs.sort_by_key(|r| r.priority);
    let (w_page, h_page) = (sc.width as i32, sc.height as i32);
    // Inside the map border (drawn 3 px wide at 2480 px) when there is a map box.
    let bounds = sc.map.map_or((0, 0, w_page, h_page), |m| {
        let b = (w_page / 800).max(2);
        (m.0 + b, m.1 + b, m.2 - b, m.3 - b)
    });
    // Symbols, decorations drawn over the map (scale bar, north arrow), and any text
    // already on the map.
    let mut taken: Vec<Rect> = sc.symbols.clone();
    for (name, prims) in &sc.layers {
        let deco = !Scene::is_map_layer(name);
        for p in prims {
            let keep = match p {
                Prim::Text { .. } => true,
                _ => deco && name != "frame",
            };
            if keep {
                if let Some(b) = p.ink_box() {
                    if sc.map.is_none_or(|m| overlaps(b, m)) {
                        taken.push(b);
                    }
                }
            }
        }
    }
    let leader_w = (w_page / 1240).max(1) as u32;
    for req in reqs {
        let (prims, b) = req.layout();
        let (w, h) = (b.2 - b.0, b.3 - b.1);
        let free = |corner: (i32, i32), taken: &[Rect]| {
            let bx = (corner.0, corner.1, corner.0 + w, corner.1 + h);
            inside(bx, bounds) && taken.iter().all(|&t| !overlaps(bx, t))
        };
        let mut pick: Option<((i32, i32), bool)> = req
            .spots
            .iter()
            .map(|&s| (s.0 - w / 2, s.1 - h / 2))
            .find(|&c| free(c, &taken))
            .map(|c| (c, false));
        if pick.is_none() {
            let r = req.radius;
            pick = around(req.anchor, r, w, h)
                .into_iter()
                .find(|&c| free(c, &taken))
                .map(|c| (c, false));
            if pick.is_none() && req.spots.is_empty() {
                let step = (h + r).max(4);
                pick = [r + step, r + 2 * step]
                    .into_iter()
                    .flat_map(|d| around(req.anchor, d, w, h))
                    .find(|&c| free(c, &taken))
                    .map(|c| (c, true));
            }
        }
        let Some((corner, leader)) = pick else {
            sc.labels_left_out += 1;
            continue;
        };
        let placed = (corner.0, corner.1, corner.0 + w, corner.1 + h);
        let (dx, dy) = (corner.0 - b.0, corner.1 - b.1);
        let layer = sc.layer(&req.layer);
        if leader {
            // From the symbol's edge to the nearest point of the label.
            let end = nearest_in(placed, req.anchor);
            let (vx, vy) = (
                f64::from(end.0 - req.anchor.0),
                f64::from(end.1 - req.anchor.1),
            );
            let len = vx.hypot(vy).max(1.0);
            let start = (
                req.anchor.0 + (vx / len * f64::from(req.radius)).round() as i32,
                req.anchor.1 + (vy / len * f64::from(req.radius)).round() as i32,
            );
            layer.push(Prim::Path {
                pts: vec![start, end],
                color: hex(0x606060),
                width: leader_w,
            });
        }
        layer.extend(prims.into_iter().map(|p| shift(p, dx, dy)));
        taken.push(placed);
    }
}

/// Places inside an area (its rings in pixels: the exterior, then the holes) where a
/// `w` × `h` box centred on the place lies wholly inside, farthest from the edge first
/// (the pole of inaccessibility comes first): the spots of an area's name.
pub fn area_spots(rings: &[Vec<(i32, i32)>], w: i32, h: i32) -> Vec<(i32, i32)> {
    let Some(outer) = rings.first() else {
        return Vec::new();
    };
    let Some(bb) = outer.iter().map(|&(x, y)| (x, y, x, y)).reduce(union) else {
        return Vec::new();
    };
    let edges: Vec<Edge> = rings
        .iter()
        .flat_map(|r| (0..r.len()).map(move |i| (r[i], r[(i + 1) % r.len()])))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| {
            (
                (f64::from(a.0), f64::from(a.1)),
                (f64::from(b.0), f64::from(b.1)),
            )
        })
        .collect();
    // A grid of at most 40 × 40 places over the area's box.
    let step = ((bb.2 - bb.0).max(bb.3 - bb.1) / 40).max(h / 3).max(2);
    let mut out: Vec<(f64, (i32, i32))> = Vec::new();
    let mut y = bb.1 + step / 2;
    while y < bb.3 {
        let mut x = bb.0 + step / 2;
        while x < bb.2 {
            let c = (f64::from(x), f64::from(y));
            let bx = (
                f64::from(x - w / 2),
                f64::from(y - h / 2),
                f64::from(x + w - w / 2),
                f64::from(y + h - h / 2),
            );
            if contains(&edges, c) && !edges.iter().any(|&(a, b)| segment_meets_box(a, b, bx)) {
                let clear = edges
                    .iter()
                    .map(|&(a, b)| point_segment_dist(c, a, b))
                    .fold(f64::INFINITY, f64::min);
                out.push((clear, (x, y)));
            }
            x += step;
        }
        y += step;
    }
    out.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1 .1.cmp(&b.1 .1))
            .then(a.1 .0.cmp(&b.1 .0))
    });
    out.into_iter().map(|(_, p)| p).collect()
}

/// An edge of an area's ring in pixels.
type Edge = ((f64, f64), (f64, f64));

/// Even-odd point in polygon over all edges.
fn contains(edges: &[Edge], p: (f64, f64)) -> bool {
    let mut inside = false;
    for &(a, b) in edges {
        if (a.1 > p.1) != (b.1 > p.1) {
            let x = a.0 + (p.1 - a.1) / (b.1 - a.1) * (b.0 - a.0);
            if p.0 < x {
                inside = !inside;
            }
        }
    }
    inside
}

/// Whether the segment a–b has a point inside or on the box (x0, y0, x1, y1).
fn segment_meets_box(a: (f64, f64), b: (f64, f64), bx: (f64, f64, f64, f64)) -> bool {
    super::scene::clip_segment(a, b, bx).is_some()
}

/// A point inside (or near the middle of) a district to put its name: the centroid of
/// its largest polygon.
pub fn label_point(mp: &MultiPolygon<f64>) -> Option<(f64, f64)> {
    use geo::Area;
    let big =
        mp.0.iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    big.centroid().map(|c| (c.x(), c.y()))
}

/// Minutes for labels: `5`, `2.5`.
pub fn fmt_min(seconds: f64) -> String {
    let m = seconds / 60.0;
    if (m - m.round()).abs() < 1e-9 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

/// The distance a label keeps from the centre of a symbol of `shape` and `size` px: the
/// symbol's farthest point plus `gap`.
pub fn symbol_radius(shape: super::scene::Shape, size: i32, gap: i32) -> i32 {
    let b = super::scene::mark_box(shape, (0, 0), size);
    b.2.max(b.3).max(-b.0).max(-b.1) + gap
}
