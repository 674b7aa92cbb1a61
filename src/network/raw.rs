//! The road network as read from a file, before speeds, cleaning and indexing: nodes with
//! coordinates and road segments with their OSM-style attributes. Both readers (OSM PBF and
//! CSV nodes/edges) produce this; [`crate::network::Network::build`] turns it into the
//! routable graph. The rules of DESIGN §3 that depend only on tags live here.

use serde::{Deserialize, Serialize};

pub use crate::model::RoadClass;

/// A drivable `highway` value: its class and whether it is a `_link` (ramp).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Highway {
    pub class: RoadClass,
    pub link: bool,
}

impl Highway {
    /// Parses a `highway` tag value; `None` when the value is not a drivable class of
    /// DESIGN §3 (footway, track, construction, …).
    pub fn parse(value: &str) -> Option<Highway> {
        let (base, link) = match value.strip_suffix("_link") {
            Some(b) => (b, true),
            None => (value, false),
        };
        let class = RoadClass::ALL.into_iter().find(|c| c.as_str() == base)?;
        // Only the classes that have ramps in OSM take `_link`.
        if link
            && !matches!(
                class,
                RoadClass::Motorway
                    | RoadClass::Trunk
                    | RoadClass::Primary
                    | RoadClass::Secondary
                    | RoadClass::Tertiary
            )
        {
            return None;
        }
        Some(Highway { class, link })
    }

    /// The tag value, e.g. `primary_link`.
    pub fn tag(self) -> String {
        if self.link {
            format!("{}_link", self.class.as_str())
        } else {
            self.class.as_str().to_string()
        }
    }
}

/// Which directions a segment may be driven, relative to its node order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Oneway {
    /// Both directions.
    Both,
    /// Only from the first node to the second.
    Forward,
    /// Only from the second node to the first (`oneway=-1`).
    Backward,
}

impl Oneway {
    /// DESIGN §3: `yes|1|true` forward, `-1` backward, `no` both; when the tag is absent
    /// (or carries another value) only `highway=motorway` and `junction=roundabout` imply
    /// `oneway=yes`. `ignore_oneway` makes every segment two-way.
    pub fn from_tags(
        oneway: Option<&str>,
        highway: Highway,
        roundabout: bool,
        ignore_oneway: bool,
    ) -> Oneway {
        if ignore_oneway {
            return Oneway::Both;
        }
        match oneway.map(str::trim) {
            Some("yes" | "1" | "true") => Oneway::Forward,
            Some("-1") => Oneway::Backward,
            Some("no" | "0" | "false") => Oneway::Both,
            _ => {
                if (highway.class == RoadClass::Motorway && !highway.link) || roundabout {
                    Oneway::Forward
                } else {
                    Oneway::Both
                }
            }
        }
    }
}

/// Parses an OSM `maxspeed` value into km/h: `50`, `50 km/h`, `50kmh`, `30 mph`.
/// Other values (`CN:urban`, `walk`, `none`, lists) give `None` and are ignored.
pub fn parse_maxspeed_kmh(value: &str) -> Option<f64> {
    let v = value.trim();
    let (number, factor) = if let Some(n) = v.strip_suffix("mph") {
        (n.trim(), 1.609_344)
    } else if let Some(n) = v.strip_suffix("km/h") {
        (n.trim(), 1.0)
    } else if let Some(n) = v.strip_suffix("kmh") {
        (n.trim(), 1.0)
    } else if let Some(n) = v.strip_suffix("kph") {
        (n.trim(), 1.0)
    } else {
        (v, 1.0)
    };
    let speed: f64 = number.parse().ok()?;
    (speed.is_finite() && speed > 0.0).then_some(speed * factor)
}

/// One road segment between two consecutive way nodes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RawSegment {
    /// Index into [`RawNetwork::nodes`].
    pub from: u32,
    pub to: u32,
    pub highway: Highway,
    pub oneway: Oneway,
    /// Posted limit, km/h, when one was given and understood.
    pub maxspeed_kmh: Option<f64>,
    /// Length in metres (haversine unless the input gave one).
    pub length_m: f64,
}

