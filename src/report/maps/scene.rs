//! The scene model: layers of pixel-space primitives ([`Prim`], [`Scene`]), legend swatches
//! and the station / depot symbols, so that every map kind draws the same way on PNG and SVG.

use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{RGBColor, WHITE};

use crate::model::StationClass;

/// An RGB colour from `0xRRGGBB`.
pub fn hex(c: u32) -> RGBColor {
    RGBColor((c >> 16) as u8, (c >> 8) as u8, c as u8)
}

/// A straight line between two pixels.
pub type Line = ((i32, i32), (i32, i32));

/// A drawing primitive in pixel coordinates.
#[derive(Clone)]
pub enum Prim {
    Path {
        pts: Vec<(i32, i32)>,
        color: RGBColor,
        width: u32,
    },
    /// Many separate straight lines of one colour and width with square ends (a line of
    /// zero length is a square): an aggregated road layer ([`super::roads`]), one
    /// `<path>` in the SVG.
    Lines {
        segs: Vec<Line>,
        color: RGBColor,
        width: u32,
    },
    Polygon {
        pts: Vec<(i32, i32)>,
        fill: RGBColor,
        opacity: f64,
    },
    Circle {
        at: (i32, i32),
        r: i32,
        fill: RGBColor,
    },
    /// The same filled symbol at many places (stations, demand dots): drawn by stamping
    /// one rasterised symbol in plotters' PNG and, when dense, as one `<path>` of the
    /// symbol repeated in the SVG, so that a million stations draw in a second or two
    /// (issue 20, H2). All
    /// marks of one primitive share their colour, so their order does not matter.
    Marks {
        shape: Shape,
        size: i32,
        fill: RGBColor,
        at: Vec<(i32, i32)>,
    },
    Text {
        at: (i32, i32),
        text: String,
        /// English / ASCII text for PNGs drawn without a CJK font.
        fallback: String,
        size: f64,
        color: RGBColor,
        h: HPos,
        v: VPos,
        halo: bool,
    },
}

/// A box in pixels: left, top, right, bottom.
pub type Rect = (i32, i32, i32, i32);

/// Layers of the page around the map (title, legend, scale bar, north arrow, attribution,
/// border): not clipped to the map box and not labels. Every other layer is map area.
pub const DECORATION_LAYERS: [&str; 6] = [
    "title",
    "legend",
    "scale-bar",
    "north-arrow",
    "attribution",
    "frame",
];

/// Layers of text drawn on a symbol by design (a chosen site's rank): part of the symbol,
/// not labels.
pub const ON_SYMBOL_TEXT_LAYERS: [&str; 1] = ["chosen-ranks"];

impl Prim {
    /// The box of the pixels this primitive may ink (strokes with half their width, text
    /// with its halo, by the conservative width estimate); None when it draws nothing.
    pub fn ink_box(&self) -> Option<Rect> {
        let bbox = |pts: &mut dyn Iterator<Item = (i32, i32)>, grow: i32| -> Option<Rect> {
            let mut b: Option<Rect> = None;
            for (x, y) in pts {
                b = Some(match b {
                    None => (x, y, x, y),
                    Some(o) => (o.0.min(x), o.1.min(y), o.2.max(x), o.3.max(y)),
                });
            }
            b.map(|o| (o.0 - grow, o.1 - grow, o.2 + grow, o.3 + grow))
        };
        match self {
            Prim::Path { pts, width, .. } => {
                bbox(&mut pts.iter().copied(), (*width as i32 + 1) / 2)
            }
            Prim::Lines { segs, width, .. } => bbox(
                &mut segs.iter().flat_map(|&(a, b)| [a, b]),
                (*width as i32 + 1) / 2,
            ),
            Prim::Polygon { pts, .. } => bbox(&mut pts.iter().copied(), 0),
            Prim::Circle { at, r, .. } => Some((at.0 - r, at.1 - r, at.0 + r, at.1 + r)),
            Prim::Marks {
                shape, size, at, ..
            } => {
                let one = mark_box(*shape, (0, 0), *size);
                bbox(
                    &mut at
                        .iter()
                        .flat_map(|&(x, y)| [(x + one.0, y + one.1), (x + one.2, y + one.3)]),
                    0,
                )
            }
            Prim::Text {
                at,
                text,
                fallback,
                size,
                h,
                v,
                halo,
                ..
            } => Some(super::labels::text_box(
                *at, text, fallback, *size, *h, *v, *halo,
            )),
        }
    }
}

