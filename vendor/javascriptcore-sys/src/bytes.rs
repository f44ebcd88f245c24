//! Binary data between Rust and JS: ArrayBuffers and Uint8Arrays made from Rust bytes without a
//! copy, and the bytes of any ArrayBuffer or view of one copied out (into a new Vec or the end of
//! the caller's).
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

/// The most bytes [`Scope::array_buffer`] copies into a new buffer.
const COPY_AT_MOST: usize = 4096;

/// Frees bytes handed to JSC by `make_bytes`; `context` is the boxed slice's length. Runs on
/// whichever thread drops the buffer's last reference (a collector thread among them), which is
/// fine: it only frees through the global allocator.
unsafe extern "C" fn free_bytes(bytes: *mut c_void, context: *mut c_void) {
    // SAFETY: `bytes` and the length in `context` came from Box::into_raw of a `Box<[u8]>` in
    // `make_bytes`, and JSC calls the deallocator once, with the pointer it was given.
    drop(unsafe {
        Box::from_raw(ptr::slice_from_raw_parts_mut(
            bytes as *mut u8,
            context as usize,
        ))
    });
}

/// Lets go of the flag `flag_view` lent to JSC; `context` is its `Arc::into_raw`. Runs on any
/// thread, like `free_bytes`; the Arc's count is atomic.
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
        // SAFETY: the scope invariant; `data` is one byte inside the Arc's allocation, which the
        // reference in `context` keeps alive until JSC calls `release_flag`, after the last use
        // of the array. JS's plain loads and stores of the byte race with no other thread as
        // long as only the lock holder stores to it (the contract in this function's docs).
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
        // SAFETY: the scope invariant.
        let data = unsafe { nx_jobs_waiting(self.ctx) } as *mut c_void;
        let mut exception = ptr::null();
        // SAFETY: the scope invariant. The byte lives in the VM's client data, which ~VM deletes
        // only after its heap, and so every array over the byte, is gone: `keep_bytes` need not
        // free anything. The engine and JS touch the byte only under the lock.
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

    /// An ArrayBuffer of `bytes`: a copy when they are few (cheaper than handing JSC a buffer it
    /// must call back to free), else JS owns them from here (no copy).
    pub fn array_buffer(&self, bytes: Vec<u8>) -> JsResult<'_, Object<'_>> {
        if bytes.len() > COPY_AT_MOST {
            return self.make_bytes(bytes, None);
        }
        let mut exception = ptr::null();
        // SAFETY: the scope invariant; the shim copies `bytes` during the call; `exception` is
        // a local out-parameter.
        let object =
            unsafe { nx_array_buffer_copy(self.ctx, bytes.as_ptr(), bytes.len(), &mut exception) };
        self.check(self.wrap_object(object), exception)
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
        // SAFETY: the scope invariant. `data` and `len` describe a leaked `Box<[u8]>`, which JSC
        // owns from here (even when the call throws, its buffer frees the bytes) and frees once
        // through `free_bytes`, given `len` as its context.
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
            // SAFETY: the scope invariant.
            unsafe { JSReportExtraMemoryCost(self.ctx, len) };
        }
        self.check(self.wrap_object(object), exception)
    }
}

impl<'s> Value<'s> {
    /// A copy of the bytes of an ArrayBuffer or a view of one (a typed array or a DataView: the
    /// view's range); None otherwise.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        // SAFETY: the slice is copied before anything else runs.
        unsafe { self.bytes() }.map(<[u8]>::to_vec)
    }

    /// How many bytes [`Value::append_bytes`] appends; None for anything but an ArrayBuffer or a
    /// view of one.
    pub fn byte_length(&self) -> Option<usize> {
        // SAFETY: only the slice's length is read.
        unsafe { self.bytes() }.map(<[u8]>::len)
    }

    /// Appends the bytes of an ArrayBuffer or a view of one (the view's range) to `out`: one copy,
    /// from where JS keeps them. Their count, or None (nothing appended) for anything else.
    pub fn append_bytes(&self, out: &mut Vec<u8>) -> Option<usize> {
        // SAFETY: the slice is copied before anything else runs.
        let bytes = unsafe { self.bytes() }?;
        out.extend_from_slice(bytes);
        Some(bytes.len())
    }

    /// The bytes of an ArrayBuffer or a view of one, where JS keeps them.
    ///
    /// # Safety
    /// No JS may run while the slice lives: JS can detach or resize the buffer.
    unsafe fn bytes(&self) -> Option<&[u8]> {
        let (mut data, mut len) = (ptr::null(), 0);
        // SAFETY: the scope invariant; `data` and `len` are local out-parameters. The caller
        // runs no JS while the slice lives, so the buffer cannot be detached or resized
        // meanwhile, and no other thread writes it (a buffer belongs to one realm: between
        // realms bytes are copied). The shim gives a range inside the buffer's allocation, or
        // null or 0 when there is nothing to read.
        unsafe {
            if !nx_bytes_view(self.scope.ctx, self.raw, &mut data, &mut len) {
                return None;
            }
            if data.is_null() || len == 0 {
                return Some(&[]);
            }
            Some(std::slice::from_raw_parts(data, len))
        }
    }
}
