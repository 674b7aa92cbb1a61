//! `report.html`: one self-contained file (maps embedded as base64 PNG, style and a few
//! lines of script inline, no network access), rendered with `templates/report.html.j2`
//! from the view model of [`super::appendix`] — the same model `report.md` is rendered
//! from. Tables sort by a click on their header; the print CSS fits A4.

use std::fmt::Write;

use crate::error::Result;
use crate::report::write::{rows_left_out, REPORT_ROWS};
use crate::run::{PlanRunResult, RunResult};

use super::appendix;
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
pub(crate) fn code_spans(text: &str) -> String {
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

/// The report of a run as HTML (`run`: the variant reported, the plan's when `plan` is
/// given; `maps`: the PNG maps to embed), rendered from the view model of
/// [`super::appendix`] with `templates/report.html.j2`.
pub fn report_html(
    run: &RunResult,
    plan: Option<&PlanRunResult>,
    maps: &[(MapKind, Vec<u8>)],
    date: &str,
) -> Result<String> {
    let view = appendix::build(run, plan, maps, None, date, true)?;
    appendix::render_html(&view)
}

/// Seconds each report took to render and write.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportTimings {
    pub html_s: f64,
    pub md_s: f64,
}

/// Writes `report.html` and `report.md` into `out` from one view model: the HTML embeds
/// `maps` (the PNG bytes just drawn: never read back from the folder), the Markdown links
/// them. `sim`: the simulation, when the run was simulated. Returns the files written and
/// the seconds of each.
pub fn write_reports(
    out: &std::path::Path,
    run: &RunResult,
    plan: Option<&PlanRunResult>,
    maps: &[(MapKind, Vec<u8>)],
    sim: Option<appendix::Simulated>,
    date: &str,
) -> Result<(Vec<std::path::PathBuf>, ReportTimings)> {
    let t0 = std::time::Instant::now();
    let mut maps: Vec<(MapKind, Vec<u8>)> = maps.to_vec();
    maps.sort_by_key(|(k, _)| MapKind::ALL.iter().position(|a| a == k));
    let mut view = appendix::build(run, plan, &maps, sim, date, true)?;
    // The interactive map, when it is among this run's outputs (written beside the report).
    if out.join("map.html").is_file() {
        view.interactive_map = Some("map.html".to_string());
    }
    let html = appendix::render_html(&view)?;
    let p = out.join("report.html");
    super::write_atomic(&p, html.as_bytes())?;
    let html_s = t0.elapsed().as_secs_f64();
    let t1 = std::time::Instant::now();
    let md = appendix::render_md(&view)?;
    let m = out.join("report.md");
    super::write_atomic(&m, md.as_bytes())?;
    Ok((
        vec![p, m],
        ReportTimings {
            html_s,
            md_s: t1.elapsed().as_secs_f64(),
        },
    ))
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
