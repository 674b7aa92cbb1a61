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

/// The OSM access tags of a way or node, read as a fire engine obeys them (docs/access.md).
///
/// The deciding tag is the most specific one present that holds an access value:
/// `emergency` (emergency vehicles: fire engines, ambulances), then `motorcar` or `hgv` when
/// they allow (a fire engine is a lorry-sized motor vehicle; a ban on cars or on lorries
/// alone is one emergency vehicles are exempt from), then `motor_vehicle`, `vehicle`,
/// `access`. A value that is not an access value (`emergency=fire_hydrant`) is passed over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccessTags<'a> {
    pub access: Option<&'a str>,
    pub vehicle: Option<&'a str>,
    pub motor_vehicle: Option<&'a str>,
    pub motorcar: Option<&'a str>,
    pub hgv: Option<&'a str>,
    pub emergency: Option<&'a str>,
}

/// What the access tags say about a fire engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FireEngineAccess {
    /// No access tag applies: the default of the feature (a road is open; a barrier is what
    /// its kind says).
    Unstated,
    /// An access tag lets fire engines through.
    Allowed,
    /// The deciding tag keeps fire engines out (`no`, `private`, `agricultural`, `forestry`).
    Denied,
}

impl<'a> AccessTags<'a> {
    /// Keeps the value of `key` when it is one of the access keys read.
    pub fn set(&mut self, key: &str, value: &'a str) {
        let slot = match key {
            "access" => &mut self.access,
            "vehicle" => &mut self.vehicle,
            "motor_vehicle" => &mut self.motor_vehicle,
            "motorcar" => &mut self.motorcar,
            "hgv" => &mut self.hgv,
            "emergency" => &mut self.emergency,
            _ => return,
        };
        *slot = Some(value);
    }

    /// The deciding tag's verdict for a fire engine.
    pub fn fire_engine(&self) -> FireEngineAccess {
        let verdict = |v: Option<&str>| v.and_then(access_value);
        verdict(self.emergency)
            .or_else(|| {
                [self.motorcar, self.hgv]
                    .into_iter()
                    .find_map(|v| verdict(v).filter(|&a| a == FireEngineAccess::Allowed))
            })
            .or_else(|| {
                [self.motor_vehicle, self.vehicle, self.access]
                    .into_iter()
                    .find_map(verdict)
            })
            .unwrap_or(FireEngineAccess::Unstated)
    }

    /// Closed to cars (the most specific of `motorcar`, `motor_vehicle`, `vehicle`, `access`
    /// denies) but open to fire engines: the roads a car router would not drive.
    pub fn emergency_only(&self) -> bool {
        let car = [self.motorcar, self.motor_vehicle, self.vehicle, self.access]
            .into_iter()
            .find_map(|v| v.and_then(access_value));
        car == Some(FireEngineAccess::Denied) && self.fire_engine() != FireEngineAccess::Denied
    }
}

/// An access value's verdict; `None` for a value that is not an access value.
fn access_value(value: &str) -> Option<FireEngineAccess> {
    match value.trim() {
        "no" | "private" | "agricultural" | "forestry" => Some(FireEngineAccess::Denied),
        "yes" | "designated" | "permissive" | "destination" | "delivery" | "customers"
        | "discouraged" | "official" | "permit" => Some(FireEngineAccess::Allowed),
        _ => None,
    }
}

