//! `report.html`: one self-contained file (maps embedded as base64 PNG, style and a few
//! lines of script inline, no network access) with the summary, the maps, per-district
//! and per-station tables, logistics reach, every target with its finding and source,
//! and the plan diff. Tables sort by a click on their header; print CSS keeps figures
//! and table rows whole when printing to PDF.

use std::fmt::Write;

use crate::error::Result;
use crate::model::target::Force;
use crate::plan::checks::Status;
use crate::report::write::{rows_left_out, REPORT_ROWS};
use crate::run::{PlanRunResult, RunResult};

use super::maps::MapKind;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

/// Standard base64 (RFC 4648) with padding.
pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut o = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for ch in bytes.chunks(3) {
        let b = [ch[0], *ch.get(1).unwrap_or(&0), *ch.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= ch.len() {
                o.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                o.push('=');
            }
        }
    }
    o
}

/// The note under a table cut at [`REPORT_ROWS`], in the report's language.
fn rows_left_out_html(
    left_out: usize,
    (what_zh, what_en): (&str, &str),
    file: &str,
    zh: bool,
) -> String {
    let text = if zh {
        format!("……{what_zh}另有 {left_out} 行未列出，全部见 `{file}`。")
    } else {
        rows_left_out(left_out, what_en, file)
    };
    format!("<p class=\"note\">{}</p>\n", code_spans(&esc(&text)))
}

