//! Keeps the layering of ARCHITECTURE.md true: a module of the library may use only
//! modules on a lower floor (or itself). Reads every `crate::…` path in `src/` (code, not
//! comments) and fails naming the file, the line and the upward import.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The floors, lowest first. A module may use the modules of lower floors only.
const FLOORS: &[&[&str]] = &[
    &["error", "memory", "names", "progress"],
    &["atomic", "model"],
    &["params"],
    &["network"],
    &["io"],
    &["load"],
    &["coverage"],
    &["supply", "sim", "calibrate", "water"],
    &["plan"],
    &["run"],
    &["optimize", "sweep", "synth"],
    &["report"],
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|f| f.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules named by `crate::` paths on one line of code, including the
/// groups of `use crate::{a::b, c};`.
fn crate_modules(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // Names at depth 1 of the group.
            let mut depth = 1;
            let mut word = String::new();
            let mut at_start = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => at_start = true,
                    c if c.is_alphanumeric() || c == '_' => {
                        if at_start && depth == 1 {
                            word.push(c);
                        }
                    }
                    _ => {
                        if !word.is_empty() {
                            found.push(std::mem::take(&mut word));
                        }
                        if !c.is_whitespace() {
                            at_start = false;
                        }
                    }
                }
            }
            if !word.is_empty() {
                found.push(word);
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
        rest = after;
    }
    found
}

/// Every upward (or unknown) `crate::` use under `src/`: (file, line, module, used).
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if matches!(module.as_str(), "lib" | "main" | "cli") {
            continue; // the crate root and the binary sit on top
        }
        let Some(own) = floor_of(&module) else {
            bad.push(format!(
                "{}: module `{module}` has no floor in FLOORS",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for used in crate_modules(code) {
                if used == module || used == "Error" || used == "Result" {
                    continue;
                }
                match floor_of(&used) {
                    Some(f) if f < own => {}
                    Some(_) => bad.push(format!(
                        "{}:{}: `{module}` (floor {own}) uses `{used}` (not below it): {}",
                        rel.display(),
                        n + 1,
                        code.trim()
                    )),
                    None => bad.push(format!(
                        "{}:{}: `{module}` uses `crate::{used}`, which has no floor",
                        rel.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    bad
}

#[test]
fn lower_modules_never_use_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(
        bad.is_empty(),
        "{} upward imports:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn every_module_of_the_library_has_a_floor() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let mut modules = BTreeMap::new();
    for line in lib.lines() {
        if let Some(m) = line.trim().strip_prefix("pub mod ") {
            let m = m.trim_end_matches(';');
            modules.insert(m.to_string(), floor_of(m));
        }
    }
    let missing: Vec<&String> = modules
        .iter()
        .filter(|(_, f)| f.is_none())
        .map(|(m, _)| m)
        .collect();
    assert!(missing.is_empty(), "modules without a floor: {missing:?}");
    assert!(modules.len() >= 17, "{modules:?}");
}

#[test]
fn the_checker_sees_grouped_and_plain_paths() {
    assert_eq!(crate_modules("use crate::run::RunResult;"), ["run"]);
    assert_eq!(
        crate_modules("use crate::{io::{self, tables}, model::Station, error};"),
        ["io", "model", "error"]
    );
    assert_eq!(
        crate_modules("let x = crate::report::write_atomic(&p, crate::model::X);"),
        ["report", "model"]
    );
    // A planted upward import is found.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("network")).unwrap();
    std::fs::write(
        dir.path().join("network/graph.rs"),
        "// crate::report in a comment is fine\nuse crate::model::RoadClass;\nuse crate::report::write;\n",
    )
    .unwrap();
    let bad = violations(dir.path());
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].starts_with("network/graph.rs:3: `network` (floor 3) uses `report`"),
        "{bad:?}"
    );
}
