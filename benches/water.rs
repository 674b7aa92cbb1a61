//! Fire water reach (消防水源) on the largest network in the repository, the demo
//! (53,702 nodes, 18,007 water sources). Run: `cargo bench --bench water`.
//!
//! - `water/hose_search_hydrants/demo`: the undirected hose graph built and one
//!   multi-source search from every serviceable hydrant (the kernel `bench/water_peers.py`
//!   compares with networkx's multi-source Dijkstra);
//! - `water/evaluate/demo`: the whole evaluation — sources snapped, the hydrant and the
//!   static-source searches, every demand point's nearest sources, every segment's spacing
//!   gaps, the district figures.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fireplan::load::{load, RunOptions};
use fireplan::params::Scenario;
use fireplan::water::search::HoseSearch;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let Ok(sc) = Scenario::load(Path::new("scenarios/demo.toml")) else {
        eprintln!("skipped: scenarios/demo.toml not readable");
        return;
    };
    let opts = RunOptions::default();
    let Ok((inputs, prepared)) = load(&sc, &opts) else {
        eprintln!("skipped: the demo does not load");
        return;
    };
    let (Some(params), Some(sources)) = (&sc.water, &inputs.water) else {
        eprintln!("skipped: the demo has no [water]");
        return;
    };
    let net = &prepared.network;
    let coverage = fireplan::coverage::evaluate(
        net,
        &prepared.index,
        &inputs.stations,
        inputs.demand.as_deref().unwrap_or(&[]),
        &inputs.districts,
        &sc.response,
        sc.max_snap_m,
    );
    let weights: Vec<f64> = inputs
        .demand
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|d| d.weight)
        .collect();
    let hydrants: Vec<_> = sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.serviceable() && !s.kind.is_static())
        .filter_map(|(i, s)| {
            prepared
                .index
                .snap(net, s.location.x(), s.location.y())
                .map(|p| (i, p))
        })
        .collect();
    let mut g = c.benchmark_group("water");
    g.sample_size(20);
    g.bench_function(BenchmarkId::new("hose_search_hydrants", "demo"), |b| {
        b.iter(|| {
            let graph = HoseSearch::new(net);
            black_box(graph.run(net, black_box(&hydrants)))
        })
    });
    g.bench_function(BenchmarkId::new("evaluate", "demo"), |b| {
        b.iter(|| {
            black_box(fireplan::water::evaluate(
                net,
                &prepared.index,
                sources,
                params,
                &coverage,
                &weights,
                &inputs.districts,
            ))
        })
    });
    g.finish();
}

criterion_group! {
    name = water;
    // No plots: with plotters' `ab_glyph` feature (the maps) criterion's plots panic for want
    // of a system font.
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(water);
