//! The two backends: a [`Scene`] drawn with plotters to a PNG file (bitmap) and to SVG
//! text, one `<g id="layer-NAME">` per layer.

use std::io::Write;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendColor, DrawingErrorKind};

use super::fonts::{png_font, PngText, PNG_FAMILY, SVG_FAMILY};
use super::scene::{shape_points, Prim, Scene, Shape};
use crate::error::{Error, Result};

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
            Prim::Lines { segs, color, width } => {
                for &(a, b) in segs {
                    if *width <= 1 {
                        // A filled sliver one pixel wide can miss pixels: a 1-px line has
                        // every pixel from end to end (a zero-length one, its pixel).
                        area.draw(&PathElement::new(vec![a, b], color.stroke_width(1)))
                            .map_err(err)?;
                    } else {
                        area.draw(&Polygon::new(
                            capped_line(a, b, *width),
                            color.mix(1.0).filled(),
                        ))
                        .map_err(err)?;
                    }
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
            Prim::Marks {
                shape,
                size,
                fill,
                at,
            } => {
                for &c in at {
                    area.draw(&Polygon::new(
                        shape_points(*shape, c, *size),
                        fill.mix(1.0).filled(),
                    ))
                    .map_err(err)?;
                }
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
                    PngText::Latin | PngText::SvgLatin => fallback,
                    PngText::None => continue,
                };
                if *halo && !matches!(png_text, PngText::Svg | PngText::SvgLatin) {
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

/// The outline of a line from `a` to `b` `width` px wide with square ends (half the width
/// beyond each end): a zero-length line is a square, and lines meeting at a point leave
/// no notch between them.
fn capped_line(a: (i32, i32), b: (i32, i32), width: u32) -> Vec<(i32, i32)> {
    let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
    let len = dx.hypot(dy);
    let (ux, uy) = if len > 0.0 {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    let r = f64::from(width) / 2.0;
    let (ex, ey, nx, ny) = (ux * r, uy * r, -uy * r, ux * r);
    let p = |x: i32, y: i32, sx: f64, sy: f64| {
        (
            (f64::from(x) + sx).round() as i32,
            (f64::from(y) + sy).round() as i32,
        )
    };
    vec![
        p(a.0, a.1, -ex + nx, -ey + ny),
        p(b.0, b.1, ex + nx, ey + ny),
        p(b.0, b.1, ex - nx, ey - ny),
        p(a.0, a.1, -ex - nx, -ey - ny),
    ]
}

/// A layer's primitives in drawing order: runs of ordinary primitives, and each
/// [`Prim::Marks`] and [`Prim::Lines`] on its own.
enum Run<'a> {
    Plain(&'a [Prim]),
    Marks(Shape, i32, RGBColor, &'a [(i32, i32)]),
    Lines(&'a Prim),
}

/// Splits a layer into runs; a [`Prim::Marks`] is a run of its own when `apart` says so
/// for its places, else it stays among the ordinary primitives (drawn as polygons); a
/// [`Prim::Lines`] always is.
fn runs(prims: &[Prim], apart: impl Fn(&[(i32, i32)]) -> bool) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, p) in prims.iter().enumerate() {
        let run = match p {
            Prim::Marks {
                shape,
                size,
                fill,
                at,
            } if apart(at) => Run::Marks(*shape, *size, *fill, at),
            Prim::Lines { .. } => Run::Lines(p),
            _ => continue,
        };
        if start < i {
            out.push(Run::Plain(&prims[start..i]));
        }
        out.push(run);
        start = i + 1;
    }
    if start < prims.len() {
        out.push(Run::Plain(&prims[start..]));
    }
    out
}

/// The distinct places of marks that share their colour (so their order does not matter).
fn places(at: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut centres = at.to_vec();
    centres.sort_unstable();
    centres.dedup();
    centres
}

/// A run of `len` pixel writes of a symbol along a row, from (`dx`, `dy`) relative to its
/// centre: set to the fill colour, or blended with it at `alpha / 256` (an anti-aliased
/// edge; runs of one pixel).
#[derive(Clone, Copy)]
struct MaskOp {
    dx: i32,
    dy: i32,
    len: i32,
    alpha: Option<u64>,
}

/// A drawing backend that records the pixel writes of plotters' polygon filler, replayed
/// by [`stamp`] the way `BitMapBackend` applies them (same threshold, same blend), so a
/// stamped mark has exactly the pixels of a drawn one.
struct Recorder {
    ops: Vec<MaskOp>,
}

impl Recorder {
    fn pixel(&mut self, (x, y): (i32, i32), alpha: f64) {
        // BitMapBackend::draw_pixel: opaque from 255/256, nothing at or below 0.
        let alpha = if alpha >= 1.0 - 1.0 / 256.0 {
            None
        } else if alpha <= 0.0 {
            return;
        } else {
            Some((alpha * 256.0).floor() as u64)
        };
        // Consecutive opaque writes along a row become one run (same pixels, same order).
        if let Some(last) = self.ops.last_mut() {
            if alpha.is_none() && last.alpha.is_none() && last.dy == y && last.dx + last.len == x {
                last.len += 1;
                return;
            }
        }
        self.ops.push(MaskOp {
            dx: x,
            dy: y,
            len: 1,
            alpha,
        });
    }
}

impl DrawingBackend for Recorder {
    type ErrorType = std::convert::Infallible;

    fn get_size(&self) -> (u32, u32) {
        (u32::MAX / 4, u32::MAX / 4)
    }
    fn ensure_prepared(&mut self) -> std::result::Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn present(&mut self) -> std::result::Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        at: (i32, i32),
        color: BackendColor,
    ) -> std::result::Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.pixel(at, color.alpha);
        Ok(())
    }
    /// The filler's spans, as `BitMapBackend::draw_line` covers them (horizontal:
    /// `[min(a, b + 1), max(a, b + 1))`; vertical: `min..=max`).
    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: (i32, i32),
        to: (i32, i32),
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<Self::ErrorType>> {
        let alpha = style.color().alpha;
        if (from.0 == to.0 || from.1 == to.1) && style.stroke_width() == 1 && alpha >= 1.0 {
            if from.1 == to.1 {
                for x in from.0.min(to.0 + 1)..from.0.max(to.0 + 1) {
                    self.pixel((x, from.1), alpha);
                }
            } else {
                for y in from.1.min(to.1)..=from.1.max(to.1) {
                    self.pixel((from.0, y), alpha);
                }
            }
            return Ok(());
        }
        plotters_backend::rasterizer::draw_line(self, from, to, style)
    }
}

/// A symbol's outline relative to its centre, as [`shape_points`] places it about any
/// centre on the page: drawn about a positive centre and shifted back, since it rounds
/// half away from zero (about the origin some vertices would move by a pixel).
fn symbol_outline(shape: Shape, size: i32) -> Vec<(i32, i32)> {
    let c = size.abs() + 16;
    shape_points(shape, (c, c), size)
        .into_iter()
        .map(|(x, y)| (x - c, y - c))
        .collect()
}

/// The pixel writes of one symbol centred at the origin.
fn mark_mask(shape: Shape, size: i32) -> Vec<MaskOp> {
    let mut rec = Recorder { ops: Vec::new() };
    let fill = WHITE.mix(1.0).filled();
    // Infallible: the recorder cannot fail.
    let _ = rec.fill_polygon(symbol_outline(shape, size), &fill.color);
    rec.ops
}

/// Replays `mask` at each centre of `at` in `fill`, clipped to the image. Marks of one
/// colour may be stamped in any order, so each place is stamped once.
fn stamp(rgb: &mut [u8], (w, h): (u32, u32), mask: &[MaskOp], fill: RGBColor, at: &[(i32, i32)]) {
    let centres = places(at);
    let (w, h) = (w as i32, h as i32);
    let fill = [fill.0, fill.1, fill.2];
    for (cx, cy) in centres {
        for op in mask {
            let y = cy + op.dy;
            let (x0, x1) = ((cx + op.dx).max(0), (cx + op.dx + op.len).min(w));
            if y < 0 || y >= h || x0 >= x1 {
                continue;
            }
            let row = y as usize * w as usize;
            let px = &mut rgb[(row + x0 as usize) * 3..(row + x1 as usize) * 3];
            match op.alpha {
                None => px
                    .chunks_exact_mut(3)
                    .for_each(|p| p.copy_from_slice(&fill)),
                Some(a) => {
                    for (prev, new) in px.iter_mut().zip(fill.iter().cycle()) {
                        // plotters_bitmap's `blend`.
                        if *new > *prev {
                            *prev += (u64::from(new - *prev) * a / 256) as u8;
                        } else {
                            *prev -= (u64::from(*prev - new) * a / 256) as u8;
                        }
                    }
                }
            }
        }
    }
}

/// Draws the scene as PNG, encoded in memory: the caller writes these bytes and embeds the
/// same bytes in `report.html`, so the report never reads a map back from disk. `name`
/// names the map in errors.
pub fn render_png(scene: &Scene, name: &str, font: Option<&Path>) -> Result<Vec<u8>> {
    let png_text = png_font(font)?;
    let (w, h) = (scene.width, scene.height);
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    let drawn = (|| -> std::result::Result<(), String> {
        for (_, prims) in &scene.layers {
            for run in runs(prims, |_| true) {
                match run {
                    Run::Plain(prims) => {
                        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
                        draw_prims(&root, prims, PNG_FAMILY, png_text)?;
                        root.present().map_err(|e| e.to_string())?;
                    }
                    Run::Marks(shape, size, fill, at) => {
                        stamp(&mut rgb, (w, h), &mark_mask(shape, size), fill, at)
                    }
                    Run::Lines(p) => {
                        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
                        draw_prims(&root, std::slice::from_ref(p), PNG_FAMILY, png_text)?;
                        root.present().map_err(|e| e.to_string())?;
                    }
                }
            }
        }
        Ok(())
    })();
    let encode_error = |e: png::EncodingError| Error::output(format!("encoding {name}"), e);
    drawn.map_err(|e| Error::output(format!("drawing {name}"), e))?;
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Adaptive filtering, as the `image` encoder plotters used before (same bytes; a third
    // smaller than the default).
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(&rgb).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(bytes)
}

/// More marks than this in one [`Prim::Marks`] and the SVG draws them as one `<path>`
/// ([`svg_marks`]); fewer, and each is a `<polygon>` of its own, which is easier to edit.
pub const SVG_DENSE_MARKS: usize = 1000;

/// Primitives drawn by plotters' SVG backend: the elements between its own `<svg>` tags.
fn svg_body(
    prims: &[Prim],
    size: (u32, u32),
    text: PngText,
) -> std::result::Result<String, String> {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, size).into_drawing_area();
        draw_prims(&root, prims, SVG_FAMILY, text)?;
        root.present().map_err(|e| e.to_string())?;
    }
    let body_start = s
        .find("<svg")
        .and_then(|i| s[i..].find('>').map(|j| i + j + 1));
    let body_end = s.rfind("</svg>");
    Ok(match (body_start, body_end) {
        (Some(a), Some(b)) if a <= b => s[a..b].trim().to_string(),
        _ => String::new(),
    })
}

/// At least this many consecutive paths of one colour and width and the SVG draws them
/// as one `<path>`, joined end to end into polylines ([`super::chain`]): a road layer's
/// 60,000 `<polyline>`s were 6 MB and most of the time to read the SVG back for the PNG
/// and PDF; fewer stay one element each, easier to edit.
pub const SVG_MERGED_PATHS: usize = 64;

/// Ordinary primitives as SVG elements: long runs of same-style paths merged into one
/// `<path>` ([`SVG_MERGED_PATHS`]), the rest drawn by plotters' SVG backend.
fn svg_plain(
    prims: &[Prim],
    size: (u32, u32),
    text: PngText,
) -> std::result::Result<String, String> {
    use std::fmt::Write;
    let style = |p: &Prim| match p {
        Prim::Path { pts, color, width } if pts.len() >= 2 => Some((*color, *width)),
        _ => None,
    };
    let mut out = String::new();
    let mut i = 0;
    while i < prims.len() {
        let run_end = match style(&prims[i]) {
            Some(st) => {
                let n = prims[i..]
                    .iter()
                    .take_while(|p| style(p) == Some(st))
                    .count();
                i + n
            }
            None => i,
        };
        if run_end - i >= SVG_MERGED_PATHS {
            let Some((c, width)) = style(&prims[i]) else {
                break;
            };
            if !out.is_empty() {
                out.push('\n');
            }
            let _ = write!(
                out,
                "<path fill=\"none\" stroke=\"#{:02X}{:02X}{:02X}\" stroke-width=\"{width}\" d=\"",
                c.0, c.1, c.2
            );
            let lines = super::chain::chain(prims[i..run_end].iter().filter_map(|p| match p {
                Prim::Path { pts, .. } => Some(pts.as_slice()),
                _ => None,
            }));
            for (k, line) in lines.iter().enumerate() {
                if k > 0 {
                    out.push(if k % 16 == 0 { '\n' } else { ' ' });
                }
                for (j, (x, y)) in super::chain::thin(line).iter().enumerate() {
                    let _ = write!(out, "{}{x} {y}", if j == 0 { "M" } else { "L" });
                }
            }
            out.push_str("\"/>");
            i = run_end;
            continue;
        }
        // Up to the next long run, drawn by plotters.
        let mut j = run_end.max(i + 1);
        while j < prims.len() {
            if let Some(st) = style(&prims[j]) {
                let n = prims[j..]
                    .iter()
                    .take_while(|p| style(p) == Some(st))
                    .count();
                if n >= SVG_MERGED_PATHS {
                    break;
                }
                j += n;
            } else {
                j += 1;
            }
        }
        let body = svg_body(&prims[i..j], size, text)?;
        if !body.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&body);
        }
        i = j;
    }
    Ok(out)
}

