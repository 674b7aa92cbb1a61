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
    // The PNG and the PDF from the one tree, side by side: the last map drawn no longer
    // leaves a core idle.
    let (png, pdf) = rayon::join(
        || -> Result<Vec<u8>> {
            let size = tree.size().to_int_size();
            let empty = || Error::output(format!("drawing {name}"), "empty page");
            // The page's pixels in this thread's buffer: a fresh 35 MB A4 page for every
            // map cost the kernel's zeroing of its pages, a twentieth of the drawing.
            let mut data = PAGE.with(|page| std::mem::take(&mut *page.borrow_mut()));
            let bytes = (size.width() as usize * size.height() as usize)
                .checked_mul(4)
                .ok_or_else(empty)?;
            // Every byte 255: opaque white, premultiplied (the page's paper).
            data.clear();
            data.resize(bytes, 255);
            let mut pixmap = tiny_skia::Pixmap::from_vec(data, size).ok_or_else(empty)?;
            resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
            let (width, height) = (pixmap.width(), pixmap.height());
            let mut data = pixmap.take();
            let png = encode_png(&mut data, width, height, dpi, name);
            PAGE.with(|page| *page.borrow_mut() = data);
            png
        },
        || -> Result<Vec<u8>> {
            let page = svg2pdf::PageOptions { dpi: dpi as f32 };
            // Streams written plain, then deflated at level 1 ([`deflate_streams`]):
            // svg2pdf's own level 6 took a third of a map's drawing time for files a fifth
            // smaller.
            let conversion = svg2pdf::ConversionOptions {
                compress: false,
                ..svg2pdf::ConversionOptions::default()
            };
            let plain = svg2pdf::to_pdf(&tree, conversion, page)
                .map_err(|e| Error::output(format!("writing the PDF of {name}"), e))?;
            deflate_streams(&plain)
                .map_err(|e| Error::output(format!("compressing the PDF of {name}"), e))
        },
    );
    let (png, pdf) = (png?, pdf?);
    Ok(Rasters { png, pdf })
}

