//! Labels never collide and nothing leaves the frame (issue 16): every map kind of every
//! bundled scenario (the demo, the demo plan, the demo's placement map; Liechtenstein,
//! Baltimore and Helsinki when ../shared/data is there) is built as a scene and checked:
//! no two label boxes overlap, no label box covers a symbol, every map-area primitive's
//! ink lies inside the map box and every primitive inside the page. The label boxes come
//! from the width estimate the placement uses; `estimate_holds_the_ink_of_real_fonts`
//! renders text with the real fonts and checks that their ink stays inside those boxes.

mod common;

use std::path::Path;

use fireplan::optimize::{self, CandidateSource, Goal, Options};
use fireplan::params::Scenario;
use fireplan::plan::Plan;
use fireplan::report::maps::labels::{area_spots, text_box};
use fireplan::report::maps::render::render_png;
use fireplan::report::maps::scene::{clip_polygon, hex, text, Prim, Rect, Scene};
use fireplan::report::maps::{self, Lang, MapKind, MapOptions};
use fireplan::run::{run, run_with_plan, RunResult};
use plotters::style::text_anchor::{HPos, VPos};

use common::{quiet, root, shared};

fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn inside(a: Rect, o: Rect) -> bool {
    a.0 >= o.0 && a.1 >= o.1 && a.2 <= o.2 && a.3 <= o.3
}

/// Every violation of the four rules in one scene, described.
fn violations(sc: &Scene) -> Vec<String> {
    let mut bad = Vec::new();
    let labels = sc.label_boxes();
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            if overlaps(a.2, b.2) {
                bad.push(format!(
                    "labels overlap: {} {:?} {:?} and {} {:?} {:?}",
                    a.0, a.1, a.2, b.0, b.1, b.2
                ));
            }
        }
        for s in &sc.symbols {
            if overlaps(a.2, *s) {
                bad.push(format!(
                    "label over a symbol: {} {:?} {:?} over {s:?}",
                    a.0, a.1, a.2
                ));
            }
        }
    }
    let map = sc.map.expect("a map has a map box");
    let page = (0, 0, sc.width as i32, sc.height as i32);
    for (name, prims) in &sc.layers {
        for p in prims {
            let Some(b) = p.ink_box() else { continue };
            if Scene::is_map_layer(name) && !inside(b, map) {
                bad.push(format!("outside the map box {map:?}: layer {name} {b:?}"));
            } else if !inside(b, page) {
                bad.push(format!("outside the page {page:?}: layer {name} {b:?}"));
            }
        }
    }
    bad
}

/// Asserts that a scene keeps the rules; returns how many labels it has.
fn check(what: &str, sc: &Scene) -> usize {
    let bad = violations(sc);
    let n = sc.label_boxes().len();
    eprintln!(
        "{what}: {n} labels, {} left out, {} symbols, {} violations",
        sc.labels_left_out,
        sc.symbols.len(),
        bad.len()
    );
    assert!(
        bad.is_empty(),
        "{what}: {} violations, first ones:\n{}",
        bad.len(),
        bad.iter().take(12).cloned().collect::<Vec<_>>().join("\n")
    );
    n
}

fn options(scenario: &Scenario) -> MapOptions {
    MapOptions {
        date: Some("2026-01-01".into()),
        ..MapOptions::for_scenario(scenario)
    }
}

/// Every map kind of a run (the plan map when a plan is given).
fn check_run(name: &str, res: &RunResult, plan: Option<&fireplan::run::PlanRunResult>) {
    let opts = options(&res.inputs.scenario);
    let (mut drawn, mut labels) = (0, 0);
    for kind in MapKind::ALL {
        if let Some(sc) = maps::scene(kind, res, plan, &opts) {
            labels += check(&format!("{name} {}", kind.stem()), &sc);
            drawn += 1;
        }
    }
    assert!(drawn >= 2, "{name}: only {drawn} maps");
    assert!(labels > 0, "{name}: no labels on any map");
}

fn bundled(name: &str) -> Scenario {
    Scenario::load(&root().join("scenarios").join(name)).expect("scenario parses")
}

