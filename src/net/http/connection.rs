//! One HTTP connection: drives its [`Exchange`] (the HTTP/1.x state, sans I/O) with the socket,
//! the reactor's readiness and the scheduler's timers, and hands what it yields to the server's
//! handler and to the handler's pending reads and drains.
//!
//! Invariants:
//! - the state lock is not held while the handler or a callback runs, except for a body read
//!   that the handler's own end of the exchange completes (empty);
//! - output above [`HIGH_WATER`] makes writers wait (`drain`), so a slow client slows its handler;
//! - an awaited request head has a `deadline`, watched by one timer per connection;
//! - bytes go through the `Transport` (plain or TLS): the exchange's end closes the connection
//!   only once the transport's ciphertext is out too;
//! - every path to a closed exchange goes through `finish_close`, which releases the acceptor's
//!   slot, the timers and the runtime hold, and fails any pending read or drain; the handler then
//!   hears of the close (`Handler::closed`), once;
//! - after an upgrade the exchange passes bytes through to a WebSocket session
//!   (`connection/upgrade.rs`), read and written by this same pump and I/O.

mod upgrade;

pub use upgrade::Options as UpgradeOptions;

use super::exchange::{BodyError, ClientError, Ending, Exchange, Finished};
use super::parse::{RequestHead, detail};
use super::server::{Server, date};
use crate::io::IoError;
use crate::net::acceptor::Slot;
use crate::net::piece::Piece;
use crate::net::readiness::{Pumped, Readiness, Registration, schedule, schedule_after_task};
use crate::net::scratch;
use crate::net::socket::ReadDone;
use crate::net::transport::{Transport, tls_error};
use crate::scheduler::{Hold, Priority, Scheduler, TimerKey};
use mio::Interest;
use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

/// Output above this makes writers wait (`drain`): a slow client slows its handler.
pub const HIGH_WATER: usize = 64 * 1024;

pub type Drained = Box<dyn FnOnce(Result<(), IoError>) + Send>;

pub struct Connection {
    /// The socket's descriptor, for the reactor's table: the socket is in `State`'s transport.
    fd: RawFd,
    pub peer: SocketAddr,
    /// The peer's IP address as text, made once: each request hands it on.
    pub peer_ip: Box<str>,
    /// This connection's identity, unique in the process: its key in its server's list.
    pub id: u64,
    /// What the handler knows this connection by, set by the handler itself (the API layer: the
    /// handle JS holds it by), read by it again at `Handler::closed`; never read here.
    pub token: OnceLock<u64>,
    this: Weak<Connection>,
    registration: Registration,
    readiness: Readiness,
    server: Arc<Server>,
    scheduler: Scheduler,
    state: Mutex<State>,
}

struct State {
    transport: Transport,
    exchange: Exchange,
    body_read: Option<(usize, ReadDone)>,
    drains: Vec<Drained>,
    broken: Option<IoError>,
    /// When waiting for a request head times out (None while no head is awaited).
    deadline: Option<Instant>,
    /// The armed timer and when it fires, at or before `deadline`: a later deadline re-arms it
    /// only when it fires, so a keep-alive exchange arms no timer of its own. Its generation
    /// tells a replaced timer's firing from the current one's.
    timer: Option<(TimerKey, Instant)>,
    timer_generation: u64,
    hold: Option<Hold>,
    /// This connection's place in its Acceptor's limit, given back at close.
    slot: Option<Slot>,
    /// Why TLS failed, for the handler's log (see `Handler::client_error`).
    tls_failure: Option<ClientError>,
    /// The WebSocket session once the exchange was upgraded.
    websocket: Option<upgrade::Upgraded>,
}

/// Work found under the lock, done after it is released (callbacks may re-enter).
#[derive(Default)]
struct After {
    request: Option<RequestHead>,
    client_error: Option<ClientError>,
    read: Option<(ReadDone, Result<Vec<u8>, IoError>)>,
    drains: Vec<(Drained, Result<(), IoError>)>,
    closed: bool,
}

