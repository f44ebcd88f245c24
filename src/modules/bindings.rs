//! Who asked for a binding that does not exist.
//!
//! JSC reports an import of a missing export as `Importing binding name 'x' is not found.` with
//! neither the importer nor the module it imported from. The loaded modules' sources still say
//! it: the importer is a module with `import { x } from 'spec'` (or `export { x } from`) whose
//! `spec` resolves to a module that does not export `x`. The scan is textual and runs only when
//! such an error is reported.

use super::{display_key, known_keys, loaded_source, resolve_key};

/// `'x' is not exported by './a.js' (imported from /abs/main.js)` for JSC's missing-binding
/// messages; None for any other message or when no importer is found.
pub fn missing_export(message: &str) -> Option<String> {
    let rest = [
        "Importing binding name '",
        "Indirectly exported binding name '",
    ]
    .iter()
    .find_map(|p| message.strip_prefix(p))?;
    // JSC says the second when the importer asks for `default`.
    let name = [
        "' is not found.",
        "' cannot be resolved by star export entries.",
    ]
    .iter()
    .find_map(|s| rest.strip_suffix(s))?;
    let mut keys = known_keys();
    keys.sort();
    let mut candidates = keys.iter().filter_map(|key| {
        let text = loaded_source(&display_key(key))?;
        let specifier = imports_of(&text)
            .into_iter()
            .find(|(imported, _)| imported == name)?
            .1;
        let target = resolve_key(&specifier, Some(key)).ok()?;
        let exports = loaded_source(&display_key(&target)).is_some_and(|t| exports(&t, name));
        Some((exports, key, specifier))
    });
    let (_, importer, specifier) = candidates
        .by_ref()
        .find(|(exports, _, _)| !exports)
        .or_else(|| candidates.next())?;
    Some(format!(
        "'{name}' is not exported by '{specifier}' (imported from {})",
        display_key(importer)
    ))
}

/// (imported name, specifier) for every `import … from` and `export { … } from` in `text`;
/// a default import counts as `default`.
fn imports_of(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for keyword in ["import", "export"] {
        for (at, _) in text.match_indices(keyword) {
            let preceded = text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.');
            if preceded {
                continue;
            }
            let rest = &text[at + keyword.len()..];
            if !rest.starts_with(|c: char| c.is_whitespace() || c == '{' || c == '*') {
                continue;
            }
            let Some(from) = rest.find(" from") else {
                continue;
            };
            let clause = &rest[..from];
            if clause.contains(';') || clause.contains('(') {
                continue;
            }
            let Some(specifier) = quoted(&rest[from + 5..]) else {
                continue;
            };
            for name in names(clause, keyword == "import") {
                found.push((name, specifier.clone()));
            }
        }
    }
    found
}

/// The imported names of a clause: `d, { a, b as c }` → default, a, b.
fn names(clause: &str, default_allowed: bool) -> Vec<String> {
    let clause = clause.trim();
    let (head, braces) = match clause.find('{') {
        Some(open) => (
            &clause[..open],
            clause[open + 1..].split('}').next().unwrap_or(""),
        ),
        None => (clause, ""),
    };
    let mut names: Vec<String> = braces
        .split(',')
        .filter_map(|item| item.split_whitespace().next())
        .map(|n| n.trim_matches(|c| c == '"' || c == '\'').to_string())
        .collect();
    let head = head.trim().trim_end_matches(',').trim();
    if default_allowed && !head.is_empty() && !head.starts_with('*') {
        names.push("default".into());
    }
    names
}

fn quoted(text: &str) -> Option<String> {
    let text = text.trim_start();
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = &text[1..];
    Some(body[..body.find(quote)?].to_string())
}

/// Whether a line beginning with `export` mentions `name` as a whole word (or `export default`).
fn exports(text: &str, name: &str) -> bool {
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("export"))
        .any(|line| {
            line.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .any(|word| word == name)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_clauses_name_their_bindings() {
        let text = "import d, { a, b as c } from './x.js';\nimport * as ns from \"./y.js\";\n\
                    export { e } from './z.js';\nconst imported = 1;\nimport './side.js';";
        assert_eq!(
            imports_of(text),
            vec![
                ("a".into(), "./x.js".into()),
                ("b".into(), "./x.js".into()),
                ("default".into(), "./x.js".into()),
                ("e".into(), "./z.js".into()),
            ]
        );
    }

    #[test]
    fn export_lines_are_recognised() {
        assert!(exports("export const a = 1;", "a"));
        assert!(exports("export { b as c, a };", "a"));
        assert!(exports("export default 1;", "default"));
        assert!(!exports("export const ab = 1;\nconst a = 2;", "a"));
        assert_eq!(missing_export("Some other error"), None);
    }
}
