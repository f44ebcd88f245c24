//! What the globals learn from the host: whether a standard stream is a terminal (console
//! colors), environment variables (the program's view, `Nexus.env`), and the monotonic clock behind `performance` and
//! `console.time`. The clock's origin is fixed the first time any realm reads it, so every realm
//! of the process shares one `performance.timeOrigin`.

use super::Op;
use super::args::arg;
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Core ops (see `super::CORE`).
pub const CORE: &[Op] = &[
    Op::sync("isTerminal", is_terminal),
    Op::sync("envGet", env_get),
    Op::sync("now", now),
    Op::sync("workingDirectory", working_directory),
];

/// The ops of js/performance.js.
pub const PERFORMANCE: &[Op] = &[Op::sync("timeOrigin", time_origin)];

/// The process's time origin: a monotonic instant and the wall-clock time (ms) it corresponds to.
fn origin() -> &'static (Instant, f64) {
    static ORIGIN: OnceLock<(Instant, f64)> = OnceLock::new();
    ORIGIN.get_or_init(|| {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        (Instant::now(), wall)
    })
}

fn is_terminal<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let fd = arg(scope, args, 0).to_number()?;
    let terminal = match fd as i32 {
        1 => std::io::stdout().is_terminal(),
        2 => std::io::stderr().is_terminal(),
        _ => {
            return Err(scope.error(
                ErrorKind::RangeError,
                &format!("isTerminal: fd {fd} is not 1 or 2"),
            ));
        }
    };
    Ok(scope.boolean(terminal))
}

fn env_get<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let name = arg(scope, args, 0).to_string()?;
    let value = crate::process::env::get(&name);
    Ok(value.map_or_else(|| scope.undefined(), |value| scope.string(&value)))
}

/// Milliseconds since the time origin, with sub-millisecond precision.
fn now<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(scope.number(origin().0.elapsed().as_secs_f64() * 1000.0))
}

fn time_origin<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(scope.number(origin().1))
}

/// The working directory (Nexus.cwd(), and FileSystem's relative paths).
fn working_directory<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let dir = std::env::current_dir().map_err(|e| {
        scope.error(
            ErrorKind::Error,
            &format!("the working directory is gone: {e}"),
        )
    })?;
    Ok(scope.string(&dir.display().to_string()))
}
