//! The province's districts, stations, depots, incidents and candidate sites (see the
//! module documentation of [`super`] for the rules).

use std::collections::{BTreeMap, HashSet};

use geo::{Area, Contains, LineString, MultiPolygon, Point, Polygon};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::sources::{LocalPoint, Source, SourceName};
use super::{Placement, Tile, CANDIDATES, INCIDENTS_PER_TILE, STATION_AREA_KM2};
use crate::model::{DepotLevel, District, DistrictKind, IncidentType, StationClass};
use crate::sim::config::{DEFAULT_HOUR_PROFILE, DEFAULT_TYPE_MIX};

/// A fire station row of `stations.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthStation {
    pub id: String,
    pub name: String,
    pub class: StationClass,
    pub lon: f64,
    pub lat: f64,
    pub district: String,
    pub staff: u32,
    /// Logistics-support stations (战勤保障站) only.
    pub support_level: Option<DepotLevel>,
    pub support_capacity_persons: Option<f64>,
}

/// A reserve depot row of `depots.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthDepot {
    pub id: String,
    pub name: String,
    pub level: DepotLevel,
    pub lon: f64,
    pub lat: f64,
    pub capacity_persons: f64,
    /// Rescue districts it must reach (empty: the whole province).
    pub area: Vec<String>,
}

/// An incident row of `incidents.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    pub lon: f64,
    pub lat: f64,
    pub kind: IncidentType,
    /// ISO 8601 with the China offset (`2025-03-07T14:05:09+08:00`).
    pub time: String,
}

/// A candidate site of `candidates.csv` (for `optimize --candidates`).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub lon: f64,
    pub lat: f64,
}

/// Everything placed on the roads.
#[derive(Debug, Clone, Default)]
pub struct Services {
    pub stations: Vec<SynthStation>,
    pub depots: Vec<SynthDepot>,
    pub incidents: Vec<Incident>,
    pub candidates: Vec<Candidate>,
}

/// A station stands this far east and north of its road node, metres.
const STATION_OFFSET_M: f64 = 10.0;
/// Farthest-point sampling looks at this many road nodes of a district at most.
const SAMPLE_NODES: usize = 2000;

/// The name of a district of a tile.
pub fn district_name(tile: &Tile, source_district: &str) -> String {
    if source_district.is_empty() {
        format!("{}县", tile.name)
    } else {
        format!("{}·{}", tile.name, source_district)
    }
}

fn local_polygon(ring: &[LocalPoint]) -> Polygon<f64> {
    Polygon::new(
        LineString::from(ring.iter().map(|p| (p.x_m, p.y_m)).collect::<Vec<_>>()),
        vec![],
    )
}

/// Every tile's districts, placed.
pub fn districts(tiles: &[Tile], srcs: &[&Source], placed: &[Placement]) -> Vec<District> {
    let mut out = Vec::new();
    for ((tile, src), p) in tiles.iter().zip(srcs).zip(placed) {
        for (name, kind, ring) in &src.districts {
            let ring: Vec<(f64, f64)> = ring.iter().map(|&q| p.place(q)).collect();
            out.push(District {
                name: district_name(tile, name),
                kind: *kind,
                area: MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]),
                population: None,
            });
        }
    }
    out
}

/// Per source: for each of its districts, the road nodes inside (indices into
/// `road_nodes`) and the area, km².
fn district_nodes(src: &Source) -> Vec<(Vec<usize>, f64)> {
    src.districts
        .iter()
        .map(|(_, _, ring)| {
            let poly = local_polygon(ring);
            let inside = src
                .road_nodes
                .iter()
                .enumerate()
                .filter(|(_, r)| poly.contains(&Point::new(r.at.x_m, r.at.y_m)))
                .map(|(i, _)| i)
                .collect();
            (inside, poly.unsigned_area() / 1e6)
        })
        .collect()
}

/// One station per this many km² in a district of `kind`.
pub fn station_area_km2(kind: DistrictKind) -> f64 {
    STATION_AREA_KM2
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(50.0, |&(_, a)| a)
}

/// Stations in a district of `area_km2`: one per [`station_area_km2`], at least one.
pub fn station_count(kind: DistrictKind, area_km2: f64) -> usize {
    ((area_km2 / station_area_km2(kind)).round() as usize).max(1)
}

