//! Maps of a run (DESIGN §9), drawn with `plotters` as PNG (print quality: A4 width at
//! 300 dpi by default) and SVG: response time ([`response`]), first-due areas
//! ([`first_due`]), logistics-support reach ([`supply`]), plan versus baseline
//! ([`plan`]) and, for `fireplan optimize`, candidate and chosen sites ([`optimize`]).
//!
//! Each map kind builds a [`Scene`]: named layers of primitives in pixel coordinates,
//! framed by [`Frame`] (title, scenario name and date, legend, scale bar, north arrow,
//! "© OpenStreetMap contributors" when the network came from OSM). The scene is then
//! drawn twice with plotters: on a bitmap backend (PNG) and, layer by layer, on the SVG
//! backend, each layer wrapped in `<g id="layer-NAME">` so that the SVG can be edited in
//! Inkscape or Illustrator layer by layer.
//!
//! Fonts: PNG text needs a real font file (plotters' `ab_glyph` backend). A CJK font is
//! looked for at `--font PATH`, `$FIREPLAN_FONT`, then the Debian paths of
//! `fonts-wqy-microhei` and Noto CJK; without one, PNG labels fall back to English (one
//! warning) drawn with DejaVu / Liberation Sans. SVG text keeps Chinese and names a
//! font-family list, so the viewer's CJK font renders it.

pub mod first_due;
pub mod optimize;
pub mod plan;
pub mod response;
pub mod supply;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use geo::{Centroid, MultiPolygon};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use crate::error::{Error, Result};
use crate::params::{NetworkSource, Scenario};
use crate::model::{District, StationClass};
use crate::network::Network;
use crate::run::RunResult;

/// Label language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `zh` or `en` (anything else: `zh`).
    pub fn parse(s: &str) -> Lang {
        if s.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
    /// Picks the label of this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Which map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapKind {
    Response,
    FirstDue,
    Supply,
    Plan,
}

impl MapKind {
    pub const ALL: [MapKind; 4] = [
        MapKind::Response,
        MapKind::FirstDue,
        MapKind::Supply,
        MapKind::Plan,
    ];
    /// File stem: `map_response`, `map_first_due`, `map_supply`, `map_plan`.
    pub fn stem(self) -> &'static str {
        match self {
            MapKind::Response => "map_response",
            MapKind::FirstDue => "map_first_due",
            MapKind::Supply => "map_supply",
            MapKind::Plan => "map_plan",
        }
    }
    pub fn parse(s: &str) -> Option<MapKind> {
        match s {
            "response" => Some(MapKind::Response),
            "first-due" | "first_due" => Some(MapKind::FirstDue),
            "supply" => Some(MapKind::Supply),
            "plan" => Some(MapKind::Plan),
            _ => None,
        }
    }
}

/// How to draw.
#[derive(Debug, Clone)]
pub struct MapOptions {
    pub lang: Lang,
    /// A font file with CJK glyphs for the PNG maps (TTF, OTF or TTC).
    pub font: Option<PathBuf>,
    /// PNG width in pixels (2480 = A4 width at 300 dpi).
    pub width_px: u32,
    /// Date printed on the map (`YYYY-MM-DD`); today when None.
    pub date: Option<String>,
}

impl MapOptions {
    /// Defaults for a run: the scenario's language, A4 width at 300 dpi.
    pub fn for_run(run: &RunResult) -> MapOptions {
        MapOptions::for_scenario(&run.inputs.scenario)
    }

