//! Candidate sites: read from a CSV (`id, lon, lat[, name]`) or generated as network
//! nodes on a grid (only nodes a station could front: no motorway, motorway ramp or trunk
//! ramp meets them; named after the nearest village or station and the direction from it,
//! [`name_by_places`]), then filtered: off the network (farther than `max_snap_m` from a
//! road), on a road a station cannot front, outside the chosen districts, or within a
//! distance of a hazard site (建标152-2017: a station stands at least 300 m from
//! hazardous-materials sites).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::{Contains, Point};
use serde::Serialize;

use crate::error::{Error, Location, Result};
use crate::io::crs::ToWgs84;
use crate::io::tables::{read_table, text, IdIndex};
use crate::model::{District, RoadClass};
use crate::network::raw::{haversine_m, Highway};
use crate::network::{Network, SnapIndex, SnapPoint};
use crate::params::Crs;

/// A candidate site as given or generated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub location: Point<f64>,
    /// Where the candidate was read (`file`, 1-based line) or `None` when generated.
    pub line: Option<u64>,
    /// The grid cell of a generated candidate, `G<row>_<col>` (`--grid`); `None` otherwise.
    pub grid_cell: Option<String>,
}

/// Whether a station could front a road of this kind: not a motorway, nor a motorway or
/// trunk ramp (a station's engines must leave onto a road they can turn on at once).
pub fn frontable(highway: Highway) -> bool {
    !(highway.class == RoadClass::Motorway || (highway.link && highway.class == RoadClass::Trunk))
}

/// The OSM `highway` value of a road kind, for messages (`motorway_link`).
fn highway_tag(highway: Highway) -> String {
    format!(
        "{}{}",
        highway.class.as_str(),
        if highway.link { "_link" } else { "" }
    )
}

/// Why a candidate was left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Exclusion {
    /// Farther than `max_snap_m` from any road (metres).
    OffNetwork(f64),
    /// Inside no chosen district.
    OutsideDistricts,
    /// Closer than the hazard distance to a hazard site (its id, metres).
    NearHazard(String, f64),
    /// Its nearest road is one a station cannot front ([`frontable`]; the OSM `highway`
    /// value, e.g. `motorway_link`).
    NotFrontable(String),
}

impl Exclusion {
    pub fn describe(&self) -> String {
        match self {
            Exclusion::OffNetwork(m) => format!("off the network ({m:.0} m from the nearest road)"),
            Exclusion::OutsideDistricts => "outside the chosen districts".into(),
            Exclusion::NearHazard(id, m) => format!("{m:.0} m from hazard site {id}"),
            Exclusion::NotFrontable(road) => {
                format!("on a {road} road, which a station cannot front")
            }
        }
    }
}

/// A hazard site (hazardous-materials plant, depot, pipeline station …).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hazard {
    pub id: String,
    pub location: Point<f64>,
}

/// Candidates kept (with their snap points) and left out (with the reason).
#[derive(Debug, Clone)]
pub struct CandidateSet {
    pub kept: Vec<(Candidate, SnapPoint)>,
    pub excluded: Vec<(Candidate, Exclusion)>,
    /// Where the candidates came from, for messages (`candidates.csv`, `grid 500 m`).
    pub source: String,
    pub file: Option<PathBuf>,
}

const CANDIDATE_COLUMNS: &[&str] = &["id", "lon", "lat", "name"];

/// Reads a candidates CSV (`id, lon, lat[, name]`, coordinates in `crs`); ids unique.
pub fn read_candidates(path: &Path, crs: Crs) -> Result<Vec<Candidate>> {
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    let mut ids = IdIndex::new();
    read_table(
        path,
        CANDIDATE_COLUMNS,
        |h| {
            Ok((
                h.required("id")?,
                h.required("lon")?,
                h.required("lat")?,
                h.optional("name")?,
            ))
        },
        |&(id_c, lon_c, lat_c, name_c), row| {
            let id = row.required(id_c, text)?;
            ids.insert(row, "id", id.clone())?;
            let (lon, lat) = row.lon_lat(lon_c, lat_c, &to_wgs84)?;
            Ok(Candidate {
                name: row.optional(name_c, text)?.unwrap_or_else(|| id.clone()),
                id,
                location: Point::new(lon, lat),
                line: Some(row.line()),
                grid_cell: None,
            })
        },
    )
}