/// Dense marks as one `<path>`: the symbol's outline repeated at every place, each copy a
/// subpath in relative coordinates. Measured on the demo water map (16,824 hydrants):
/// `<use>` of one definition made usvg build a group and re-read the symbol for every
/// place (0.15 s of reading back, 0.06 s of drawing); one path is read in 0.02 s and
/// drawn in one pass, for files larger (water map: SVG 1.44 → 2.11 MB, PDF 0.43 → 1.26 MB).
/// And a million stations' `<use>` elements passed usvg's node limit: the map was refused.
fn svg_marks(shape: Shape, size: i32, fill: RGBColor, at: &[(i32, i32)]) -> String {
    use std::fmt::Write;
    let mut outline = symbol_outline(shape, size);
    outline.dedup();
    if outline.len() > 1 && outline.first() == outline.last() {
        outline.pop();
    }
    let (x0, y0) = outline.first().copied().unwrap_or((0, 0));
    let mut rel = String::from("l");
    for (k, w) in outline.windows(2).enumerate() {
        let _ = write!(
            rel,
            "{}{} {}",
            if k == 0 { "" } else { " " },
            w[1].0 - w[0].0,
            w[1].1 - w[0].1
        );
    }
    rel.push('z');
    let centres = places(at);
    let mut s = format!(
        "<path fill=\"#{:02X}{:02X}{:02X}\" d=\"",
        fill.0, fill.1, fill.2
    );
    s.reserve(centres.len() * (rel.len() + 12));
    for (i, (x, y)) in centres.into_iter().enumerate() {
        // A line break now and then keeps the document easy on text tools.
        if i > 0 && i % 16 == 0 {
            s.push('\n');
        }
        let _ = write!(s, "M{} {}{rel}", x + x0, y + y0);
    }
    s.push_str("\"/>");
    s
}

