//! Placement map of `fireplan optimize` (DESIGN §8): every candidate site (small hollow
//! circles), the excluded ones (faint crosses), the chosen sites (large numbered markers,
//! labelled `rank · name`), the existing stations by class, and what the chosen sites add
//! within the threshold ([`Effect`], computed by the search module): demand points covered
//! today (light grey), covered only thanks to the chosen sites (green) and still not
//! covered (red); for single coverage also the road pieces reached today (blue) and newly
//! reached (green).
//!
//! With `--backup` the demand colours mean *covered twice* (two stations within the
//! threshold) and the roads are not coloured: road coverage is a single-cover measure.

use std::path::{Path, PathBuf};

use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::WHITE;

use super::fonts::map_fonts;
use super::frame::{today_in, Frame};
use super::labels::{fmt_min, LabelRequest, Priority};
use super::response::{class_legend, draw_stations};
use super::roads::RoadLayer;
use super::scene::{ascii_or, hex, ring_points, shape_points, text, Prim, Scene, Shape, Swatch};
use super::MapOptions;
use crate::error::Result;
use crate::load::Inputs;
use crate::model::StationStatus;
use crate::network::Network;
use crate::optimize::candidates::Exclusion;
use crate::optimize::effect::{DemandState, Effect};
use crate::optimize::{Goal, Outcome, Problem};

/// File stem of the map: `optimize_map.png` and `optimize_map.svg`.
pub const STEM: &str = "optimize_map";

const ROAD_TODAY: u32 = 0x92c5de;
const ROAD_GAINED: u32 = 0x1a9850;
const DEMAND_TODAY: u32 = 0xa8a8a8;
const DEMAND_GAINED: u32 = 0x00441b;
const DEMAND_UNCOVERED: u32 = 0xd73027;
const CANDIDATE: u32 = 0x6a6a6a;
const EXCLUDED: u32 = 0x8c8c8c;
const CHOSEN: u32 = 0xc51b7d;

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

/// The subtitle line: goal, sites, coverage before → after, upper bound and gap.
fn summary(problem: &Problem, outcome: &Outcome) -> (String, String) {
    let thr = fmt_min(problem.threshold_s);
    let k = outcome.sites.len();
    let (what_zh, what_en) = if problem.backup {
        (
            format!("{thr} 分钟内两站覆盖率"),
            format!("demand covered twice within {thr} min"),
        )
    } else {
        (
            format!("{thr} 分钟需求覆盖率"),
            format!("demand covered within {thr} min"),
        )
    };
    let (goal_zh, goal_en) = match outcome.goal {
        Goal::Add(_) => (String::new(), String::new()),
        Goal::Reach(l) => (format!("目标 {}：", pct(l)), format!("Target {}: ", pct(l))),
    };
    if k == 0 {
        return (
            format!(
                "{goal_zh}现状已达到，无需新站（{what_zh} {}）",
                pct(outcome.base_coverage)
            ),
            format!(
                "{goal_en}reached today, no new site needed ({what_en} {})",
                pct(outcome.base_coverage)
            ),
        );
    }
    (
        format!(
            "{goal_zh}新增 {k} 处站点，{what_zh} {} → {}（上界 {}，差距 {:.2} 个百分点）",
            pct(outcome.base_coverage),
            pct(outcome.coverage),
            pct(outcome.upper),
            outcome.gap_pp
        ),
        format!(
            "{goal_en}{k} new site(s), {what_en} {} -> {} (upper bound {}, gap {:.2} pp)",
            pct(outcome.base_coverage),
            pct(outcome.coverage),
            pct(outcome.upper),
            outcome.gap_pp
        ),
    )
}

/// A legend entry with a Chinese and an English label.
fn entry(fr: &Frame, sw: Swatch, zh: &str, en: &str) -> (Swatch, String, String) {
    (sw, fr.lang.pick(zh, en).to_string(), en.to_string())
}

