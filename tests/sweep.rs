//! Sweeps on the hand-computed plan fixture (tests/plan.rs; threshold 150 s): expansion and
//! run ids, the figures of each run, resume after a kill, shards and merge, thread count,
//! failed runs and bad input.
//!
//! Figures (speed factor 1): demand at_n1 (weight 1) reached by S1 after turnout + 72 s,
//! mid_n2_n3 (1) by S2 after turnout + 80 s, south_of_n3 (2) by S2 after turnout + 24 s,
//! far_away (1) off the network. Turnout 45: 117, 125, 69 → 4/5 = 0.8; turnout 75: 147,
//! 155 (late), 99 → 3/5 = 0.6. The plan (close S2, add S3 at n2): south_of_n3 from S3
//! takes turnout + 160 + 24 s (late at both turnouts), mid_n2_n3 turnout + 80 s → 0.4 at
//! turnout 45, 0.2 at 75 (mid late).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;

use fireplan::sweep::{run_id, Shard, Sweep};
use rusqlite::types::Value as Sql;
use sha2::{Digest, Sha256};

use common::{data, fireplan};

/// Runs `fireplan sweep ARGS…` quietly without the network cache; panics on failure.
fn sweep(args: &[&str]) -> String {
    let o = fireplan()
        .arg("sweep")
        .args(args)
        .args(["-q", "--no-cache"])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "fireplan sweep {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every row of the store in `dir`, keyed by run id, without the timing columns.
fn rows(dir: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let conn = rusqlite::Connection::open(dir.join("sweep.sqlite")).unwrap();
    let mut st = conn.prepare("SELECT * FROM runs").unwrap();
    let cols: Vec<String> = st.column_names().into_iter().map(String::from).collect();
    let rows = st
        .query_map([], |r| {
            let mut m = BTreeMap::new();
            for (i, c) in cols.iter().enumerate() {
                if c == "elapsed_s" || c == "finished_at" {
                    continue;
                }
                m.insert(c.clone(), format!("{:?}", r.get::<_, Sql>(i)?));
            }
            Ok(m)
        })
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows.into_iter()
        .map(|m| {
            (
                m["run_id"]
                    .trim_start_matches("Text(\"")
                    .trim_end_matches("\")")
                    .to_string(),
                m,
            )
        })
        .collect()
}

fn count(dir: &Path) -> usize {
    let Ok(conn) = rusqlite::Connection::open_with_flags(
        dir.join("sweep.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) else {
        return 0;
    };
    conn.query_row("SELECT COUNT(*) FROM runs", [], |r| r.get::<_, i64>(0))
        .map(|n| n as usize)
        .unwrap_or(0)
}

#[test]
fn cartesian_expansion_and_stable_run_ids() {
    let s = Sweep::load(&data("sweep/sweep.toml")).unwrap();
    let axes: Vec<&str> = s.axes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(axes, ["network.speed_factor", "plan", "response.turnout_s"]);
    assert_eq!(s.runs.len(), 8);
    // The id is the SHA-256 of the canonical parameters (keys sorted, no spaces).
    let canonical = r#"{"network.speed_factor":1.0,"plan":"none","response.turnout_s":45}"#;
    assert_eq!(
        fireplan::sweep::canonical_params(&s.runs[0].params),
        canonical
    );
    let digest = format!("{:x}", Sha256::digest(canonical.as_bytes()));
    assert_eq!(s.runs[0].id, digest[..16]);
    // Literal ids: the same on every machine and every run.
    let ids: Vec<&str> = s.runs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "24df1c389665c652",
            "19c9b1b3a58e9fb8",
            "50fc640f340c663b",
            "d74428836ffa73ce",
            "1f149c6b272be30f",
            "49073d155df77641",
            "e978be53ad543fe8",
            "36dfb1c6b632f3d5",
        ]
    );
    // Independent of the order the parameters are given in.
    let mut p = BTreeMap::new();
    p.insert("response.turnout_s".to_string(), serde_json::json!(45));
    p.insert("plan".to_string(), serde_json::json!("none"));
    p.insert("network.speed_factor".to_string(), serde_json::json!(1.0));
    assert_eq!(run_id(&p), "24df1c389665c652");
    // Shards partition the runs.
    let mut all: Vec<&str> = (1..=3)
        .flat_map(|i| {
            s.runs_of(Some(Shard { index: i, count: 3 }))
                .into_iter()
                .map(|r| r.id.as_str())
        })
        .collect();
    all.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(all, want);
}

