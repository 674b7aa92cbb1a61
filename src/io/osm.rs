//! OpenStreetMap `.osm.pbf` reader: the drivable road network of DESIGN §3 (and, when asked,
//! building centroids) as a [`RawNetwork`].
//!
//! The file is read in two parallel passes over its blocks (`par_fold`):
//! 1. ways and relations: drivable ways and closed building ways are kept with their node
//!    references; all nodes are counted; multipolygon buildings are counted;
//! 2. coordinates of only the nodes that the kept ways reference.
//!
//! Memory therefore stays proportional to the nodes of roads and buildings, not to all the
//! nodes of the file (most OSM nodes belong to landuse, buildings, boundaries …).
//!
//! The output is deterministic whatever the thread scheduling: ways are sorted by id before
//! their segments are emitted, nodes are sorted by OSM id, buildings by way id.
//!
//! Extracts cut by a bounding box reference nodes that are not in the file. Such a way is
//! split there: the segments touching a missing node are left out and the references are
//! counted in [`ImportStats::missing_node_refs`] rather than failing the import.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, BlobType, Element};

use crate::error::{Error, Location};
use crate::network::raw::{
    barrier_blocks, haversine_m, parse_max_dimension_m, parse_maxspeed_kmh, parse_maxweight_t,
    AccessTags, FireEngineAccess, Highway, ImportStats, Oneway, RawBuilding, RawNetwork, RawNode,
    RawSegment, RoadLimits,
};
use crate::network::turns::{Turn, TurnRule};
use crate::progress::Progress;
use crate::Result;

/// What to read from an OSM extract besides the drivable roads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OsmImportOptions {
    /// DESIGN §3 `ignore_oneway`: make every segment two-way (default false).
    pub ignore_oneway: bool,
    /// Also read building footprints (closed ways tagged `building=*` other than
    /// `building=no`) into [`RawNetwork::buildings`], for `[demand] from = "osm-buildings"`.
    pub buildings: bool,
}

/// Mean Earth radius of DESIGN §3, metres (the same sphere as [`haversine_m`]).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Header features this reader understands. `HistoricalInformation` (history files, with
/// several versions of each element) and anything unknown are refused, as the PBF
/// specification asks of readers.
const SUPPORTED_FEATURES: [&str; 5] = [
    "OsmSchema-V0.6",
    "DenseNodes",
    "Sort.Type_then_ID",
    "Sort.Geographic",
    "LocationsOnWays",
];

/// The progress bar is ticked once per this many elements on each thread.
const TICK_EVERY: u32 = 1 << 15;

