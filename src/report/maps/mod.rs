//! Maps of a run (DESIGN §9), drawn with `plotters` as PNG (print quality: A4 width at
//! 300 dpi by default) and SVG: response time ([`response`]), first-due areas
//! ([`first_due`]), logistics-support reach ([`supply`]), plan versus baseline
//! ([`plan`]), drone reach ([`drone`], which also draws the response map's village
//! markers) and, for `fireplan optimize`, candidate and chosen sites ([`optimize`]).
//!
//! Each map kind builds a [`Scene`]: named layers of primitives in pixel coordinates,
//! framed by [`Frame`](frame::Frame) (title, scenario name and date, legend, scale bar, north arrow,
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
//!
//! Layout: [`scene`](mod@scene) (primitives, layers, symbols), [`frame`] (page layout,
//! projection, decorations), [`labels`] (placement), [`fonts`], [`render`] (PNG and SVG
//! backends), one file per map kind; this file holds the entry points.

// The map kinds.
pub mod drone;
pub mod first_due;
pub mod optimize;
pub mod plan;
pub mod response;
pub mod risk_sites;
pub mod supply;
pub mod water;

// What they are drawn with.
pub mod chain;
pub mod closures;
pub mod context;
pub mod fonts;
pub mod frame;
pub mod labels;
pub mod raster;
pub mod render;
pub mod roads;
pub mod scene;

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::params::Scenario;
use crate::run::RunResult;

use fonts::map_fonts;
pub use frame::{scenario_timezone, today_in};
use render::write_svg;
use scene::Scene;

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
    /// Fire water sources and gaps (only with `[water]`).
    Water,
    /// Drone reach (`[drone]`): `map_drone`.
    Drone,
}

impl MapKind {
    pub const ALL: [MapKind; 6] = [
        MapKind::Response,
        MapKind::FirstDue,
        MapKind::Supply,
        MapKind::Plan,
        MapKind::Water,
        MapKind::Drone,
    ];
    /// How much drawing the map takes, relative (the demo's maps: response 0.5 s of CPU,
    /// drone, water and supply 0.3–0.4 s, first-due 0.15 s): heavier maps are started
    /// first, so that the last one drawn is a light one.
    pub fn drawing_weight(self) -> u8 {
        match self {
            MapKind::Response => 5,
            MapKind::Drone | MapKind::Plan => 4,
            MapKind::Water | MapKind::Supply => 3,
            MapKind::FirstDue => 1,
        }
    }

    /// File stem: `map_response`, `map_first_due`, `map_supply`, `map_plan`, `map_drone`.
    pub fn stem(self) -> &'static str {
        match self {
            MapKind::Response => "map_response",
            MapKind::FirstDue => "map_first_due",
            MapKind::Supply => "map_supply",
            MapKind::Plan => "map_plan",
            MapKind::Water => "map_water",
            MapKind::Drone => "map_drone",
        }
    }
    pub fn parse(s: &str) -> Option<MapKind> {
        match s {
            "response" => Some(MapKind::Response),
            "first-due" | "first_due" => Some(MapKind::FirstDue),
            "supply" => Some(MapKind::Supply),
            "plan" => Some(MapKind::Plan),
            "water" => Some(MapKind::Water),
            "drone" => Some(MapKind::Drone),
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
    /// The page laid out for (`[map] page`).
    pub page: crate::params::Page,
    /// PNG width in pixels: the page's width at 300 dpi (2480 for A4 portrait) unless
    /// asked otherwise; the dpi written in the PNG follows from it.
    pub width_px: u32,
    /// Date printed on the map (`YYYY-MM-DD`); today in `timezone` when None.
    pub date: Option<String>,
    /// IANA time zone of today's date ([`scenario_timezone`]).
    pub timezone: String,
}

impl MapOptions {
    /// Defaults for a run: the scenario's language and page, at 300 dpi.
    pub fn for_run(run: &RunResult) -> MapOptions {
        MapOptions::for_scenario(&run.inputs.scenario)
    }

    /// Defaults for a scenario: its language, its page at 300 dpi.
    pub fn for_scenario(scenario: &Scenario) -> MapOptions {
        let page = scenario.map.page;
        MapOptions {
            lang: Lang::parse(&scenario.lang),
            font: None,
            page,
            width_px: (page.size_mm().0 / 25.4 * 300.0).round() as u32,
            date: None,
            timezone: scenario_timezone(scenario),
        }
    }
}

/// Builds the scene of one map kind; None when the run has nothing to show for it (no
/// depots for `Supply`, no plan for `Plan`, no `[drone]` for `Drone`).
pub fn scene(
    kind: MapKind,
    run: &RunResult,
    plan: Option<&crate::run::PlanRunResult>,
    opts: &MapOptions,
) -> Option<Scene> {
    let date = opts
        .date
        .clone()
        .unwrap_or_else(|| today_in(&opts.timezone));
    match kind {
        MapKind::Response => Some(response::scene(run, opts, &date)),
        MapKind::FirstDue => Some(first_due::scene(run, opts, &date)),
        MapKind::Supply => supply::scene(run, opts, &date),
        MapKind::Plan => plan.map(|pr| plan::scene(pr, opts, &date)),
        MapKind::Water => water::scene(run, opts, &date),
        MapKind::Drone => drone::scene(run, opts, &date),
    }
}

/// Files written and the PNG bytes of each map drawn (for `report.html`).
pub type Written = (Vec<PathBuf>, Vec<(MapKind, Vec<u8>)>);

/// Renders the maps of `kinds` into `out` as `<stem>.svg`, `<stem>.png` and `<stem>.pdf`;
/// returns the files written and the PNG bytes by kind.
pub fn write_maps(
    out: &Path,
    run: &RunResult,
    plan: Option<&crate::run::PlanRunResult>,
    kinds: &[MapKind],
    opts: &MapOptions,
) -> Result<Written> {
    // A bad --font fails before any file is written.
    let fonts = map_fonts(opts.font.as_deref())?;
    let mut files = Vec::new();
    let mut pngs = Vec::new();
    for &k in kinds {
        let Some(sc) = scene(k, run, plan, opts) else {
            continue;
        };
        let (written, png) = write_map(out, k.stem(), &sc, opts, &fonts)?;
        files.extend(written);
        pngs.push((k, png));
    }
    Ok((files, pngs))
}

/// Writes one map as `<stem>.svg`, then its PNG and PDF drawn from that SVG
/// ([`raster`]); returns the files written (PNG, SVG, PDF) and the PNG bytes.
pub fn write_map(
    out: &Path,
    stem: &str,
    sc: &Scene,
    opts: &MapOptions,
    fonts: &raster::MapFonts,
) -> Result<(Vec<PathBuf>, Vec<u8>)> {
    let mut svg = Vec::new();
    write_svg(sc, &mut svg)?;
    let svg_path = out.join(format!("{stem}.svg"));
    super::write_atomic(&svg_path, &svg)?;
    if !fonts.cjk {
        svg.clear();
        render::write_svg_fallback(sc, &mut svg)?;
    }
    let dpi = raster::dpi(sc.width, opts.page.size_mm().0);
    let drawn = raster::draw(&svg, dpi, fonts, &format!("{stem}.png"))?;
    let png_path = out.join(format!("{stem}.png"));
    super::write_atomic(&png_path, &drawn.png)?;
    let pdf_path = out.join(format!("{stem}.pdf"));
    super::write_atomic(&pdf_path, &drawn.pdf)?;
    Ok((vec![png_path, svg_path, pdf_path], drawn.png))
}
