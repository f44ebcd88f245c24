#!/usr/bin/env bash
# Realms benchmarks: JavaScript on every core, in one Nexus process against the usual ways.
#   P3       examples/cpu_server.js (500,000 hash rounds per request) run unchanged by
#            `nexus --realms 2` (one realm per core; and --realms 1 for reference), against Node
#            (one process; `node:cluster` with a worker per core), Bun (one process; one process
#            per core sharing the port with `reusePort`) and Deno (Deno.serve; `deno serve
#            --parallel`), all from realms/cpu_*.js with a verbatim copy of the example's getHash.
#            Load: wrk -t2 -c16 --latency --timeout 10s on /?text=QR%20TEST, after a 2 s warm-up.
#   offload  round trip of a trivial function (realms/trivial.js's add(1, 2)) to another thread,
#            CALLS sequential calls after a tenth as many untimed: Nexus.Scheduler.offload,
#            node:worker_threads postMessage with one worker (in Node, Bun and Deno), and Piscina's
#            pool.run in Node.
# Every server gets a fresh process group and port; the script waits (bounded) until it accepts
# and every process of it said `cpu server ready`, checks its answers against getHash's (same
# JSON for the same text), then loads it. Beside req/s it reports the CPU time the server's
# processes used per request, which moves less than req/s when other work shares the machine,
# and the CPU everything else used meanwhile, which shows when it did.
# Nexus is ${NEXUS:-target/release/nexus} (a copy is measured); Bun and Deno come from
# bench/.tools (bench/startup.sh installs them); Node is the one on PATH; Piscina is installed
# into bench/.tools on first use. A missing runtime or tool stops the script before anything runs.
# Usage: bench/realms.sh [seconds [calls]]   (wrk runs 20 s per server; 10000 offload calls)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=${1:-20}
calls=${2:-10000}
bench=$NEXUS_ROOT/bench
realms=$bench/realms
tools=$bench/.tools
examples=$NEXUS_ROOT/examples
nexus=${NEXUS:-target/release/nexus}
[[ $nexus == /* ]] || nexus=$NEXUS_ROOT/$nexus
bun=$tools/node_modules/@oven/bun-linux-x64/bin/bun
deno=$tools/node_modules/@deno/linux-x64-glibc/deno
piscina_version=5.3.2
cores=$(nproc)
# Servers take ports from here upwards, one each, so no server meets a predecessor's sockets.
port=${REALMS_BENCH_PORT:-18500}
ready_wait=20
query='/?text=QR%20TEST'

export DENO_NO_UPDATE_CHECK=1

missing=()
for need in wrk:wrk curl:curl python3:python3 setsid:util-linux; do
    command -v "${need%%:*}" >/dev/null || missing+=("${need%%:*} (apt-get install ${need#*:})")
done
[[ -x $nexus ]] || missing+=("nexus: $nexus is not built (scripts/build)")
command -v node >/dev/null || missing+=("node: not on PATH")
for runtime in bun deno; do
    [[ -x ${!runtime} ]] || missing+=("$runtime: ${!runtime} not found (bench/startup.sh installs it)")
done
[[ -f $examples/cpu_server.js ]] || missing+=("$examples/cpu_server.js")
if ((${#missing[@]} == 0)) && [[ ! -f $tools/node_modules/piscina/package.json ]]; then
    note "installing piscina $piscina_version into $tools"
    npm install --prefix "$tools" --no-audit --no-fund "piscina@$piscina_version" >&2 ||
        missing+=("piscina: npm install --prefix $tools piscina@$piscina_version failed")
fi
((${#missing[@]} == 0)) || die "missing, so nothing measured: $(printf '\n  %s' "${missing[@]}")"
# Start-up options from the environment would change what Node measures; npm above may need them.
unset NODE_OPTIONS NODE_EXTRA_CA_CERTS

# The Node, Bun and Deno servers must do the example's work, not a look-alike.
example_hash=$(sed -n '/^function getHash/,/^}/p' "$examples/cpu_server.js")
[[ -n $example_hash ]] || die "$examples/cpu_server.js has no getHash function"
[[ $(sed -n '/^export function getHash/,/^}/{s/^export //;p}' "$realms/hash.js") == "$example_hash" ]] ||
    die "getHash in $realms/hash.js differs from $examples/cpu_server.js's: copy it again"

work=$(mktemp -d)
server_pid=
# Each server runs in a process group of its own (setsid), so that stopping it reaches every
# process it forked (cluster workers, the second Bun) and its CPU time can be summed.
stop_server() {
    [[ -n $server_pid ]] || return 0
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in {1..50}; do
        kill -0 -- "-$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
}
# A load or offload run goes to the background and is waited for, because bash runs the INT and
# TERM traps only between foreground commands: so Ctrl-C stops the script at once.
load_pid=
run_waited() {
    "$@" &
    load_pid=$!
    local status=0
    wait "$load_pid" || status=$?
    load_pid=
    return "$status"
}
trap '[[ -z $load_pid ]] || kill "$load_pid" 2>/dev/null; stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

note "measuring a copy of $nexus built $(date -r "$nexus" '+%F %T')"
cp "$nexus" "$work/nexus"
nexus=$work/nexus
declare -A version
for runtime in nexus bun deno node; do
    [[ $runtime == node ]] && program=node || program=${!runtime}
    version[$runtime]=$(version_of "$program")
done
version[piscina]=$(sed -n -E 's/^[[:space:]]*"version": "(.*)",?$/\1/p' \
    "$tools/node_modules/piscina/package.json")

# CPU time, in clock ticks, used so far by the live processes of process group $1 (all threads).
group_ticks() {
    local stat line fields total=0
    for stat in /proc/[0-9]*/stat; do
        { read -r line <"$stat"; } 2>/dev/null || continue
        read -ra fields <<<"${line##*) }"  # after `pid (comm) `: state ppid pgrp ... utime stime
        ((fields[2] == $1)) && total=$((total + fields[11] + fields[12]))
    done
    echo "$total"
}

# CPU time, in clock ticks, all cores have spent busy since boot (/proc/stat: all but idle and
# iowait), so that what the server did not use shows what else ran during its load.
busy_ticks() {
    local user nice system irq softirq steal
    read -r _ user nice system _ _ irq softirq steal _ </proc/stat
    echo $((user + nice + system + irq + softirq + steal))
}

# The server of NAME on PORT: its command into `cmd`, and how it says it is ready: `ready_count`
# lines of its log matching `ready_pattern`.
server_command() {
    local name=$1 port=$2
    ready_pattern='^cpu server ready$'
    ready_count=1
    case $name in
    nexus-2)
        cmd=("$nexus" --realms 2 "$examples/cpu_server.js" "$port")
        ready_count=2
        ;;
    nexus-1) cmd=("$nexus" --realms 1 "$examples/cpu_server.js" "$port") ;;
    node) cmd=(node "$realms/cpu_node.js" "$port") ;;
    node-cluster)
        cmd=(node "$realms/cpu_node_cluster.js" "$port")
        ready_count=$cores
        ;;
    bun) cmd=("$bun" "$realms/cpu_bun.js" "$port") ;;
    bun-reuse)
        # One Bun per core in one process group; the shell waits for them all.
        # shellcheck disable=SC2016  # the inner shell expands $0 and $@
        cmd=(bash -c 'for ((i = 0; i < $0; i++)); do "$@" & done; wait' "$cores"
            "$bun" "$realms/cpu_bun.js" "$port" reuse)
        ready_count=$cores
        ;;
    deno) cmd=("$deno" run --allow-net "$realms/cpu_deno.js" "$port") ;;
    deno-parallel)
        cmd=(env "DENO_JOBS=$cores" "$deno" serve --parallel --allow-net --host 127.0.0.1
            --port "$port" "$realms/cpu_deno_serve.js")
        ready_pattern="Listening on .* with $cores threads"
        ;;
    esac
}

