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
    // SAFETY: the scope invariant; `name` is live through the call, which copies it. The function
    // owns `data` from here: the shim calls `finalize` with it once, when the function is
    // destroyed, and passes it to `call` only while the function is alive.
    scope.wrap_object(unsafe { nx_function_create(scope.ctx, name.0, 0, call, data, finalize) })
}

/// The body of every native function: the shim calls it on the thread holding the realm's lock,
/// inside the JS call of a function `make` made, with that function's `data`.
unsafe extern "C" fn call(
    ctx: JSContextRef,
    data: *mut c_void,
    this: JSValueRef,
    argc: usize,
    argv: *const JSValueRef,
    exception: *mut JSValueRef,
) -> JSValueRef {
    // SAFETY: the lock is held for the whole call, and `ctx` is the realm running it.
    let scope = unsafe { Scope::borrowed(ctx) };
    // SAFETY: `data` is the `Box<NativeFn>` `make` leaked; the function owning it is the callee
    // of this very call, on the JS stack, so it is not finalized before we return.
    let f = unsafe { &*(data as *const NativeFn) };
    let args: Vec<Value> = if argc == 0 {
        Vec::new()
    } else {
        // SAFETY: `argv` holds `argc` values, the shim's copy of the call's arguments, alive for
        // the call; the call frame roots them while `args` keeps them on Rust's heap.
        unsafe { std::slice::from_raw_parts(argv, argc) }
            .iter()
            .map(|raw| scope.wrap(*raw))
            .collect()
    };
    match f(&scope, scope.wrap(this), &args) {
        Ok(value) => value.raw,
        Err(thrown) => {
            // SAFETY: `exception` is the shim's out-parameter for this call.
            unsafe { *exception = thrown.raw };
            ptr::null()
        }
    }
}

/// Drops a native function's closure. The shim calls it from its data's destructor, when the
/// collector destroys the function (or the VM goes): with the lock held, on any thread, which a
/// `NativeFn` (Send) allows.
unsafe extern "C" fn finalize(data: *mut c_void) {
    // SAFETY: `data` came from Box::into_raw in `make`; the shim finalizes it once, after the
    // function's last call.
    protected::finalizing(|| drop(unsafe { Box::from_raw(data as *mut NativeFn) }));
}
