//! The prepared-network cache cannot lie: a damaged, truncated or foreign cache file is
//! detected (format, key, checksum, consistency), reported as a warning and rebuilt with
//! identical results — never a panic, never other numbers.

mod common;

use std::path::Path;

use common::{data, fireplan, quiet, read_json, root};
use fireplan::load::{load, prepare_logistics, RunOptions};
use fireplan::network::{Profile, SnapIndex};
use fireplan::params::Scenario;

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

/// The logistics network read from the cache — its times on the emergency network's
/// roads, sharing that network's snapping index — is the network an import builds and
/// snaps alike; the logistics file holds times only; damaged alone, it is rebuilt.
#[test]
fn cached_logistics_times_give_the_imported_network() {
    let sc = Scenario::load(&root().join("scenarios/demo.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let opts = RunOptions {
        cache_dir: Some(cache.clone()),
        ..quiet()
    };
    let (_, e0) = load(&sc, &quiet()).unwrap();
    let l0 = prepare_logistics(&sc, &quiet(), Some(&e0)).unwrap();
    assert!(!e0.from_cache && !l0.from_cache);
    let (_, e1) = load(&sc, &opts).unwrap();
    assert!(!e1.from_cache);
    let (_, e2) = load(&sc, &opts).unwrap();
    let l2 = prepare_logistics(&sc, &opts, Some(&e2)).unwrap();
    assert!(e2.from_cache && l2.from_cache && l2.cache_rebuilt.is_none());
    assert_eq!(e2.network, e0.network);
    assert_eq!(l2.network, l0.network);
    assert_eq!(l2.network.profile, Profile::Logistics);
    assert_eq!(l2.import, l0.import);

    // Snapping: the cached order gives what a fresh index gives, and that is the nearest
    // segment by a scan of every drivable segment (rstar's point-to-line distance, ties
    // to the lowest index).
    let net = &l0.network;
    let fresh = SnapIndex::new(net);
    let brute = |lon: f64, lat: f64| {
        use rstar::PointDistance;
        let p = net.projection.project(lon, lat);
        (0..net.segments.len())
            .filter(|&s| {
                let s = &net.segments[s];
                s.time_ab_s.is_finite() || s.time_ba_s.is_finite()
            })
            .map(|s| {
                let g = &net.segments[s];
                let (a, b) = (&net.nodes[g.a as usize], &net.nodes[g.b as usize]);
                let line = rstar::primitives::Line::new(
                    net.projection.project(a.lon, a.lat),
                    net.projection.project(b.lon, b.lat),
                );
                (line.distance_2(&p), s as u32)
            })
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
            .map(|x| x.1)
    };
    let mut checked = 0;
    for (i, n) in net.nodes.iter().enumerate().step_by(97) {
        let lon = n.lon + 3e-4 * ((i % 7) as f64 - 3.0);
        let lat = n.lat + 2e-4 * ((i % 5) as f64 - 2.0);
        let cached = l2.index.snap(&l2.network, lon, lat);
        assert_eq!(cached, fresh.snap(net, lon, lat));
        assert_eq!(
            e2.index.snap(&e2.network, lon, lat),
            e0.index.snap(&e0.network, lon, lat)
        );
        assert_eq!(cached.map(|s| s.segment), brute(lon, lat), "{lon} {lat}");
        // On a node: equally near every segment ending there.
        assert_eq!(
            l2.index.snap(&l2.network, n.lon, n.lat).map(|s| s.segment),
            brute(n.lon, n.lat)
        );
        checked += 1;
    }
    assert!(checked > 300, "{checked}");

    // The logistics file is times only: a fraction of the emergency file.
    let mut files: Vec<(u64, std::path::PathBuf)> = cache_files(&cache)
        .into_iter()
        .map(|f| (std::fs::metadata(&f).unwrap().len(), f))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2);
    assert!(files[0].0 * 3 < files[1].0, "{files:?}");
    let mut bytes = std::fs::read(&files[0].1).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x10;
    std::fs::write(&files[0].1, bytes).unwrap();
    let l3 = prepare_logistics(&sc, &opts, Some(&e2)).unwrap();
    let why = l3.cache_rebuilt.as_deref().unwrap_or_default();
    assert!(!l3.from_cache && why.contains("checksum mismatch"), "{why}");
    assert_eq!(l3.network, l0.network);
    // Rebuilt from the logistics side, both files are whole again.
    let (_, e4) = load(&sc, &opts).unwrap();
    let l4 = prepare_logistics(&sc, &opts, Some(&e4)).unwrap();
    assert!(e4.from_cache && l4.from_cache && l4.cache_rebuilt.is_none());
    assert_eq!((&e4.network, &l4.network), (&e0.network, &l0.network));
}
