# shellcheck shell=bash
# Helpers shared by scripts/*: the repository root, the engine pin, messages, running as root.
# Sourced, not executed.

NEXUS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PIN_FILE=$NEXUS_ROOT/vendor/javascriptcore-sys/webkit.toml

note() { echo "nexus: $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

# The value of a `key = "value"` line of the engine pin; the pin is the only place it is written.
pin() {
    local value
    value=$(sed -n -E "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"(.*)\"[[:space:]]*$/\1/p" "$PIN_FILE")
    [[ -n $value ]] || die "$PIN_FILE has no \`$1\`"
    printf '%s\n' "$value"
}

# Where the engine build looks for downloads and keeps the built engine, by the rule of
# vendor/javascriptcore-sys/src/cache_dir.rs: the first of these that is an absolute path.
cache_dir() {
    if [[ ${NEXUS_CACHE_DIR:-} == /* ]]; then
        printf '%s\n' "$NEXUS_CACHE_DIR"
    elif [[ ${XDG_CACHE_HOME:-} == /* ]]; then
        printf '%s\n' "$XDG_CACHE_HOME/nexus"
    elif [[ ${HOME:-} == /* ]]; then
        printf '%s\n' "$HOME/.cache/nexus"
    else
        die "none of NEXUS_CACHE_DIR, XDG_CACHE_HOME and HOME is an absolute path: no place for the cache"
    fi
}

as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "\`$*\` needs root; run as root or install sudo"
    fi
}

# cargo installed by rustup lives here, and a fresh login shell may not have it on PATH yet.
PATH=$HOME/.cargo/bin:$PATH
