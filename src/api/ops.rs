//! Native operations the JS half of the globals calls: the one place Rust functions are exposed
//! to JS. Each entry is `name → fn(scope, args)`.

use crate::realm::{self, Realm};
use crate::scheduler::Priority;
use javascriptcore_sys::{ErrorKind, JsResult, Object, PromiseState, Scope, Value};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

type Op = for<'a> fn(&'a Scope<'a>, &[Value<'a>]) -> JsResult<'a, Value<'a>>;

const OPS: &[(&str, Op)] = &[
    ("write", write),
    ("promiseState", promise_state),
    ("promiseResult", promise_result),
    ("timerStart", timer_start),
    ("timerStop", timer_stop),
    ("enqueue", enqueue),
    ("threadId", thread_id),
    ("queueMicrotask", queue_microtask),
    ("reportUncaught", report_uncaught),
];

pub fn table<'s>(scope: &'s Scope<'s>) -> JsResult<'s, Object<'s>> {
    let table = scope.object();
    for &(name, op) in OPS {
        table.set(
            name,
            scope
                .function(name, move |scope, _this, args| op(scope, args))
                .value(),
        )?;
    }
    Ok(table)
}

fn arg<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> Value<'a> {
    args.get(i).copied().unwrap_or_else(|| scope.undefined())
}

/// `write(fd, text)`: fd 1 or 2. One call is one `write_all` under the stream's lock, so lines
/// from different threads never interleave.
fn write<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let fd = arg(scope, args, 0).to_number()?;
    let text = arg(scope, args, 1).to_string()?;
    let result = match fd as i32 {
        1 => std::io::stdout().lock().write_all(text.as_bytes()),
        2 => std::io::stderr().lock().write_all(text.as_bytes()),
        _ => {
            return Err(scope.error(
                ErrorKind::RangeError,
                &format!("write: fd {fd} is not 1 or 2"),
            ));
        }
    };
    // A closed pipe (`nexus app.js | head`) is not the program's error: drop the output.
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(scope.error(ErrorKind::Error, &format!("write to fd {fd} failed: {e}")));
    }
    Ok(scope.undefined())
}

/// `promiseState(p)`: 'pending' | 'fulfilled' | 'rejected', or undefined for a non-promise.
fn promise_state<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(match arg(scope, args, 0).promise_state() {
        Some(PromiseState::Pending) => scope.string("pending"),
        Some(PromiseState::Fulfilled) => scope.string("fulfilled"),
        Some(PromiseState::Rejected) => scope.string("rejected"),
        None => scope.undefined(),
    })
}

/// `promiseResult(p)`: the value a settled promise holds.
fn promise_result<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    match arg(scope, args, 0).as_object() {
        Some(promise) if arg(scope, args, 0).promise_state().is_some() => {
            Ok(promise.promise_result())
        }
        _ => Ok(scope.undefined()),
    }
}

fn realm<'a>(scope: &'a Scope<'a>) -> JsResult<'a, Arc<Realm>> {
    realm::current()
        .ok_or_else(|| scope.error(ErrorKind::Error, "no realm is running on this thread"))
}

fn id<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, u64> {
    Ok(arg(scope, args, 0).to_number()? as u64)
}

/// `timerStart(id, ms, repeat)` → key: `dispatch.fireTimer(id)` after `ms`, every `ms` if
/// `repeat`; `timerStop(key)` cancels it.
fn timer_start<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let ms = Duration::from_millis(arg(scope, args, 1).to_number()?.max(1.0) as u64);
    let repeat = arg(scope, args, 2).to_bool();
    let key = realm(scope)?.arm_timer(id(scope, args)?, ms, repeat.then_some(ms));
    Ok(scope.number(key as f64))
}

/// `timerStop(key)`.
fn timer_stop<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    realm(scope)?.disarm_timer(id(scope, args)?);
    Ok(scope.undefined())
}

/// `enqueue(id)`: a task on this realm's lane that calls `dispatch.runTask(id)`.
fn enqueue<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = id(scope, args)?;
    realm(scope)?.push(Priority::Low, move |scope| {
        realm::with_current(|realm| realm.run_task(scope, id as f64));
    });
    Ok(scope.undefined())
}

/// `threadId()`: the name of the worker running the current task.
fn thread_id<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(scope.string(std::thread::current().name().unwrap_or("main")))
}

/// `queueMicrotask(fn)`: `fn` runs as a promise job.
fn queue_microtask<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    match arg(scope, args, 0).as_object() {
        Some(job) if scope.queue_microtask(job) => Ok(scope.undefined()),
        _ => Err(scope.error(
            ErrorKind::TypeError,
            "queueMicrotask: the callback must be a function",
        )),
    }
}

/// `reportUncaught(error)`: prints `error` as uncaught; the run will exit with code 1.
fn report_uncaught<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    realm(scope)?.report_uncaught(arg(scope, args, 0));
    Ok(scope.undefined())
}
