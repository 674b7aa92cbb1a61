#!/usr/bin/env bash
# Times the README's two commands on a fresh clone of this checkout (BENCHMARKS.md,
# "Build time"): clones HEAD (or REV) next to this checkout, so that ../shared is beside it,
# with its own target/ and cache, then runs the run command and the test command one after
# the other under /usr/bin/time (wall and CPU seconds).
#   bench/build_time.sh [REV] [TEST_COMMAND...]   e.g. bench/build_time.sh 7be98b3 cargo test --locked
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rev="${1:-HEAD}"
shift || true
if [ $# -eq 0 ]; then set -- cargo test --release --locked; fi
dir="$(dirname "$here")/fireplan-build-time-$$"
git clone -q "$here" "$dir"
git -C "$dir" checkout -q "$rev"
cd "$dir"
export CARGO_TARGET_DIR="$dir/target" FIREPLAN_CACHE_DIR="$dir/cache"
/usr/bin/time -f "run command: wall %e s, CPU %U s user + %S s sys" \
  cargo run --release --locked -- run scenarios/demo.toml --quiet > run.log 2>&1 || { tail run.log; exit 1; }
tail -n 1 run.log
/usr/bin/time -f "test command: wall %e s, CPU %U s user + %S s sys" "$@" > test.log 2>&1 || { tail test.log; exit 1; }
tail -n 1 test.log
grep -E "^test result" test.log | awk '{p+=$4; f+=$6} END {print "tests passed", p, "failed", f}'
echo "(clone left in $dir; remove it when done)"
