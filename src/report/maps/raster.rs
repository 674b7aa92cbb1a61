//! The PNG and PDF of a map, drawn from its SVG: one drawing in three formats, with real
//! text shaping and per-glyph font fallback. usvg parses the SVG once; resvg rasterises
//! it at the page's dpi (the PNG carries that dpi in its `pHYs` chunk) and svg2pdf writes
//! the same tree as a PDF page of the paper size (fonts embedded, text kept as text).
//!
//! Chosen over plotters' bitmap backend by measurement (BENCHMARKS.md "Maps"): the PDF
//! needs the parsed SVG anyway, and rendering that tree costs less than drawing the scene
//! a second time.

use std::sync::Arc;

use resvg::tiny_skia;
use resvg::usvg;

use crate::error::{Error, Result};

/// Millimetres per inch.
const MM_PER_INCH: f64 = 25.4;

/// The fonts the PNG and PDF are drawn with, and whether they have CJK glyphs.
#[derive(Clone)]
pub struct MapFonts {
    pub db: Arc<usvg::fontdb::Database>,
    /// False: no CJK font was found; the maps are drawn with their English fallback text.
    pub cjk: bool,
}

/// A map as PNG and PDF bytes.
pub struct Rasters {
    pub png: Vec<u8>,
    pub pdf: Vec<u8>,
}

/// Pixels per inch of a page `width_px` wide printed `page_width_mm` wide.
pub fn dpi(width_px: u32, page_width_mm: f64) -> f64 {
    f64::from(width_px) * MM_PER_INCH / page_width_mm
}

/// Draws `svg` (a map's SVG, written by [`super::render::write_svg`]) as PNG and PDF at
/// `dpi`; `name` names the map in errors.
pub fn draw(svg: &[u8], dpi: f64, fonts: &MapFonts, name: &str) -> Result<Rasters> {
    let opts = usvg::Options {
        fontdb: Arc::clone(&fonts.db),
        dpi: dpi as f32,
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(svg, &opts)
        .map_err(|e| Error::output(format!("reading back the SVG of {name}"), e))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| Error::output(format!("drawing {name}"), "empty page"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let png = encode_png(&pixmap, dpi, name)?;
    let page = svg2pdf::PageOptions { dpi: dpi as f32 };
    let pdf = svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), page)
        .map_err(|e| Error::output(format!("writing the PDF of {name}"), e))?;
    Ok(Rasters { png, pdf })
}

/// An opaque pixmap as an 8-bit RGB PNG with its resolution (`pHYs`, pixels per metre).
fn encode_png(pixmap: &tiny_skia::Pixmap, dpi: f64, name: &str) -> Result<Vec<u8>> {
    let encode_error = |e: png::EncodingError| Error::output(format!("encoding {name}"), e);
    // The page is filled white first, so premultiplied RGBA is plain RGBA: drop alpha.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let per_metre = (dpi / MM_PER_INCH * 1000.0).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(&rgb).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> MapFonts {
        MapFonts {
            db: Arc::new(usvg::fontdb::Database::new()),
            cjk: false,
        }
    }

    #[test]
    fn a4_at_300_dpi() {
        assert!((dpi(2480, 210.0) - 299.96).abs() < 0.01);
        assert!((dpi(4961, 420.0) - 300.02).abs() < 0.01);
    }

    #[test]
    fn png_has_the_pixels_and_the_dpi_and_pdf_the_page_size() {
        // A 210 × 297 px page with a red square 10 px from the top left.
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="210" height="297" viewBox="0 0 210 297"><rect x="10" y="10" width="20" height="20" fill="#FF0000"/></svg>"##;
        let r = draw(svg, 25.4, &fonts(), "test").unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&r.png));
        let mut reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (210, 297));
        // 25.4 dpi = 1 px per mm = 1000 px per metre.
        let dims = info.pixel_dims.unwrap();
        assert_eq!(
            (dims.xppu, dims.yppu, dims.unit),
            (1000, 1000, png::Unit::Meter)
        );
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).unwrap();
        let px = |x: usize, y: usize| {
            let i = (y * frame.width as usize + x) * 3;
            (buf[i], buf[i + 1], buf[i + 2])
        };
        assert_eq!(px(15, 15), (255, 0, 0));
        assert_eq!(px(5, 5), (255, 255, 255));
        assert_eq!(px(200, 290), (255, 255, 255));
        // The PDF page is 210 × 297 mm: 595.3 × 841.9 pt.
        let pdf = String::from_utf8_lossy(&r.pdf);
        assert!(pdf.starts_with("%PDF-"), "{}", &pdf[..20]);
        let mediabox = pdf
            .split("/MediaBox [")
            .nth(1)
            .and_then(|s| s.split(']').next())
            .unwrap();
        let nums: Vec<f64> = mediabox
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        assert!(
            (nums[2] - 595.28).abs() < 0.1 && (nums[3] - 841.89).abs() < 0.1,
            "{nums:?}"
        );
    }
}
