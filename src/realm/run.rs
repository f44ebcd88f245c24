//! Running a program: the entry module in each of `--realms` realms (realm 0 on the main
//! thread, the others on the pool), until nothing is left to do in any of them.

use super::{Callback, Dispatch, Realm, current, host, offload, report};
use crate::api;
use crate::modules;
use crate::say::say;
use crate::scheduler::{Priority, Scheduler};
use javascriptcore_sys::{EngineLoop, Scope};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;

pub struct Options {
    pub entry: PathBuf,
    pub args: Vec<String>,
    pub concurrency: usize,
    pub realms: u32,
    pub stats: bool,
    pub expose_gc: bool,
}

/// Runs the entry module until nothing is left to do and gives the process's exit code: 0, or 1
/// after an uncaught exception or unhandled rejection, or 13 when top-level await never settled
/// (as Node).
pub fn run(options: Options) -> ExitCode {
    host::install();
    let entry = std::path::absolute(&options.entry).unwrap_or(options.entry.clone());
    let key = match modules::resolve(&entry.display().to_string(), None) {
        Ok(key) => key,
        Err(error) => {
            say!("error: {error}");
            return ExitCode::from(1);
        }
    };
    let scheduler = match Scheduler::start(options.concurrency) {
        Ok(scheduler) => scheduler,
        Err(e) => {
            say!("error: cannot start the scheduler: {e}");
            return ExitCode::from(70);
        }
    };
    let info = Arc::new(api::Info {
        script: modules::display_key(&key),
        argv: options.args,
        concurrency: scheduler.concurrency(),
        expose_gc: options.expose_gc,
    });
    // Before any realm: the realms made on this thread get their engine timers on its loop.
    let engine_loop = EngineLoop::main();
    let labelled = options.realms > 1;
    offload::configure(&scheduler, info.clone(), options.realms);
    let realms: Vec<Arc<Realm>> = (0..options.realms)
        .map(|id| Realm::new(id, scheduler.clone(), labelled))
        .collect();
    let reported = options.stats.then(|| (scheduler.clone(), realms.clone()));
    let watched = crate::signals::watch(move || {
        if let Some((scheduler, realms)) = reported {
            // A realm may be in a long task: its heap's size would wait for its lock.
            say_stats(&scheduler, &realms, false);
        }
    });
    if let Err(e) = watched {
        say!("warning: cannot watch for SIGINT and SIGTERM: {e}");
    }
    for realm in realms.iter().skip(1) {
        let (started, info, key) = (realm.clone(), info.clone(), key.clone());
        realm.push(Priority::High, move |scope| {
            started.start(scope, &info, &key)
        });
    }
    let started = realms[0].clone();
    realms[0].run_here(move |scope| started.start(scope, &info, &key));
    run_engine_timers_until_idle(&scheduler, engine_loop);
    scheduler.run_until_idle();
    if options.stats {
        say_stats(&scheduler, &realms, true);
    }
    let code = if scheduler.panicked() {
        say!("error: nexus hit an internal error (printed above); please report it");
        70
    } else {
        let pooled = offload::realms();
        realms
            .iter()
            .chain(&pooled)
            .map(|r| r.exit_code())
            .max()
            .unwrap_or(0)
    };
    let _ = crate::io::stdout::flush();
    // The process is about to exit: tearing the VMs down would only cost time.
    std::mem::forget(realms);
    ExitCode::from(code)
}

impl Realm {
    /// Installs the Nexus globals; false (reported) if they failed.
    pub(super) fn install<'s>(&self, scope: &'s Scope<'s>, info: &api::Info) -> bool {
        let installed = api::install(scope, info, self.id)
            .map(|dispatch| Dispatch::new(dispatch.value().protect()));
        match installed {
            Ok(dispatch) => {
                let _ = self.dispatch.set(dispatch);
                true
            }
            Err(error) => {
                say!(
                    "error: the Nexus globals failed to install: {}",
                    report::render(error)
                );
                self.failures.uncaught(error);
                false
            }
        }
    }

    fn start<'s>(self: &Arc<Self>, scope: &'s Scope<'s>, info: &api::Info, key: &str) {
        if !self.install(scope, info) {
            return;
        }
        let promise = scope.load_module(key);
        let on_rejected = scope.function("reportEntryFailure", |scope, _this, args| {
            let error = args.first().copied().unwrap_or_else(|| scope.undefined());
            if let Some(realm) = current() {
                realm.failures.entry_failed(error);
            }
            Ok(scope.undefined())
        });
        // Through the then() read before any program ran, not the promise's own `then`.
        let watched = self.call_on(
            scope,
            Callback::PromiseThen,
            promise,
            &[scope.undefined(), on_rejected.value()],
        );
        if let Err(error) = watched {
            self.failures.uncaught(error);
        }
        *self.entry.lock().unwrap_or_else(|e| e.into_inner()) = Some(promise.value().protect());
    }
}

/// The --stats report: the scheduler's, then each realm's (the offload pool's too).
fn say_stats(scheduler: &Scheduler, realms: &[Arc<Realm>], heap: bool) {
    say!("{}", scheduler.stats().render().trim_end());
    for realm in realms.iter().chain(&offload::realms()) {
        realm.say_stats(heap);
    }
}

impl Realm {
    fn say_stats(&self, heap: bool) {
        let id = self.id;
        say!(
            "  realm {id} JS tasks: {}",
            self.js_tasks.load(Ordering::Relaxed)
        );
        say!("  realm {id} promise jobs: {}", self.context.jobs_queued());
        if heap {
            say!(
                "  realm {id} heap: {:.1} MiB",
                self.heap_bytes() as f64 / (1 << 20) as f64
            );
        }
    }
}

/// The realms above were made on this thread, the engine's main thread, so their engine timers
/// (garbage collection while idle, incremental sweeping) fire on its loop: it runs until the
/// program is idle.
fn run_engine_timers_until_idle(scheduler: &Scheduler, engine_loop: EngineLoop) {
    scheduler.on_idle(move || engine_loop.stop());
    EngineLoop::run_current();
}
