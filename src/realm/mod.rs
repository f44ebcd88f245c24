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
use crate::say::say;
use crate::scheduler::{Fire, Priority, Scheduler, TimerKey};
use failures::Failures;
use javascriptcore_sys::{Context, JsResult, PromiseState, Protected, Scope, Value};
use lane::Lane;
use std::cell::RefCell;
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
    /// The JS side's callbacks, set once the globals are installed.
    dispatch: OnceLock<Dispatch>,
    /// JS ids of timers that came due, waiting for the lane task that fires them in order.
    /// Invariant: a lane task to fire them is queued whenever this is non-empty.
    due_timers: Mutex<Vec<u64>>,
    /// The one reactor callback all of this realm's JS timers share.
    timer_fire: OnceLock<Fire>,
    /// Set by the engine's hook when a promise job is queued; lets tasks that queued none skip
    /// the drain.
    microtasks_queued: AtomicBool,
    lock_nanos: Arc<AtomicU64>,
    promise_jobs: AtomicU64,
    js_tasks: AtomicU64,
    polling_deferred: AtomicBool,
    entry: Mutex<Option<Protected>>,
}

/// The JS functions native code calls back into (see api/js/). Each is read off the dispatch
/// object when first needed: by then the part defining it has loaded, because only that part
/// queues the work that calls it (a timer, a task, a native operation).
struct Dispatch {
    object: Protected,
    fire_timers: OnceLock<Protected>,
    run_task: OnceLock<Protected>,
    settle: OnceLock<Protected>,
}

impl Dispatch {
    fn function<'s>(
        &self,
        scope: &'s Scope<'s>,
        slot: &OnceLock<Protected>,
        name: &str,
    ) -> JsResult<'s, Value<'s>> {
        if let Some(function) = slot.get() {
            return Ok(function.get(scope));
        }
        let function = self.object.get(scope).to_object()?.get(name)?;
        let _ = slot.set(function.protect());
        Ok(function)
    }
}

/// Timer ids handed to JS per call (numbers only: no GC values wait in Rust's heap).
const TIMERS_PER_CALL: usize = 4096;

thread_local! {
    /// The realm whose lane this thread is draining.
    static CURRENT: RefCell<Option<Arc<Realm>>> = const { RefCell::new(None) };
}

