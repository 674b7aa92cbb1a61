//! Road classes of the OSM `highway` tag and their emergency speeds (DESIGN §3).

use serde::{Deserialize, Serialize};

/// Road class of the `highway` tag (without the `_link` suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoadClass {
    Motorway,
    Trunk,
    Primary,
    Secondary,
    Tertiary,
    Unclassified,
    Residential,
    LivingStreet,
    Service,
    Road,
}

impl RoadClass {
    pub const ALL: [RoadClass; 10] = [
        RoadClass::Motorway,
        RoadClass::Trunk,
        RoadClass::Primary,
        RoadClass::Secondary,
        RoadClass::Tertiary,
        RoadClass::Unclassified,
        RoadClass::Residential,
        RoadClass::LivingStreet,
        RoadClass::Service,
        RoadClass::Road,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway",
            RoadClass::Trunk => "trunk",
            RoadClass::Primary => "primary",
            RoadClass::Secondary => "secondary",
            RoadClass::Tertiary => "tertiary",
            RoadClass::Unclassified => "unclassified",
            RoadClass::Residential => "residential",
            RoadClass::LivingStreet => "living_street",
            RoadClass::Service => "service",
            RoadClass::Road => "road",
        }
    }

    /// Emergency-vehicle free-flow speed of DESIGN §3, km/h.
    pub fn default_speed_kmh(self) -> f64 {
        match self {
            RoadClass::Motorway => 80.0,
            RoadClass::Trunk => 60.0,
            RoadClass::Primary => 50.0,
            RoadClass::Secondary => 45.0,
            RoadClass::Tertiary => 40.0,
            RoadClass::Unclassified => 30.0,
            RoadClass::Residential => 25.0,
            RoadClass::LivingStreet => 10.0,
            RoadClass::Service => 15.0,
            RoadClass::Road => 30.0,
        }
    }
}
