//! Fonts: finding and registering the PNG font (`--font`, `$FIREPLAN_FONT`, the Debian CJK
//! and Latin font paths) once per process, and the SVG font-family list.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use plotters::style::FontStyle;

use crate::error::{Error, Result};

/// The font family names used for drawing.
pub(super) const PNG_FAMILY: &str = "fireplan-map";
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
    /// Drawing SVG for a PNG without a CJK font: English fallback text, halos by CSS.
    SvgLatin,
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
            return Err(Error::option(
                format!("--font {}", p.display()),
                "not a readable TrueType/OpenType font",
            ));
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

/// The fonts of the maps' PNG and PDF, found once per process and requested font: the
/// requested font (`--font`), else `$FIREPLAN_FONT`, else the first Debian CJK font
/// found, plus a Latin font. Only these are loaded, never every system font, so that the
/// same machine setup draws the same pixels; the SVG's generic `sans-serif` resolves to
/// the CJK font. Without one, `cjk` is false and the maps are drawn with English text
/// (one warning, as [`png_font`] gives).
pub fn map_fonts(requested: Option<&Path>) -> Result<super::raster::MapFonts> {
    use resvg::usvg::fontdb::Database;
    type Found = Option<(Option<PathBuf>, super::raster::MapFonts)>;
    static FONTS: OnceLock<Mutex<Found>> = OnceLock::new();
    let lock = FONTS.get_or_init(|| Mutex::new(None));
    let mut g = lock.lock().unwrap_or_else(|e| e.into_inner());
    let key = requested.map(Path::to_path_buf);
    if let Some((k, f)) = &*g {
        if *k == key {
            return Ok(f.clone());
        }
    }
    // The same search and warning as the PNG font.
    let text = png_font(requested)?;
    let mut db = Database::new();
    let mut cjk_family = None;
    // Read into memory once: a memory-mapped font is mapped and unmapped again for every
    // text drawn, which took a third of a map's time with the 19 MB Noto CJK collection.
    let load = |db: &mut Database, p: &Path| -> Option<String> {
        let before = db.len();
        db.load_font_data(std::fs::read(p).ok()?);
        db.faces()
            .nth(before)
            .and_then(|f| f.families.first().map(|(name, _)| name.clone()))
    };
    if text == PngText::Cjk {
        let env = std::env::var_os("FIREPLAN_FONT").map(PathBuf::from);
        let candidates: Vec<PathBuf> = match requested {
            Some(p) => vec![p.to_path_buf()],
            None => env
                .into_iter()
                .chain(CJK_FONTS.iter().map(PathBuf::from))
                .collect(),
        };
        cjk_family = candidates.iter().find_map(|p| load(&mut db, p));
    }
    let latin_family = LATIN_FONTS.iter().find_map(|p| load(&mut db, Path::new(p)));
    if let Some(family) = cjk_family.as_ref().or(latin_family.as_ref()) {
        db.set_sans_serif_family(family.clone());
    }
    let fonts = super::raster::MapFonts {
        db: std::sync::Arc::new(db),
        cjk: cjk_family.is_some(),
    };
    *g = Some((key, fonts.clone()));
    Ok(fonts)
}