    /// Defaults for a scenario: its language, A4 width at 300 dpi.
    pub fn for_scenario(scenario: &Scenario) -> MapOptions {
        MapOptions {
            lang: Lang::parse(&scenario.lang),
            font: None,
            width_px: 2480,
            date: None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Scene

/// An RGB colour from `0xRRGGBB`.
pub fn hex(c: u32) -> RGBColor {
    RGBColor((c >> 16) as u8, (c >> 8) as u8, c as u8)
}

/// A drawing primitive in pixel coordinates.
#[derive(Clone)]
pub enum Prim {
    Path {
        pts: Vec<(i32, i32)>,
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

/// Pushes a symbol: a white halo, then the filled shape.
pub fn push_symbol(
    scene: &mut Scene,
    layer: &str,
    shape: Shape,
    at: (i32, i32),
    size: i32,
    fill: RGBColor,
) {
    let halo = shape_points(shape, at, size + 8);
    scene.layer(&format!("{layer}-halo")).push(Prim::Polygon {
        pts: halo,
        fill: WHITE,
        opacity: 1.0,
    });
    scene.layer(layer).push(Prim::Polygon {
        pts: shape_points(shape, at, size),
        fill,
        opacity: 1.0,
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

// ---------------------------------------------------------------------------------------
// Frame: page layout and the lon/lat → pixel transform

/// Page layout and projection of one map.
pub struct Frame {
    pub width: u32,
    pub height: u32,
    /// Map area in pixels: left, top, right, bottom.
    pub map: (i32, i32, i32, i32),
    /// Pixels per metre.
    pub px_per_m: f64,
    lon_min: f64,
    lat_max: f64,
    m_per_deg_lon: f64,
    m_per_deg_lat: f64,
    /// Size unit: 1.0 at 2480 px width.
    pub u: f64,
    pub lang: Lang,
}

impl Frame {
    /// Lays out a page `width` px wide around the lon/lat box of the districts and the
    /// network.
    pub fn new(width: u32, net: &Network, districts: &[District], lang: Lang) -> Frame {
        Frame::around(width, net, districts, &[], lang)
    }

    /// As [`Frame::new`], the box grown to take in the run's stations and depots too.
    pub fn for_run(width: u32, run: &RunResult, lang: Lang) -> Frame {
        let mut pts: Vec<(f64, f64)> = run
            .inputs
            .stations
            .iter()
            .map(|s| (s.location.x(), s.location.y()))
            .collect();
        pts.extend(
            run.inputs
                .depots
                .iter()
                .flatten()
                .map(|d| (d.location.x(), d.location.y())),
        );
        Frame::around(
            width,
            &run.prepared.network,
            &run.inputs.districts,
            &pts,
            lang,
        )
    }

    /// Lays out a page around the districts, the network and `points` (lon, lat).
    pub fn around(
        width: u32,
        net: &Network,
        districts: &[District],
        points: &[(f64, f64)],
        lang: Lang,
    ) -> Frame {
        use geo::BoundingRect;
        let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        let mut grow = |x: f64, y: f64| {
            b.0 = b.0.min(x);
            b.1 = b.1.min(y);
            b.2 = b.2.max(x);
            b.3 = b.3.max(y);
        };
        for d in districts {
            if let Some(r) = d.area.bounding_rect() {
                grow(r.min().x, r.min().y);
                grow(r.max().x, r.max().y);
            }
        }
        for n in &net.nodes {
            grow(n.lon, n.lat);
        }
        for &(x, y) in points {
            grow(x, y);
        }
        if b.0 > b.2 {
            b = (0.0, 0.0, 0.01, 0.01);
        }
        let lat0 = (b.1 + b.3) / 2.0;
        let m_per_deg_lat = 111_320.0;
        let m_per_deg_lon = 111_320.0 * lat0.to_radians().cos();
        let u = width as f64 / 2480.0;
        let margin = (60.0 * u) as i32;
        let title_h = (190.0 * u) as i32;
        let footer_h = (70.0 * u) as i32;
        let legend_w = (600.0 * u) as i32;
        let map_w = width as i32 - legend_w - 3 * margin;
        let (dx_m, dy_m) = (
            ((b.2 - b.0) * m_per_deg_lon).max(1.0),
            ((b.3 - b.1) * m_per_deg_lat).max(1.0),
        );
        // Fit the box in map_w × [0.6, 1.5] map_w, with a 3 % pad.
        let mut px_per_m = map_w as f64 / (dx_m * 1.06);
        let mut map_h = (dy_m * 1.06 * px_per_m) as i32;
        let max_h = (map_w as f64 * 1.5) as i32;
        let min_h = (map_w as f64 * 0.6) as i32;
        if map_h > max_h {
            px_per_m = max_h as f64 / (dy_m * 1.06);
            map_h = max_h;
        } else if map_h < min_h {
            map_h = min_h;
        }
        let top = margin + title_h;
        let map = (margin, top, margin + map_w, top + map_h);
        let height = (top + map_h + footer_h + margin) as u32;
        // Centre the box in the map area.
        let cx_m = (b.0 + b.2) / 2.0 * m_per_deg_lon;
        let cy_m = (b.1 + b.3) / 2.0 * m_per_deg_lat;
        let half_w_m = map_w as f64 / 2.0 / px_per_m;
        let half_h_m = map_h as f64 / 2.0 / px_per_m;
        Frame {
            width,
            height,
            map,
            px_per_m,
            lon_min: (cx_m - half_w_m) / m_per_deg_lon,
            lat_max: (cy_m + half_h_m) / m_per_deg_lat,
            m_per_deg_lon,
            m_per_deg_lat,
            u,
            lang,
        }
    }

    /// Pixel position of a lon/lat point.
    pub fn px(&self, lon: f64, lat: f64) -> (i32, i32) {
        let x = self.map.0 as f64 + (lon - self.lon_min) * self.m_per_deg_lon * self.px_per_m;
        let y = self.map.1 as f64 + (self.lat_max - lat) * self.m_per_deg_lat * self.px_per_m;
        (x.round() as i32, y.round() as i32)
    }

    /// A size in pixels for `base` at 2480 px width.
    pub fn s(&self, base: f64) -> i32 {
        (base * self.u).round().max(1.0) as i32
    }

    /// An empty scene of this page size with a white background and the map border.
    pub fn scene(&self) -> Scene {
        let mut sc = Scene {
            width: self.width,
            height: self.height,
            layers: Vec::new(),
        };
        let (l, t, r, b) = self.map;
        sc.layer("background").push(Prim::Polygon {
            pts: vec![(l, t), (r, t), (r, b), (l, b)],
            fill: hex(0xf7f7f2),
            opacity: 1.0,
        });
        sc
    }

    /// District outlines (and, optionally, names), in layers `districts` and
    /// `district-names`.
    pub fn districts(&self, sc: &mut Scene, districts: &[District], names: bool) {
        for (i, d) in districts.iter().enumerate() {
            for poly in &d.area.0 {
                let ring: Vec<(i32, i32)> = poly
                    .exterior()
                    .0
                    .iter()
                    .map(|c| self.px(c.x, c.y))
                    .collect();
                sc.layer("districts").push(Prim::Path {
                    pts: ring,
                    color: hex(0x404040),
                    width: self.s(5.0) as u32,
                });
            }
            if names {
                if let Some(c) = label_point(&d.area) {
                    let at = self.px(c.0, c.1);
                    let fb = ascii_or(&d.name, &format!("D{}", i + 1));
                    sc.layer("district-names").push(text(
                        at,
                        &d.name,
                        &fb,
                        46.0 * self.u,
                        hex(0x202020),
                        HPos::Center,
                        VPos::Center,
                        true,
                    ));
                }
            }
        }
    }

    /// Roads as thin grey lines (context), layer `roads`.
    pub fn roads_grey(&self, sc: &mut Scene, net: &Network) {
        let w = self.s(2.0) as u32;
        for s in &net.segments {
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            sc.layer("roads").push(Prim::Path {
                pts: vec![self.px(a.lon, a.lat), self.px(b.lon, b.lat)],
                color: hex(0xbdbdbd),
                width: w,
            });
        }
    }

    /// Title, subtitle (scenario name and date), legend, scale bar, north arrow,
    /// attribution and the map border.
    pub fn decorate(
        &self,
        sc: &mut Scene,
        title: (&str, &str),
        run: &RunResult,
        date: &str,
        legend: &[(Swatch, String, String)],
    ) {
        self.decorate_with(sc, title, &run.inputs.scenario, date, None, legend);
    }

    /// As [`Frame::decorate`], for maps drawn without a run (`fireplan optimize`): the
    /// scenario gives the name and the attribution; `extra` (label, English fallback) is a
    /// second subtitle line under the scenario name and date.
    pub fn decorate_with(
        &self,
        sc: &mut Scene,
        title: (&str, &str),
        scenario: &Scenario,
        date: &str,
        extra: Option<(&str, &str)>,
        legend: &[(Swatch, String, String)],
    ) {
        let u = self.u;
        let lang = self.lang;
        let (l, t, r, b) = self.map;
        // Border.
        sc.layer("frame").push(Prim::Path {
            pts: vec![(l, t), (r, t), (r, b), (l, b), (l, t)],
            color: hex(0x303030),
            width: self.s(3.0) as u32,
        });
        // Title and subtitle.
        let title_txt = lang.pick(title.0, title.1);
        sc.layer("title").push(text(
            (l, self.s(60.0)),
            title_txt,
            title.1,
            72.0 * u,
            hex(0x101010),
            HPos::Left,
            VPos::Top,
            false,
        ));
        let name = &scenario.name;
        let sub = format!("{}{name} · {date}", lang.pick("情景：", "Scenario: "));
        let sub_fb = format!("Scenario: {} · {date}", ascii_or(name, "(unnamed)"));
        // With a second line, both lines move up a little to stay above the map.
        let sub_y = if extra.is_some() { 148.0 } else { 160.0 };
        sc.layer("title").push(text(
            (l, self.s(sub_y)),
            &sub,
            &sub_fb,
            38.0 * u,
            hex(0x404040),
            HPos::Left,
            VPos::Top,
            false,
        ));
        if let Some((line, fallback)) = extra {
            sc.layer("title").push(text(
                (l, self.s(sub_y + 48.0)),
                line,
                fallback,
                36.0 * u,
                hex(0x202020),
                HPos::Left,
                VPos::Top,
                false,
            ));
        }
        // Legend panel.
        let lx = r + self.s(60.0);
        let mut ly = t;
        sc.layer("legend").push(text(
            (lx, ly),
            lang.pick("图例", "Legend"),
            "Legend",
            48.0 * u,
            hex(0x101010),
            HPos::Left,
            VPos::Top,
            false,
        ));
        ly += self.s(80.0);
        // Rows close up when a long legend would run off the page.
        let fit = (self.height as i32 - self.s(30.0) - ly) / legend.len().max(1) as i32;
        let row = self.s(62.0).min(fit).max(self.s(40.0));
        for (sw, zh_or_label, fallback) in legend {
            let cy = ly + row / 2;
            let sx = lx + self.s(30.0);
            match sw {
                Swatch::Line(c, w) => sc.layer("legend").push(Prim::Path {
                    pts: vec![(lx, cy), (lx + self.s(60.0), cy)],
                    color: *c,
                    width: *w,
                }),
                Swatch::Fill(c) => sc.layer("legend").push(Prim::Polygon {
                    pts: vec![
                        (lx, cy - self.s(18.0)),
                        (lx + self.s(60.0), cy - self.s(18.0)),
                        (lx + self.s(60.0), cy + self.s(18.0)),
                        (lx, cy + self.s(18.0)),
                    ],
                    fill: *c,
                    opacity: 1.0,
                }),
                Swatch::Marker(shape, c, size) => sc.layer("legend").push(Prim::Polygon {
                    pts: shape_points(*shape, (sx, cy), *size),
                    fill: *c,
                    opacity: 1.0,
                }),
                Swatch::Dot(c, rad) => sc.layer("legend").push(Prim::Circle {
                    at: (sx, cy),
                    r: *rad,
                    fill: *c,
                }),
                Swatch::Ring(c, rad, w) => sc.layer("legend").push(Prim::Path {
                    pts: ring_points((sx, cy), *rad),
                    color: *c,
                    width: *w,
                }),
                Swatch::None => {}
            }
            // Shrink a label that would run off the page.
            let avail = (self.width as i32 - lx - self.s(85.0) - self.s(20.0)).max(1) as f64;
            let est = text_width(zh_or_label, 34.0 * u) as f64;
            let fs = if est > avail {
                34.0 * u * avail / est
            } else {
                34.0 * u
            };
            sc.layer("legend").push(text(
                (lx + self.s(85.0), cy),
                zh_or_label,
                fallback,
                fs,
                hex(0x202020),
                HPos::Left,
                VPos::Center,
                false,
            ));
            ly += row;
        }
        // Scale bar: a round length near a fifth of the map width.
        let target_m = (r - l) as f64 / 5.0 / self.px_per_m;
        let mag = 10f64.powf(target_m.log10().floor());
        let len_m = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|k| k * mag)
            .rfind(|&x| x <= target_m)
            .unwrap_or(mag);
        let len_px = (len_m * self.px_per_m).round() as i32;
        let (sx, sy) = (l + self.s(50.0), b - self.s(70.0));
        let h = self.s(16.0);
        let half = len_px / 2;
        for (i, (x0, x1)) in [(sx, sx + half), (sx + half, sx + len_px)]
            .into_iter()
            .enumerate()
        {
            sc.layer("scale-bar").push(Prim::Polygon {
                pts: vec![(x0, sy), (x1, sy), (x1, sy + h), (x0, sy + h)],
                fill: if i == 0 { hex(0x202020) } else { WHITE },
                opacity: 1.0,
            });
        }
        sc.layer("scale-bar").push(Prim::Path {
            pts: vec![
                (sx, sy),
                (sx + len_px, sy),
                (sx + len_px, sy + h),
                (sx, sy + h),
                (sx, sy),
            ],
            color: hex(0x202020),
            width: self.s(3.0) as u32,
        });
        let label = if len_m >= 1000.0 {
            format!("{} km", len_m / 1000.0)
        } else {
            format!("{len_m} m")
        };
        for (x, s) in [(sx, "0".to_string()), (sx + len_px, label)] {
            sc.layer("scale-bar").push(text(
                (x, sy - self.s(10.0)),
                &s,
                &s,
                32.0 * u,
                hex(0x202020),
                HPos::Center,
                VPos::Bottom,
                true,
            ));
        }
        // North arrow.
        let (nx, ny) = (r - self.s(90.0), t + self.s(70.0));
        let a = self.s(70.0);
        sc.layer("north-arrow").push(Prim::Polygon {
            pts: vec![
                (nx, ny),
                (nx + a / 3, ny + a),
                (nx, ny + a * 3 / 4),
                (nx - a / 3, ny + a),
            ],
            fill: hex(0x202020),
            opacity: 1.0,
        });
        sc.layer("north-arrow").push(text(
            (nx, ny + a + self.s(10.0)),
            lang.pick("北", "N"),
            "N",
            40.0 * u,
            hex(0x202020),
            HPos::Center,
            VPos::Top,
            true,
        ));
        // Attribution and tool version.
        let mut attr = format!("fireplan {}", env!("CARGO_PKG_VERSION"));
        if matches!(scenario.network, NetworkSource::Osm(_)) {
            attr = format!("© OpenStreetMap contributors · {attr}");
        }
        sc.layer("attribution").push(text(
            (r, b + self.s(20.0)),
            &attr,
            &attr,
            30.0 * u,
            hex(0x505050),
            HPos::Right,
            VPos::Top,
            false,
        ));
    }
}

/// Estimated width in pixels of a label (CJK glyphs are square, Latin about half).
pub fn text_width(s: &str, size: f64) -> i32 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.48 } else { 1.0 })
        .sum::<f64>()
        .mul_add(size, 0.0) as i32
}

/// Places labels next to their symbols where they do not cover labels placed before:
/// below, above, right, left (the first that is free; below when none is).
#[derive(Default)]
pub struct LabelPlacer {
    boxes: Vec<(i32, i32, i32, i32)>,
    /// Labels stay inside this box (left, top, right, bottom) when they can.
    bounds: Option<(i32, i32, i32, i32)>,
}

impl LabelPlacer {
    /// A placer that keeps labels inside `bounds` (e.g. the map area) when it can.
    pub fn within(bounds: (i32, i32, i32, i32)) -> LabelPlacer {
        LabelPlacer {
            boxes: Vec::new(),
            bounds: Some(bounds),
        }
    }

    /// Keeps labels off a symbol of radius `r` at `at` (placed before its neighbours'
    /// labels, so that no label covers another symbol).
    pub fn reserve(&mut self, at: (i32, i32), r: i32) {
        self.boxes.push((at.0 - r, at.1 - r, at.0 + r, at.1 + r));
    }

    /// Position and anchor of a label `w` × `h` px for a symbol at `at` with radius `r`.
    pub fn place(&mut self, at: (i32, i32), r: i32, w: i32, h: i32) -> ((i32, i32), HPos, VPos) {
        let options = [
            (
                (at.0, at.1 + r),
                HPos::Center,
                VPos::Top,
                (at.0 - w / 2, at.1 + r),
            ),
            (
                (at.0, at.1 - r),
                HPos::Center,
                VPos::Bottom,
                (at.0 - w / 2, at.1 - r - h),
            ),
            (
                (at.0 + r, at.1),
                HPos::Left,
                VPos::Center,
                (at.0 + r, at.1 - h / 2),
            ),
            (
                (at.0 - r, at.1),
                HPos::Right,
                VPos::Center,
                (at.0 - r - w, at.1 - h / 2),
            ),
        ];
        let inside = |b: (i32, i32, i32, i32)| {
            self.bounds
                .is_none_or(|o| b.0 >= o.0 && b.1 >= o.1 && b.2 <= o.2 && b.3 <= o.3)
        };
        let free = |b: (i32, i32, i32, i32), boxes: &[(i32, i32, i32, i32)]| {
            inside(b)
                && boxes
                    .iter()
                    .all(|o| b.2 <= o.0 || o.2 <= b.0 || b.3 <= o.1 || o.3 <= b.1)
        };
        let pick = options
            .iter()
            .find(|o| free((o.3 .0, o.3 .1, o.3 .0 + w, o.3 .1 + h), &self.boxes))
            .unwrap_or(&options[0]);
        self.boxes
            .push((pick.3 .0, pick.3 .1, pick.3 .0 + w, pick.3 .1 + h));
        (pick.0, pick.1, pick.2)
    }
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

/// Today as `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

// ---------------------------------------------------------------------------------------
// Fonts

/// The font family names used for drawing.
const PNG_FAMILY: &str = "fireplan-map";
/// The SVG font-family list (the viewer picks the first it has).
pub const SVG_FAMILY: &str = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', SimHei, sans-serif";

const CJK_FONTS: [&str; 6] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
];
const LATIN_FONTS: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
];

/// What the PNG renderer can draw text with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PngText {
    /// A CJK font: labels as given.
    Cjk,
    /// A Latin font only: English fallback labels.
    Latin,
    /// No font at all: no text in PNGs.
    None,
    /// Drawing SVG: text as given, halos by CSS (`paint-order: stroke`).
    Svg,
}

/// The font requested and what it gives, once found.
type FontChoice = Option<(Option<PathBuf>, PngText)>;

static FONT: OnceLock<Mutex<FontChoice>> = OnceLock::new();
static WARNED: AtomicBool = AtomicBool::new(false);

fn register(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font(PNG_FAMILY, FontStyle::Normal, bytes).is_ok()
}

/// Finds and registers the PNG font (once per process and requested font).
pub fn png_font(requested: Option<&Path>) -> Result<PngText> {
    let lock = FONT.get_or_init(|| Mutex::new(None));
    let mut g = lock.lock().unwrap_or_else(|e| e.into_inner());
    let key = requested.map(Path::to_path_buf);
    if let Some((k, t)) = &*g {
        if *k == key {
            return Ok(*t);
        }
    }
    let mut found = PngText::None;
    if let Some(p) = requested {
        if !register(p) {
            return Err(Error::Scenario(format!(
                "--font {}: not a readable TrueType/OpenType font",
                p.display()
            )));
        }
        found = PngText::Cjk;
    } else {
        let env = std::env::var_os("FIREPLAN_FONT").map(PathBuf::from);
        for p in env
            .iter()
            .map(PathBuf::as_path)
            .chain(CJK_FONTS.iter().map(Path::new))
        {
            if register(p) {
                found = PngText::Cjk;
                break;
            }
        }
        if found == PngText::None {
            for p in LATIN_FONTS.iter().map(Path::new) {
                if register(p) {
                    found = PngText::Latin;
                    break;
                }
            }
        }
    }
    if found != PngText::Cjk && !WARNED.swap(true, Ordering::Relaxed) {
        eprintln!(
            "warning: no CJK font found (install Debian `fonts-wqy-microhei` or pass --font PATH); {}",
            if found == PngText::Latin {
                "PNG map labels fall back to English (SVG maps keep Chinese)"
            } else {
                "no font at all: PNG maps are drawn without text (SVG maps keep their text)"
            }
        );
    }
    *g = Some((key, found));
    Ok(found)
}

// ---------------------------------------------------------------------------------------
// Rendering

fn tstyle<'a>(family: &'a str, size: f64, c: &'a RGBColor, h: HPos, v: VPos) -> TextStyle<'a> {
    TextStyle::from((family, size).into_font())
        .color(c)
        .pos(Pos::new(h, v))
}

fn draw_prims<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    prims: &[Prim],
    family: &str,
    png_text: PngText,
) -> std::result::Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    for p in prims {
        match p {
            Prim::Path { pts, color, width } => {
                if pts.len() >= 2 {
                    area.draw(&PathElement::new(pts.clone(), color.stroke_width(*width)))
                        .map_err(err)?;
                }
            }
            Prim::Polygon { pts, fill, opacity } => {
                area.draw(&Polygon::new(pts.clone(), fill.mix(*opacity).filled()))
                    .map_err(err)?;
            }
            Prim::Circle { at, r, fill } => {
                area.draw(&Circle::new(*at, *r, fill.filled()))
                    .map_err(err)?;
            }
            Prim::Text {
                at,
                text,
                fallback,
                size,
                color,
                h,
                v,
                halo,
            } => {
                let s = match png_text {
                    PngText::Cjk | PngText::Svg => text,
                    PngText::Latin => fallback,
                    PngText::None => continue,
                };
                if *halo && png_text != PngText::Svg {
                    let d = (*size / 12.0).max(2.0) as i32;
                    let white = tstyle(family, *size, &WHITE, *h, *v);
                    for (dx, dy) in [
                        (-d, 0),
                        (d, 0),
                        (0, -d),
                        (0, d),
                        (-d, -d),
                        (d, d),
                        (-d, d),
                        (d, -d),
                    ] {
                        area.draw(&Text::new(s.clone(), (at.0 + dx, at.1 + dy), white.clone()))
                            .map_err(err)?;
                    }
                }
                area.draw(&Text::new(
                    s.clone(),
                    *at,
                    tstyle(family, *size, color, *h, *v),
                ))
                .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Draws the scene to a PNG file.
pub fn render_png(scene: &Scene, path: &Path, font: Option<&Path>) -> Result<()> {
    let png_text = png_font(font)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The bitmap backend picks the format from the extension: keep `.png` last.
    let tmp = dir.join(format!(".{}.tmp.{name}", std::process::id()));
    let result = (|| -> std::result::Result<(), String> {
        let root = BitMapBackend::new(&tmp, (scene.width, scene.height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        for (_, prims) in &scene.layers {
            draw_prims(&root, prims, PNG_FAMILY, png_text)?;
        }
        root.present().map_err(|e| e.to_string())?;
        Ok(())
    })();
    match result {
        Ok(()) => std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(Error::Scenario(format!("drawing {}: {e}", path.display())))
        }
    }
}

/// Draws the scene as SVG: each layer a `<g id="layer-NAME">`.
pub fn render_svg(scene: &Scene) -> Result<String> {
    let (w, h) = (scene.width, scene.height);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n"
    );
    // Halos of labels drawn over the map: a white stroke under the glyphs.
    let halo_w = (w as f64 / 2480.0 * 7.0).max(2.0);
    out.push_str(&format!(
        "<style>#layer-station-labels text, #layer-labels text, #layer-district-names text, #layer-scale-bar text, #layer-north-arrow text {{ paint-order: stroke; stroke: #FFFFFF; stroke-width: {halo_w:.1}px; stroke-linejoin: round; }}</style>\n"
    ));
    for (name, prims) in &scene.layers {
        let mut s = String::new();
        {
            let root = SVGBackend::with_string(&mut s, (w, h)).into_drawing_area();
            draw_prims(&root, prims, SVG_FAMILY, PngText::Svg)
                .map_err(|e| Error::Scenario(format!("drawing SVG layer {name}: {e}")))?;
            root.present()
                .map_err(|e| Error::Scenario(format!("drawing SVG layer {name}: {e}")))?;
        }
        // Keep the body between the backend's own <svg ...> and </svg>.
        let body_start = s
            .find("<svg")
            .and_then(|i| s[i..].find('>').map(|j| i + j + 1));
        let body_end = s.rfind("</svg>");
        let body = match (body_start, body_end) {
            (Some(a), Some(b)) if a <= b => &s[a..b],
            _ => "",
        };
        out.push_str(&format!("<g id=\"layer-{name}\">{}</g>\n", body.trim()));
    }
    out.push_str("</svg>\n");
    Ok(out)
}

/// Builds the scene of one map kind; None when the run has nothing to show for it (no
/// depots for `Supply`, no plan for `Plan`).
pub fn scene(
    kind: MapKind,
    run: &RunResult,
    plan: Option<&crate::run::PlanRunResult>,
    opts: &MapOptions,
) -> Option<Scene> {
    let date = opts.date.clone().unwrap_or_else(today);
    match kind {
        MapKind::Response => Some(response::scene(run, opts, &date)),
        MapKind::FirstDue => Some(first_due::scene(run, opts, &date)),
        MapKind::Supply => supply::scene(run, opts, &date),
        MapKind::Plan => plan.map(|pr| plan::scene(pr, opts, &date)),
    }
}

/// Files written and the SVG text of each map drawn.
pub type Written = (Vec<PathBuf>, Vec<(MapKind, String)>);

/// Renders the maps of `kinds` into `out` as `<stem>.png` and `<stem>.svg`; returns the
/// files written and the SVG texts by kind.
pub fn write_maps(
    out: &Path,
    run: &RunResult,
    plan: Option<&crate::run::PlanRunResult>,
    kinds: &[MapKind],
    opts: &MapOptions,
) -> Result<Written> {
    // A bad --font fails before any file is written.
    png_font(opts.font.as_deref())?;
    let mut files = Vec::new();
    let mut svgs = Vec::new();
    for &k in kinds {
        let Some(sc) = scene(k, run, plan, opts) else {
            continue;
        };
        let svg = render_svg(&sc)?;
        let svg_path = out.join(format!("{}.svg", k.stem()));
        super::write_atomic(&svg_path, svg.as_bytes())?;
        let png_path = out.join(format!("{}.png", k.stem()));
        render_png(&sc, &png_path, opts.font.as_deref())?;
        files.push(png_path);
        files.push(svg_path);
        svgs.push((k, svg));
    }
    Ok((files, svgs))
}
