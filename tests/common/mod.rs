//! Helpers shared by the integration tests: fixture paths, the binary under test, reading
//! its JSON and CSV outputs. Each test file includes this module with `mod common;`.

// Every test file is its own crate and compiles this module again, using only some of the
// helpers: the ones a file does not use would each warn as dead code there.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use fireplan::load::RunOptions;

/// The crate's folder (the checkout).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `tests/data/`, e.g. `data("osm/tiny.osm.pbf")`.
pub fn data(rel: &str) -> PathBuf {
    root().join("tests/data").join(rel)
}

/// A file of `../shared/data`, or `None` (with a message) when it is not there.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = root().join("../shared/data").join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

/// Run options for library calls: no network cache, no progress output.
pub fn quiet() -> RunOptions {
    RunOptions::default()
}

/// A copy of the fixture folder `tests/data/NAME` in `dir/in`, without the files named in
/// `except`, for tests that change or remove an input; returns the copy's folder.
pub fn fixture_copy(name: &str, dir: &Path, except: &[&str]) -> PathBuf {
    let copy = dir.join("in");
    std::fs::create_dir_all(&copy).unwrap();
    for f in std::fs::read_dir(data(name)).unwrap() {
        let f = f.unwrap().path();
        let file_name = f.file_name().unwrap();
        if !except.iter().any(|e| file_name == *e) {
            std::fs::copy(&f, copy.join(file_name)).unwrap();
        }
    }
    copy
}

/// The `fireplan` binary under test.
pub fn fireplan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fireplan"))
}

/// A JSON file, parsed.
pub fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The rows of a CSV file, each a map from column name to cell.
pub fn csv_rows(p: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            h.iter()
                .map(String::from)
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}
