#!/usr/bin/env bash
# Side by side: the demo run's map and output times of two builds, alternated N times in
# one loop (issue 16's "maps in less time than before" check). Reads run.json's
# timings_s.outputs.maps_s and total_s.
#   bench/maps_vs.sh OLD_CHECKOUT OLD_BIN NEW_CHECKOUT NEW_BIN [N=3]
# e.g. git worktree add --detach /work/wt-old 5efff16; build it with its own
# CARGO_TARGET_DIR; then bench/maps_vs.sh /work/wt-old /work/target-old/release/fireplan \
#   . target/release/fireplan 5
set -euo pipefail
old_dir=$1 old_bin=$2 new_dir=$3 new_bin=$4 n=${5:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
get() { python3 -c "import json,sys; o=json.load(open(sys.argv[1]))['timings_s']['outputs']; print(f\"{o['maps_s']:.2f} {o['total_s']:.2f}\")" "$1"; }
printf '%-5s %-4s %7s %8s\n' build run maps_s total_s
for i in $(seq 1 "$n"); do
  for b in old new; do
    if [ $b = old ]; then dir=$old_dir bin=$old_bin; else dir=$new_dir bin=$new_bin; fi
    (cd "$dir" && "$bin" run scenarios/demo.toml --no-cache --quiet --out "$tmp/$b" >/dev/null)
    read -r maps total < <(get "$tmp/$b/run.json")
    printf '%-5s %-4s %7s %8s\n' $b "$i" "$maps" "$total"
  done
done
