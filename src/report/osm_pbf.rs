//! An OpenStreetMap PBF writer (`.osm.pbf`, the format `io::osm` reads): nodes as
//! DenseNodes and ways, each block with its own string table, zlib-compressed.
//!
//! No maintained crate writes PBF with a small dependency tree (`osm-io` 0.3 pulls a
//! PostgreSQL client by default), so the protobuf messages of the format are encoded here
//! by hand, with `flate2` (already used by `osmpbf`) for zlib. The file is:
//!
//! - an `OSMHeader` blob: a `HeaderBlock` with the bounding box, the required features
//!   `OsmSchema-V0.6` and `DenseNodes`, the optional feature `Sort.Type_then_ID` when the
//!   elements are sorted, and `writingprogram = "fireplan"`;
//! - `OSMData` blobs of at most [`BLOCK_ENTITIES`] elements each: first the nodes (one
//!   DenseNodes group per block: delta-coded ids and coordinates in 1e-7 degrees, the
//!   `keys_vals` of tagged nodes), then the ways (keys, values, delta-coded refs).
//!
//! No metadata (version, timestamp, user) is written: the output depends only on the
//! elements, byte for byte (same elements → same file).

use std::io::Write;
use std::path::Path;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::io::osm::{OsmElements, OsmNode, OsmWay};
use crate::progress::Progress;

/// Elements per block (the format's guide: 8,000).
pub const BLOCK_ENTITIES: usize = 8000;

/// Coordinates are written in units of 1e-7 degrees (granularity 100 nanodegrees).
const COORD_UNITS_PER_DEGREE: f64 = 1e7;

/// Blocks compressed in parallel at a time (bounded memory).
const BLOCKS_PER_BATCH: usize = 64;

/// Writes `elements` as an `.osm.pbf` file at `path`, atomically; `progress` counts the
/// elements written. Returns the file size in bytes.
///
/// # Errors
/// [`Error::Output`] when a node lies outside −180…180 / −90…90 or a block grows past the
/// format's 32 MiB limit; [`Error::Io`] when the file cannot be written.
pub fn write_osm_pbf(path: &Path, elements: &OsmElements, progress: &dyn Progress) -> Result<u64> {
    let mut size = 0u64;
    crate::atomic::write_atomic_with(path, |w| {
        let mut counting = CountingWriter { inner: w, bytes: 0 };
        write_osm_pbf_to(&mut counting, elements, progress)
            .and_then(|()| counting.inner.flush().map_err(|e| Error::io(path, e)))?;
        size = counting.bytes;
        Ok(())
    })?;
    Ok(size)
}

struct CountingWriter<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for CountingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `elements` as PBF into `w` (see the module documentation).
///
/// # Errors
/// As [`write_osm_pbf`]; a write error of `w` is [`Error::Output`].
pub fn write_osm_pbf_to(
    w: &mut dyn Write,
    elements: &OsmElements,
    progress: &dyn Progress,
) -> Result<()> {
    if let Some(n) = elements
        .nodes
        .iter()
        .find(|n| !((-180.0..=180.0).contains(&n.lon) && (-90.0..=90.0).contains(&n.lat)))
    {
        return Err(Error::output(
            "OSM PBF",
            format!(
                "node {} lies at lon {}, lat {}, outside −180…180 / −90…90",
                n.id, n.lon, n.lat
            ),
        ));
    }
    let io_err = |e: std::io::Error| Error::output("OSM PBF", format!("writing failed: {e}"));
    let sorted = elements.nodes.windows(2).all(|p| p[0].id < p[1].id)
        && elements.ways.windows(2).all(|p| p[0].id < p[1].id);
    let header = header_block(elements, sorted);
    w.write_all(&blob("OSMHeader", &header)?).map_err(io_err)?;

    let total = (elements.nodes.len() + elements.ways.len()) as u64;
    progress.start("writing OSM PBF", Some(total));
    let node_blocks: Vec<&[OsmNode]> = elements.nodes.chunks(BLOCK_ENTITIES).collect();
    for batch in node_blocks.chunks(BLOCKS_PER_BATCH) {
        let blobs: Vec<Result<Vec<u8>>> = batch
            .par_iter()
            .map(|nodes| blob("OSMData", &node_block(nodes)))
            .collect();
        for (b, nodes) in blobs.into_iter().zip(batch) {
            w.write_all(&b?).map_err(io_err)?;
            progress.advance(nodes.len() as u64);
        }
    }
    let way_blocks: Vec<&[OsmWay]> = elements.ways.chunks(BLOCK_ENTITIES).collect();
    for batch in way_blocks.chunks(BLOCKS_PER_BATCH) {
        let blobs: Vec<Result<Vec<u8>>> = batch
            .par_iter()
            .map(|ways| blob("OSMData", &way_block(ways)))
            .collect();
        for (b, ways) in blobs.into_iter().zip(batch) {
            w.write_all(&b?).map_err(io_err)?;
            progress.advance(ways.len() as u64);
        }
    }
    progress.finish();
    Ok(())
}

