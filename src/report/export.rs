//! Exports for independent checks (`fireplan export-graph`, `fireplan supply --export`,
//! used by `bench/*.py`): the graph exactly as the searches see it and fireplan's own times,
//! as CSV text with f64 shortest round-trip numbers (f32 edge times widened exactly), so
//! that networkx or igraph can be run on the same weights and compared to the last bit.

use crate::network::search::{Seed, TwoNearest};
use crate::network::Network;
use crate::supply::trees::PointTimes;

/// `edges.csv`: from, to, time_s of every directed edge, in CSR order (vertices: the road
/// nodes, then the turn-restriction copies).
pub fn edges_csv(net: &Network) -> String {
    let mut edges = String::from("from,to,time_s\n");
    for v in 0..net.vertex_count() as u32 {
        for (u, w) in net.out_edges(v) {
            edges.push_str(&format!("{v},{u},{}\n", w as f64));
        }
    }
    edges
}

/// An optional time: the number, or empty when unreached.
fn time_cell(t: f64) -> String {
    if t.is_finite() {
        format!("{t}")
    } else {
        String::new()
    }
}

/// `edges.csv`, `seeds.csv` (origin, node, time_s: the stations' entry seeds) and
/// `labels.csv` (node, first_s, second_s: fireplan's two-label search from those seeds).
pub fn graph_files(
    net: &Network,
    seeds: &[Seed],
    labels: &TwoNearest,
) -> Vec<(&'static str, String)> {
    let mut seed_rows = String::from("origin,node,time_s\n");
    for x in seeds {
        seed_rows.push_str(&format!("{},{},{}\n", x.origin, x.node, x.time_s));
    }
    let mut label_rows = String::from("node,first_s,second_s\n");
    for v in 0..net.vertex_count() {
        label_rows.push_str(&format!(
            "{v},{},{}\n",
            time_cell(labels.first_s[v]),
            time_cell(labels.second_s[v])
        ));
    }
    vec![
        ("edges.csv", edges_csv(net)),
        ("seeds.csv", seed_rows),
        ("labels.csv", label_rows),
    ]
}

/// `edges.csv` of the logistics network, `seeds.csv` (point, label, node, time_s) of every
/// usable support point and `times.csv` (node, then one column per point).
pub fn supply_files(net: &Network, times: &[PointTimes]) -> Vec<(&'static str, String)> {
    let mut seeds = String::from("point,label,node,time_s\n");
    for p in times {
        for &(node, t) in &p.seeds {
            seeds.push_str(&format!("{},{},{node},{t}\n", p.point, p.label));
        }
    }
    let mut rows = String::from("node");
    for p in times {
        rows.push_str(&format!(",p{}", p.point));
    }
    rows.push('\n');
    for v in 0..net.vertex_count() {
        rows.push_str(&v.to_string());
        for p in times {
            rows.push(',');
            rows.push_str(&time_cell(p.times_s[v]));
        }
        rows.push('\n');
    }
    vec![
        ("edges.csv", edges_csv(net)),
        ("seeds.csv", seeds),
        ("times.csv", rows),
    ]
}

/// The hose graph of the water-reach search (`bench/water_peers.py`): `hose_edges.csv`
/// (a, b, length_m of every segment: undirected), `hose_seeds.csv` (source, node,
/// distance_m) and `hose_labels.csv` (node, distance_m, source: fireplan's nearest source).
pub fn hose_files(
    net: &Network,
    seeds: &[(usize, u32, f64)],
    labels: &crate::water::search::HoseLabels,
) -> Vec<(&'static str, String)> {
    let mut edges = String::from("a,b,length_m\n");
    for s in &net.segments {
        edges.push_str(&format!("{},{},{}\n", s.a, s.b, s.length_m as f64));
    }
    let mut seed_rows = String::from("source,node,distance_m\n");
    for (source, node, d) in seeds {
        seed_rows.push_str(&format!("{source},{node},{d}\n"));
    }
    let mut label_rows = String::from("node,distance_m,source\n");
    for v in 0..net.node_count() as u32 {
        match labels.node(v) {
            Some((s, d)) => label_rows.push_str(&format!("{v},{d},{s}\n")),
            None => label_rows.push_str(&format!("{v},,\n")),
        }
    }
    vec![
        ("hose_edges.csv", edges),
        ("hose_seeds.csv", seed_rows),
        ("hose_labels.csv", label_rows),
    ]
}