/// Whether a `barrier=*` node on a road stops a fire engine (docs/access.md): gates, lift
/// gates, toll booths, cattle grids, border controls, entrances, height restrictors and rising
/// bollards are driven through; bollards, blocks, jersey barriers, chains, fences and every
/// other kind stop it. The node's own access tags decide first (`barrier=bollard` +
/// `emergency=yes` is passable; `barrier=gate` + `access=private` or `locked=yes` is not).
pub fn barrier_blocks(
    barrier: &str,
    bollard: Option<&str>,
    locked: bool,
    access: AccessTags<'_>,
) -> bool {
    match access.fire_engine() {
        FireEngineAccess::Allowed => false,
        FireEngineAccess::Denied => true,
        FireEngineAccess::Unstated => {
            let passable = match barrier.trim() {
                "no" | "gate" | "lift_gate" | "swing_gate" | "sliding_gate" | "toll_booth"
                | "border_control" | "cattle_grid" | "entrance" | "height_restrictor"
                | "sally_port" | "kerb" => true,
                "bollard" => bollard == Some("rising"),
                _ => false,
            };
            locked || !passable
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
    /// Weight, height and width limits (限重 / 限高 / 限宽), when posted.
    #[serde(default)]
    pub limits: RoadLimits,
}

/// A road's posted weight, height and width limits: what a heavy appliance (an aerial
/// ladder of 30 t and 3.8 m) may not exceed to use it. `None`: no limit given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RoadLimits {
    pub max_weight_t: Option<f32>,
    pub max_height_m: Option<f32>,
    pub max_width_m: Option<f32>,
}

impl RoadLimits {
    pub fn is_none(&self) -> bool {
        *self == RoadLimits::default()
    }

    /// Whether a vehicle of these dimensions exceeds a limit.
    pub fn bars(&self, weight_t: f64, height_m: f64, width_m: f64) -> bool {
        let over = |limit: Option<f32>, v: f64| limit.is_some_and(|l| v > f64::from(l));
        over(self.max_weight_t, weight_t)
            || over(self.max_height_m, height_m)
            || over(self.max_width_m, width_m)
    }

    /// The limits a vehicle meets on either of two parallel roads: the looser of each.
    pub fn looser(self, other: RoadLimits) -> RoadLimits {
        let max = |a: Option<f32>, b: Option<f32>| a.zip(b).map(|(a, b)| a.max(b));
        RoadLimits {
            max_weight_t: max(self.max_weight_t, other.max_weight_t),
            max_height_m: max(self.max_height_m, other.max_height_m),
            max_width_m: max(self.max_width_m, other.max_width_m),
        }
    }
}

/// Parses an OSM `maxweight` value into tonnes: `10`, `7.5 t`, `3500 kg`, `10 st` (short
/// tons), `20000 lbs`. `none`, `default`, conditional or listed values give `None`.
pub fn parse_maxweight_t(value: &str) -> Option<f64> {
    let v = value.trim();
    let (number, factor) = [
        ("kg", 0.001),
        ("lbs", 0.000_453_592_37),
        ("st", 0.907_184_74),
        ("t", 1.0),
    ]
    .iter()
    .find_map(|&(unit, f)| v.strip_suffix(unit).map(|n| (n.trim(), f)))
    .unwrap_or((v, 1.0));
    positive_number(number).map(|n| n * factor)
}

/// Parses an OSM `maxheight` / `maxwidth` value into metres: `3.2`, `3.2 m`, `12'6"`
/// (feet and inches), `12 ft`. `none`, `default`, `below_default` give `None`.
pub fn parse_max_dimension_m(value: &str) -> Option<f64> {
    let v = value.trim();
    if let Some((feet, rest)) = v.split_once('\'') {
        let inches = rest.trim().trim_end_matches('"').trim();
        let inches = if inches.is_empty() {
            0.0
        } else {
            inches
                .parse::<f64>()
                .ok()
                .filter(|i| (0.0..12.0).contains(i))?
        };
        return positive_number(feet.trim()).map(|f| (f * 12.0 + inches) * 0.0254);
    }
    if let Some(feet) = v.strip_suffix("ft") {
        return positive_number(feet.trim()).map(|f| f * 0.3048);
    }
    positive_number(v.strip_suffix('m').map_or(v, str::trim))
}

/// A plain decimal number > 0.
fn positive_number(s: &str) -> Option<f64> {
    let n: f64 = s.parse().ok()?;
    (n.is_finite() && n > 0.0).then_some(n)
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
    /// Ways of a drivable class closed to fire engines ([`AccessTags::fire_engine`] denies:
    /// `access=no|private`, `motor_vehicle=no`, … without `emergency=yes`), or `area=yes`.
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
    /// `highway=construction` ways (roads being built): not driven.
    #[serde(default)]
    pub ways_skipped_construction: u64,
    /// Kept ways closed to ordinary traffic but open to fire engines ([`AccessTags::emergency_only`]).
    #[serde(default)]
    pub ways_emergency_only: u64,
    /// Kept ways with a weight, height or width limit understood (`maxweight`,
    /// `maxheight`, `maxwidth`, their `:hgv` / `:physical` forms).
    #[serde(default)]
    pub ways_with_limits: u64,
    /// Kept ways with such a tag whose value is not understood (ignored: no limit).
    #[serde(default)]
    pub limits_ignored: u64,
    /// `barrier=*` nodes on kept roads that stop a fire engine ([`barrier_blocks`]): the road
    /// is cut there (each road end at the node gets its own node).
    #[serde(default)]
    pub barriers_blocking: u64,
    /// `barrier=*` nodes on kept roads that a fire engine drives through.
    #[serde(default)]
    pub barriers_passable: u64,
    /// `type=restriction` relations of one `from` way, one `via` node and one `to` way
    /// (`no_left_turn`, `only_straight_on`, …).
    #[serde(default)]
    pub turn_restrictions_via_node: u64,
    /// Of those, the ones found on the drivable roads (both ways kept and passing through
    /// the via node): the ones routes obey unless `[network] turn_restrictions = false`.
    #[serde(default)]
    pub turn_restrictions_on_roads: u64,
    /// Via-node restrictions that fire engines are exempt from (`except` names
    /// `emergency`), or whose via node is a barrier that stops them anyway.
    #[serde(default)]
    pub turn_restrictions_exempt: u64,
    /// Turn restrictions whose `via` is one or more ways: counted, not applied.
    #[serde(default)]
    pub turn_restrictions_via_way: u64,
    /// `type=restriction` relations of no usable form (unknown or missing `restriction`
    /// value, missing or extra members).
    #[serde(default)]
    pub turn_restrictions_unusable: u64,
}

/// The road network as read, before the model of DESIGN §3 is applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawNetwork {
    pub nodes: Vec<RawNode>,
    pub segments: Vec<RawSegment>,
    /// Building centroids (only filled by the OSM reader when asked for).
    pub buildings: Vec<RawBuilding>,
    /// Turn restrictions, in indices of [`RawNetwork::nodes`] (only from OSM).
    #[serde(default)]
    pub turns: Vec<super::turns::Turn>,
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
    fn limit_forms() {
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
        assert!(close(parse_maxweight_t("10"), 10.0));
        assert!(close(parse_maxweight_t("7.5 t"), 7.5));
        assert!(close(parse_maxweight_t("3500 kg"), 3.5));
        assert!(close(parse_maxweight_t("10 st"), 9.071_847_4));
        assert!(close(parse_maxweight_t("20000 lbs"), 9.071_847_4));
        assert_eq!(parse_maxweight_t("none"), None);
        assert_eq!(parse_maxweight_t("7.5 @ (22:00-06:00)"), None);
        assert_eq!(parse_maxweight_t("-3"), None);
        assert!(close(parse_max_dimension_m("3.2"), 3.2));
        assert!(close(parse_max_dimension_m("3.2 m"), 3.2));
        assert!(close(parse_max_dimension_m("12'6\""), 3.81));
        assert!(close(parse_max_dimension_m("12'"), 3.6576));
        assert!(close(parse_max_dimension_m("12 ft"), 3.6576));
        assert_eq!(parse_max_dimension_m("default"), None);
        assert_eq!(parse_max_dimension_m("below_default"), None);
        assert_eq!(parse_max_dimension_m("12'13\""), None);
    }

    #[test]
    fn limits_bar_what_exceeds_them() {
        let l = RoadLimits {
            max_weight_t: Some(10.0),
            max_height_m: Some(3.2),
            max_width_m: None,
        };
        assert!(l.bars(32.0, 3.0, 2.5));
        assert!(l.bars(8.0, 3.8, 2.5));
        assert!(
            !l.bars(10.0, 3.2, 9.0),
            "at the limit is allowed; no width limit"
        );
        assert!(!RoadLimits::default().bars(100.0, 10.0, 10.0));
        let other = RoadLimits {
            max_weight_t: Some(40.0),
            ..RoadLimits::default()
        };
        assert_eq!(
            l.looser(other),
            RoadLimits {
                max_weight_t: Some(40.0),
                ..RoadLimits::default()
            }
        );
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

    /// docs/access.md, one case per row of its tables.
    #[test]
    fn access_as_a_fire_engine_reads_it() {
        use FireEngineAccess::*;
        let tags = |pairs: &[(&'static str, &'static str)]| {
            let mut t = AccessTags::default();
            for (k, v) in pairs {
                t.set(k, v);
            }
            t
        };
        type Case = (
            &'static [(&'static str, &'static str)],
            FireEngineAccess,
            bool,
        );
        let cases: [Case; 12] = [
            (&[], Unstated, false),
            (&[("access", "private")], Denied, false),
            (&[("access", "no"), ("emergency", "yes")], Allowed, true),
            (&[("motor_vehicle", "no")], Denied, false),
            (
                &[("motor_vehicle", "no"), ("emergency", "designated")],
                Allowed,
                true,
            ),
            (&[("access", "no"), ("vehicle", "yes")], Allowed, false),
            (&[("access", "yes"), ("emergency", "no")], Denied, false),
            (
                &[("vehicle", "no"), ("motor_vehicle", "destination")],
                Allowed,
                false,
            ),
            (
                &[("motor_vehicle", "no"), ("motorcar", "yes")],
                Allowed,
                false,
            ),
            (&[("motorcar", "no")], Unstated, true),
            (
                &[
                    ("motorcar", "no"),
                    ("hgv", "yes"),
                    ("access", "destination"),
                ],
                Allowed,
                true,
            ),
            (
                &[("access", "no"), ("emergency", "fire_hydrant")],
                Denied,
                false,
            ),
        ];
        for (pairs, verdict, car_closed) in cases {
            let t = tags(pairs);
            assert_eq!(t.fire_engine(), verdict, "{pairs:?}");
            assert_eq!(t.emergency_only(), car_closed, "{pairs:?}");
        }
        let none = AccessTags::default();
        assert!(barrier_blocks("bollard", None, false, none));
        assert!(!barrier_blocks("bollard", Some("rising"), false, none));
        assert!(!barrier_blocks("gate", None, false, none));
        assert!(barrier_blocks("gate", None, true, none), "locked");
        assert!(barrier_blocks("jersey_barrier", None, false, none));
        assert!(
            barrier_blocks("yes", None, false, none),
            "unknown kinds stop"
        );
        assert!(!barrier_blocks(
            "bollard",
            None,
            false,
            tags(&[("emergency", "yes")])
        ));
        assert!(!barrier_blocks(
            "gate",
            None,
            true,
            tags(&[("emergency", "yes")])
        ));
        assert!(barrier_blocks(
            "lift_gate",
            None,
            false,
            tags(&[("access", "private")])
        ));
        assert!(!barrier_blocks(
            "cycle_barrier",
            None,
            false,
            tags(&[("motor_vehicle", "yes")])
        ));
    }

    #[test]
    fn haversine_one_degree_of_latitude() {
        // 1° of arc on the mean sphere = R·π/180.
        let d = haversine_m(0.0, 0.0, 0.0, 1.0);
        assert!((d - 6_371_008.8 * std::f64::consts::PI / 180.0).abs() < 1e-6);
    }
}
