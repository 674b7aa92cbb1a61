//! The prepared road network: the raw input (OSM PBF or CSV) turned into the routable
//! graph of one vehicle profile and its snapping index, read from the cache when the files
//! and model parameters match. Both profiles (emergency and logistics) are built from one
//! import and cached together, so supply reach never reads the road files again.
//!
//! The logistics network has the same roads driven with the logistics speed profile
//! (DESIGN §3); [`check_same_graph`] verifies that both keep the same nodes, segments and
//! adjacency rather than assume it, because reports join the two.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::key::{file_name_of, NetworkKey, CACHE_FORMAT};
use super::{InputFile, RunOptions};
use crate::error::{Error, Location, Result};
use crate::io;
use crate::model::closure::RoadClosure;
use crate::network::closure::{segments_closed_by, ShapeMatch};
use crate::network::raw::{ImportStats, RawBuilding};
use crate::network::{Network, Profile, SnapIndex};
use crate::params::{NetworkSource, Scenario};

/// The prepared road network and what the import reported.
pub struct PreparedNetwork {
    pub network: Network,
    pub index: SnapIndex,
    pub import: ImportStats,
    /// Read from the cache rather than imported.
    pub from_cache: bool,
    /// Why a cache file that was there could not be used (it was rebuilt), for a warning.
    pub cache_rebuilt: Option<String>,
    /// The road closures applied to `network`: the scenario's, then a plan's (empty
    /// without any).
    pub closures: Vec<AppliedClosure>,
    /// The network before the closures, to measure what they cost (None without any);
    /// shared by the scenario's closed network and every plan variant closing more.
    pub open: Option<Arc<PreparedNetwork>>,
    /// Where the seconds of preparing it went.
    pub timings: NetworkTimings,
}

/// Where the seconds of preparing a network went (`run.json`, `bench/scale.sh`'s budgets).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct NetworkTimings {
    /// Reading the road file (PBF or CSV); 0 when read from the cache.
    pub import_s: f64,
    /// Building the graph from the import (with a cache, both vehicle profiles side by
    /// side); 0 when read from the cache.
    pub build_s: f64,
    /// Writing the cache (both vehicle profiles); 0 without a cache or when read from it.
    pub cache_write_s: f64,
    /// Reading, checking and decoding the cache file and rebuilding the snapping index from
    /// its cached order; 0 when imported.
    pub cache_read_s: f64,
    /// Building the snapping index (sorting the segments); 0 when read from the cache.
    pub index_s: f64,
}

/// A road closure as applied — a `[[network.closure]]`, or a plan's `close_road` change:
/// the segments it closed (indices into the open network's segments) and their length.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedClosure {
    pub name: String,
    pub reason: Option<String>,
    pub segments: Vec<u32>,
    pub road_m: f64,
    /// The plan change (1-based number) that closed it; None for `[[network.closure]]`.
    pub plan_change: Option<usize>,
}

/// A whole prepared network in the cache: the network, its snapping index's order (so
/// that reading it back needs no bulk load), the import report and the buildings.
#[derive(Serialize, Deserialize)]
struct CacheEntry {
    network: Network,
    snap_order: Vec<u32>,
    import: ImportStats,
    buildings: Vec<RawBuilding>,
}

/// [`CacheEntry`] borrowed, to write one without copying it (same encoding).
#[derive(Serialize)]
struct CacheEntryRef<'a> {
    network: &'a Network,
    snap_order: &'a [u32],
    import: &'a ImportStats,
    buildings: &'a [RawBuilding],
}

/// The payload of a cache file.
#[derive(Serialize, Deserialize)]
enum CachePayload {
    /// A whole prepared network (the emergency profile's, always).
    Whole(Box<CacheEntry>),
    /// The roads of the emergency network of the same files and parameters driven with
    /// another profile ([`ProfileTimes`]): all that differs, so reading the logistics
    /// network costs its times, not a second network.
    Times(ProfileTimes),
}

