//! The ranking report of a sweep: the best runs by a chosen metric, and the sensitivity of
//! each headline metric to each axis (the mean over the runs with each value of the axis,
//! and the range of those means). Writes `sweep_report.md` and `sweep_sensitivity.csv`.
//! (Plots per axis are not drawn yet.)

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rusqlite::types::Value as Sql;
use serde_json::Value;

use crate::error::Result;
use crate::report::write::{csv_error, write_atomic};
use crate::sweep::store::{cell, json_cell, Store, HEADLINE};

/// Lower is better for times and failure counts.
pub fn lower_is_better(metric: &str) -> bool {
    metric.ends_with("_s")
        || metric.contains("fail")
        || metric.contains("unreachable")
        || metric.contains("off_network")
}

/// One run as the report sees it: parameters (axis → shown value) and metrics.
struct Row {
    id: String,
    params: Vec<String>,
    metrics: BTreeMap<String, Value>,
}

fn shown(v: &Sql) -> String {
    match v {
        Sql::Null => "(base)".into(),
        Sql::Integer(i) => i.to_string(),
        Sql::Real(f) => f.to_string(),
        Sql::Text(t) => t.clone(),
        Sql::Blob(_) => "?".into(),
    }
}

/// Sensitivity rows: (axis, value, metric, mean, runs).
pub type Sensitivity = Vec<(String, String, String, f64, usize)>;

