//! Special-risk sites (issue 15 part 2) on the hand-computed fixture `tests/data/risk_sites`:
//! the network of tests/engine.rs (n0 —primary 1000 m, 72 s— n1 —residential 500 m, 72 s—
//! n2 —secondary 2000 m, 160 s— n3, n3 → n4 → n2 one-way 36 s + 36 s), S1 special at n0,
//! S2 class 2 at n3, turnout 60 s, threshold 150 s. Labels: n0 S1 60, n1 S1 132, n2 S2 132
//! (round the one-way loop), n3 S2 60.
//!
//! - 西化工园区 covers n0–n1 up to its middle (fraction 0.5) and holds S1: passes; worst
//!   road point at fraction 0.5: 60 + 36 = 96 s.
//! - 东化工园区 covers n2–n3 from fraction 0.25 to 0.75. Along it S2 arrives from n2 at
//!   132 + 160 g and from n3 at 60 + 160 (1 − g): equal at g = 0.275, 176 s — the worst
//!   road point; S1 (204 + 160 g from n2) is never first. First-due S2, class 2: fails.
//! - 北化工点 is a point at n1 (radius empty = 0): no road inside, measured at its nearest
//!   road point, n1: S1 132 s, a special station first: passes without standing inside.

mod common;

use std::path::Path;

use fireplan::model::AreaKind;
use fireplan::params::Scenario;
use fireplan::plan::checks::Status;
use fireplan::run::RunResult;

use common::{data, fixture_copy, quiet};