fn class_for(kind: DistrictKind, u: f64) -> StationClass {
    // Shares of special / class 1 / class 2 (the rest small) by kind.
    let (special, class1, class2) = match kind {
        DistrictKind::Urban => (0.15, 0.45, 0.30),
        DistrictKind::Suburban => (0.05, 0.35, 0.45),
        DistrictKind::Rural => (0.0, 0.20, 0.50),
    };
    if u < special {
        StationClass::Special
    } else if u < special + class1 {
        StationClass::Class1
    } else if u < special + class1 + class2 {
        StationClass::Class2
    } else {
        StationClass::Small
    }
}

/// The fleet of a station of `class` (`vehicles.csv`): kinds the simulation's default
/// plans ask for (engine, aerial, rescue, hazmat) and `supply` for logistics support.
pub fn fleet(class: StationClass) -> &'static [(&'static str, u32)] {
    match class {
        StationClass::Special => &[("engine", 3), ("aerial", 1), ("rescue", 1), ("hazmat", 1)],
        StationClass::Class1 => &[("engine", 2), ("aerial", 1), ("rescue", 1)],
        StationClass::Class2 => &[("engine", 2), ("rescue", 1)],
        StationClass::Logistics => &[("supply", 2)],
        _ => &[("engine", 1)],
    }
}

fn staff_of(class: StationClass) -> u32 {
    match class {
        StationClass::Special => 45,
        StationClass::Class1 => 30,
        StationClass::Class2 => 20,
        _ => 12,
    }
}

/// `count` nodes of `pool` spread out: farthest-point sampling from a seeded start over a
/// seeded sample of at most [`SAMPLE_NODES`].
fn spread(rng: &mut ChaCha8Rng, src: &Source, pool: &[usize], count: usize) -> Vec<usize> {
    if pool.is_empty() {
        return Vec::new();
    }
    let mut sample: Vec<usize> = pool.to_vec();
    if sample.len() > SAMPLE_NODES {
        for i in 0..SAMPLE_NODES {
            let j = i + rng.random_range(0..sample.len() - i);
            sample.swap(i, j);
        }
        sample.truncate(SAMPLE_NODES);
    }
    let at = |i: usize| src.road_nodes[i].at;
    let first = sample[rng.random_range(0..sample.len())];
    let mut chosen = vec![first];
    let mut best: Vec<f64> = sample
        .iter()
        .map(|&i| (at(i).x_m - at(first).x_m).powi(2) + (at(i).y_m - at(first).y_m).powi(2))
        .collect();
    while chosen.len() < count.min(sample.len()) {
        let (k, _) = best
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            .unwrap_or((0, &0.0));
        let next = sample[k];
        chosen.push(next);
        for (d, &i) in best.iter_mut().zip(&sample) {
            let e = (at(i).x_m - at(next).x_m).powi(2) + (at(i).y_m - at(next).y_m).powi(2);
            if e < *d {
                *d = e;
            }
        }
    }
    chosen
}

/// A local point shifted `east_m`, `north_m`.
fn shifted(p: LocalPoint, east_m: f64, north_m: f64) -> LocalPoint {
    LocalPoint {
        x_m: p.x_m + east_m,
        y_m: p.y_m + north_m,
    }
}

