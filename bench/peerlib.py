"""What the peer-benchmark scripts share: their own venv with pinned peers, cargo with retries,
criterion's estimates, machine facts and number formatting. Standard library only.

Used by bench/peers.py, bench/supply_peers.py and bench/optimize_peers.py (run them from
anywhere: Python puts bench/ on the import path).
"""

from __future__ import annotations

import csv
import gc
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
# Build retries: other work may break the shared build for a moment.
BUILD_TRIES = 3
BUILD_WAIT_S = 60


def make_log(prefix: str) -> Callable[[str], None]:
    """A logger that writes `[prefix] msg` to stderr (stdout carries the report only)."""

    def log(msg: str) -> None:
        print(f"[{prefix}] {msg}", file=sys.stderr, flush=True)

    return log


def fireplan_bin() -> Path:
    return ROOT / "target" / "release" / ("fireplan.exe" if os.name == "nt" else "fireplan")


def ensure_venv_and_reexec(venv: Path, peers: list[str], script: str, log) -> None:
    """Create `venv` with the pinned `peers` if needed (a marker file records what is
    installed), then exec `script` in it with the same arguments. Returns only when
    already running inside `venv`."""
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    try:
        if Path(sys.prefix).resolve() == venv.resolve():
            return
    except OSError:
        pass
    marker = venv / ".peers-requirements"
    wanted = "\n".join(peers) + "\n"
    if not py.exists():
        log(f"creating {venv}")
        venv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        (venv / ".gitignore").write_text("*\n")
    if not marker.exists() or marker.read_text() != wanted:
        log("pip install " + " ".join(peers))
        subprocess.run(
            [str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", *peers],
            check=True,
        )
        marker.write_text(wanted)
    os.execv(str(py), [str(py), str(Path(script).resolve()), *sys.argv[1:]])


def run_retry(cmd: list[str], what: str, log) -> None:
    """Run a cargo command from the repository root, retrying a failure (the tree may be
    shared with other work). Its output goes to stderr, so that stdout carries the report
    only. Exits the script after the last failed attempt."""
    for attempt in range(1, BUILD_TRIES + 1):
        p = subprocess.run(cmd, cwd=ROOT, stdout=sys.stderr)
        if p.returncode == 0:
            return
        log(f"{what} failed (exit {p.returncode}), attempt {attempt}/{BUILD_TRIES}")
        if attempt < BUILD_TRIES:
            time.sleep(BUILD_WAIT_S)
    log(f"{what} failed: {' '.join(cmd)}")
    sys.exit(1)


def read_csv(path: Path):
    """(header, rows) of a CSV file."""
    with path.open(newline="") as f:
        r = csv.reader(f)
        header = next(r)
        return header, list(r)


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def timed(fn, reps: int):
    """Run fn reps times (GC off while timing); return (last result, [seconds])."""
    times = []
    result = None
    for _ in range(reps):
        result = None
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    return result, times


def criterion_estimate(full_id: str) -> dict | None:
    """Criterion's median (ns, with its 95 % interval), throughput and file time of a
    benchmark id, from target/criterion; None if it was never run."""
    d = ROOT / "target" / "criterion" / full_id / "new"
    est, meta = d / "estimates.json", d / "benchmark.json"
    if not est.exists():
        return None
    e = json.loads(est.read_text())
    m = json.loads(meta.read_text()) if meta.exists() else {}
    return {
        "median_ns": e["median"]["point_estimate"],
        "lo_ns": e["median"]["confidence_interval"]["lower_bound"],
        "hi_ns": e["median"]["confidence_interval"]["upper_bound"],
        "throughput": (m.get("throughput") or {}),
        "mtime": est.stat().st_mtime,
    }


def fmt_ms(s: float) -> str:
    ms = s * 1e3
    if ms >= 100:
        return f"{ms:.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    return f"{ms:.2f}"


def fmt_time_ns(ns: float) -> str:
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


class BenchError(Exception):
    """A benchmark could not produce its figure."""


class Mismatch(BenchError):
    """A peer and fireplan disagree: a correctness bug somewhere."""


def build_fireplan(log) -> tuple[Path, str]:
    """`cargo build --release` (with retries); the binary and `rustc --version`."""
    log("cargo build --release")
    run_retry(["cargo", "build", "--release", "-q"], "cargo build --release", log)
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout
    return fireplan_bin(), rustc.strip()


def run_scenarios(names: list[str], bench, log):
    """Runs `bench(name, toml)` for every `scenarios/NAME.toml` that exists. Returns
    (results, skipped names, failure messages): a mismatch or failed step is reported and
    the next scenario still runs."""
    results, skipped, failures = [], [], []
    for s in names:
        toml = f"scenarios/{s}.toml"
        if not (ROOT / toml).exists():
            log(f"{s}: {toml} absent, skipped")
            skipped.append(s)
            continue
        try:
            results.append(bench(s, toml))
        except Mismatch as e:
            print(f"\nMISMATCH {e}\n", file=sys.stderr)
            failures.append(f"MISMATCH {e}")
        except BenchError as e:
            print(f"\nFAILED {e}\n", file=sys.stderr)
            failures.append(str(e))
        except subprocess.CalledProcessError as e:
            print(f"\n{s}: {e}\n", file=sys.stderr)
            failures.append(f"{s}: {e}")
    return results, skipped, failures
