//! A province-size scenario from real roads (issue 18), built as values; `report::synth`
//! writes it. Deterministic: the same [`ProvinceSpec`] (seed included) gives the same
//! province, element for element.
//!
//! - **Tiles.** A grid of `cols × rows` cells of [`CELL_WIDTH_M`] × [`CELL_HEIGHT_M`]
//!   centred on 120.0° E, 29.3° N (Zhejiang's latitudes). Each cell holds one source
//!   ([`sources::SourceName`]): the demo district (the largest, 29 × 33 km) in most cells,
//!   a real OSM extract in one cell per [`EXTRACT_EVERY_TILES`], the five in turn, each at
//!   least once while one demo cell stays (a 2x2 grid: three extracts and the demo); which
//!   cell gets which is drawn from the seed. A source is moved in
//!   local metres and re-projected at its cell's latitude; its OSM ids are shifted into the
//!   tile's own range (`(tile + 1) × TILE_ID_SPAN`), so no two tiles share an id and a way
//!   that referenced a node missing from a clipped extract still does.
//! - **Links.** Each tile has one interchange 1.5 km off the south-west corner of its
//!   roads, joined to its nearest major road node (in the tile's largest strongly connected
//!   component) by two one-way `motorway_link` ramps; interchanges of cells side by side are
//!   joined by a dual-carriageway `motorway` (two one-way ways, 120 km/h posted), of cells
//!   one above the other by a `motorway` in even columns and a two-way `trunk` in odd ones.
//!   Intermediate nodes every 1 km (motorway), 500 m (trunk, ramps). The province is then
//!   one strongly connected network: the nodes fireplan keeps are exactly each tile's
//!   largest component plus every generated node ([`Province::expected_graph_nodes`]).
//! - **Districts** (`districts.geojson`): a demo tile keeps the demo's seven rescue
//!   districts and their kinds; any other tile is one county of its source's kind
//!   (Camden, Baltimore, central Helsinki urban; Liechtenstein suburban; Karhula rural),
//!   the bounding box of its nodes widened by 200 m.
//! - **Stations** by district kind ([`STATION_AREA_KM2`]: one per 7 km² urban, 15 km²
//!   suburban, 50 km² rural; at least one), spread by farthest-point sampling over the
//!   district's two-way road nodes, a few metres off the node; class mix by kind.
//!   Logistics: a county depot per tile, a city depot and a city logistics-support station
//!   per block of 3 × 3 tiles, two provincial (`regional`) depots and one provincial
//!   logistics-support station.
//! - **Demand**: the buildings (the extracts' own; a 12 m square at each of the demo's
//!   incident points); a year of incidents (`incidents.csv`, [`INCIDENTS_PER_TILE`] per
//!   tile, 2025, at buildings drawn uniformly, hours by the simulation's default profile,
//!   types by its default mix); 10,000 candidate sites for `optimize` at road nodes.

pub mod services;
pub mod sources;

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::io::osm::{OsmElements, OsmNode, OsmWay};
use crate::model::{District, DistrictKind};
use crate::progress::Progress;
pub use services::{Candidate, Incident, SynthDepot, SynthStation};
use sources::{LocalPoint, Source, SourceName, SourcePaths, METRES_PER_DEGREE};

