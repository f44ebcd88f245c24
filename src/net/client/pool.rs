//! The keep-alive pool: idle connections per origin (scheme, host, port and proxy), reused by the
//! next request to the same origin, most recent first (the likeliest to be alive).
//!
//! Invariants: at most [`MAX_IDLE_PER_ORIGIN`] idle connections per origin, each idle at most
//! [`IDLE_TIMEOUT`] (servers close idle connections after a few seconds: Node's after 5, so
//! ours gives up first); a connection is in the pool only between exchanges, never while one
//! uses it; one that had bytes or an end arrive while idle is closed, not given out.

use super::connection::Connection;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

pub const MAX_IDLE_PER_ORIGIN: usize = 64;
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(4);

type Idle = Vec<(Arc<Connection>, Instant)>;

static POOL: LazyLock<Mutex<HashMap<String, Idle>>> = LazyLock::new(Default::default);

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
pub fn put(origin: &str, connection: Arc<Connection>) {
    let now = Instant::now();
    let mut closing = Vec::new();
    {
        let mut pool = lock();
        let idle = pool.entry(origin.to_owned()).or_default();
        idle.retain(|(c, since)| {
            let keep = now.duration_since(*since) < IDLE_TIMEOUT;
            if !keep {
                closing.push(c.clone());
            }
            keep
        });
        if idle.len() < MAX_IDLE_PER_ORIGIN {
            idle.push((connection, now));
        } else {
            closing.push(connection);
        }
    }
    closing.iter().for_each(|c| c.close());
}
