//! Maps and report.html on the small hand-computed plan fixture (tests/data/plan): SVG
//! layers, legend entries, station count and labels (Chinese included), PNG size and
//! content, `--lang en`, every target id in report.html.

mod common;

use std::path::Path;

use common::{data, fireplan};

/// The content of `<g id="layer-NAME">…</g>`.
fn layer<'a>(svg: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<g id=\"layer-{name}\">");
    let i = svg.find(&open)? + open.len();
    let j = svg[i..].find("</g>\n")?;
    Some(&svg[i..i + j])
}

/// Texts of the `<text>` elements of a piece of SVG.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let a = t.find('>')? + 1;
            let b = t.find("</text>")?;
            Some(
                t[a..b]
                    .trim()
                    .replace("&gt;", ">")
                    .replace("&lt;", "<")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

fn elements(svg: &str) -> usize {
    svg.matches("<polygon").count() + svg.matches("<circle").count()
}

/// Width, height and share of non-white pixels of a PNG.
fn png_stats(p: &Path) -> (u32, u32, f64, usize) {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(p).unwrap()));
    let mut r = dec.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).unwrap();
    let ch = info.color_type.samples();
    let px = &buf[..info.buffer_size()];
    let n = px.len() / ch;
    let mut colours = std::collections::HashSet::new();
    let non_white = px
        .chunks(ch)
        .filter(|c| {
            colours.insert(c[..3].to_vec());
            c[..3] != [255, 255, 255]
        })
        .count();
    (
        info.width,
        info.height,
        non_white as f64 / n as f64,
        colours.len(),
    )
}

