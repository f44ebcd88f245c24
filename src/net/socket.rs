//! A TCP socket as a bidirectional device: one read and one write may be pending at a time
//! (a stream never has more), each finished by the socket's pump when the OS is ready. Its bytes
//! go through a `Transport`, plain or TLS; a TLS handshake moves on in the pump whether or not
//! an operation is pending (a server may write first).
//!
//! Invariants: a pending operation holds the runtime (a `Hold`), so a program waiting on a socket
//! does not exit; `close` finishes every pending operation, so none is left holding it; a failed
//! TLS handshake fails the pending and every later operation.

use super::readiness::{Pumped, Readiness, Registration, schedule};
use super::transport::{Transport, tls_error};
use crate::io::IoError;
use crate::scheduler::{Hold, Priority, Scheduler, TimerKey};
use mio::Interest;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub type ReadDone = Box<dyn FnOnce(Result<Vec<u8>, IoError>) + Send>;
pub type WriteDone = Box<dyn FnOnce(Result<usize, IoError>) + Send>;
/// How a TLS handshake ended: over (true), the peer left during it (false), or failed.
pub type HandshakeDone = Box<dyn FnOnce(Result<bool, IoError>) + Send>;

pub struct Socket {
    /// The descriptor, for the reactor's table: the socket itself is in `Pending`'s transport.
    fd: RawFd,
    pub peer: SocketAddr,
    registration: Registration,
    readiness: Readiness,
    scheduler: Scheduler,
    state: Mutex<Pending>,
}

struct Pending {
    transport: Transport,
    read: Option<(usize, ReadDone, Hold)>,
    write: Option<(Vec<u8>, usize, WriteDone, Hold)>,
    /// Who waits for the TLS handshake's end, and the timer that gives up on it.
    handshake: Option<(HandshakeDone, TimerKey)>,
    /// The TLS handshake failed: every operation ends with this.
    failed: Option<IoError>,
    /// The peer left during the TLS handshake.
    left: bool,
    closed: bool,
}

impl Socket {
    /// Takes a connected stream (accepted or connected), plain or TLS, and watches it.
    pub fn new(transport: Transport, scheduler: &Scheduler) -> std::io::Result<Arc<Socket>> {
        let stream = transport.stream();
        stream.set_nonblocking(true)?;
        stream.set_nodelay(true)?;
        let peer = stream.peer_addr()?;
        let fd = stream.as_raw_fd();
        let socket = Arc::new(Socket {
            fd,
            peer,
            registration: Registration::default(),
            readiness: Readiness::default(),
            scheduler: scheduler.clone(),
            state: Mutex::new(Pending {
                transport,
                read: None,
                write: None,
                handshake: None,
                failed: None,
                left: false,
                closed: false,
            }),
        });
        socket
            .registration
            .watch(&socket, fd, Interest::READABLE | Interest::WRITABLE)?;
        Ok(socket)
    }

