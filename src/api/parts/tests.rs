//! The part declarations checked against the parts' JS, so a declaration cannot drift from what
//! its part does: every op a part's JS calls is declared, of the part itself, of a dependency or
//! core, and called the way its kind says; every op is called; the parts a part's JS names are
//! its dependencies; every name has one meaning; every part is ASCII.
//!
//! The JS is read as text, not parsed: an op is called as `ops.name(...)` (sync) or as
//! `native('name', ...)`, `nativeMap('name', ...)` or `nativeCatch('name', ...)` (async; through
//! `dispatch.` or a `const` alias of it), with the name a string literal. Any other way to reach
//! an op would escape the check, so only js/pending.js, which calls every async op, may use one.

use super::{PARTS, ops as every_op, sources};
use crate::api::ops::{self, Kind, Op};
use crate::api::part::{Body, Load, Part};
use std::collections::BTreeSet;

/// The part that defines `dispatch.native` and its kin, and calls each async op as `ops[op]`.
const PENDING: &str = "nexus:pending";

/// The functions of js/pending.js that call an async op by name.
const NATIVE_CALLS: [&str; 3] = ["native", "nativeMap", "nativeCatch"];

/// What a part's JS reaches natively.
#[derive(Default)]
struct Calls {
    /// Each op called, and how.
    ops: Vec<(String, Kind)>,
    /// Ways of calling an op the check cannot follow.
    escapes: Vec<String>,
}

/// Each JS part with its code (see [`code`]).
fn js_parts() -> impl Iterator<Item = (&'static Part, String)> {
    sources().map(|(part, source)| (part, code(source)))
}

/// `source` without its comment lines (comments name ops and parts in prose).
fn code(source: &str) -> String {
    let lines = source.lines().filter(|l| !l.trim_start().starts_with("//"));
    lines.collect::<Vec<_>>().join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Where `word` stands in `code` as a whole identifier (a member name included).
fn uses<'c>(code: &'c str, word: &'c str) -> impl Iterator<Item = usize> + 'c {
    code.match_indices(word).filter_map(move |(at, _)| {
        let before = code[..at].chars().next_back();
        let whole = !before.is_some_and(is_ident) && !code[at + word.len()..].starts_with(is_ident);
        whole.then_some(at)
    })
}

/// The identifier `s` opens with.
fn ident(s: &str) -> &str {
    &s[..s.find(|c| !is_ident(c)).unwrap_or(s.len())]
}

/// The string literal `s` opens with, if it opens with one.
fn literal(s: &str) -> Option<&str> {
    let s = s.strip_prefix('\'')?;
    Some(&s[..s.find('\'')?])
}

/// The names `code` gives the native calls: their own, and each `const alias = dispatch.native;`.
fn callees(code: &str) -> Vec<&str> {
    let mut callees = NATIVE_CALLS.to_vec();
    for at in uses(code, "const") {
        let declared = code[at + "const".len()..].trim_start();
        let alias = ident(declared);
        let Some(value) = declared[alias.len()..].strip_prefix(" = dispatch.") else {
            continue;
        };
        let target = ident(value);
        if NATIVE_CALLS.contains(&target) && value[target.len()..].starts_with(';') {
            callees.push(alias);
        }
    }
    callees.sort_unstable();
    callees.dedup();
    callees
}

fn calls(code: &str) -> Calls {
    let mut calls = Calls::default();
    for at in uses(code, "ops") {
        let (before, after) = (&code[..at], &code[at + "ops".len()..]);
        if before.ends_with('.') {
            continue; // a member named `ops`, not the ops table
        }
        if let Some(member) = after.strip_prefix('.') {
            calls.ops.push((ident(member).to_string(), Kind::Sync));
        } else if after.starts_with('[') {
            calls
                .escapes
                .push(format!("ops{}", &after[..after.find(']').unwrap_or(0) + 1]));
        }
    }
    for callee in callees(code) {
        for at in uses(code, callee) {
            let (before, after) = (&code[..at], &code[at + callee.len()..]);
            if let Some(args) = after.strip_prefix('(') {
                match literal(args.trim_start()) {
                    Some(name) => calls.ops.push((name.to_string(), Kind::Async)),
                    None => calls.escapes.push(format!("{callee}({}", ident(args))),
                }
                continue;
            }
            // Not called, `dispatch.native` may only be named: `const alias = dispatch.native;`.
            let named = before.ends_with("= dispatch.") && after.starts_with(';');
            if before.ends_with("dispatch.") && !named {
                calls
                    .escapes
                    .push(format!("dispatch.{callee} used as a value"));
            }
        }
    }
    calls
}

/// The parts `code` names (`'nexus:…'` literals), but for `own` (and the prefix alone, which
/// tells the parts' stack frames).
fn named_parts<'c>(code: &'c str, own: &str) -> BTreeSet<&'c str> {
    let quoted = code
        .match_indices("'nexus:")
        .filter_map(|(at, _)| literal(&code[at..]));
    quoted
        .filter(|name| *name != own && *name != "nexus:")
        .collect()
}