/// Markdown's `code` spans as `<code>` elements (the notes share their words with
/// report.md, where the backticks are markup).
fn code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// A CSV (as the report writes it, as `file`) as a sortable HTML table of at most
/// [`REPORT_ROWS`] rows; `keep`: the columns to show (all when None). Rows whose `status`
/// is `fail` are marked.
pub fn csv_table(csv_bytes: &[u8], keep: Option<&[&str]>, file: &str, zh: bool) -> String {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(csv_bytes);
    let headers: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(_) => return String::new(),
    };
    let idx: Vec<usize> = match keep {
        Some(k) => k
            .iter()
            .filter_map(|c| headers.iter().position(|h| h == c))
            .collect(),
        None => (0..headers.len()).collect(),
    };
    let status = headers
        .iter()
        .position(|h| h == "status")
        .or_else(|| headers.iter().position(|h| h == "result"));
    let mut s = String::from("<div class=\"tw\"><table class=\"sortable\"><thead><tr>");
    for &i in &idx {
        let _ = write!(s, "<th>{}</th>", esc(&headers[i].replace('_', " ")));
    }
    s.push_str("</tr></thead><tbody>\n");
    let mut rows = 0;
    for rec in r.records().flatten() {
        rows += 1;
        if rows > REPORT_ROWS {
            continue;
        }
        let st = status.and_then(|i| rec.get(i)).unwrap_or("");
        let _ = write!(s, "<tr class=\"st-{}\">", esc(st));
        for &i in &idx {
            let v = rec.get(i).unwrap_or("");
            let num = v.parse::<f64>().is_ok();
            let long = v.chars().count() > 24;
            let _ = write!(
                s,
                "<td{}>{}</td>",
                if num {
                    " class=\"n\""
                } else if long {
                    " class=\"long\""
                } else {
                    ""
                },
                esc(v)
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    if rows > REPORT_ROWS {
        s.push_str(&rows_left_out_html(
            rows - REPORT_ROWS,
            ("", "rows"),
            file,
            zh,
        ));
    }
    s
}

const STYLE: &str = r#"
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #444;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#555}
.tw{overflow-x:auto}
table{border-collapse:collapse;font-size:.82em;margin:.6em 0 1.2em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
td{white-space:nowrap}td.long{white-space:normal;min-width:22em}
table.targets{table-layout:fixed;width:100%}table.targets td{white-space:normal;overflow-wrap:anywhere;min-width:0}
th{background:#eee;cursor:pointer;position:sticky;top:0;text-align:left}
th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.st-fail td{background:#fde0dc}tr.st-pass td:first-child{border-left:4px solid #1a9641}
tr.st-fail td:first-child{border-left:4px solid #d7191c}
tr.st-short td{background:#fff3d6}tr.st-short td:first-child{border-left:4px solid #e08214}
tr.st-advisory td:first-child{border-left:4px solid #8c8c8c}
tr.st-no-data td{color:#555}tr.st-no-data td:first-child{border-left:4px dashed #8c8c8c}
figure{margin:1em 0}figure img{width:100%;height:auto;border:1px solid #ccc}
figcaption{color:#555;font-size:.9em}
.gloss{color:#555;font-size:.92em}
.note{color:#555;font-style:italic}
.cards{display:flex;flex-wrap:wrap;gap:.6em}.card{border:1px solid #ccc;border-radius:4px;padding:.5em .8em;min-width:9em}
.card b{display:block;font-size:1.4em}
.ok{color:#1a7f37}.bad{color:#b00020}
@media print{
 body{max-width:none;margin:0;font-size:10pt}
 h2{break-before:auto;break-after:avoid}
 figure{break-inside:avoid;page-break-inside:avoid}
 figure img{max-height:24cm;width:auto;max-width:100%}
 tr,td,th{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}
 th{position:static}
 table{font-size:7.5pt}
 td{white-space:normal}
 td.long{min-width:0}
 .tw{overflow:visible}
 a{color:inherit;text-decoration:none}
}
@page{size:A4;margin:15mm}
"#;

const SCRIPT: &str = r#"
document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('th').forEach(function(th,i){
  th.addEventListener('click',function(){
   var asc=!th.classList.contains('asc');
   t.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc')});
   th.classList.add(asc?'asc':'desc');
   var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
   rows.sort(function(x,y){
    var a=x.cells[i].textContent,c=y.cells[i].textContent,na=parseFloat(a),nc=parseFloat(c);
    var r=(!isNaN(na)&&!isNaN(nc))?na-nc:a.localeCompare(c,'zh');
    return asc?r:-r});
   rows.forEach(function(r){b.appendChild(r)});
  });
 });
});
"#;

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |x| format!("{:.1} %", x * 100.0))
}

fn secs(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |t| format!("{t:.0} s"))
}

/// Why a set applies, in Chinese (the English reason is `SetChoice::why`).
fn set_reason_zh(c: &crate::params::targets::SetChoice, here: Option<&str>) -> String {
    let issuer = match &c.region_name {
        None => "国家标准，全国适用".to_string(),
        Some(n) => format!("由{n}发布"),
    };
    let place = match here {
        Some(h) => format!("本情景地区为{h}"),
        None => "本情景未指定地区".to_string(),
    };
    match (c.applied, c.as_goals, c.chosen) {
        (true, true, _) => {
            format!("{issuer}，{place}：在 [targets] use 中选用，其强制性指标按目标性指标核查")
        }
        (true, false, Some(true)) => format!("{issuer}；在 [targets] use 中选用"),
        (false, _, Some(false)) => format!("{issuer}；未列入 [targets] use"),
        _ => format!("{issuer}；{place}"),
    }
}

/// Which sets of targets were applied and why (DESIGN §6: scope follows the issuer).
fn sets_html(config: &crate::params::TargetConfig, zh: bool) -> String {
    let t = |a: &'static str, b: &'static str| if zh { a } else { b };
    let region = match &config.region {
        Some((key, name)) => format!(
            "{}{} ({key})",
            t("情景所在地区：", "The scenario's region: "),
            name
        ),
        None => t(
            "情景未指定地区（region）：只适用国家标准。",
            "The scenario names no region: the national standards apply only.",
        )
        .to_string(),
    };
    let mut s = format!(
        "<p>{}</p><table class=\"sets\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        esc(&region),
        t("指标集", "set"),
        t("适用", "applied"),
        t("理由", "why")
    );
    let here = config.region.as_ref().map(|r| r.1.as_str());
    for c in &config.set_choices {
        let applied = c.applied_label(zh);
        let why = if zh {
            set_reason_zh(c, here)
        } else {
            c.why.clone()
        };
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.set),
            applied,
            esc(&why)
        );
    }
    s.push_str("</tbody></table>\n");
    s
}

/// Every finding of every variant, with its measure and its source in one cell each
/// (narrow enough to print on A4); a target with more than [`REPORT_ROWS`] findings in a
/// variant lists that many, failures first, and a note under the table counts the rest.
pub fn targets_table(variants: &[(&str, &crate::plan::Checks)], zh: bool) -> String {
    use crate::model::target::fmt_measure;
    let mut s = String::from(
        "<div class=\"tw\"><table class=\"sortable targets\"><colgroup><col style=\"width:6%\"><col style=\"width:12%\"><col style=\"width:10%\"><col style=\"width:5%\"><col style=\"width:6%\"><col style=\"width:8%\"><col style=\"width:6%\"><col style=\"width:19%\"><col style=\"width:28%\"></colgroup><thead><tr><th>variant</th><th>target</th><th>subject</th><th>status</th><th>measured</th><th>required</th><th>force</th><th>finding</th><th>source</th></tr></thead><tbody>\n",
    );
    let mut notes = String::new();
    for (variant, checks) in variants {
        // A target's findings are contiguous (checks evaluate one target at a time).
        let mut listed: Vec<&crate::plan::Finding> = Vec::new();
        for of_one in checks.findings.chunk_by(|a, b| a.target == b.target) {
            let start = listed.len();
            listed.extend(of_one);
            if of_one.len() > REPORT_ROWS {
                listed[start..].sort_by_key(|f| match f.status {
                    Status::Fail => 0,
                    Status::NoData => 1,
                    Status::NotApplicable => 2,
                    Status::Pass => 3,
                });
                listed.truncate(start + REPORT_ROWS);
                let id = &of_one[0].target;
                let what_zh = format!("`{id}`（{variant}）的核查结果");
                let what_en = format!("findings of `{id}` ({variant})");
                let left_out = of_one.len() - REPORT_ROWS;
                let note = rows_left_out_html(left_out, (&what_zh, &what_en), "targets.csv", zh);
                notes.push_str(&note);
            }
        }
        for f in listed {
            // In the target's unit, as `check` and report.md print it (85.9 %, not 0.859).
            let measured = f
                .measured
                .map(|x| esc(&fmt_measure(f.metric, x)))
                .unwrap_or_default();
            let subject = if f.subject_name.is_empty() || f.subject_name == f.subject {
                esc(&f.subject)
            } else {
                format!("{} {}", esc(&f.subject), esc(&f.subject_name))
            };
            let _ = writeln!(
                s,
                "<tr class=\"st-{st}\"><td>{variant}</td><td>{id}</td><td>{subject}</td><td>{st}</td><td class=\"n\">{measured}</td><td class=\"n\">{cmp} {req}</td><td>{force}</td><td class=\"long\">{reason}</td><td class=\"long\"><b>{doc}</b>: 「{clause}」<br><span class=\"gloss\">{gloss}</span></td></tr>",
                st = match (f.status, f.force) {
                    (Status::Fail, Force::Goal) => "short",
                    (Status::Fail, Force::Advisory) => "advisory",
                    (s, _) => s.as_str(),
                },
                variant = esc(variant),
                id = esc(&f.target),
                cmp = esc(f.comparator.symbol()),
                req = esc(&fmt_measure(f.metric, f.required)),
                force = if zh { f.force.name_zh() } else { f.force.as_str() },
                reason = code_spans(&esc(&f.reason)),
                doc = esc(&f.source.citation()),
                clause = esc(&f.source.clause),
                gloss = esc(&f.source.gloss),
            );
        }
    }
    s.push_str("</tbody></table></div>\n");
    s.push_str(&notes);
    s
}

/// Map captions by kind: (zh, en).
fn caption(k: MapKind) -> (&'static str, &'static str) {
    match k {
        MapKind::Response => ("响应时间图", "Response-time map"),
        MapKind::FirstDue => ("消防站辖区图", "First-due areas"),
        MapKind::Supply => ("战勤保障可达范围图", "Logistics-support reach"),
        MapKind::Plan => ("规划方案对比图", "Plan versus baseline"),
        MapKind::Water => ("消防水源与供水缺口图", "Fire water sources and gaps"),
        MapKind::Drone => ("消防无人机覆盖图", "Drone reach"),
    }
}

/// The report. `run` is the variant reported (the plan's when `plan` is given); `maps`
/// are the PNG maps to embed.
pub fn report_html(
    run: &RunResult,
    plan: Option<&PlanRunResult>,
    maps: &[(MapKind, Vec<u8>)],
    date: &str,
) -> Result<String> {
    let sc = &run.inputs.scenario;
    let zh = sc.lang != "en";
    let t = |z: &'static str, e: &'static str| if zh { z } else { e };
    let mut s = String::new();
    let title = format!(
        "{} — {}",
        sc.name,
        t("消防站布局评估报告", "fire-station coverage report")
    );
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        if zh { "zh-CN" } else { "en" },
        esc(&title)
    );
    let _ = writeln!(s, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        s,
        "<p class=\"meta\">{} {} · fireplan {} · {}</p>",
        t("日期", "Date"),
        esc(date),
        env!("CARGO_PKG_VERSION"),
        esc(&sc.path.display().to_string())
    );
    if let Some(pr) = plan {
        let _ = writeln!(
            s,
            "<p class=\"meta\">{}: <b>{}</b> ({})</p>",
            t("规划方案", "Plan"),
            esc(&pr.plan_file.name),
            t(
                "以下数字为方案实施后；基准见方案对比一节",
                "figures below are with the plan; the baseline is in the plan section"
            )
        );
    }
    let model_note = match &sc.calibration {
        None => t(
            "响应时间模型：自由流（不计交通、信号和寻找地址，结果偏乐观）。可用 fireplan calibrate 以本队出警记录校准。",
            "Response-time model: free flow (no traffic, signals or search for the address: optimistic). Calibrate it to the brigade's incident records with fireplan calibrate.",
        )
        .to_string(),
        Some(c) => format!(
            "{} ({})",
            t(
                "响应时间模型：按本队出警记录校准；期望覆盖率 = 按警情加权的首车按时到达概率平均值",
                "Response-time model: calibrated to the brigade's incident records; expected coverage = demand-weighted mean probability that the first unit arrives in time",
            ),
            c.file.display()
        ),
    };
    let _ = writeln!(s, "<p class=\"meta\">{}</p>", esc(&model_note));
    // Summary.
    let m = &run.coverage.region;
    let thr = run.coverage.params.threshold_s;
    let counts = run.checks.counts();
    let (pass, fail, na) = (counts.pass, counts.fail, counts.not_applicable);
    let no_data = counts.no_data;
    let goals = run.checks.goal_shortfalls().count();
    let mand = run.checks.mandatory_failures().count();
    let _ = writeln!(
        s,
        "<h2 id=\"summary\">{}</h2><div class=\"cards\">",
        t("概要", "Summary")
    );
    let mut cards = vec![
        (
            format!("{} {:.0} s", t("警情覆盖", "Demand within"), thr),
            pct(m.demand_coverage),
        ),
        (
            t("道路覆盖", "Road coverage").to_string(),
            pct(m.road_coverage),
        ),
        (
            t("面积覆盖", "Area coverage").to_string(),
            pct(m.area_coverage),
        ),
        (
            t("第二出动覆盖", "Second-due coverage").to_string(),
            pct(m.second_due_coverage),
        ),
        ("P50".to_string(), secs(m.p50_s)),
        ("P90".to_string(), secs(m.p90_s)),
        (
            t("消防站", "Stations").to_string(),
            run.coverage.origins.len().to_string(),
        ),
        (
            t("警情点", "Demand points").to_string(),
            m.demand_points.to_string(),
        ),
    ];
    if let Some(e) = run.expected_demand_coverage() {
        cards.insert(
            1,
            (
                t("期望覆盖率", "Expected coverage").to_string(),
                pct(Some(e)),
            ),
        );
    }
    for (k, v) in cards {
        let _ = write!(s, "<div class=\"card\">{}<b>{}</b></div>", esc(&k), esc(&v));
    }
    let _ = writeln!(
        s,
        "</div><p>{}: {pass} {} · {fail} {} · {no_data} {} · {na} {}. <b class=\"{}\">{}</b> {goals} {}</p>",
        t("规划指标", "Targets"),
        t("通过", "pass"),
        t("未通过", "fail"),
        t("无数据", "no data"),
        t("不适用", "not applicable"),
        if mand == 0 { "ok" } else { "bad" },
        if mand == 0 {
            t("全部强制性指标均满足。", "Every mandatory target is met.").to_string()
        } else {
            format!(
                "{mand} {}",
                t(
                    "项强制性指标未满足。",
                    "failing findings of mandatory targets."
                )
            )
        },
        t(
            "项目标性指标尚有差距（不计为未满足）。",
            "goal shortfall(s), reported, not failures."
        )
    );
    s.push_str(&sets_html(&run.inputs.scenario.targets, zh));
    // Maps.
    if !maps.is_empty() {
        let _ = writeln!(s, "<h2 id=\"maps\">{}</h2>", t("地图", "Maps"));
        for (k, png) in maps {
            let (cz, ce) = caption(*k);
            let cap = if zh { cz } else { ce };
            let _ = writeln!(
                s,
                "<figure id=\"{}\"><img alt=\"{}\" src=\"data:image/png;base64,{}\"><figcaption>{}</figcaption></figure>",
                k.stem(),
                esc(cap),
                base64(png),
                esc(cap)
            );
        }
    }
    if !run.closures.is_empty() {
        let _ = writeln!(
            s,
            "<h2 id=\"closures\">{}</h2><p>{}</p>",
            t("道路封闭", "Road closures"),
            esc(&format!(
                "{} {:.0} s{}",
                t(
                    "以上数字均为封闭后的路网。失去覆盖的警情点：开放路网上",
                    "Figures above are on the network with these roads closed. Demand points losing coverage: within"
                ),
                thr,
                t(
                    "内可达、封闭后不可达（逐条及全部封闭；编号见 closures.csv）。",
                    " on the open network, not with the closure (each alone, then all together; ids in closures.csv)."
                )
            ))
        );
        s.push_str(&csv_table(
            &super::tables::closures_csv(run)?,
            Some(&[
                "closure",
                "source",
                "reason",
                "road_km_closed",
                "segments_closed",
                "demand_lost",
                "demand_weight_lost",
            ]),
            "closures.csv",
            zh,
        ));
    }
    // Tables.
    let _ = writeln!(
        s,
        "<h2 id=\"districts\">{}</h2>",
        t("各救援片区", "Per district")
    );
    s.push_str(&csv_table(
        &super::tables::districts_csv(run)?,
        None,
        "coverage_by_district.csv",
        zh,
    ));
    let _ = writeln!(
        s,
        "<h2 id=\"stations\">{}</h2>",
        t("各消防站", "Per station")
    );
    s.push_str(&csv_table(
        &super::tables::stations_csv(run)?,
        None,
        "stations.csv",
        zh,
    ));
    let risk_sites = super::sites::risk_site_rows(run);
    if !risk_sites.is_empty() {
        let _ = writeln!(
            s,
            "<h2 id=\"risk_sites\">{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            t("重点风险场所", "Special-risk sites"),
            t("场所", "site"),
            t("类型", "kind"),
            t("服务消防站", "serving station"),
            t("等级", "class"),
            t("最远道路点响应 s", "worst time s"),
            t("特勤站", "special station"),
        );
        for r in &risk_sites {
            let (station, class) = match &r.serving {
                Some((id, name, class)) => (format!("{id} {name}"), class.name_zh()),
                None => ("—".to_string(), "—"),
            };
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                esc(&r.name),
                r.kind_zh,
                r.kind,
                esc(&station),
                class,
                r.worst_s.map_or("—".to_string(), |v| format!("{v:.0}")),
                if r.at_nearest_road { "*" } else { "" },
                match r.special_check() {
                    Some(true) => t("达标", "pass"),
                    Some(false) => t("<b>不达标</b>", "<b>fail</b>"),
                    None => "—",
                },
            );
        }
        s.push_str("</table>\n");
    }
    if let Some(sup) = &run.supply {
        let _ = writeln!(
            s,
            "<h2 id=\"supply\">{}</h2>",
            t("战勤保障可达性", "Logistics reach")
        );
        for (name, bytes) in super::supply::output_files(sup, &run.inputs, &run.prepared.network)? {
            if name.ends_with(".csv") {
                let _ = writeln!(s, "<h3>{}</h3>", esc(name));
                s.push_str(&csv_table(&bytes, None, name, zh));
            }
        }
    }
    if let Some(w) = &run.water {
        let _ = writeln!(
            s,
            "<h2 id=\"water\">{}</h2><p>{}</p>",
            t("消防水源", "Fire water supply"),
            esc(&format!(
                "{} / {} {} ({}); {} {:.0} m; {} {:.0} m (GB 50974-2014 §7.2.5).",
                w.serviceable,
                w.sources,
                t("处水源完好", "water sources in service"),
                w.serviceable_share
                    .map_or("n/a".to_string(), |v| format!("{:.1} %", v * 100.0)),
                t(
                    "市政消火栓保护半径",
                    "hydrant protection radius along the roads"
                ),
                w.protection_radius_m,
                t("间距", "hydrant spacing"),
                w.hydrant_spacing_m
            ))
        );
        s.push_str(&csv_table(
            &super::water::water_by_district_csv(run, w)?,
            None,
            "water_by_district.csv",
            zh,
        ));
    }
    if run.inputs.villages.is_some() {
        let _ = writeln!(
            s,
            "<h2 id=\"villages\">{}</h2>",
            t(
                "行政村、社区的微型消防站和志愿消防队",
                "Villages and communities"
            )
        );
        s.push_str(&csv_table(
            &super::villages::villages_csv(run)?,
            None,
            "villages.csv",
            zh,
        ));
    }
    if run.drone.is_some() {
        let _ = writeln!(
            s,
            "<h2 id=\"drone\">{}</h2>",
            t("消防无人机可达范围", "Drone reach")
        );
        s.push_str(&csv_table(
            &super::villages::drone_reach_csv(run)?,
            None,
            "drone_reach.csv",
            zh,
        ));
    }
    // Targets: every finding with its source.
    let _ = writeln!(
        s,
        "<h2 id=\"targets\">{}</h2>",
        t("规划指标核查", "Targets")
    );
    let variants: Vec<(&str, &crate::plan::Checks)> = match plan {
        Some(pr) => vec![("baseline", &pr.baseline.checks), ("plan", &pr.plan.checks)],
        None => vec![("baseline", &run.checks)],
    };
    s.push_str(&targets_table(&variants, zh));
    // Plan diff.
    if let Some(pr) = plan {
        let _ = writeln!(
            s,
            "<h2 id=\"plan\">{}: {}</h2>",
            t("规划方案对比", "Plan versus baseline"),
            esc(&pr.plan_file.name)
        );
        if let Some(d) = &pr.plan_file.description {
            let _ = writeln!(s, "<p>{}</p>", esc(d));
        }
        let b = &pr.baseline.coverage.region;
        let _ = writeln!(
            s,
            "<p>{}: {} → {}; {}: {} → {}. {} {} ({:.1}), {} {} ({:.1}).</p>",
            t("警情覆盖", "Demand coverage"),
            pct(b.demand_coverage),
            pct(m.demand_coverage),
            t("道路覆盖", "road coverage"),
            pct(b.road_coverage),
            pct(m.road_coverage),
            pr.diff.gained_points,
            t("个警情点新增覆盖", "incidents gain coverage"),
            pr.diff.gained_weight,
            pr.diff.lost_points,
            t("个失去覆盖", "lose it"),
            pr.diff.lost_weight,
        );
        let _ = writeln!(s, "<h3>{}</h3>", t("方案变更", "Changes"));
        s.push_str(&csv_table(
            &super::plan::changes_csv(pr)?,
            None,
            "plan_changes.csv",
            zh,
        ));
        let _ = writeln!(s, "<h3>{}</h3>", t("基准与方案对比", "Baseline and plan"));
        s.push_str(&csv_table(
            &super::plan::comparison_csv(pr)?,
            None,
            "plan_comparison.csv",
            zh,
        ));
    }
    let _ = writeln!(
        s,
        "<p class=\"meta\">{}</p><script>{SCRIPT}</script></body></html>",
        if matches!(sc.network, crate::params::NetworkSource::Osm(_)) {
            "Road data © OpenStreetMap contributors."
        } else {
            ""
        }
    );
    Ok(s)
}

/// Writes `report.html` into `out`, embedding `maps` (the PNG bytes just drawn: never read
/// back from the folder).
pub fn write_report(
    out: &std::path::Path,
    run: &RunResult,
    plan: Option<&PlanRunResult>,
    maps: &[(MapKind, Vec<u8>)],
    date: &str,
) -> Result<std::path::PathBuf> {
    let mut maps: Vec<(MapKind, Vec<u8>)> = maps.to_vec();
    maps.sort_by_key(|(k, _)| MapKind::ALL.iter().position(|a| a == k));
    let html = report_html(run, plan, &maps, date)?;
    let p = out.join("report.html");
    super::write_atomic(&p, html.as_bytes())?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn csv_table_escapes_and_marks_failures() {
        let t = csv_table(
            b"target,status,reason\na<b,fail,x & y\nc,pass,1.5\n",
            None,
            "t.csv",
            false,
        );
        assert!(t.contains("<td>a&lt;b</td>"));
        assert!(t.contains("<tr class=\"st-fail\">"));
        assert!(t.contains("<td>x &amp; y</td>"));
        assert!(t.contains("<td class=\"n\">1.5</td>"));
    }
}
