#!/usr/bin/env bash
# WebSocket echo benchmark (issue 31): messages per second with 100 clients, each keeping 4
# binary messages of 32 bytes in flight, against Nexus (serve() with info.upgrade, --realms 1 and
# --realms 2), Bun.serve's websocket handler, Node with the `ws` package and Deno.upgradeWebSocket
# (bench/websocket/echo_*). Compression is off everywhere, so every server echoes the same bytes.
# One load client for every server: bench/websocket/load.rs, std-only Rust built here with rustc
# (why it and not a runtime's client: see its header). Each row gives the server's CPU time per
# message, steadier than the rate on a shared machine. A runtime that is missing or does not
# accept is skipped with the reason. Bun and Deno come from bench/.tools (bench/startup.sh
# installs them), `ws` is installed there too; Nexus is ${NEXUS:-target/release/nexus}.
# Usage: bench/websocket.sh [seconds [clients]]   (10 s, 100 clients)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=${1:-10}
clients=${2:-100}
bench=$NEXUS_ROOT/bench
dir=$bench/websocket
tools=$bench/.tools
nexus=${NEXUS:-target/release/nexus}
[[ $nexus == /* ]] || nexus=$NEXUS_ROOT/$nexus
bun=$tools/node_modules/@oven/bun-linux-x64/bin/bun
deno=$tools/node_modules/@deno/linux-x64-glibc/deno
ws_version=8.23.0
port=${WEBSOCKET_BENCH_PORT:-18400}
accept_wait=15

export DENO_NO_UPDATE_CHECK=1
command -v rustc >/dev/null || die "rustc not found (the load client is built with it)"
if [[ ! -f $tools/node_modules/ws/package.json ]] && command -v npm >/dev/null; then
    note "installing ws $ws_version into $tools"
    npm install --prefix "$tools" --no-audit --no-fund "ws@$ws_version" >&2 || note "npm install ws failed"
fi

server_workspace

rustc -O --edition 2021 "$dir/load.rs" -o "$work/load" || die "the load client does not build"

declare -A labels broken
if [[ -x $nexus ]]; then
    cp "$nexus" "$work/nexus"
    nexus=$work/nexus
    labels[nexus]="nexus $(version_of "$nexus")"
    labels[nexus2]="${labels[nexus]} --realms 2"
else
    broken[nexus]="$nexus is not built"
    broken[nexus2]=${broken[nexus]}
fi
for runtime in bun deno; do
    if [[ -x ${!runtime} ]]; then
        labels[$runtime]="$runtime $(version_of "${!runtime}")"
    else
        broken[$runtime]="${!runtime} not found (bench/startup.sh installs it)"
    fi
done
if command -v node >/dev/null && [[ -f $tools/node_modules/ws/package.json ]]; then
    labels[node]="node $(version_of node) + ws $ws_version"
else
    broken[node]="node, or ws in $tools, not found"
fi

# Starts RUNTIME on the next port and waits until it accepts; on failure sets `reason`.
start_server() {
    port=$((port + 1))
    log=$work/$1-$port.log
    case $1 in
    nexus) "$nexus" "$dir/echo_nexus.js" "$port" >"$log" 2>&1 & ;;
    nexus2) "$nexus" --realms 2 "$dir/echo_nexus.js" "$port" >"$log" 2>&1 & ;;
    bun) "$bun" "$dir/echo_bun.js" "$port" >"$log" 2>&1 & ;;
    node) node "$dir/echo_node.mjs" "$port" "$tools/node_modules" >"$log" 2>&1 & ;;
    deno) "$deno" run --allow-net "$dir/echo_deno.js" "$port" >"$log" 2>&1 & ;;
    esac
    server_pid=$!
    await_server "accepts $port" "$accept_wait" accepting "did not accept"
}

printf '## WebSocket echo, %s, %s cores (%s), Linux %s, load %s\n' "$(date '+%F %R')" "$(nproc)" \
    "$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)" \
    "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "$clients clients x 4 in flight, 32-byte binary messages, ${seconds} s after a 1 s warm-up"
echo
echo '| server | messages/s | server CPU µs/message | rate vs bun | CPU vs bun |'
echo '|---|--:|--:|--:|--:|'
declare -A rates cpus
for runtime in bun nexus nexus2 node deno; do
    label=${labels[$runtime]:-$runtime}
    if ! start_or_skip "$runtime"; then
        echo "| $label | skipped: $skipped | | | |"
        continue
    fi
    note "$label on port $port"
    ticks=$(cpu_ticks "$server_pid")
    # The warm-up second is in the client's run and in these ticks: take it out by rate.
    if ! out=$(timeout -k 5 $((seconds + 30)) "$work/load" "$port" "$clients" "$seconds" 2>"$work/load.err"); then
        stop_server
        echo "| $label | failed: $(tail -c 200 "$work/load.err" | tr -s '[:space:]' ' ') | | | |"
        continue
    fi
    used=$(($(cpu_ticks "$server_pid") - ticks))
    stop_server
    read -r _ messages _ elapsed <<<"$out"
    rate=$(echo "$messages / $elapsed" | bc)
    # CPU over the whole run (warm-up included) divided by the messages of the whole run,
    # estimated at the measured rate.
    cpu=$(echo "scale=2; $used * 1000000 / $(getconf CLK_TCK) / ($rate * ($elapsed + 1))" | bc)
    rates[$runtime]=$rate
    cpus[$runtime]=$cpu
    ratio_rate=-
    ratio_cpu=-
    if [[ -n ${rates[bun]:-} && ${rates[bun]} -gt 0 ]]; then
        ratio_rate=$(echo "scale=2; $rate / ${rates[bun]}" | bc)x
        ratio_cpu=$(echo "scale=2; $cpu / ${cpus[bun]}" | bc)x
    fi
    echo "| $label | $rate | $cpu | $ratio_rate | $ratio_cpu |"
done
