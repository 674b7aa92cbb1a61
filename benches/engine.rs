//! Hot paths of the engine on real networks: graph build, snapping, the all-stations
//! two-label search (bounded at 300 s and unbounded) and a whole coverage evaluation; the
//! same with and without turn restrictions.
//! Run: `cargo bench --bench engine`. The peer comparison (networkx, igraph) reads the
//! `search/two_nearest_300s/*` results: see `bench/peers.py` and BENCHMARKS.md.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fireplan::coverage::envelope::{Envelope, Piece};
use fireplan::coverage::{evaluate, place_stations, seeds};
use fireplan::load::{load, RunOptions};
use fireplan::network::search::two_nearest;
use fireplan::network::{Network, Profile};
use fireplan::params::Scenario;
use std::hint::black_box;

/// Scenarios benchmarked, if their data is present (the real extracts need ../shared).
const SCENARIOS: [(&str, &str); 3] = [
    ("liechtenstein", "scenarios/liechtenstein.toml"),
    ("baltimore", "scenarios/baltimore.toml"),
    ("demo", "scenarios/demo.toml"),
];

fn loaded() -> Vec<(
    &'static str,
    Scenario,
    fireplan::load::Inputs,
    fireplan::load::PreparedNetwork,
)> {
    let opts = RunOptions::default();
    SCENARIOS
        .iter()
        .filter_map(|(name, path)| {
            let sc = Scenario::load(Path::new(path)).ok()?;
            let (inputs, prepared) = load(&sc, &opts).ok()?;
            Some((*name, sc, inputs, prepared))
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let all = loaded();
    let mut g = c.benchmark_group("search");
    for (name, sc, inputs, prepared) in &all {
        let net = &prepared.network;
        let (_, origins) = place_stations(
            net,
            &prepared.index,
            &inputs.stations,
            &sc.response,
            sc.max_snap_m,
        );
        let s = seeds(net, &origins);
        g.bench_with_input(BenchmarkId::new("two_nearest_300s", name), &s, |b, s| {
            b.iter(|| two_nearest(net, black_box(s), 300.0))
        });
        // The nearest station only (one label), as networkx's multi-source Dijkstra computes:
        // the like-for-like comparison in bench/peers.py.
        let entry: Vec<(u32, f64)> = s.iter().map(|x| (x.node, x.time_s)).collect();
        let mut dij = fireplan::network::search::Dijkstra::new(net.vertex_count());
        g.bench_with_input(BenchmarkId::new("nearest_300s", name), &entry, |b, e| {
            b.iter(|| dij.run(net, black_box(e), 300.0).len())
        });
        g.bench_with_input(BenchmarkId::new("two_nearest_full", name), &s, |b, s| {
            b.iter(|| two_nearest(net, black_box(s), f64::INFINITY))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("snap");
    for (name, _, inputs, prepared) in &all {
        let pts: Vec<(f64, f64)> = inputs
            .demand
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .map(|d| (d.location.x(), d.location.y()))
            .collect();
        g.throughput(criterion::Throughput::Elements(pts.len() as u64));
        g.bench_with_input(BenchmarkId::new("demand_points", name), &pts, |b, pts| {
            b.iter(|| {
                pts.iter()
                    .filter_map(|&(x, y)| prepared.index.snap(&prepared.network, x, y))
                    .count()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("coverage");
    g.sample_size(10);
    for (name, sc, inputs, prepared) in &all {
        g.bench_function(BenchmarkId::new("evaluate", name), |b| {
            b.iter(|| {
                evaluate(
                    &prepared.network,
                    &prepared.index,
                    &inputs.stations,
                    inputs.demand.as_deref().unwrap_or(&[]),
                    &inputs.districts,
                    &sc.response,
                    sc.max_snap_m,
                )
            })
        });
    }
    g.finish();

    // One segment's envelope with many stations standing on it (issue 20, H2: 1 M stations
    // put hundreds on a segment; the breakpoints were O(k^2) crossings, each placed in O(k)).
    let mut g = c.benchmark_group("envelope");
    for stations in [10usize, 100, 400] {
        let e = dense_segment(stations);
        g.bench_function(BenchmarkId::new("worst_by_owner", stations), |b| {
            b.iter(|| black_box(&e).worst_by_owner())
        });
        g.bench_function(BenchmarkId::new("band_pieces", stations), |b| {
            b.iter(|| black_box(&e).band_pieces(&[180.0, 300.0, 480.0]))
        });
    }
    g.finish();

    // Graph build from the raw import (speeds, dedup, SCC, CSR).
    let mut g = c.benchmark_group("graph_build");
    g.sample_size(10);
    for (name, sc, _, _) in &all {
        let raw = match &sc.network {
            fireplan::params::NetworkSource::Osm(p) => fireplan::io::osm::read_osm_pbf(
                p,
                &fireplan::io::osm::OsmImportOptions {
                    ignore_oneway: false,
                    buildings: false,
                },
                &fireplan::progress::Silent,
            ),
            fireplan::params::NetworkSource::Csv { nodes, edges, crs } => {
                fireplan::io::csv_network::read_csv_network(nodes, edges, *crs, false)
            }
        };
        let Ok(raw) = raw else { continue };
        g.bench_function(BenchmarkId::new("build", name), |b| {
            b.iter(|| Network::build(black_box(&raw), &sc.params, Profile::Emergency))
        });
    }
    g.finish();
}

/// Turn restrictions (issue 19): the same extract built with and without them, the
/// all-stations search and the graph build on each; and deriving a vehicle profile's
/// network (a 32 t, 3.8 m aerial ladder). Camden and Helsinki centre hold the
/// most restrictions of the bundled extracts.
fn turn_restrictions(c: &mut Criterion) {
    let mut g = c.benchmark_group("turn_restrictions");
    g.sample_size(20);
    for (name, path) in [
        ("camden", "scenarios/camden.toml"),
        ("helsinki", "scenarios/helsinki.toml"),
    ] {
        let Ok(sc) = Scenario::load(Path::new(path)) else {
            continue;
        };
        let Ok((inputs, _)) = load(&sc, &RunOptions::default()) else {
            continue;
        };
        let fireplan::params::NetworkSource::Osm(osm) = &sc.network else {
            continue;
        };
        let Ok(raw) = fireplan::io::osm::read_osm_pbf(
            osm,
            &fireplan::io::osm::OsmImportOptions::default(),
            &fireplan::progress::Silent,
        ) else {
            continue;
        };
        for obeyed in [true, false] {
            let params = fireplan::params::NetworkParams {
                turn_restrictions: obeyed,
                ..sc.params.clone()
            };
            let net = Network::build(&raw, &params, Profile::Emergency);
            let index = fireplan::network::SnapIndex::new(&net);
            let (_, origins) =
                place_stations(&net, &index, &inputs.stations, &sc.response, sc.max_snap_m);
            let s = seeds(&net, &origins);
            let label = format!("{name}/{}", if obeyed { "obeyed" } else { "ignored" });
            g.bench_with_input(BenchmarkId::new("two_nearest_full", &label), &s, |b, s| {
                b.iter(|| two_nearest(&net, black_box(s), f64::INFINITY))
            });
            g.bench_with_input(BenchmarkId::new("two_nearest_300s", &label), &s, |b, s| {
                b.iter(|| two_nearest(&net, black_box(s), 300.0))
            });
            g.bench_function(BenchmarkId::new("build", &label), |b| {
                b.iter(|| Network::build(black_box(&raw), &params, Profile::Emergency))
            });
            // A vehicle profile's network is derived from the prepared one, not cached:
            // this is what deriving it (and its snapping index) costs.
            if obeyed {
                let ladder = fireplan::params::VehicleProfile {
                    kind: "aerial".into(),
                    weight_t: Some(32.0),
                    height_m: Some(3.8),
                    width_m: Some(2.55),
                    speed_factor: 0.9,
                };
                g.bench_function(BenchmarkId::new("for_vehicle", name), |b| {
                    b.iter(|| {
                        let (own, _) = black_box(&net).for_vehicle(&ladder);
                        fireplan::network::SnapIndex::new(&own)
                    })
                });
            }
        }
    }
    g.finish();
}

/// A 1 km segment (72 s each way) reached at both ends and holding `stations` stations at
/// even spacing with staggered offsets, as `coverage::segment_envelope` builds it.
fn dense_segment(stations: usize) -> Envelope {
    let (t_ab, t_ba) = (72.0, 72.0);
    let mut pieces = vec![
        Piece::towards_b(0.0, 200.0, t_ab, 0),
        Piece::towards_a(1.0, 230.0, t_ba, 1),
    ];
    for i in 0..stations {
        let f = (i as f64 + 0.5) / stations as f64;
        let offset = 60.0 + (i * 37 % 101) as f64;
        let origin = 2 + i as u32;
        pieces.push(Piece::towards_b(f, offset, t_ab, origin));
        pieces.push(Piece::towards_a(f, offset, t_ba, origin));
    }
    Envelope { pieces }
}

criterion_group! {
    name = engine;
    // No plots: with plotters' `ab_glyph` feature (the maps) criterion's plots panic for want
    // of a system font.
    config = Criterion::default().without_plots();
    targets = benches, turn_restrictions
}
criterion_main!(engine);
