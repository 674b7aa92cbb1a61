//! The real binary on small scenarios in a temporary folder: outputs and their figures,
//! the prepared-network cache, errors that leave no half-written output.

mod common;

use common::{csv_rows, data, fireplan, fixture_copy, read_json};

/// The hand-computed network of tests/engine.rs as files, threshold 150 s: every figure
/// below is worked out by hand in that test's comments.
#[test]
fn run_writes_hand_computed_figures() {
    let out = tempfile::tempdir().unwrap();
    let st = fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(out.path())
        .arg(data("cli/scenario.toml"))
        .status()
        .unwrap();
    assert!(st.success());
    let s = read_json(&out.path().join("summary.json"));
    assert_eq!(s["demand_coverage"].as_f64(), Some(0.8)); // 4 of 5 weight; far_away is off-network
    assert_eq!(s["second_due_coverage"].as_f64(), Some(0.8));
    assert!((s["road_coverage"].as_f64().unwrap() - 0.775).abs() < 1e-9);
    assert_eq!(
        s["p50_s"].as_f64().map(|x| (x * 1e6).round() / 1e6),
        Some(132.0)
    );
    assert!(s["p90_s"].is_null()); // 90 % needs the off-network point
    assert!((s["max_s"].as_f64().unwrap() - 140.0).abs() < 1e-6);
    assert_eq!(s["stations"].as_u64(), Some(2)); // the logistics station does not respond
    assert_eq!(s["off_network"].as_u64(), Some(1));
    assert_eq!(s["network_nodes"].as_u64(), Some(5));
    assert_eq!(s["network_edges"].as_u64(), Some(8));
    assert_eq!(s["dropped_nodes"].as_u64(), Some(0));

    let d = csv_rows(&out.path().join("demand_response.csv"));
    let row = |id: &str| d.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(
        (
            row("at_n1")["first_station"].as_str(),
            row("at_n1")["response_s"].as_str()
        ),
        ("S1", "132.0")
    );
    assert_eq!(row("at_n1")["second_response_s"], "204.0");
    assert_eq!(
        (
            row("mid_n2_n3")["first_station"].as_str(),
            row("mid_n2_n3")["response_s"].as_str()
        ),
        ("S2", "140.0")
    );
    // 100 m access leg at 15 km/h = 24 s on top of S2's 60 s.
    assert_eq!(row("south_of_n3")["response_s"], "84.0");
    assert_eq!(row("south_of_n3")["district"], "东区");
    assert_eq!(row("far_away")["status"], "off-network");

    let dist = csv_rows(&out.path().join("coverage_by_district.csv"));
    let east = dist.iter().find(|r| r["district"] == "东区").unwrap();
    assert_eq!(east["road_km"], "3.000");
    assert_eq!(east["road_coverage"], "0.7000"); // 250 + 1350 + 500 of 3000 m
    let west = dist.iter().find(|r| r["district"] == "西区").unwrap();
    // 1.7 km × cos 30° wide (the fixture's x is in degrees at the equator's scale) × 2 km.
    assert!(
        (west["area_km2"].parse::<f64>().unwrap() - 1.7 * 30f64.to_radians().cos() * 2.0).abs()
            < 0.01
    );

    let stations = csv_rows(&out.path().join("stations.csv"));
    let s1 = stations.iter().find(|r| r["id"] == "S1").unwrap();
    assert_eq!(
        (s1["first_due_nodes"].as_str(), s1["worst_road_s"].as_str()),
        ("2", "168.0")
    );
    let l1 = stations.iter().find(|r| r["id"] == "L1").unwrap();
    assert_eq!(l1["placement"], "not-responding");

    for f in ["coverage.geojson", "first_due.geojson", "gaps.geojson"] {
        let v = read_json(&out.path().join(f));
        assert_eq!(v["type"], "FeatureCollection", "{f}");
    }
    let cov = read_json(&out.path().join("coverage.geojson"));
    let covered_m: f64 = cov["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["covered"] == true)
        .map(|f| f["properties"]["length_m"].as_f64().unwrap())
        .sum();
    assert!((covered_m - 3100.0).abs() < 0.5, "{covered_m}");
    let fd = read_json(&out.path().join("first_due.geojson"));
    assert_eq!(fd["features"].as_array().unwrap().len(), 2);
    let run = read_json(&out.path().join("run.json"));
    check_output_timings(&run);
    assert_eq!(run["inputs"].as_array().unwrap().len(), 5);
    assert!(run["inputs"][0]["sha256"].as_str().unwrap().len() == 64);
    let md = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(
        md.contains("西站") && (md.contains("未接入路网") || md.contains("距道路过远")),
        "{md}"
    );
}

#[test]
fn second_run_uses_cache_and_parameters_invalidate_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let copy = dir.path().join("sc");
    std::fs::create_dir_all(&copy).unwrap();
    for f in [
        "nodes.csv",
        "edges.csv",
        "stations.csv",
        "demand.csv",
        "districts.geojson",
        "scenario.toml",
    ] {
        std::fs::copy(data("cli").join(f), copy.join(f)).unwrap();
    }
    let run = |out: &str| {
        let st = fireplan()
            .args(["run", "-q", "--cache-dir"])
            .arg(&cache)
            .arg("--out")
            .arg(dir.path().join(out))
            .arg(copy.join("scenario.toml"))
            .status()
            .unwrap();
        assert!(st.success());
        read_json(&dir.path().join(out).join("run.json"))["network_from_cache"]
            .as_bool()
            .unwrap()
    };
    assert!(!run("a"));
    assert!(run("b"));
    // A model parameter changes edge times: the cache must not be used.
    let text = std::fs::read_to_string(copy.join("scenario.toml")).unwrap();
    std::fs::write(
        copy.join("scenario.toml"),
        text.replace("[network]", "[network]\nspeed_factor = 0.5"),
    )
    .unwrap();
    assert!(!run("c"));
    let slow = read_json(&dir.path().join("c/summary.json"));
    assert!(slow["demand_coverage"].as_f64().unwrap() < 0.8);
    // The input file changes: not used either.
    let edges = std::fs::read_to_string(copy.join("edges.csv")).unwrap();
    std::fs::write(
        copy.join("edges.csv"),
        edges.replace("10,11,primary,1000", "10,11,primary,900"),
    )
    .unwrap();
    assert!(!run("d"));
}

