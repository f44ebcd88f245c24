#!/usr/bin/env bash
# HTTPS benchmarks (issue 31): the P1 page (examples/site/index.html, 8,673 bytes) over TLS from
# the same static-file server in Nexus, Bun, Deno and Node:
#   p1-wrk      wrk -t2 -c100, keep-alive: record encryption per request
#   handshakes  ab -n 2000 -c 50, a connection (and so a full TLS handshake) per request
# Nexus runs examples/https_file_server.js unchanged; the others run bench/http's
# file_{bun,deno,node}.js given the certificate and key. All use one self-signed RSA-2048 certificate made here by
# openssl, and negotiate TLS 1.3. Every server gets a fresh process and port per benchmark; the
# script waits (bounded) until it accepts, checks its answer byte for byte with curl, warms it up
# for a second, then loads it; each row gives the server's CPU time per request, steadier
# than req/s on a shared machine. A runtime that is missing, does not accept or answers wrongly is
# skipped with the reason. Bun and Deno come from bench/.tools (startup.sh installs them); Node is
# the one on PATH; Nexus is ${NEXUS:-target/release/nexus}.
# Usage: bench/https.sh [seconds [benchmark...]]   (wrk runs 10 s by default; both benchmarks)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=${1:-10}
benchmarks=(p1-wrk handshakes)
if (($# > 1)); then benchmarks=("${@:2}"); fi
bench=$NEXUS_ROOT/bench
http=$bench/http
site=$NEXUS_ROOT/examples/site
nexus=${NEXUS:-target/release/nexus}
[[ $nexus == /* ]] || nexus=$NEXUS_ROOT/$nexus
runtimes=(nexus bun deno node)
port=${HTTPS_BENCH_PORT:-18500}
accept_wait=15
# ab stops after this many seconds even if not all requests were answered (a slow server).
ab_limit=120

export DENO_NO_UPDATE_CHECK=1
unset NODE_OPTIONS NODE_EXTRA_CA_CERTS
for need in wrk ab curl openssl python3; do
    command -v "$need" >/dev/null || die "$need not found"
done

server_workspace

cert=$work/cert.pem
key=$work/key.pem
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -addext basicConstraints=critical,CA:FALSE \
    -keyout "$key" -out "$cert" 2>/dev/null || die "openssl could not make a certificate"

declare -A labels broken
find_runtimes nexus bun deno node

# Starts RUNTIME's server on the next port and waits until it accepts; on failure sets `reason`
# and returns 1.
start_server() {
    local runtime=$1
    port=$((port + 1))
    if accepts "$port"; then
        reason="port $port is already in use (HTTPS_BENCH_PORT picks others)"
        return 1
    fi
    log=$work/$runtime-$port.log
    case $runtime in
    nexus) "$nexus" "$NEXUS_ROOT/examples/https_file_server.js" "$cert" "$key" "$port" >"$log" 2>&1 & ;;
    bun) "$bun" "$http/file_bun.js" "$port" "$site" "$cert" "$key" >"$log" 2>&1 & ;;
    deno) "$deno" run --allow-net --allow-read "$http/file_deno.js" "$port" "$site" "$cert" "$key" >"$log" 2>&1 & ;;
    node) node "$http/file_node.js" "$port" "$site" "$cert" "$key" >"$log" 2>&1 & ;;
    esac
    server_pid=$!
    await_server "accepts $port" "$accept_wait" accepting "did not accept"
}

# Checks the running server's answer over TLS 1.3; on failure sets `reason` and returns 1.
check_server() {
    local status
    status=$(curl -sS --max-time 5 --tlsv1.3 --cacert "$cert" -o "$work/body" -w '%{http_code}' \
        "https://127.0.0.1:$port/index.html" 2>&1 || true)
    if [[ $status != 200 ]] || ! cmp -s "$work/body" "$site/index.html"; then
        reason="GET /index.html: status $status, $(wc -c <"$work/body") bytes that are not index.html"
        return 1
    fi
}

declare -A titles=(
    [p1-wrk]="HTTPS P1: static file (8,673 bytes), wrk -t2 -c100 -d${seconds}s, keep-alive, TLS 1.3"
    [handshakes]="HTTPS handshakes: ab -n 2000 -c 50, a connection and a full TLS 1.3 handshake per request"
)
load_command() {
    case $1 in
    p1-wrk) load=(wrk -t2 -c100 "-d${seconds}s" --latency "$2") ;;
    handshakes) load=(ab -r -s 10 -t "$ab_limit" -n 2000 -c 50 "$2") ;;
    esac
}
for name in "${benchmarks[@]}"; do
    [[ -n ${titles[$name]:-} ]] || die "unknown benchmark $name (${!titles[*]})"
done

heading HTTPS

for name in "${benchmarks[@]}"; do
    rows=()
    for runtime in "${runtimes[@]}"; do
        label=${labels[$runtime]:-$runtime}
        out=$work/$name-$runtime.txt
        rows+=("$label=$out")
        if [[ -n ${broken[$runtime]:-} ]]; then
            echo "# skipped: ${broken[$runtime]}" >"$out"
            continue
        fi
        if ! start_server "$runtime" || ! check_server; then
            stop_server
            broken[$runtime]=$reason
            note "skipping $runtime: $reason"
            echo "# skipped: $reason" >"$out"
            continue
        fi
        url=https://127.0.0.1:$port/index.html
        note "$name: $label on port $port"
        timeout -k 5 15 wrk -t2 -c10 -d1s "$url" >/dev/null 2>&1 || true
        load_command "$name" "$url"
        echo "# ${load[*]}" >"$out"
        measure_load "$out" $((ab_limit + seconds + 30)) "$server_pid"
        kill -0 "$server_pid" 2>/dev/null || echo "# the server died during the load$(log_tail)" >>"$out"
        stop_server
    done
    python3 "$bench/http/report.py" "${titles[$name]}" "${rows[@]}"
done