/// A coordinate in 1e-7 degrees (what the file stores at granularity 100).
fn units(deg: f64) -> i64 {
    (deg * COORD_UNITS_PER_DEGREE).round() as i64
}

/// The `HeaderBlock` message.
fn header_block(elements: &OsmElements, sorted: bool) -> Vec<u8> {
    let mut m = Vec::new();
    if !elements.nodes.is_empty() {
        let (mut w, mut e, mut s, mut n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for node in &elements.nodes {
            w = w.min(node.lon);
            e = e.max(node.lon);
            s = s.min(node.lat);
            n = n.max(node.lat);
        }
        // HeaderBBox: left, right, top, bottom in nanodegrees (sint64).
        let mut bbox = Vec::new();
        for (field, deg) in [(1, w), (2, e), (3, n), (4, s)] {
            put_key(&mut bbox, field, 0);
            put_varint(&mut bbox, zigzag(units(deg) * 100));
        }
        put_bytes(&mut m, 1, &bbox);
    }
    put_bytes(&mut m, 4, b"OsmSchema-V0.6");
    put_bytes(&mut m, 4, b"DenseNodes");
    if sorted {
        put_bytes(&mut m, 5, b"Sort.Type_then_ID");
    }
    put_bytes(&mut m, 16, b"fireplan");
    m
}

/// A block's string table: index 0 is the empty string, then strings in first-use order.
#[derive(Default)]
struct StringTable {
    strings: Vec<Vec<u8>>,
    index: std::collections::HashMap<String, u32>,
}

impl StringTable {
    fn new() -> Self {
        StringTable {
            strings: vec![Vec::new()],
            index: std::collections::HashMap::new(),
        }
    }
    fn get(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.as_bytes().to_vec());
        self.index.insert(s.to_string(), i);
        i
    }
    fn encode(&self) -> Vec<u8> {
        let mut m = Vec::new();
        for s in &self.strings {
            put_bytes(&mut m, 1, s);
        }
        m
    }
}

/// A `PrimitiveBlock` of one `PrimitiveGroup` holding `group` (field `group_field` of
/// the group: 2 dense nodes, 3 ways), with its string table.
fn primitive_block(strings: &StringTable, group: &[u8]) -> Vec<u8> {
    let mut block = Vec::with_capacity(group.len() + 1024);
    put_bytes(&mut block, 1, &strings.encode());
    put_bytes(&mut block, 2, group);
    block
}

