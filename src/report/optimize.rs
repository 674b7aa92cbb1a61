//! Outputs of a placement search: `optimize_sites.csv` (chosen sites ranked by marginal
//! gain, with a suggested class), `optimize_curve.csv` and `.svg` (coverage versus k with
//! the upper bound and gap), `optimize_plan.toml` (a plan file `fireplan run --plan`
//! accepts), `optimize.geojson` (candidates, excluded candidates and chosen sites) and
//! `optimize_summary.json`. The placement map is drawn by `report::maps::optimize`.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::json;

use crate::error::{Error, Result};
use crate::optimize::{Outcome, Problem};
use crate::plan::file::Action;
use crate::plan::Plan;
use crate::report::write::csv_error;

fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = csv_error;
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(&r).map_err(err)?;
    }
    w.into_inner().map_err(csv_error)
}

fn pct(x: f64) -> String {
    format!("{:.4}", x * 100.0 + 0.0)
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

/// `plan` (a placement search's answer, [`crate::optimize::answer_plan`]) as a plan file
/// `fireplan run --plan` accepts.
pub fn plan_toml(plan: &Plan) -> Result<String> {
    let change = plan
        .changes
        .iter()
        .filter_map(|c| match &c.action {
            Action::AddStation(s) => Some(PlanChange {
                action: "add_station",
                id: s.id.clone(),
                name: s.name.clone(),
                class: s.class.as_str(),
                lon: s.location.x(),
                lat: s.location.y(),
                reason: c.reason.clone(),
            }),
            _ => None,
        })
        .collect();
    let file = PlanFile {
        name: plan.name.clone(),
        description: plan.description.clone().unwrap_or_default(),
        change,
    };
    toml::to_string(&file).map_err(|e| Error::output("plan file", e))
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
            "grid_cell",
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
                    crate::optimize::plan_id(&c.id, &existing),
                    c.name.clone(),
                    c.grid_cell.clone().unwrap_or_default(),
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
                "id": c.id, "name": c.name, "grid_cell": c.grid_cell,
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
            "properties": {"id": c.id, "name": c.name, "grid_cell": c.grid_cell, "layer": "excluded", "reason": why.describe()}
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
        "required_sites": outcome.required,
    });
    let json_bytes = |v: &serde_json::Value| -> Result<Vec<u8>> {
        let mut b = serde_json::to_vec_pretty(v).map_err(|e| Error::output("JSON", e))?;
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
    if !outcome.required.is_empty() {
        out.push(("optimize_required_sites.csv", required_csv(outcome)?));
    }
    if !outcome.sites.is_empty() {
        out.push((
            "optimize_plan.toml",
            plan_toml(&crate::optimize::answer_plan(
                problem,
                outcome,
                existing_ids,
                scenario,
            ))?
            .into_bytes(),
        ));
    }
    Ok(out)
}

/// `optimize_required_sites.csv`: each required site, its worst road point today and with
/// the answer, the first-due station with the answer and whether it is covered.
fn required_csv(outcome: &Outcome) -> Result<Vec<u8>> {
    let secs = |t: Option<f64>| t.map_or(String::new(), |t| format!("{t:.1}"));
    csv_bytes(
        &[
            "name",
            "kind",
            "road_points",
            "open_points_today",
            "worst_today_s",
            "worst_after_s",
            "first_due_after",
            "covered",
        ],
        outcome
            .required
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.kind.to_string(),
                    r.road_points.to_string(),
                    r.open_points.to_string(),
                    secs(r.worst_today_s),
                    secs(r.worst_after_s),
                    r.first_due_after.clone().unwrap_or_default(),
                    r.covered.to_string(),
                ]
            })
            .collect(),
    )
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

/// The files of `--export-sets`: `sites.csv` (site, id, fixed), `demand.csv` (demand,
/// weight) and `sets.csv` (site, demand: one row per covered pair).
pub fn sets_files(export: &crate::optimize::SetsExport) -> Result<Vec<(&'static str, Vec<u8>)>> {
    // Through the CSV writer: a candidate named after a place may hold a comma.
    let sites = csv_bytes(
        &["site", "id", "fixed"],
        export
            .sites
            .iter()
            .enumerate()
            .map(|(i, (id, fixed))| vec![i.to_string(), id.clone(), (*fixed as u8).to_string()])
            .collect(),
    )?;
    let mut d = String::from("demand,weight\n");
    for (j, w) in export.demand_weights.iter().enumerate() {
        d.push_str(&format!("{j},{w}\n"));
    }
    let csr = &export.sets;
    let mut e = String::with_capacity(csr.items.len() * 10);
    e.push_str("site,demand\n");
    for i in 0..csr.rows() {
        for &j in csr.row(i) {
            e.push_str(&format!("{i},{j}\n"));
        }
    }
    Ok(vec![
        ("sites.csv", sites),
        ("demand.csv", d.into_bytes()),
        ("sets.csv", e.into_bytes()),
    ])
}

/// `optimize_rerank.csv` and the answers' plan files `optimize_answer_N.toml` (N: the
/// answer's place in the search's own order), in rank order. `sim_rank` is `=2` for answers
/// whose confidence intervals overlap (the simulation cannot order them,
/// [`crate::optimize::rerank::interval_ranks`]); `sites` are the candidate ids joined by `;`.
pub fn rerank_files(rows: &[crate::optimize::rerank::Reranked]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let f = |x: Option<f64>| x.map(|x| format!("{x:.4}")).unwrap_or_default();
    let mut table = Vec::new();
    for row in rows {
        let name = rerank_file_name(row);
        let (mean, lo, hi) = match &row.simulated {
            Some(e) => (Some(e.mean), e.ci95_low, e.ci95_high),
            None => (None, None, None),
        };
        table.push(vec![
            row.rank_label(),
            name.clone(),
            format!("{:.4}", row.static_coverage),
            f(mean),
            f(lo),
            f(hi),
            row.sites.join(";"),
        ]);
        files.push((name, plan_toml(&row.plan)?.into_bytes()));
    }
    let csv = csv_bytes(
        &[
            "sim_rank",
            "plan_file",
            "static_coverage",
            "sim_first_unit_coverage",
            "sim_ci95_low",
            "sim_ci95_high",
            "sites",
        ],
        table,
    )?;
    files.push(("optimize_rerank.csv".to_string(), csv));
    Ok(files)
}

/// The plan file name of a re-ranked answer.
pub fn rerank_file_name(row: &crate::optimize::rerank::Reranked) -> String {
    format!("optimize_answer_{}.toml", row.answer)
}
