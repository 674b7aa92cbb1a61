//! Context layers of the maps (issue 16): read from the OSM extract
//! ([`read_osm_context`]) and from the scenario's GeoJSON layers
//! ([`read_context_layer`], `[[map.layer]]`), into [`MapContext`].
//!
//! From the extract: water areas (`natural=water`, `waterway=riverbank`,
//! `landuse=reservoir|basin`), land use (`landuse=residential|industrial|forest|farmland`
//! and their kin, `natural=wood`) as closed ways or multipolygon relations; rivers, canals,
//! streams and coastlines as lines; railways (`rail`, `light_rail`, `subway`, not in a
//! tunnel) as lines; `place=city|town|suburb|village|neighbourhood` nodes with a name;
//! `boundary=administrative` with `admin_level` ≤ 8 as lines, one per way.
//!
//! Three parallel passes (the road import's `par_fold`): tagged ways, relations and place
//! nodes; the relations' member ways; the coordinates of every node referenced.
//! Multipolygon rings are joined from their member ways end to end ([`assemble_rings`]);
//! a ring that does not close (a member cut off by the extract's box) is left out.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use geo::{Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use geojson::{JsonValue as Json, Value as Geometry};
use osmpbf::Element;

use super::crs::ToWgs84;
use super::districts::{polygon, read_features_with_geometry};
use super::osm::{check_header, merge_vecs, par_fold};
use crate::error::{Error, Location, Result};
use crate::model::context::{
    AdminBoundary, ContextStyle, LanduseClass, MapContext, PlaceName, PlaceRank,
};
use crate::params::ContextLayerParams;

/// Boundaries above this `admin_level` (wards, quarters) are not drawn.
pub const MAX_ADMIN_LEVEL: u8 = 8;

/// What an area feature is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AreaClass {
    Water,
    Landuse(LanduseClass),
}

/// What a line feature is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineClass {
    Water,
    Rail,
}

fn tag<'a>(tags: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The area class of an element's tags: water or one of the tinted land uses.
fn area_class(tags: &[(&str, &str)]) -> Option<AreaClass> {
    let water = matches!(tag(tags, "natural"), Some("water"))
        || matches!(tag(tags, "waterway"), Some("riverbank"))
        || matches!(tag(tags, "landuse"), Some("reservoir" | "basin"));
    if water {
        return Some(AreaClass::Water);
    }
    let landuse = match tag(tags, "landuse") {
        Some("residential") => Some(LanduseClass::Residential),
        Some("industrial") => Some(LanduseClass::Industrial),
        Some("forest") => Some(LanduseClass::Forest),
        Some("farmland" | "meadow" | "orchard" | "vineyard") => Some(LanduseClass::Farmland),
        _ => None,
    };
    landuse
        .or_else(|| (tag(tags, "natural") == Some("wood")).then_some(LanduseClass::Forest))
        .map(AreaClass::Landuse)
}

/// The line class of a way's tags: a river, canal, stream or coastline; a railway above
/// ground.
fn line_class(tags: &[(&str, &str)]) -> Option<LineClass> {
    if matches!(tag(tags, "waterway"), Some("river" | "canal" | "stream"))
        || tag(tags, "natural") == Some("coastline")
    {
        return Some(LineClass::Water);
    }
    let tunnel = tag(tags, "tunnel").is_some_and(|t| t != "no");
    (matches!(tag(tags, "railway"), Some("rail" | "light_rail" | "subway")) && !tunnel)
        .then_some(LineClass::Rail)
}

/// The admin level of `boundary=administrative` tags, when at most [`MAX_ADMIN_LEVEL`].
fn admin_level(tags: &[(&str, &str)]) -> Option<u8> {
    if tag(tags, "boundary") != Some("administrative") {
        return None;
    }
    tag(tags, "admin_level")
        .and_then(|l| l.trim().parse::<u8>().ok())
        .filter(|l| (1..=MAX_ADMIN_LEVEL).contains(l))
}

/// A way of pass 1: its references and what it is.
#[derive(Debug, Clone)]
struct ContextWay {
    id: i64,
    refs: Vec<i64>,
    area: Option<AreaClass>,
    line: Option<LineClass>,
    admin: Option<u8>,
}

