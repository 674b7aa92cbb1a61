//! `map.html`, the offline interactive map (issue 17): the data it holds (every layer,
//! feature counts equal to the GeoJSON outputs', roads fitted into their budget, no URL a
//! browser would fetch) and, in headless Chromium with the network off, that the page
//! loads with no errors and draws every layer.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{fireplan, read_json, root};
use fireplan::report::maps::Lang;
use fireplan::report::webmap;
use serde_json::Value;

/// The demo plan run (`out/map.html`: the plan with its changes; `out/baseline/map.html`:
/// what `fireplan run` writes), made once for every test of this file.
fn demo_plan_run() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let result = fireplan()
            .current_dir(root())
            .args([
                "run",
                "scenarios/demo.toml",
                "--plan",
                "scenarios/demo_plan.toml",
            ])
            .arg("--out")
            .arg(&out)
            .args(["--quiet"])
            .env("FIREPLAN_CACHE_DIR", tmp.path().join("cache"))
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        tmp
    })
    .path()
}

fn out() -> PathBuf {
    demo_plan_run().join("out")
}

/// The data object map.html embeds.
fn map_data(html: &str) -> Value {
    let start = "window.FIREPLAN_MAP = ";
    let i = html.find(start).expect("map data") + start.len();
    let j = i + html[i..].find(";\n</script>").expect("end of map data");
    serde_json::from_str(&html[i..j]).unwrap()
}

fn features_in(geojson: &Path) -> usize {
    read_json(geojson)["features"].as_array().unwrap().len()
}

fn layer<'a>(data: &'a Value, key: &str) -> Option<&'a Value> {
    data["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == key)
}

fn count(data: &Value, key: &str) -> usize {
    layer(data, key).unwrap()["features"]
        .as_array()
        .unwrap()
        .len()
}

