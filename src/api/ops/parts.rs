//! Evaluating a lazily loaded part of the globals (see api/js/lazy.js).

use super::Op;
use super::args::arg;
use javascriptcore_sys::{JsResult, Scope, Value};

/// Core ops (see `super::CORE`).
pub const CORE: &[Op] = &[
    Op::sync("loadPart", load_part),
    Op::sync("defineLazyMembers", define_lazy_members),
];

/// `defineLazyMembers(object, part)`: the names `part` defines on `object` load it on first read.
fn define_lazy_members<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let part = arg(scope, args, 1).to_string()?;
    crate::api::define_lazy_members(scope, arg(scope, args, 0).to_object()?, &part)?;
    Ok(scope.undefined())
}

/// `loadPart(name)` → the part's function of `(ops, details, Nexus, dispatch)`.
fn load_part<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let name = arg(scope, args, 0).to_string()?;
    Ok(crate::api::load_part(scope, &name)?.value())
}
