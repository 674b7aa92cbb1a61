//! `report.md`: the plain report for a plan appendix — summary, districts, stations,
//! what could not be placed, and the parameters used.

use std::fmt::Write;

use crate::coverage::{Metrics, Placement};
use crate::report::write::{md_cell, rows_left_out, REPORT_ROWS};
use crate::run::RunResult;

fn pct(x: Option<f64>) -> String {
    x.map(|x| format!("{:.1} %", x * 100.0))
        .unwrap_or_else(|| "n/a".into())
}

fn secs(x: Option<f64>) -> String {
    x.map(|x| format!("{x:.0} s")).unwrap_or_else(|| "—".into())
}

fn metric_cells(m: &Metrics) -> String {
    format!(
        "{} | {} | {} | {} | {} | {} | {} | {}",
        pct(m.demand_coverage),
        pct(m.road_coverage),
        pct(m.area_coverage),
        pct(m.second_due_coverage),
        secs(m.p50_s),
        secs(m.p90_s),
        secs(m.max_s),
        m.demand_points
    )
}

/// Which response-time model produced the numbers, in a paragraph: free flow (and that
/// it is optimistic), or the calibration, its factors and what expected coverage means.
pub fn response_model_note(run: &RunResult) -> String {
    let p = &run.coverage.params;
    let head = format!(
        "Response time = dispatch {:.0} s + turnout {:.0} s (per-station overrides apply) + \
         travel on the road network; threshold **{:.0} s**, second-due threshold {:.0} s. \
         fireplan {}.",
        p.dispatch_s,
        p.turnout_s,
        p.threshold_s,
        p.second_threshold_s,
        env!("CARGO_PKG_VERSION")
    );
    match &run.inputs.scenario.calibration {
        None => format!(
            "{head}\n\n**Response-time model: free flow.** Trucks leave after the turnout time \
             and drive at the class speeds, with no traffic, signals or search for the address: \
             these times are optimistic, and real records are usually slower. \
             `fireplan calibrate` fits them to the brigade's own incident records (name the \
             result in `[calibration]`)."
        ),
        Some(c) => {
            let m = &c.model;
            let f = &m.time_factors;
            format!(
                "Response time = time before the wheels turn + calibrated travel on the road \
                 network; threshold **{:.0} s**, second-due threshold {:.0} s. fireplan {}.\n\n\
                 **Response-time model: calibrated** from `{}` (records measured from {}): \
                 free-flow travel × {:.3} on motorway/trunk, × {:.3} on primary/secondary, \
                 × {:.3} on local roads; {:.0} s before the wheels turn, including the per-trip \
                 constant ({} station(s) with their own value), in place of dispatch + turnout. \
                 Coverage figures use the calibrated median response; **expected coverage** is \
                 the demand-weighted mean probability that the first unit arrives within the \
                 threshold, from the spread of real responses around the median.",
                p.threshold_s,
                p.second_threshold_s,
                env!("CARGO_PKG_VERSION"),
                c.file.display(),
                m.measured_from_text(),
                f.motorway_trunk,
                f.primary_secondary,
                f.local,
                m.pre_travel_s,
                m.station_pre_travel_s.len()
            )
        }
    }
}

/// The Markdown report.
/// The report's road-closure section (nothing without closures): each closure, then all
/// together — why, the road closed and the demand points it takes out of the threshold.
pub fn closures_md(run: &RunResult) -> String {
    let mut s = String::new();
    if run.closures.is_empty() {
        return s;
    }
    let thr = run.coverage.params.threshold_s;
    let _ = writeln!(s, "## Road closures (道路封闭)\n");
    let _ = writeln!(
        s,
        "The figures above are on the network with these roads closed. Demand points losing \
         coverage: within {thr:.0} s on the open network, not with the closure (each alone, \
         then all together; ids in `closures.csv`).\n"
    );
    let _ = writeln!(
        s,
        "| closure | source | reason | road closed | demand points losing coverage |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- |");
    for c in &run.closures {
        let name = if c.together {
            "**all closures**".to_string()
        } else {
            md_cell(&c.name)
        };
        let _ = writeln!(
            s,
            "| {name} | {} | {} | {:.2} km ({} segment{}) | {} (weight {}) |",
            super::tables::closure_source(c),
            md_cell(c.reason.as_deref().unwrap_or("")),
            c.road_km_closed,
            c.segments_closed,
            if c.segments_closed == 1 { "" } else { "s" },
            c.demand_lost.len(),
            crate::model::target::fmt_value(c.demand_weight_lost),
        );
    }
    s.push('\n');
    s
}

