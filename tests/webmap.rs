//! `map.html`, the offline interactive map (issue 17): the data it holds (every layer,
//! feature counts equal to the GeoJSON outputs', roads fitted into their budget, no URL a
//! browser would fetch; the basemap of the maps' context, fitted into its own budget)
//! and, in headless Chromium with the network off, that the page loads with no errors and
//! draws every layer, the basemap under the analysis.

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

/// Features, road and basemap lines, basemap areas and place names of one layer: what the
/// page should draw of it.
fn layer_features(l: &Value) -> usize {
    let len = |v: &Value| v.as_array().unwrap().len();
    len(&l["features"])
        + len(&l["lines"])
        + len(&l["labels"])
        + l["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| len(&g["areas"]))
            .sum::<usize>()
}

/// What every layer should draw, all together.
fn total_features(data: &Value) -> usize {
    data["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(layer_features)
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
    let again = webmap::map_html(&webmap::map_data(
        &run,
        None,
        webmap::ROAD_BUDGET_BYTES,
        webmap::BASEMAP_BUDGET_BYTES,
    ))
    .unwrap();
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
    let data = webmap::map_data(&run, None, budget, webmap::BASEMAP_BUDGET_BYTES);
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
    // Every layer drew all its features.
    let drawn = attr("data-drawn").unwrap();
    for l in data["layers"].as_array().unwrap() {
        let expected = format!("{}:{}", l["key"].as_str().unwrap(), layer_features(l));
        assert!(
            drawn.split('|').any(|d| d == expected),
            "{expected} not in {drawn}"
        );
    }
    // The canvas was painted: a few thousand of its sampled pixels hold colour.
    let ink: usize = attr("data-ink").unwrap().parse().unwrap();
    assert!(ink > 2000, "only {ink} painted pixels");
    // The basemap: under the analysis, each of its canvases painted, place names shown.
    assert_eq!(attr("data-basemap-under").as_deref(), Some("1"));
    let basemap_ink = attr("data-basemap-ink").unwrap();
    for l in data["layers"].as_array().unwrap() {
        if l["basemap"] != true || l["labels"].as_array().unwrap().len() == layer_features(l) {
            continue;
        }
        let key = l["key"].as_str().unwrap();
        let n: usize = basemap_ink
            .split('|')
            .find_map(|d| d.strip_prefix(&format!("{key}:")))
            .unwrap_or_else(|| panic!("{key} not in {basemap_ink}"))
            .parse()
            .unwrap();
        assert!(n > 20, "{key}: only {n} painted pixels");
    }
    let places =
        layer(&data, "basemap-places").map_or(0, |l| l["labels"].as_array().unwrap().len());
    let shown: usize = attr("data-labels-shown").unwrap().parse().unwrap();
    assert!(shown <= places);
    if places > 0 {
        assert!(shown > 0, "no place name shown of {places}");
    }
}

#[test]
fn run_map_loads_offline_in_chromium_and_draws_every_layer() {
    check_in_browser(&out().join("baseline/map.html"));
}

#[test]
fn plan_map_loads_offline_in_chromium_and_draws_every_layer() {
    check_in_browser(&out().join("map.html"));
}

/// Keys of the basemap layers, in the page's order.
fn basemap_keys(data: &Value) -> Vec<&str> {
    data["layers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["basemap"] == true)
        .map(|l| l["key"].as_str().unwrap())
        .collect()
}

#[test]
fn demo_map_has_its_context_as_a_basemap_with_every_feature() {
    let dir = out().join("baseline");
    let data = map_data(&std::fs::read_to_string(dir.join("map.html")).unwrap());
    // The demo's `[[map.layer]]` files, counted here independently of the reader: land use
    // and water areas are polygons, the waterways lines, the places points.
    let demo = |f: &str| features_in(&root().join("maps/demo").join(f));
    let (landuse, water, waterways, places) = (
        demo("landuse.geojson"),
        demo("water_areas.geojson"),
        demo("waterways.geojson"),
        demo("places.geojson"),
    );
    assert_eq!((landuse, water, waterways, places), (213, 3, 3, 18));
    let fit = &data["basemap"];
    assert_eq!(
        fit["features"],
        serde_json::json!([water, waterways, landuse, 0, places, 0])
    );
    assert_eq!(fit["tolerance_deg"], 0.0);
    assert_eq!(fit["parts_left_out"].as_array().unwrap().len(), 0);
    assert_eq!(fit["decimals"], 5);
    // Under every layer of the run: first in the page, shown, named in Chinese.
    assert_eq!(
        basemap_keys(&data),
        [
            "basemap-landuse",
            "basemap-water",
            "basemap-waterways",
            "basemap-places"
        ]
    );
    let first: Vec<&str> = data["layers"].as_array().unwrap()[..4]
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    assert_eq!(first, basemap_keys(&data));
    let l = layer(&data, "basemap-water").unwrap();
    assert_eq!(l["name"], "底图：水域");
    assert_eq!(l["shown"], true);
    assert_eq!(
        layer_features(layer(&data, "basemap-landuse").unwrap()),
        landuse
    );
    assert_eq!(layer_features(l), water);
    assert_eq!(
        layer_features(layer(&data, "basemap-waterways").unwrap()),
        waterways
    );
    // The PNG maps' context colours: land use by class, water, no outline on areas.
    let fills: Vec<&str> = layer(&data, "basemap-landuse").unwrap()["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["fill"].as_str().unwrap())
        .collect();
    let tint = |c| format!("#{:06x}", fireplan::report::maps::context::landuse_fill(c));
    use fireplan::model::context::LanduseClass as C;
    for f in &fills {
        assert!(
            C::ALL.iter().any(|c| tint(*c) == *f),
            "{f} is not a land-use tint"
        );
    }
    assert_eq!(
        l["areas"][0]["fill"],
        format!("#{:06x}", fireplan::report::maps::context::WATER_FILL)
    );
    // Place names in the scenario's language (zh: the name), the city first.
    let names = read_json(&root().join("maps/demo/places.geojson"));
    let labels = layer(&data, "basemap-places").unwrap()["labels"]
        .as_array()
        .unwrap();
    let city = names["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["place"] == "city")
        .unwrap();
    assert_eq!(labels[0]["text"], city["properties"]["name"]);
    assert_eq!(labels[0]["size_px"], 15.0);
    // Within the budget, at 5 decimals.
    assert!(fit["bytes"].as_u64().unwrap() <= webmap::BASEMAP_BUDGET_BYTES as u64);
    for g in l["areas"].as_array().unwrap() {
        for x in g["areas"].as_array().unwrap().iter().flat_map(|a| {
            a.as_array()
                .unwrap()
                .iter()
                .flat_map(|p| p.as_array().unwrap().iter())
                .flat_map(|r| r.as_array().unwrap().iter())
        }) {
            let x = x.as_f64().unwrap();
            assert_eq!((x * 1e5).round() / 1e5, x, "{x} has more than 5 decimals");
        }
    }
}

#[test]
fn basemap_over_its_budget_is_simplified_then_thinned_in_the_stated_order() {
    use fireplan::report::webmap::BasemapPart as P;
    let scenario = fireplan::params::Scenario::load(&root().join("scenarios/demo.toml")).unwrap();
    let run = fireplan::run::run(&scenario, &common::quiet()).unwrap();
    let ctx = &run.inputs.context;
    let vertices = |layers: &[webmap::WebLayer]| -> usize {
        layers
            .iter()
            .map(|l| {
                l.lines.iter().map(|f| f.len() / 2).sum::<usize>()
                    + l.areas
                        .iter()
                        .flat_map(|g| g.areas.iter().flatten().flatten())
                        .map(|r| r.len() / 2)
                        .sum::<usize>()
            })
            .sum()
    };
    let (full, fit) = webmap::basemap_layers(ctx, Lang::En, usize::MAX);
    assert_eq!(fit.tolerance_deg, 0.0);
    assert_eq!(fit.features, ctx.counts());
    assert!(fit.parts_left_out.is_empty());
    assert_eq!(full.len(), 4);
    assert_eq!(full[0].name, "Basemap: land use");
    // The page's bytes of the basemap are the data's: every area, line and label as JSON.
    let json: usize = full
        .iter()
        .map(|l| {
            l.areas
                .iter()
                .flat_map(|g| &g.areas)
                .map(|a| serde_json::to_string(a).unwrap().len() + 1)
                .sum::<usize>()
                + l.lines
                    .iter()
                    .map(|a| serde_json::to_string(a).unwrap().len() + 1)
                    .sum::<usize>()
                + l.labels
                    .iter()
                    .map(|a| serde_json::to_string(a).unwrap().len() + 1)
                    .sum::<usize>()
        })
        .sum();
    assert_eq!(fit.bytes, json);

    // One byte under: simplified (≈ 1 m first), every feature still drawn, fewer vertices.
    let (simple, fit1) = webmap::basemap_layers(ctx, Lang::En, fit.bytes - 1);
    assert_eq!(fit1.tolerance_deg, 1e-5);
    assert!(fit1.bytes < fit.bytes);
    assert!(fit1.parts_left_out.is_empty());
    assert_eq!(fit1.features, ctx.counts());
    assert!(vertices(&simple) < vertices(&full));
    let data = webmap::map_data(&run, None, webmap::ROAD_BUDGET_BYTES, fit.bytes - 1);
    assert_eq!(data.note, "底图已简化（约 1 米）", "{}", data.note);

    // The place names alone: the most simplified basemap does not fit, so parts are left
    // out in the stated order — farmland, forest, residential, industrial, then the water
    // (the demo has no railways or boundaries) — until only the names are left.
    let (_, names_only) = webmap::basemap_layers(ctx, Lang::En, 0);
    assert_eq!(names_only.features, [0; 6]);
    let labels_bytes = {
        let (l, _) = webmap::basemap_layers(ctx, Lang::En, usize::MAX);
        l.last()
            .unwrap()
            .labels
            .iter()
            .map(|a| serde_json::to_string(a).unwrap().len() + 1)
            .sum::<usize>()
    };
    let (thin, fit2) = webmap::basemap_layers(ctx, Lang::En, labels_bytes);
    assert_eq!(fit2.tolerance_deg, 1e-3);
    let classes: std::collections::HashSet<_> = ctx.landuse.iter().map(|(c, _)| *c).collect();
    let mut expected: Vec<P> = [P::Farmland, P::Forest, P::Residential, P::Industrial]
        .into_iter()
        .filter(|p| {
            let name = serde_json::to_value(p).unwrap();
            classes.iter().any(|c| c.name() == name)
        })
        .collect();
    expected.extend([P::WaterLines, P::WaterAreas]);
    assert_eq!(fit2.parts_left_out, expected);
    assert_eq!(fit2.features, [0, 0, 0, 0, ctx.places.len(), 0]);
    assert_eq!(fit2.bytes, labels_bytes);
    assert_eq!(thin.len(), 1);
    assert_eq!(thin[0].key, "basemap-places");
    // The page says what was left out.
    let data = webmap::map_data(&run, None, webmap::ROAD_BUDGET_BYTES, labels_bytes);
    for p in &expected {
        assert!(data.note.contains(p.label(Lang::Zh)), "{}", data.note);
    }
    assert!(data.note.contains("约 111 米"), "{}", data.note);
    assert!(data.note.contains("fireplan.gpkg"), "{}", data.note);
}

/// Liechtenstein (real OSM, `lang = "en"`): its extract's context as the basemap, every
/// feature within the budget, in the browser under the analysis.
#[test]
fn liechtenstein_map_has_the_extracts_context_as_a_basemap() {
    if common::shared("liechtenstein-osm").is_none() {
        return;
    }
    let scenario =
        fireplan::params::Scenario::load(&root().join("scenarios/liechtenstein.toml")).unwrap();
    let run = fireplan::run::run(&scenario, &common::quiet()).unwrap();
    let ctx = &run.inputs.context;
    let counts = ctx.counts();
    // Real context: water, land use, railways, places and boundaries.
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
    let tmp = tempfile::tempdir().unwrap();
    let page = webmap::write_map_html(tmp.path(), &run, None).unwrap();
    let html = std::fs::read_to_string(&page).unwrap();
    let data = map_data(&html);
    let fit = &data["basemap"];
    assert_eq!(fit["features"], serde_json::json!(counts));
    assert_eq!(fit["tolerance_deg"], 0.0);
    assert_eq!(
        basemap_keys(&data),
        [
            "basemap-landuse",
            "basemap-water",
            "basemap-waterways",
            "basemap-rail",
            "basemap-admin",
            "basemap-places"
        ]
    );
    assert_eq!(
        layer(&data, "basemap-rail").unwrap()["name"],
        "Basemap: railways"
    );
    assert_eq!(layer(&data, "basemap-admin").unwrap()["line_dash"], "6 4");
    // English names where the extract has `name:en`, the name otherwise.
    let texts: Vec<&str> = layer(&data, "basemap-places").unwrap()["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), ctx.places.len());
    for p in &ctx.places {
        let want = p
            .name_en
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(&p.name);
        assert!(texts.contains(&want), "{want} not among {texts:?}");
    }
    assert!(html.len() < 25_000_000, "{} bytes", html.len());
    check_in_browser(&page);
}

/// A province-size context (20,000 land-use circles of 100 vertices: 2·10⁶ vertices, some
/// 40 MB as the page's JSON) is simplified into the budget, every feature kept.
#[test]
fn province_size_context_is_simplified_into_the_budget() {
    use fireplan::model::context::{LanduseClass, MapContext};
    use geo::{LineString, MultiPolygon, Polygon};
    let mut ctx = MapContext::default();
    for i in 0..20_000 {
        let (cx, cy) = (
            120.0 + f64::from(i % 200) * 0.01,
            30.0 + f64::from(i / 200) * 0.01,
        );
        let ring: LineString<f64> = (0..=100)
            .map(|k| {
                let a = f64::from(k % 100) * std::f64::consts::TAU / 100.0;
                (cx + 0.002 * a.cos(), cy + 0.002 * a.sin())
            })
            .collect();
        let class = [LanduseClass::Farmland, LanduseClass::Forest][i as usize % 2];
        ctx.landuse
            .push((class, MultiPolygon::new(vec![Polygon::new(ring, vec![])])));
    }
    let (layers, fit) = webmap::basemap_layers(&ctx, Lang::En, webmap::BASEMAP_BUDGET_BYTES);
    assert!(fit.bytes <= webmap::BASEMAP_BUDGET_BYTES, "{}", fit.bytes);
    assert!(fit.tolerance_deg > 0.0);
    assert!(fit.parts_left_out.is_empty(), "{:?}", fit.parts_left_out);
    assert_eq!(fit.features, [0, 0, 20_000, 0, 0, 0]);
    // Simplified, still a closed shape of more than a triangle around its centre.
    let ring = &layers[0].areas[0].areas[0][0][0];
    let points = ring.len() / 2;
    assert!((4..100).contains(&points), "{points} points");
    // The whole at 5 decimals would not have fitted: some 20 bytes a vertex.
    let (_, full) = webmap::basemap_layers(&ctx, Lang::En, usize::MAX);
    assert_eq!(full.tolerance_deg, 0.0);
    assert!(
        full.bytes > 6 * webmap::BASEMAP_BUDGET_BYTES,
        "{}",
        full.bytes
    );
}
