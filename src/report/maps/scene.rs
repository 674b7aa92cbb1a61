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
    /// one rasterised symbol in the PNG and, when dense, as `<use>` of one definition in
    /// the SVG, so that a million stations draw in a second or two (issue 20, H2). All
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

/// Named layers of primitives, bottom first.
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub layers: Vec<(String, Vec<Prim>)>,
}

impl Scene {
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