#[test]
fn demo_maps_keep_labels_apart_and_inside() {
    let sc = bundled("demo.toml");
    let res = run(&sc, &quiet()).unwrap();
    check_run("demo", &res, None);
    // English labels are narrower or wider: checked too.
    let mut en = options(&sc);
    en.lang = Lang::En;
    let s = maps::scene(MapKind::Response, &res, None, &en).unwrap();
    assert!(check("demo map_response (en)", &s) > 0);
}

#[test]
fn demo_plan_maps_keep_labels_apart_and_inside() {
    let sc = bundled("demo.toml");
    let plan = Plan::load(&root().join("scenarios/demo_plan.toml")).unwrap();
    let pr = run_with_plan(&sc, &plan, &quiet()).unwrap();
    check_run("demo plan (baseline)", &pr.baseline, Some(&pr));
    let opts = options(&sc);
    let s = maps::scene(MapKind::Plan, &pr.plan, Some(&pr), &opts).unwrap();
    // Every change of the plan but road closures is labelled, modified stations too.
    let labelled: Vec<String> = s
        .label_boxes()
        .into_iter()
        .filter(|l| l.0 == "labels")
        .map(|l| l.1)
        .collect();
    // Once each, however many of its fields a change touches.
    let mut unique = labelled.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        labelled.len(),
        "a place labelled twice: {labelled:?}"
    );
    for c in pr.applied.iter().filter(|c| c.subject_kind != "road") {
        assert!(
            labelled.contains(&c.name),
            "change {} ({}) has no label; labels: {labelled:?}",
            c.name,
            c.action
        );
    }
}

#[test]
fn demo_placement_map_keeps_labels_apart_and_inside() {
    let scenario = bundled("demo.toml");
    let (inputs, prepared) = fireplan::load::load(&scenario, &quiet()).unwrap();
    let opts = Options {
        candidates: CandidateSource::Grid(1500.0),
        ..Options::default()
    };
    let (net, index) = (&prepared.network, &prepared.index);
    let problem =
        optimize::prepare(&inputs, net, index, &opts, &fireplan::progress::Silent).unwrap();
    let outcome = problem.solve(Goal::Add(2)).unwrap();
    let effect = optimize::effect::compute(&inputs, net, index, &problem, &outcome);
    let sc = maps::optimize::scene(
        &inputs,
        net,
        &problem,
        &outcome,
        &effect,
        &options(&scenario),
        "2026-01-01",
    );
    assert!(check("demo optimize_map", &sc) > 0);
    // Both chosen sites are labelled.
    let tags = sc
        .label_boxes()
        .into_iter()
        .filter(|l| l.0 == "labels")
        .count();
    assert_eq!(tags, 2);
}

fn check_extract(name: &str) {
    if shared("").is_none() {
        return;
    }
    let sc = bundled(name);
    let res = run(&sc, &quiet()).unwrap();
    check_run(name, &res, None);
}

#[test]
fn liechtenstein_maps_keep_labels_apart_and_inside() {
    check_extract("liechtenstein.toml");
}

#[test]
fn baltimore_maps_keep_labels_apart_and_inside() {
    check_extract("baltimore.toml");
}

#[test]
fn helsinki_maps_keep_labels_apart_and_inside() {
    check_extract("helsinki.toml");
}