/// Features (and road lines) of every layer: what the page should draw.
fn total_features(data: &Value) -> usize {
    data["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["features"].as_array().unwrap().len() + l["lines"].as_array().unwrap().len())
        .sum()
}

/// Every `http://` or `https://` URL in the page.
fn urls(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for scheme in ["http://", "https://"] {
        let mut rest = html;
        while let Some(i) = rest.find(scheme) {
            let url: String = rest[i..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !"\"'<>)\\".contains(*c))
                .collect();
            rest = &rest[i + url.len()..];
            found.push(url);
        }
    }
    found
}

#[test]
fn run_map_holds_every_layer_with_the_geojson_outputs_feature_counts() {
    let dir = out().join("baseline");
    let html = std::fs::read_to_string(dir.join("map.html")).unwrap();
    let data = map_data(&html);
    assert_eq!(data["lang"], "zh");
    let keys: Vec<&str> = data["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    for key in ["districts", "first-due", "gaps", "supply", "stations"] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    assert!(
        !keys.contains(&"plan"),
        "a run without a plan has no plan layer"
    );
    assert!(keys.iter().any(|k| k.starts_with("roads-")));
    assert_eq!(
        count(&data, "first-due"),
        features_in(&dir.join("first_due.geojson"))
    );
    assert_eq!(count(&data, "gaps"), features_in(&dir.join("gaps.geojson")));
    assert_eq!(
        count(&data, "supply"),
        features_in(&dir.join("supply.geojson"))
    );
    let districts = read_json(&root().join("maps/demo/districts.geojson"));
    assert_eq!(
        count(&data, "districts"),
        districts["features"].as_array().unwrap().len()
    );
    let open_stations = common::csv_rows(&dir.join("stations.csv"))
        .iter()
        .filter(|r| r["status"] != "closed")
        .count();
    assert_eq!(count(&data, "stations"), open_stations);
    // The demo's roads fit at full precision: one line per band piece.
    let roads = &data["roads"];
    assert_eq!(roads["decimals"], 6);
    assert_eq!(roads["merged"], false);
    assert_eq!(roads["classes_left_out"].as_array().unwrap().len(), 0);
    let lines: usize = keys
        .iter()
        .filter(|k| k.starts_with("roads-"))
        .map(|k| layer(&data, k).unwrap()["lines"].as_array().unwrap().len())
        .sum();
    assert_eq!(lines as u64, roads["pieces"].as_u64().unwrap());
    // Every road piece of coverage.geojson is cut further at the band limits, never less.
    assert!(lines >= features_in(&dir.join("coverage.geojson")));
    // Names in the scenario's language.
    assert_eq!(layer(&data, "stations").unwrap()["name"], "消防站");
    // Bounded, and nothing to fetch: the only URLs are Leaflet's attribution link, the SVG
    // namespace (a name, never requested) and two bug reports cited in Leaflet's comments.
    assert!(html.len() < 25_000_000, "{} bytes", html.len());
    let known = [
        "https://leafletjs.com",
        "http://www.w3.org/2000/svg",
        "https://bugs.chromium.org/p/chromium/issues/detail?id=600120",
        "https://bugzilla.mozilla.org/show_bug.cgi?id=888319",
    ];
    for url in urls(&html) {
        assert!(known.contains(&url.as_str()), "map.html names {url}");
    }
    assert!(
        !html.contains("src=\"http"),
        "no script or image from the network"
    );
    assert!(
        !html.contains("url(images/"),
        "no image the page would fetch"
    );
}

#[test]
fn plan_map_holds_the_plan_changes() {
    let dir = out();
    let data = map_data(&std::fs::read_to_string(dir.join("map.html")).unwrap());
    let n = count(&data, "plan");
    assert!(n > 0);
    assert_eq!(n, features_in(&dir.join("plan_changes.geojson")));
    assert!(data["title"].as_str().unwrap().contains("站点补强方案"));
    // The plan variant's own layers: its first-due areas, not the baseline's.
    assert_eq!(
        count(&data, "first-due"),
        features_in(&dir.join("first_due.geojson"))
    );
}

#[test]
fn the_same_run_writes_the_same_map_html() {
    let dir = out();
    let run = fireplan::run::run(
        &fireplan::params::Scenario::load(&root().join("scenarios/demo.toml")).unwrap(),
        &common::quiet(),
    )
    .unwrap();
    let again = webmap::map_html(&webmap::map_data(&run, None, webmap::ROAD_BUDGET_BYTES)).unwrap();
    assert_eq!(again, std::fs::read(dir.join("baseline/map.html")).unwrap());
}

#[test]
fn roads_over_their_budget_are_merged_then_thinned_from_the_least_important_class() {
    let scenario = fireplan::params::Scenario::load(&root().join("scenarios/demo.toml")).unwrap();
    let run = fireplan::run::run(&scenario, &common::quiet()).unwrap();
    let (full, fit) = webmap::road_layers(&run, Lang::En, usize::MAX);
    assert_eq!((fit.decimals, fit.merged), (6, false));
    let full_lines: usize = full.iter().map(|l| l.lines.len()).sum();
    assert_eq!(full_lines, fit.pieces);
    assert_eq!(full[0].name, "Roads: ≤ 3 min");
    // Points per band: a merged line shares the joint point of its pieces.
    let points = |layers: &[webmap::WebLayer]| -> Vec<usize> {
        layers
            .iter()
            .map(|l| l.lines.iter().map(|f| f.len() / 2).sum())
            .collect()
    };

    // One byte under the full size: 5 decimals and merged lines, which fit.
    let (merged, fit) = webmap::road_layers(&run, Lang::En, fit.bytes - 1);
    assert_eq!((fit.decimals, fit.merged), (5, true));
    assert!(fit.classes_left_out.is_empty());
    let merged_lines: usize = merged.iter().map(|l| l.lines.len()).sum();
    assert!(merged_lines < full_lines, "{merged_lines} vs {full_lines}");
    // Each join saves one point: points = 2 × pieces − joins, per band.
    for ((m, f), (ml, fl)) in points(&merged)
        .iter()
        .zip(points(&full))
        .zip(merged.iter().zip(&full))
    {
        let joins = fl.lines.len() - ml.lines.len();
        assert_eq!(f - joins, *m, "band {}", ml.key);
    }
    for l in &merged {
        for f in &l.lines {
            for x in f {
                assert_eq!((x * 1e5).round() / 1e5, *x, "{x} has more than 5 decimals");
            }
        }
    }

    // A tenth of that: minor classes are left out, least important first, until it fits.
    let budget = fit.bytes / 10;
    let (thin, fit) = webmap::road_layers(&run, Lang::En, budget);
    assert!(fit.bytes <= budget, "{} > {budget}", fit.bytes);
    assert!(!fit.classes_left_out.is_empty());
    let order: Vec<_> = fireplan::model::RoadClass::ALL.iter().rev().collect();
    let mut last = 0;
    for c in &fit.classes_left_out {
        let i = order.iter().position(|o| *o == c).unwrap();
        assert!(
            i >= last,
            "{:?} left out out of order",
            fit.classes_left_out
        );
        last = i;
    }
    let thin_lines: usize = thin.iter().map(|l| l.lines.len()).sum();
    assert!(thin_lines < merged_lines);
    let data = webmap::map_data(&run, None, budget);
    assert!(data.note.contains("coverage.geojson"), "{}", data.note);
}

/// What Chromium's dumped DOM says on `<body>`.
fn body_attribute(dom: &str, name: &str) -> Option<String> {
    let i = dom.find("<body")?;
    let tag = &dom[i..i + dom[i..].find('>')?];
    let key = format!("{name}=\"");
    let j = tag.find(&key)? + key.len();
    let k = j + tag[j..].find('"')?;
    Some(tag[j..k].replace("&amp;", "&").replace("&quot;", "\""))
}

/// Opens `page` in headless Chromium with the network off (every host unresolvable, no
/// proxy) and returns the DOM once the page has run; None when Chromium is absent.
fn chromium_dom(page: &Path) -> Option<String> {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(chromium) = chromium else {
        eprintln!("skipped: no chromium in /usr/bin (apt-get install chromium)");
        return None;
    };
    let profile = tempfile::tempdir().unwrap();
    let result = Command::new(chromium)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-proxy-server",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=10000",
            "--window-size=1400,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    Some(String::from_utf8_lossy(&result.stdout).into_owned())
}

/// The page loads with no error and draws every layer and feature of its data.
fn check_in_browser(page: &Path) {
    let html = std::fs::read_to_string(page).unwrap();
    let data = map_data(&html);
    let Some(dom) = chromium_dom(page) else {
        return;
    };
    let attr = |name: &str| body_attribute(&dom, name);
    assert_eq!(
        attr("data-errors").as_deref(),
        Some(""),
        "errors on the page"
    );
    assert_eq!(
        attr("data-done").as_deref(),
        Some("1"),
        "the page's script did not finish"
    );
    let layers = data["layers"].as_array().unwrap().len();
    assert_eq!(attr("data-layers"), Some(layers.to_string()));
    assert_eq!(
        attr("data-features"),
        Some(total_features(&data).to_string())
    );
    // Every layer is named in the layer control.
    for l in data["layers"].as_array().unwrap() {
        assert!(
            dom.contains(l["name"].as_str().unwrap()),
            "{} not in the control",
            l["name"]
        );
    }
    // The canvas was painted: a few thousand of its sampled pixels hold colour.
    let ink: usize = attr("data-ink").unwrap().parse().unwrap();
    assert!(ink > 2000, "only {ink} painted pixels");
}

#[test]
fn run_map_loads_offline_in_chromium_and_draws_every_layer() {
    check_in_browser(&out().join("baseline/map.html"));
}

#[test]
fn plan_map_loads_offline_in_chromium_and_draws_every_layer() {
    check_in_browser(&out().join("map.html"));
}
