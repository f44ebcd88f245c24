//! The layers point one way: a layer names no layer above it. Read from the source tree, so an
//! import that points up fails here, naming its file and line.
//!
//! Bottom up: `scheduler` and `io` (no JS, no sockets), `modules` (the module loader) and
//! `process` (environment, exit, signals; it uses only `io`); `realm` (a VM and its lane) and
//! `net` (sockets and HTTP, no JS), which do not name each other; `api` (the globals, where JS
//! meets `io`, `net` and `process`); `runtime` (the process's life, which injects the globals and
//! the offload pool into the layers below). `say` serves every layer.

mod common;

use std::path::Path;

/// Each folder of src/ with the crate's top-level modules its files must not name.
const RULES: &[(&str, &[&str])] = &[
    ("io", &["scheduler", "realm", "net", "api", "runtime"]),
    ("scheduler", &["realm", "net", "api", "runtime"]),
    ("modules", &["scheduler", "realm", "net", "api", "runtime"]),
    ("realm", &["net", "api", "runtime"]),
    ("net", &["realm", "api", "runtime"]),
    (
        "process",
        &["scheduler", "modules", "realm", "net", "api", "runtime"],
    ),
    ("api", &["runtime"]),
];

#[test]
fn no_layer_names_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for &(layer, above) in RULES {
        let root = src.join(layer);
        let files = common::files_under(&root);
        assert!(!files.is_empty(), "src/{layer} has no files");
        for file in files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        {
            let path = root.join(file);
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let depth = module_depth(&Path::new(layer).join(file));
            for (line, name) in crate_modules_named(&source, depth) {
                if above.contains(&name.as_str()) {
                    let shown = source.lines().nth(line - 1).unwrap_or("").trim();
                    found.push(format!(
                        "src/{layer}/{}:{line}: names crate::{name}, which {layer} may not: {shown}",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "layers named from below (see RULES):\n{}",
        found.join("\n")
    );
}

#[test]
fn every_form_of_naming_a_module_is_seen() {
    let source = r#"
use crate::net::socket::Socket;
use crate::{io, api::ops};
use crate::{
    scheduler::{Hold, Priority},
    runtime,
};
fn f() { let _ = super::super::realm::current(); }
fn g() { let _ = super::lane::Lane; }
// crate::net in a comment
/* crate::api in a block comment */
const S: &str = "crate::runtime in a string";
fn h<'a>(c: char) -> bool { c == '"' && crate :: say::x() }
"#;
    let named: Vec<(usize, String)> = crate_modules_named(source, 2);
    let expected = [
        (2, "net"),
        (3, "io"),
        (3, "api"),
        (5, "scheduler"),
        (6, "runtime"),
        (8, "realm"),
        (13, "say"),
    ];
    let expected: Vec<(usize, String)> = expected
        .iter()
        .map(|&(line, name)| (line, name.to_string()))
        .collect();
    assert_eq!(named, expected);
}

/// How deep the file's module is below the crate root: src/realm/mod.rs is 1, src/realm/lane.rs
/// 2 (so `super::super::` from it reaches the root).
fn module_depth(file: &Path) -> usize {
    let parts = file.components().count();
    if file.file_name().is_some_and(|n| n == "mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// Every top-level module of the crate that `source` names, with its line: through `crate::`
/// (also `$crate::` and the names of a `crate::{…}` group) or through as many `super::` as reach
/// the crate root from a module `depth` deep. Comments and literals are not code and are skipped.
fn crate_modules_named(source: &str, depth: usize) -> Vec<(usize, String)> {
    let code: Vec<char> = code_only(source).chars().collect();
    let mut named = Vec::new();
    let mut at = 0;
    while at < code.len() {
        let Some((word, end)) = word_at(&code, at) else {
            at += 1;
            continue;
        };
        let mut next = end;
        let at_root = match word.as_str() {
            "crate" => true,
            "super" => {
                let mut supers = 1;
                while let Some(after) = path_separator(&code, next)
                    && let Some((w, e)) = word_at(&code, after)
                    && w == "super"
                {
                    supers += 1;
                    next = e;
                }
                supers >= depth
            }
            _ => false,
        };
        if at_root && let Some(after) = path_separator(&code, next) {
            names_at(&code, after, &mut named);
        }
        at = next;
    }
    named
}

/// The names at `at`, right after a root's `::`: one module, or the first segment of each path
/// of a `{…}` group.
fn names_at(code: &[char], at: usize, named: &mut Vec<(usize, String)>) {
    let at = skip_space(code, at);
    if code.get(at) != Some(&'{') {
        if let Some((word, _)) = word_at(code, at) {
            named.push((line_of(code, at), word));
        }
        return;
    }
    let mut depth = 0;
    let mut first = true;
    for (i, &c) in code.iter().enumerate().skip(at) {
        match c {
            '{' => {
                depth += 1;
                first = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            ',' if depth == 1 => first = true,
            c if first && depth == 1 && is_ident(c) => {
                if let Some((word, _)) = word_at(code, i) {
                    named.push((line_of(code, i), word));
                }
                first = false;
            }
            _ => {}
        }
    }
}

/// The identifier starting at `at` (not in the middle of one), and where it ends.
fn word_at(code: &[char], at: usize) -> Option<(String, usize)> {
    if !code.get(at).copied().is_some_and(is_ident) || (at > 0 && is_ident(code[at - 1])) {
        return None;
    }
    let end = (at..code.len())
        .find(|&i| !is_ident(code[i]))
        .unwrap_or(code.len());
    Some((code[at..end].iter().collect(), end))
}

/// Where the path goes on after a `::` at `at` (spaces allowed around it).
fn path_separator(code: &[char], at: usize) -> Option<usize> {
    let at = skip_space(code, at);
    (code.get(at) == Some(&':') && code.get(at + 1) == Some(&':')).then(|| skip_space(code, at + 2))
}

fn skip_space(code: &[char], at: usize) -> usize {
    (at..code.len())
        .find(|&i| !code[i].is_whitespace())
        .unwrap_or(code.len())
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn line_of(code: &[char], at: usize) -> usize {
    code[..at].iter().filter(|&&c| c == '\n').count() + 1
}

/// `source` with comments and the insides of string and char literals blanked (line breaks kept,
/// so lines still count right).
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let starts_word = i == 0 || !is_ident(chars[i - 1]);
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_at(&chars, i).filter(|_| starts_word) {
            // r#"…"#, br"…": up to the quote followed by as many hashes.
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let open = (i..chars.len())
                .find(|&j| chars[j] == '"')
                .unwrap_or(chars.len());
            out.extend(std::iter::repeat_n(' ', open + 1 - i));
            i = open + 1;
            while i < chars.len() && !chars[i..].starts_with(&close) {
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let n = if chars[i] == '\\' { 2 } else { 1 };
                for _ in 0..n.min(chars.len() - i) {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A char literal ('x', '\n', '\''); a lifetime ('a) has no closing quote.
            let from = if next == Some('\\') { i + 3 } else { i + 2 };
            let close = (from..chars.len())
                .find(|&j| chars[j] == '\'')
                .unwrap_or(chars.len() - 1);
            out.extend(std::iter::repeat_n(' ', close + 1 - i));
            i = close + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The number of `#` of a raw string starting at `at` (`r"`, `r#"`, `br##"`…).
fn raw_string_at(chars: &[char], at: usize) -> Option<usize> {
    let r = if chars.get(at) == Some(&'b') {
        at + 1
    } else {
        at
    };
    if chars.get(r) != Some(&'r') {
        return None;
    }
    let hashes = chars[r + 1..].iter().take_while(|&&c| c == '#').count();
    (chars.get(r + 1 + hashes) == Some(&'"')).then_some(hashes)
}
