//! The thread pool: workers that run jobs from the queues, started while work is queued (up to
//! the concurrency limit) and retired after an idle spell. An idle worker drives the reactor
//! (blocks in its poll) if no other worker does, else sleeps on a condition variable.
//!
//! Invariants:
//! - No lost wake-up. A worker going to sleep first counts itself in `sleepers` (or marks the
//!   driver parked), then re-checks the queues; a pusher first enqueues, then reads `sleepers`
//!   and `parked`. Both sides put a SeqCst fence between their two steps, so either the sleeper
//!   sees the job or the pusher sees the sleeper (and notifies it, or wakes the driver).
//! - Somebody polls while a job runs. A worker sleeps only after seeing the driver held (it
//!   counts itself in `sleepers` first); one that lets the driver go after a poll wakes a
//!   sleeper, and one that starts a job while nobody drives wakes a sleeper or else starts a
//!   worker (within the limit) to take the driver.
//! - `pending` counts queued and running jobs plus every [`Hold`] (armed timers, open I/O); the
//!   runtime is idle when it reaches zero (see hold.rs).
//! - Work starts a worker only while `alive < max_threads`. Beyond that, the lookout (see
//!   lookout.rs) starts one while `alive < max_threads + (in_js - 1)`, once the same JS turns
//!   have held every worker for its stall time: every realm running JS beyond the first may then
//!   have a worker more, and native work (sockets, files) does not wait behind several realms'
//!   long JS tasks; the extra workers retire after their idle spell. With one realm the limit is
//!   `max_threads`, so `--concurrency 1` still runs one task at a time.

use super::hold::{Hold, Pending};
use super::lookout::Lookout;
use super::queue::{Local, Queues};
use super::reactor::{Reactor, Turn};
use super::stats::Stats;
use super::task::{Job, Priority};
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering, fence};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long a worker waits for work before it retires (unless it is on standby).
const IDLE_SPELL: Duration = Duration::from_millis(1000);
/// Workers kept after an idle spell, so the next burst starts without a thread spawn.
const STANDBY: usize = 1;
/// The most times an idle worker yields and looks again before it sleeps (see `spin_for_work`).
const SPINS: usize = 50;

pub struct Pool {
    queues: Queues,
    pub reactor: Reactor,
    max_threads: usize,
    /// Workers alive (see the invariant above).
    alive: AtomicUsize,
    /// Workers running a realm's JS (a [`JsTurn`] each).
    in_js: AtomicUsize,
    /// JS turns taken plus JS turns ended: unchanged over a while, the same turns ran throughout.
    js_turn_changes: AtomicU64,
    lookout: Arc<Lookout>,
    /// Yields the next idle spin may take, 1..=SPINS: all of them after a spin that found work,
    /// half as many after one that did not.
    spin_budget: AtomicUsize,
    sleepers: AtomicUsize,
    sleep: Mutex<()>,
    wake: Condvar,
    pending: Arc<Pending>,
    stopping: AtomicBool,
    panicked: AtomicBool,
    pub stats: Stats,
}

