//! Armed timers, ordered by deadline. The worker driving the reactor sleeps until the earliest
//! one.
//!
//! Timers live in a slab (a key is slot index + generation, so a stale key never reaches a newer
//! timer) and their deadlines in [`Deadlines`]. Invariant: a timer is armed while its slot holds
//! it; the deadlines may hold stale entries for cleared or re-armed timers, recognised by a key
//! or deadline that no longer matches the slot.

use super::deadlines::Deadlines;
use super::hold::Hold;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub type TimerKey = u64;

/// What due timers do, given the key and the tag each was armed with, in deadline order; it runs
/// on the worker driving the reactor, so it should only queue work. One `Fire` can serve many
/// timers (a realm's JS timers share one, told apart by tag), so arming allocates nothing, and
/// it is called once for a run of due timers that share it.
pub type Fire = Arc<dyn Fn(&[(TimerKey, u64)]) + Send + Sync>;

struct Armed {
    key: TimerKey,
    deadline: Instant,
    interval: Option<Duration>,
    fire: Fire,
    tag: u64,
    keeps_alive: bool,
}

/// Invariant: `hold` is held exactly while at least one timer that keeps the runtime alive is
/// armed (`keeping > 0`): such timers cost one hold, not one per timer. The others (unreferenced
/// timers, like Node's `unref()`) fire while something else keeps the runtime running.
#[derive(Default)]
pub struct Timers {
    deadlines: Deadlines,
    slots: Vec<Option<Armed>>,
    free: Vec<u32>,
    generation: u32,
    keeping: usize,
    hold: Option<Hold>,
}

/// Due timers that share a `Fire` and came due one after another, to fire once the timers' lock
/// is released.
pub struct Due {
    pub fire: Fire,
    pub timers: Vec<(TimerKey, u64)>,
}

/// Adds a due timer to the last run if it shares its `Fire`, else starts a run.
fn add_due(due: &mut Vec<Due>, fire: &Fire, key: TimerKey, tag: u64) {
    match due.last_mut() {
        Some(last) if Arc::ptr_eq(&last.fire, fire) => last.timers.push((key, tag)),
        _ => due.push(Due {
            fire: fire.clone(),
            timers: vec![(key, tag)],
        }),
    }
}

/// A key is `generation << SLOT_BITS | slot`, kept within 53 bits so JS holds it exactly as a
/// number. A stale key could only alias a newer timer after 2^29 arms on the same slot.
const SLOT_BITS: u32 = 24;

fn slot_of(key: TimerKey) -> usize {
    (key & ((1 << SLOT_BITS) - 1)) as usize
}

fn live(slots: &[Option<Armed>], key: TimerKey, deadline: Instant) -> bool {
    slots
        .get(slot_of(key))
        .and_then(Option::as_ref)
        .is_some_and(|a| a.key == key && a.deadline == deadline)
}

impl Timers {
    /// Arms a timer; returns its key and whether it is now the earliest (the poll must be cut
    /// short). Equal deadlines fire in the order they were armed.
    pub fn arm(
        &mut self,
        delay: Duration,
        interval: Option<Duration>,
        (fire, tag): (Fire, u64),
        keeps_alive: bool,
        hold: impl FnOnce() -> Hold,
    ) -> (TimerKey, bool) {
        if keeps_alive {
            if self.keeping == 0 {
                self.hold = Some(hold());
            }
            self.keeping += 1;
        }
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            (self.slots.len() - 1) as u32
        });
        assert!(slot < 1 << SLOT_BITS, "more than 16M timers armed at once");
        self.generation = (self.generation + 1) & ((1 << (53 - SLOT_BITS)) - 1);
        let key = u64::from(self.generation) << SLOT_BITS | u64::from(slot);
        let deadline = Instant::now() + delay;
        let earliest = self.deadlines.push(delay, deadline, key);
        self.slots[slot as usize] = Some(Armed {
            key,
            deadline,
            interval,
            fire,
            tag,
            keeps_alive,
        });
        (key, earliest)
    }

    pub fn disarm(&mut self, key: TimerKey) {
        let slot = slot_of(key);
        if self
            .slots
            .get(slot)
            .and_then(Option::as_ref)
            .is_some_and(|a| a.key == key)
        {
            self.release(slot);
            if self.keeping == 0 {
                self.hold = None;
            }
        }
    }

    fn release(&mut self, slot: usize) -> Option<Armed> {
        let armed = self.slots[slot].take()?;
        self.free.push(slot as u32);
        self.keeping -= usize::from(armed.keeps_alive);
        Some(armed)
    }

    pub fn next_deadline(&mut self) -> Option<Instant> {
        self.first().map(|(deadline, _)| deadline)
    }

    /// The earliest armed timer's deadline and key.
    fn first(&mut self) -> Option<(Instant, TimerKey)> {
        let slots = &self.slots;
        self.deadlines
            .first(|key, deadline| live(slots, key, deadline))
    }

    /// Takes every timer due at `now`, in deadline order, for the caller to fire once it let go of
    /// the timers (a fire may arm or disarm timers). When the last timer keeping the runtime alive is
    /// among them, the hold comes too, to be dropped only after the fires queued their work: the runtime never
    /// looks idle in between. An interval is re-armed on its own grid (deadline + k·interval), so
    /// lateness never accumulates; ticks missed entirely are skipped.
    pub fn take_due(&mut self, now: Instant) -> (Vec<Due>, Option<Hold>) {
        let mut due = Vec::new();
        while let Some((_, key)) = self.first().filter(|&(deadline, _)| deadline <= now) {
            self.deadlines.pop_first();
            let slot = slot_of(key);
            let Some(armed) = self.slots[slot].as_mut() else {
                continue;
            };
            match armed.interval {
                Some(interval) => {
                    add_due(&mut due, &armed.fire, key, armed.tag);
                    let mut next = armed.deadline + interval;
                    if next <= now {
                        let behind = (now - armed.deadline).as_nanos() / interval.as_nanos().max(1);
                        next = armed.deadline + interval * (behind as u32 + 1);
                    }
                    armed.deadline = next;
                    self.deadlines.push(interval, next, key);
                }
                None => {
                    if let Some(armed) = self.release(slot) {
                        add_due(&mut due, &armed.fire, key, armed.tag);
                    }
                }
            }
        }
        let hold = if self.keeping == 0 {
            self.hold.take()
        } else {
            None
        };
        (due, hold)
    }
}
