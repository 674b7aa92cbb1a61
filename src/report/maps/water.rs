//! Fire-water map (消防水源): the sources by kind (out-of-service ones marked), the roads of
//! the urban districts farther than half the hydrant spacing from a serviceable hydrant,
//! and the demand beyond hydrant reach.

use super::frame::Frame;
use super::scene::{hex, push_mark, Prim, Scene, Shape, Swatch};
use super::MapOptions;
use crate::model::water::WaterSourceKind;
use crate::run::RunResult;

/// Symbol, colour and size of a source kind.
fn kind_style(k: WaterSourceKind) -> (Shape, u32, f64) {
    match k {
        WaterSourceKind::Hydrant => (Shape::Circle, 0x6baed6, 4.0),
        WaterSourceKind::WaterTank => (Shape::Square, 0x08306b, 20.0),
        WaterSourceKind::Natural => (Shape::Diamond, 0x08306b, 20.0),
        WaterSourceKind::SuctionPoint => (Shape::Triangle, 0x08306b, 22.0),
    }
}

/// The fire-water map; None without `[water]`.
pub fn scene(run: &RunResult, opts: &MapOptions, date: &str) -> Option<Scene> {
    let w = run.water.as_ref()?;
    let sources = run.inputs.water.as_deref().unwrap_or(&[]);
    let net = &run.prepared.network;
    let fr = Frame::for_run(opts, run);
    let mut sc = fr.scene();
    super::context::draw(&fr, &mut sc, &run.inputs.context);
    fr.roads_grey(&mut sc, net);
    let mut legend = Vec::new();
    let gap_col = hex(0xe6550d);
    let gap_w = fr.s(8.0) as u32;
    for g in w
        .gaps
        .iter()
        .filter(|g| crate::report::water::built_up(run, g.segment))
    {
        let s = &net.segments[g.segment as usize];
        let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
        let at = |f: f64| fr.px(a.lon + f * (b.lon - a.lon), a.lat + f * (b.lat - a.lat));
        sc.layer("spacing-gaps").push(Prim::Path {
            pts: vec![at(g.from), at(g.to)],
            color: gap_col,
            width: gap_w,
        });
    }
    legend.push((
        Swatch::Line(gap_col, fr.s(12.0) as u32),
        fr.lang
            .pick(
                &format!("城区道路：距消火栓 > {:.0} 米", w.hydrant_spacing_m / 2.0),
                &format!(
                    "Urban road > {:.0} m from a hydrant",
                    w.hydrant_spacing_m / 2.0
                ),
            )
            .to_string(),
        format!(
            "Urban road > {:.0} m from a hydrant",
            w.hydrant_spacing_m / 2.0
        ),
    ));
    legend.push((
        Swatch::Line(hex(0xbdbdbd), fr.s(6.0) as u32),
        fr.lang.pick("其他道路", "Other road").to_string(),
        "Other road".to_string(),
    ));
    fr.districts(&mut sc, &run.inputs.districts, true);
    // Demand beyond reach under the sources, so that a source beside it stays visible.
    let beyond_col = hex(0x54278f);
    let mut any_beyond = false;
    let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
    for i in w.beyond_reach(&run.coverage) {
        let d = &demand[i];
        any_beyond = true;
        let at = fr.px(d.location.x(), d.location.y());
        push_mark(
            &mut sc,
            "beyond-reach",
            Shape::Circle,
            at,
            fr.s(9.0),
            beyond_col,
        );
    }
    if any_beyond {
        legend.push((
            Swatch::Dot(beyond_col, fr.s(9.0) / 2),
            fr.lang
                .pick(
                    &format!("需求点：{:.0} 米内无消火栓", w.protection_radius_m),
                    &format!("Demand beyond {:.0} m of a hydrant", w.protection_radius_m),
                )
                .to_string(),
            format!("Demand beyond {:.0} m of a hydrant", w.protection_radius_m),
        ));
    }
    for kind in WaterSourceKind::ALL {
        let (shape, c, size) = kind_style(kind);
        let mut any = false;
        for s in sources.iter().filter(|s| s.kind == kind && s.serviceable()) {
            any = true;
            let at = fr.px(s.location.x(), s.location.y());
            push_mark(&mut sc, "sources", shape, at, fr.s(size), hex(c));
        }
        if any {
            legend.push((
                Swatch::Marker(shape, hex(c), fr.s(size.max(12.0))),
                fr.lang.pick(kind.name_zh(), kind.as_str()).to_string(),
                kind.as_str().to_string(),
            ));
        }
    }
    let broken: Vec<_> = sources.iter().filter(|s| !s.serviceable()).collect();
    for s in &broken {
        let at = fr.px(s.location.x(), s.location.y());
        push_mark(
            &mut sc,
            "out-of-service",
            Shape::Cross,
            at,
            fr.s(9.0),
            hex(0xcb181d),
        );
    }
    if !broken.is_empty() {
        legend.push((
            Swatch::Marker(Shape::Cross, hex(0xcb181d), fr.s(14.0)),
            fr.lang.pick("损坏/停用水源", "Out of service").to_string(),
            "Out of service".to_string(),
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
        ("消防水源与供水缺口图", "Fire water sources and gaps"),
        run,
        date,
        &legend,
    );
    super::labels::finish(&mut sc);
    Some(sc)
}
