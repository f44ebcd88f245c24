//! A realm: one JSC VM (a [`Context`]) with the Nexus globals and its own module graph, sharing
//! the process's scheduler.
//!
//! JS inside a realm runs one task at a time, on whichever worker is draining the realm's lane
//! (see `lane.rs`); that is what makes variables shared between callbacks safe without atomics.
//! Native work runs on every worker meanwhile. There is no parallel JS inside one realm.

mod failures;
mod host;
mod lane;
mod report;

use crate::api;
use crate::modules;
use crate::scheduler::{Priority, Scheduler, TimerKey};
use failures::Failures;
use javascriptcore_sys::{Context, JsResult, PromiseState, Protected, Scope, Value};
use lane::Lane;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub struct Options {
    pub entry: PathBuf,
    pub args: Vec<String>,
    pub concurrency: usize,
    pub stats: bool,
}

pub struct Realm {
    pub id: u32,
    context: Context,
    pub scheduler: Scheduler,
    lane: Lane,
    failures: Failures,
    /// The JS side's dispatcher (`fireTimer`, `runTask`), set once the globals are installed.
    dispatch: OnceLock<Protected>,
    /// JS timer id → armed timer.
    timers: Mutex<HashMap<u64, TimerKey>>,
    lock_nanos: Arc<AtomicU64>,
    promise_jobs: AtomicU64,
    js_tasks: AtomicU64,
    polling_deferred: AtomicBool,
    entry: Mutex<Option<Protected>>,
}

thread_local! {
    /// The realm whose lane this thread is draining.
    static CURRENT: RefCell<Option<Arc<Realm>>> = const { RefCell::new(None) };
}

/// The realm running JS on this thread (every op and engine hook runs inside a lane drain).
pub fn current() -> Option<Arc<Realm>> {
    CURRENT.with(|c| c.borrow().clone())
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
            eprintln!("error: {error}");
            return ExitCode::from(1);
        }
    };
    let scheduler = match Scheduler::start(options.concurrency) {
        Ok(scheduler) => scheduler,
        Err(e) => {
            eprintln!("error: cannot start the scheduler: {e}");
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
    realm.push(Priority::High, move |scope| {
        started.start(scope, &info, &key)
    });
    scheduler.run_until_idle();
    if options.stats {
        eprint!("{}", scheduler.stats().render());
        eprintln!(
            "  realm {} JS tasks: {}",
            realm.id,
            realm.js_tasks.load(Ordering::Relaxed)
        );
        eprintln!(
            "  realm {} promise jobs: {}",
            realm.id,
            realm.promise_jobs.load(Ordering::Relaxed)
        );
    }
    let code = realm.exit_code();
    // The process is about to exit: tearing the VM down would only cost time.
    std::mem::forget(realm);
    ExitCode::from(code)
}

impl Realm {
    fn new(id: u32, scheduler: Scheduler) -> Arc<Realm> {
        let lock_nanos = scheduler.stats().realm_lock_timer(id as usize);
        Arc::new(Realm {
            id,
            context: Context::new(),
            scheduler,
            lane: Lane::default(),
            failures: Failures::default(),
            dispatch: OnceLock::new(),
            timers: Mutex::new(HashMap::new()),
            lock_nanos,
            promise_jobs: AtomicU64::new(0),
            js_tasks: AtomicU64::new(0),
            polling_deferred: AtomicBool::new(false),
            entry: Mutex::new(None),
        })
    }

    /// Queues a JS task on this realm's lane.
    pub fn push(
        self: &Arc<Self>,
        priority: Priority,
        task: impl for<'s> FnOnce(&'s Scope<'s>) + Send + 'static,
    ) {
        if self.lane.push(priority, Box::new(task)) {
            self.queue_drain();
        }
    }

    fn queue_drain(self: &Arc<Self>) {
        let realm = self.clone();
        self.scheduler.spawn(Priority::High, move || realm.drain());
    }

    /// Holds the lock for a batch of tasks; each task's promise jobs run before the next task.
    fn drain(self: Arc<Self>) {
        let started = Instant::now();
        CURRENT.with(|c| *c.borrow_mut() = Some(self.clone()));
        {
            let scope = self.context.enter();
            while let Some(task) = self.lane.pop() {
                self.js_tasks.fetch_add(1, Ordering::Relaxed);
                task(&scope);
                scope.drain_microtasks();
                self.failures.report_unhandled(&scope);
                if Lane::batch_over(started) {
                    break;
                }
            }
            self.poll_deferred_work(&scope);
        }
        CURRENT.with(|c| c.borrow_mut().take());
        self.lock_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        if self.lane.finish() {
            self.queue_drain();
        }
    }

    /// Engine work finishing off-thread (WebAssembly compiles) is polled every millisecond while
    /// any is outstanding; the poll's timer keeps the runtime alive meanwhile.
    fn poll_deferred_work<'s>(self: &Arc<Self>, scope: &'s Scope<'s>) {
        let outstanding = scope.run_deferred_work();
        scope.drain_microtasks();
        if outstanding && !self.polling_deferred.swap(true, Ordering::SeqCst) {
            let realm = self.clone();
            self.scheduler
                .timer(Duration::from_millis(1), None, move || {
                    realm.polling_deferred.store(false, Ordering::SeqCst);
                    realm.push(Priority::High, |_| {});
                });
        }
    }

    fn start<'s>(self: &Arc<Self>, scope: &'s Scope<'s>, info: &api::Info, key: &str) {
        match api::install(scope, info) {
            Ok(dispatch) => {
                let _ = self.dispatch.set(dispatch.value().protect());
            }
            Err(error) => {
                eprintln!(
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
            eprintln!("error: {}", report::render(error));
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

    /// Calls the JS dispatcher's `name(args…)`; an exception is reported as uncaught.
    pub fn dispatch<'s>(&self, scope: &'s Scope<'s>, name: &str, args: &[Value<'s>]) {
        let Some(dispatch) = self.dispatch.get() else {
            return;
        };
        let call = || -> JsResult<'s, Value<'s>> {
            let target = dispatch.get(scope).to_object()?;
            target.get(name)?.to_object()?.call(Some(target), args)
        };
        if let Err(error) = call() {
            self.failures.uncaught(error);
        }
    }

    pub fn report_uncaught(&self, error: Value<'_>) {
        self.failures.uncaught(error);
    }

    /// Arms JS timer `id`: after `delay`, and every `interval` if given, its callback is queued.
    pub fn arm_timer(self: &Arc<Self>, id: u64, delay: Duration, interval: Option<Duration>) {
        let realm = self.clone();
        let key = self.scheduler.timer(delay, interval, move || {
            realm.push(Priority::Low, move |scope| {
                let realm = current().expect("timer tasks run in their realm");
                if interval.is_none() {
                    realm
                        .timers
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&id);
                }
                realm.dispatch(scope, "fireTimer", &[scope.number(id as f64)]);
            });
        });
        self.timers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, key);
    }

    pub fn disarm_timer(&self, id: u64) {
        if let Some(key) = self
            .timers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id)
        {
            self.scheduler.cancel_timer(key);
        }
    }

    fn exit_code(&self) -> u8 {
        let scope = self.context.enter();
        let entry = self.entry.lock().unwrap_or_else(|e| e.into_inner());
        let pending = entry.as_ref().and_then(|p| p.get(&scope).promise_state())
            == Some(PromiseState::Pending);
        if pending && !self.failures.any() {
            eprintln!(
                "error: top-level await in the entry module never settled: nothing is left that could settle it"
            );
            return 13;
        }
        u8::from(self.failures.any())
    }
}