/// [`CachePayload`] borrowed, for writing (same variants in the same order).
#[derive(Serialize)]
enum CachePayloadRef<'a> {
    Whole(CacheEntryRef<'a>),
    Times(&'a ProfileTimes),
}

/// What a vehicle profile changes on the same roads: every segment's times (a→b, b→a) and
/// every directed edge's time. Written only when the profile's built network equals the
/// base network with these times ([`ProfileTimes::of`]): same nodes, segments, directions
/// that may be driven, adjacency, turn table and limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ProfileTimes {
    profile: Profile,
    segment_times_s: Vec<[f32; 2]>,
    edge_time_s: Vec<f32>,
}

impl ProfileTimes {
    /// The times of `net` when `base` with them is `net` exactly; None otherwise (then the
    /// whole network is cached).
    fn of(base: &Network, net: &Network) -> Option<ProfileTimes> {
        let times = ProfileTimes {
            profile: net.profile,
            segment_times_s: net
                .segments
                .iter()
                .map(|s| [s.time_ab_s, s.time_ba_s])
                .collect(),
            edge_time_s: net.edge_time_s.clone(),
        };
        (times.apply(base).ok().as_ref() == Some(net)).then_some(times)
    }

    /// `base` driven with these times; refused unless they fit its roads: one pair per
    /// segment, infinite in the same directions, one time per edge, none negative or NaN.
    fn apply(&self, base: &Network) -> std::result::Result<Network, String> {
        if self.segment_times_s.len() != base.segments.len()
            || self.edge_time_s.len() != base.edge_time_s.len()
        {
            return Err("times for another network".into());
        }
        let fits = |t: f32, base_t: f32| t >= 0.0 && t.is_finite() == base_t.is_finite();
        if self
            .segment_times_s
            .iter()
            .zip(&base.segments)
            .any(|(t, s)| !fits(t[0], s.time_ab_s) || !fits(t[1], s.time_ba_s))
        {
            return Err("segment times that do not fit the network's roads".into());
        }
        if self
            .edge_time_s
            .iter()
            .any(|&t| !(t >= 0.0 && t.is_finite()))
        {
            return Err("an edge time is negative, infinite or NaN".into());
        }
        let mut net = base.clone();
        net.profile = self.profile;
        for (s, t) in net.segments.iter_mut().zip(&self.segment_times_s) {
            s.time_ab_s = t[0];
            s.time_ba_s = t[1];
        }
        net.edge_time_s.clone_from(&self.edge_time_s);
        Ok(net)
    }
}

/// What a cache file decodes to.
enum Decoded {
    Whole(Box<(PreparedNetwork, Vec<RawBuilding>)>),
    Times(ProfileTimes),
}

/// A prepared network read or built: `network` with its `index`.
fn prepared(
    network: Network,
    index: SnapIndex,
    import: ImportStats,
    from_cache: bool,
) -> PreparedNetwork {
    PreparedNetwork {
        network,
        index,
        import,
        from_cache,
        cache_rebuilt: None,
        closures: Vec::new(),
        open: None,
        timings: NetworkTimings::default(),
    }
}

/// The head of a cache file: the format version, the key it was built for, and a CRC-32
/// and length of the payload (the postcard bytes of a [`CachePayload`]) that follows it, so
/// that a stale, truncated or damaged file is detected and rebuilt — never decoded into
/// wrong numbers or a panic.
#[derive(Serialize, Deserialize)]
struct CacheHeader {
    format: u32,
    key: String,
    crc32: u32,
    payload_bytes: u64,
}

/// The header of a cache file for `key` whose payload is `payload`.
fn header_bytes(key: &str, payload: &[u8]) -> Option<Vec<u8>> {
    postcard::to_stdvec(&CacheHeader {
        format: CACHE_FORMAT,
        key: key.to_string(),
        crc32: crc32fast::hash(payload),
        payload_bytes: payload.len() as u64,
    })
    .ok()
}

/// Writes a cache file for `key`; a cache that cannot be written only costs time next
/// run, so failures are ignored.
fn write_cache(path: &std::path::Path, key: &str, payload: &CachePayloadRef) {
    let Ok(payload) = postcard::to_stdvec(payload) else {
        return;
    };
    let Some(header) = header_bytes(key, &payload) else {
        return;
    };
    let _ = crate::atomic::write_atomic_with(path, |w| {
        w.write_all(&header)
            .and_then(|()| w.write_all(&payload))
            .map_err(|e| Error::io(path, e))
    });
}

