//! Synthetic depots for benchmarks and peer checks: `n` depots standing exactly on
//! network nodes spread evenly over the node order, levels cycling national, regional,
//! city, county. Deterministic, so `benches/supply.rs` and `bench/supply_peers.py` (via
//! the hidden `fireplan supply --export-bench-depots N`) search from the same places.

use geo::Point;

use crate::model::{Depot, DepotLevel};
use crate::network::Network;

const LEVELS: [DepotLevel; 4] = [
    DepotLevel::National,
    DepotLevel::Regional,
    DepotLevel::City,
    DepotLevel::County,
];

/// `n` synthetic depots on nodes `k · node_count / n` (k = 0..n); none for an empty network.
pub fn bench_depots(net: &Network, n: usize) -> Vec<Depot> {
    let count = net.node_count();
    if count == 0 {
        return Vec::new();
    }
    (0..n)
        .map(|k| {
            let node = &net.nodes[k * count / n.max(1)];
            Depot {
                id: format!("B{k:03}"),
                name: format!("bench depot {k}"),
                level: LEVELS[k % LEVELS.len()],
                location: Point::new(node.lon, node.lat),
                capacity_persons: None,
                area: Vec::new(),
                line: 0,
            }
        })
        .collect()
}
