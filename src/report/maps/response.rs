//! Response-time map: road pieces coloured by response band (from the scenario: ≤ 3 min,
//! 3–5, 5–8, > 8, unreachable for the 5-minute standard), stations by class, district outlines and names, demand points not
//! reached within the threshold.

use plotters::style::WHITE;

use super::frame::Frame;
use super::labels::{fmt_min, symbol_radius, LabelRequest, Priority};
use super::roads::{Drawn, RoadLayer};
use super::scene::{
    ascii_or, class_name_en, class_symbol, hex, push_mark, push_symbol, Scene, Shape, Swatch,
};
use super::MapOptions;
use crate::model::{Station, StationClass};
use crate::run::RunResult;

/// One band of the response map: responses up to `upto_s` (and above the band before);
/// `f64::INFINITY` for the band above every limit, `f64::NAN` for roads not reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub upto_s: f64,
    /// Within the response threshold (the green bands).
    pub in_time: bool,
    pub color: u32,
    pub zh: String,
    pub en: String,
}

/// Within the threshold: dark to light green; beyond it: orange to red; unreached: grey.
const IN_TIME_FIRST: u32 = 0x1a9641;
const IN_TIME_LAST: u32 = 0xa6d96a;
const LATE_FIRST: u32 = 0xfdae61;
const LATE_LAST: u32 = 0xd7191c;
const UNREACHED: u32 = 0x8c8c8c;

/// The `i`-th of `n` colours evenly between `a` and `b` (`a` when `n` is 1).
fn blend(a: u32, b: u32, i: usize, n: usize) -> u32 {
    if n < 2 {
        return a;
    }
    let t = i as f64 / (n - 1) as f64;
    let ch = |s: u32| {
        let (x, y) = (f64::from((a >> s) & 0xff), f64::from((b >> s) & 0xff));
        ((x + t * (y - x)).round() as u32) << s
    };
    ch(16) | ch(8) | ch(0)
}

/// The response map's bands for band limits `limits_s` (ascending, holding the
/// threshold; [`crate::params::MapParams::response_bands_s`]): green up to the threshold,
/// orange to red beyond it, then grey for roads not reached; legend text from the limits.
pub fn bands(limits_s: &[f64], threshold_s: f64) -> Vec<Band> {
    let in_time = limits_s.iter().filter(|&&l| l <= threshold_s).count();
    let late = limits_s.len() - in_time + 1;
    let mut out = Vec::with_capacity(limits_s.len() + 2);
    for (i, &upto_s) in limits_s.iter().enumerate() {
        let color = if i < in_time {
            blend(IN_TIME_FIRST, IN_TIME_LAST, i, in_time)
        } else {
            blend(LATE_FIRST, LATE_LAST, i - in_time, late)
        };
        let (zh, en) = match i.checked_sub(1).map(|j| limits_s[j]) {
            None => (
                format!("≤ {} 分钟", fmt_min(upto_s)),
                format!("≤ {} min", fmt_min(upto_s)),
            ),
            Some(from) => (
                format!("{}–{} 分钟", fmt_min(from), fmt_min(upto_s)),
                format!("{}–{} min", fmt_min(from), fmt_min(upto_s)),
            ),
        };
        out.push(Band {
            upto_s,
            in_time: i < in_time,
            color,
            zh,
            en,
        });
    }
    let last = limits_s.last().copied().unwrap_or(threshold_s);
    out.push(Band {
        upto_s: f64::INFINITY,
        in_time: false,
        color: LATE_LAST,
        zh: format!("> {} 分钟", fmt_min(last)),
        en: format!("> {} min", fmt_min(last)),
    });
    out.push(Band {
        upto_s: f64::NAN,
        in_time: false,
        color: UNREACHED,
        zh: "不可达".to_string(),
        en: "unreachable".to_string(),
    });
    out
}

/// The bands of a run's response map: its scenario's limits and threshold.
pub fn run_bands(run: &RunResult) -> (Vec<f64>, Vec<Band>) {
    let sc = &run.inputs.scenario;
    let limits = sc.map.response_bands_s(&run.coverage.params);
    let bands = bands(&limits, run.coverage.params.threshold_s);
    (limits, bands)
}

/// Line width of a road class at 2480 px.
fn road_width(tag: &str) -> f64 {
    match tag.trim_end_matches("_link") {
        "motorway" | "trunk" => 7.0,
        "primary" => 6.0,
        "secondary" => 5.0,
        "tertiary" => 4.0,
        _ => 3.0,
    }
}

/// Stations by class (responding and logistics; closed ones are left out), with labels.
pub fn stations(fr: &Frame, sc: &mut Scene, run: &RunResult, labels: bool) {
    draw_stations(fr, sc, &run.inputs.stations, labels);
}

