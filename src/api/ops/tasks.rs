//! Timers, queued tasks and promise jobs of the current realm.

use super::Op;
use super::args::{arg, id, realm};
use crate::scheduler::Priority;
use javascriptcore_sys::{JsResult, Scope, Value};
use std::time::Duration;

/// The ops of js/timers.js.
pub const TIMERS: &[Op] = &[
    Op::sync("timerStart", timer_start),
    Op::sync("timerStop", timer_stop),
];

/// The ops of js/scheduler.js.
pub const SCHEDULER: &[Op] = &[
    Op::sync("enqueue", enqueue),
    Op::sync("threadId", thread_id),
    Op::sync("queueMicrotaskFunction", queue_microtask_function),
];

/// The ops of js/jobs.js.
pub const JOBS: &[Op] = &[
    Op::sync("runMicrotasks", run_microtasks),
    Op::sync("rejectionFlag", rejection_flag),
    Op::sync("jobsWaiting", jobs_waiting),
];

/// The ops of js/promises.js.
pub const PROMISES: &[Op] = &[Op::sync("promiseFunctions", promise_functions)];

/// `timerStart(id, ms, repeat, unreferenced)`: arms a JS timer, gives its key.
fn timer_start<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let ms = Duration::from_millis(arg(scope, args, 1).to_number()?.max(1.0) as u64);
    let repeat = arg(scope, args, 2).to_bool();
    let keeps_alive = !arg(scope, args, 3).to_bool();
    let key = realm(scope)?.arm_timer(id(scope, args)?, ms, repeat.then_some(ms), keeps_alive);
    Ok(scope.number(key as f64))
}

fn timer_stop<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    realm(scope)?.disarm_timer(id(scope, args)?);
    Ok(scope.undefined())
}

/// `enqueue()`: a lane task that runs the realm's JS task queue (see js/scheduler.js).
fn enqueue<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let realm = realm(scope)?;
    let run = realm.clone();
    realm.push(Priority::Low, move |scope| run.run_js_tasks(scope));
    Ok(scope.undefined())
}

fn thread_id<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(scope.string(std::thread::current().name().unwrap_or("main")))
}

/// `runMicrotasks()`: runs the promise jobs queued so far, then reports rejections left unhandled.
fn run_microtasks<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    crate::realm::with_current(|realm| realm.run_microtasks(scope));
    Ok(scope.undefined())
}

/// `rejectionFlag()`: a Uint8Array whose byte is 1 while unhandled rejections wait for
/// `runMicrotasks()` to report them, so JS can skip that call when none do.
fn rejection_flag<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(realm(scope)?.rejection_flag(scope)?.value())
}

/// `jobsWaiting()`: a Uint8Array whose byte is 1 while jobs wait for `runMicrotasks()`.
fn jobs_waiting<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(scope.jobs_waiting_view()?.value())
}

/// `queueMicrotaskFunction()`: the global `queueMicrotask`, native (see js/jobs.js).
fn queue_microtask_function<'a>(
    scope: &'a Scope<'a>,
    _args: &[Value<'a>],
) -> JsResult<'a, Value<'a>> {
    Ok(scope.queue_microtask_function().value())
}

/// `promiseFunctions()`: `[create, resolve, reject]`, promises settled without resolving
/// functions (see js/promises.js, the only caller: the last two trust their arguments).
fn promise_functions<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(scope.array(&scope.promise_functions())?.value())
}
