//! Tables: `summary.json`, `demand_response.csv`, `coverage_by_district.csv`,
//! `stations.csv`, `run.json`.

use std::fmt::Write as _;

use serde_json::json;

use super::{fmt_s, fmt_share, origin_id};
use crate::coverage::{Metrics, Placement};
use crate::error::{Error, Result};
use crate::report::write::{csv_error, json_bytes};
use crate::run::RunResult;

/// `summary.json`: the whole region's figures (fractions 0..1, seconds).
pub fn summary_json(run: &RunResult) -> Result<Vec<u8>> {
    let v = serde_json::to_value(run.summary()).map_err(|e| Error::output("summary.json", e))?;
    json_bytes(&v)
}

/// The columns every `demand_response.csv` starts with: the whole run's and the merged
/// partitioned run's (`report::tiles`), so that the two compare column for column. `lon`,
/// `lat`: where the point is (WGS-84 degrees, after any CRS conversion of the input), so
/// the table joins to a map without the demand file.
pub const DEMAND_RESPONSE_COLUMNS: [&str; 10] = [
    "id",
    "first_station",
    "response_s",
    "second_station",
    "second_response_s",
    "district",
    "snap_m",
    "status",
    "lon",
    "lat",
];

/// `demand_response.csv`: one row per demand point.
pub fn demand_response_csv(run: &RunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = DEMAND_RESPONSE_COLUMNS.to_vec();
    // A calibrated run adds each place's probability of arrival within the threshold.
    let p_within = run.p_within();
    if p_within.is_some() {
        header.push("p_within_threshold");
    }
    // With `[water]`: the nearest serviceable source, its hose distance, the nearest
    // serviceable hydrant's.
    if run.water.is_some() {
        header.extend(["water_source", "water_m", "hydrant_m"]);
    }
    w.write_record(header).map_err(csv_error)?;
    let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
    let thr = run.coverage.params.threshold_s;
    for (i, (d, r)) in demand.iter().zip(&run.coverage.demand).enumerate() {
        let first = r.response.first;
        let second = r.response.second;
        let status = demand_status(r, thr);
        let mut row = vec![
            d.id.clone(),
            first.map(|f| origin_id(run, f.0)).unwrap_or("").to_string(),
            fmt_s(first.map(|f| f.1)),
            second
                .map(|f| origin_id(run, f.0))
                .unwrap_or("")
                .to_string(),
            fmt_s(second.map(|f| f.1)),
            r.district
                .map(|i| run.inputs.districts[i].name.clone())
                .unwrap_or_default(),
            r.snap
                .map(|s| format!("{:.1}", s.access_m))
                .unwrap_or_default(),
            status.to_string(),
            format!("{}", super::write::round7(d.location.x())),
            format!("{}", super::write::round7(d.location.y())),
        ];
        if let Some(p) = &p_within {
            row.push(format!("{:.4}", p[i]));
        }
        if let Some(water) = &run.water {
            row.extend(super::water::demand_cells(run, water, i));
        }
        w.write_record(row).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// The columns of [`metrics_row`].
const METRICS_COLUMNS: [&str; 15] = [
    "district",
    "kind",
    "demand_points",
    "demand_weight",
    "demand_coverage",
    "road_km",
    "road_coverage",
    "area_km2",
    "area_coverage",
    "second_due_coverage",
    "p50_s",
    "p90_s",
    "max_s",
    "off_network",
    "unreachable",
];

fn metrics_row(name: &str, kind: &str, m: &Metrics) -> Vec<String> {
    vec![
        name.to_string(),
        kind.to_string(),
        m.demand_points.to_string(),
        format!("{:.3}", m.demand_weight),
        fmt_share(m.demand_coverage),
        format!("{:.3}", m.road_km),
        fmt_share(m.road_coverage),
        format!("{:.3}", m.area_km2),
        fmt_share(m.area_coverage),
        fmt_share(m.second_due_coverage),
        fmt_s(m.p50_s),
        fmt_s(m.p90_s),
        fmt_s(m.max_s),
        m.off_network.to_string(),
        m.unreachable.to_string(),
    ]
}

/// `closures.csv`: per road closure (then `all closures`), its reason, what it closed and
/// the demand points it takes out of the threshold (ids `;`-separated); `source` says
/// where the closure comes from (`scenario`, or `plan change[N]`), added after
/// `demand_ids`.
pub fn closures_csv(run: &RunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "closure",
        "reason",
        "segments_closed",
        "road_km_closed",
        "demand_lost",
        "demand_weight_lost",
        "demand_ids",
        "source",
    ])
    .map_err(csv_error)?;
    let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
    for c in &run.closures {
        let ids: Vec<&str> = c
            .demand_lost
            .iter()
            .map(|&i| demand[i].id.as_str())
            .collect();
        w.write_record([
            c.name.clone(),
            c.reason.clone().unwrap_or_default(),
            c.segments_closed.to_string(),
            format!("{:.3}", c.road_km_closed),
            c.demand_lost.len().to_string(),
            format!("{}", c.demand_weight_lost),
            ids.join(";"),
            closure_source(c),
        ])
        .map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// `vehicle_coverage.csv`: per `[vehicles.KIND]`, the stations that have it and the roads
/// barred to it, then the columns of `coverage_by_district.csv` for each district and the
/// region, over the roads it may use.
pub fn vehicle_coverage_csv(run: &RunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let head = ["vehicle", "stations", "barred_segments", "barred_road_km"];
    w.write_record(head.iter().chain(&METRICS_COLUMNS))
        .map_err(csv_error)?;
    for v in &run.vehicles {
        let head = [
            v.profile.kind.clone(),
            v.stations.len().to_string(),
            v.barred_segments.len().to_string(),
            format!("{:.3}", v.barred_road_m / 1000.0),
        ];
        let rows = run
            .inputs
            .districts
            .iter()
            .zip(&v.coverage.districts)
            .map(|(d, m)| metrics_row(&d.name, d.kind.as_str(), m))
            .chain(std::iter::once(metrics_row(
                "(region)",
                "",
                &v.coverage.region,
            )));
        for row in rows {
            w.write_record(head.iter().cloned().chain(row))
                .map_err(csv_error)?;
        }
    }
    w.into_inner().map_err(csv_error)
}

/// `vehicle_response.csv`: per demand point and `[vehicles.KIND]`, the nearest station with
/// that kind over the roads it may use and its response (empty: not reached).
pub fn vehicle_response_csv(run: &RunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "vehicle", "station", "response_s", "within_threshold"])
        .map_err(csv_error)?;
    let demand = run.inputs.demand.as_deref().unwrap_or(&[]);
    let thr = run.coverage.params.threshold_s;
    for v in &run.vehicles {
        for (d, r) in demand.iter().zip(&v.coverage.demand) {
            let (station, time) = match r.response.first {
                Some((o, t)) => {
                    let subset = v.coverage.origins[o as usize].station;
                    let s = &run.inputs.stations[v.stations[subset]];
                    (s.id.clone(), format!("{t:.1}"))
                }
                None => (String::new(), String::new()),
            };
            let within = r.response.first_s().is_some_and(|t| t <= thr);
            w.write_record([
                d.id.as_str(),
                v.profile.kind.as_str(),
                station.as_str(),
                time.as_str(),
                if within { "true" } else { "false" },
            ])
            .map_err(csv_error)?;
        }
    }
    w.into_inner().map_err(csv_error)
}

