//! The two backends: a [`Scene`] drawn with plotters to a PNG file (bitmap) and to SVG
//! text, one `<g id="layer-NAME">` per layer.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::fonts::{png_font, PngText, PNG_FAMILY, SVG_FAMILY};
use super::scene::{Prim, Scene};
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

/// Draws the scene as PNG, encoded in memory: the caller writes these bytes and embeds the
/// same bytes in `report.html`, so the report never reads a map back from disk. `name`
/// names the map in errors.
pub fn render_png(scene: &Scene, name: &str, font: Option<&Path>) -> Result<Vec<u8>> {
    let png_text = png_font(font)?;
    let (w, h) = (scene.width, scene.height);
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    let drawn = (|| -> std::result::Result<(), String> {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        for (_, prims) in &scene.layers {
            draw_prims(&root, prims, PNG_FAMILY, png_text)?;
        }
        root.present().map_err(|e| e.to_string())?;
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
                .map_err(|e| Error::output(format!("drawing SVG layer {name}"), e))?;
            root.present()
                .map_err(|e| Error::output(format!("drawing SVG layer {name}"), e))?;
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
