//! Sweep files: the input is the sweep TOML, next to a fixed base scenario (`base.toml`, the
//! CLI fixture) and a fixed plan (`plan.toml`) it may name.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

/// Writes the base scenario, its input files and a plan into this process's folder, once.
fn fixtures() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let cli = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/cli");
        for f in ["nodes.csv", "edges.csv", "stations.csv", "demand.csv", "districts.geojson"] {
            let bytes = std::fs::read(format!("{cli}/{f}")).expect("CLI fixture");
            common::file(f, &bytes);
        }
        let base = std::fs::read(format!("{cli}/scenario.toml")).expect("CLI fixture");
        common::file("base.toml", &base);
        common::file(
            "plan.toml",
            b"name = \"move S2\"\n[[change]]\naction = \"close_station\"\nid = \"S2\"\nreason = \"fuzz\"\n",
        );
    });
}

fuzz_target!(|data: &[u8]| {
    fixtures();
    let p = common::file("sweep.toml", data);
    drop(fireplan::sweep::Sweep::load(&p));
});
