//! Villages and communities (行政村、自然村、社区) with their residents: the places seed 000
//! asks to hold a micro fire station (微型消防站, 专栏6) or a volunteer fire team
//! (志愿消防队) once they pass 1,000 residents.

use geo::{MultiPolygon, Point};
use serde::{Deserialize, Serialize};

/// What kind of settlement a village entry is: the clauses name different ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VillageKind {
    /// 行政村: an administrative village (the default).
    Village,
    /// 自然村: a natural village (a hamlet within an administrative village).
    NaturalVillage,
    /// 社区: an urban or town community (residents' committee).
    Community,
}

impl VillageKind {
    pub const ALL: [VillageKind; 3] = [
        VillageKind::Village,
        VillageKind::NaturalVillage,
        VillageKind::Community,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            VillageKind::Village => "village",
            VillageKind::NaturalVillage => "natural_village",
            VillageKind::Community => "community",
        }
    }

    /// Chinese name used in reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            VillageKind::Village => "行政村",
            VillageKind::NaturalVillage => "自然村",
            VillageKind::Community => "社区",
        }
    }
}

/// Where a village is: a point (its centre, checked within the scenario's
/// `[villages] point_radius_m`) or its outline (checked inside).
#[derive(Debug, Clone, PartialEq)]
pub enum VillageShape {
    Point(Point<f64>),
    Area(MultiPolygon<f64>),
}

/// A village or community (行政村、社区) with its resident population (常住人口).
#[derive(Debug, Clone, PartialEq)]
pub struct Village {
    /// The `id` column of a CSV; the name again for a GeoJSON feature.
    pub id: String,
    pub name: String,
    pub kind: VillageKind,
    /// Resident population (常住人口), persons.
    pub population: f64,
    pub shape: VillageShape,
    /// 1-based line of a CSV (header = line 1), or 0-based feature index of a GeoJSON.
    pub line: u64,
}

impl Village {
    /// A point that stands for the village on a map: the point itself, or the outline's
    /// centroid (its first ring's first position when it has no area).
    pub fn anchor(&self) -> Point<f64> {
        use geo::Centroid;
        match &self.shape {
            VillageShape::Point(p) => *p,
            VillageShape::Area(mp) => mp.centroid().unwrap_or_else(|| {
                mp.0.first()
                    .and_then(|p| p.exterior().0.first())
                    .map_or(Point::new(0.0, 0.0), |c| Point::new(c.x, c.y))
            }),
        }
    }
}