/// Reads the drivable road network of an `.osm.pbf` extract (DESIGN §3).
///
/// - Ways whose `highway` is a drivable class ([`Highway::parse`]) are kept, except those
///   closed to fire engines by their access tags ([`AccessTags::fire_engine`]: `access=no`,
///   `motor_vehicle=private`, … without `emergency=yes`) and `area=yes` (counted in
///   [`ImportStats::ways_skipped_access`]); `highway=construction` is counted apart.
/// - A `barrier=*` node on a kept road that stops a fire engine ([`barrier_blocks`]) cuts
///   the road: every segment end at it gets its own copy of the node, so no route passes
///   through while the barrier stays reachable from each side.
/// - Every consecutive pair of way nodes becomes a [`RawSegment`] with its haversine length,
///   the way's [`Oneway`] and its `maxspeed` when understood (otherwise counted in
///   [`ImportStats::maxspeed_ignored`], once per way).
/// - [`RawNetwork::nodes`] holds only the nodes used by a segment, sorted by OSM id.
///
/// `progress` gets a message per pass and counts the elements read.
///
/// # Errors
/// [`Error::Io`] when the file cannot be opened or read; [`Error::Input`] (field `osm`) when it
/// is not an OpenStreetMap PBF file, is a history file, or holds no drivable road.
pub fn read_osm_pbf(
    path: &Path,
    opts: &OsmImportOptions,
    progress: &dyn Progress,
) -> Result<RawNetwork> {
    check_header(path)?;

    // Pass 1: ways (and relations, for multipolygon buildings), node count.
    progress.message(&format!("{}: reading ways (pass 1/2)", path.display()));
    let pass = next_pass();
    let pass1 = par_fold(
        path,
        Pass1::default,
        |acc, element| {
            tick(progress, pass);
            pass1_element(acc, element, opts);
        },
        Pass1::merge,
    )?;

    let mut stats = ImportStats {
        nodes_read: pass1.nodes_read,
        drivable_ways: pass1.ways.len() as u64,
        ways_skipped_access: pass1.ways_skipped_access,
        maxspeed_ignored: pass1.maxspeed_ignored,
        buildings_skipped_relation: pass1.building_relations,
        buildings_skipped_not_closed: pass1.buildings_not_closed,
        ways_skipped_construction: pass1.ways_construction,
        ways_emergency_only: pass1.ways_emergency_only,
        ways_with_limits: pass1.ways_with_limits,
        limits_ignored: pass1.limits_ignored,
        turn_restrictions_via_node: pass1.turn_via_node,
        turn_restrictions_via_way: pass1.turn_via_way,
        turn_restrictions_unusable: pass1.turn_unusable,
        ..ImportStats::default()
    };
    if pass1.ways.is_empty() {
        return Err(no_roads(
            path,
            format!(
                "no drivable road in the file ({} nodes read; drivable `highway` classes are \
                 motorway, trunk, primary, secondary, tertiary, unclassified, residential, \
                 living_street, service, road and the `_link` forms; ways of those classes \
                 skipped for access=no/private or area=yes: {})",
                stats.nodes_read, stats.ways_skipped_access
            ),
        ));
    }

    // The node ids the kept ways need, sorted: pass 2 looks them up by binary search and
    // their position is the node's provisional index.
    let mut needed: Vec<i64> = pass1
        .ways
        .iter()
        .flat_map(|w| w.refs.iter().copied())
        .chain(pass1.buildings.iter().flat_map(|b| b.refs.iter().copied()))
        .collect();
    needed.sort_unstable();
    needed.dedup();

    // Pass 2: coordinates of the needed nodes.
    progress.message(&format!(
        "{}: reading {} node locations (pass 2/2)",
        path.display(),
        needed.len()
    ));
    let pass = next_pass();
    let mut found = par_fold(
        path,
        Vec::new,
        |acc, element| {
            tick(progress, pass);
            pass2_element(acc, element, &needed);
        },
        merge_vecs,
    )?;
    // A well-formed file has each node once; should one repeat, the same (smallest) location
    // wins on every run.
    found.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.total_cmp(&b.1))
            .then_with(|| a.2.total_cmp(&b.2))
    });
    let mut coords: Vec<Option<(f64, f64)>> = vec![None; needed.len()];
    for &(i, lon, lat) in found.iter().rev() {
        coords[i] = Some((lon, lat));
    }
    drop(found);
    // Regression (issue 20, S3): a node at latitude 100 multiplied the road length by 350.
    if let Some((i, (lon, lat))) = coords.iter().enumerate().find_map(|(i, c)| {
        c.filter(|(lon, lat)| !((-180.0..=180.0).contains(lon) && (-90.0..=90.0).contains(lat)))
            .map(|c| (i, c))
    }) {
        return Err(Error::input(
            path,
            Location::File,
            "osm",
            format!(
                "node {} of a road lies at lon {lon}, lat {lat}, outside −180…180 / −90…90: \
                 the extract is damaged",
                needed[i]
            ),
        ));
    }

    progress.message(&format!("{}: building road segments", path.display()));
    let mut ways = pass1.ways;
    ways.sort_unstable_by(|a, b| a.id.cmp(&b.id).then_with(|| a.refs.cmp(&b.refs)));
    let mut barriers = pass1.barriers;
    barriers.sort_unstable();
    barriers.dedup_by_key(|b| b.0);
    let mut turn_recs = pass1.turns;
    turn_recs.sort_unstable_by_key(|t| t.id);
    let (nodes, segments, turns) =
        build_segments(&ways, &needed, &coords, &barriers, &turn_recs, &mut stats)?;
    drop(ways);
    if segments.is_empty() {
        return Err(no_roads(
            path,
            format!(
                "no drivable road segment: the {} drivable ways reference only nodes that \
                 are not in the file ({} missing node references)",
                stats.drivable_ways, stats.missing_node_refs
            ),
        ));
    }

    let mut building_recs = pass1.buildings;
    building_recs.sort_unstable_by(|a, b| a.id.cmp(&b.id).then_with(|| a.refs.cmp(&b.refs)));
    let buildings = build_buildings(&building_recs, &needed, &coords, &mut stats);

    Ok(RawNetwork {
        nodes,
        segments,
        buildings,
        turns,
        stats,
    })
}

/// A drivable way kept in pass 1, with its tags already interpreted.
struct WayRec {
    id: i64,
    refs: Vec<i64>,
    highway: Highway,
    oneway: Oneway,
    maxspeed_kmh: Option<f64>,
    limits: RoadLimits,
}

/// A closed building way kept in pass 1.
struct BuildingRec {
    id: i64,
    refs: Vec<i64>,
}

/// What pass 1 gathers; merged across elements, blocks and threads.
#[derive(Default)]
struct Pass1 {
    nodes_read: u64,
    ways: Vec<WayRec>,
    buildings: Vec<BuildingRec>,
    ways_skipped_access: u64,
    ways_construction: u64,
    ways_emergency_only: u64,
    maxspeed_ignored: u64,
    ways_with_limits: u64,
    limits_ignored: u64,
    building_relations: u64,
    buildings_not_closed: u64,
    /// Every `barrier=*` node: (OSM id, whether it stops a fire engine).
    barriers: Vec<(i64, bool)>,
    turn_via_node: u64,
    turn_via_way: u64,
    turn_unusable: u64,
    /// The via-node restrictions, in OSM ids.
    turns: Vec<TurnRec>,
}

impl Pass1 {
    /// Counts a node and notes its barrier, if it has one.
    fn node<'a>(&mut self, id: i64, tags: impl Iterator<Item = (&'a str, &'a str)>) {
        self.nodes_read += 1;
        if let Some(blocks) = barrier_of(tags) {
            self.barriers.push((id, blocks));
        }
    }

    /// Joins two partial results (order does not matter: everything is sorted later).
    fn merge(mut a: Pass1, b: Pass1) -> Pass1 {
        a.nodes_read += b.nodes_read;
        a.ways = merge_vecs(a.ways, b.ways);
        a.buildings = merge_vecs(a.buildings, b.buildings);
        a.ways_skipped_access += b.ways_skipped_access;
        a.ways_construction += b.ways_construction;
        a.ways_emergency_only += b.ways_emergency_only;
        a.barriers = merge_vecs(a.barriers, b.barriers);
        a.turn_via_node += b.turn_via_node;
        a.turn_via_way += b.turn_via_way;
        a.turn_unusable += b.turn_unusable;
        a.turns = merge_vecs(a.turns, b.turns);
        a.maxspeed_ignored += b.maxspeed_ignored;
        a.ways_with_limits += b.ways_with_limits;
        a.limits_ignored += b.limits_ignored;
        a.building_relations += b.building_relations;
        a.buildings_not_closed += b.buildings_not_closed;
        a
    }
}