/// The box of one symbol of `shape` and `size` at `c`.
pub fn mark_box(shape: Shape, c: (i32, i32), size: i32) -> Rect {
    let pts = shape_points(shape, c, size);
    pts.iter().fold((c.0, c.1, c.0, c.1), |o, &(x, y)| {
        (o.0.min(x), o.1.min(y), o.2.max(x), o.3.max(y))
    })
}

/// Named layers of primitives, bottom first, with the symbols' boxes and the labels still
/// to place ([`super::labels::finish`] places them and clips the map area).
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub layers: Vec<(String, Vec<Prim>)>,
    /// The map box (left, top, right, bottom); map-area layers are clipped to it.
    pub map: Option<Rect>,
    /// Boxes of the symbols drawn (stations, depots, changes, chosen sites…): no label may
    /// cover one.
    pub symbols: Vec<Rect>,
    /// Labels requested and not yet placed.
    pub label_requests: Vec<super::labels::LabelRequest>,
    /// Labels left out by placement for want of a free place (not drawn; for debugging).
    pub labels_left_out: usize,
}

impl Scene {
    /// An empty page `width` × `height` px without a map box.
    pub fn new(width: u32, height: u32) -> Scene {
        Scene {
            width,
            height,
            layers: Vec::new(),
            map: None,
            symbols: Vec::new(),
            label_requests: Vec::new(),
            labels_left_out: 0,
        }
    }

    /// Keeps labels off a symbol's box.
    pub fn reserve_symbol(&mut self, b: Rect) {
        self.symbols.push(b);
    }

    /// Asks for a label, placed with all others by [`super::labels::finish`]; its layer is
    /// created now, so that the layer order is the order of the calls.
    pub fn label(&mut self, req: super::labels::LabelRequest) {
        self.layer(&req.layer);
        self.label_requests.push(req);
    }

    /// Whether `name` is a map-area layer (clipped to the map box).
    pub fn is_map_layer(name: &str) -> bool {
        !DECORATION_LAYERS.contains(&name)
    }

    /// Boxes of every label on the map (text of the map-area layers, text drawn on symbols
    /// left out), halo included, measured with [`super::labels::text_box`].
    pub fn label_boxes(&self) -> Vec<(String, String, Rect)> {
        let mut out = Vec::new();
        for (name, prims) in &self.layers {
            if !Scene::is_map_layer(name) || ON_SYMBOL_TEXT_LAYERS.contains(&name.as_str()) {
                continue;
            }
            for p in prims {
                if let Prim::Text { text, .. } = p {
                    if let Some(b) = p.ink_box() {
                        out.push((name.clone(), text.clone(), b));
                    }
                }
            }
        }
        out
    }
    /// Moves layer `name` (when there is one) over every other map-area layer, under the
    /// decorations: names of places are read over the roads and areas they name.
    pub fn raise_over_map(&mut self, name: &str) {
        let Some(i) = self.layers.iter().position(|(n, _)| n == name) else {
            return;
        };
        let layer = self.layers.remove(i);
        let at = self
            .layers
            .iter()
            .rposition(|(n, _)| Scene::is_map_layer(n))
            .map_or(0, |k| k + 1);
        self.layers.insert(at, layer);
    }

    /// The primitives of layer `name`, created on first use (after the existing ones).
    pub fn layer(&mut self, name: &str) -> &mut Vec<Prim> {
        if let Some(i) = self.layers.iter().position(|(n, _)| n == name) {
            return &mut self.layers[i].1;
        }
        self.layers.push((name.to_string(), Vec::new()));
        &mut self.layers.last_mut().expect("just pushed").1
    }
}

