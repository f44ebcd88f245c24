//! A full collection when a realm goes quiet after work. The engine arms its own collection
//! timers only as the program allocates, so the garbage of a burst whose last collection came
//! before its end would stay until the program allocates again (an idle server would keep it).
//!
//! Each lane task counts, and arms a check if none is armed. A check that counts more than
//! QUIET tasks since the last one looks again a period later; otherwise it queues a look at the
//! heap on the lane, which collects if the heap grew by GROWTH since the last such collection
//! (unless that would make these collections take more than 1/SHARE of the time: then it looks
//! again later), and stops. Checks are unreferenced timers: they never keep the process running.
//!
//! Invariant: `armed` is true from the arming of a check until a check or the look it queued
//! ends without arming another, so at most one is pending per realm.

use super::Realm;
use crate::scheduler::{Fire, Priority};
use javascriptcore_sys::Scope;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How often a realm's activity is looked at.
const PERIOD: Duration = Duration::from_millis(500);
/// At most this many tasks in a period is quiet (a program's own slow timers stay quiet).
const QUIET: u32 = 10;
/// Heap growth since the last quiet collection that makes another worth it.
const GROWTH: usize = 4 << 20;
/// Quiet collections take at most 1/SHARE of the time.
const SHARE: u32 = 20;

#[derive(Default)]
pub struct IdleCollector {
    /// Tasks run since the last check.
    tasks: AtomicU32,
    armed: AtomicBool,
    /// The heap's size after the last quiet collection.
    after_last: AtomicUsize,
    /// No quiet collection before this (set from the last one's duration).
    not_before: Mutex<Option<Instant>>,
    check: OnceLock<Fire>,
}

impl Realm {
    /// Called before each lane task.
    pub(super) fn note_task(self: &Arc<Self>) {
        let idle = &self.idle;
        idle.tasks.fetch_add(1, Ordering::Relaxed);
        // A load first: on this per-task path the flag is almost always set already.
        if !idle.armed.load(Ordering::Relaxed) && !idle.armed.swap(true, Ordering::AcqRel) {
            self.arm_idle_check();
        }
    }

    fn arm_idle_check(self: &Arc<Self>) {
        let check = self.fire_once(&self.idle.check, |realm, _| realm.idle_check());
        self.scheduler.tagged_timer(PERIOD, None, (check, 0), false);
    }

    /// On the worker driving the reactor: look again later, or queue a look at the heap.
    fn idle_check(self: &Arc<Self>) {
        if self.idle.tasks.swap(0, Ordering::AcqRel) > QUIET {
            return self.arm_idle_check();
        }
        let realm = self.clone();
        self.push(Priority::Low, move |scope| realm.collect_if_grown(scope));
    }

    fn collect_if_grown<'s>(self: &Arc<Self>, scope: &'s Scope<'s>) {
        let idle = &self.idle;
        if scope.heap_size() > idle.after_last.load(Ordering::Relaxed) + GROWTH {
            let mut not_before = idle.not_before.lock().unwrap_or_else(|e| e.into_inner());
            if not_before.is_some_and(|t| Instant::now() < t) {
                drop(not_before);
                return self.arm_idle_check();
            }
            let started = Instant::now();
            // WeakRef targets read before are free to go: the task before this one ended the
            // engine's checkpoint (Realm::run_microtasks after every lane task).
            scope.collect_garbage();
            *not_before = Some(Instant::now() + started.elapsed() * SHARE);
            idle.after_last.store(scope.heap_size(), Ordering::Relaxed);
        }
        // This look counted as a task; it is not activity.
        idle.tasks.store(0, Ordering::Relaxed);
        idle.armed.store(false, Ordering::Release);
    }
}
