//! Native operations the JS half of the globals calls: the one way Rust functions reach JS. An op
//! is declared once, as an [`Op`]: its JS-facing name, how JS calls it ([`Kind`]) and its
//! function. Each file here holds the functions of one concept and the lists of ops it declares,
//! one list per part that calls them (see api/parts.rs), plus the [`CORE`] ops any part may call.
//! Every op starts as a lazy property of the `ops` object the parts receive, made a function on
//! first use (most programs call a few of them).

pub mod args;
pub mod core;
pub mod crypto;
pub mod fetch;
pub mod fs;
pub mod host;
pub mod http;
pub mod io;
pub mod net;
pub mod offload;
pub mod parts;
pub mod process;
pub mod tasks;
pub mod text;
pub mod tls;
pub mod udp;
pub mod url;
pub mod websocket;

pub use core::write_fd;
use javascriptcore_sys::{JsResult, Object, Scope, Value};

/// The Rust function behind an op: the JS call's arguments in, its result out.
pub type OpFn = for<'a> fn(&'a Scope<'a>, &[Value<'a>]) -> JsResult<'a, Value<'a>>;

/// How JS calls an op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `ops.name(...args)`: the call's result is the op's.
    Sync,
    /// `dispatch.native('name', ...args)` (or `nativeMap`, `nativeCatch`; see api/js/pending.js):
    /// called with a promise id first, it settles that promise later through a Completion.
    Async,
}

/// One op's declaration.
pub struct Op {
    pub name: &'static str,
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "api/parts/tests.rs checks the parts' JS against it"
        )
    )]
    pub kind: Kind,
    function: OpFn,
}

impl Op {
    pub const fn sync(name: &'static str, function: OpFn) -> Op {
        Op {
            name,
            kind: Kind::Sync,
            function,
        }
    }

    pub const fn asynchronous(name: &'static str, function: OpFn) -> Op {
        Op {
            name,
            kind: Kind::Async,
            function,
        }
    }

    /// The op as a JS function.
    pub fn function<'s>(&self, scope: &'s Scope<'s>) -> Object<'s> {
        let function = self.function;
        scope.function(self.name, move |scope, _this, args| function(scope, args))
    }
}

/// The runtime's own ops, which every part may call: output and failure reports, the host and its
/// clock, releasing a handle, loading parts.
pub const CORE: &[&[Op]] = &[core::CORE, host::CORE, io::CORE, parts::CORE];
