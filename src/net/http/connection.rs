//! One HTTP connection: reads request heads and bodies, writes responses, one exchange at a
//! time. Pipelined requests wait in the input buffer until the current response has ended, so
//! responses go out in request order.
//!
//! Invariants:
//! - at most one exchange is in the handler's hands (`Phase::Handling`); bytes after its head
//!   stay buffered (at most [`INPUT_LIMIT`]) until its body is read or the exchange ends;
//! - a response's framing is decided once, at its first bytes: Content-Length for `send`,
//!   chunked for streamed bodies on HTTP/1.1, "until close" on HTTP/1.0;
//! - after bad framing or an unread body the connection closes after its response, since where
//!   the next request would start is unknown;
//! - every path to `Phase::Closed` goes through `finish_close`, which releases the handle, the
//!   acceptor's slot, the timers and the runtime hold, and fails any pending read or drain.

use super::chunked::ChunkedDecoder;
use super::parse::{Framing, MAX_HEAD_BYTES, Rejection, RequestHead, parse_request};
use super::response::{
    BodyKind, CONTINUE, LAST_CHUNK, ResponseHead, reason_phrase, write_chunk, write_head,
};
use super::server::{Server, date};
use crate::io::IoError;
use crate::io::resources::{self, Resource};
use crate::net::acceptor::Slot;
use crate::net::readiness::{Pumped, Readiness, Registration, schedule, schedule_after_task};
use crate::net::socket::ReadDone;
use crate::scheduler::{Hold, Priority, Scheduler, TimerKey};
use mio::Interest;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

/// Buffered input beyond the current head: enough for small bodies and a few pipelined requests.
const INPUT_LIMIT: usize = 64 * 1024;

thread_local! {
    /// Where a worker reads sockets into before the bytes join a connection's input: zeroed once
    /// per thread, not once per read.
    static READ_BUFFER: std::cell::RefCell<Box<[u8]>> =
        std::cell::RefCell::new(vec![0; 16 * 1024].into_boxed_slice());
}

/// Output above this makes writers wait (`drain`): a slow client slows its handler.
pub const HIGH_WATER: usize = 64 * 1024;
/// An idle connection's output buffer keeps at most this much memory.
const KEEP: usize = HIGH_WATER;

pub type Drained = Box<dyn FnOnce(Result<(), IoError>) + Send>;

