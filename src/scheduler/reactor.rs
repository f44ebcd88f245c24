//! The reactor: mio's poll and the armed timers. It has no thread of its own: a worker with
//! nothing to run takes the driver (one worker at a time) and blocks in poll until the earliest
//! timer is due, an I/O source is ready, or the pool wakes it for queued work. Ready sources and
//! due timers then run their callbacks on that worker, which queue jobs on its own deque: the job
//! that reads a ready socket starts on the thread that saw it ready, with no hop through a
//! reactor thread. An idle process has one worker in epoll_wait and the others parked: ~0% CPU.
//!
//! A leaf, as tokio's driver: it knows nothing of the pool, which holds it, drives it through a
//! [`Turn`] and cuts its poll short with [`Reactor::wake`].
//!
//! Invariants:
//! - `driving` is true exactly while a worker holds the driver; `parked` only while that worker
//!   is in (or about to enter) a blocking poll. The pool wakes a parked driver through the waker.
//! - A busy worker polls without blocking when nobody has polled for [`POLL_EVERY`] and the driver
//!   is free, so readiness and timers are seen while every worker runs jobs.

use super::hold::Hold;
use super::timers::{Fire, TimerKey, Timers};
use crate::say::say;
use mio::event::Source;
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

const WAKE: Token = Token(0);

/// How long the reactor may go unpolled while workers are busy.
const POLL_EVERY: Duration = Duration::from_millis(10);

/// What a registered source is told when it becomes ready: it should only queue work. Sources
/// are edge-triggered: each call means new readiness since the last one. An error or hang-up
/// reports both directions ready, so the next read or write meets it, and `hung_up`: no edge
/// will follow for the end of the stream.
pub type OnReady = Arc<dyn Fn(Ready) + Send + Sync>;

#[derive(Clone, Copy, Debug)]
pub struct Ready {
    pub readable: bool,
    pub writable: bool,
    pub hung_up: bool,
}

/// The poll and its event buffer: whoever holds it drives the reactor.
pub struct Driver {
    poll: Poll,
    events: Events,
}

pub struct Reactor {
    driver: Mutex<Driver>,
    driving: AtomicBool,
    parked: AtomicBool,
    /// When the last poll returned, in nanoseconds since `epoch`.
    polled: AtomicU64,
    epoch: Instant,
    timers: Mutex<Timers>,
    waker: Waker,
    registry: Registry,
    /// Tokens are never reused, so a late event for a deregistered source finds nothing.
    next_token: AtomicUsize,
    sources: Mutex<HashMap<Token, OnReady>>,
}

/// The driver, held by one worker; dropping it frees the driver.
pub struct Turn<'r> {
    reactor: &'r Reactor,
    driver: MutexGuard<'r, Driver>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.reactor.driving.store(false, Ordering::SeqCst);
    }
}

impl Reactor {
    pub fn new() -> std::io::Result<Reactor> {
        let poll = Poll::new()?;
        let waker = Waker::new(poll.registry(), WAKE)?;
        Ok(Reactor {
            registry: poll.registry().try_clone()?,
            driver: Mutex::new(Driver {
                poll,
                events: Events::with_capacity(256),
            }),
            driving: AtomicBool::new(false),
            parked: AtomicBool::new(false),
            polled: AtomicU64::new(0),
            epoch: Instant::now(),
            timers: Mutex::new(Timers::default()),
            waker,
            next_token: AtomicUsize::new(1),
            sources: Mutex::new(HashMap::new()),
        })
    }

    /// Arms a timer that calls `fire(key, tag)`; see [`Timers::arm`].
    pub fn arm(
        &self,
        delay: Duration,
        interval: Option<Duration>,
        fire: (Fire, u64),
        keeps_alive: bool,
        hold: impl FnOnce() -> Hold,
    ) -> TimerKey {
        let (key, earliest) = self.timers.lock().unwrap_or_else(|e| e.into_inner()).arm(
            delay,
            interval,
            fire,
            keeps_alive,
            hold,
        );
        // Only a new earliest deadline needs a blocked poll cut short.
        if earliest && self.parked.load(Ordering::SeqCst) {
            self.wake();
        }
        key
    }

