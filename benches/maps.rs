//! Drawing many symbols (issue 20, H2): a map of N class-2 station symbols with their
//! halos, drawn as [`Prim::Marks`] (one recorded symbol stamped per place; one `<path>` of
//! the symbol repeated in the SVG) against the same symbols as one polygon each (how every map drew them before).
//!
//! Drawing many road pieces (issue 18): N short pieces (wandering roads, a province's
//! minor roads at A4 width) through a [`RoadLayer`], aggregated on the grid of cells, against
//! the same pieces as one path each (how every map drew them before): building the layer,
//! then PNG and SVG.
//!
//! The demo's maps end to end (issue 16), side by side in one run: plotters drawing the
//! scene to PNG plus the SVG (how the maps were written before), against the SVG with its
//! PNG and PDF drawn from it by resvg and svg2pdf (how they are written now).
//!
//! `cargo bench --bench maps`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fireplan::load::RunOptions;
use fireplan::params::Scenario;
use fireplan::report::maps::fonts::map_fonts;
use fireplan::report::maps::raster::{dpi, draw};
use fireplan::report::maps::render::{render_png, render_svg, write_svg};
use fireplan::report::maps::roads::RoadLayer;
use fireplan::report::maps::scene::{push_symbol, shape_points, Prim, Scene, Shape};
use fireplan::report::maps::{scene as scene_of, MapKind, MapOptions};
use fireplan::run::run;
use plotters::style::RGBColor;

/// An A4-wide scene with `n` symbols at deterministic pseudo-random places.
fn scene(n: usize, as_polygons: bool) -> Scene {
    let mut sc = Scene::new(2480, 2343);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let blue = RGBColor(0x21, 0x66, 0xac);
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let at = (100 + (x % 1700) as i32, 200 + ((x >> 20) % 1800) as i32);
        if as_polygons {
            sc.layer("stations-halo").push(Prim::Polygon {
                pts: shape_points(Shape::Circle, at, 30),
                fill: RGBColor(255, 255, 255),
                opacity: 1.0,
            });
            sc.layer("stations").push(Prim::Polygon {
                pts: shape_points(Shape::Circle, at, 22),
                fill: blue,
                opacity: 1.0,
            });
        } else {
            push_symbol(&mut sc, "stations", Shape::Circle, at, 22, blue);
        }
    }
    sc
}

/// A road piece: its ends and colour.
type Piece = ((i32, i32), (i32, i32), RGBColor);

/// `n` road pieces 1–3 px long, 200 at a time along a wandering road (a steady heading,
/// a pixel of noise a step) over an A4-wide page, in four colours: a province's minor
/// roads at A4 width, several pieces a cell.
fn road_pieces(n: usize) -> Vec<Piece> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m) as i32
    };
    let colours = [
        RGBColor(0x1a, 0x96, 0x41),
        RGBColor(0xa6, 0xd9, 0x6a),
        RGBColor(0xfd, 0xae, 0x61),
        RGBColor(0xd7, 0x19, 0x1c),
    ];
    let mut out = Vec::with_capacity(n);
    let (mut p, mut heading) = ((100, 200), (1, 0));
    for i in 0..n {
        if i % 200 == 0 {
            p = (60 + next(1700), 250 + next(1800));
            heading = (next(5) - 2, next(5) - 2);
        }
        let q = (
            (p.0 + heading.0 + next(3) - 1).clamp(60, 1760),
            (p.1 + heading.1 + next(3) - 1).clamp(250, 2050),
        );
        out.push((p, q, colours[(i / 2000) % 4]));
        p = q;
    }
    out
}

/// The pieces as a scene: through a [`RoadLayer`] or one path each.
fn road_scene(pieces: &[Piece], aggregated: bool) -> Scene {
    let mut sc = Scene::new(2480, 2343);
    if aggregated {
        let mut roads = RoadLayer::new(sc.width, sc.height);
        for &(a, b, c) in pieces {
            roads.push(0, 3, a, b, c);
        }
        roads.draw(&mut sc, "roads");
    } else {
        sc.layer("roads")
            .extend(pieces.iter().map(|&(a, b, color)| Prim::Path {
                pts: vec![a, b],
                color,
                width: 3,
            }));
    }
    sc
}