/// The payload of a cache file when it is whole and was built for `key`; otherwise why not
/// (the caller rebuilds the network). Nothing is copied.
fn cache_payload<'a>(bytes: &'a [u8], key: &str) -> std::result::Result<&'a [u8], String> {
    let (head, payload): (CacheHeader, &[u8]) =
        postcard::take_from_bytes(bytes).map_err(|e| format!("unreadable ({e})"))?;
    if head.format != CACHE_FORMAT {
        return Err(format!("format {} (expected {CACHE_FORMAT})", head.format));
    }
    if head.key != key {
        return Err("built for other inputs".into());
    }
    if payload.len() as u64 != head.payload_bytes {
        return Err(format!(
            "{} payload bytes of {} (truncated)",
            payload.len(),
            head.payload_bytes
        ));
    }
    if crc32fast::hash(payload) != head.crc32 {
        return Err("checksum mismatch (damaged)".into());
    }
    Ok(payload)
}

/// The network (with its snapping index) or the profile times of a cache file when it is
/// whole and was built for `key`; otherwise why not (the caller rebuilds the network).
fn read_cache(bytes: &[u8], key: &str) -> std::result::Result<Decoded, String> {
    let payload = cache_payload(bytes, key)?;
    let decoded: CachePayload =
        postcard::from_bytes(payload).map_err(|e| format!("undecodable ({e})"))?;
    match decoded {
        CachePayload::Whole(entry) => {
            let entry = *entry;
            entry
                .network
                .check_consistent()
                .map_err(|e| format!("inconsistent network ({e})"))?;
            let index = SnapIndex::from_order(&entry.network, entry.snap_order)
                .map_err(|e| format!("inconsistent network ({e})"))?;
            Ok(Decoded::Whole(Box::new((
                prepared(entry.network, index, entry.import, true),
                entry.buildings,
            ))))
        }
        CachePayload::Times(t) => Ok(Decoded::Times(t)),
    }
}

/// A whole network's cache payload, borrowed.
fn whole_entry<'a>(
    network: &'a Network,
    snap_order: &'a [u32],
    import: &'a ImportStats,
    buildings: &'a [RawBuilding],
) -> CachePayloadRef<'a> {
    CachePayloadRef::Whole(CacheEntryRef {
        network,
        snap_order,
        import,
        buildings,
    })
}

/// A cache file for the fuzz target: `payload` behind a matching header.
fn seal(key: &str, payload: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = header_bytes(key, payload)?;
    bytes.extend_from_slice(payload);
    Some(bytes)
}

/// For the `cache_decoder` fuzz target (issue 20): reads `bytes` as a cache file, as a bare
/// payload behind a matching checksum, and as a cache file whose payload is re-sealed (so
/// that a mutated payload gets past the checksum). Every network the reader accepts is then
/// driven through the snapping index and both searches, which must not panic; profile times
/// are applied to each such network first.
#[doc(hidden)]
pub fn exercise_cache_bytes(bytes: &[u8]) {
    use crate::network::search::{two_nearest, Dijkstra, Seed};
    const KEY: &str = "fuzz";
    let mut files = vec![bytes.to_vec()];
    files.extend(seal(KEY, bytes));
    if let Ok((_, payload)) = postcard::take_from_bytes::<CacheHeader>(bytes) {
        files.extend(seal(KEY, payload));
    }
    let decoded: Vec<Decoded> = files
        .iter()
        .filter_map(|f| read_cache(f, KEY).ok())
        .collect();
    let mut networks = Vec::new();
    for d in &decoded {
        if let Decoded::Whole(whole) = d {
            let p = &whole.0;
            networks.push((p.network.clone(), p.index.clone()));
            for t in decoded.iter().filter_map(|d| match d {
                Decoded::Times(t) => Some(t),
                Decoded::Whole(..) => None,
            }) {
                if let Ok(n) = t.apply(&p.network) {
                    networks.push((n, p.index.clone()));
                }
            }
        }
    }
    for (net, index) in &networks {
        let n = net.node_count() as u32;
        if n == 0 {
            continue;
        }
        let seeds: Vec<Seed> = [0, n / 2, n - 1]
            .iter()
            .enumerate()
            .map(|(origin, &node)| Seed {
                origin: origin as u32,
                node,
                time_s: 10.0,
            })
            .collect();
        drop(two_nearest(net, &seeds, 900.0));
        let mut tree = Dijkstra::new(net.vertex_count());
        let _ = tree.run(net, &[(0, 0.0)], f64::INFINITY);
        let at = &net.nodes[(n / 2) as usize];
        let _ = index.snap(net, at.lon + 1e-4, at.lat);
    }
}

