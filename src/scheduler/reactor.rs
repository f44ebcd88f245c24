//! The reactor: one thread blocked in mio's poll until the earliest timer is due or an I/O source
//! is ready. It runs no JS and no jobs itself: it turns readiness and deadlines into tasks.
//! An idle process therefore has every worker parked and this thread in epoll_wait: ~0% CPU.

use super::pool::Pool;
use super::timers::{Fire, TimerKey, Timers};
use crate::say::say;
use mio::event::Source;
use mio::{Events, Interest, Poll, Registry, Token, Waker};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAKE: Token = Token(0);

/// What a registered source is told when it becomes ready: it should only queue work. Sources
/// are edge-triggered: each call means new readiness since the last one. An error or hang-up
/// reports both directions ready, so the next read or write meets it.
pub type OnReady = Arc<dyn Fn(Ready) + Send + Sync>;

#[derive(Clone, Copy, Debug)]
pub struct Ready {
    pub readable: bool,
    pub writable: bool,
}

pub struct Reactor {
    pool: Arc<Pool>,
    timers: Mutex<Timers>,
    waker: Waker,
    stopping: AtomicBool,
    registry: Registry,
    /// Tokens are never reused, so a late event for a deregistered source finds nothing.
    next_token: AtomicUsize,
    sources: Mutex<HashMap<Token, OnReady>>,
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
            registry: poll.registry().try_clone()?,
            next_token: AtomicUsize::new(1),
            sources: Mutex::new(HashMap::new()),
        });
        let this = reactor.clone();
        std::thread::Builder::new()
            .name("nexus-reactor".into())
            .spawn(move || this.run(&mut poll))?;
        Ok(reactor)
    }

    /// Arms a timer that calls `fire(key, tag)`; see [`Timers::arm`].
    pub fn arm(
        &self,
        delay: Duration,
        interval: Option<Duration>,
        fire: (Fire, u64),
        keeps_alive: bool,
    ) -> TimerKey {
        let (key, earliest) = self.timers.lock().unwrap_or_else(|e| e.into_inner()).arm(
            delay,
            interval,
            fire,
            keeps_alive,
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

    /// Watches `source` (edge-triggered) and calls `on_ready` on the reactor thread.
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
            for event in events.iter().filter(|e| e.token() != WAKE) {
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
                    });
                }
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