/// Width (east–west) of a grid cell, metres: the demo's 28.9 km and room for its interchange.
pub const CELL_WIDTH_M: f64 = 32_000.0;
/// Height (north–south) of a grid cell, metres: the demo's 33.4 km and room.
pub const CELL_HEIGHT_M: f64 = 36_000.0;
/// Centre of the province (lon, lat), in Zhejiang.
pub const PROVINCE_CENTRE: (f64, f64) = (120.0, 29.3);
/// One cell per this many copies a real OSM extract (each extract at least once).
pub const EXTRACT_EVERY_TILES: usize = 20;
/// Each tile's OSM ids are shifted by `(tile + 1) ×` this (OSM ids are below 10¹¹).
pub const TILE_ID_SPAN: i64 = 100_000_000_000;
/// The interchange stands this far west and south of the tile's south-west corner, metres.
const INTERCHANGE_OFFSET_M: f64 = 1500.0;
/// Spacing of generated nodes on motorways / trunk roads and ramps, metres.
const MOTORWAY_NODE_SPACING_M: f64 = 1000.0;
const TRUNK_NODE_SPACING_M: f64 = 500.0;
/// Distance between the two carriageways (and the two ramps), metres.
const CARRIAGEWAY_OFFSET_M: f64 = 15.0;
/// Incidents per tile per year (a province of 100 tiles: 200,000).
pub const INCIDENTS_PER_TILE: usize = 2000;
/// Candidate sites written for `optimize --candidates`.
pub const CANDIDATES: usize = 10_000;
/// Stations per km² by district kind: one station per this many km².
pub const STATION_AREA_KM2: [(DistrictKind, f64); 3] = [
    (DistrictKind::Urban, 7.0),
    (DistrictKind::Suburban, 15.0),
    (DistrictKind::Rural, 50.0),
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct ProvinceSpec {
    pub cols: u32,
    pub rows: u32,
    pub seed: u64,
    pub paths: SourcePaths,
}

/// The default grid: 10 × 10 cells (320 × 360 km, 115,200 km²), ≥ 5 M graph nodes.
pub const DEFAULT_GRID: (u32, u32) = (10, 10);

/// One tile of the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    pub col: u32,
    pub row: u32,
    /// County name (`柯桥型03-07`: source label, row, column).
    pub name: String,
    pub source: SourceName,
    /// Where the source's centre was placed.
    pub centre_lon: f64,
    pub centre_lat: f64,
    /// Nodes of this tile fireplan keeps (its source's largest strongly connected component).
    pub graph_nodes: usize,
    /// OSM nodes and ways copied.
    pub osm_nodes: usize,
    pub osm_ways: usize,
    pub buildings: usize,
    /// The interchange node's id.
    pub interchange: i64,
    /// The road node its ramps join (id in the province).
    pub ramp_node: i64,
}

/// The generated province, as values.
#[derive(Debug, Clone)]
pub struct Province {
    pub spec_cols: u32,
    pub spec_rows: u32,
    pub seed: u64,
    pub elements: OsmElements,
    pub tiles: Vec<Tile>,
    pub districts: Vec<District>,
    pub stations: Vec<SynthStation>,
    pub depots: Vec<SynthDepot>,
    pub incidents: Vec<Incident>,
    pub candidates: Vec<Candidate>,
    /// Nodes on the generated motorways, trunk roads and ramps (interchanges included).
    pub link_nodes: usize,
    /// Graph nodes fireplan's import must keep: Σ tiles' + `link_nodes`.
    pub expected_graph_nodes: usize,
    /// Buildings (closed `building=*` ways) in the file.
    pub buildings: usize,
}

impl Province {
    /// The grid's area, km².
    pub fn area_km2(&self) -> f64 {
        f64::from(self.spec_cols) * CELL_WIDTH_M * f64::from(self.spec_rows) * CELL_HEIGHT_M / 1e6
    }
}

/// Which source each cell copies (row-major), drawn from the seed.
pub fn choose_sources(cols: u32, rows: u32, seed: u64) -> Vec<SourceName> {
    let n = (cols * rows) as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let extracts = &SourceName::ALL[1..];
    // One extract tile per EXTRACT_EVERY_TILES tiles, but each extract at least once while
    // at least one demo tile stays.
    let wanted = (n / EXTRACT_EVERY_TILES).max(extracts.len().min(n.saturating_sub(1)));
    let mut cells: Vec<usize> = (0..n).collect();
    // Partial Fisher–Yates: the first `wanted` cells of a seeded shuffle.
    for i in 0..wanted {
        let j = i + rng.random_range(0..n - i);
        cells.swap(i, j);
    }
    let mut out = vec![SourceName::Demo; n];
    for (k, &cell) in cells[..wanted].iter().enumerate() {
        out[cell] = extracts[k % extracts.len()];
    }
    out
}

