//! Outputs of the target checks and of plans (DESIGN §6, §9): `targets.csv` and the
//! report's targets section on every run; with `--plan`, `plan_comparison.csv`,
//! `plan_changes.csv`, `plan_changes.geojson`, the plan sections of `report.md` and the
//! baseline's full outputs in `baseline/`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::write::{collection, feature, round7, rows_left_out, REPORT_ROWS};
use super::{fmt_s, write_atomic};
use crate::error::{Error, Result};
use crate::model::target::Force;
use crate::model::target::{fmt_gap, fmt_measure, fmt_value};
use crate::params::TargetConfig;
use crate::plan::checks::{Checks, Finding, Status};
use crate::plan::diff::COMPARED;
use crate::report::write::{csv_error, json_bytes};
use crate::run::PlanRunResult;

/// A measured value for tables: `inf` for unbounded ratios, empty when not measured.
fn fmt_measured(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(x) if x.is_infinite() => "inf".into(),
        Some(x) => fmt_value(x),
    }
}

/// `targets.csv`: one row per finding of each variant (`baseline`, `plan`), with the
/// target's source; streamed into `out`, as 10 M findings make gigabytes. Columns after
/// `source_gloss` came later (issue 14): `force`, `shortfall`, `citation`.
pub fn write_targets_csv(out: &mut dyn std::io::Write, variants: &[(&str, &Checks)]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "variant",
        "target",
        "set",
        "metric",
        "subject_kind",
        "subject",
        "subject_name",
        "status",
        "measured",
        "comparator",
        "required",
        "unit",
        "mandatory",
        "reason",
        "source_document",
        "source_section",
        "source_clause",
        "source_gloss",
        "force",
        "shortfall",
        "citation",
    ])
    .map_err(csv_error)?;
    for (variant, checks) in variants {
        // One citation per target, not one formatted per finding.
        let citations: std::collections::HashMap<&str, String> = checks
            .targets
            .iter()
            .map(|t| (&*t.id, t.source.citation()))
            .collect();
        for f in &checks.findings {
            let citation = citations.get(&*f.target).map_or("", String::as_str);
            w.write_record([
                *variant,
                &f.target,
                &f.set,
                f.metric.as_str(),
                f.subject_kind.as_str(),
                f.subject.as_str(),
                f.subject_name.as_str(),
                f.status.as_str(),
                &fmt_measured(f.measured),
                f.comparator.as_str(),
                &fmt_value(f.required),
                f.unit,
                if f.mandatory() { "true" } else { "false" },
                f.reason.as_str(),
                f.source.document.as_str(),
                f.source.section.as_deref().unwrap_or(""),
                f.source.clause.as_str(),
                f.source.gloss.as_str(),
                f.force.as_str(),
                &fmt_measured(f.shortfall()),
                citation,
            ])
            .map_err(csv_error)?;
        }
    }
    w.flush().map_err(csv_error)
}

/// Escapes `|` for a Markdown table cell.
use super::write::md_cell as cell;

/// The sets of the catalogue, which were applied and why (DESIGN §6: scope follows the
/// issuer).
pub fn sets_md(config: &TargetConfig) -> String {
    let mut s = String::new();
    let region = match &config.region {
        Some((key, name)) => format!("The scenario's region is {name} (`{key}`)."),
        None => "The scenario names no `region`: the national standards apply, and the \
                 provinces' and districts' documents do not."
            .to_string(),
    };
    let _ = writeln!(s, "{region}\n");
    let _ = writeln!(s, "| set | applied | why |");
    let _ = writeln!(s, "| --- | --- | --- |");
    for c in &config.set_choices {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            c.set,
            c.applied_label(false),
            cell(&c.why)
        );
    }
    s
}

