//! Drone-reach map (消防无人机覆盖图): the reach circle of every station with a drone
//! hangar (`drone = 1`, not closed) over the grey roads, demand points inside and outside
//! reach, stations with and without a hangar; and the village markers the response map
//! carries (行政村、社区 over 1,000 residents, red where no micro fire station serves them).

use plotters::style::WHITE;

use super::frame::Frame;
use super::labels::{symbol_radius, LabelRequest, Priority};
use super::scene::{
    ascii_or, class_symbol, hex, push_mark, push_symbol, ring_points, Prim, Scene, Shape, Swatch,
};
use super::MapOptions;
use crate::model::{StationClass, StationStatus};
use crate::run::RunResult;

/// Fill of the land within reach (drawn opaque under the roads, so that overlapping
/// circles read as one area).
const REACH_FILL: u32 = 0xd6e6f4;
/// Outline of one hangar's circle.
const REACH_LINE: u32 = 0x3182bd;
/// Demand within / beyond reach.
const DEMAND_IN: u32 = 0x08519c;
const DEMAND_OUT: u32 = 0xd7191c;
/// A station without a hangar.
const NO_HANGAR: u32 = 0x969696;

/// Villages over this many residents are marked (seed 000: 常住人口超千人).
pub const VILLAGE_MARK_ABOVE: f64 = 1000.0;
/// A village over 1,000 residents with a micro fire station / without one.
const VILLAGE_OK: u32 = 0x35978f;
const VILLAGE_GAP: u32 = 0xd7191c;

