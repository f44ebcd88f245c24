//! The globals Nexus adds to a realm: `Nexus`, `console`, timers and the web-platform basics
//! (encoding, URL, structuredClone, performance, crypto, base64, AbortController).
//!
//! The JS side lives in `js/`, one file per concept, each a function of
//! `(ops, details, Nexus, dispatch, primordials)` evaluated once per realm. It reaches native
//! code only through the ops table of `ops.rs`; native code calls back into it only through
//! `dispatch`. It calls only the builtins `primordials` read before any program ran (see
//! [`primordials`]), so a program that replaces one does not break it.
//!
//! Start-up pays only for what a program uses: every op and every name a lazy part defines
//! starts as a lazy property (a native accessor, no JS function), made real on first read by
//! [`lazy_property`].

mod console;
mod ops;
mod primordials;

use javascriptcore_sys::{ErrorKind, JsResult, Object, Scope, Value};
use std::cell::RefCell;

/// What the globals report about the running program.
pub struct Info {
    pub script: String,
    pub argv: Vec<String>,
    pub concurrency: usize,
    /// Whether the global `gc()` exists (`--expose-gc`).
    pub expose_gc: bool,
}

/// When a part is evaluated: at start-up, or on first read of one of the names it defines.
enum Load {
    Eager,
    /// Loaded by another part through `dispatch.load(name)`.
    OnDemand,
    Lazy {
        globals: &'static [&'static str],
        nexus: &'static [&'static str],
        /// Names it defines on an object another part makes, which declares them with
        /// `ops.defineLazyMembers(object, part)`.
        members: &'static [&'static str],
    },
}

struct Part {
    name: &'static str,
    source: &'static str,
    load: Load,
}

const fn global(
    name: &'static str,
    source: &'static str,
    globals: &'static [&'static str],
) -> Part {
    Part {
        name,
        source,
        load: Load::Lazy {
            globals,
            nexus: &[],
            members: &[],
        },
    }
}

const fn nexus(name: &'static str, source: &'static str, names: &'static [&'static str]) -> Part {
    Part {
        name,
        source,
        load: Load::Lazy {
            globals: &[],
            nexus: names,
            members: &[],
        },
    }
}

/// A part defining names on an object another part makes (see `Load::Lazy::members`).
const fn members(name: &'static str, source: &'static str, names: &'static [&'static str]) -> Part {
    Part {
        name,
        source,
        load: Load::Lazy {
            globals: &[],
            nexus: &[],
            members: names,
        },
    }
}

const fn eager(name: &'static str, source: &'static str) -> Part {
    Part {
        name,
        source,
        load: Load::Eager,
    }
}

/// Only js/jobs.js and js/lazy.js are evaluated at start-up; every other part waits for the
/// first read of a name it defines, or for a part that needs it (js/primordials.js, for every
/// lazy part: see [`primordials`]). Every part is ASCII (a test keeps it so): JSC keeps
/// an ASCII source as 8-bit characters and lexes it faster than one with a single other
/// character, which makes the whole source UTF-16.
const PARTS: &[Part] = &[
    // First: every other part's JS runs its tasks' jobs through dispatch.runMicrotasks.
    eager("nexus:jobs", include_str!("js/jobs.js")),
    eager("nexus:lazy", include_str!("js/lazy.js")),
    Part {
        name: "nexus:primordials",
        source: include_str!("js/primordials.js"),
        load: Load::OnDemand,
    },
    Part {
        name: "nexus:scheduler",
        source: include_str!("js/scheduler.js"),
        load: Load::Lazy {
            globals: &["queueMicrotask"],
            nexus: &["Scheduler"],
            members: &[],
        },
    },
    global(
        "nexus:timers",
        include_str!("js/timers.js"),
        &[
            "setTimeout",
            "setInterval",
            "setImmediate",
            "clearTimeout",
            "clearInterval",
            "clearImmediate",
        ],
    ),
    Part {
        name: "nexus:promises",
        source: include_str!("js/promises.js"),
        load: Load::OnDemand,
    },
    Part {
        name: "nexus:pending",
        source: include_str!("js/pending.js"),
        load: Load::OnDemand,
    },
    Part {
        name: "nexus:console",
        source: include_str!("js/console.js"),
        load: Load::OnDemand,
    },
    members(
        "nexus:console-tools",
        include_str!("js/console_tools.js"),
        &[
            "dir",
            "inspect",
            "trace",
            "assert",
            "count",
            "countReset",
            "time",
            "timeLog",
            "timeEnd",
            "table",
            "group",
            "groupEnd",
            "groupCollapsed",
        ],
    ),
    Part {
        name: "nexus:inspect",
        source: include_str!("js/inspect.js"),
        load: Load::OnDemand,
    },
    nexus(
        "nexus:emitter",
        include_str!("js/emitter.js"),
        &["EventEmitter"],
    ),
    global(
        "nexus:domexception",
        include_str!("js/domexception.js"),
        &["DOMException", "Event", "EventTarget"],
    ),
    global(
        "nexus:encoding",
        include_str!("js/encoding.js"),
        &["TextEncoder", "TextDecoder"],
    ),
    global(
        "nexus:url",
        include_str!("js/url.js"),
        &["URL", "URLSearchParams"],
    ),
    global(
        "nexus:clone",
        include_str!("js/clone.js"),
        &["structuredClone"],
    ),
    global(
        "nexus:performance",
        include_str!("js/performance.js"),
        &["performance"],
    ),
    global("nexus:crypto", include_str!("js/crypto.js"), &["crypto"]),
    global(
        "nexus:base64",
        include_str!("js/base64.js"),
        &["atob", "btoa"],
    ),
    global(
        "nexus:abort",
        include_str!("js/abort.js"),
        &["AbortController", "AbortSignal"],
    ),
    nexus("nexus:io", include_str!("js/io.js"), &["IO"]),
    nexus("nexus:fs", include_str!("js/fs.js"), &["FileSystem"]),
    nexus("nexus:net", include_str!("js/net.js"), &["Net"]),
    Part {
        name: "nexus:transfer",
        source: include_str!("js/transfer.js"),
        load: Load::OnDemand,
    },
    Part {
        name: "nexus:offload",
        source: include_str!("js/offload.js"),
        load: Load::OnDemand,
    },
    members("nexus:http", include_str!("js/http.js"), &["HTTP"]),
];

