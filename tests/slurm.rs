//! The cluster recipe on a real Slurm: runs `bench/slurm-local.sh --smoke` (a private one-node
//! cluster; the demo sweep in 2 shards as an sbatch array, a first attempt cancelled after 2
//! runs a shard and the array submitted again, the merge with --dependency=afterok; the tiles
//! run when the binary has `fireplan tiles`) and checks its summary.
//!
//! Skipped, with a message, where Slurm cannot be started: FIREPLAN_SKIP_SLURM set, not root,
//! no apt-get, or the script exits 77 (packages not installable, a daemon refuses to start,
//! its ports are taken). The script installs slurm-wlm, slurmdbd, munge and mariadb-server
//! with apt-get when they are missing.

use std::path::Path;
use std::process::Command;

use fireplan::sweep::{Shard, Sweep};

/// Why Slurm cannot be tried here, if it cannot.
fn cannot_start() -> Option<String> {
    if std::env::var_os("FIREPLAN_SKIP_SLURM").is_some_and(|v| !v.is_empty() && v != "0") {
        return Some("FIREPLAN_SKIP_SLURM is set".into());
    }
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("not root (the script installs packages and runs slurmd)".into());
    }
    if !Path::new("/usr/bin/apt-get").exists() && !Path::new("/bin/apt-get").exists() {
        return Some("no apt-get (the script installs Debian's slurm-wlm)".into());
    }
    None
}

/// The row of the summary table whose first cell starts with `step`.
fn row<'a>(summary: &'a str, step: &str) -> &'a str {
    summary
        .lines()
        .find(|l| l.starts_with(&format!("| {step}")))
        .unwrap_or_else(|| panic!("no row `{step}` in the summary:\n{summary}"))
}

#[test]
fn sharded_sweep_on_a_one_node_slurm_cluster_equals_one_process() {
    if let Some(why) = cannot_start() {
        eprintln!("skipped: Slurm cannot be started here: {why}");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = Command::new("bash")
        .arg(root.join("bench/slurm-local.sh"))
        .arg("--smoke")
        .env("FIREPLAN_BIN", env!("CARGO_BIN_EXE_fireplan"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    if o.status.code() == Some(77) {
        eprintln!("skipped: Slurm cannot be started here:\n{stderr}");
        return;
    }
    assert!(
        o.status.success(),
        "slurm-local.sh --smoke: {stdout}\n{stderr}"
    );

    // Both shards' first attempts committed exactly 2 runs before they were cancelled; the
    // resubmitted tasks kept those and ran the rest of their shard.
    let sweep = Sweep::load(&root.join("scenarios/demo_sweep.toml")).unwrap();
    assert_eq!(sweep.runs.len(), 18);
    let mut want = String::from(
        "| resubmitted shards ran only what the cancelled attempt had not committed | pass:",
    );
    for index in 1..=2 {
        let in_shard = sweep.runs_of(Some(Shard { index, count: 2 })).len();
        assert!(in_shard >= 2, "shard {index} has {in_shard} runs");
        want.push_str(&format!(" shard {index}: 2 kept, {} run;", in_shard - 2));
    }
    let resumed = row(&stdout, "resubmitted shards");
    assert_eq!(resumed, format!("{want} |"));

    assert_eq!(
        row(&stdout, "every task and merge COMPLETED"),
        "| every task and merge COMPLETED 0:0 (sacct) | pass |"
    );
    // Row by row, every column but the wall time (bench/slurm-local.sh).
    assert!(
        row(&stdout, "merged sweep = one process")
            .starts_with("| merged sweep = one process | pass: 18 runs × "),
        "{stdout}"
    );
    // sacct lists each task of both arrays and the merge, with its state and MaxRSS.
    for (task, state) in [
        ("sweep shard, cancelled", "CANCELLED"),
        ("sweep shard", "COMPLETED"),
        ("sweep merge (afterok)", "COMPLETED"),
    ] {
        let n = stdout
            .lines()
            .filter(|l| l.contains(&format!("| {task} | {state}")))
            .count();
        assert_eq!(
            n,
            if task.contains("merge") { 1 } else { 2 },
            "{task}: {stdout}"
        );
    }
    // The partitioned run: checked by `tiles merge --compare` when the binary has `tiles`.
    if stdout.contains("| merged tiles = monolithic run") {
        assert!(
            row(&stdout, "merged tiles = monolithic run").contains("| pass:"),
            "{stdout}"
        );
        assert!(stdout.contains("| tile | COMPLETED"), "{stdout}");
    } else {
        assert!(
            row(&stdout, "partitioned run").contains("skipped: the binary has no `fireplan tiles`"),
            "{stdout}"
        );
    }
}
