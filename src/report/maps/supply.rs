//! Logistics-reach map (战勤保障): support points (reserve depots and logistics-support
//! stations) by level, and per level the roads reached within its reach time.

use super::frame::Frame;
use super::labels::{symbol_radius, LabelRequest, Priority};
use super::roads::RoadLayer;
use super::scene::{ascii_or, hex, push_mark, push_symbol, Scene, Shape, Swatch};
use super::MapOptions;
use crate::model::intervals;
use crate::model::DepotLevel;
use crate::run::RunResult;

/// Symbol, colour and size of a support-point level; name zh / en.
pub fn level_style(l: DepotLevel) -> (Shape, u32, f64, &'static str, &'static str) {
    match l {
        DepotLevel::National => (Shape::Star, 0x3f007d, 40.0, "国家级", "national"),
        DepotLevel::Regional => (Shape::Star, 0x54278f, 36.0, "区域级", "regional"),
        DepotLevel::City => (Shape::Hexagon, 0x08519c, 30.0, "市级", "city"),
        DepotLevel::County => (Shape::Square, 0x006d2c, 26.0, "县级", "county"),
        DepotLevel::Town => (Shape::Triangle, 0x8c2d04, 24.0, "乡镇级", "town"),
    }
}

/// Road colour for the reach of a level.
pub fn reach_colour(l: DepotLevel) -> u32 {
    match l {
        DepotLevel::National => 0xdadaeb,
        DepotLevel::Regional => 0xbcbddc,
        DepotLevel::City => 0x9ecae1,
        DepotLevel::County => 0x74c476,
        DepotLevel::Town => 0xfd8d3c,
    }
}

/// The logistics-reach map; None without support data.
pub fn scene(run: &RunResult, opts: &MapOptions, date: &str) -> Option<Scene> {
    let sup = run.supply.as_ref()?;
    let net = &run.prepared.network;
    let fr = Frame::for_run(opts, run);
    let mut sc = fr.scene();
    super::context::draw(&fr, &mut sc, &run.inputs.context);
    // Widest reach first, so that the finer levels stay visible on top: a tier per level.
    // Each road piece is drawn once, in the colour seen: a level only where no later
    // level reaches, the grey roads only where none does (the supply map drew the
    // network three times over).
    let levels: Vec<(usize, f64)> = sup
        .levels
        .iter()
        .enumerate()
        .filter_map(|(li, info)| Some((li, info.reach_s?)))
        .filter(|(li, _)| sup.segments.get(*li).is_some())
        .collect();
    let reach_w = fr.s(4.0) as u32;
    let grey_w = fr.s(2.0) as u32;
    let mut grey = RoadLayer::new(fr.width, fr.height);
    let mut reach = RoadLayer::new(fr.width, fr.height);
    for (k, s) in net.segments.iter().enumerate() {
        let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
        let at = |g: f64| fr.px(a.lon + g * (b.lon - a.lon), a.lat + g * (b.lat - a.lat));
        // Walking from the top level down: what is already drawn above.
        let mut above: Vec<(f64, f64)> = Vec::new();
        for &(li, _) in levels.iter().rev() {
            let Some(within) = sup.segments[li].get(k).map(|r| &r.within) else {
                continue;
            };
            let col = hex(reach_colour(sup.levels[li].level));
            for &(x, y) in &intervals::minus(within, &above) {
                reach.push(li as u32, reach_w, at(x), at(y), col);
            }
            above = intervals::union(above.into_iter().chain(within.iter().copied()).collect());
        }
        for &(x, y) in &intervals::minus(&[(0.0, 1.0)], &above) {
            grey.push(0, grey_w, at(x), at(y), hex(0xbdbdbd));
        }
    }
    grey.draw(&mut sc, "roads");
    let mut legend = Vec::new();
    for &(li, reach_s) in &levels {
        let info = &sup.levels[li];
        let col = hex(reach_colour(info.level));
        let (.., zh, en) = level_style(info.level);
        let min = reach_s / 60.0;
        let lzh = format!("{zh}保障 {min:.0} 分钟可达道路");
        let len = format!("Roads within {min:.0} min of a {en} point");
        legend.push((
            Swatch::Line(col, fr.s(12.0) as u32),
            fr.lang.pick(&lzh, &len).to_string(),
            len.clone(),
        ));
    }
    reach.draw(&mut sc, "reach");
    legend.push((
        Swatch::Line(hex(0xbdbdbd), fr.s(6.0) as u32),
        fr.lang.pick("其他道路", "Other road").to_string(),
        "Other road".to_string(),
    ));
    super::closures::draw_roads(&fr, &mut sc, &run.prepared);
    fr.districts(&mut sc, &run.inputs.districts, true);
    // Responding stations, small and grey: what the support points must reach (smaller
    // where there are thousands).
    let responding = run.inputs.stations.iter().filter(|s| s.responds()).count();
    let crowd = fr.crowd_scale(responding, 18.0);
    for s in &run.inputs.stations {
        if !s.responds() {
            continue;
        }
        let at = fr.px(s.location.x(), s.location.y());
        let size = 2 * fr.s(9.0 * crowd);
        push_mark(&mut sc, "stations", Shape::Circle, at, size, hex(0x505050));
        sc.reserve_symbol(super::scene::mark_box(Shape::Circle, at, size));
    }
    legend.push((
        Swatch::Dot(hex(0x505050), fr.s(9.0)),
        fr.lang.pick("消防救援站", "Fire station").to_string(),
        "Fire station".to_string(),
    ));
    let mut seen = Vec::new();
    let mut any_over = false;
    for (p, load) in sup.points.iter().zip(&sup.loads) {
        let (shape, c, size, zh, en) = level_style(p.level);
        let at = fr.px(p.location.x(), p.location.y());
        push_symbol(&mut sc, "support-points", shape, at, fr.s(size), hex(c));
        let over = load.over_subscribed();
        let name = fr.lang.pick(&p.name, &p.label);
        let fb = ascii_or(name, &p.label);
        any_over |= over;
        // Support points often stand side by side: labels go where they are free.
        sc.label(LabelRequest::point(
            "labels",
            at,
            symbol_radius(shape, fr.s(size), fr.s(4.0)),
            name,
            &fb,
            27.0 * fr.u,
            if over { hex(0xb00000) } else { hex(0x101010) },
            Priority::Facility,
        ));
        if !seen.contains(&p.level) {
            seen.push(p.level);
            let lzh = format!("{zh}保障点");
            let len = format!("{en} support point");
            legend.push((
                Swatch::Marker(shape, hex(c), fr.s(size)),
                fr.lang.pick(&lzh, &len).to_string(),
                len.clone(),
            ));
        }
    }
    if any_over {
        legend.push((
            Swatch::None,
            fr.lang
                .pick("红色名称：保障人数超出容量", "Red name: over capacity")
                .to_string(),
            "Red name: over capacity".to_string(),
        ));
    }
    legend.extend(super::closures::draw_marks(&fr, &mut sc, &run.prepared));
    legend.push((
        Swatch::Line(hex(0x404040), fr.s(5.0) as u32),
        fr.lang.pick("救援片区边界", "Rescue district").to_string(),
        "Rescue district".to_string(),
    ));
    fr.decorate(
        &mut sc,
        ("战勤保障可达范围图", "Logistics-support reach"),
        run,
        date,
        &legend,
    );
    super::labels::finish(&mut sc);
    Some(sc)
}