#[test]
fn runs_give_the_hand_computed_figures() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("s");
    sweep(&[
        data("sweep/sweep.toml").to_str().unwrap(),
        "--out",
        o.to_str().unwrap(),
    ]);
    let rows = rows(&o);
    assert_eq!(rows.len(), 8);
    let want = [
        ("24df1c389665c652", "Real(0.8)"),
        ("19c9b1b3a58e9fb8", "Real(0.6)"),
        ("50fc640f340c663b", "Real(0.4)"),
        ("d74428836ffa73ce", "Real(0.2)"),
    ];
    for (id, cov) in want {
        assert_eq!(rows[id]["status"], "Text(\"ok\")");
        assert_eq!(rows[id]["demand_coverage"], cov, "{id}");
    }
    let csv = std::fs::read_to_string(o.join("results.csv")).unwrap();
    assert!(csv.starts_with(
        "run_id,run_index,network.speed_factor,plan,response.turnout_s,status,error,demand_coverage,"
    ));
    assert!(
        csv.contains("\n24df1c389665c652,0,1.0,none,45,ok,,0.8,"),
        "{csv}"
    );
    assert!(o.join("sweep_report.md").is_file());
    // One plot per axis (axes in file order); the turnout axis has a bar per value.
    let report = std::fs::read_to_string(o.join("sweep_report.md")).unwrap();
    let plots: Vec<String> = (1..=3)
        .map(|i| std::fs::read_to_string(o.join(format!("sweep_axis_{i}.svg"))).unwrap())
        .collect();
    let turnout = plots
        .iter()
        .find(|p| p.contains("by response.turnout_s"))
        .expect("a plot for the turnout axis");
    assert_eq!(turnout.matches("class=\"bar\"").count(), 2, "{turnout}");
    assert!(turnout.contains(">45<") && turnout.contains(">75<"));
    assert!(report.contains("](sweep_axis_1.svg)"));
    // A second invocation finds everything in the store and runs nothing.
    let again = sweep(&[
        data("sweep/sweep.toml").to_str().unwrap(),
        "--out",
        o.to_str().unwrap(),
    ]);
    assert!(
        again.contains("8 already in the store, 0 run now"),
        "{again}"
    );
}

#[test]
fn a_killed_sweep_resumes_to_the_same_store() {
    let out = tempfile::tempdir().unwrap();
    let full = out.path().join("full");
    let killed = out.path().join("killed");
    let file = data("sweep/sweep.toml");
    sweep(&[file.to_str().unwrap(), "--out", full.to_str().unwrap()]);

    // The hook makes the child stop writing after 3 committed runs; then it is killed.
    let mut child = fireplan()
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--out",
            killed.to_str().unwrap(),
        ])
        .args(["-q", "--no-cache", "--threads", "1"])
        .env("FIREPLAN_SWEEP_PAUSE_AFTER", "3")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while count(&killed) < 3 {
        assert!(t0.elapsed().as_secs() < 120, "the sweep did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(count(&killed), 3);

    let resumed = sweep(&[
        file.to_str().unwrap(),
        "--out",
        killed.to_str().unwrap(),
        "--resume",
    ]);
    assert!(
        resumed.contains("3 already in the store, 5 run now"),
        "{resumed}"
    );
    assert_eq!(rows(&killed), rows(&full));
}

#[test]
fn shards_merged_equal_the_unsharded_sweep_and_threads_do_not_matter() {
    let out = tempfile::tempdir().unwrap();
    let file = data("sweep/sweep.toml");
    let f = file.to_str().unwrap();
    let dir = |n: &str| out.path().join(n);
    sweep(&[f, "--out", dir("one").to_str().unwrap(), "--threads", "1"]);
    sweep(&[f, "--out", dir("two").to_str().unwrap(), "--threads", "2"]);
    assert_eq!(rows(&dir("one")), rows(&dir("two")));

    let mut shard_rows = 0;
    for i in 1..=3 {
        let d = dir(&format!("shard{i}"));
        sweep(&[
            f,
            "--out",
            d.to_str().unwrap(),
            "--shard",
            &format!("{i}/3"),
        ]);
        shard_rows += count(&d);
    }
    assert_eq!(shard_rows, 8);
    let merged = dir("merged");
    let o = fireplan()
        .args(["sweep", "merge"])
        .args((1..=3).map(|i| dir(&format!("shard{i}"))))
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(rows(&merged), rows(&dir("one")));
    assert!(merged.join("results.csv").is_file());

    // Two shards of three: the missing runs are named, exit status 3; a shard given twice
    // is reported as duplicated.
    let o = fireplan()
        .args(["sweep", "merge"])
        .arg(dir("shard1"))
        .arg(dir("shard1"))
        .arg(dir("shard2"))
        .arg("--out")
        .arg(dir("partial"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "{text}");
    let missing = count(&dir("shard3"));
    assert!(text.contains(&format!("{missing} runs missing")), "{text}");
    assert!(text.contains("found in more than one store"), "{text}");

    // A store of another sweep file is refused.
    sweep(&[
        data("sweep/runs.toml").to_str().unwrap(),
        "--out",
        dir("other").to_str().unwrap(),
    ]);
    let o = fireplan()
        .args(["sweep", "merge"])
        .arg(dir("shard1"))
        .arg(dir("other"))
        .arg("--out")
        .arg(dir("mixed"))
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        e.contains("stores of different sweeps cannot be merged"),
        "{e}"
    );
}

#[test]
fn a_failing_run_is_recorded_and_the_sweep_goes_on() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("runs");
    let text = sweep(&[
        data("sweep/runs.toml").to_str().unwrap(),
        "--out",
        o.to_str().unwrap(),
    ]);
    assert!(text.contains("3 run now (1 failed)"), "{text}");
    let rows = rows(&o);
    let failed: Vec<_> = rows
        .values()
        .filter(|r| r["status"] == "Text(\"failed\")")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]["error"].contains("off the network"),
        "{:?}",
        failed[0]
    );
    assert!(failed[0]["error"].contains("plan_off_network.toml"));
    let ok: Vec<&str> = rows
        .values()
        .filter(|r| r["status"] == "Text(\"ok\")")
        .map(|r| r["demand_coverage"].as_str())
        .collect();
    assert_eq!(ok.len(), 2);
    assert!(
        ok.contains(&"Real(0.8)") && ok.contains(&"Real(0.2)"),
        "{ok:?}"
    );
}