/// Writes `sweep_report.md` and `sweep_sensitivity.csv` into `dir`; returns the Markdown.
pub fn write(store: &Store, dir: &std::path::Path, metric: &str, top: usize) -> Result<String> {
    let axes = store.axes()?;
    let mut rows = Vec::new();
    let mut failed = 0;
    for r in store.rows()? {
        if !matches!(r.get("status"), Some(Sql::Text(s)) if s == "ok") {
            failed += 1;
            continue;
        }
        let metrics: BTreeMap<String, Value> = match r.get("metrics") {
            Some(Sql::Text(t)) => serde_json::from_str(t).unwrap_or_default(),
            _ => BTreeMap::new(),
        };
        rows.push(Row {
            id: match r.get("run_id") {
                Some(Sql::Text(t)) => t.clone(),
                _ => String::new(),
            },
            params: axes
                .iter()
                .map(|a| r.get(a).map(shown).unwrap_or_default())
                .collect(),
            metrics,
        });
    }
    let val = |r: &Row, m: &str| r.metrics.get(m).and_then(Value::as_f64);
    let name = store.meta("sweep_name")?.unwrap_or_default();
    let mut md = String::new();
    let _ = writeln!(md, "# Sweep {name}\n");
    let _ = writeln!(
        md,
        "{} runs finished, {failed} failed. Ranking by `{metric}` ({}).\n",
        rows.len(),
        if lower_is_better(metric) {
            "lower is better"
        } else {
            "higher is better"
        }
    );
    let mut ranked: Vec<&Row> = rows.iter().filter(|r| val(r, metric).is_some()).collect();
    ranked.sort_by(|a, b| {
        let (x, y) = (val(a, metric).unwrap_or(0.0), val(b, metric).unwrap_or(0.0));
        let o = if lower_is_better(metric) {
            x.total_cmp(&y)
        } else {
            y.total_cmp(&x)
        };
        o.then_with(|| a.id.cmp(&b.id))
    });
    let _ = writeln!(md, "## Best runs\n");
    let _ = writeln!(
        md,
        "| rank | run | {} | {metric} | demand | road | area |",
        axes.join(" | ")
    );
    let _ = writeln!(md, "|{}", "---|".repeat(axes.len() + 6));
    let f = |x: Option<f64>| x.map(|x| format!("{x:.4}")).unwrap_or_default();
    for (i, r) in ranked.iter().take(top).enumerate() {
        let _ = writeln!(
            md,
            "| {} | `{}` | {} | {} | {} | {} | {} |",
            i + 1,
            r.id,
            r.params.join(" | "),
            f(val(r, metric)),
            f(val(r, "demand_coverage")),
            f(val(r, "road_coverage")),
            f(val(r, "area_coverage"))
        );
    }
    // Sensitivity: per axis, per value, the mean of each headline metric.
    let mut metrics: Vec<String> = HEADLINE.iter().map(|h| h.1.to_string()).collect();
    if !metrics.iter().any(|m| m == metric) {
        metrics.insert(0, metric.to_string());
    }
    let mut sens: Sensitivity = Vec::new();
    let _ = writeln!(md, "\n## Sensitivity to each axis\n");
    let _ = writeln!(
        md,
        "Mean over the runs with each value of the axis; *range* = largest − smallest mean.\n"
    );
    remove_axis_charts(dir);
    for (ai, axis) in axes.iter().enumerate() {
        let mut values: Vec<String> = Vec::new();
        for r in &rows {
            if !values.contains(&r.params[ai]) {
                values.push(r.params[ai].clone());
            }
        }
        let _ = writeln!(md, "### {axis}\n");
        let _ = writeln!(md, "| {axis} | runs | {} |", metrics.join(" | "));
        let _ = writeln!(md, "|{}", "---|".repeat(metrics.len() + 2));
        let mut means: Vec<Vec<Option<f64>>> = Vec::new();
        for v in &values {
            let sel: Vec<&Row> = rows.iter().filter(|r| &r.params[ai] == v).collect();
            let row_means: Vec<Option<f64>> = metrics
                .iter()
                .map(|m| {
                    let xs: Vec<f64> = sel.iter().filter_map(|r| val(r, m)).collect();
                    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
                })
                .collect();
            for (m, x) in metrics.iter().zip(&row_means) {
                if let Some(x) = x {
                    sens.push((axis.clone(), v.clone(), m.clone(), *x, sel.len()));
                }
            }
            let _ = writeln!(
                md,
                "| {v} | {} | {} |",
                sel.len(),
                row_means
                    .iter()
                    .map(|x| f(*x))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
            means.push(row_means);
        }
        let range: Vec<Option<f64>> = (0..metrics.len())
            .map(|j| {
                let xs: Vec<f64> = means.iter().filter_map(|r| r[j]).collect();
                (!xs.is_empty()).then(|| {
                    xs.iter().cloned().fold(f64::MIN, f64::max)
                        - xs.iter().cloned().fold(f64::MAX, f64::min)
                })
            })
            .collect();
        let _ = writeln!(
            md,
            "| *range* | | {} |\n",
            range.iter().map(|x| f(*x)).collect::<Vec<_>>().join(" | ")
        );
        // One plot per axis: the ranking metric's mean for each value of the axis.
        let j = metrics.iter().position(|m| m == metric).unwrap_or(0);
        let bars: Vec<(String, Option<f64>)> = values
            .iter()
            .zip(&means)
            .map(|(v, row)| (v.clone(), row[j]))
            .collect();
        let file = format!("sweep_axis_{}.svg", ai + 1);
        write_atomic(
            &dir.join(&file),
            axis_plot_svg(axis, metric, &bars).as_bytes(),
        )?;
        let _ = writeln!(md, "![{metric} by {axis}]({file})\n");
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = csv_error;
    w.write_record(["axis", "value", "metric", "mean", "runs"])
        .map_err(csv_err)?;
    for (a, v, m, x, n) in &sens {
        w.write_record([a.as_str(), v, m, &x.to_string(), &n.to_string()])
            .map_err(csv_err)?;
    }
    let csv_bytes = w.into_inner().map_err(csv_error)?;
    write_atomic(&dir.join("sweep_sensitivity.csv"), &csv_bytes)?;
    write_atomic(&dir.join("sweep_report.md"), md.as_bytes())?;
    Ok(md)
}

/// Removes the axis charts of an earlier export (a `--restart` with fewer axes would leave
/// them beside the new report).
fn remove_axis_charts(dir: &std::path::Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("sweep_axis_") && name.ends_with(".svg") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Writes `results.csv`, `sweep_report.md` and `sweep_sensitivity.csv` for the store in `dir`.
pub fn export(dir: &std::path::Path, metric: &str) -> Result<()> {
    let store = Store::open(dir)?;
    let out = if dir.is_dir() {
        dir.to_path_buf()
    } else {
        dir.parent()
            .unwrap_or(std::path::Path::new("."))
            .to_path_buf()
    };
    write_atomic(&out.join("results.csv"), &results_csv(&store)?)?;
    write(&store, &out, metric, 10)?;
    Ok(())
}

/// The "one plot per axis" of the ranking report: `metric`'s mean for each value of one axis.
pub fn axis_plot_svg(axis: &str, metric: &str, bars: &[(String, Option<f64>)]) -> String {
    crate::report::chart::bar_chart_svg(&format!("{metric} by {axis}"), bars)
}

/// `results.csv`: one row per run in run order — `run_id`, `run_index`, the axes,
/// `status`, `error`, then every metric (the headline figures first, then all others by
/// name), `elapsed_s`.
pub fn results_csv(store: &Store) -> Result<Vec<u8>> {
    let axes = store.axes()?;
    let rows = store.rows()?;
    let metrics: Vec<BTreeMap<String, Value>> = rows
        .iter()
        .map(|r| match r.get("metrics") {
            Some(Sql::Text(t)) => serde_json::from_str(t).unwrap_or_default(),
            _ => BTreeMap::new(),
        })
        .collect();
    let head_keys: Vec<&str> = HEADLINE.iter().map(|h| h.1).collect();
    let mut others: BTreeSet<&String> = BTreeSet::new();
    for m in &metrics {
        others.extend(m.keys().filter(|k| !head_keys.contains(&k.as_str())));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = csv_error;
    let mut header: Vec<String> = vec!["run_id".into(), "run_index".into()];
    header.extend(axes.iter().cloned());
    header.extend(["status".into(), "error".into()]);
    header.extend(head_keys.iter().map(|k| k.to_string()));
    header.extend(others.iter().map(|k| k.to_string()));
    header.push("elapsed_s".into());
    w.write_record(&header).map_err(csv_err)?;
    for (r, m) in rows.iter().zip(&metrics) {
        let get = |c: &str| r.get(c).map(cell).unwrap_or_default();
        let mut rec = vec![get("run_id"), get("run_index")];
        rec.extend(axes.iter().map(|a| get(a)));
        rec.extend([get("status"), get("error")]);
        rec.extend(
            head_keys
                .iter()
                .map(|k| m.get(*k).map(json_cell).unwrap_or_default()),
        );
        rec.extend(
            others
                .iter()
                .map(|k| m.get(*k).map(json_cell).unwrap_or_default()),
        );
        rec.push(get("elapsed_s"));
        w.write_record(&rec).map_err(csv_err)?;
    }
    w.into_inner().map_err(csv_error)
}
