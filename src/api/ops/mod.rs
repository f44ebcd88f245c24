//! Native operations the JS half of the globals calls: the one place Rust functions are exposed
//! to JS. Each file here holds the ops of one concept as `name → fn(scope, args)`; `table` puts
//! them all on the `ops` object the JS parts receive.

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

use crate::realm::{self, Realm};
pub use core::write_fd;
use javascriptcore_sys::{ErrorKind, JsResult, Object, Scope, Value};
use std::sync::Arc;

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

pub fn arg<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> Value<'a> {
    args.get(i).copied().unwrap_or_else(|| scope.undefined())
}

pub fn realm<'a>(scope: &'a Scope<'a>) -> JsResult<'a, Arc<Realm>> {
    realm::current()
        .ok_or_else(|| scope.error(ErrorKind::Error, "no realm is running on this thread"))
}

pub fn id<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, u64> {
    Ok(arg(scope, args, 0).to_number()? as u64)
}
