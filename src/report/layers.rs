//! GIS layers (GeoJSON, EPSG:4326 lon/lat): road coverage, first-due areas, gaps.

use geo::{unary_union, Coord, MapCoords, MultiPolygon, Point};
use geojson::Feature;
use serde_json::json;

use super::origin_id;
use super::write::{collection, feature, round7, write_collection};
use crate::coverage::area::CellPiece;
use crate::coverage::service_areas::{self, ServiceArea};
use crate::coverage::Placement;
use crate::error::Result;
use crate::network::LocalProjection;
use crate::run::RunResult;

/// Unions cell pieces (projected metres) and returns lon/lat polygons.
fn union_cells(cells: &[&CellPiece], cell_m: f64, proj: &LocalProjection) -> MultiPolygon<f64> {
    let shapes: Vec<MultiPolygon<f64>> = cells.iter().map(|c| c.shape(cell_m)).collect();
    unary_union(&shapes).map_coords(|c: Coord<f64>| {
        let (lon, lat) = proj.unproject([c.x, c.y]);
        Coord {
            x: round7(lon),
            y: round7(lat),
        }
    })
}

/// `coverage.geojson`: road segments split at the threshold point, each piece with
/// `covered`, the segment's response at both ends and its worst point, and its
/// first-due station. Streamed: a province has millions of pieces.
pub fn write_coverage_geojson(w: &mut dyn std::io::Write, run: &RunResult) -> Result<()> {
    write_collection(w, coverage_features(run))
}

/// The features of [`write_coverage_geojson`] (also the GeoPackage's
/// `coverage_segments`), made one segment at a time.
pub fn coverage_features(run: &RunResult) -> impl Iterator<Item = Feature> + '_ {
    let net = &run.prepared.network;
    net.segments
        .iter()
        .zip(&run.coverage.segments)
        .flat_map(move |(s, r)| {
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            let at = move |g: f64| {
                vec![
                    round7(a.lon + g * (b.lon - a.lon)),
                    round7(a.lat + g * (b.lat - a.lat)),
                ]
            };
            // Pieces: covered intervals and the gaps between them.
            let mut pieces: Vec<(f64, f64, bool)> = Vec::new();
            let mut pos = 0.0;
            for &(x, y) in &r.covered {
                if x > pos + 1e-9 {
                    pieces.push((pos, x, false));
                }
                if y > x {
                    pieces.push((x, y, true));
                }
                pos = y;
            }
            if pos < 1.0 - 1e-9 {
                pieces.push((pos, 1.0, false));
            }
            pieces.into_iter().map(move |(x, y, covered)| {
                let props = json!({
                    "highway": s.highway.tag(),
                    "covered": covered,
                    "length_m": (s.length_m as f64 * (y - x) * 10.0).round() / 10.0,
                    "response_a_s": r.at_a_s.map(|t| (t * 10.0).round() / 10.0),
                    "response_b_s": r.at_b_s.map(|t| (t * 10.0).round() / 10.0),
                    "worst_s": r.worst_s.map(|t| (t * 10.0).round() / 10.0),
                    "oneway": !(s.time_ab_s.is_finite() && s.time_ba_s.is_finite()),
                    "station": r.owner.map(|o| origin_id(run, o)),
                    "district": r.district.map(|d| run.inputs.districts[d].name.as_str()),
                });
                feature(geojson::Value::LineString(vec![at(x), at(y)]), props)
            })
        })
}

/// `first_due.geojson`: each station's first-due area (辖区) as the union of the grid
/// cells whose nearest road point it reaches first.
pub fn first_due_geojson(run: &RunResult) -> Result<Vec<u8>> {
    collection(first_due_features(run))
}

/// The features of [`first_due_geojson`] (also the GeoPackage's `first_due_areas`).
pub fn first_due_features(run: &RunResult) -> Vec<Feature> {
    let cov = &run.coverage;
    let cell_m = cov.params.grid_cell_m;
    let proj = &run.prepared.network.projection;
    let mut by_origin: Vec<Vec<&CellPiece>> = vec![Vec::new(); cov.origins.len()];
    for (c, r) in cov.cells.iter().zip(&cov.cell_results) {
        if let Some(o) = r.owner {
            by_origin[o as usize].push(c);
        }
    }
    let thr = cov.params.threshold_s;
    let mut features = Vec::new();
    for (o, cells) in by_origin.iter().enumerate() {
        if cells.is_empty() {
            continue;
        }
        let st = &run.inputs.stations[cov.origins[o].station];
        let fd = &cov.first_due[o];
        let mp = union_cells(cells, cell_m, proj);
        let props = json!({
            "station": st.id, "name": st.name, "class": st.class.as_str(),
            "area_km2": (fd.area_km2 * 1000.0).round() / 1000.0,
            "road_km": (fd.road_km * 1000.0).round() / 1000.0,
            "demand_points": fd.demand_points,
            "demand_share": (fd.demand_share * 10000.0).round() / 10000.0,
            "worst_road_s": fd.worst_road_s.map(|t| (t * 10.0).round() / 10.0),
            "edge_within_threshold": fd.worst_road_s.map(|t| t <= thr),
        });
        features.push(feature(geojson::Value::from(&mp), props));
    }
    features
}

/// `gaps.geojson`: demand points not reached within the threshold (late, unreachable or
/// off-network), off-network stations, and per district the area not covered.
pub fn gaps_geojson(run: &RunResult) -> Result<Vec<u8>> {
    collection(gaps_features(run))
}

