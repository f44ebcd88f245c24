//! Binary data between Rust and JS: ArrayBuffers and Uint8Arrays made from Rust bytes without a
//! copy, and the bytes of any ArrayBuffer or typed array copied out.
//!
//! Reading copies on purpose: JS can detach or resize a buffer whenever it runs, so no Rust slice
//! into JS memory is handed out.

use crate::context::Scope;
use crate::ffi::*;
use crate::value::{JsResult, Object, Value};
use std::ffi::c_void;
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::AtomicU8;

/// Frees bytes handed to JSC by `into_js`; `context` is the boxed slice's length.
unsafe extern "C" fn free_bytes(bytes: *mut c_void, context: *mut c_void) {
    // SAFETY: `bytes` and the length in `context` came from Box::into_raw of a boxed slice.
    drop(unsafe {
        Box::from_raw(ptr::slice_from_raw_parts_mut(
            bytes as *mut u8,
            context as usize,
        ))
    });
}

/// Lets go of the flag `flag_view` lent to JSC; `context` is its `Arc::into_raw`.
unsafe extern "C" fn release_flag(_bytes: *mut c_void, context: *mut c_void) {
    // SAFETY: `context` came from Arc::into_raw in `flag_view`, and JSC calls this once.
    drop(unsafe { Arc::from_raw(context as *const AtomicU8) });
}

/// Bytes JSC does not own: nothing to free.
unsafe extern "C" fn keep_bytes(_bytes: *mut c_void, _context: *mut c_void) {}

impl<'c> Scope<'c> {
    /// A one-byte Uint8Array over `flag`: native code sets it, JS reads it without a call. The
    /// array keeps the flag alive. Only the thread holding the VM's lock may store to it while JS
    /// can read (JS reads it with plain loads).
    pub fn flag_view(&self, flag: Arc<AtomicU8>) -> JsResult<'_, Object<'_>> {
        let data = flag.as_ptr() as *mut c_void;
        let context = Arc::into_raw(flag) as *mut c_void;
        let mut exception = ptr::null();
        // SAFETY: `data` points into the Arc's allocation, which `context` keeps alive until JSC
        // calls `release_flag`.
        let object = unsafe {
            JSObjectMakeTypedArrayWithBytesNoCopy(
                self.ctx,
                JS_TYPED_ARRAY_UINT8,
                data,
                1,
                release_flag,
                context,
                &mut exception,
            )
        };
        self.check(self.wrap_object(object), exception)
    }

    /// A one-byte Uint8Array over the realm's "jobs waiting" byte, which the engine sets when a
    /// job is queued and [`Scope::drain_microtasks`] clears: JS skips the drain call when it is 0.
    pub fn jobs_waiting_view(&self) -> JsResult<'_, Object<'_>> {
        // SAFETY: the byte lives in the VM's client data, which outlives every object of the VM;
        // only the lock holder writes it.
        let data = unsafe { nx_jobs_waiting(self.ctx) } as *mut c_void;
        let mut exception = ptr::null();
        let object = unsafe {
            JSObjectMakeTypedArrayWithBytesNoCopy(
                self.ctx,
                JS_TYPED_ARRAY_UINT8,
                data,
                1,
                keep_bytes,
                ptr::null_mut(),
                &mut exception,
            )
        };
        self.check(self.wrap_object(object), exception)
    }

    /// An ArrayBuffer over `bytes`, which JS then owns (no copy).
    pub fn array_buffer(&self, bytes: Vec<u8>) -> JsResult<'_, Object<'_>> {
        self.make_bytes(bytes, None)
    }

    /// A Uint8Array over `bytes`, which JS then owns (no copy).
    pub fn uint8_array(&self, bytes: Vec<u8>) -> JsResult<'_, Object<'_>> {
        self.make_bytes(bytes, Some(JS_TYPED_ARRAY_UINT8))
    }

    fn make_bytes(&self, bytes: Vec<u8>, view: Option<u32>) -> JsResult<'_, Object<'_>> {
        let boxed = bytes.into_boxed_slice();
        let len = boxed.len();
        let data = Box::into_raw(boxed) as *mut u8 as *mut c_void;
        let mut exception = ptr::null();
        // SAFETY: JSC owns `data` from here and frees it once through `free_bytes`.
        let object = unsafe {
            match view {
                Some(kind) => JSObjectMakeTypedArrayWithBytesNoCopy(
                    self.ctx,
                    kind,
                    data,
                    len,
                    free_bytes,
                    len as *mut c_void,
                    &mut exception,
                ),
                None => JSObjectMakeArrayBufferWithBytesNoCopy(
                    self.ctx,
                    data,
                    len,
                    free_bytes,
                    len as *mut c_void,
                    &mut exception,
                ),
            }
        };
        if exception.is_null() {
            // The bytes live outside the GC heap; without this the collector would not count
            // them and could let gigabytes of dead buffers wait for a collection.
            // SAFETY: ctx is live and locked.
            unsafe { JSReportExtraMemoryCost(self.ctx, len) };
        }
        self.check(self.wrap_object(object), exception)
    }
}

impl<'s> Value<'s> {
    /// A copy of the bytes of an ArrayBuffer or a typed array (the view's range); None otherwise.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        let object = self.as_object()?;
        let ctx = self.scope.ctx;
        let mut exception = ptr::null();
        // SAFETY: the object is live in a locked scope; the copy is taken before any JS can run.
        unsafe {
            let (data, len) = match JSValueGetTypedArrayType(ctx, self.raw, &mut exception) {
                JS_TYPED_ARRAY_NONE => return None,
                JS_TYPED_ARRAY_ARRAY_BUFFER => (
                    JSObjectGetArrayBufferBytesPtr(ctx, object.raw, &mut exception),
                    JSObjectGetArrayBufferByteLength(ctx, object.raw, &mut exception),
                ),
                // The pointer is the start of the view's buffer, not of the view.
                _ => (
                    (JSObjectGetTypedArrayBytesPtr(ctx, object.raw, &mut exception) as *mut u8).add(
                        JSObjectGetTypedArrayByteOffset(ctx, object.raw, &mut exception),
                    ) as *mut c_void,
                    JSObjectGetTypedArrayByteLength(ctx, object.raw, &mut exception),
                ),
            };
            if !exception.is_null() {
                return None;
            }
            if data.is_null() || len == 0 {
                return Some(Vec::new());
            }
            Some(std::slice::from_raw_parts(data as *const u8, len).to_vec())
        }
    }
}