# Whether the running server accepts and its log says it is ready.
ready() { accepts "$port" && (($(grep -cE "$ready_pattern" "$log") >= ready_count)); }

# Starts server NAME on the next port and waits until it accepts and is ready; on failure sets
# `reason` and returns 1.
start_server() {
    port=$((port + 1))
    if accepts "$port"; then
        reason="port $port is already in use (REALMS_BENCH_PORT picks others)"
        return 1
    fi
    server_command "$1" "$port"
    log=$work/$1-$port.log
    setsid "${cmd[@]}" >"$log" 2>&1 &
    server_pid=$!
    await_server ready "$ready_wait" "it was ready" "not ready"
}

# The answers every server must give, from getHash itself: request path → body.
declare -A expected
for path in "$query" '/?text=realms' '/'; do
    expected[$path]=$(node --input-type=module -e \
        "import { answer } from '$realms/hash.js'; console.log(answer(process.argv[1]));" "$path")
done

# Checks the running server's answers, several times each so that every process of a
# multi-process server is likely asked; on failure sets `reason` and returns 1.
check_server() {
    local path status
    for _ in $(seq "$((2 * cores))"); do
        for path in "${!expected[@]}"; do
            status=$(curl -sS --max-time 10 -o "$work/body" -w '%{http_code}' \
                "http://127.0.0.1:$port$path" 2>&1) || true
            if [[ $status != 200 || $(<"$work/body") != "${expected[$path]}" ]]; then
                reason="GET $path: status $status, body '$(head -c 80 "$work/body")',"
                reason+=" not '${expected[$path]}'"
                return 1
            fi
        done
    done
}