/// Builds the province of `spec`.
///
/// # Errors
/// [`Error::Option`] for an empty grid; the sources' errors (a missing data or demo
/// folder or extract names it).
pub fn generate(spec: &ProvinceSpec, progress: &dyn Progress) -> Result<Province> {
    if spec.cols == 0 || spec.rows == 0 || spec.cols * spec.rows > 10_000 {
        return Err(Error::option(
            "--grid",
            format!(
                "{}x{}: each side 1 or more, at most 10,000 cells",
                spec.cols, spec.rows
            ),
        ));
    }
    let choice = choose_sources(spec.cols, spec.rows, spec.seed);
    let mut names: Vec<SourceName> = choice.clone();
    names.sort();
    names.dedup();
    progress.start("reading the source networks", None);
    let loaded = sources::load_sources(&spec.paths, &names, progress)?;
    progress.finish();
    let by_name: BTreeMap<SourceName, &Source> = loaded.iter().map(|s| (s.name, s)).collect();

    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x5EED_0001);
    let mut nodes: Vec<OsmNode> = Vec::new();
    let mut ways: Vec<OsmWay> = Vec::new();
    let mut next_id: i64 = 1;
    let mut tiles = Vec::with_capacity(choice.len());
    let mut placed: Vec<Placement> = Vec::with_capacity(choice.len());
    let mut junctions: Vec<(i64, (f64, f64))> = Vec::with_capacity(choice.len());
    progress.start("placing tiles", Some(choice.len() as u64));
    for (t, &name) in choice.iter().enumerate() {
        let src = by_name[&name];
        let (col, row) = (t as u32 % spec.cols, t as u32 / spec.cols);
        let cx = (f64::from(col) + 0.5 - f64::from(spec.cols) / 2.0) * CELL_WIDTH_M;
        let cy = (f64::from(row) + 0.5 - f64::from(spec.rows) / 2.0) * CELL_HEIGHT_M;
        let [x0, y0, x1, y1] = src.extent_m;
        let margin = INTERCHANGE_OFFSET_M * 2.0;
        let slack_x = ((CELL_WIDTH_M - (x1 - x0)) / 2.0 - margin).max(0.0);
        let slack_y = ((CELL_HEIGHT_M - (y1 - y0)) / 2.0 - margin).max(0.0);
        let dx = (rng.random::<f64>() * 2.0 - 1.0) * slack_x - (x0 + x1) / 2.0;
        let dy = (rng.random::<f64>() * 2.0 - 1.0) * slack_y - (y0 + y1) / 2.0;
        let lat_c = PROVINCE_CENTRE.1 + (cy + dy) / METRES_PER_DEGREE;
        let lon_c = PROVINCE_CENTRE.0 + (cx + dx) / (METRES_PER_DEGREE * lat_c.to_radians().cos());
        let p = Placement {
            lon: lon_c,
            lat: lat_c,
            kx: METRES_PER_DEGREE * lat_c.to_radians().cos(),
            base: (t as i64 + 1) * TILE_ID_SPAN,
        };
        for (node, at) in src.elements.nodes.iter().zip(&src.local) {
            let (lon, lat) = p.place(*at);
            nodes.push(OsmNode {
                id: p.base + node.id,
                lon,
                lat,
                tags: node.tags.clone(),
            });
        }
        for way in &src.elements.ways {
            ways.push(OsmWay {
                id: p.base + way.id,
                refs: way.refs.iter().map(|r| p.base + r).collect(),
                tags: way.tags.clone(),
            });
        }
        // Interchange and its ramps.
        let corner = LocalPoint { x_m: x0, y_m: y0 };
        let ramp = nearest_road_node(src, corner, true).ok_or_else(|| {
            Error::Network(format!(
                "source {} has no two-way road node to join a ramp to",
                name.as_str()
            ))
        })?;
        let j_at = p.place(LocalPoint {
            x_m: x0 - INTERCHANGE_OFFSET_M,
            y_m: y0 - INTERCHANGE_OFFSET_M,
        });
        let interchange = next_id;
        next_id += 1;
        junctions.push((interchange, j_at));
        nodes.push(OsmNode {
            id: interchange,
            lon: j_at.0,
            lat: j_at.1,
            tags: Vec::new(),
        });
        let ramp_id = p.base + ramp.id;
        let ramp_at = p.place(ramp.at);
        for (a, b, a_at, b_at) in [
            (interchange, ramp_id, j_at, ramp_at),
            (ramp_id, interchange, ramp_at, j_at),
        ] {
            let refs = link_refs(
                &mut nodes,
                &mut next_id,
                (a, a_at),
                (b, b_at),
                TRUNK_NODE_SPACING_M,
                CARRIAGEWAY_OFFSET_M,
            );
            ways.push(OsmWay {
                id: next_id,
                refs,
                tags: link_tags_fixed("motorway_link", "yes", "60"),
            });
            next_id += 1;
        }
        tiles.push(Tile {
            col,
            row,
            name: format!("{}{:02}-{:02}", name.label_zh(), row + 1, col + 1),
            source: name,
            centre_lon: lon_c,
            centre_lat: lat_c,
            graph_nodes: src.graph_nodes,
            osm_nodes: src.elements.nodes.len(),
            osm_ways: src.elements.ways.len(),
            buildings: src.buildings.len(),
            interchange,
            ramp_node: ramp_id,
        });
        placed.push(p);
        progress.advance(1);
    }
    progress.finish();

    // Motorways and trunk roads between the interchanges of neighbouring cells.
    for (t, tile) in tiles.iter().enumerate() {
        let mut neighbours = Vec::new();
        if tile.col + 1 < spec.cols {
            neighbours.push((t + 1, true));
        }
        if tile.row + 1 < spec.rows {
            neighbours.push((t + spec.cols as usize, tile.col % 2 == 0));
        }
        for (u, motorway) in neighbours {
            let (a, b) = (junctions[t], junctions[u]);
            if motorway {
                for (from, to, side) in [(a, b, 1.0), (b, a, 1.0)] {
                    let refs = link_refs(
                        &mut nodes,
                        &mut next_id,
                        from,
                        to,
                        MOTORWAY_NODE_SPACING_M,
                        side * CARRIAGEWAY_OFFSET_M,
                    );
                    ways.push(OsmWay {
                        id: next_id,
                        refs,
                        tags: link_tags_fixed("motorway", "yes", "120"),
                    });
                    next_id += 1;
                }
            } else {
                let refs = link_refs(&mut nodes, &mut next_id, a, b, TRUNK_NODE_SPACING_M, 0.0);
                ways.push(OsmWay {
                    id: next_id,
                    refs,
                    tags: link_tags_fixed("trunk", "no", "80"),
                });
                next_id += 1;
            }
        }
    }
    if next_id >= TILE_ID_SPAN {
        return Err(Error::option(
            "--grid",
            "the grid is too large for the generated ids",
        ));
    }
    let link_nodes = nodes.iter().filter(|n| n.id < TILE_ID_SPAN).count();

    progress.start("stations, depots, incidents", None);
    let districts = services::districts(&tiles, &placed_sources(&choice, &by_name), &placed);
    let stations_etc = services::services(
        spec.seed,
        &tiles,
        &placed_sources(&choice, &by_name),
        &placed,
        &districts,
        spec.cols,
        spec.rows,
    );
    progress.finish();

    progress.start("sorting elements", None);
    nodes.sort_unstable_by_key(|n| n.id);
    ways.sort_unstable_by_key(|w| w.id);
    progress.finish();
    let expected_graph_nodes = tiles.iter().map(|t| t.graph_nodes).sum::<usize>() + link_nodes;
    let buildings = tiles.iter().map(|t| t.buildings).sum();
    Ok(Province {
        spec_cols: spec.cols,
        spec_rows: spec.rows,
        seed: spec.seed,
        elements: OsmElements { nodes, ways },
        tiles,
        districts,
        stations: stations_etc.stations,
        depots: stations_etc.depots,
        incidents: stations_etc.incidents,
        candidates: stations_etc.candidates,
        link_nodes,
        expected_graph_nodes,
        buildings,
    })
}