/// Appends the shorter vector to the longer one (cheap when one is empty, as for most
/// elements).
pub(crate) fn merge_vecs<T>(mut a: Vec<T>, mut b: Vec<T>) -> Vec<T> {
    if a.len() < b.len() {
        std::mem::swap(&mut a, &mut b);
    }
    a.append(&mut b);
    a
}

/// The tags of a way that DESIGN §3 looks at.
#[derive(Default)]
struct WayTags<'a> {
    highway: Option<&'a str>,
    access: AccessTags<'a>,
    area: Option<&'a str>,
    oneway: Option<&'a str>,
    junction: Option<&'a str>,
    maxspeed: Option<&'a str>,
    building: Option<&'a str>,
    /// `maxweight`, `maxweight:hgv`; `maxheight`, `maxheight:physical`; `maxwidth`,
    /// `maxwidth:physical`.
    maxweight: [Option<&'a str>; 2],
    maxheight: [Option<&'a str>; 2],
    maxwidth: [Option<&'a str>; 2],
}

impl<'a> WayTags<'a> {
    fn read(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut t = WayTags::default();
        for (key, value) in tags {
            let slot = match key {
                "highway" => &mut t.highway,
                "access" | "vehicle" | "motor_vehicle" | "motorcar" | "hgv" | "emergency" => {
                    t.access.set(key, value);
                    continue;
                }
                "area" => &mut t.area,
                "oneway" => &mut t.oneway,
                "junction" => &mut t.junction,
                "maxspeed" => &mut t.maxspeed,
                "building" => &mut t.building,
                "maxweight" => &mut t.maxweight[0],
                "maxweight:hgv" => &mut t.maxweight[1],
                "maxheight" => &mut t.maxheight[0],
                "maxheight:physical" => &mut t.maxheight[1],
                "maxwidth" => &mut t.maxwidth[0],
                "maxwidth:physical" => &mut t.maxwidth[1],
                _ => continue,
            };
            *slot = Some(value);
        }
        t
    }

    /// The way's limits (the stricter of each pair), and whether a limit tag was given
    /// but not understood.
    fn limits(&self) -> (RoadLimits, bool) {
        let mut ignored = false;
        let mut strictest = |values: &[Option<&str>; 2], parse: fn(&str) -> Option<f64>| {
            let mut out: Option<f32> = None;
            for v in values.iter().flatten() {
                match parse(v) {
                    Some(x) => out = Some(out.map_or(x as f32, |o| o.min(x as f32))),
                    None => ignored |= !matches!(v.trim(), "none" | "default" | "no"),
                }
            }
            out
        };
        let limits = RoadLimits {
            max_weight_t: strictest(&self.maxweight, parse_maxweight_t),
            max_height_m: strictest(&self.maxheight, parse_max_dimension_m),
            max_width_m: strictest(&self.maxwidth, parse_max_dimension_m),
        };
        (limits, ignored)
    }

    /// DESIGN §3: closed to fire engines by its access tags, or `area=yes`.
    fn excluded(&self) -> bool {
        self.access.fire_engine() == FireEngineAccess::Denied || self.area == Some("yes")
    }
}

/// A node's `barrier=*` and whether it stops a fire engine, when it has one.
fn barrier_of<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<bool> {
    let (mut barrier, mut bollard, mut locked) = (None, None, false);
    let mut access = AccessTags::default();
    for (key, value) in tags {
        match key {
            "barrier" => barrier = Some(value),
            "bollard" => bollard = Some(value),
            "locked" => locked = value == "yes",
            _ => access.set(key, value),
        }
    }
    barrier.map(|b| barrier_blocks(b, bollard, locked, access))
}

/// `building=*` other than `building=no`.
fn is_building(value: Option<&str>) -> bool {
    matches!(value, Some(v) if v != "no")
}

/// Pass 1 on one element, gathered into `out`.
fn pass1_element(out: &mut Pass1, element: Element<'_>, opts: &OsmImportOptions) {
    match element {
        Element::Node(n) => out.node(n.id(), n.tags()),
        Element::DenseNode(n) => out.node(n.id(), n.tags()),
        Element::Way(way) => {
            let tags = WayTags::read(way.tags());
            if tags.highway == Some("construction") {
                out.ways_construction += 1;
            }
            if let Some(highway) = tags.highway.and_then(Highway::parse) {
                if tags.excluded() {
                    out.ways_skipped_access += 1;
                } else {
                    out.ways_emergency_only += u64::from(tags.access.emergency_only());
                    let maxspeed_kmh = tags.maxspeed.and_then(parse_maxspeed_kmh);
                    if tags.maxspeed.is_some() && maxspeed_kmh.is_none() {
                        out.maxspeed_ignored += 1;
                    }
                    let oneway = Oneway::from_tags(
                        tags.oneway,
                        highway,
                        tags.junction == Some("roundabout"),
                        opts.ignore_oneway,
                    );
                    let (limits, limits_ignored) = tags.limits();
                    out.ways_with_limits += u64::from(!limits.is_none());
                    out.limits_ignored += u64::from(limits_ignored);
                    out.ways.push(WayRec {
                        id: way.id(),
                        refs: way.refs().collect(),
                        highway,
                        oneway,
                        maxspeed_kmh,
                        limits,
                    });
                }
            }
            if opts.buildings && is_building(tags.building) {
                let refs: Vec<i64> = way.refs().collect();
                if refs.len() >= 4 && refs.first() == refs.last() {
                    out.buildings.push(BuildingRec { id: way.id(), refs });
                } else {
                    out.buildings_not_closed += 1;
                }
            }
        }
        Element::Relation(rel) => {
            let (mut kind, mut building, mut restriction, mut except) = (None, false, None, None);
            for (key, value) in rel.tags() {
                match key {
                    "type" => kind = Some(value),
                    "building" => building = is_building(Some(value)),
                    "restriction" => restriction = Some(value),
                    "except" => except = Some(value),
                    _ => {}
                }
            }
            if opts.buildings && kind == Some("multipolygon") && building {
                out.building_relations += 1;
            }
            if kind == Some("restriction") {
                let members = rel.members().filter_map(|m| {
                    let role = m.role().ok()?;
                    Some((m.member_type, role, m.member_id))
                });
                match TurnRestrictionForm::of(restriction, members) {
                    TurnRestrictionForm::ViaNode(mut turn) => {
                        out.turn_via_node += 1;
                        turn.exempt =
                            except.is_some_and(|e| e.split(';').any(|v| v.trim() == "emergency"));
                        turn.id = rel.id();
                        out.turns.push(turn);
                    }
                    TurnRestrictionForm::ViaWay => out.turn_via_way += 1,
                    TurnRestrictionForm::Unusable => out.turn_unusable += 1,
                }
            }
        }
    }
}

/// The shape of a `type=restriction` relation (docs/access.md, turn restrictions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TurnRestrictionForm {
    /// One `from` way, one `via` node, one `to` way, and a `restriction` value of the
    /// `no_*` / `only_*` kinds.
    ViaNode(TurnRec),
    /// The same with one or more `via` ways.
    ViaWay,
    /// Anything else: no or an unknown `restriction` value (`restriction:hgv` alone,
    /// conditional ones), members missing or of the wrong type.
    Unusable,
}

/// A via-node turn restriction as read, in OSM ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TurnRec {
    /// The relation's id (sorting key: the import is the same whatever the threads).
    id: i64,
    from_way: i64,
    via_node: i64,
    to_way: i64,
    rule: TurnRule,
    /// `no_u_turn` / `only_u_turn`: on one way, the turn back onto the same road end.
    u_turn: bool,
    /// `except=emergency`: fire engines may turn.
    exempt: bool,
}