/// The realm running JS on this thread (every op and engine hook runs inside a lane drain).
pub fn current() -> Option<Arc<Realm>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Like [`current`], without taking a reference (for per-promise-job paths).
pub fn with_current<R>(f: impl FnOnce(&Realm) -> R) -> Option<R> {
    CURRENT.with(|c| c.borrow().as_deref().map(f))
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
    fn new(id: u32, scheduler: Scheduler) -> Arc<Realm> {
        let lock_nanos = scheduler.stats().realm_lock_timer(id as usize);
        Arc::new(Realm {
            id,
            context: Context::new(),
            scheduler,
            lane: Lane::default(),
            failures: Failures::default(),
            dispatch: OnceLock::new(),
            due_timers: Mutex::new(Vec::new()),
            timer_fire: OnceLock::new(),
            microtasks_queued: AtomicBool::new(false),
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

    /// Runs `task` on this thread, as the lane's first drain. The entry module starts on the
    /// thread that made the VM, whose engine state is warm: a worker's first JS costs more.
    fn run_here(self: &Arc<Self>, task: impl for<'s> FnOnce(&'s Scope<'s>) + Send + 'static) {
        if self.lane.push(Priority::High, Box::new(task)) {
            self.clone().drain();
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
                self.run_microtasks(&scope);
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

    /// Runs the promise jobs the last task queued, then reports rejections left unhandled.
    fn run_microtasks<'s>(&self, scope: &'s Scope<'s>) {
        if self.microtasks_queued.swap(false, Ordering::Relaxed) {
            scope.drain_microtasks();
            self.failures.report_unhandled(scope);
        }
    }

    /// Engine work finishing off-thread (WebAssembly compiles) is polled every millisecond while
    /// any is outstanding; the poll's timer keeps the runtime alive meanwhile.
    fn poll_deferred_work<'s>(self: &Arc<Self>, scope: &'s Scope<'s>) {
        let outstanding = scope.run_deferred_work();
        self.run_microtasks(scope);
        if outstanding && !self.polling_deferred.swap(true, Ordering::SeqCst) {
            let realm = self.clone();
            self.scheduler
                .timer(Duration::from_millis(1), None, move |_| {
                    realm.polling_deferred.store(false, Ordering::SeqCst);
                    realm.push(Priority::High, |_| {});
                });
        }
    }

    fn start<'s>(self: &Arc<Self>, scope: &'s Scope<'s>, info: &api::Info, key: &str) {
        let installed = api::install(scope, info).map(|dispatch| Dispatch {
            object: dispatch.value().protect(),
            fire_timers: OnceLock::new(),
            run_task: OnceLock::new(),
            settle: OnceLock::new(),
        });
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

    /// Calls the dispatch function `name` (cached in `slot`) and gives its result; an exception
    /// is reported as uncaught (and gives None).
    fn call<'s>(
        &self,
        scope: &'s Scope<'s>,
        slot: fn(&Dispatch) -> &OnceLock<Protected>,
        name: &str,
        args: &[Value<'s>],
    ) -> Option<Value<'s>> {
        let dispatch = self.dispatch.get()?;
        let called = dispatch
            .function(scope, slot(dispatch), name)
            .and_then(|f| f.to_object())
            .and_then(|f| f.call(None, args));
        called.map_err(|error| self.failures.uncaught(error)).ok()
    }

    /// Runs the realm's queued JS tasks (`dispatch.enqueue`), each with its promise jobs before
    /// the next, until the queue is empty or the batch's time is up (then a new lane task
    /// continues).
    pub fn run_js_tasks<'s>(self: &Arc<Self>, scope: &'s Scope<'s>) {
        let started = Instant::now();
        loop {
            self.js_tasks.fetch_add(1, Ordering::Relaxed);
            let more = self
                .call(scope, |d| &d.run_task, "runTask", &[])
                .is_none_or(|v| v.to_bool());
            self.run_microtasks(scope);
            if !more {
                return;
            }
            if Lane::batch_over(started) {
                let run = self.clone();
                self.push(Priority::Low, move |scope| run.run_js_tasks(scope));
                return;
            }
        }
    }

    /// Runs `job` as a native task, off the realm's lock and in parallel with JS; then, back on
    /// the lane (at I/O-completion priority), settles the JS promise `id` with what `deliver`
    /// makes of the result, or rejects it with what `deliver` throws.
    pub fn complete<T: Send + 'static>(
        self: &Arc<Self>,
        id: f64,
        job: impl FnOnce() -> T + Send + 'static,
        deliver: impl for<'s> FnOnce(&'s Scope<'s>, T) -> JsResult<'s, Value<'s>> + Send + 'static,
    ) {
        let realm = self.clone();
        self.scheduler.spawn(Priority::Low, move || {
            let out = job();
            let settle = realm.clone();
            realm.push(Priority::High, move |scope| {
                let (ok, value) = match deliver(scope, out) {
                    Ok(value) => (true, value),
                    Err(error) => (false, error),
                };
                settle.call(
                    scope,
                    |d| &d.settle,
                    "settle",
                    &[scope.number(id), scope.boolean(ok), value],
                );
            });
        });
    }

    pub fn report_uncaught(&self, error: Value<'_>) {
        self.failures.uncaught(error);
    }

    /// Arms JS timer `id`; when due, its callback is queued. The key cancels it.
    pub fn arm_timer(
        self: &Arc<Self>,
        id: u64,
        delay: Duration,
        interval: Option<Duration>,
    ) -> TimerKey {
        let fire = self.timer_fire.get_or_init(|| {
            // Weak: the realm owns this closure (through the OnceLock), not the other way round.
            let realm = Arc::downgrade(self);
            Arc::new(move |_key, id| {
                if let Some(realm) = realm.upgrade() {
                    realm.timer_due(id);
                }
            })
        });
        self.scheduler.tagged_timer(delay, interval, fire, id)
    }

    fn timer_due(self: &Arc<Self>, id: u64) {
        let mut due = self.due_timers.lock().unwrap_or_else(|e| e.into_inner());
        due.push(id);
        if due.len() == 1 {
            let fire = self.clone();
            self.push(Priority::Low, move |scope| fire.fire_due_timers(scope));
        }
    }

    pub fn disarm_timer(&self, key: TimerKey) {
        self.scheduler.cancel_timer(key);
    }

    /// Runs the promise jobs queued since the last time, if any (for `ops.runMicrotasks`).
    pub fn run_microtasks_now<'s>(&self, scope: &'s Scope<'s>) {
        self.run_microtasks(scope);
    }

    /// Fires the timers that came due, in order, each with its promise jobs run before the next
    /// (as Node runs microtasks between timer callbacks).
    /// Timers that come due meanwhile are fired by the same task, without another lock cycle.
    fn fire_due_timers<'s>(&self, scope: &'s Scope<'s>) {
        let started = Instant::now();
        let mut due = Vec::new();
        loop {
            std::mem::swap(
                &mut due,
                &mut *self.due_timers.lock().unwrap_or_else(|e| e.into_inner()),
            );
            if due.is_empty() {
                return;
            }
            // A chunk of ids per call into JS, which fires them in order and runs each one's
            // promise jobs (ops.runMicrotasks) before the next: one engine entry per chunk.
            for chunk in due.chunks(TIMERS_PER_CALL) {
                let ids: Vec<Value> = chunk.iter().map(|&id| scope.number(id as f64)).collect();
                match scope.array(&ids) {
                    Ok(ids) => {
                        self.call(scope, |d| &d.fire_timers, "fireTimers", &[ids.value()]);
                    }
                    Err(error) => self.failures.uncaught(error),
                }
                self.run_microtasks(scope);
            }
            due.clear();
            if Lane::batch_over(started) {
                break;
            }
        }
        // Out of time with timers still due: their lane task is owed (see `due_timers`).
        let realm = current().expect("timers fire in their realm");
        if !self
            .due_timers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
        {
            let again = realm.clone();
            realm.push(Priority::Low, move |scope| again.fire_due_timers(scope));
        }
    }

    fn exit_code(&self) -> u8 {
        let scope = self.context.enter();
        let entry = self.entry.lock().unwrap_or_else(|e| e.into_inner());
        let pending = entry.as_ref().and_then(|p| p.get(&scope).promise_state())
            == Some(PromiseState::Pending);
        if pending && !self.failures.any() {
            say!(
                "error: top-level await in the entry module never settled: nothing is left that could settle it"
            );
            return 13;
        }
        u8::from(self.failures.any())
    }
}