fn run(dir: &Path) -> RunResult {
    let sc = Scenario::load(&dir.join("scenario.toml")).unwrap();
    fireplan::run::run(&sc, &quiet()).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn chemical_parks_pass_with_a_special_station_inside_or_first_and_fail_otherwise() {
    let r = run(&data("risk_sites"));
    let areas = r.inputs.areas.as_deref().unwrap();
    let names: Vec<(&str, AreaKind)> = areas.iter().map(|a| (a.name.as_str(), a.kind)).collect();
    assert_eq!(
        names,
        [
            ("西化工园区", AreaKind::ChemicalPark),
            ("东化工园区", AreaKind::ChemicalPark),
            ("中高层区", AreaKind::HighRise),
            ("北化工点", AreaKind::ChemicalPark),
            // `dense_residential` is read as the existing kind `residential`.
            ("老城居民区", AreaKind::Residential),
        ]
    );
    let s1 = r
        .coverage
        .origins
        .iter()
        .position(|o| r.inputs.stations[o.station].id == "S1");
    let s2 = r
        .coverage
        .origins
        .iter()
        .position(|o| r.inputs.stations[o.station].id == "S2");
    let (s1, s2) = (s1.unwrap() as u32, s2.unwrap() as u32);
    let site = |name: &str| {
        let i = areas.iter().position(|a| a.name == name).unwrap();
        r.coverage.sites.iter().find(|s| s.area == i).unwrap()
    };
    let west = site("西化工园区");
    let (t, o) = west.worst.unwrap();
    assert!(close(t, 96.0), "{t}");
    assert_eq!((o, west.first_due), (s1, Some(s1)));
    assert!(close(west.road_km, 0.5), "{}", west.road_km);
    assert!(!west.at_nearest_road);

    let east = site("东化工园区");
    let (t, o) = east.worst.unwrap();
    assert!(close(t, 176.0), "{t}");
    assert_eq!((o, east.first_due), (s2, Some(s2)));
    assert!(close(east.road_km, 1.0), "{}", east.road_km);
    let (lon, _) = east.worst_at.unwrap();
    // Fraction 0.275 of n2 (120.013489805) → n3 (120.031476213).
    assert!(
        (lon - (120.013489805 + 0.275 * 0.017986408)).abs() < 1e-7,
        "{lon}"
    );

    let point = site("北化工点");
    assert!(point.at_nearest_road);
    assert_eq!(point.road_km, 0.0);
    let (t, o) = point.worst.unwrap();
    assert!(close(t, 132.0), "{t}");
    assert_eq!((o, point.first_due), (s1, Some(s1)));

    // A point site of radius 0 is also measured at its nearest road point (n1–n2 middle:
    // S1 and S2 both at 168 s, the lower origin first).
    let high = site("中高层区");
    assert!(high.at_nearest_road);
    // (the point lies 0.05 mm from the exact middle)
    assert!((high.worst.unwrap().0 - 168.0).abs() < 1e-3, "{high:?}");

    // The target (region shanxi: 002 binds, mandatory).
    let f = |subject: &str| {
        r.checks
            .findings
            .iter()
            .find(|f| &*f.target == "chemical_park_special_station" && f.subject == subject)
            .unwrap_or_else(|| panic!("no finding for {subject}"))
    };
    assert_eq!(f("西化工园区").status, Status::Pass);
    assert_eq!(f("西化工园区").measured, Some(1.0));
    assert_eq!(f("北化工点").status, Status::Pass);
    assert_eq!(f("北化工点").measured, Some(1.0));
    let fail = f("东化工园区");
    assert_eq!(fail.status, Status::Fail);
    assert_eq!(fail.measured, Some(0.0));
    assert!(fail.mandatory());
    assert!(
        fail.reason.contains("first-due S2 东站 (二级站)"),
        "{}",
        fail.reason
    );
    assert!(
        fail.reason.contains("worst road point 176 s"),
        "{}",
        fail.reason
    );
    // Only chemical parks are its subjects.
    let subjects = r
        .checks
        .findings
        .iter()
        .filter(|f| &*f.target == "chemical_park_special_station")
        .count();
    assert_eq!(subjects, 3);
    // Without a special station anywhere the passing park fails too.
    let dir = tempfile::tempdir().unwrap();
    let copy = fixture_copy("risk_sites", dir.path(), &[]);
    std::fs::write(
        copy.join("stations.csv"),
        "id,name,class,lon,lat\nS2,东站,class2,120.031476213,30.0\nS1,西站,class1,120.0,30.0\n",
    )
    .unwrap();
    let r = run(&copy);
    let west = r
        .checks
        .findings
        .iter()
        .find(|f| &*f.target == "chemical_park_special_station" && f.subject == "西化工园区")
        .unwrap();
    assert_eq!(west.status, Status::Fail);
}

#[test]
fn risk_site_weights_multiply_the_demand_inside() {
    // Demand: one point in 东化工园区 (n2–n3 middle: S2 60 + 80 = 140 s, covered) and one
    // at the n1–n2 middle (168 s, not covered): 1 of 2 covered without weights.
    let r = run(&data("risk_sites"));
    assert!(close(r.coverage.region.demand_coverage.unwrap(), 0.5));
    let dir = tempfile::tempdir().unwrap();
    let copy = fixture_copy("risk_sites", dir.path(), &[]);
    let sc = std::fs::read_to_string(copy.join("scenario.toml")).unwrap();
    std::fs::write(
        copy.join("scenario.toml"),
        sc.replace(
            "[response]",
            "[areas.weights]\nchemical_park = 3.0\nforest = 2\n[response]",
        ),
    )
    .unwrap();
    let r = run(&copy);
    // 3 of 3 + 1: the point inside the park weighs 3.
    assert!(close(r.coverage.region.demand_coverage.unwrap(), 0.75));
    let weights: Vec<f64> = r
        .inputs
        .demand
        .as_deref()
        .unwrap()
        .iter()
        .map(|d| d.weight)
        .collect();
    assert_eq!(weights, [3.0, 1.0]);
    assert!(close(r.coverage.region.demand_weight, 4.0));
}

/// The error of loading and running the fixture with one file replaced.
fn error_with(file: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let copy = fixture_copy("risk_sites", dir.path(), &[]);
    std::fs::write(copy.join(file), text).unwrap();
    let sc = match Scenario::load(&copy.join("scenario.toml")) {
        Ok(sc) => sc,
        Err(e) => return e.to_string(),
    };
    match fireplan::run::run(&sc, &quiet()) {
        Ok(_) => panic!("{file} accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_risk_sites_name_file_line_or_feature_and_field() {
    let header = "id,name,lon,lat,kind,radius_m\n";
    let e = error_with(
        "points.csv",
        &format!("{header}P1,北化工点,120.008993204,30.0,chemical_prak,\n"),
    );
    assert!(
        e.contains("points.csv") && e.contains("line 2") && e.contains("kind"),
        "{e}"
    );
    assert!(e.contains("did you mean `chemical_park`"), "{e}");
    let e = error_with(
        "points.csv",
        &format!("{header}P1,,120.008993204,30.0,forest,\n"),
    );
    assert!(
        e.contains("points.csv") && e.contains("line 2") && e.contains("name"),
        "{e}"
    );
    let e = error_with(
        "points.csv",
        &format!("{header}P1,a,120.0,30.0,forest,\nP2,b,120.0,30.0,water,-5\n"),
    );
    assert!(
        e.contains("line 3") && e.contains("radius_m") && e.contains("-5"),
        "{e}"
    );
    let e = error_with(
        "points.csv",
        &format!("{header}P1,a,120.0,30.0,forest,1e9\n"),
    );
    assert!(e.contains("line 2") && e.contains("radius_m"), "{e}");
    // A name the first file already has.
    let e = error_with(
        "points.csv",
        &format!("{header}P1,西化工园区,120.0,30.0,forest,\n"),
    );
    assert!(
        e.contains("points.csv") && e.contains("line 2") && e.contains("duplicate name"),
        "{e}"
    );
    // GeoJSON: a Point with a bad radius, named by its feature.
    let e = error_with(
        "sites.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"a","kind":"water","radius_m":"big"},
           "geometry":{"type":"Point","coordinates":[120.0,30.0]}}]}"#,
    );
    assert!(
        e.contains("sites.geojson") && e.contains("feature 0") && e.contains("radius_m"),
        "{e}"
    );
    let e = error_with(
        "sites.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"a","kind":"water"},
           "geometry":{"type":"Point","coordinates":[120.0,30.0]}},
          {"type":"Feature","properties":{"kind":"forest"},
           "geometry":{"type":"Point","coordinates":[120.0,30.0]}}]}"#,
    );
    assert!(e.contains("feature 1") && e.contains("name"), "{e}");
    // Weights: ≤ 0 and an unknown kind, named by their key.
    let sc = std::fs::read_to_string(data("risk_sites/scenario.toml")).unwrap();
    for (weights, expect) in [
        ("chemical_park = 0", "areas.weights.chemical_park"),
        ("chemical_park = -1.5", "areas.weights.chemical_park"),
        ("chemcal_park = 2", "did you mean `chemical_park`"),
    ] {
        let e = error_with(
            "scenario.toml",
            &sc.replace(
                "[response]",
                &format!("[areas.weights]\n{weights}\n[response]"),
            ),
        );
        assert!(
            e.contains("scenario.toml") && e.contains(expect),
            "{weights}: {e}"
        );
    }
}