impl TurnRestrictionForm {
    fn of<'a>(
        restriction: Option<&str>,
        members: impl Iterator<Item = (osmpbf::RelMemberType, &'a str, i64)>,
    ) -> TurnRestrictionForm {
        use osmpbf::RelMemberType::{Node, Way};
        let value = restriction.map(str::trim);
        let rule = match value {
            Some(
                "no_left_turn" | "no_right_turn" | "no_straight_on" | "no_u_turn" | "no_entry"
                | "no_exit",
            ) => Some(TurnRule::Banned),
            Some("only_left_turn" | "only_right_turn" | "only_straight_on" | "only_u_turn") => {
                Some(TurnRule::Only)
            }
            _ => None,
        };
        let (mut from, mut to, mut via_nodes, mut via_ways, mut other) = (0, 0, 0, 0, 0);
        let mut ids = [0i64; 3];
        for (kind, role, id) in members {
            match (kind, role) {
                (Way, "from") => (from, ids[0]) = (from + 1, id),
                (Way, "to") => (to, ids[2]) = (to + 1, id),
                (Node, "via") => (via_nodes, ids[1]) = (via_nodes + 1, id),
                (Way, "via") => via_ways += 1,
                _ => other += 1,
            }
        }
        let Some(rule) = rule else {
            return TurnRestrictionForm::Unusable;
        };
        if from != 1 || to != 1 || other > 0 {
            TurnRestrictionForm::Unusable
        } else if via_nodes == 1 && via_ways == 0 {
            TurnRestrictionForm::ViaNode(TurnRec {
                id: 0,
                from_way: ids[0],
                via_node: ids[1],
                to_way: ids[2],
                rule,
                u_turn: value.is_some_and(|v| v.ends_with("u_turn")),
                exempt: false,
            })
        } else if via_nodes == 0 && via_ways > 0 {
            TurnRestrictionForm::ViaWay
        } else {
            TurnRestrictionForm::Unusable
        }
    }
}

/// Pass 2 on one element: the node's provisional index and location when it is needed.
fn pass2_element(found: &mut Vec<(usize, f64, f64)>, element: Element<'_>, needed: &[i64]) {
    let (id, lon, lat) = match element {
        Element::Node(n) => (n.id(), n.lon(), n.lat()),
        Element::DenseNode(n) => (n.id(), n.lon(), n.lat()),
        Element::Way(_) | Element::Relation(_) => return,
    };
    if let Ok(i) = needed.binary_search(&id) {
        found.push((i, lon, lat));
    }
}

