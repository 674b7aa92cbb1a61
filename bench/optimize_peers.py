#!/usr/bin/env python3
"""fireplan optimize against PySAL spopt's MCLP (PuLP + CBC) on the same coverage sets.

Run from anywhere:  python3 bench/optimize_peers.py [--reps N] [--out FILE] [--no-build]

What it does, in one run:
  0. creates bench/.venv-optimize (stdlib venv), pip-installs the pinned peers (PEERS
     below) and re-executes itself inside it;
  1. builds fireplan (release); for Liechtenstein (demand = every network node, weight 1;
     threshold 300 s = 60 s turnout + 240 s travel; the 6 existing stations fixed) and
     N = 300 and 1,000 random candidate nodes (seed 8), runs the hidden
     `fireplan optimize --export-sets DIR`: the coverage sets of the existing stations and of
     every candidate exactly as fireplan's search computes them;
  2. per k in (3, 5): runs `fireplan optimize --add k` (--reps times; wall time of the
     whole process, and fireplan's own coverage-sets + solve time from
     optimize_summary.json); then spopt: a 0/1 cost matrix from the same sets,
     `MCLP.from_cost_matrix(..., service_radius=0.5, p_facilities=6+k,
     predefined_facilities_arr=existing)`, solved with `pulp.PULP_CBC_CMD(msg=False)`;
     the model build and the solve are timed separately;
  3. both answers are scored on the exported sets (share of demand weight covered by the
     existing + chosen sites), so the comparison does not depend on either tool's report;
  4. prints a Markdown table (and writes it to --out).

The script itself uses the standard library only (numpy, spopt and pulp in the venv).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from peerlib import ROOT, ensure_venv_and_reexec, fireplan_bin, make_log

PEERS = ["spopt==0.7.0", "pulp==3.3.2"]
HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-optimize"
WORK = ROOT / "target" / "optimize-peers"
SCENARIO = ROOT / "scenarios" / "liechtenstein.toml"
SEED = 8
CANDIDATES = (300, 1000)
KS = (3, 5)


log = make_log("optimize-peers")


def read_sets(d: Path):
    with (d / "sites.csv").open(newline="") as f:
        sites = [(int(r["site"]), r["id"], r["fixed"] == "1") for r in csv.DictReader(f)]
    with (d / "demand.csv").open(newline="") as f:
        weights = [float(r["weight"]) for r in csv.DictReader(f)]
    cover = [[] for _ in sites]
    with (d / "sets.csv").open(newline="") as f:
        r = csv.reader(f)
        next(r)
        for s, j in r:
            cover[int(s)].append(int(j))
    return sites, weights, cover


def score(chosen: list[int], cover, weights) -> float:
    hit = set()
    for s in chosen:
        hit.update(cover[s])
    return sum(weights[j] for j in hit) / sum(weights)


def run_fireplan(n: int, k: int, out: Path) -> tuple[float, dict]:
    cmd = [
        str(fireplan_bin()), "optimize", str(SCENARIO), "--add", str(k), "--demand-nodes",
        "--random-candidates", str(n), "--seed", str(SEED), "-q", "--out", str(out),
    ]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    return wall, json.loads((out / "optimize_summary.json").read_text())


def run_spopt(sites, weights, cover, k: int):
    import numpy as np
    import pulp
    from spopt.locate import MCLP

    n_fac = len(sites)
    cost = np.ones((len(weights), n_fac), dtype=np.float64)
    for s, js in enumerate(cover):
        cost[js, s] = 0.0
    fixed = np.array([1 if f else 0 for (_, _, f) in sites])
    t0 = time.perf_counter()
    m = MCLP.from_cost_matrix(
        cost, np.array(weights), service_radius=0.5,
        p_facilities=int(fixed.sum()) + k, predefined_facilities_arr=fixed, name="mclp",
    )
    t1 = time.perf_counter()
    m = m.solve(pulp.PULP_CBC_CMD(msg=False))
    t2 = time.perf_counter()
    chosen = [i for i in range(n_fac) if (m.fac_vars[i].value() or 0) > 0.5]
    return t1 - t0, t2 - t1, chosen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "optimize-peers.md")
    ap.add_argument("--no-build", action="store_true",
                    help="use the existing target/release/fireplan (the shared tree may not build)")
    args = ap.parse_args()
    ensure_venv_and_reexec(VENV, PEERS, __file__, log)
    if not SCENARIO.exists():
        sys.exit(f"[optimize-peers] {SCENARIO} missing")
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True,
                       stdout=sys.stderr)
    rows = []
    for n in CANDIDATES:
        d = WORK / f"sets-{n}"
        subprocess.run(
            [str(fireplan_bin()), "optimize", str(SCENARIO), "--add", "1", "--demand-nodes",
             "--random-candidates", str(n), "--seed", str(SEED), "-q",
             "--export-sets", str(d)],
            check=True, stdout=sys.stderr,
        )
        sites, weights, cover = read_sets(d)
        by_id = {sid: s for (s, sid, _) in sites}
        fixed = [s for (s, _, f) in sites if f]
        for k in KS:
            walls, internal = [], []
            summary = None
            for _ in range(args.reps):
                wall, summary = run_fireplan(n, k, WORK / f"out-{n}-{k}")
                walls.append(wall)
                internal.append(summary["sets_s"] + summary["solve_s"])
            fp_chosen = fixed + [by_id[i] for i in summary["sites"]]
            fp_cov = score(fp_chosen, cover, weights)
            build_s, solve_s, sp_chosen = run_spopt(sites, weights, cover, k)
            sp_cov = score(sp_chosen, cover, weights)
            rows.append({
                "n": n, "k": k, "fp_cov": fp_cov, "fp_reported": summary["coverage"],
                "fp_upper": summary["upper_bound"], "fp_bound": summary["bound"],
                "fp_internal": statistics.median(internal), "fp_wall": statistics.median(walls),
                "sp_cov": sp_cov, "sp_build": build_s, "sp_solve": solve_s,
            })
            log(f"n={n} k={k}: fireplan {fp_cov:.4%} in {statistics.median(internal):.3f} s, "
                f"spopt {sp_cov:.4%} in {solve_s:.2f} s (+{build_s:.2f} s build)")
    lines = [
        "| candidates | k | fireplan coverage | bound (kind) | spopt coverage | fireplan time (sets + solve) | fireplan wall (process) | spopt build | spopt solve (CBC) | solve ÷ fireplan |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ok = True
    for r in rows:
        ratio = r["sp_solve"] / r["fp_internal"] if r["fp_internal"] > 0 else float("inf")
        ok &= r["fp_cov"] >= r["sp_cov"] - 1e-12 and ratio >= 20
        lines.append(
            f"| {r['n']:,} | {r['k']} | {r['fp_cov']:.4%} | {r['fp_upper']:.4%} ({r['fp_bound']}) | "
            f"{r['sp_cov']:.4%} | {r['fp_internal'] * 1000:.0f} ms | {r['fp_wall'] * 1000:.0f} ms | "
            f"{r['sp_build']:.2f} s | {r['sp_solve']:.2f} s | {ratio:.0f}× |"
        )
    lines.append("")
    lines.append(
        "Coverage: share of the 16,675 node demand points within 300 s (60 s turnout + 240 s "
        "travel) of the 6 existing stations plus the chosen sites, both answers scored on the "
        "same exported sets. Targets: fireplan coverage ≥ spopt's and fireplan time ≤ 1/20 of "
        f"spopt's solve time: {'met' if ok else 'NOT met'}."
    )
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