/// Reads a hazard-sites CSV (`id, lon, lat`).
pub fn read_hazards(path: &Path, crs: Crs) -> Result<Vec<Hazard>> {
    let to_wgs84 = ToWgs84::for_file(path, crs)?;
    read_table(
        path,
        &["id", "lon", "lat", "name", "kind"],
        |h| Ok((h.required("id")?, h.required("lon")?, h.required("lat")?)),
        |&(id_c, lon_c, lat_c), row| {
            let (lon, lat) = row.lon_lat(lon_c, lat_c, &to_wgs84)?;
            Ok(Hazard {
                id: row.required(id_c, text)?,
                location: Point::new(lon, lat),
            })
        },
    )
}

/// One network node per grid cell of `spacing_m` (the node nearest the cell centre among
/// the nodes a station could front: every road meeting it [`frontable`]), over the
/// network's extent, or the chosen districts' extent when `districts` is not empty. Ids and
/// names are the grid cell `G<row>_<col>` until [`name_by_places`] names them; the cell
/// stays in `grid_cell`. Deterministic.
pub fn grid_candidates(net: &Network, spacing_m: f64, districts: &[&District]) -> Vec<Candidate> {
    let proj = &net.projection;
    // Nodes on a motorway or a ramp are no site: the engines could not leave there.
    let mut unfrontable = vec![false; net.nodes.len()];
    for s in &net.segments {
        if !frontable(s.highway) {
            unfrontable[s.a as usize] = true;
            unfrontable[s.b as usize] = true;
        }
    }
    let mut best: HashMap<(i64, i64), (f64, u32)> = HashMap::new();
    for (v, n) in net.nodes.iter().enumerate() {
        if unfrontable[v] {
            continue;
        }
        if !districts.is_empty() {
            let p = Point::new(n.lon, n.lat);
            if !districts.iter().any(|d| d.area.contains(&p)) {
                continue;
            }
        }
        let [x, y] = proj.project(n.lon, n.lat);
        let (cx, cy) = ((x / spacing_m).floor(), (y / spacing_m).floor());
        let centre = ((cx + 0.5) * spacing_m, (cy + 0.5) * spacing_m);
        let d2 = (x - centre.0).powi(2) + (y - centre.1).powi(2);
        let key = (cx as i64, cy as i64);
        let e = best.entry(key).or_insert((f64::INFINITY, u32::MAX));
        if d2 < e.0 || (d2 == e.0 && (v as u32) < e.1) {
            *e = (d2, v as u32);
        }
    }
    let mut cells: Vec<((i64, i64), u32)> = best.into_iter().map(|(k, (_, v))| (k, v)).collect();
    cells.sort_by_key(|&((cx, cy), _)| (cy, cx));
    cells
        .into_iter()
        .map(|((cx, cy), v)| {
            let n = &net.nodes[v as usize];
            let cell = format!("G{cy}_{cx}");
            Candidate {
                name: cell.clone(),
                id: cell.clone(),
                location: Point::new(n.lon, n.lat),
                line: None,
                grid_cell: Some(cell),
            }
        })
        .collect()
}

/// A named place a generated candidate is named after (a village or a station).
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub location: Point<f64>,
}

/// The eight compass directions, from north clockwise, in Chinese and English.
const DIRECTIONS: [(&str, &str); 8] = [
    ("北", "N"),
    ("东北", "NE"),
    ("东", "E"),
    ("东南", "SE"),
    ("南", "S"),
    ("西南", "SW"),
    ("西", "W"),
    ("西北", "NW"),
];