/// What a relation is: an area (multipolygon) or an admin boundary.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RelationKind {
    Area(AreaClass),
    Admin(u8),
}

/// A relation of pass 1 with its member ways by role.
#[derive(Debug, Clone)]
struct ContextRelation {
    id: i64,
    kind: RelationKind,
    outer: Vec<i64>,
    inner: Vec<i64>,
}

#[derive(Default)]
struct Pass1 {
    ways: Vec<ContextWay>,
    relations: Vec<ContextRelation>,
    places: Vec<(i64, PlaceName)>,
}

fn place_of(
    id: i64,
    lon: f64,
    lat: f64,
    tags: &mut dyn Iterator<Item = (&str, &str)>,
) -> Option<(i64, PlaceName)> {
    let tags: Vec<(&str, &str)> = tags.collect();
    let rank = PlaceRank::parse(tag(&tags, "place")?)?;
    let name = tag(&tags, "name")?.trim();
    if name.is_empty() || !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return None;
    }
    let name_en = tag(&tags, "name:en")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    Some((
        id,
        PlaceName {
            name: name.to_string(),
            name_en,
            rank,
            at: Point::new(lon, lat),
        },
    ))
}

fn pass1_element(acc: &mut Pass1, element: Element<'_>) {
    match element {
        Element::Node(n) => {
            if n.tags().any(|(k, _)| k == "place") {
                acc.places
                    .extend(place_of(n.id(), n.lon(), n.lat(), &mut n.tags()));
            }
        }
        Element::DenseNode(n) => {
            if n.tags().any(|(k, _)| k == "place") {
                acc.places
                    .extend(place_of(n.id(), n.lon(), n.lat(), &mut n.tags()));
            }
        }
        Element::Way(w) => {
            let tags: Vec<(&str, &str)> = w.tags().collect();
            if tags.is_empty() {
                return;
            }
            let refs_closed = {
                let mut refs = w.refs();
                let first = refs.next();
                let last = refs.last();
                first.is_some() && first == last
            };
            let area = if refs_closed && tag(&tags, "area") != Some("no") {
                area_class(&tags)
            } else {
                None
            };
            let line = line_class(&tags);
            let admin = admin_level(&tags);
            if area.is_some() || line.is_some() || admin.is_some() {
                acc.ways.push(ContextWay {
                    id: w.id(),
                    refs: w.refs().collect(),
                    area,
                    line,
                    admin,
                });
            }
        }
        Element::Relation(r) => {
            let tags: Vec<(&str, &str)> = r.tags().collect();
            let kind = match tag(&tags, "type") {
                Some("multipolygon") => area_class(&tags)
                    .map(RelationKind::Area)
                    .or_else(|| admin_level(&tags).map(RelationKind::Admin)),
                Some("boundary") => admin_level(&tags).map(RelationKind::Admin),
                _ => None,
            };
            let Some(kind) = kind else {
                return;
            };
            let mut rel = ContextRelation {
                id: r.id(),
                kind,
                outer: Vec::new(),
                inner: Vec::new(),
            };
            for m in r.members() {
                if m.member_type != osmpbf::RelMemberType::Way {
                    continue;
                }
                match m.role().unwrap_or("") {
                    "inner" => rel.inner.push(m.member_id),
                    "outer" | "" => rel.outer.push(m.member_id),
                    _ => {}
                }
            }
            if !rel.outer.is_empty() {
                acc.relations.push(rel);
            }
        }
    }
}

/// Rings joined from ways given as node-id lists, and the ways that did not close into
/// a ring.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RingAssembly {
    /// Closed rings (first id repeated last), in the order their first way was given.
    pub rings: Vec<Vec<i64>>,
    /// Ways left in chains that did not close.
    pub unclosed_ways: usize,
}