/// Reads the road network (or its cached prepared form), builds the snapping index and
/// applies the scenario's road closures, recording the network and closure files in
/// `files`. Returns the buildings too when the scenario derives demand from them.
pub fn prepare_network(
    scenario: &Scenario,
    profile: Profile,
    opts: &RunOptions,
    files: &mut Vec<InputFile>,
) -> Result<(PreparedNetwork, Vec<RawBuilding>)> {
    let (open, buildings) = prepare_open_network(scenario, profile, opts, files, None)?;
    if scenario.closures.is_empty() {
        return Ok((open, buildings));
    }
    let closures = read_closures(scenario, &open, files)?;
    Ok((with_closures(Arc::new(open), closures), buildings))
}

/// Reads the scenario's closure files and finds the segments of `open` each one closes.
fn read_closures(
    scenario: &Scenario,
    open: &PreparedNetwork,
    files: &mut Vec<InputFile>,
) -> Result<Vec<AppliedClosure>> {
    let mut closures = Vec::with_capacity(scenario.closures.len());
    for (i, c) in scenario.closures.iter().enumerate() {
        files.push(InputFile::read_named(
            &scenario.path,
            &format!("network.closure[{i}].file"),
            "closure",
            &c.file,
        )?);
        let closure = io::closures::read_closure(c)?;
        let applied = close_roads(open, &closure, scenario.max_snap_m).map_err(|what| {
            Error::input(
                &c.file,
                Location::File,
                "geometry",
                format!("closure `{}`, {what}", c.name),
            )
        })?;
        closures.push(applied);
    }
    Ok(closures)
}

/// The segments of `open` a closure closes (each shape by
/// [`segments_closed_by`], within `max_snap_m` for a point), sorted and deduplicated; or
/// why one of its shapes closes nothing (`shape 2: …`). Shared by `[[network.closure]]`
/// and a plan's `close_road`, so both close the same roads for the same file.
pub fn close_roads(
    open: &PreparedNetwork,
    closure: &RoadClosure,
    max_snap_m: f64,
) -> std::result::Result<AppliedClosure, String> {
    let mut segments = Vec::new();
    for (k, shape) in closure.shapes.iter().enumerate() {
        match segments_closed_by(&open.network, &open.index, shape, max_snap_m) {
            ShapeMatch::Segments(s) => segments.extend(s),
            ShapeMatch::TooFar(m) => {
                return Err(format!(
                    "shape {k}: the point is {m:.0} m from the nearest road (max_snap_m \
                     {max_snap_m}); is the crs right?"
                ))
            }
            ShapeMatch::NoRoad => {
                return Err(format!(
                    "shape {k}: the shape touches no road of the network; is the crs right?"
                ))
            }
        }
    }
    if segments.is_empty() {
        return Err("the file holds no shape: it closes no road".into());
    }
    segments.sort_unstable();
    segments.dedup();
    Ok(AppliedClosure {
        name: closure.name.clone(),
        reason: closure.reason.clone(),
        road_m: open.network.segments_length_m(&segments),
        segments,
        plan_change: None,
    })
}

/// `open` with the segments of `closures` taken out; `open` is kept beside it (shared).
pub fn with_closures(open: Arc<PreparedNetwork>, closures: Vec<AppliedClosure>) -> PreparedNetwork {
    let all: Vec<u32> = closures
        .iter()
        .flat_map(|c| c.segments.iter().copied())
        .collect();
    let network = open.network.with_segments_closed(&all);
    let index = SnapIndex::new(&network);
    PreparedNetwork {
        network,
        index,
        import: open.import.clone(),
        from_cache: open.from_cache,
        cache_rebuilt: open.cache_rebuilt.clone(),
        closures,
        timings: open.timings,
        open: Some(open),
    }
}

