//! Context layers of the maps (issue 16), drawn under the analysis through the demo
//! scenario's `[[map.layer]]`: `water_areas.geojson` (the canals and the river as areas,
//! a strip around each `waterways.geojson` line), `landuse.geojson` (each street lattice's
//! outline — the convex hull of its junctions — as residential, the coastal industrial
//! zone as industrial, the southern hills as forest) and `places.geojson` (the core, the
//! new town, the industrial zone and the towns at their centres; villages are named in
//! `villages.csv`).
//!
//! No randomness: written from the layout already built, so that every other file of the
//! demo stays byte for byte what it was.

use std::fmt::Write as _;
use std::path::Path;

use crate::districts::District;
use crate::geometry::{Frame, P};
use crate::lattice::Lattice;
use crate::layout::Water;

/// Half the width of a water strip, metres: canals 25 m wide, the river 60 m.
fn half_width_m(kind: &str) -> f64 {
    if kind == "river" {
        30.0
    } else {
        12.5
    }
}

/// A strip of `half` metres on each side of a polyline: the left offsets forwards, the
/// right offsets back (each vertex moved along the mean of its segments' normals).
fn strip(pts: &[P], half: f64) -> Vec<P> {
    let n = pts.len();
    let normal = |a: P, b: P| {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        (-dy / len, dx / len)
    };
    let offsets: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let before = (i > 0).then(|| normal(pts[i - 1], pts[i]));
            let after = (i + 1 < n).then(|| normal(pts[i], pts[i + 1]));
            let (x, y) = match (before, after) {
                (Some(a), Some(b)) => (a.0 + b.0, a.1 + b.1),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => (0.0, 0.0),
            };
            let len = (x * x + y * y).sqrt().max(1e-9);
            (x / len, y / len)
        })
        .collect();
    let left = pts.iter().zip(&offsets).map(|(p, o)| P {
        x: p.x + o.0 * half,
        y: p.y + o.1 * half,
    });
    let right = pts.iter().zip(&offsets).rev().map(|(p, o)| P {
        x: p.x - o.0 * half,
        y: p.y - o.1 * half,
    });
    left.chain(right).collect()
}

/// Convex hull (monotone chain), counter-clockwise, not closed.
fn hull(mut pts: Vec<P>) -> Vec<P> {
    pts.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    pts.dedup_by(|a, b| a.x == b.x && a.y == b.y);
    if pts.len() < 3 {
        return pts;
    }
    let cross = |o: P, a: P, b: P| (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
    let mut lower: Vec<P> = Vec::new();
    for &p in &pts {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0.0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<P> = Vec::new();
    for &p in pts.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0.0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// `[[lon,lat],…]` of a ring, closed.
fn ring_json(fr: &Frame, ring: &[P]) -> String {
    let mut s = String::from("[");
    for (k, &p) in ring.iter().chain(ring.first()).enumerate() {
        let (lon, lat) = fr.lonlat(p);
        let _ = write!(s, "{}[{lon:.7},{lat:.7}]", if k > 0 { "," } else { "" });
    }
    s.push(']');
    s
}

fn collection(features: &[String]) -> String {
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (k, f) in features.iter().enumerate() {
        s.push_str(f);
        s.push_str(if k + 1 < features.len() { ",\n" } else { "\n" });
    }
    s.push_str("]}\n");
    s
}

/// Writes `water_areas.geojson`, `landuse.geojson` and `places.geojson` into `dir`.
pub fn write_context(
    dir: &Path,
    fr: &Frame,
    ds: &[District],
    places: &[Lattice],
    water: &[Water],
) -> std::io::Result<()> {
    let polygon = |props: String, ring: &[P]| {
        format!(
            "{{\"type\":\"Feature\",\"properties\":{{{props}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{}]}}}}",
            ring_json(fr, ring)
        )
    };
    let areas: Vec<String> = water
        .iter()
        .map(|w| {
            polygon(
                format!("\"name\":\"{}\",\"waterway\":\"{}\"", w.name, w.kind),
                &strip(&w.pts, half_width_m(w.kind)),
            )
        })
        .collect();
    std::fs::write(dir.join("water_areas.geojson"), collection(&areas))?;

    let mut landuse: Vec<String> = Vec::new();
    for d in ds.iter().filter(|d| d.name == "南部山区") {
        landuse.push(polygon(
            format!("\"name\":\"{}\",\"class\":\"forest\"", d.name),
            &d.ring,
        ));
    }
    for pl in places {
        let outline = hull(pl.pts.values().copied().collect());
        if outline.len() < 3 {
            continue;
        }
        let class = if pl.name.contains("工业") {
            "industrial"
        } else {
            "residential"
        };
        landuse.push(polygon(
            format!("\"name\":\"{}\",\"class\":\"{class}\"", pl.name),
            &outline,
        ));
    }
    std::fs::write(dir.join("landuse.geojson"), collection(&landuse))?;

    // Villages' lattices are all named 村: their names are in villages.csv.
    let names: Vec<String> = places
        .iter()
        .filter(|pl| pl.name != "村")
        .map(|pl| {
            let rank = match pl.name {
                "柯中" => "city",
                "北部新城" | "滨海工业区" => "suburb",
                _ => "town",
            };
            let (lon, lat) = fr.lonlat(pl.center);
            format!(
                "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"{}\",\"place\":\"{rank}\"}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.7},{lat:.7}]}}}}",
                pl.name
            )
        })
        .collect();
    std::fs::write(dir.join("places.geojson"), collection(&names))?;
    Ok(())
}
