//! Outputs of a placement search: `optimize_sites.csv` (chosen sites ranked by marginal
//! gain, with a suggested class), `optimize_curve.csv` and `.svg` (coverage versus k with
//! the upper bound and gap), `optimize_plan.toml` (a plan file `fireplan run --plan`
//! accepts), `optimize.geojson` (candidates, excluded candidates and chosen sites) and
//! `optimize_summary.json`. The placement map is drawn by `report::maps::optimize`.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::json;

use super::{Goal, Outcome, Problem};
use crate::error::{Error, Result};

fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Scenario(format!("writing CSV: {e}"));
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(&r).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Scenario(format!("writing CSV: {e}")))
}

fn pct(x: f64) -> String {
    format!("{:.4}", x * 100.0 + 0.0)
}

/// The id a new site gets in the plan: the candidate's id, prefixed with `OPT-` when an
/// existing station already uses it.
pub fn plan_id(candidate_id: &str, existing: &HashSet<&str>) -> String {
    if existing.contains(candidate_id) {
        format!("OPT-{candidate_id}")
    } else {
        candidate_id.to_string()
    }
}

#[derive(Serialize)]
struct PlanFile {
    name: String,
    description: String,
    change: Vec<PlanChange>,
}

#[derive(Serialize)]
struct PlanChange {
    action: &'static str,
    id: String,
    name: String,
    class: &'static str,
    lon: f64,
    lat: f64,
    reason: String,
}

/// The plan file: one `add_station` per chosen site, in rank order.
pub fn plan_toml(
    problem: &Problem,
    outcome: &Outcome,
    existing_ids: &[String],
    scenario: &str,
) -> Result<String> {
    let existing: HashSet<&str> = existing_ids.iter().map(String::as_str).collect();
    let what = if outcome.backup {
        "covered twice"
    } else {
        "covered"
    };
    let change = outcome
        .sites
        .iter()
        .map(|s| {
            let (c, _) = &problem.candidates.kept[s.candidate];
            PlanChange {
                action: "add_station",
                id: plan_id(&c.id, &existing),
                name: c.name.clone(),
                class: s.class.as_str(),
                lon: c.location.x(),
                lat: c.location.y(),
                reason: format!(
                    "fireplan optimize rank {} of {}: +{:.2} % of demand {what} within {:.0} s \
                     (coverage {:.2} % after it); class suggested from that share",
                    s.rank,
                    outcome.sites.len(),
                    s.marginal_share * 100.0,
                    problem.threshold_s,
                    s.coverage_after * 100.0
                ),
            }
        })
        .collect();
    let goal = match outcome.goal {
        Goal::Add(k) => format!("the best {k} new station(s)"),
        Goal::Reach(l) => format!("the fewest new stations for {:.1} % coverage", l * 100.0),
    };
    let plan = PlanFile {
        name: format!("{scenario}: {goal}"),
        description: format!(
            "Written by fireplan optimize. Demand {what} within {:.0} s: {:.2} % today, \
             {:.2} % with the plan; upper bound {:.2} % ({}), gap {:.2} percentage points.",
            problem.threshold_s,
            outcome.base_coverage * 100.0,
            outcome.coverage * 100.0,
            outcome.upper * 100.0,
            outcome.bound.as_str(),
            outcome.gap_pp
        ),
        change,
    };
    toml::to_string(&plan).map_err(|e| Error::Scenario(format!("writing the plan file: {e}")))
}

