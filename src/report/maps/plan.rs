//! Plan map: baseline versus plan — new, moved, changed and closed stations, roads the
//! plan (or the scenario) closes, and the roads and incidents that gain or lose coverage
//! within the threshold.

use super::frame::Frame;
use super::labels::{fmt_min, symbol_radius, LabelRequest, Priority};
use super::roads::RoadLayer;
use super::scene::{
    ascii_or, class_symbol, hex, push_mark, push_symbol, Prim, Scene, Shape, Swatch,
};
use super::MapOptions;
use crate::plan::diff::CoverageChange;
use crate::run::PlanRunResult;

const GAIN: u32 = 0x1a9850;
const LOSS: u32 = 0xd73027;

fn covered_len(r: &crate::coverage::SegmentResult) -> f64 {
    r.covered.iter().map(|(a, b)| b - a).sum()
}

/// The plan map.
pub fn scene(pr: &PlanRunResult, opts: &MapOptions, date: &str) -> Scene {
    let run = &pr.plan;
    let net = &run.prepared.network;
    // Baseline stations the plan closes or moves stay in the frame too.
    let mut fr = Frame::for_run(opts, run);
    let extra: Vec<(f64, f64)> = pr
        .baseline
        .inputs
        .stations
        .iter()
        .map(|s| (s.location.x(), s.location.y()))
        .chain(
            run.inputs
                .stations
                .iter()
                .map(|s| (s.location.x(), s.location.y())),
        )
        .chain(
            run.inputs
                .depots
                .iter()
                .flatten()
                .map(|d| (d.location.x(), d.location.y())),
        )
        .collect();
    if !extra.is_empty() {
        fr = Frame::around(opts, net, &run.inputs.districts, &extra);
    }
    let mut sc = fr.scene();
    super::context::draw(&fr, &mut sc, &run.inputs.context);
    fr.roads_grey(&mut sc, net);
    // Roads whose covered share changes by more than a tenth of their length. Segments are
    // matched through the open network: a plan that closes roads runs on fewer of them.
    let w = fr.s(6.0) as u32;
    // Covered road length gained and lost, metres (on roads changing by > a tenth).
    let (mut gained_m, mut lost_m) = (0.0f64, 0.0f64);
    let mut change = RoadLayer::new(fr.width, fr.height);
    let base_net = &pr.baseline.prepared.network;
    let base_open = super::closures::open_index(&pr.baseline.prepared);
    let plan_open = super::closures::open_index(&run.prepared);
    let open_len = base_open
        .iter()
        .chain(&plan_open)
        .map(|&i| i as usize + 1)
        .max()
        .unwrap_or(0);
    // Open-network index → the baseline's segment.
    let mut in_base: Vec<Option<usize>> = vec![None; open_len];
    for (bi, &oi) in base_open.iter().enumerate() {
        in_base[oi as usize] = Some(bi);
    }
    for (si, s) in net.segments.iter().enumerate() {
        let Some(bi) = plan_open.get(si).and_then(|&oi| in_base[oi as usize]) else {
            continue;
        };
        let (Some(p), Some(b)) = (
            pr.plan.coverage.segments.get(si),
            pr.baseline.coverage.segments.get(bi),
        ) else {
            continue;
        };
        debug_assert!(base_net.segments[bi].a == s.a && base_net.segments[bi].b == s.b);
        let d = covered_len(p) - covered_len(b);
        if d.abs() < 0.1 {
            continue;
        }
        let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
        let col = if d > 0.0 {
            gained_m += d * f64::from(s.length_m);
            GAIN
        } else {
            lost_m -= d * f64::from(s.length_m);
            LOSS
        };
        change.push(0, w, fr.px(a.lon, a.lat), fr.px(b.lon, b.lat), hex(col));
    }
    change.draw(&mut sc, "coverage-change");
    super::closures::draw_roads(&fr, &mut sc, &run.prepared);
    fr.districts(&mut sc, &run.inputs.districts, true);
    for d in &pr.diff.demand {
        let at = fr.px(d.lon, d.lat);
        let c = match d.change {
            CoverageChange::Gained => GAIN,
            CoverageChange::Lost => LOSS,
        };
        let (halo, dot) = (2 * fr.s(8.0), 2 * fr.s(6.0));
        push_mark(
            &mut sc,
            "demand-change-halo",
            Shape::Circle,
            at,
            halo,
            hex(0xffffff),
        );
        push_mark(&mut sc, "demand-change", Shape::Circle, at, dot, hex(c));
    }
    // Baseline stations the plan keeps, in their class symbol, greyed by size.
    for s in &pr.baseline.inputs.stations {
        if s.status == crate::model::StationStatus::Closed {
            continue;
        }
        let (shape, _, size) = class_symbol(s.class);
        let at = fr.px(s.location.x(), s.location.y());
        push_symbol(
            &mut sc,
            "stations",
            shape,
            at,
            fr.s(size as f64 * 0.8),
            hex(0x707070),
        );
    }
    // The changes.
    let mut legend_kinds: Vec<&str> = Vec::new();
    let mut labelled: Vec<(&str, (i32, i32))> = Vec::new();
    for c in &pr.applied {
        // Road closures are drawn with the closed roads.
        if c.subject_kind == "road" {
            continue;
        }
        let (col, shape, _kind_zh, kind_en) = match c.action {
            "add_station" => (0x00441b, Shape::Star, "新建", "new"),
            // A new depot is not a new station: its own symbol (and legend entry).
            "add_depot" => (0x00441b, Shape::Hexagon, "新建保障点", "new depot"),
            "move_station" | "move_depot" => (0x2166ac, Shape::Diamond, "迁建", "moved"),
            "close_station" | "remove_depot" => (LOSS, Shape::Cross, "撤销", "closed / removed"),
            _ => (
                0x7b3294,
                Shape::Circle,
                "调整",
                "changed (class, staff, vehicles)",
            ),
        };
        let Some((lon, lat)) = c.to.or(c.from) else {
            continue;
        };
        if let (Some(f), Some(t)) = (c.from, c.to) {
            if f != t {
                sc.layer("moves").push(Prim::Path {
                    pts: vec![fr.px(f.0, f.1), fr.px(t.0, t.1)],
                    color: hex(col),
                    width: fr.s(5.0) as u32,
                });
            }
        }
        let at = fr.px(lon, lat);
        let size = fr.s(change_symbol_size(shape));
        push_symbol(&mut sc, "changes", shape, at, size, hex(col));
        // Every changed place is labelled once (modified stations too, however many of
        // their fields change); new stations and depots often stand close: labels go where
        // they are free.
        if labelled.contains(&(c.subject.as_str(), at)) {
            if !legend_kinds.contains(&kind_en) {
                legend_kinds.push(kind_en);
            }
            continue;
        }
        labelled.push((c.subject.as_str(), at));
        let name = fr.lang.pick(&c.name, &c.subject);
        let fb = ascii_or(name, &c.subject);
        sc.label(LabelRequest::point(
            "labels",
            at,
            symbol_radius(shape, size, fr.s(4.0)),
            name,
            &fb,
            28.0 * fr.u,
            hex(0x101010),
            Priority::Station,
        ));
        if !legend_kinds.contains(&kind_en) {
            legend_kinds.push(kind_en);
        }
    }
    let closed_legend = super::closures::draw_marks(&fr, &mut sc, &run.prepared);
    let mut legend = Vec::new();
    for (col, shape, zh, en) in [
        (0x00441bu32, Shape::Star, "新建站点", "new"),
        (0x00441b, Shape::Hexagon, "新建保障点", "new depot"),
        (0x2166ac, Shape::Diamond, "迁建站点", "moved"),
        (LOSS, Shape::Cross, "撤销站点", "closed / removed"),
        (
            0x7b3294,
            Shape::Circle,
            "调整（等级、人员、车辆）",
            "changed (class, staff, vehicles)",
        ),
    ] {
        if legend_kinds.contains(&en) {
            let size = change_symbol_size(shape);
            let len = if en == "new depot" {
                "New depot".to_string()
            } else {
                format!("Station/depot {en}")
            };
            legend.push((
                Swatch::Marker(shape, hex(col), fr.s(size)),
                fr.lang.pick(zh, &len).to_string(),
                len.clone(),
            ));
        }
    }
    // Existing stations: the class shapes drawn, in their grey.
    for c in crate::model::StationClass::ALL {
        let present = pr
            .baseline
            .inputs
            .stations
            .iter()
            .any(|s| s.class == c && s.status != crate::model::StationStatus::Closed);
        if present {
            let (shape, _, size) = class_symbol(c);
            let en = format!("Existing {}", super::scene::class_name_en(c));
            legend.push((
                Swatch::Marker(shape, hex(0x707070), fr.s(size as f64 * 0.8)),
                fr.lang
                    .pick(&format!("现状{}", c.name_zh()), &en)
                    .to_string(),
                en,
            ));
        }
    }
    let thr = fmt_min(run.coverage.params.threshold_s);
    let (gained_km, lost_km) = (gained_m / 1000.0, lost_m / 1000.0);
    for (km, col, zh, en) in [
        (
            gained_km,
            GAIN,
            format!("新增 {thr} 分钟覆盖的道路 ({gained_km:.1} km)"),
            format!("Road gaining {thr}-min coverage ({gained_km:.1} km)"),
        ),
        (
            lost_km,
            LOSS,
            format!("失去 {thr} 分钟覆盖的道路 ({lost_km:.1} km)"),
            format!("Road losing {thr}-min coverage ({lost_km:.1} km)"),
        ),
    ] {
        if km > 0.0 {
            legend.push((
                Swatch::Line(hex(col), fr.s(10.0) as u32),
                fr.lang.pick(&zh, &en).to_string(),
                en.clone(),
            ));
        }
    }
    for (n, col, zh, en) in [
        (
            pr.diff.gained_points,
            GAIN,
            format!("新增覆盖的警情点 ({})", pr.diff.gained_points),
            format!("Incident newly covered ({})", pr.diff.gained_points),
        ),
        (
            pr.diff.lost_points,
            LOSS,
            format!("失去覆盖的警情点 ({})", pr.diff.lost_points),
            format!("Incident losing coverage ({})", pr.diff.lost_points),
        ),
    ] {
        if n > 0 {
            legend.push((
                Swatch::Dot(hex(col), fr.s(7.0)),
                fr.lang.pick(&zh, &en).to_string(),
                en.clone(),
            ));
        }
    }
    legend.extend(closed_legend);
    legend.push((
        Swatch::Line(hex(0x404040), fr.s(5.0) as u32),
        fr.lang.pick("救援片区边界", "Rescue district").to_string(),
        "Rescue district".to_string(),
    ));
    let zh_title = format!("规划方案对比图：{}", pr.plan_file.name);
    let en_title = format!(
        "Plan versus baseline: {}",
        ascii_or(&pr.plan_file.name, "plan")
    );
    fr.decorate(&mut sc, (&zh_title, &en_title), run, date, &legend);
    super::labels::finish(&mut sc);
    sc
}

/// Size of a change's symbol at 2480 px: a changed station's small circle, else large.
fn change_symbol_size(shape: Shape) -> f64 {
    if shape == Shape::Circle {
        16.0
    } else {
        30.0
    }
}
