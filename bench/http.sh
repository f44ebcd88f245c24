#!/usr/bin/env bash
# HTTP benchmarks (issues 6, 34): the same servers in Nexus, Bun, Deno and Node under wrk and ab.
#   p1-wrk    static file (examples/site/index.html, 8,673 bytes), wrk -t2 -c100,
#             keep-alive
#   p1-ab     the same, ab -n 10000 -c 100, a connection per request (HTTP/1.0)
#   p2-ab     the same at c=1000: ab -n 20000 -c 1000
#   p2-wrk    the same at c=1000: wrk -t2 -c1000
#   c10k-wrk  the same at c=10000: wrk -t2 -c10000 (the rows skip the stream variants)
#   hello-wrk 'ok' to every request, wrk -t2 -c100
# Nexus runs examples/http_file_server.js unchanged (its two log lines per request go to
# /dev/null), once as it is and once with --realms 2, and http/hello_nexus.js. The anchors are
# written as their users write them (http/file_*.js): Bun.serve with Bun.file as the body
# (sendfile) and, as a second row, its file.stream(); Deno.serve with Deno.open().readable;
# node:http with fs.createReadStream piped and, as a second row, stream.pipeline.
# Every server gets a fresh process and port per benchmark; the script waits (bounded) until it
# accepts, checks its answers byte for byte with curl, warms it up (wrk -c100 for HTTP_WARMUP
# seconds, 5 by default: the example's JS is still being compiled by the engine's top tier after
# one, and a server's steady state is what is measured), then loads it.
# Each row gives req/s and the server's CPU time per request (user + system from /proc over the
# requests served: on 2 cores the load generator shares the CPU, so cost is the steadier figure),
# both against Bun's Bun.file row. A runtime that is missing, does not accept, or answers wrongly
# is skipped with the reason. Bun and Deno come from bench/.tools (startup.sh installs them); Node
# is the one on PATH; Nexus is ${NEXUS:-target/release/nexus}.
# Usage: bench/http.sh [seconds [benchmark...]]   (wrk runs 10 s by default; all six benchmarks)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=${1:-10}
benchmarks=(p1-wrk p1-ab p2-ab p2-wrk c10k-wrk hello-wrk)
if (($# > 1)); then benchmarks=("${@:2}"); fi
bench=$NEXUS_ROOT/bench
http=$bench/http
examples=$NEXUS_ROOT/examples
site=$examples/site
nexus=${NEXUS:-target/release/nexus}
[[ $nexus == /* ]] || nexus=$NEXUS_ROOT/$nexus
# Servers take ports from here upwards, one each, so no server meets a predecessor's sockets.
port=${HTTP_BENCH_PORT:-18100}
accept_wait=15
warmup=${HTTP_WARMUP:-5}
# ab stops after this many seconds even if not all requests were answered (a slow server).
ab_limit=120

export DENO_NO_UPDATE_CHECK=1
# Start-up options from the environment would change what Node measures; nothing here needs them.
unset NODE_OPTIONS NODE_EXTRA_CA_CERTS

for need in wrk:wrk ab:apache2-utils curl:curl python3:python3; do
    command -v "${need%%:*}" >/dev/null || die "${need%%:*} not found: apt-get install ${need#*:}"
done
[[ -f $site/index.html ]] || die "$site/index.html not found"

# c=10000 needs a descriptor per connection on both sides, and ab and wrk inherit this limit.
if ! ulimit -n 65536 2>/dev/null; then
    ulimit -n "$(ulimit -Hn)"
    note "open files limited to $(ulimit -n) (hard limit), not 65536"
fi
(($(ulimit -n) >= 10240)) ||
    note "open files limit $(ulimit -n): c=10000 runs may fail for lack of descriptors"

server_workspace

# labels[runtime] is its label with version; broken[runtime-kind] why it is not measured.
declare -A labels broken
find_runtimes nexus bun deno node
for runtime in nexus bun deno node; do
    [[ -z ${broken[$runtime]:-} ]] || note "skipping $runtime: ${broken[$runtime]}"
done
labels[nexus-realms]="${labels[nexus]}, --realms 2"
labels[bun-stream]="${labels[bun]}, file.stream()"
labels[node-pipeline]="${labels[node]}, pipeline"

# The command that starts RUNTIME's server of KIND (file or hello) on PORT, into `cmd`.
server_command() {
    local kind=$1 runtime=$2 port=$3
    case $runtime-$kind in
    nexus-file) cmd=("$nexus" "$examples/http_file_server.js" "$port") ;;
    nexus-hello) cmd=("$nexus" "$http/hello_nexus.js" "$port") ;;
    nexus-realms-file) cmd=("$nexus" --realms 2 "$examples/http_file_server.js" "$port") ;;
    nexus-realms-hello) cmd=("$nexus" --realms 2 "$http/hello_nexus.js" "$port") ;;
    bun-*) cmd=("$bun" "$http/${kind}_bun.js" "$port") ;;
    deno-*) cmd=("$deno" run --allow-net --allow-read "$http/${kind}_deno.js" "$port") ;;
    node-*) cmd=(node "$http/${kind}_node.js" "$port") ;;
    esac
    [[ $kind == hello || $runtime == nexus* ]] || cmd+=("$site")
    [[ $runtime != bun-stream ]] || cmd+=(--stream)
    [[ $runtime != node-pipeline ]] || cmd+=(--pipeline)
}

# How many connections the kernel has dropped because a listen queue was full (every socket's):
# the client retries after 1 s, 3 s, ..., so a few show as a long tail or as timeouts.
listen_overflows() {
    awk '$1 == "TcpExt:" {
        if (!col) { for (i = 2; i <= NF; i++) if ($i == "ListenOverflows") col = i }
        else { print $col; exit }
    }' /proc/net/netstat
}

# Starts RUNTIME's server of KIND on the next port and waits until it accepts; on failure sets
# `reason` and returns 1. Nexus's standard output (a log line per request) goes to /dev/null.
start_server() {
    local kind=$1 runtime=$2
    port=$((port + 1))
    if accepts "$port"; then
        reason="port $port is already in use (HTTP_BENCH_PORT picks others)"
        return 1
    fi
    server_command "$kind" "$runtime" "$port"
    log=$work/$runtime-$kind-$port.log
    if [[ $runtime == nexus ]]; then
        "${cmd[@]}" >/dev/null 2>"$log" &
    else
        "${cmd[@]}" >"$log" 2>&1 &
    fi
    server_pid=$!
    await_server "accepts $port" "$accept_wait" accepting "did not accept"
}

# Fetches PATH from the running server with HTTP/VERSION into $work/body; prints the status code.
fetch() {
    curl -sS --max-time 5 "--http$2" -o "$work/body" -w '%{http_code}' \
        "http://127.0.0.1:$port$1" 2>&1 || true
}

# Checks the running server's answers, in HTTP/1.1 (wrk) and HTTP/1.0 (ab); on failure sets
# `reason` and returns 1.
check_server() {
    local kind=$1 version status
    for version in 1.1 1.0; do
        if [[ $kind == file ]]; then
            status=$(fetch /index.html "$version")
            if [[ $status != 200 ]] || ! cmp -s "$work/body" "$site/index.html"; then
                reason="HTTP/$version GET /index.html: status $status, $(wc -c <"$work/body")"
                reason+=" bytes that are not index.html"
                return 1
            fi
            status=$(fetch /missing.html "$version")
            if [[ $status != 404 ]]; then
                reason="HTTP/$version GET /missing.html: status $status, not 404"
                return 1
            fi
        else
            status=$(fetch / "$version")
            if [[ $status != 200 || $(<"$work/body") != ok ]]; then
                reason="HTTP/$version GET /: status $status,"
                reason+=" body '$(head -c 80 "$work/body")', not 'ok'"
                return 1
            fi
        fi
    done
}

# The kind of server, title, runtimes and load command (for URL, into `load`) of benchmark NAME.
declare -A kinds=([p1-wrk]=file [p1-ab]=file [p2-ab]=file [p2-wrk]=file [c10k-wrk]=file
    [hello-wrk]=hello)
declare -A titles=(
    [p1-wrk]="P1: static file (8,673 bytes), wrk -t2 -c100 -d${seconds}s, keep-alive"
    [p1-ab]="P1: static file (8,673 bytes), ab -n 10000 -c 100, a connection per request"
    [p2-ab]="P2: static file (8,673 bytes), ab -n 20000 -c 1000, a connection per request"
    [p2-wrk]="P2: static file (8,673 bytes), wrk -t2 -c1000 -d${seconds}s, keep-alive"
    [c10k-wrk]="static file (8,673 bytes), wrk -t2 -c10000 -d${seconds}s, keep-alive"
    [hello-wrk]="Hello world ('ok'), wrk -t2 -c100 -d${seconds}s, keep-alive"
)
file_lineup="nexus nexus-realms bun bun-stream deno node node-pipeline"
declare -A lineups=([p1-wrk]=$file_lineup [p1-ab]=$file_lineup [p2-ab]=$file_lineup
    [p2-wrk]=$file_lineup [c10k-wrk]="nexus nexus-realms bun deno node"
    [hello-wrk]="nexus nexus-realms bun deno node")
load_command() {
    local ab=(ab -r -s 10 -t "$ab_limit")  # -n after -t, else -t resets it to 50000
    case $1 in
    p1-wrk | hello-wrk) load=(wrk -t2 -c100 "-d${seconds}s" --latency "$2") ;;
    p1-ab) load=("${ab[@]}" -n 10000 -c 100 "$2") ;;
    p2-ab) load=("${ab[@]}" -n 20000 -c 1000 "$2") ;;
    p2-wrk) load=(wrk -t2 -c1000 "-d${seconds}s" --latency "$2") ;;
    c10k-wrk) load=(wrk -t2 -c10000 "-d${seconds}s" --timeout 10s --latency "$2") ;;
    esac
}
for name in "${benchmarks[@]}"; do
    [[ -n ${kinds[$name]:-} ]] || die "unknown benchmark $name (${!kinds[*]})"
done

heading HTTP

for name in "${benchmarks[@]}"; do
    kind=${kinds[$name]}
    rows=()
    for runtime in ${lineups[$name]}; do
        base=${runtime%%-*}
        out=$work/$name-$runtime.txt
        rows+=("${labels[$runtime]}=$out")
        reason=${broken[$base]:-${broken[$runtime-$kind]:-}}
        if [[ -n $reason ]]; then
            echo "# skipped: $reason" >"$out"
            continue
        fi
        if ! start_server "$kind" "$runtime" || ! check_server "$kind"; then
            stop_server
            # A server that cannot start or answer will not do better in the next benchmark.
            broken[$runtime-$kind]=$reason
            note "skipping $runtime ($kind server): $reason"
            echo "# skipped: $reason" >"$out"
            continue
        fi
        url=http://127.0.0.1:$port/
        [[ $kind == file ]] && url+=index.html
        note "$name: ${labels[$runtime]} on port $port"
        timeout -k 5 $((warmup + 10)) wrk -t2 -c100 "-d${warmup}s" "$url" >/dev/null 2>&1 || true
        load_command "$name" "$url"
        echo "# ${load[*]}" >"$out"
        overflows=$(listen_overflows)
        measure_load "$out" $((ab_limit + seconds + 30)) "$server_pid"
        overflows=$(($(listen_overflows) - overflows))
        ((overflows == 0)) ||
            echo "# listen queue overflowed $overflows times (SYNs dropped)" >>"$out"
        if ! kill -0 "$server_pid" 2>/dev/null; then
            status=0
            wait "$server_pid" || status=$?
            server_pid=
            ((status > 128)) && status+=" (signal $((status - 128)))"
            echo "# the server died during the load, status $status$(log_tail)" >>"$out"
        fi
        stop_server
    done
    python3 "$http/report.py" "${titles[$name]}" "${rows[@]}"
done