/// Every output file of a search, `(name, bytes)`.
pub fn files(
    problem: &Problem,
    outcome: &Outcome,
    existing_ids: &[String],
    scenario: &str,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let existing: HashSet<&str> = existing_ids.iter().map(String::as_str).collect();
    let kept = &problem.candidates.kept;
    let sites_csv = csv_bytes(
        &[
            "rank",
            "id",
            "plan_id",
            "name",
            "lon",
            "lat",
            "class",
            "marginal_weight",
            "marginal_pct",
            "coverage_after_pct",
            "loss_if_removed",
        ],
        outcome
            .sites
            .iter()
            .map(|s| {
                let (c, _) = &kept[s.candidate];
                vec![
                    s.rank.to_string(),
                    c.id.clone(),
                    plan_id(&c.id, &existing),
                    c.name.clone(),
                    format!("{:.7}", c.location.x()),
                    format!("{:.7}", c.location.y()),
                    s.class.as_str().to_string(),
                    format!("{}", s.marginal_weight),
                    pct(s.marginal_share),
                    pct(s.coverage_after),
                    format!("{}", s.loss_if_removed),
                ]
            })
            .collect(),
    )?;
    let curve_csv = csv_bytes(
        &[
            "k",
            "greedy_pct",
            "coverage_pct",
            "upper_bound_pct",
            "bound",
            "gap_pp",
            "sites",
        ],
        outcome
            .curve
            .iter()
            .map(|p| {
                vec![
                    p.k.to_string(),
                    pct(p.greedy),
                    pct(p.coverage),
                    pct(p.upper),
                    p.bound.as_str().to_string(),
                    format!("{:.4}", p.gap_pp),
                    p.sites
                        .iter()
                        .map(|&i| kept[i].0.id.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                ]
            })
            .collect(),
    )?;
    let rank_of: std::collections::HashMap<usize, usize> = outcome
        .sites
        .iter()
        .map(|s| (s.candidate, s.rank))
        .collect();
    let mut features = Vec::new();
    for (i, (c, sp)) in kept.iter().enumerate() {
        let rank = rank_of.get(&i).copied();
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.location.x(), c.location.y()]},
            "properties": {
                "id": c.id, "name": c.name,
                "layer": if rank.is_some() { "chosen" } else { "candidate" },
                "rank": rank,
                "class": rank.map(|r| outcome.sites[r - 1].class.as_str()),
                "access_m": sp.access_m,
            }
        }));
    }
    for (c, why) in &problem.candidates.excluded {
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.location.x(), c.location.y()]},
            "properties": {"id": c.id, "name": c.name, "layer": "excluded", "reason": why.describe()}
        }));
    }
    let geo = json!({"type": "FeatureCollection", "features": features});
    let summary = json!({
        "scenario": scenario,
        "goal": outcome.goal,
        "backup": outcome.backup,
        "threshold_s": problem.threshold_s,
        "candidates": kept.len(),
        "candidates_excluded": problem.candidates.excluded.len(),
        "candidate_source": problem.candidates.source,
        "demand_points": problem.demand.len(),
        "demand_weight": problem.total_weight,
        "elements_after_merge": problem.instance.elements(),
        "set_entries": problem.set_entries,
        "base_coverage": outcome.base_coverage,
        "coverage": outcome.coverage,
        "reachable_coverage": problem.reachable_share(),
        "upper_bound": outcome.upper,
        "bound": outcome.bound,
        "gap_pp": outcome.gap_pp,
        "gap_relative": outcome.gap_relative,
        "min_sites_bound": outcome.min_sites_bound,
        "sites": outcome.sites.iter().map(|s| &kept[s.candidate].0.id).collect::<Vec<_>>(),
        "sets_s": problem.sets_s,
        "solve_s": outcome.solve_s,
    });
    let json_bytes = |v: &serde_json::Value| -> Result<Vec<u8>> {
        let mut b = serde_json::to_vec_pretty(v)
            .map_err(|e| Error::Scenario(format!("writing JSON: {e}")))?;
        b.push(b'\n');
        Ok(b)
    };
    let mut out = vec![
        ("optimize_sites.csv", sites_csv),
        ("optimize_curve.csv", curve_csv),
        ("optimize_curve.svg", curve_svg(outcome).into_bytes()),
        ("optimize.geojson", json_bytes(&geo)?),
        ("optimize_summary.json", json_bytes(&summary)?),
    ];
    if !outcome.sites.is_empty() {
        out.push((
            "optimize_plan.toml",
            plan_toml(problem, outcome, existing_ids, scenario)?.into_bytes(),
        ));
    }
    Ok(out)
}

/// The coverage-versus-k curve as a bar chart (share covered with k new sites).
fn curve_svg(outcome: &Outcome) -> String {
    let what = if outcome.backup {
        "covered twice"
    } else {
        "covered"
    };
    let bars: Vec<(String, Option<f64>)> =
        std::iter::once(("today".to_string(), Some(outcome.base_coverage)))
            .chain(
                outcome
                    .curve
                    .iter()
                    .map(|p| (format!("k = {}", p.k), Some(p.coverage))),
            )
            .collect();
    crate::report::chart::bar_chart_svg(
        &format!("share of demand {what} by number of new sites"),
        &bars,
    )
}
