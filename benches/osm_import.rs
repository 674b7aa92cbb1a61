//! Import speed of the OSM PBF reader on the Liechtenstein extract (142,832 nodes).
//!
//! Target (DESIGN / issue): at least 1 M OSM nodes per second on the 2-core reference
//! machine. Criterion reports the throughput in elements (= OSM nodes of the file) per
//! second. Run with `cargo bench --bench osm_import`; skipped with a message when
//! `../shared/data` is absent.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fireplan::io::osm::{read_osm_pbf, OsmImportOptions};

fn osm_import(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/liechtenstein-osm/liechtenstein.osm.pbf");
    if !path.exists() {
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let roads = OsmImportOptions::default();
    let nodes = match read_osm_pbf(&path, &roads, &fireplan::progress::Silent) {
        Ok(net) => net.stats.nodes_read,
        Err(e) => {
            eprintln!("skipped: {e}");
            return;
        }
    };

    let mut group = c.benchmark_group("osm_import");
    group.throughput(Throughput::Elements(nodes));
    group.sample_size(20);
    group.bench_function("liechtenstein_roads", |b| {
        b.iter(|| read_osm_pbf(&path, &roads, &fireplan::progress::Silent))
    });
    let buildings = OsmImportOptions {
        buildings: true,
        ..roads
    };
    group.bench_function("liechtenstein_roads_and_buildings", |b| {
        b.iter(|| read_osm_pbf(&path, &buildings, &fireplan::progress::Silent))
    });
    // Baseline: one bare `osmpbf` pass that only counts elements. The import makes two
    // passes, so about twice this is the floor for the reader as designed.
    group.bench_function("osmpbf_one_counting_pass", |b| {
        b.iter(|| {
            osmpbf::ElementReader::from_path(&path)
                .and_then(|r| r.par_map_reduce(|_| 1_u64, || 0, |a, b| a + b))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: with plotters' `ab_glyph` feature (the maps) criterion's plots panic for want
    // of a system font.
    config = Criterion::default().without_plots();
    targets = osm_import
}
criterion_main!(benches);
