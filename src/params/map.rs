//! `[map]`: how the maps are drawn — the response bands, the page and the time zone of the
//! date printed on them (规划附图).

use std::path::PathBuf;

use serde::Serialize;

use crate::model::context::ContextStyle;
use crate::params::Crs;

/// A printed page a map is laid out for (`[map] page`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Page {
    A4Portrait,
    A4Landscape,
    A3Portrait,
    A3Landscape,
}

impl Page {
    /// Every page, in the order the error message lists them.
    pub const ALL: [Page; 4] = [
        Page::A4Portrait,
        Page::A4Landscape,
        Page::A3Portrait,
        Page::A3Landscape,
    ];

    /// The name written in the scenario: `A4-portrait`, `A3-landscape`, …
    pub fn name(self) -> &'static str {
        match self {
            Page::A4Portrait => "A4-portrait",
            Page::A4Landscape => "A4-landscape",
            Page::A3Portrait => "A3-portrait",
            Page::A3Landscape => "A3-landscape",
        }
    }

    /// The page named `s` (case-insensitive).
    pub fn parse(s: &str) -> Option<Page> {
        Page::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s))
    }

    /// Width and height, millimetres (ISO 216).
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Page::A4Portrait => (210.0, 297.0),
            Page::A4Landscape => (297.0, 210.0),
            Page::A3Portrait => (297.0, 420.0),
            Page::A3Landscape => (420.0, 297.0),
        }
    }
}

/// `[map]` as checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapParams {
    /// Response-time band limits, seconds, ascending (`[map] bands_s`); `None`: from the
    /// response standard's `threshold_s` and `second_threshold_s`.
    pub bands_s: Option<Vec<f64>>,
    /// The page the maps are laid out for (default A4 portrait).
    pub page: Page,
    /// The IANA time zone of the date printed on the maps (`None`: Asia/Shanghai for a
    /// Chinese scenario, UTC for an English one).
    pub timezone: Option<String>,
    /// The scenario's own context layers (`[[map.layer]]`), in scenario order.
    pub layers: Vec<ContextLayerParams>,
    /// Draw the OSM extract's water, land use, railways, places and boundaries under the
    /// analysis (`[map] osm_context`, default true; only with an OSM network).
    pub osm_context: bool,
}

/// One `[[map.layer]]`: a GeoJSON file drawn as context in one style.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextLayerParams {
    /// Resolved against the scenario's folder.
    pub file: PathBuf,
    pub style: ContextStyle,
    pub crs: Crs,
}

impl Default for MapParams {
    fn default() -> MapParams {
        MapParams {
            bands_s: None,
            page: Page::A4Portrait,
            timezone: None,
            layers: Vec::new(),
            osm_context: true,
        }
    }
}
