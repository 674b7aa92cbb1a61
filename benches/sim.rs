//! Incident simulation speed: simulated incidents per second on one core once the setup
//! (places and their station rankings within the dispatch reach) is built, on the demo district (and on
//! Liechtenstein when ../shared/data is there: buildings as demand, a default fleet).
//! Also the setup itself. Run: `cargo bench --bench sim`; results in BENCHMARKS.md.

use std::collections::BTreeMap;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fireplan::load::RunOptions;
use fireplan::params::Scenario;
use fireplan::params::SimulationSection;
use fireplan::run::{run, RunResult};
use fireplan::sim::{run_replication, setup_for, simulate, Overrides, SimParams, SimSetup, World};
use std::hint::black_box;

/// Scenario name, its static run, and named setups.
type Cases = (String, RunResult, Vec<(String, SimSetup)>);

/// The first scenario whose data is present, with its static run, and setups for its
/// incident rate as it is (`x1`) and ten times busier (`x10`: queues form).
fn cases() -> Option<Cases> {
    let opts = RunOptions::default();
    for (name, path) in [
        ("demo", "scenarios/demo.toml"),
        ("liechtenstein", "scenarios/liechtenstein.toml"),
    ] {
        let Ok(mut sc) = Scenario::load(Path::new(path)) else {
            continue;
        };
        if name == "liechtenstein" {
            // OSM buildings carry no times or kinds, the stations no vehicles.
            let fleet: BTreeMap<String, u32> =
                [("engine", 2), ("aerial", 1), ("rescue", 1), ("hazmat", 1)]
                    .into_iter()
                    .map(|(k, n)| (k.to_string(), n))
                    .collect();
            sc.simulation = Some(SimulationSection {
                incidents_per_year: Some(3000.0),
                default_fleet: Some(fleet),
                ..SimulationSection::default()
            });
        }
        let Ok(result) = run(&sc, &opts) else {
            continue;
        };
        let demand = result.inputs.demand.clone().unwrap_or_default();
        let mut setups = Vec::new();
        for growth in [1.0, 10.0] {
            let Ok(mut params) = SimParams::resolve(&sc, &demand) else {
                continue;
            };
            params.growth *= growth;
            if let Ok(setup) = SimSetup::build(
                World::of(&result.inputs, &result.prepared, &result.coverage),
                params,
            ) {
                setups.push((format!("{name}_x{growth}"), setup));
            }
        }
        return Some((name.to_string(), result, setups));
    }
    None
}

fn benches(c: &mut Criterion) {
    let Some((name, result, setups)) = cases() else {
        eprintln!("sim bench: no scenario data (scenarios/demo.toml or ../shared/data)");
        return;
    };
    let mut g = c.benchmark_group("sim");
    for (case, setup) in &setups {
        // One replication of a year on one core; throughput = incidents it simulates.
        let n = run_replication(setup, 1.0, 1, 0).incidents.len() as u64;
        g.throughput(Throughput::Elements(n));
        g.bench_function(BenchmarkId::new("replication_1y", case), |b| {
            b.iter(|| run_replication(black_box(setup), 1.0, 1, 0))
        });
    }
    // The whole `simulate` (replications and their summaries: shares, percentiles per
    // district, type and station) on a single worker thread.
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
    if let (Some(pool), Some((case, setup))) = (one, setups.first()) {
        let mut setup = setup.clone();
        setup.params.years = 1.0;
        setup.params.replications = 10;
        let n: u64 = (0..10)
            .map(|r| {
                run_replication(&setup, 1.0, setup.params.seed, r)
                    .incidents
                    .len() as u64
            })
            .sum();
        g.throughput(Throughput::Elements(n));
        g.sample_size(20);
        g.bench_function(BenchmarkId::new("simulate_10x1y_1thread", case), |b| {
            b.iter(|| pool.install(|| simulate(black_box(&setup), &fireplan::progress::Silent)))
        });
    }
    g.finish();

    // The once-per-scenario part: jittered places and their rankings within the reach.
    let mut g = c.benchmark_group("sim_setup");
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("setup", &name), |b| {
        b.iter(|| {
            setup_for(
                black_box(&result.inputs),
                &result.prepared,
                &result.coverage,
                &Overrides::default(),
            )
        })
    });
    g.finish();
}

criterion_group! {
    name = sim;
    // No plots: with plotters' `ab_glyph` feature (the maps) criterion's plots panic for want
    // of a system font.
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(sim);
