#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for SECONDS each (default 150) and prints libFuzzer's
# final line per target: executions, coverage, corpus (docs/fuzzing.md).
#   bench/fuzz.sh 3600        # an hour each
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-150}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for t in csv_tables csv_network districts toml_files osm_pbf sweep_file cache_decoder; do
  mkdir -p "fuzz/corpus/$t"
  log="fuzz/$t.log"
  cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -timeout=20 > "$log" 2>&1 || {
    echo "$t: CRASH or error, see $log and fuzz/artifacts/$t"; continue; }
  echo "$t: $(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1)"
done
