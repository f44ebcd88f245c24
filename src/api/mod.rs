//! The globals Nexus adds to a realm: `Nexus`, `console`, timers and the web-platform basics
//! (encoding, URL, structuredClone, performance, crypto, base64, AbortController).
//!
//! The JS side lives in `js/`, one file per concept, each a function of
//! `(ops, details, Nexus, dispatch)` evaluated once per realm. It reaches native code only
//! through the ops table of `ops.rs`; native code calls back into it only through `dispatch`.

mod ops;

use javascriptcore_sys::{JsResult, Object, Scope};

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

/// Only js/lazy.js is evaluated at start-up; every other part waits for the first read of a name
/// it defines, or for a part that needs it. Every part is ASCII (a test keeps it so): JSC keeps
/// an ASCII source as 8-bit characters and lexes it faster than one with a single other
/// character, which makes the whole source UTF-16.
const PARTS: &[Part] = &[
    eager("nexus:lazy", include_str!("js/lazy.js")),
    Part {
        name: "nexus:scheduler",
        source: include_str!("js/scheduler.js"),
        load: Load::Lazy {
            globals: &["queueMicrotask"],
            nexus: &["Scheduler"],
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
        name: "nexus:pending",
        source: include_str!("js/pending.js"),
        load: Load::OnDemand,
    },
    global("nexus:console", include_str!("js/console.js"), &["console"]),
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
    Part {
        name: "nexus:http",
        source: include_str!("js/http.js"),
        load: Load::OnDemand,
    },
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
    // [part, global names, Nexus names] for each lazy part; built element by element so every
    // new value is held by a JS array at once (see javascriptcore_sys::Scope::array_from).
    let lazy = PARTS.iter().filter_map(|p| match p.load {
        Load::Lazy { globals, nexus } => Some((p.name, globals, nexus)),
        _ => None,
    });
    let names = |names: &[&str]| scope.array_from(names.iter().map(|n| scope.string(n)));
    let parts = scope.array(&[])?;
    for (i, (name, globals, nexus)) in lazy.enumerate() {
        let entry = scope.array_from([scope.string(name)])?;
        entry.set("1", names(globals)?.value())?;
        entry.set("2", names(nexus)?.value())?;
        parts.set(&i.to_string(), entry.value())?;
    }
    details.set("parts", parts.value())?;
    let ops = ops::table(scope)?;
    let nexus = scope.object();
    let dispatch = scope.object();
    let args = [
        ops.value(),
        details.value(),
        nexus.value(),
        dispatch.value(),
    ];
    for part in PARTS.iter().filter(|p| matches!(p.load, Load::Eager)) {
        scope
            .evaluate_script(part.source, part.name)?
            .to_object()?
            .call(None, &args)?;
    }
    scope.global().set_hidden("Nexus", nexus.value())?;
    Ok(dispatch)
}

#[cfg(test)]
mod tests {
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
