//! The process's native half (`Nexus.env`, `Nexus.exit`, `Nexus.exitCode`, `Nexus.Signals`, …):
//! the state lives in `crate::process`, shared by every realm; these ops read and change it.
//! (Reading a variable is the core op `envGet`, which console.js uses too: see host.rs.)

use super::Op;
use super::args::{arg, realm};
use crate::api::dispatch::SIGNAL;
use crate::process::signals::{self, Signal};
use crate::process::{env, exit};
use crate::scheduler::Priority;
use javascriptcore_sys::{ErrorKind, JsResult, Kind, Scope, Value};
use std::sync::Arc;

/// The ops of js/process.js.
pub const OPS: &[Op] = &[
    Op::sync("envSet", env_set),
    Op::sync("envDelete", env_delete),
    Op::sync("envNames", env_names),
    Op::sync("processExit", exit_now),
    Op::sync("processId", pid),
    Op::sync("parentProcessId", ppid),
    Op::sync("processArch", arch),
    Op::sync("engineVersions", versions),
    Op::sync("processUptime", uptime),
    Op::sync("processMemory", memory_usage),
    Op::sync("signalNames", signal_names),
    Op::sync("signalListen", signal_listen),
];

/// The ops of js/lazy.js, which puts `Nexus.exitCode` on Nexus at start-up.
pub const EXIT_CODE: &[Op] = &[
    Op::sync("exitCode", exit_code),
    Op::sync("setExitCode", set_exit_code),
];

fn env_set<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let name = arg(scope, args, 0).to_string()?;
    let value = arg(scope, args, 1).to_string()?;
    env::set(&name, &value).map_err(|message| scope.error(ErrorKind::TypeError, &message))?;
    Ok(scope.undefined())
}

fn env_delete<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let name = arg(scope, args, 0).to_string()?;
    Ok(scope.boolean(env::remove(&name)))
}

fn env_names<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let names = env::names();
    Ok(scope
        .array_from(names.iter().map(|n| scope.string(n)))?
        .value())
}

/// An exit code as Node takes one: an integer (or a string of one), kept to its low 8 bits.
fn code_arg<'a>(scope: &'a Scope<'a>, value: Value<'a>) -> JsResult<'a, Option<u8>> {
    if value.is_nullish() {
        return Ok(None);
    }
    let number = value.to_number()?;
    if number.fract() != 0.0 || !number.is_finite() {
        let shown = value.to_string().unwrap_or_default();
        return Err(scope.error(
            ErrorKind::TypeError,
            &format!("an exit code must be an integer, not {shown}"),
        ));
    }
    Ok(Some((number as i64 & 0xff) as u8))
}

/// `processExit(code)`: ends the process now, with `Nexus.exitCode` (else 0) when `code` is
/// undefined.
fn exit_now<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let code = arg(scope, args, 0);
    let code = if code.kind() == Kind::Undefined {
        exit::code()
    } else {
        code_arg(scope, code)?
    };
    exit::now(code.unwrap_or(0))
}

fn exit_code<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(exit::code().map_or_else(|| scope.undefined(), |code| scope.number(code.into())))
}

fn set_exit_code<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    exit::set_code(code_arg(scope, arg(scope, args, 0))?);
    Ok(scope.undefined())
}

fn pid<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(scope.number(std::process::id().into()))
}

fn ppid<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(scope.number(std::os::unix::process::parent_id().into()))
}

/// Node's names for the CPU architectures.
fn arch<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        "x86" => "ia32",
        other => other,
    };
    Ok(scope.string(arch))
}

/// `{ nexus, javascriptcore, webkitgtk }`: the engine is the JavaScriptCore of one WebKitGTK
/// release, which is its version.
fn versions<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let versions = scope.object();
    versions.set("nexus", scope.string(env!("CARGO_PKG_VERSION")))?;
    versions.set("javascriptcore", scope.string(env!("NEXUS_WEBKIT_VERSION")))?;
    versions.set("webkitgtk", scope.string(env!("NEXUS_WEBKIT_VERSION")))?;
    Ok(versions.value())
}

fn uptime<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    Ok(scope.number(crate::process::started().elapsed().as_secs_f64()))
}

/// `{ rss, heapUsed, heapTotal }` in bytes; the heap is the calling realm's.
fn memory_usage<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let usage = scope.object();
    usage.set("rss", scope.number(resident_bytes() as f64))?;
    usage.set("heapUsed", scope.number(scope.heap_used() as f64))?;
    usage.set("heapTotal", scope.number(scope.heap_size() as f64))?;
    Ok(usage.value())
}

/// The resident set (`VmRSS` of /proc/self/status); 0 where it cannot be read.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        });
    kib.unwrap_or(0) * 1024
}

/// `signalNames()` → the names Nexus.Signals takes.
fn signal_names<'a>(scope: &'a Scope<'a>, _args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let names = Signal::ALL.map(|signal| scope.string(signal.name()));
    Ok(scope.array(&names)?.value())
}

/// `signalListen(name, on)`: whether this realm takes the signal (`dispatch.signal(name)` runs
/// in it when the signal arrives) or leaves it to its default action.
fn signal_listen<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let name = arg(scope, args, 0).to_string()?;
    let signal = Signal::named(&name)
        .ok_or_else(|| scope.error(ErrorKind::TypeError, &format!("unknown signal {name}")))?;
    let realm = realm(scope)?;
    if !arg(scope, args, 1).to_bool() {
        signals::unlisten(realm.id, signal);
        return Ok(scope.undefined());
    }
    let owner = realm.id;
    signals::listen(
        owner,
        signal,
        Arc::new(move |signal: Signal| {
            let delivered = realm.clone();
            realm.push(Priority::High, move |scope| {
                delivered.call(scope, &SIGNAL, &[scope.string(signal.name())]);
                delivered.run_microtasks(scope);
            });
        }),
    );
    Ok(scope.undefined())
}
