//! A realm's engine ([`Context`]: one VM and its global object) and the lock held while using it
//! ([`Scope`]).

use crate::ffi::*;
use crate::function;
use crate::protected;
use crate::string::JsString;
use crate::value::{ErrorKind, JsResult, Object, Value};
use std::marker::PhantomData;
use std::ptr;

/// One JSC VM with a Nexus global object. JS inside it runs on one thread at a time: whoever holds
/// a [`Scope`]. Separate contexts run in parallel.
pub struct Context {
    raw: JSGlobalContextRef,
}

// SAFETY: the VM is a context-group VM with its own atom-string table; JSC's lock serializes every
// use, so the handle may move and be shared between threads.
unsafe impl Send for Context {}
unsafe impl Sync for Context {}

impl Context {
    /// A new realm engine. [`crate::install_host`] must have been called first.
    pub fn new() -> Context {
        assert!(
            crate::hooks::installed(),
            "install_host must be called before Context::new"
        );
        // SAFETY: hooks are installed; the shim returns a retained global context.
        Context {
            raw: unsafe { nx_context_create() },
        }
    }

    /// Takes the realm's lock (recursively) and enters the VM until the scope is dropped. Promise
    /// jobs still queued then wait for the next [`Scope::drain_microtasks`].
    pub fn enter(&self) -> Scope<'_> {
        // SAFETY: `raw` is live for `self`'s lifetime; the entry scope is ended before unlocking.
        let entry = unsafe {
            JSLock(self.raw);
            nx_entry_scope_begin(self.raw)
        };
        let scope = Scope {
            ctx: self.raw,
            entry,
            _not_send: PhantomData,
        };
        protected::release_deferred(&scope);
        scope
    }

    /// How many promise jobs the realm has queued so far; needs no lock.
    pub fn jobs_queued(&self) -> u64 {
        // SAFETY: `raw` is live; the shim reads the count without the lock.
        unsafe { nx_jobs_queued(self.raw) }
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new()
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: we own the reference nx_context_create returned.
        unsafe { JSGlobalContextRelease(self.raw) }
    }
}

/// The realm's lock, held. Everything that creates or reads JS values goes through a scope.
pub struct Scope<'c> {
    pub(crate) ctx: JSContextRef,
    /// The VM entry this scope owns, with the lock; null for a scope borrowed in a callback.
    entry: *mut std::ffi::c_void,
    _not_send: PhantomData<(*const (), &'c Context)>,
}

