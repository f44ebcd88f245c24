//! The globals Nexus adds to a realm: `Nexus`, `console`, timers and the web-platform basics
//! (encoding, URL, structuredClone, performance, crypto, base64, AbortController).
//!
//! They come in parts, each declared once in [`parts`]: its body (JS in `js/`, one file per
//! concept, or a value Rust makes, as `console` is), the names that load it, the parts it
//! depends on and its ops. A JS part is a function of `(ops, details, Nexus, dispatch,
//! primordials)` evaluated once per realm. It reaches native code only through the ops it
//! declares (see [`ops`]); native code calls back into it only through `dispatch`. It calls only
//! the builtins `primordials` read before any program ran (see [`primordials`]), so a program
//! that replaces one does not break it.
//!
//! Start-up pays only for what a program uses: every op and every name a lazy part defines
//! starts as a lazy property (a native accessor, no JS function), made real on first read by
//! [`lazy_property`].
//!
//! Layer: this is where JS meets `io` and `net`; it uses them, the realm, the scheduler and
//! `modules`. The runtime above gives it the program's [`Info`] and the offload pool
//! ([`configure`]) and hands the result to the realm layer as its `realm::Globals`: nothing here
//! names `runtime` (tests/layers.rs keeps it so).

mod console;
pub mod dispatch;
mod globals;
pub mod offload;
mod ops;
mod part;
mod parts;
mod primordials;
mod resources;

pub use globals::configure;

use javascriptcore_sys::{ErrorKind, JsResult, Object, Scope, Value};
use part::{Body, Load};
use std::cell::RefCell;

/// What the globals report about the running program.
pub struct Info {
    pub script: String,
    pub argv: Vec<String>,
    pub concurrency: usize,
    /// Whether the global `gc()` exists (`--expose-gc`).
    pub expose_gc: bool,
}

/// The part function of a JS part, evaluated now (for `ops.loadPart`).
pub fn load_part<'s>(scope: &'s Scope<'s>, name: &str) -> JsResult<'s, Object<'s>> {
    match parts::named(name).and_then(|p| p.source()) {
        Some(source) => scope.evaluate_script(source, name)?.to_object(),
        None => Err(scope.error(ErrorKind::Error, &format!("no JS part named '{name}'"))),
    }
}

/// The first read of a lazy property of `object`: an op, or a name a lazy part defines (loading
/// a JS part defines it for real; a native part makes its value).
fn lazy_property<'s>(
    scope: &'s Scope<'s>,
    object: Object<'s>,
    name: &str,
) -> JsResult<'s, Value<'s>> {
    thread_local! {
        /// Names whose part is loading on this thread: reading one again means the part did
        /// not define it.
        static LOADING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }
    if let Some(op) = parts::op(name) {
        let function = op.function(scope);
        object.set(name, function.value())?;
        return Ok(function.value());
    }
    let internal =
        |message: String| scope.error(ErrorKind::Error, &format!("internal error: {message}"));
    let realm = ops::args::realm(scope)?;
    let part =
        parts::defining(name).ok_or_else(|| internal(format!("no part defines '{name}'")))?;
    if let Body::Native(make) = part.body {
        let value = make(scope, &realm)?;
        object.set(name, value)?;
        return Ok(value);
    }
    if LOADING.with(|l| l.borrow().iter().any(|n| n == name)) {
        return Err(internal(format!(
            "part '{}' did not define '{name}'",
            part.name
        )));
    }
    LOADING.with(|l| l.borrow_mut().push(name.to_string()));
    let loaded = dispatch::load(&realm, scope, part.name).and_then(|()| object.get(name));
    LOADING.with(|l| l.borrow_mut().retain(|n| n != name));
    loaded
}

/// Declares the members of the lazy part `part` on `object` (for `ops.defineLazyMembers`).
pub fn define_lazy_members<'s>(
    scope: &'s Scope<'s>,
    object: Object<'s>,
    part: &str,
) -> JsResult<'s, ()> {
    match parts::named(part).map(|p| &p.load) {
        Some(Load::Lazy { members, .. }) => {
            members
                .iter()
                .for_each(|name| object.define_lazy(name, true));
            Ok(())
        }
        _ => Err(scope.error(ErrorKind::Error, &format!("no lazy part named '{part}'"))),
    }
}

/// Installs the globals; returns the dispatch object native code calls back through.
fn install<'s>(scope: &'s Scope<'s>, info: &Info, realm: u32) -> JsResult<'s, Object<'s>> {
    let details = scope.object();
    details.set("realm", scope.number(realm as f64))?;
    details.set("version", scope.string(env!("CARGO_PKG_VERSION")))?;
    details.set("script", scope.string(&info.script))?;
    details.set(
        "argv",
        scope
            .array_from(info.argv.iter().map(|a| scope.string(a)))?
            .value(),
    )?;
    details.set("concurrency", scope.number(info.concurrency as f64))?;
    details.set("exposeGc", scope.boolean(info.expose_gc))?;
    // Every op a lazy property, made a function on first use (most programs call a few of them).
    let ops = scope.object();
    parts::ops().for_each(|op| ops.define_lazy(op.name, false));
    let nexus = scope.object();
    let global = scope.global();
    for part in parts::PARTS {
        if let Load::Lazy {
            globals,
            nexus: names,
            ..
        } = part.load
        {
            globals
                .iter()
                .for_each(|name| global.define_lazy(name, false));
            names.iter().for_each(|name| nexus.define_lazy(name, true));
        }
    }
    let dispatch = scope.object();
    let primordials = primordials::capture(scope)?;
    // For the realm's start, which watches the entry module's promise before any program ran.
    dispatch.set("promiseThen", primordials.get("PromisePrototypeThen")?)?;
    let args = [
        ops.value(),
        details.value(),
        nexus.value(),
        dispatch.value(),
        primordials.value(),
    ];
    for part in parts::PARTS {
        if let (Load::Eager, Some(source)) = (&part.load, part.source()) {
            scope
                .evaluate_script(source, part.name)?
                .to_object()?
                .call(None, &args)?;
        }
    }
    global.set_hidden("Nexus", nexus.value())?;
    Ok(dispatch)
}
