//! Golden outputs: the bundled demo run, the demo plan run, a placement search with its
//! simulated re-ranking, and the demo sweep, each compared file by file (SHA-256) with
//! `tests/golden/*.sha256`. A refactoring that changes any number, row or map shows here.
//!
//! Left out, because they carry the clock or the machine: `run.json` (timings, paths),
//! `fireplan.gpkg` (timestamps), the PNG and PDF maps and `report.html` (they embed the
//! PNGs; their text depends on the CJK font installed), `manifest.json` (their hashes) and
//! `sweep.sqlite`; timing fields are removed
//! from `optimize_summary.json` and `results.csv` before hashing.
//!
//! After a change that is meant to change outputs, regenerate the manifests with
//! `FIREPLAN_BLESS=1 cargo test --release --test golden`: the test then writes them and
//! fails, so the switch cannot be left on; review `git diff tests/golden` and commit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// A fixed map date (2025-11-29), so that map files compare across days.
const SOURCE_DATE_EPOCH: &str = "1764374400";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Runs the binary from the repository root with a private cache and a fixed date.
fn fireplan(args: &[&str], cache: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_fireplan"))
        .args(args)
        .arg("--quiet")
        .current_dir(root())
        .env("FIREPLAN_CACHE_DIR", cache)
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "fireplan {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn files(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            files(&p, base, out);
        } else {
            out.push(p.strip_prefix(base).unwrap().to_path_buf());
        }
    }
}

/// The bytes that are compared: timing fields removed where a file has them.
fn comparable(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    if name.ends_with("optimize_summary.json") {
        let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        if let Some(o) = v.as_object_mut() {
            o.remove("sets_s");
            o.remove("solve_s");
        }
        return serde_json::to_vec_pretty(&v).unwrap();
    }
    if name.ends_with("results.csv") {
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let header = r.headers().unwrap().clone();
        let keep: Vec<usize> = (0..header.len())
            .filter(|&i| &header[i] != "elapsed_s")
            .collect();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(keep.iter().map(|&i| &header[i])).unwrap();
        for rec in r.records() {
            let rec = rec.unwrap();
            w.write_record(keep.iter().map(|&i| &rec[i])).unwrap();
        }
        return w.into_inner().unwrap();
    }
    bytes
}

fn skipped(name: &str) -> bool {
    name.ends_with("run.json")
        || name.ends_with(".gpkg")
        || name.ends_with(".png")
        || name.ends_with(".pdf")
        || name.ends_with("report.html")
        || name.contains("sweep.sqlite")
        || name.ends_with("manifest.json")
}

/// SHA-256 of every compared output under `dir`, by relative path.
fn digest(dir: &Path) -> BTreeMap<String, String> {
    let mut list = Vec::new();
    files(dir, dir, &mut list);
    list.into_iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|name| !skipped(name))
        .map(|name| {
            let bytes = comparable(&name, std::fs::read(dir.join(&name)).unwrap());
            (name, format!("{:x}", Sha256::digest(&bytes)))
        })
        .collect()
}

/// Compares `dir`'s outputs with `tests/golden/<case>.sha256` (or writes it when blessing).
fn check(case: &str, dir: &Path) {
    let got = digest(dir);
    let manifest = root().join("tests/golden").join(format!("{case}.sha256"));
    if std::env::var_os("FIREPLAN_BLESS").is_some() {
        let text: String = got.iter().map(|(f, h)| format!("{h}  {f}\n")).collect();
        std::fs::create_dir_all(manifest.parent().unwrap()).unwrap();
        std::fs::write(&manifest, text).unwrap();
        panic!(
            "wrote {} ({} files); unset FIREPLAN_BLESS, review `git diff tests/golden` and commit",
            manifest.display(),
            got.len()
        );
    }
    let text = std::fs::read_to_string(&manifest)
        .unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
    let want: BTreeMap<String, String> = text
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(h, f)| (f.to_string(), h.to_string()))
        .collect();
    let mut problems = Vec::new();
    for (f, h) in &want {
        match got.get(f) {
            None => problems.push(format!("missing: {f}")),
            Some(g) if g != h => problems.push(format!("changed: {f}")),
            Some(_) => {}
        }
    }
    for f in got.keys().filter(|f| !want.contains_key(*f)) {
        problems.push(format!("new: {f}"));
    }
    assert!(
        problems.is_empty(),
        "{case}: outputs differ from {}:\n{}",
        manifest.display(),
        problems.join("\n")
    );
    assert!(want.len() >= 5, "{case}: too few files in the manifest");
}

#[test]
fn demo_run_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    fireplan(
        &["run", "scenarios/demo.toml", "--out", out.to_str().unwrap()],
        &tmp.path().join("cache"),
    );
    check("demo", &out);
}

#[test]
fn demo_plan_run_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    fireplan(
        &[
            "run",
            "scenarios/demo.toml",
            "--plan",
            "scenarios/demo_plan.toml",
            "--out",
            out.to_str().unwrap(),
        ],
        &tmp.path().join("cache"),
    );
    check("demo_plan", &out);
}

#[test]
fn demo_optimize_and_rerank_are_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let out = tmp.path().join("optimize");
    fireplan(
        &[
            "optimize",
            "scenarios/demo.toml",
            "--add",
            "2",
            "--grid",
            "1500",
            "--simulate",
            "3",
            "--out",
            out.to_str().unwrap(),
        ],
        &cache,
    );
    check("demo_optimize", &out);
}

#[test]
fn demo_sweep_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let out = tmp.path().join("sweep");
    fireplan(
        &[
            "sweep",
            "scenarios/demo_sweep.toml",
            "--out",
            out.to_str().unwrap(),
        ],
        &cache,
    );
    check("demo_sweep", &out);
}