/// One block of nodes as a DenseNodes group.
fn node_block(nodes: &[OsmNode]) -> Vec<u8> {
    let mut strings = StringTable::new();
    let (mut ids, mut lats, mut lons, mut kv) = (
        Vec::with_capacity(nodes.len() * 4),
        Vec::with_capacity(nodes.len() * 4),
        Vec::with_capacity(nodes.len() * 4),
        Vec::new(),
    );
    let any_tags = nodes.iter().any(|n| !n.tags.is_empty());
    let (mut pid, mut plat, mut plon) = (0i64, 0i64, 0i64);
    for n in nodes {
        put_varint(&mut ids, zigzag(n.id - pid));
        pid = n.id;
        let (lat, lon) = (units(n.lat), units(n.lon));
        put_varint(&mut lats, zigzag(lat - plat));
        put_varint(&mut lons, zigzag(lon - plon));
        (plat, plon) = (lat, lon);
        if any_tags {
            for (k, v) in &n.tags {
                put_varint(&mut kv, u64::from(strings.get(k)));
                put_varint(&mut kv, u64::from(strings.get(v)));
            }
            put_varint(&mut kv, 0);
        }
    }
    let mut dense = Vec::with_capacity(ids.len() + lats.len() + lons.len() + kv.len() + 32);
    put_bytes(&mut dense, 1, &ids);
    put_bytes(&mut dense, 8, &lats);
    put_bytes(&mut dense, 9, &lons);
    if any_tags {
        put_bytes(&mut dense, 10, &kv);
    }
    let mut group = Vec::with_capacity(dense.len() + 8);
    put_bytes(&mut group, 2, &dense);
    primitive_block(&strings, &group)
}

/// One block of ways.
fn way_block(ways: &[OsmWay]) -> Vec<u8> {
    let mut strings = StringTable::new();
    let mut group = Vec::new();
    let (mut keys, mut vals, mut refs, mut way) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for w in ways {
        keys.clear();
        vals.clear();
        refs.clear();
        way.clear();
        for (k, v) in &w.tags {
            put_varint(&mut keys, u64::from(strings.get(k)));
            put_varint(&mut vals, u64::from(strings.get(v)));
        }
        let mut prev = 0i64;
        for &r in &w.refs {
            put_varint(&mut refs, zigzag(r - prev));
            prev = r;
        }
        put_key(&mut way, 1, 0);
        put_varint(&mut way, w.id as u64);
        if !w.tags.is_empty() {
            put_bytes(&mut way, 2, &keys);
            put_bytes(&mut way, 3, &vals);
        }
        put_bytes(&mut way, 8, &refs);
        put_bytes(&mut group, 3, &way);
    }
    primitive_block(&strings, &group)
}

/// A `BlobHeader` (length-prefixed) and its `Blob` with `data` zlib-compressed.
fn blob(kind: &str, data: &[u8]) -> Result<Vec<u8>> {
    // The format caps an uncompressed block at 32 MiB.
    if data.len() > 32 << 20 {
        return Err(Error::output(
            "OSM PBF",
            format!(
                "a block of {} bytes exceeds the format's 32 MiB",
                data.len()
            ),
        ));
    }
    let mut z = ZlibEncoder::new(Vec::with_capacity(data.len() / 2), Compression::new(6));
    z.write_all(data)
        .map_err(|e| Error::output("OSM PBF", format!("compressing a block failed: {e}")))?;
    let compressed = z
        .finish()
        .map_err(|e| Error::output("OSM PBF", format!("compressing a block failed: {e}")))?;
    let mut body = Vec::with_capacity(compressed.len() + 16);
    put_key(&mut body, 2, 0);
    put_varint(&mut body, data.len() as u64);
    put_bytes(&mut body, 3, &compressed);
    let mut header = Vec::new();
    put_bytes(&mut header, 1, kind.as_bytes());
    put_key(&mut header, 3, 0);
    put_varint(&mut header, body.len() as u64);
    let mut out = Vec::with_capacity(4 + header.len() + body.len());
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&body);
    Ok(out)
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A field key: field number and wire type (0 varint, 2 length-delimited).
fn put_key(out: &mut Vec<u8>, field: u32, wire: u8) {
    put_varint(out, (u64::from(field) << 3) | u64::from(wire));
}

fn put_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(out, field, 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_match_the_protobuf_encoding() {
        let mut v = Vec::new();
        put_varint(&mut v, 300);
        assert_eq!(v, [0xAC, 0x02]);
        assert_eq!(zigzag(0), 0);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        assert_eq!(zigzag(-2), 3);
        assert_eq!(zigzag(i64::MIN), u64::MAX);
    }
}