/// Joins ways end to end into closed rings (an OSM multipolygon's outer or inner members):
/// each way may be used forwards or reversed; a way already closed is a ring of its own.
/// Deterministic: a ring starts from the first unused way, and at a node where several
/// ways meet the one given first is taken. Chains that cannot be closed are counted, not
/// returned.
pub fn assemble_rings(ways: &[Vec<i64>]) -> RingAssembly {
    let mut out = RingAssembly::default();
    // Ends of every open way: node id → ways (in input order) that start or end there.
    let mut at_end: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut used = vec![false; ways.len()];
    for (i, w) in ways.iter().enumerate() {
        if w.len() < 2 {
            used[i] = true;
            continue;
        }
        if w.first() == w.last() {
            continue;
        }
        at_end.entry(w[0]).or_default().push(i);
        at_end.entry(w[w.len() - 1]).or_default().push(i);
    }
    for start in 0..ways.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut ring = ways[start].clone();
        let mut chain = 1usize;
        while ring.first() != ring.last() {
            let end = ring[ring.len() - 1];
            let next = at_end
                .get(&end)
                .and_then(|list| list.iter().copied().find(|&j| !used[j]));
            let Some(j) = next else {
                break;
            };
            used[j] = true;
            chain += 1;
            let w = &ways[j];
            if w[0] == end {
                ring.extend_from_slice(&w[1..]);
            } else {
                ring.extend(w.iter().rev().skip(1));
            }
        }
        if ring.len() >= 4 && ring.first() == ring.last() {
            out.rings.push(ring);
        } else {
            out.unclosed_ways += chain;
        }
    }
    out
}

/// Node coordinates by id.
type Coords = HashMap<i64, Coord<f64>>;

/// The coordinates of a ring of node ids; None when a node is missing from the extract.
fn ring_coords(ring: &[i64], coords: &Coords) -> Option<LineString<f64>> {
    ring.iter()
        .map(|id| coords.get(id).copied())
        .collect::<Option<Vec<_>>>()
        .map(LineString)
}

/// The runs of a way's nodes present in the extract, each of two nodes or more.
fn line_runs(refs: &[i64], coords: &Coords) -> Vec<LineString<f64>> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for id in refs {
        match coords.get(id) {
            Some(&c) => run.push(c),
            None => {
                if run.len() >= 2 {
                    out.push(LineString(std::mem::take(&mut run)));
                }
                run.clear();
            }
        }
    }
    if run.len() >= 2 {
        out.push(LineString(run));
    }
    out
}

/// Polygons from outer and inner rings: each inner ring goes to the first outer ring that
/// holds its first vertex; inner rings outside every outer are left out.
fn polygons_of(outers: Vec<LineString<f64>>, inners: Vec<LineString<f64>>) -> MultiPolygon<f64> {
    let mut holes: Vec<Vec<LineString<f64>>> = vec![Vec::new(); outers.len()];
    let shells: Vec<Polygon<f64>> = outers
        .iter()
        .map(|o| Polygon::new(o.clone(), Vec::new()))
        .collect();
    for inner in inners {
        let Some(&first) = inner.0.first() else {
            continue;
        };
        if let Some(i) = shells.iter().position(|s| s.contains(&Point(first))) {
            holes[i].push(inner);
        }
    }
    MultiPolygon(
        outers
            .into_iter()
            .zip(holes)
            .map(|(o, h)| Polygon::new(o, h))
            .collect(),
    )
}

