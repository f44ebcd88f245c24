# shellcheck shell=bash
# What the checks in packaging/checks/ share: their results, a scratch folder, fresh systems made
# by debootstrap and commands run inside them, and the example file server's answers. Sourced.

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# Ubuntu's archive key for debootstrap, from Ubuntu's own package (Debian 12 has no ubuntu-keyring).
UBUNTU_KEYRING_DEB=pool/main/u/ubuntu-keyring/ubuntu-keyring_2021.03.26_all.deb
UBUNTU_KEYRING_SHA256=0d0e7ed6b112f5d03eabf3c7eb01ebdacf9c57714b279e90495cfc58c8c4520f
UBUNTU_MIRROR=${NEXUS_UBUNTU_MIRROR:-http://archive.ubuntu.com/ubuntu}
DEBIAN_MIRROR=${NEXUS_DEBIAN_MIRROR:-http://deb.debian.org/debian}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/nexus-check.XXXXXX")
# --one-file-system: should a bind mount outlive its namespace, rm must not follow it into the
# engine cache or the checkout.
trap 'rm -rf --one-file-system "$scratch"' EXIT

pass() { note "ok: $*"; }
fail() {
    echo "FAIL: $*" >&2
    return 1
}

# Seconds since the epoch, for the times the checks report.
now() { date +%s; }
took() { echo "$(($(now) - $1)) s"; }

# Whether $1 is what `nexus --version` prints: the version, then the engine's in parentheses.
is_version_line() {
    local v
    v=$(version)
    [[ $1 == "nexus $v" || $1 == "nexus $v ("*")" ]]
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until a server answers GET / on 127.0.0.1:$1, for at most $2 seconds (default 10), or
# until process $3 (when given) has ended; the checks after it report one that never answered.
# The client await_server and check_site run: `curl`, or curl inside another network namespace
# (`nsenter -t PID -n curl`) to reach a server that listens on a container's loopback.
curl=(curl)

await_server() {
    local deadline=$(($(now) + ${2:-10}))
    while (($(now) < deadline)); do
        "${curl[@]}" -fs -o /dev/null "http://127.0.0.1:$1/" && return
        [[ -z ${3:-} ]] || kill -0 "$3" 2>/dev/null || return 0
        sleep 0.2
    done
}

# The example file server on 127.0.0.1:$1 answers GET / and /hello.txt with examples/site's bytes
# and /missing with 404.
check_site() {
    local port=$1 problems=()
    "${curl[@]}" -fsS "http://127.0.0.1:$port/" | cmp -s - "$NEXUS_ROOT/examples/site/index.html" ||
        problems+=("GET / is not examples/site/index.html")
    "${curl[@]}" -fsS "http://127.0.0.1:$port/hello.txt" | cmp -s - "$NEXUS_ROOT/examples/site/hello.txt" ||
        problems+=("GET /hello.txt is not examples/site/hello.txt")
    [[ $("${curl[@]}" -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/missing") == 404 ]] ||
        problems+=("GET /missing is not 404")
    if ((${#problems[@]})); then
        printf 'FAIL: %s\n' "${problems[@]}" >&2
        return 1
    fi
}

# Stops process PID and every process under it: a command started in the background through a
# function (`in_root ... &`) runs in a subshell, and its children outlive a kill of that alone.
kill_tree() {
    local child
    for child in $(pgrep -P "$1"); do
        kill_tree "$child"
    done
    kill "$1" 2>/dev/null || true
}

# Starts the example file server with "$@" (the port appended), checks its answers, and stops it
# with every process under it ("$@" may be a function, such as in_root).
check_file_server() {
    local port pid code=0
    port=$(free_port)
    "$@" "$port" >"$scratch/server.log" 2>&1 &
    pid=$!
    await_server "$port" 10 "$pid"
    check_site "$port" || code=$?
    kill_tree "$pid"
    wait "$pid" 2>/dev/null || true
    if ((code)); then
        note "the server's output:"
        cat "$scratch/server.log" >&2
        return 1
    fi
    pass "file server on port $port answered GET /, /hello.txt and 404 for /missing"
}

# Prints the root of a fresh minimal system of the suite (debootstrap; a minute or two). This
# machine's extra CA certificates are copied in, so that on a network whose HTTPS goes through an
# inspecting proxy the root reaches crates.io and rustup as the machine does; elsewhere there
# are none.
bootstrap() {
    local suite=$1 root=$scratch/$1 mirror keyring=() script=()
    case $suite in
    bookworm | trixie) mirror=$DEBIAN_MIRROR ;;
    *)
        mirror=$UBUNTU_MIRROR
        local deb=$scratch/ubuntu-keyring.deb
        curl -fsS -o "$deb" "$UBUNTU_MIRROR/$UBUNTU_KEYRING_DEB" ||
            die "cannot download $UBUNTU_MIRROR/$UBUNTU_KEYRING_DEB (NEXUS_UBUNTU_MIRROR names another mirror)"
        [[ $(sha256sum "$deb" | cut -d' ' -f1) == "$UBUNTU_KEYRING_SHA256" ]] ||
            die "$UBUNTU_MIRROR/$UBUNTU_KEYRING_DEB does not have the expected sha256"
        dpkg-deb -x "$deb" "$scratch/ubuntu-keyring"
        keyring=(--keyring="$scratch/ubuntu-keyring/usr/share/keyrings/ubuntu-archive-keyring.gpg")
        # debootstrap 1.0.128 (Debian 12) predates noble; every Ubuntu release since uses gutsy's.
        [[ -e /usr/share/debootstrap/scripts/$suite ]] || script=(/usr/share/debootstrap/scripts/gutsy)
        ;;
    esac
    note "debootstrap $suite from $mirror (a minute or two)"
    debootstrap --variant=minbase "${keyring[@]}" "$suite" "$root" "$mirror" "${script[@]}" \
        >"$scratch/debootstrap-$suite.log" 2>&1 || {
        tail -n 20 "$scratch/debootstrap-$suite.log" >&2
        die "debootstrap $suite failed"
    }
    # debootstrap lists only the release's main; a new machine also has its updates, its security
    # fixes and, on Ubuntu, universe (clang-16, wrk and nodejs are there).
    if [[ $mirror == "$DEBIAN_MIRROR" ]]; then
        printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s-security %s-security main\n' \
            "$mirror" "$suite" "$mirror" "$suite" "$mirror" "$suite" >"$root/etc/apt/sources.list"
    else
        printf 'deb %s %s main universe\n' "$mirror" "$suite" "$mirror" "$suite-updates" "$mirror" "$suite-security" \
            >"$root/etc/apt/sources.list"
    fi
    # The installer writes /etc/hosts on a new machine, debootstrap does not: without it
    # `localhost` does not resolve (no DNS server answers for it).
    grep -qs localhost "$root/etc/hosts" ||
        printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >>"$root/etc/hosts"
    mkdir -p "$root/usr/local/share/ca-certificates"
    find /usr/local/share/ca-certificates -maxdepth 1 -name '*.crt' -exec cp -t "$root/usr/local/share/ca-certificates" {} +
    printf '%s\n' "$root"
}

# `in_root [--bind HOST:PATH]... ROOT COMMAND...` runs COMMAND chrooted in ROOT, with /proc, /sys,
# /dev and each HOST directory (at PATH) mounted in a private mount namespace: all of it is gone
# when the command ends. The root shares this machine's network.
in_root() {
    local binds=()
    while [[ $1 == --bind ]]; do
        binds+=("$2")
        shift 2
    done
    # shellcheck disable=SC2016 # expanded by that bash
    unshare --mount --propagation private bash -c '
        root=$1 count=$2
        shift 2
        mount -t proc proc "$root/proc" && mount --rbind /sys "$root/sys" &&
            mount --rbind /dev "$root/dev" || exit
        for ((i = 0; i < count; i++)); do
            mkdir -p "$root${1#*:}" && mount --bind "${1%%:*}" "$root${1#*:}" || exit
            shift
        done
        exec chroot "$root" "$@"' in_root "${@:1:1}" "${#binds[@]}" "${binds[@]}" "${@:2}"
}

# apt-get in ROOT, quiet; on failure its output and a failed check.
root_apt() {
    local root=$1
    shift
    in_root "$root" env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@" >"$scratch/apt.log" 2>&1 || {
        tail -n 30 "$scratch/apt.log" >&2
        fail "apt-get $* in $root"
    }
}