/// The findings of `status` and `force` under the heading `title` as a Markdown table, at
/// most [`REPORT_ROWS`] per target, with the gap column for failures; nothing when there
/// are none.
fn findings_table(
    s: &mut String,
    title: &str,
    checks: &Checks,
    status: Status,
    force: Option<Force>,
) {
    let rows: Vec<&Finding> = checks
        .findings
        .iter()
        .filter(|f| f.status == status && force.is_none_or(|x| f.force == x))
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n### {title}\n");
    let shortfall = status == Status::Fail;
    if shortfall {
        let _ = writeln!(
            s,
            "| target | subject | measured | required | gap | reason |"
        );
        let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
    } else {
        let _ = writeln!(s, "| target | subject | reason |");
        let _ = writeln!(s, "| --- | --- | --- |");
    }
    // (target, its rows so far): at most REPORT_ROWS of each are listed.
    let mut per_target: Vec<(&str, usize)> = Vec::new();
    for f in rows {
        let i = match per_target.iter().position(|(t, _)| *t == &*f.target) {
            Some(i) => i,
            None => {
                per_target.push((&f.target, 0));
                per_target.len() - 1
            }
        };
        per_target[i].1 += 1;
        if per_target[i].1 > REPORT_ROWS {
            continue;
        }
        if shortfall {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} {} | {} | {} |",
                f.target,
                cell(&f.subject_label()),
                f.measured
                    .map_or("—".to_string(), |v| fmt_measure(f.metric, v)),
                f.comparator.symbol(),
                fmt_measure(f.metric, f.required),
                f.shortfall()
                    .map_or("—".to_string(), |v| fmt_gap(f.metric, v)),
                cell(&f.reason)
            );
        } else {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                f.target,
                cell(&f.subject_label()),
                cell(&f.reason)
            );
        }
    }
    for (target, n) in per_target.into_iter().filter(|(_, n)| *n > REPORT_ROWS) {
        let what = format!("findings of `{target}`");
        let _ = writeln!(
            s,
            "\n{}",
            rows_left_out(n - REPORT_ROWS, &what, "targets.csv")
        );
    }
}

/// The report's targets section: the sets applied, one row per target, then the
/// mandatory failures, the goals' shortfalls, the advisories, what has no data, what is
/// not applicable, and the sources quoted.
pub fn targets_md(checks: &Checks, config: &TargetConfig) -> String {
    let mut s = String::new();
    let c = checks.counts();
    let mand = checks.mandatory_failures().count();
    let goals = checks.goal_shortfalls().count();
    let _ = writeln!(s, "## Targets (规划指标)\n");
    s.push_str(&sets_md(config));
    let _ = writeln!(
        s,
        "\n{} targets checked: {} findings pass, {} fail, {} have no data, {} not applicable. {} \
         Goals (以…为目标, 逐步实现, 预期性) are reported with their shortfall and never fail the \
         plan on their own; advisories are derived checks no clause states.\n",
        checks.targets.len(),
        c.pass,
        c.fail,
        c.no_data,
        c.not_applicable,
        if mand == 0 {
            format!("**Every mandatory target is met**; {goals} goal shortfall(s).")
        } else {
            format!(
                "**{mand} failing finding(s) of mandatory targets**; {goals} goal shortfall(s)."
            )
        }
    );
    let _ = writeln!(
        s,
        "| target | requirement | scope | force | pass | fail | no data | n/a | source |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (t, tally) in checks.targets.iter().zip(checks.tallies()) {
        let _ = writeln!(
            s,
            "| {} | {} {} | {} | {} | {} | {} | {} | {} | {} |",
            t.id,
            t.metric.as_str(),
            t.requirement(),
            t.scope.describe(),
            t.force.as_str(),
            tally.pass,
            if tally.fail > 0 {
                format!("**{}**", tally.fail)
            } else {
                "0".into()
            },
            tally.no_data,
            tally.not_applicable,
            cell(&t.source.citation())
        );
    }
    let sections = [
        ("Mandatory failures", Status::Fail, Some(Force::Mandatory)),
        ("Goals: shortfalls", Status::Fail, Some(Force::Goal)),
        ("Advisories not met", Status::Fail, Some(Force::Advisory)),
        ("No data", Status::NoData, None),
    ];
    for (title, status, force) in sections {
        findings_table(&mut s, title, checks, status, force);
    }
    if checks
        .findings
        .iter()
        .any(|f| f.status == Status::NotApplicable)
    {
        let _ = writeln!(s, "\n### Not applicable\n");
        for (t, of_target) in checks.targets.iter().zip(checks.by_target()) {
            let mine: Vec<_> = of_target
                .into_iter()
                .filter(|f| f.status == Status::NotApplicable)
                .collect();
            if let Some(first) = mine.first() {
                let _ = writeln!(
                    s,
                    "- {}: {} finding(s), e.g. {} {}: {}",
                    t.id,
                    mine.len(),
                    first.subject_kind.as_str(),
                    first.subject,
                    first.reason
                );
            }
        }
    }
    let _ = writeln!(s, "\n### Sources\n");
    for t in &checks.targets {
        let note = t
            .note
            .as_deref()
            .map(|n| format!(" Reading: {n}"))
            .unwrap_or_default();
        if t.source.clause.is_empty() {
            let _ = writeln!(
                s,
                "- **{}** ({}, {}): {}{note}",
                t.id,
                t.source.citation(),
                t.force.as_str(),
                t.source.gloss
            );
            continue;
        }
        let _ = writeln!(
            s,
            "- **{}** ({}) — {}: “{}” — {}",
            t.id,
            t.force.as_str(),
            t.source.citation(),
            t.source.clause,
            t.source.gloss
        );
    }
    s
}

