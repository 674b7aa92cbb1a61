//! Coverage check on the library: 5-minute response per rescue district with the engine's
//! own graph, snapping and search (DESIGN §3), printed and summarised in the README.

use std::collections::HashMap;
use std::fmt::Write as _;

use fireplan::network::search::Dijkstra;
use fireplan::network::{access_time_s, Network, SnapPoint};

use crate::districts::{district_of, District};
use crate::geometry::{lerp, ring_area, Frame, P};
use crate::incidents::Incident;
use crate::noding::Graph;
use crate::routing::Roads;
use crate::stations::STATIONS;

/// Response threshold, seconds (DESIGN §3 default).
const THRESHOLD_S: f64 = 300.0;
/// Turnout of a station that sets none, seconds (DESIGN §3 default).
const TURNOUT_S: u32 = 60;
/// A point whose access leg is longer than this is off-network (`max_snap_m`, DESIGN §3).
const MAX_SNAP_M: f64 = 500.0;

/// One rescue district's line of the check.
pub struct DistrictCoverage {
    pub name: &'static str,
    pub kind: &'static str,
    pub area_km2: f64,
    pub incidents: usize,
    pub covered: usize,
    pub off_network: usize,
    pub p50: f64,
    pub p90: f64,
    pub road_cov: f64,
}

/// A responding station where it joins the network, and its time there (turnout and the
/// access leg).
struct Origin {
    snap: SnapPoint,
    offset_s: f64,
}

/// Response times from the nearest origin: per node (no access leg) and per target snap
/// point (with the target's access leg). One multi-seed search; a target is reached
/// through its segment's end nodes or, from an origin on the same segment, along it.
fn response_times(
    net: &Network,
    origins: &[Origin],
    targets: &[SnapPoint],
) -> (Vec<f64>, Vec<f64>) {
    let mut seeds = Vec::with_capacity(origins.len() * 2);
    let mut on_segment: HashMap<u32, Vec<usize>> = HashMap::new();
    for (k, o) in origins.iter().enumerate() {
        for (node, t) in net.departures(&o.snap) {
            seeds.push((node, o.offset_s + t));
        }
        on_segment.entry(o.snap.segment).or_default().push(k);
    }
    let nodes = Dijkstra::new(net.node_count())
        .run(net, &seeds, f64::INFINITY)
        .to_vec();
    let at_targets = targets
        .iter()
        .map(|p| {
            let mut best = f64::INFINITY;
            for (node, t) in net.arrivals(p) {
                best = best.min(nodes[node as usize] + t);
            }
            for &k in on_segment.get(&p.segment).into_iter().flatten() {
                let o = &origins[k];
                if let Some(t) = net.along_segment_s(&o.snap, p) {
                    best = best.min(o.offset_s + t);
                }
            }
            best + access_time_s(p.access_m)
        })
        .collect();
    (nodes, at_targets)
}

pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Runs the check: response = turnout (60 s unless the station sets one) + travel + access
/// legs; logistics-support stations excluded; off-network incidents not covered. Prints
/// the table; with `GEN_DEMO_DEBUG_RESPONSE=path.csv` also writes every node's response.
pub fn coverage(
    fr: &Frame,
    ds: &[District],
    g: &Graph,
    roads: &Roads,
    station_pts: &[P],
    incidents: &[Incident],
) -> std::io::Result<Vec<DistrictCoverage>> {
    let origins: Vec<Origin> = STATIONS
        .iter()
        .zip(station_pts)
        .filter(|(s, _)| s.class != "logistics")
        .map(|(s, &p)| {
            let snap = roads.snap(fr, p);
            Origin {
                snap,
                offset_s: s.turnout_s.unwrap_or(TURNOUT_S) as f64 + access_time_s(snap.access_m),
            }
        })
        .collect();
    let inc_snaps: Vec<SnapPoint> = incidents.iter().map(|i| roads.snap(fr, i.p)).collect();
    let (node_resp, resp) = response_times(&roads.net, &origins, &inc_snaps);
    if let Ok(path) = std::env::var("GEN_DEMO_DEBUG_RESPONSE") {
        // Development aid: response time per node, for plotting.
        let mut s = String::from("id,response_s\n");
        for (k, t) in node_resp.iter().enumerate() {
            let _ = writeln!(s, "{},{:.1}", k + 1, t);
        }
        std::fs::write(path, s)?;
    }
    let mut cov: Vec<DistrictCoverage> = Vec::new();
    for (di, d) in ds.iter().enumerate() {
        let mut times = Vec::new();
        let (mut n, mut c, mut off) = (0, 0, 0);
        for (k, inc) in incidents.iter().enumerate() {
            if district_of(ds, inc.p) != Some(di) {
                continue;
            }
            n += 1;
            if inc_snaps[k].access_m > MAX_SNAP_M {
                off += 1;
                continue;
            }
            times.push(resp[k]);
            if resp[k] <= THRESHOLD_S {
                c += 1;
            }
        }
        times.sort_by(|a, b| a.total_cmp(b));
        // Road coverage (edge counted by the share of its ends reached).
        let (mut tot, mut covl) = (0.0, 0.0);
        for (k, e) in g.edges.iter().enumerate() {
            let mid = lerp(g.nodes[e.from as usize], g.nodes[e.to as usize], 0.5);
            if district_of(ds, mid) != Some(di) {
                continue;
            }
            tot += roads.len_m(k);
            let ends = (node_resp[e.from as usize] <= THRESHOLD_S) as u32
                + (node_resp[e.to as usize] <= THRESHOLD_S) as u32;
            covl += roads.len_m(k) * ends as f64 / 2.0;
        }
        cov.push(DistrictCoverage {
            name: d.name,
            kind: d.kind,
            area_km2: ring_area(&d.ring) / 1e6,
            incidents: n,
            covered: c,
            off_network: off,
            p50: percentile(&times, 0.5),
            p90: percentile(&times, 0.9),
            road_cov: covl / tot.max(1.0),
        });
    }
    println!("5-minute coverage check (fireplan::network: Dijkstra, segment snapping; off-network = snap > 500 m, counted as not covered):");
    println!(
        "  {:<8} {:<9} {:>7} {:>6} {:>6} {:>8} {:>4} {:>6} {:>6} {:>6}",
        "district", "kind", "km²", "incid", "cov", "demand%", "off", "p50 s", "p90 s", "road%"
    );
    for c in &cov {
        println!(
            "  {:<8} {:<9} {:>7.1} {:>6} {:>6} {:>7.1}% {:>4} {:>6.0} {:>6.0} {:>5.1}%",
            c.name,
            c.kind,
            c.area_km2,
            c.incidents,
            c.covered,
            100.0 * c.covered as f64 / c.incidents as f64,
            c.off_network,
            c.p50,
            c.p90,
            100.0 * c.road_cov
        );
    }
    let (n_all, c_all): (usize, usize) = cov
        .iter()
        .fold((0, 0), |a, c| (a.0 + c.incidents, a.1 + c.covered));
    println!(
        "  overall: {} incidents, {} within 300 s = {:.1}%",
        n_all,
        c_all,
        100.0 * c_all as f64 / n_all as f64
    );
    let mut sorted: Vec<f64> = resp.iter().copied().filter(|t| t.is_finite()).collect();
    sorted.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  response p50 {:.0} s, p90 {:.0} s, max {:.0} s",
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.9),
        sorted.last().copied().unwrap_or(f64::NAN)
    );
    Ok(cov)
}
