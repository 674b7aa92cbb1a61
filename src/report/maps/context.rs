//! Context under the analysis (issue 16): land use, water, railways, administrative
//! boundaries and place names, muted as on an OSM-based topographic basemap, so that a
//! reader finds their way and sees a first-due area run across a harbour.
//!
//! Layers, bottom first: `context-landuse` (very pale tints), `context-water` (pale blue
//! areas, blue-grey lines), `context-rail` (thin grey line with ticks),
//! `context-admin` (dashed grey-violet), then `context-places` (grey names with a white
//! halo), which is raised over the analysis when the labels are placed: a name under a
//! road cannot be read. Everything is clipped to the map box: large polygons and long
//! lines extend beyond it.

use plotters::style::RGBColor;

use super::frame::Frame;
use super::scene::{ascii_or, hex, Line, Prim, Scene};
use crate::model::context::{LanduseClass, MapContext, PlaceRank};

/// Pale blue of water areas.
pub const WATER_FILL: u32 = 0xd3e5f2;
/// Rivers, canals, streams and coastlines.
pub const WATER_LINE: u32 = 0xa3c6e0;
/// Railways.
pub const RAIL: u32 = 0x9a9a9a;
/// Administrative boundaries.
pub const ADMIN: u32 = 0xb3a2bd;
/// Place names.
pub const PLACE_TEXT: u32 = 0x6e6e6e;
/// The layer of the place names.
pub const PLACE_LAYER: &str = "context-places";
/// The paper the tints are chosen for (the maps' background).
pub const PAPER: u32 = 0xf7f7f2;

/// The very pale tint of a land-use class (the background is `#F7F7F2`).
pub fn landuse_fill(c: LanduseClass) -> u32 {
    match c {
        LanduseClass::Residential => 0xedeae5,
        LanduseClass::Industrial => 0xede6ef,
        LanduseClass::Forest => 0xe2eddb,
        LanduseClass::Farmland => 0xf4f2de,
    }
}

/// Text size of a place name at 2480 px, by rank.
pub fn place_size(rank: PlaceRank) -> f64 {
    match rank {
        PlaceRank::City => 44.0,
        PlaceRank::Town => 36.0,
        PlaceRank::Suburb => 30.0,
        PlaceRank::Village => 26.0,
        PlaceRank::Neighbourhood => 24.0,
    }
}

/// A place name ready for a label placer: pixel anchor (the place itself), the label, its
/// ASCII fallback (for PNGs without a CJK font) and its rank.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceLabel {
    pub at: (i32, i32),
    pub text: String,
    pub fallback: String,
    pub rank: PlaceRank,
    /// Text size in pixels at this map's width.
    pub size: f64,
}

/// The place names inside the map box, the most important first (then input order).
pub fn place_labels(fr: &Frame, ctx: &MapContext) -> Vec<PlaceLabel> {
    let (l, t, r, b) = fr.map;
    let mut out: Vec<PlaceLabel> = ctx
        .places
        .iter()
        .filter_map(|p| {
            let at = fr.px(p.at.x(), p.at.y());
            if at.0 < l || at.0 > r || at.1 < t || at.1 > b {
                return None;
            }
            let en = p.name_en.as_deref().unwrap_or("");
            let text = match fr.lang {
                super::Lang::En if !en.is_empty() => en.to_string(),
                _ => p.name.clone(),
            };
            let fallback = ascii_or(&text, &ascii_or(en, ""));
            Some(PlaceLabel {
                at,
                text,
                fallback,
                rank: p.rank,
                size: place_size(p.rank) * fr.u,
            })
        })
        .collect();
    out.sort_by_key(|p| p.rank);
    out
}

