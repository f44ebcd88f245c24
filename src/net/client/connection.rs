//! One client connection on the reactor: a non-blocking connect, then plain TCP or TLS over it
//! (the `Transport` the server's sockets use too), with at most one read and one write pending
//! (an exchange never needs more). Its pump, like a server socket's, runs on the pool when the
//! reactor reports readiness or an operation starts.
//!
//! Invariants:
//! - the pump tries every direction some pending work needs until the OS says "would block", so
//!   an edge the reactor reported is never lost (a report during a pump schedules another);
//! - a pending operation holds the runtime (a `Hold`), an idle connection does not: a pooled
//!   socket never keeps a program running;
//! - after a failure, `close` or `detach` every pending and later operation ends with that
//!   error, and the socket leaves the reactor's table once.

use super::error::FetchError;
use crate::net::readiness::{Pumped, Readiness, Registration, schedule};
use crate::net::scratch;
use crate::net::transport::{Transport, tls_error};
use crate::scheduler::{Hold, Scheduler};
use mio::Interest;
use rustls_pki_types::ServerName;
use socket2::{Domain, Protocol, Socket, Type};
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard};

/// What a finished operation gives: read bytes (empty at the peer's end), or nothing.
pub type Done<T> = Box<dyn FnOnce(Result<T, FetchError>) + Send>;

/// connect(2)'s "started, not finished yet" on a non-blocking socket.
const EINPROGRESS: i32 = 115;

pub struct Connection {
    /// The descriptor, for the reactor's table: the socket is in `State`'s transport.
    fd: RawFd,
    pub peer: SocketAddr,
    registration: Registration,
    readiness: Readiness,
    scheduler: Scheduler,
    state: Mutex<State>,
}

#[derive(PartialEq, Eq)]
enum Phase {
    Connecting,
    Handshaking,
    Open,
}

struct State {
    phase: Phase,
    /// None once `detach` took it.
    transport: Option<Transport>,
    /// The name TLS checked, for its errors.
    host: String,
    /// Finished when the connect (or the TLS handshake) is.
    ready: Option<(Done<()>, Hold)>,
    read: Option<(Done<Vec<u8>>, Hold)>,
    write: Option<(Vec<u8>, usize, Done<()>, Hold)>,
    /// Sticky: every later operation ends with it.
    failed: Option<FetchError>,
}

/// Completions to run once the lock is let go: they may start the next operation at once.
type Finished = Vec<Box<dyn FnOnce() + Send>>;

