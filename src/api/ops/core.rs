//! Output, promise introspection and failure reporting.

use super::Op;
use super::args::{arg, realm};
use javascriptcore_sys::{ErrorKind, JsResult, PromiseState, Scope, Value};
use std::io::Write;
use std::sync::atomic::Ordering;

/// Core ops (see `super::CORE`).
pub const CORE: &[Op] = &[
    Op::sync("write", write),
    Op::sync("reportUncaught", report_uncaught),
    Op::sync("collectGarbage", collect_garbage),
];

/// The ops of js/console.js.
pub const CONSOLE: &[Op] = &[Op::sync("consoleInJs", console_in_js)];

/// The ops of js/inspect.js.
pub const INSPECT: &[Op] = &[
    Op::sync("promiseState", promise_state),
    Op::sync("promiseResult", promise_result),
    Op::sync("stackFrames", stack_frames),
];

/// `collectGarbage()`: a full collection, done when it returns (`gc()` under --expose-gc).
fn collect_garbage<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    scope.collect_garbage();
    Ok(scope.undefined())
}

fn write<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let fd = arg(scope, args, 0).to_number()?;
    let text = arg(scope, args, 1).to_string()?;
    write_fd(scope, fd, &text)?;
    Ok(scope.undefined())
}

/// `consoleInJs()`: console.js prints from now on (see api/console.rs).
fn console_in_js<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    realm(scope)?.console_in_js.store(true, Ordering::Relaxed);
    Ok(scope.undefined())
}

/// Writes `text` to stdout (1) or stderr (2).
pub fn write_fd<'a>(scope: &'a Scope<'a>, fd: f64, text: &str) -> JsResult<'a, ()> {
    let result = match fd as i32 {
        1 => crate::io::stdout::write(text.as_bytes()),
        2 => crate::io::stdout::flush()
            .and_then(|()| std::io::stderr().lock().write_all(text.as_bytes())),
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
    Ok(())
}

fn promise_state<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(match arg(scope, args, 0).promise_state() {
        Some(PromiseState::Pending) => scope.string("pending"),
        Some(PromiseState::Fulfilled) => scope.string("fulfilled"),
        Some(PromiseState::Rejected) => scope.string("rejected"),
        None => scope.undefined(),
    })
}

fn promise_result<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    match arg(scope, args, 0).as_object() {
        Some(promise) if arg(scope, args, 0).promise_state().is_some() => {
            Ok(promise.promise_result())
        }
        _ => Ok(scope.undefined()),
    }
}

fn report_uncaught<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    realm(scope)?.report_uncaught(arg(scope, args, 0));
    Ok(scope.undefined())
}

/// `stackFrames(stack)`: a JSC stack as Node's `    at` lines, by the rule of uncaught-error
/// reports (console.log of an error prints them so).
fn stack_frames<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let frames = crate::realm::stack_frames(&arg(scope, args, 0).to_string()?);
    Ok(scope
        .array_from(frames.iter().map(|f| scope.string(f)))?
        .value())
}
