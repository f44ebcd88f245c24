//! Running a program: the entry module in each of `--realms` realms (realm 0 on the main
//! thread, the others on the pool), until nothing is left to do in any of them.

use super::offload;
use super::stats::say_stats;
use crate::api;
use crate::modules;
use crate::process::{self, exit, signals};
use crate::realm::{self, Realm};
use crate::say::say;
use crate::scheduler::{Priority, Scheduler};
use javascriptcore_sys::EngineLoop;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

pub struct Options {
    pub entry: PathBuf,
    pub args: Vec<String>,
    pub concurrency: usize,
    pub realms: u32,
    pub stats: bool,
    pub expose_gc: bool,
}

/// Runs the entry module until nothing is left to do and gives the process's exit code:
/// `Nexus.exitCode` (else 0), or 1
/// after an uncaught exception or unhandled rejection, or 13 when top-level await never settled
/// (as Node), or 70 after an internal error.
pub fn run(options: Options) -> ExitCode {
    process::started();
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
    let info = api::Info {
        script: modules::display_key(&key),
        argv: options.args,
        concurrency: scheduler.concurrency(),
        expose_gc: options.expose_gc,
    };
    let pool = offload::configure(&scheduler, options.realms);
    realm::install_globals(api::configure(info, pool));
    // Before any realm: the realms made on this thread get their engine timers on its loop.
    let engine_loop = EngineLoop::main();
    let labelled = options.realms > 1;
    let realms: Vec<Arc<Realm>> = (0..options.realms)
        .map(|id| Realm::new(id, scheduler.clone(), labelled))
        .collect();
    if options.stats {
        let (scheduler, realms) = (scheduler.clone(), realms.clone());
        // A realm may be in a long task: its heap's size would wait for its lock.
        exit::set_last_words(move || say_stats(&scheduler, &realms, false));
    }
    if let Err(e) = signals::watch() {
        say!("warning: cannot watch for signals: {e}");
    }
    for realm in realms.iter().skip(1) {
        let (started, key) = (realm.clone(), key.clone());
        realm.push(Priority::High, move |scope| started.start(scope, &key));
    }
    let started = realms[0].clone();
    realms[0].run_here(move |scope| started.start(scope, &key));
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
        let failed = realms.iter().chain(&pooled).map(|r| r.exit_code()).max();
        // The program's own code (`Nexus.exitCode`) stands when nothing failed.
        match failed.unwrap_or(0) {
            0 => exit::code().unwrap_or(0),
            failed => failed,
        }
    };
    let _ = crate::io::stdout::flush();
    // The process is about to exit: tearing the VMs down would only cost time.
    std::mem::forget(realms);
    ExitCode::from(code)
}

/// The realms above were made on this thread, the engine's main thread, so their engine timers
/// (garbage collection while idle, incremental sweeping) fire on its loop: it runs until the
/// program is idle.
fn run_engine_timers_until_idle(scheduler: &Scheduler, engine_loop: EngineLoop) {
    scheduler.on_idle(move || engine_loop.stop());
    EngineLoop::run_current();
}
