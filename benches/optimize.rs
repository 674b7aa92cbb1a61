//! Station placement search on Liechtenstein (needs ../shared/data): demand = every network
//! node, 300 and 1,000 random candidate nodes (seed 8), existing stations fixed —
//! `optimize/prepare/N` (candidates, existing coverage, coverage sets) and
//! `optimize/solve/N_kK` (greedy + swap + bound + curve). Run: `cargo bench --bench
//! optimize`. The spopt comparison is `bench/optimize_peers.py`; figures in BENCHMARKS.md.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fireplan::load::{load, RunOptions};
use fireplan::optimize::{prepare, CandidateSource, Goal, Options};
use fireplan::params::Scenario;

fn benches(c: &mut Criterion) {
    let Ok(sc) = Scenario::load(Path::new("scenarios/liechtenstein.toml")) else {
        eprintln!("scenarios/liechtenstein.toml not loadable: skipped");
        return;
    };
    let opts = RunOptions::default();
    let Ok((inputs, prepared)) = load(&sc, &opts) else {
        eprintln!("../shared/data missing: skipped");
        return;
    };
    let mut g = c.benchmark_group("optimize");
    g.sample_size(10);
    for n in [300usize, 1000] {
        let o = Options {
            candidates: CandidateSource::Random { n, seed: 8 },
            demand_nodes: true,
            ..Options::default()
        };
        let run = || {
            prepare(
                &inputs,
                &prepared.network,
                &prepared.index,
                &o,
                &fireplan::progress::Silent,
            )
            .expect("prepare")
        };
        g.bench_function(BenchmarkId::new("prepare", n), |b| {
            b.iter(|| black_box(run()))
        });
        let problem = run();
        for k in [3usize, 5] {
            g.bench_function(BenchmarkId::new("solve", format!("{n}_k{k}")), |b| {
                b.iter(|| problem.solve(black_box(Goal::Add(k))).expect("solve"))
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = optimize;
    // No plots: criterion's plotters backend needs fonts the bench machine may lack.
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(optimize);
