//! Label placement: text width estimates, [`LabelPlacer`] (labels that keep off symbols and
//! each other), the anchor point of a district's name, and minutes formatted for labels.

use geo::{Centroid, MultiPolygon};
use plotters::style::text_anchor::{HPos, VPos};

/// Estimated width in pixels of a label (CJK glyphs are square, Latin about half).
pub fn text_width(s: &str, size: f64) -> i32 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.48 } else { 1.0 })
        .sum::<f64>()
        .mul_add(size, 0.0) as i32
}

/// Places labels next to their symbols where they do not cover labels placed before:
/// below, above, right, left (the first that is free; below when none is).
#[derive(Default)]
pub struct LabelPlacer {
    boxes: Vec<(i32, i32, i32, i32)>,
    /// Labels stay inside this box (left, top, right, bottom) when they can.
    bounds: Option<(i32, i32, i32, i32)>,
}

impl LabelPlacer {
    /// A placer that keeps labels inside `bounds` (e.g. the map area) when it can.
    pub fn within(bounds: (i32, i32, i32, i32)) -> LabelPlacer {
        LabelPlacer {
            boxes: Vec::new(),
            bounds: Some(bounds),
        }
    }

    /// Keeps labels off a symbol of radius `r` at `at` (placed before its neighbours'
    /// labels, so that no label covers another symbol).
    pub fn reserve(&mut self, at: (i32, i32), r: i32) {
        self.boxes.push((at.0 - r, at.1 - r, at.0 + r, at.1 + r));
    }

    /// Keeps labels off a box (left, top, right, bottom) drawn by another layer.
    pub fn reserve_box(&mut self, b: (i32, i32, i32, i32)) {
        self.boxes.push(b);
    }

    /// Position and anchor of a label `w` × `h` px for a symbol at `at` with radius `r`.
    pub fn place(&mut self, at: (i32, i32), r: i32, w: i32, h: i32) -> ((i32, i32), HPos, VPos) {
        let options = [
            (
                (at.0, at.1 + r),
                HPos::Center,
                VPos::Top,
                (at.0 - w / 2, at.1 + r),
            ),
            (
                (at.0, at.1 - r),
                HPos::Center,
                VPos::Bottom,
                (at.0 - w / 2, at.1 - r - h),
            ),
            (
                (at.0 + r, at.1),
                HPos::Left,
                VPos::Center,
                (at.0 + r, at.1 - h / 2),
            ),
            (
                (at.0 - r, at.1),
                HPos::Right,
                VPos::Center,
                (at.0 - r - w, at.1 - h / 2),
            ),
        ];
        let inside = |b: (i32, i32, i32, i32)| {
            self.bounds
                .is_none_or(|o| b.0 >= o.0 && b.1 >= o.1 && b.2 <= o.2 && b.3 <= o.3)
        };
        let free = |b: (i32, i32, i32, i32), boxes: &[(i32, i32, i32, i32)]| {
            inside(b)
                && boxes
                    .iter()
                    .all(|o| b.2 <= o.0 || o.2 <= b.0 || b.3 <= o.1 || o.3 <= b.1)
        };
        let pick = options
            .iter()
            .find(|o| free((o.3 .0, o.3 .1, o.3 .0 + w, o.3 .1 + h), &self.boxes))
            .unwrap_or(&options[0]);
        self.boxes
            .push((pick.3 .0, pick.3 .1, pick.3 .0 + w, pick.3 .1 + h));
        (pick.0, pick.1, pick.2)
    }
}

/// A point inside (or near the middle of) a district to put its name: the centroid of
/// its largest polygon.
pub fn label_point(mp: &MultiPolygon<f64>) -> Option<(f64, f64)> {
    use geo::Area;
    let big =
        mp.0.iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    big.centroid().map(|c| (c.x(), c.y()))
}

/// Minutes for labels: `5`, `2.5`.
pub fn fmt_min(seconds: f64) -> String {
    let m = seconds / 60.0;
    if (m - m.round()).abs() < 1e-9 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}
