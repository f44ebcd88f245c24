//! Calls from native code into the JS half of the globals: the dispatch functions, queued JS
//! tasks, and the settling of promises that native tasks complete.
//!
//! The dispatch object is what the injected globals installer gives (see `globals.rs`). A
//! [`Callback`] names one of its functions; each layer declares the ones it calls, as statics:
//! the realm those below, the API layer its own (api/dispatch.rs). A realm keeps each function
//! it called in a slot, so a call costs no lookup by name after the first.

use super::{Realm, lane::Lane};
use crate::scheduler::Priority;
use javascriptcore_sys::{ErrorKind, JsResult, Object, Protected, Scope, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// `fireTimers(ids)`: fires the due JS timers `ids`, in order (see timers.rs).
pub static FIRE_TIMERS: Callback = Callback::new("fireTimers");
/// `runTasks(limit)`: runs queued JS tasks, gives how many ran.
pub static RUN_TASKS: Callback = Callback::new("runTasks");
/// `settle(id, ok, value)`: settles the promise of native operation `id`.
pub static SETTLE: Callback = Callback::new("settle");
/// `promiseThen`: Promise.prototype.then as start-up read it, called on the entry module's
/// promise with [`Realm::call_on`] (see start.rs).
pub static PROMISE_THEN: Callback = Callback::new("promiseThen");

/// Slots a realm has for the functions of callbacks; a callback beyond them (none yet) is read
/// by name on every call.
const SLOTS: usize = 16;

/// A function of the dispatch object, by the name the JS side gives it. Each function is read
/// when first needed: by then the part defining it has loaded, because only that part queues the
/// work that calls it (a timer, a task, a native operation).
pub struct Callback {
    name: &'static str,
    /// Its slot in every realm, taken on first use: unique in the process.
    slot: OnceLock<usize>,
}

impl Callback {
    pub const fn new(name: &'static str) -> Callback {
        Callback {
            name,
            slot: OnceLock::new(),
        }
    }

    fn slot(&self) -> usize {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        *self
            .slot
            .get_or_init(|| NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// A realm's dispatch object and the functions read off it so far.
pub struct Dispatch {
    object: Protected,
    functions: [OnceLock<Protected>; SLOTS],
}

impl Dispatch {
    pub fn new(object: Protected) -> Dispatch {
        Dispatch {
            object,
            functions: Default::default(),
        }
    }

    fn function<'s>(&self, scope: &'s Scope<'s>, callback: &Callback) -> JsResult<'s, Value<'s>> {
        let read = || self.object.get(scope).to_object()?.get(callback.name);
        let Some(slot) = self.functions.get(callback.slot()) else {
            return read();
        };
        if let Some(function) = slot.get() {
            return Ok(function.get(scope));
        }
        let function = read()?;
        let _ = slot.set(function.protect());
        Ok(function)
    }
}

impl Realm {
    /// Calls a dispatch function and gives its result; an exception is reported as uncaught
    /// (and gives None).
    pub fn call<'s>(
        &self,
        scope: &'s Scope<'s>,
        callback: &Callback,
        args: &[Value<'s>],
    ) -> Option<Value<'s>> {
        self.dispatch.get()?;
        self.call_checked(scope, callback, args)
            .map_err(|error| self.failures.uncaught(error))
            .ok()
    }

    /// Calls a dispatch function; its exception goes to the caller (unlike [`Realm::call`]).
    pub fn call_checked<'s>(
        &self,
        scope: &'s Scope<'s>,
        callback: &Callback,
        args: &[Value<'s>],
    ) -> JsResult<'s, Value<'s>> {
        self.callback(scope, callback)?.call(None, args)
    }

    /// Calls a dispatch function with `this`; its exception goes to the caller.
    pub fn call_on<'s>(
        &self,
        scope: &'s Scope<'s>,
        callback: &Callback,
        this: Object<'s>,
        args: &[Value<'s>],
    ) -> JsResult<'s, Value<'s>> {
        self.callback(scope, callback)?.call(Some(this), args)
    }

    fn callback<'s>(&self, scope: &'s Scope<'s>, callback: &Callback) -> JsResult<'s, Object<'s>> {
        self.installed(scope)?
            .function(scope, callback)?
            .to_object()
    }

    /// Sets `name` on the dispatch object, for the JS side to find.
    pub fn set_dispatch<'s>(
        &self,
        scope: &'s Scope<'s>,
        name: &str,
        value: Value<'s>,
    ) -> JsResult<'s, ()> {
        self.installed(scope)?
            .object
            .get(scope)
            .to_object()?
            .set(name, value)
    }

    fn installed<'s>(&self, scope: &'s Scope<'s>) -> JsResult<'s, &Dispatch> {
        self.dispatch
            .get()
            .ok_or_else(|| scope.error(ErrorKind::Error, "the globals are not installed yet"))
    }

    /// Runs the realm's queued JS tasks (`dispatch.enqueue`), each with its promise jobs before
    /// the next, until the queue is empty or the batch's time is up (then a new lane task
    /// continues). JS runs them `TASKS_PER_CALL` at a time: one call into JS costs more than a
    /// small task.
    pub fn run_js_tasks<'s>(self: &Arc<Self>, scope: &'s Scope<'s>) {
        const TASKS_PER_CALL: f64 = 64.0;
        let started = Instant::now();
        loop {
            let limit = scope.number(TASKS_PER_CALL);
            let ran = self
                .call(scope, &RUN_TASKS, &[limit])
                .map_or(TASKS_PER_CALL, |v| v.to_number().unwrap_or(0.0));
            self.js_tasks.fetch_add(ran as u64, Ordering::Relaxed);
            self.run_microtasks(scope);
            if ran < TASKS_PER_CALL {
                return;
            }
            if Lane::batch_over(started) {
                let run = self.clone();
                self.push(Priority::Low, move |scope| run.run_js_tasks(scope));
                return;
            }
        }
    }

    /// Runs `job` as a native task, off the realm's lock and in parallel with JS; then, back on
    /// the lane (at I/O-completion priority), settles the JS promise `id` with what `deliver`
    /// makes of the result, or rejects it with what `deliver` throws. Called last, as `completion`.
    pub fn complete<T: Send + 'static>(
        self: &Arc<Self>,
        id: f64,
        job: impl FnOnce() -> T + Send + 'static,
        deliver: impl for<'s> FnOnce(&'s Scope<'s>, T) -> JsResult<'s, Value<'s>> + Send + 'static,
    ) {
        let completion = self.completion(id);
        self.scheduler
            .spawn(Priority::Low, move || completion.settle(job(), deliver));
    }

    /// The JS promise `id`, to settle later from any thread (when a socket becomes ready).
    /// An op makes it after its last fallible step: pending.js reuses the id of an op that threw.
    pub fn completion(self: &Arc<Self>, id: f64) -> Completion {
        Completion {
            realm: self.clone(),
            id,
        }
    }
}

/// A JS promise a native operation settles once it is done.
pub struct Completion {
    realm: Arc<Realm>,
    id: f64,
}

impl Completion {
    /// Back on the lane (at I/O-completion priority), settles the promise with what `deliver`
    /// makes of `out`, or rejects it with what `deliver` throws.
    pub fn settle<T: Send + 'static>(
        self,
        out: T,
        deliver: impl for<'s> FnOnce(&'s Scope<'s>, T) -> JsResult<'s, Value<'s>> + Send + 'static,
    ) {
        let Completion { realm, id } = self;
        let settle = realm.clone();
        realm.push(Priority::High, move |scope| {
            // One JS task: what its continuation writes to sockets goes out when it ends (a
            // file chunk and the response's end in one send), as Node corks for a tick.
            settle.scheduler.corked(|| {
                let (ok, value) = match deliver(scope, out) {
                    Ok(value) => (true, value),
                    Err(error) => (false, error),
                };
                settle.call(
                    scope,
                    &SETTLE,
                    &[scope.number(id), scope.boolean(ok), value],
                );
                settle.run_microtasks(scope);
            });
        });
    }
}