/// The features of [`gaps_geojson`] (also the GeoPackage's `gaps` and `gap_areas`).
pub fn gaps_features(run: &RunResult) -> Vec<Feature> {
    let cov = &run.coverage;
    let thr = cov.params.threshold_s;
    let mut features = Vec::new();
    for (d, r) in run
        .inputs
        .demand
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .zip(&cov.demand)
    {
        let reason = if r.off_network {
            "off-network"
        } else if r.response.first.is_none() {
            "unreachable"
        } else if r.response.first_s().is_some_and(|t| t > thr) {
            "late"
        } else {
            continue;
        };
        let props = json!({
            "layer": "demand", "id": d.id, "reason": reason,
            "response_s": r.response.first_s().map(|t| (t * 10.0).round() / 10.0),
            "snap_m": r.snap.map(|s| (s.access_m * 10.0).round() / 10.0),
            "district": r.district.map(|i| run.inputs.districts[i].name.as_str()),
        });
        let p = Point::new(round7(d.location.x()), round7(d.location.y()));
        features.push(feature(geojson::Value::from(&p), props));
    }
    for (s, p) in run.inputs.stations.iter().zip(&cov.placement) {
        if let Placement::OffNetwork(dist) = p {
            let props = json!({"layer": "station", "id": s.id, "reason": "off-network", "snap_m": dist.is_finite().then_some(*dist)});
            features.push(feature(geojson::Value::from(&s.location), props));
        }
    }
    let proj = &run.prepared.network.projection;
    // The cells not reached, per district, in one pass (a province has hundreds).
    let mut late: Vec<Vec<&CellPiece>> = vec![Vec::new(); run.inputs.districts.len()];
    for (c, r) in cov.cells.iter().zip(&cov.cell_results) {
        if !r.response_s.is_some_and(|t| t <= thr) {
            if let Some(l) = late.get_mut(c.district) {
                l.push(c);
            }
        }
    }
    for (d, cells) in run.inputs.districts.iter().zip(late) {
        if cells.is_empty() {
            continue;
        }
        let area_km2: f64 = cells.iter().map(|c| c.area_m2).sum::<f64>() / 1e6;
        let mp = union_cells(&cells, cov.params.grid_cell_m, proj);
        let props = json!({"layer": "area", "district": d.name, "reason": "not reached within threshold",
                           "area_km2": (area_km2 * 1000.0).round() / 1000.0});
        features.push(feature(geojson::Value::from(&mp), props));
    }
    features
}

/// Above this many responding stations a run's service areas are all stations' together
/// only: each station's would be tens of gigabytes (the demo network with 10,000 random
/// stations: 905 MB of GeoJSON and 67 s; 100,000 ran out of 24 GB). A province has a
/// few hundred to a couple of thousand stations.
pub const EACH_STATION_SERVICE_AREAS_MAX: usize = 2_000;

/// Why a run's service areas hold no station's own areas, when they do not.
pub fn service_areas_note(run: &RunResult) -> Option<String> {
    let n = run.coverage.origins.len();
    (n > EACH_STATION_SERVICE_AREAS_MAX).then(|| {
        format!(
            "{n} responding stations, more than {EACH_STATION_SERVICE_AREAS_MAX}: only the \
             areas of all stations together are drawn, not each station's"
        )
    })
}

/// The service areas of a run: every station's (up to [`EACH_STATION_SERVICE_AREAS_MAX`]
/// stations, [`service_areas_note`]) and all stations' together, at the breaks of the
/// response map's bands ([`crate::params::MapParams::response_bands_s`]) with ArcGIS's
/// trim of 100 m.
pub fn service_areas(run: &RunResult) -> Vec<ServiceArea> {
    let sc = &run.inputs.scenario;
    // The response map's bands, so that polygons and map agree.
    let breaks = sc.map.response_bands_s(&run.coverage.params);
    let net = &run.prepared.network;
    let mut areas = match service_areas_note(run) {
        None => {
            service_areas::service_areas(net, &run.coverage.origins, &breaks, service_areas::TRIM_M)
        }
        // All stations together only: their roads from the coverage, no search each.
        Some(_) => service_areas::merged_areas(
            net,
            &run.coverage.reached_pieces(net, &breaks),
            &breaks,
            service_areas::TRIM_M,
        ),
    };
    // A break no station reaches a road within (a 1-minute band under a 60 s turnout) has
    // no polygon: no feature, rather than an empty geometry in the layers.
    areas.retain(|a| !a.shape.0.is_empty());
    areas
}

/// `service_areas.geojson` (and the GeoPackage's `service_areas`): one feature per
/// station and break, then the merged areas (`station_id` "all"), with the break in
/// seconds and minutes, the area in km² and the road length reached in km.
pub fn service_area_features(run: &RunResult, areas: &[ServiceArea]) -> Vec<Feature> {
    areas
        .iter()
        .map(|a| {
            let props = json!({
                "station_id": a.origin.map_or("all", |o| origin_id(run, o)),
                "break_s": a.break_s,
                "minutes": (a.break_s / 60.0 * 100.0).round() / 100.0,
                "area_km2": (a.area_km2 * 1000.0).round() / 1000.0,
                "road_km": (a.road_km * 1000.0).round() / 1000.0,
            });
            feature(geojson::Value::from(&a.shape), props)
        })
        .collect()
}
