//! A CSV road network: the input is split at its first NUL byte into the nodes file and
//! the edges file.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let cut = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let nodes = common::file("nodes.csv", &data[..cut]);
    let edges = common::file("edges.csv", data.get(cut + 1..).unwrap_or(&[]));
    drop(fireplan::io::csv_network::read_csv_network(
        &nodes,
        &edges,
        fireplan::params::Crs::Wgs84,
        data.len() % 2 == 0,
    ));
});
