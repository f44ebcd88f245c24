//! An HTTP server: an Acceptor whose connections speak HTTP/1.x natively (parsing, framing,
//! limits, timeouts) and hand each request's head to a [`Handler`] (the JS side).
//!
//! Invariants: the server owns its open connections (each leaves its list when it closes), so
//! `close` can end the idle ones at once and let busy ones finish their current exchange
//! (answered with `Connection: close`), and `cut` can end them all; a closed server therefore
//! stops holding the runtime as soon as its last response is out. Who waits for that end
//! ([`Server::when_closed`]) is told once, when the last connection leaves a closing server: the
//! list and the waiters share one lock, so none is told early or missed.

use super::connection::Connection;
use super::parse::RequestHead;
use crate::io::IoError;
use crate::net::acceptor::Binding;
use crate::scheduler::Scheduler;
use std::cell::RefCell;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Receives what the connections of a server produce; runs on pool threads.
pub trait Handler: Send + Sync + 'static {
    /// A request head was parsed; the handler answers through `connection`.
    fn request(&self, connection: &Arc<Connection>, head: RequestHead);
    /// Bad input was answered with `status` and the connection closed; `status` 0 when no
    /// answer was possible (TLS failed, or its handshake did not finish in time).
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
    /// TLS for every connection, when the server is HTTPS.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    open: Mutex<Open>,
    closing: AtomicBool,
}

/// Called once a closing server has no connection left.
pub type OnClosed = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct Open {
    connections: HashMap<u64, Arc<Connection>>,
    waiters: Vec<OnClosed>,
}

impl Server {
    /// Listens on a realm's binding: at most `limit` connections at once, the rest queued.
    pub fn listen(
        binding: &Binding,
        limit: usize,
        timeouts: Timeouts,
        scheduler: Scheduler,
        handler: Box<dyn Handler>,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> Result<Arc<Server>, IoError> {
        let server = Arc::new(Server {
            scheduler,
            timeouts,
            handler,
            tls,
            open: Mutex::default(),
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
        for connection in self.connections() {
            connection.server_closing();
        }
    }

    /// Calls `done` once the server is closing and its last connection has closed (now, if
    /// that is so already).
    pub fn when_closed(&self, done: OnClosed) {
        let mut open = self.lock();
        if self.closing() && open.connections.is_empty() {
            drop(open);
            return done();
        }
        open.waiters.push(done);
    }

    /// Ends every connection now, responses in progress included (a close's timeout ran out).
    pub fn cut(&self) {
        for connection in self.connections() {
            connection.cut();
        }
    }

    pub(super) fn opened(&self, connection: &Arc<Connection>) {
        self.lock()
            .connections
            .insert(connection.id, connection.clone());
    }

    pub(super) fn closed(&self, id: u64) {
        let mut open = self.lock();
        open.connections.remove(&id);
        if !(self.closing() && open.connections.is_empty()) {
            return;
        }
        let waiters = std::mem::take(&mut open.waiters);
        drop(open);
        waiters.into_iter().for_each(|done| done());
    }

    fn connections(&self) -> Vec<Arc<Connection>> {
        self.lock().connections.values().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The `Date` header's value, formatted once per second by each worker (no lock, no copy).
pub fn date() -> Rc<str> {
    thread_local! {
        static CACHE: RefCell<(u64, Rc<str>)> = RefCell::new((u64::MAX, Rc::from("")));
    }
    let now = SystemTime::now();
    let second = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    CACHE.with_borrow_mut(|cache| {
        if cache.0 != second {
            *cache = (second, super::response::http_date(now).into());
        }
        cache.1.clone()
    })
}
