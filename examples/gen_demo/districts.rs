//! Districts: the seven rescue districts, warped rectangles that tile the box exactly.

use std::f64::consts::PI;

use crate::geometry::{point_in_ring, Frame, P};

pub struct District {
    pub name: &'static str,
    pub kind: &'static str,
    /// Counter-clockwise exterior ring in metres (not repeated at the end).
    pub ring: Vec<P>,
}

/// Smooth displacement of the internal boundaries (zero on the outer box) so that the
/// districts tile the box without looking like rectangles.
fn warp(fr: &Frame, p: P) -> P {
    let edge = p.x.min(p.y).min(fr.w - p.x).min(fr.h - p.y);
    let fade = (edge / 1500.0).clamp(0.0, 1.0);
    let a = 320.0 * fade;
    let dx = a
        * (0.6 * (2.0 * PI * p.y / 5300.0 + 1.1).sin()
            + 0.4 * (2.0 * PI * p.y / 1900.0 + 2.3).sin());
    let dy = a
        * (0.6 * (2.0 * PI * p.x / 4700.0 + 0.3).sin()
            + 0.4 * (2.0 * PI * p.x / 1700.0 + 4.1).sin());
    P {
        x: p.x + dx,
        y: p.y + dy,
    }
}

pub fn build_districts(fr: &Frame) -> Vec<District> {
    // Base layout in km; f64::INFINITY = the box edge. Every corner lies on the 250 m grid
    // (or on the box edge), and every edge is densified at the same 250 m grid, so shared
    // edges get identical vertices and the warped polygons still tile the box exactly.
    let inf = f64::INFINITY;
    let layout: [(&str, &str, [f64; 4]); 7] = [
        ("马鞍", "suburban", [0.0, 24.0, inf, inf]),
        ("柯北", "urban", [10.0, 18.75, inf, 24.0]),
        ("柯西", "suburban", [0.0, 13.5, 10.0, 24.0]),
        ("柯中", "urban", [10.0, 13.5, 18.5, 18.75]),
        ("柯南", "suburban", [18.5, 8.0, inf, 18.75]),
        ("福兰漓", "suburban", [0.0, 8.0, 18.5, 13.5]),
        ("南部山区", "rural", [0.0, 0.0, inf, 8.0]),
    ];
    let clampx = |v: f64| if v.is_infinite() { fr.w } else { v * 1000.0 };
    let clampy = |v: f64| if v.is_infinite() { fr.h } else { v * 1000.0 };
    // Points strictly between v0 and v1 on the 250 m grid, in the direction v0 → v1.
    fn between(v0: f64, v1: f64) -> Vec<f64> {
        let (lo, hi) = (v0.min(v1), v0.max(v1));
        let mut ks: Vec<f64> = ((lo / 250.0).floor() as i64 + 1..=(hi / 250.0).ceil() as i64 - 1)
            .map(|k| k as f64 * 250.0)
            .filter(|&v| v > lo && v < hi)
            .collect();
        if v1 < v0 {
            ks.reverse();
        }
        ks
    }
    layout
        .iter()
        .map(|&(name, kind, r)| {
            let (x0, y0, x1, y1) = (clampx(r[0]), clampy(r[1]), clampx(r[2]), clampy(r[3]));
            let mut ring = Vec::new();
            ring.push(P { x: x0, y: y0 });
            ring.extend(between(x0, x1).into_iter().map(|x| P { x, y: y0 }));
            ring.push(P { x: x1, y: y0 });
            ring.extend(between(y0, y1).into_iter().map(|y| P { x: x1, y }));
            ring.push(P { x: x1, y: y1 });
            ring.extend(between(x1, x0).into_iter().map(|x| P { x, y: y1 }));
            ring.push(P { x: x0, y: y1 });
            ring.extend(between(y1, y0).into_iter().map(|y| P { x: x0, y }));
            let ring = ring.into_iter().map(|p| warp(fr, p)).collect();
            District { name, kind, ring }
        })
        .collect()
}

/// The district a point lies in (`None` outside the box).
pub fn district_of(districts: &[District], p: P) -> Option<usize> {
    districts.iter().position(|d| point_in_ring(p, &d.ring))
}

/// Index of a district by name; the names are the generator's own constants.
pub fn district_idx(districts: &[District], name: &str) -> usize {
    districts
        .iter()
        .position(|d| d.name == name)
        .unwrap_or_else(|| panic!("no district {name}"))
}
