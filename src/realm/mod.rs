//! A realm: one JSC VM (a [`Context`]) with the Nexus globals, running one entry module.
//!
//! JS inside a realm runs one task at a time, on whichever thread holds the realm's lock; that is
//! what makes variables shared between callbacks safe without atomics. Native work runs outside
//! the lock.

mod host;
mod report;
mod state;

use crate::api;
use crate::modules;
use javascriptcore_sys::{Context, PromiseState};
use std::path::PathBuf;
use std::process::ExitCode;

pub struct Options {
    pub entry: PathBuf,
    pub args: Vec<String>,
    pub concurrency: usize,
}

/// Runs the entry module to completion and gives the process's exit code: 0, or 1 after an
/// uncaught exception or unhandled rejection, or 13 when top-level await never settled (as Node).
pub fn run(options: Options) -> ExitCode {
    host::install();
    let entry = std::path::absolute(&options.entry).unwrap_or(options.entry.clone());
    let key = match modules::resolve(&entry.display().to_string(), None) {
        Ok(key) => key,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(1);
        }
    };
    let context = Context::new();
    let state = state::register(&context);
    let scope = context.enter();
    let info = api::Info {
        script: modules::display_key(&key),
        argv: options.args,
        concurrency: options.concurrency,
    };
    if let Err(error) = api::install(&scope, &info) {
        eprintln!(
            "error: the Nexus globals failed to install: {}",
            report::render(error)
        );
        return ExitCode::from(70);
    }
    let promise = scope.load_module(&key);
    scope.drain_microtasks();
    while scope.run_deferred_work() {
        std::thread::sleep(std::time::Duration::from_millis(1));
        scope.drain_microtasks();
    }
    scope.drain_microtasks();
    let mut code = 0;
    match promise.value().promise_state() {
        Some(PromiseState::Rejected) => {
            eprintln!("error: {}", report::render(promise.promise_result()));
            code = 1;
        }
        Some(PromiseState::Pending) => {
            eprintln!(
                "error: top-level await in {} never settled: nothing is left that could settle it",
                info.script
            );
            code = 13;
        }
        _ => {}
    }
    if state.report_failures(&scope) {
        code = code.max(1);
    }
    drop(scope);
    // The process is about to exit: tearing the VM down would only cost time.
    std::mem::forget(context);
    ExitCode::from(code)
}
