#!/usr/bin/env bash
# bench/slurm-local.sh: run fireplan's cluster recipe on a real Slurm cluster of one node (this
# machine), then check the merged results against a single-process run.
#
#   bench/slurm-local.sh                 # sweep in 4 shards + tiles of scenarios/demo.toml
#   bench/slurm-local.sh --smoke         # sweep in 2 shards + tiles (what tests/slurm.rs runs)
#   bench/slurm-local.sh --scenario /work/province/scenario.toml --grid-km 40
#
# Steps:
#  1. installs Debian's slurm-wlm, slurmdbd, munge and mariadb-server with apt-get when they
#     are missing (non-interactive; a temporary policy-rc.d keeps the system services from
#     starting);
#  2. starts a private one-node cluster under a temporary folder: munged with its own key and
#     socket, a MariaDB for the accounting store (so sacct gives states and MaxRSS), slurmdbd,
#     slurmctld and slurmd, on ports FIREPLAN_SLURM_PORT..+3 (default 16817..16820); the node
#     is described by `slurmd -C` (real CPUs and memory), select/cons_tres, proctrack/linuxproc
#     and task/none (no cgroups needed, nothing left in the machine's cgroup tree), or the
#     cgroup plugins with FIREPLAN_SLURM_CGROUP=1 (memory limits enforced);
#  3. submits with sbatch --array (a) the sharded sweep scenarios/demo_sweep.toml
#     (`fireplan sweep … --shard I/N`) and its merge (`fireplan sweep merge`) with
#     --dependency=afterok:<array job>, and (b) when the binary has `fireplan tiles`, the
#     partitioned run of the scenario (`tiles split`, an array of `tiles run`, `tiles merge
#     --compare` against a monolithic `fireplan run`, also afterok);
#  4. waits (squeue, timeout FIREPLAN_SLURM_TIMEOUT_S, default 1800 s), checks with sacct that
#     every array task and merge job is COMPLETED with exit code 0:0, checks that the merged
#     sweep's results.csv equals the single-process sweep's row by row (every column but the
#     wall time elapsed_s) and that `tiles merge --compare` passed, and prints a Markdown
#     summary (per task: state, elapsed, MaxRSS from sacct);
#  5. stops every daemon it started (trap on exit) and deletes the temporary folder (kept with
#     --keep; its logs are printed on failure).
#
# Environment: FIREPLAN_BIN (the binary; default target/release/fireplan, built when missing),
# FIREPLAN_SLURM_SCENARIO (same as --scenario), FIREPLAN_SLURM_MONO (same as --mono),
# FIREPLAN_SLURM_TIMEOUT_S, FIREPLAN_SLURM_PORT (first of four ports), FIREPLAN_SLURM_CGROUP,
# FIREPLAN_SLURM_SWEEP_MEM / FIREPLAN_SLURM_TILE_MEM (--mem of the tasks, default 1G / 4G),
# FIREPLAN_SLURM_SUMMARY (a file to copy the summary to).
# Exit status: 0 all checks passed; 1 a check failed; 77 Slurm cannot be installed or
# started here (not root, no apt-get, daemons refuse to start): the caller may skip.

set -euo pipefail

# The whole script is one compound command: bash parses it before running any of it, so
# editing or checking out the file while it runs (tens of minutes on a large region) cannot
# change what runs.
{
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARDS=4
SMOKE=0
KEEP=0
TILES=1
GRID_KM=""
MONO_CSV=${FIREPLAN_SLURM_MONO:-}
SCENARIO=${FIREPLAN_SLURM_SCENARIO:-$ROOT/scenarios/demo.toml}
SWEEP_FILE=$ROOT/scenarios/demo_sweep.toml
TIMEOUT_S=${FIREPLAN_SLURM_TIMEOUT_S:-1800}
PORT=${FIREPLAN_SLURM_PORT:-16817}
SWEEP_MEM=${FIREPLAN_SLURM_SWEEP_MEM:-1G}
TILE_MEM=${FIREPLAN_SLURM_TILE_MEM:-4G}

usage() {
    sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    cat <<EOF
Options: --smoke (2 shards) | --shards N | --scenario FILE | --grid-km K | --no-tiles |
         --mono DEMAND_RESPONSE_CSV (a monolithic run's result to compare the tiles with,
         instead of running it here: for regions too large to run twice at once) |
         --sweep FILE | --keep | --help
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
    --smoke) SMOKE=1; SHARDS=2 ;;
    --shards) SHARDS=${2:?--shards N}; shift ;;
    --scenario) SCENARIO=${2:?--scenario FILE}; shift ;;
    --grid-km) GRID_KM=${2:?--grid-km K}; shift ;;
    --mono) MONO_CSV=${2:?--mono FILE}; shift ;;
    --sweep) SWEEP_FILE=${2:?--sweep FILE}; shift ;;
    --no-tiles) TILES=0 ;;
    --keep) KEEP=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "slurm-local: unknown argument $1 (see --help)" >&2; exit 1 ;;
    esac
    shift
