//! OpenStreetMap PBF extracts.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let p = common::file("x.osm.pbf", data);
    let opts = fireplan::io::osm::OsmImportOptions {
        ignore_oneway: false,
        buildings: true,
    };
    drop(fireplan::io::osm::read_osm_pbf(&p, &opts, &fireplan::progress::Silent));
});
