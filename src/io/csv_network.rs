//! The CSV road network of DESIGN §10: a nodes file (`id, lon, lat`) and an edges file
//! (`from, to, highway` + optional `length_m, maxspeed_kmh, oneway`, and the limits
//! `maxweight_t, maxheight_m, maxwidth_m`), read into the same
//! [`RawNetwork`] the OSM reader produces, so that one builder serves both.

use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::network::raw::{
    haversine_m, Highway, Oneway, RawNetwork, RawNode, RawSegment, RoadLimits,
};

use super::crs::ToWgs84;
use super::tables::{non_negative, positive, read_table, text, Col, IdIndex};
use crate::names::nearest;
use crate::params::Crs;

/// The `highway` values an edges file may use (DESIGN §3), for error messages.
const HIGHWAYS: &[&str] = &[
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "road",
];

/// Reads a CSV road network; node coordinates are in `crs` and converted to WGS-84.
///
/// Node ids are any non-empty text (`17`, `n0`, `CNN 12345`, a GUID), matched exactly as
/// written (after trimming); a node's [`RawNode::id`] is its position in the file, since
/// the search numbers nodes and no output names a road node.
///
/// Nodes keep file order. Each edges row is one segment: `length_m` defaults to the
/// haversine length; `oneway` is `yes`, `no` or `-1` (also `1`/`true`, `0`/`false`), and
/// when it is absent the rules of [`Oneway::from_tags`] apply (motorways are one-way).
/// `ignore_oneway` makes every segment two-way. Errors name the file and line: duplicate
/// node ids, edges between unknown nodes, undrivable `highway` values, bad numbers.
pub fn read_csv_network(
    nodes: &Path,
    edges: &Path,
    crs: Crs,
    ignore_oneway: bool,
) -> Result<RawNetwork> {
    struct NodeCols {
        id: Col,
        lon: Col,
        lat: Col,
    }
    struct EdgeCols {
        from: Col,
        to: Col,
        highway: Col,
        length_m: Option<Col>,
        maxspeed_kmh: Option<Col>,
        oneway: Option<Col>,
        maxweight_t: Option<Col>,
        maxheight_m: Option<Col>,
        maxwidth_m: Option<Col>,
    }

    let to_wgs84 = ToWgs84::for_file(nodes, crs)?;
    let mut ids: IdIndex<String> = IdIndex::new();
    let raw_nodes = read_table(
        nodes,
        &["id", "lon", "lat"],
        |h| {
            Ok(NodeCols {
                id: h.required("id")?,
                lon: h.required("lon")?,
                lat: h.required("lat")?,
            })
        },
        |c, row| {
            let id = row.required(c.id, text)?;
            let index = ids.insert(row, "id", id)?;
            if u32::try_from(index).is_err() {
                return Err(row.error("id", "too many nodes: at most 4,294,967,296 are supported"));
            }
            let (lon, lat) = row.lon_lat(c.lon, c.lat, &to_wgs84)?;
            Ok(RawNode {
                id: index as i64,
                lon,
                lat,
            })
        },
    )?;

    let nodes_name = nodes.file_name().map_or_else(
        || nodes.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let node_index = |s: &str| -> Result<u32, String> {
        ids.get(s)
            // Every index fits in u32: checked while reading the nodes.
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| unknown_node(s, &ids, &nodes_name))
    };
    let mut lengths = GivenLengths::default();
    let segments = read_table(
        edges,
        &[
            "from",
            "to",
            "highway",
            "length_m",
            "maxspeed_kmh",
            "oneway",
            "maxweight_t",
            "maxheight_m",
            "maxwidth_m",
        ],
        |h| {
            Ok(EdgeCols {
                from: h.required("from")?,
                to: h.required("to")?,
                highway: h.required("highway")?,
                length_m: h.optional("length_m")?,
                maxspeed_kmh: h.optional("maxspeed_kmh")?,
                oneway: h.optional("oneway")?,
                maxweight_t: h.optional("maxweight_t")?,
                maxheight_m: h.optional("maxheight_m")?,
                maxwidth_m: h.optional("maxwidth_m")?,
            })
        },
        |c, row| {
            let from = row.required(c.from, node_index)?;
            let to = row.required(c.to, node_index)?;
            let highway = row.required(c.highway, highway)?;
            let oneway = row.optional(c.oneway, oneway_tag)?;
            let (a, b) = (raw_nodes[from as usize], raw_nodes[to as usize]);
            let limit = |col| row.optional(col, positive).map(|v| v.map(|v| v as f32));
            let limits = RoadLimits {
                max_weight_t: limit(c.maxweight_t)?,
                max_height_m: limit(c.maxheight_m)?,
                max_width_m: limit(c.maxwidth_m)?,
            };
            Ok(RawSegment {
                limits,
                from,
                to,
                highway,
                oneway: Oneway::from_tags(oneway, highway, false, ignore_oneway),
                maxspeed_kmh: row.optional(c.maxspeed_kmh, positive)?,
                length_m: match row.optional(c.length_m, segment_length_m)? {
                    Some(m) => {
                        lengths.given += 1;
                        if m > 0.0 {
                            lengths.nonzero += 1;
                        } else {
                            let straight_m = haversine_m(a.lon, a.lat, b.lon, b.lat);
                            lengths.zero_apart_m = lengths.zero_apart_m.max(straight_m);
                        }
                        m
                    }
                    None => haversine_m(a.lon, a.lat, b.lon, b.lat),
                },
            })
        },
    )?;

    if lengths.given > 0 && lengths.nonzero == 0 && lengths.zero_apart_m > 1.0 {
        return Err(Error::input(
            edges,
            Location::File,
            "length_m",
            format!(
                "every `length_m` given is 0 ({} segments) although nodes they join are up to \
                 {} m apart: every travel time would be 0 and every place covered. Fill in \
                 the lengths in metres, or leave the column out to use straight-line lengths",
                lengths.given,
                lengths.zero_apart_m.round()
            ),
        ));
    }
    let mut network = RawNetwork {
        nodes: raw_nodes,
        segments,
        ..RawNetwork::default()
    };
    network.stats.nodes_read = network.nodes.len() as u64;
    network.stats.drivable_ways = network.segments.len() as u64;
    Ok(network)
}