done
case $SHARDS in '' | *[!0-9]* | 0) echo "slurm-local: --shards wants a positive integer, got '$SHARDS'" >&2; exit 1 ;; esac

say() { printf '[slurm-local %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
skip() { say "SKIPPED: $*"; EXIT_STATUS=77; exit 77; }
fail() { say "FAILED: $*"; EXIT_STATUS=1; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

T_START=$(now)
EXIT_STATUS=1

# ---------------------------------------------------------------- 0. preconditions
[ "$(id -u)" = 0 ] || skip "needs root (installs packages with apt-get, runs slurmd which starts jobs)"
command -v apt-get >/dev/null && command -v dpkg-query >/dev/null ||
    skip "needs a Debian-like system with apt-get (slurm-wlm, munge, slurmdbd, mariadb-server)"
command -v python3 >/dev/null || fail "python3 is needed to compare the results tables"
[ -f "$SWEEP_FILE" ] || fail "sweep file $SWEEP_FILE does not exist"
SWEEP_FILE=$(cd "$(dirname "$SWEEP_FILE")" && pwd)/$(basename "$SWEEP_FILE")
if [ "$TILES" = 1 ]; then
    [ -f "$SCENARIO" ] || fail "scenario $SCENARIO does not exist (--scenario / FIREPLAN_SLURM_SCENARIO)"
    SCENARIO=$(cd "$(dirname "$SCENARIO")" && pwd)/$(basename "$SCENARIO")
fi

# ---------------------------------------------------------------- 1. packages
PKGS=(slurm-wlm slurmdbd munge mariadb-server)
MISSING=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || MISSING+=("$p")
done
T_INSTALL=0
if [ ${#MISSING[@]} -gt 0 ]; then
    say "installing ${MISSING[*]} with apt-get"
    t=$(now)
    # Keep the packages' own services (system munged, slurmctld, mariadb) from starting: this
    # script runs private daemons and leaves the machine's services as they were.
    POLICY=/usr/sbin/policy-rc.d
    OWN_POLICY=0
    if [ ! -e $POLICY ]; then
        printf '#!/bin/sh\nexit 101\n' >$POLICY && chmod 755 $POLICY && OWN_POLICY=1
    fi
    rc=0
    { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${MISSING[@]}"; } \
        >/tmp/slurm-local-apt.log 2>&1 || rc=$?
    [ $OWN_POLICY = 1 ] && rm -f $POLICY
    [ $rc = 0 ] || { tail -20 /tmp/slurm-local-apt.log >&2; skip "apt-get install ${MISSING[*]} failed (log above)"; }
    T_INSTALL=$(since "$t")
    say "installed in ${T_INSTALL} s"
fi
for c in munged slurmctld slurmd slurmdbd sbatch sacct sacctmgr squeue sinfo mariadbd mariadb-install-db mariadb; do
    command -v $c >/dev/null || skip "$c is not on PATH after installing ${PKGS[*]}"
done

# ---------------------------------------------------------------- the binary
if [ -n "${FIREPLAN_BIN:-}" ]; then
    BIN=$FIREPLAN_BIN
else
    BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/fireplan
    if [ ! -x "$BIN" ]; then
        say "building $BIN"
        (cd "$ROOT" && cargo build --release --bin fireplan) >&2
    fi
fi
[ -x "$BIN" ] || fail "no fireplan binary at $BIN (set FIREPLAN_BIN)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
if [ "$TILES" = 1 ] && ! "$BIN" tiles --help >/dev/null 2>&1; then
    say "NOTE: $BIN has no 'fireplan tiles' command: the partitioned run (b) is skipped"
    TILES=0
    TILES_NOTE="skipped: the binary has no \`fireplan tiles\`"
fi

# ---------------------------------------------------------------- 2. a private cluster
W=$(mktemp -d "${TMPDIR:-/tmp}/fireplan-slurm.XXXXXX")
chmod 755 "$W"
mkdir -p "$W"/{etc,munge,log,state,spool,db,jobs,out,ref,cache}
chmod 755 "$W/munge" # munged wants its socket folder searchable by all
export SLURM_CONF=$W/etc/slurm.conf

stop_pid_file() { # name pidfile: TERM, wait up to 20 s, KILL
    local name=$1 f=$2 pid
    [ -s "$f" ] || return 0
    pid=$(cat "$f" 2>/dev/null) || return 0
    case $pid in '' | *[!0-9]*) return 0 ;; esac
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    say "$name ($pid) did not stop on TERM; KILL"
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    [ "$EXIT_STATUS" = 0 ] || [ "$rc" = 0 ] || EXIT_STATUS=$rc
    set +e
    if [ -s "$W/slurmctld.pid" ] && command -v scancel >/dev/null; then
        scancel --quiet --user=root 2>/dev/null # nothing left running when a check failed
    fi
    stop_pid_file slurmd "$W/slurmd.pid"
    stop_pid_file slurmctld "$W/slurmctld.pid"
    stop_pid_file slurmdbd "$W/slurmdbd.pid"
    stop_pid_file mariadbd "$W/db.pid"
    stop_pid_file munged "$W/munge/munged.pid"
    for d in ${CGROUP_DIRS_MADE:-}; do # the cgroups slurmd made (FIREPLAN_SLURM_CGROUP=1)
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    if [ "$EXIT_STATUS" != 0 ]; then
        for f in "$W"/log/*.log "$W"/jobs/*.out; do
            [ -s "$f" ] || continue
            echo "---- $f (last 15 lines)" >&2
            tail -15 "$f" >&2
        done
    fi
    if [ "$KEEP" = 1 ]; then
        say "kept $W"
    else
        rm -rf "$W"
    fi
    say "all daemons stopped; total $(since "$T_START") s"
    exit "$EXIT_STATUS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
P_CTLD=$PORT
P_SLURMD=$((PORT + 1))
P_DBD=$((PORT + 2))
P_DB=$((PORT + 3))
for p in $P_CTLD $P_SLURMD $P_DBD $P_DB; do
    port_busy $p && skip "port $p is in use (set FIREPLAN_SLURM_PORT to the first of four free ports)"
done

wait_for() { # what seconds command…: poll once a second until the command succeeds
    local what=$1 secs=$2
    shift 2
    for _ in $(seq 1 "$secs"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 1
    done
    skip "$what did not come up within $secs s"
}

T_CLUSTER=$(now)
# munge: its own key, socket, pid, log and seed files; the daemons and clients find it through
# AuthInfo=socket=… below.
MUNGE_SOCKET=$W/munge/munge.socket
dd if=/dev/urandom of="$W/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$W/munge/munge.key"
munged --key-file="$W/munge/munge.key" --socket="$MUNGE_SOCKET" \
    --pid-file="$W/munge/munged.pid" --log-file="$W/log/munged.log" \
    --seed-file="$W/munge/munged.seed" >"$W/log/munged.start" 2>&1 ||
    { cat "$W/log/munged.start" >&2; skip "munged did not start"; }
wait_for "munged" 10 bash -c "munge --socket='$MUNGE_SOCKET' -n | unmunge --socket='$MUNGE_SOCKET'"

# MariaDB for the accounting store, TCP on 127.0.0.1 only.
mariadb-install-db --no-defaults --datadir="$W/db" --user=root --auth-root-authentication-method=socket \
    --skip-test-db >"$W/log/mariadb-install.log" 2>&1 || skip "mariadb-install-db failed (log $W/log/mariadb-install.log)"
mariadbd --no-defaults --datadir="$W/db" --user=root --socket="$W/db.sock" --pid-file="$W/db.pid" \
    --port=$P_DB --bind-address=127.0.0.1 --skip-name-resolve --log-error="$W/log/mariadb.log" \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=16M >/dev/null 2>&1 &
wait_for "mariadbd" 60 mariadb --no-defaults --socket="$W/db.sock" -uroot -e "SELECT 1"
DB_PASS=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
mariadb --no-defaults --socket="$W/db.sock" -uroot -e "
    CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';" || skip "could not create the accounting database user"

HOST=$(hostname -s)
NODE_LINE=$(slurmd -C | head -1)
case $NODE_LINE in NodeName=*CPUs=*RealMemory=*) ;; *) skip "slurmd -C printed '$NODE_LINE'" ;; esac
NODE_LINE=$(printf '%s\n' "$NODE_LINE" | sed "s/^NodeName=[^ ]*/NodeName=$HOST/")
CPUS=$(printf '%s\n' "$NODE_LINE" | sed 's/.* CPUs=\([0-9]*\).*/\1/')
MEM_MB=$(printf '%s\n' "$NODE_LINE" | sed 's/.* RealMemory=\([0-9]*\).*/\1/')

# Process tracking: cgroups (memory limits enforced, peak memory exact) with
# FIREPLAN_SLURM_CGROUP=1 where the machine's cgroup v1 tree is writable; otherwise
# linuxproc and task/none, which need no cgroups (containers) and sample RSS every second.
if [ "${FIREPLAN_SLURM_CGROUP:-0}" = 1 ]; then
    cat >"$W/etc/cgroup.conf" <<EOF
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
ConstrainCores=yes
ConstrainRAMSpace=yes
EOF
    # slurmd makes /sys/fs/cgroup/<controller>/slurm_<host>; remove those it made on exit.
    CGROUP_DIRS_MADE=""
    for c in /sys/fs/cgroup/*/; do
        [ -e "${c}slurm_$HOST" ] || CGROUP_DIRS_MADE="$CGROUP_DIRS_MADE ${c}slurm_$HOST"
    done
    TRACKING="ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup
JobAcctGatherType=jobacct_gather/cgroup"
else
    TRACKING="ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux"
fi

cat >"$W/etc/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$P_DBD
SlurmUser=root
PidFile=$W/slurmdbd.pid
LogFile=$W/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$P_DB
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
EOF
chmod 600 "$W/etc/slurmdbd.conf"

cat >"$SLURM_CONF" <<EOF
# One-node cluster of bench/slurm-local.sh (generated; the node line is slurmd -C's).
ClusterName=fireplan
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$P_CTLD
SlurmdPort=$P_SLURMD
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/log/slurmctld.log
SlurmdLogFile=$W/log/slurmd.log
PlugStackConfig=$W/etc/plugstack.conf
MailProg=/bin/true
$TRACKING
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
# A merge whose array failed is cancelled instead of waiting forever (afterok never met).
DependencyParameters=kill_invalid_depend
ReturnToService=2
JobAcctGatherFrequency=task=1
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$P_DBD
# The munge socket for slurmdbd connections (clients do not use AuthInfo for them).
AccountingStoragePass=$MUNGE_SOCKET
JobCompType=jobcomp/none
MinJobAge=3600
$NODE_LINE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
: >"$W/etc/plugstack.conf"

slurmdbd >"$W/log/slurmdbd.start" 2>&1 || { cat "$W/log/slurmdbd.start" >&2; skip "slurmdbd did not start"; }
wait_for "slurmdbd" 60 sacctmgr -n list cluster
sacctmgr -i add cluster fireplan >/dev/null || skip "sacctmgr add cluster failed"
slurmctld >"$W/log/slurmctld.start" 2>&1 || { cat "$W/log/slurmctld.start" >&2; skip "slurmctld did not start"; }
wait_for "slurmctld" 60 scontrol ping
slurmd >"$W/log/slurmd.start" 2>&1 || { cat "$W/log/slurmd.start" >&2; skip "slurmd did not start"; }
node_idle() { [ "$(sinfo -h -n "$HOST" -o %t)" = idle ]; }
wait_for "node $HOST idle in sinfo" 60 node_idle
T_CLUSTER=$(since "$T_CLUSTER")
say "cluster up in ${T_CLUSTER} s: $(sinfo -h -o '%P %a %D %t %c CPUs %m MB')"

# ---------------------------------------------------------------- 3. single-process references
FP_COMMON=(-q --cache-dir "$W/cache")
t=$(now)
say "reference: fireplan sweep $(basename "$SWEEP_FILE") in one process"
"$BIN" sweep "$SWEEP_FILE" --out "$W/ref/sweep" -q --no-cache >"$W/log/ref-sweep.log" 2>&1 ||
    fail "the single-process sweep failed (log $W/log/ref-sweep.log)"
T_REF_SWEEP=$(since "$t")
MONO_NOTE=""
if [ "$TILES" = 1 ] && [ -n "$MONO_CSV" ]; then
    [ -f "$MONO_CSV" ] || fail "--mono $MONO_CSV does not exist"
    MONO_CSV=$(cd "$(dirname "$MONO_CSV")" && pwd)/$(basename "$MONO_CSV")
    MONO_NOTE="given (--mono $MONO_CSV)"
elif [ "$TILES" = 1 ]; then
    t=$(now)
    say "reference: fireplan run $SCENARIO in one process"
    "$BIN" run "$SCENARIO" --out "$W/ref/mono" -q --no-cache >"$W/log/ref-mono.log" 2>&1 ||
        fail "the monolithic run failed (log $W/log/ref-mono.log)"
    MONO_NOTE="$(since "$t") s"
    MONO_CSV=$W/ref/mono/demand_response.csv
    [ -f "$MONO_CSV" ] || fail "the monolithic run wrote no demand_response.csv"
fi

# ---------------------------------------------------------------- 3. submit
T_JOBS=$(now)
cat >"$W/jobs/sweep.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=fp-sweep
#SBATCH --array=1-$SHARDS
#SBATCH --cpus-per-task=1
#SBATCH --mem=$SWEEP_MEM
#SBATCH --output=$W/jobs/%x-%a.out
# One deterministic shard of the sweep per array task (shards by run id; the store in each
# shard's folder resumes, so resubmitting --array=I repeats only what shard I lacks).
set -euo pipefail
exec "$BIN" sweep "$SWEEP_FILE" --shard "\${SLURM_ARRAY_TASK_ID}/$SHARDS" \\
    --out "$W/out/sweep-\${SLURM_ARRAY_TASK_ID}" --threads "\${SLURM_CPUS_PER_TASK:-1}" ${FP_COMMON[*]}
EOF
SHARD_DIRS=$(for i in $(seq 1 "$SHARDS"); do printf ' "%s"' "$W/out/sweep-$i"; done)
cat >"$W/jobs/sweep-merge.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=fp-sweep-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=$SWEEP_MEM
#SBATCH --output=$W/jobs/%x.out
# Exit status 3 when a run is missing from every shard: the job then ends FAILED.
set -euo pipefail
exec "$BIN" sweep merge$SHARD_DIRS --out "$W/out/sweep"
EOF
submit() { # sbatch args…: prints the job id
    local out
    out=$(sbatch --parsable "$@") || fail "sbatch $* failed"
    printf '%s\n' "${out%%;*}"
}
# A failed first attempt: every shard stops after PAUSE_AFTER committed runs (the sweep's test
# hook FIREPLAN_SWEEP_PAUSE_AFTER) and is cancelled as a node failure or preemption would kill
# it; the same array submitted again must take those runs from the shards' stores and run
# only the rest.
PAUSE_AFTER=2
INTERRUPTED_ID=$(submit --job-name=fp-sweep-interrupted --export=ALL,FIREPLAN_SWEEP_PAUSE_AFTER=$PAUSE_AFTER \
    "$W/jobs/sweep.sbatch")
say "sweep, first attempt: array job $INTERRUPTED_ID (1-$SHARDS), to be cancelled after $PAUSE_AFTER runs a shard"

JOB_IDS=()
if [ "$TILES" = 1 ]; then
    t=$(now)
    SPLIT_ARGS=(tiles split "$SCENARIO" --out "$W/out/parts" -q --cache-dir "$W/cache")
    [ -n "$GRID_KM" ] && SPLIT_ARGS+=(--grid-km "$GRID_KM")
    "$BIN" "${SPLIT_ARGS[@]}" >"$W/log/tiles-split.log" 2>&1 ||
        fail "fireplan ${SPLIT_ARGS[*]} failed (log $W/log/tiles-split.log)"
    T_SPLIT=$(since "$t")
    NTILES=$(sed -n 's/.*\b\([0-9][0-9]*\) tiles\b.*/\1/p' "$W/log/tiles-split.log" | head -1)
    [ -n "$NTILES" ] && [ "$NTILES" -gt 0 ] ||
        fail "fireplan tiles split printed no 'N tiles' line: $(cat "$W/log/tiles-split.log")"
    cat >"$W/jobs/tiles.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=fp-tiles
#SBATCH --array=1-$NTILES
#SBATCH --cpus-per-task=1
#SBATCH --mem=$TILE_MEM
#SBATCH --output=$W/jobs/%x-%a.out
# One tile (with its halo) per array task; resubmitting --array=I recomputes only tile I.
set -euo pipefail
exec "$BIN" tiles run "$W/out/parts" --tile "\${SLURM_ARRAY_TASK_ID}"
EOF
    cat >"$W/jobs/tiles-merge.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=fp-tiles-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=$TILE_MEM
#SBATCH --output=$W/jobs/%x.out
# Exit status ≠ 0 when the merged tiles differ from the monolithic run: the job ends FAILED.
set -euo pipefail
exec "$BIN" tiles merge "$W/out/parts" --out "$W/out/tiles" --compare "$MONO_CSV"
EOF
    TILES_ID=$(submit "$W/jobs/tiles.sbatch")
    TILES_MERGE_ID=$(submit --dependency=afterok:"$TILES_ID" "$W/jobs/tiles-merge.sbatch")
    say "tiles: $NTILES tiles, array job $TILES_ID, merge job $TILES_MERGE_ID (afterok:$TILES_ID)"
    JOB_IDS+=("$TILES_ID" "$TILES_MERGE_ID")
fi

deadline=$(($(date +%s) + TIMEOUT_S))
for i in $(seq 1 "$SHARDS"); do
    f=$W/jobs/fp-sweep-interrupted-$i.out
    until grep -q "sweep paused" "$f" 2>/dev/null || [ -z "$(squeue -h -j "${INTERRUPTED_ID}_$i" -o %i 2>/dev/null)" ]; do
        [ "$(date +%s)" -lt "$deadline" ] || fail "shard $i of job $INTERRUPTED_ID did not pause within $TIMEOUT_S s"
        sleep 1
    done
    # Cancel each task as soon as it pauses: with more shards than CPUs the paused tasks
    # would otherwise hold every CPU and the later shards never start.
    scancel "${INTERRUPTED_ID}_$i" || fail "scancel ${INTERRUPTED_ID}_$i failed"
done
while [ -n "$(squeue -h -j "$INTERRUPTED_ID" -o %i 2>/dev/null)" ]; do sleep 1; done
say "sweep, first attempt cancelled; submitting the same array again"
SWEEP_ID=$(submit "$W/jobs/sweep.sbatch")
SWEEP_MERGE_ID=$(submit --dependency=afterok:"$SWEEP_ID" "$W/jobs/sweep-merge.sbatch")
say "sweep: array job $SWEEP_ID (1-$SHARDS), merge job $SWEEP_MERGE_ID (afterok:$SWEEP_ID)"
JOB_IDS+=("$SWEEP_ID" "$SWEEP_MERGE_ID")
IDS=$(IFS=,; echo "${JOB_IDS[*]}")

# ---------------------------------------------------------------- 4. wait and check
deadline=$(($(date +%s) + TIMEOUT_S))
while [ -n "$(squeue -h -j "$IDS" -o %i 2>/dev/null)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "jobs $IDS still queued or running after $TIMEOUT_S s: $(squeue -j "$IDS")"
    # kill_invalid_depend cancels these; should it not, do it here.
    for j in $(squeue -h -j "$IDS" -t PD -o '%i %r' 2>/dev/null | awk '$2 == "DependencyNeverSatisfied" { print $1 }'); do
        say "job $j can never start (its array failed): cancelled"
        scancel "$j" || true
    done
    sleep 2
done
T_JOBS=$(since "$T_JOBS")

# The accounting records reach slurmdbd shortly after the jobs end: poll until every
# allocation has a final state.
IDS=$INTERRUPTED_ID,$IDS
EXPECTED=$((2 * SHARDS + 1))
[ "$TILES" = 1 ] && EXPECTED=$((EXPECTED + NTILES + 1))
SACCT_FMT=JobID,JobName,State,ExitCode,Elapsed,MaxRSS
for _ in $(seq 1 60); do
    ALLOC=$(sacct -n -P -X -j "$IDS" --format=JobID,State 2>/dev/null || true)
    n_final=$(printf '%s\n' "$ALLOC" | grep -c -E '\|(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE)' || true)
    [ "$n_final" -ge "$EXPECTED" ] && break
    sleep 1
done
sacct -n -P -j "$IDS" --format=$SACCT_FMT >"$W/sacct.txt" || fail "sacct failed"

python3 - "$W/sacct.txt" "$INTERRUPTED_ID" "$SWEEP_ID" "$SHARDS" "$SWEEP_MERGE_ID" "${TILES_ID:-}" \
    "${NTILES:-0}" "${TILES_MERGE_ID:-}" >"$W/summary-jobs.md" <<'PY' || JOBS_OK=0
import sys
path, interrupted, sweep, shards, sweep_merge, tiles, ntiles, tiles_merge = sys.argv[1:]
rows = [l.rstrip("\n").split("|") for l in open(path) if l.strip()]
alloc = {r[0]: r for r in rows if "." not in r[0]}
# MaxRSS is reported per step: the batch step carries the job script's peak.
def kib(v):  # sacct prints e.g. 123456K, 1.50G, or plain bytes
    unit = {"K": 1, "M": 1 << 10, "G": 1 << 20, "T": 1 << 30}
    return float(v[:-1]) * unit[v[-1]] if v[-1] in unit else float(v) / 1024
rss = {}
for r in rows:
    if "." in r[0] and r[5]:
        job = r[0].split(".")[0]
        rss[job] = max(rss.get(job, 0), kib(r[5]))
expected = [(f"{interrupted}_{i}", "sweep shard, cancelled") for i in range(1, int(shards) + 1)]
expected += [(f"{sweep}_{i}", "sweep shard") for i in range(1, int(shards) + 1)]
expected.append((sweep_merge, "sweep merge (afterok)"))
if tiles:
    expected += [(f"{tiles}_{i}", "tile") for i in range(1, int(ntiles) + 1)]
    expected.append((tiles_merge, "tiles merge --compare (afterok)"))
ok = True
print("| job | task | state | exit | elapsed | MaxRSS |")
print("| --- | --- | --- | --- | --- | --- |")
for job, what in expected:
    r = alloc.get(job)
    if r is None:
        ok = False
        print(f"| {job} | {what} | MISSING from sacct | | | |")
        continue
    if what.endswith("cancelled"):  # the first attempt, cancelled on purpose
        good = r[2].startswith("CANCELLED")
    else:
        good = r[2] == "COMPLETED" and r[3] == "0:0"
    ok &= good
    mib = f"{rss[job] / 1024:.0f} MiB" if rss.get(job) else "not sampled (< 1 s)"
    print(f"| {job} | {what} | {r[2]}{'' if good else ' ✗'} | {r[3]} | {r[4]} | {mib} |")
peak = {}
for job, what in expected:
    if rss.get(job):
        peak[what] = max(peak.get(what, 0), rss[job])
print()
print("max RSS by kind: " + ", ".join(f"{w} {v / 1024:.0f} MiB" for w, v in peak.items()))
sys.exit(0 if ok else 1)
PY
JOBS_OK=${JOBS_OK:-1}

# Resume: each shard submitted again found the runs its cancelled first attempt committed
# (min(PAUSE_AFTER, runs in the shard)) and ran only the others.
RESUME_OK=1
RESUME_NOTE=""
for i in $(seq 1 "$SHARDS"); do
    line=$(grep -o "[0-9]* in shard $i/$SHARDS; [0-9]* already in the store, [0-9]* run now" \
        "$W/jobs/fp-sweep-$i.out" 2>/dev/null || true)
    read -r in_shard _ _ _ kept _ _ _ _ ran _ <<<"$line"
    want=$PAUSE_AFTER
    [ -n "$in_shard" ] && [ "$in_shard" -lt "$want" ] && want=$in_shard
    if [ -z "$line" ] || [ "$kept" != "$want" ] || [ $((kept + ran)) != "$in_shard" ]; then
        RESUME_OK=0
        RESUME_NOTE="$RESUME_NOTE shard $i: '${line:-no summary line}' (want $want kept);"
    else
        RESUME_NOTE="$RESUME_NOTE shard $i: $kept kept, $ran run;"
    fi
done

# Sweep: the merged results.csv equals the single-process one, row by row, every column but
# the wall time elapsed_s (docs/output.md: results.csv).
SWEEP_OK=0
if [ -f "$W/out/sweep/results.csv" ]; then
    if python3 - "$W/ref/sweep/results.csv" "$W/out/sweep/results.csv" >"$W/sweep-compare.txt" 2>&1 <<'PY'; then
import csv, sys
def table(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = list(csv.reader(f))
    head, body = r[0], r[1:]
    keep = [i for i, c in enumerate(head) if c != "elapsed_s"]
    return [head[i] for i in keep], [[row[i] for i in keep] for row in body]
(ha, a), (hb, b) = table(sys.argv[1]), table(sys.argv[2])
if ha != hb:
    sys.exit(f"columns differ:\n  {ha}\n  {hb}")
if len(a) != len(b):
    sys.exit(f"{len(a)} runs in one process, {len(b)} merged")
bad = [(x[0], [(h, p, q) for h, p, q in zip(ha, x, y) if p != q]) for x, y in zip(a, b) if x != y]
if bad:
    for run, diffs in bad[:5]:
        print(run, diffs[:5])
    sys.exit(f"{len(bad)} of {len(a)} runs differ")
print(f"{len(a)} runs × {len(ha)} columns equal (elapsed_s left out)")
PY
        SWEEP_OK=1
    fi
else
    echo "no merged results.csv (the merge job did not run or failed)" >"$W/sweep-compare.txt"
fi
SWEEP_CMP=$(cat "$W/sweep-compare.txt")

TILES_OK=1
if [ "$TILES" = 1 ]; then
    TILES_OK=0
    # The merge job exits ≠ 0 on any mismatch; its state is checked above; its output says more.
    TILES_CMP=$(grep -h "mismatch" "$W/jobs/fp-tiles-merge.out" 2>/dev/null | tail -1 | sed "s|$W/||g")
    [ -n "$TILES_CMP" ] || TILES_CMP="no comparison line in the merge job's output"
    grep -q "^| $TILES_MERGE_ID | .* | COMPLETED | 0:0 |" "$W/summary-jobs.md" && TILES_OK=1
fi

# ---------------------------------------------------------------- summary
verdict() { [ "$1" = 1 ] && echo pass || echo FAIL; }
{
    echo "## fireplan on Slurm ($(sinfo -V), one node: $HOST, $CPUS CPUs, $MEM_MB MB)"
    echo
    echo "| step | figure |"
    echo "| --- | --- |"
    echo "| install ${PKGS[*]} | ${T_INSTALL} s$([ "$T_INSTALL" = 0 ] && echo ' (already installed)') |"
    echo "| start munged, mariadb, slurmdbd, slurmctld, slurmd; node idle | ${T_CLUSTER} s |"
    echo "| single-process sweep ($(basename "$SWEEP_FILE")) | ${T_REF_SWEEP} s |"
    if [ "$TILES" = 1 ]; then
        echo "| single-process run ($(basename "$SCENARIO")) | $MONO_NOTE |"
        echo "| tiles split (${GRID_KM:-default} km grid) | ${T_SPLIT} s, $NTILES tiles |"
    fi
    echo "| all jobs, submit to last merge done | ${T_JOBS} s |"
    echo "| every task and merge COMPLETED 0:0 (sacct) | $(verdict "$JOBS_OK") |"
    echo "| resubmitted shards ran only what the cancelled attempt had not committed | $(verdict $RESUME_OK):$RESUME_NOTE |"
    echo "| merged sweep = one process | $(verdict $SWEEP_OK): $SWEEP_CMP |"
    if [ "$TILES" = 1 ]; then
        echo "| merged tiles = monolithic run (tiles merge --compare) | $(verdict $TILES_OK): $(printf '%s' "$TILES_CMP" | tr '\n' ' ') |"
    else
        echo "| partitioned run | ${TILES_NOTE:-skipped (--no-tiles)} |"
    fi
    echo
    cat "$W/summary-jobs.md"
} | tee "$W/summary.md"
[ -n "${FIREPLAN_SLURM_SUMMARY:-}" ] && cp "$W/summary.md" "$FIREPLAN_SLURM_SUMMARY"

[ "$JOBS_OK" = 1 ] && [ "$RESUME_OK" = 1 ] && [ "$SWEEP_OK" = 1 ] && [ "$TILES_OK" = 1 ] || fail "see the table above"
EXIT_STATUS=0
exit 0
}