/// Where a closure comes from: `scenario` (`[[network.closure]]`), `plan change[N]`, or
/// empty for `all closures`.
pub fn closure_source(c: &crate::run::ClosureEffect) -> String {
    match c.plan_change {
        Some(n) => format!("plan change[{n}]"),
        None if c.together => String::new(),
        None => "scenario".into(),
    }
}

/// `coverage_by_district.csv`: one row per rescue district, then the whole region.
pub fn districts_csv(run: &RunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(METRICS_COLUMNS).map_err(csv_error)?;
    for (d, m) in run.inputs.districts.iter().zip(&run.coverage.districts) {
        w.write_record(metrics_row(&d.name, d.kind.as_str(), m))
            .map_err(csv_error)?;
    }
    let outside = &run.coverage.outside;
    if outside.demand_points > 0 || outside.road_km > 0.0 {
        w.write_record(metrics_row("(outside districts)", "", outside))
            .map_err(csv_error)?;
    }
    w.write_record(metrics_row("(region)", "", &run.coverage.region))
        .map_err(csv_error)?;
    w.into_inner().map_err(csv_error)
}

/// Columns of `stations.csv`.
const STATION_COLUMNS: [&str; 18] = [
    "id",
    "name",
    "class",
    "status",
    "district",
    "lon",
    "lat",
    "placement",
    "snap_m",
    "response_offset_s",
    "first_due_area_km2",
    "first_due_road_km",
    "first_due_nodes",
    "first_due_demand_points",
    "demand_share",
    "worst_road_s",
    "worst_demand_s",
    "edge_within_threshold",
];

