//! Every JS-facing part of the globals, each declared once as a [`Part`]: the one registry that
//! start-up, lazy loading and the ops table read. Where to add an API: its JS in `js/`, its ops
//! in `ops/` (a list of [`Op`]s beside their functions), and one entry here naming both.
//!
//! Only js/jobs.js and js/lazy.js are evaluated at start-up; every other part waits for the
//! first read of a name it defines, or for a part that needs it (js/primordials.js, for every
//! lazy part: see [`primordials`](super::primordials)). Every part is ASCII (a test keeps it
//! so): JSC keeps an ASCII source as 8-bit characters and lexes it faster than one with a single
//! other character, which makes the whole source UTF-16.

use super::console;
use super::ops::{self, Op};
use super::part::{Body, Load, Part};

pub const PARTS: &[Part] = &[
    // First: every other part's JS runs its tasks' jobs through dispatch.runMicrotasks.
    Part {
        name: "nexus:jobs",
        body: Body::Js(include_str!("js/jobs.js")),
        load: Load::Eager,
        deps: &[],
        ops: ops::tasks::JOBS,
    },
    Part {
        name: "nexus:lazy",
        body: Body::Js(include_str!("js/lazy.js")),
        load: Load::Eager,
        deps: &["nexus:primordials", "nexus:offload", "nexus:web-bytes"],
        ops: ops::process::EXIT_CODE,
    },
    // Before the lazy globals a part defines, as the global object has always listed it.
    Part {
        name: "nexus:console-native",
        body: Body::Native(console::create),
        load: Load::globals(&["console"]),
        deps: &["nexus:console", "nexus:console-tools"],
        ops: &[],
    },
    Part {
        name: "nexus:primordials",
        body: Body::Js(include_str!("js/primordials.js")),
        load: Load::OnDemand,
        deps: &[],
        ops: &[],
    },
    Part {
        name: "nexus:scheduler",
        body: Body::Js(include_str!("js/scheduler.js")),
        load: Load::Lazy {
            globals: &["queueMicrotask"],
            nexus: &["Scheduler"],
            members: &[],
        },
        deps: &["nexus:offload"],
        ops: ops::tasks::SCHEDULER,
    },
    Part {
        name: "nexus:timers",
        body: Body::Js(include_str!("js/timers.js")),
        load: Load::globals(&[
            "setTimeout",
            "setInterval",
            "setImmediate",
            "clearTimeout",
            "clearInterval",
            "clearImmediate",
        ]),
        deps: &["nexus:scheduler"],
        ops: ops::tasks::TIMERS,
    },
    Part {
        name: "nexus:promises",
        body: Body::Js(include_str!("js/promises.js")),
        load: Load::OnDemand,
        deps: &[],
        ops: ops::tasks::PROMISES,
    },
    Part {
        name: "nexus:pending",
        body: Body::Js(include_str!("js/pending.js")),
        load: Load::OnDemand,
        deps: &["nexus:promises"],
        ops: &[],
    },
    Part {
        name: "nexus:console",
        body: Body::Js(include_str!("js/console.js")),
        load: Load::OnDemand,
        deps: &["nexus:inspect"],
        ops: ops::core::CONSOLE,
    },
    Part {
        name: "nexus:console-tools",
        body: Body::Js(include_str!("js/console_tools.js")),
        load: Load::members(&[
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
        ]),
        deps: &["nexus:console"],
        ops: &[],
    },
    Part {
        name: "nexus:inspect",
        body: Body::Js(include_str!("js/inspect.js")),
        load: Load::OnDemand,
        deps: &[],
        ops: ops::core::INSPECT,
    },
    Part {
        name: "nexus:emitter",
        body: Body::Js(include_str!("js/emitter.js")),
        load: Load::nexus(&["EventEmitter"]),
        deps: &["nexus:scheduler", "nexus:promises"],
        ops: &[],
    },
    Part {
        name: "nexus:domexception",
        body: Body::Js(include_str!("js/domexception.js")),
        load: Load::globals(&["DOMException", "Event", "EventTarget"]),
        deps: &[],
        ops: &[],
    },
    Part {
        name: "nexus:encoding",
        body: Body::Js(include_str!("js/encoding.js")),
        load: Load::globals(&["TextEncoder", "TextDecoder"]),
        deps: &[],
        ops: ops::text::OPS,
    },
    Part {
        name: "nexus:url",
        body: Body::Js(include_str!("js/url.js")),
        load: Load::globals(&["URL", "URLSearchParams"]),
        deps: &[],
        ops: ops::url::OPS,
    },
    Part {
        name: "nexus:clone",
        body: Body::Js(include_str!("js/clone.js")),
        load: Load::globals(&["structuredClone"]),
        deps: &["nexus:domexception", "nexus:transfer"],
        ops: &[],
    },
    Part {
        name: "nexus:performance",
        body: Body::Js(include_str!("js/performance.js")),
        load: Load::globals(&["performance"]),
        deps: &[],
        ops: ops::host::PERFORMANCE,
    },
    Part {
        name: "nexus:crypto",
        body: Body::Js(include_str!("js/crypto.js")),
        load: Load::globals(&["crypto"]),
        deps: &["nexus:domexception"],
        ops: ops::crypto::OPS,
    },
    Part {
        name: "nexus:base64",
        body: Body::Js(include_str!("js/base64.js")),
        load: Load::globals(&["atob", "btoa"]),
        deps: &["nexus:domexception"],
        ops: &[],
    },
    Part {
        name: "nexus:abort",
        body: Body::Js(include_str!("js/abort.js")),
        load: Load::globals(&["AbortController", "AbortSignal"]),
        deps: &["nexus:domexception", "nexus:timers"],
        ops: &[],
    },
    Part {
        name: "nexus:io",
        body: Body::Js(include_str!("js/io.js")),
        load: Load::nexus(&["IO"]),
        deps: &["nexus:pending", "nexus:web-bytes"],
        ops: ops::io::OPS,
    },
    Part {
        name: "nexus:fs",
        body: Body::Js(include_str!("js/fs.js")),
        load: Load::nexus(&["FileSystem"]),
        deps: &["nexus:pending"],
        ops: ops::fs::OPS,
    },
    Part {
        name: "nexus:net",
        body: Body::Js(include_str!("js/net.js")),
        load: Load::nexus(&["Net"]),
        deps: &[
            "nexus:pending",
            "nexus:emitter",
            "nexus:promises",
            "nexus:timers",
            "nexus:http",
            "nexus:udp",
        ],
        ops: ops::net::OPS,
    },
    Part {
        name: "nexus:udp",
        body: Body::Js(include_str!("js/udp.js")),
        load: Load::members(&["UDP", "UDPSocket"]),
        deps: &["nexus:net", "nexus:pending", "nexus:promises"],
        ops: ops::udp::OPS,
    },
    Part {
        name: "nexus:transfer",
        body: Body::Js(include_str!("js/transfer.js")),
        load: Load::OnDemand,
        deps: &["nexus:domexception"],
        ops: &[],
    },
    Part {
        name: "nexus:offload",
        body: Body::Js(include_str!("js/offload.js")),
        load: Load::OnDemand,
        deps: &["nexus:pending", "nexus:transfer"],
        ops: ops::offload::OPS,
    },
    Part {
        name: "nexus:http",
        body: Body::Js(include_str!("js/http.js")),
        load: Load::members(&["HTTP"]),
        deps: &["nexus:net", "nexus:io", "nexus:serve", "nexus:websocket"],
        ops: ops::http::OPS,
    },
    Part {
        name: "nexus:websocket",
        body: Body::Js(include_str!("js/websocket.js")),
        load: Load::OnDemand,
        deps: &["nexus:net", "nexus:http", "nexus:encoding"],
        ops: ops::websocket::OPS,
    },
    Part {
        name: "nexus:websocket-client",
        body: Body::Js(include_str!("js/websocket_client.js")),
        load: Load::globals(&["WebSocket", "MessageEvent", "CloseEvent"]),
        deps: &[
            "nexus:pending",
            "nexus:domexception",
            "nexus:url",
            "nexus:blob",
        ],
        ops: ops::websocket::CLIENT,
    },
    Part {
        name: "nexus:fetch",
        body: Body::Js(include_str!("js/fetch.js")),
        load: Load::globals(&["fetch"]),
        deps: &[
            "nexus:pending",
            "nexus:url",
            "nexus:base64",
            "nexus:request",
            "nexus:response",
        ],
        ops: ops::fetch::OPS,
    },
    Part {
        name: "nexus:serve",
        body: Body::Js(include_str!("js/serve.js")),
        load: Load::members(&["serve"]),
        deps: &["nexus:http", "nexus:request", "nexus:response"],
        ops: &[],
    },
    Part {
        name: "nexus:web-common",
        body: Body::Js(include_str!("js/web_common.js")),
        load: Load::OnDemand,
        deps: &[],
        ops: &[],
    },
    Part {
        name: "nexus:web-strategies",
        body: Body::Js(include_str!("js/web_strategies.js")),
        load: Load::globals(&["ByteLengthQueuingStrategy", "CountQueuingStrategy"]),
        deps: &["nexus:web-common"],
        ops: &[],
    },
    Part {
        name: "nexus:web-readable",
        body: Body::Js(include_str!("js/web_readable.js")),
        load: Load::globals(&[
            "ReadableStream",
            "ReadableStreamDefaultController",
            "ReadableStreamDefaultReader",
        ]),
        deps: &["nexus:promises", "nexus:web-common", "nexus:web-pipe"],
        ops: &[],
    },
    Part {
        name: "nexus:web-writable",
        body: Body::Js(include_str!("js/web_writable.js")),
        load: Load::globals(&[
            "WritableStream",
            "WritableStreamDefaultController",
            "WritableStreamDefaultWriter",
        ]),
        deps: &["nexus:promises", "nexus:web-common", "nexus:abort"],
        ops: &[],
    },
    Part {
        name: "nexus:web-pipe",
        body: Body::Js(include_str!("js/web_pipe.js")),
        load: Load::OnDemand,
        deps: &[
            "nexus:promises",
            "nexus:abort",
            "nexus:web-readable",
            "nexus:web-writable",
            "nexus:web-common",
        ],
        ops: &[],
    },
    Part {
        name: "nexus:web-transform",
        body: Body::Js(include_str!("js/web_transform.js")),
        load: Load::globals(&["TransformStream", "TransformStreamDefaultController"]),
        deps: &[
            "nexus:promises",
            "nexus:web-common",
            "nexus:web-readable",
            "nexus:web-writable",
        ],
        ops: &[],
    },
    Part {
        name: "nexus:web-bytes",
        body: Body::Js(include_str!("js/web_bytes.js")),
        load: Load::OnDemand,
        deps: &[
            "nexus:promises",
            "nexus:web-readable",
            "nexus:io",
            "nexus:web-common",
        ],
        ops: &[],
    },
    Part {
        name: "nexus:headers",
        body: Body::Js(include_str!("js/headers.js")),
        load: Load::globals(&["Headers"]),
        deps: &[],
        ops: &[],
    },
    Part {
        name: "nexus:blob",
        body: Body::Js(include_str!("js/blob.js")),
        load: Load::globals(&["Blob", "File"]),
        deps: &["nexus:encoding"],
        ops: &[],
    },
    Part {
        name: "nexus:formdata",
        body: Body::Js(include_str!("js/formdata.js")),
        load: Load::globals(&["FormData"]),
        deps: &["nexus:blob", "nexus:encoding", "nexus:headers", "nexus:url"],
        ops: &[],
    },
    // The body mixin of Request and Response. The web streams load on the first body that needs
    // one, through the dispatch.web* hooks (lazy.js).
    Part {
        name: "nexus:body",
        body: Body::Js(include_str!("js/body.js")),
        load: Load::OnDemand,
        deps: &[
            "nexus:blob",
            "nexus:formdata",
            "nexus:url",
            "nexus:io",
            "nexus:encoding",
        ],
        ops: &[],
    },
    Part {
        name: "nexus:request",
        body: Body::Js(include_str!("js/request.js")),
        load: Load::globals(&["Request"]),
        deps: &["nexus:headers", "nexus:body", "nexus:abort"],
        ops: &[],
    },
    Part {
        name: "nexus:response",
        body: Body::Js(include_str!("js/response.js")),
        load: Load::globals(&["Response"]),
        deps: &["nexus:headers", "nexus:body"],
        ops: &[],
    },
    Part {
        name: "nexus:process",
        body: Body::Js(include_str!("js/process.js")),
        load: Load::nexus(&[
            "env",
            "exit",
            "pid",
            "ppid",
            "cwd",
            "platform",
            "arch",
            "versions",
            "uptime",
            "memoryUsage",
            "Signals",
        ]),
        deps: &["nexus:emitter"],
        ops: ops::process::OPS,
    },
];

pub fn named(name: &str) -> Option<&'static Part> {
    PARTS.iter().find(|p| p.name == name)
}

/// The part whose first read of `name` loads it.
pub fn defining(name: &str) -> Option<&'static Part> {
    PARTS.iter().find(|p| p.defines(name))
}

/// Every op: the core ones, then each part's.
pub fn ops() -> impl Iterator<Item = &'static Op> {
    let core = ops::CORE.iter().copied();
    core.chain(PARTS.iter().map(|p| p.ops)).flatten()
}

pub fn op(name: &str) -> Option<&'static Op> {
    ops().find(|op| op.name == name)
}

/// Each JS part with its source.
#[cfg(test)]
pub fn sources() -> impl Iterator<Item = (&'static Part, &'static str)> {
    PARTS.iter().filter_map(|part| Some((part, part.source()?)))
}

#[cfg(test)]
mod tests;