/// More stations than this and the map carries symbols only: thousands of labels are
/// unreadable, and drawing them took minutes (issue 20, H2).
pub const MAX_LABELLED_STATIONS: usize = 500;

/// As [`stations`], for a list of stations (layers `stations` and `station-labels`).
pub fn draw_stations(fr: &Frame, sc: &mut Scene, list: &[Station], labels: bool) {
    let open = list
        .iter()
        .filter(|s| s.status != crate::model::StationStatus::Closed)
        .count();
    let labels = labels && open <= MAX_LABELLED_STATIONS;
    let crowd = fr.crowd_scale(open, 22.0);
    for s in list {
        if s.status == crate::model::StationStatus::Closed {
            continue;
        }
        let (shape, color, size) = class_symbol(s.class);
        let size = size as f64 * crowd;
        let at = fr.px(s.location.x(), s.location.y());
        push_symbol(sc, "stations", shape, at, fr.s(size), color);
        // Micro stations and volunteer teams (dozens, one per village): symbols only.
        if labels && !s.class.community_force() {
            let label = fr.lang.pick(&s.name, &s.id);
            let fb = ascii_or(label, &s.id);
            sc.label(LabelRequest::point(
                "station-labels",
                at,
                symbol_radius(shape, fr.s(size), fr.s(4.0)),
                label,
                &fb,
                26.0 * fr.u,
                hex(0x101010),
                Priority::Station,
            ));
        }
    }
}

/// Legend entries of the station classes present.
pub fn station_legend(fr: &Frame, run: &RunResult) -> Vec<(Swatch, String, String)> {
    class_legend(fr, &run.inputs.stations)
}

/// Legend entries of the station classes present in a list (closed stations left out).
pub fn class_legend(fr: &Frame, list: &[Station]) -> Vec<(Swatch, String, String)> {
    let mut out = Vec::new();
    for c in StationClass::ALL {
        if list
            .iter()
            .any(|s| s.class == c && s.status != crate::model::StationStatus::Closed)
        {
            let (shape, color, size) = class_symbol(c);
            out.push((
                Swatch::Marker(shape, color, fr.s(size as f64)),
                fr.lang.pick(c.name_zh(), class_name_en(c)).to_string(),
                class_name_en(c).to_string(),
            ));
        }
    }
    out
}