impl<'c> Scope<'c> {
    /// A scope for a callback the engine makes while already holding the lock.
    ///
    /// # Safety
    /// The caller runs inside an engine callback for `ctx`, on the thread holding its lock.
    pub(crate) unsafe fn borrowed(ctx: JSContextRef) -> Scope<'c> {
        Scope {
            ctx,
            entry: std::ptr::null_mut(),
            _not_send: PhantomData,
        }
    }

    /// A number that identifies the [`Context`] this scope belongs to, while it lives.
    pub fn context_id(&self) -> usize {
        // SAFETY: ctx is live while the scope exists.
        unsafe { JSContextGetGlobalContext(self.ctx) as usize }
    }

    pub(crate) fn wrap<'s>(&'s self, raw: JSValueRef) -> Value<'s> {
        Value { raw, scope: self }
    }

    pub(crate) fn wrap_object<'s>(&'s self, raw: JSObjectRef) -> Object<'s> {
        Object { raw, scope: self }
    }

    /// Turns an out-parameter exception into a `Result`.
    pub(crate) fn check<'s, T>(&'s self, result: T, exception: JSValueRef) -> Result<T, Value<'s>> {
        if exception.is_null() {
            Ok(result)
        } else {
            Err(self.wrap(exception))
        }
    }

    pub fn undefined(&self) -> Value<'_> {
        // SAFETY: ctx is live; likewise for every call below.
        self.wrap(unsafe { nx_make_undefined(self.ctx) })
    }

    pub fn null(&self) -> Value<'_> {
        self.wrap(unsafe { nx_make_null(self.ctx) })
    }

    pub fn boolean(&self, b: bool) -> Value<'_> {
        self.wrap(unsafe { nx_make_boolean(self.ctx, b) })
    }

    pub fn number(&self, n: f64) -> Value<'_> {
        self.wrap(unsafe { nx_make_number(self.ctx, n) })
    }

    pub fn string(&self, s: &str) -> Value<'_> {
        if s.is_ascii() {
            // SAFETY: the pointer and length describe `s`, which JSC copies; the Scope holds
            // the lock the call does not take.
            return self
                .wrap(unsafe { nx_make_string_ascii(self.ctx, s.as_ptr().cast(), s.len()) });
        }
        let s = JsString::new(s);
        self.wrap(unsafe { JSValueMakeString(self.ctx, s.0) })
    }

    pub fn global(&self) -> Object<'_> {
        self.wrap_object(unsafe { JSContextGetGlobalObject(self.ctx) })
    }

    /// A new empty plain object.
    pub fn object(&self) -> Object<'_> {
        self.wrap_object(unsafe { JSObjectMake(self.ctx, ptr::null_mut(), ptr::null_mut()) })
    }

    pub fn array<'s>(&'s self, items: &[Value<'s>]) -> JsResult<'s, Object<'s>> {
        let raws: Vec<JSValueRef> = items.iter().map(|v| v.raw).collect();
        let mut exception = ptr::null();
        let array =
            unsafe { JSObjectMakeArray(self.ctx, raws.len(), raws.as_ptr(), &mut exception) };
        self.check(self.wrap_object(array), exception)
    }

    /// An array of the values `items` yields. Each value goes into the array as soon as it is
    /// made, so none waits in Rust's heap where the GC would not see it (see the crate docs).
    pub fn array_from<'s>(
        &'s self,
        items: impl IntoIterator<Item = Value<'s>>,
    ) -> JsResult<'s, Object<'s>> {
        let array = self.array(&[])?;
        for (i, item) in items.into_iter().enumerate() {
            let mut exception = ptr::null();
            // SAFETY: array and item are live values of this locked scope.
            unsafe {
                JSObjectSetPropertyAtIndex(self.ctx, array.raw, i as u32, item.raw, &mut exception)
            };
            self.check((), exception)?;
        }
        Ok(array)
    }

    /// A JS function whose body is `f`.
    pub fn function<'s, F>(&'s self, name: &str, f: F) -> Object<'s>
    where
        F: for<'a> Fn(&'a Scope<'a>, Value<'a>, &[Value<'a>]) -> JsResult<'a, Value<'a>>
            + Send
            + 'static,
    {
        function::make(self, name, Box::new(f))
    }

    /// `new globalThis[kind](message)`.
    pub fn error(&self, kind: ErrorKind, message: &str) -> Value<'_> {
        let message = self.string(message);
        let made = self
            .global()
            .get(kind.name())
            .and_then(|c| c.to_object())
            .and_then(|c| c.construct(&[message]));
        match made {
            Ok(error) => error.into(),
            Err(thrown) => thrown,
        }
    }

    /// Runs a classic script (not a module); `url` names it in stacks.
    pub fn evaluate_script(&self, source: &str, url: &str) -> JsResult<'_, Value<'_>> {
        let (source, url) = (JsString::new(source), JsString::new(url));
        let mut exception = ptr::null();
        let result = unsafe {
            JSEvaluateScript(
                self.ctx,
                source.0,
                ptr::null_mut(),
                url.0,
                1,
                &mut exception,
            )
        };
        self.check(self.wrap(result), exception)
    }

    /// Loads, links and evaluates the module graph under `key`; the promise settles with the
    /// outcome (after top-level await).
    pub fn load_module(&self, key: &str) -> Object<'_> {
        let key = JsString::new(key);
        self.wrap_object(unsafe { nx_module_load(self.ctx, key.0) })
    }

    /// The realm's `queueMicrotask`: its callbacks join the promise jobs' queue (FIFO with them);
    /// what one throws reaches the `uncaught` hook, and the next job runs.
    pub fn queue_microtask_function(&self) -> Object<'_> {
        self.wrap_object(unsafe { nx_queue_microtask_function(self.ctx) })
    }

    /// `[create, resolve, reject]` for the host's own JS: `create()` gives a pending promise,
    /// `resolve(promise, value)` and `reject(promise, reason)` settle it the first time either
    /// is called. No resolving functions are made. The last two are engine builtins that trust their arguments: they must only ever get
    /// promises `create` made, and must not reach user code.
    pub fn promise_functions(&self) -> [Value<'_>; 3] {
        let mut raw = [ptr::null(); 3];
        let [create, resolve, reject] = &mut raw;
        unsafe { nx_promise_functions(self.ctx, create, resolve, reject) };
        raw.map(|v| self.wrap(v))
    }

    /// Runs queued jobs until the queue is empty; nothing when called from inside a drain.
    pub fn drain_microtasks(&self) {
        unsafe { nx_microtasks_drain(self.ctx) }
    }

    /// Runs engine work that completed off-thread (WebAssembly compiles); true while more is
    /// outstanding, in which case the caller must call again later.
    pub fn run_deferred_work(&self) -> bool {
        unsafe { nx_deferred_work_run(self.ctx) != 0 }
    }

    /// Bytes the VM's garbage-collected heap has allocated (blocks and large objects).
    pub fn heap_size(&self) -> usize {
        unsafe { nx_heap_size(self.ctx) }
    }

    /// A full garbage collection, finished before this returns.
    pub fn collect_garbage(&self) {
        unsafe { nx_collect_garbage(self.ctx) }
    }

    /// The 1-based (line, column) of the first syntax error in `source` parsed as a module.
    pub fn module_syntax_error(&self, source: &str) -> Option<(u32, u32)> {
        let source = JsString::new(source);
        let (mut line, mut column) = (0, 0);
        let found = unsafe { nx_module_syntax_error(self.ctx, source.0, &mut line, &mut column) };
        (found != 0).then_some((line as u32, column as u32))
    }
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        if !self.entry.is_null() {
            // SAFETY: balances Context::enter, on the same thread (Scope is !Send).
            unsafe {
                nx_entry_scope_end(self.entry);
                JSUnlock(self.ctx)
            }
        }
    }
}
