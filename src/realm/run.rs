//! Running a program: the entry module in realm 0, until nothing is left to do.

use super::{Dispatch, Realm, current, host, report};
use crate::api;
use crate::modules;
use crate::say::say;
use crate::scheduler::Scheduler;
use javascriptcore_sys::Scope;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;

pub struct Options {
    pub entry: PathBuf,
    pub args: Vec<String>,
    pub concurrency: usize,
    pub stats: bool,
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
    let info = api::Info {
        script: modules::display_key(&key),
        argv: options.args,
        concurrency: scheduler.concurrency(),
    };
    let realm = Realm::new(0, scheduler.clone());
    let started = realm.clone();
    realm.run_here(move |scope| started.start(scope, &info, &key));
    scheduler.run_until_idle();
    if options.stats {
        say!("{}", scheduler.stats().render().trim_end());
        say!(
            "  realm {} JS tasks: {}",
            realm.id,
            realm.js_tasks.load(Ordering::Relaxed)
        );
        say!(
            "  realm {} promise jobs: {}",
            realm.id,
            realm.promise_jobs.load(Ordering::Relaxed)
        );
    }
    let code = if scheduler.panicked() {
        say!("error: nexus hit an internal error (printed above); please report it");
        70
    } else {
        realm.exit_code()
    };
    // The process is about to exit: tearing the VM down would only cost time.
    std::mem::forget(realm);
    ExitCode::from(code)
}

impl Realm {
    fn start<'s>(self: &Arc<Self>, scope: &'s Scope<'s>, info: &api::Info, key: &str) {
        let installed =
            api::install(scope, info).map(|dispatch| Dispatch::new(dispatch.value().protect()));
        match installed {
            Ok(dispatch) => {
                let _ = self.dispatch.set(dispatch);
            }
            Err(error) => {
                say!(
                    "error: the Nexus globals failed to install: {}",
                    report::render(error)
                );
                self.failures.uncaught(error);
                return;
            }
        }
        let promise = scope.load_module(key);
        let on_rejected = scope.function("reportEntryFailure", |scope, _this, args| {
            let error = args.first().copied().unwrap_or_else(|| scope.undefined());
            say!("error: {}", report::render(error));
            if let Some(realm) = current() {
                realm.failures.mark();
            }
            Ok(scope.undefined())
        });
        let attached = promise
            .get("then")
            .and_then(|then| then.to_object())
            .and_then(|then| then.call(Some(promise), &[scope.undefined(), on_rejected.value()]));
        if let Err(error) = attached {
            self.failures.uncaught(error);
        }
        *self.entry.lock().unwrap_or_else(|e| e.into_inner()) = Some(promise.value().protect());
    }
}
