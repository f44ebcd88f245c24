//! Raw declarations: the subset of JSC's public C API Nexus uses, and the shim's `nx_*` surface
//! (shim/nexus_shim.h). Nothing outside this crate sees these.

#![allow(non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_int, c_uint, c_void};

#[repr(C)]
pub struct OpaqueJSContext([u8; 0]);
#[repr(C)]
pub struct OpaqueJSString([u8; 0]);
#[repr(C)]
pub struct OpaqueJSValue([u8; 0]);

pub type JSContextRef = *const OpaqueJSContext;
pub type JSGlobalContextRef = *mut OpaqueJSContext;
pub type JSStringRef = *mut OpaqueJSString;
pub type JSValueRef = *const OpaqueJSValue;
pub type JSObjectRef = *mut OpaqueJSValue;
pub type JSChar = u16;

pub const JS_TYPE_UNDEFINED: c_uint = 0;
pub const JS_TYPE_NULL: c_uint = 1;
pub const JS_TYPE_BOOLEAN: c_uint = 2;
pub const JS_TYPE_NUMBER: c_uint = 3;
pub const JS_TYPE_STRING: c_uint = 4;
pub const JS_TYPE_SYMBOL: c_uint = 6;
pub const JS_TYPE_BIGINT: c_uint = 7;

pub const JS_PROPERTY_NONE: c_uint = 0;
pub const JS_PROPERTY_READ_ONLY: c_uint = 1 << 1;
pub const JS_PROPERTY_DONT_ENUM: c_uint = 1 << 2;

pub const JS_TYPED_ARRAY_UINT8: c_uint = 3;

pub type JSTypedArrayBytesDeallocator = unsafe extern "C" fn(*mut c_void, *mut c_void);
/// Receives a string's characters: 8-bit Latin-1 (`utf16` null) or UTF-16 (`latin1` null).
pub type NxStringSink = unsafe extern "C" fn(*mut c_void, *const u8, *const u16, usize);

pub type NxCallback = unsafe extern "C" fn(
    JSContextRef,
    *mut c_void,
    JSValueRef,
    usize,
    *const JSValueRef,
    *mut JSValueRef,
) -> JSValueRef;
pub type NxFinalize = unsafe extern "C" fn(*mut c_void);

#[repr(C)]
pub struct NxHooks {
    pub resolve: unsafe extern "C" fn(
        JSContextRef,
        JSStringRef,
        JSStringRef,
        *mut JSValueRef,
    ) -> JSStringRef,
    pub fetch: unsafe extern "C" fn(
        JSContextRef,
        JSStringRef,
        c_int,
        *mut JSStringRef,
        *mut JSValueRef,
    ) -> JSStringRef,
    pub import_meta: unsafe extern "C" fn(JSContextRef, JSStringRef, JSObjectRef),
    pub rejection: unsafe extern "C" fn(JSContextRef, JSObjectRef, c_int),
    pub uncaught: unsafe extern "C" fn(JSContextRef, JSValueRef),
    pub lazy_property:
        unsafe extern "C" fn(JSContextRef, JSObjectRef, JSStringRef, *mut JSValueRef) -> JSValueRef,
}

pub const NX_FETCH_JSON: c_int = 1;

