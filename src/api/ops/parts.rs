//! Evaluating a lazily loaded part of the globals (see api/js/lazy.js).

use super::{Op, arg};
use javascriptcore_sys::{JsResult, Scope, Value};

pub const OPS: &[(&str, Op)] = &[("loadPart", load_part)];

/// `loadPart(name)` → the part's function of `(ops, details, Nexus, dispatch)`.
fn load_part<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let name = arg(scope, args, 0).to_string()?;
    Ok(crate::api::load_part(scope, &name)?.value())
}