    /// Resolves `host` (a host name waits on the system's resolver) and connects to its first
    /// address: both block, so run it as a native task.
    pub fn connect(host: &str, port: u16, scheduler: &Scheduler) -> Result<Arc<Socket>, IoError> {
        let address = (host, port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut all| all.next())
            .ok_or_else(|| IoError {
                code: "ENOTFOUND",
                message: format!(
                    "ENOTFOUND: cannot resolve the address '{host}', connect {host}:{port}"
                ),
            })?;
        let stream =
            TcpStream::connect(address).map_err(|e| IoError::net(&e, "connect", address))?;
        Socket::new(Transport::plain(stream), scheduler)
            .map_err(|e| IoError::net(&e, "connect", address))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Calls `done` once the TLS handshake has ended (at once without TLS); one that has not
    /// ended `within` fails. The socket is closed unless the handshake is over.
    pub fn handshake(self: &Arc<Self>, within: Duration, done: HandshakeDone) {
        let socket = Arc::downgrade(self);
        let scheduler = self.scheduler.clone();
        let timer = self.scheduler.timer(within, None, move |_| {
            if let Some(socket) = socket.upgrade() {
                scheduler.spawn(Priority::Low, move || socket.handshake_timed_out());
            }
        });
        self.lock().handshake = Some((done, timer));
        schedule(self);
    }

    fn handshake_timed_out(&self) {
        let waiting = self.lock().handshake.take();
        if let Some((done, _)) = waiting {
            self.close();
            done(Err(self.tls_failure("the handshake did not finish in time")));
        }
    }

    /// The handshake's outcome for whoever waits for it, once there is one.
    fn pump_handshake_done(
        &self,
        state: &mut Pending,
    ) -> Option<(HandshakeDone, Result<bool, IoError>)> {
        let result = match (&state.failed, state.left) {
            (Some(error), _) => Err(error.clone()),
            (None, true) => Ok(false),
            (None, false) if !state.transport.handshaking() => Ok(true),
            _ => return None,
        };
        let (done, timer) = state.handshake.take()?;
        self.scheduler.cancel_timer(timer);
        Some((done, result))
    }

    /// Reads up to `n` bytes; an empty result means the peer finished sending.
    pub fn read(self: &Arc<Self>, n: usize, done: ReadDone) {
        let mut state = self.lock();
        if state.closed {
            drop(state);
            return done(Ok(Vec::new()));
        }
        if state.read.is_some() {
            drop(state);
            return done(Err(IoError::invalid(
                "a read is already pending on this socket",
            )));
        }
        if let Some(error) = state.failed.clone() {
            drop(state);
            return done(Err(error));
        }
        state.read = Some((n.max(1), done, self.scheduler.hold()));
        drop(state);
        schedule(self);
    }

    /// Writes all of `bytes`, then gives their count.
    pub fn write(self: &Arc<Self>, bytes: Vec<u8>, done: WriteDone) {
        let mut state = self.lock();
        if state.closed {
            drop(state);
            return done(Err(self.error(ErrorKind::NotConnected.into(), "write")));
        }
        if state.write.is_some() {
            drop(state);
            return done(Err(IoError::invalid(
                "a write is already pending on this socket",
            )));
        }
        if let Some(error) = state.failed.clone() {
            drop(state);
            return done(Err(error));
        }
        state.write = Some((bytes, 0, done, self.scheduler.hold()));
        drop(state);
        schedule(self);
    }

    /// Shuts both directions and stops watching; pending operations end (reads with end of
    /// data, writes with an error).
    pub fn close(&self) {
        let (read, write) = {
            let mut state = self.lock();
            if state.closed {
                return;
            }
            state.closed = true;
            state.transport.shutdown();
            (state.read.take(), state.write.take())
        };
        self.registration.unwatch(&self.scheduler, self.fd);
        if let Some((_, done, _)) = read {
            done(Ok(Vec::new()));
        }
        if let Some((_, _, done, _)) = write {
            done(Err(self.error(ErrorKind::NotConnected.into(), "write")));
        }
    }

    fn tls_failure(&self, why: impl std::fmt::Display) -> IoError {
        IoError {
            code: "ERR_TLS_HANDSHAKE",
            message: format!("TLS with {}: {why}", self.peer),
        }
    }

    fn error(&self, error: std::io::Error, syscall: &str) -> IoError {
        IoError::net(&error, syscall, self.peer)
    }

    /// Moves a TLS handshake on while no read does.
    fn pump_handshake(&self, state: &mut Pending) {
        if state.closed
            || state.read.is_some()
            || !state.transport.handshaking()
            || !self.readiness.take_readable()
        {
            return;
        }
        match state.transport.handshake(&self.readiness) {
            Ok(over) => state.left = !over,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => {
                state.failed = Some(match tls_error(&e) {
                    Some(tls) => self.tls_failure(tls),
                    None => self.error(e, "handshake"),
                })
            }
        }
    }

    fn pump_read(&self, state: &mut Pending) -> Option<(ReadDone, Result<Vec<u8>, IoError>)> {
        let (n, _, _) = state.read.as_ref()?;
        if let Some(error) = state.failed.clone() {
            return state.read.take().map(|(_, done, _)| (done, Err(error)));
        }
        if !self.readiness.take_readable() {
            return None;
        }
        let result = match state.transport.read_owned(*n, &self.readiness) {
            Ok(buffer) => Ok(buffer),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => Ok(Vec::new()),
            Err(e) => Err(self.error(e, "read")),
        };
        state.read.take().map(|(_, done, _)| (done, result))
    }

    /// Writes the pending bytes; it is done once the transport has sent their ciphertext too.
    /// Without a write, sends what the transport still holds (a handshake's answer).
    fn pump_write(&self, state: &mut Pending) -> Option<(WriteDone, Result<usize, IoError>)> {
        let Pending {
            transport,
            write,
            failed,
            ..
        } = state;
        let Some((bytes, at, _, _)) = write.as_mut() else {
            if transport.pending() && self.readiness.take_writable() {
                match transport.flush() {
                    Ok(()) => self.readiness.still_writable(),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => *failed = Some(self.error(e, "write")),
                }
            }
            return None;
        };
        if let Some(error) = failed.clone() {
            return write.take().map(|(_, _, done, _)| (done, Err(error)));
        }
        if !self.readiness.take_writable() {
            return None;
        }
        let result = loop {
            let sent = if *at == bytes.len() {
                match transport.flush() {
                    Ok(()) => {
                        self.readiness.still_writable();
                        break Ok(bytes.len());
                    }
                    Err(e) => Err(e),
                }
            } else {
                transport.send(&bytes[*at..])
            };
            match sent {
                Ok(k) => *at += k,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
                Err(e) => break Err(self.error(e, "write")),
            }
        };
        state.write.take().map(|(_, _, done, _)| (done, result))
    }
}

impl Pumped for Socket {
    fn readiness(&self) -> &Readiness {
        &self.readiness
    }

    fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    fn pump(self: Arc<Self>) {
        let (handshake, read, write) = {
            let mut state = self.lock();
            self.pump_handshake(&mut state);
            let write = self.pump_write(&mut state);
            let handshake = self.pump_handshake_done(&mut state);
            (handshake, self.pump_read(&mut state), write)
        };
        // Callbacks run outside the lock: they may start the next operation at once.
        if let Some((done, result)) = handshake {
            if !matches!(result, Ok(true)) {
                self.close();
            }
            done(result);
        }
        if let Some((done, result)) = read {
            done(result);
        }
        if let Some((done, result)) = write {
            done(result);
        }
    }
}

impl Drop for Socket {
    /// A socket JS let go of without closing still leaves the reactor's table.
    fn drop(&mut self) {
        self.registration.unwatch(&self.scheduler, self.fd);
    }
}