printf '## Realms, %s, %s cores (%s), %s, Linux %s, load %s\n' "$(date '+%F %R')" "$cores" \
    "$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)" \
    "$(. /etc/os-release && echo "$PRETTY_NAME")" "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)"

servers=(nexus-2 nexus-1 node node-cluster bun bun-reuse deno deno-parallel)
declare -A labels=(
    [nexus-2]="nexus ${version[nexus]} --realms 2"
    [nexus-1]="nexus ${version[nexus]} --realms 1"
    [node]="node ${version[node]}"
    [node-cluster]="node ${version[node]} cluster ×$cores"
    [bun]="bun ${version[bun]}"
    [bun-reuse]="bun ${version[bun]} reusePort ×$cores"
    [deno]="deno ${version[deno]}"
    [deno-parallel]="deno ${version[deno]} serve --parallel ×$cores"
)
rows=()
ticks_per_second=$(getconf CLK_TCK)
for name in "${servers[@]}"; do
    out=$work/p3-$name.txt
    rows+=("${labels[$name]}=$out")
    if ! start_server "$name" || ! check_server; then
        stop_server
        note "skipping ${labels[$name]}: $reason"
        echo "# skipped: $reason" >"$out"
        continue
    fi
    url=http://127.0.0.1:$port$query
    note "P3: ${labels[$name]} on port $port"
    timeout -k 5 30 wrk -t2 -c16 -d2s "$url" >/dev/null 2>&1 || true
    load=(wrk -t2 -c16 "-d${seconds}s" --timeout 10s --latency "$url")
    echo "# ${load[*]}" >"$out"
    ticks=$(group_ticks "$server_pid")
    busy=$(busy_ticks)
    started=$(date +%s.%N)
    status=0
    run_waited timeout -k 5 $((seconds + 60)) "${load[@]}" >>"$out" 2>&1 || status=$?
    ticks=$(($(group_ticks "$server_pid") - ticks))
    busy=$(($(busy_ticks) - busy))
    echo "# cpu seconds: server $(bc -l <<<"$ticks / $ticks_per_second")" \
        "machine $(bc -l <<<"$busy / $ticks_per_second")" \
        "wall $(bc -l <<<"$(date +%s.%N) - $started")" >>"$out"
    ((status == 0)) || echo "# wrk exited with status $status" >>"$out"
    if ! kill -0 "$server_pid" 2>/dev/null; then
        status=0
        wait "$server_pid" || status=$?
        server_pid=
        echo "# the server died during the load, status $status$(log_tail)" >>"$out"
    fi
    stop_server
done
python3 "$realms/report.py" p3 \
    "P3: CPU-bound server (500,000 hash rounds a request), wrk -t2 -c16 -d${seconds}s" \
    "${labels[node]}" "${rows[@]}"

# Each offload program runs once, in a fresh process, and prints one JSON line (roundtrip.js).
warmup=$((calls / 10))
offload_command() {
    case $1 in
    nexus) cmd=("$nexus" "$realms/offload_nexus.js") ;;
    node-wt) cmd=(node "$realms/offload_worker_threads.js") ;;
    node-piscina) cmd=(node "$realms/offload_piscina.js") ;;
    bun-wt) cmd=("$bun" "$realms/offload_worker_threads.js") ;;
    deno-wt) cmd=("$deno" run --allow-read "$realms/offload_worker_threads.js") ;;
    esac
    cmd+=("$calls" "$warmup")
    [[ $1 != node-piscina ]] || cmd+=("$tools")
}
declare -A offload_labels=(
    [nexus]="nexus ${version[nexus]} Nexus.Scheduler.offload"
    [node-wt]="node ${version[node]} worker_threads"
    [node-piscina]="node ${version[node]} piscina ${version[piscina]}"
    [bun-wt]="bun ${version[bun]} worker_threads"
    [deno-wt]="deno ${version[deno]} worker_threads"
)
rows=()
for name in nexus node-wt node-piscina bun-wt deno-wt; do
    out=$work/offload-$name.txt
    rows+=("${offload_labels[$name]}=$out")
    offload_command "$name"
    note "offload: ${offload_labels[$name]}"
    status=0
    run_waited timeout -k 5 300 "${cmd[@]}" >"$out" 2>"$work/offload.err" || status=$?
    if ((status != 0)); then
        echo "# skipped: exit status $status: $(tail -c 300 "$work/offload.err" |
            tr -s '[:space:]' ' ')" >"$out"
    fi
done
python3 "$realms/report.py" offload \
    "Offload round trip: add(1, 2) in another thread, $calls sequential calls after $warmup" \
    "${offload_labels[node-wt]}" "${rows[@]}"
