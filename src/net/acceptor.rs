//! The Acceptor: a listening TCP socket that hands each accepted connection to one of its
//! targets. Each realm that listens on the same address adds a target (the socket is shared, so
//! realms serve one port together); a connection goes to the target with the fewest open
//! connections, ties taken in turn.
//!
//! Invariants: a target has at most `limit` connections open (each holds a [`Slot`] until it
//! ends); when every target is full the Acceptor stops accepting and the kernel's backlog queues
//! the rest, so no client is refused. While any target listens, the Acceptor holds the runtime;
//! when the last one leaves, the socket stops listening.

use super::bound::Bound;
use super::readiness::{Pumped, Readiness, Registration, schedule};
use crate::io::IoError;
use crate::say::say;
use crate::scheduler::{Hold, Scheduler};
use mio::Interest;
use mio::net::TcpListener;
use socket2::{Domain, Protocol, Socket as RawSocket, Type};
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a target does with an accepted connection (on a pool thread), already non-blocking
/// (accept4 makes it so, sparing an ioctl per connection); the connection counts against the
/// target's limit until `Slot` is dropped.
pub type OnAccept = Box<dyn Fn(TcpStream, SocketAddr, Slot) + Send + Sync>;

pub struct Acceptor {
    /// The bound socket, and once listening the non-blocking listener made from it; both go at
    /// close, so the port is free as soon as the last realm closed (a pump task still queued
    /// may hold the Acceptor a while longer).
    socket: Mutex<Option<RawSocket>>,
    pub address: SocketAddr,
    scheduler: Scheduler,
    readiness: Readiness,
    listening: Mutex<Option<TcpListener>>,
    registration: Registration,
    targets: Mutex<Vec<Arc<Target>>>,
    turn: AtomicUsize,
    /// The realms that bound this socket (each may bind an address once).
    realms: Mutex<Vec<u32>>,
    closed: AtomicBool,
    /// Set while accepting is paused by EMFILE/ENFILE; a timer retries.
    backing_off: AtomicBool,
}

pub struct Target {
    open: AtomicUsize,
    limit: usize,
    on_accept: OnAccept,
    _hold: Hold,
}

/// One accepted connection's place in its target's limit.
pub struct Slot {
    acceptor: Arc<Acceptor>,
    target: Arc<Target>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if self.target.open.fetch_sub(1, Ordering::SeqCst) == self.target.limit {
            schedule(&self.acceptor);
        }
    }
}

/// Acceptors by requested address, for realms to share (see `bound`).
static BOUND: Bound<Acceptor> = Bound::new();

impl Acceptor {
    /// Binds `address` for `realm`, or joins the socket another realm bound there; `reuse` sets
    /// SO_REUSEADDR (a restarted server need not wait for old connections in TIME_WAIT).
    pub fn bind(
        address: SocketAddr,
        reuse: bool,
        realm: u32,
        scheduler: &Scheduler,
    ) -> Result<Arc<Acceptor>, IoError> {
        let join = |shared: &Acceptor| {
            let mut realms = shared.realms.lock().unwrap_or_else(|e| e.into_inner());
            let joins = !shared.closed.load(Ordering::SeqCst) && !realms.contains(&realm);
            if joins {
                realms.push(realm);
            }
            joins
        };
        let open = || Acceptor::open(address, reuse, realm, scheduler).map(Arc::new);
        BOUND.join_or_open(address, join, open)
    }

    fn open(
        address: SocketAddr,
        reuse: bool,
        realm: u32,
        scheduler: &Scheduler,
    ) -> Result<Acceptor, IoError> {
        let error = |e: std::io::Error| IoError::net(&e, "bind", address);
        let socket = RawSocket::new(
            Domain::for_address(address),
            Type::STREAM,
            Some(Protocol::TCP),
        )
        .map_err(error)?;
        if address.is_ipv6() {
            socket.set_only_v6(true).map_err(error)?;
        }
        socket.set_reuse_address(reuse).map_err(error)?;
        socket.bind(&address.into()).map_err(error)?;
        let address = socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .unwrap_or(address);
        Ok(Acceptor {
            socket: Mutex::new(Some(socket)),
            address,
            scheduler: scheduler.clone(),
            readiness: Readiness::default(),
            listening: Mutex::new(None),
            registration: Registration::default(),
            targets: Mutex::new(Vec::new()),
            turn: AtomicUsize::new(0),
            realms: Mutex::new(vec![realm]),
            closed: AtomicBool::new(false),
            backing_off: AtomicBool::new(false),
        })
    }

    /// Adds a target: at most `limit` of its connections open at once. The first target starts
    /// the socket listening with `backlog` places in the kernel's queue.
    pub fn listen(
        self: &Arc<Self>,
        backlog: u32,
        limit: usize,
        on_accept: OnAccept,
    ) -> Result<Arc<Target>, IoError> {
        let error = |e: std::io::Error| IoError::net(&e, "listen", self.address);
        if self.closed.load(Ordering::SeqCst) {
            return Err(IoError::invalid(format!("{} is closed", self.address)));
        }
        let mut listening = lock(&self.listening);
        if listening.is_none() {
            let socket = lock(&self.socket);
            let Some(socket) = socket.as_ref() else {
                return Err(IoError::invalid(format!("{} is closed", self.address)));
            };
            socket
                .listen(backlog.clamp(1, i32::MAX as u32) as i32)
                .map_err(error)?;
            let listener: std::net::TcpListener = socket.try_clone().map_err(error)?.into();
            listener.set_nonblocking(true).map_err(error)?;
            let listener = TcpListener::from_std(listener);
            self.registration
                .watch(self, listener.as_raw_fd(), Interest::READABLE)
                .map_err(error)?;
            *listening = Some(listener);
        }
        drop(listening);
        let target = Arc::new(Target {
            open: AtomicUsize::new(0),
            limit: limit.max(1),
            on_accept,
            _hold: self.scheduler.hold(),
        });
        self.lock_targets().push(target.clone());
        schedule(self);
        Ok(target)
    }

