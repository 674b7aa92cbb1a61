//! An output folder is one whole run (issue 20, D2–D6): written beside `--out` and put in
//! place only when complete, never mixed with an earlier run's files, never written by two
//! processes at once, never through a link, never over a folder fireplan did not write;
//! `manifest.json` lists every file with its hash.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::{data, fireplan, fixture_copy, read_json};
use fireplan::report::folder::{OutputFolder, MANIFEST, MARKER};
use sha2::{Digest, Sha256};

fn run(out: &Path, extra: &[&str]) -> std::process::Output {
    fireplan()
        .args(["run", "-q", "--no-cache"])
        .arg(data("plan/scenario.toml"))
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Every file under `dir` (relative, `/`), sorted.
fn files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// The folder is one complete run: its manifest lists exactly its files, each with the
/// hash it has.
fn assert_complete(dir: &Path) {
    let m = read_json(&dir.join(MANIFEST));
    let listed: BTreeMap<String, String> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let on_disk: Vec<String> = files(dir)
        .into_iter()
        .filter(|f| f != MANIFEST && f != MARKER)
        .collect();
    assert_eq!(listed.keys().cloned().collect::<Vec<_>>(), on_disk);
    for (f, sha) in &listed {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert_eq!(&format!("{:x}", Sha256::digest(&bytes)), sha, "{f}");
    }
}

#[test]
fn a_plain_run_after_a_plan_run_leaves_no_plan_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(
        &out,
        &["--plan", data("plan/plan_add_east.toml").to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("baseline/summary.json").is_file());
    assert!(out.join("plan_comparison.csv").is_file());
    assert_complete(&out);
    let o = run(&out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let now = files(&out);
    assert!(
        !now.iter()
            .any(|f| f.starts_with("baseline") || f.starts_with("plan_")),
        "stale files of the plan run: {now:?}"
    );
    assert_complete(&out);
    // No staging folder is left beside it.
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn a_folder_fireplan_did_not_write_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("notes");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("my-notes.txt"), "keep me").unwrap();
    let o = run(&out, &[]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not written by fireplan"), "{err}");
    assert_eq!(files(&out), vec!["my-notes.txt"]);
    // An input anywhere inside the folder (not only directly in it) is refused too.
    let inputs = dir.path().join("project");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::rename(fixture_copy("plan", dir.path(), &[]), inputs.join("data")).unwrap();
    std::fs::write(inputs.join(MARKER), "").unwrap();
    let o = fireplan()
        .args(["run", "-q", "--no-cache"])
        .arg(inputs.join("data/scenario.toml"))
        .arg("--out")
        .arg(&inputs)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds the input file"));
    assert!(inputs.join("data/stations.csv").is_file());
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_as_out_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir_all(&real).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let o = run(&link, &[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("symbolic link"));
    assert!(files(&real).is_empty());
}

#[test]
fn a_second_writer_is_turned_away_and_an_unfinished_run_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&out, &[]);
    assert!(o.status.success());
    let before = std::fs::read(out.join("summary.json")).unwrap();
    // This process is writing a run into `out` …
    let held = OutputFolder::begin(&out, std::iter::empty()).unwrap();
    std::fs::write(held.path().join("half.csv"), "a,b\n").unwrap();
    // … so a second fireplan gets a clear error, for a run and for a sweep.
    let o = run(&out, &[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("another fireplan is writing"));
    let sweep = dir.path().join("s.toml");
    std::fs::write(
        &sweep,
        format!(
            "scenario = {:?}\n[axes]\n\"response.turnout_s\" = [60]\n",
            data("plan/scenario.toml")
        ),
    )
    .unwrap();
    let o = fireplan()
        .args(["sweep", "-q", "--no-cache"])
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("another fireplan is writing"));
    // Given up without a commit: the staged file is gone, the earlier run untouched.
    let staging = held.path().to_path_buf();
    drop(held);
    assert!(!staging.exists());
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    assert!(!out.join("half.csv").exists());
    assert_complete(&out);
}

/// D4: a run killed at any moment leaves the previous complete run in place (and the next
/// run clears what the killed one staged).
#[cfg(unix)]
#[test]
fn a_run_killed_at_any_point_leaves_the_previous_run_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&out, &[]);
    assert!(o.status.success());
    let first = std::fs::read(out.join(MANIFEST)).unwrap();
    // Kill points spread over the run: loading, computing, writing, committing.
    let mut finished = 0;
    for i in 0..16u64 {
        let mut child = fireplan()
            .args(["run", "-q", "--no-cache"])
            .arg(data("plan/scenario.toml"))
            .args(["--plan", data("plan/plan_add_east.toml").to_str().unwrap()])
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // A run takes about 0.3 s here: kill points from loading to the commit.
        std::thread::sleep(Duration::from_millis(10 + i * 25));
        let _ = child.kill();
        let status = child.wait().unwrap();
        finished += status.success() as usize;
        // Either the earlier run or the new one, whole.
        assert_complete(&out);
        let m = std::fs::read(out.join(MANIFEST)).unwrap();
        let is_plan = out.join("plan_comparison.csv").is_file();
        assert!(m == first || is_plan, "kill {i}: a mixed folder");
    }
    eprintln!("{finished} of 16 runs finished before the kill");
    assert!(
        finished < 16,
        "every run finished before its kill: nothing was tested"
    );
    let o = run(&out, &[]);
    assert!(o.status.success());
    assert_complete(&out);
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.ends_with(".old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Issue 20, item 6 (D2): a full disk fails the run with a clear error and leaves the
/// previous complete run as it was, with nothing staged left behind. Needs a small tmpfs:
/// mounted where the test may (root in a container or VM), else skipped with a message.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_previous_run_whole() {
    struct Mount(std::path::PathBuf);
    impl Drop for Mount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    std::fs::create_dir_all(&disk).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&disk)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    let _mount = Mount(disk.clone());
    let out = disk.join("out");
    let run_cli = || {
        fireplan()
            .args(["run", "-q", "--no-cache"])
            .arg(data("cli/scenario.toml"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    let o = run_cli();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_complete(&out);
    let before = std::fs::read(out.join(MANIFEST)).unwrap();
    // Fill the disk but for less than a run needs (a run is about 1.7 MB of 4, with its
    // PDF maps).
    std::fs::write(disk.join("ballast"), vec![0u8; 1536 * 1024]).unwrap();
    let o = run_cli();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    // The OS's words, or SQLite's when the GeoPackage is the file that meets the full disk.
    assert!(
        err.contains("No space left on device") || err.contains("database or disk is full"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join(MANIFEST)).unwrap(), before);
    assert_complete(&out);
    let left: Vec<String> = std::fs::read_dir(&disk)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Where the filesystem cannot exchange two folders atomically, the previous run is moved
/// aside before the new one moves in; a run killed in between leaves it under
/// `.NAME.old`. The next writer puts it back instead of losing it.
#[test]
fn a_previous_run_moved_aside_by_a_killed_swap_is_put_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&out, &[]);
    assert!(o.status.success());
    std::fs::rename(&out, dir.path().join(".out.old")).unwrap();
    let held = OutputFolder::begin(&out, std::iter::empty()).unwrap();
    assert!(out.join("summary.json").is_file());
    assert!(!dir.path().join(".out.old").exists());
    drop(held);
    assert_complete(&out);
}