/// `optimize --require-area-kind chemical_park` on the fixture with two candidates:
/// A at n1 and B at the middle of n2–n3 (turnout 60 s, threshold 150 s).
///
/// - Demand: `in_east_park` (n2–n3 middle, S2 from n3: 60 + 80 = 140 s, covered today) and
///   `n1_n2_middle` (168 s today). A reaches `n1_n2_middle` in 60 + 36 = 96 s; B does not
///   (60 + 80 + 36 = 176 s). So `--add 1` alone picks A: 50 % → 100 %.
/// - 东化工园区 (n2–n3, fraction 0.25–0.75): S2 reaches g ≥ 0.4375 (60 + 160 (1 − g) ≤ 150)
///   and from n2 only g ≤ 0.1125, so the road points at g = 0.25, 0.255, …, 0.435 (every
///   10 m: 38 of its 101) are open today; A reaches none (from n1: 60 + 72 + 40 = 172 s at
///   g = 0.25), B all (60 + 160 · 0.25 = 100 s at either end). Required, B must open: with
///   B the worst road point is 100 s (at g = 0.25 and g = 0.75), B first on all of it.
/// - 西化工园区 (S1 inside, worst 96 s) and 北化工点 (132 s) are covered today.
#[test]
fn optimize_can_require_covering_the_chemical_parks() {
    use fireplan::optimize::{self, CandidateSource, Goal, Options};
    use fireplan::params::Crs;
    let sc = Scenario::load(&data("risk_sites/scenario.toml")).unwrap();
    let (inputs, prepared) = fireplan::load::load(&sc, &quiet()).unwrap();
    let (net, index) = (&prepared.network, &prepared.index);
    let opts = |kinds: Vec<AreaKind>, file: &str| Options {
        candidates: CandidateSource::File(data(&format!("risk_sites/{file}")), Crs::Wgs84),
        require_area_kinds: kinds,
        ..Options::default()
    };
    let solve = |o: &Options, goal: Goal| {
        let p = optimize::prepare(&inputs, net, index, o, &fireplan::progress::Silent).unwrap();
        let mut out = p.solve(goal).unwrap();
        out.required = optimize::check_required(&inputs, net, index, &p, &out);
        let chosen: Vec<String> = out
            .sites
            .iter()
            .map(|s| p.candidates.kept[s.candidate].0.id.clone())
            .collect();
        (p, out, chosen)
    };

    // Without the requirement: A, and the east park stays at 176 s.
    let (p, out, chosen) = solve(&opts(vec![], "candidates.csv"), Goal::Add(1));
    assert_eq!(chosen, ["A"]);
    assert!(close(out.coverage, 1.0) && close(out.base_coverage, 0.5));
    assert!(p.required.is_empty() && p.requirement.is_empty() && out.required.is_empty());

    // With it: B, the park covered, the demand gain given up.
    let (p, out, chosen) = solve(
        &opts(vec![AreaKind::ChemicalPark], "candidates.csv"),
        Goal::Add(1),
    );
    assert_eq!(chosen, ["B"]);
    assert!(close(out.coverage, 0.5), "{}", out.coverage);
    let req: Vec<(&str, usize, usize)> = p
        .required
        .iter()
        .map(|r| (r.name.as_str(), r.road_points, r.open_points))
        .collect();
    assert_eq!(
        req,
        [
            ("西化工园区", 51, 0),
            ("东化工园区", 101, 38),
            ("北化工点", 1, 0)
        ]
    );
    let east = out
        .required
        .iter()
        .find(|r| r.name == "东化工园区")
        .unwrap();
    assert!(close(east.worst_today_s.unwrap(), 176.0), "{east:?}");
    assert!(close(east.worst_after_s.unwrap(), 100.0), "{east:?}");
    assert_eq!(east.first_due_after.as_deref(), Some("B"));
    assert!(east.covered);
    assert!(out.required.iter().all(|r| r.covered));
    let west = &out.required[0];
    assert!(
        close(west.worst_after_s.unwrap(), 96.0) && west.first_due_after.as_deref() == Some("S1")
    );

    // Two sites: both, either way; reaching all demand with the park takes both.
    let (_, out, mut chosen) = solve(
        &opts(vec![AreaKind::ChemicalPark], "candidates.csv"),
        Goal::Reach(1.0),
    );
    chosen.sort();
    assert_eq!(chosen, ["A", "B"]);
    assert!(close(out.coverage, 1.0));
    assert_eq!(out.curve.iter().map(|c| c.k).collect::<Vec<_>>(), [1, 2]);

    // A kind the scenario does not hold, and a park no candidate reaches.
    let p = optimize::prepare(
        &inputs,
        net,
        index,
        &opts(vec![AreaKind::Water], "candidates.csv"),
        &fireplan::progress::Silent,
    );
    let e = p.unwrap_err().to_string();
    assert!(e.contains("--require-area-kind water"), "{e}");
    assert!(e.contains("no site of that kind"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let only_a = dir.path().join("only_a.csv");
    std::fs::write(&only_a, "id,lon,lat\nA,120.008993204,30.0\n").unwrap();
    let o = Options {
        candidates: CandidateSource::File(only_a, Crs::Wgs84),
        require_area_kinds: vec![AreaKind::ChemicalPark],
        ..Options::default()
    };
    let e = optimize::prepare(&inputs, net, index, &o, &fireplan::progress::Silent)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("东化工园区") && e.contains("no candidate site reaches"),
        "{e}"
    );
}

/// The CLI flag and its output file.
#[test]
fn cli_optimize_require_area_kind_writes_the_required_sites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = common::fireplan()
        .args([
            "optimize",
            data("risk_sites/scenario.toml").to_str().unwrap(),
        ])
        .args(["--add", "1", "-q", "--no-cache"])
        .args([
            "--candidates",
            data("risk_sites/candidates.csv").to_str().unwrap(),
        ])
        .args(["--require-area-kind", "chemical_park"])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(out.join("optimize_required_sites.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "name,kind,road_points,open_points_today,worst_today_s,worst_after_s,first_due_after,covered"
    );
    assert_eq!(
        lines[2],
        "东化工园区,chemical_park,101,38,176.0,100.0,B,true"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("optimize_summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["sites"], serde_json::json!(["B"]));
    assert_eq!(
        summary["required_sites"][1]["covered"],
        serde_json::json!(true)
    );
    // A kind that is not a kind.
    let o = common::fireplan()
        .args([
            "optimize",
            data("risk_sites/scenario.toml").to_str().unwrap(),
        ])
        .args([
            "--add",
            "1",
            "-q",
            "--no-cache",
            "--require-area-kind",
            "chemical",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("chemical_park"), "{err}");
}

/// The content of `<g id="layer-NAME">…</g>` of an SVG.
fn svg_layer<'a>(svg: &'a str, name: &str) -> &'a str {
    let open = format!("<g id=\"layer-{name}\">");
    let i = svg.find(&open).unwrap_or_else(|| panic!("no layer {name}")) + open.len();
    let j = svg[i..].find("</g>\n").unwrap();
    &svg[i..i + j]
}

/// The response map draws the sites: the two park outlines (东化工园区 failing: the alert
/// colour, 西化工园区 muted), a marker for each of the three point sites without a radius,
/// every name as a label, and the legend entries.
#[test]
fn the_response_map_draws_the_risk_sites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = common::fireplan()
        .args(["run", data("risk_sites/scenario.toml").to_str().unwrap()])
        .args(["-q", "--no-cache", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(out.join("map_response.svg")).unwrap();
    let outlines = svg_layer(&svg, "risk-sites");
    assert_eq!(outlines.matches("<polyline").count(), 2, "{outlines}");
    assert_eq!(outlines.matches("stroke=\"#CE1256\"").count(), 1);
    assert_eq!(outlines.matches("stroke=\"#6A51A3\"").count(), 1);
    let marks = svg_layer(&svg, "risk-site-marks");
    assert_eq!(marks.matches("<polygon").count(), 3, "{marks}");
    let labels = svg_layer(&svg, "risk-site-labels");
    for name in [
        "西化工园区",
        "东化工园区",
        "中高层区",
        "北化工点",
        "老城居民区",
    ] {
        assert!(labels.contains(name), "{name} not labelled: {labels}");
    }
    let east = labels
        .split("<text")
        .find(|t| t.contains("东化工园区"))
        .unwrap();
    assert!(east.contains("fill=\"#CE1256\""), "{east}");
    for entry in ["重点风险场所", "重点风险场所（点）", "无特勤站的化工园区"]
    {
        assert!(svg.contains(entry), "legend lacks {entry}");
    }
}

/// `fireplan.gpkg` holds the `risk_sites` layer (a point per site with the serving station,
/// its class and the worst road time), and report.html / report.md the table, whose
/// special-station column judges chemical parks only.
#[test]
fn geopackage_layer_and_report_tables_of_the_risk_sites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = common::fireplan()
        .args(["run", data("risk_sites/scenario.toml").to_str().unwrap()])
        .args(["-q", "--no-cache", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let db = rusqlite::Connection::open(out.join("fireplan.gpkg")).unwrap();
    let (geom, srs): (String, i64) = db
        .query_row(
            "SELECT geometry_type_name, srs_id FROM gpkg_geometry_columns WHERE table_name = 'risk_sites'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((geom.as_str(), srs), ("POINT", 4326));
    let mut st = db
        .prepare(
            "SELECT name, kind, serving_station, serving_class, special_station, worst_road_s, \
             road_km, at_nearest_road FROM risk_sites ORDER BY fid",
        )
        .unwrap();
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
        f64,
        f64,
        i64,
    );
    let rows: Vec<Row> = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    type Brief<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, i64, i64);
    let brief: Vec<Brief> = rows
        .iter()
        .map(|r| {
            (
                r.0.as_str(),
                r.1.as_str(),
                r.2.as_deref(),
                r.3.as_deref(),
                r.4,
                r.5.round() as i64,
            )
        })
        .collect();
    assert_eq!(
        brief,
        [
            (
                "西化工园区",
                "chemical_park",
                Some("S1"),
                Some("special"),
                1,
                96
            ),
            (
                "东化工园区",
                "chemical_park",
                Some("S2"),
                Some("class2"),
                0,
                176
            ),
            ("中高层区", "high_rise", Some("S1"), Some("special"), 1, 168),
            (
                "北化工点",
                "chemical_park",
                Some("S1"),
                Some("special"),
                1,
                132
            ),
            (
                "老城居民区",
                "residential",
                Some("S1"),
                Some("special"),
                1,
                168
            ),
        ]
    );
    assert!(close(rows[1].6, 1.0) && rows[1].7 == 0 && rows[3].7 == 1);

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let i = html.find("id=\"risk_sites\"").expect("risk-sites section");
    let table = &html[i..i + html[i..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..];
    let rows: Vec<&str> = body.split("<tr").skip(1).collect();
    assert_eq!(rows.len(), 5, "{table}");
    // A failing chemical park is marked for the reader; a passing one is not.
    assert!(rows[1].contains("东化工园区") && rows[1].contains("<td>不达标</td>"));
    assert!(rows[1].starts_with(" class=\"st-fail\""), "{}", rows[1]);
    assert!(rows[0].contains("西化工园区") && rows[0].contains("<td>达标</td>"));
    // A high-rise district or a residential area has no special-station rule.
    assert!(
        rows[2].contains("中高层区") && rows[2].ends_with("<td>—</td></tr>\n"),
        "{}",
        rows[2]
    );
    assert!(rows[4].contains("老城居民区") && rows[4].ends_with("<td>—</td></tr>\n</tbody>"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let line = |name: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap()
    };
    assert!(
        line("东化工园区").ends_with("| 不达标 |"),
        "{}",
        line("东化工园区")
    );
    assert!(line("北化工点").ends_with("| 达标 |"));
    assert!(line("中高层区").ends_with("| — |"));
}
