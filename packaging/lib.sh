# shellcheck shell=bash
# What the packaging scripts share: the reproducible build of the `nexus` binary. Sourced.
#
# Reproducible means: the same source, toolchain and cached engine give the same bytes, whatever
# directory the checkout, the target dir or cargo's home is in. Paths reach a release binary
# through panic locations (file!()) and C/C++ __FILE__, so each root is remapped to a fixed name;
# times come from SOURCE_DATE_EPOCH (the engine pin's); archives list their files sorted, with
# fixed owners and modes.

# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

# Not target/release: these RUSTFLAGS differ from a plain build's, and cargo would rebuild that
# directory from scratch at every switch between the two.
PACKAGING_TARGET=${CARGO_TARGET_DIR:-$NEXUS_ROOT/target/packaging}
# Where the artefacts go; set again by reproducible_env once PACKAGING_TARGET is absolute.
# shellcheck disable=SC2034 # used by the scripts that source this file
PACKAGES_DIR=$PACKAGING_TARGET/packages

# The version of the `nexus` package, from Cargo.toml.
version() {
    sed -n -E 's/^version = "(.*)"$/\1/p' "$NEXUS_ROOT/Cargo.toml" | head -n1
}

# Installs the apt packages named that are missing (as root, or through sudo).
need_packages() {
    local missing=() package
    for package in "$@"; do
        [[ $(dpkg-query -W -f='${Status}' "$package" 2>/dev/null) == "install ok installed" ]] ||
            missing+=("$package")
    done
    ((${#missing[@]})) || return 0
    note "installing ${missing[*]}"
    as_root apt-get update -q >&2
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

reproducible_env() {
    local cargo_home=${CARGO_HOME:-$HOME/.cargo} cache
    cache=$(cache_dir)
    mkdir -p "$PACKAGING_TARGET"
    PACKAGING_TARGET=$(cd "$PACKAGING_TARGET" && pwd -P)
    # shellcheck disable=SC2034 # used by the scripts that source this file
    PACKAGES_DIR=$PACKAGING_TARGET/packages
    export CARGO_TARGET_DIR=$PACKAGING_TARGET
    export SOURCE_DATE_EPOCH
    SOURCE_DATE_EPOCH=$(pin source_date_epoch)
    export TZ=UTC LC_ALL=C.UTF-8
    umask 022
    # The last matching map wins, in rustc as in clang and gcc: the target dir may be inside the
    # checkout. The engine's own objects were mapped when it was built (build/engine.rs).
    local maps=("$cargo_home=/cargo" "$cache=/nexus-cache" "$NEXUS_ROOT=/nexus" "$PACKAGING_TARGET=/target")
    local rust=() c=() map
    for map in "${maps[@]}"; do
        [[ $map != *[[:space:]]* ]] || die "reproducible builds need paths without spaces: $map"
        rust+=("--remap-path-prefix=$map")
        c+=("-ffile-prefix-map=$map")
    done
    export RUSTFLAGS="${rust[*]}"
    # The cc crate adds these to the C++ shim's flags (and to any C a crate compiles).
    export CFLAGS="${c[*]}" CXXFLAGS="${c[*]}"
}

# Builds `nexus` into $PACKAGING_TARGET/release and prints the binary's path; reproducible_env
# must have run in the calling shell (the rest of the packaging uses SOURCE_DATE_EPOCH too). The
# engine comes from the cache like in any build: the first build of a machine makes it (run
# scripts/build first to watch that 45-minute step's progress).
build_nexus() {
    [[ -n ${SOURCE_DATE_EPOCH:-} ]] || die "build_nexus: call reproducible_env first"
    note "building nexus (release, reproducible) in $PACKAGING_TARGET"
    (cd "$NEXUS_ROOT" && cargo build --release --locked -p nexus >&2)
    printf '%s\n' "$PACKAGING_TARGET/release/nexus"
}
