//! Module resolution and loading: specifier → module key → source text.
//!
//! A module key is the module's URL: `file:///abs/path.js` for files, `https://host/x.js` for
//! remote modules. File keys are canonical (symlinks resolved), so one file is one module however
//! it is reached. Resolution is pure (it never downloads); loading a remote key goes through the
//! cache and the lock file (see `remote.rs`).
//!
//! Every key that resolves is remembered with the first specifier and importer that reached it,
//! so errors found while loading (a download that fails, a JSON file loaded as JavaScript) still
//! name who imported what.
//!
//! Layer: a leaf the realm's engine hooks use: nothing here names `scheduler`, `realm`, `net`,
//! `api` or `runtime` (tests/layers.rs keeps it so).

mod bindings;
mod cache;
mod file;
mod lock;
mod packages;
mod remote;

pub use bindings::missing_export;
pub use remote::{Settings, configure};

use javascriptcore_sys::FetchKind;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use url::Url;

/// Why a specifier did not resolve or a module did not load; the message names the importer.
#[derive(Debug, PartialEq, Eq)]
pub enum ModuleError {
    NotFound {
        specifier: String,
        importer: Option<String>,
    },
    /// The specifier resolved but the module cannot be loaded: `code` is Node's name for why.
    Load {
        specifier: String,
        importer: Option<String>,
        code: &'static str,
        reason: String,
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
            ModuleError::Load { code, .. } => code,
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
            ModuleError::Load {
                specifier,
                importer,
                reason,
                ..
            } => {
                write!(f, "Cannot load '{specifier}'{}: {reason}", from(importer))
            }
            ModuleError::Unreadable { path, reason } => {
                write!(f, "Cannot read module {}: {reason}", path.display())
            }
        }
    }
}

/// The specifier and the importer (shown as in messages) that first reached a key.
type Origin = (String, Option<String>);

static ORIGINS: LazyLock<Mutex<HashMap<String, Origin>>> = LazyLock::new(Default::default);

fn origins() -> std::sync::MutexGuard<'static, HashMap<String, Origin>> {
    ORIGINS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Resolves `specifier` as imported by the module `referrer` (a key), or by the working directory
/// when there is no referrer (the entry, or code outside any module).
pub fn resolve(specifier: &str, referrer: Option<&str>) -> Result<String, ModuleError> {
    let key = resolve_key(specifier, referrer)?;
    origins()
        .entry(key.clone())
        .or_insert_with(|| (specifier.to_string(), referrer.map(display_key)));
    Ok(key)
}

fn resolve_key(specifier: &str, referrer: Option<&str>) -> Result<String, ModuleError> {
    let importer = referrer.map(display_key);
    let base = referrer.and_then(|r| Url::parse(r).ok());
    let unsupported = |reason: &str| ModuleError::Load {
        specifier: specifier.into(),
        importer: importer.clone(),
        code: "ERR_UNSUPPORTED_MODULE_SPECIFIER",
        reason: reason.into(),
    };
    let remote_base = base.as_ref().filter(|b| remote::is_remote(b));
    if let Some(base) = remote_base {
        // Inside a remote module, paths are URLs on its server; a remote module reaching into the
        // local disk would let any server read the user's files.
        if specifier.starts_with("file:") {
            return Err(unsupported("a remote module cannot import a local file"));
        }
        if specifier.starts_with('/') || is_relative(specifier) || has_scheme(specifier) {
            let base = remote::base_of(base);
            return remote_key(specifier, base.join(specifier).ok(), &unsupported);
        }
        return Err(unsupported(
            "bare package specifiers cannot be resolved inside a remote module; use a full URL",
        ));
    }
    let path = if specifier.starts_with("file:") {
        Url::parse(specifier)
            .ok()
            .and_then(|u| u.to_file_path().ok())
            .ok_or_else(|| unsupported("not a valid file URL"))?
    } else if specifier.starts_with('/') {
        PathBuf::from(specifier)
    } else if is_relative(specifier) {
        importer_dir(base.as_ref())
            .map_err(|_| unsupported("the working directory is gone"))?
            .join(specifier)
    } else if has_scheme(specifier) {
        return remote_key(specifier, Url::parse(specifier).ok(), &unsupported);
    } else {
        let dir = importer_dir(base.as_ref())
            .map_err(|_| unsupported("the working directory is gone"))?;
        packages::resolve(specifier, &dir, &importer)?
    };
    let not_found = || ModuleError::NotFound {
        specifier: specifier.into(),
        importer: importer.clone(),
    };
    let canonical = path.canonicalize().map_err(|_| not_found())?;
    if canonical.is_dir() {
        // As Node's ES modules: no index.js is looked for, and the error says so.
        return Err(ModuleError::Load {
            specifier: specifier.into(),
            importer,
            code: "ERR_UNSUPPORTED_DIR_IMPORT",
            reason: "it is a directory; an ES module names a file (no index.js is looked for)"
                .into(),
        });
    }
    if !canonical.is_file() {
        return Err(not_found());
    }
    Url::from_file_path(&canonical)
        .map(String::from)
        .map_err(|_| not_found())
}

fn remote_key(
    specifier: &str,
    url: Option<Url>,
    unsupported: &dyn Fn(&str) -> ModuleError,
) -> Result<String, ModuleError> {
    match url {
        Some(url) if remote::is_remote(&url) => Ok(url.into()),
        Some(url) => Err(unsupported(&format!(
            "'{}:' URLs cannot be imported; use http:, https: or file:",
            url.scheme()
        ))),
        None => Err(unsupported(&format!("'{specifier}' is not a valid URL"))),
    }
}

