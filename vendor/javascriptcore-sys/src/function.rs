//! Native functions: Rust closures callable from JS. This is the one way Rust code is exposed to JS.

use crate::context::Scope;
use crate::ffi::*;
use crate::protected;
use crate::value::{JsResult, Object, Value};
use std::ffi::c_void;
use std::ptr;
use std::sync::OnceLock;

/// The body of a native function: `(scope, this, args) -> result or thrown value`.
pub type NativeFn =
    Box<dyn for<'a> Fn(&'a Scope<'a>, Value<'a>, &[Value<'a>]) -> JsResult<'a, Value<'a>> + Send>;

struct ClassRef(JSClassRef);
// SAFETY: a JSClassRef is immutable after creation and reference-counted atomically.
unsafe impl Send for ClassRef {}
unsafe impl Sync for ClassRef {}

static CLASS: OnceLock<ClassRef> = OnceLock::new();

fn class() -> JSClassRef {
    CLASS
        .get_or_init(|| {
            let definition = JSClassDefinition {
                version: 0,
                attributes: 0,
                className: c"NativeFunction".as_ptr(),
                parentClass: ptr::null_mut(),
                staticValues: ptr::null(),
                staticFunctions: ptr::null(),
                initialize: ptr::null(),
                finalize: Some(finalize),
                hasProperty: ptr::null(),
                getProperty: ptr::null(),
                setProperty: ptr::null(),
                deleteProperty: ptr::null(),
                getPropertyNames: ptr::null(),
                callAsFunction: Some(call),
                callAsConstructor: ptr::null(),
                hasInstance: ptr::null(),
                convertToType: ptr::null(),
            };
            // SAFETY: the definition is complete and JSC copies what it needs.
            ClassRef(unsafe { JSClassCreate(&definition) })
        })
        .0
}

pub(crate) fn make<'s>(scope: &'s Scope<'s>, name: &str, f: NativeFn) -> Object<'s> {
    let data = Box::into_raw(Box::new(f)) as *mut c_void;
    // SAFETY: the object owns `data`; `finalize` frees it exactly once.
    let object = scope.wrap_object(unsafe { JSObjectMake(scope.ctx, class(), data) });
    // Plain functions inherit call/apply/bind; and stacks and inspect show the name.
    if let Ok(prototype) = scope
        .global()
        .get("Function")
        .and_then(|f| f.to_object())
        .and_then(|f| f.get("prototype"))
    {
        object.set_prototype(prototype);
    }
    let _ = object.set_hidden("name", scope.string(name));
    object
}

unsafe extern "C" fn call(
    ctx: JSContextRef,
    function: JSObjectRef,
    this: JSObjectRef,
    argc: usize,
    argv: *const JSValueRef,
    exception: *mut JSValueRef,
) -> JSValueRef {
    // SAFETY: JSC calls us with its lock held, live arguments and the object we made in `make`.
    unsafe {
        let scope = Scope::borrowed(ctx);
        let f = &*(JSObjectGetPrivate(function) as *const NativeFn);
        let args: Vec<Value> = if argc == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(argv, argc)
                .iter()
                .map(|raw| scope.wrap(*raw))
                .collect()
        };
        let this = if this.is_null() {
            scope.undefined()
        } else {
            scope.wrap(this)
        };
        match f(&scope, this, &args) {
            Ok(value) => value.raw,
            Err(thrown) => {
                *exception = thrown.raw;
                ptr::null()
            }
        }
    }
}

unsafe extern "C" fn finalize(object: JSObjectRef) {
    // SAFETY: `data` came from Box::into_raw in `make` and the GC finalizes each object once.
    let data = unsafe { JSObjectGetPrivate(object) } as *mut NativeFn;
    if !data.is_null() {
        protected::finalizing(|| drop(unsafe { Box::from_raw(data) }));
    }
}
