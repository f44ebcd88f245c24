//! Where downloaded modules are kept, and how files there are written.
//!
//! Invariant: a file in the cache is whole. Writers put the bytes in a temporary file beside the
//! target and rename it into place, so a crash or a concurrent run never leaves half a module.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The cache folder by the rule the engine's build uses too (javascriptcore-sys's `cache_dir`:
/// `$NEXUS_CACHE_DIR`, `$XDG_CACHE_HOME/nexus` or `$HOME/.cache/nexus`, the first that is an
/// absolute path); the temporary folder's `.cache/nexus` when none is.
pub fn default_dir() -> PathBuf {
    javascriptcore_sys::cache_dir(|name| std::env::var_os(name))
        .unwrap_or_else(|| std::env::temp_dir().join(".cache").join("nexus"))
}

/// Writes `bytes` to `path` atomically (temporary file + rename), creating its directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // Unique per process and thread, so concurrent writers never share a temporary file.
    let temp = dir.join(format!(
        ".{name}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let result = fs::File::create(&temp)
        .and_then(|mut file| file.write_all(bytes).and_then(|_| file.sync_all()))
        .and_then(|_| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