fn link_tags_fixed(highway: &str, oneway: &str, maxspeed: &str) -> Vec<(String, String)> {
    vec![
        ("highway".to_string(), highway.to_string()),
        ("oneway".to_string(), oneway.to_string()),
        ("maxspeed".to_string(), maxspeed.to_string()),
    ]
}

fn placed_sources<'a>(
    choice: &[SourceName],
    by_name: &BTreeMap<SourceName, &'a Source>,
) -> Vec<&'a Source> {
    choice.iter().map(|n| by_name[n]).collect()
}

/// Where a tile's source went: its centre and id base.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub lon: f64,
    pub lat: f64,
    /// Metres per degree of longitude at the tile's latitude.
    pub kx: f64,
    pub base: i64,
}

impl Placement {
    /// A local point of the source → (lon, lat) in the province.
    pub fn place(&self, p: LocalPoint) -> (f64, f64) {
        (
            self.lon + p.x_m / self.kx,
            self.lat + p.y_m / METRES_PER_DEGREE,
        )
    }
}

/// The source's road node nearest `to` (a major road's first when `major_first` and
/// one exists).
fn nearest_road_node(src: &Source, to: LocalPoint, major_first: bool) -> Option<sources::RoadNode> {
    let d2 = |r: &sources::RoadNode| (r.at.x_m - to.x_m).powi(2) + (r.at.y_m - to.y_m).powi(2);
    let best = |major_only: bool| {
        src.road_nodes
            .iter()
            .filter(|r| !major_only || r.major)
            .min_by(|a, b| d2(a).total_cmp(&d2(b)).then(a.id.cmp(&b.id)))
            .copied()
    };
    if major_first {
        best(true).or_else(|| best(false))
    } else {
        best(false)
    }
}

