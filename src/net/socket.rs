//! A TCP socket as a bidirectional device: one read and one write may be pending at a time
//! (a stream never has more), each finished by the socket's pump when the OS is ready.
//!
//! Invariant: a pending operation holds the runtime (a `Hold`), so a program waiting on a socket
//! does not exit; `close` finishes every pending operation, so none is left holding it.

use super::readiness::{Pumped, Readiness, Registration, schedule};
use crate::io::IoError;
use crate::scheduler::{Hold, Scheduler};
use mio::Interest;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex};

pub type ReadDone = Box<dyn FnOnce(Result<Vec<u8>, IoError>) + Send>;
pub type WriteDone = Box<dyn FnOnce(Result<usize, IoError>) + Send>;

pub struct Socket {
    stream: TcpStream,
    pub peer: SocketAddr,
    registration: Registration,
    readiness: Readiness,
    scheduler: Scheduler,
    state: Mutex<Pending>,
}

#[derive(Default)]
struct Pending {
    read: Option<(usize, ReadDone, Hold)>,
    write: Option<(Vec<u8>, usize, WriteDone, Hold)>,
    closed: bool,
}

impl Socket {
    /// Takes a connected stream (accepted or connected) and watches it.
    pub fn new(stream: TcpStream, scheduler: &Scheduler) -> std::io::Result<Arc<Socket>> {
        stream.set_nonblocking(true)?;
        stream.set_nodelay(true)?;
        let peer = stream.peer_addr()?;
        let fd = stream.as_raw_fd();
        let socket = Arc::new(Socket {
            stream,
            peer,
            registration: Registration::default(),
            readiness: Readiness::default(),
            scheduler: scheduler.clone(),
            state: Mutex::new(Pending::default()),
        });
        socket
            .registration
            .watch(&socket, fd, Interest::READABLE | Interest::WRITABLE)?;
        Ok(socket)
    }

    /// Connects (a blocking connect: run it as a native task).
    pub fn connect(address: SocketAddr, scheduler: &Scheduler) -> Result<Arc<Socket>, IoError> {
        let stream =
            TcpStream::connect(address).map_err(|e| IoError::net(&e, "connect", address))?;
        Socket::new(stream, scheduler).map_err(|e| IoError::net(&e, "connect", address))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
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
            (state.read.take(), state.write.take())
        };
        let _ = self.stream.shutdown(Shutdown::Both);
        self.registration
            .unwatch(&self.scheduler, self.stream.as_raw_fd());
        if let Some((_, done, _)) = read {
            done(Ok(Vec::new()));
        }
        if let Some((_, _, done, _)) = write {
            done(Err(self.error(ErrorKind::NotConnected.into(), "write")));
        }
    }

    fn error(&self, error: std::io::Error, syscall: &str) -> IoError {
        IoError::net(&error, syscall, self.peer)
    }

    fn pump_read(&self, state: &mut Pending) -> Option<(ReadDone, Result<Vec<u8>, IoError>)> {
        let (n, _, _) = state.read.as_ref()?;
        if !self.readiness.take_readable() {
            return None;
        }
        let mut buffer = vec![0; *n];
        let result = loop {
            match (&self.stream).read(&mut buffer) {
                Ok(k) => {
                    self.readiness.read_done(k, buffer.len());
                    buffer.truncate(k);
                    break Ok(buffer);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
                Err(e) if e.kind() == ErrorKind::ConnectionReset => break Ok(Vec::new()),
                Err(e) => break Err(self.error(e, "read")),
            }
        };
        state.read.take().map(|(_, done, _)| (done, result))
    }

    fn pump_write(&self, state: &mut Pending) -> Option<(WriteDone, Result<usize, IoError>)> {
        let (bytes, at, _, _) = state.write.as_mut()?;
        if !self.readiness.take_writable() {
            return None;
        }
        let result = loop {
            if *at == bytes.len() {
                self.readiness.still_writable();
                break Ok(bytes.len());
            }
            match (&self.stream).write(&bytes[*at..]) {
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
        let (read, write) = {
            let mut state = self.lock();
            (self.pump_read(&mut state), self.pump_write(&mut state))
        };
        // Callbacks run outside the lock: they may start the next operation at once.
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
        self.registration
            .unwatch(&self.scheduler, self.stream.as_raw_fd());
    }
}