#[test]
fn bad_input_names_the_sweep_file_the_axis_and_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = data("plan/scenario.toml");
    let cases: [(&str, &[&str], &[&str]); 9] = [
        // Regression (issue 20, S1): NaN became an empty cell and the base scenario's value.
        (
            r#""network.speed_factor" = [nan, 1.0]"#,
            &[],
            &["axes.network.speed_factor", "NaN is not a finite number"],
        ),
        // Out of range: refused for the run it would make, naming the axis and value.
        (
            r#""response.dispatch_s" = [0, 1.1e6]"#,
            &[],
            &[
                "response.dispatch_s",
                "1100000",
                "expected a value 0 s … 3600 s",
            ],
        ),
        (
            "response.turnout = [45]",
            &[],
            &["axes.response.turnout", "45", "did you mean `turnout_s`?"],
        ),
        (
            "respons.turnout_s = [45]",
            &[],
            &["respons.turnout_s", "45", "did you mean `response`?"],
        ),
        (
            r#"response.turnout_s = ["fast"]"#,
            &[],
            &["response.turnout_s", "\"fast\"", "invalid type: string"],
        ),
        (
            "response.turnout_s = []",
            &[],
            &["response.turnout_s", "is empty"],
        ),
        (
            r#"plan = ["none", "nope.toml"]"#,
            &[],
            &["axes.plan", "\"nope.toml\"", "does not exist"],
        ),
        (
            "response.turnout_s = [45]",
            &["--shard", "0/4"],
            &["--shard `0/4`", "outside 1..=4"],
        ),
        (
            "response.turnout_s = [45]",
            &["--shard", "5/4"],
            &["--shard `5/4`", "outside 1..=4"],
        ),
    ];
    for (n, (axis, extra, want)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("bad{n}.toml"));
        std::fs::write(
            &file,
            format!(
                "scenario = {:?}\n[axes]\n{axis}\n",
                scenario.to_str().unwrap()
            ),
        )
        .unwrap();
        let o = fireplan()
            .arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(dir.path().join("out"))
            .args(*extra)
            .args(["-q", "--no-cache"])
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{axis}: {e}");
        assert!(
            e.contains(&format!("bad{n}.toml")),
            "{axis}: sweep file not named: {e}"
        );
        for w in *want {
            assert!(e.contains(w), "{axis}: want `{w}` in: {e}");
        }
    }
}

/// `[simulate]` runs the incident simulation on every run: each row carries the simulated
/// first-unit coverage, and a longer turnout gives less of it (same seed, same incidents).
#[test]
fn simulated_sweep_records_simulated_coverage_per_run() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("out");
    sweep(&[
        data("sweep/sim_sweep.toml").to_str().unwrap(),
        "--out",
        o.to_str().unwrap(),
    ]);
    let mut r = csv::Reader::from_path(o.join("results.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| {
        h.iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (turnout, status, sim) = (
        col("response.turnout_s"),
        col("status"),
        col("sim.first_unit_within_threshold.mean"),
    );
    let mut by_turnout = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        assert_eq!(&rec[status], "ok");
        by_turnout.insert(rec[turnout].to_string(), rec[sim].parse::<f64>().unwrap());
    }
    assert_eq!(by_turnout.len(), 2);
    assert!(by_turnout["45"] > by_turnout["120"], "{by_turnout:?}");
    assert!(by_turnout["45"] > 0.0 && by_turnout["45"] <= 1.0);
}

