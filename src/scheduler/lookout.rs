//! The lookout: a thread that starts a worker beyond `--concurrency` once realms' JS has held
//! every worker for a while, so that native work (sockets' reads, writes and accepts, files) does
//! not wait behind long JS tasks (a CPU-bound request is one). Not sooner: short tasks give their
//! worker back within a drain's batch (2 ms, see `realm::lane`), and a worker more than there are
//! cores would only preempt them (serve() hello with `--realms 2` on 2 cores: 13.7 µs of CPU a
//! request with the extra worker started as soon as both realms ran JS, 11.4 without).
//!
//! Invariants:
//! - It watches (wakes every [`STALL`]) only while two or more realms run JS and no worker is
//!   free of it; otherwise it waits on `wake` and costs nothing.
//! - No lost wake-up: [`Lookout::ask`] runs after `in_js` grew and reads `state` after that; the
//!   lookout sets `state` to `WAITING` and then reads `in_js` again before it waits (SeqCst both),
//!   so either it sees the new turn or `ask` sees it waiting and wakes it.
//! - A stall is a whole [`STALL`] in which no JS turn started or ended while JS held every worker:
//!   the same turns ran throughout, each longer than a batch.

use super::pool::Pool;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

/// How long the same JS turns must hold every worker before one more starts: longer than a
/// drain's batch and a short task after it.
const STALL: Duration = Duration::from_millis(3);

const ABSENT: u8 = 0;
const WAITING: u8 = 1;
const WATCHING: u8 = 2;
const STOPPED: u8 = 3;

#[derive(Default)]
pub struct Lookout {
    state: AtomicU8,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Lookout {
    /// Called by a worker that took a JS turn when JS holds every worker: the lookout watches
    /// (its thread starts on first use).
    pub fn ask(self: &Arc<Self>, pool: &Arc<Pool>) {
        if self.state.load(Ordering::SeqCst) == WATCHING {
            return;
        }
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        match self.state.load(Ordering::SeqCst) {
            ABSENT => {
                self.state.store(WATCHING, Ordering::SeqCst);
                let (lookout, pool) = (self.clone(), Arc::downgrade(pool));
                let started = std::thread::Builder::new()
                    .name("nexus-lookout".into())
                    .spawn(move || lookout.watch(pool));
                if started.is_err() {
                    // Without it, long JS tasks hold every worker as with `--concurrency`.
                    self.state.store(ABSENT, Ordering::SeqCst);
                }
            }
            WAITING => {
                self.state.store(WATCHING, Ordering::SeqCst);
                self.wake.notify_one();
            }
            _ => {}
        }
    }

    /// Ends the thread (the pool stops or is gone).
    pub fn stop(&self) {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.state.store(STOPPED, Ordering::SeqCst);
        self.wake.notify_all();
    }

    fn watch(&self, pool: Weak<Pool>) {
        let mut guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            match self.state.load(Ordering::SeqCst) {
                STOPPED => return,
                WATCHING => {}
                _ => {
                    guard = self.wake.wait(guard).unwrap_or_else(|e| e.into_inner());
                    continue;
                }
            }
            let Some(before) = pool.upgrade().map(|p| p.js_turn_changes()) else {
                return;
            };
            let deadline = Instant::now() + STALL;
            while let Some(left) = deadline.checked_duration_since(Instant::now())
                && self.state.load(Ordering::SeqCst) != STOPPED
            {
                guard = self
                    .wake
                    .wait_timeout(guard, left)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
            let Some(pool) = pool.upgrade() else {
                return;
            };
            if !pool.js_holds_every_worker() {
                self.state.store(WAITING, Ordering::SeqCst);
                if pool.js_holds_every_worker() {
                    self.state.store(WATCHING, Ordering::SeqCst);
                }
            } else if pool.js_turn_changes() == before && pool.native_work_waits() {
                pool.start_extra_worker();
            }
        }
    }
}
