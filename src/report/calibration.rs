//! Outputs of `fireplan calibrate`: `calibration.toml` (the model a scenario's
//! `[calibration]` reads, with the data it came from and the fit statistics),
//! `calibration.md` (the fit report), `calibration_records.csv` (every record's held-out
//! prediction), `calibration_excluded.csv` (rows left out, and why) and
//! `calibration_fit.svg` (observed against modelled, before and after).

use serde::Serialize;

use crate::calibrate::{Breakdown, Calibrated, ErrorStats};
use crate::error::{Error, Result};
use crate::load::{InputFile, Inputs};
use crate::model::RecordsFile;
use crate::params::calibration::CALIBRATION_FORMAT;
use crate::params::{ResponseModel, RoadGroup};
use crate::report::write::csv_error;

#[derive(Serialize)]
struct FileOut<'a> {
    format: u32,
    model: &'a ResponseModel,
    data: DataOut,
    fit: FitOut<'a>,
}

#[derive(Serialize)]
struct DataOut {
    scenario: String,
    records: String,
    records_sha256: String,
    /// Data rows of the records file.
    rows: usize,
    rejected: usize,
    set_aside: usize,
    used: usize,
    stations: Vec<String>,
}

#[derive(Serialize)]
struct FitOut<'a> {
    method: &'static str,
    held_out: String,
    threshold_s: f64,
    route_rounds: usize,
    pooled: &'a [String],
    before: StatsOut,
    after: StatsOut,
    in_sample: StatsOut,
    hour_bands: Vec<HourBandOut>,
}

#[derive(Serialize)]
struct StatsOut {
    n: usize,
    median_abs_error_s: f64,
    median_bias_s: f64,
    p90_abs_error_s: f64,
    spearman: f64,
    observed_within: f64,
    predicted_within: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_within: Option<f64>,
}

impl From<&ErrorStats> for StatsOut {
    fn from(s: &ErrorStats) -> Self {
        let r = |x: f64, d: f64| (x * d).round() / d;
        StatsOut {
            n: s.n,
            median_abs_error_s: r(s.median_abs_error_s, 10.0),
            median_bias_s: r(s.median_bias_s, 10.0),
            p90_abs_error_s: r(s.p90_abs_error_s, 10.0),
            spearman: r(s.spearman, 1e4),
            observed_within: r(s.observed_within, 1e4),
            predicted_within: r(s.predicted_within, 1e4),
            expected_within: s.expected_within.map(|x| r(x, 1e4)),
        }
    }
}

#[derive(Serialize)]
struct HourBandOut {
    band: &'static str,
    hours: String,
    n: usize,
    factor: f64,
}

/// Every output file of a calibration, by name.
pub fn files(
    cal: &Calibrated,
    records: &RecordsFile,
    records_file: &InputFile,
    inputs: &Inputs,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    Ok(vec![
        (
            "calibration.toml",
            calibration_toml(cal, records, records_file, inputs)?,
        ),
        (
            "calibration.md",
            report_md(cal, records, records_file, inputs).into_bytes(),
        ),
        (
            "calibration_records.csv",
            records_csv(cal, records, inputs)?,
        ),
        ("calibration_excluded.csv", excluded_csv(cal, records)?),
        ("calibration_fit.svg", fit_svg(cal).into_bytes()),
    ])
}

