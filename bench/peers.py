#!/usr/bin/env python3
"""fireplan against networkx and igraph: all-stations coverage within 300 s, side by side.

Run from anywhere:  python3 bench/peers.py [--scenarios liechtenstein,baltimore,demo] [--reps N]

What it does, in one run:
  0. creates bench/.venv (stdlib venv) and pip-installs the pinned peers (PEERS below), then
     re-executes itself inside that venv;
  1. builds fireplan (release) and runs `fireplan export-graph` per scenario: the prepared
     graph exactly as fireplan's search sees it (edges.csv, seeds.csv) and fireplan's own
     first/second arrival times (labels.csv);
  2. networkx: DiGraph with weight=time_s plus a super source with one edge per seed node
     (weight = the seed's initial time, the smallest if a node has several seeds);
     `single_source_dijkstra_path_length(super, cutoff=300)`; only the search is timed;
  3. igraph: the same graph, `Graph.distances(source=super, weights="weight")` (igraph has
     no cutoff: it always searches the whole graph);
  4. checks that networkx's and igraph's times equal fireplan's `first_s` to 1e-6 s on
     every node and that the sets of nodes reached within 300 s are identical; also checks
     fireplan's `second_s` (second distinct station) against one networkx search per
     station (not timed). Any mismatch fails the run (exit 1) with the offending nodes;
  5. runs the criterion bench `search/two_nearest_300s/<scenario>` (and `_full`) of
     `benches/engine.rs` and reads criterion's median;
  6. prints Markdown tables (and writes them to --out): the comparison with ratios, the
     other engine benches (snap, coverage evaluate, graph build) and the OSM import speed.

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

from peerlib import (ROOT, BenchError, Mismatch, build_fireplan, cpu_model, criterion_estimate,
                     ensure_venv_and_reexec, fmt_ms, fmt_time_ns, load_average, make_log,
                     read_csv, run_retry, run_scenarios, timed)

PEERS = ["networkx==3.6.1", "igraph==1.0.0"]
CUTOFF_S = 300.0
TOL_S = 1e-6

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
# Scenario NAME is scenarios/NAME.toml; the criterion ids of benches/engine.rs use NAME.
DEFAULT_SCENARIOS = "liechtenstein,baltimore,demo"
# Criterion is always run with --noplot: the plots are not used, and with plotters'
# `ab_glyph` feature unified in (no system fonts) its plotting panics (FontUnavailable).

log = make_log("peers")


# --------------------------------------------------------------------------- one scenario


def load_export(d: Path):
    _, erows = read_csv(d / "edges.csv")
    edges = [(int(a), int(b), float(w)) for a, b, w in erows]
    _, srows = read_csv(d / "seeds.csv")
    seeds = [(int(o), int(v), float(t)) for o, v, t in srows]
    _, lrows = read_csv(d / "labels.csv")
    n = len(lrows)
    first = [None] * n
    second = [None] * n
    for v, f, s in lrows:
        v = int(v)
        first[v] = float(f) if f else None
        second[v] = float(s) if s else None
    return n, edges, seeds, first, second


def compare(name: str, n: int, expected: list, got: dict, what: str) -> None:
    """expected[v]: fireplan's time or None; got: node -> peer time (<= cutoff only)."""
    bad = []
    for v in range(n):
        e, g = expected[v], got.get(v)
        if e is None and g is None:
            continue
        if e is None or g is None or abs(e - g) > TOL_S:
            bad.append((v, e, g))
    if bad:
        lines = [f"  node {v}: fireplan {e!r}, {what} {g!r}" for v, e, g in bad[:20]]
        raise Mismatch(
            f"{name}: {len(bad)} of {n} nodes differ between fireplan and {what}:\n"
            + "\n".join(lines)
        )


