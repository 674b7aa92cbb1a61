#!/usr/bin/env python3
"""fireplan supply reach against networkx: 50 depots, one single-source Dijkstra each.

Run from anywhere:  python3 bench/supply_peers.py [--scenarios liechtenstein,baltimore,demo] [--reps N]

What it does, in one run:
  0. creates target/supply-peers/.venv (stdlib venv; under target/ so it is never committed)
     and pip-installs the pinned peer (PEERS below), then re-executes itself inside it;
  1. builds fireplan (release) and runs, per scenario,
     `fireplan supply scenarios/NAME.toml --bench-depots 50 --export DIR`: the logistics
     graph exactly as fireplan's search sees it (edges.csv: from, to, time_s), each of the
     50 synthetic depots' entry seeds (seeds.csv: point, label, node, time_s — a depot
     stands on a road segment and enters the graph at its one or two ends) and fireplan's
     own time from every depot to every node (times.csv);
  2. networkx: one DiGraph with weight=time_s (parallel edges collapsed to the fastest);
     per depot, a super source joined to the depot's seed nodes by the seed times, then
     `single_source_dijkstra_path_length(G, source)` with no cutoff; only the 50 searches
     are timed (their sum is one run; median of --reps runs);
  3. checks that networkx's time equals fireplan's on every node for every depot (to 1e-6 s)
     and that both reach the same nodes; any mismatch fails the run (exit 1);
  4. runs the criterion benches `supply/reach_50_depots/NAME` (all cores) and
     `supply/reach_50_depots_1thread/NAME` of `benches/supply.rs` — the same 50 searches plus
     every station's nearest and second-nearest depot per level — and reads the medians;
  5. prints a Markdown table with the ratios (and writes it to --out).

The script itself uses the standard library only.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from peerlib import (ROOT, Mismatch, build_fireplan, criterion_estimate, cpu_model,
                     ensure_venv_and_reexec, fmt_ms, load_average, make_log, read_csv, run_retry,
                     run_scenarios)

PEERS = ["networkx==3.6.1"]
DEPOTS = 50
TOL_S = 1e-6

WORK = ROOT / "target" / "supply-peers"
VENV = WORK / ".venv"
DEFAULT_SCENARIOS = "liechtenstein,baltimore,demo"
# Build retries: other work may break the shared build for a moment.
log = make_log("supply-peers")


def criterion_median_s(full_id: str, since: float) -> float | None:
    """Criterion's median (seconds) of a benchmark id, if written after `since`."""
    e = criterion_estimate(full_id)
    if e is None or e["mtime"] < since - 1:
        return None
    return e["median_ns"] / 1e9


# --------------------------------------------------------------------------- one scenario


