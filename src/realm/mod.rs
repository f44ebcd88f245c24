//! A realm: one JSC VM (a [`Context`]) with its globals and its own module graph, sharing the
//! process's scheduler.
//!
//! JS inside a realm runs one task at a time, on whichever worker is draining the realm's lane
//! (see `lane.rs`); that is what makes variables shared between callbacks safe without atomics.
//! Native work runs on every worker meanwhile. There is no parallel JS inside one realm.
//!
//! Layer: a realm uses the scheduler, `io` (stdout) and `modules` (the engine's module hooks).
//! Its globals come from above through the injected [`Globals`], and JS is called back through
//! [`Callback`]s each layer declares: nothing here names `net`, `api` or `runtime`
//! (tests/layers.rs keeps it so).

mod dispatch;
mod failures;
mod globals;
mod host;
mod idle;
mod lane;
mod report;
mod start;
mod stats;
mod strings;
mod timers;

pub use dispatch::{Callback, Completion};
pub use globals::{Globals, install_globals};
pub use report::stack_frames;

use crate::scheduler::{Fire, Priority, Scheduler};
use dispatch::Dispatch;
use failures::Failures;
use javascriptcore_sys::{Context, JsResult, Object, Protected, Scope, Value};
use lane::Lane;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

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
    idle: idle::IdleCollector,
    lock_nanos: Arc<AtomicU64>,
    js_tasks: AtomicU64,
    polling_deferred: AtomicBool,
    entry: Mutex<Option<Protected>>,
    /// Set once console.js is loaded: it prints every console line from then on.
    pub console_in_js: AtomicBool,
    /// Strings handed to JS with every request (see strings.rs).
    pub strings: strings::Strings,
}

thread_local! {
    /// The realm whose lane this thread is draining.
    static CURRENT: RefCell<Option<Arc<Realm>>> = const { RefCell::new(None) };
}

/// The realm running JS on this thread (every op and engine hook runs inside a lane drain).
pub fn current() -> Option<Arc<Realm>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Like [`current`], without taking a reference (for paths run between tasks).
pub fn with_current<R>(f: impl FnOnce(&Realm) -> R) -> Option<R> {
    CURRENT.with(|c| c.borrow().as_deref().map(f))
}

impl Realm {
    /// `labelled`: failures name the realm (when several run).
    pub fn new(id: u32, scheduler: Scheduler, labelled: bool) -> Arc<Realm> {
        let lock_nanos = scheduler.stats().realm_lock_timer(id as usize);
        let label = if labelled {
            format!("realm {id}: ")
        } else {
            String::new()
        };
        Arc::new(Realm {
            id,
            context: Context::new(),
            scheduler,
            lane: Lane::default(),
            failures: Failures::new(label),
            dispatch: OnceLock::new(),
            due_timers: Mutex::new(Vec::new()),
            timer_fire: OnceLock::new(),
            idle: idle::IdleCollector::default(),
            lock_nanos,
            js_tasks: AtomicU64::new(0),
            polling_deferred: AtomicBool::new(false),
            console_in_js: AtomicBool::new(false),
            entry: Mutex::new(None),
            strings: strings::Strings::default(),
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
    pub fn run_here(self: &Arc<Self>, task: impl for<'s> FnOnce(&'s Scope<'s>) + Send + 'static) {
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
        let turn = self.scheduler.js_turn();
        CURRENT.with(|c| *c.borrow_mut() = Some(self.clone()));
        {
            let scope = self.context.enter();
            while let Some(task) = self.lane.pop() {
                self.js_tasks.fetch_add(1, Ordering::Relaxed);
                self.note_task();
                task(&scope);
                self.run_microtasks(&scope);
                if Lane::batch_over(started) {
                    break;
                }
            }
            self.poll_deferred_work(&scope);
        }
        // What the batch printed goes out now (see io::stdout); a closed stdout is not an error.
        let _ = crate::io::stdout::flush();
        CURRENT.with(|c| c.borrow_mut().take());
        self.lock_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        // This turn ends before the next drain is queued: a worker that takes that drain at once
        // would otherwise count as a second realm running JS, and start a worker too many.
        drop(turn);
        if self.lane.finish() {
            self.queue_drain();
        }
    }

    /// Runs the promise jobs queued since the last run, if any, then reports rejections left
    /// unhandled (after each task, and from JS through `dispatch.runMicrotasks`).
    pub fn run_microtasks<'s>(&self, scope: &'s Scope<'s>) {
        scope.drain_microtasks();
        self.failures.report_unhandled(scope);
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

    /// A one-byte view JS reads to learn whether unhandled rejections wait to be reported.
    pub fn rejection_flag<'s>(&self, scope: &'s Scope<'s>) -> JsResult<'s, Object<'s>> {
        scope.flag_view(self.failures.waiting())
    }

    pub fn report_uncaught(&self, error: Value<'_>) {
        self.failures.uncaught(error);
    }
}
