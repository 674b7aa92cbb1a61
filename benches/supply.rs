//! Logistics-support reach (战勤保障) on real networks. Run: `cargo bench --bench supply`.
//!
//! - `supply/reach_50_depots/<scenario>`: 50 synthetic depots
//!   ([`fireplan::supply::synthetic::bench_depots`]) placed on the logistics network, one
//!   unbounded search per depot (rayon, all cores), then every station's nearest and
//!   second-nearest depot per level — the kernel `bench/supply_peers.py` compares with
//!   networkx single-source Dijkstra per depot;
//! - `supply/reach_50_depots_1thread/<scenario>`: the same on one thread;
//! - `supply/evaluate/<scenario>`: the whole evaluation (reach of stations, districts'
//!   worst points and centroids, road reach per level, capacity) with the scenario's own
//!   depots (the demo's; the hypothetical ones of `maps/liechtenstein` for Liechtenstein).

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fireplan::load::{load, Inputs, PreparedNetwork, RunOptions};
use fireplan::model::area::DistrictLookup;
use fireplan::params::SupplyParams;
use fireplan::params::{Crs, Scenario};
use fireplan::supply::points::{place_support_points, SourceFiles};
use fireplan::supply::reach::{stations_reach, ReachContext};
use fireplan::supply::trees::DepotTrees;
use fireplan::supply::{checked_levels, evaluate_inputs, synthetic};
use std::hint::black_box;

/// Scenarios benchmarked when their data is present (the real extracts need ../shared).
const SCENARIOS: [(&str, &str); 3] = [
    ("liechtenstein", "scenarios/liechtenstein.toml"),
    ("baltimore", "scenarios/baltimore.toml"),
    ("demo", "scenarios/demo.toml"),
];

const DEPOTS: usize = 50;

struct Loaded {
    name: &'static str,
    inputs: Inputs,
    logistics: PreparedNetwork,
}

fn loaded() -> Vec<Loaded> {
    let opts = RunOptions::default();
    SCENARIOS
        .iter()
        .filter_map(|(name, path)| {
            let mut sc = Scenario::load(Path::new(path)).ok()?;
            if *name == "liechtenstein" && sc.depots.is_none() {
                sc.depots = Some(("maps/liechtenstein/depots.csv".into(), Crs::Wgs84));
            }
            let (inputs, prepared) = load(&sc, &opts).ok()?;
            let logistics = fireplan::load::prepare_logistics(&sc, &opts, Some(&prepared)).ok()?;
            Some(Loaded {
                name,
                inputs,
                logistics,
            })
        })
        .collect()
}

/// Trees for 50 synthetic depots and every station's reach per level.
fn reach_50(l: &Loaded, params: &SupplyParams) -> usize {
    let net = &l.logistics.network;
    let depots = synthetic::bench_depots(net, DEPOTS);
    let (points, _) = place_support_points(
        net,
        &l.logistics.index,
        &l.inputs.stations,
        &depots,
        &l.inputs.districts,
        l.inputs.districts_given,
        params,
        l.inputs.scenario.max_snap_m,
        &SourceFiles::default(),
    )
    .unwrap_or_default();
    let levels = checked_levels(&points, params);
    let near = vec![None; points.len()];
    let trees = DepotTrees::build(net, &points, &near);
    let ctx = ReachContext::new(net, &points, &trees, &levels, l.inputs.districts.len());
    stations_reach(
        &ctx,
        &l.logistics.index,
        &l.inputs.stations,
        &DistrictLookup::new(&l.inputs.districts),
        &l.inputs.districts,
        l.inputs.scenario.max_snap_m,
    )
    .len()
}

fn benches(c: &mut Criterion) {
    let all = loaded();
    let params = SupplyParams {
        logistics_stations: false,
        ..SupplyParams::default()
    };
    let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
    let mut g = c.benchmark_group("supply");
    g.sample_size(20);
    for l in &all {
        g.bench_function(BenchmarkId::new("reach_50_depots", l.name), |b| {
            b.iter(|| black_box(reach_50(l, &params)))
        });
        if let Some(pool) = &one_thread {
            g.bench_function(BenchmarkId::new("reach_50_depots_1thread", l.name), |b| {
                b.iter(|| pool.install(|| black_box(reach_50(l, &params))))
            });
        }
        if l.inputs.depots.is_some() {
            g.bench_function(BenchmarkId::new("evaluate", l.name), |b| {
                b.iter(|| evaluate_inputs(&l.inputs, &l.logistics).map(|s| s.points.len()))
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = supply;
    // No plots: with plotters' `ab_glyph` feature (the maps) criterion's plots panic for want
    // of a system font.
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(supply);
