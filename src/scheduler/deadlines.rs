//! The armed timers' deadlines, earliest first: one FIFO list per delay, and a heap of the lists'
//! fronts. Timers armed with the same delay come due in the order they were armed (the clock
//! only moves forward), so arming appends and taking the earliest pops a front: O(1), where one
//! heap of every timer cost a sift through a million entries per due timer (as Node keeps one
//! list per duration). The heap holds about one entry per delay in use, so it stays in cache.
//!
//! Invariants:
//! - Each list is sorted by (deadline, seq); `seq` counts arms, so equal deadlines keep the
//!   order they were armed in. Only a re-armed interval may land before a list's end: it is
//!   inserted in place.
//! - The front of each non-empty list has an entry in `heads` with its seq; other entries there
//!   are stale (their list's front changed or it emptied) and are dropped when met.
//! - An entry whose timer was cleared stays in its list until it reaches the front (`live` says
//!   so), as it stayed in the heap before.
//! - An emptied list is removed, so delays used once (internal timers' exact durations) leave
//!   nothing behind.

use super::timers::TimerKey;
use std::cmp::Reverse;
use std::collections::binary_heap::PeekMut;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    deadline: Instant,
    seq: u64,
    key: TimerKey,
}

/// A list's front in the heap: ordered by (deadline, seq), which are unique.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Head {
    deadline: Instant,
    seq: u64,
    list: usize,
}

#[derive(Default)]
pub struct Deadlines {
    lists: Vec<VecDeque<Entry>>,
    free: Vec<usize>,
    by_delay: HashMap<Duration, usize>,
    delays: Vec<Duration>,
    heads: BinaryHeap<Reverse<Head>>,
    seq: u64,
    /// The delay armed last and its list: most programs arm one delay many times in a row.
    last: Option<(Duration, usize)>,
}

impl Deadlines {
    /// Adds timer `key`, armed with `delay`, due at `deadline`; gives whether it is now the
    /// earliest (a stale earliest only makes this conservative).
    pub fn push(&mut self, delay: Duration, deadline: Instant, key: TimerKey) -> bool {
        self.seq += 1;
        let entry = Entry {
            deadline,
            seq: self.seq,
            key,
        };
        let earliest = self
            .heads
            .peek()
            .is_none_or(|Reverse(top)| deadline < top.deadline);
        let list = self.list_for(delay);
        let entries = &mut self.lists[list];
        let at = entries
            .iter()
            .rposition(|e| *e <= entry)
            .map_or(0, |i| i + 1);
        entries.insert(at, entry);
        if at == 0 {
            self.heads.push(Reverse(Head {
                deadline,
                seq: entry.seq,
                list,
            }));
        }
        earliest
    }

    fn list_for(&mut self, delay: Duration) -> usize {
        if let Some((last, list)) = self.last
            && last == delay
        {
            return list;
        }
        let list = match self.by_delay.get(&delay) {
            Some(&list) => list,
            None => {
                let list = self.free.pop().unwrap_or_else(|| {
                    self.lists.push(VecDeque::new());
                    self.delays.push(delay);
                    self.lists.len() - 1
                });
                self.delays[list] = delay;
                self.by_delay.insert(delay, list);
                list
            }
        };
        self.last = Some((delay, list));
        list
    }

    /// The earliest entry whose timer is `live`, dropping the others met on the way.
    pub fn first(
        &mut self,
        live: impl Fn(TimerKey, Instant) -> bool,
    ) -> Option<(Instant, TimerKey)> {
        loop {
            let Reverse(top) = self.heads.peek()?;
            let entries = &self.lists[top.list];
            match entries.front() {
                Some(front) if front.seq == top.seq => {
                    if live(front.key, front.deadline) {
                        return Some((front.deadline, front.key));
                    }
                    self.pop_first();
                }
                // Stale: its list's front has an entry of its own (or the list is gone).
                _ => {
                    self.heads.pop();
                }
            }
        }
    }

    /// Removes the entry `first` gave.
    pub fn pop_first(&mut self) {
        let Some(mut top) = self.heads.peek_mut() else {
            return;
        };
        let list = top.0.list;
        let entries = &mut self.lists[list];
        entries.pop_front();
        match entries.front() {
            Some(next) => {
                top.0.deadline = next.deadline;
                top.0.seq = next.seq;
            }
            None => {
                PeekMut::pop(top);
                // A list that held many timers gives their memory back.
                *entries = VecDeque::new();
                self.by_delay.remove(&self.delays[list]);
                self.free.push(list);
                if self.last.is_some_and(|(_, l)| l == list) {
                    self.last = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Deadlines;
    use std::time::{Duration, Instant};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Takes every entry in order, skipping the keys `dead` names.
    fn drain(deadlines: &mut Deadlines, dead: &[u64]) -> Vec<u64> {
        let mut keys = Vec::new();
        while let Some((_, key)) = deadlines.first(|key, _| !dead.contains(&key)) {
            deadlines.pop_first();
            keys.push(key);
        }
        keys
    }

    #[test]
    fn entries_come_out_by_deadline_across_delays_and_by_arming_on_ties() {
        let t = Instant::now();
        let mut d = Deadlines::default();
        assert!(d.push(ms(30), t + ms(30), 1));
        assert!(d.push(ms(10), t + ms(10), 2));
        assert!(!d.push(ms(20), t + ms(20), 3));
        assert!(!d.push(ms(10), t + ms(11), 4));
        // Equal deadlines from different delays: the one armed first comes first.
        assert!(!d.push(ms(5), t + ms(20), 5));
        assert!(!d.push(ms(30), t + ms(31), 6));
        assert_eq!(drain(&mut d, &[]), [2, 4, 3, 5, 1, 6]);
        assert!(d.first(|_, _| true).is_none());
    }

    #[test]
    fn an_entry_earlier_than_its_list_is_inserted_in_place() {
        let t = Instant::now();
        let mut d = Deadlines::default();
        d.push(ms(10), t + ms(10), 1);
        d.push(ms(10), t + ms(12), 2);
        // A re-armed interval can be due before timers of its delay armed later.
        d.push(ms(10), t + ms(11), 3);
        d.push(ms(10), t + ms(5), 4);
        assert_eq!(drain(&mut d, &[]), [4, 1, 3, 2]);
    }

    #[test]
    fn dead_entries_are_skipped_and_emptied_lists_are_reused() {
        let t = Instant::now();
        let mut d = Deadlines::default();
        for key in 0..100 {
            d.push(ms(key % 3), t + ms(key), key);
        }
        let dead: Vec<u64> = (0..100).filter(|k| k % 2 == 0).collect();
        let alive: Vec<u64> = (0..100).filter(|k| k % 2 == 1).collect();
        assert_eq!(drain(&mut d, &dead), alive);
        assert!(d.lists.iter().all(|l| l.is_empty()) && d.by_delay.is_empty());
        assert_eq!(d.free.len(), 3);
        // A delay used after its list emptied gets a list again (one of the freed ones).
        d.push(ms(7), t + ms(1), 1);
        d.push(ms(1), t + ms(2), 2);
        assert_eq!(d.lists.len(), 3);
        assert_eq!(drain(&mut d, &[]), [1, 2]);
    }
}
