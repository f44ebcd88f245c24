//! JS timers: armed on the scheduler's reactor, fired in order from this realm's lane.

use super::dispatch::FIRE_TIMERS;
use super::{Realm, current, lane::Lane};
use crate::scheduler::{Fire, Priority, TimerKey};
use javascriptcore_sys::{Scope, Value};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Timer ids handed to JS per call (numbers only: no GC values wait in Rust's heap).
const TIMERS_PER_CALL: usize = 4096;

impl Realm {
    /// Arms JS timer `id`; when due, its callback is queued. The key cancels it. An armed timer
    /// keeps the process running only if `keeps_alive`.
    pub fn arm_timer(
        self: &Arc<Self>,
        id: u64,
        delay: Duration,
        interval: Option<Duration>,
        keeps_alive: bool,
    ) -> TimerKey {
        let fire = self.fire_once(&self.timer_fire, Realm::timer_due);
        self.scheduler
            .tagged_timer(delay, interval, (fire, id), keeps_alive)
    }

    /// The reactor callback kept in `cell` (made on first use) that calls `due(realm, timers)`
    /// for a run of due timers. Weak: the realm owns the callback (through `cell`), not the
    /// other way round.
    pub(super) fn fire_once<'a>(
        self: &Arc<Self>,
        cell: &'a OnceLock<Fire>,
        due: fn(&Arc<Realm>, &[(TimerKey, u64)]),
    ) -> &'a Fire {
        cell.get_or_init(|| {
            let realm = Arc::downgrade(self);
            Arc::new(move |timers| {
                if let Some(realm) = realm.upgrade() {
                    due(&realm, timers);
                }
            })
        })
    }

    fn timer_due(self: &Arc<Self>, timers: &[(TimerKey, u64)]) {
        let mut due = self.due_timers.lock().unwrap_or_else(|e| e.into_inner());
        let was_empty = due.is_empty();
        due.extend(timers.iter().map(|&(_, id)| id));
        if was_empty {
            let fire = self.clone();
            self.push(Priority::Low, move |scope| fire.fire_due_timers(scope));
        }
    }

    pub fn disarm_timer(&self, key: TimerKey) {
        self.scheduler.cancel_timer(key);
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
            // promise jobs (dispatch.runMicrotasks) before the next: one engine entry per chunk.
            for chunk in due.chunks(TIMERS_PER_CALL) {
                let ids: Vec<Value> = chunk.iter().map(|&id| scope.number(id as f64)).collect();
                match scope.array(&ids) {
                    Ok(ids) => {
                        self.call(scope, &FIRE_TIMERS, &[ids.value()]);
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
}
