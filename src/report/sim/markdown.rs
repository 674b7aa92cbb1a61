//! The report section of a simulation: static against simulated coverage for the region,
//! each rescue district and each incident type, and the busiest stations. Inserted into
//! `report.md` by [`crate::report::markdown::report_md_with_simulation`].

use std::fmt::Write;

use super::output::assumptions;
use crate::model::IncidentType;
use crate::run::RunResult;
use crate::sim::setup::SimSetup;
use crate::sim::stats::Estimate;
use crate::sim::SimResults;

fn pct(x: Option<f64>) -> String {
    x.map(|x| format!("{:.1} %", x * 100.0))
        .unwrap_or_else(|| "n/a".into())
}

fn pct_ci(e: &Option<Estimate>) -> String {
    match e {
        None => "n/a".into(),
        Some(e) => match (e.ci95_low, e.ci95_high) {
            (Some(lo), Some(hi)) => format!(
                "{:.1} % ({:.1}–{:.1})",
                e.mean * 100.0,
                lo * 100.0,
                hi * 100.0
            ),
            _ => format!("{:.1} %", e.mean * 100.0),
        },
    }
}

fn secs_ci(e: &Option<Estimate>) -> String {
    match e {
        None => "—".into(),
        Some(e) => match (e.ci95_low, e.ci95_high) {
            (Some(lo), Some(hi)) => format!("{:.0} s ({:.0}–{:.0})", e.mean, lo, hi),
            _ => format!("{:.0} s", e.mean),
        },
    }
}

fn num(e: &Option<Estimate>) -> String {
    e.map(|e| format!("{:.0}", e.mean)).unwrap_or_default()
}