/// The drone-reach map; None without `[drone]`.
pub fn scene(run: &RunResult, opts: &MapOptions, date: &str) -> Option<Scene> {
    let d = run.drone.as_ref()?;
    let fr = Frame::for_run(opts, run);
    let mut sc = fr.scene();
    super::context::draw(&fr, &mut sc, &run.inputs.context);
    let stations = &run.inputs.stations;
    let r_px = (d.radius_m * fr.px_per_m).round() as i32;
    // The land within reach, opaque, then the roads over it; circles are cut at the
    // map's border.
    let (clip_fill, clip_line) = clipped_circles(&fr, d, stations, r_px);
    for pts in clip_fill {
        sc.layer("reach").push(Prim::Polygon {
            pts,
            fill: hex(REACH_FILL),
            opacity: 1.0,
        });
    }
    fr.roads_grey(&mut sc, &run.prepared.network);
    fr.districts(&mut sc, &run.inputs.districts, true);
    for pts in clip_line {
        sc.layer("reach-outline").push(Prim::Path {
            pts,
            color: hex(REACH_LINE),
            width: fr.s(4.0) as u32,
        });
    }
    // Demand: within reach small and blue, beyond reach red with a halo.
    let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
    let (mut n_in, mut n_out) = (0usize, 0usize);
    let (l, t, r, b) = fr.map;
    for (p, &inside) in demand.iter().zip(&d.demand_within) {
        let at = fr.px(p.location.x(), p.location.y());
        // Counted, but not drawn over the frame (buildings beyond the roads' box).
        let shown = (l..=r).contains(&at.0) && (t..=b).contains(&at.1);
        if inside {
            n_in += 1;
            if !shown {
                continue;
            }
            push_mark(
                &mut sc,
                "demand-within",
                Shape::Circle,
                at,
                2 * fr.s(3.5),
                hex(DEMAND_IN),
            );
        } else {
            n_out += 1;
            if !shown {
                continue;
            }
            push_mark(
                &mut sc,
                "demand-beyond-halo",
                Shape::Circle,
                at,
                2 * fr.s(7.5),
                WHITE,
            );
            push_mark(
                &mut sc,
                "demand-beyond",
                Shape::Circle,
                at,
                2 * fr.s(5.5),
                hex(DEMAND_OUT),
            );
        }
    }
    // Stations (community forces left out): with a hangar in their class symbol, without
    // one in grey; every one labelled unless there are too many.
    let shown: Vec<usize> = (0..stations.len())
        .filter(|&i| {
            stations[i].status != StationStatus::Closed && !stations[i].class.community_force()
        })
        .collect();
    let labels = shown.len() <= super::response::MAX_LABELLED_STATIONS;
    let mut classes: Vec<StationClass> = Vec::new();
    let mut any_without = false;
    for &i in &shown {
        let s = &stations[i];
        let hangar = d.hangars.contains(&i);
        let (shape, color, size) = class_symbol(s.class);
        let at = fr.px(s.location.x(), s.location.y());
        let (layer, fill) = if hangar {
            if !classes.contains(&s.class) {
                classes.push(s.class);
            }
            ("stations", color)
        } else {
            any_without = true;
            ("stations-without-hangar", hex(NO_HANGAR))
        };
        push_symbol(&mut sc, layer, shape, at, fr.s(size as f64), fill);
        if labels {
            let label = fr.lang.pick(&s.name, &s.id);
            let fb = ascii_or(label, &s.id);
            sc.label(LabelRequest::point(
                "station-labels",
                at,
                symbol_radius(shape, fr.s(size as f64), fr.s(4.0)),
                label,
                &fb,
                26.0 * fr.u,
                if hangar { hex(0x101010) } else { hex(0x707070) },
                Priority::Station,
            ));
        }
    }
    let km = d.radius_m / 1000.0;
    let mut legend = vec![
        (
            Swatch::Fill(hex(REACH_FILL)),
            fr.lang
                .pick(
                    &format!("无人机 {km:.1} 公里可达范围"),
                    &format!("Within {km:.1} km of a drone hangar"),
                )
                .to_string(),
            format!("Within {km:.1} km of a drone hangar"),
        ),
        (
            Swatch::Ring(hex(REACH_LINE), fr.s(14.0), fr.s(4.0) as u32),
            fr.lang
                .pick("单个无人机舱的可达圈", "Reach of one hangar")
                .to_string(),
            "Reach of one hangar".to_string(),
        ),
    ];
    for c in StationClass::ALL {
        if classes.contains(&c) {
            let (shape, color, size) = class_symbol(c);
            let zh = format!("有无人机舱的{}", c.name_zh());
            let en = format!("{} with a drone hangar", super::scene::class_name_en(c));
            legend.push((
                Swatch::Marker(shape, color, fr.s(size as f64)),
                fr.lang.pick(&zh, &en).to_string(),
                en.clone(),
            ));
        }
    }
    if any_without {
        legend.push((
            Swatch::Marker(Shape::Circle, hex(NO_HANGAR), fr.s(20.0)),
            fr.lang
                .pick(
                    "无无人机舱或未记录的站",
                    "Station without hangar (or not recorded)",
                )
                .to_string(),
            "Station without hangar (or not recorded)".to_string(),
        ));
    }
    if n_in > 0 {
        let zh = format!("可达范围内的警情点 ({n_in})");
        let en = format!("Incident within reach ({n_in})");
        legend.push((
            Swatch::Dot(hex(DEMAND_IN), fr.s(5.0)),
            fr.lang.pick(&zh, &en).to_string(),
            en.clone(),
        ));
    }
    if n_out > 0 {
        let zh = format!("可达范围外的警情点 ({n_out})");
        let en = format!("Incident beyond reach ({n_out})");
        legend.push((
            Swatch::Dot(hex(DEMAND_OUT), fr.s(7.0)),
            fr.lang.pick(&zh, &en).to_string(),
            en.clone(),
        ));
    }
    legend.push((
        Swatch::Line(hex(0x404040), fr.s(5.0) as u32),
        fr.lang.pick("救援片区边界", "Rescue district").to_string(),
        "Rescue district".to_string(),
    ));
    let pct = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:.1} %", x * 100.0));
    let zh = format!(
        "无人机覆盖：警情 {}，面积 {}",
        pct(d.region.demand_share),
        pct(d.region.area_share)
    );
    let en = format!(
        "Drone reach: incidents {}, area {}",
        pct(d.region.demand_share),
        pct(d.region.area_share)
    );
    legend.push((Swatch::None, fr.lang.pick(&zh, &en).to_string(), en.clone()));
    fr.decorate(
        &mut sc,
        ("消防无人机覆盖图", "Drone reach"),
        run,
        date,
        &legend,
    );
    super::labels::finish(&mut sc);
    Some(sc)
}

