//! `supply.geojson` (EPSG:4326 lon/lat): the support points with their level, capacity
//! and load (`layer = "support_point"`), and per level with a reach time and per support
//! point the road pieces it reaches first within that time (`layer = "reach"`, one
//! MultiLineString each, pieces split at the exact point where the reach time runs out).

use serde_json::json;

use crate::error::Result;
use crate::network::Network;
use crate::report::write::{collection, feature, round7};
use crate::supply::Supply;

/// The GeoJSON layer. `net` gives the road geometry (either profile: both have the same
/// nodes and segments).
pub fn supply_geojson(sup: &Supply, net: &Network) -> Result<Vec<u8>> {
    collection(supply_features(sup, net))
}

/// The features of [`supply_geojson`] (also `map.html`'s supply layer).
pub fn supply_features(sup: &Supply, net: &Network) -> Vec<geojson::Feature> {
    let mut features = Vec::new();
    for (p, load) in sup.points.iter().zip(&sup.loads) {
        features.push(feature(
            geojson::Value::Point(vec![round7(p.location.x()), round7(p.location.y())]),
            json!({
                "layer": "support_point",
                "id": p.label,
                "name": p.name,
                "kind": p.kind(),
                "level": p.level.as_str(),
                "capacity_persons": p.capacity_persons,
                "staff_persons": load.staff_persons,
                "stations": load.stations.len(),
                "unknown_staff": load.unknown_staff,
                "over_subscribed": load.over_subscribed(),
                "on_network": p.usable(),
                "snap_m": p.snap_m.is_finite().then_some(round7(p.snap_m)),
                "area": p.area.is_some(),
            }),
        ));
    }
    for (li, info) in sup.levels.iter().enumerate() {
        let Some(reach_s) = info.reach_s else {
            continue;
        };
        // One feature per (level, support point): the road pieces within the reach time
        // whose nearest point (at the segment's midpoint) it is.
        let mut lines: Vec<Vec<Vec<Vec<f64>>>> = vec![Vec::new(); sup.points.len()];
        let mut length_m = vec![0.0f64; sup.points.len()];
        for (si, r) in sup.segments[li].iter().enumerate() {
            let Some(owner) = r.owner else { continue };
            let s = &net.segments[si];
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            let at = |g: f64| {
                vec![
                    round7(a.lon + g * (b.lon - a.lon)),
                    round7(a.lat + g * (b.lat - a.lat)),
                ]
            };
            for &(x, y) in r.within.iter().filter(|(x, y)| y > x) {
                lines[owner].push(vec![at(x), at(y)]);
                length_m[owner] += s.length_m as f64 * (y - x);
            }
        }
        for (p, pieces) in lines.into_iter().enumerate() {
            if pieces.is_empty() {
                continue;
            }
            features.push(feature(
                geojson::Value::MultiLineString(pieces),
                json!({
                    "layer": "reach",
                    "level": info.level.as_str(),
                    "reach_s": reach_s,
                    "id": sup.points[p].label,
                    "road_km": (length_m[p] / 10.0).round() / 100.0,
                }),
            ));
        }
    }
    features
}