/// [`prepare_network`] before the closures. `base`: the open emergency network of the same
/// files and parameters, which a cached [`ProfileTimes`] entry applies to (without it such
/// an entry cannot be used and the network is imported).
fn prepare_open_network(
    scenario: &Scenario,
    profile: Profile,
    opts: &RunOptions,
    files: &mut Vec<InputFile>,
    base: Option<&PreparedNetwork>,
) -> Result<(PreparedNetwork, Vec<RawBuilding>)> {
    match &scenario.network {
        NetworkSource::Osm(p) => files.push(InputFile::read_named(
            &scenario.path,
            "network.osm",
            "network.osm",
            p,
        )?),
        NetworkSource::Csv { nodes, edges, .. } => {
            for (key, path) in [("network.nodes", nodes), ("network.edges", edges)] {
                files.push(InputFile::read_named(&scenario.path, key, key, path)?);
            }
        }
    }
    let key = NetworkKey::of(scenario, profile);
    // (file, key it must have been built for) of a profile's cache entry.
    let cache_path = |key: &NetworkKey| {
        opts.cache_dir.as_ref().map(|d| {
            let k = key.cache_key(files);
            (d.join(file_name_of(&k)), k)
        })
    };
    let cached = cache_path(&key);
    let mut rebuilt = None;
    if let Some((cp, k)) = &cached {
        let t0 = Instant::now();
        if let Ok(bytes) = std::fs::read(cp) {
            let read = match read_cache(&bytes, k) {
                Ok(Decoded::Whole(whole)) => Ok(*whole),
                Ok(Decoded::Times(times)) => match base {
                    Some(b) => times
                        .apply(&b.network)
                        .map(|n| {
                            let import = b.import.clone();
                            (prepared(n, b.index.clone(), import, true), Vec::new())
                        })
                        .map_err(|e| format!("inconsistent network ({e})")),
                    None => Err("profile times without the emergency network".into()),
                },
                Err(why) => Err(why),
            };
            match read {
                Ok((mut prepared, buildings)) => {
                    prepared.timings.cache_read_s = t0.elapsed().as_secs_f64();
                    return Ok((prepared, buildings));
                }
                Err(why) => rebuilt = Some(format!("{}: {why}; rebuilt", cp.display())),
            }
        }
    }

    let progress = &*opts.progress;
    progress.start("importing road network", None);
    let mut timings = NetworkTimings::default();
    let t0 = Instant::now();
    let raw = match &scenario.network {
        NetworkSource::Osm(p) => io::osm::read_osm_pbf(
            p,
            &io::osm::OsmImportOptions {
                ignore_oneway: scenario.params.ignore_oneway,
                buildings: key.buildings,
            },
            progress,
        ),
        NetworkSource::Csv { nodes, edges, crs } => {
            io::csv_network::read_csv_network(nodes, edges, *crs, scenario.params.ignore_oneway)
        }
    };
    let mut raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            progress.finish();
            return Err(e);
        }
    };
    timings.import_s = t0.elapsed().as_secs_f64();
    progress.message("building graph");
    let t0 = Instant::now();
    let other_profile = match profile {
        Profile::Emergency => Profile::Logistics,
        Profile::Logistics => Profile::Emergency,
    };
    // With a cache, the other vehicle profile is built too (on the other core) and cached,
    // so that supply reach (logistics) never reads the road files again.
    let (network, other) = match &cached {
        Some(_) => {
            let (a, b) = rayon::join(
                || Network::build(&raw, &scenario.params, profile),
                || Network::build(&raw, &scenario.params, other_profile),
            );
            (a, Some(b))
        }
        None => (Network::build(&raw, &scenario.params, profile), None),
    };
    timings.build_s = t0.elapsed().as_secs_f64();
    progress.finish();
    if network.node_count() == 0 {
        return Err(Error::Network(format!(
            "{}: the road network has no strongly connected part (no drivable roads?)",
            scenario.path.display()
        )));
    }
    let t0 = Instant::now();
    let index = SnapIndex::new(&network);
    timings.index_s = t0.elapsed().as_secs_f64();
    let import = raw.stats.clone();
    let buildings = std::mem::take(&mut raw.buildings);
    drop(raw);
    if let (Some((cp, k)), Some(other)) = (&cached, &other) {
        let t0 = Instant::now();
        let other_key = NetworkKey {
            profile: other_profile,
            ..key.clone()
        };
        let (emergency, logistics) = match profile {
            Profile::Emergency => (&network, other),
            Profile::Logistics => (other, &network),
        };
        let times = ProfileTimes::of(emergency, logistics);
        // One snapping order serves both when the networks differ in times only;
        // otherwise the other profile gets its own index.
        let own_index = times.is_none().then(|| SnapIndex::new(other));
        let (emergency_order, logistics_order) = match (profile, &own_index) {
            (_, None) => (index.order(), index.order()),
            (Profile::Emergency, Some(o)) => (index.order(), o.order()),
            (Profile::Logistics, Some(o)) => (o.order(), index.order()),
        };
        let whole = |network, snap_order| whole_entry(network, snap_order, &import, &buildings);
        let logistics_payload = match &times {
            Some(t) => CachePayloadRef::Times(t),
            None => whole(logistics, logistics_order),
        };
        let emergency_payload = whole(emergency, emergency_order);
        let (mine, theirs) = match profile {
            Profile::Emergency => (emergency_payload, logistics_payload),
            Profile::Logistics => (logistics_payload, emergency_payload),
        };
        write_cache(cp, k, &mine);
        if let Some((op, ok)) = cache_path(&other_key) {
            write_cache(&op, &ok, &theirs);
        }
        timings.cache_write_s = t0.elapsed().as_secs_f64();
    }
    let mut prepared = prepared(network, index, import, false);
    prepared.cache_rebuilt = rebuilt;
    prepared.timings = timings;
    Ok((prepared, buildings))
}