/// A legend entry's swatch.
#[derive(Debug, Clone)]
pub enum Swatch {
    Line(RGBColor, u32),
    Fill(RGBColor),
    Marker(Shape, RGBColor, i32),
    Dot(RGBColor, i32),
    /// A hollow circle: colour, radius, line width.
    Ring(RGBColor, i32, u32),
    /// A closed road: a dashed line of colour and width with a cross of this size.
    Closed(RGBColor, u32, i32),
    /// A note without a swatch.
    None,
}

/// Station / depot symbol shapes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    Star,
    Square,
    Circle,
    Triangle,
    Diamond,
    Hexagon,
    Cross,
}

/// Symbol of a station class: shape and colour.
pub fn class_symbol(c: StationClass) -> (Shape, RGBColor, i32) {
    match c {
        StationClass::Special => (Shape::Star, hex(0x67001f), 30),
        StationClass::Class1 => (Shape::Square, hex(0xb2182b), 22),
        StationClass::Class2 => (Shape::Circle, hex(0x2166ac), 22),
        StationClass::Small => (Shape::Triangle, hex(0x5e3c99), 24),
        StationClass::Forward => (Shape::Diamond, hex(0xe08214), 24),
        StationClass::Logistics => (Shape::Hexagon, hex(0x01665e), 24),
        StationClass::Township => (Shape::Triangle, hex(0x8c510a), 18),
        StationClass::Volunteer => (Shape::Circle, hex(0x7f7f7f), 14),
        StationClass::Micro => (Shape::Square, hex(0x35978f), 12),
    }
}

/// English name of a station class.
pub fn class_name_en(c: StationClass) -> &'static str {
    match c {
        StationClass::Special => "Special-service station",
        StationClass::Class1 => "Class-1 station",
        StationClass::Class2 => "Class-2 station",
        StationClass::Small => "Small station",
        StationClass::Forward => "Forward station",
        StationClass::Logistics => "Logistics-support station",
        StationClass::Township => "Township fire brigade",
        StationClass::Volunteer => "Volunteer fire team",
        StationClass::Micro => "Micro fire station",
    }
}

/// Outline points of a symbol of `size` px centred at `c`.
pub fn shape_points(shape: Shape, c: (i32, i32), size: i32) -> Vec<(i32, i32)> {
    let r = size as f64 / 2.0;
    let (cx, cy) = (c.0 as f64, c.1 as f64);
    let ring = |n: usize, rot: f64, radius: &dyn Fn(usize) -> f64| -> Vec<(i32, i32)> {
        (0..n)
            .map(|i| {
                let a = rot + i as f64 * std::f64::consts::TAU / n as f64;
                let rr = radius(i);
                (
                    (cx + rr * a.cos()).round() as i32,
                    (cy + rr * a.sin()).round() as i32,
                )
            })
            .collect()
    };
    let up = -std::f64::consts::FRAC_PI_2;
    match shape {
        Shape::Star => ring(10, up, &|i| if i % 2 == 0 { r * 1.2 } else { r * 0.5 }),
        Shape::Square => ring(4, std::f64::consts::FRAC_PI_4, &|_| r * 1.2),
        Shape::Circle => ring(24, 0.0, &|_| r),
        Shape::Triangle => ring(3, up, &|_| r * 1.25),
        Shape::Diamond => ring(4, up, &|_| r * 1.2),
        Shape::Hexagon => ring(6, 0.0, &|_| r * 1.1),
        Shape::Cross => {
            let w = r * 0.35;
            let p = |x: f64, y: f64| ((cx + x).round() as i32, (cy + y).round() as i32);
            vec![
                p(-w, -r),
                p(w, -r),
                p(w, -w),
                p(r, -w),
                p(r, w),
                p(w, w),
                p(w, r),
                p(-w, r),
                p(-w, w),
                p(-r, w),
                p(-r, -w),
                p(-w, -w),
            ]
        }
    }
}

/// A closed circle outline of radius `r` at `c` (for hollow markers drawn as a path).
pub fn ring_points(c: (i32, i32), r: i32) -> Vec<(i32, i32)> {
    let mut pts = shape_points(Shape::Circle, c, 2 * r);
    if let Some(&first) = pts.first() {
        pts.push(first);
    }
    pts
}

