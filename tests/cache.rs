//! The prepared-network cache cannot lie: a damaged, truncated or foreign cache file is
//! detected (format, key, checksum, consistency), reported as a warning and rebuilt with
//! identical results — never a panic, never other numbers.

mod common;

use std::path::Path;

use common::{data, fireplan, read_json};

/// Runs the hand-computed CLI scenario with `cache`; returns (from_cache, stderr).
fn run(scenario: &Path, cache: &Path, out: &Path) -> (bool, String) {
    let o = fireplan()
        .args(["run", "-q", "--cache-dir"])
        .arg(cache)
        .arg("--out")
        .arg(out)
        .arg(scenario)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    let from_cache = read_json(&out.join("run.json"))["network_from_cache"]
        .as_bool()
        .unwrap();
    (from_cache, stderr)
}

fn cache_files(cache: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    v.sort();
    v
}

#[test]
fn damaged_cache_files_are_rebuilt_with_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = data("cli/scenario.toml");
    let cache = dir.path().join("cache");
    let (hit, _) = run(&scenario, &cache, &dir.path().join("a"));
    assert!(!hit);
    let want = std::fs::read(dir.path().join("a/summary.json")).unwrap();
    // Both vehicle profiles are cached from one import.
    let files = cache_files(&cache);
    assert_eq!(files.len(), 2, "{files:?}");
    let (hit, _) = run(&scenario, &cache, &dir.path().join("b"));
    assert!(hit, "an intact cache is used");

    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 4] = [
        ("one flipped byte in the payload", |b| {
            let i = b.len() / 2;
            b[i] ^= 0x5a;
        }),
        ("truncated", |b| b.truncate(b.len() / 3)),
        ("empty", |b| b.clear()),
        ("the last byte flipped", |b| {
            let i = b.len() - 1;
            b[i] ^= 0x01;
        }),
    ];
    for (n, (what, damage)) in damages.into_iter().enumerate() {
        for f in &files {
            let mut bytes = std::fs::read(f).unwrap();
            damage(&mut bytes);
            std::fs::write(f, bytes).unwrap();
        }
        let out = dir.path().join(format!("damaged{n}"));
        let (hit, stderr) = run(&scenario, &cache, &out);
        assert!(!hit, "{what}: a damaged cache must not be used");
        assert!(stderr.contains("rebuilt"), "{what}: {stderr}");
        assert_eq!(
            std::fs::read(out.join("summary.json")).unwrap(),
            want,
            "{what}: other numbers after the rebuild"
        );
        // The rebuilt file is whole again.
        let (hit, stderr) = run(&scenario, &cache, &dir.path().join(format!("again{n}")));
        assert!(hit, "{what}: the rebuilt cache is used");
        assert!(!stderr.contains("rebuilt"), "{what}: {stderr}");
    }

    // A whole, valid cache file of other inputs copied under this name is refused too.
    let other_dir = tempfile::tempdir().unwrap();
    let copy = other_dir.path().join("sc");
    std::fs::create_dir_all(&copy).unwrap();
    for f in std::fs::read_dir(data("cli")).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            std::fs::copy(&f, copy.join(f.file_name().unwrap())).unwrap();
        }
    }
    let text = std::fs::read_to_string(copy.join("scenario.toml")).unwrap();
    std::fs::write(
        copy.join("scenario.toml"),
        text.replace("[network]", "[network]\nspeed_factor = 0.5"),
    )
    .unwrap();
    let other_cache = other_dir.path().join("cache");
    run(
        &copy.join("scenario.toml"),
        &other_cache,
        &other_dir.path().join("o"),
    );
    let foreign = cache_files(&other_cache);
    for (mine, theirs) in files.iter().zip(&foreign) {
        std::fs::copy(theirs, mine).unwrap();
    }
    let out = dir.path().join("foreign");
    let (hit, stderr) = run(&scenario, &cache, &out);
    assert!(
        !hit && stderr.contains("built for other inputs"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), want);
}

/// Regression (issue 20, fuzzing): inputs on which the `cache_decoder` fuzz target found a
/// panic. The first is a real cache file, mutated (lengths and times of +∞ among others)
/// and re-sealed behind a matching checksum: the consistency check passed it and the
/// snapping index (rstar) panicked comparing a distance that was not a number.
#[test]
fn cache_decoder_crash_inputs_are_refused() {
    let dir = data("fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("cache_decoder-")
        {
            fireplan::load::network::exercise_cache_bytes(&std::fs::read(&path).unwrap());
            n += 1;
        }
    }
    assert!(n >= 1, "no crash inputs in {}", dir.display());
}