thread_local! {
    /// The current worker's deques, so jobs spawned by a job stay local (and get stolen if idle
    /// workers are around).
    static LOCAL: RefCell<Option<(*const Pool, Local)>> = const { RefCell::new(None) };
    /// While this worker runs a corked task (see `Pool::corked`): the jobs it held back.
    static CORKED: RefCell<Option<Vec<(Priority, Job)>>> = const { RefCell::new(None) };
    /// While this worker polls the reactor, which runs the callbacks of what is ready or due:
    /// whether one of them spawned a job yet. The first is this worker's own next job, so it
    /// starts no thread.
    static DISPATCHING: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Polls the reactor for at most `wait` (see `Turn::poll`) with `DISPATCHING` set; gives whether
/// anything was ready, due or woken.
fn poll(turn: &mut Turn<'_>, wait: Duration) -> bool {
    struct Done;
    impl Drop for Done {
        fn drop(&mut self) {
            DISPATCHING.with(|d| d.set(None));
        }
    }
    DISPATCHING.with(|d| d.set(Some(false)));
    let _done = Done;
    turn.poll(wait)
}

/// False for the first job the polling worker's callbacks spawn (it runs that one itself).
fn needs_thread() -> bool {
    DISPATCHING.with(|d| match d.get() {
        Some(false) => {
            d.set(Some(true));
            false
        }
        _ => true,
    })
}

/// Held by a worker while it runs a realm's JS (see `in_js`).
pub struct JsTurn(Arc<Pool>);

impl Drop for JsTurn {
    fn drop(&mut self) {
        self.0.in_js.fetch_sub(1, Ordering::SeqCst);
        self.0.js_turn_changes.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.lookout.stop();
    }
}

impl Pool {
    pub fn new(max_threads: usize) -> std::io::Result<Arc<Pool>> {
        Ok(Arc::new(Pool {
            queues: Queues::new(),
            reactor: Reactor::new()?,
            max_threads: max_threads.max(1),
            alive: AtomicUsize::new(0),
            in_js: AtomicUsize::new(0),
            js_turn_changes: AtomicU64::new(0),
            lookout: Arc::default(),
            spin_budget: AtomicUsize::new(SPINS),
            sleepers: AtomicUsize::new(0),
            sleep: Mutex::new(()),
            wake: Condvar::new(),
            pending: Arc::default(),
            stopping: AtomicBool::new(false),
            panicked: AtomicBool::new(false),
            stats: Stats::default(),
        }))
    }

    /// True once a job panicked (an internal error).
    pub fn panicked(&self) -> bool {
        self.panicked.load(Ordering::SeqCst)
    }

    pub fn max_threads(&self) -> usize {
        self.max_threads
    }

    /// Queues `job`; from a worker it goes to that worker's deque, otherwise to the injector.
    pub fn spawn(self: &Arc<Pool>, priority: Priority, job: Job) {
        let pending = self.pending.add();
        self.stats.pending(pending);
        let me = Arc::as_ptr(self);
        let job = LOCAL.with(|local| match &*local.borrow() {
            Some((pool, local)) if *pool == me => {
                Queues::push_local(local, priority, job);
                None
            }
            _ => Some(job),
        });
        if let Some(job) = job {
            self.queues.push_global(priority, job);
        }
        fence(Ordering::SeqCst);
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            self.notify_sleeper();
        } else if self.reactor.parked() {
            self.reactor.wake();
        } else if needs_thread() {
            self.start_worker_if_allowed();
        }
    }

    /// Runs `task`, holding back the jobs it spawns with `spawn_after_task` until it returns, so
    /// that what one JS task writes to a socket goes out in one send (a response's head, body
    /// and end), as Node corks a socket until the end of its tick.
    pub fn corked<R>(self: &Arc<Pool>, task: impl FnOnce() -> R) -> R {
        // Spawns what was held when the task ends, even by a panic: a held job that never ran
        // would keep the runtime from ever being idle.
        struct Uncork<'p>(&'p Arc<Pool>);
        impl Drop for Uncork<'_> {
            fn drop(&mut self) {
                let held = CORKED.with(|c| c.borrow_mut().take()).unwrap_or_default();
                for (priority, job) in held {
                    self.0.spawn(priority, job);
                }
            }
        }
        CORKED.with(|c| *c.borrow_mut() = Some(Vec::new()));
        let _uncork = Uncork(self);
        task()
    }

    /// Spawns `job` once the corked task running on this thread ends (at once outside one).
    pub fn spawn_after_task(self: &Arc<Pool>, priority: Priority, job: Job) {
        let job = CORKED.with(|c| match &mut *c.borrow_mut() {
            Some(held) => {
                held.push((priority, job));
                None
            }
            None => Some(job),
        });
        if let Some(job) = job {
            self.spawn(priority, job);
        }
    }

    fn notify_sleeper(&self) {
        let _guard = self.sleep.lock().unwrap_or_else(|e| e.into_inner());
        self.wake.notify_one();
    }

    /// Makes sure a worker exists to poll the reactor (a timer or I/O source before any job).
    pub fn ensure_worker(self: &Arc<Pool>) {
        if self.alive.load(Ordering::SeqCst) == 0 {
            self.start_worker_if_allowed();
        }
    }

    /// Counts the calling worker as running JS until the turn is dropped; once JS holds every
    /// worker, the lookout watches for a stall.
    pub fn js_turn(self: &Arc<Pool>) -> JsTurn {
        self.in_js.fetch_add(1, Ordering::SeqCst);
        self.js_turn_changes.fetch_add(1, Ordering::Relaxed);
        if self.js_holds_every_worker() {
            self.lookout.ask(self);
        }
        JsTurn(self.clone())
    }

    /// Two or more realms run JS and no worker is free of it.
    pub(super) fn js_holds_every_worker(&self) -> bool {
        let in_js = self.in_js.load(Ordering::SeqCst);
        in_js > 1 && in_js >= self.alive.load(Ordering::SeqCst)
    }

    pub(super) fn js_turn_changes(&self) -> u64 {
        self.js_turn_changes.load(Ordering::Relaxed)
    }

    /// Jobs are queued, or nobody polls the reactor.
    pub(super) fn native_work_waits(&self) -> bool {
        !self.queues.is_empty() || !self.reactor.driving()
    }

    pub fn hold(&self) -> Hold {
        Hold::new(&self.pending)
    }

    /// Blocks until no job is queued or running and nothing holds the runtime.
    pub fn wait_idle(&self) {
        self.pending.wait_idle();
    }

    /// Runs `f` once the runtime is idle (see `Pending::on_idle`).
    pub fn on_idle(&self, f: impl FnOnce() + Send + 'static) {
        self.pending.on_idle(f);
    }

    /// Lets every worker go; queued jobs are dropped.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.lookout.stop();
        self.reactor.wake();
        let _guard = self.sleep.lock().unwrap_or_else(|e| e.into_inner());
        self.wake.notify_all();
    }

    fn start_worker_if_allowed(self: &Arc<Pool>) {
        self.start_worker(false);
    }

    /// A worker beyond `max_threads` for the stall the lookout saw (see the invariants).
    pub(super) fn start_extra_worker(self: &Arc<Pool>) {
        self.start_worker(true);
    }

    fn start_worker(self: &Arc<Pool>, extra: bool) {
        let mut alive = self.alive.load(Ordering::SeqCst);
        loop {
            let limit = match extra {
                true => self.max_threads + self.in_js.load(Ordering::SeqCst).saturating_sub(1),
                false => self.max_threads,
            };
            if alive >= limit || self.stopping.load(Ordering::SeqCst) {
                return;
            }
            match self
                .alive
                .compare_exchange(alive, alive + 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => {
                    self.stats.alive(alive + 1);
                    break;
                }
                Err(now) => alive = now,
            }
        }
        let pool = self.clone();
        let number = self.stats.thread_started();
        let spawned = std::thread::Builder::new()
            .name(format!("nexus-worker-{number}"))
            .spawn(move || pool.work(number));
        if spawned.is_err() {
            // The OS refused a thread: the running workers still drain the queues.
            self.alive.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn work(self: Arc<Pool>, number: usize) {
        let local = self.queues.register();
        let counter = self.stats.worker_counter(number);
        LOCAL.with(|l| *l.borrow_mut() = Some((Arc::as_ptr(&self), local)));
        loop {
            let job = LOCAL.with(|l| {
                l.borrow()
                    .as_ref()
                    .and_then(|(_, local)| self.queues.pop(local))
            });
            if let Some(job) = job {
                if !self.reactor.driving() {
                    self.find_driver();
                }
                // A panicking job is a Nexus bug; the panic hook printed it. The worker and the
                // pending count must survive it, or the process would wait forever.
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).is_err() {
                    self.panicked.store(true, Ordering::SeqCst);
                }
                counter.fetch_add(1, Ordering::Relaxed);
                self.pending.finish_one();
                if self.reactor.overdue()
                    && let Some(turn) = self.reactor.try_drive()
                {
                    self.drive(turn, Duration::ZERO);
                }
                continue;
            }
            // Ready sockets are the likeliest next work; this worker then runs their jobs.
            if let Some(mut turn) = self.reactor.try_drive()
                && poll(&mut turn, Duration::ZERO)
            {
                drop(turn);
                self.hand_over_driver();
                continue;
            }
            if self.spin_for_work() {
                continue;
            }
            if self.stopping.load(Ordering::SeqCst) || self.park() {
                break;
            }
        }
        if let Some((_, local)) = LOCAL.with(|l| l.borrow_mut().take()) {
            self.queues.unregister(local);
        }
    }

    /// Looks for work a little longer before sleeping: in request/response traffic the next
    /// job usually comes within microseconds, and a futex sleep and wake-up costs more than that.
    /// Yielding, not busy-waiting, so a spinning worker never starves a runnable thread; and not
    /// at all while realms run JS on every core (a yield there preempts one of them). Where work
    /// comes slower than a spin (a client waiting on its peer), the budget shrinks to one yield,
    /// so the waiting burns no CPU; the first spin that finds work restores it.
    fn spin_for_work(&self) -> bool {
        // With JS running on every core, a spinning worker would only take CPU from it.
        if self.in_js.load(Ordering::Relaxed) >= self.max_threads {
            return false;
        }
        let budget = self.spin_budget.load(Ordering::Relaxed);
        for _ in 0..budget {
            if !self.queues.is_empty() {
                self.spin_budget.store(SPINS, Ordering::Relaxed);
                return true;
            }
            std::thread::yield_now();
        }
        self.spin_budget
            .store((budget / 2).max(1), Ordering::Relaxed);
        false
    }

    /// Polls the reactor with this worker for at most `wait`, then lets the driver go (see
    /// `hand_over_driver`); gives whether anything was ready, due or woken.
    fn drive(&self, mut turn: Turn<'_>, wait: Duration) -> bool {
        let active = poll(&mut turn, wait);
        drop(turn);
        self.hand_over_driver();
        active
    }

    /// A worker that stops driving to run jobs (or to exit) wakes a sleeper to take the driver
    /// over, so readiness is still seen while it works.
    fn hand_over_driver(&self) {
        fence(Ordering::SeqCst);
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            self.notify_sleeper();
        }
    }

    /// Nobody drives and this worker starts a job that may be long: a sleeper (or else a new
    /// worker, within the limit) takes the driver meanwhile.
    fn find_driver(self: &Arc<Pool>) {
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            self.notify_sleeper();
        } else {
            self.start_worker_if_allowed();
        }
    }

    /// Waits for work, in the reactor's poll if no other worker drives it, else asleep, until
    /// woken or an idle spell passes; true when this worker should exit.
    fn park(&self) -> bool {
        let Some(turn) = self.reactor.try_drive() else {
            return self.sleep_or_retire();
        };
        turn.park();
        fence(Ordering::SeqCst);
        let wait = if self.queues.is_empty() && !self.stopping.load(Ordering::SeqCst) {
            IDLE_SPELL
        } else {
            Duration::ZERO
        };
        let parked = Instant::now();
        let active = self.drive(turn, wait);
        // A timer due sooner may end the poll early: only a whole quiet spell retires.
        self.stopping.load(Ordering::SeqCst)
            || (!active
                && !wait.is_zero()
                && parked.elapsed() >= IDLE_SPELL
                && self.queues.is_empty()
                && self.retire())
    }

    /// Sleeps until woken or an idle spell passes; true when this worker should exit. It sleeps
    /// only while another worker holds the driver (see the invariants).
    fn sleep_or_retire(&self) -> bool {
        let guard = self.sleep.lock().unwrap_or_else(|e| e.into_inner());
        self.sleepers.fetch_add(1, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        if !self.queues.is_empty()
            || self.stopping.load(Ordering::SeqCst)
            || !self.reactor.driving()
        {
            self.sleepers.fetch_sub(1, Ordering::SeqCst);
            return self.stopping.load(Ordering::SeqCst);
        }
        let (_guard, waited) = self
            .wake
            .wait_timeout(guard, IDLE_SPELL)
            .unwrap_or_else(|e| e.into_inner());
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
        if self.stopping.load(Ordering::SeqCst) {
            return true;
        }
        // Nobody may be driving now (the driver's holder retired): then this worker takes over.
        waited.timed_out() && self.queues.is_empty() && self.reactor.driving() && self.retire()
    }

    fn retire(&self) -> bool {
        let mut alive = self.alive.load(Ordering::SeqCst);
        while alive > STANDBY {
            match self
                .alive
                .compare_exchange(alive, alive - 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => {
                    self.stats.thread_retired();
                    return true;
                }
                Err(now) => alive = now,
            }
        }
        false
    }
}