    pub fn disarm(&self, key: TimerKey) {
        self.timers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .disarm(key);
    }

    /// Watches `source` (edge-triggered); `on_ready` runs on the worker that polls.
    pub fn register(
        &self,
        source: &mut impl Source,
        interest: Interest,
        on_ready: OnReady,
    ) -> std::io::Result<Token> {
        let token = Token(self.next_token.fetch_add(1, Ordering::Relaxed));
        self.sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token, on_ready);
        if let Err(e) = self.registry.register(source, token, interest) {
            self.forget(token);
            return Err(e);
        }
        Ok(token)
    }

    pub fn deregister(&self, source: &mut impl Source, token: Token) {
        let _ = self.registry.deregister(source);
        self.forget(token);
    }

    fn forget(&self, token: Token) {
        self.sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&token);
    }

    /// Cuts a blocked poll short.
    pub fn wake(&self) {
        let _ = self.waker.wake();
    }

    pub fn parked(&self) -> bool {
        self.parked.load(Ordering::SeqCst)
    }

    pub fn driving(&self) -> bool {
        self.driving.load(Ordering::SeqCst)
    }

    /// The driver, unless another worker holds it.
    pub fn try_drive(&self) -> Option<Turn<'_>> {
        let driver = self.driver.try_lock().ok()?;
        self.driving.store(true, Ordering::SeqCst);
        Some(Turn {
            reactor: self,
            driver,
        })
    }

    /// True when nobody has polled for a while (see the invariant above).
    pub fn overdue(&self) -> bool {
        let now = self.epoch.elapsed().as_nanos() as u64;
        now.saturating_sub(self.polled.load(Ordering::Relaxed)) > POLL_EVERY.as_nanos() as u64
    }
}

impl Turn<'_> {
    /// Marks the driver parked; the caller then re-checks its queues before a blocking poll.
    pub fn park(&self) {
        self.reactor.parked.store(true, Ordering::SeqCst);
    }

    /// Polls for at most `wait` (less when a timer is due sooner; zero does not block), then runs
    /// the ready sources' callbacks and the due timers. Gives whether anything was ready, due or
    /// woken.
    pub fn poll(&mut self, wait: Duration) -> bool {
        let reactor = self.reactor;
        // A poll that does not block needs no deadline: the idle and overdue polls of busy
        // workers skip the timers' lock here.
        let timeout = if wait.is_zero() {
            wait
        } else {
            let next = reactor
                .timers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .next_deadline();
            next.map_or(wait, |deadline| {
                wait.min(deadline.saturating_duration_since(Instant::now()))
            })
        };
        let Driver { poll, events } = &mut *self.driver;
        let polled = poll.poll(events, Some(timeout));
        reactor.parked.store(false, Ordering::SeqCst);
        let now = Instant::now();
        reactor.polled.store(
            now.duration_since(reactor.epoch).as_nanos() as u64,
            Ordering::Relaxed,
        );
        if let Err(e) = polled
            && e.kind() != std::io::ErrorKind::Interrupted
        {
            say!("nexus: the I/O reactor failed: {e}");
            return false;
        }
        reactor.dispatch(events, now)
    }
}

impl Reactor {
    /// Runs the callbacks of the ready sources and the timers due at `now`; gives whether there
    /// were any.
    fn dispatch(&self, events: &Events, now: Instant) -> bool {
        let mut active = false;
        for event in events.iter() {
            active = true;
            if event.token() == WAKE {
                continue;
            }
            let on_ready = self
                .sources
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&event.token())
                .cloned();
            let broken = event.is_error() || event.is_read_closed() || event.is_write_closed();
            if let Some(on_ready) = on_ready {
                on_ready(Ready {
                    readable: event.is_readable() || broken,
                    writable: event.is_writable() || broken,
                    hung_up: broken,
                });
            }
        }
        let (due, hold) = self
            .timers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take_due(now);
        active |= !due.is_empty();
        for due in due {
            (due.fire)(&due.timers);
        }
        drop(hold);
        active
    }
}