fn calibration_toml(
    cal: &Calibrated,
    records: &RecordsFile,
    records_file: &InputFile,
    inputs: &Inputs,
) -> Result<Vec<u8>> {
    let mut stations: Vec<String> = cal
        .observations
        .iter()
        .map(|o| inputs.stations[o.station].id.clone())
        .collect();
    stations.sort();
    stations.dedup();
    let out = FileOut {
        format: CALIBRATION_FORMAT,
        model: &cal.model,
        data: DataOut {
            scenario: inputs.scenario.path.display().to_string(),
            records: records_file.path.display().to_string(),
            records_sha256: records_file.sha256.clone(),
            rows: records.records.len() + records.rejected.len(),
            rejected: records.rejected.len(),
            set_aside: cal.set_aside.len(),
            used: cal.observations.len(),
            stations,
        },
        fit: FitOut {
            method: "median (L1) regression of response − access legs on free-flow seconds \
                     per road group, per-station pre-travel offsets, routes recomputed under \
                     the fitted factors; spread: binned median and MAD of log(observed / \
                     modelled) and the quantiles of the standardised residuals",
            held_out: format!("{}-fold by incident id", cal.folds),
            threshold_s: cal.threshold_s,
            route_rounds: cal.route_rounds,
            pooled: &cal.pooled,
            before: (&cal.before).into(),
            after: (&cal.after).into(),
            in_sample: (&cal.in_sample).into(),
            hour_bands: cal
                .hour_bands
                .iter()
                .map(|b| HourBandOut {
                    band: b.label,
                    hours: format!("{:02}-{:02}", b.hours.0, b.hours.1),
                    n: b.n,
                    factor: (b.factor * 1e4).round() / 1e4,
                })
                .collect(),
        },
    };
    let body = toml::to_string(&out).map_err(|e| Error::output("calibration.toml", e))?;
    let head = "# fireplan calibration: a response-time model fitted to incident records by \
                `fireplan calibrate`.\n\
                # Use it with `[calibration] file = \"calibration.toml\"` in a scenario, or \
                `--calibration FILE`.\n\
                # [model] is what runs read; [data] and [fit] say where it came from and how \
                well it predicts held-out records.\n\n";
    Ok(format!("{head}{body}").into_bytes())
}

