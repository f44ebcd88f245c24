//! An HTTP server: an Acceptor whose connections speak HTTP/1.x natively (parsing, framing,
//! limits, timeouts) and hand each request's head to a [`Handler`] (the JS side).
//!
//! Invariants: the server owns its open connections (each leaves its list when it closes), so
//! `close` can end the idle ones at once and let busy ones finish their current exchange; a closed
//! server therefore stops holding the runtime as soon as its last response is out.

use super::connection::Connection;
use super::parse::RequestHead;
use crate::io::IoError;
use crate::net::acceptor::Binding;
use crate::scheduler::Scheduler;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Receives what the connections of a server produce; runs on pool threads.
pub trait Handler: Send + Sync + 'static {
    /// A request head was parsed; the handler answers through `connection`.
    fn request(&self, connection: &Arc<Connection>, head: RequestHead);
    /// Bad input was answered with `status` and the connection closed.
    fn client_error(&self, peer: SocketAddr, status: u16, reason: &str);
    /// The connection closed: it yields nothing more (a place to forget its `token`).
    fn closed(&self, connection: &Connection);
}

#[derive(Clone, Copy)]
pub struct Timeouts {
    /// From a connection's first byte of a request head (or its accept) to the head's end.
    pub headers: Duration,
    /// Between the end of a response and the first byte of the next request.
    pub keep_alive: Duration,
}

pub struct Server {
    pub scheduler: Scheduler,
    pub timeouts: Timeouts,
    pub handler: Box<dyn Handler>,
    connections: Mutex<HashMap<u64, Arc<Connection>>>,
    closing: AtomicBool,
}

impl Server {
    /// Listens on a realm's binding: at most `limit` connections at once, the rest queued.
    pub fn listen(
        binding: &Binding,
        limit: usize,
        timeouts: Timeouts,
        scheduler: Scheduler,
        handler: Box<dyn Handler>,
    ) -> Result<Arc<Server>, IoError> {
        let server = Arc::new(Server {
            scheduler,
            timeouts,
            handler,
            connections: Mutex::new(HashMap::new()),
            closing: AtomicBool::new(false),
        });
        let weak = Arc::downgrade(&server);
        binding.listen(
            limit as u32,
            limit,
            Box::new(move |stream, peer, slot| match weak.upgrade() {
                Some(server) => Connection::start(stream, peer, slot, server),
                None => drop(stream),
            }),
        )?;
        Ok(server)
    }

    pub fn closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    /// Idle connections close now, busy ones after their current response. (The realm's
    /// binding, released beside this, stops the accepting.)
    pub fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        let open: Vec<_> = self.lock().values().cloned().collect();
        for connection in open {
            connection.server_closing();
        }
    }

    pub(super) fn opened(&self, connection: &Arc<Connection>) {
        self.lock().insert(connection.id, connection.clone());
    }

    pub(super) fn closed(&self, id: u64) {
        self.lock().remove(&id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.connections.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The `Date` header's value, formatted once per second.
pub fn date() -> String {
    static CACHE: Mutex<(u64, String)> = Mutex::new((u64::MAX, String::new()));
    let now = SystemTime::now();
    let second = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if cache.0 != second {
        *cache = (second, super::response::http_date(now));
    }
    cache.1.clone()
}
