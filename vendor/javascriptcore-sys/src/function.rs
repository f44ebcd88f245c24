//! Native functions: Rust closures callable from JS. This is the one way Rust code is exposed to JS.
//!
//! They are real JS functions made by the shim (`nx_function_create`), which keeps the realm's
//! lock while the closure runs; the C API's callback objects would hand the lock off and take it
//! back on every call.

use crate::context::Scope;
use crate::ffi::*;
use crate::protected;
use crate::string::JsString;
use crate::value::{JsResult, Object, Value};
use std::ffi::c_void;
use std::ptr;

/// The body of a native function: `(scope, this, args) -> result or thrown value`.
pub type NativeFn =
    Box<dyn for<'a> Fn(&'a Scope<'a>, Value<'a>, &[Value<'a>]) -> JsResult<'a, Value<'a>> + Send>;

pub(crate) fn make<'s>(scope: &'s Scope<'s>, name: &str, f: NativeFn) -> Object<'s> {
    let data = Box::into_raw(Box::new(f)) as *mut c_void;
    let name = JsString::new(name);
    // SAFETY: the function owns `data`; the shim calls `finalize` exactly once, when it is collected.
    scope.wrap_object(unsafe { nx_function_create(scope.ctx, name.0, 0, call, data, finalize) })
}

unsafe extern "C" fn call(
    ctx: JSContextRef,
    data: *mut c_void,
    this: JSValueRef,
    argc: usize,
    argv: *const JSValueRef,
    exception: *mut JSValueRef,
) -> JSValueRef {
    // SAFETY: the shim calls us with the lock held, live arguments and the data given to `make`.
    unsafe {
        let scope = Scope::borrowed(ctx);
        let f = &*(data as *const NativeFn);
        let args: Vec<Value> = if argc == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(argv, argc)
                .iter()
                .map(|raw| scope.wrap(*raw))
                .collect()
        };
        match f(&scope, scope.wrap(this), &args) {
            Ok(value) => value.raw,
            Err(thrown) => {
                *exception = thrown.raw;
                ptr::null()
            }
        }
    }
}

unsafe extern "C" fn finalize(data: *mut c_void) {
    // SAFETY: `data` came from Box::into_raw in `make`; the shim finalizes it once.
    protected::finalizing(|| drop(unsafe { Box::from_raw(data as *mut NativeFn) }));
}
