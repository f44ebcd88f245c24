#!/usr/bin/env bash
# fetch benchmark (issue 30): the same client (fetch/client.js) in Nexus, Bun, Deno and Node
# against one local hello server: SEQUENTIAL GETs one after another, then TOTAL GETs with 64 in
# flight, every body read with text(). The server is Bun.serve (http/hello_bun.js), the fastest of
# the anchors' servers, so that it limits no client; with Bun missing, Node's http server.
# The runtimes take turns for ROUNDS rounds (fetch/run.py); the table gives the median rates and
# the client's CPU per request, which moves less than the rates when the server shares the CPU.
# Nexus is ${NEXUS:-target/release/nexus}; Bun and Deno come from bench/.tools (bench/startup.sh
# installs them); Node is the one on PATH. A runtime whose fetch fails is listed as skipped.
# Usage: bench/fetch.sh [sequential [total [rounds]]]   (10000, 10000, 5)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sequential=${1:-10000}
total=${2:-10000}
rounds=${3:-5}
bench=$NEXUS_ROOT/bench
client=$bench/fetch/client.js
tools=$bench/.tools
nexus=${NEXUS:-target/release/nexus}
[[ $nexus == /* ]] || nexus=$NEXUS_ROOT/$nexus
bun=$tools/node_modules/@oven/bun-linux-x64/bin/bun
deno=$tools/node_modules/@deno/linux-x64-glibc/deno
port=${FETCH_BENCH_PORT:-18700}
export DENO_NO_UPDATE_CHECK=1
unset NODE_OPTIONS NODE_EXTRA_CA_CERTS

command -v python3 >/dev/null || die "python3 not found: apt-get install python3"
log=$(mktemp)
server_pid=
stop_server() {
    [[ -n $server_pid ]] || return 0
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
}
trap 'stop_server; rm -f "$log"' EXIT
trap 'exit 130' INT TERM

if [[ -x $bun ]]; then
    server=(bun "$bun" "$bench/http/hello_bun.js" "$port")
else
    server=(node node "$bench/http/hello_node.js" "$port")
fi
"${server[@]:1}" >"$log" 2>&1 &
server_pid=$!
ready() { accepts "$port"; }
await_server ready 15 accepting FAILED || die "the ${server[0]} hello server: $reason"

groups=()
[[ -x $nexus ]] && groups+=(-- "nexus $(version_of "$nexus")" "$nexus" "$client")
[[ -x $bun ]] && groups+=(-- "bun $(version_of "$bun")" "$bun" "$client")
[[ -x $deno ]] && groups+=(-- "deno $(version_of "$deno")" "$deno" run --allow-net "$client")
command -v node >/dev/null && groups+=(-- "node $(version_of node)" node "$client")
echo "fetch: $sequential sequential, then $total with 64 in flight, against ${server[0]}'s hello" \
    "server on 127.0.0.1:$port; $rounds rounds; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
python3 "$bench/fetch/run.py" "http://127.0.0.1:$port/" "$sequential" "$total" 64 "$rounds" "${groups[@]}"
