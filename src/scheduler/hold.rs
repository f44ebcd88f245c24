//! What keeps the runtime from being idle: the count of queued and running jobs plus every
//! [`Hold`] (an armed timer, a listening socket, an open connection).
//!
//! Invariant: the runtime is idle, and the process may exit, exactly when the count reaches zero;
//! whoever brings it there wakes `wait_idle` and runs the `on_idle` callback. Checking and
//! storing that callback under the lock `finish_one` takes after its decrement means the idle
//! moment cannot slip between the two.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

#[derive(Default)]
pub struct Pending {
    count: AtomicUsize,
    idle: Mutex<()>,
    idle_changed: Condvar,
    /// Run once by whoever makes the runtime idle (see `on_idle`).
    on_idle: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

/// Keeps the runtime from being idle while alive.
pub struct Hold(Arc<Pending>);

impl Hold {
    pub fn new(pending: &Arc<Pending>) -> Hold {
        pending.add();
        Hold(pending.clone())
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        self.0.finish_one();
    }
}

impl Pending {
    /// Counts one more job or hold; gives the new count.
    pub fn add(&self) -> usize {
        self.count.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// A job or hold ended.
    pub fn finish_one(&self) {
        if self.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            {
                let _guard = self.idle.lock().unwrap_or_else(|e| e.into_inner());
                self.idle_changed.notify_all();
            }
            let idle = self
                .on_idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            if let Some(f) = idle {
                f();
            }
        }
    }

    /// Blocks until no job is queued or running and nothing holds the runtime.
    pub fn wait_idle(&self) {
        let mut guard = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while self.count.load(Ordering::SeqCst) > 0 {
            guard = self
                .idle_changed
                .wait(guard)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Runs `f` once the runtime is idle: now if it already is, else on the thread whose job or
    /// hold ends last (see the invariant above).
    pub fn on_idle(&self, f: impl FnOnce() + Send + 'static) {
        let mut slot = self.on_idle.lock().unwrap_or_else(|e| e.into_inner());
        if self.count.load(Ordering::SeqCst) == 0 {
            drop(slot);
            f();
        } else {
            *slot = Some(Box::new(f));
        }
    }
}