impl Connection {
    /// Takes an accepted stream (non-blocking, see `OnAccept`): watches it and waits for the
    /// first request head.
    pub fn start(stream: TcpStream, peer: SocketAddr, slot: Slot, server: Arc<Server>) {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let scheduler = server.scheduler.clone();
        let _ = stream.set_nodelay(true);
        let fd = stream.as_raw_fd();
        let transport = match &server.tls {
            Some(config) => match Transport::server(stream, config.clone()) {
                Ok(transport) => transport,
                Err(_) => return,
            },
            None => Transport::plain(stream),
        };
        let connection = Arc::new_cyclic(|weak: &Weak<Connection>| Connection {
            fd,
            peer,
            peer_ip: peer.ip().to_string().into(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            token: OnceLock::new(),
            this: weak.clone(),
            registration: Registration::default(),
            readiness: Readiness::default(),
            server: server.clone(),
            scheduler: scheduler.clone(),
            state: Mutex::new(State {
                transport,
                exchange: Exchange::new(date),
                body_read: None,
                drains: Vec::new(),
                broken: None,
                deadline: None,
                timer: None,
                timer_generation: 0,
                hold: Some(scheduler.hold()),
                slot: Some(slot),
                tls_failure: None,
                websocket: None,
            }),
        });
        server.opened(&connection);
        // After `opened`: a server closing since is seen here, or tells the connection itself.
        if server.closing() {
            connection.lock().exchange.disable_keep_alive();
        }
        let registered =
            connection
                .registration
                .watch(&connection, fd, Interest::READABLE | Interest::WRITABLE);
        if registered.is_err() {
            let after = connection.finish_close(&mut connection.lock());
            connection.run(after);
            return;
        }
        {
            let mut state = connection.lock();
            connection.await_head(&mut state, server.timeouts.headers);
        }
        schedule(&connection);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ---- the handler's side --------------------------------------------------------------

    /// Reads up to `n` bytes of the request body; empty at its end.
    pub fn read_body(self: &Arc<Self>, n: usize, done: ReadDone) {
        let mut state = self.lock();
        if state.body_read.is_some() || !state.exchange.want_body() {
            drop(state);
            return done(Err(IoError::invalid(
                "the request body cannot be read now (the exchange is over, or a read is pending)",
            )));
        }
        state.body_read = Some((n.max(1), done));
        drop(state);
        schedule(self);
    }

    /// Writes response bytes: the head first if not sent yet (with `status` and `headers`),
    /// then `body`; `last` ends the response (a complete body is sent with Content-Length).
    /// Gives whether the output is under [`HIGH_WATER`] (else wait with `drain`).
    pub fn respond(
        self: &Arc<Self>,
        status: u16,
        headers: &[(String, String)],
        body: &(impl Piece + ?Sized),
        last: bool,
    ) -> Result<bool, IoError> {
        let under = self.queue_response(status, headers, body, last)?;
        schedule_after_task(self);
        Ok(under)
    }

    /// `respond` for a native task whose caller sends the bytes (`send_after_task`) from the JS
    /// task that hears of them: what that task writes next (the response's end) joins them in
    /// one send. Over the high-water mark the bytes go out at once, as the caller then waits.
    pub fn respond_later(
        self: &Arc<Self>,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<bool, IoError> {
        let under = self.queue_response(status, headers, body, false)?;
        if !under {
            schedule(self);
        }
        Ok(under)
    }

    /// Sends what is queued once the running task ends (at once outside a task).
    pub fn send_after_task(self: &Arc<Self>) {
        schedule_after_task(self);
    }

    fn queue_response(
        self: &Arc<Self>,
        status: u16,
        headers: &[(String, String)],
        body: &(impl Piece + ?Sized),
        last: bool,
    ) -> Result<bool, IoError> {
        let mut state = self.lock();
        if let Some(error) = &state.broken {
            return Err(error.clone());
        }
        let ending = state
            .exchange
            .respond(status, headers, body, last)
            .map_err(|Finished| IoError::invalid("the response has already ended"))?;
        if let Some(ending) = ending {
            self.ended(&mut state, ending);
        }
        Ok(state.exchange.output().len() <= HIGH_WATER)
    }

    /// Ends the response (sending the head with an empty body if nothing was sent) and the
    /// exchange; with keep-alive the connection reads the next request.
    pub fn end(self: &Arc<Self>, status: u16, headers: &[(String, String)]) {
        let mut state = self.lock();
        let Some(ending) = state.exchange.end(status, headers) else {
            return;
        };
        self.ended(&mut state, ending);
        drop(state);
        schedule_after_task(self);
    }

    /// Gives up on the exchange (the handler failed mid-response): close without more bytes.
    pub fn abort(self: &Arc<Self>) {
        self.lock().exchange.abort();
        schedule(self);
    }

    /// Ends the connection now (its server's close ran out of time): what is queued, here and in
    /// the kernel, is dropped, and the client gets a reset rather than a body that looks whole.
    pub fn cut(self: &Arc<Self>) {
        let mut state = self.lock();
        let _ = socket2::SockRef::from(state.transport.stream()).set_linger(Some(Duration::ZERO));
        let after = self.finish_close(&mut state);
        drop(state);
        self.run(after);
    }

    /// Calls `done` once the output is under [`HIGH_WATER`] (or the client is gone).
    pub fn drain(self: &Arc<Self>, done: Drained) {
        let mut state = self.lock();
        if let Some(error) = &state.broken {
            let error = error.clone();
            drop(state);
            return done(Err(error));
        }
        if state.exchange.output().len() <= HIGH_WATER || state.exchange.is_closed() {
            drop(state);
            return done(Ok(()));
        }
        state.drains.push(done);
    }

    pub(super) fn server_closing(self: &Arc<Self>) {
        let mut state = self.lock();
        state.exchange.disable_keep_alive();
        // A request that reached the socket before the close is served (with `Connection:
        // close`), not dropped because its readiness was not yet acted on.
        if state.exchange.wants_input() {
            scratch::with(scratch::SIZE, |buffer| self.read_into(buffer, &mut state));
        }
        state.exchange.close_if_idle();
        self.websocket_going_away(&mut state);
        drop(state);
        schedule(self);
    }

    /// After a response ended: the next head is awaited (keep-alive) or the connection closes
    /// once its output is out.
    fn ended(&self, state: &mut State, ending: Ending) {
        if ending == Ending::NextRequest {
            self.await_head(state, self.server.timeouts.keep_alive);
        }
        if let Some((_, done)) = state.body_read.take() {
            // The handler ended the exchange during its own read: the read sees the end.
            done(Ok(Vec::new()));
        }
    }

    // ---- timers --------------------------------------------------------------------------

    /// A request head must arrive within `after`.
    fn await_head(&self, state: &mut State, after: Duration) {
        let deadline = Instant::now() + after;
        state.deadline = Some(deadline);
        if state.timer.is_none_or(|(_, fires)| fires > deadline) {
            self.arm_timer(state, deadline);
        }
    }

    fn arm_timer(&self, state: &mut State, at: Instant) {
        if let Some((key, _)) = state.timer.take() {
            self.scheduler.cancel_timer(key);
        }
        state.timer_generation += 1;
        let generation = state.timer_generation;
        let weak = self.this.clone();
        let after = at.saturating_duration_since(Instant::now());
        let key = self.scheduler.timer(after, None, move |_| {
            if let Some(connection) = weak.upgrade() {
                let scheduler = connection.scheduler.clone();
                scheduler.spawn(Priority::Low, move || connection.timed_out(generation));
            }
        });
        state.timer = Some((key, at));
    }

    /// A head did not arrive in time: slow clients (slowloris) and idle keep-alive end here.
    /// A timer armed for an earlier deadline than the current one arms itself again.
    fn timed_out(self: Arc<Self>, generation: u64) {
        let mut state = self.lock();
        if state.timer_generation != generation {
            return;
        }
        state.timer = None;
        let Some(deadline) = state.deadline else {
            return;
        };
        if deadline > Instant::now() {
            return self.arm_timer(&mut state, deadline);
        }
        state.deadline = None;
        if !state.exchange.awaiting_head() {
            return;
        }
        let handshaking = state.transport.handshaking();
        let after = After {
            client_error: state.exchange.head_timed_out().or_else(|| {
                handshaking.then(|| ClientError {
                    status: 0,
                    reason: "the TLS handshake did not finish in time".into(),
                })
            }),
            ..After::default()
        };
        drop(state);
        self.run(after);
        schedule(&self);
    }

    // ---- the pump ------------------------------------------------------------------------

    fn read_input(&self, state: &mut State) -> bool {
        if !state.exchange.wants_input()
            || self.websocket_backlogged(state)
            || !self.readiness.take_readable()
        {
            return false;
        }
        scratch::with(scratch::SIZE, |buffer| self.read_into(buffer, state))
    }

    fn read_into(&self, buffer: &mut [u8], state: &mut State) -> bool {
        loop {
            match state.transport.read(buffer, &self.readiness) {
                Ok(0) => {
                    state.exchange.peer_finished();
                    return true;
                }
                Ok(n) => {
                    state.exchange.receive(&buffer[..n]);
                    return true;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
                Err(e) => {
                    if let Some(failure) = tls_error(&e) {
                        state.tls_failure = Some(ClientError {
                            status: 0,
                            reason: failure.to_string(),
                        });
                    }
                    state.exchange.peer_finished();
                    state.broken = Some(IoError::net(&e, "read", self.peer));
                    return true;
                }
            }
        }
    }

    fn parse_head(&self, state: &mut State, after: &mut After) -> bool {
        match state.exchange.next_request() {
            Some(Ok(head)) => {
                // The timer stays armed: it finds no deadline when it fires.
                state.deadline = None;
                after.request = Some(head);
                true
            }
            Some(Err(error)) => {
                after.client_error = Some(error);
                true
            }
            None => false,
        }
    }

    /// Serves a pending body read from the input; true when it was finished.
    fn serve_body(&self, state: &mut State, after: &mut After) -> bool {
        let Some((n, _)) = &state.body_read else {
            return false;
        };
        let result = match state.exchange.read_body(*n) {
            None => return false,
            Some(Ok(bytes)) => Ok(bytes),
            Some(Err(BodyError::Malformed(error))) => {
                let message = format!("bad request body: {}", detail(&error.reason));
                after.client_error = Some(error);
                Err(IoError::invalid(message))
            }
            Some(Err(BodyError::Truncated)) => Err(state.broken.clone().unwrap_or_else(|| {
                IoError::invalid(
                    "the client closed the connection before the end of the request body",
                )
            })),
        };
        let (_, done) = state.body_read.take().expect("checked above");
        after.read = Some((done, result));
        true
    }

    fn flush(&self, state: &mut State) -> bool {
        let idle = state.exchange.output().is_empty() && !state.transport.pending();
        if idle || state.broken.is_some() {
            return false;
        }
        if !self.readiness.take_writable() {
            return false;
        }
        let mut progress = false;
        loop {
            let sent = match state.exchange.output() {
                [] => state.transport.flush().map(|()| 0),
                output => state.transport.send(output),
            };
            match sent {
                Ok(0) if state.exchange.output().is_empty() => break,
                Ok(n) => {
                    state.exchange.written(n);
                    progress = true;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return progress,
                Err(e) => {
                    state.broken = Some(IoError::net(&e, "write", self.peer));
                    return true;
                }
            }
        }
        self.readiness.still_writable();
        progress
    }

    fn finish_close(&self, state: &mut State) -> After {
        let mut after = After::default();
        if state.exchange.is_closed() {
            return after;
        }
        self.websocket_closed(state);
        // Nothing more goes out.
        state.exchange.close();
        state.deadline = None;
        if let Some((key, _)) = state.timer.take() {
            self.scheduler.cancel_timer(key);
        }
        state.transport.shutdown();
        self.registration.unwatch(&self.scheduler, self.fd);
        // Made only for a body read or a drain still waiting: most connections close with none,
        // and formatting the message costs more than the rest of the close.
        let error = || {
            state.broken.clone().unwrap_or_else(|| {
                IoError::net(&ErrorKind::ConnectionAborted.into(), "write", self.peer)
            })
        };
        if let Some((_, done)) = state.body_read.take() {
            after.read = Some((done, Err(error())));
        }
        if !state.drains.is_empty() {
            let error = error();
            after.drains = state
                .drains
                .drain(..)
                .map(|done| (done, Err(error.clone())))
                .collect();
        }
        state.hold = None;
        state.slot = None;
        after.closed = true;
        after
    }

    fn run(self: &Arc<Self>, after: After) {
        if let Some(head) = after.request {
            self.server.handler.request(self, head);
        }
        if let Some(error) = after.client_error {
            self.server
                .handler
                .client_error(self.peer, error.status, &error.reason);
        }
        if let Some((done, result)) = after.read {
            done(result);
        }
        for (done, result) in after.drains {
            done(result);
        }
        if after.closed {
            self.server.handler.closed(self);
            self.server.closed(self.id);
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
        let mut state = self.lock();
        let mut after = After::default();
        loop {
            if state.exchange.is_closed() {
                break;
            }
            let mut progress = self.read_input(&mut state);
            if let Some(failure) = state.tls_failure.take() {
                after.client_error = Some(failure);
            }
            progress |= self.pump_websocket(&mut state);
            if state.deadline.is_none()
                && state.exchange.awaiting_head()
                && state.exchange.has_input()
            {
                self.await_head(&mut state, self.server.timeouts.headers);
            }
            if after.request.is_none() && after.client_error.is_none() {
                progress |= self.parse_head(&mut state, &mut after);
            }
            if after.read.is_none() {
                progress |= self.serve_body(&mut state, &mut after);
            }
            progress |= self.flush(&mut state);
            if state.exchange.output().len() <= HIGH_WATER || state.broken.is_some() {
                let result = state.broken.clone().map_or(Ok(()), Err);
                after
                    .drains
                    .extend(state.drains.drain(..).map(|done| (done, result.clone())));
            }
            if state.broken.is_some() || (state.exchange.finished() && !state.transport.pending()) {
                let closed = self.finish_close(&mut state);
                after.read = after.read.or(closed.read);
                after.drains.extend(closed.drains);
                after.closed = true;
                break;
            }
            if !progress {
                break;
            }
        }
        drop(state);
        self.run(after);
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.registration.unwatch(&self.scheduler, self.fd);
    }
}