/// The Markdown section (starts with a blank line and a `##` heading).
pub fn section(run: &RunResult, setup: &SimSetup, res: &SimResults) -> String {
    let p = &setup.params;
    let r = &setup.response;
    let cov = &run.coverage;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n## Incident simulation: busy units (忙碌占用模拟)\n\n\
         Static coverage assumes every station is always free. The simulation draws a year of \
         incidents again and again — {:.0} a year ({:.0} today × growth {:.2}), by hour, weekday, \
         type and place — sends the nearest free units each type's response plan asks for, and \
         keeps them busy until they are back at their station. {} replications of {} year(s), \
         seed {}; figures are means with their 95 % confidence interval over replications.\n",
        p.rate_per_year(),
        p.incidents_per_year,
        p.growth,
        res.replications,
        res.years,
        res.seed
    );
    let m = &res.region;
    let _ = writeln!(
        s,
        "| figure | static run (demand points) | simulated incidents, nearest station always free | simulated: busy units, plans by vehicle kind |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- |");
    let _ = writeln!(
        s,
        "| first unit within {:.0} s | {} | {} | **{}** |",
        r.threshold_s,
        pct(cov.region.demand_coverage),
        pct_ci(&m.free_fleet_within_threshold),
        pct_ci(&m.first_unit_within_threshold)
    );
    let _ = writeln!(
        s,
        "| first unit p50 / p90 | {} / {} | | {} / {} |",
        cov.region.p50_s.map_or("—".into(), |x| format!("{x:.0} s")),
        cov.region.p90_s.map_or("—".into(), |x| format!("{x:.0} s")),
        secs_ci(&m.p50_first_s),
        secs_ci(&m.p90_first_s)
    );
    let _ = writeln!(
        s,
        "| whole plan within {:.0} s | | | {} |",
        r.second_threshold_s,
        pct_ci(&m.full_plan_within_second_threshold)
    );
    let _ = writeln!(
        s,
        "| first-due station busy | | | {} |",
        pct_ci(&m.first_due_busy_share)
    );
    let _ = writeln!(
        s,
        "| first-due station not equipped for the type | | | {} |",
        pct_ci(&m.first_due_not_equipped_share)
    );
    let _ = writeln!(
        s,
        "| waited for a unit to come back | | | {} |",
        pct_ci(&m.queued_share)
    );
    let _ = writeln!(
        s,
        "| plan never complete | | | {} |\n",
        pct_ci(&m.plan_incomplete_share)
    );

    let _ = writeln!(s, "### By rescue district\n");
    let _ = writeln!(
        s,
        "| district | static coverage | simulated first unit within {:.0} s | whole plan within {:.0} s | first-due busy | incidents / year |",
        r.threshold_s, r.second_threshold_s
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
    for ((d, f), dm) in run
        .inputs
        .districts
        .iter()
        .zip(&res.districts)
        .zip(&cov.districts)
    {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            crate::report::write::md_cell(&d.name),
            pct(dm.demand_coverage),
            pct_ci(&f.first_unit_within_threshold),
            pct_ci(&f.full_plan_within_second_threshold),
            pct_ci(&f.first_due_busy_share),
            num(&f.incidents_per_year)
        );
    }

    let _ = writeln!(s, "\n### By incident type\n");
    let _ = writeln!(
        s,
        "| type | plan | incidents / year | first unit within {:.0} s | whole plan within {:.0} s | first unit p90 |",
        r.threshold_s, r.second_threshold_s
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
    for ((t, f), tp) in IncidentType::ALL.iter().zip(&res.types).zip(&p.types) {
        let plan: Vec<String> = tp.plan.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(
            s,
            "| {} {} | {} | {} | {} | {} | {} |",
            t.name_zh(),
            t.as_str(),
            plan.join(" + "),
            num(&f.incidents_per_year),
            pct_ci(&f.first_unit_within_threshold),
            pct_ci(&f.full_plan_within_second_threshold),
            secs_ci(&f.p90_first_s)
        );
    }

    let mut busiest: Vec<_> = res.stations.iter().collect();
    busiest.sort_by(|a, b| {
        let u = |x: &crate::sim::StationFigures| x.utilisation.map_or(-1.0, |e| e.mean);
        u(b).total_cmp(&u(a)).then(a.origin.cmp(&b.origin))
    });
    let _ = writeln!(s, "\n### Busiest stations\n");
    let _ = writeln!(
        s,
        "Utilisation: share of the time its units (of the kinds the plans use) are out. Could not \
         take: share of its first-due incidents it sent no unit to (all out, or not equipped for the \
         type). Every station in `sim_stations.csv`.\n"
    );
    let _ = writeln!(
        s,
        "| station | units | utilisation | first-due incidents / year | could not take |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- |");
    for f in busiest.iter().take(10) {
        let name = &run.inputs.stations[f.station].name;
        let _ = writeln!(
            s,
            "| {} {} | {} | {} | {} | {} |",
            crate::report::write::md_cell(&f.id),
            crate::report::write::md_cell(name),
            f.units,
            pct_ci(&f.utilisation),
            num(&f.first_due_per_year),
            pct_ci(&f.could_not_take_share)
        );
    }

    let pr = &setup.places_report;
    let _ = writeln!(s, "\n### Assumptions\n");
    for a in assumptions(setup) {
        let _ = writeln!(s, "- {a}");
    }
    let _ = writeln!(
        s,
        "- Places: {} demand points ({} off-network and not drawn — the static run counts them as \
         not covered; {} of weight 0), {} places in the pool (jitter {:.0} m, {} per point).",
        pr.demand_points,
        pr.off_network_points,
        pr.zero_weight_points,
        pr.places,
        p.jitter_m,
        p.jitter_samples
    );
    for (k, v) in &p.sources {
        let _ = writeln!(s, "- `{k}`: {v}.");
    }
    let _ = writeln!(
        s,
        "\nSimulation files: `sim_summary.json` (every figure with its interval and every \
         parameter), `sim_stations.csv`, `sim_incidents.csv` (replication 0)."
    );
    s
}
