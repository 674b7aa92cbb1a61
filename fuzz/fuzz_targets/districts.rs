//! Rescue-district GeoJSON.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let p = common::file("d.geojson", data);
    drop(fireplan::io::districts::read_districts(&p, fireplan::params::Crs::Wgs84));
});