/// Each hangar's reach circle in pixels, cut at the map's border: the filled pieces
/// (exterior rings) and the outline pieces.
type PxLines = Vec<Vec<(i32, i32)>>;
fn clipped_circles(
    fr: &Frame,
    d: &crate::coverage::drone::DroneReach,
    stations: &[crate::model::Station],
    r_px: i32,
) -> (PxLines, PxLines) {
    use geo::{BooleanOps, Coord, LineString, MultiLineString, Polygon};
    let (l, t, r, b) = fr.map;
    let border = Polygon::new(
        LineString::from(vec![
            (l as f64, t as f64),
            (r as f64, t as f64),
            (r as f64, b as f64),
            (l as f64, b as f64),
            (l as f64, t as f64),
        ]),
        vec![],
    );
    let to_px = |ls: &LineString<f64>| -> Vec<(i32, i32)> {
        ls.0.iter()
            .map(|c| (c.x.round() as i32, c.y.round() as i32))
            .collect()
    };
    let (mut fills, mut lines) = (Vec::new(), Vec::new());
    for &i in &d.hangars {
        let at = fr.px(stations[i].location.x(), stations[i].location.y());
        // 96 vertices: smooth at print size.
        let ring: Vec<Coord<f64>> = (0..=96)
            .map(|k| {
                let a = k as f64 * std::f64::consts::TAU / 96.0;
                Coord {
                    x: at.0 as f64 + r_px as f64 * a.cos(),
                    y: at.1 as f64 + r_px as f64 * a.sin(),
                }
            })
            .collect();
        let circle = Polygon::new(LineString::from(ring.clone()), vec![]);
        for p in circle.intersection(&border) {
            fills.push(to_px(p.exterior()));
        }
        let outline = MultiLineString::new(vec![LineString::from(ring)]);
        for ls in border.clip(&outline, false) {
            lines.push(to_px(&ls));
        }
    }
    (fills, lines)
}

/// Marks the villages and communities over 1,000 residents (seed 000 专栏6): a thin teal
/// ring where a micro fire station serves them, a thick red ring and the name where none
/// does (layers `villages`, `village-labels`). Returns the legend entries (none without
/// `[villages]` or without such a village).
pub fn draw_villages(fr: &Frame, sc: &mut Scene, run: &RunResult) -> Vec<(Swatch, String, String)> {
    let Some(villages) = run.inputs.villages.as_deref() else {
        return Vec::new();
    };
    let stations = &run.inputs.stations;
    let (mut n_ok, mut n_gap) = (0usize, 0usize);
    let (r_ok, w_ok) = (fr.s(13.0), fr.s(4.0) as u32);
    let (r_gap, w_gap) = (fr.s(20.0), fr.s(7.0) as u32);
    for (vi, v) in villages.iter().enumerate() {
        if v.population <= VILLAGE_MARK_ABOVE {
            continue;
        }
        let micro = run.village_forces.get(vi).is_some_and(|f| {
            f.iter()
                .any(|f| stations.get(f.station).map(|s| s.class) == Some(StationClass::Micro))
        });
        let p = v.anchor();
        let at = fr.px(p.x(), p.y());
        let r_mark = if micro {
            r_ok + w_ok as i32
        } else {
            r_gap + fr.s(3.0) + fr.s(2.0)
        };
        sc.reserve_symbol((at.0 - r_mark, at.1 - r_mark, at.0 + r_mark, at.1 + r_mark));
        if micro {
            n_ok += 1;
            sc.layer("villages").push(Prim::Path {
                pts: ring_points(at, r_ok),
                color: hex(VILLAGE_OK),
                width: w_ok,
            });
        } else {
            n_gap += 1;
            sc.layer("villages").push(Prim::Path {
                pts: ring_points(at, r_gap + fr.s(3.0)),
                color: WHITE,
                width: fr.s(3.0) as u32,
            });
            sc.layer("villages").push(Prim::Path {
                pts: ring_points(at, r_gap),
                color: hex(VILLAGE_GAP),
                width: w_gap,
            });
            let fb = ascii_or(&v.name, &v.id);
            sc.label(LabelRequest::point(
                "village-labels",
                at,
                r_mark + fr.s(4.0),
                &v.name,
                &fb,
                26.0 * fr.u,
                hex(VILLAGE_GAP),
                Priority::Village,
            ));
        }
    }
    let mut legend = Vec::new();
    if n_ok > 0 {
        let zh = format!("千人以上村、社区：有微型消防站 ({n_ok})");
        let en = format!("Village over 1,000 residents with a micro station ({n_ok})");
        legend.push((
            Swatch::Ring(hex(VILLAGE_OK), r_ok, w_ok),
            fr.lang.pick(&zh, &en).to_string(),
            en.clone(),
        ));
    }
    if n_gap > 0 {
        let zh = format!("千人以上村、社区：无微型消防站 ({n_gap})");
        let en = format!("Village over 1,000 residents without a micro station ({n_gap})");
        legend.push((
            Swatch::Ring(hex(VILLAGE_GAP), r_gap, w_gap),
            fr.lang.pick(&zh, &en).to_string(),
            en.clone(),
        ));
    }
    legend
}