/// Turns the sorted ways into segments, keeping only the nodes that a segment uses; a
/// blocking barrier (`barriers`: sorted by id, verdict of [`barrier_blocks`]) gets one node
/// per segment end, placed right after it.
fn build_segments(
    ways: &[WayRec],
    needed: &[i64],
    coords: &[Option<(f64, f64)>],
    barriers: &[(i64, bool)],
    turn_recs: &[TurnRec],
    stats: &mut ImportStats,
) -> Result<(Vec<RawNode>, Vec<RawSegment>, Vec<Turn>)> {
    // Provisional segments index `needed`; they are renumbered once the used nodes are known.
    // Both numberings fit in u32 once `needed` does.
    if u32::try_from(needed.len()).is_err() {
        return Err(Error::Network(format!(
            "the road network has {} nodes; at most 2^32 - 1 are supported",
            needed.len()
        )));
    }
    let mut segments = Vec::new();
    let mut used = vec![false; needed.len()];
    let mut missing_seen = vec![false; needed.len()];
    let mut resolved: Vec<Option<usize>> = Vec::new();
    // Each way's segments: (way id, first segment, end), in way order (sorted by id).
    let mut way_segments: Vec<(i64, usize, usize)> = Vec::with_capacity(ways.len());
    for way in ways {
        let first_segment = segments.len();
        resolved.clear();
        for r in &way.refs {
            // Every reference is in `needed` by construction.
            let i = needed.binary_search(r).ok();
            let located = i.filter(|&i| coords[i].is_some());
            if located.is_none() {
                stats.missing_node_refs += 1;
                if let Some(i) = i {
                    if !missing_seen[i] {
                        missing_seen[i] = true;
                        stats.missing_nodes += 1;
                    }
                }
            }
            resolved.push(located);
        }
        for pair in resolved.windows(2) {
            let (Some(a), Some(b)) = (pair[0], pair[1]) else {
                continue; // split at a node outside the extract
            };
            if a == b {
                stats.repeated_node_refs += 1;
                continue;
            }
            let (Some((lon1, lat1)), Some((lon2, lat2))) = (coords[a], coords[b]) else {
                continue;
            };
            used[a] = true;
            used[b] = true;
            segments.push(RawSegment {
                from: a as u32,
                to: b as u32,
                highway: way.highway,
                oneway: way.oneway,
                maxspeed_kmh: way.maxspeed_kmh,
                length_m: haversine_m(lon1, lat1, lon2, lat2),
                limits: way.limits,
            });
        }
        way_segments.push((way.id, first_segment, segments.len()));
    }

    // Segment ends at each node: a blocking barrier gets that many nodes.
    let mut ends = vec![0u32; needed.len()];
    for s in &segments {
        ends[s.from as usize] += 1;
        ends[s.to as usize] += 1;
    }
    let mut index = vec![u32::MAX; needed.len()];
    let mut blocking = vec![false; needed.len()];
    let mut nodes = Vec::new();
    for (i, &id) in needed.iter().enumerate() {
        if let (true, Some((lon, lat))) = (used[i], coords[i]) {
            index[i] = nodes.len() as u32;
            let copies = match barriers.binary_search_by_key(&id, |b| b.0) {
                Ok(b) if barriers[b].1 => {
                    stats.barriers_blocking += 1;
                    blocking[i] = true;
                    ends[i]
                }
                Ok(_) => {
                    stats.barriers_passable += 1;
                    1
                }
                Err(_) => 1,
            };
            nodes.extend((0..copies).map(|_| RawNode { id, lon, lat }));
        }
    }
    if u32::try_from(nodes.len()).is_err() {
        return Err(Error::Network(format!(
            "the road network has {} nodes; at most 2^32 - 1 are supported",
            nodes.len()
        )));
    }
    // Hands out a blocking barrier's nodes to its segment ends in segment order; `ends`
    // becomes the offset of the next one.
    ends.iter_mut().for_each(|e| *e = 0);
    let mut node_of = |i: u32| {
        let i = i as usize;
        if blocking[i] {
            ends[i] += 1;
            index[i] + ends[i] - 1
        } else {
            index[i]
        }
    };
    for s in &mut segments {
        s.from = node_of(s.from);
        s.to = node_of(s.to);
    }
    let via_of = |id: i64| match needed.binary_search(&id) {
        Ok(i) if used[i] && coords[i].is_some() => Some((index[i], blocking[i])),
        _ => None,
    };
    let turns = resolve_turns(turn_recs, &way_segments, &segments, via_of, stats);
    Ok((nodes, segments, turns))
}