/// Pushes a symbol: a white halo (in layer `{layer}-halo`, so that no halo covers another
/// symbol), then the filled shape.
pub fn push_symbol(
    scene: &mut Scene,
    layer: &str,
    shape: Shape,
    at: (i32, i32),
    size: i32,
    fill: RGBColor,
) {
    push_mark(scene, &format!("{layer}-halo"), shape, at, size + 8, WHITE);
    push_mark(scene, layer, shape, at, size, fill);
    scene.reserve_symbol(mark_box(shape, at, size));
}

/// Pushes one filled symbol onto `layer`: appended to the layer's last [`Prim::Marks`]
/// when that has the same shape, size and colour, else a new one.
pub fn push_mark(
    scene: &mut Scene,
    layer: &str,
    shape: Shape,
    at: (i32, i32),
    size: i32,
    fill: RGBColor,
) {
    let prims = scene.layer(layer);
    if let Some(Prim::Marks {
        shape: s,
        size: z,
        fill: f,
        at: list,
    }) = prims.last_mut()
    {
        if *s == shape && *z == size && *f == fill {
            list.push(at);
            return;
        }
    }
    prims.push(Prim::Marks {
        shape,
        size,
        fill,
        at: vec![at],
    });
}

/// A text primitive.
#[allow(clippy::too_many_arguments)]
pub fn text(
    at: (i32, i32),
    text: &str,
    fallback: &str,
    size: f64,
    color: RGBColor,
    h: HPos,
    v: VPos,
    halo: bool,
) -> Prim {
    Prim::Text {
        at,
        text: text.to_string(),
        fallback: fallback.to_string(),
        size,
        color,
        h,
        v,
        halo,
    }
}

/// ASCII-only version of a label: itself when ASCII, else `alt`.
pub fn ascii_or(s: &str, alt: &str) -> String {
    if s.is_ascii() {
        s.to_string()
    } else {
        alt.to_string()
    }
}

impl Scene {
    /// Clips every map-area layer to the map box so that no ink falls outside it: lines
    /// (Liang–Barsky, kept half their width inside), polygons (Sutherland–Hodgman); circles,
    /// symbols and text whose box is not wholly inside are left out. Decorations are not
    /// touched. Without a map box, nothing changes.
    pub fn clip_to_map(&mut self) {
        let Some(m) = self.map else { return };
        let inside = |b: Rect| b.0 >= m.0 && b.1 >= m.1 && b.2 <= m.2 && b.3 <= m.3;
        // A line `w` px wide stays inside when its centre line keeps this far from the edge
        // (a square cap of a diagonal line reaches w/2·√2).
        let inset = |w: u32| {
            let d = f64::from(w) * std::f64::consts::FRAC_1_SQRT_2 + 1.0;
            (
                f64::from(m.0) + d,
                f64::from(m.1) + d,
                f64::from(m.2) - d,
                f64::from(m.3) - d,
            )
        };
        let fp = |p: (i32, i32)| (f64::from(p.0), f64::from(p.1));
        let ip = |p: (f64, f64)| (p.0.round() as i32, p.1.round() as i32);
        for (name, prims) in &mut self.layers {
            if !Scene::is_map_layer(name) {
                continue;
            }
            if prims.iter().all(|p| p.ink_box().is_none_or(inside)) {
                continue;
            }
            let old = std::mem::take(prims);
            for p in old {
                if p.ink_box().is_none_or(inside) {
                    prims.push(p);
                    continue;
                }
                match p {
                    Prim::Path { pts, color, width } => {
                        let bx = inset(width);
                        let mut run: Vec<(i32, i32)> = Vec::new();
                        for w in pts.windows(2) {
                            let Some((a, b)) = clip_segment(fp(w[0]), fp(w[1]), bx) else {
                                continue;
                            };
                            let (a, b) = (ip(a), ip(b));
                            if run.last() != Some(&a) {
                                if run.len() >= 2 {
                                    prims.push(Prim::Path {
                                        pts: std::mem::take(&mut run),
                                        color,
                                        width,
                                    });
                                }
                                run.clear();
                                run.push(a);
                            }
                            run.push(b);
                        }
                        if run.len() >= 2 {
                            prims.push(Prim::Path {
                                pts: run,
                                color,
                                width,
                            });
                        }
                    }
                    Prim::Lines { segs, color, width } => {
                        let bx = inset(width);
                        let segs: Vec<Line> = segs
                            .into_iter()
                            .filter_map(|(a, b)| clip_segment(fp(a), fp(b), bx))
                            .map(|(a, b)| (ip(a), ip(b)))
                            .collect();
                        if !segs.is_empty() {
                            prims.push(Prim::Lines { segs, color, width });
                        }
                    }
                    Prim::Polygon { pts, fill, opacity } => {
                        let pts = clip_polygon(&pts, m);
                        if pts.len() >= 3 {
                            prims.push(Prim::Polygon { pts, fill, opacity });
                        }
                    }
                    Prim::Marks {
                        shape,
                        size,
                        fill,
                        at,
                    } => {
                        let at: Vec<(i32, i32)> = at
                            .into_iter()
                            .filter(|&c| inside(mark_box(shape, c, size)))
                            .collect();
                        if !at.is_empty() {
                            prims.push(Prim::Marks {
                                shape,
                                size,
                                fill,
                                at,
                            });
                        }
                    }
                    // Circles and text wholly inside were kept above.
                    Prim::Circle { .. } | Prim::Text { .. } => {}
                }
            }
        }
    }
}

