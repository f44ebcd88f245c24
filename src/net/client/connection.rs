//! One client connection on the reactor: a non-blocking connect, then plain TCP or TLS (rustls)
//! over it, with at most one read and one write pending (an exchange never needs more). Its
//! pump, like a server socket's, runs on the pool when the reactor reports readiness or an
//! operation starts.
//!
//! Invariants:
//! - the pump tries every direction some pending work needs until the OS says "would block", so
//!   an edge the reactor reported is never lost (a report during a pump schedules another);
//! - a pending operation holds the runtime (a `Hold`), an idle connection does not: a pooled
//!   socket never keeps a program running;
//! - after a failure or `close` every pending and later operation ends with that error, and the
//!   socket leaves the reactor's table once.

use super::error::FetchError;
use crate::net::readiness::{Pumped, Readiness, Registration, schedule};
use crate::scheduler::{Hold, Scheduler};
use mio::Interest;
use mio::net::TcpStream;
use rustls::ClientConnection;
use rustls_pki_types::ServerName;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex, MutexGuard};

/// What a finished operation gives: read bytes (empty at the peer's end), or nothing.
pub type Done<T> = Box<dyn FnOnce(Result<T, FetchError>) + Send>;

/// Bytes asked of the socket per read.
const READ_SIZE: usize = 64 * 1024;

pub struct Connection {
    stream: TcpStream,
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
    tls: Option<(ClientConnection, String)>,
    /// Finished when the connect (or the TLS handshake) is.
    ready: Option<(Done<()>, Hold)>,
    read: Option<(Done<Vec<u8>>, Hold)>,
    write: Option<(Vec<u8>, usize, Done<()>, Hold)>,
    /// Sticky: every later operation ends with it.
    failed: Option<FetchError>,
}

/// Completions to run once the lock is let go: they may start the next operation at once.
type Finished = Vec<Box<dyn FnOnce() + Send>>;

