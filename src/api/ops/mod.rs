//! Native operations the JS half of the globals calls: the one place Rust functions are exposed
//! to JS. Each file here holds the ops of one concept as `name → fn(scope, args)`; `table` puts
//! them all on the `ops` object the JS parts receive.

pub mod args;
mod core;
mod crypto;
mod fs;
mod host;
mod http;
mod io;
mod net;
mod offload;
mod parts;
mod tasks;
mod text;
mod url;

pub use core::write_fd;
use javascriptcore_sys::{JsResult, Object, Scope, Value};

pub type Op = for<'a> fn(&'a Scope<'a>, &[Value<'a>]) -> JsResult<'a, Value<'a>>;

const GROUPS: &[&[(&str, Op)]] = &[
    core::OPS,
    tasks::OPS,
    io::OPS,
    net::OPS,
    http::OPS,
    offload::OPS,
    fs::OPS,
    host::OPS,
    text::OPS,
    crypto::OPS,
    url::OPS,
    parts::OPS,
];

/// The `ops` object: every op a lazy property, made a function on first use (most programs call
/// a few of them).
pub fn table<'s>(scope: &'s Scope<'s>) -> Object<'s> {
    let table = scope.object();
    names().for_each(|name| table.define_lazy(name, false));
    table
}

pub fn names() -> impl Iterator<Item = &'static str> {
    GROUPS.iter().copied().flatten().map(|&(name, _)| name)
}

/// The function of op `name`, if there is one.
pub fn function<'s>(scope: &'s Scope<'s>, name: &str) -> Option<Object<'s>> {
    let &(name, op) = GROUPS.iter().copied().flatten().find(|(n, _)| *n == name)?;
    Some(scope.function(name, move |scope, _this, args| op(scope, args)))
}