#[test]
fn failed_run_names_the_problem_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("sc");
    std::fs::create_dir_all(&copy).unwrap();
    for f in [
        "nodes.csv",
        "edges.csv",
        "demand.csv",
        "districts.geojson",
        "scenario.toml",
    ] {
        std::fs::copy(data("cli").join(f), copy.join(f)).unwrap();
    }
    std::fs::write(
        copy.join("stations.csv"),
        "id,lon,lat,class\nS1,120.0,30.0,class9\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(&out)
        .arg(copy.join("scenario.toml"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("stations.csv") && err.contains("line 2") && err.contains("class"),
        "{err}"
    );
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
}

#[test]
fn validate_reports_inputs() {
    let o = fireplan()
        .args(["validate", "-q", "--no-cache"])
        .arg(data("cli/scenario.toml"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("5 nodes") && text.contains("2 responding") && text.contains("1 off-network"),
        "{text}"
    );
}

/// `simulate --plan` simulates the plan's stations: a station the plan closes takes no
/// incidents.
#[test]
fn simulate_with_a_plan_uses_the_plans_stations() {
    let out = tempfile::tempdir().unwrap();
    let st = fireplan()
        .args([
            "simulate",
            "-q",
            "--no-cache",
            "--years",
            "1",
            "--reps",
            "2",
            "--plan",
        ])
        .arg(data("sim/plan_close_d.toml"))
        .arg("--out")
        .arg(out.path())
        .arg(data("sim/scenario.toml"))
        .status()
        .unwrap();
    assert!(st.success());
    let rows = csv_rows(&out.path().join("sim_stations.csv"));
    let status = |id: &str| rows.iter().find(|r| r["station_id"] == id).unwrap()["status"].clone();
    assert_eq!(status("D"), "not-responding");
    assert_eq!(status("A"), "simulated");
}

/// Regression: `fireplan validate … | head -1` panicked with "failed printing to stdout".
#[test]
fn closed_stdout_does_not_panic() {
    for cmd in ["validate", "run"] {
        let out_dir = tempfile::tempdir().unwrap();
        let mut child = fireplan()
            .args([cmd, "-q", "--no-cache"])
            .args(if cmd == "run" {
                vec!["--out".into(), out_dir.path().to_path_buf()]
            } else {
                vec![]
            })
            .arg(data("cli/scenario.toml"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away before anything is printed
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Regression (issue 20, D1): `--out` pointing at the folder of the inputs used to
/// overwrite the input `stations.csv` with the output table. Now every command that writes
/// a run refuses such a folder before writing anything, and the inputs stay as they were.
#[test]
fn out_folder_holding_the_inputs_is_refused_and_the_inputs_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("plan");
    std::fs::create_dir_all(&copy).unwrap();
    for f in std::fs::read_dir(data("plan")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, copy.join(f.file_name().unwrap())).unwrap();
    }
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = std::fs::read_dir(&copy)
        .unwrap()
        .map(|f| {
            let p = f.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    let scenario = copy.join("scenario.toml");
    let plan = copy.join("plan_add_east.toml");
    let runs: [Vec<&std::ffi::OsStr>; 3] = [
        vec!["run".as_ref(), scenario.as_os_str()],
        vec![
            "run".as_ref(),
            scenario.as_os_str(),
            "--plan".as_ref(),
            plan.as_os_str(),
        ],
        vec![
            "optimize".as_ref(),
            scenario.as_os_str(),
            "--add".as_ref(),
            "1".as_ref(),
        ],
    ];
    for args in runs {
        let o = fireplan()
            .args(&args)
            .args(["-q", "--no-cache", "--out"])
            .arg(&copy)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} wrote into the input folder");
        assert!(err.contains("holds the input file"), "{args:?}: {err}");
        assert!(err.contains("--out"), "{err}");
    }
    // Not one input changed, and nothing was added.
    for (p, bytes) in &before {
        assert_eq!(&std::fs::read(p).unwrap(), bytes, "{} changed", p.display());
    }
    assert_eq!(std::fs::read_dir(&copy).unwrap().count(), before.len());
    // A fresh folder beside the inputs is fine.
    let o = fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(dir.path().join("out"))
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Regression (issue 20, P3): a district polygon covering the world asked the area grid for
/// 9.7 GB and aborted. Now `validate` and `run` refuse it up front, naming the file and
/// `grid_cell_m`.
#[test]
fn a_world_sized_district_is_refused_before_the_grid_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let copy = fixture_copy("cli", dir.path(), &[]);
    std::fs::write(
        copy.join("districts.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"world"},
        "geometry":{"type":"Polygon","coordinates":[[[-179,-85],[179,-85],[179,85],[-179,85],[-179,-85]]]}}]}"#,
    )
    .unwrap();
    for err in validate_and_run_refuse(&copy.join("scenario.toml"), &dir.path().join("out")) {
        assert!(
            err.contains("districts.geojson")
                && err.contains("grid_cell_m")
                && err.contains("cells"),
            "{err}"
        );
    }
    assert!(!dir.path().join("out").exists());
}

/// Regression (issue 20, hygiene): a station name with `|` or a line break broke the
/// report's tables.
#[test]
fn names_with_pipes_and_line_breaks_keep_report_tables_whole() {
    let dir = tempfile::tempdir().unwrap();
    let copy = fixture_copy("cli", dir.path(), &[]);
    std::fs::write(
        copy.join("stations.csv"),
        "id,name,class,lon,lat,staff\n\
         S2,\"East | Annex\",class2,120.031476213,30.000000000,20\n\
         S1,\"West\nStation\",class1,120.000000000,30.000000000,30\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(&out)
        .arg(copy.join("scenario.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let row = |id: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {id} |")))
            .unwrap_or_else(|| panic!("no row for {id}"))
            .to_string()
    };
    // Unescaped pipes separate cells: the station table has 8 columns.
    let cells = |l: &str| l.replace("\\|", "").matches('|').count() - 1;
    assert_eq!(cells(&row("S1")), 8, "{}", row("S1"));
    assert_eq!(cells(&row("S2")), 8, "{}", row("S2"));
    assert!(row("S2").contains("East \\| Annex") && row("S1").contains("West Station"));
}

/// Regression (issue 20, hygiene): a missing input file was reported by its path alone;
/// now the error names the scenario key that names it, where the planner fixes it.
#[test]
fn a_missing_input_file_names_the_scenario_key() {
    let dir = tempfile::tempdir().unwrap();
    let copy = fixture_copy("cli", dir.path(), &["demand.csv"]);
    let o = fireplan()
        .args(["validate", "-q", "--no-cache"])
        .arg(copy.join("scenario.toml"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("scenario.toml, key `demand.file`")
            && err.contains("demand.csv does not exist"),
        "{err}"
    );
}

/// Regression (issue 20, S6): `validate` passed a depot whose `area` names no district
/// (only `run` refused it). `validate` now runs every check a command runs.
#[test]
fn validate_refuses_what_run_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let copy = fixture_copy("supply", dir.path(), &[]);
    std::fs::write(
        copy.join("depots.csv"),
        "id,name,level,lon,lat,capacity_persons,area\n\
         C1,市级储备库,city,120.000000000,30.000000000,,\n\
         K1,县级储备库甲,county,120.038221115,30.000000000,50,北片\n",
    )
    .unwrap();
    let messages = validate_and_run_refuse(&copy.join("scenario.toml"), &dir.path().join("out"));
    for m in &messages {
        assert!(m.contains("depots.csv") && m.contains("北片"), "{m}");
    }
    // The untouched fixture validates.
    let o = fireplan()
        .args(["validate", "-q", "--no-cache"])
        .arg(data("supply/scenario.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("targets evaluated"));
}

/// Runs `validate` and `run` (into `out`) on `scenario`; both must fail. Their stderr.
fn validate_and_run_refuse(scenario: &std::path::Path, out: &std::path::Path) -> Vec<String> {
    ["validate", "run"]
        .into_iter()
        .map(|command| {
            let mut c = fireplan();
            c.args([command, "-q", "--no-cache"]).arg(scenario);
            if command == "run" {
                c.arg("--out").arg(out);
            }
            let o = c.output().unwrap();
            assert!(
                !o.status.success(),
                "{command} accepted {}",
                scenario.display()
            );
            String::from_utf8_lossy(&o.stderr).into_owned()
        })
        .collect()
}

/// `run.json`'s timings keep their stage keys and time every output step: none negative,
/// the steps written one after the other (and the maps beside them, the GeoPackage beside
/// `report.html`) each within the whole.
fn check_output_timings(run: &serde_json::Value) {
    let t = &run["timings_s"];
    for k in ["load_s", "coverage_s", "supply_s"] {
        assert!(t[k].as_f64().is_some_and(|x| x >= 0.0), "{k}: {t}");
    }
    for k in [
        "import_s",
        "build_s",
        "cache_write_s",
        "cache_read_s",
        "index_s",
    ] {
        assert!(t["network"][k].as_f64().is_some(), "network.{k}: {t}");
    }
    let o = &t["outputs"];
    let s = |k: &str| {
        let x = o[k].as_f64().unwrap_or_else(|| panic!("outputs.{k}: {o}"));
        assert!(x >= 0.0, "outputs.{k}: {o}");
        x
    };
    let in_turn: f64 = [
        "tables_s",
        "layers_s",
        "coverage_geojson_s",
        "supply_s",
        "report_md_s",
        "targets_csv_s",
    ]
    .iter()
    .map(|k| s(k))
    .sum();
    let total = s("total_s");
    assert!(total > 0.0, "{o}");
    assert!(in_turn <= total && s("maps_s") <= total, "{o}");
    assert!(s("gpkg_s") <= total && s("report_html_s") <= total, "{o}");
    assert_eq!(o.as_object().unwrap().len(), 10, "{o}");
}

#[test]
fn plan_runs_time_the_outputs_of_both_variants() {
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
    check_output_timings(&read_json(&out.path().join("run.json")));
    check_output_timings(&read_json(&out.path().join("baseline/run.json")));
}

/// Issue 17 item 5: the district table of `run` lines up by display width — a Chinese
/// character takes two terminal columns, so padding by characters put CJK names' figures
/// out of line with Latin ones. Each row's `demand` column starts at the same display
/// column, past the widest name.
#[test]
fn district_table_aligns_cjk_and_latin_names_by_display_width() {
    use unicode_width::UnicodeWidthStr;
    let dir = tempfile::tempdir().unwrap();
    let input = fixture_copy("cli", dir.path(), &[]);
    let districts = input.join("districts.geojson");
    let text = std::fs::read_to_string(&districts).unwrap();
    // A long mixed name (8 + 1 + 4 + 4 = 17 columns, 13 characters) beside 东区 (4 columns).
    std::fs::write(&districts, text.replace("西区", "Westside 西区新城")).unwrap();
    let out = dir.path().join("out");
    let o = fireplan()
        .args(["run", "-q", "--no-cache", "--out"])
        .arg(&out)
        .arg(input.join("scenario.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("  Westside") || l.starts_with("  东区"))
        .collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    let demand_column = |row: &str| {
        let at = row.find(" demand ").unwrap();
        UnicodeWidthStr::width(&row[..at])
    };
    // Two spaces, the 17-column name, then the column.
    assert_eq!(demand_column(rows[0]), 2 + 17, "{stdout}");
    assert_eq!(demand_column(rows[1]), 2 + 17, "{stdout}");
    assert!(
        rows[1].starts_with(&format!("  东区{}", " ".repeat(13))),
        "{stdout}"
    );
}
