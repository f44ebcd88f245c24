#!/usr/bin/env bash
# Fetch-style server benchmarks (issue 30): Nexus.Net.HTTP.serve against Bun.serve and Deno.serve
# under wrk -t2 -c100, keep-alive, each handler returning a Response:
#   hello    'ok' to every request
#   page     the 8,673-byte examples/site/index.html, a Response of its bytes (read once)
#   realms   hello with two of each: nexus --realms 2 (one shared socket) against two Bun
#            processes sharing the port with `reusePort`
# hello and page also run the same work on Nexus.Net.HTTP.Server's own API (the engine under
# serve(): bench/http/hello_nexus.js and bench/serve/page_server_nexus.js), the floor serve() is
# held to. The others are bench/serve/{hello,page}_{nexus,bun,deno}.js. Every server gets a
# fresh process and port; each row gives the server's CPU time per request, steadier than
# req/s on a shared machine. The script waits (bounded) until it accepts, checks its answer byte for
# byte with curl, warms it up for a second, then loads it. A runtime that is missing, does not
# accept or answers wrongly is skipped with the reason. Bun and Deno come from bench/.tools
# (startup.sh installs them); Nexus is ${NEXUS:-target/release/nexus}.
# Usage: bench/serve.sh [seconds [benchmark...]]   (wrk runs 10 s by default; all three)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=${1:-10}
benchmarks=(hello page realms)
if (($# > 1)); then benchmarks=("${@:2}"); fi
bench=$NEXUS_ROOT/bench
dir=$bench/serve
tools=$bench/.tools
page=$NEXUS_ROOT/examples/site/index.html
nexus=${NEXUS:-target/release/nexus}
[[ $nexus == /* ]] || nexus=$NEXUS_ROOT/$nexus
bun=$tools/node_modules/@oven/bun-linux-x64/bin/bun
deno=$tools/node_modules/@deno/linux-x64-glibc/deno
port=${SERVE_BENCH_PORT:-18300}
accept_wait=15

export DENO_NO_UPDATE_CHECK=1
for need in wrk curl python3; do
    command -v "$need" >/dev/null || die "$need not found"
done

work=$(mktemp -d)
server_pid=
# The second Bun of bun-reuse, stopped with the first.
extra_pid=
stop_server() {
    local pid
    for pid in $server_pid $extra_pid; do stop_process "$pid"; done
    server_pid=
    extra_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

declare -A labels broken
find_runtimes nexus bun deno
labels[server]="nexus-server ${labels[nexus]#nexus }"
[[ -z ${broken[nexus]:-} ]] || broken[server]=${broken[nexus]}

# Starts the server RUNTIME (nexus, server, bun, deno, nexus-realms, bun-reuse) of KIND (hello,
# page) on the next port and waits until it accepts; on failure sets `reason` and returns 1.
start_server() {
    local kind=$1 runtime=$2
    port=$((port + 1))
    log=$work/$runtime-$kind-$port.log
    case $runtime in
    nexus) "$nexus" "$dir/${kind}_nexus.js" "$port" >"$log" 2>&1 & ;;
    nexus-realms) "$nexus" --realms 2 "$dir/${kind}_nexus.js" "$port" >"$log" 2>&1 & ;;
    server)
        program=$dir/page_server_nexus.js
        [[ $kind == hello ]] && program=$bench/http/hello_nexus.js
        "$nexus" "$program" "$port" >"$log" 2>&1 &
        ;;
    bun) "$bun" "$dir/${kind}_bun.js" "$port" >"$log" 2>&1 & ;;
    bun-reuse)
        "$bun" "$dir/${kind}_bun.js" "$port" reuse >"$log" 2>&1 &
        extra_pid=$!
        "$bun" "$dir/${kind}_bun.js" "$port" reuse >>"$log" 2>&1 &
        ;;
    deno) "$deno" run --allow-net --allow-read "$dir/${kind}_deno.js" "$port" >"$log" 2>&1 & ;;
    esac
    server_pid=$!
    await_server "accepts $port" "$accept_wait" accepting "did not accept"
}

# Checks the running server's answer; on failure sets `reason` and returns 1.
check_server() {
    local kind=$1 status
    status=$(curl -sS --max-time 5 -o "$work/body" -w '%{http_code}' "http://127.0.0.1:$port/" 2>&1 || true)
    if [[ $kind == page ]] && { [[ $status != 200 ]] || ! cmp -s "$work/body" "$page"; }; then
        reason="GET /: status $status, $(wc -c <"$work/body") bytes that are not index.html"
        return 1
    fi
    if [[ $kind == hello && ($status != 200 || $(<"$work/body") != ok) ]]; then
        reason="GET /: status $status, body '$(head -c 80 "$work/body")', not 'ok'"
        return 1
    fi
}

declare -A kinds=([hello]=hello [page]=page [realms]=hello)
declare -A titles=(
    [hello]="serve(): hello world ('ok'), wrk -t2 -c100 -d${seconds}s, keep-alive"
    [page]="serve(): the 8,673-byte page as a Response, wrk -t2 -c100 -d${seconds}s, keep-alive"
    [realms]="serve(): hello world, two of each (nexus --realms 2, Bun reusePort ×2), wrk -t2 -c100 -d${seconds}s"
)
declare -A lineups=([hello]="nexus server bun deno" [page]="nexus server bun deno" [realms]="nexus-realms bun-reuse")
for name in "${benchmarks[@]}"; do
    [[ -n ${kinds[$name]:-} ]] || die "unknown benchmark $name (${!kinds[*]})"
done

heading 'serve()'

for name in "${benchmarks[@]}"; do
    kind=${kinds[$name]}
    rows=()
    for runtime in ${lineups[$name]}; do
        base=${runtime%%-*}
        label=${labels[$base]}
        [[ $runtime == nexus-realms ]] && label+=" --realms 2"
        [[ $runtime == bun-reuse ]] && label+=" reusePort ×2"
        out=$work/$name-$runtime.txt
        rows+=("$label=$out")
        if [[ -n ${broken[$base]:-} ]]; then
            echo "# skipped: ${broken[$base]}" >"$out"
            continue
        fi
        if ! start_server "$kind" "$runtime" || ! check_server "$kind"; then
            stop_server
            note "skipping $runtime ($name): $reason"
            echo "# skipped: $reason" >"$out"
            continue
        fi
        url=http://127.0.0.1:$port/
        note "$name: $label on port $port"
        timeout -k 5 15 wrk -t2 -c10 -d1s "$url" >/dev/null 2>&1 || true
        load=(wrk -t2 -c100 "-d${seconds}s" --latency "$url")
        echo "# ${load[*]}" >"$out"
        # shellcheck disable=SC2086 # extra_pid is empty or one pid
        measure_load "$out" $((seconds + 30)) $server_pid $extra_pid
        kill -0 "$server_pid" 2>/dev/null || echo "# the server died during the load$(log_tail)" >>"$out"
        stop_server
    done
    python3 "$bench/http/report.py" "${titles[$name]}" "${rows[@]}"
done