/// An aggregated road layer's lines as one `<path>`: a subpath per line, square ends.
fn svg_lines(w: &mut dyn Write, p: &Prim) -> std::io::Result<()> {
    let Prim::Lines { segs, color, width } = p else {
        return Ok(());
    };
    write!(
        w,
        "<path fill=\"none\" stroke=\"#{:02X}{:02X}{:02X}\" stroke-width=\"{width}\" stroke-linecap=\"square\" d=\"",
        color.0, color.1, color.2
    )?;
    for (i, &(a, b)) in segs.iter().enumerate() {
        // A line break now and then keeps the document easy on text tools.
        let sep = if i == 0 {
            ""
        } else if i % 16 == 0 {
            "\n"
        } else {
            " "
        };
        write!(w, "{sep}M{} {}L{} {}", a.0, a.1, b.0, b.1)?;
    }
    w.write_all(b"\"/>")
}

/// Draws the scene as SVG text: each layer a `<g id="layer-NAME">` (see [`write_svg`]).
pub fn render_svg(scene: &Scene) -> Result<String> {
    let mut out = Vec::new();
    write_svg(scene, &mut out)?;
    String::from_utf8(out).map_err(|e| Error::output("SVG", e))
}

/// Writes the scene as SVG to `out`, layer by layer (each a `<g id="layer-NAME">`), so
/// that a province's map is never one string in memory.
pub fn write_svg(scene: &Scene, out: &mut dyn Write) -> Result<()> {
    write_svg_with(scene, out, PngText::Svg)
}

