//! Response-time map: road pieces coloured by response band (≤ 3 min, 3–5, 5–8, > 8,
//! unreachable), stations by class, district outlines and names, demand points not
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

/// Response bands: upper bound (seconds) and colour; the last is unreachable.
pub const BANDS: [(f64, u32, &str, &str); 5] = [
    (180.0, 0x1a9641, "≤ 3 分钟", "≤ 3 min"),
    (300.0, 0xa6d96a, "3–5 分钟", "3–5 min"),
    (480.0, 0xfdae61, "5–8 分钟", "5–8 min"),
    (f64::INFINITY, 0xd7191c, "> 8 分钟", "> 8 min"),
    (f64::NAN, 0x8c8c8c, "不可达", "unreachable"),
];

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
    let fr = Frame::for_run(opts.width_px, run, opts.lang);
    let mut sc = fr.scene();
    let thr = run.coverage.params.threshold_s;
    // Road pieces by band, split exactly where the response crosses a band limit.
    let limits: Vec<f64> = BANDS[..3].iter().map(|b| b.0).collect();
    let pieces = run.coverage.band_pieces(net, &limits);
    // Roads: minor first, then major (a tier per class width, in segment order within).
    let mut roads = RoadLayer::new(fr.width, fr.height);
    for (s, pieces) in net.segments.iter().zip(&pieces) {
        let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
        let class_w = road_width(&s.highway.tag());
        let w = fr.s(class_w) as u32;
        for &(x, y, bi) in pieces {
            let at = |g: f64| fr.px(a.lon + g * (b.lon - a.lon), a.lat + g * (b.lat - a.lat));
            roads.push(class_w as u32, w, at(x), at(y), hex(BANDS[bi].1));
        }
    }
    let aggregated = roads.draw(&mut sc, "roads").contains(&Drawn::Aggregated);
    super::closures::draw_roads(&fr, &mut sc, &run.prepared);
    fr.districts(&mut sc, &run.inputs.districts, true);
    // Demand points not reached within the threshold (smaller where there are many).
    let is_late = |r: &crate::coverage::DemandResult| {
        r.off_network || !r.response.first_s().is_some_and(|t| t <= thr)
    };
    let crowd = fr.crowd_scale(
        run.coverage.demand.iter().filter(|r| is_late(r)).count(),
        11.0,
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

    let mut legend: Vec<(Swatch, String, String)> = BANDS
        .iter()
        .map(|b| {
            (
                Swatch::Line(hex(b.1), fr.s(12.0) as u32),
                fr.lang.pick(b.2, b.3).to_string(),
                b.3.to_string(),
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