/// A road node: the source id and WGS-84 coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RawNode {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
}

/// A building footprint's centroid and area, for `[demand] from = "osm-buildings"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RawBuilding {
    /// OSM way id.
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub footprint_m2: f64,
}

/// Counts of what a reader skipped, reported to the user (never silently dropped).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportStats {
    /// OSM nodes / CSV node rows read.
    pub nodes_read: u64,
    /// Ways (or CSV edges) that are drivable by DESIGN §3.
    pub drivable_ways: u64,
    /// Ways skipped for `access=no|private` without `emergency=yes`, or `area=yes`.
    pub ways_skipped_access: u64,
    /// Way node references whose node is not in the file (bbox clips); the way is split there.
    pub missing_node_refs: u64,
    /// `maxspeed` values that were present but not understood.
    pub maxspeed_ignored: u64,
    /// Distinct node ids referenced by kept drivable ways but not in the file (bbox clips);
    /// `missing_node_refs` counts every reference, this counts each node once.
    #[serde(default)]
    pub missing_nodes: u64,
    /// Consecutive repeats of the same node in a drivable way (`…,n5,n5,…`): no zero-length
    /// self-loop segment is made for them.
    #[serde(default)]
    pub repeated_node_refs: u64,
    /// Buildings mapped as multipolygon relations: skipped (only closed ways are read).
    #[serde(default)]
    pub buildings_skipped_relation: u64,
    /// Building ways with a node that is not in the file (bbox clips): skipped.
    #[serde(default)]
    pub buildings_skipped_missing_nodes: u64,
    /// Building ways that are not closed rings (first node ≠ last node, or < 4 refs): skipped.
    #[serde(default)]
    pub buildings_skipped_not_closed: u64,
}

/// The road network as read, before the model of DESIGN §3 is applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawNetwork {
    pub nodes: Vec<RawNode>,
    pub segments: Vec<RawSegment>,
    /// Building centroids (only filled by the OSM reader when asked for).
    pub buildings: Vec<RawBuilding>,
    pub stats: ImportStats,
}

/// Great-circle distance in metres (haversine, R = 6,371,008.8 m, DESIGN §3).
pub fn haversine_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    const R: f64 = 6_371_008.8;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxspeed_forms() {
        assert_eq!(parse_maxspeed_kmh("50"), Some(50.0));
        assert_eq!(parse_maxspeed_kmh("50 km/h"), Some(50.0));
        assert_eq!(parse_maxspeed_kmh("30 mph"), Some(30.0 * 1.609_344));
        assert_eq!(parse_maxspeed_kmh("CN:urban"), None);
        assert_eq!(parse_maxspeed_kmh("walk"), None);
        assert_eq!(parse_maxspeed_kmh("50;60"), None);
    }

    #[test]
    fn oneway_rules() {
        let mw = Highway::parse("motorway").unwrap();
        let ramp = Highway::parse("motorway_link").unwrap();
        let res = Highway::parse("residential").unwrap();
        assert_eq!(Oneway::from_tags(None, mw, false, false), Oneway::Forward);
        assert_eq!(Oneway::from_tags(None, ramp, false, false), Oneway::Both);
        assert_eq!(Oneway::from_tags(None, res, true, false), Oneway::Forward);
        assert_eq!(
            Oneway::from_tags(Some("-1"), res, false, false),
            Oneway::Backward
        );
        assert_eq!(
            Oneway::from_tags(Some("no"), mw, false, false),
            Oneway::Both
        );
        assert_eq!(
            Oneway::from_tags(Some("yes"), res, false, true),
            Oneway::Both
        );
        assert_eq!(Highway::parse("footway"), None);
        assert_eq!(Highway::parse("residential_link"), None);
    }

    #[test]
    fn haversine_one_degree_of_latitude() {
        // 1° of arc on the mean sphere = R·π/180.
        let d = haversine_m(0.0, 0.0, 0.0, 1.0);
        assert!((d - 6_371_008.8 * std::f64::consts::PI / 180.0).abs() < 1e-6);
    }
}