pub struct Connection {
    stream: TcpStream,
    pub peer: SocketAddr,
    this: Weak<Connection>,
    registration: Registration,
    /// The number JS knows this connection by (in the resource table).
    handle: OnceLock<u64>,
    readiness: Readiness,
    server: Arc<Server>,
    scheduler: Scheduler,
    state: Mutex<State>,
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
enum Phase {
    /// Waiting for (the rest of) a request head.
    Head,
    /// The handler has the request.
    Handling,
    /// The last response is being flushed; then the socket closes.
    Closing,
    Closed,
}

enum Incoming {
    Done,
    Length(u64),
    Chunked(ChunkedDecoder),
}

#[derive(PartialEq, Eq)]
enum Outgoing {
    NotStarted,
    Length,
    Chunked,
    UntilClose,
    Ended,
}

struct State {
    phase: Phase,
    input: Vec<u8>,
    peer_finished: bool,
    output: Vec<u8>,
    sent: usize,
    // The current exchange.
    minor_version: u8,
    keep_alive: bool,
    head_only: bool,
    continue_pending: bool,
    incoming: Incoming,
    decoded: Vec<u8>,
    outgoing: Outgoing,
    status: u16,
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
}

/// Work found under the lock, done after it is released (callbacks may re-enter).
#[derive(Default)]
struct After {
    request: Option<RequestHead>,
    client_error: Option<(u16, String)>,
    read: Option<(ReadDone, Result<Vec<u8>, IoError>)>,
    drains: Vec<(Drained, Result<(), IoError>)>,
    closed: bool,
}

impl Connection {
    /// Takes an accepted stream (non-blocking, see `OnAccept`): watches it and waits for the
    /// first request head.
    pub fn start(stream: TcpStream, peer: SocketAddr, slot: Slot, server: Arc<Server>) {
        let scheduler = server.scheduler.clone();
        let _ = stream.set_nodelay(true);
        let fd = stream.as_raw_fd();
        let connection = Arc::new_cyclic(|weak: &Weak<Connection>| Connection {
            stream,
            peer,
            this: weak.clone(),
            registration: Registration::default(),
            handle: OnceLock::new(),
            readiness: Readiness::default(),
            server: server.clone(),
            scheduler: scheduler.clone(),
            state: Mutex::new(State {
                phase: Phase::Head,
                input: Vec::new(),
                peer_finished: false,
                output: Vec::new(),
                sent: 0,
                minor_version: 1,
                keep_alive: false,
                head_only: false,
                continue_pending: false,
                incoming: Incoming::Done,
                decoded: Vec::new(),
                outgoing: Outgoing::Ended,
                status: 200,
                body_read: None,
                drains: Vec::new(),
                broken: None,
                deadline: None,
                timer: None,
                timer_generation: 0,
                hold: Some(scheduler.hold()),
                slot: Some(slot),
            }),
        });
        let handle = resources::insert(Resource::Http(connection.clone()));
        let _ = connection.handle.set(handle);
        server.opened(handle, &connection);
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

    pub fn handle(&self) -> u64 {
        self.handle.get().copied().unwrap_or(0)
    }

    // ---- the handler's side --------------------------------------------------------------

    /// Reads up to `n` bytes of the request body; empty at its end.
    pub fn read_body(self: &Arc<Self>, n: usize, done: ReadDone) {
        let mut state = self.lock();
        if state.phase != Phase::Handling || state.body_read.is_some() {
            drop(state);
            return done(Err(IoError::invalid(
                "the request body cannot be read now (the exchange is over, or a read is pending)",
            )));
        }
        if state.continue_pending && state.outgoing == Outgoing::NotStarted {
            state.output.extend_from_slice(CONTINUE);
        }
        state.continue_pending = false;
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
        body: &[u8],
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
        body: &[u8],
        last: bool,
    ) -> Result<bool, IoError> {
        let mut state = self.lock();
        if let Some(error) = &state.broken {
            return Err(error.clone());
        }
        if state.phase != Phase::Handling || state.outgoing == Outgoing::Ended {
            return Err(IoError::invalid("the response has already ended"));
        }
        if state.outgoing == Outgoing::NotStarted {
            let kind = if last {
                BodyKind::Length(body.len() as u64)
            } else if state.minor_version >= 1 {
                BodyKind::Chunked
            } else {
                BodyKind::UntilClose
            };
            self.start_response(&mut state, status, headers, kind);
        }
        let head_only = state.head_only;
        match state.outgoing {
            _ if head_only => {}
            Outgoing::Chunked => write_chunk(body, &mut state.output),
            _ => state.output.extend_from_slice(body),
        }
        if last {
            self.end_response(&mut state);
        }
        Ok(state.output.len() - state.sent <= HIGH_WATER)
    }

    /// Ends the response (sending the head with an empty body if nothing was sent) and the
    /// exchange; with keep-alive the connection reads the next request.
    pub fn end(self: &Arc<Self>, status: u16, headers: &[(String, String)]) {
        let mut state = self.lock();
        if state.phase != Phase::Handling || state.outgoing == Outgoing::Ended {
            return;
        }
        if state.outgoing == Outgoing::NotStarted {
            self.start_response(&mut state, status, headers, BodyKind::Length(0));
        }
        self.end_response(&mut state);
        drop(state);
        schedule_after_task(self);
    }

    /// Gives up on the exchange (the handler failed mid-response): close without more bytes.
    pub fn abort(self: &Arc<Self>) {
        let mut state = self.lock();
        if matches!(state.phase, Phase::Handling | Phase::Head) {
            state.keep_alive = false;
            state.outgoing = Outgoing::Ended;
            state.phase = Phase::Closing;
        }
        drop(state);
        schedule(self);
    }

    /// Calls `done` once the output is under [`HIGH_WATER`] (or the client is gone).
    pub fn drain(self: &Arc<Self>, done: Drained) {
        let mut state = self.lock();
        if let Some(error) = &state.broken {
            let error = error.clone();
            drop(state);
            return done(Err(error));
        }
        if state.output.len() - state.sent <= HIGH_WATER || state.phase == Phase::Closed {
            drop(state);
            return done(Ok(()));
        }
        state.drains.push(done);
    }

    pub(super) fn server_closing(self: &Arc<Self>) {
        let mut state = self.lock();
        state.keep_alive = false;
        if state.phase == Phase::Head && state.input.is_empty() {
            state.phase = Phase::Closing;
        }
        drop(state);
        schedule(self);
    }

    // ---- responses -----------------------------------------------------------------------

    fn start_response(
        &self,
        state: &mut State,
        status: u16,
        headers: &[(String, String)],
        kind: BodyKind,
    ) {
        let asks_close = headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("connection")
                && value
                    .split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case("close"))
        });
        if asks_close || matches!(kind, BodyKind::UntilClose) || self.server.closing() {
            state.keep_alive = false;
        }
        state.outgoing = match kind {
            BodyKind::Length(_) => Outgoing::Length,
            BodyKind::Chunked => Outgoing::Chunked,
            BodyKind::UntilClose => Outgoing::UntilClose,
        };
        state.status = status;
        let head = ResponseHead {
            status,
            headers,
            body: kind,
            minor_version: state.minor_version,
            keep_alive: state.keep_alive,
        };
        write_head(&head, &date(), &mut state.output);
    }

    fn end_response(&self, state: &mut State) {
        if state.outgoing == Outgoing::Chunked && !state.head_only {
            state.output.extend_from_slice(LAST_CHUNK);
        }
        state.outgoing = Outgoing::Ended;
        let body_unread = !Self::discard_body(state);
        if body_unread || !state.keep_alive || self.server.closing() {
            state.phase = Phase::Closing;
        } else {
            state.phase = Phase::Head;
            self.await_head(state, self.server.timeouts.keep_alive);
        }
        if let Some((_, done)) = state.body_read.take() {
            // The handler ended the exchange during its own read: the read sees the end.
            done(Ok(Vec::new()));
        }
    }

    /// Skips the rest of a request body the handler did not read, if it is already buffered;
    /// true when the next request's start is known.
    fn discard_body(state: &mut State) -> bool {
        match &mut state.incoming {
            Incoming::Done => true,
            Incoming::Length(remaining) => {
                if (state.input.len() as u64) < *remaining {
                    return false;
                }
                state.input.drain(..*remaining as usize);
                state.incoming = Incoming::Done;
                true
            }
            Incoming::Chunked(decoder) => {
                let mut skipped = Vec::new();
                match decoder.decode(&state.input, &mut skipped) {
                    Ok(used) if decoder.done() => {
                        state.input.drain(..used);
                        state.incoming = Incoming::Done;
                        true
                    }
                    _ => false,
                }
            }
        }
    }

    /// Answers bad input itself (when the handler has not started a response) and closes.
    fn reject(&self, state: &mut State, rejection: &Rejection, after: &mut After) {
        Self::refuse(state, rejection.status(), rejection.reason(), after);
    }

    /// Sends `status` with its reason as a plain-text body, unless a response already started,
    /// then closes; the handler hears of it as a client error.
    fn refuse(state: &mut State, status: u16, reason: String, after: &mut After) {
        if state.outgoing == Outgoing::NotStarted || state.phase == Phase::Head {
            let body = format!("{} {}\n", status, reason_phrase(status));
            let head = ResponseHead {
                status,
                headers: &[("Content-Type".into(), "text/plain".into())],
                body: BodyKind::Length(body.len() as u64),
                minor_version: 1,
                keep_alive: false,
            };
            write_head(&head, &date(), &mut state.output);
            state.output.extend_from_slice(body.as_bytes());
            state.status = status;
        }
        state.keep_alive = false;
        state.outgoing = Outgoing::Ended;
        state.phase = Phase::Closing;
        after.client_error = Some((status, reason));
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
        if state.phase != Phase::Head {
            return;
        }
        let mut after = After::default();
        if state.input.iter().all(|b| b.is_ascii_whitespace()) {
            state.phase = Phase::Closing;
        } else {
            let reason = "the request head did not arrive in time".to_string();
            Self::refuse(&mut state, 408, reason, &mut after);
        }
        drop(state);
        self.run(after);
        schedule(&self);
    }

    // ---- the pump ------------------------------------------------------------------------

    fn wants_input(state: &State) -> bool {
        !state.peer_finished
            && match state.phase {
                Phase::Head => state.input.len() <= MAX_HEAD_BYTES,
                Phase::Handling => state.input.len() < INPUT_LIMIT,
                Phase::Closing | Phase::Closed => false,
            }
    }

    fn read_input(&self, state: &mut State) -> bool {
        if !Self::wants_input(state) || !self.readiness.take_readable() {
            return false;
        }
        READ_BUFFER.with_borrow_mut(|buffer| self.read_into(buffer, state))
    }

    fn read_into(&self, buffer: &mut [u8], state: &mut State) -> bool {
        loop {
            match (&self.stream).read(buffer) {
                Ok(0) => {
                    state.peer_finished = true;
                    return true;
                }
                Ok(n) => {
                    self.readiness.read_done(n, buffer.len());
                    state.input.extend_from_slice(&buffer[..n]);
                    return true;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
                Err(e) => {
                    state.peer_finished = true;
                    state.broken = Some(IoError::net(&e, "read", self.peer));
                    return true;
                }
            }
        }
    }

    fn parse_head(&self, state: &mut State, after: &mut After) -> bool {
        if state.phase != Phase::Head || state.input.is_empty() {
            return false;
        }
        match parse_request(&state.input) {
            Ok(Some(head)) => {
                state.input.drain(..head.head_len);
                // The timer stays armed: it finds no deadline when it fires.
                state.deadline = None;
                state.phase = Phase::Handling;
                state.minor_version = head.minor_version;
                state.keep_alive = head.keep_alive && !self.server.closing();
                state.head_only = head.method == "HEAD";
                state.continue_pending = head.expect_continue;
                state.incoming = match head.framing {
                    Framing::Empty | Framing::Length(0) => Incoming::Done,
                    Framing::Length(n) => Incoming::Length(n),
                    Framing::Chunked => Incoming::Chunked(ChunkedDecoder::new()),
                };
                state.decoded.clear();
                state.outgoing = Outgoing::NotStarted;
                state.status = 200;
                after.request = Some(head);
                true
            }
            Ok(None) => false,
            Err(rejection) => {
                self.reject(state, &rejection, after);
                true
            }
        }
    }

    /// Serves a pending body read from the input; true when it was finished.
    fn serve_body(&self, state: &mut State, after: &mut After) -> bool {
        let Some((n, _)) = &state.body_read else {
            return false;
        };
        let n = *n;
        let result: Option<Result<Vec<u8>, IoError>> = match &mut state.incoming {
            Incoming::Done => Some(Ok(Vec::new())),
            Incoming::Length(remaining) => {
                let k = (n as u64).min(*remaining).min(state.input.len() as u64) as usize;
                if k > 0 {
                    *remaining -= k as u64;
                    let bytes: Vec<u8> = state.input.drain(..k).collect();
                    if *remaining == 0 {
                        state.incoming = Incoming::Done;
                    }
                    Some(Ok(bytes))
                } else {
                    None
                }
            }
            Incoming::Chunked(decoder) => match decoder.decode(&state.input, &mut state.decoded) {
                Ok(used) => {
                    state.input.drain(..used);
                    if !state.decoded.is_empty() {
                        let k = n.min(state.decoded.len());
                        Some(Ok(state.decoded.drain(..k).collect()))
                    } else if decoder.done() {
                        state.incoming = Incoming::Done;
                        Some(Ok(Vec::new()))
                    } else {
                        None
                    }
                }
                Err(rejection) => {
                    let message = format!("bad request body: {}", rejection.reason());
                    self.reject(state, &rejection, after);
                    Some(Err(IoError::invalid(message)))
                }
            },
        };
        let result = result.or_else(|| {
            state.peer_finished.then(|| {
                Err(state.broken.clone().unwrap_or_else(|| {
                    IoError::invalid(
                        "the client closed the connection before the end of the request body",
                    )
                }))
            })
        });
        match result {
            Some(result) => {
                let (_, done) = state.body_read.take().expect("checked above");
                after.read = Some((done, result));
                true
            }
            None => false,
        }
    }

    fn flush(&self, state: &mut State) -> bool {
        if state.sent == state.output.len() || state.broken.is_some() {
            return false;
        }
        if !self.readiness.take_writable() {
            return false;
        }
        let mut progress = false;
        while state.sent < state.output.len() {
            match (&self.stream).write(&state.output[state.sent..]) {
                Ok(n) => {
                    state.sent += n;
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
        state.sent = 0;
        // Between responses a connection keeps at most KEEP bytes of buffer: one that streamed
        // a large body would otherwise hold that body's size for as long as it stays open.
        if state.phase != Phase::Handling && state.output.capacity() > KEEP {
            state.output = Vec::new();
        } else {
            state.output.clear();
        }
        progress
    }

    fn finish_close(&self, state: &mut State) -> After {
        let mut after = After::default();
        if state.phase == Phase::Closed {
            return after;
        }
        state.phase = Phase::Closed;
        state.deadline = None;
        if let Some((key, _)) = state.timer.take() {
            self.scheduler.cancel_timer(key);
        }
        let _ = self.stream.shutdown(Shutdown::Both);
        self.registration
            .unwatch(&self.scheduler, self.stream.as_raw_fd());
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
        // Nothing more goes out.
        state.output = Vec::new();
        state.sent = 0;
        after.closed = true;
        after
    }

    fn run(self: &Arc<Self>, after: After) {
        if let Some(head) = after.request {
            self.server.handler.request(self, head);
        }
        if let Some((status, reason)) = after.client_error {
            self.server.handler.client_error(self.peer, status, &reason);
        }
        if let Some((done, result)) = after.read {
            done(result);
        }
        for (done, result) in after.drains {
            done(result);
        }
        if after.closed {
            let handle = self.handle();
            resources::remove(handle);
            self.server.closed(handle);
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
            if state.phase == Phase::Closed {
                break;
            }
            let mut progress = self.read_input(&mut state);
            if state.phase == Phase::Head && !state.input.is_empty() && state.deadline.is_none() {
                self.await_head(&mut state, self.server.timeouts.headers);
            }
            if after.request.is_none() && after.client_error.is_none() {
                progress |= self.parse_head(&mut state, &mut after);
            }
            if after.read.is_none() {
                progress |= self.serve_body(&mut state, &mut after);
            }
            progress |= self.flush(&mut state);
            if state.output.len() - state.sent <= HIGH_WATER || state.broken.is_some() {
                let result = state.broken.clone().map_or(Ok(()), Err);
                after
                    .drains
                    .extend(state.drains.drain(..).map(|done| (done, result.clone())));
            }
            let flushed = state.sent == state.output.len();
            let idle_end = state.phase == Phase::Head && state.peer_finished;
            if state.broken.is_some()
                || (state.phase == Phase::Closing && flushed)
                || (idle_end && flushed)
            {
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
        self.registration
            .unwatch(&self.scheduler, self.stream.as_raw_fd());
    }
}