fn road_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("roads");
    g.sample_size(10);
    for n in [300_000usize, 1_000_000] {
        let pieces = road_pieces(n);
        g.bench_function(BenchmarkId::new("aggregate", n), |b| {
            b.iter(|| road_scene(&pieces, true).layers.len())
        });
        let agg = road_scene(&pieces, true);
        let mut svg = Vec::new();
        write_svg(&agg, &mut svg).unwrap();
        let lines: usize = agg.layers[0]
            .1
            .iter()
            .map(|p| match p {
                Prim::Lines { segs, .. } => segs.len(),
                _ => 1,
            })
            .sum();
        eprintln!(
            "roads {n}: aggregated to {lines} lines, SVG {} bytes",
            svg.len()
        );
        g.bench_function(BenchmarkId::new("png_aggregated", n), |b| {
            b.iter(|| render_png(&agg, "bench.png", None).unwrap())
        });
        g.bench_function(BenchmarkId::new("svg_aggregated", n), |b| {
            let mut buf = Vec::new();
            b.iter(|| {
                buf.clear();
                write_svg(&agg, &mut buf).unwrap();
                buf.len()
            })
        });
        // One path per piece: only at the smaller size (a million take minutes).
        if n <= 300_000 {
            let exact = road_scene(&pieces, false);
            eprintln!(
                "roads {n}: exact SVG {} bytes",
                render_svg(&exact).unwrap().len()
            );
            g.bench_function(BenchmarkId::new("png_exact", n), |b| {
                b.iter(|| render_png(&exact, "bench.png", None).unwrap())
            });
            g.bench_function(BenchmarkId::new("svg_exact", n), |b| {
                b.iter(|| render_svg(&exact).unwrap().len())
            });
        }
    }
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("maps");
    g.sample_size(10);
    for n in [10_000usize, 100_000] {
        let marks = scene(n, false);
        let polygons = scene(n, true);
        g.bench_function(BenchmarkId::new("png_marks", n), |b| {
            b.iter(|| render_png(&marks, "bench.png", None).unwrap())
        });
        g.bench_function(BenchmarkId::new("png_polygons", n), |b| {
            b.iter(|| render_png(&polygons, "bench.png", None).unwrap())
        });
        g.bench_function(BenchmarkId::new("svg_marks", n), |b| {
            b.iter(|| render_svg(&marks).unwrap().len())
        });
        g.bench_function(BenchmarkId::new("svg_polygons", n), |b| {
            b.iter(|| render_svg(&polygons).unwrap().len())
        });
    }
}

/// The demo run's map scenes, when the demo is present.
fn demo_scenes() -> Vec<(&'static str, Scene, MapOptions)> {
    let Ok(sc) = Scenario::load(std::path::Path::new("scenarios/demo.toml")) else {
        return Vec::new();
    };
    let Ok(result) = run(&sc, &RunOptions::default()) else {
        return Vec::new();
    };
    let opts = MapOptions::for_run(&result);
    MapKind::ALL
        .iter()
        .filter_map(|&k| {
            let mut o = opts.clone();
            o.date = Some("2025-11-29".to_string());
            scene_of(k, &result, None, &o).map(|s| (k.stem(), s, o))
        })
        .collect()
}

fn demo_benches(c: &mut Criterion) {
    let scenes = demo_scenes();
    if scenes.is_empty() {
        eprintln!("maps bench: scenarios/demo.toml did not run; demo group skipped");
        return;
    }
    let fonts = map_fonts(None).unwrap();
    let mut g = c.benchmark_group("demo_maps");
    g.sample_size(10);
    g.bench_function("plotters_png_and_svg", |b| {
        b.iter(|| {
            let mut n = 0;
            for (stem, sc, _) in &scenes {
                n += render_png(sc, stem, None).unwrap().len();
                n += render_svg(sc).unwrap().len();
            }
            n
        })
    });
    g.bench_function("svg_then_resvg_png_and_pdf", |b| {
        b.iter(|| {
            let mut n = 0;
            for (stem, sc, o) in &scenes {
                let mut svg = Vec::new();
                write_svg(sc, &mut svg).unwrap();
                let dpi = dpi(sc.width, o.page.size_mm().0);
                let r = draw(&svg, dpi, &fonts, stem).unwrap();
                n += svg.len() + r.png.len() + r.pdf.len();
            }
            n
        })
    });
}

criterion_group! {
    name = maps;
    // No plots: with plotters' `ab_glyph` feature criterion's plots panic for want of a
    // system font.
    config = Criterion::default().without_plots();
    targets = benches, road_benches, demo_benches
}
criterion_main!(maps);
