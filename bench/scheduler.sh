#!/usr/bin/env bash
# Scheduler benchmark: wall time and peak RSS of the programs in bench/scheduler/, a fresh
# process per run, in Nexus (target/release/nexus), Bun, Deno and Node:
#   timers    1,000,000 setTimeout(f, 0) callbacks
#   promises  1,000,000 chained promise reactions
#   emit      100,000 awaited emits with 4 handlers each (Nexus.EventEmitter in Nexus, whose emit
#             queues every handler as a task; node:events' synchronous emit in the others)
#   await_null     100,000 `await null` in a loop
#   await_promise  100,000 `await new Promise(r => r(i))` in a loop
# Every run's output is checked (scheduler/compare.py). Bun and Deno come from bench/.tools as in
# startup.sh, which installs them; Node is the one on PATH. A missing runtime is skipped.
# Usage: bench/scheduler.sh [runs [workload...]]   (default 5 timed runs after 1 warm-up, all)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=${1:-5}
workloads=(timers promises emit await_null await_promise)
if (($# > 1)); then workloads=("${@:2}"); fi
bench=$NEXUS_ROOT/bench
tools=$bench/.tools
nexus=$NEXUS_ROOT/target/release/nexus
bun=$tools/node_modules/@oven/bun-linux-x64/bin/bun
deno=$tools/node_modules/@deno/linux-x64-glibc/deno
export DENO_NO_UPDATE_CHECK=1

[[ -x $bun && -x $deno ]] || note "bun or deno missing from $tools: bench/startup.sh installs them"

# `-- "label version" command...` for compare.py, or a message when the runtime is missing.
runtime() {
    local label=$1
    shift
    if command -v "$1" >/dev/null; then
        local version
        version=$(version_of "$1")
        printf '%s\0' -- "$label${version:+ $version}" "$@"
    else
        note "skipping $label: $1 not found"
    fi
}

# Runs use a copy, so that a rebuild of target/release/nexus meanwhile cannot mix two builds.
if [[ -x $nexus ]]; then
    copy=$(mktemp -d)
    trap 'rm -rf "$copy"' EXIT
    note "measuring a copy of $nexus built $(date -r "$nexus" '+%F %T')"
    cp "$nexus" "$copy/nexus"
    nexus=$copy/nexus
else
    note "skipping nexus: $nexus is not built (scripts/build)"
fi
note "$(uname -r), $(nproc) cores, $(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A expect=([timers]=1000000 [promises]=1000000 [emit]=400000 [await_null]=100000
    [await_promise]=4999950000)
for workload in "${workloads[@]}"; do
    [[ -n ${expect[$workload]:-} ]] || die "unknown workload $workload (${!expect[*]})"
    program=$bench/scheduler/$workload.js
    groups=()
    while IFS= read -r -d '' arg; do groups+=("$arg"); done < <(
        if [[ -x $nexus ]]; then runtime nexus "$nexus" "$program"; fi
        runtime bun "$bun" "$program"
        runtime deno "$deno" run "$program"
        runtime node node "$program"
    )
    printf '\n### %s\n\n' "$workload"
    env -u NODE_OPTIONS -u NODE_EXTRA_CA_CERTS python3 "$bench/scheduler/compare.py" \
        --runs "$runs" --warmup 1 --expect "${expect[$workload]}" "${groups[@]}" ||
        note "$workload: nothing measured"
done
