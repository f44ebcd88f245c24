//! A realm's engine ([`Context`]: one VM and its global object) and the lock held while using it
//! ([`Scope`]).

use crate::ffi::*;
use crate::function;
use crate::protected;
use crate::string::JsString;
use crate::value::{ErrorKind, JsResult, Object, Value};
use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr;

/// One JSC VM with a Nexus global object. JS inside it runs on one thread at a time: whoever holds
/// a [`Scope`]. Separate contexts run in parallel.
pub struct Context {
    raw: JSGlobalContextRef,
}

// SAFETY: the VM is a context-group VM with its own atom-string table, so it is not tied to the
// thread that made it; JSC's lock serializes every use, so the handle may move between threads.
unsafe impl Send for Context {}
// SAFETY: every `&self` method either takes the lock (`enter`) or reads an atomic counter
// (`jobs_queued`), so shared use from several threads is serialized by JSC.
unsafe impl Sync for Context {}

impl Context {
    /// A new realm engine. [`crate::install_host`] must have been called first.
    pub fn new() -> Context {
        assert!(
            crate::hooks::installed(),
            "install_host must be called before Context::new"
        );
        // SAFETY: the hooks table is filled (asserted above), which the shim's global object
        // calls into; the shim returns a global context retained once, released in `Drop`.
        let raw = unsafe { nx_context_create() };
        Context { raw }
    }

    /// Takes the realm's lock (recursively) and enters the VM until the scope is dropped. Promise
    /// jobs still queued then wait for the next [`Scope::drain_microtasks`].
    pub fn enter(&self) -> Scope<'_> {
        // SAFETY: `raw` is retained for `self`'s lifetime, which the scope borrows. JSLock takes
        // the realm's lock for this thread (recursively), which nx_entry_scope_begin needs held;
        // `Scope::drop` ends the entry and then unlocks, on this thread (a Scope is !Send).
        let entry = unsafe {
            JSLock(self.raw);
            nx_entry_scope_begin(self.raw)
        };
        let scope = Scope {
            ctx: self.raw,
            entry,
            global: Cell::new(self.raw as usize),
            _not_send: PhantomData,
        };
        protected::release_deferred(&scope);
        scope
    }

    /// How many promise jobs the realm has queued so far; needs no lock.
    pub fn jobs_queued(&self) -> u64 {
        // SAFETY: `raw` is retained by `self`, so the VM and its job queue (its client data) are
        // live; the count is an atomic, read without the lock.
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
        // SAFETY: we own the one reference nx_context_create returned, and no scope borrows `self`
        // any more. JSGlobalContextRelease takes the lock itself.
        unsafe { JSGlobalContextRelease(self.raw) }
    }
}