fn render(out: &Path, extra: &[&str]) {
    let st = fireplan()
        .args(["map", "-q", "--no-cache", "--width", "1200", "--plan"])
        .arg(data("plan/plan_add_east.toml"))
        .arg("--out")
        .arg(out)
        .args(extra)
        .arg(data("plan/scenario_s2_closed.toml"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
}

#[test]
fn map_command_draws_every_map_with_frame_legend_and_labels() {
    let out = tempfile::tempdir().unwrap();
    render(out.path(), &[]);
    for stem in ["map_response", "map_first_due", "map_supply", "map_plan"] {
        let svg = std::fs::read_to_string(out.path().join(format!("{stem}.svg"))).unwrap();
        for l in [
            "title",
            "legend",
            "scale-bar",
            "north-arrow",
            "districts",
            "frame",
        ] {
            assert!(layer(&svg, l).is_some(), "{stem}: no layer {l}");
        }
        let title = texts(layer(&svg, "title").unwrap());
        assert!(
            title.iter().any(|t| t.contains("plan fixture")),
            "{stem}: {title:?}"
        );
        assert!(
            title.iter().any(|t| t.contains("20")),
            "{stem}: no date in {title:?}"
        );
        // Not OSM data: no OSM attribution.
        assert!(!svg.contains("OpenStreetMap"));
        let (w, h, ink, colours) = png_stats(&out.path().join(format!("{stem}.png")));
        assert_eq!(w, 1200, "{stem}");
        assert!(h > 600, "{stem}: {h}");
        assert!(ink > 0.05, "{stem}: only {ink} of the pixels drawn");
        assert!(colours > 20, "{stem}: {colours} colours");
    }
    let svg = std::fs::read_to_string(out.path().join("map_response.svg")).unwrap();
    let legend = texts(layer(&svg, "legend").unwrap());
    // The bands follow the fixture's 150 s threshold: the whole minute at 60 % of it, the
    // threshold, the 8-minute second-due threshold.
    for want in [
        "图例",
        "≤ 1 分钟",
        "1–2.5 分钟",
        "2.5–8 分钟",
        "> 8 分钟",
        "不可达",
        "一级站",
        "二级站",
        "战勤保障站",
    ] {
        assert!(
            legend.iter().any(|t| t == want),
            "legend lacks {want}: {legend:?}"
        );
    }
    // S1 (class1), S3 (class2, added by the plan) and the logistics station L1; S2 is closed.
    assert_eq!(elements(layer(&svg, "stations").unwrap()), 3);
    let labels = texts(layer(&svg, "station-labels").unwrap());
    assert!(labels.iter().any(|t| t == "西站"), "{labels:?}");
    let names = texts(layer(&svg, "district-names").unwrap());
    assert!(names.iter().any(|t| t == "西区"), "{names:?}");
    assert!(
        svg.contains("WenQuanYi Micro Hei"),
        "SVG names a CJK font-family list"
    );
    assert!(layer(&svg, "roads").is_some_and(|r| r.contains("<polyline") || r.contains("<path")));
    // First-due map: one area per responding station, labelled with its km².
    let fd = std::fs::read_to_string(out.path().join("map_first_due.svg")).unwrap();
    let labels = texts(layer(&fd, "labels").unwrap());
    assert_eq!(
        labels.iter().filter(|t| t.ends_with("km²")).count(),
        2,
        "{labels:?}"
    );
    // Plan map: the new station, labelled.
    let pm = std::fs::read_to_string(out.path().join("map_plan.svg")).unwrap();
    let legend = texts(layer(&pm, "legend").unwrap());
    assert!(legend.iter().any(|t| t == "新建站点"), "{legend:?}");
    assert!(
        legend.iter().any(|t| t.starts_with("新增覆盖的警情点")),
        "{legend:?}"
    );
    // Supply map: the county depot.
    let sm = std::fs::read_to_string(out.path().join("map_supply.svg")).unwrap();
    let legend = texts(layer(&sm, "legend").unwrap());
    assert!(legend.iter().any(|t| t == "县级保障点"), "{legend:?}");
}

#[test]
fn map_command_english_labels_one_kind() {
    let out = tempfile::tempdir().unwrap();
    render(out.path(), &["--kind", "response", "--lang", "en"]);
    assert!(!out.path().join("map_first_due.svg").exists());
    let svg = std::fs::read_to_string(out.path().join("map_response.svg")).unwrap();
    let legend = texts(layer(&svg, "legend").unwrap());
    for want in [
        "Legend",
        "≤ 1 min",
        "> 8 min",
        "unreachable",
        "Class-1 station",
    ] {
        assert!(
            legend.iter().any(|t| t == want),
            "legend lacks {want}: {legend:?}"
        );
    }
    let title = texts(layer(&svg, "title").unwrap());
    assert!(title.iter().any(|t| t == "Response time map"), "{title:?}");
    // English station labels are the ids.
    let labels = texts(layer(&svg, "station-labels").unwrap());
    assert!(labels.iter().any(|t| t == "S1"), "{labels:?}");
}

/// `SOURCE_DATE_EPOCH` (seconds since the epoch, the reproducible-builds convention) fixes
/// the date in the subtitle, so that map outputs compare byte for byte across days.
#[test]
fn source_date_epoch_fixes_the_map_date() {
    let out = tempfile::tempdir().unwrap();
    // 2025-11-29 15:59:59 UTC: the day, not the instant, is printed — the day in
    // Shanghai, the zone of a Chinese scenario (23:59:59 there).
    let st = fireplan()
        .env("SOURCE_DATE_EPOCH", "1764431999")
        .args([
            "map",
            "-q",
            "--no-cache",
            "--width",
            "600",
            "--kind",
            "response",
        ])
        .arg("--out")
        .arg(out.path())
        .arg(data("plan/scenario_s2_closed.toml"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let svg = std::fs::read_to_string(out.path().join("map_response.svg")).unwrap();
    let title = texts(layer(&svg, "title").unwrap());
    assert!(
        title.iter().any(|t| t.ends_with("· 2025-11-29")),
        "{title:?}"
    );
}

#[test]
fn run_with_plan_writes_self_contained_report_html() {
    let out = tempfile::tempdir().unwrap();
    let st = fireplan()
        .args(["run", "-q", "--no-cache", "--plan"])
        .arg(data("plan/plan_add_east.toml"))
        .arg("--out")
        .arg(out.path())
        .arg(data("plan/scenario_s2_closed.toml"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    // Every target id of targets.csv.
    let mut r = csv::Reader::from_path(out.path().join("targets.csv")).unwrap();
    let ids: std::collections::BTreeSet<String> =
        r.records().map(|x| x.unwrap()[1].to_string()).collect();
    assert!(!ids.is_empty());
    for id in &ids {
        assert!(
            html.contains(&format!("<td>{id}</td>")),
            "report.html lacks target {id}"
        );
    }
    // Maps embedded, nothing fetched from the network.
    for stem in ["map_response", "map_first_due", "map_supply", "map_plan"] {
        assert!(
            html.contains(&format!("<figure id=\"{stem}\"><img")),
            "{stem}"
        );
        assert!(out.path().join(format!("{stem}.png")).exists());
    }
    assert!(html.contains("data:image/png;base64,"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(html.contains("@media print"));
    assert!(html.contains("class=\"sortable\""));
    // Summary, tables, logistics reach, plan diff.
    for want in [
        "id=\"summary\"",
        "id=\"districts\"",
        "id=\"stations\"",
        "id=\"supply\"",
        "id=\"targets\"",
        "id=\"plan\"",
        "a station at n3",
        "西区",
    ] {
        assert!(html.contains(want), "report.html lacks {want}");
    }
    // The baseline has its own report, without the plan map.
    let base = std::fs::read_to_string(out.path().join("baseline/report.html")).unwrap();
    assert!(!base.contains("map_plan"));
    assert!(out.path().join("fireplan.gpkg").exists());
}

#[test]
fn map_command_refuses_an_unreadable_font() {
    let out = tempfile::tempdir().unwrap();
    let o = fireplan()
        .args([
            "map",
            "-q",
            "--no-cache",
            "--kind",
            "response",
            "--width",
            "600",
            "--font",
        ])
        .arg(data("plan/scenario.toml")) // not a font
        .arg("--out")
        .arg(out.path())
        .arg(data("plan/scenario.toml"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--font") && err.contains("scenario.toml"),
        "{err}"
    );
}

#[test]
fn maps_of_osm_data_carry_the_attribution() {
    let out = tempfile::tempdir().unwrap();
    let st = fireplan()
        .args(["map", "-q", "--no-cache", "--width", "800", "--out"])
        .arg(out.path())
        .arg(data("maps/osm.toml"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    // No depots, no plan: response and first-due maps only.
    assert!(!out.path().join("map_supply.svg").exists());
    assert!(!out.path().join("map_plan.svg").exists());
    for stem in ["map_response", "map_first_due"] {
        let svg = std::fs::read_to_string(out.path().join(format!("{stem}.svg"))).unwrap();
        let attr = texts(layer(&svg, "attribution").unwrap());
        assert!(
            attr.iter()
                .any(|t| t.contains("© OpenStreetMap contributors")),
            "{stem}: {attr:?}"
        );
        // The scenario's lang = "en".
        let legend = texts(layer(&svg, "legend").unwrap());
        assert!(legend.iter().any(|t| t == "Legend"), "{stem}: {legend:?}");
        assert_eq!(png_stats(&out.path().join(format!("{stem}.png"))).0, 800);
    }
}

/// Regression (issue 20, D5): `report.html` embedded whatever `map_*.png` lay in the folder
/// when it was written, so two runs into one folder could mix one run's tables with the
/// other's maps. The report now embeds the bytes it is given (the maps just drawn).
#[test]
fn report_html_embeds_the_maps_drawn_not_the_files_found() {
    use fireplan::report::{html, maps::MapKind};
    let scenario = fireplan::params::Scenario::load(&data("cli/scenario.toml")).unwrap();
    let run = fireplan::run::run(&scenario, &common::quiet()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("map_response.png"), b"a map of another run").unwrap();
    let drawn = b"the map of this run".to_vec();
    let (files, _) = html::write_reports(
        dir.path(),
        &run,
        None,
        &[(MapKind::Response, drawn.clone())],
        None,
        "2026-11-30",
    )
    .unwrap();
    let page = std::fs::read_to_string(&files[0]).unwrap();
    assert!(page.contains(&html::base64(&drawn)));
    assert!(!page.contains(&html::base64(b"a map of another run")));
}

/// Lines drawn in a piece of SVG: one per `<polyline>` (a road piece drawn on its own) and
/// one per subpath of a `<path>` (an aggregated road layer's lines).
fn lines(svg: &str) -> usize {
    svg.matches("<polyline").count()
        + svg
            .split("<path")
            .skip(1)
            .map(|p| {
                p.split(" d=\"")
                    .nth(1)
                    .map_or(0, |d| d.matches('M').count())
            })
            .sum::<usize>()
}

/// Issue 18: a generated 3x3 province (264 k graph nodes) draws its dense road layers
/// aggregated by zoom: at most one line per 32 px of the page in each road layer of the
/// response and supply maps (177 k on A4 width; 121 k, 47 k and 49 k drawn), where one
/// path per segment was 315 k, 299 k and 552 k, and each SVG under 3 bytes a pixel (one
/// path per segment: 32 MB and 83 MB). Needs ../shared/data (skipped with a message when
/// it is absent).
#[test]
fn province_maps_draw_a_bounded_number_of_road_lines() {
    if common::shared("").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let prov = dir.path().join("prov");
    let st = fireplan()
        .current_dir(common::root())
        .args(["gen-province", "--quiet", "--grid", "3x3", "--out"])
        .arg(&prov)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let out = dir.path().join("maps");
    let st = fireplan()
        .args([
            "map",
            "-q",
            "--no-cache",
            "--kind",
            "response",
            "--kind",
            "supply",
        ])
        .arg("--out")
        .arg(&out)
        .arg(prov.join("scenario.toml"))
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    for (stem, layers) in [
        ("map_response", &["roads"][..]),
        ("map_supply", &["roads", "reach"][..]),
    ] {
        let svg = std::fs::read_to_string(out.join(format!("{stem}.svg"))).unwrap();
        let (w, h, ..) = png_stats(&out.join(format!("{stem}.png")));
        // Aggregated layers: one line per 32 px of the page. Drawn exactly (the supply
        // map's grey roads on the A4 portrait page, 299 k pieces), a layer stays under two
        // pieces per cell it inks, the aggregation rule: one line per 16 px of the page.
        let bound = if stem == "map_response" {
            (w * h / 32) as usize
        } else {
            (w * h / 16) as usize
        };
        for l in layers {
            let body = layer(&svg, l).unwrap_or_else(|| panic!("{stem}: no layer {l}"));
            let n = lines(body);
            // Aggregated: one `<path>` per colour of a tier, square ends. (On the A4
            // portrait page the supply map's grey roads fit drawn exactly; the bound holds.)
            if stem == "map_response" {
                assert!(
                    body.contains("stroke-linecap=\"square\""),
                    "{stem} {l}: not aggregated"
                );
            }
            assert!(n <= bound, "{stem} {l}: {n} lines > {bound}");
            assert!(n > 1000, "{stem} {l}: {n} lines");
        }
        assert!(
            svg.len() < 3 * (w * h) as usize,
            "{stem}: {} bytes for {w} × {h} px",
            svg.len()
        );
    }
}

/// `[map]`: bands given (the threshold added), an A3 landscape page at 300 dpi (PNG size
/// and `pHYs`, PDF page size), the date in the scenario's time zone.
#[test]
fn map_section_sets_bands_page_and_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(data("plan")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    let text = std::fs::read_to_string(dir.path().join("scenario_s2_closed.toml")).unwrap();
    let scenario = dir.path().join("a3.toml");
    std::fs::write(
        &scenario,
        format!(
            "{text}[map]\nbands_s = [120, 300]\npage = \"A3-landscape\"\ntimezone = \"America/New_York\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let st = fireplan()
        .args(["map", "-q", "--no-cache", "--kind", "response", "--out"])
        .arg(&out)
        .arg(&scenario)
        // 2025-11-29 03:00 UTC: still the 28th in New York.
        .env("SOURCE_DATE_EPOCH", "1764385200")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let svg = std::fs::read_to_string(out.join("map_response.svg")).unwrap();
    let legend = texts(layer(&svg, "legend").unwrap());
    let bands: Vec<&String> = legend.iter().filter(|t| t.contains("分钟")).collect();
    assert_eq!(
        bands[..4],
        ["≤ 2 分钟", "2–2.5 分钟", "2.5–5 分钟", "> 5 分钟"],
        "{legend:?}"
    );
    let title = texts(layer(&svg, "title").unwrap());
    assert!(title.iter().any(|t| t.ends_with("2025-11-28")), "{title:?}");
    // Late roads are orange to red, never green: 150–300 s is the first late band.
    let roads = layer(&svg, "roads").unwrap();
    assert!(
        roads.contains("#FDAE61") && !roads.contains("#66BD63"),
        "road colours"
    );
    // A3 landscape at 300 dpi: 420 × 297 mm.
    let f = std::fs::File::open(out.join("map_response.png")).unwrap();
    let reader = png::Decoder::new(std::io::BufReader::new(f))
        .read_info()
        .unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (4961, 3508));
    let dims = info.pixel_dims.unwrap();
    assert_eq!((dims.xppu, dims.unit), (11812, png::Unit::Meter));
    let pdf = std::fs::read(out.join("map_response.pdf")).unwrap();
    let pdf = String::from_utf8_lossy(&pdf);
    let mediabox: Vec<f64> = pdf
        .split("/MediaBox [")
        .nth(1)
        .and_then(|s| s.split(']').next())
        .unwrap()
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    assert!(
        (mediabox[2] - 1190.55).abs() < 0.5 && (mediabox[3] - 841.89).abs() < 0.5,
        "{mediabox:?}"
    );
}