/// The turns of via-node restrictions on the kept roads, in raw node indices: the
/// neighbours of the via node on the `from` way × those on the `to` way (on one way, the
/// same road end for a U-turn rule, the other one otherwise). `via_of` gives a via node's
/// index and whether it is a blocking barrier. Counts what is applied and what is not.
fn resolve_turns(
    recs: &[TurnRec],
    way_segments: &[(i64, usize, usize)],
    segments: &[RawSegment],
    via_of: impl Fn(i64) -> Option<(u32, bool)>,
    stats: &mut ImportStats,
) -> Vec<Turn> {
    // Neighbours of `via` along every kept way with id `way`.
    let neighbours = |way: i64, via: u32| -> Vec<u32> {
        let start = way_segments.partition_point(|w| w.0 < way);
        let mut out: Vec<u32> = way_segments[start..]
            .iter()
            .take_while(|w| w.0 == way)
            .flat_map(|&(_, a, b)| &segments[a..b])
            .filter_map(|s| match (s.from == via, s.to == via) {
                (true, false) => Some(s.to),
                (false, true) => Some(s.from),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    let mut turns = Vec::new();
    for r in recs {
        let Some((via, blocking)) = via_of(r.via_node) else {
            continue;
        };
        if r.exempt || blocking {
            stats.turn_restrictions_exempt += 1;
            continue;
        }
        let (from, to) = (neighbours(r.from_way, via), neighbours(r.to_way, via));
        let before = turns.len();
        for &f in &from {
            for &t in &to {
                let same_end = f == t;
                if r.from_way != r.to_way || same_end == r.u_turn {
                    turns.push(Turn {
                        from: f,
                        via,
                        to: t,
                        rule: r.rule,
                    });
                }
            }
        }
        if turns.len() > before {
            stats.turn_restrictions_on_roads += 1;
        }
    }
    turns
}

/// Centroids and areas of the closed building ways whose nodes are all in the file.
fn build_buildings(
    recs: &[BuildingRec],
    needed: &[i64],
    coords: &[Option<(f64, f64)>],
    stats: &mut ImportStats,
) -> Vec<RawBuilding> {
    let mut out = Vec::with_capacity(recs.len());
    let mut ring = Vec::new();
    for rec in recs {
        ring.clear();
        // The closing reference repeats the first one: leave it out.
        let open = &rec.refs[..rec.refs.len().saturating_sub(1)];
        for r in open {
            match needed.binary_search(r).ok().and_then(|i| coords[i]) {
                Some(p) => ring.push(p),
                None => break,
            }
        }
        if ring.len() != open.len() {
            stats.buildings_skipped_missing_nodes += 1;
            continue;
        }
        let (lon, lat, footprint_m2) = polygon_centroid_area(&ring);
        out.push(RawBuilding {
            id: rec.id,
            lon,
            lat,
            footprint_m2,
        });
    }
    out
}

/// Area centroid (lon, lat) and area (m²) of a ring of (lon, lat) vertices given without the
/// closing vertex, computed in a local equirectangular projection centred on the mean of the
/// vertices (metres; ample for building-sized polygons). A degenerate ring (zero area) gives
/// the mean of its vertices and area 0.
pub fn polygon_centroid_area(ring: &[(f64, f64)]) -> (f64, f64, f64) {
    if ring.is_empty() {
        return (f64::NAN, f64::NAN, 0.0);
    }
    let n = ring.len() as f64;
    let lon0 = ring.iter().map(|p| p.0).sum::<f64>() / n;
    let lat0 = ring.iter().map(|p| p.1).sum::<f64>() / n;
    let ky = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
    let kx = ky * lat0.to_radians().cos();
    let xy = |p: &(f64, f64)| ((p.0 - lon0) * kx, (p.1 - lat0) * ky);
    let (mut twice_area, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (i, p) in ring.iter().enumerate() {
        let (x1, y1) = xy(p);
        let (x2, y2) = xy(&ring[(i + 1) % ring.len()]);
        let cross = x1 * y2 - x2 * y1;
        twice_area += cross;
        cx += (x1 + x2) * cross;
        cy += (y1 + y2) * cross;
    }
    if twice_area.abs() < 1e-9 || kx == 0.0 {
        return (lon0, lat0, 0.0);
    }
    cx /= 3.0 * twice_area;
    cy /= 3.0 * twice_area;
    (lon0 + cx / kx, lat0 + cy / ky, twice_area.abs() / 2.0)
}

/// A number for each pass over a file, so that [`tick`]'s per-thread counters start again
/// at zero on every pass (pool threads are reused across imports; the counts of one
/// import must not depend on what the thread read before).
fn next_pass() -> u64 {
    static PASSES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    PASSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

/// Ticks the progress bar every [`TICK_EVERY`] elements read on this thread in this `pass`
/// (a thread-local counter keeps the hot loop free of shared atomics).
fn tick(progress: &dyn Progress, pass: u64) {
    thread_local! {
        static SEEN: Cell<(u64, u32)> = const { Cell::new((0, 0)) };
    }
    SEEN.with(|seen| {
        let (p, n) = seen.get();
        let n = if p == pass { n.wrapping_add(1) } else { 1 };
        seen.set((pass, n));
        if n % TICK_EVERY == 0 {
            progress.advance(u64::from(TICK_EVERY));
        }
    });
}

/// One parallel pass over the file's elements: each data block is decoded on a worker and
/// its elements folded into one `T` there, and the blocks' results are merged. (osmpbf's
/// `par_map_reduce` builds and merges a `T` per element: with pass 1's counters and lists
/// that was a fifth of the import's time.)
pub(crate) fn par_fold<T: Send>(
    path: &Path,
    identity: impl Fn() -> T + Sync + Send,
    fold: impl Fn(&mut T, Element<'_>) + Sync + Send,
    merge: impl Fn(T, T) -> T + Sync + Send,
) -> Result<T> {
    use rayon::iter::{ParallelBridge, ParallelIterator};
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    BlobReader::new(BufReader::new(file))
        .par_bridge()
        .map(|blob| {
            let mut acc = identity();
            if let BlobDecode::OsmData(block) = blob?.decode()? {
                for element in block.elements() {
                    fold(&mut acc, element);
                }
            }
            Ok(acc)
        })
        .try_reduce(&identity, |a, b| Ok(merge(a, b)))
        .map_err(|e| pbf_error(path, e))
}

/// Checks that the file starts with an `OSMHeader` block whose required features this reader
/// supports, so that a text file, an `.osm` XML file or a history file is refused with a clear
/// message before any work is done.
pub(crate) fn check_header(path: &Path) -> Result<()> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut magic = Vec::with_capacity(64);
    (&mut file)
        .take(64)
        .read_to_end(&mut magic)
        .map_err(|e| Error::io(path, e))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(path, e))?;
    let not_pbf = |detail: String| {
        Error::input(
            path,
            Location::File,
            "osm",
            format!(
                "not an OpenStreetMap PBF file (.osm.pbf): {detail}{}",
                format_hint(&magic)
            ),
        )
    };

    let first = BlobReader::new(BufReader::new(file)).next();
    let blob = match first {
        None => {
            return Err(not_pbf(
                "the file is empty or shorter than a block header".into(),
            ))
        }
        Some(Err(e)) => return Err(not_pbf(format!("unreadable first block ({e})"))),
        Some(Ok(blob)) => blob,
    };
    match blob.get_type() {
        BlobType::OsmHeader => {}
        other => {
            return Err(not_pbf(format!(
                "the first block is `{}`, expected `OSMHeader`",
                other.as_str()
            )))
        }
    }
    let header = blob.to_headerblock().map_err(|e| not_pbf(e.to_string()))?;
    if let Some(feature) = header
        .required_features()
        .iter()
        .find(|f| !SUPPORTED_FEATURES.contains(&f.as_str()))
    {
        let what = if feature == "HistoricalInformation" {
            "it is a history file (several versions of each object); use a current extract"
                .to_string()
        } else {
            format!("it requires the PBF feature `{feature}`, which fireplan cannot read")
        };
        return Err(Error::input(path, Location::File, "osm", what));
    }
    Ok(())
}

/// A hint on what the file is when it is not a PBF, from its first bytes.
fn format_hint(magic: &[u8]) -> &'static str {
    let text = magic
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(magic)
        .trim_ascii_start();
    if text.starts_with(b"<") {
        "; it looks like OSM XML: convert it with `osmium cat in.osm -o out.osm.pbf`"
    } else if magic.starts_with(b"\x1f\x8b") {
        "; it looks gzip-compressed: decompress it first"
    } else if magic.starts_with(b"BZh") {
        "; it looks bzip2-compressed: decompress it first"
    } else {
        ""
    }
}

/// Maps an `osmpbf` error met while reading the passes: operating-system I/O errors stay
/// [`Error::Io`]; everything else (corrupt blocks, truncation) is bad input.
fn pbf_error(path: &Path, e: osmpbf::Error) -> Error {
    let message = e.to_string();
    match e.into_kind() {
        osmpbf::ErrorKind::Io(io)
            if !matches!(
                io.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
            ) =>
        {
            Error::io(path, io)
        }
        _ => Error::input(
            path,
            Location::File,
            "osm",
            format!("corrupt OpenStreetMap PBF file: {message}"),
        ),
    }
}

/// The "nothing to route on" error.
fn no_roads(path: &Path, message: String) -> Error {
    Error::input(path, Location::File, "osm", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rectangle_centroid_and_area() {
        // 0.001° × 0.001° at 60° N: 0.001·k·cos60 by 0.001·k, k = R·π/180.
        let ring = [
            (25.0, 60.0),
            (25.001, 60.0),
            (25.001, 60.001),
            (25.0, 60.001),
        ];
        let (lon, lat, area) = polygon_centroid_area(&ring);
        let k = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let expected = 0.001 * k * (60.0005f64).to_radians().cos() * 0.001 * k;
        assert!((lon - 25.0005).abs() < 1e-12);
        assert!((lat - 60.0005).abs() < 1e-12);
        assert!((area - expected).abs() < 1e-6, "{area} vs {expected}");
    }

    #[test]
    fn l_shape_centroid_is_area_weighted() {
        // An L of three unit squares (degrees scaled down): the centroid is not the vertex
        // mean. In projected units: squares centred (0.5,0.5), (1.5,0.5), (0.5,1.5) → (5/6, 5/6).
        let d = 1e-5;
        let ring = [
            (0.0, 0.0),
            (2.0 * d, 0.0),
            (2.0 * d, d),
            (d, d),
            (d, 2.0 * d),
            (0.0, 2.0 * d),
        ];
        let (lon, lat, _) = polygon_centroid_area(&ring);
        assert!((lon - 5.0 / 6.0 * d).abs() < 1e-12);
        assert!((lat - 5.0 / 6.0 * d).abs() < 1e-12);
    }

    #[test]
    fn degenerate_ring_gives_vertex_mean() {
        let (lon, lat, area) = polygon_centroid_area(&[(1.0, 2.0), (3.0, 2.0), (1.0, 2.0)]);
        assert_eq!((lon, lat, area), (5.0 / 3.0, 2.0, 0.0));
    }

    #[test]
    fn hints_from_first_bytes() {
        assert!(format_hint(b"<?xml version='1.0'?>").contains("OSM XML"));
        assert!(format_hint(b"\xEF\xBB\xBF  <osm>").contains("OSM XML"));
        assert!(format_hint(b"\x1f\x8b\x08").contains("gzip"));
        assert_eq!(format_hint(b"\0\0\0\x0dOSMHeader"), "");
    }
}

/// A node of an extract that carries a given key, with all its tags.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedNode {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub tags: Vec<(String, String)>,
}

impl TaggedNode {
    /// The value of `key`, if the node has it.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Every node with the tag `key` (water sources: `emergency`), sorted by id, in one
/// parallel pass over the file. Nodes outside −180…180 / −90…90 are skipped.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Input`] (field `osm`) when it is not
/// an OpenStreetMap PBF file or is damaged.
pub fn read_tagged_nodes(path: &Path, key: &str) -> Result<Vec<TaggedNode>> {
    check_header(path)?;
    let keep = |id: i64, lon: f64, lat: f64, tags: &mut dyn Iterator<Item = (&str, &str)>| {
        let tags: Vec<(String, String)> =
            tags.map(|(k, v)| (k.to_string(), v.to_string())).collect();
        (tags.iter().any(|(k, _)| k == key)
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat))
        .then_some(TaggedNode { id, lon, lat, tags })
    };
    let mut nodes = par_fold(
        path,
        Vec::new,
        |acc: &mut Vec<TaggedNode>, element| {
            let found = match element {
                Element::Node(n) => {
                    if !n.tags().any(|(k, _)| k == key) {
                        return;
                    }
                    keep(n.id(), n.lon(), n.lat(), &mut n.tags())
                }
                Element::DenseNode(n) => {
                    if !n.tags().any(|(k, _)| k == key) {
                        return;
                    }
                    keep(n.id(), n.lon(), n.lat(), &mut n.tags())
                }
                Element::Way(_) | Element::Relation(_) => return,
            };
            acc.extend(found);
        },
        merge_vecs,
    )?;
    nodes.sort_by_key(|n| n.id);
    nodes.dedup_by_key(|n| n.id);
    Ok(nodes)
}

/// The way tags fireplan's import reads (roads: DESIGN §3, access, limits; buildings),
/// the ones [`read_road_and_building_elements`] copies.
pub const ROAD_WAY_KEYS: [&str; 18] = [
    "highway",
    "access",
    "vehicle",
    "motor_vehicle",
    "motorcar",
    "hgv",
    "emergency",
    "area",
    "oneway",
    "junction",
    "maxspeed",
    "building",
    "maxweight",
    "maxweight:hgv",
    "maxheight",
    "maxheight:physical",
    "maxwidth",
    "maxwidth:physical",
];

/// The node tags fireplan's import reads (a barrier and what lets a fire engine through it).
pub const ROAD_NODE_KEYS: [&str; 9] = [
    "barrier",
    "bollard",
    "locked",
    "access",
    "vehicle",
    "motor_vehicle",
    "motorcar",
    "hgv",
    "emergency",
];

/// One OSM node as copied: id, WGS-84 position and the tags of [`ROAD_NODE_KEYS`]
/// (only when the node has a `barrier`; empty otherwise), in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmNode {
    pub id: i64,
    pub lon: f64,
    pub lat: f64,
    pub tags: Vec<(String, String)>,
}

/// One OSM way as copied: id, node references in order, and the tags of
/// [`ROAD_WAY_KEYS`] in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmWay {
    pub id: i64,
    pub refs: Vec<i64>,
    pub tags: Vec<(String, String)>,
}

/// The roads and buildings of an extract as OSM elements: what the province generator
/// (`synth`) copies, and what `report::osm_pbf` writes. Both lists are sorted by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsmElements {
    pub nodes: Vec<OsmNode>,
    pub ways: Vec<OsmWay>,
}