/// The realm's lock, held. Everything that creates or reads JS values goes through a scope.
pub struct Scope<'c> {
    pub(crate) ctx: JSContextRef,
    /// The VM entry this scope owns, with the lock; null for a scope borrowed in a callback.
    entry: *mut std::ffi::c_void,
    /// The global context `ctx` belongs to: known for an entered scope, found once asked for
    /// in a borrowed one (0 before). Finding it takes the lock again, which a
    /// [`crate::Protected`] read every request would otherwise pay.
    global: Cell<usize>,
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
            global: Cell::new(0),
            _not_send: PhantomData,
        }
    }

    /// A number that identifies the [`Context`] this scope belongs to, while it lives.
    pub fn context_id(&self) -> usize {
        if self.global.get() == 0 {
            // SAFETY: the scope invariant (crate docs).
            self.global
                .set(unsafe { JSContextGetGlobalContext(self.ctx) as usize });
        }
        self.global.get()
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
        // SAFETY: the scope invariant: the lock nx_make_undefined does not take is held.
        self.wrap(unsafe { nx_make_undefined(self.ctx) })
    }

    pub fn null(&self) -> Value<'_> {
        // SAFETY: the scope invariant, as in `undefined`.
        self.wrap(unsafe { nx_make_null(self.ctx) })
    }

    pub fn boolean(&self, b: bool) -> Value<'_> {
        // SAFETY: the scope invariant, as in `undefined`.
        self.wrap(unsafe { nx_make_boolean(self.ctx, b) })
    }

    pub fn number(&self, n: f64) -> Value<'_> {
        // SAFETY: the scope invariant, as in `undefined`; the shim purifies NaN, so no bit
        // pattern of `n` can pose as a pointer in the boxed JSValue.
        self.wrap(unsafe { nx_make_number(self.ctx, n) })
    }

    pub fn string(&self, s: &str) -> Value<'_> {
        if s.is_ascii() {
            // SAFETY: the scope invariant (the call does not take the lock); the pointer and length
            // describe `s`, ASCII and so valid Latin-1, which JSC copies.
            return self
                .wrap(unsafe { nx_make_string_ascii(self.ctx, s.as_ptr().cast(), s.len()) });
        }
        let s = JsString::new(s);
        // SAFETY: the scope invariant; `s` is live through the call, and the JS string takes its
        // own reference to the characters.
        self.wrap(unsafe { JSValueMakeString(self.ctx, s.0) })
    }

    pub fn global(&self) -> Object<'_> {
        // SAFETY: the scope invariant.
        self.wrap_object(unsafe { JSContextGetGlobalObject(self.ctx) })
    }

    /// A new empty plain object.
    pub fn object(&self) -> Object<'_> {
        // SAFETY: the scope invariant; a null class makes a plain object and needs no private
        // data.
        self.wrap_object(unsafe { JSObjectMake(self.ctx, ptr::null_mut(), ptr::null_mut()) })
    }

    pub fn array<'s>(&'s self, items: &[Value<'s>]) -> JsResult<'s, Object<'s>> {
        let raws: Vec<JSValueRef> = items.iter().map(|v| v.raw).collect();
        let mut exception = ptr::null();
        // SAFETY: the scope invariant; `raws` holds `raws.len()` values of this scope (rooted
        // through `items`) and lives through the call; `exception` is a local out-parameter.
        let array =
            unsafe { JSObjectMakeArray(self.ctx, raws.len(), raws.as_ptr(), &mut exception) };
        self.check(self.wrap_object(array), exception)
    }

    /// An array of the values `items` yields, as own elements (Array.prototype's setters do not
    /// see them). Each value goes into the array as soon as it is made, so none waits in Rust's
    /// heap where the GC would not see it (see the crate docs). The array starts with room for
    /// as many as the iterator says it yields at least.
    pub fn array_from<'s>(
        &'s self,
        items: impl IntoIterator<Item = Value<'s>>,
    ) -> JsResult<'s, Object<'s>> {
        let items = items.into_iter();
        let capacity = u32::try_from(items.size_hint().0).unwrap_or(u32::MAX);
        let mut exception = ptr::null();
        // SAFETY: the scope invariant; `exception` is a local out-parameter.
        let array = unsafe { nx_array_with_capacity(self.ctx, capacity, &mut exception) };
        let array = self.check(self.wrap_object(array), exception)?;
        for (i, item) in items.enumerate() {
            let mut exception = ptr::null();
            // SAFETY: the scope invariant; `array` and `item` are values of this scope, and
            // `exception` is a local out-parameter.
            unsafe { nx_array_put_index(self.ctx, array.raw, i as u32, item.raw, &mut exception) };
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
        // SAFETY: the scope invariant; both strings are live through the call (JSC keeps its own
        // references); a null `this` is the global object; `exception` is a local out-parameter.
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
        // SAFETY: the scope invariant; `key` is live through the call, which copies it.
        self.wrap_object(unsafe { nx_module_load(self.ctx, key.0) })
    }

    /// The realm's `queueMicrotask`: its callbacks join the promise jobs' queue (FIFO with them);
    /// what one throws reaches the `uncaught` hook, and the next job runs.
    pub fn queue_microtask_function(&self) -> Object<'_> {
        // SAFETY: the scope invariant.
        self.wrap_object(unsafe { nx_queue_microtask_function(self.ctx) })
    }

    /// `[create, resolve, reject]` for the host's own JS: `create()` gives a pending promise,
    /// `resolve(promise, value)` and `reject(promise, reason)` settle it the first time either
    /// is called. No resolving functions are made. The last two are engine builtins that trust
    /// their arguments: they must only ever get promises `create` made, and must not reach user
    /// code.
    pub fn promise_functions(&self) -> [Value<'_>; 3] {
        let mut raw = [ptr::null(); 3];
        let [create, resolve, reject] = &mut raw;
        // SAFETY: the scope invariant; the three out-parameters are distinct slots of `raw`. What
        // the last two functions do with a non-promise is the callers' duty (see above).
        unsafe { nx_promise_functions(self.ctx, create, resolve, reject) };
        raw.map(|v| self.wrap(v))
    }

    /// Runs queued jobs until the queue is empty; nothing when called from inside a drain.
    pub fn drain_microtasks(&self) {
        // SAFETY: the scope invariant: the jobs run JS on this thread, under the lock it holds.
        unsafe { nx_microtasks_drain(self.ctx) }
    }

    /// Runs engine work that completed off-thread (WebAssembly compiles); true while more is
    /// outstanding, in which case the caller must call again later.
    pub fn run_deferred_work(&self) -> bool {
        // SAFETY: the scope invariant: the deferred work runs JS on this thread, under its lock.
        unsafe { nx_deferred_work_run(self.ctx) != 0 }
    }

    /// Bytes the VM's garbage-collected heap has allocated (blocks and large objects).
    pub fn heap_size(&self) -> usize {
        // SAFETY: the scope invariant: the lock keeps the collector from resizing the heap while
        // the shim reads its capacity.
        unsafe { nx_heap_size(self.ctx) }
    }

    /// Bytes of the heap's objects that the last collection found alive (and memory they hold
    /// outside the heap, such as ArrayBuffers' bytes); before the first collection, only the
    /// latter.
    pub fn heap_used(&self) -> usize {
        // SAFETY: the scope invariant: the lock keeps the collector from changing its counts
        // while the shim reads them.
        unsafe { nx_heap_used(self.ctx) }
    }

    /// A full garbage collection, finished before this returns.
    pub fn collect_garbage(&self) {
        // SAFETY: the scope invariant; the collection scans this thread's stack, where this
        // scope's values are (see the crate docs).
        unsafe { nx_collect_garbage(self.ctx) }
    }

    /// The 1-based (line, column) of the first syntax error in `source` parsed as a module.
    pub fn module_syntax_error(&self, source: &str) -> Option<(u32, u32)> {
        let source = JsString::new(source);
        let (mut line, mut column) = (0, 0);
        // SAFETY: the scope invariant; `source` is live through the call; `line` and `column`
        // are local out-parameters, written only when an error is found.
        let found = unsafe { nx_module_syntax_error(self.ctx, source.0, &mut line, &mut column) };
        (found != 0).then_some((line as u32, column as u32))
    }
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        if !self.entry.is_null() {
            // SAFETY: a non-null `entry` was begun by `Context::enter`, which also took the lock,
            // on this thread (a Scope is !Send); this ends that entry before releasing the lock,
            // as nx_entry_scope_end requires. `ctx` is live: the scope borrows its Context.
            unsafe {
                nx_entry_scope_end(self.entry);
                JSUnlock(self.ctx)
            }
        }
    }
}
