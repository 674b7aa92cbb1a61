//! Special-risk sites (重点风险场所) on the response-time map: a muted outline for a site
//! given as a polygon or as a point with a radius, a small marker for a point without one,
//! the name beside it (placed off the stations and other labels); a chemical park without
//! a special-service station inside or first-due (002 §五(四)) drawn in a strong colour.

use super::frame::Frame;
use geo::BoundingRect;

use super::labels::{symbol_radius, LabelRequest, Priority};
use super::scene::{ascii_or, hex, push_symbol, Prim, Scene, Shape, Swatch};
use crate::model::AreaKind;
use crate::run::RunResult;

/// Outline of a site.
const MUTED: u32 = 0x6a51a3;
/// Outline and label of a chemical park without a special-service station.
const ALERT: u32 = 0xce1256;

/// Draws the sites (layers `risk-sites`, `risk-site-marks`, `risk-site-labels`) and
/// returns their legend entries (none without sites).
pub fn draw(fr: &Frame, sc: &mut Scene, run: &RunResult) -> Vec<(Swatch, String, String)> {
    let Some(areas) = run.inputs.areas.as_deref() else {
        return Vec::new();
    };
    let rows = crate::report::sites::risk_site_rows(run);
    if rows.is_empty() {
        return Vec::new();
    }
    let (mut outlines, mut marks, mut alert) = (false, false, false);
    let size = 24.0 * fr.u;
    for (r, site) in rows.iter().zip(&run.coverage.sites) {
        let area = &areas[site.area];
        let failing = area.kind == AreaKind::ChemicalPark && !r.special;
        alert |= failing;
        let color = hex(if failing { ALERT } else { MUTED });
        let width = fr.s(if failing { 7.0 } else { 4.0 }) as u32;
        for poly in &area.area.0 {
            let ring: Vec<(i32, i32)> = poly.exterior().0.iter().map(|c| fr.px(c.x, c.y)).collect();
            sc.layer("risk-sites").push(Prim::Path {
                pts: ring,
                color,
                width,
            });
            outlines = true;
        }
        // An outlined site is labelled just below (else above) its outline; a point site
        // gets a marker and its label beside it.
        let (at, radius) = match area.area.bounding_rect() {
            Some(b) => {
                let (x0, y0) = fr.px(b.min().x, b.min().y);
                let (x1, y1) = fr.px(b.max().x, b.max().y);
                (
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    (y0 - y1).abs() / 2 + fr.s(4.0),
                )
            }
            None => {
                let Some((lon, lat)) = r.at else { continue };
                let at = fr.px(lon, lat);
                marks = true;
                push_symbol(sc, "risk-site-marks", Shape::Diamond, at, fr.s(16.0), color);
                (at, symbol_radius(Shape::Diamond, fr.s(16.0), fr.s(4.0)))
            }
        };
        // The name in either language; an English map shows the kind for a Chinese name.
        let label = if r.name.is_ascii() {
            r.name.as_str()
        } else {
            fr.lang.pick(&r.name, r.kind)
        };
        let fb = ascii_or(label, r.kind);
        sc.label(LabelRequest::point(
            "risk-site-labels",
            at,
            radius,
            label,
            &fb,
            size,
            color,
            Priority::Site,
        ));
    }
    let mut legend = Vec::new();
    if outlines {
        legend.push((
            Swatch::Line(hex(MUTED), fr.s(4.0) as u32),
            fr.lang
                .pick("重点风险场所", "Special-risk site")
                .to_string(),
            "Special-risk site".to_string(),
        ));
    }
    if marks {
        legend.push((
            Swatch::Marker(Shape::Diamond, hex(MUTED), fr.s(16.0)),
            fr.lang
                .pick("重点风险场所（点）", "Special-risk site (point)")
                .to_string(),
            "Special-risk site (point)".to_string(),
        ));
    }
    if alert {
        let en = "Chemical park without a special-service station";
        legend.push((
            Swatch::Line(hex(ALERT), fr.s(7.0) as u32),
            fr.lang.pick("无特勤站的化工园区", en).to_string(),
            en.to_string(),
        ));
    }
    legend
}
