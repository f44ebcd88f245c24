//! Where Nexus keeps what it downloads and builds once per machine: the WebKit source and the
//! built engines (this crate's build script), remote modules (the runtime), and what the scripts
//! fetch (`cache_dir` in scripts/lib.sh, the same rule in shell). A test in tests/modules.rs
//! holds all three to it.
//!
//! The rule: `$NEXUS_CACHE_DIR`, else `$XDG_CACHE_HOME/nexus`, else `$HOME/.cache/nexus`, where a
//! variable counts only if it is an absolute path. Empty is unset, as the XDG Base Directory
//! specification says of XDG_CACHE_HOME, and a relative path is ignored as it says too: it would
//! name one folder for the build script (run in this crate's folder) and another for a program.
//!
//! The build script includes this file by path (`#[path]`), so it uses std alone.

#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::path::PathBuf;

/// The cache folder, reading the variables through `var`; None when none of them counts.
pub fn cache_dir(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let absolute = |name: &str| var(name).map(PathBuf::from).filter(|p| p.is_absolute());
    absolute("NEXUS_CACHE_DIR")
        .or_else(|| absolute("XDG_CACHE_HOME").map(|dir| dir.join("nexus")))
        .or_else(|| absolute("HOME").map(|home| home.join(".cache").join("nexus")))
}
