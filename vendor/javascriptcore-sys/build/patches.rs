//! Nexus's changes to the pinned WebKit source: `patches/*.patch`, applied in name order right
//! after the tarball is extracted (`patch -p1`, paths from the tarball's top folder).
//!
//! Invariant: the engine key names every patch with its sha256, so a changed, added or removed
//! patch builds a new engine and never mixes with objects built without it.

use crate::pin::{fail, sha256_file};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Patches {
    files: Vec<PathBuf>,
}

impl Patches {
    pub fn load(dir: &Path) -> Patches {
        let mut files: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", dir.display())))
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "patch"))
            .collect();
        files.sort();
        Patches { files }
    }

    /// One `patch <name> sha256 <hash>` line per patch, for the engine key.
    pub fn key_lines(&self) -> String {
        self.files
            .iter()
            .map(|path| {
                let hash = sha256_file(path)
                    .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", path.display())));
                format!("patch {} sha256 {hash}\n", name(path))
            })
            .collect()
    }

    pub fn apply(&self, src: &Path) {
        for path in &self.files {
            eprintln!("nexus: applying {}", name(path));
            let status = Command::new("patch")
                .args(["-p1", "--batch", "--forward", "-d"])
                .arg(src)
                .arg("-i")
                .arg(path)
                .status();
            match status {
                Ok(s) if s.success() => {}
                Ok(_) => fail(&format!(
                    "{} does not apply to the pinned WebKit source",
                    path.display()
                )),
                Err(e) => fail(&format!(
                    "`patch` could not run ({e}); run scripts/setup (installs patch)"
                )),
            }
        }
    }
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
