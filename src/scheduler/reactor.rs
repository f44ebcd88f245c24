//! The reactor: one thread blocked in mio's poll until the earliest timer is due or an I/O source
//! is ready. It runs no JS and no jobs itself: it turns readiness and deadlines into tasks.
//! An idle process therefore has every worker parked and this thread in epoll_wait: ~0% CPU.

use super::pool::Pool;
use super::timers::{Fire, TimerKey, Timers};
use crate::say::say;
use mio::{Events, Poll, Token, Waker};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAKE: Token = Token(0);

pub struct Reactor {
    pool: Arc<Pool>,
    timers: Mutex<Timers>,
    waker: Waker,
    stopping: AtomicBool,
}

impl Reactor {
    pub fn start(pool: Arc<Pool>) -> std::io::Result<Arc<Reactor>> {
        let mut poll = Poll::new()?;
        let waker = Waker::new(poll.registry(), WAKE)?;
        let reactor = Arc::new(Reactor {
            pool,
            timers: Mutex::new(Timers::default()),
            waker,
            stopping: AtomicBool::new(false),
        });
        let this = reactor.clone();
        std::thread::Builder::new()
            .name("nexus-reactor".into())
            .spawn(move || this.run(&mut poll))?;
        Ok(reactor)
    }

    /// Arms a timer that calls `fire(key, tag)`.
    pub fn arm(
        &self,
        delay: Duration,
        interval: Option<Duration>,
        fire: Fire,
        tag: u64,
    ) -> TimerKey {
        let (key, earliest) = self.timers.lock().unwrap_or_else(|e| e.into_inner()).arm(
            delay,
            interval,
            fire,
            tag,
            || self.pool.hold(),
        );
        // Only a new earliest deadline needs the poll cut short.
        if earliest {
            let _ = self.waker.wake();
        }
        key
    }

    pub fn disarm(&self, key: TimerKey) {
        self.timers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .disarm(key);
    }

    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = self.waker.wake();
    }

    fn run(&self, poll: &mut Poll) {
        let mut events = Events::with_capacity(256);
        while !self.stopping.load(Ordering::SeqCst) {
            let timeout = {
                let mut timers = self.timers.lock().unwrap_or_else(|e| e.into_inner());
                timers
                    .next_deadline()
                    .map(|d| d.saturating_duration_since(Instant::now()))
            };
            if let Err(e) = poll.poll(&mut events, timeout)
                && e.kind() != std::io::ErrorKind::Interrupted
            {
                say!("nexus: the I/O reactor failed: {e}");
                return;
            }
            let (due, hold) = self
                .timers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take_due(Instant::now());
            for due in due {
                (due.fire)(due.key, due.tag);
            }
            drop(hold);
        }
    }
}