/// The ways a fire engine's import may read — `highway` of a drivable class
/// ([`Highway::parse`], whatever the access tags say: the import decides) or a `building`
/// other than `no` — with the tags of [`ROAD_WAY_KEYS`], and every node they reference
/// that the file holds (a barrier node with the tags of [`ROAD_NODE_KEYS`]). References to
/// nodes outside a clipped extract are kept as they are, so that importing the copy drops
/// the same road pieces as importing the extract. Relations (turn restrictions,
/// multipolygon buildings) are not copied. Two parallel passes; sorted by id.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Input`] (field `osm`) when it is
/// not an OpenStreetMap PBF file, is damaged, or holds no drivable road.
pub fn read_road_and_building_elements(path: &Path) -> Result<OsmElements> {
    check_header(path)?;
    let owned = |tags: &mut dyn Iterator<Item = (&str, &str)>, keys: &[&str]| {
        tags.filter(|(k, _)| keys.contains(k))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    let mut ways = par_fold(
        path,
        Vec::new,
        |acc: &mut Vec<OsmWay>, element| {
            if let Element::Way(way) = element {
                let tags = owned(&mut way.tags(), &ROAD_WAY_KEYS);
                let road = tags
                    .iter()
                    .any(|(k, v)| k == "highway" && Highway::parse(v).is_some());
                let building = tags
                    .iter()
                    .any(|(k, v)| k == "building" && is_building(Some(v)));
                if road || building {
                    acc.push(OsmWay {
                        id: way.id(),
                        refs: way.refs().collect(),
                        tags,
                    });
                }
            }
        },
        merge_vecs,
    )?;
    ways.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.refs.cmp(&b.refs)));
    ways.dedup_by_key(|w| w.id);
    if !ways.iter().any(|w| {
        w.tags
            .iter()
            .any(|(k, v)| k == "highway" && Highway::parse(v).is_some())
    }) {
        return Err(no_roads(
            path,
            "no way with a drivable `highway` class in the file".to_string(),
        ));
    }
    let mut needed: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    needed.sort_unstable();
    needed.dedup();
    let node_of = |id: i64, lon: f64, lat: f64, tags: &mut dyn Iterator<Item = (&str, &str)>| {
        let tags = owned(tags, &ROAD_NODE_KEYS);
        let tags = if tags.iter().any(|(k, _)| k == "barrier") {
            tags
        } else {
            Vec::new()
        };
        OsmNode { id, lon, lat, tags }
    };
    let mut nodes = par_fold(
        path,
        Vec::new,
        |acc: &mut Vec<OsmNode>, element| {
            let node = match element {
                Element::Node(n) if needed.binary_search(&n.id()).is_ok() => {
                    node_of(n.id(), n.lon(), n.lat(), &mut n.tags())
                }
                Element::DenseNode(n) if needed.binary_search(&n.id()).is_ok() => {
                    node_of(n.id(), n.lon(), n.lat(), &mut n.tags())
                }
                _ => return,
            };
            acc.push(node);
        },
        merge_vecs,
    )?;
    nodes.sort_by(|a, b| {
        a.id.cmp(&b.id)
            .then_with(|| a.lon.total_cmp(&b.lon))
            .then_with(|| a.lat.total_cmp(&b.lat))
    });
    nodes.dedup_by_key(|n| n.id);
    if let Some(n) = nodes
        .iter()
        .find(|n| !((-180.0..=180.0).contains(&n.lon) && (-90.0..=90.0).contains(&n.lat)))
    {
        return Err(Error::input(
            path,
            Location::File,
            "osm",
            format!(
                "node {} lies at lon {}, lat {}, outside −180…180 / −90…90: the extract is \
                 damaged",
                n.id, n.lon, n.lat
            ),
        ));
    }
    Ok(OsmElements { nodes, ways })
}
