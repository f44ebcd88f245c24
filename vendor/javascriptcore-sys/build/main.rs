//! Builds (or finds) the JavaScriptCore engine (the pinned source with our patches), compiles
//! the C++ shim against it, and tells rustc how to link both statically.

// The cache folder's rule, shared with the runtime (which reaches it as the crate's `cache_dir`).
#[path = "../src/cache_dir.rs"]
mod cache_dir;
mod engine;
mod patches;
mod pin;
mod shim;

use std::path::PathBuf;

fn main() {
    // Read when the script runs, not baked in when it compiles: cargo reuses a compiled build
    // script for a checkout at another path that shares the target directory.
    let here = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let here = here.as_path();
    println!("cargo:rerun-if-changed=webkit.toml");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=patches");
    println!("cargo:rerun-if-changed=shim");
    println!("cargo:rerun-if-changed=src/cache_dir.rs");
    for var in [
        "NEXUS_JSC_PREFIX",
        "NEXUS_WEBKIT_TARBALL",
        "NEXUS_CACHE_DIR",
        "XDG_CACHE_HOME",
        "NEXUS_JSC_CC",
        "NEXUS_JSC_CXX",
        "NEXUS_ICU_INCLUDE",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let pin = pin::Pin::load(&here.join("webkit.toml"));
    let patches = patches::Patches::load(&here.join("patches"));
    let compilers = engine::Compilers::from_env();
    let root = engine::ensure(&pin, &patches, &compilers);
    shim::compile(&root, here, &compilers.cxx);
    shim::link(&root);
    println!("cargo:root={}", root.display());
    // For dependents' build scripts (DEP_JAVASCRIPTCORE_WEBKIT_VERSION): the one pin's version.
    println!("cargo:webkit_version={}", pin.get("version"));
}
