//! A realm's lane: the queue of its JS tasks, drained by at most one worker at a time.
//!
//! This is how JS meets the thread pool. Every JSC call takes the realm's lock, so N workers
//! running the same realm's JS would only queue on that lock. Instead a realm's JS tasks wait
//! here, and one pool task (the drain) takes the lock once and runs a batch of them, running the
//! promise jobs each task queued before the next task starts. Other workers meanwhile run native
//! tasks and other realms' lanes.
//!
//! Invariant: `draining` is true from the moment a drain is queued until it has let go of the
//! lock and re-checked the queue; so there is never more than one drain, and a task pushed at
//! any moment is run by the current drain or causes the next one.

use crate::scheduler::Priority;
use javascriptcore_sys::Scope;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub type JsTask = Box<dyn for<'s> FnOnce(&'s Scope<'s>) + Send>;

/// A drain gives the lock back after this long, so other realms and native work are not starved
/// of the worker; the rest of the lane goes to a new drain at the back of the pool's queue.
pub const BATCH_TIME: Duration = Duration::from_millis(2);

#[derive(Default)]
pub struct Lane {
    queues: Mutex<[VecDeque<JsTask>; 2]>,
    draining: AtomicBool,
}

impl Lane {
    /// Queues a task; true when the caller must queue a drain.
    pub fn push(&self, priority: Priority, task: JsTask) -> bool {
        self.queues.lock().unwrap_or_else(|e| e.into_inner())[priority as usize].push_back(task);
        !self.draining.swap(true, Ordering::SeqCst)
    }

    /// The next task, high priority first.
    pub fn pop(&self) -> Option<JsTask> {
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        let [high, low] = &mut *queues;
        high.pop_front().or_else(|| low.pop_front())
    }

    /// Ends a drain; true when tasks arrived meanwhile and the caller must queue another drain.
    pub fn finish(&self) -> bool {
        self.draining.store(false, Ordering::SeqCst);
        let waiting = self
            .queues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|q| !q.is_empty());
        waiting && !self.draining.swap(true, Ordering::SeqCst)
    }

    pub fn batch_over(started: Instant) -> bool {
        started.elapsed() >= BATCH_TIME
    }
}
