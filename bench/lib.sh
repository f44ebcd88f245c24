# shellcheck shell=bash
# Helpers shared by the bench/ scripts (on top of scripts/lib.sh). Sourced, not executed. The
# server helpers read the caller's `log`, `port` and `server_pid` and set its `reason`.
# shellcheck disable=SC2154,SC2034

# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

# Bun and Deno, where startup.sh installs them from npm.
bun=$NEXUS_ROOT/bench/.tools/node_modules/@oven/bun-linux-x64/bin/bun
deno=$NEXUS_ROOT/bench/.tools/node_modules/@deno/linux-x64-glibc/deno

# The heading of a run's results: `## TITLE`, when, and on what machine under what load.
heading() {
    printf '## %s, %s, %s cores (%s), Linux %s, load %s\n' "$1" "$(date '+%F %R')" "$(nproc)" \
        "$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)" \
        "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# The first x.y.z in a runtime's `--version`, or nothing when it has none.
version_of() {
    "$@" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | sed -n 1p || true
}

# Whether something accepts TCP connections on 127.0.0.1:$1.
accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The end of the server's log ($log) on one line, as `: …`, or nothing.
log_tail() { tail -c 300 "$log" | tr -s '[:space:]' ' ' | sed -e 's/ $//' -e '/./s/^/: /'; }

# Waits until command READY succeeds for the server started as $server_pid on $port, at most
# SECONDS. If the server exits first or time runs out (then the caller's stop_server stops it),
# sets `reason` ("exited (status N) before WAITING on port …", "FAILED on port … within …") and
# returns 1.
await_server() {
    local ready=$1 seconds=$2 waiting=$3 failed=$4
    local deadline=$((SECONDS + seconds))
    until $ready; do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            local status=0
            wait "$server_pid" || status=$?
            server_pid=
            reason="exited (status $status) before $waiting on port $port$(log_tail)"
            return 1
        fi
        if ((SECONDS >= deadline)); then
            stop_server
            reason="$failed on port $port within ${seconds} s$(log_tail)"
            return 1
        fi
        sleep 0.05
    done
}

# Stops process $1 (TERM, then KILL if it still runs 5 s later) and reaps it.
stop_process() {
    kill "$1" 2>/dev/null || true
    for _ in {1..50}; do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# A scratch directory ($work) and the one server a benchmark runs at a time ($server_pid, which
# stop_server stops); both go when the script exits.
server_workspace() {
    work=$(mktemp -d)
    server_pid=
    trap 'stop_server; rm -rf "$work"' EXIT
    trap 'exit 130' INT TERM
}

stop_server() {
    [[ -n $server_pid ]] || return 0
    stop_process "$server_pid"
    server_pid=
}

# Starts RUNTIME with the script's start_server unless the caller's `broken` says why not; else
# (what started stopped again) sets `skipped` to why and returns 1, for the caller's table row.
start_or_skip() {
    skipped=${broken[$1]:-}
    [[ -z $skipped ]] || return 1
    start_server "$1" && return 0
    stop_server
    skipped=$reason
    return 1
}

# Fills the caller's `labels` and `broken` (both `declare -A`) for each RUNTIME named (nexus at
# $nexus, bun at $bun, deno at $deno, node on PATH): a label with the version, or why it is not
# measured. Nexus is copied into $work first (and $nexus made the copy), so a rebuild meanwhile
# cannot mix two builds.
# shellcheck disable=SC2004 # labels and broken are the caller's associative arrays
find_runtimes() {
    local runtime program
    for runtime in "$@"; do
        program=${!runtime:-$runtime}
        if [[ $runtime == nexus && -x $nexus ]]; then
            cp "$nexus" "$work/nexus"
            nexus=$work/nexus
            program=$nexus
        fi
        if command -v "$program" >/dev/null; then
            labels[$runtime]="$runtime $(version_of "$program")"
        elif [[ $runtime == nexus ]]; then
            broken[$runtime]="$program is not built"
        else
            broken[$runtime]="$program not found (bench/startup.sh installs bun and deno)"
        fi
    done
}

# The CPU time processes PID... have used, in clock ticks. On a shared machine req/s moves with
# the neighbours' load; the CPU a request costs the server moves much less.
cpu_ticks() {
    local pid total=0
    for pid in "$@"; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# A note line with the server's CPU per request: TICKS over the requests counted in OUT (wrk's
# `N requests in`, ab's `Complete requests: N`).
cpu_note() {
    local requests
    requests=$(awk '/ requests in /{print $1} /^Complete requests:/{print $3}' "$2")
    [[ -n $requests && $requests -gt 0 ]] || return 0
    # To a tenth: in whole µs (bash's integer division), 10.9 read as 10, a tenth of a fast
    # server's cost.
    awk -v ticks="$1" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
        'BEGIN { printf "# server CPU %.1f µs per request\n", ticks * 1000000 / hz / n }'
}

# Runs the caller's `load` command (at most SECONDS) with its output appended to OUT, then notes
# there a failed exit and the CPU per request the server's processes PID... used meanwhile.
measure_load() {
    local out=$1 limit=$2 status=0 ticks note_line
    shift 2
    ticks=$(cpu_ticks "$@")
    timeout -k 5 "$limit" "${load[@]}" >>"$out" 2>&1 || status=$?
    ((status == 0)) || echo "# ${load[0]} exited with status $status" >>"$out"
    note_line=$(cpu_note "$(($(cpu_ticks "$@") - ticks))" "$out")
    [[ -z $note_line ]] || echo "$note_line" >>"$out"
}