/// The placement map.
pub fn scene(
    inputs: &Inputs,
    net: &Network,
    problem: &Problem,
    outcome: &Outcome,
    effect: &Effect,
    opts: &MapOptions,
    date: &str,
) -> Scene {
    let kept = &problem.candidates.kept;
    let pts: Vec<(f64, f64)> = inputs
        .stations
        .iter()
        .filter(|s| s.status != StationStatus::Closed)
        .map(|s| (s.location.x(), s.location.y()))
        .chain(kept.iter().map(|(c, _)| (c.location.x(), c.location.y())))
        .collect();
    let fr = Frame::around(opts, net, &inputs.districts, &pts);
    let mut sc = fr.scene();
    super::context::draw(&fr, &mut sc, &inputs.context);
    let thr = fmt_min(problem.threshold_s);
    let mut legend = Vec::new();

    // Roads: grey, then reached today and newly reached.
    fr.roads_grey(&mut sc, net);
    if let Some(roads) = &effect.roads {
        let (wt, wg) = (fr.s(5.0) as u32, fr.s(8.0) as u32);
        let mut today_layer = RoadLayer::new(fr.width, fr.height);
        let mut gained_layer = RoadLayer::new(fr.width, fr.height);
        for (s, (today, gained)) in net.segments.iter().zip(roads) {
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            let at = |g: f64| fr.px(a.lon + g * (b.lon - a.lon), a.lat + g * (b.lat - a.lat));
            for (layer, list, color, width) in [
                (&mut today_layer, today, ROAD_TODAY, wt),
                (&mut gained_layer, gained, ROAD_GAINED, wg),
            ] {
                for &(x, y) in list {
                    layer.push(0, width, at(x), at(y), hex(color));
                }
            }
        }
        // Layers in the order they were first drawn into.
        let first_today = roads.iter().position(|(t, _)| !t.is_empty());
        let first_gained = roads.iter().position(|(_, g)| !g.is_empty());
        let gained_first = match (first_today, first_gained) {
            (Some(t), Some(g)) => g < t,
            (Some(_), None) => false,
            (None, _) => true,
        };
        if gained_first {
            gained_layer.draw(&mut sc, "roads-gained");
            today_layer.draw(&mut sc, "roads-today");
        } else {
            today_layer.draw(&mut sc, "roads-today");
            gained_layer.draw(&mut sc, "roads-gained");
        }
        let (km_today, km_gained) = effect.road_km(net);
        legend.push(entry(
            &fr,
            Swatch::None,
            &format!("道路（{thr} 分钟内可达）"),
            &format!("Roads reached within {thr} min"),
        ));
        legend.push(entry(
            &fr,
            Swatch::Line(hex(ROAD_TODAY), fr.s(10.0) as u32),
            &format!("现状可达 ({km_today:.1} km)"),
            &format!("Today ({km_today:.1} km)"),
        ));
        legend.push(entry(
            &fr,
            Swatch::Line(hex(ROAD_GAINED), fr.s(12.0) as u32),
            &format!("新站新增 (+{km_gained:.1} km)"),
            &format!("Added by new sites (+{km_gained:.1} km)"),
        ));
        legend.push(entry(
            &fr,
            Swatch::Line(hex(0xbdbdbd), fr.s(6.0) as u32),
            "仍不可达",
            "Not reached",
        ));
    }
    if effect.roads.is_none() {
        legend.push(entry(
            &fr,
            Swatch::Line(hex(0xbdbdbd), fr.s(6.0) as u32),
            "道路（两站覆盖不按道路着色）",
            "Road (not coloured for covered twice)",
        ));
    }
    fr.districts(&mut sc, &inputs.districts, true);

    // Demand points: covered today (small, light), still uncovered, newly covered on top.
    let (r_small, r_dot, r_ring) = (fr.s(3.5), fr.s(7.0), fr.s(9.0));
    for state in [
        DemandState::Today,
        DemandState::Uncovered,
        DemandState::Gained,
    ] {
        let (layer, color) = match state {
            DemandState::Today => ("demand-today", DEMAND_TODAY),
            DemandState::Gained => ("demand-gained", DEMAND_GAINED),
            DemandState::Uncovered => ("demand-uncovered", DEMAND_UNCOVERED),
        };
        for (sp, _) in problem
            .demand
            .iter()
            .zip(&effect.demand)
            .filter(|(_, s)| **s == state)
        {
            let at = fr.px(sp.lon, sp.lat);
            if state == DemandState::Today {
                sc.layer(layer).push(Prim::Circle {
                    at,
                    r: r_small,
                    fill: hex(color),
                });
            } else {
                sc.layer(layer).push(Prim::Circle {
                    at,
                    r: r_ring,
                    fill: WHITE,
                });
                sc.layer(layer).push(Prim::Circle {
                    at,
                    r: r_dot,
                    fill: hex(color),
                });
            }
        }
    }
    let n = |s| effect.count(s);
    let (today_zh, today_en, gained_zh, gained_en, left_zh, left_en) = if problem.backup {
        (
            "现状已两站覆盖",
            "Covered twice today",
            "新站带来两站覆盖",
            "Covered twice with new sites",
            "仍不足两站覆盖",
            "Still not covered twice",
        )
    } else {
        (
            "现状已覆盖",
            "Covered today",
            "新站新增覆盖",
            "Covered with new sites",
            "仍未覆盖",
            "Still not covered",
        )
    };
    legend.push(entry(
        &fr,
        Swatch::None,
        &if problem.backup {
            format!("需求点（{thr} 分钟内两站可达）")
        } else {
            format!("需求点（{thr} 分钟内可达）")
        },
        &if problem.backup {
            format!("Demand points (two stations within {thr} min)")
        } else {
            format!("Demand points (within {thr} min)")
        },
    ));
    for (state, color, r, zh, en) in [
        (
            DemandState::Today,
            DEMAND_TODAY,
            r_small,
            today_zh,
            today_en,
        ),
        (
            DemandState::Gained,
            DEMAND_GAINED,
            r_dot,
            gained_zh,
            gained_en,
        ),
        (
            DemandState::Uncovered,
            DEMAND_UNCOVERED,
            r_dot,
            left_zh,
            left_en,
        ),
    ] {
        legend.push(entry(
            &fr,
            Swatch::Dot(hex(color), r),
            &format!("{zh} ({})", n(state)),
            &format!("{en} ({})", n(state)),
        ));
    }
    let on_net: f64 = problem.demand_weights.iter().sum();
    let off = (problem.total_weight - on_net).max(0.0) / problem.total_weight;
    if off > 0.0005 {
        legend.push(entry(
            &fr,
            Swatch::None,
            &format!("另有 {} 的需求远离路网，计为未覆盖", pct(off)),
            &format!("{} of demand off the roads: uncovered", pct(off)),
        ));
    }

    // Candidates: excluded (faint crosses, where on the map), kept (hollow circles).
    let (l, t, r, b) = fr.map;
    let mut off_map = 0usize;
    let (mut hazard, mut off_network, mut outside, mut motorway) = (0usize, 0usize, 0usize, 0usize);
    for (c, why) in &problem.candidates.excluded {
        match why {
            Exclusion::NearHazard(..) => hazard += 1,
            Exclusion::OffNetwork(_) => off_network += 1,
            Exclusion::OutsideDistricts => outside += 1,
            Exclusion::NotFrontable(_) => motorway += 1,
        }
        let at = fr.px(c.location.x(), c.location.y());
        if at.0 < l || at.0 > r || at.1 < t || at.1 > b {
            off_map += 1;
            continue;
        }
        sc.layer("candidates-excluded").push(Prim::Polygon {
            pts: shape_points(Shape::Cross, at, fr.s(20.0)),
            fill: hex(EXCLUDED),
            opacity: 1.0,
        });
    }
    // Candidates are context, like demand points: a chosen site's tag may cover some (a
    // 1.5 km grid leaves no tag-sized gap between them).
    let (r_cand, w_cand) = (fr.s(7.0), fr.s(2.0) as u32);
    for (c, _) in kept {
        let at = fr.px(c.location.x(), c.location.y());
        sc.layer("candidates").push(Prim::Path {
            pts: ring_points(at, r_cand),
            color: hex(CANDIDATE),
            width: w_cand,
        });
    }

    // Existing stations by class, then the chosen sites on top.
    draw_stations(&fr, &mut sc, &inputs.stations, false);
    let r_chosen = fr.s(30.0);
    let chosen_at: Vec<(i32, i32)> = outcome
        .sites
        .iter()
        .map(|s| {
            let (c, _) = &kept[s.candidate];
            fr.px(c.location.x(), c.location.y())
        })
        .collect();
    let label_r = r_chosen + fr.s(8.0);
    for (s, &at) in outcome.sites.iter().zip(&chosen_at) {
        let (c, _) = &kept[s.candidate];
        sc.layer("chosen-halo").push(Prim::Circle {
            at,
            r: r_chosen + fr.s(5.0),
            fill: WHITE,
        });
        sc.layer("chosen").push(Prim::Circle {
            at,
            r: r_chosen,
            fill: hex(CHOSEN),
        });
        let rank = s.rank.to_string();
        sc.layer("chosen-ranks").push(text(
            at,
            &rank,
            &rank,
            36.0 * fr.u,
            WHITE,
            HPos::Center,
            VPos::Center,
            false,
        ));
        let halo_r = r_chosen + fr.s(5.0);
        sc.reserve_symbol((at.0 - halo_r, at.1 - halo_r, at.0 + halo_r, at.1 + halo_r));
        let label = format!("{} · {}", s.rank, c.name);
        let fb = ascii_or(&label, &format!("{}", s.rank));
        // A tag: white box with a border in the marker colour, the text centred in it.
        let mut req = LabelRequest::point(
            "labels",
            at,
            label_r,
            &label,
            &fb,
            38.0 * fr.u,
            hex(0x101010),
            Priority::Station,
        );
        req.tag = Some((hex(CHOSEN), fr.s(3.0) as u32));
        sc.label(req);
    }
    legend.push(entry(&fr, Swatch::None, "站点", "Sites"));
    legend.push(entry(
        &fr,
        Swatch::Dot(hex(CHOSEN), fr.s(24.0)),
        &format!("推荐新站，按增益排序 ({})", outcome.sites.len()),
        &format!("Chosen site, ranked ({})", outcome.sites.len()),
    ));
    legend.push(entry(
        &fr,
        Swatch::Ring(hex(CANDIDATE), r_cand, w_cand),
        &format!("候选站点 ({})", kept.len()),
        &format!("Candidate site ({})", kept.len()),
    ));
    let n_excl = problem.candidates.excluded.len();
    if n_excl > 0 {
        legend.push(entry(
            &fr,
            Swatch::Marker(Shape::Cross, hex(EXCLUDED), fr.s(20.0)),
            &format!("排除的候选站点 ({n_excl})"),
            &format!("Excluded candidate ({n_excl})"),
        ));
        let mut zh = Vec::new();
        let mut en = Vec::new();
        for (k, z, e) in [
            (hazard, "近危险源", "near hazard"),
            (off_network, "远离道路", "off the roads"),
            (outside, "片区外", "outside districts"),
            (motorway, "高速公路或匝道", "on a motorway or ramp"),
            (off_map, "其中图外", "off the map"),
        ] {
            if k > 0 {
                zh.push(format!("{z} {k}"));
                en.push(format!("{e} {k}"));
            }
        }
        legend.push(entry(&fr, Swatch::None, &zh.join("，"), &en.join(", ")));
    }
    legend.extend(class_legend(&fr, &inputs.stations));
    legend.push(entry(
        &fr,
        Swatch::Line(hex(0x404040), fr.s(5.0) as u32),
        "救援片区边界",
        "Rescue district",
    ));
    let (sub_zh, sub_en) = summary(problem, outcome);
    let title = if problem.backup {
        (
            "新站选址（两站覆盖）：候选站点与推荐站点",
            "Station placement (covered twice): candidates and chosen sites",
        )
    } else {
        (
            "新站选址：候选站点与推荐站点",
            "Station placement: candidates and chosen sites",
        )
    };
    // District names above the demand points and candidates, under the stations.
    if let Some(i) = sc.layers.iter().position(|(n, _)| n == "district-names") {
        let names = sc.layers.remove(i);
        let at = sc
            .layers
            .iter()
            .position(|(n, _)| n == "stations-halo")
            .unwrap_or(sc.layers.len());
        sc.layers.insert(at, names);
    }
    fr.decorate_with(
        &mut sc,
        title,
        &inputs.scenario,
        date,
        Some((fr.lang.pick(&sub_zh, &sub_en), &sub_en)),
        &legend,
    );
    super::labels::finish(&mut sc);
    sc
}

/// Draws the placement map into `out` as `optimize_map.svg`, `.png` and `.pdf`, each
/// written atomically; returns the paths.
pub fn write(
    out: &Path,
    inputs: &Inputs,
    net: &Network,
    problem: &Problem,
    outcome: &Outcome,
    effect: &Effect,
    opts: &MapOptions,
) -> Result<Vec<PathBuf>> {
    // A bad --font fails before any file is written.
    let fonts = map_fonts(opts.font.as_deref())?;
    let date = opts
        .date
        .clone()
        .unwrap_or_else(|| today_in(&opts.timezone));
    let sc = scene(inputs, net, problem, outcome, effect, opts, &date);
    Ok(super::write_map(out, STEM, &sc, opts, &fonts)?.0)
}
