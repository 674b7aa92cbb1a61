//! Sweep throughput on the demo sweep (`scenarios/demo_sweep.toml`, no simulation), split
//! into what a sweep does once per network-parameter set (`sweep/load`: read the inputs,
//! import and prepare the network) and what it does per run (`sweep/run/*`: apply the
//! plan, coverage, supply, targets, the summary row). Run: `cargo bench --bench sweep`.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use fireplan::load::RunOptions;
use fireplan::sweep::{exec, Sweep};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let Ok(sweep) = Sweep::load(Path::new("scenarios/demo_sweep.toml")) else {
        eprintln!("scenarios/demo_sweep.toml not loadable: skipped");
        return;
    };
    let opts = RunOptions::default();
    // One network-parameter set: the runs with speed factor 1.0.
    let runs: Vec<_> = sweep
        .runs
        .iter()
        .filter(|r| r.params["network.speed_factor"] == serde_json::json!(1.0))
        .collect();
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.bench_function("load/demo_one_network", |b| {
        b.iter(|| black_box(exec::prepare(&sweep, &runs[..1], &opts).1))
    });
    let (prepared, _) = exec::prepare(&sweep, &runs, &opts);
    let base = prepared
        .iter()
        .find(|p| p.spec.params["plan"] == serde_json::json!("none"))
        .unwrap();
    let plan = prepared
        .iter()
        .find(|p| p.spec.params["plan"] != serde_json::json!("none"))
        .unwrap();
    // The first call also prepares the logistics network (once per set): not per run.
    assert!(exec::run_one(base, None, &opts).result.is_ok());
    g.bench_function("run/demo_baseline", |b| {
        b.iter(|| black_box(exec::run_one(base, None, &opts)))
    });
    g.bench_function("run/demo_plan", |b| {
        b.iter(|| black_box(exec::run_one(plan, None, &opts)))
    });
    g.finish();
}

criterion_group! {
    name = sweep_benches;
    // No plots: criterion's plotters backend needs a system font that may be missing.
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(sweep_benches);