/// The directory relative specifiers and packages are looked up from: the importing file's, or
/// the working directory.
fn importer_dir(base: Option<&Url>) -> std::io::Result<PathBuf> {
    match base.and_then(|b| b.to_file_path().ok()) {
        Some(path) => Ok(path.parent().unwrap_or(Path::new("/")).to_path_buf()),
        None => std::env::current_dir(),
    }
}

fn is_relative(specifier: &str) -> bool {
    specifier == "."
        || specifier == ".."
        || specifier.starts_with("./")
        || specifier.starts_with("../")
}

/// `scheme:rest` as URLs have it; a package name never contains ':'.
fn has_scheme(specifier: &str) -> bool {
    specifier.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// How a module key is shown to people: a path for files, the URL otherwise.
pub fn display_key(key: &str) -> String {
    match Url::parse(key).ok().and_then(|u| u.to_file_path().ok()) {
        Some(path) => path.display().to_string(),
        None => key.to_string(),
    }
}

/// A module's text and the name its stack frames show.
pub struct Source {
    pub text: String,
    pub name: String,
}

/// The source of module `key`, downloading it first if it is remote and not cached.
pub fn fetch(key: &str, kind: FetchKind) -> Result<Source, ModuleError> {
    let url = Url::parse(key).ok();
    let origin = || {
        origins()
            .get(key)
            .cloned()
            .unwrap_or_else(|| (display_key(key), None))
    };
    let failed = |code, reason| {
        let (specifier, importer) = origin();
        ModuleError::Load {
            specifier,
            importer,
            code,
            reason,
        }
    };
    // JSC would parse a JSON file as a script and fail on its first ':' far from the cause.
    if kind == FetchKind::JavaScript && url.as_ref().is_some_and(|u| u.path().ends_with(".json")) {
        return Err(failed(
            "ERR_IMPORT_ATTRIBUTE_MISSING",
            "a JSON module needs the import attribute `with { type: 'json' }`".into(),
        ));
    }
    let source = match url {
        Some(url) if remote::is_remote(&url) => {
            let text = remote::load(&url).map_err(|f| failed(f.code, f.reason))?;
            Source {
                text,
                name: key.into(),
            }
        }
        _ => file::fetch(key)?,
    };
    // JSC's JSON errors name neither the file nor the place; serde_json's name the place.
    if kind == FetchKind::Json
        && let Err(e) = serde_json::from_str::<serde_json::Value>(&source.text)
    {
        return Err(failed(
            "ERR_INVALID_JSON_MODULE",
            format!("{} is not valid JSON: {e}", source.name),
        ));
    }
    Ok(source)
}

/// The text of a module already loaded, by the name its stack frames show (a path or a URL).
pub fn loaded_source(name: &str) -> Option<String> {
    match Url::parse(name) {
        Ok(url) if remote::is_remote(&url) => remote::cached(&url),
        _ => std::fs::read_to_string(name).ok(),
    }
}

/// ` (imported as './x.js' from /abs/main.js)` for a module, by the name its stack frames show;
/// None for the entry and for names that are not modules.
pub fn imported_as(name: &str) -> Option<String> {
    origins()
        .iter()
        .find(|(key, _)| display_key(key) == name)
        .and_then(|(_, (specifier, importer))| {
            let importer = importer.as_ref()?;
            Some(format!(" (imported as '{specifier}' from {importer})"))
        })
}

/// Keys of every module resolved so far.
fn known_keys() -> Vec<String> {
    origins().keys().cloned().collect()
}

/// `import.meta` entries as (name, value): url, filename, dirname. For a remote module the
/// filename is its URL and the dirname its directory's URL.
pub fn import_meta(key: &str) -> Vec<(&'static str, String)> {
    match Url::parse(key) {
        Ok(url) if remote::is_remote(&url) => {
            let dir = url
                .join(".")
                .map(|d| d.as_str().trim_end_matches('/').to_string())
                .unwrap_or_default();
            vec![
                ("url", key.into()),
                ("filename", key.into()),
                ("dirname", dir),
            ]
        }
        _ => file::import_meta(key),
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
        let directory = resolve("./lib", Some(&main)).unwrap_err();
        assert_eq!(directory.code(), "ERR_UNSUPPORTED_DIR_IMPORT");
        assert!(
            directory
                .to_string()
                .starts_with("Cannot load './lib' imported from ")
        );
        assert!(directory.to_string().ends_with(
            ": it is a directory; an ES module names a file (no index.js is looked for)"
        ));
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

    #[test]
    fn remote_modules_resolve_against_their_url() {
        let base = "https://example.com/lib/mod.js";
        assert_eq!(
            resolve("./a.js", Some(base)).unwrap(),
            "https://example.com/lib/a.js"
        );
        assert_eq!(
            resolve("/b.js", Some(base)).unwrap(),
            "https://example.com/b.js"
        );
        assert_eq!(
            resolve("http://other:8080/c.js", Some(base)).unwrap(),
            "http://other:8080/c.js"
        );
        assert!(resolve("file:///etc/passwd", Some(base)).is_err());
        assert!(resolve("preact", Some(base)).is_err());
        assert!(resolve("ftp://example.com/x.js", None).is_err());
        assert_eq!(
            import_meta(base)[2],
            ("dirname", "https://example.com/lib".to_string())
        );
    }
}
