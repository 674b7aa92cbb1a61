//! Outputs of the target checks and of plans (DESIGN §6, §9): `targets.csv` and the
//! report's targets section on every run; with `--plan`, `plan_comparison.csv`,
//! `plan_changes.csv`, `plan_changes.geojson` and the baseline's full outputs in
//! `baseline/`; the plan sections of `report.html` and `report.md` come from
//! `report::appendix`.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::write::{collection, feature, round7};
use super::{fmt_s, write_atomic};
use crate::error::{Error, Result};
use crate::model::target::fmt_value;
use crate::plan::checks::Checks;
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

/// Writes the outputs of a plan run: the plan's full outputs in `out` (as `write_all`),
/// the baseline's in `out/baseline`, and at `out` the comparison files, `targets.csv`
/// with both variants, `report.html` and `report.md` with the plan sections and `summary.json` with the
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
    // map.html first: report.html links it when it is there.
    written.push(super::webmap::write_map_html(out, &pr.plan, Some(pr))?);
    for p in super::write_html_gpkg(out, &pr.plan, Some(pr), &maps, None, &mut timings, progress)? {
        if !written.contains(&p) {
            written.push(p);
        }
    }
    timings.total_s = t0.elapsed().as_secs_f64();
    written.push(super::write_run_json(out, &pr.plan, &timings)?);
    Ok(written)
}
