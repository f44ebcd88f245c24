//! Modules on the local file system: source text and import.meta.

use super::{ModuleError, Source};
use std::fs;
use std::path::PathBuf;
use url::Url;

fn path_of(key: &str) -> Option<PathBuf> {
    Url::parse(key).ok()?.to_file_path().ok()
}

pub fn fetch(key: &str) -> Result<Source, ModuleError> {
    let path = path_of(key).ok_or_else(|| ModuleError::Unreadable {
        path: key.into(),
        reason: "not a file URL".into(),
    })?;
    let unreadable = |reason: String| ModuleError::Unreadable {
        path: path.clone(),
        reason,
    };
    let bytes = fs::read(&path).map_err(|e| unreadable(e.to_string()))?;
    let mut text = String::from_utf8(bytes).map_err(|e| unreadable(format!("not UTF-8 ({e})")))?;
    // A `#!` line lets a module be an executable script; blanking it keeps line numbers.
    if text.starts_with("#!") {
        text.replace_range(..2, "//");
    }
    Ok(Source {
        text,
        name: path.display().to_string(),
    })
}

/// `import.meta` entries as (name, value): url, filename, dirname.
pub fn import_meta(key: &str) -> Vec<(&'static str, String)> {
    let mut meta = vec![("url", key.to_string())];
    if let Some(path) = path_of(key) {
        let dir = path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        meta.push(("filename", path.display().to_string()));
        meta.push(("dirname", dir));
    }
    meta
}
