//! Renders a thrown value for the terminal: `Name: message` and Node-style `at` frames with
//! file:line:column, from JSC's `fn@file:line:column` stack lines.
//!
//! [`stack_frames`] is the one rule for those frames: `console.log` of an error (js/inspect.js,
//! through the `stackFrames` op) prints them as an uncaught error's report does.

use javascriptcore_sys::{Kind, Value};

pub fn render(error: Value<'_>) -> String {
    let Some(object) = error.as_object() else {
        return primitive(error);
    };
    let text = |name: &str| {
        object
            .get(name)
            .ok()
            .filter(|v| !v.is_nullish())
            .and_then(|v| v.to_string().ok())
    };
    let header = match (text("name"), text("message")) {
        (Some(name), Some(message)) if !message.is_empty() => {
            // A module that does not parse is named by its importer too, as it was reached.
            let imported = match (name.as_str(), text("sourceURL")) {
                ("SyntaxError", Some(url)) => crate::modules::imported_as(&url),
                _ => None,
            };
            format!(
                "{name}: {}{}",
                hint(&name, &message),
                imported.unwrap_or_default()
            )
        }
        (Some(name), _) => name,
        _ => error.to_string().unwrap_or_else(|_| "[object]".into()),
    };
    let mut frames = text("stack").map(|s| stack_frames(&s)).unwrap_or_default();
    // Syntax errors thrown by the parser carry their location as properties, not as a frame; a
    // module's parse error lacks the column (the one it has, if any, is its caller's), which a
    // second parse of the file recovers.
    if let (Some(url), Some(line)) = (text("sourceURL"), text("line")) {
        let reparsed = || {
            let source = crate::modules::loaded_source(&url)?;
            let (at_line, column) = error.scope().module_syntax_error(&source)?;
            (at_line.to_string() == line).then(|| column.to_string())
        };
        let column = reparsed().or_else(|| text("column"));
        let at = match column {
            Some(column) => format!("    at {url}:{line}:{column}"),
            None => format!("    at {url}:{line}"),
        };
        if !frames.iter().any(|f| f.contains(&url)) {
            frames.insert(0, at);
        }
    }
    std::iter::once(header)
        .chain(frames)
        .collect::<Vec<_>>()
        .join("\n")
}

fn primitive(value: Value<'_>) -> String {
    let text = value
        .to_string()
        .unwrap_or_else(|_| "a value that cannot be printed".into());
    if value.kind() == Kind::String {
        format!("'{text}'")
    } else {
        text
    }
}

/// A JSC stack (`fn@file:line:column` lines) as Node's `    at` lines, leaving out the frames of
/// Nexus's own JS (`nexus:` parts), which run the program's tasks, timers and promise jobs and
/// say nothing about where it failed.
pub fn stack_frames(stack: &str) -> Vec<String> {
    stack.lines().filter_map(frame).collect()
}

/// `fn@/abs/a.js:3:9` → `    at fn (/abs/a.js:3:9)`; module top level and anonymous functions
/// show the location alone. A builtin's frame (`map@[native code]`) has no location, which V8
/// writes `<anonymous>`: `    at map (<anonymous>)`, `    at <anonymous>` when it has no name.
fn frame(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let (name, location) = line.rsplit_once('@').unwrap_or(("", line));
    if location.starts_with("nexus:") {
        return None;
    }
    let location = if location == "[native code]" {
        "<anonymous>"
    } else {
        location
    };
    Some(match name {
        "" | "module code" | "global code" => format!("    at {location}"),
        _ => format!("    at {name} ({location})"),
    })
}

/// CommonJS names are the usual first mistake of people coming from Node: say what to do instead.
fn hint(name: &str, message: &str) -> String {
    let missing = message.strip_prefix("Can't find variable: ");
    match (name, missing) {
        ("ReferenceError", Some("require")) => {
            "require is not defined: Nexus runs ES modules only. \
             Use `import x from './x.js'` (or `const x = await import('./x.js')`)."
                .into()
        }
        ("ReferenceError", Some(cjs @ ("module" | "exports"))) => format!(
            "{cjs} is not defined: Nexus runs ES modules only, so `module.exports` and `exports` do not exist. \
             Use `export default value` or `export const name = value`."
        ),
        ("ReferenceError", Some(cjs @ ("__dirname" | "__filename"))) => format!(
            "{cjs} is not defined: Nexus runs ES modules only. Use `import.meta.dirname` or `import.meta.filename`."
        ),
        ("SyntaxError", None) => {
            crate::modules::missing_export(message).unwrap_or_else(|| message.into())
        }
        _ => message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_read_like_node() {
        assert_eq!(
            frame("fail@/a/b.js:3:9").unwrap(),
            "    at fail (/a/b.js:3:9)"
        );
        assert_eq!(
            frame("module code@/a/b.js:5:1").unwrap(),
            "    at /a/b.js:5:1"
        );
        assert_eq!(frame("@/a/b.js:5:1").unwrap(), "    at /a/b.js:5:1");
        assert_eq!(
            frame("map@[native code]").unwrap(),
            "    at map (<anonymous>)"
        );
        assert_eq!(frame("@[native code]").unwrap(), "    at <anonymous>");
        assert_eq!(frame("  "), None);
        assert_eq!(frame("run@nexus:jobs:31:14"), None);
    }

    #[test]
    fn commonjs_names_get_the_import_form() {
        assert!(
            hint("ReferenceError", "Can't find variable: require")
                .contains("import x from './x.js'")
        );
        assert!(hint("ReferenceError", "Can't find variable: module").contains("export default"));
        assert_eq!(
            hint("ReferenceError", "Can't find variable: foo"),
            "Can't find variable: foo"
        );
    }
}