/// Prepares the logistics network of `scenario` (from the cache when it can: there it is
/// the emergency network's roads with the logistics times, sharing its snapping index).
/// Given the emergency network, it is checked against it before the closures and then
/// closed where the emergency network is (the closure files are not read again).
pub fn prepare_logistics(
    scenario: &Scenario,
    opts: &RunOptions,
    emergency: Option<&PreparedNetwork>,
) -> Result<PreparedNetwork> {
    // The input files are already recorded by the emergency load.
    let mut files = Vec::new();
    let Some(e) = emergency else {
        return Ok(prepare_network(scenario, Profile::Logistics, opts, &mut files)?.0);
    };
    let e_open = e.open.as_deref().unwrap_or(e);
    let (open, _) =
        prepare_open_network(scenario, Profile::Logistics, opts, &mut files, Some(e_open))?;
    check_same_graph(&e_open.network, &open.network)?;
    Ok(if e.closures.is_empty() {
        open
    } else {
        with_closures(Arc::new(open), e.closures.clone())
    })
}

/// Ok when `logistics` has the same nodes (ids and coordinates, same order), the same
/// segments (same ends, same directions drivable) and the same CSR structure as
/// `emergency`, and is built with the logistics profile.
pub fn check_same_graph(emergency: &Network, logistics: &Network) -> Result<()> {
    let fail = |what: String| {
        Err(Error::Network(format!(
            "the logistics network does not match the emergency network ({what}); \
             both must come from the same road input"
        )))
    };
    if logistics.profile != Profile::Logistics {
        return fail(format!("profile {:?}", logistics.profile));
    }
    if emergency.nodes.len() != logistics.nodes.len() {
        return fail(format!(
            "{} nodes against {}",
            logistics.nodes.len(),
            emergency.nodes.len()
        ));
    }
    if let Some(i) = (0..emergency.nodes.len()).find(|&i| emergency.nodes[i] != logistics.nodes[i])
    {
        return fail(format!("node {i} differs"));
    }
    if emergency.segments.len() != logistics.segments.len() {
        return fail(format!(
            "{} segments against {}",
            logistics.segments.len(),
            emergency.segments.len()
        ));
    }
    let same_shape = |a: &crate::network::Segment, b: &crate::network::Segment| {
        a.a == b.a
            && a.b == b.b
            && a.time_ab_s.is_finite() == b.time_ab_s.is_finite()
            && a.time_ba_s.is_finite() == b.time_ba_s.is_finite()
    };
    if let Some(i) = (0..emergency.segments.len())
        .find(|&i| !same_shape(&emergency.segments[i], &logistics.segments[i]))
    {
        return fail(format!("segment {i} differs"));
    }
    if emergency.first_out != logistics.first_out || emergency.head != logistics.head {
        return fail("adjacency differs".into());
    }
    Ok(())
}