    /// A realm lets go of the socket: its target (if it listened) stops receiving connections;
    /// the socket closes with the last realm.
    pub fn leave(&self, realm: u32, target: Option<&Arc<Target>>) {
        if let Some(target) = target {
            self.lock_targets().retain(|t| !Arc::ptr_eq(t, target));
        }
        let mut realms = self.realms.lock().unwrap_or_else(|e| e.into_inner());
        realms.retain(|&r| r != realm);
        if realms.is_empty() {
            drop(realms);
            self.close();
        }
    }

    fn close(&self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        // Waits for a pump that is accepting. Closing the descriptors frees the port, and
        // queued clients get a reset instead of waiting forever.
        if let Some(listener) = lock(&self.listening).take() {
            self.registration
                .unwatch(&self.scheduler, listener.as_raw_fd());
        }
        lock(&self.socket).take();
        self.lock_targets().clear();
    }

    fn lock_targets(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Target>>> {
        lock(&self.targets)
    }

    /// The target with the fewest open connections and room for one more. The turn moves on
    /// only when a connection is accepted (`pump`): a pump picks once more before it finds the
    /// queue empty, and moving on then too would give every other tie to the same target.
    fn pick(&self) -> Option<Arc<Target>> {
        let targets = self.lock_targets();
        let n = targets.len();
        let start = self.turn.load(Ordering::Relaxed);
        (0..n)
            .map(|i| &targets[(start + i) % n])
            .filter(|t| t.open.load(Ordering::SeqCst) < t.limit)
            .min_by_key(|t| t.open.load(Ordering::SeqCst))
            .cloned()
    }

    /// Too many open files: retry in a while instead of spinning on the same error.
    fn back_off(self: &Arc<Self>, error: &std::io::Error) {
        if !self.backing_off.swap(true, Ordering::SeqCst) {
            say!("nexus: {}: cannot accept: {error}; retrying", self.address);
        }
        let acceptor = self.clone();
        self.scheduler
            .timer(Duration::from_millis(50), None, move |_| {
                acceptor.readiness.still_readable();
                schedule(&acceptor);
            });
    }
}

impl Pumped for Acceptor {
    fn readiness(&self) -> &Readiness {
        &self.readiness
    }

    fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    fn pump(self: Arc<Self>) {
        let listening = lock(&self.listening);
        let Some(listener) = listening.as_ref() else {
            return;
        };
        while !self.closed.load(Ordering::SeqCst) {
            let Some(target) = self.pick() else {
                return;
            };
            if !self.readiness.take_readable() {
                return;
            }
            match listener.accept() {
                Ok((stream, peer)) => {
                    let stream = TcpStream::from(stream);
                    self.turn.fetch_add(1, Ordering::Relaxed);
                    self.readiness.still_readable();
                    self.backing_off.store(false, Ordering::SeqCst);
                    target.open.fetch_add(1, Ordering::SeqCst);
                    let slot = Slot {
                        acceptor: self.clone(),
                        target: target.clone(),
                    };
                    (target.on_accept)(stream, peer, slot);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e)
                    if matches!(e.raw_os_error(), Some(23 | 24 | 105))
                        || e.kind() == ErrorKind::OutOfMemory =>
                {
                    return self.back_off(&e);
                }
                // The client gave up before it was accepted, or a signal: take the next one.
                Err(_) => self.readiness.still_readable(),
            }
        }
    }
}

/// A realm's hold on an Acceptor: what JS's handle names. Dropping it (the handle's release)
/// takes the realm's target away and closes the socket once no realm is left.
pub struct Binding {
    pub acceptor: Arc<Acceptor>,
    realm: u32,
    target: Mutex<Option<Arc<Target>>>,
}

impl Binding {
    pub fn new(acceptor: Arc<Acceptor>, realm: u32) -> Binding {
        Binding {
            acceptor,
            realm,
            target: Mutex::new(None),
        }
    }

    pub fn listen(&self, backlog: u32, limit: usize, on_accept: OnAccept) -> Result<(), IoError> {
        let mut target = self.target.lock().unwrap_or_else(|e| e.into_inner());
        if target.is_some() {
            return Err(IoError::invalid(format!(
                "{} is already listening",
                self.acceptor.address
            )));
        }
        *target = Some(self.acceptor.listen(backlog, limit, on_accept)?);
        Ok(())
    }
}

impl Drop for Binding {
    fn drop(&mut self) {
        let target = self.target.get_mut().unwrap_or_else(|e| e.into_inner());
        self.acceptor.leave(self.realm, target.as_ref());
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