/// Text drawn with the real fonts inks only pixels inside its estimated box: CJK and
/// Latin with the CJK font, the English fallback with DejaVu Sans.
#[test]
fn estimate_holds_the_ink_of_real_fonts() {
    let samples = [
        "柯桥战勤保障站",
        "绍兴市消防救援物资储备中心",
        "马鞍",
        "KQ13 · 柯中",
        "WWW MMM mmm www",
        "Station 12 (Vaduz)",
        "Kallion paloasema · Töölö",
        "12.5 km²",
        "@%&# QQQ",
        "ijl.,:;!|",
    ];
    let fonts = [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ];
    let mut checked = 0;
    for font in fonts {
        let font = Path::new(font);
        if !font.exists() {
            eprintln!("skipped: {} is absent", font.display());
            continue;
        }
        let latin_only = font.ends_with("DejaVuSans.ttf");
        for (anchor, hp, vp) in [
            ("left top", HPos::Left, VPos::Top),
            ("centre", HPos::Center, VPos::Center),
            ("right bottom", HPos::Right, VPos::Bottom),
        ] {
            for size in [26.0, 46.0, 72.0] {
                for s in samples {
                    if latin_only && !s.is_ascii() {
                        continue;
                    }
                    let (w, h) = (1400, 200);
                    let at = (700, 100);
                    let mut sc = Scene::new(w, h);
                    sc.layer("t")
                        .push(text(at, s, s, size, hex(0), hp, vp, true));
                    let b = text_box(at, s, s, size, hp, vp, true);
                    let png = render_png(&sc, "t.png", Some(font)).unwrap();
                    let ink = ink_box(&png).expect("text inks pixels");
                    if std::env::var_os("DIAG").is_some() {
                        eprintln!(
                            "DIAG {} {anchor} {size} {s:?} dx0 {:.3} dy0 {:.3} dy1 {:.3} w {:.3}",
                            font.display(),
                            f64::from(ink.0 - at.0) / size,
                            f64::from(ink.1 - at.1) / size,
                            f64::from(ink.3 - at.1) / size,
                            f64::from(ink.2 - ink.0) / size / s.chars().count() as f64
                        );
                        continue;
                    }
                    assert!(
                        inside(ink, b),
                        "{} {anchor} size {size} {s:?}: ink {ink:?} outside the estimate {b:?}",
                        font.display()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0, "no font to measure with");
}

/// The box of the non-white pixels of a PNG.
fn ink_box(png: &[u8]) -> Option<Rect> {
    let dec = png::Decoder::new(std::io::Cursor::new(png));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).unwrap();
    let ch = info.color_type.samples();
    let mut b: Option<Rect> = None;
    for (i, px) in buf[..info.buffer_size()].chunks(ch).enumerate() {
        if px[..3] != [255, 255, 255] {
            let (x, y) = (
                (i as u32 % info.width) as i32,
                (i as u32 / info.width) as i32,
            );
            b = Some(match b {
                None => (x, y, x + 1, y + 1),
                Some(o) => (o.0.min(x), o.1.min(y), o.2.max(x + 1), o.3.max(y + 1)),
            });
        }
    }
    b
}

/// Clipping and area spots on hand-made shapes.
#[test]
fn clipping_and_spots_by_hand() {
    // A square half outside the box: cut at the box's edge.
    let cut = clip_polygon(
        &[(50, 50), (150, 50), (150, 150), (50, 150)],
        (0, 0, 100, 100),
    );
    let mut sorted = cut.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![(50, 50), (50, 100), (100, 50), (100, 100)]);
    // Wholly outside: nothing.
    assert!(clip_polygon(&[(150, 150), (160, 150), (160, 160)], (0, 0, 100, 100)).len() < 3);
    // A path across the map box of a scene: cut at the box minus its half width (+1).
    let mut sc = Scene::new(300, 300);
    sc.map = Some((100, 100, 200, 200));
    sc.layer("roads").push(Prim::Path {
        pts: vec![(0, 150), (300, 150)],
        color: hex(0),
        width: 2,
    });
    sc.layer("legend").push(Prim::Circle {
        at: (250, 250),
        r: 5,
        fill: hex(0),
    });
    sc.clip_to_map();
    match &sc.layers[0].1[..] {
        [Prim::Path { pts, .. }] => assert_eq!(pts, &vec![(102, 150), (198, 150)]),
        other => panic!("one path expected, got {}", other.len()),
    }
    // Decorations are not clipped.
    assert_eq!(sc.layers[1].1.len(), 1);
    // An L-shaped area: a 20 × 10 box fits only in its arms; the spot farthest from the
    // edge comes first and lies in the wide arm.
    let l_shape = vec![vec![
        (0, 0),
        (100, 0),
        (100, 40),
        (40, 40),
        (40, 100),
        (0, 100),
    ]];
    let spots = area_spots(&l_shape, 20, 10);
    assert!(!spots.is_empty());
    for &(x, y) in &spots {
        let in_arm = (x - 10 >= 0 && x + 10 <= 100 && y - 5 >= 0 && y + 5 <= 40)
            || (x - 10 >= 0 && x + 10 <= 40 && y - 5 >= 0 && y + 5 <= 100);
        assert!(in_arm, "spot {x},{y} lets the box cross the edge");
    }
    let (x, y) = spots[0];
    assert!(
        (15..=25).contains(&x) && (15..=25).contains(&y),
        "best spot {x},{y}"
    );
}
