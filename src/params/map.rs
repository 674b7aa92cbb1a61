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

impl MapParams {
    /// The response-time band limits of the maps (and of the service areas), seconds,
    /// ascending. `[map] bands_s` as given, with `threshold_s` added when it is missing,
    /// so that a band never straddles the threshold (green always means in time). By
    /// default: the whole minutes at 60 % of the threshold (when at least a minute), the
    /// threshold, and the second-due threshold when above it — 3, 5 and 8 minutes for
    /// the 5-minute standard.
    pub fn response_bands_s(&self, response: &super::ResponseParams) -> Vec<f64> {
        let thr = response.threshold_s;
        let mut limits = match &self.bands_s {
            Some(given) => given.clone(),
            None => {
                let early_s = (0.6 * thr / 60.0).floor() * 60.0;
                let mut v = Vec::new();
                if early_s >= 60.0 && early_s < thr {
                    v.push(early_s);
                }
                if response.second_threshold_s > thr {
                    v.push(response.second_threshold_s);
                }
                v
            }
        };
        if !limits.contains(&thr) {
            limits.push(thr);
        }
        limits.sort_by(f64::total_cmp);
        limits.dedup();
        limits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::ResponseParams;

    fn response(threshold_s: f64, second_threshold_s: f64) -> ResponseParams {
        ResponseParams {
            threshold_s,
            second_threshold_s,
            ..ResponseParams::default()
        }
    }

    #[test]
    fn default_bands_follow_the_thresholds() {
        let m = MapParams::default();
        assert_eq!(
            m.response_bands_s(&response(300.0, 480.0)),
            [180.0, 300.0, 480.0]
        );
        // A 4-minute standard: 2, 4, 8 minutes (0.6 × 240 s = 144 s → 2 whole minutes).
        assert_eq!(
            m.response_bands_s(&response(240.0, 480.0)),
            [120.0, 240.0, 480.0]
        );
        // A second threshold not above the first adds no band; 90 s leaves no early band.
        assert_eq!(m.response_bands_s(&response(90.0, 90.0)), [90.0]);
        assert_eq!(m.response_bands_s(&response(600.0, 300.0)), [360.0, 600.0]);
    }

    #[test]
    fn given_bands_always_hold_the_threshold() {
        let m = MapParams {
            bands_s: Some(vec![120.0, 360.0, 600.0]),
            ..MapParams::default()
        };
        assert_eq!(
            m.response_bands_s(&response(300.0, 480.0)),
            [120.0, 300.0, 360.0, 600.0]
        );
        let m = MapParams {
            bands_s: Some(vec![240.0, 300.0]),
            ..MapParams::default()
        };
        assert_eq!(m.response_bands_s(&response(300.0, 480.0)), [240.0, 300.0]);
    }
}