impl Connection {
    /// Starts connecting to `peer`; `done` hears when the socket is connected, or at once (and
    /// no connection is given) when the connect cannot even start.
    pub fn connect(
        peer: SocketAddr,
        scheduler: &Scheduler,
        done: Done<()>,
    ) -> Option<Arc<Connection>> {
        let failed = |e: std::io::Error| FetchError::socket(&e, "connect", peer);
        let stream = match TcpStream::connect(peer).and_then(|s| s.set_nodelay(true).map(|()| s)) {
            Ok(stream) => stream,
            Err(e) => {
                done(Err(failed(e)));
                return None;
            }
        };
        let connection = Arc::new(Connection {
            stream,
            peer,
            registration: Registration::default(),
            readiness: Readiness::default(),
            scheduler: scheduler.clone(),
            state: Mutex::new(State {
                phase: Phase::Connecting,
                tls: None,
                ready: Some((done, scheduler.hold())),
                read: None,
                write: None,
                failed: None,
            }),
        });
        let fd = connection.stream.as_raw_fd();
        let watched =
            connection
                .registration
                .watch(&connection, fd, Interest::READABLE | Interest::WRITABLE);
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
        let started = ServerName::try_from(host.to_owned())
            .map_err(|e| FetchError::new("ERR_TLS_HANDSHAKE", format!("TLS with {host}: {e}")))
            .and_then(|name| {
                ClientConnection::new(config, name).map_err(|e| FetchError::tls(host, &e))
            });
        let mut state = self.lock();
        match (started, state.failed.clone()) {
            (_, Some(error)) | (Err(error), None) => {
                drop(state);
                done(Err(error))
            }
            (Ok(tls), None) => {
                state.tls = Some((tls, host.to_owned()));
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
        if state.failed.is_some() || state.phase != Phase::Open {
            return false;
        }
        let mut probe = [0u8; 1];
        matches!(self.stream.peek(&mut probe), Err(e) if e.kind() == ErrorKind::WouldBlock)
    }

    /// Closes the socket; pending operations end with an abort.
    pub fn close(&self) {
        self.close_with(FetchError::aborted());
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
        let _ = self.stream.shutdown(Shutdown::Both);
        self.registration
            .unwatch(&self.scheduler, self.stream.as_raw_fd());
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

    /// Moves what it can; gives the finished operations, or the failure that ended them.
    fn step(&self, state: &mut State, finished: &mut Finished) -> Result<(), FetchError> {
        if state.phase == Phase::Connecting {
            let failed = |e: std::io::Error| FetchError::socket(&e, "connect", self.peer);
            if let Some(e) = self.stream.take_error().map_err(failed)? {
                return Err(failed(e));
            }
            match self.stream.peer_addr() {
                Ok(_) => state.phase = Phase::Open,
                Err(e) if e.kind() == ErrorKind::NotConnected => return Ok(()),
                Err(e) => return Err(failed(e)),
            }
            if let Some((done, _)) = state.ready.take() {
                finished.push(Box::new(move || done(Ok(()))));
            }
        }
        if state.tls.is_some() {
            self.step_tls(state, finished)
        } else {
            self.step_plain(state, finished)
        }
    }

    fn step_plain(&self, state: &mut State, finished: &mut Finished) -> Result<(), FetchError> {
        if let Some((bytes, at, _, _)) = state.write.as_mut() {
            while *at < bytes.len() {
                match (&self.stream).write(&bytes[*at..]) {
                    Ok(k) => *at += k,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => return Err(FetchError::socket(&e, "write", self.peer)),
                }
            }
            if *at == bytes.len()
                && let Some((_, _, done, _)) = state.write.take()
            {
                finished.push(Box::new(move || done(Ok(()))));
            }
        }
        if state.read.is_some() {
            let mut buffer = vec![0; READ_SIZE];
            let read = loop {
                match (&self.stream).read(&mut buffer) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                    Err(e) => return Err(FetchError::socket(&e, "read", self.peer)),
                }
            };
            buffer.truncate(read);
            if let Some((done, _)) = state.read.take() {
                finished.push(Box::new(move || done(Ok(buffer))));
            }
        }
        Ok(())
    }

    fn step_tls(&self, state: &mut State, finished: &mut Finished) -> Result<(), FetchError> {
        let State {
            phase,
            tls,
            ready,
            read,
            write,
            ..
        } = state;
        let Some((tls, host)) = tls.as_mut() else {
            return Ok(());
        };
        let failed = |e: std::io::Error, syscall| FetchError::socket(&e, syscall, self.peer);
        // Loops while anything moved: taking plaintext frees room for ciphertext, reading
        // ciphertext may complete the handshake or give plaintext.
        loop {
            let mut moved = false;
            if *phase == Phase::Open
                && let Some((bytes, at, _, _)) = write.as_mut()
                && *at < bytes.len()
            {
                let n = tls
                    .writer()
                    .write(&bytes[*at..])
                    .map_err(|e| failed(e, "write"))?;
                *at += n;
                moved |= n > 0;
            }
            while tls.wants_write() {
                match tls.write_tls(&mut &self.stream) {
                    Ok(_) => moved = true,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => return Err(failed(e, "write")),
                }
            }
            if let Some((bytes, at, _, _)) = write.as_ref()
                && *at == bytes.len()
                && !tls.wants_write()
                && let Some((_, _, done, _)) = write.take()
            {
                finished.push(Box::new(move || done(Ok(()))));
            }
            if *phase == Phase::Open && read.is_some() {
                let mut buffer = vec![0; READ_SIZE];
                match tls.reader().read(&mut buffer) {
                    Ok(n) => {
                        buffer.truncate(n);
                        if let Some((done, _)) = read.take() {
                            finished.push(Box::new(move || done(Ok(buffer))));
                        }
                        moved = true;
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == ErrorKind::UnexpectedEof => {
                        // The peer closed without close_notify: the body's framing decides.
                        if let Some((done, _)) = read.take() {
                            finished.push(Box::new(move || done(Ok(Vec::new()))));
                        }
                    }
                    Err(e) => return Err(failed(e, "read")),
                }
            }
            let wants_bytes = *phase == Phase::Handshaking || read.is_some();
            if wants_bytes && tls.wants_read() {
                match tls.read_tls(&mut &self.stream) {
                    Ok(0) => {
                        if *phase == Phase::Handshaking {
                            return Err(FetchError::closed(format!(
                                "{host} closed the connection during the TLS handshake"
                            )));
                        }
                        if let Some((done, _)) = read.take() {
                            finished.push(Box::new(move || done(Ok(Vec::new()))));
                        }
                    }
                    Ok(_) => {
                        tls.process_new_packets()
                            .map_err(|e| FetchError::tls(host, &e))?;
                        moved = true;
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => moved = true,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => return Err(failed(e, "read")),
                }
            }
            if *phase == Phase::Handshaking && !tls.is_handshaking() {
                *phase = Phase::Open;
                if let Some((done, _)) = ready.take() {
                    finished.push(Box::new(move || done(Ok(()))));
                }
                moved = true;
            }
            if !moved {
                return Ok(());
            }
        }
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
        self.registration
            .unwatch(&self.scheduler, self.stream.as_raw_fd());
    }
}