def bench_scenario(name: str, toml: str, reps: int, fireplan: Path) -> dict:
    import igraph as ig
    import networkx as nx

    out = ROOT / "target" / "peers-export" / name
    out.mkdir(parents=True, exist_ok=True)
    log(f"{name}: export-graph")
    subprocess.run(
        [str(fireplan), "export-graph", toml, "--out", str(out), "-q"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    n, edges, seeds, first, second = load_export(out)
    stations = len({o for o, _, _ in seeds})
    for o, v, t in seeds:
        if t < 0 or not (0 <= v < n):
            raise Mismatch(f"{name}: bad seed {(o, v, t)}")
    for a, b, w in edges:
        if w < 0:
            raise Mismatch(f"{name}: negative edge {(a, b, w)}")

    # Super source S = n. A node with several seeds (two stations on one segment, or both
    # ends of a station's segment being the same node) keeps the smallest time.
    S = n
    seed_w: dict[int, float] = {}
    for _, v, t in seeds:
        seed_w[v] = min(t, seed_w.get(v, t))
    # Parallel edges: a DiGraph keeps one edge per (u, v), so keep the fastest one.
    best: dict[tuple[int, int], float] = {}
    for a, b, w in edges:
        k = (a, b)
        if k not in best or w < best[k]:
            best[k] = w
    parallel = len(edges) - len(best)

    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    # ---- networkx
    log(f"{name}: networkx graph ({n} nodes, {len(edges)} edges, {len(seeds)} seeds)")
    G = nx.DiGraph()
    G.add_nodes_from(range(n + 1))
    G.add_weighted_edges_from((a, b, w) for (a, b), w in best.items())
    G.add_weighted_edges_from((S, v, t) for v, t in seed_w.items())
    nx_res, nx_times = timed(
        lambda: nx.single_source_dijkstra_path_length(G, S, cutoff=CUTOFF_S, weight="weight"),
        reps,
    )
    nx_got = {v: t for v, t in nx_res.items() if v != S}

    # ---- igraph (same edges; igraph keeps parallel edges, which is equivalent)
    log(f"{name}: igraph graph")
    g = ig.Graph(n=n + 1, directed=True)
    g.add_edges([(a, b) for a, b, _ in edges] + [(S, v) for v in seed_w])
    g.es["weight"] = [w for _, _, w in edges] + [seed_w[v] for v in seed_w]

    def ig_search():
        try:
            return g.distances(source=[S], weights="weight", mode="out", algorithm="dijkstra")
        except TypeError:  # older python-igraph: no algorithm keyword
            return g.distances(source=[S], weights="weight", mode="out")

    ig_res, ig_times = timed(ig_search, reps)
    ig_row = ig_res[0]
    ig_got = {v: ig_row[v] for v in range(n) if ig_row[v] <= CUTOFF_S}

    # ---- correctness: first arrival and reached set
    compare(name, n, first, nx_got, "networkx")
    compare(name, n, first, ig_got, "igraph")
    reached = sum(1 for x in first if x is not None)

    # ---- correctness of the second label: second smallest distinct-station time
    log(f"{name}: checking second-station times ({stations} per-station searches)")
    by_station: dict[int, dict[int, float]] = {}
    for o, v, t in seeds:
        by_station.setdefault(o, {})
        by_station[o][v] = min(t, by_station[o].get(v, t))
    per_node: list[list[float]] = [[] for _ in range(n)]
    # Timed too (searches only, one pass): networkx's way to the same two labels.
    nx_two_s = 0.0
    for o, sw in by_station.items():
        H = G.copy()
        H.remove_edges_from(list(H.out_edges(S)))
        H.add_weighted_edges_from((S, v, t) for v, t in sw.items())
        gc.collect()
        t0 = time.perf_counter()
        one = nx.single_source_dijkstra_path_length(H, S, cutoff=CUTOFF_S, weight="weight")
        nx_two_s += time.perf_counter() - t0
        for v, t in one.items():
            if v != S:
                per_node[v].append(t)
    nx_second = {}
    nx_first_again = {}
    for v, ts in enumerate(per_node):
        ts.sort()
        if ts:
            nx_first_again[v] = ts[0]
        if len(ts) >= 2:
            nx_second[v] = ts[1]
    compare(name, n, first, nx_first_again, "networkx per-station min")
    compare(name, n, second, nx_second, "networkx per-station second")
    reached2 = len(nx_second)

    # ---- fireplan: criterion, right after the peers
    log(f"{name}: cargo bench search/two_nearest_*/{name}")
    t_start = time.time()
    run_retry(
        ["cargo", "bench", "--bench", "engine", "--", "--noplot",
         f"^search/(two_nearest_300s|two_nearest_full|nearest_300s)/{name}$"],
        f"cargo bench engine ({name})",
        log,
    )
    fp = criterion_estimate(f"search/two_nearest_300s/{name}")
    fp_full = criterion_estimate(f"search/two_nearest_full/{name}")
    # One label (the nearest station only): the same problem networkx and igraph solve.
    fp_one = criterion_estimate(f"search/nearest_300s/{name}")
    if fp is None or fp["mtime"] < t_start - 1:
        raise BenchError(f"{name}: criterion produced no search/two_nearest_300s/{name} "
                       "(is the scenario in benches/engine.rs SCENARIOS?)")

    load_end = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "name": name,
        "load": (load_start, load_end),
        "nodes": n,
        "edges": len(edges),
        "parallel": parallel,
        "stations": stations,
        "seeds": len(seeds),
        "reached": reached,
        "reached2": reached2,
        "fp_s": fp["median_ns"] / 1e9,
        "fp_ci": (fp["lo_ns"] / 1e9, fp["hi_ns"] / 1e9),
        "fp_full_s": fp_full["median_ns"] / 1e9 if fp_full else None,
        "fp_one_s": fp_one["median_ns"] / 1e9 if fp_one else None,
        "nx_s": statistics.median(nx_times),
        "nx_two_s": nx_two_s,
        "nx_min_s": min(nx_times),
        "ig_s": statistics.median(ig_times),
        "ig_min_s": min(ig_times),
    }


# --------------------------------------------------------------------------- report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenarios", default=DEFAULT_SCENARIOS,
                    help="comma-separated names: scenarios/NAME.toml, benchmarked in "
                    "benches/engine.rs as NAME (a missing scenario file is skipped; "
                    f"default {DEFAULT_SCENARIOS})")
    ap.add_argument("--reps", type=int, default=7, help="timed runs per peer (median reported)")
    ap.add_argument("--no-engine", action="store_true",
                    help="skip the other engine benches (snap, evaluate, graph_build)")
    ap.add_argument("--no-osm", action="store_true", help="skip the OSM import bench")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "peers-report.md",
                    help="also write the Markdown report here")
    args = ap.parse_args()

    ensure_venv_and_reexec(VENV, PEERS, __file__, log)
    import igraph as ig
    import networkx as nx

    names = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    started = _dt.datetime.now().astimezone()
    load_before = load_average()

    fireplan, rustc = build_fireplan(log)
    results, skipped, failures = run_scenarios(
        names, lambda name, toml: bench_scenario(name, toml, args.reps, fireplan), log
    )

    engine_rows, osm_rows = [], []
    if not args.no_engine and results:
        t0 = time.time()
        rx = "|".join(r["name"] for r in results)
        log("cargo bench engine: snap, coverage/evaluate, graph_build")
        run_retry(["cargo", "bench", "--bench", "engine", "--", "--noplot",
                   f"^(snap|coverage|graph_build)/.*/({rx})$"], "cargo bench engine", log)
        for r in results:
            for bid in (f"snap/demand_points/{r['name']}", f"coverage/evaluate/{r['name']}",
                        f"graph_build/build/{r['name']}"):
                e = criterion_estimate(bid)
                if e and e["mtime"] >= t0 - 1:
                    engine_rows.append((bid, e))
    if not args.no_osm and (ROOT / "benches" / "osm_import.rs").exists():
        t0 = time.time()
        log("cargo bench osm_import")
        run_retry(["cargo", "bench", "--bench", "osm_import", "--", "--noplot"],
                  "cargo bench osm_import", log)
        d = ROOT / "target" / "criterion" / "osm_import"
        for sub in sorted(d.iterdir()) if d.exists() else []:
            e = criterion_estimate(f"osm_import/{sub.name}")
            if e and e["mtime"] >= t0 - 1:
                osm_rows.append((f"osm_import/{sub.name}", e))

    # ---- Markdown
    md = []
    md.append(f"Run {started:%Y-%m-%d %H:%M %Z} on {cpu_model()}, {os.cpu_count()} logical CPUs; "
              f"load average before the run {load_before}, after {load_average()}.  ")
    md.append(f"{rustc}; Python {platform.python_version()}, networkx {nx.__version__}, "
              f"igraph {ig.__version__}; peers: median of {args.reps} runs; "
              f"fireplan: criterion median.")
    md.append("")
    md.append("All-stations search, cutoff 300 s (same graph, same weights, same seeds). "
              "Like for like: fireplan's nearest-station search against networkx's "
              "multi-source Dijkstra (both give every node its earliest arrival). fireplan's "
              "two-label search also gives the second distinct station; networkx needs one "
              "search per station for that:")
    md.append("")
    md.append("| scenario | nodes | edges | stations (seeds) | nodes ≤ 300 s "
              "| fireplan nearest (ms) | fireplan two-label (ms) "
              "| networkx multi-source (ms) | igraph, no cutoff (ms) "
              "| networkx / fireplan nearest | networkx / fireplan two-label "
              "| networkx per-station (two labels, ms) / fireplan two-label "
              "| igraph / fireplan nearest |")
    md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        one = r.get("fp_one_s")
        nx_one = f"**{r['nx_s'] / one:.0f}×**" if one else "n/a"
        ig_one = f"{r['ig_s'] / one:.0f}×" if one else "n/a"
        md.append(
            f"| {r['name']} | {r['nodes']:,} | {r['edges']:,} | {r['stations']} ({r['seeds']}) "
            f"| {r['reached']:,} | {fmt_ms(one) if one else 'n/a'} | {fmt_ms(r['fp_s'])} "
            f"| {fmt_ms(r['nx_s'])} | {fmt_ms(r['ig_s'])} "
            f"| {nx_one} | **{r['nx_s'] / r['fp_s']:.0f}×** "
            f"| {fmt_ms(r['nx_two_s'])} → {r['nx_two_s'] / r['fp_s']:.0f}× "
            f"| {ig_one} |"
        )
    md.append("")
    md.append("igraph has no cutoff and always searches the whole graph; "
              "against fireplan's unbounded two-label search:")
    md.append("")
    md.append("| scenario | fireplan two-label, no cutoff (ms) | igraph, no cutoff (ms) "
              "| igraph / fireplan | peers' best run: networkx / igraph (ms) |")
    md.append("|---|--:|--:|--:|--:|")
    for r in results:
        full = r["fp_full_s"]
        fp_full = fmt_ms(full) if full else "n/a"
        ratio = f"{r['ig_s'] / full:.1f}×" if full else "n/a"
        md.append(f"| {r['name']} | {fp_full} | {fmt_ms(r['ig_s'])} | {ratio} "
                  f"| {fmt_ms(r['nx_min_s'])} / {fmt_ms(r['ig_min_s'])} |")
    md.append("")
    md.append("Check: " + ("; ".join(
        f"{r['name']}: networkx and igraph first-arrival times equal fireplan's on all "
        f"{r['nodes']:,} nodes (max |Δ| ≤ 1e-6 s, same {r['reached']:,} nodes within 300 s), "
        f"second-station times equal one networkx search per station on "
        f"{r['reached2']:,} nodes" + (f" ({r['parallel']} parallel edges collapsed for networkx)"
                                      if r["parallel"] else "")
        for r in results) or "none") + ".")
    md.append("")
    md.append("1-minute load average when each scenario's peers started / its criterion run "
              "ended (2 cores: above ~1 other work was competing and the figures are noisy): "
              + ", ".join(f"{r['name']} {r['load'][0]:.2f} / {r['load'][1]:.2f}"
                          for r in results) + ".")
    if skipped:
        md.append("")
        md.append("Skipped (scenario file absent): " + ", ".join(skipped) + ".")
    if engine_rows:
        md.append("")
        md.append("Other engine benches (criterion median, 95 % interval of the median):")
        md.append("")
        md.append("| benchmark | median | interval | throughput |")
        md.append("|---|--:|--:|--:|")
        for bid, e in engine_rows:
            tp = e["throughput"].get("Elements")
            tps = f"{tp / (e['median_ns'] / 1e9):,.0f} points/s ({tp:,} points)" if tp else ""
            md.append(f"| {bid} | {fmt_time_ns(e['median_ns'])} | {fmt_time_ns(e['lo_ns'])} – "
                      f"{fmt_time_ns(e['hi_ns'])} | {tps} |")
    if osm_rows:
        md.append("")
        md.append("OSM import (`benches/osm_import.rs`, criterion median):")
        md.append("")
        md.append("| benchmark | OSM nodes | median | OSM nodes/s |")
        md.append("|---|--:|--:|--:|")
        for bid, e in osm_rows:
            tp = e["throughput"].get("Elements")
            md.append(f"| {bid} | {tp:,} | {fmt_time_ns(e['median_ns'])} | "
                      f"{tp / (e['median_ns'] / 1e9) / 1e6:.2f} M |" if tp else
                      f"| {bid} | ? | {fmt_time_ns(e['median_ns'])} | ? |")
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