/// The response-time map.
pub fn scene(run: &RunResult, opts: &MapOptions, date: &str) -> Scene {
    let net = &run.prepared.network;
    let fr = Frame::for_run(opts, run);
    let mut sc = fr.scene();
    super::context::draw(&fr, &mut sc, &run.inputs.context);
    let thr = run.coverage.params.threshold_s;
    // Road pieces by band, split exactly where the response crosses a band limit.
    let (limits, bands) = run_bands(run);
    let pieces = run.coverage.band_pieces(net, &limits);
    // Roads: minor first, then major (a tier per class width, in segment order within).
    let mut roads = RoadLayer::new(fr.width, fr.height);
    // Band by band, unreached first and the earliest band last (on top where pieces of
    // different bands meet): long runs of one colour, one `<path>` each in the SVG.
    for band in (0..bands.len()).rev() {
        for (s, pieces) in net.segments.iter().zip(&pieces) {
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            let class_w = road_width(&s.highway.tag());
            let w = fr.s(class_w) as u32;
            for &(x, y, bi) in pieces.iter().filter(|p| p.2 == band) {
                let at = |g: f64| fr.px(a.lon + g * (b.lon - a.lon), a.lat + g * (b.lat - a.lat));
                roads.push(class_w as u32, w, at(x), at(y), hex(bands[bi].color));
            }
        }
    }
    let aggregated = roads.draw(&mut sc, "roads").contains(&Drawn::Aggregated);
    super::closures::draw_roads(&fr, &mut sc, &run.prepared);
    fr.districts(&mut sc, &run.inputs.districts, true);
    // Demand points not reached within the threshold, smaller where there are many: they
    // show where, the roads how late, so together they cover at most 3 % of the map (the
    // thousands of buildings of a real extract were black blots otherwise).
    let is_late = |r: &crate::coverage::DemandResult| {
        r.off_network || !r.response.first_s().is_some_and(|t| t <= thr)
    };
    let crowd = fr.crowd_scale_within(
        run.coverage.demand.iter().filter(|r| is_late(r)).count(),
        11.0,
        0.03,
    );
    let mut late = 0usize;
    for (d, r) in run
        .inputs
        .demand
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .zip(&run.coverage.demand)
    {
        if is_late(r) {
            late += 1;
            let at = fr.px(d.location.x(), d.location.y());
            let (halo, dot) = (2 * fr.s(8.0 * crowd), 2 * fr.s(5.5 * crowd));
            push_mark(
                &mut sc,
                "uncovered-demand-halo",
                Shape::Circle,
                at,
                halo,
                WHITE,
            );
            push_mark(
                &mut sc,
                "uncovered-demand",
                Shape::Circle,
                at,
                dot,
                hex(0x1f1f1f),
            );
        }
    }
    let villages = super::drone::draw_villages(&fr, &mut sc, run);
    let sites = super::risk_sites::draw(&fr, &mut sc, run);
    stations(&fr, &mut sc, run, true);
    let closed = super::closures::draw_marks(&fr, &mut sc, &run.prepared);

    let mut legend: Vec<(Swatch, String, String)> = bands
        .iter()
        .map(|b| {
            (
                Swatch::Line(hex(b.color), fr.s(12.0) as u32),
                fr.lang.pick(&b.zh, &b.en).to_string(),
                b.en.clone(),
            )
        })
        .collect();
    if aggregated {
        // Dense roads are drawn per cell of the line width (super::roads): say whose
        // band a cell shows.
        legend.push((
            Swatch::None,
            fr.lang
                .pick(
                    "密集道路：每格取多数长度的时段",
                    "Dense roads: band of most length",
                )
                .to_string(),
            "Dense roads: band of most length".to_string(),
        ));
    }
    legend.extend(station_legend(&fr, run));
    legend.extend(villages);
    if late > 0 {
        let zh = format!("{} 分钟内未到达的警情点 ({late})", fmt_min(thr));
        let en = format!("Incident not reached in {} min ({late})", fmt_min(thr));
        legend.push((
            Swatch::Dot(hex(0x1f1f1f), fr.s(7.0)),
            fr.lang.pick(&zh, &en).to_string(),
            en.clone(),
        ));
    }
    legend.extend(closed);
    legend.push((
        Swatch::Line(hex(0x404040), fr.s(5.0) as u32),
        fr.lang.pick("救援片区边界", "Rescue district").to_string(),
        "Rescue district".to_string(),
    ));
    legend.extend(sites);
    let m = &run.coverage.region;
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:.1} %", x * 100.0));
    let (zh, en) = (
        format!(
            "{} 分钟覆盖：警情 {}，道路 {}",
            fmt_min(thr),
            pct(m.demand_coverage),
            pct(m.road_coverage)
        ),
        format!(
            "{}-min coverage: incidents {}, roads {}",
            fmt_min(thr),
            pct(m.demand_coverage),
            pct(m.road_coverage)
        ),
    );
    legend.push((Swatch::None, fr.lang.pick(&zh, &en).to_string(), en.clone()));
    // A calibrated run's bands are medians: say so, with the expected coverage.
    if let Some(e) = run.expected_demand_coverage() {
        let (zh, en) = (
            format!("按出警记录校准的中位时间；期望覆盖 {}", pct(Some(e))),
            format!("calibrated medians; expected coverage {}", pct(Some(e))),
        );
        legend.push((Swatch::None, fr.lang.pick(&zh, &en).to_string(), en));
    }
    fr.decorate(
        &mut sc,
        ("响应时间图 · 到场时间分段", "Response time map"),
        run,
        date,
        &legend,
    );
    super::labels::finish(&mut sc);
    sc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_minute_bands_keep_their_colours_and_text() {
        let b = bands(&[180.0, 300.0, 480.0], 300.0);
        let got: Vec<(u32, &str)> = b.iter().map(|b| (b.color, b.en.as_str())).collect();
        assert_eq!(
            got,
            [
                (0x1a9641, "≤ 3 min"),
                (0xa6d96a, "3–5 min"),
                (0xfdae61, "5–8 min"),
                (0xd7191c, "> 8 min"),
                (0x8c8c8c, "unreachable"),
            ]
        );
        assert_eq!(b[1].zh, "3–5 分钟");
    }

    #[test]
    fn bands_turn_late_at_the_threshold() {
        // A 4-minute standard: 4–8 minutes is late (orange), not green.
        let b = bands(&[120.0, 240.0, 480.0], 240.0);
        assert_eq!(b[1].en, "2–4 min");
        assert_eq!(b[1].color, 0xa6d96a);
        assert_eq!((b[2].en.as_str(), b[2].color), ("4–8 min", 0xfdae61));
        // Three bands in time: the middle one halfway between the greens.
        let b = bands(&[60.0, 180.0, 300.0], 300.0);
        assert_eq!(b[1].color, blend(0x1a9641, 0xa6d96a, 1, 3));
        assert_eq!(b[1].color, 0x60b856);
        // Threshold only: in time or late.
        let b = bands(&[300.0], 300.0);
        let got: Vec<(u32, &str)> = b.iter().map(|b| (b.color, b.en.as_str())).collect();
        assert_eq!(
            got,
            [
                (0x1a9641, "≤ 5 min"),
                (0xd7191c, "> 5 min"),
                (0x8c8c8c, "unreachable")
            ]
        );
    }
}
