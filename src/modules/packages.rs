//! Bare specifiers (`preact`, `preact/hooks`, `@scope/name/sub`): packages found in the nearest
//! `node_modules` upwards from the importer.
//!
//! Order, as Node and bundlers do for ES modules: package.json `exports` (conditions `import`,
//! then `default`; subpaths and `*` patterns), else `module`, else `main`, else `index.js`. When
//! `exports` exists it is the whole public surface: a subpath it does not list is an error.
//!
//! Nexus loads ES modules only, so a package whose entry is CommonJS is refused with a message
//! naming it. A file is taken as ES when the package said so (`.mjs`, `"type": "module"`, the
//! `import` condition, the `module` field); otherwise a `.js` file that uses `module.exports` or
//! `require(` and has no `import`/`export` statement is CommonJS, and `.cjs` always is.

use super::ModuleError;
use serde_json::Value;
use std::path::{Path, PathBuf};

const CONDITIONS: [&str; 2] = ["import", "default"];

/// The file `specifier` names, looked up from the directory `from` (the importer's).
pub fn resolve(
    specifier: &str,
    from: &Path,
    importer: &Option<String>,
) -> Result<PathBuf, ModuleError> {
    let error = |code, reason: String| ModuleError::Load {
        specifier: specifier.into(),
        importer: importer.clone(),
        code,
        reason,
    };
    let not_found = || ModuleError::NotFound {
        specifier: specifier.into(),
        importer: importer.clone(),
    };
    let (name, subpath) = split(specifier).ok_or_else(|| {
        error(
            "ERR_INVALID_MODULE_SPECIFIER",
            "not a valid package name".into(),
        )
    })?;
    let dir = from
        .ancestors()
        .map(|d| d.join("node_modules").join(name))
        .find(|d| d.is_dir())
        .ok_or_else(|| {
            error(
                "ERR_MODULE_NOT_FOUND",
                format!(
                    "package '{name}' is not installed in any node_modules from {} upwards",
                    from.display()
                ),
            )
        })?;
    let manifest_path = dir.join("package.json");
    let manifest: Value = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            error(
                "ERR_INVALID_PACKAGE_CONFIG",
                format!("{} is not valid JSON: {e}", manifest_path.display()),
            )
        })?,
        Err(_) => Value::Null,
    };
    let is_module_type = manifest.get("type").and_then(Value::as_str) == Some("module");
    let (file, declared_esm) = if let Some(exports) = manifest.get("exports") {
        let target = exported(exports, &subpath).ok_or_else(|| {
            error(
                "ERR_PACKAGE_PATH_NOT_EXPORTED",
                format!(
                    "package '{name}' ({}) does not export '{subpath}' for `import`",
                    dir.display()
                ),
            )
        })?;
        (dir.join(&target.path), target.via_import)
    } else if subpath == "." {
        let field = |f: &str| manifest.get(f).and_then(Value::as_str).map(str::to_string);
        let (entry, declared) = match (field("module"), field("main")) {
            (Some(module), _) => (module, true),
            (None, Some(main)) => (main, false),
            (None, None) => ("index.js".into(), false),
        };
        (
            with_extension(&dir.join(entry)).ok_or_else(not_found)?,
            declared,
        )
    } else {
        (
            with_extension(&dir.join(&subpath)).ok_or_else(not_found)?,
            false,
        )
    };
    if !file.is_file() {
        return Err(not_found());
    }
    if is_commonjs(&file, declared_esm || is_module_type) {
        return Err(error(
            "ERR_UNSUPPORTED_MODULE_FORMAT",
            format!(
                "package '{name}' is CommonJS ({}) and Nexus loads ES modules only; \
                 use a version of it that ships ES modules (an `exports` `import` entry, `module`, or `\"type\": \"module\"`)",
                file.display()
            ),
        ));
    }
    Ok(file)
}

/// `@scope/name/a/b` → (`@scope/name`, `./a/b`); `name` → (`name`, `.`).
fn split(specifier: &str) -> Option<(&str, String)> {
    let segments = if specifier.starts_with('@') { 2 } else { 1 };
    let end = specifier
        .match_indices('/')
        .nth(segments - 1)
        .map_or(specifier.len(), |(i, _)| i);
    let name = &specifier[..end];
    let valid = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains('\\')
        && name.split('/').count() == segments
        && name.split('/').all(|s| !s.is_empty() && s != "@");
    let rest = &specifier[end..];
    valid.then(|| (name, format!(".{rest}")))
}

/// The file a `main` or subpath names, as bundlers find it: as is, with `.js`, or its `index.js`.
fn with_extension(path: &Path) -> Option<PathBuf> {
    let mut js = path.as_os_str().to_owned();
    js.push(".js");
    [path.to_path_buf(), PathBuf::from(js), path.join("index.js")]
        .into_iter()
        .find(|p| p.is_file())
}

/// What `exports` maps a subpath to, and whether the `import` condition chose it.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    path: String,
    via_import: bool,
}