/// As [`write_svg`], every label in its English fallback: the SVG a PNG is drawn from
/// when no CJK font is installed.
pub fn write_svg_fallback(scene: &Scene, out: &mut dyn Write) -> Result<()> {
    write_svg_with(scene, out, PngText::SvgLatin)
}

fn write_svg_with(scene: &Scene, out: &mut dyn Write, text: PngText) -> Result<()> {
    let io = |e: std::io::Error| Error::output("writing SVG", e);
    let (w, h) = (scene.width, scene.height);
    write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n"
    )
    .map_err(io)?;
    // Halos of labels drawn over the map: a white stroke under the glyphs of every layer
    // whose text asks for one.
    let halo_w = (w as f64 / 2480.0 * 7.0).max(2.0);
    let haloed: Vec<String> = scene
        .layers
        .iter()
        .filter(|(_, prims)| {
            prims
                .iter()
                .any(|p| matches!(p, Prim::Text { halo: true, .. }))
        })
        .map(|(name, _)| format!("#layer-{name} text"))
        .collect();
    if !haloed.is_empty() {
        writeln!(
            out,
            "<style>{} {{ paint-order: stroke; stroke: #FFFFFF; stroke-width: {halo_w:.1}px; stroke-linejoin: round; }}</style>",
            haloed.join(", ")
        )
        .map_err(io)?;
    }
    for (name, prims) in &scene.layers {
        write!(out, "<g id=\"layer-{name}\">").map_err(io)?;
        let mut any = false;
        for run in runs(prims, |at| at.len() > SVG_DENSE_MARKS) {
            let part = match run {
                Run::Plain(prims) => svg_plain(prims, (w, h), text)
                    .map_err(|e| Error::output(format!("drawing SVG layer {name}"), e))?,
                Run::Marks(shape, size, fill, at) => svg_marks(shape, size, fill, at),
                Run::Lines(p) => {
                    if any {
                        out.write_all(b"\n").map_err(io)?;
                    }
                    svg_lines(out, p).map_err(io)?;
                    any = true;
                    continue;
                }
            };
            if any && !part.is_empty() {
                out.write_all(b"\n").map_err(io)?;
            }
            out.write_all(part.as_bytes()).map_err(io)?;
            any |= !part.is_empty();
        }
        out.write_all(b"</g>\n").map_err(io)?;
    }
    out.write_all(b"</svg>\n").map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::maps::scene::hex;

    fn decode(png_bytes: &[u8]) -> Vec<u8> {
        let dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        buf
    }

    /// Marks of every shape between ordinary primitives, on a `w` × `h` image, centres
    /// from `place(i, k)` shifted by `shift`.
    fn scene(
        expanded: bool,
        (w, h): (u32, u32),
        shift: i32,
        place: impl Fn(i32, i32) -> (i32, i32),
    ) -> Scene {
        let shapes = [
            (Shape::Star, 30),
            (Shape::Square, 22),
            (Shape::Circle, 22),
            (Shape::Triangle, 24),
            (Shape::Diamond, 24),
            (Shape::Hexagon, 24),
            (Shape::Cross, 17),
            (Shape::Circle, 11),
        ];
        let mut prims = vec![Prim::Polygon {
            pts: vec![
                (shift, shift),
                (150 + shift, 20 + shift),
                (40 + shift, 110 + shift),
            ],
            fill: hex(0x80b1d3),
            opacity: 1.0,
        }];
        for (k, &(shape, size)) in shapes.iter().enumerate() {
            let at: Vec<(i32, i32)> = (0..40)
                .map(|i| place(i, k as i32))
                .map(|(x, y)| (x + shift, y + shift))
                .collect();
            let fill = hex(0x101010 * (k as u32 + 1));
            if expanded {
                prims.extend(at.iter().map(|&c| Prim::Polygon {
                    pts: shape_points(shape, c, size),
                    fill,
                    opacity: 1.0,
                }));
            } else {
                prims.push(Prim::Marks {
                    shape,
                    size,
                    fill,
                    at,
                });
            }
            prims.push(Prim::Path {
                pts: vec![(shift, 5 * k as i32 + shift), (200 + shift, 60 + shift)],
                color: hex(0xd7191c),
                width: 2,
            });
        }
        Scene {
            width: w,
            height: h,
            layers: vec![("marks".into(), prims)],
            ..Scene::new(0, 0)
        }
    }

    /// Centres at least 20 px inside a 200 × 120 image.
    fn inside(i: i32, k: i32) -> (i32, i32) {
        ((i * 37 + k * 11) % 160 + 20, (i * 53 + k * 7) % 80 + 20)
    }

    /// Centres anywhere on a 200 × 120 image, many across its edges.
    fn anywhere(i: i32, k: i32) -> (i32, i32) {
        ((i * 37 + k * 11) % 200, (i * 53 + k * 7) % 120)
    }

    #[test]
    fn stamped_marks_have_exactly_the_pixels_of_drawn_polygons() {
        let png = |sc: &Scene| decode(&render_png(sc, "marks.png", None).unwrap());
        let stamped = png(&scene(false, (200, 120), 0, inside));
        let drawn = png(&scene(true, (200, 120), 0, inside));
        assert_eq!(stamped.len(), 200 * 120 * 3);
        let differing = stamped.iter().zip(&drawn).filter(|(a, b)| a != b).count();
        assert_eq!(
            differing, 0,
            "bytes differing between stamped and drawn marks"
        );
        // The marks did draw something: the 8th colour is on the image.
        assert!(stamped.chunks(3).any(|p| p == [0x80, 0x80, 0x80]));
    }

    #[test]
    fn marks_across_the_edge_are_cut_not_squashed() {
        // plotters moves a polygon's vertices onto the image's edge; a stamped mark is cut
        // there instead: the image is the 200 × 120 window of the same marks on a larger one.
        let small =
            decode(&render_png(&scene(false, (200, 120), 0, anywhere), "s.png", None).unwrap());
        let large =
            decode(&render_png(&scene(false, (280, 200), 40, anywhere), "l.png", None).unwrap());
        let window: Vec<u8> = (40..160)
            .flat_map(|y| {
                large[(y * 280 + 40) * 3..(y * 280 + 240) * 3]
                    .iter()
                    .copied()
            })
            .collect();
        assert_eq!(window.len(), small.len());
        let differing = small.iter().zip(&window).filter(|(a, b)| a != b).count();
        assert_eq!(
            differing, 0,
            "bytes differing between the image and the window"
        );
    }

    #[test]
    fn svg_draws_sparse_marks_as_polygons_and_dense_ones_as_one_path() {
        let sparse = |expanded| render_svg(&scene(expanded, (200, 120), 0, anywhere)).unwrap();
        assert_eq!(sparse(false), sparse(true));
        let dense: Vec<(i32, i32)> = (0..3000).map(|i| (i % 1500, i / 1500)).collect();
        let sc = Scene {
            width: 2000,
            height: 10,
            layers: vec![(
                "stations".into(),
                vec![Prim::Marks {
                    shape: Shape::Square,
                    size: 8,
                    fill: hex(0x2166ac),
                    // Every place twice: drawn once.
                    at: dense.iter().chain(&dense).copied().collect(),
                }],
            )],
            ..Scene::new(0, 0)
        };
        let svg = render_svg(&sc).unwrap();
        assert_eq!(svg.matches("<path fill=\"#2166AC\" d=\"").count(), 1);
        assert_eq!(svg.matches("<polygon").count(), 0);
        // One subpath per place, the square's outline from its first corner, relative.
        assert_eq!(svg.matches("l-6 0 0 -6 6 0z").count(), 3000);
        assert!(
            svg.contains("d=\"M3 3l-6 0 0 -6 6 0zM3 4l-6 0 0 -6 6 0z"),
            "{}",
            &svg[..600]
        );
        assert!(svg.contains("M1502 4l-6 0 0 -6 6 0z\"/>"));
    }

    #[test]
    fn dense_marks_as_one_path_draw_the_pixels_of_one_use_per_place() {
        // 1,200 circles 20 px apart (none overlap), drawn as the one path of the map's
        // SVG and as the `<use>` of one definition the SVG had before: resvg paints the
        // same pixels from both.
        let at: Vec<(i32, i32)> = (0..1200)
            .map(|i| (10 + 20 * (i % 40), 10 + 20 * (i / 40)))
            .collect();
        let (shape, size, fill) = (Shape::Circle, 11, hex(0x6baed6));
        let (w, h) = (810, 610);
        let page = |body: &str| {
            format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">{body}</svg>")
        };
        let path = page(&svg_marks(shape, size, fill, &at));
        let d: Vec<String> = symbol_outline(shape, size)
            .iter()
            .map(|(x, y)| format!("{x} {y}"))
            .collect();
        let mut uses = format!(
            "<defs><path id=\"m\" d=\"M{} Z\" fill=\"#6BAED6\"/></defs>",
            d.join(" L")
        );
        for (x, y) in &at {
            uses.push_str(&format!("<use href=\"#m\" x=\"{x}\" y=\"{y}\"/>"));
        }
        let fonts = super::super::raster::MapFonts {
            db: std::sync::Arc::new(resvg::usvg::fontdb::Database::new()),
            cjk: false,
        };
        let png = |svg: &str| {
            decode(
                &super::super::raster::draw(svg.as_bytes(), 300.0, &fonts, "t")
                    .unwrap()
                    .png,
            )
        };
        let (a, b) = (png(&path), png(&page(&uses)));
        assert_eq!(a.len(), b.len());
        let differ = a.chunks(3).zip(b.chunks(3)).filter(|(p, q)| p != q).count();
        assert_eq!(differ, 0);
        // And something was drawn: every centre is filled.
        let px = |x: i32, y: i32| &a[((y * w + x) * 3) as usize..][..3];
        assert!(at.iter().all(|&(x, y)| px(x, y) == [0x6b, 0xae, 0xd6]));
    }
}