/// Stations, depots, incidents and candidates of the province.
pub fn services(
    seed: u64,
    tiles: &[Tile],
    srcs: &[&Source],
    placed: &[Placement],
    districts: &[District],
    cols: u32,
    rows: u32,
) -> Services {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_0002);
    let mut per_source: BTreeMap<SourceName, Vec<(Vec<usize>, f64)>> = BTreeMap::new();
    for src in srcs {
        per_source
            .entry(src.name)
            .or_insert_with(|| district_nodes(src));
    }
    let mut out = Services::default();
    let mut tile_districts: Vec<Vec<String>> = Vec::with_capacity(tiles.len());
    let mut d_iter = districts.iter();
    for (t, ((tile, src), p)) in tiles.iter().zip(srcs).zip(placed).enumerate() {
        let mut names = Vec::new();
        let mut k = 0;
        for ((_, kind, _), (pool, area_km2)) in src.districts.iter().zip(&per_source[&src.name]) {
            let district = d_iter.next().map(|d| d.name.clone()).unwrap_or_default();
            names.push(district.clone());
            let count = station_count(*kind, *area_km2);
            for i in spread(&mut rng, src, pool, count) {
                k += 1;
                let class = class_for(*kind, rng.random::<f64>());
                let (lon, lat) = p.place(shifted(
                    src.road_nodes[i].at,
                    STATION_OFFSET_M,
                    STATION_OFFSET_M,
                ));
                out.stations.push(SynthStation {
                    id: format!("T{t:04}-{k:03}"),
                    name: format!("{}{}号站", district, k),
                    class,
                    lon,
                    lat,
                    district: district.clone(),
                    staff: staff_of(class),
                    support_level: None,
                    support_capacity_persons: None,
                });
            }
        }
        // County depot: the road node nearest the tile's centre.
        if let Some(node) = super::nearest_road_node(src, LocalPoint { x_m: 0.0, y_m: 0.0 }, false)
        {
            let (lon, lat) = p.place(shifted(node.at, -STATION_OFFSET_M, STATION_OFFSET_M));
            out.depots.push(SynthDepot {
                id: format!("CD{t:04}"),
                name: format!("{}县应急物资储备库", tile.name),
                level: DepotLevel::County,
                lon,
                lat,
                capacity_persons: 100.0,
                area: names.clone(),
            });
        }
        tile_districts.push(names);
    }

    // Cities: blocks of 3 × 3 tiles; depot and logistics-support station at the ramp of
    // the block's middle tile.
    let ramp_at = |t: usize, east_m: f64| {
        let src = srcs[t];
        let tile = &tiles[t];
        let node = src
            .road_nodes
            .iter()
            .find(|r| placed[t].base + r.id == tile.ramp_node)
            .copied();
        node.map(|n| placed[t].place(shifted(n.at, east_m, -STATION_OFFSET_M)))
    };
    let tile_at = |c: u32, r: u32| (r * cols + c) as usize;
    let mut city = 0;
    for gy in 0..rows.div_ceil(3) {
        for gx in 0..cols.div_ceil(3) {
            let (c0, r0) = (gx * 3, gy * 3);
            let (c1, r1) = ((c0 + 3).min(cols), (r0 + 3).min(rows));
            let mid = tile_at((c0 + c1 - 1) / 2, (r0 + r1 - 1) / 2);
            let area: Vec<String> = (r0..r1)
                .flat_map(|r| (c0..c1).map(move |c| (c, r)))
                .flat_map(|(c, r)| tile_districts[tile_at(c, r)].iter().cloned())
                .collect();
            city += 1;
            if let Some((lon, lat)) = ramp_at(mid, 30.0) {
                out.depots.push(SynthDepot {
                    id: format!("SD{city:03}"),
                    name: format!("第{city}市消防救援物资储备中心"),
                    level: DepotLevel::City,
                    lon,
                    lat,
                    capacity_persons: 200.0,
                    area,
                });
            }
            if let Some((lon, lat)) = ramp_at(mid, 60.0) {
                out.stations.push(SynthStation {
                    id: format!("ZQ-C{city:03}"),
                    name: format!("第{city}市战勤保障站"),
                    class: StationClass::Logistics,
                    lon,
                    lat,
                    district: districts_of_tile(&tile_districts, mid),
                    staff: 40,
                    support_level: Some(DepotLevel::City),
                    support_capacity_persons: Some(200.0),
                });
            }
        }
    }
    // The province: two reserve depots, one logistics-support station.
    let mut regional = vec![
        tile_at(cols / 3, rows / 2),
        tile_at((2 * cols / 3).min(cols - 1), rows / 2),
    ];
    regional.dedup();
    for (i, &t) in regional.iter().enumerate() {
        if let Some((lon, lat)) = ramp_at(t, 90.0) {
            out.depots.push(SynthDepot {
                id: format!("PD{:02}", i + 1),
                name: format!("省级应急物资储备库{}", i + 1),
                level: DepotLevel::Regional,
                lon,
                lat,
                capacity_persons: 400.0,
                area: Vec::new(),
            });
        }
    }
    let centre = tile_at(cols / 2, rows / 2);
    if let Some((lon, lat)) = ramp_at(centre, 120.0) {
        out.stations.push(SynthStation {
            id: "ZQ-P01".to_string(),
            name: "省战勤保障总队".to_string(),
            class: StationClass::Logistics,
            lon,
            lat,
            district: districts_of_tile(&tile_districts, centre),
            staff: 80,
            support_level: Some(DepotLevel::Regional),
            support_capacity_persons: Some(400.0),
        });
    }

    // A year of incidents at buildings drawn uniformly.
    let buildings: Vec<(f64, f64)> = srcs
        .iter()
        .zip(placed)
        .flat_map(|(src, p)| src.buildings.iter().map(move |&b| p.place(b)))
        .collect();
    if !buildings.is_empty() {
        let hour_total: f64 = DEFAULT_HOUR_PROFILE.iter().sum();
        let mix_total: f64 = DEFAULT_TYPE_MIX.iter().sum();
        let n = INCIDENTS_PER_TILE * tiles.len();
        let mut drawn: Vec<(u32, usize, IncidentType)> = Vec::with_capacity(n);
        for _ in 0..n {
            let b = rng.random_range(0..buildings.len());
            let day = rng.random_range(0..365u32);
            let hour = pick(&DEFAULT_HOUR_PROFILE, rng.random::<f64>() * hour_total);
            let second = rng.random_range(0..3600u32);
            let kind = IncidentType::ALL[pick(&DEFAULT_TYPE_MIX, rng.random::<f64>() * mix_total)];
            drawn.push(((day * 24 + hour as u32) * 3600 + second, b, kind));
        }
        drawn.sort_by_key(|d| (d.0, d.1));
        out.incidents = drawn
            .into_iter()
            .enumerate()
            .map(|(i, (secs, b, kind))| Incident {
                id: format!("P2025-{:06}", i + 1),
                lon: buildings[b].0,
                lat: buildings[b].1,
                kind,
                time: time_2025(secs),
            })
            .collect();
    }

    // Candidate sites: road nodes, tile by tile in turn.
    let mut seen = HashSet::new();
    let mut attempts = 0;
    while out.candidates.len() < CANDIDATES && attempts < CANDIDATES * 4 {
        attempts += 1;
        let t = attempts % tiles.len();
        let src = srcs[t];
        if src.road_nodes.is_empty() {
            continue;
        }
        let i = rng.random_range(0..src.road_nodes.len());
        if !seen.insert((t, i)) {
            continue;
        }
        let (lon, lat) = placed[t].place(src.road_nodes[i].at);
        out.candidates.push(Candidate {
            id: format!("C{:05}", out.candidates.len() + 1),
            lon,
            lat,
        });
    }
    out
}