/// Resolves `subpath` (`.` or `./x`) through a package's `exports`; None when it is not exported.
fn exported(exports: &Value, subpath: &str) -> Option<Target> {
    let map = exports
        .as_object()
        .filter(|m| m.keys().any(|k| k.starts_with('.')));
    let Some(map) = map else {
        // A string, an array, or conditions alone: the package's main entry only.
        return (subpath == ".").then(|| conditions(exports, None, false))?;
    };
    if let Some(value) = map.get(subpath) {
        return conditions(value, None, false);
    }
    // Patterns: the key whose part before `*` is longest wins, as in Node.
    let (value, star) = map
        .iter()
        .filter_map(|(key, value)| {
            let (prefix, suffix) = key.split_once('*')?;
            let middle = subpath
                .strip_prefix(prefix)?
                .strip_suffix(suffix)
                .filter(|m| !m.is_empty())?;
            Some((prefix.len(), value, middle))
        })
        .max_by_key(|(len, _, _)| *len)
        .map(|(_, value, middle)| (value, middle))?;
    conditions(value, Some(star), false)
}

/// Picks a target from a string, an array of fallbacks, or a (nested) conditions object.
fn conditions(value: &Value, star: Option<&str>, via_import: bool) -> Option<Target> {
    match value {
        Value::String(path) if path.starts_with("./") => Some(Target {
            path: star.map_or(path.clone(), |s| path.replace('*', s)),
            via_import,
        }),
        Value::Array(items) => items.iter().find_map(|v| conditions(v, star, via_import)),
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| CONDITIONS.contains(&key.as_str()))
            .find_map(|(key, v)| conditions(v, star, via_import || key == "import")),
        _ => None,
    }
}

fn is_commonjs(file: &Path, declared_esm: bool) -> bool {
    match file.extension().and_then(|e| e.to_str()) {
        Some("cjs") => true,
        Some("mjs") | Some("json") => false,
        _ if declared_esm => false,
        _ => std::fs::read_to_string(file).is_ok_and(|text| looks_commonjs(&text)),
    }
}

/// CommonJS names in use and no ES module statement at the start of any line.
fn looks_commonjs(text: &str) -> bool {
    let esm = text.lines().any(|line| {
        let line = line.trim_start();
        [
            "import ", "import{", "import*", "export ", "export{", "export*",
        ]
        .iter()
        .any(|p| line.starts_with(p))
    });
    !esm && (text.contains("module.exports")
        || text.contains("require(")
        || text.contains("exports."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn target(exports: Value, subpath: &str) -> Option<(String, bool)> {
        exported(&exports, subpath).map(|t| (t.path, t.via_import))
    }

    #[test]
    fn specifiers_split_into_package_and_subpath() {
        assert_eq!(split("preact"), Some(("preact", ".".into())));
        assert_eq!(split("preact/hooks"), Some(("preact", "./hooks".into())));
        assert_eq!(split("@s/n"), Some(("@s/n", ".".into())));
        assert_eq!(split("@s/n/a/b.js"), Some(("@s/n", "./a/b.js".into())));
        assert_eq!(split("@s"), None);
        assert_eq!(split(".hidden"), None);
    }

    #[test]
    fn exports_forms() {
        assert_eq!(target(json!("./a.js"), "."), Some(("./a.js".into(), false)));
        assert_eq!(target(json!("./a.js"), "./x"), None);
        let conditional = json!({"require": "./a.cjs", "import": "./a.mjs", "default": "./a.js"});
        assert_eq!(target(conditional, "."), Some(("./a.mjs".into(), true)));
        let nested =
            json!({".": {"node": "./n.js", "import": {"types": "./t.d.ts", "default": "./i.js"}}});
        assert_eq!(target(nested, "."), Some(("./i.js".into(), true)));
        let map = json!({
            ".": "./index.js",
            "./hooks": {"import": "./hooks.mjs", "require": "./hooks.js"},
            "./package.json": "./package.json",
            "./locale/*": {"default": "./dist/locale/*.js"},
            "./*": "./dist/*.js",
            "./private/*": null
        });
        assert_eq!(
            target(map.clone(), "./hooks"),
            Some(("./hooks.mjs".into(), true))
        );
        assert_eq!(
            target(map.clone(), "./locale/fr"),
            Some(("./dist/locale/fr.js".into(), false))
        );
        assert_eq!(
            target(map.clone(), "./util"),
            Some(("./dist/util.js".into(), false))
        );
        assert_eq!(target(map.clone(), "./private/x"), None);
        assert_eq!(target(json!({".": {"require": "./a.cjs"}}), "."), None);
        assert_eq!(
            target(json!([{"worker": "./w.js"}, "./f.js"]), "."),
            Some(("./f.js".into(), false))
        );
    }

    #[test]
    fn commonjs_is_told_from_es_modules() {
        assert!(looks_commonjs("module.exports = 1;"));
        assert!(looks_commonjs("const x = require('x');\nexports.y = x;"));
        assert!(!looks_commonjs("export default 1;"));
        assert!(!looks_commonjs(
            "import x from './x.js';\n// module.exports in a comment"
        ));
        assert!(!looks_commonjs("console.log(1);"));
    }
}
