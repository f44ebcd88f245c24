//! What the scheduler did, for `--stats`: jobs per worker, threads started, retired and alive at
//! once, the deepest the queues got, and how long each realm's lock was held.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
pub struct Stats {
    workers: Mutex<Vec<Arc<AtomicU64>>>,
    retired: AtomicUsize,
    peak_alive: AtomicUsize,
    peak_pending: AtomicUsize,
    realms: Mutex<Vec<(usize, Arc<AtomicU64>)>>,
}

impl Stats {
    /// Numbers a new worker (from 1).
    pub fn thread_started(&self) -> usize {
        let mut workers = self.workers.lock().unwrap_or_else(|e| e.into_inner());
        workers.push(Arc::new(AtomicU64::new(0)));
        workers.len()
    }

    pub fn worker_counter(&self, number: usize) -> Arc<AtomicU64> {
        self.workers.lock().unwrap_or_else(|e| e.into_inner())[number - 1].clone()
    }

    /// Called with the count of live workers after each start.
    pub fn alive(&self, alive: usize) {
        self.peak_alive.fetch_max(alive, Ordering::Relaxed);
    }

    pub fn thread_retired(&self) {
        self.retired.fetch_add(1, Ordering::Relaxed);
    }

    /// Called with the count of queued + running tasks and holds after each spawn.
    pub fn pending(&self, depth: usize) {
        self.peak_pending.fetch_max(depth, Ordering::Relaxed);
    }

    /// A counter of nanoseconds realm `id` held its lock.
    pub fn realm_lock_timer(&self, id: usize) -> Arc<AtomicU64> {
        let timer = Arc::new(AtomicU64::new(0));
        self.realms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((id, timer.clone()));
        timer
    }

    pub fn render(&self) -> String {
        let workers = self.workers.lock().unwrap_or_else(|e| e.into_inner());
        let counts: Vec<u64> = workers.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        let mut out = String::from("nexus stats:\n");
        let _ = writeln!(out, "  tasks run: {}", counts.iter().sum::<u64>());
        for (i, count) in counts.iter().enumerate() {
            let _ = writeln!(out, "  nexus-worker-{}: {count} tasks", i + 1);
        }
        let _ = writeln!(out, "  threads started: {}", counts.len());
        let _ = writeln!(
            out,
            "  threads retired: {}",
            self.retired.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "  threads alive at most: {}",
            self.peak_alive.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "  peak pending (queued + running + held): {}",
            self.peak_pending.load(Ordering::Relaxed)
        );
        for (id, nanos) in self.realms.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let held = Duration::from_nanos(nanos.load(Ordering::Relaxed));
            let _ = writeln!(
                out,
                "  realm {id} lock held: {:.3} ms",
                held.as_secs_f64() * 1e3
            );
        }
        out
    }
}