/// Draws the context of `ctx` into `sc` (call right after the background).
pub fn draw(fr: &Frame, sc: &mut Scene, ctx: &MapContext) {
    if ctx.is_empty() {
        return;
    }
    let bx = box_f64(fr);
    let to_px = |c: &geo::Coord<f64>| px_f64(fr, c.x, c.y);
    // Land use, then water areas over it.
    for (class, area) in &ctx.landuse {
        push_area(
            sc,
            "context-landuse",
            bx,
            area,
            &to_px,
            hex(landuse_fill(*class)),
        );
    }
    for area in &ctx.water_areas {
        push_area(sc, "context-water", bx, area, &to_px, hex(WATER_FILL));
    }
    let water_w = fr.s(3.0) as u32;
    for line in &ctx.water_lines {
        let pts: Vec<(f64, f64)> = line.0.iter().map(to_px).collect();
        for run in clip_line(&pts, bx) {
            sc.layer("context-water").push(Prim::Path {
                pts: run,
                color: hex(WATER_LINE),
                width: water_w,
            });
        }
    }
    // Railways: a thin line with a tick across it every 40 px (at 2480 px).
    let (tick_every, tick_half) = (40.0 * fr.u, 7.0 * fr.u);
    let mut ticks: Vec<Line> = Vec::new();
    for line in &ctx.railways {
        let pts: Vec<(f64, f64)> = line.0.iter().map(to_px).collect();
        for run in clip_line_f64(&pts, bx) {
            sc.layer("context-rail").push(Prim::Path {
                pts: round(&run),
                color: hex(RAIL),
                width: fr.s(2.5) as u32,
            });
            along(&run, tick_every, |p, dir| {
                let n = (-dir.1 * tick_half, dir.0 * tick_half);
                ticks.push((
                    ((p.0 + n.0).round() as i32, (p.1 + n.1).round() as i32),
                    ((p.0 - n.0).round() as i32, (p.1 - n.1).round() as i32),
                ));
            });
        }
    }
    if !ticks.is_empty() {
        sc.layer("context-rail").push(Prim::Lines {
            segs: ticks,
            color: hex(RAIL),
            width: fr.s(2.0) as u32,
        });
    }
    // Administrative boundaries: dashes of 24 px with gaps of 12 (at 2480 px), wider for
    // the higher levels.
    let (dash, gap) = (24.0 * fr.u, 12.0 * fr.u);
    let mut by_width: Vec<(u32, Vec<Line>)> = Vec::new();
    for a in &ctx.admin {
        let w = fr.s(if a.level <= 4 { 4.0 } else { 2.5 }) as u32;
        let pts: Vec<(f64, f64)> = a.line.0.iter().map(to_px).collect();
        let mut segs = Vec::new();
        for run in clip_line_f64(&pts, bx) {
            dashes(&run, dash, gap, &mut segs);
        }
        match by_width.iter_mut().find(|(bw, _)| *bw == w) {
            Some((_, list)) => list.extend(segs),
            None => by_width.push((w, segs)),
        }
    }
    by_width.sort_by_key(|(w, _)| *w);
    for (w, segs) in by_width {
        if !segs.is_empty() {
            sc.layer("context-admin").push(Prim::Lines {
                segs,
                color: hex(ADMIN),
                width: w,
            });
        }
    }
    // Place names: through the label placer, last of all labels (the most important
    // place first), centred on the place when that is free; left out when no spot is.
    for p in place_labels(fr, ctx) {
        sc.label(super::labels::LabelRequest {
            layer: PLACE_LAYER.to_string(),
            anchor: p.at,
            radius: 0,
            text: p.text,
            fallback: p.fallback,
            size: p.size,
            color: hex(PLACE_TEXT),
            halo: true,
            second: None,
            tag: None,
            priority: super::labels::Priority::Place,
            spots: vec![p.at],
        });
    }
}

/// The map box in pixels as floats: left, top, right, bottom.
pub type BoxF = (f64, f64, f64, f64);

fn box_f64(fr: &Frame) -> BoxF {
    let (l, t, r, b) = fr.map;
    (f64::from(l), f64::from(t), f64::from(r), f64::from(b))
}

/// A lon/lat point in pixels, unrounded (so that clipping is exact before rounding).
fn px_f64(fr: &Frame, lon: f64, lat: f64) -> (f64, f64) {
    fr.px_exact(lon, lat)
}

fn round(pts: &[(f64, f64)]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(pts.len());
    for p in pts {
        let q = (p.0.round() as i32, p.1.round() as i32);
        if out.last() != Some(&q) {
            out.push(q);
        }
    }
    out
}

/// Pushes a multipolygon clipped to the box as filled rings; holes are joined to their
/// shell by a zero-width cut (a keyhole), wound the other way, so that one polygon
/// fills with its holes open under both the even-odd and the non-zero rule.
fn push_area(
    sc: &mut Scene,
    layer: &str,
    bx: BoxF,
    area: &geo::MultiPolygon<f64>,
    to_px: &dyn Fn(&geo::Coord<f64>) -> (f64, f64),
    fill: RGBColor,
) {
    for poly in &area.0 {
        let shell: Vec<(f64, f64)> = poly.exterior().0.iter().map(to_px).collect();
        let shell = clip_ring(&shell, bx);
        if shell.len() < 3 {
            continue;
        }
        let mut pts = oriented(shell, true);
        let start = pts[0];
        for hole in poly.interiors() {
            let h: Vec<(f64, f64)> = hole.0.iter().map(to_px).collect();
            let h = clip_ring(&h, bx);
            if h.len() < 3 {
                continue;
            }
            let h = oriented(h, false);
            pts.push(start);
            pts.extend_from_slice(&h);
            pts.push(h[0]);
            pts.push(start);
        }
        let ring = round(&pts);
        if ring.len() >= 3 {
            sc.layer(layer).push(Prim::Polygon {
                pts: ring,
                fill,
                opacity: 1.0,
            });
        }
    }
}

