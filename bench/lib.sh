# shellcheck shell=bash
# Helpers shared by the bench/ scripts (on top of scripts/lib.sh). Sourced, not executed. The
# server helpers read the caller's `log`, `port` and `server_pid` and set its `reason`.
# shellcheck disable=SC2154,SC2034

# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

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
