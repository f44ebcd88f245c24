//! Module resolution and loading: specifier → module key → source text.
//!
//! A module key is the module's URL: `file:///abs/path.js` for files. Keys are canonical (symlinks
//! resolved), so one file is one module however it is reached.

mod file;

pub use file::{fetch, import_meta};

use std::fmt;
use std::path::{Path, PathBuf};
use url::Url;

/// Why a specifier did not resolve or a module did not load; the message names the importer.
#[derive(Debug, PartialEq, Eq)]
pub enum ModuleError {
    NotFound {
        specifier: String,
        importer: Option<String>,
    },
    Unsupported {
        specifier: String,
        importer: Option<String>,
        reason: &'static str,
    },
    Unreadable {
        path: PathBuf,
        reason: String,
    },
}

impl ModuleError {
    /// A Node-compatible error code for scripts that branch on it.
    pub fn code(&self) -> &'static str {
        match self {
            ModuleError::NotFound { .. } => "ERR_MODULE_NOT_FOUND",
            ModuleError::Unsupported { .. } => "ERR_UNSUPPORTED_MODULE_SPECIFIER",
            ModuleError::Unreadable { .. } => "ERR_MODULE_UNREADABLE",
        }
    }
}

fn from(importer: &Option<String>) -> String {
    importer
        .as_ref()
        .map(|i| format!(" imported from {i}"))
        .unwrap_or_default()
}

impl fmt::Display for ModuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModuleError::NotFound {
                specifier,
                importer,
            } => {
                write!(f, "Cannot find module '{specifier}'{}", from(importer))
            }
            ModuleError::Unsupported {
                specifier,
                importer,
                reason,
            } => {
                write!(f, "Cannot load '{specifier}'{}: {reason}", from(importer))
            }
            ModuleError::Unreadable { path, reason } => {
                write!(f, "Cannot read module {}: {reason}", path.display())
            }
        }
    }
}

/// Resolves `specifier` as imported by the module `referrer` (a key), or by the working directory
/// when there is no referrer (the entry, or code outside any module).
pub fn resolve(specifier: &str, referrer: Option<&str>) -> Result<String, ModuleError> {
    let importer = referrer.map(display_key);
    let base = referrer.and_then(|r| Url::parse(r).ok());
    let unsupported = |reason| ModuleError::Unsupported {
        specifier: specifier.into(),
        importer: importer.clone(),
        reason,
    };
    let path = if specifier.starts_with("file:") {
        Url::parse(specifier)
            .ok()
            .and_then(|u| u.to_file_path().ok())
            .ok_or_else(|| unsupported("not a valid file URL"))?
    } else if specifier.starts_with('/') {
        PathBuf::from(specifier)
    } else if is_relative(specifier) {
        match base.as_ref().and_then(|b| b.to_file_path().ok()) {
            Some(referrer_path) => referrer_path
                .parent()
                .unwrap_or(Path::new("/"))
                .join(specifier),
            None => std::env::current_dir()
                .map_err(|_| unsupported("the working directory is gone"))?
                .join(specifier),
        }
    } else if specifier.starts_with("http://") || specifier.starts_with("https://") {
        return Err(unsupported(
            "URL imports are not available in this build yet",
        ));
    } else {
        return Err(unsupported(
            "bare package specifiers (node_modules) are not available in this build yet; use a path such as './x.js'",
        ));
    };
    let not_found = || ModuleError::NotFound {
        specifier: specifier.into(),
        importer: importer.clone(),
    };
    let canonical = path.canonicalize().map_err(|_| not_found())?;
    if !canonical.is_file() {
        return Err(not_found());
    }
    Url::from_file_path(&canonical)
        .map(String::from)
        .map_err(|_| not_found())
}

fn is_relative(specifier: &str) -> bool {
    specifier == "."
        || specifier == ".."
        || specifier.starts_with("./")
        || specifier.starts_with("../")
}

/// How a module key is shown to people: a path for files, the URL otherwise.
pub fn display_key(key: &str) -> String {
    match Url::parse(key).ok().and_then(|u| u.to_file_path().ok()) {
        Some(path) => path.display().to_string(),
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn relative_absolute_and_url_specifiers_reach_the_same_key() {
        let dir = std::env::temp_dir().join(format!("nexus-resolve-{}", std::process::id()));
        fs::create_dir_all(dir.join("lib")).unwrap();
        fs::write(dir.join("lib/a.js"), "").unwrap();
        fs::write(dir.join("main.js"), "").unwrap();
        let main = resolve(dir.join("main.js").to_str().unwrap(), None).unwrap();
        let relative = resolve("./lib/a.js", Some(&main)).unwrap();
        let absolute = resolve(dir.join("lib/../lib/a.js").to_str().unwrap(), Some(&main)).unwrap();
        let url = resolve(&relative, Some(&main)).unwrap();
        assert_eq!(relative, absolute);
        assert_eq!(relative, url);
        assert!(relative.starts_with("file:///") && relative.ends_with("/lib/a.js"));
        let missing = resolve("./nope.js", Some(&main)).unwrap_err();
        assert_eq!(
            missing.to_string(),
            format!(
                "Cannot find module './nope.js' imported from {}",
                dir.canonicalize().unwrap().join("main.js").display()
            )
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
