//! An endpoint's backlog: the bytes of messages handed to its listener that the program has not
//! taken yet. At [`LIMIT`] or more the endpoint stops reading, so TCP's window slows a peer that
//! sends faster than the program handles messages, instead of the messages piling up in memory.
//!
//! Invariant: `resume` runs after every fall from at or above LIMIT to below it, so an endpoint
//! that found the backlog full and stopped reading is always resumed (it must check `full()` and
//! stop under the lock `resume` takes, or re-check after `resume` as a pump does).

use super::Event;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const LIMIT: usize = 1 << 20;

pub struct Backlog {
    bytes: AtomicUsize,
    resume: Box<dyn Fn() + Send + Sync>,
}

/// The bytes of one batch of events, counted out of the backlog when the receipt is dropped:
/// once the program has taken the batch.
pub struct Receipt {
    backlog: Arc<Backlog>,
    bytes: usize,
}

impl Backlog {
    pub fn new(resume: impl Fn() + Send + Sync + 'static) -> Arc<Backlog> {
        Arc::new(Backlog {
            bytes: AtomicUsize::new(0),
            resume: Box::new(resume),
        })
    }

    pub fn full(&self) -> bool {
        self.bytes.load(Ordering::SeqCst) >= LIMIT
    }

    /// Counts the messages of `events` in.
    pub fn receipt(self: &Arc<Self>, events: &[Event]) -> Receipt {
        let bytes = events.iter().map(Event::bytes).sum();
        self.bytes.fetch_add(bytes, Ordering::SeqCst);
        Receipt {
            backlog: self.clone(),
            bytes,
        }
    }
}

impl Drop for Receipt {
    fn drop(&mut self) {
        let before = self.backlog.bytes.fetch_sub(self.bytes, Ordering::SeqCst);
        if before >= LIMIT && before - self.bytes < LIMIT {
            (self.backlog.resume)();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[test]
    fn resumes_once_when_the_backlog_falls_below_the_limit() {
        let resumed = Arc::new(AtomicU32::new(0));
        let counter = resumed.clone();
        let backlog = Backlog::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let half = || Event::Binary(vec![0; LIMIT / 2]);
        let first = backlog.receipt(&[half()]);
        assert!(!backlog.full());
        let second = backlog.receipt(&[half(), Event::Text("x".into())]);
        assert!(backlog.full());
        drop(first);
        assert!(!backlog.full());
        assert_eq!(resumed.load(Ordering::SeqCst), 1);
        drop(second);
        assert_eq!(resumed.load(Ordering::SeqCst), 1);
        assert_eq!(backlog.bytes.load(Ordering::SeqCst), 0);
    }
}