/// `plan_comparison.csv`: per district and the region, every compared figure before and
/// after the plan and the change.
pub fn comparison_csv(pr: &PlanRunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["area", "kind", "metric", "baseline", "plan", "change"])
        .map_err(csv_error)?;
    for a in &pr.diff.areas {
        for (name, get) in COMPARED {
            let (b, p) = (get(&a.baseline), get(&a.plan));
            let fmt = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_default();
            let change = match (b, p) {
                (Some(b), Some(p)) => format!("{:.4}", p - b + 0.0),
                _ => String::new(),
            };
            w.write_record([
                a.name.as_str(),
                a.kind.map_or("", |k| k.as_str()),
                name,
                &fmt(b),
                &fmt(p),
                &change,
            ])
            .map_err(csv_error)?;
        }
    }
    w.into_inner().map_err(csv_error)
}

/// `plan_changes.csv`: demand points that gain or lose coverage within the threshold.
pub fn changes_csv(pr: &PlanRunResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "change",
        "district",
        "weight",
        "baseline_station",
        "baseline_response_s",
        "plan_station",
        "plan_response_s",
        "lon",
        "lat",
    ])
    .map_err(csv_error)?;
    for d in &pr.diff.demand {
        w.write_record([
            d.id.as_str(),
            d.change.as_str(),
            d.district.as_deref().unwrap_or(""),
            &fmt_value(d.weight),
            d.baseline_station.as_deref().unwrap_or(""),
            &fmt_s(d.baseline_s),
            d.plan_station.as_deref().unwrap_or(""),
            &fmt_s(d.plan_s),
            &format!("{:.7}", d.lon),
            &format!("{:.7}", d.lat),
        ])
        .map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// `plan_changes.geojson`: `layer = change` — each change of the plan at its place (a line
/// from the old to the new place for moves; a road closure as the roads it closed, with
/// `segments_closed` and `road_km_closed`); `layer = demand` — demand points gaining or
/// losing coverage.
pub fn changes_geojson(pr: &PlanRunResult) -> Result<Vec<u8>> {
    collection(changes_features(pr))
}

/// The features of [`changes_geojson`] (also `map.html`'s plan-changes layer).
pub fn changes_features(pr: &PlanRunResult) -> Vec<geojson::Feature> {
    let mut features = Vec::new();
    let prepared = &pr.plan.prepared;
    for c in &pr.applied {
        if c.subject_kind == "road" {
            let closure = prepared
                .closures
                .iter()
                .find(|a| a.plan_change == Some(c.number));
            let (Some(closure), Some(open)) = (closure, prepared.open.as_deref()) else {
                continue;
            };
            let net = &open.network;
            let lines: Vec<Vec<Vec<f64>>> = closure
                .segments
                .iter()
                .filter_map(|&s| net.segments.get(s as usize))
                .map(|s| {
                    let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
                    vec![
                        vec![round7(a.lon), round7(a.lat)],
                        vec![round7(b.lon), round7(b.lat)],
                    ]
                })
                .collect();
            features.push(feature(
                geojson::Value::MultiLineString(lines),
                json!({
                    "layer": "change",
                    "number": c.number,
                    "action": c.action,
                    "subject_kind": c.subject_kind,
                    "subject": c.subject,
                    "name": c.name,
                    "summary": c.summary,
                    "reason": c.reason,
                    "segments_closed": c.segments_closed,
                    "road_km_closed": c.road_km_closed.map(|k| (k * 1000.0).round() / 1000.0),
                }),
            ));
            continue;
        }
        let geometry = match (c.from, c.to) {
            (Some(a), Some(b)) if a != b => geojson::Value::LineString(vec![
                vec![round7(a.0), round7(a.1)],
                vec![round7(b.0), round7(b.1)],
            ]),
            (_, Some(p)) | (Some(p), None) => geojson::Value::Point(vec![round7(p.0), round7(p.1)]),
            (None, None) => continue,
        };
        features.push(feature(
            geometry,
            json!({
                "layer": "change",
                "number": c.number,
                "action": c.action,
                "subject_kind": c.subject_kind,
                "subject": c.subject,
                "name": c.name,
                "summary": c.summary,
                "reason": c.reason,
                "snap_m": c.snap_m.map(|m| (m * 10.0).round() / 10.0),
            }),
        ));
    }
    for d in &pr.diff.demand {
        features.push(feature(
            geojson::Value::Point(vec![round7(d.lon), round7(d.lat)]),
            json!({
                "layer": "demand",
                "id": d.id,
                "change": d.change.as_str(),
                "district": d.district,
                "weight": d.weight,
                "baseline_station": d.baseline_station,
                "baseline_response_s": d.baseline_s.map(|t| (t * 10.0).round() / 10.0),
                "plan_station": d.plan_station,
                "plan_response_s": d.plan_s.map(|t| (t * 10.0).round() / 10.0),
            }),
        ));
    }
    features
}

fn pct(x: Option<f64>) -> String {
    x.map(|x| format!("{:.1} %", x * 100.0))
        .unwrap_or_else(|| "n/a".into())
}

fn secs(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |t| format!("{t:.0} s"))
}

