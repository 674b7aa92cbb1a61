//! Drawing many symbols (issue 20, H2): a map of N class-2 station symbols with their
//! halos, drawn as [`Prim::Marks`] (one recorded symbol stamped per place; `<use>` in the
//! SVG) against the same symbols as one polygon each (how every map drew them before).
//!
//! `cargo bench --bench maps`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fireplan::report::maps::render::{render_png, render_svg};
use fireplan::report::maps::scene::{push_symbol, shape_points, Prim, Scene, Shape};
use plotters::style::RGBColor;

/// An A4-wide scene with `n` symbols at deterministic pseudo-random places.
fn scene(n: usize, as_polygons: bool) -> Scene {
    let mut sc = Scene {
        width: 2480,
        height: 2343,
        layers: Vec::new(),
    };
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

criterion_group! {
    name = maps;
    // No plots: with plotters' `ab_glyph` feature criterion's plots panic for want of a
    // system font.
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(maps);
