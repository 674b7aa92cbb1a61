#!/usr/bin/env python3
"""fireplan fire-water reach against networkx: one multi-source search from every hydrant.

Run from anywhere:  python3 bench/water_peers.py [--scenarios demo,camden] [--reps N]

What it does, in one run:
  0. creates target/water-peers/.venv (stdlib venv; under target/ so it is never committed)
     and pip-installs the pinned peer (PEERS below), then re-executes itself inside it;
  1. builds fireplan (release) and runs, per scenario,
     `fireplan export-graph scenarios/NAME.toml --water --out DIR`: the hose graph exactly
     as fireplan's water search sees it (hose_edges.csv: a, b, length_m of every road
     segment, undirected), each serviceable hydrant's entry seeds (hose_seeds.csv: source,
     node, distance_m — the two ends of its segment, access leg included) and fireplan's own
     nearest-hydrant distance of every road node (hose_labels.csv);
  2. networkx: an undirected Graph with weight = length_m (parallel segments collapsed to
     the shortest), a super source joined to every seed node by its seed distance (the
     smallest per node), `single_source_dijkstra_path_length(G, super)`; only the search is
     timed (median of --reps runs; building the graph is not timed);
  3. checks that networkx's distance equals fireplan's on every node (to 1e-6 m) and that
     both reach the same nodes; any mismatch fails the run (exit 1);
  4. runs the criterion benches `water/hose_search_hydrants/NAME` and `water/evaluate/NAME`
     of `benches/water.rs` (demo only: the bench file benchmarks the largest network) and
     reads the medians;
  5. prints a Markdown table with the ratio (and writes it to --out).

The script itself uses the standard library only.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from peerlib import (ROOT, Mismatch, build_fireplan, criterion_estimate, cpu_model,
                     ensure_venv_and_reexec, fmt_ms, load_average, make_log, read_csv, run_retry,
                     run_scenarios, timed)

PEERS = ["networkx==3.6.1"]
TOL_M = 1e-6
WORK = ROOT / "target" / "water-peers"
VENV = WORK / ".venv"
DEFAULT_SCENARIOS = "demo,camden"
log = make_log("water-peers")


def bench_scenario(name: str, toml: str, reps: int, fireplan: Path) -> dict:
    import networkx as nx

    out = Path(tempfile.mkdtemp(prefix=f"water-{name}-", dir=WORK))
    log(f"{name}: export-graph --water")
    subprocess.run([str(fireplan), "export-graph", toml, "--water", "--quiet", "--out", str(out)],
                   cwd=ROOT, check=True, stdout=sys.stderr)
    _, edges = read_csv(out / "hose_edges.csv")
    _, seeds = read_csv(out / "hose_seeds.csv")
    _, labels = read_csv(out / "hose_labels.csv")
    g = nx.Graph()
    g.add_nodes_from(range(len(labels)))
    for a, b, length in edges:
        a, b, length = int(a), int(b), float(length)
        if a == b:
            continue
        if g.has_edge(a, b) and g[a][b]["weight"] <= length:
            continue
        g.add_edge(a, b, weight=length)
    superv = -1
    entry: dict[int, float] = {}
    for _source, node, d in seeds:
        node, d = int(node), float(d)
        entry[node] = min(d, entry.get(node, float("inf")))
    for node, d in entry.items():
        g.add_edge(superv, node, weight=d)
    # The super source's edges are undirected too: no path may come back through it shorter
    # than a seed, since every seed distance is ≥ 0 and a path through it adds two of them.

    def search():
        return nx.single_source_dijkstra_path_length(g, superv, weight="weight")

    dist, times = timed(search, reps)
    mismatches = []
    reached = 0
    for node, d, _source in labels:
        node = int(node)
        mine = float(d) if d else None
        theirs = dist.get(node)
        if mine is None and theirs is None:
            continue
        reached += 1
        if mine is None or theirs is None or abs(mine - theirs) > TOL_M * max(1.0, abs(theirs)):
            mismatches.append((node, mine, theirs))
    if mismatches:
        raise Mismatch(f"{name}: {len(mismatches)} nodes differ, e.g. {mismatches[:5]}")
    return {
        "name": name,
        "nodes": len(labels),
        "segments": len(edges),
        "hydrants": len({s[0] for s in seeds}),
        "reached": reached,
        "nx_s": statistics.median(times),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenarios", default=DEFAULT_SCENARIOS,
                    help="comma-separated names: scenarios/NAME.toml with [water] (a missing "
                    "scenario file is skipped)")
    ap.add_argument("--reps", type=int, default=5, help="timed networkx searches (median)")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "water-peers-report.md",
                    help="also write the Markdown report here")
    args = ap.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    ensure_venv_and_reexec(VENV, PEERS, __file__, log)
    import networkx as nx

    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    started = _dt.datetime.now().astimezone()
    load_before = load_average()
    fireplan, rustc = build_fireplan(log)
    results, skipped, failures = run_scenarios(
        names, lambda name, toml: bench_scenario(name, toml, args.reps, fireplan), log
    )
    log("cargo bench --bench water")
    run_retry(["cargo", "bench", "--bench", "water"], "cargo bench --bench water", log)
    search = criterion_estimate("water/hose_search_hydrants/demo")
    evaluate = criterion_estimate("water/evaluate/demo")

    md = []
    md.append(f"Run {started:%Y-%m-%d %H:%M %Z} on {cpu_model()}, {os.cpu_count()} logical CPUs; "
              f"load average before the run {load_before}, after {load_average()}.  ")
    md.append(f"{rustc}; Python {platform.python_version()}, networkx {nx.__version__}; "
              f"networkx: median of {args.reps} searches; fireplan: criterion median.")
    md.append("")
    md.append("Fire-water reach: distance along the roads (undirected, metres) from every "
              "serviceable hydrant at once, same graph, lengths and hydrant seeds:")
    md.append("")
    md.append("| scenario | nodes | segments | hydrants | fireplan: hose graph + search (ms) "
              "| networkx: multi-source Dijkstra (ms) | networkx / fireplan |")
    md.append("|---|--:|--:|--:|--:|--:|--:|")
    for r in results:
        fp = search["median_ns"] / 1e9 if (search and r["name"] == "demo") else None
        md.append(f"| {r['name']} | {r['nodes']:,} | {r['segments']:,} | {r['hydrants']:,} "
                  f"| {fmt_ms(fp) if fp else 'n/a'} | {fmt_ms(r['nx_s'])} "
                  f"| {('**%.0f×**' % (r['nx_s'] / fp)) if fp else 'n/a'} |")
    md.append("")
    if evaluate:
        md.append(f"The whole water evaluation on the demo (18,007 sources snapped, the hydrant "
                  f"and static-source searches, every demand point's nearest sources, every "
                  f"segment's spacing gaps, district figures): "
                  f"{fmt_ms(evaluate['median_ns'] / 1e9)} ms (criterion `water/evaluate/demo`).")
        md.append("")
    md.append("Check: " + ("; ".join(
        f"{r['name']}: networkx equals fireplan on all {r['reached']:,} reached nodes "
        f"(|Δ| ≤ 1e-6 m)" for r in results) or "none") + ".")
    if skipped:
        md.append("")
        md.append("Skipped (scenario file absent): " + ", ".join(skipped) + ".")
    if failures:
        md.append("")
        md.append("**FAILED checks:**")
        md.extend(f"- {f}" for f in failures)
    text = "\n".join(md) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    log(f"report written to {args.out}")
    return 1 if failures or not results else 0


if __name__ == "__main__":
    sys.exit(main())
