//! Calibration on incident records. Run: `cargo bench --bench calibrate`.
//!
//! - `calibrate/fit/camden`: the whole fit on the London Fire Brigade's Camden records
//!   (`scenarios/camden/records.csv`, 213 first pumps): routing from each station, the
//!   fit, route rounds until the factors settle, and the five held-out folds (needs
//!   `../shared`);
//! - `calibrate/fit/demo_synthetic`: the same on 4,000 records generated on the demo
//!   network (nearest station under known factors, no noise: the size a city brigade's
//!   year of first-unit records has);
//! - `calibrate/split_routes/demo`: one station's routes to 4,000 places split by road
//!   group (the search inside the fit).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use fireplan::calibrate::routes::{split_routes, EdgeGroups};
use fireplan::calibrate::{calibrate, CalibrateOptions};
use fireplan::io::records::read_records;
use fireplan::load::{load, RunOptions};
use fireplan::model::{IncidentRecord, MeasuredFrom, RecordsFile};
use fireplan::params::{Crs, Scenario, TimeFactors};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("calibrate");
    g.sample_size(10);

    if Path::new("../shared/data/london-lfb/camden.osm.pbf").exists() {
        let scenario = Scenario::load(Path::new("scenarios/camden.toml")).unwrap();
        let (inputs, prepared) = load(&scenario, &RunOptions::default()).unwrap();
        let records = read_records(
            Path::new("scenarios/camden/records.csv"),
            Crs::Wgs84,
            &inputs.stations,
        )
        .unwrap();
        let opts = CalibrateOptions::default();
        g.bench_function("fit/camden", |b| {
            b.iter(|| black_box(calibrate(&inputs, &prepared, &records, &opts).unwrap()))
        });
    } else {
        eprintln!("calibrate/fit/camden skipped: ../shared/data/london-lfb is absent");
    }

    let scenario = Scenario::load(Path::new("scenarios/demo.toml")).unwrap();
    let (inputs, prepared) = load(&scenario, &RunOptions::default()).unwrap();
    let net = &prepared.network;
    let groups = EdgeGroups::new(net);
    let factors = TimeFactors {
        motorway_trunk: 1.3,
        primary_secondary: 1.6,
        local: 2.0,
    };
    let demand = inputs.demand.as_ref().unwrap();
    let places: Vec<_> = demand
        .iter()
        .take(4000)
        .map(|d| {
            prepared
                .index
                .snap(net, d.location.x(), d.location.y())
                .unwrap()
        })
        .collect();
    let station = inputs.stations.iter().position(|s| s.responds()).unwrap();
    let s = &inputs.stations[station];
    let origin = prepared
        .index
        .snap(net, s.location.x(), s.location.y())
        .unwrap();
    g.bench_function("split_routes/demo", |b| {
        b.iter(|| black_box(split_routes(net, &groups, &factors, &origin, &places)))
    });

    // Records: each place answered by its nearest station under `factors`, 90 s before
    // the wheels turn.
    let responding: Vec<usize> = (0..inputs.stations.len())
        .filter(|&i| inputs.stations[i].responds())
        .collect();
    let routes: Vec<_> = responding
        .iter()
        .map(|&i| {
            let s = &inputs.stations[i];
            let o = prepared
                .index
                .snap(net, s.location.x(), s.location.y())
                .unwrap();
            split_routes(net, &groups, &factors, &o, &places)
        })
        .collect();
    let mut records = Vec::new();
    for (k, d) in demand.iter().take(4000).enumerate() {
        let best = (0..responding.len())
            .filter_map(|i| routes[i][k].map(|r| (r.travel_s(&factors), i)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((t, i)) = best {
            if places[k].access_m <= scenario.max_snap_m {
                records.push(IncidentRecord {
                    id: d.id.clone(),
                    line: k as u64 + 2,
                    location: d.location,
                    station: responding[i],
                    response_s: 90.0 + t,
                    pre_travel_s: None,
                    hour: None,
                    unit: None,
                    kind: None,
                    pump_order: None,
                });
            }
        }
    }
    let file = RecordsFile {
        measured_from: MeasuredFrom::Record,
        records,
        rejected: Vec::new(),
    };
    let opts = CalibrateOptions::default();
    g.bench_function("fit/demo_synthetic", |b| {
        b.iter(|| black_box(calibrate(&inputs, &prepared, &file, &opts).unwrap()))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // No plots: with plotters' `ab_glyph` feature (the maps) criterion's plots panic for want
    // of a system font.
    config = Criterion::default().without_plots();
    targets = bench
}
criterion_main!(benches);