pub fn report_md(run: &RunResult) -> String {
    let cov = &run.coverage;
    let sc = &run.inputs.scenario;
    let p = &cov.params;
    let net = &run.prepared.network;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {} — 5-minute response coverage (5分钟救援圈)\n",
        sc.name
    );
    let _ = writeln!(s, "{}\n", response_model_note(run));
    let m = &cov.region;
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(s, "| figure | value |\n| --- | --- |");
    let _ = writeln!(
        s,
        "| demand covered within {:.0} s | {} |",
        p.threshold_s,
        pct(m.demand_coverage)
    );
    if let Some(e) = run.expected_demand_coverage() {
        let _ = writeln!(
            s,
            "| expected demand coverage (mean probability of arrival within {:.0} s) | {} |",
            p.threshold_s,
            pct(Some(e))
        );
    }
    let _ = writeln!(
        s,
        "| road length covered | {} of {:.1} km |",
        pct(m.road_coverage),
        m.road_km
    );
    let _ = writeln!(
        s,
        "| area covered | {} of {:.1} km² |",
        pct(m.area_coverage),
        m.area_km2
    );
    let _ = writeln!(
        s,
        "| second-due coverage ({:.0} s) | {} |",
        p.second_threshold_s,
        pct(m.second_due_coverage)
    );
    let _ = writeln!(
        s,
        "| response p50 / p90 / max | {} / {} / {} |",
        secs(m.p50_s),
        secs(m.p90_s),
        secs(m.max_s)
    );
    let _ = writeln!(
        s,
        "| responding stations | {} of {} in the file |",
        cov.origins.len(),
        run.inputs.stations.len()
    );
    let _ = writeln!(
        s,
        "| demand points | {} ({} off-network, {} unreachable) |",
        m.demand_points, m.off_network, m.unreachable
    );
    let turns = net.turns.banned.len() + net.turns.only.len();
    let _ = writeln!(
        s,
        "| road network | {} nodes, {} directed edges, {} nodes dropped outside the largest strongly connected part{} |\n",
        net.node_count(),
        net.edge_count(),
        net.dropped_nodes,
        if turns > 0 {
            format!("; {turns} restricted turns obeyed")
        } else {
            String::new()
        }
    );
    if run.inputs.demand.is_none() {
        let _ = writeln!(
            s,
            "No `[demand]` in the scenario: demand figures are not available.\n"
        );
    }

    s.push_str(&closures_md(run));

    let _ = writeln!(s, "## Rescue districts (救援片区)\n");
    let _ = writeln!(
        s,
        "| district | kind | demand | road | area | second-due | p50 | p90 | max | points |"
    );
    let _ = writeln!(
        s,
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for (d, dm) in run.inputs.districts.iter().zip(&cov.districts) {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            md_cell(&d.name),
            d.kind.as_str(),
            metric_cells(dm)
        );
    }
    let outside = &cov.outside;
    if outside.demand_points > 0 || outside.road_km > 0.0 {
        let _ = writeln!(s, "| (outside districts) | | {} |", metric_cells(outside));
    }
    let _ = writeln!(s, "| **region** | | {} |\n", metric_cells(m));

    let _ = writeln!(s, "## Stations and first-due areas (辖区)\n");
    let _ = writeln!(
        s,
        "Worst road time: the slowest point of the roads the station reaches first; the 5-minute \
         rule (建标152-2017) asks that it be within {:.0} s.\n",
        p.threshold_s
    );
    let _ = writeln!(
        s,
        "| id | name | class | area km² | road km | demand share | worst road time | within |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (i, st) in run.inputs.stations.iter().enumerate().take(REPORT_ROWS) {
        match &cov.placement[i] {
            Placement::Origin(o) => {
                let fd = &cov.first_due[*o as usize];
                let within = match fd.worst_road_s {
                    Some(t) if t <= p.threshold_s => "yes",
                    Some(_) => "**no**",
                    None => "—",
                };
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {:.2} | {:.1} | {:.1} % | {} | {} |",
                    md_cell(&st.id),
                    md_cell(&st.name),
                    st.class.name_zh(),
                    fd.area_km2,
                    fd.road_km,
                    fd.demand_share * 100.0,
                    secs(fd.worst_road_s),
                    within
                );
            }
            Placement::NotResponding => {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | — | — | — | — | not in response coverage ({}) |",
                    md_cell(&st.id),
                    md_cell(&st.name),
                    st.class.name_zh(),
                    st.status.as_str()
                );
            }
            Placement::OffNetwork(d) => {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | — | — | — | — | **off-network** ({d:.0} m from the nearest road) |",
                    st.id,
                    st.name,
                    st.class.name_zh()
                );
            }
        }
    }
    if run.inputs.stations.len() > REPORT_ROWS {
        let _ = writeln!(
            s,
            "\n{}",
            rows_left_out(
                run.inputs.stations.len() - REPORT_ROWS,
                "stations",
                "stations.csv"
            )
        );
    }
    let off: Vec<_> = run
        .inputs
        .demand
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .zip(&cov.demand)
        .filter(|(_, r)| r.off_network)
        .collect();
    if !off.is_empty() {
        let listed: Vec<String> = off
            .iter()
            .take(20)
            .map(|(d, r)| {
                format!(
                    "{} ({:.0} m)",
                    md_cell(&d.id),
                    r.snap.map_or(f64::NAN, |s| s.access_m)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "\n## Off-network demand points\n\n{} points lie farther than {:.0} m from any road; they are counted as \
             not covered and listed in `gaps.geojson`: {}{}\n",
            off.len(),
            cov.max_snap_m,
            listed.join(", "),
            if off.len() > 20 { ", …" } else { "" }
        );
    }
    s.push_str(&super::sites::risk_sites_md(run));
    match &run.supply {
        Some(sup) => {
            s.push('\n');
            s.push_str(&super::supply::markdown::section(
                sup,
                &run.inputs.stations,
                &run.inputs.districts,
                run.inputs.demand.as_deref().unwrap_or(&[]),
            ));
        }
        None => {
            let _ = writeln!(
                s,
                "\n## Logistics-support reach (战勤保障)\n\nNo `[depots]` in the scenario: \
                 logistics-support reach and capacity are skipped.\n"
            );
        }
    }
    if let Some(w) = &run.water {
        s.push('\n');
        s.push_str(&super::water::section_md(run, w));
    }
    s.push_str(&super::villages::villages_and_drone_md(run));
    s.push('\n');
    s.push_str(&super::plan::targets_md(
        &run.checks,
        &run.inputs.scenario.targets,
    ));
    let _ = writeln!(s, "\n## Files\n");
    let _ = writeln!(
        s,
        "`summary.json`, `coverage_by_district.csv`, `stations.csv`, `demand_response.csv`, `coverage.geojson` \
         (road pieces split at the threshold), `first_due.geojson`, `gaps.geojson`, `targets.csv` (every \
         finding with its source), `run.json` (parameters and input hashes). Road data: © OpenStreetMap contributors where the network came from OSM."
    );
    s
}

/// The report of `fireplan simulate`: [`report_md`] with the incident-simulation section
/// (static against simulated coverage) before the list of files.
pub fn report_md_with_simulation(
    run: &RunResult,
    setup: &crate::sim::SimSetup,
    sim: &crate::sim::SimResults,
) -> String {
    let base = report_md(run);
    let section = super::sim::markdown::section(run, setup, sim);
    match base.find("\n## Files\n") {
        Some(i) => format!("{}{section}{}", &base[..i], &base[i..]),
        None => base + &section,
    }
}
