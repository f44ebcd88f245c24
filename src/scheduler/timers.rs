//! Armed timers, ordered by deadline. The reactor thread sleeps until the earliest one.
//!
//! Invariant: a timer is armed while its key is in `live`; the heap may hold stale entries for
//! cleared or re-armed timers, recognised by a deadline that no longer matches.

use super::pool::Hold;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub type TimerKey = u64;

pub type Fire = Arc<dyn Fn() + Send + Sync>;

struct Armed {
    deadline: Instant,
    interval: Option<Duration>,
    fire: Fire,
    hold: Hold,
}

#[derive(Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(Instant, TimerKey)>>,
    live: HashMap<TimerKey, Armed>,
    next_key: TimerKey,
}

impl Timers {
    /// Arms a timer; keys grow, so equal deadlines fire in the order they were set.
    pub fn arm(
        &mut self,
        delay: Duration,
        interval: Option<Duration>,
        fire: Fire,
        hold: Hold,
    ) -> TimerKey {
        self.next_key += 1;
        let key = self.next_key;
        let deadline = Instant::now() + delay;
        self.heap.push(Reverse((deadline, key)));
        self.live.insert(
            key,
            Armed {
                deadline,
                interval,
                fire,
                hold,
            },
        );
        key
    }

    pub fn disarm(&mut self, key: TimerKey) {
        self.live.remove(&key);
    }

    pub fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(Reverse((deadline, key))) = self.heap.peek().copied() {
            match self.live.get(&key) {
                Some(armed) if armed.deadline == deadline => return Some(deadline),
                _ => {
                    self.heap.pop();
                }
            }
        }
        None
    }

    /// Takes every timer due at `now`, in deadline order, for the caller to fire once it let go of
    /// the timers (a fire may arm or disarm timers). A one-shot timer comes with its hold, to be
    /// dropped only after the fire queued its work, so the runtime never looks idle in between.
    /// An interval is re-armed on its own grid (deadline + k·interval), so lateness never
    /// accumulates; ticks missed entirely are skipped.
    pub fn take_due(&mut self, now: Instant) -> Vec<(Fire, Option<Hold>)> {
        let mut due = Vec::new();
        while let Some(deadline) = self.next_deadline() {
            if deadline > now {
                break;
            }
            let Some(Reverse((_, key))) = self.heap.pop() else {
                break;
            };
            let Some(armed) = self.live.get_mut(&key) else {
                continue;
            };
            match armed.interval {
                Some(interval) => {
                    due.push((armed.fire.clone(), None));
                    let mut next = armed.deadline + interval;
                    if next <= now {
                        let behind = (now - armed.deadline).as_nanos() / interval.as_nanos().max(1);
                        next = armed.deadline + interval * (behind as u32 + 1);
                    }
                    armed.deadline = next;
                    self.heap.push(Reverse((next, key)));
                }
                None => {
                    if let Some(armed) = self.live.remove(&key) {
                        due.push((armed.fire, Some(armed.hold)));
                    }
                }
            }
        }
        due
    }
}