/// `stations.csv`: every station of the file with its placement and first-due area.
pub fn stations_csv(run: &RunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(STATION_COLUMNS).map_err(csv_error)?;
    let thr = run.coverage.params.threshold_s;
    // One record and one scratch string for every row: 10^6 stations are 18 * 10^6 cells.
    let mut rec = csv::StringRecord::new();
    let mut cell = String::new();
    macro_rules! num {
        ($($arg:tt)*) => {{
            cell.clear();
            let _ = write!(cell, $($arg)*);
            rec.push_field(&cell);
        }};
    }
    for (i, s) in run.inputs.stations.iter().enumerate() {
        rec.clear();
        rec.push_field(&s.id);
        rec.push_field(&s.name);
        rec.push_field(s.class.as_str());
        rec.push_field(s.status.as_str());
        rec.push_field(s.district.as_deref().unwrap_or_default());
        num!("{:.7}", s.location.x());
        num!("{:.7}", s.location.y());
        match &run.coverage.placement[i] {
            Placement::Origin(o) => {
                let p = &run.coverage.origins[*o as usize];
                let fd = &run.coverage.first_due[*o as usize];
                rec.push_field("origin");
                num!("{:.1}", p.snap.access_m);
                num!("{:.1}", p.offset_s);
                num!("{:.3}", fd.area_km2);
                num!("{:.3}", fd.road_km);
                num!("{}", fd.nodes);
                num!("{}", fd.demand_points);
                num!("{:.4}", fd.demand_share);
                rec.push_field(&fmt_s(fd.worst_road_s));
                rec.push_field(&fmt_s(fd.worst_demand_s));
                match fd.worst_road_s {
                    Some(t) => rec.push_field(if t <= thr { "true" } else { "false" }),
                    None => rec.push_field(""),
                }
            }
            Placement::NotResponding => rec.push_field("not-responding"),
            Placement::OffNetwork(d) => {
                rec.push_field("off-network");
                num!("{d:.1}");
            }
        }
        while rec.len() < STATION_COLUMNS.len() {
            rec.push_field("");
        }
        w.write_record(&rec).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// `run.json`: every parameter, input file hashes, tool version, import report, timings
/// (the run's stages, and `outputs`: writing them, [`super::OutputTimings`]).
pub fn run_json(run: &RunResult, outputs: &super::OutputTimings) -> Result<Vec<u8>> {
    let mut timings =
        serde_json::to_value(&run.timings).map_err(|e| Error::output("run.json", e))?;
    if let Some(t) = timings.as_object_mut() {
        t.insert(
            "outputs".into(),
            serde_json::to_value(outputs).map_err(|e| Error::output("run.json", e))?,
        );
    }
    let v = json!({
        "tool": "fireplan",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": run.inputs.scenario,
        "inputs": run.inputs.files,
        "districts_from_file": run.inputs.districts_given,
        "import": run.prepared.import,
        "network_from_cache": run.prepared.from_cache,
        "network": {
            "nodes": run.prepared.network.node_count(),
            "directed_edges": run.prepared.network.edge_count(),
            "segments": run.prepared.network.segments.len(),
            "dropped_nodes": run.prepared.network.dropped_nodes,
            "projection": run.prepared.network.projection,
            "turn_restrictions": {
                "applied": run.inputs.scenario.params.turn_restrictions,
                "banned_turns": run.prepared.network.turns.banned.len(),
                "mandatory_turns": run.prepared.network.turns.only.len(),
                "vertices_added": run.prepared.network.turns.copies.len(),
                "left_out_as_traps": run.prepared.network.turns.trapping,
            },
        },
        "timings_s": timings,
        // Each includes the stages before it; `after_outputs_mib` is the whole run's.
        "peak_memory_mib": {
            "after_load_mib": run.timings.memory.after_load_mib,
            "after_coverage_mib": run.timings.memory.after_coverage_mib,
            "after_supply_mib": run.timings.memory.after_supply_mib,
            "after_outputs_mib": crate::memory::peak_rss_mib(),
        },
    });
    json_bytes(&v)
}

/// A demand point's status in `demand_response.csv` and the GeoPackage's `demand` layer:
/// `off-network`, `unreachable`, `covered` (first station within `threshold_s`) or `late`.
pub(crate) fn demand_status(r: &crate::coverage::DemandResult, threshold_s: f64) -> &'static str {
    let first = r.response.first;
    if r.off_network {
        "off-network"
    } else if first.is_none() {
        "unreachable"
    } else if first.is_some_and(|f| f.1 <= threshold_s) {
        "covered"
    } else {
        "late"
    }
}