/// A generated way's refs from `a` to `b`: `a`, new nodes every `spacing_m` or less
/// (shifted `offset_m` to the right of the direction of travel), `b`.
fn link_refs(
    nodes: &mut Vec<OsmNode>,
    next_id: &mut i64,
    a: (i64, (f64, f64)),
    b: (i64, (f64, f64)),
    spacing_m: f64,
    offset_m: f64,
) -> Vec<i64> {
    let ((ia, (lon_a, lat_a)), (ib, (lon_b, lat_b))) = (a, b);
    let kx = METRES_PER_DEGREE * ((lat_a + lat_b) / 2.0).to_radians().cos();
    let (ex, ny) = ((lon_b - lon_a) * kx, (lat_b - lat_a) * METRES_PER_DEGREE);
    let len = ex.hypot(ny);
    let pieces = (len / spacing_m).ceil().max(1.0) as usize;
    // Right of travel: (ny, -ex) / len.
    let (ox, oy) = if len > 0.0 {
        (ny / len * offset_m, -ex / len * offset_m)
    } else {
        (0.0, 0.0)
    };
    let mut refs = Vec::with_capacity(pieces + 1);
    refs.push(ia);
    for k in 1..pieces {
        let f = k as f64 / pieces as f64;
        nodes.push(OsmNode {
            id: *next_id,
            lon: lon_a + (lon_b - lon_a) * f + ox / kx,
            lat: lat_a + (lat_b - lat_a) * f + oy / METRES_PER_DEGREE,
            tags: Vec::new(),
        });
        refs.push(*next_id);
        *next_id += 1;
    }
    refs.push(ib);
    refs
}
