//! The keep-alive pool: idle connections per origin (scheme, host, port and proxy), reused by the
//! next request to the same origin, most recent first (the likeliest to be alive).
//!
//! Invariants: at most [`MAX_IDLE_PER_ORIGIN`] idle connections per origin, each idle at most
//! [`IDLE_TIMEOUT`] (servers close idle connections after a few seconds: Node's after 5, so
//! ours gives up first); a connection is in the pool only between exchanges, never while one
//! uses it; one that had bytes or an end arrive while idle is closed, not given out. A sweep
//! closes what has been idle too long even if its origin is never asked for again, at most
//! 2 × IDLE_TIMEOUT after it came in; its timer is unreferenced (an idle pool keeps no program
//! running).

use super::connection::Connection;
use crate::scheduler::{Fire, Priority, Scheduler};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

pub const MAX_IDLE_PER_ORIGIN: usize = 64;
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(4);

type Idle = Vec<(Arc<Connection>, Instant)>;

static POOL: LazyLock<Mutex<HashMap<String, Idle>>> = LazyLock::new(Default::default);
/// Whether a sweep is armed.
static SWEEPING: AtomicBool = AtomicBool::new(false);

fn lock() -> std::sync::MutexGuard<'static, HashMap<String, Idle>> {
    POOL.lock().unwrap_or_else(|e| e.into_inner())
}

/// An idle connection to `origin` that still looks alive.
pub fn take(origin: &str) -> Option<Arc<Connection>> {
    let mut stale = Vec::new();
    let found = {
        let mut pool = lock();
        let idle = pool.get_mut(origin)?;
        let found = loop {
            let Some((connection, since)) = idle.pop() else {
                break None;
            };
            if since.elapsed() < IDLE_TIMEOUT && connection.idle_and_alive() {
                break Some(connection);
            }
            stale.push(connection);
        };
        if idle.is_empty() {
            pool.remove(origin);
        }
        found
    };
    stale.iter().for_each(|c| c.close());
    found
}

/// Keeps `connection` for the next request to `origin`, unless the origin has enough.
pub fn put(scheduler: &Scheduler, origin: &str, connection: Arc<Connection>) {
    let now = Instant::now();
    let mut closing = Vec::new();
    {
        let mut pool = lock();
        let idle = pool.entry(origin.to_owned()).or_default();
        expire(idle, now, &mut closing);
        if idle.len() < MAX_IDLE_PER_ORIGIN {
            idle.push((connection, now));
        } else {
            closing.push(connection);
        }
    }
    closing.iter().for_each(|c| c.close());
    sweep_later(scheduler);
}

/// Moves the connections of `idle` that have been idle for IDLE_TIMEOUT at `now` to `closing`.
fn expire(idle: &mut Idle, now: Instant, closing: &mut Vec<Arc<Connection>>) {
    idle.retain(|(connection, since)| {
        let keep = now.duration_since(*since) < IDLE_TIMEOUT;
        if !keep {
            closing.push(connection.clone());
        }
        keep
    });
}

/// Arms the sweep unless one is armed.
fn sweep_later(scheduler: &Scheduler) {
    if SWEEPING.swap(true, Ordering::AcqRel) {
        return;
    }
    // The timer fires on the reactor's thread, which only queues work: closing deregisters.
    let jobs = scheduler.clone();
    let fire: Fire = Arc::new(move |_| {
        let scheduler = jobs.clone();
        jobs.spawn(Priority::Low, move || sweep(&scheduler));
    });
    scheduler.tagged_timer(IDLE_TIMEOUT, None, (&fire, 0), false);
}

/// Closes every connection idle for IDLE_TIMEOUT or more; arms the next sweep if any remain.
fn sweep(scheduler: &Scheduler) {
    SWEEPING.store(false, Ordering::Release);
    let now = Instant::now();
    let mut closing = Vec::new();
    let remaining = {
        let mut pool = lock();
        pool.retain(|_, idle| {
            expire(idle, now, &mut closing);
            !idle.is_empty()
        });
        !pool.is_empty()
    };
    closing.iter().for_each(|c| c.close());
    if remaining {
        sweep_later(scheduler);
    }
}