fn districts_of_tile(tile_districts: &[Vec<String>], t: usize) -> String {
    tile_districts[t].first().cloned().unwrap_or_default()
}

/// The index whose cumulative weight first exceeds `u`.
fn pick(weights: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (i, w) in weights.iter().enumerate() {
        acc += w;
        if u < acc {
            return i;
        }
    }
    weights.len() - 1
}

/// Seconds since 2025-01-01 00:00 China time → ISO 8601 with `+08:00`.
pub fn time_2025(secs: u32) -> String {
    const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (mut day, rest) = (secs / 86_400, secs % 86_400);
    let mut month = 0;
    while month < 11 && day >= MONTH_DAYS[month] {
        day -= MONTH_DAYS[month];
        month += 1;
    }
    format!(
        "2025-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        month + 1,
        day + 1,
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_2025() {
        assert_eq!(time_2025(0), "2025-01-01T00:00:00+08:00");
        assert_eq!(time_2025(31 * 86_400 + 3661), "2025-02-01T01:01:01+08:00");
        assert_eq!(
            time_2025(364 * 86_400 + 86_399),
            "2025-12-31T23:59:59+08:00"
        );
    }

    #[test]
    fn station_counts_by_kind() {
        assert_eq!(station_count(DistrictKind::Urban, 70.0), 10);
        assert_eq!(station_count(DistrictKind::Suburban, 150.0), 10);
        assert_eq!(station_count(DistrictKind::Rural, 500.0), 10);
        assert_eq!(station_count(DistrictKind::Rural, 3.0), 1);
    }
}
