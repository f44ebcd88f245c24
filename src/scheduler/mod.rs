//! The scheduler: there is no event loop, there is a thread pool with lock-free task queues.
//!
//! - [`pool`]: workers on crossbeam-deque queues (two priorities, work stealing), started while
//!   work is queued up to `--concurrency`, retired after an idle spell.
//! - [`reactor`]: mio's poll and the timers, driven by an idle worker, that turn due timers and
//!   ready I/O into tasks on that worker. A leaf: the pool drives it, it never calls the pool.
//! - [`hold`]: the count of pending work and the holds (timers, sockets) that keep the runtime
//!   from being idle.
//! - [`lookout`]: a thread that adds a worker when several realms' long JS tasks hold every
//!   worker, so native work does not wait behind them.
//! - JS never runs on the pool directly: each realm has a lane (see `realm::lane`) that at most one
//!   worker drains at a time, holding the realm's lock for a batch of JS tasks.
//!
//! Layer: the bottom one. It knows nothing of realms, JS, sockets or the runtime: nothing here
//! names `realm`, `net`, `api` or `runtime` (tests/layers.rs keeps it so).

mod deadlines;
mod hold;
mod lookout;
mod pool;
mod queue;
mod reactor;
mod stats;
mod task;
mod timers;

pub use hold::Hold;
pub use pool::{JsTurn, Pool};
use reactor::Reactor;
pub use reactor::{OnReady, Ready};
pub use task::Priority;
pub use timers::{Fire, TimerKey};

use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct Scheduler {
    pool: Arc<Pool>,
}

impl Scheduler {
    pub fn start(concurrency: usize) -> std::io::Result<Scheduler> {
        Ok(Scheduler {
            pool: Pool::new(concurrency)?,
        })
    }

    fn reactor(&self) -> &Reactor {
        // The reactor has no thread: a worker must exist to poll it.
        self.pool.ensure_worker();
        &self.pool.reactor
    }

    pub fn spawn(&self, priority: Priority, job: impl FnOnce() + Send + 'static) {
        self.pool.spawn(priority, Box::new(job));
    }

    /// Spawns `job` when the corked task running on this thread ends (see [`Pool::corked`]).
    pub fn spawn_after_task(&self, priority: Priority, job: impl FnOnce() + Send + 'static) {
        self.pool.spawn_after_task(priority, Box::new(job));
    }

    /// Runs `task`; what it queues with [`Scheduler::spawn_after_task`] is spawned when it ends.
    pub fn corked<R>(&self, task: impl FnOnce() -> R) -> R {
        self.pool.corked(task)
    }

    /// Runs `fire(key)` (on the worker polling the reactor: it should only queue work) after
    /// `delay`, then every `interval` if given.
    pub fn timer(
        &self,
        delay: Duration,
        interval: Option<Duration>,
        fire: impl Fn(TimerKey) + Send + Sync + 'static,
    ) -> TimerKey {
        let fire: Fire = Arc::new(move |due| due.iter().for_each(|&(key, _)| fire(key)));
        self.reactor()
            .arm(delay, interval, (fire, 0), true, || self.pool.hold())
    }

    /// Like [`Scheduler::timer`] with a shared `fire(key, tag)`: arming allocates nothing. An
    /// armed timer keeps the runtime running only if `keeps_alive`.
    pub fn tagged_timer(
        &self,
        delay: Duration,
        interval: Option<Duration>,
        (fire, tag): (&Fire, u64),
        keeps_alive: bool,
    ) -> TimerKey {
        self.reactor()
            .arm(delay, interval, (fire.clone(), tag), keeps_alive, || {
                self.pool.hold()
            })
    }

    pub fn cancel_timer(&self, key: TimerKey) {
        self.pool.reactor.disarm(key);
    }

    /// Keeps the runtime running while alive (a listening socket, an open connection).
    pub fn hold(&self) -> Hold {
        self.pool.hold()
    }

    /// Marks the calling worker as running a realm's JS while the turn lives (see pool.rs).
    pub fn js_turn(&self) -> JsTurn {
        self.pool.js_turn()
    }

    /// Watches an I/O source; `on_ready` runs on the worker polling the reactor and should only
    /// queue work.
    pub fn register(
        &self,
        source: &mut impl mio::event::Source,
        interest: mio::Interest,
        on_ready: OnReady,
    ) -> std::io::Result<mio::Token> {
        self.reactor().register(source, interest, on_ready)
    }

    pub fn deregister(&self, source: &mut impl mio::event::Source, token: mio::Token) {
        self.pool.reactor.deregister(source, token);
    }

    /// True once a task panicked: a Nexus bug, reported by the panic hook.
    pub fn panicked(&self) -> bool {
        self.pool.panicked()
    }

    pub fn concurrency(&self) -> usize {
        self.pool.max_threads()
    }

    pub fn stats(&self) -> &stats::Stats {
        &self.pool.stats
    }

    /// Runs `f` once no task, timer or I/O is pending (at once if none is).
    pub fn on_idle(&self, f: impl FnOnce() + Send + 'static) {
        self.pool.on_idle(f);
    }

    /// Blocks until nothing is queued, running, armed or open, then stops every thread.
    pub fn run_until_idle(&self) {
        self.pool.wait_idle();
        self.pool.stop();
    }
}

#[cfg(test)]
mod tests;
