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

use sha2::{Digest, Sha256};

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
    /// Building the graph from the import; 0 when read from the cache.
    pub build_s: f64,
    /// Writing the cache (both vehicle profiles); 0 without a cache or when read from it.
    pub cache_write_s: f64,
    /// Reading, checking and decoding the cache file and indexing its segments for
    /// snapping; 0 when imported.
    pub cache_read_s: f64,
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

/// What is cached per network file and model parameters.
#[derive(Serialize, Deserialize)]
struct CacheEntry {
    network: Network,
    import: ImportStats,
    buildings: Vec<RawBuilding>,
}

impl CacheEntry {
    fn into_prepared(self, from_cache: bool) -> (PreparedNetwork, Vec<RawBuilding>) {
        let index = SnapIndex::new(&self.network);
        (
            PreparedNetwork {
                network: self.network,
                index,
                import: self.import,
                from_cache,
                cache_rebuilt: None,
                closures: Vec::new(),
                open: None,
                timings: NetworkTimings::default(),
            },
            self.buildings,
        )
    }
}

/// A cache file: the format version and the key it was built for, and a SHA-256 over the
/// payload (the postcard bytes of a [`CacheEntry`]), so that a stale, truncated or damaged
/// file is detected and rebuilt — never decoded into wrong numbers or a panic.
#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    key: String,
    sha256: [u8; 32],
    payload: Vec<u8>,
}

/// Writes a cache entry for `key`; a cache that cannot be written only costs time next
/// run, so failures are ignored.
fn write_cache(path: &std::path::Path, key: &str, entry: &CacheEntry) {
    let Ok(payload) = postcard::to_stdvec(entry) else {
        return;
    };
    let file = CacheFile {
        format: CACHE_FORMAT,
        key: key.to_string(),
        sha256: Sha256::digest(&payload).into(),
        payload,
    };
    if let Ok(bytes) = postcard::to_stdvec(&file) {
        let _ = crate::atomic::write_atomic(path, &bytes);
    }
}

/// The entry of a cache file when it is whole and was built for `key`; otherwise why not
/// (the caller rebuilds the network).
fn read_cache(bytes: &[u8], key: &str) -> std::result::Result<CacheEntry, String> {
    let file: CacheFile = postcard::from_bytes(bytes).map_err(|e| format!("unreadable ({e})"))?;
    if file.format != CACHE_FORMAT {
        return Err(format!("format {} (expected {CACHE_FORMAT})", file.format));
    }
    if file.key != key {
        return Err("built for other inputs".into());
    }
    if <[u8; 32]>::from(Sha256::digest(&file.payload)) != file.sha256 {
        return Err("checksum mismatch (damaged)".into());
    }
    let entry: CacheEntry =
        postcard::from_bytes(&file.payload).map_err(|e| format!("undecodable ({e})"))?;
    entry
        .network
        .check_consistent()
        .map_err(|e| format!("inconsistent network ({e})"))?;
    Ok(entry)
}

/// For the `cache_decoder` fuzz target (issue 20): reads `bytes` as a cache file, as a bare
/// payload behind a matching checksum, and as a cache file whose payload is re-sealed (so
/// that a mutated payload gets past the checksum). Every entry the reader accepts is then
/// driven through the snapping index and both searches, which must not panic.
#[doc(hidden)]
pub fn exercise_cache_bytes(bytes: &[u8]) {
    use crate::network::search::{two_nearest, Dijkstra, Seed};
    const KEY: &str = "fuzz";
    let seal = |payload: &[u8]| {
        postcard::to_stdvec(&CacheFile {
            format: CACHE_FORMAT,
            key: KEY.into(),
            sha256: Sha256::digest(payload).into(),
            payload: payload.to_vec(),
        })
        .ok()
    };
    let mut files = vec![bytes.to_vec()];
    files.extend(seal(bytes));
    if let Ok(file) = postcard::from_bytes::<CacheFile>(bytes) {
        files.extend(seal(&file.payload));
    }
    for entry in files.iter().filter_map(|f| read_cache(f, KEY).ok()) {
        let (prepared, _) = entry.into_prepared(true);
        let net = &prepared.network;
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
        let _ = prepared.index.snap(net, at.lon + 1e-4, at.lat);
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
    let (open, buildings) = prepare_open_network(scenario, profile, opts, files)?;
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

/// [`prepare_network`] before the closures.
fn prepare_open_network(
    scenario: &Scenario,
    profile: Profile,
    opts: &RunOptions,
    files: &mut Vec<InputFile>,
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
            match read_cache(&bytes, k) {
                Ok(entry) => {
                    let (mut prepared, buildings) = entry.into_prepared(true);
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
    let network = Network::build(&raw, &scenario.params, profile);
    timings.build_s = t0.elapsed().as_secs_f64();
    progress.finish();
    if network.node_count() == 0 {
        return Err(Error::Network(format!(
            "{}: the road network has no strongly connected part (no drivable roads?)",
            scenario.path.display()
        )));
    }
    let entry = CacheEntry {
        network,
        import: raw.stats.clone(),
        buildings: std::mem::take(&mut raw.buildings),
    };
    if let Some((cp, k)) = &cached {
        let t0 = Instant::now();
        write_cache(cp, k, &entry);
        // The other vehicle profile costs a few milliseconds to build from the same import:
        // cache it too, so supply reach (logistics) never reads the road files again.
        let other = NetworkKey {
            profile: match profile {
                Profile::Emergency => Profile::Logistics,
                Profile::Logistics => Profile::Emergency,
            },
            ..key.clone()
        };
        if let Some((op, ok)) = cache_path(&other) {
            let other_entry = CacheEntry {
                network: Network::build(&raw, &scenario.params, other.profile),
                import: entry.import.clone(),
                buildings: entry.buildings.clone(),
            };
            write_cache(&op, &ok, &other_entry);
        }
        timings.cache_write_s = t0.elapsed().as_secs_f64();
    }
    let (mut prepared, buildings) = entry.into_prepared(false);
    prepared.cache_rebuilt = rebuilt;
    prepared.timings = timings;
    Ok((prepared, buildings))
}

/// Prepares the logistics network of `scenario` (from the cache when it can). Given the
/// emergency network, it is checked against it before the closures and then closed where
/// the emergency network is (the closure files are not read again).
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
    let (open, _) = prepare_open_network(scenario, Profile::Logistics, opts, &mut files)?;
    let e_open = e.open.as_deref().unwrap_or(e);
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