/// Twice the signed area of a ring (positive: counter-clockwise in y-down pixels is
/// negative, so this is clockwise on screen).
fn signed_area2(pts: &[(f64, f64)]) -> f64 {
    let n = pts.len();
    (0..n)
        .map(|i| {
            let (a, b) = (pts[i], pts[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// The ring wound one way (`positive`: positive signed area) or the other.
fn oriented(mut pts: Vec<(f64, f64)>, positive: bool) -> Vec<(f64, f64)> {
    if (signed_area2(&pts) > 0.0) != positive {
        pts.reverse();
    }
    pts
}

/// Sutherland–Hodgman: a ring (closed or not) clipped to the box. A concave ring that
/// leaves and re-enters gives one ring with zero-width runs along the box edge, which
/// fill nothing.
pub fn clip_ring(pts: &[(f64, f64)], bx: BoxF) -> Vec<(f64, f64)> {
    let mut ring: Vec<(f64, f64)> = pts.to_vec();
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    let (l, t, r, b) = bx;
    // Each edge: inside test and intersection of a segment with the edge line.
    type Inside = fn((f64, f64), f64) -> bool;
    let edges: [(Inside, f64, bool); 4] = [
        (|p, v| p.0 >= v, l, true),
        (|p, v| p.0 <= v, r, true),
        (|p, v| p.1 >= v, t, false),
        (|p, v| p.1 <= v, b, false),
    ];
    for (inside, v, vertical) in edges {
        if ring.is_empty() {
            break;
        }
        let cut = |a: (f64, f64), c: (f64, f64)| -> (f64, f64) {
            if vertical {
                let s = (v - a.0) / (c.0 - a.0);
                (v, a.1 + s * (c.1 - a.1))
            } else {
                let s = (v - a.1) / (c.1 - a.1);
                (a.0 + s * (c.0 - a.0), v)
            }
        };
        let input = std::mem::take(&mut ring);
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            match (inside(cur, v), inside(prev, v)) {
                (true, true) => ring.push(cur),
                (true, false) => {
                    ring.push(cut(prev, cur));
                    ring.push(cur);
                }
                (false, true) => ring.push(cut(prev, cur)),
                (false, false) => {}
            }
            prev = cur;
        }
    }
    ring
}

/// Liang–Barsky: the part of segment a–c inside the box, if any.
fn clip_segment(a: (f64, f64), c: (f64, f64), bx: BoxF) -> Option<((f64, f64), (f64, f64))> {
    let (l, t, r, b) = bx;
    let (dx, dy) = (c.0 - a.0, c.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0 - l), (dx, r - a.0), (-dy, a.1 - t), (dy, b - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let s = q / p;
            if p < 0.0 {
                t0 = t0.max(s);
            } else {
                t1 = t1.min(s);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    Some((
        (a.0 + t0 * dx, a.1 + t0 * dy),
        (a.0 + t1 * dx, a.1 + t1 * dy),
    ))
}

/// A polyline clipped to the box: the runs inside it, unrounded.
pub fn clip_line_f64(pts: &[(f64, f64)], bx: BoxF) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for w in pts.windows(2) {
        match clip_segment(w[0], w[1], bx) {
            Some((p, q)) => {
                if run.last() != Some(&p) {
                    if run.len() >= 2 {
                        out.push(std::mem::take(&mut run));
                    }
                    run.clear();
                    run.push(p);
                }
                run.push(q);
            }
            None => {
                if run.len() >= 2 {
                    out.push(std::mem::take(&mut run));
                }
                run.clear();
            }
        }
    }
    if run.len() >= 2 {
        out.push(run);
    }
    out
}

/// A polyline clipped to the box, in whole pixels.
pub fn clip_line(pts: &[(f64, f64)], bx: BoxF) -> Vec<Vec<(i32, i32)>> {
    clip_line_f64(pts, bx)
        .iter()
        .map(|r| round(r))
        .filter(|r| r.len() >= 2)
        .collect()
}

/// Calls `f(point, unit direction)` every `step` pixels along a polyline (starting half a
/// step in).
fn along(pts: &[(f64, f64)], step: f64, mut f: impl FnMut((f64, f64), (f64, f64))) {
    let mut next = step / 2.0;
    let mut walked = 0.0;
    for w in pts.windows(2) {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            continue;
        }
        let dir = (dx / len, dy / len);
        while next <= walked + len {
            let s = next - walked;
            f((w[0].0 + dir.0 * s, w[0].1 + dir.1 * s), dir);
            next += step;
        }
        walked += len;
    }
}

/// Appends the dashes of a polyline (`dash` drawn, `gap` left), carried across vertices.
pub fn dashes(pts: &[(f64, f64)], dash: f64, gap: f64, out: &mut Vec<Line>) {
    let period = dash + gap;
    let mut phase = 0.0f64; // distance into the current period
    let r = |p: (f64, f64)| (p.0.round() as i32, p.1.round() as i32);
    for w in pts.windows(2) {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            continue;
        }
        let at = |s: f64| (w[0].0 + dx * s / len, w[0].1 + dy * s / len);
        let mut s = 0.0;
        while s < len {
            let left_in_period = period - phase;
            let step = left_in_period.min(len - s);
            if phase < dash {
                let end = (s + (dash - phase).min(step)).min(len);
                let (a, b) = (r(at(s)), r(at(end)));
                if a != b {
                    out.push((a, b));
                }
            }
            s += step;
            phase = (phase + step) % period;
            if (period - phase).abs() < 1e-9 {
                phase = 0.0;
            }
        }
    }
}
