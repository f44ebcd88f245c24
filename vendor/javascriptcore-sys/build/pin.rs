//! The engine pin (`webkit.toml`) and the WebKit tarball it names.
//!
//! Invariant: no tarball is used unless its sha256 equals the pin's. build.rs never touches the
//! network; `scripts/fetch-webkit` puts the tarball where `tarball_path` looks.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::{env, fs, io};

pub struct Pin {
    fields: HashMap<String, String>,
}

impl Pin {
    pub fn load(path: &Path) -> Pin {
        let text = fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read the engine pin {}: {e}", path.display()));
        let fields = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
            .collect();
        Pin { fields }
    }

    pub fn get(&self, key: &str) -> &str {
        self.fields
            .get(key)
            .unwrap_or_else(|| panic!("webkit.toml has no `{key}`"))
    }

    /// Where the tarball is: `NEXUS_WEBKIT_TARBALL`, else the download cache.
    pub fn tarball_path(&self, cache: &Path) -> PathBuf {
        match env::var_os("NEXUS_WEBKIT_TARBALL") {
            Some(p) => PathBuf::from(p),
            None => cache.join("downloads").join(self.get("tarball")),
        }
    }

    /// Fails the build with the fetch command when the tarball is missing, and with both hashes
    /// when it does not match the pin.
    pub fn verified_tarball(&self, cache: &Path) -> PathBuf {
        let path = self.tarball_path(cache);
        let actual = match sha256_file(&path) {
            Ok(h) => h,
            Err(e) => fail(&format!(
                "the WebKit source tarball is missing ({}: {e}).\n\
                 Fetch it with `scripts/fetch-webkit` (downloads {} or, where only package \
                 registries are reachable, the same bytes from Debian's archive, {}), or point \
                 NEXUS_WEBKIT_TARBALL at a copy.",
                path.display(),
                self.get("url"),
                self.get("debian_pool"),
            )),
        };
        if actual != self.get("sha256") {
            fail(&format!(
                "{} has sha256 {actual}, but webkit.toml pins {}; refusing to build from it.",
                path.display(),
                self.get("sha256")
            ));
        }
        path
    }
}

pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut fs::File::open(path)?, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A build-script failure the person at the terminal can act on (no Rust backtrace).
pub fn fail(message: &str) -> ! {
    eprintln!("\nerror: {message}\n");
    std::process::exit(1);
}