def bench_scenario(name: str, toml: str, reps: int, fireplan: Path) -> dict:
    import networkx as nx

    out = WORK / "export" / name
    out.mkdir(parents=True, exist_ok=True)
    log(f"{name}: fireplan supply --bench-depots {DEPOTS} --export")
    subprocess.run(
        [str(fireplan), "supply", toml, "-q", "--bench-depots", str(DEPOTS), "--export", str(out)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    _, erows = read_csv(out / "edges.csv")
    edges = [(int(a), int(b), float(w)) for a, b, w in erows]
    _, srows = read_csv(out / "seeds.csv")
    seeds: dict[int, dict[int, float]] = {}
    for p, _label, v, t in srows:
        d = seeds.setdefault(int(p), {})
        d[int(v)] = min(float(t), d.get(int(v), float("inf")))
    header, trows = read_csv(out / "times.csv")
    points = [int(h[1:]) for h in header[1:]]
    n = len(trows)
    fp_times = {p: [None] * n for p in points}
    for row in trows:
        v = int(row[0])
        for p, cell in zip(points, row[1:]):
            fp_times[p][v] = float(cell) if cell else None
    if sorted(points) != sorted(seeds):
        raise Mismatch(f"{name}: seeds and times name different depots")

    best: dict[tuple[int, int], float] = {}
    for a, b, w in edges:
        if (a, b) not in best or w < best[(a, b)]:
            best[(a, b)] = w
    G = nx.DiGraph()
    G.add_nodes_from(range(n + 1))
    G.add_weighted_edges_from((a, b, w) for (a, b), w in best.items())
    S = n

    log(f"{name}: networkx, {len(points)} single-source searches × {reps} runs "
        f"({n} nodes, {len(edges)} edges)")
    totals = []
    results: dict[int, dict] = {}
    for _ in range(reps):
        total = 0.0
        for p in points:
            G.remove_edges_from(list(G.out_edges(S)))
            G.add_weighted_edges_from((S, v, t) for v, t in seeds[p].items())
            gc.collect()
            gc.disable()
            try:
                t0 = time.perf_counter()
                dist = nx.single_source_dijkstra_path_length(G, S, weight="weight")
                total += time.perf_counter() - t0
            finally:
                gc.enable()
            results[p] = dist
        totals.append(total)

    # ---- correctness: every depot, every node
    bad = []
    reached = 0
    for p in points:
        dist = results[p]
        for v in range(n):
            e, g = fp_times[p][v], dist.get(v)
            if e is None and g is None:
                continue
            if e is None or g is None or abs(e - g) > TOL_S:
                bad.append((p, v, e, g))
            else:
                reached += 1
    if bad:
        lines = [f"  depot p{p} node {v}: fireplan {e!r}, networkx {g!r}" for p, v, e, g in bad[:20]]
        raise Mismatch(f"{name}: {len(bad)} (depot, node) times differ:\n" + "\n".join(lines))

    log(f"{name}: cargo bench supply/reach_50_depots*/{name}")
    t_start = time.time()
    run_retry(["cargo", "bench", "--bench", "supply", "--",
               f"^supply/reach_50_depots(_1thread)?/{name}$"], f"cargo bench supply ({name})",
              log)
    fp = criterion_median_s(f"supply/reach_50_depots/{name}", t_start)
    fp1 = criterion_median_s(f"supply/reach_50_depots_1thread/{name}", t_start)
    if fp is None:
        raise Mismatch(f"{name}: criterion produced no supply/reach_50_depots/{name} "
                       "(is the scenario in benches/supply.rs SCENARIOS?)")
    return {
        "name": name,
        "nodes": n,
        "edges": len(edges),
        "depots": len(points),
        "pairs": reached,
        "nx_s": statistics.median(totals),
        "nx_min_s": min(totals),
        "fp_s": fp,
        "fp1_s": fp1,
    }


# --------------------------------------------------------------------------- report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenarios", default=DEFAULT_SCENARIOS,
                    help="comma-separated names: scenarios/NAME.toml, benchmarked in "
                    "benches/supply.rs as NAME (a missing scenario file is skipped)")
    ap.add_argument("--reps", type=int, default=5, help="timed runs of the 50 searches (median)")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "supply-peers-report.md",
                    help="also write the Markdown report here")
    args = ap.parse_args()

    ensure_venv_and_reexec(VENV, PEERS, __file__, log)
    import networkx as nx

    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    started = _dt.datetime.now().astimezone()
    load_before = load_average()
    fireplan, rustc = build_fireplan(log)
    results, skipped, failures = run_scenarios(
        names, lambda name, toml: bench_scenario(name, toml, args.reps, fireplan), log
    )

    md = []
    md.append(f"Run {started:%Y-%m-%d %H:%M %Z} on {cpu_model()}, {os.cpu_count()} logical CPUs; "
              f"load average before the run {load_before}, after {load_average()}.  ")
    md.append(f"{rustc}; Python {platform.python_version()}, networkx {nx.__version__}; "
              f"networkx: median of {args.reps} runs of the {DEPOTS} searches; fireplan: "
              "criterion median.")
    md.append("")
    md.append(f"Supply reach, {DEPOTS} depots, unbounded search per depot on the logistics "
              "network (same graph, weights and depot seeds):")
    md.append("")
    md.append("| scenario | nodes | edges | depots | fireplan: trees + station reach, all cores (ms) "
              "| same, 1 thread (ms) | networkx: 50 × single-source Dijkstra (ms) "
              "| networkx / fireplan | networkx / fireplan 1 thread |")
    md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        one = fmt_ms(r["fp1_s"]) if r["fp1_s"] else "n/a"
        ratio1 = f"{r['nx_s'] / r['fp1_s']:.0f}×" if r["fp1_s"] else "n/a"
        md.append(f"| {r['name']} | {r['nodes']:,} | {r['edges']:,} | {r['depots']} "
                  f"| {fmt_ms(r['fp_s'])} | {one} | {fmt_ms(r['nx_s'])} "
                  f"| **{r['nx_s'] / r['fp_s']:.0f}×** | {ratio1} |")
    md.append("")
    md.append("fireplan's figure includes placing the depots and every station's nearest and "
              "second-nearest depot per level; networkx's only the searches.")
    md.append("")
    md.append("Check: " + ("; ".join(
        f"{r['name']}: networkx equals fireplan on all {r['pairs']:,} (depot, node) times "
        f"(|Δ| ≤ 1e-6 s)" for r in results) or "none") + ".")
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