unsafe extern "C" {
    pub fn nx_install_hooks(hooks: *const NxHooks);
    pub fn nx_function_create(
        ctx: JSContextRef,
        name: JSStringRef,
        length: c_uint,
        callback: NxCallback,
        data: *mut c_void,
        finalize: NxFinalize,
    ) -> JSObjectRef;
    pub fn nx_context_create() -> JSGlobalContextRef;
    pub fn nx_module_load(ctx: JSContextRef, key: JSStringRef) -> JSObjectRef;
    pub fn nx_define_lazy(
        ctx: JSContextRef,
        object: JSObjectRef,
        name: JSStringRef,
        enumerable: c_int,
    );
    pub fn nx_queue_microtask_function(ctx: JSContextRef) -> JSObjectRef;
    pub fn nx_jobs_waiting(ctx: JSContextRef) -> *mut u8;
    pub fn nx_jobs_queued(ctx: JSContextRef) -> u64;
    pub fn nx_microtasks_drain(ctx: JSContextRef);
    pub fn nx_promise_functions(
        ctx: JSContextRef,
        create: *mut JSValueRef,
        resolve: *mut JSValueRef,
        reject: *mut JSValueRef,
    );
    pub fn nx_promise_state(ctx: JSContextRef, value: JSValueRef) -> c_int;
    pub fn nx_promise_result(ctx: JSContextRef, promise: JSObjectRef) -> JSValueRef;
    pub fn nx_deferred_work_run(ctx: JSContextRef) -> c_int;
    pub fn nx_module_syntax_error(
        ctx: JSContextRef,
        source: JSStringRef,
        line: *mut c_int,
        column: *mut c_int,
    ) -> c_int;
    pub fn nx_entry_scope_begin(ctx: JSContextRef) -> *mut c_void;
    pub fn nx_entry_scope_end(scope: *mut c_void);
    pub fn nx_heap_size(ctx: JSContextRef) -> usize;
    pub fn nx_heap_used(ctx: JSContextRef) -> usize;
    pub fn nx_collect_garbage(ctx: JSContextRef);
    // The value calls of the C API without its lock (shim/values.cpp).
    pub fn nx_value_type(ctx: JSContextRef, v: JSValueRef) -> c_uint;
    pub fn nx_make_undefined(ctx: JSContextRef) -> JSValueRef;
    pub fn nx_make_null(ctx: JSContextRef) -> JSValueRef;
    pub fn nx_make_boolean(ctx: JSContextRef, b: bool) -> JSValueRef;
    pub fn nx_make_number(ctx: JSContextRef, n: f64) -> JSValueRef;
    pub fn nx_value_to_boolean(ctx: JSContextRef, v: JSValueRef) -> bool;
    pub fn nx_value_to_number(ctx: JSContextRef, v: JSValueRef, exception: *mut JSValueRef) -> f64;
    pub fn nx_string_from_ascii(characters: *const c_char, length: usize) -> JSStringRef;
    pub fn nx_make_string_ascii(
        ctx: JSContextRef,
        characters: *const c_char,
        length: usize,
    ) -> JSValueRef;
    pub fn nx_value_to_string(
        ctx: JSContextRef,
        v: JSValueRef,
        sink: NxStringSink,
        data: *mut c_void,
        exception: *mut JSValueRef,
    );
    pub fn nx_array_with_capacity(
        ctx: JSContextRef,
        capacity: c_uint,
        exception: *mut JSValueRef,
    ) -> JSObjectRef;
    pub fn nx_array_put_index(
        ctx: JSContextRef,
        array: JSObjectRef,
        index: c_uint,
        v: JSValueRef,
        exception: *mut JSValueRef,
    );
    pub fn nx_array_buffer_copy(
        ctx: JSContextRef,
        bytes: *const u8,
        length: usize,
        exception: *mut JSValueRef,
    ) -> JSObjectRef;
    pub fn nx_bytes_view(
        ctx: JSContextRef,
        v: JSValueRef,
        data: *mut *const u8,
        length: *mut usize,
    ) -> bool;
    pub fn nx_engine_loop_main() -> *mut c_void;
    pub fn nx_engine_loop_release(run_loop: *mut c_void);
    pub fn nx_engine_loop_run();
    pub fn nx_engine_loop_stop(run_loop: *mut c_void);
    pub fn JSLock(ctx: JSContextRef);
    pub fn JSUnlock(ctx: JSContextRef);

    pub fn JSGlobalContextRelease(ctx: JSGlobalContextRef);
    pub fn JSContextGetGlobalObject(ctx: JSContextRef) -> JSObjectRef;
    pub fn JSContextGetGlobalContext(ctx: JSContextRef) -> JSGlobalContextRef;
    pub fn JSEvaluateScript(
        ctx: JSContextRef,
        script: JSStringRef,
        this: JSObjectRef,
        source_url: JSStringRef,
        line: c_int,
        exception: *mut JSValueRef,
    ) -> JSValueRef;
    pub fn JSReportExtraMemoryCost(ctx: JSContextRef, size: usize);

    pub fn JSStringCreateWithUTF8CString(text: *const c_char) -> JSStringRef;
    pub fn JSStringCreateWithCharacters(chars: *const JSChar, len: usize) -> JSStringRef;
    pub fn JSStringRelease(s: JSStringRef);
    pub fn JSStringGetLength(s: JSStringRef) -> usize;
    pub fn JSStringGetCharactersPtr(s: JSStringRef) -> *const JSChar;

    pub fn JSValueMakeString(ctx: JSContextRef, s: JSStringRef) -> JSValueRef;
    pub fn JSValueToObject(
        ctx: JSContextRef,
        v: JSValueRef,
        exception: *mut JSValueRef,
    ) -> JSObjectRef;
    pub fn JSValueProtect(ctx: JSContextRef, v: JSValueRef);
    pub fn JSValueUnprotect(ctx: JSContextRef, v: JSValueRef);

    pub fn JSObjectMake(ctx: JSContextRef, class: *mut c_void, data: *mut c_void) -> JSObjectRef;
    pub fn JSObjectMakeArray(
        ctx: JSContextRef,
        n: usize,
        values: *const JSValueRef,
        exception: *mut JSValueRef,
    ) -> JSObjectRef;
    pub fn JSObjectGetProperty(
        ctx: JSContextRef,
        o: JSObjectRef,
        name: JSStringRef,
        exception: *mut JSValueRef,
    ) -> JSValueRef;
    pub fn JSObjectSetProperty(
        ctx: JSContextRef,
        o: JSObjectRef,
        name: JSStringRef,
        v: JSValueRef,
        attributes: c_uint,
        exception: *mut JSValueRef,
    );
    pub fn JSObjectGetPropertyAtIndex(
        ctx: JSContextRef,
        o: JSObjectRef,
        i: c_uint,
        exception: *mut JSValueRef,
    ) -> JSValueRef;
    pub fn JSObjectMakeTypedArrayWithBytesNoCopy(
        ctx: JSContextRef,
        kind: c_uint,
        bytes: *mut c_void,
        len: usize,
        dealloc: JSTypedArrayBytesDeallocator,
        context: *mut c_void,
        exception: *mut JSValueRef,
    ) -> JSObjectRef;
    pub fn JSObjectMakeArrayBufferWithBytesNoCopy(
        ctx: JSContextRef,
        bytes: *mut c_void,
        len: usize,
        dealloc: JSTypedArrayBytesDeallocator,
        context: *mut c_void,
        exception: *mut JSValueRef,
    ) -> JSObjectRef;
    pub fn JSObjectCallAsFunction(
        ctx: JSContextRef,
        f: JSObjectRef,
        this: JSObjectRef,
        argc: usize,
        argv: *const JSValueRef,
        exception: *mut JSValueRef,
    ) -> JSValueRef;
    pub fn JSObjectCallAsConstructor(
        ctx: JSContextRef,
        f: JSObjectRef,
        argc: usize,
        argv: *const JSValueRef,
        exception: *mut JSValueRef,
    ) -> JSObjectRef;
}