/// Issue 20, item 6: a sweep killed with SIGKILL at 20 points spread over its life (store
/// creation, runs, commits, the report) and resumed each time loses no finished run,
/// duplicates none, keeps a sound SQLite file, and ends with the rows of an uninterrupted
/// sweep.
#[cfg(unix)]
#[test]
fn a_sweep_killed_at_twenty_points_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.toml");
    let turnouts: Vec<String> = (0..20).map(|i| (30 + 5 * i).to_string()).collect();
    std::fs::write(
        &file,
        format!(
            "name = \"kill test\"\nscenario = {:?}\n[axes]\n\"response.turnout_s\" = [{}]\n\
             \"network.speed_factor\" = [1.0, 0.5]\n",
            data("plan/scenario.toml").to_str().unwrap(),
            turnouts.join(", ")
        ),
    )
    .unwrap();
    let full = dir.path().join("full");
    sweep(&[file.to_str().unwrap(), "--out", full.to_str().unwrap()]);
    assert_eq!(count(&full), 40);

    let killed = dir.path().join("killed");
    let mut before = 0;
    // Kill points from a fixed pseudo-random sequence (deterministic test).
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for k in 0..20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay_ms = 5 + x % 400;
        let mut child = fireplan()
            .args([
                "sweep",
                file.to_str().unwrap(),
                "--out",
                killed.to_str().unwrap(),
            ])
            .args(["-q", "--no-cache", "--threads", "1", "--resume"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        let now = count(&killed);
        assert!(
            now >= before,
            "kill {k}: finished runs lost ({before} → {now})"
        );
        before = now;
        if killed.join("sweep.sqlite").exists() {
            let conn = rusqlite::Connection::open(killed.join("sweep.sqlite")).unwrap();
            let ok: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(ok, "ok", "kill {k}");
            let dup: i64 = conn
                .query_row(
                    "SELECT COUNT(*) - COUNT(DISTINCT run_id) FROM runs",
                    [],
                    |r| r.get(0),
                )
                .unwrap_or(0);
            assert_eq!(dup, 0, "kill {k}");
        }
    }
    eprintln!("{before} of 40 runs finished across 20 kills");
    sweep(&[
        file.to_str().unwrap(),
        "--out",
        killed.to_str().unwrap(),
        "--resume",
    ]);
    assert_eq!(rows(&killed), rows(&full));
}

/// A closure in a sweep: `plan = ["none", "close_bridge.toml"]` × threshold on the supply
/// fixture (tests/closures.rs has the arithmetic). Open network: D1 213 s, every weight
/// within 300 s → 1.0 at both thresholds. Bridge closed: D1 366 s → 4 of 5 weight (0.8)
/// at 300 s, 1.0 at 400 s; S3 off the network (4 stations). All four runs share one load:
/// the closed network is the plan runs' own, never the open runs'.
#[test]
fn a_plan_axis_tests_a_road_closure() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("s");
    let said = sweep(&[
        data("closures/sweep.toml").to_str().unwrap(),
        "--out",
        o.to_str().unwrap(),
    ]);
    assert!(said.contains("load: 1 network(s)"), "{said}");
    let mut r = csv::Reader::from_path(o.join("results.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let col = |row: &csv::StringRecord, name: &str| -> String {
        let i = headers.iter().position(|h| h == name).unwrap();
        row[i].to_string()
    };
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let got: Vec<(String, String, String, String, String)> = rows
        .iter()
        .map(|row| {
            (
                col(row, "plan"),
                col(row, "response.threshold_s"),
                col(row, "demand_coverage"),
                col(row, "stations"),
                col(row, "closures.秦望大桥.demand_lost"),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        [
            (s("none"), s("300"), s("1.0"), s("5"), s("")),
            (s("none"), s("400"), s("1.0"), s("5"), s("")),
            (s("close_bridge.toml"), s("300"), s("0.8"), s("4"), s("1")),
            (s("close_bridge.toml"), s("400"), s("1.0"), s("4"), s("0")),
        ]
    );
    for row in &rows[2..] {
        assert_eq!(col(row, "closures.秦望大桥.road_km_closed"), "4.25");
    }
}
