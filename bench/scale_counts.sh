#!/usr/bin/env bash
# Many stations and many demand points on the demo network (issue 20, H2): generates N
# random stations and N random incidents inside the demo's bounding box, runs
# `fireplan run` (maps included) and prints the wall time and peak memory.
#
#   bench/scale_counts.sh 1000000          # N = 1 M (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
DIR=$(mktemp -d)
trap '[ -z "${KEEP:-}" ] && rm -rf "$DIR"' EXIT
python3 - "$N" "$DIR" <<'PY'
import random, sys, os
n, d = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(1)
lon0, lon1, lat0, lat1 = 120.33, 120.60, 29.93, 30.18
with open(os.path.join(d, "stations.csv"), "w") as f:
    f.write("id,lon,lat,class\n")
    for i in range(n):
        f.write(f"S{i},{rnd.uniform(lon0, lon1):.6f},{rnd.uniform(lat0, lat1):.6f},class2\n")
with open(os.path.join(d, "incidents.csv"), "w") as f:
    f.write("id,lon,lat\n")
    for i in range(n):
        f.write(f"I{i},{rnd.uniform(lon0, lon1):.6f},{rnd.uniform(lat0, lat1):.6f}\n")
PY
root=$(pwd)
cat > "$DIR/scenario.toml" <<TOML
name = "scale $N"
lang = "en"
[network]
nodes = "$root/maps/demo/nodes.csv"
edges = "$root/maps/demo/edges.csv"
[stations]
file = "stations.csv"
[demand]
file = "incidents.csv"
[districts]
file = "$root/maps/demo/districts.geojson"
TOML
cargo build --release --quiet
/usr/bin/time -f "N = $N: %e s wall, %M KiB peak" \
  target/release/fireplan run "$DIR/scenario.toml" --out "$DIR/out" --quiet --no-cache > /dev/null
