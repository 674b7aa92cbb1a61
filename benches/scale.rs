//! Province scale (issue 18): the all-stations two-label search on the generated province
//! network (`fireplan gen-province`, ≥ 5 M vertices). Runs only when
//! `FIREPLAN_SCALE_SCENARIO` names its scenario (`bench/scale.sh` sets it); without it,
//! nothing is measured. The budget is 1 s for the two-label search. Beside it
//! (`scale_cache`): the prepared network read back from the cache (emergency, then the
//! logistics times onto it; budget 2 s) and the snapping index built afresh (what a read
//! saves by its cached order).
//! Run: `FIREPLAN_SCALE_SCENARIO=/tmp/province/scenario.toml cargo bench --bench scale`.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fireplan::coverage::{place_stations, seeds};
use fireplan::load::{default_cache_dir, load, prepare_logistics, prepare_network, RunOptions};
use fireplan::network::search::two_nearest;
use fireplan::network::{Profile, SnapIndex};
use fireplan::params::Scenario;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let Ok(path) = std::env::var("FIREPLAN_SCALE_SCENARIO") else {
        eprintln!("scale: FIREPLAN_SCALE_SCENARIO is not set; nothing measured (bench/scale.sh)");
        return;
    };
    let sc = match Scenario::load(Path::new(&path)) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("scale: {e}");
            return;
        }
    };
    let opts = RunOptions {
        cache_dir: default_cache_dir(),
        ..RunOptions::default()
    };
    let (inputs, prepared) = match load(&sc, &opts) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("scale: {e}");
            return;
        }
    };
    let net = &prepared.network;
    let (_, origins) = place_stations(
        net,
        &prepared.index,
        &inputs.stations,
        &sc.response,
        sc.max_snap_m,
    );
    let s = seeds(net, &origins);
    let name = format!("{}v_{}st", net.vertex_count(), origins.len());
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    for (label, cutoff_s) in [
        ("two_nearest_480s", 480.0),
        ("two_nearest_full", f64::INFINITY),
    ] {
        g.bench_with_input(BenchmarkId::new(label, &name), &s, |b, s| {
            b.iter(|| two_nearest(net, black_box(s), cutoff_s))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("scale_cache");
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("read_emergency", &name), |b| {
        b.iter(|| prepare_network(&sc, Profile::Emergency, &opts, &mut Vec::new()).is_ok())
    });
    g.bench_function(BenchmarkId::new("read_logistics", &name), |b| {
        b.iter(|| prepare_logistics(&sc, &opts, Some(&prepared)).is_ok())
    });
    g.bench_function(BenchmarkId::new("snap_index_build", &name), |b| {
        b.iter(|| SnapIndex::new(black_box(net)).order().len())
    });
    g.finish();
}

criterion_group! {
    name = scale;
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(scale);
