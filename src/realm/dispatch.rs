//! Calls from native code into the JS half of the globals: the dispatch functions, queued JS
//! tasks, and the settling of promises that native tasks complete.

use super::{Realm, lane::Lane};
use crate::scheduler::Priority;
use javascriptcore_sys::{ErrorKind, JsResult, Object, Protected, Scope, Value};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The JS functions native code calls back into (see api/js/). Each is read off the dispatch
/// object when first needed: by then the part defining it has loaded, because only that part
/// queues the work that calls it (a timer, a task, a native operation).
pub struct Dispatch {
    object: Protected,
    functions: [OnceLock<Protected>; 10],
}

/// The dispatch functions, by the name the JS side gives them.
#[derive(Clone, Copy)]
pub enum Callback {
    FireTimers,
    /// `runTasks(limit)`: runs queued JS tasks, gives how many ran.
    RunTasks,
    Settle,
    /// `accept(acceptor, socket, address, port)`: a TCP connection was accepted.
    Accept,
    /// `request(acceptor, connection, method, url, minorVersion, headers, address, port)`.
    Request,
    /// `clientError(acceptor, status, reason, address, port)`: bad input was answered.
    ClientError,
    /// `offloadRun(job, key, exportName, json, buffers)`: a job for a pooled realm.
    Offload,
    /// `load(part)`: evaluates a part of the globals, once.
    Load,
    /// `consolePrint(fd, args)`: formats and prints a console line (console.js).
    ConsolePrint,
    /// `promiseThen`: Promise.prototype.then as start-up read it (api::install), called on a
    /// promise with [`Realm::call_on`].
    PromiseThen,
}

impl Callback {
    fn name(self) -> &'static str {
        match self {
            Callback::FireTimers => "fireTimers",
            Callback::RunTasks => "runTasks",
            Callback::Settle => "settle",
            Callback::Accept => "accept",
            Callback::Request => "request",
            Callback::ClientError => "clientError",
            Callback::Offload => "offloadRun",
            Callback::Load => "load",
            Callback::ConsolePrint => "consolePrint",
            Callback::PromiseThen => "promiseThen",
        }
    }
}

impl Dispatch {
    pub fn new(object: Protected) -> Dispatch {
        Dispatch {
            object,
            functions: Default::default(),
        }
    }

    fn function<'s>(&self, scope: &'s Scope<'s>, callback: Callback) -> JsResult<'s, Value<'s>> {
        let slot = &self.functions[callback as usize];
        if let Some(function) = slot.get() {
            return Ok(function.get(scope));
        }
        let function = self.object.get(scope).to_object()?.get(callback.name())?;
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
        callback: Callback,
        args: &[Value<'s>],
    ) -> Option<Value<'s>> {
        self.dispatch.get()?;
        self.call_checked(scope, callback, args)
            .map_err(|error| self.failures.uncaught(error))
            .ok()
    }

    /// Evaluates the part of the globals named `part` (once); its exception goes to the caller.
    pub fn load_part<'s>(&self, scope: &'s Scope<'s>, part: &str) -> JsResult<'s, ()> {
        self.call_checked(scope, Callback::Load, &[scope.string(part)])?;
        Ok(())
    }

    /// Calls a dispatch function; its exception goes to the caller (unlike [`Realm::call`]).
    pub fn call_checked<'s>(
        &self,
        scope: &'s Scope<'s>,
        callback: Callback,
        args: &[Value<'s>],
    ) -> JsResult<'s, Value<'s>> {
        self.callback(scope, callback)?.call(None, args)
    }

    /// Calls a dispatch function with `this`; its exception goes to the caller.
    pub fn call_on<'s>(
        &self,
        scope: &'s Scope<'s>,
        callback: Callback,
        this: Object<'s>,
        args: &[Value<'s>],
    ) -> JsResult<'s, Value<'s>> {
        self.callback(scope, callback)?.call(Some(this), args)
    }

    fn callback<'s>(&self, scope: &'s Scope<'s>, callback: Callback) -> JsResult<'s, Object<'s>> {
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
                .call(scope, Callback::RunTasks, &[limit])
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
                    Callback::Settle,
                    &[scope.number(id), scope.boolean(ok), value],
                );
                settle.run_microtasks(scope);
            });
        });
    }
}