/// The part function of a lazy part, evaluated now (for `ops.loadPart`).
pub fn load_part<'s>(scope: &'s Scope<'s>, name: &str) -> JsResult<'s, Object<'s>> {
    match PARTS.iter().find(|p| p.name == name) {
        Some(part) => scope.evaluate_script(part.source, part.name)?.to_object(),
        None => Err(scope.error(
            javascriptcore_sys::ErrorKind::Error,
            &format!("no part named '{name}'"),
        )),
    }
}

/// Globals made by Rust on first read, not by a JS part.
const NATIVE_GLOBALS: &[(&str, Native)] = &[("console", console::create)];

type Native = for<'s> fn(&'s Scope<'s>, &crate::realm::Realm) -> JsResult<'s, Value<'s>>;

/// The first read of a lazy property of `object`: an op, a native global, or a name a lazy part
/// defines (loading the part defines it for real).
pub fn lazy_property<'s>(
    scope: &'s Scope<'s>,
    object: Object<'s>,
    name: &str,
) -> JsResult<'s, Value<'s>> {
    thread_local! {
        /// Names whose part is loading on this thread: reading one again means the part did
        /// not define it.
        static LOADING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }
    if let Some(op) = ops::function(scope, name) {
        object.set(name, op.value())?;
        return Ok(op.value());
    }
    let internal =
        |message: String| scope.error(ErrorKind::Error, &format!("internal error: {message}"));
    let realm = ops::args::realm(scope)?;
    if let Some((_, make)) = NATIVE_GLOBALS.iter().find(|(n, _)| *n == name) {
        let value = make(scope, &realm)?;
        object.set(name, value)?;
        return Ok(value);
    }
    let part = PARTS
        .iter()
        .find(|p| p.defines(name))
        .ok_or_else(|| internal(format!("no part defines '{name}'")))?;
    if LOADING.with(|l| l.borrow().iter().any(|n| n == name)) {
        return Err(internal(format!(
            "part '{}' did not define '{name}'",
            part.name
        )));
    }
    LOADING.with(|l| l.borrow_mut().push(name.to_string()));
    let loaded = realm
        .load_part(scope, part.name)
        .and_then(|()| object.get(name));
    LOADING.with(|l| l.borrow_mut().retain(|n| n != name));
    loaded
}

/// Declares the members of the lazy part `part` on `object` (for `ops.defineLazyMembers`).
pub fn define_lazy_members<'s>(
    scope: &'s Scope<'s>,
    object: Object<'s>,
    part: &str,
) -> JsResult<'s, ()> {
    match PARTS.iter().find(|p| p.name == part).map(|p| &p.load) {
        Some(Load::Lazy { members, .. }) => {
            members
                .iter()
                .for_each(|name| object.define_lazy(name, true));
            Ok(())
        }
        _ => Err(scope.error(ErrorKind::Error, &format!("no lazy part named '{part}'"))),
    }
}

impl Part {
    /// Every name whose first read loads this part.
    fn lazy_names(&self) -> impl Iterator<Item = &'static str> {
        let lists = match self.load {
            Load::Lazy {
                globals,
                nexus,
                members,
            } => [globals, nexus, members],
            _ => [&[][..]; 3],
        };
        lists.into_iter().flatten().copied()
    }

    fn defines(&self, name: &str) -> bool {
        self.lazy_names().any(|n| n == name)
    }
}

/// Installs the globals; returns the dispatch object native code calls back through.
pub fn install<'s>(scope: &'s Scope<'s>, info: &Info, realm: u32) -> JsResult<'s, Object<'s>> {
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
    let ops = ops::table(scope);
    let nexus = scope.object();
    let global = scope.global();
    NATIVE_GLOBALS
        .iter()
        .for_each(|(name, _)| global.define_lazy(name, false));
    for part in PARTS {
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
    // For run.rs, which watches the entry module's promise before any program ran.
    dispatch.set("promiseThen", primordials.get("PromisePrototypeThen")?)?;
    let args = [
        ops.value(),
        details.value(),
        nexus.value(),
        dispatch.value(),
        primordials.value(),
    ];
    for part in PARTS.iter().filter(|p| matches!(p.load, Load::Eager)) {
        scope
            .evaluate_script(part.source, part.name)?
            .to_object()?
            .call(None, &args)?;
    }
    global.set_hidden("Nexus", nexus.value())?;
    Ok(dispatch)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_lazy_name_has_one_meaning() {
        let mut names: Vec<&str> = super::ops::names().collect();
        names.extend(super::NATIVE_GLOBALS.iter().map(|(name, _)| name));
        names.extend(super::PARTS.iter().flat_map(super::Part::lazy_names));
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "an op or lazy name is defined twice");
    }

    #[test]
    fn every_part_is_ascii() {
        for part in super::PARTS {
            let line = part.source.lines().position(|l| !l.is_ascii());
            assert_eq!(
                line,
                None,
                "{}: line {} is not ASCII",
                part.name,
                line.unwrap_or(0) + 1
            );
        }
    }
}
