//! The console object, and its output methods (log, info, debug, warn, error) in Rust: a program
//! that prints text loads no JS for it. Until console.js is loaded, plain text (strings only,
//! the first without a `%` directive) prints here; a value to inspect, a directive, or any other
//! console method (console_tools.js) loads console.js, and from then on it formats and prints
//! everything, so group indentation and output order stay in one place.

use super::dispatch::{self, CONSOLE_PRINT};
use crate::realm::Realm;
use javascriptcore_sys::{JsResult, Kind, Scope, Value};
use std::sync::atomic::Ordering;

/// The value of the lazy global `console`: the native part nexus:console-native (api/parts.rs).
pub fn create<'s>(scope: &'s Scope<'s>, realm: &Realm) -> JsResult<'s, Value<'s>> {
    let console = scope.object();
    for (name, fd) in [
        ("log", 1),
        ("info", 1),
        ("debug", 1),
        ("warn", 2),
        ("error", 2),
    ] {
        let print = scope.function(name, move |scope, _this, args| print(scope, fd, args));
        console.set(name, print.value())?;
    }
    super::define_lazy_members(scope, console, "nexus:console-tools")?;
    realm.set_dispatch(scope, "consoleObject", console.value())?;
    Ok(console.value())
}

fn print<'s>(scope: &'s Scope<'s>, fd: u8, args: &[Value<'s>]) -> JsResult<'s, Value<'s>> {
    let realm = super::ops::args::realm(scope)?;
    if !realm.console_in_js.load(Ordering::Relaxed)
        && let Some(text) = plain_text(args)?
    {
        super::ops::write_fd(scope, fd.into(), &text)?;
        return Ok(scope.undefined());
    }
    dispatch::load(&realm, scope, "nexus:console")?;
    let args = scope.array_from(args.iter().copied())?;
    realm.call_checked(
        scope,
        &CONSOLE_PRINT,
        &[scope.number(fd.into()), args.value()],
    )
}

/// The line `args` print as when they need no formatting.
fn plain_text<'s>(args: &[Value<'s>]) -> JsResult<'s, Option<String>> {
    if args.iter().any(|a| a.kind() != Kind::String) {
        return Ok(None);
    }
    let mut text = String::new();
    for (i, arg) in args.iter().enumerate() {
        let part = arg.to_string()?;
        if i == 0 && part.contains('%') {
            return Ok(None);
        }
        if i > 0 {
            text.push(' ');
        }
        text.push_str(&part);
    }
    text.push('\n');
    Ok(Some(text))
}