/// Reads the context features of an OSM extract (three parallel passes).
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Input`] (field `osm`) when it is
/// not an OpenStreetMap PBF file or is damaged.
pub fn read_osm_context(path: &Path) -> Result<MapContext> {
    check_header(path)?;
    let mut p1 = par_fold(path, Pass1::default, pass1_element, |mut a, b| {
        a.ways = merge_vecs(a.ways, b.ways);
        a.relations = merge_vecs(a.relations, b.relations);
        a.places = merge_vecs(a.places, b.places);
        a
    })?;
    p1.ways.sort_by_key(|w| w.id);
    p1.ways.dedup_by_key(|w| w.id);
    p1.relations.sort_by_key(|r| r.id);
    p1.relations.dedup_by_key(|r| r.id);
    p1.places.sort_by_key(|p| p.0);
    p1.places.dedup_by_key(|p| p.0);

    // Pass 2: the member ways of the relations (mostly untagged), by id.
    let mut members: Vec<i64> = p1
        .relations
        .iter()
        .flat_map(|r| r.outer.iter().chain(&r.inner).copied())
        .collect();
    members.sort_unstable();
    members.dedup();
    let mut member_refs: Vec<(i64, Vec<i64>)> = if members.is_empty() {
        Vec::new()
    } else {
        par_fold(
            path,
            Vec::new,
            |acc: &mut Vec<(i64, Vec<i64>)>, element| {
                if let Element::Way(w) = element {
                    if members.binary_search(&w.id()).is_ok() {
                        acc.push((w.id(), w.refs().collect()));
                    }
                }
            },
            merge_vecs,
        )?
    };
    member_refs.sort_by_key(|w| w.0);
    member_refs.dedup_by_key(|w| w.0);
    let way_refs: HashMap<i64, &[i64]> = member_refs
        .iter()
        .map(|(id, r)| (*id, r.as_slice()))
        .collect();

    // Pass 3: coordinates of every node referenced.
    let mut needed: Vec<i64> = p1
        .ways
        .iter()
        .flat_map(|w| w.refs.iter().copied())
        .chain(member_refs.iter().flat_map(|w| w.1.iter().copied()))
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let coords: Coords = if needed.is_empty() {
        HashMap::new()
    } else {
        let node = |id: i64, lon: f64, lat: f64| {
            ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat))
                .then_some((id, Coord { x: lon, y: lat }))
        };
        par_fold(
            path,
            Vec::new,
            |acc: &mut Vec<(i64, Coord<f64>)>, element| {
                let found = match element {
                    Element::Node(n) if needed.binary_search(&n.id()).is_ok() => {
                        node(n.id(), n.lon(), n.lat())
                    }
                    Element::DenseNode(n) if needed.binary_search(&n.id()).is_ok() => {
                        node(n.id(), n.lon(), n.lat())
                    }
                    _ => None,
                };
                acc.extend(found);
            },
            merge_vecs,
        )?
        .into_iter()
        .collect()
    };

    let mut ctx = MapContext::default();
    // Admin lines: every way once, at the lowest level of the boundaries it belongs to.
    let mut admin_ways: BTreeMap<i64, u8> = BTreeMap::new();
    let add_area = |ctx: &mut MapContext, class: AreaClass, area: MultiPolygon<f64>| {
        if area.0.is_empty() {
            return;
        }
        match class {
            AreaClass::Water => ctx.water_areas.push(area),
            AreaClass::Landuse(c) => ctx.landuse.push((c, area)),
        }
    };
    for w in &p1.ways {
        if let Some(class) = w.area {
            if let Some(ring) = ring_coords(&w.refs, &coords) {
                add_area(
                    &mut ctx,
                    class,
                    MultiPolygon(vec![Polygon::new(ring, vec![])]),
                );
            }
        }
        match w.line {
            Some(LineClass::Water) => ctx.water_lines.extend(line_runs(&w.refs, &coords)),
            Some(LineClass::Rail) => ctx.railways.extend(line_runs(&w.refs, &coords)),
            None => {}
        }
        if let Some(level) = w.admin {
            let e = admin_ways.entry(w.id).or_insert(level);
            *e = (*e).min(level);
        }
    }
    let refs_of = |ids: &[i64]| -> Vec<Vec<i64>> {
        ids.iter()
            .filter_map(|id| way_refs.get(id).map(|r| r.to_vec()))
            .collect()
    };
    for r in &p1.relations {
        match r.kind {
            RelationKind::Area(class) => {
                let rings = |ids: &[i64]| -> Vec<LineString<f64>> {
                    assemble_rings(&refs_of(ids))
                        .rings
                        .iter()
                        .filter_map(|ring| ring_coords(ring, &coords))
                        .collect()
                };
                let area = polygons_of(rings(&r.outer), rings(&r.inner));
                add_area(&mut ctx, class, area);
            }
            RelationKind::Admin(level) => {
                for id in r.outer.iter().chain(&r.inner) {
                    let e = admin_ways.entry(*id).or_insert(level);
                    *e = (*e).min(level);
                }
            }
        }
    }
    let tagged: HashMap<i64, &[i64]> = p1.ways.iter().map(|w| (w.id, w.refs.as_slice())).collect();
    for (id, level) in admin_ways {
        let Some(refs) = way_refs.get(&id).or_else(|| tagged.get(&id)) else {
            continue;
        };
        for line in line_runs(refs, &coords) {
            ctx.admin.push(AdminBoundary { level, line });
        }
    }
    ctx.places = p1.places.into_iter().map(|(_, p)| p).collect();
    Ok(ctx)
}

/// Reads one `[[map.layer]]` GeoJSON file into context features of its style.
///
/// Geometries by style: `water` polygons (areas) and lines; `landuse` polygons with a
/// `class` (or `landuse`) property, one of residential, industrial, forest, farmland;
/// `rail` lines; `place` points with `name` (optional `name_en`, and `place`: city, town,
/// suburb, village — the default — or neighbourhood); `admin` lines or polygons (their
/// rings drawn), optional `admin_level` 1–8 (default 8).
///
/// # Errors
/// [`Error::Input`] naming the file, the feature (0-based), the field and what was
/// expected; [`Error::Io`] when the file cannot be read.
pub fn read_context_layer(layer: &ContextLayerParams) -> Result<MapContext> {
    let path = layer.file.as_path();
    let to_wgs84 = ToWgs84::for_file(path, layer.crs)?;
    let style = layer.style;
    let mut ctx = MapContext::default();
    for (index, (geometry, feature)) in read_features_with_geometry(path)?.iter().enumerate() {
        let error = |field: &str, message: String| {
            Error::input(path, Location::Feature(index), field, message)
        };
        let wrong_type = |expected: &str| {
            error(
                "geometry",
                format!(
                    "expected {expected} for a `{}` layer, got {}",
                    style.name(),
                    geometry.type_name()
                ),
            )
        };
        let text_property = |key: &str| -> Result<Option<String>> {
            match feature.property(key) {
                None | Some(Json::Null) => Ok(None),
                Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Json::String(s)) => Ok(Some(s.trim().to_string())),
                Some(Json::Number(n)) => Ok(Some(n.to_string())),
                Some(other) => Err(error(key, format!("expected text, got {other}"))),
            }
        };
        match style {
            ContextStyle::Water => {
                let (areas, lines) =
                    shapes(geometry, &to_wgs84).map_err(|m| error("geometry", m))?;
                if areas.is_none() && lines.is_empty() {
                    return Err(wrong_type(
                        "a Polygon, MultiPolygon, LineString or MultiLineString",
                    ));
                }
                ctx.water_areas.extend(areas);
                ctx.water_lines.extend(lines);
            }
            ContextStyle::Landuse => {
                let classes: Vec<&str> = LanduseClass::ALL.iter().map(|c| c.name()).collect();
                let class = match text_property("class")?.or(text_property("landuse")?) {
                    None => {
                        return Err(error(
                            "class",
                            format!("missing property `class` (one of {})", classes.join(", ")),
                        ))
                    }
                    Some(c) => LanduseClass::parse(&c).ok_or_else(|| {
                        error(
                            "class",
                            format!("expected one of {}, got `{c}`", classes.join(", ")),
                        )
                    })?,
                };
                let (areas, lines) =
                    shapes(geometry, &to_wgs84).map_err(|m| error("geometry", m))?;
                match areas {
                    Some(a) if lines.is_empty() => ctx.landuse.push((class, a)),
                    _ => return Err(wrong_type("a Polygon or MultiPolygon")),
                }
            }
            ContextStyle::Rail => {
                let (areas, lines) =
                    shapes(geometry, &to_wgs84).map_err(|m| error("geometry", m))?;
                if areas.is_some() || lines.is_empty() {
                    return Err(wrong_type("a LineString or MultiLineString"));
                }
                ctx.railways.extend(lines);
            }
            ContextStyle::Admin => {
                let level = match feature.property("admin_level") {
                    None | Some(Json::Null) => MAX_ADMIN_LEVEL,
                    Some(v) => v
                        .as_u64()
                        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                        .filter(|l| (1..=u64::from(MAX_ADMIN_LEVEL)).contains(l))
                        .map(|l| l as u8)
                        .ok_or_else(|| {
                            error(
                                "admin_level",
                                format!("expected a whole number 1 … {MAX_ADMIN_LEVEL}, got {v}"),
                            )
                        })?,
                };
                let (areas, lines) =
                    shapes(geometry, &to_wgs84).map_err(|m| error("geometry", m))?;
                let rings = areas.iter().flat_map(|a| {
                    a.0.iter()
                        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                        .cloned()
                });
                let all: Vec<LineString<f64>> = rings.chain(lines).collect();
                if all.is_empty() {
                    return Err(wrong_type(
                        "a LineString, MultiLineString, Polygon or MultiPolygon",
                    ));
                }
                ctx.admin
                    .extend(all.into_iter().map(|line| AdminBoundary { level, line }));
            }
            ContextStyle::Place => {
                let Geometry::Point(pos) = geometry else {
                    return Err(wrong_type("a Point"));
                };
                let (lon, lat) = match pos.as_slice() {
                    [x, y, ..] => to_wgs84
                        .checked(*x, *y)
                        .map_err(|bad| error("geometry", format!("point: {}", bad.message)))?,
                    _ => {
                        return Err(error(
                            "geometry",
                            format!("point: expected [lon, lat], got {pos:?}"),
                        ))
                    }
                };
                let name = text_property("name")?
                    .ok_or_else(|| error("name", "missing property `name` (required)".into()))?;
                let ranks: Vec<&str> = PlaceRank::ALL.iter().map(|r| r.name()).collect();
                let rank = match text_property("place")? {
                    None => PlaceRank::Village,
                    Some(p) => PlaceRank::parse(&p).ok_or_else(|| {
                        error(
                            "place",
                            format!("expected one of {}, got `{p}`", ranks.join(", ")),
                        )
                    })?,
                };
                ctx.places.push(PlaceName {
                    name,
                    name_en: text_property("name_en")?,
                    rank,
                    at: Point::new(lon, lat),
                });
            }
        }
    }
    Ok(ctx)
}

/// A geometry's areas (None: no polygon) and lines.
type Shapes = (Option<MultiPolygon<f64>>, Vec<LineString<f64>>);

/// The areas and lines of a geometry in WGS-84 (points and collections give neither).
fn shapes(g: &Geometry, to_wgs84: &ToWgs84) -> std::result::Result<Shapes, String> {
    let line = |positions: &[geojson::Position],
                l: usize|
     -> std::result::Result<LineString<f64>, String> {
        if positions.len() < 2 {
            return Err(format!(
                "line {l} has {} position(s); a line needs at least 2",
                positions.len()
            ));
        }
        positions
            .iter()
            .enumerate()
            .map(|(i, pos)| match pos.as_slice() {
                [x, y, ..] => to_wgs84
                    .checked(*x, *y)
                    .map(|(x, y)| Coord { x, y })
                    .map_err(|bad| format!("line {l}, position {i}: {}", bad.message)),
                _ => Err(format!(
                    "line {l}, position {i}: expected [lon, lat], got {pos:?}"
                )),
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map(LineString)
    };
    Ok(match g {
        Geometry::Polygon(rings) => (
            Some(MultiPolygon(vec![polygon(rings, 0, to_wgs84)?])),
            vec![],
        ),
        Geometry::MultiPolygon(polys) => (
            Some(MultiPolygon(
                polys
                    .iter()
                    .enumerate()
                    .map(|(p, rings)| polygon(rings, p, to_wgs84))
                    .collect::<std::result::Result<Vec<_>, _>>()?,
            )),
            vec![],
        ),
        Geometry::LineString(ps) => (None, vec![line(ps, 0)?]),
        Geometry::MultiLineString(ls) => (
            None,
            ls.iter()
                .enumerate()
                .map(|(l, ps)| line(ps, l))
                .collect::<std::result::Result<Vec<_>, _>>()?,
        ),
        Geometry::Point(_) | Geometry::MultiPoint(_) | Geometry::GeometryCollection(_) => {
            (None, vec![])
        }
    })
}