fn owner(op: &str) -> Option<&'static Part> {
    PARTS.iter().find(|p| p.ops.iter().any(|o| o.name == op))
}

fn core() -> impl Iterator<Item = &'static Op> {
    ops::CORE.iter().copied().flatten()
}

/// The ops `part` may call: its own, its dependencies', the core ones.
fn reachable(part: &Part) -> impl Iterator<Item = &'static Op> + '_ {
    let deps = part.deps.iter().filter_map(|d| super::named(d));
    core()
        .chain(part.ops.iter())
        .chain(deps.flat_map(|d| d.ops))
}

fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Sync => "directly (ops.name)",
        Kind::Async => "through dispatch.native",
    }
}

#[test]
fn every_op_a_part_calls_is_declared_reachable_and_called_as_its_kind() {
    let mut failures = Vec::new();
    for (part, code) in js_parts() {
        let calls = calls(&code);
        for (name, kind) in &calls.ops {
            let name = name.as_str();
            match reachable(part).find(|op| op.name == name) {
                Some(op) if op.kind == *kind => {}
                Some(op) => failures.push(format!(
                    "{}: calls op '{name}' {}, but it is declared to be called {}",
                    part.name,
                    describe(*kind),
                    describe(op.kind)
                )),
                None => failures.push(match owner(name) {
                    Some(owner) => format!(
                        "{}: calls op '{name}' of {}, which is not among its deps",
                        part.name, owner.name
                    ),
                    None => format!("{}: calls op '{name}', which no part declares", part.name),
                }),
            }
        }
        if part.name != PENDING {
            for escape in calls.escapes {
                failures.push(format!(
                    "{}: `{escape}` calls an op the check cannot name",
                    part.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_op_is_called() {
    // Each JS part's name and the ops it calls.
    let called: Vec<(&str, BTreeSet<String>)> = js_parts()
        .map(|(part, code)| {
            (
                part.name,
                calls(&code).ops.into_iter().map(|(n, _)| n).collect(),
            )
        })
        .collect();
    let calls_op = |part: &str, op: &Op| {
        called
            .iter()
            .any(|(p, ops)| *p == part && ops.contains(op.name))
    };
    let mut failures = Vec::new();
    for part in PARTS {
        for op in part.ops.iter().filter(|op| !calls_op(part.name, op)) {
            failures.push(format!(
                "{}: declares op '{}' but never calls it",
                part.name, op.name
            ));
        }
    }
    for op in core().filter(|op| !called.iter().any(|(p, _)| calls_op(p, op))) {
        failures.push(format!("core op '{}' is called by no part", op.name));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_parts_a_part_names_are_its_deps() {
    let mut failures = Vec::new();
    for part in PARTS {
        let missing = part.deps.iter().filter(|d| super::named(d).is_none());
        failures
            .extend(missing.map(|d| format!("{}: depends on '{d}', which is no part", part.name)));
    }
    for (part, code) in js_parts() {
        let named = named_parts(&code, part.name);
        let declared: BTreeSet<&str> = part.deps.iter().copied().collect();
        if named != declared {
            failures.push(format!(
                "{}: its JS names {named:?}, its deps are {declared:?}",
                part.name
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn a_native_part_makes_one_lazy_name() {
    for part in PARTS.iter().filter(|p| matches!(p.body, Body::Native(_))) {
        assert!(
            matches!(part.load, Load::Lazy { .. }) && part.lazy_names().count() == 1,
            "{}: a native part makes the value of one lazy name",
            part.name
        );
    }
}

#[test]
fn every_lazy_name_has_one_meaning() {
    let mut names: Vec<&str> = every_op().map(|op| op.name).collect();
    names.extend(PARTS.iter().flat_map(Part::lazy_names));
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count, "an op or lazy name is defined twice");
    let mut parts: Vec<&str> = PARTS.iter().map(|p| p.name).collect();
    parts.sort_unstable();
    parts.dedup();
    assert_eq!(parts.len(), PARTS.len(), "two parts have one name");
}

#[test]
fn every_part_is_ascii() {
    for (part, source) in sources() {
        let line = source.lines().position(|l| !l.is_ascii());
        assert_eq!(
            line,
            None,
            "{}: line {} is not ASCII",
            part.name,
            line.unwrap_or(0) + 1
        );
    }
}