fn arrow_pct(b: Option<f64>, p: Option<f64>) -> String {
    match (b, p) {
        (Some(b), Some(p)) => format!(
            "{} → {} ({:+.1})",
            pct(Some(b)),
            pct(Some(p)),
            (p - b) * 100.0 + 0.0
        ),
        _ => format!("{} → {}", pct(b), pct(p)),
    }
}

/// The plan sections of the report: the changes with their reasons, baseline → plan per
/// district and region, demand gained and lost, first-due areas, targets before and after.
pub fn plan_md(pr: &PlanRunResult) -> String {
    let mut s = String::new();
    let plan = &pr.plan_file;
    let _ = writeln!(s, "## Plan: {}\n", plan.name);
    if let Some(d) = &plan.description {
        let _ = writeln!(s, "{d}\n");
    }
    let closes = pr.applied.iter().any(|c| c.subject_kind == "road");
    let _ = writeln!(
        s,
        "Plan file `{}`; {}. The tables above describe the plan; the baseline's own outputs \
         are in `baseline/`.\n",
        plan.path.display(),
        if closes {
            "the plan closes roads: the baseline runs on the network as loaded, the plan on \
             it with the plan's closures (see Road closures above)"
        } else {
            "baseline and plan evaluated on the same prepared network"
        }
    );
    let _ = writeln!(s, "| # | action | subject | what | reason |");
    let _ = writeln!(s, "| --- | --- | --- | --- | --- |");
    for c in &pr.applied {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            c.number,
            c.action,
            if c.subject_kind == "road" {
                cell(&c.name)
            } else {
                format!("{} {}", c.subject, cell(&c.name))
            },
            cell(&c.summary),
            cell(&c.reason)
        );
    }
    let _ = writeln!(s, "\n### Baseline → plan\n");
    let _ = writeln!(
        s,
        "| area | kind | demand | area | road | second-due | p90 |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- |");
    for a in &pr.diff.areas {
        let (b, p) = (&a.baseline, &a.plan);
        let name = if a.kind.is_none() {
            "**region**".to_string()
        } else {
            a.name.clone()
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} → {} |",
            name,
            a.kind.map_or("", |k| k.as_str()),
            arrow_pct(b.demand_coverage, p.demand_coverage),
            arrow_pct(b.area_coverage, p.area_coverage),
            arrow_pct(b.road_coverage, p.road_coverage),
            arrow_pct(b.second_due_coverage, p.second_due_coverage),
            secs(b.p90_s),
            secs(p.p90_s),
        );
    }
    let _ = writeln!(
        s,
        "\n{} demand point(s) (weight {}) gain coverage within {:.0} s and {} (weight {}) lose \
         it: `plan_changes.csv`, `plan_changes.geojson`; every figure in `plan_comparison.csv`.\n",
        pr.diff.gained_points,
        fmt_value(pr.diff.gained_weight),
        pr.plan.coverage.params.threshold_s,
        pr.diff.lost_points,
        fmt_value(pr.diff.lost_weight)
    );

    let changed: Vec<_> = pr
        .diff
        .stations
        .iter()
        .filter(|c| {
            let d = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => (a - b).abs() > 0.005,
                (None, None) => false,
                _ => true,
            };
            d(c.baseline_area_km2, c.plan_area_km2)
                || d(c.baseline_worst_road_s, c.plan_worst_road_s)
        })
        .collect();
    if !changed.is_empty() {
        let _ = writeln!(s, "### First-due areas (辖区) that change\n");
        let _ = writeln!(s, "| station | name | area km² | worst road time |");
        let _ = writeln!(s, "| --- | --- | --- | --- |");
        let km2 = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.2}"));
        let sec = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.0} s"));
        for c in changed {
            let _ = writeln!(
                s,
                "| {} | {} | {} → {} | {} → {} |",
                c.id,
                cell(&c.name),
                km2(c.baseline_area_km2),
                km2(c.plan_area_km2),
                sec(c.baseline_worst_road_s),
                sec(c.plan_worst_road_s)
            );
        }
        s.push('\n');
    }

    let _ = writeln!(s, "### Targets: baseline → plan\n");
    let bm = pr.baseline.checks.mandatory_failures().count();
    let pm = pr.plan.checks.mandatory_failures().count();
    let _ = writeln!(
        s,
        "Failing findings of mandatory targets: {bm} → {pm}. Every finding of both variants is \
         in `targets.csv` (column `variant`).\n"
    );
    let _ = writeln!(s, "| target | force | fail | pass | no data | n/a |");
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
    for t in &pr.diff.targets {
        let _ = writeln!(
            s,
            "| {} | {} | {} → {} | {} → {} | {} → {} | {} → {} |",
            t.id,
            t.force.as_str(),
            t.baseline.fail,
            t.plan.fail,
            t.baseline.pass,
            t.plan.pass,
            t.baseline.no_data,
            t.plan.no_data,
            t.baseline.not_applicable,
            t.plan.not_applicable
        );
    }
    s
}