/// `pdf` (as svg2pdf writes it without compression: a classic cross-reference table, every
/// stream dictionary with its `/Length`) with each unfiltered stream deflated at level 1
/// and the cross-reference table rebuilt. Anything else in that shape is an error, never a
/// damaged file.
pub fn deflate_streams(pdf: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use std::io::Write;
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    // The cross-reference table: `xref`, `0 N`, N entries of 20 bytes, then the trailer.
    let start = pdf
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or("no startxref")?;
    let xref_at: usize = text(&pdf[start + 9..])
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or("no offset after startxref")?;
    let head = pdf.get(xref_at..).ok_or("startxref past the end")?;
    let head_text = text(&head[..head.len().min(64)]);
    let mut words = head_text.split_whitespace();
    if words.next() != Some("xref") || words.next() != Some("0") {
        return Err("not a single-section cross-reference table".into());
    }
    let count: usize = words
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or("no object count")?;
    let entries_at = xref_at + find(head, b"\n").ok_or("short xref")? + 1;
    let entries_at = entries_at + find(&pdf[entries_at..], b"\n").ok_or("short xref")? + 1;
    let entries = pdf
        .get(entries_at..entries_at + 20 * count)
        .ok_or("cross-reference table cut short")?;
    let trailer = &pdf[entries_at + 20 * count..start];
    // Objects in file order with their numbers.
    let mut objects: Vec<(usize, usize)> = Vec::new();
    for (n, e) in entries.chunks_exact(20).enumerate() {
        if e[17] == b'n' {
            let at: usize = text(&e[..10]).parse().map_err(|_| "bad xref entry")?;
            objects.push((at, n));
        }
    }
    objects.sort_unstable();
    let first = objects.first().map_or(xref_at, |o| o.0);
    let mut out = Vec::with_capacity(pdf.len() / 4);
    out.extend_from_slice(&pdf[..first]);
    let mut offsets = vec![0usize; count];
    for (k, &(at, n)) in objects.iter().enumerate() {
        let end = objects.get(k + 1).map_or(xref_at, |o| o.0);
        let obj = pdf.get(at..end).ok_or("object past the end")?;
        offsets[n] = out.len();
        let marker = b">>\nstream\n";
        let Some(dict_end) = find(obj, marker) else {
            out.extend_from_slice(obj);
            continue;
        };
        let Ok(dict) = std::str::from_utf8(&obj[..dict_end]) else {
            out.extend_from_slice(obj);
            continue;
        };
        if dict.contains("/Filter") {
            out.extend_from_slice(obj);
            continue;
        }
        let length: usize = dict
            .split("/Length ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or("stream without a /Length")?;
        let data_at = dict_end + marker.len();
        let data = obj
            .get(data_at..data_at + length)
            .ok_or("stream longer than its object")?;
        let rest = &obj[data_at + length..];
        if !rest.starts_with(b"\nendstream") {
            return Err("stream /Length does not end at endstream".into());
        }
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(data).map_err(|e| e.to_string())?;
        let packed = z.finish().map_err(|e| e.to_string())?;
        let dict = dict.replacen(
            &format!("/Length {length}"),
            &format!("/Length {}\n  /Filter /FlateDecode", packed.len()),
            1,
        );
        out.extend_from_slice(dict.as_bytes());
        out.extend_from_slice(marker);
        out.extend_from_slice(&packed);
        out.extend_from_slice(rest);
    }
    let new_xref = out.len();
    out.extend_from_slice(format!("xref\n0 {count}\n").as_bytes());
    for (n, e) in entries.chunks_exact(20).enumerate() {
        if e[17] == b'n' {
            out.extend_from_slice(format!("{:010}", offsets[n]).as_bytes());
            out.extend_from_slice(&e[10..]);
        } else {
            out.extend_from_slice(e);
        }
    }
    out.extend_from_slice(trailer);
    out.extend_from_slice(format!("startxref\n{new_xref}\n%%EOF").as_bytes());
    Ok(out)
}

thread_local! {
    /// The pixels of the last page drawn on this thread, reused for the next.
    static PAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An opaque page's pixels (`rgba`, premultiplied, as tiny-skia leaves them) as an 8-bit
/// RGB PNG with its resolution (`pHYs`, pixels per metre). The pixels are packed to RGB
/// in place.
fn encode_png(rgba: &mut [u8], width: u32, height: u32, dpi: f64, name: &str) -> Result<Vec<u8>> {
    let encode_error = |e: png::EncodingError| Error::output(format!("encoding {name}"), e);
    // The page is filled white first, so premultiplied RGBA is plain RGBA: drop alpha,
    // packing pixel i to bytes 3i..3i+3 (never ahead of where it is read from).
    let pixels = rgba.len() / 4;
    for i in 0..pixels {
        let (r, g, b) = (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]);
        rgba[3 * i..3 * i + 3].copy_from_slice(&[r, g, b]);
    }
    let rgb = &rgba[..3 * pixels];
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Paeth on every row: on the demo maps as small as the adaptive choice (within
    // 0.5 %) for a fifth less encoding time; Sub and Up were a third larger.
    encoder.set_filter(png::FilterType::Paeth);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let per_metre = (dpi / MM_PER_INCH * 1000.0).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(rgb).map_err(encode_error)?;
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

    /// The PNG's pixels as RGB rows, with its width.
    fn pixels(png_bytes: &[u8]) -> (Vec<u8>, usize) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).unwrap();
        buf.truncate(frame.buffer_size());
        (buf, frame.width as usize)
    }

    #[test]
    fn a_page_drawn_after_another_on_the_thread_shows_nothing_of_it() {
        // A larger page painted red, then a smaller one with a blue square at its top
        // left: the second reuses the first one's buffer and must be white but the square.
        let big = br##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200" viewBox="0 0 300 200"><rect width="300" height="200" fill="#FF0000"/></svg>"##;
        let small = br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30" viewBox="0 0 40 30"><rect width="10" height="10" fill="#0000FF"/></svg>"##;
        // One thread: both pages are drawn on it, the second into the first's buffer.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let (first, second) = pool.install(|| {
            let first = draw(big, 25.4, &fonts(), "big").unwrap().png;
            (first, draw(small, 25.4, &fonts(), "small").unwrap().png)
        });
        let (red, _) = pixels(&first);
        assert!(red.chunks(3).all(|p| p == [255, 0, 0]));
        let (px, width) = pixels(&second);
        assert_eq!((px.len(), width), (40 * 30 * 3, 40));
        for (i, p) in px.chunks(3).enumerate() {
            let (x, y) = (i % width, i / width);
            let want = if x < 10 && y < 10 {
                [0, 0, 255]
            } else {
                [255, 255, 255]
            };
            assert_eq!(p, want, "pixel ({x}, {y})");
        }
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

    /// The number written after the last `key` in `text`.
    fn number_after(text: &str, key: &str) -> usize {
        let rest = text.rsplit(key).next().unwrap();
        rest.split_whitespace().next().unwrap().parse().unwrap()
    }

    #[test]
    fn streams_are_deflated_and_the_xref_points_at_every_object() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100"><path d="M0 0L200 100M0 100L200 0" stroke="#0000FF" stroke-width="3"/></svg>"##;
        let opts = usvg::Options::default();
        let tree = usvg::Tree::from_data(svg, &opts).unwrap();
        let plain_opts = svg2pdf::ConversionOptions {
            compress: false,
            ..svg2pdf::ConversionOptions::default()
        };
        let page = svg2pdf::PageOptions::default();
        let plain = svg2pdf::to_pdf(&tree, plain_opts, page).unwrap();
        let packed = deflate_streams(&plain).unwrap();
        // Every stream now says how it is filtered, and inflates to the plain stream.
        let find = |h: &[u8], n: &[u8], from: usize| {
            h[from..]
                .windows(n.len())
                .position(|w| w == n)
                .map(|i| i + from)
        };
        let streams = |pdf: &[u8]| -> Vec<(bool, Vec<u8>)> {
            let mut out = Vec::new();
            let mut from = 0;
            while let Some(i) = find(pdf, b">>\nstream\n", from) {
                let dict_start = pdf[..i].windows(2).rposition(|w| w == b"<<").unwrap();
                let dict = String::from_utf8(pdf[dict_start..i].to_vec()).unwrap();
                let len = number_after(&dict, "/Length ");
                let at = i + ">>\nstream\n".len();
                out.push((dict.contains("/FlateDecode"), pdf[at..at + len].to_vec()));
                from = at + len;
            }
            out
        };
        let (before, after) = (streams(&plain), streams(&packed));
        assert!(!before.is_empty());
        assert_eq!(before.len(), after.len());
        assert!(before.iter().any(|(filtered, _)| !filtered));
        for ((was_packed, raw), (packed_now, z)) in before.iter().zip(&after) {
            assert!(*packed_now);
            if *was_packed {
                // Already filtered (the colour profile): left as it was.
                assert_eq!(raw, z);
                continue;
            }
            let mut inflated = Vec::new();
            use std::io::Read;
            flate2::read::ZlibDecoder::new(z.as_slice())
                .read_to_end(&mut inflated)
                .unwrap();
            assert_eq!(&inflated, raw);
        }
        // The cross-reference table's offsets land on "N 0 obj".
        let tail = String::from_utf8(packed[packed.len() - 40..].to_vec()).unwrap();
        let xref_at = number_after(&tail, "startxref\n");
        let table = String::from_utf8(packed[xref_at..].to_vec()).unwrap();
        assert!(table.starts_with("xref\n0 "));
        let entries: Vec<&str> = table
            .lines()
            .skip(2)
            .take_while(|l| !l.starts_with("trailer"))
            .collect();
        assert!(entries.len() > 3);
        for (n, entry) in entries.iter().enumerate().skip(1) {
            let at: usize = entry[..10].parse().unwrap();
            assert!(
                packed[at..].starts_with(format!("{n} 0 obj").as_bytes()),
                "object {n} at {at}"
            );
        }
        // A PDF that is not in that shape is refused, not damaged.
        assert!(deflate_streams(b"%PDF-1.7 nothing here").is_err());
        let mut lying = plain.clone();
        let i = find(&lying, b"/Length ", 0).unwrap() + 8;
        lying[i] = b'9';
        assert!(deflate_streams(&lying).is_err());
    }
}