fn records_csv(cal: &Calibrated, records: &RecordsFile, inputs: &Inputs) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "line",
        "id",
        "station",
        "pump_order",
        "hour",
        "fold",
        "main_road_group",
        "observed_s",
        "free_flow_s",
        "calibrated_s",
        "p_within_threshold",
    ])
    .map_err(csv_error)?;
    for r in &cal.results {
        let o = &cal.observations[r.observation];
        let rec = &records.records[o.record];
        w.write_record([
            rec.line.to_string(),
            rec.id.clone(),
            inputs.stations[o.station].id.clone(),
            rec.pump_order.map(|p| p.to_string()).unwrap_or_default(),
            rec.hour.map(|h| h.to_string()).unwrap_or_default(),
            o.fold.to_string(),
            o.route.main_group().as_str().to_string(),
            format!("{:.1}", r.observed_s),
            format!("{:.1}", r.free_flow_s),
            format!("{:.1}", r.calibrated_s),
            format!("{:.4}", r.p_within),
        ])
        .map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

fn excluded_csv(cal: &Calibrated, records: &RecordsFile) -> Result<Vec<u8>> {
    let mut rows: Vec<(u64, &str, &str, &str, &str)> = records
        .rejected
        .iter()
        .map(|r| {
            (
                r.line,
                r.id.as_str(),
                "rejected",
                r.field.as_str(),
                r.reason.as_str(),
            )
        })
        .chain(
            cal.set_aside
                .iter()
                .map(|s| (s.line, s.id.as_str(), "set aside", "", s.reason.as_str())),
        )
        .collect();
    rows.sort_by_key(|r| r.0);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["line", "id", "status", "field", "reason"])
        .map_err(csv_error)?;
    for (line, id, status, field, reason) in rows {
        w.write_record([&line.to_string(), id, status, field, reason])
            .map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

fn stats_rows(label: &str, s: &ErrorStats) -> String {
    format!(
        "| {label} | {} | {:.0} | {:+.0} | {:.0} | {:.2} | {} | {} | {} |\n",
        s.n,
        s.median_abs_error_s,
        s.median_bias_s,
        s.p90_abs_error_s,
        s.spearman,
        pct(s.observed_within),
        pct(s.predicted_within),
        s.expected_within.map(pct).unwrap_or_else(|| "—".into()),
    )
}

const STATS_HEAD: &str = "| model | records | median abs. error (s) | median bias (s) | p90 abs. error (s) | rank corr. | observed within | predicted within (median) | expected within (mean p) |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n";

fn breakdown_table(title: &str, rows: &[Breakdown]) -> String {
    let mut s = format!(
        "\n### {title}\n\n| | records | bias before (s) | bias after (s) | abs. error before (s) | abs. error after (s) | observed within | expected within |\n|---|--:|--:|--:|--:|--:|--:|--:|\n"
    );
    for b in rows {
        s.push_str(&format!(
            "| {} | {} | {:+.0} | {:+.0} | {:.0} | {:.0} | {} | {} |\n",
            b.label,
            b.after.n,
            b.before.median_bias_s,
            b.after.median_bias_s,
            b.before.median_abs_error_s,
            b.after.median_abs_error_s,
            pct(b.after.observed_within),
            b.after.expected_within.map(pct).unwrap_or_default(),
        ));
    }
    s
}

fn report_md(
    cal: &Calibrated,
    records: &RecordsFile,
    records_file: &InputFile,
    inputs: &Inputs,
) -> String {
    let m = &cal.model;
    let thr = cal.threshold_s;
    let r = &inputs.scenario.response;
    let mut s = format!(
        "# Response-time calibration — {}\n\n\
         Records: `{}` (sha256 `{}`), {} rows: {} used, {} set aside, {} rejected \
         (`calibration_excluded.csv` lists each with its line and reason). Times are measured \
         from **{}**.\n\n",
        inputs.scenario.name,
        records_file.path.display(),
        &records_file.sha256[..12.min(records_file.sha256.len())],
        records.records.len() + records.rejected.len(),
        cal.observations.len(),
        cal.set_aside.len(),
        records.rejected.len(),
        m.measured_from_text(),
    );
    s.push_str(&format!(
        "## How well it predicts records it was not fitted to\n\n\
         {}-fold check by incident: every record is predicted by a model fitted without its \
         fold. *Before* is fireplan's free-flow model (dispatch {:.0} s + turnout {:.0} s + \
         travel at the class speeds); *after* is the calibrated median. Threshold {thr:.0} s.\n\n{STATS_HEAD}{}{}{}\n",
        cal.folds,
        r.dispatch_s,
        r.turnout_s,
        stats_rows("free flow (before)", &cal.before),
        stats_rows("calibrated (after, held out)", &cal.after),
        stats_rows("calibrated (in sample, for comparison)", &cal.in_sample),
    ));
    s.push_str("![observed against modelled response, before and after](calibration_fit.svg)\n\n");
    s.push_str("## The fitted model\n\n| | value |\n|---|--:|\n");
    for g in RoadGroup::ALL {
        s.push_str(&format!(
            "| travel-time factor, {} | {:.3} |\n",
            g.as_str(),
            m.time_factors.get(g)
        ));
    }
    s.push_str(&format!(
        "| time before the wheels turn + per-trip constant (other stations) | {:.1} s |\n",
        m.pre_travel_s
    ));
    for (id, v) in &m.station_pre_travel_s {
        s.push_str(&format!("| … station {id} | {v:.1} s |\n"));
    }
    if let Some([p10, p50, p90]) = cal.observed_pre_travel_s {
        s.push_str(&format!(
            "| observed time before the wheels turn (p10 / p50 / p90) | {p10:.0} / {p50:.0} / {p90:.0} s |\n"
        ));
    }
    s.push_str(&format!(
        "\nRoutes were recomputed under the fitted factors in {} round(s); the round that fitted \
         best is kept.\n",
        cal.route_rounds
    ));
    for p in &cal.pooled {
        s.push_str(&format!("\n- {p}"));
    }
    if !cal.pooled.is_empty() {
        s.push('\n');
    }
    s.push_str(
        "\nSpread of log(observed / modelled) by modelled median (location = median, scale = \
         1.4826 × MAD):\n\n| modelled median (s) | location | scale |\n|--:|--:|--:|\n",
    );
    for p in &m.spread.points {
        s.push_str(&format!(
            "| {:.0} | {:+.3} | {:.3} |\n",
            p.median_s, p.location, p.scale
        ));
    }
    s.push_str(
        "\n## Is the probability honest?\n\nHeld-out records grouped by their predicted \
         probability of arriving within the threshold, against the share that did:\n\n\
         | predicted p | records | mean p | observed within |\n|---|--:|--:|--:|\n",
    );
    for b in &cal.reliability {
        s.push_str(&format!(
            "| {:.1}–{:.1} | {} | {:.2} | {:.2} |\n",
            b.p_from, b.p_to, b.n, b.mean_p, b.observed_within
        ));
    }
    s.push_str("\n## Residuals (held out)\n");
    s.push_str(&breakdown_table(
        "By road group the route mostly drives on",
        &cal.by_group,
    ));
    s.push_str(&breakdown_table("By station", &cal.by_station));
    if !cal.by_hour.is_empty() {
        s.push_str(&breakdown_table("By hour of the call", &cal.by_hour));
    }
    if !cal.hour_bands.is_empty() {
        s.push_str(
            "\nHour-band factors (median observed / modelled, all-day model, in sample): runs \
             use the all-day model; a factor above 1 says responses in that band are slower \
             than it predicts.\n\n\
             | band | hours | records | factor |\n|---|---|--:|--:|\n",
        );
        for b in &cal.hour_bands {
            s.push_str(&format!(
                "| {} | {:02}–{:02} | {} | {:.3} |\n",
                b.label, b.hours.0, b.hours.1, b.n, b.factor
            ));
        }
    }
    s.push_str(
        "\n## Using it\n\nAdd `[calibration] file = \"calibration.toml\"` to the scenario (or pass \
         `--calibration calibration.toml`): `run`, `check`, `simulate`, `optimize` and `sweep` \
         then route on the calibrated times, use the fitted time before the wheels turn instead \
         of `dispatch_s + turnout_s`, and report expected coverage (the mean probability of \
         arriving within the threshold) beside the coverage of the calibrated medians.\n",
    );
    s
}

/// Observed (y) against modelled (x) response: free flow in orange, held-out calibrated
/// in blue, the 1:1 line and the threshold on both axes.
fn fit_svg(cal: &Calibrated) -> String {
    let (w, h, left, bottom, top, right) = (720.0, 600.0, 70.0, 60.0, 50.0, 30.0);
    let max = cal
        .results
        .iter()
        .flat_map(|r| [r.observed_s, r.free_flow_s, r.calibrated_s])
        .fold(cal.threshold_s, f64::max);
    // A round axis end: the next multiple of 120 s.
    let end = (max / 120.0).ceil() * 120.0;
    let px = |t: f64| left + (w - left - right) * t / end;
    let py = |t: f64| h - bottom - (h - bottom - top) * t / end;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{left}\" y=\"22\" font-size=\"15\">Observed against modelled response, \
         {} held-out records</text>\n",
        cal.results.len()
    );
    let mut t = 0.0;
    while t <= end + 1e-9 {
        s.push_str(&format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#eee\"/>\n\
             <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#eee\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{t:.0}</text>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{t:.0}</text>\n",
            px(t),
            py(0.0),
            px(t),
            py(end),
            px(0.0),
            py(t),
            px(end),
            py(t),
            px(t),
            h - bottom + 16.0,
            left - 6.0,
            py(t) + 4.0
        ));
        t += 120.0;
    }
    s.push_str(&format!(
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#444\"/>\n\
         <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#444\"/>\n\
         <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n\
         <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#c00\" stroke-dasharray=\"2 3\"/>\n\
         <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#c00\" stroke-dasharray=\"2 3\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">modelled response (s)</text>\n\
         <text transform=\"translate(18 {:.1}) rotate(-90)\" text-anchor=\"middle\">observed response (s)</text>\n",
        px(0.0), py(0.0), px(end), py(0.0),
        px(0.0), py(0.0), px(0.0), py(end),
        px(0.0), py(0.0), px(end), py(end),
        px(cal.threshold_s), py(0.0), px(cal.threshold_s), py(end),
        px(0.0), py(cal.threshold_s), px(end), py(cal.threshold_s),
        (left + w - right) / 2.0, h - 18.0,
        (top + h - bottom) / 2.0,
    ));
    for r in &cal.results {
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.6\" fill=\"#e8831a\" fill-opacity=\"0.55\"/>\n",
            px(r.free_flow_s),
            py(r.observed_s)
        ));
    }
    for r in &cal.results {
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.6\" fill=\"#2b6cc4\" fill-opacity=\"0.7\"/>\n",
            px(r.calibrated_s),
            py(r.observed_s)
        ));
    }
    let lx = left + 16.0;
    s.push_str(&format!(
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"330\" height=\"62\" fill=\"white\" stroke=\"#ccc\"/>\n\
         <circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#e8831a\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\">free flow: median bias {:+.0} s, abs. error {:.0} s</text>\n\
         <circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#2b6cc4\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\">calibrated: median bias {:+.0} s, abs. error {:.0} s</text>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" fill=\"#555\">dashed: 1:1; red: the {:.0} s threshold</text>\n",
        lx - 8.0, top + 4.0,
        lx, top + 18.0, lx + 10.0, top + 22.0, cal.before.median_bias_s, cal.before.median_abs_error_s,
        lx, top + 36.0, lx + 10.0, top + 40.0, cal.after.median_bias_s, cal.after.median_abs_error_s,
        lx + 10.0, top + 58.0, cal.threshold_s,
    ));
    s.push_str("</svg>\n");
    s
}
