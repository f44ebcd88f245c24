//! The task queues: per priority, one global injector plus one deque per worker, with stealing.
//!
//! Invariant: a job is in exactly one queue until a worker pops it. A worker's deque is only
//! pushed by that worker; other workers take from it through its stealer.

use super::task::{Job, Priority};
use crossbeam_deque::{Injector, Steal, Stealer, Worker};
use std::sync::RwLock;

const PRIORITIES: [Priority; 2] = [Priority::High, Priority::Low];

pub struct Queues {
    injectors: [Injector<Job>; 2],
    /// One slot per worker thread ever started; `None` once it retired (its deque was empty).
    stealers: RwLock<Vec<Option<[Stealer<Job>; 2]>>>,
}

/// A worker's own deques.
pub struct Local {
    deques: [Worker<Job>; 2],
    pub slot: usize,
}

impl Queues {
    pub fn new() -> Queues {
        Queues {
            injectors: [Injector::new(), Injector::new()],
            stealers: RwLock::new(Vec::new()),
        }
    }

    pub fn register(&self) -> Local {
        let deques = [Worker::new_fifo(), Worker::new_fifo()];
        let mut stealers = self.stealers.write().unwrap_or_else(|e| e.into_inner());
        stealers.push(Some([deques[0].stealer(), deques[1].stealer()]));
        Local {
            deques,
            slot: stealers.len() - 1,
        }
    }

    /// Forgets a retiring worker; its deques must be empty.
    pub fn unregister(&self, local: Local) {
        debug_assert!(local.deques.iter().all(Worker::is_empty));
        self.stealers.write().unwrap_or_else(|e| e.into_inner())[local.slot] = None;
    }

    pub fn push_global(&self, priority: Priority, job: Job) {
        self.injectors[priority as usize].push(job);
    }

    pub fn push_local(local: &Local, priority: Priority, job: Job) {
        local.deques[priority as usize].push(job);
    }

    /// The next job for this worker: own deque, then the injector, then other workers — for high
    /// priority first, then for low.
    pub fn pop(&self, local: &Local) -> Option<Job> {
        for priority in PRIORITIES {
            let i = priority as usize;
            if let Some(job) = local.deques[i].pop() {
                return Some(job);
            }
            if let Some(job) = retry(|| self.injectors[i].steal_batch_and_pop(&local.deques[i])) {
                return Some(job);
            }
            let stealers = self.stealers.read().unwrap_or_else(|e| e.into_inner());
            let others = stealers
                .iter()
                .enumerate()
                .filter(|(slot, _)| *slot != local.slot);
            for (_, stealer) in others {
                if let Some(stealer) = stealer
                    && let Some(job) = retry(|| stealer[i].steal_batch_and_pop(&local.deques[i]))
                {
                    return Some(job);
                }
            }
        }
        None
    }

    pub fn is_empty(&self) -> bool {
        self.injectors.iter().all(Injector::is_empty)
            && self
                .stealers
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .flatten()
                .all(|s| s.iter().all(Stealer::is_empty))
    }
}

fn retry(mut steal: impl FnMut() -> Steal<Job>) -> Option<Job> {
    loop {
        match steal() {
            Steal::Success(job) => return Some(job),
            Steal::Empty => return None,
            Steal::Retry => std::hint::spin_loop(),
        }
    }
}