/// A non-blocking socket whose connect to `peer` has started.
fn start_connect(peer: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = Socket::new(Domain::for_address(peer), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_nonblocking(true)?;
    socket.set_tcp_nodelay(true)?;
    match socket.connect(&peer.into()) {
        Err(e) if e.raw_os_error() != Some(EINPROGRESS) => Err(e),
        _ => Ok(socket.into()),
    }
}

impl Connection {
    /// Starts connecting to `peer`; `done` hears when the socket is connected, or at once (and
    /// no connection is given) when the connect cannot even start.
    pub fn connect(
        peer: SocketAddr,
        scheduler: &Scheduler,
        done: Done<()>,
    ) -> Option<Arc<Connection>> {
        let failed = |e: std::io::Error| FetchError::socket(&e, "connect", peer);
        let stream = match start_connect(peer) {
            Ok(stream) => stream,
            Err(e) => {
                done(Err(failed(e)));
                return None;
            }
        };
        let connection = Arc::new(Connection {
            fd: stream.as_raw_fd(),
            peer,
            registration: Registration::default(),
            readiness: Readiness::default(),
            scheduler: scheduler.clone(),
            state: Mutex::new(State {
                phase: Phase::Connecting,
                transport: Some(Transport::plain(stream)),
                host: String::new(),
                ready: Some((done, scheduler.hold())),
                read: None,
                write: None,
                failed: None,
            }),
        });
        let watched = connection.registration.watch(
            &connection,
            connection.fd,
            Interest::READABLE | Interest::WRITABLE,
        );
        match watched {
            Ok(()) => schedule(&connection),
            Err(e) => connection.close_with(failed(e)),
        }
        Some(connection)
    }

    /// Starts TLS with `host` over the open socket; `done` hears when the handshake is over.
    pub fn start_tls(
        self: &Arc<Self>,
        config: Arc<rustls::ClientConfig>,
        host: &str,
        done: Done<()>,
    ) {
        let name = ServerName::try_from(host.to_owned())
            .map_err(|e| FetchError::new("ERR_TLS_HANDSHAKE", format!("TLS with {host}: {e}")));
        let mut state = self.lock();
        let inner = &mut *state;
        let started = name.and_then(|name| match (&inner.failed, inner.transport.as_mut()) {
            (Some(error), _) => Err(error.clone()),
            (None, None) => Err(FetchError::aborted()),
            (None, Some(transport)) => transport
                .start_client(config, name)
                .map_err(|e| self.failure(&e, "handshake", host)),
        });
        match started {
            Err(error) => {
                drop(state);
                done(Err(error))
            }
            Ok(()) => {
                state.host = host.to_owned();
                state.phase = Phase::Handshaking;
                state.ready = Some((done, self.scheduler.hold()));
                drop(state);
                schedule(self);
            }
        }
    }

    /// Reads what arrived; empty once the peer finished sending.
    pub fn read(self: &Arc<Self>, done: Done<Vec<u8>>) {
        let mut state = self.lock();
        if let Some(error) = state.failed.clone() {
            drop(state);
            return done(Err(error));
        }
        state.read = Some((done, self.scheduler.hold()));
        drop(state);
        schedule(self);
    }

    /// Writes all of `bytes`.
    pub fn write(self: &Arc<Self>, bytes: Vec<u8>, done: Done<()>) {
        let mut state = self.lock();
        if let Some(error) = state.failed.clone() {
            drop(state);
            return done(Err(error));
        }
        state.write = Some((bytes, 0, done, self.scheduler.hold()));
        drop(state);
        schedule(self);
    }

    /// Whether an idle connection looks usable: no bytes and no end arrived while it was idle.
    pub fn idle_and_alive(&self) -> bool {
        let state = self.lock();
        let Some(transport) = state.transport.as_ref() else {
            return false;
        };
        if state.failed.is_some() || state.phase != Phase::Open {
            return false;
        }
        let mut probe = [0u8; 1];
        matches!(transport.stream().peek(&mut probe), Err(e) if e.kind() == ErrorKind::WouldBlock)
    }

    /// Closes the socket; pending operations end with an abort.
    pub fn close(&self) {
        self.close_with(FetchError::aborted());
    }

    /// Takes the open socket (and its TLS session) off this connection, for a device of its
    /// own; the connection then fails as if closed.
    pub fn detach(&self) -> Option<Transport> {
        let (transport, finished) = {
            let mut state = self.lock();
            if state.failed.is_some() {
                return None;
            }
            self.registration.unwatch(&self.scheduler, self.fd);
            let transport = state.transport.take();
            (transport, self.fail(&mut state, FetchError::aborted()))
        };
        finished.into_iter().for_each(|f| f());
        transport
    }

    fn close_with(&self, error: FetchError) {
        let finished = {
            let mut state = self.lock();
            self.fail(&mut state, error)
        };
        finished.into_iter().for_each(|f| f());
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `error`, ends the socket and gives the pending operations' completions.
    fn fail(&self, state: &mut State, error: FetchError) -> Finished {
        let mut finished: Finished = Vec::new();
        if state.failed.is_some() {
            return finished;
        }
        state.failed = Some(error.clone());
        if let Some(transport) = state.transport.as_mut() {
            transport.shutdown();
        }
        self.registration.unwatch(&self.scheduler, self.fd);
        if let Some((done, _)) = state.ready.take() {
            let error = error.clone();
            finished.push(Box::new(move || done(Err(error))));
        }
        if let Some((done, _)) = state.read.take() {
            let error = error.clone();
            finished.push(Box::new(move || done(Err(error))));
        }
        if let Some((_, _, done, _)) = state.write.take() {
            finished.push(Box::new(move || done(Err(error))));
        }
        finished
    }

    /// A transport failure as fetch tells it: TLS errors with their certificate codes.
    fn failure(&self, error: &std::io::Error, syscall: &str, host: &str) -> FetchError {
        match tls_error(error) {
            Some(tls) => FetchError::tls(host, tls),
            None => FetchError::socket(error, syscall, self.peer),
        }
    }

    /// Moves what it can; gives the finished operations, or the failure that ended them.
    fn step(&self, state: &mut State, finished: &mut Finished) -> Result<(), FetchError> {
        let State {
            phase,
            transport,
            host,
            ready,
            read,
            write,
            ..
        } = state;
        let Some(transport) = transport.as_mut() else {
            return Ok(());
        };
        let failed = |e: std::io::Error, syscall| self.failure(&e, syscall, host);
        if *phase == Phase::Connecting {
            let stream = transport.stream();
            if let Some(e) = stream.take_error().map_err(|e| failed(e, "connect"))? {
                return Err(failed(e, "connect"));
            }
            match stream.peer_addr() {
                Ok(_) => *phase = Phase::Open,
                Err(e) if e.kind() == ErrorKind::NotConnected => return Ok(()),
                Err(e) => return Err(failed(e, "connect")),
            }
            if let Some((done, _)) = ready.take() {
                finished.push(Box::new(move || done(Ok(()))));
            }
        }
        // What the last pump could not send goes first: the handshake may wait on it.
        match transport.flush() {
            Err(e) if e.kind() != ErrorKind::WouldBlock => return Err(failed(e, "write")),
            _ => {}
        }
        if *phase == Phase::Handshaking {
            match transport.handshake(&self.readiness) {
                Ok(true) => {
                    *phase = Phase::Open;
                    if let Some((done, _)) = ready.take() {
                        finished.push(Box::new(move || done(Ok(()))));
                    }
                }
                Ok(false) => {
                    return Err(FetchError::closed(format!(
                        "{host} closed the connection during the TLS handshake"
                    )));
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(failed(e, "handshake")),
            }
        }
        if let Some((bytes, at, _, _)) = write.as_mut() {
            let written = loop {
                let sent = if *at == bytes.len() {
                    match transport.flush() {
                        Ok(()) => break true,
                        Err(e) => Err(e),
                    }
                } else {
                    transport.send(&bytes[*at..])
                };
                match sent {
                    Ok(k) => *at += k,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break false,
                    Err(e) => return Err(failed(e, "write")),
                }
            };
            if written && let Some((_, _, done, _)) = write.take() {
                finished.push(Box::new(move || done(Ok(()))));
            }
        }
        if read.is_some() {
            let buffer = match transport.read_owned(scratch::SIZE, &self.readiness) {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(failed(e, "read")),
            };
            if let Some((done, _)) = read.take() {
                finished.push(Box::new(move || done(Ok(buffer))));
            }
        }
        Ok(())
    }
}

impl Pumped for Connection {
    fn readiness(&self) -> &Readiness {
        &self.readiness
    }

    fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    fn pump(self: Arc<Self>) {
        let mut finished = Vec::new();
        {
            let mut state = self.lock();
            if state.failed.is_none()
                && let Err(error) = self.step(&mut state, &mut finished)
            {
                finished.extend(self.fail(&mut state, error));
            }
        }
        finished.into_iter().for_each(|f| f());
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.registration.unwatch(&self.scheduler, self.fd);
    }
}
