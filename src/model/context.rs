//! Context layers of the maps (issue 16): water, land use, railways, place names and
//! administrative boundaries, from the OSM extract and from the scenario's own GeoJSON
//! layers (`[[map.layer]]`). Drawn muted under the analysis so that a reader finds their
//! way and sees a first-due area run across a harbour. Lon/lat (WGS-84) geometry; no I/O.

use geo::{LineString, MultiPolygon, Point};
use serde::Serialize;

/// How a context layer is drawn (`[[map.layer]] style`, and the layer each OSM feature
/// lands in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContextStyle {
    Water,
    Landuse,
    Rail,
    Place,
    Admin,
}

impl ContextStyle {
    /// Every style, in drawing order (bottom first) and the order error messages list them.
    pub const ALL: [ContextStyle; 5] = [
        ContextStyle::Landuse,
        ContextStyle::Water,
        ContextStyle::Rail,
        ContextStyle::Admin,
        ContextStyle::Place,
    ];

    /// The name written in the scenario: `water`, `landuse`, `rail`, `place`, `admin`.
    pub fn name(self) -> &'static str {
        match self {
            ContextStyle::Water => "water",
            ContextStyle::Landuse => "landuse",
            ContextStyle::Rail => "rail",
            ContextStyle::Place => "place",
            ContextStyle::Admin => "admin",
        }
    }

    /// The style named `s` (case-insensitive).
    pub fn parse(s: &str) -> Option<ContextStyle> {
        ContextStyle::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s.trim()))
    }
}

/// The land-use classes a map tints (OSM `landuse=*` / `natural=wood`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LanduseClass {
    Residential,
    Industrial,
    Forest,
    Farmland,
}

impl LanduseClass {
    pub const ALL: [LanduseClass; 4] = [
        LanduseClass::Residential,
        LanduseClass::Industrial,
        LanduseClass::Forest,
        LanduseClass::Farmland,
    ];

    /// `residential`, `industrial`, `forest`, `farmland`.
    pub fn name(self) -> &'static str {
        match self {
            LanduseClass::Residential => "residential",
            LanduseClass::Industrial => "industrial",
            LanduseClass::Forest => "forest",
            LanduseClass::Farmland => "farmland",
        }
    }

    /// The class of a name (case-insensitive; `wood` is forest).
    pub fn parse(s: &str) -> Option<LanduseClass> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("wood") {
            return Some(LanduseClass::Forest);
        }
        LanduseClass::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
    }
}

/// How important a place is: its name is drawn larger, and kept first when names collide.
/// Ordered from the most important.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceRank {
    City,
    Town,
    Suburb,
    Village,
    Neighbourhood,
}

impl PlaceRank {
    pub const ALL: [PlaceRank; 5] = [
        PlaceRank::City,
        PlaceRank::Town,
        PlaceRank::Suburb,
        PlaceRank::Village,
        PlaceRank::Neighbourhood,
    ];

    /// The OSM `place=*` value.
    pub fn name(self) -> &'static str {
        match self {
            PlaceRank::City => "city",
            PlaceRank::Town => "town",
            PlaceRank::Suburb => "suburb",
            PlaceRank::Village => "village",
            PlaceRank::Neighbourhood => "neighbourhood",
        }
    }

    /// The rank of an OSM `place=*` value (`neighborhood` too); other places are none.
    pub fn parse(s: &str) -> Option<PlaceRank> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("neighborhood") {
            return Some(PlaceRank::Neighbourhood);
        }
        PlaceRank::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
    }
}

/// A named place: a label on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceName {
    pub name: String,
    /// `name:en` when given: the label of a PNG drawn without a CJK font.
    pub name_en: Option<String>,
    pub rank: PlaceRank,
    pub at: Point<f64>,
}

/// An administrative boundary line with its OSM `admin_level` (2 country … 8 municipality).
#[derive(Debug, Clone, PartialEq)]
pub struct AdminBoundary {
    pub level: u8,
    pub line: LineString<f64>,
}

/// Every context feature of a run, by kind, each list in a deterministic order (OSM
/// ways by id, then relations by id, then the scenario's layers in file order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapContext {
    /// Lakes, reservoirs, riverbanks, harbours (`natural=water`, …).
    pub water_areas: Vec<MultiPolygon<f64>>,
    /// Rivers, canals, streams and coastlines as lines.
    pub water_lines: Vec<LineString<f64>>,
    pub landuse: Vec<(LanduseClass, MultiPolygon<f64>)>,
    /// Railways, light rail and subways above ground.
    pub railways: Vec<LineString<f64>>,
    pub places: Vec<PlaceName>,
    pub admin: Vec<AdminBoundary>,
}

impl MapContext {
    /// True when there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.water_areas.is_empty()
            && self.water_lines.is_empty()
            && self.landuse.is_empty()
            && self.railways.is_empty()
            && self.places.is_empty()
            && self.admin.is_empty()
    }

    /// Appends `other`'s features after this one's.
    pub fn extend(&mut self, other: MapContext) {
        self.water_areas.extend(other.water_areas);
        self.water_lines.extend(other.water_lines);
        self.landuse.extend(other.landuse);
        self.railways.extend(other.railways);
        self.places.extend(other.places);
        self.admin.extend(other.admin);
    }

    /// Number of features by kind: water areas, water lines, land use, railways, places,
    /// admin lines.
    pub fn counts(&self) -> [usize; 6] {
        [
            self.water_areas.len(),
            self.water_lines.len(),
            self.landuse.len(),
            self.railways.len(),
            self.places.len(),
            self.admin.len(),
        ]
    }
}
