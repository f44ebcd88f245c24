#!/usr/bin/env bash
# Start-up benchmark: wall time and peak RSS of bench/hello.js, a fresh process per run, in Nexus
# (target/release/nexus), Bun, Deno and Node. Bun and Deno are installed once from npm into
# bench/.tools; Node is the one on PATH. A runtime that is missing is skipped with a message.
# Usage: bench/startup.sh [runs]   (default 30 timed runs, after 3 warm-ups each)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=${1:-30}
bench=$NEXUS_ROOT/bench
hello=$bench/hello.js
tools=$bench/.tools
nexus=$NEXUS_ROOT/target/release/nexus
bun=$tools/node_modules/@oven/bun-linux-x64/bin/bun
deno=$tools/node_modules/@deno/linux-x64-glibc/deno
bun_version=1.4.5
deno_version=2.9.6

# Deno would otherwise look for a newer release at start-up.
export DENO_NO_UPDATE_CHECK=1

if [[ $(version_of "$bun") != "$bun_version" || $(version_of "$deno") != "$deno_version" ]]; then
    if command -v npm >/dev/null; then
        note "installing bun $bun_version and deno $deno_version into $tools"
        npm install --prefix "$tools" --no-audit --no-fund \
            "@oven/bun-linux-x64@$bun_version" "@deno/linux-x64-glibc@$deno_version" >&2 ||
            note "npm install failed"
    else
        note "npm not found; cannot install bun and deno"
    fi
    [[ $(version_of "$bun") == "$bun_version" ]] || note "bun $bun_version does not run"
    [[ $(version_of "$deno") == "$deno_version" ]] || note "deno $deno_version does not run"
fi

# Each runtime is one group for measure.py: `-- "label version" command args...`; measure.py
# skips one whose warm-up does not print `hello world`.
groups=()
add() {
    local label=$1
    shift
    if command -v "$1" >/dev/null; then
        local version
        version=$(version_of "$1")
        groups+=(-- "$label${version:+ $version}" "$@")
    else
        note "skipping $label: $1 not found"
    fi
}

if [[ -x $nexus ]]; then
    add nexus "$nexus" "$hello"
else
    note "skipping nexus: $nexus is not built (scripts/build)"
fi
add bun "$bun" "$hello"
add deno "$deno" run "$hello"
add node node "$hello"

((${#groups[@]})) || die "no runtime to measure"
note "$(uname -r), $(nproc) cores, $(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)"
# Start-up options from the environment would be measured too (NODE_EXTRA_CA_CERTS alone makes
# Node parse a certificate bundle at every start); npm above may need them, the runs do not.
env -u NODE_OPTIONS -u NODE_EXTRA_CA_CERTS \
    python3 "$bench/measure.py" --runs "$runs" --warmup 3 --expect "hello world" --baseline bun "${groups[@]}"
