#!/usr/bin/env bash
# UDP benchmark (issue 31): echo servers in Nexus (examples/udp_echo.js), Node (dgram), Bun
# (Bun.udpSocket) and Deno (Deno.listenDatagram, --unstable-net) under the same load client,
# bench/udp/load.py: one socket keeping WINDOW datagrams of SIZE bytes in flight for SECONDS.
# Each row gives echoes per second and the server's CPU time per echo, steadier than the rate on
# a shared machine (the client shares the cores). Every server gets a fresh process and port;
# the script waits (bounded) until one echo comes back intact, warms it up for a second, then
# loads it. A runtime that is missing or does not echo is skipped with the reason. Bun and Deno
# come from bench/.tools (startup.sh installs them); Node is the one on PATH; Nexus is
# ${NEXUS:-target/release/nexus}.
# Usage: bench/udp.sh [seconds [window [size]]]   (default 10 s, 64 datagrams of 64 bytes)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=${1:-10}
window=${2:-64}
size=${3:-64}
bench=$NEXUS_ROOT/bench
dir=$bench/udp
tools=$bench/.tools
nexus=${NEXUS:-target/release/nexus}
[[ $nexus == /* ]] || nexus=$NEXUS_ROOT/$nexus
bun=$tools/node_modules/@oven/bun-linux-x64/bin/bun
deno=$tools/node_modules/@deno/linux-x64-glibc/deno
port=${UDP_BENCH_PORT:-18500}
echo_wait=15

export DENO_NO_UPDATE_CHECK=1
unset NODE_OPTIONS
command -v python3 >/dev/null || die "python3 not found"

server_workspace

declare -A labels broken
if [[ -x $nexus ]]; then
    # Runs use a copy, so that a rebuild of the binary meanwhile cannot mix two builds.
    cp "$nexus" "$work/nexus"
    nexus=$work/nexus
fi
for runtime in nexus bun deno node; do
    [[ $runtime == node ]] && program=node || program=${!runtime}
    if command -v "$program" >/dev/null; then
        labels[$runtime]="$runtime $(version_of "$program")"
    else
        broken[$runtime]="$program not found (scripts/build builds nexus; bench/startup.sh installs bun and deno)"
    fi
done

# Whether the server on $port echoes a datagram intact.
echoes() { python3 "$dir/load.py" "$port" 0 "$window" "$size"; }

# Starts RUNTIME's echo server on the next port and waits until it echoes; on failure sets
# `reason` and returns 1.
start_server() {
    local runtime=$1
    port=$((port + 1))
    log=$work/$runtime-$port.log
    case $runtime in
    nexus) "$nexus" "$NEXUS_ROOT/examples/udp_echo.js" "$port" 127.0.0.1 >"$log" 2>&1 & ;;
    bun) "$bun" "$dir/echo_bun.js" "$port" >"$log" 2>&1 & ;;
    deno) "$deno" run --unstable-net --allow-net "$dir/echo_deno.js" "$port" >"$log" 2>&1 & ;;
    node) node "$dir/echo_node.js" "$port" >"$log" 2>&1 & ;;
    esac
    server_pid=$!
    await_server echoes "$echo_wait" echoing "did not echo"
}

printf '## UDP echo, %s, %s cores (%s), Linux %s, load %s\n\n' "$(date '+%F %R')" "$(nproc)" \
    "$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)" \
    "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '### %s-byte datagrams, %s in flight, %s s (bench/udp/load.py)\n\n' "$size" "$window" "$seconds"
echo '| runtime | echoes/s | server CPU µs/echo | lost | bad |'
echo '| --- | ---: | ---: | ---: | ---: |'
for runtime in nexus bun node deno; do
    label=${labels[$runtime]:-$runtime}
    if ! start_or_skip "$runtime"; then
        echo "| $label | skipped: $skipped | | | |"
        continue
    fi
    note "$label on port $port"
    python3 "$dir/load.py" "$port" 1 "$window" "$size" >/dev/null
    ticks=$(cpu_ticks "$server_pid")
    read -r _ echoes _ elapsed _ lost _ bad < <(python3 "$dir/load.py" "$port" "$seconds" "$window" "$size")
    ticks=$(($(cpu_ticks "$server_pid") - ticks))
    kill -0 "$server_pid" 2>/dev/null || label+=" (died during the load$(log_tail))"
    stop_server
    rate=$(python3 -c "print(round($echoes / $elapsed))")
    cpu=$(python3 -c "print(round($ticks * 1e6 / $(getconf CLK_TCK) / max($echoes, 1), 1))")
    echo "| $label | $rate | $cpu | $lost | $bad |"
done
