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
}

const PARTS: &[(&str, &str)] = &[
    ("nexus:console", include_str!("js/console.js")),
    ("nexus:nexus", include_str!("js/nexus.js")),
    ("nexus:scheduler", include_str!("js/scheduler.js")),
    ("nexus:timers", include_str!("js/timers.js")),
    ("nexus:emitter", include_str!("js/emitter.js")),
    ("nexus:domexception", include_str!("js/domexception.js")),
    ("nexus:encoding", include_str!("js/encoding.js")),
    ("nexus:url", include_str!("js/url.js")),
    ("nexus:clone", include_str!("js/clone.js")),
    ("nexus:performance", include_str!("js/performance.js")),
    ("nexus:crypto", include_str!("js/crypto.js")),
    ("nexus:base64", include_str!("js/base64.js")),
    ("nexus:abort", include_str!("js/abort.js")),
    ("nexus:pending", include_str!("js/pending.js")),
    ("nexus:io", include_str!("js/io.js")),
    ("nexus:fs", include_str!("js/fs.js")),
];

/// Installs the globals; returns the dispatch object native code calls back through.
pub fn install<'s>(scope: &'s Scope<'s>, info: &Info) -> JsResult<'s, Object<'s>> {
    let argv: Vec<_> = info.argv.iter().map(|a| scope.string(a)).collect();
    let details = scope.object();
    details.set("version", scope.string(env!("CARGO_PKG_VERSION")))?;
    details.set("script", scope.string(&info.script))?;
    details.set("argv", scope.array(&argv)?.value())?;
    details.set("concurrency", scope.number(info.concurrency as f64))?;
    let ops = ops::table(scope)?;
    let nexus = scope.object();
    let dispatch = scope.object();
    for (name, source) in PARTS {
        let part = scope.evaluate_script(source, name)?.to_object()?;
        part.call(
            None,
            &[
                ops.value(),
                details.value(),
                nexus.value(),
                dispatch.value(),
            ],
        )?;
    }
    scope.global().set_hidden("Nexus", nexus.value())?;
    Ok(dispatch)
}