/// Writes the outputs of a plan run: the plan's full outputs in `out` (as `write_all`),
/// the baseline's in `out/baseline`, and at `out` the comparison files, `targets.csv`
/// with both variants, `report.md` with the plan sections and `summary.json` with the
/// baseline's figures and the plan's changes. `progress` sees the baseline's steps, then
/// the plan's (its comparison files and plan map two more items of the first).
pub fn write_plan_run(
    out: &Path,
    pr: &PlanRunResult,
    progress: &dyn crate::progress::Progress,
) -> Result<Vec<PathBuf>> {
    let mut written = super::write_all(&out.join("baseline"), &pr.baseline, progress)?;
    // The plan's own outputs are timed in its `run.json` (the baseline's in its own).
    let t0 = std::time::Instant::now();
    let both = [("baseline", &pr.baseline.checks), ("plan", &pr.plan.checks)];
    let (plan_files, mut maps, mut timings) =
        super::write_tables_and_maps(out, &pr.plan, &both, 2, progress)?;
    progress.message("writing the plan comparison");
    written.extend(plan_files);

    let report = {
        let base = super::markdown::report_md(&pr.plan);
        let section = plan_md(pr);
        match base.find("\n## Targets (规划指标)") {
            Some(i) => format!("{}\n{section}{}", &base[..i], &base[i..]),
            None => base + &section,
        }
    };
    let mut summary: Value =
        serde_json::to_value(pr.plan.summary()).map_err(|e| Error::output("summary.json", e))?;
    if let Some(o) = summary.as_object_mut() {
        let b = &pr.baseline.coverage.region;
        let mut base = json!({
            "demand_coverage": b.demand_coverage,
            "road_coverage": b.road_coverage,
            "area_coverage": b.area_coverage,
            "second_due_coverage": b.second_due_coverage,
            "p50_s": b.p50_s,
            "p90_s": b.p90_s,
            "max_s": b.max_s,
            "stations": pr.baseline.coverage.origins.len(),
        });
        if let Some(bo) = base.as_object_mut() {
            bo.insert(
                "targets".into(),
                serde_json::to_value(pr.baseline.checks.summary())
                    .map_err(|e| Error::output("summary.json", e))?,
            );
        }
        o.insert("baseline".into(), base);
        o.insert(
            "plan".into(),
            json!({
                "name": pr.plan_file.name,
                "file": pr.plan_file.path,
                "changes": pr.applied.len(),
                "gained_points": pr.diff.gained_points,
                "lost_points": pr.diff.lost_points,
                "gained_weight": pr.diff.gained_weight,
                "lost_weight": pr.diff.lost_weight,
            }),
        );
    }
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("plan_comparison.csv", comparison_csv(pr)?),
        ("plan_changes.csv", changes_csv(pr)?),
        ("plan_changes.geojson", changes_geojson(pr)?),
        ("summary.json", json_bytes(&summary)?),
        ("report.md", report.into_bytes()),
    ];
    for (name, bytes) in files {
        let p = out.join(name);
        write_atomic(&p, &bytes)?;
        if !written.contains(&p) {
            written.push(p);
        }
    }
    progress.advance(1);
    progress.message("drawing map_plan.png");
    let opts = super::maps::MapOptions::for_run(&pr.plan);
    let kinds = [super::maps::MapKind::Plan];
    let t_map = std::time::Instant::now();
    let (map_files, plan_map) = super::maps::write_maps(out, &pr.plan, Some(pr), &kinds, &opts)?;
    timings.maps_s += t_map.elapsed().as_secs_f64();
    written.extend(map_files);
    maps.extend(plan_map);
    progress.advance(1);
    progress.finish();
    for p in super::write_html_gpkg(out, &pr.plan, Some(pr), &maps, &mut timings, progress)? {
        if !written.contains(&p) {
            written.push(p);
        }
    }
    written.push(super::webmap::write_map_html(out, &pr.plan, Some(pr))?);
    timings.total_s = t0.elapsed().as_secs_f64();
    written.push(super::write_run_json(out, &pr.plan, &timings)?);
    Ok(written)
}
