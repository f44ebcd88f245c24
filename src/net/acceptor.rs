//! The Acceptor: a listening TCP socket that hands each accepted connection to its owner.
//!
//! Invariants: at most `limit` accepted connections are open at a time (the owner reports each
//! one's end with [`Acceptor::released`]); beyond that the Acceptor stops accepting and the
//! kernel's backlog queues the rest, so no client is refused. While listening it holds the
//! runtime.

use super::readiness::{Pumped, Readiness, schedule, unwatch, watch};
use crate::io::IoError;
use crate::say::say;
use crate::scheduler::{Hold, Scheduler};
use mio::{Interest, Token};
use socket2::{Domain, Protocol, Socket as RawSocket, Type};
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// What the owner does with an accepted connection (on a pool thread).
pub type OnAccept = Box<dyn Fn(TcpStream, SocketAddr) + Send + Sync>;

pub struct Acceptor {
    socket: RawSocket,
    pub address: SocketAddr,
    scheduler: Scheduler,
    readiness: Readiness,
    listening: OnceLock<Listening>,
    open: AtomicUsize,
    closed: AtomicBool,
    /// Set while accepting is paused by EMFILE/ENFILE; a timer retries.
    backing_off: AtomicBool,
}

struct Listening {
    listener: TcpListener,
    token: Token,
    limit: usize,
    on_accept: OnAccept,
    hold: Mutex<Option<Hold>>,
}

impl Acceptor {
    /// Binds `address`; `reuse` sets SO_REUSEADDR (a restarted server need not wait for old
    /// connections in TIME_WAIT).
    pub fn bind(
        address: SocketAddr,
        reuse: bool,
        scheduler: &Scheduler,
    ) -> Result<Arc<Acceptor>, IoError> {
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
        Ok(Arc::new(Acceptor {
            socket,
            address,
            scheduler: scheduler.clone(),
            readiness: Readiness::default(),
            listening: OnceLock::new(),
            open: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            backing_off: AtomicBool::new(false),
        }))
    }

    /// Starts accepting: at most `limit` connections open at once, `backlog` more queued by the
    /// kernel.
    pub fn listen(
        self: &Arc<Self>,
        backlog: u32,
        limit: usize,
        on_accept: OnAccept,
    ) -> Result<(), IoError> {
        let error = |e: std::io::Error| IoError::net(&e, "listen", self.address);
        if self.listening.get().is_some() {
            return Err(IoError::invalid(format!(
                "{} is already listening",
                self.address
            )));
        }
        self.socket
            .listen(backlog.clamp(1, i32::MAX as u32) as i32)
            .map_err(error)?;
        let listener: TcpListener = self.socket.try_clone().map_err(error)?.into();
        listener.set_nonblocking(true).map_err(error)?;
        let token = watch(
            &self.scheduler,
            listener.as_raw_fd(),
            Interest::READABLE,
            Arc::downgrade(self),
        )
        .map_err(error)?;
        let _ = self.listening.set(Listening {
            listener,
            token,
            limit: limit.max(1),
            on_accept,
            hold: Mutex::new(Some(self.scheduler.hold())),
        });
        schedule(self);
        Ok(())
    }

    /// An accepted connection ended: accept more if the limit had paused accepting.
    pub fn released(self: &Arc<Self>) {
        let Some(listening) = self.listening.get() else {
            return;
        };
        if self.open.fetch_sub(1, Ordering::SeqCst) == listening.limit {
            schedule(self);
        }
    }

    pub fn close(&self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        if let Some(listening) = self.listening.get() {
            unwatch(
                &self.scheduler,
                listening.listener.as_raw_fd(),
                listening.token,
            );
            // Nothing more is accepted: queued clients get a reset instead of waiting forever.
            let _ = self.socket.shutdown(std::net::Shutdown::Both);
            listening
                .hold
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
        }
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
        let Some(listening) = self.listening.get() else {
            return;
        };
        while !self.closed.load(Ordering::SeqCst) {
            if self.open.load(Ordering::SeqCst) >= listening.limit
                || !self.readiness.take_readable()
            {
                return;
            }
            match listening.listener.accept() {
                Ok((stream, peer)) => {
                    self.readiness.still_readable();
                    self.backing_off.store(false, Ordering::SeqCst);
                    self.open.fetch_add(1, Ordering::SeqCst);
                    (listening.on_accept)(stream, peer);
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
