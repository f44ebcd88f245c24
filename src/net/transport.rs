//! The bytes path of one TCP socket, plain or TLS (rustls, server or client side): plaintext in
//! and out, with the handshake and record encryption happening inside those calls, on whichever
//! pool worker pumps the socket. The HTTP server's connections, the TCP device sockets and the
//! fetch client's connections all read and write through it, so there is one TLS path.
//!
//! Invariants:
//! - every `WouldBlock` it returns comes from the socket itself, never from the TLS state, so an
//!   edge-triggered readiness flag cleared before the call is set again by the reactor's next
//!   report (see `readiness`); progress without a syscall is an `Ok`;
//! - `send` accepts plaintext only once the ciphertext of earlier sends is out, so at most one
//!   caller's piece waits inside rustls (during a handshake, what was sent waits for its end,
//!   and callers send little then); `pending` tells a caller there is ciphertext to flush;
//! - a TLS failure is an `io::Error` of kind `InvalidData` carrying the `rustls::Error` (see
//!   [`tls_error`]); the alert rustls queued for the peer is sent first, when the socket takes it.

use super::readiness::Readiness;
use super::scratch;
use rustls::{ClientConfig, ClientConnection, Connection, ServerConfig, ServerConnection};
use rustls_pki_types::ServerName;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;

pub struct Transport {
    stream: TcpStream,
    tls: Option<Box<Connection>>,
}

impl Transport {
    pub fn plain(stream: TcpStream) -> Transport {
        Transport { stream, tls: None }
    }

    /// The server side of TLS over an accepted stream; the handshake starts with the first read.
    pub fn server(stream: TcpStream, config: Arc<ServerConfig>) -> io::Result<Transport> {
        let tls = ServerConnection::new(config).map_err(tls_failure)?;
        Ok(Transport {
            stream,
            tls: Some(unbounded(Connection::Server(tls))),
        })
    }

    /// Starts the client side of TLS with `name` over this (so far plain) stream.
    pub fn start_client(
        &mut self,
        config: Arc<ClientConfig>,
        name: ServerName<'static>,
    ) -> io::Result<()> {
        let tls = ClientConnection::new(config, name).map_err(tls_failure)?;
        self.tls = Some(unbounded(Connection::Client(tls)));
        self.flush_opportunistically()
    }

    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Whether TLS is on and its handshake not finished yet.
    pub fn handshaking(&self) -> bool {
        self.tls.as_ref().is_some_and(|tls| tls.is_handshaking())
    }

    /// Ciphertext is waiting for room in the socket.
    pub fn pending(&self) -> bool {
        self.tls.as_ref().is_some_and(|tls| tls.wants_write())
    }

    /// Up to `at_most` bytes of plaintext, read as `read` reads them (an interrupted read is
    /// retried) through the worker's scratch buffer: only the bytes read are allocated. Empty at
    /// the peer's end.
    pub fn read_owned(&mut self, at_most: usize, readiness: &Readiness) -> io::Result<Vec<u8>> {
        scratch::with(at_most, |buffer| {
            loop {
                match self.read(buffer, readiness) {
                    Ok(n) => return Ok(buffer[..n].to_vec()),
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        })
    }

    /// Reads plaintext into `buffer`: `Ok(0)` at the peer's end (a TLS peer closing without
    /// close_notify, or during the handshake, included: the caller's framing or `handshaking`
    /// decides whether that cut anything short). Keeps `readiness`'s read flag as its invariant
    /// asks.
    pub fn read(&mut self, buffer: &mut [u8], readiness: &Readiness) -> io::Result<usize> {
        if self.tls.is_none() {
            let n = (&self.stream).read(buffer)?;
            readiness.read_done(n, buffer.len());
            return Ok(n);
        }
        while let Some(tls) = self.tls.as_deref_mut() {
            match tls.reader().read(buffer) {
                Ok(n) => {
                    // Plaintext may have come from rustls's buffer, not the socket: try again.
                    readiness.still_readable();
                    return Ok(n);
                }
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => {
                    readiness.still_readable();
                    return Ok(0);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            // At the end rustls's reader says so next (the handshake's end included).
            self.receive()?;
        }
        Ok(0)
    }

    /// Moves the handshake on without taking plaintext: what arrives with its end stays for
    /// `read`. `Ok(true)` once it is over, `Ok(false)` when the peer closed the connection
    /// before, `WouldBlock` while the peer is silent.
    pub fn handshake(&mut self, readiness: &Readiness) -> io::Result<bool> {
        while self.handshaking() {
            if self.receive()? == 0 {
                return Ok(false);
            }
        }
        readiness.still_readable();
        Ok(true)
    }

    /// One read of ciphertext from the socket, processed; sends what the handshake answers.
    fn receive(&mut self) -> io::Result<usize> {
        let Some(tls) = self.tls.as_deref_mut() else {
            return Ok(0);
        };
        let n = loop {
            match tls.read_tls(&mut &self.stream) {
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                read => break read?,
            }
        };
        if let Err(error) = tls.process_new_packets() {
            // The alert rustls queued tells the peer why, if the socket takes it now.
            let _ = self.flush();
            return Err(tls_failure(error));
        }
        self.flush_opportunistically()?;
        Ok(n)
    }

    /// Writes plaintext: gives how much was taken (all of it with TLS, where it is encrypted and
    /// sent as far as the socket takes it; the rest waits for `flush`).
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.tls.is_none() {
            return (&self.stream).write(bytes);
        }
        self.flush()?;
        let Some(tls) = self.tls.as_deref_mut() else {
            return Ok(0);
        };
        let n = tls.writer().write(bytes)?;
        self.flush_opportunistically()?;
        Ok(n)
    }

    /// Sends the ciphertext that waits: `Ok` once none does, `WouldBlock` while the socket is
    /// full.
    pub fn flush(&mut self) -> io::Result<()> {
        let Some(tls) = self.tls.as_deref_mut() else {
            return Ok(());
        };
        while tls.wants_write() {
            match tls.write_tls(&mut &self.stream) {
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                written => {
                    written?;
                }
            }
        }
        Ok(())
    }

    fn flush_opportunistically(&mut self) -> io::Result<()> {
        match self.flush() {
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(()),
            flushed => flushed,
        }
    }

    /// Ends the session (close_notify, if the socket takes it) and both directions.
    pub fn shutdown(&mut self) {
        if let Some(tls) = self.tls.as_deref_mut() {
            tls.send_close_notify();
            let _ = self.flush();
        }
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// `send` bounds what waits inside rustls (see the invariants), so rustls need not.
fn unbounded(mut tls: Connection) -> Box<Connection> {
    tls.set_buffer_limit(None);
    Box::new(tls)
}

fn tls_failure(error: rustls::Error) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, error)
}

/// The TLS failure an error of the transport carries, if it is one.
pub fn tls_error(error: &io::Error) -> Option<&rustls::Error> {
    error.get_ref()?.downcast_ref()
}