/// Distance from `p` to the segment a–b (to `a` itself when the two are one point).
pub fn point_segment_dist(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let l2 = dx * dx + dy * dy;
    let t = if l2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
}

/// The part of the segment a–b inside the box (x0, y0, x1, y1) (Liang–Barsky), or None.
pub fn clip_segment(
    a: (f64, f64),
    b: (f64, f64),
    bx: (f64, f64, f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - bx.0),
        (dx, bx.2 - a.0),
        (-dy, a.1 - bx.1),
        (dy, bx.3 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    Some((
        (a.0 + t0 * dx, a.1 + t0 * dy),
        (a.0 + t1 * dx, a.1 + t1 * dy),
    ))
}

/// One edge of the clip box: inside test, whether it is vertical, its x or y.
type ClipEdge<'a> = (&'a dyn Fn((f64, f64)) -> bool, bool, f64);

/// A polygon clipped to a box (Sutherland–Hodgman); fewer than 3 points when nothing is
/// left.
pub fn clip_polygon(pts: &[(i32, i32)], b: Rect) -> Vec<(i32, i32)> {
    let mut poly: Vec<(f64, f64)> = pts
        .iter()
        .map(|&(x, y)| (f64::from(x), f64::from(y)))
        .collect();
    let (l, t, r, bo) = (
        f64::from(b.0),
        f64::from(b.1),
        f64::from(b.2),
        f64::from(b.3),
    );
    // Each edge: inside test and the crossing of a–b with it.
    let edges: [ClipEdge; 4] = [
        (&|p: (f64, f64)| p.0 >= l, true, l),
        (&|p: (f64, f64)| p.0 <= r, true, r),
        (&|p: (f64, f64)| p.1 >= t, false, t),
        (&|p: (f64, f64)| p.1 <= bo, false, bo),
    ];
    for (is_in, vertical, at) in edges {
        if poly.is_empty() {
            break;
        }
        let cross = |a: (f64, f64), b: (f64, f64)| {
            if vertical {
                let s = (at - a.0) / (b.0 - a.0);
                (at, a.1 + s * (b.1 - a.1))
            } else {
                let s = (at - a.1) / (b.1 - a.1);
                (a.0 + s * (b.0 - a.0), at)
            }
        };
        let input = std::mem::take(&mut poly);
        for i in 0..input.len() {
            let cur = input[i];
            let prev = input[(i + input.len() - 1) % input.len()];
            match (is_in(prev), is_in(cur)) {
                (true, true) => poly.push(cur),
                (true, false) => poly.push(cross(prev, cur)),
                (false, true) => {
                    poly.push(cross(prev, cur));
                    poly.push(cur);
                }
                (false, false) => {}
            }
        }
    }
    let mut out: Vec<(i32, i32)> = poly
        .into_iter()
        .map(|(x, y)| (x.round() as i32, y.round() as i32))
        .collect();
    out.dedup();
    out
}