/// A site's name as a planner says it: the nearest place, the direction from it and the
/// distance to 0.1 km — `东村东北1.2公里` (`zh`) or `1.2 km NE of Dongcun` (`en`); within
/// 50 m of the place, `东村` / `at Dongcun`. `None` without places.
pub fn place_name(at: Point<f64>, places: &[Place], english: bool) -> Option<String> {
    let (place, d_m) = places
        .iter()
        .map(|p| {
            let d = haversine_m(p.location.x(), p.location.y(), at.x(), at.y());
            (p, d)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    if d_m < 50.0 {
        return Some(if english {
            format!("at {}", place.name)
        } else {
            place.name.clone()
        });
    }
    // Bearing from the place, degrees clockwise from north (local flat earth: at most a
    // few kilometres).
    let dx = (at.x() - place.location.x()) * place.location.y().to_radians().cos();
    let dy = at.y() - place.location.y();
    let bearing = dx.atan2(dy).to_degrees().rem_euclid(360.0);
    let (zh, en) = DIRECTIONS[((bearing + 22.5) / 45.0).floor() as usize % 8];
    let km = (d_m / 100.0).round() / 10.0;
    Some(if english {
        format!("{km:.1} km {en} of {}", place.name)
    } else {
        format!("{}{zh}{km:.1}公里", place.name)
    })
}

/// Names generated candidates after the nearest place ([`place_name`]) and makes that name
/// their id; a name already taken gets the suffix ` #2`, ` #3`, … in the given (grid)
/// order, so ids stay unique and the same inputs give the same ids. Without places the
/// grid cell stays the id and name.
pub fn name_by_places(candidates: &mut [Candidate], places: &[Place], english: bool) {
    let mut taken: HashMap<String, usize> = HashMap::new();
    for c in candidates.iter_mut() {
        let Some(name) = place_name(c.location, places, english) else {
            continue;
        };
        let n = taken.entry(name.clone()).or_insert(0);
        *n += 1;
        c.id = if *n == 1 {
            name.clone()
        } else {
            format!("{name} #{n}")
        };
        c.name = c.id.clone();
    }
}

/// Candidates kept (with snap points) and left out (with the reason).
pub type Filtered = (Vec<(Candidate, SnapPoint)>, Vec<(Candidate, Exclusion)>);

/// Snaps the candidates and applies the exclusions. `districts`: the chosen districts
/// (empty = no district filter); `hazard_m`: minimum distance from every hazard site.
pub fn filter(
    net: &Network,
    index: &SnapIndex,
    candidates: Vec<Candidate>,
    districts: &[&District],
    hazards: &[Hazard],
    hazard_m: f64,
    max_snap_m: f64,
) -> Filtered {
    let mut kept = Vec::new();
    let mut excluded = Vec::new();
    for c in candidates {
        let (lon, lat) = (c.location.x(), c.location.y());
        let snap = index.snap(net, lon, lat);
        let why = match snap {
            None => Some(Exclusion::OffNetwork(f64::INFINITY)),
            Some(s) if s.access_m > max_snap_m => Some(Exclusion::OffNetwork(s.access_m)),
            Some(s) if !frontable(net.segments[s.segment as usize].highway) => Some(
                Exclusion::NotFrontable(highway_tag(net.segments[s.segment as usize].highway)),
            ),
            _ if !districts.is_empty()
                && !districts.iter().any(|d| d.area.contains(&c.location)) =>
            {
                Some(Exclusion::OutsideDistricts)
            }
            _ => hazards
                .iter()
                .map(|h| (h, haversine_m(lon, lat, h.location.x(), h.location.y())))
                .filter(|(_, d)| *d < hazard_m)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(h, d)| Exclusion::NearHazard(h.id.clone(), d)),
        };
        match (why, snap) {
            (None, Some(s)) => kept.push((c, s)),
            (Some(w), _) => excluded.push((c, w)),
            (None, None) => unreachable!("no snap point means off-network"),
        }
    }
    (kept, excluded)
}

/// The error for an empty candidate set: names the source and counts each reason.
pub fn empty_error(set: &CandidateSet) -> Error {
    let mut off = 0;
    let mut outside = 0;
    let mut hazard = 0;
    let mut motorway = 0;
    for (_, w) in &set.excluded {
        match w {
            Exclusion::NotFrontable(_) => motorway += 1,
            Exclusion::OffNetwork(_) => off += 1,
            Exclusion::OutsideDistricts => outside += 1,
            Exclusion::NearHazard(..) => hazard += 1,
        }
    }
    let msg = format!(
        "no candidate site left: {} given, {off} off the network, {outside} outside the \
         chosen districts, {hazard} too close to a hazard site, {motorway} on a motorway or ramp",
        set.excluded.len()
    );
    match &set.file {
        Some(f) => Error::input(f, Location::File, "id", msg),
        None => Error::Scenario(format!("{}: {msg}", set.source)),
    }
}