/// The message for an edge end that names no node: the id as written, the nodes file, and
/// an id that differs only in letter case (`n12` for `N12`). Ids are matched exactly, and
/// near-miss suggestions would mislead on numeric ids (1234 is not a misspelt 1235).
fn unknown_node(id: &str, ids: &IdIndex<String>, nodes_name: &str) -> String {
    let hint = ids
        .ids()
        .filter(|known| known.eq_ignore_ascii_case(id))
        .min()
        .map(|n| format!(" (ids are case-sensitive: did you mean `{n}`?)"))
        .unwrap_or_default();
    format!(
        "unknown node id `{}`: not in {nodes_name}{hint}",
        super::tables::quoted(id)
    )
}

/// What the `length_m` cells held, for refusing a column of zeros (issue 20, S2: all-zero
/// lengths made every travel time 0 and every place covered).
#[derive(Default)]
struct GivenLengths {
    given: usize,
    nonzero: usize,
    /// The longest straight line between the nodes of a segment given as 0 m.
    zero_apart_m: f64,
}

/// A drivable `highway` value (case-insensitive).
fn highway(s: &str) -> Result<Highway, String> {
    Highway::parse(&s.to_ascii_lowercase()).ok_or_else(|| {
        let hint = nearest(s, HIGHWAYS.iter().copied())
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        format!(
            "`{s}` is not a drivable highway class; expected one of {}{hint}",
            HIGHWAYS.join(", ")
        )
    })
}

/// An `oneway` cell, normalised to the tag value [`Oneway::from_tags`] understands.
fn oneway_tag(s: &str) -> Result<&'static str, String> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "1" | "true" => Ok("yes"),
        "no" | "0" | "false" => Ok("no"),
        "-1" => Ok("-1"),
        _ => Err(format!(
            "expected yes, no or -1, got `{}`",
            super::tables::quoted(s)
        )),
    }
}

/// The longest road segment between two nodes accepted, metres: anything longer is a unit
/// mistake (kilometres as metres, a sentinel value) that would make road figures infinite.
const MAX_SEGMENT_M: f64 = 1_000_000.0;

/// A `length_m` cell: finite, ≥ 0 and at most [`MAX_SEGMENT_M`].
fn segment_length_m(s: &str) -> Result<f64, String> {
    let v = non_negative(s)?;
    if v <= MAX_SEGMENT_M {
        Ok(v)
    } else {
        Err(format!(
            "expected at most {MAX_SEGMENT_M} m (1,000 km) between two nodes, got {}; \
             is the length in metres?",
            super::tables::quoted(s)
        ))
    }
}
