//! The HTTP/1.x exchanges of one connection without its socket: bytes in, requests and body
//! pieces out to the handler, the handler's responses in, bytes out. Nothing here reads or writes
//! a socket, keeps time or knows JS: `connection` drives it over a socket and its timers, the
//! unit tests (`exchange/tests.rs`) and the fuzz target (`fuzz/`) with byte strings.
//!
//! Invariants:
//! - one exchange at a time: at most one request is in the handler's hands
//!   ([`Exchange::next_request`] gives none while one is); bytes after its head stay in the input
//!   until its body is read or its response ends, so pipelined requests are answered in order;
//! - a response's framing is decided once, at its first bytes: Content-Length for a whole body,
//!   chunked for a streamed one on HTTP/1.1, "until close" on HTTP/1.0;
//! - no request follows bad framing, a body left unread and not all received, an abort, or a
//!   response without keep-alive: the connection is [`finished`](Exchange::finished) once its
//!   output is out, since where a next request would start is unknown or unwanted;
//! - bad input is answered here (unless a response has started) and reported once, as a
//!   [`ClientError`].

use super::chunked::ChunkedDecoder;
use super::parse::{Framing, MAX_HEAD_BYTES, RequestHead, parse_request};
use super::response::{
    BodyKind, CONTINUE, LAST_CHUNK, ResponseHead, reason_phrase, write_chunk, write_head,
};
use crate::net::piece::Piece;
use std::rc::Rc;

/// Buffered input beyond the current head: enough for small bodies and a few pipelined requests.
const INPUT_LIMIT: usize = 64 * 1024;

/// An output buffer keeps at most this much memory between responses.
const KEEP: usize = 64 * 1024;

pub struct Exchange {
    phase: Phase,
    /// Received bytes that no head or body read has taken yet.
    input: Vec<u8>,
    peer_finished: bool,
    /// Bytes for the peer; the first `sent` of them are out.
    output: Vec<u8>,
    sent: usize,
    /// The `Date` field's value, asked for once per response head.
    date: fn() -> Rc<str>,
    /// No request may follow the current one (the server is closing).
    last: bool,
    // The current exchange.
    minor_version: u8,
    keep_alive: bool,
    head_only: bool,
    continue_pending: bool,
    incoming: Incoming,
    /// Decoded bytes of a chunked body that no read has taken yet.
    decoded: Vec<u8>,
    outgoing: Outgoing,
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
enum Phase {
    /// Waiting for (the rest of) a request head.
    Head,
    /// The handler has the request.
    Handling,
    /// The connection speaks another protocol (WebSocket): the bytes pass through untouched.
    Upgraded,
    /// The last response is going out; then the connection closes.
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

/// Bad input, answered with `status` (unless a response had started); the connection closes
/// after the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError {
    pub status: u16,
    /// One line for the log.
    pub reason: String,
}

/// Why a body read failed.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// The chunked framing is broken: answered and reported like bad input.
    Malformed(ClientError),
    /// The peer stopped sending before the body's end.
    Truncated,
}

/// The response was given up or has already ended.
#[derive(Debug, PartialEq, Eq)]
pub struct Finished;

/// What follows a response's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The next request's head is awaited (keep-alive).
    NextRequest,
    /// No request follows: the connection closes once its output is out.
    Close,
}

impl Exchange {
    /// A connection awaiting its first request head; `date` gives the `Date` field's value.
    pub fn new(date: fn() -> Rc<str>) -> Exchange {
        Exchange {
            phase: Phase::Head,
            input: Vec::new(),
            peer_finished: false,
            output: Vec::new(),
            sent: 0,
            date,
            last: false,
            minor_version: 1,
            keep_alive: false,
            head_only: false,
            continue_pending: false,
            incoming: Incoming::Done,
            decoded: Vec::new(),
            outgoing: Outgoing::Ended,
        }
    }

    // ---- input ---------------------------------------------------------------------------

    /// Whether bytes from the peer are taken now: the input is bounded while a head is awaited
    /// (by the head limit) and while a request is handled (by [`INPUT_LIMIT`]).
    pub fn wants_input(&self) -> bool {
        !self.peer_finished
            && match self.phase {
                Phase::Head => self.input.len() <= MAX_HEAD_BYTES,
                Phase::Handling => self.input.len() < INPUT_LIMIT,
                Phase::Upgraded => true,
                Phase::Closing | Phase::Closed => false,
            }
    }

    pub fn receive(&mut self, bytes: &[u8]) {
        self.input.extend_from_slice(bytes);
    }

    /// The peer sends no more (its end, or a failed read): a body read past the input fails,
    /// and a connection awaiting a head is finished once its output is out.
    pub fn peer_finished(&mut self) {
        self.peer_finished = true;
    }

    pub fn awaiting_head(&self) -> bool {
        self.phase == Phase::Head
    }

    pub fn has_input(&self) -> bool {
        !self.input.is_empty()
    }

    /// The next request's head once it is whole (the handler has the exchange until its
    /// response ends), or bad input, answered.
    pub fn next_request(&mut self) -> Option<Result<RequestHead, ClientError>> {
        if self.phase != Phase::Head || self.input.is_empty() {
            return None;
        }
        match parse_request(&self.input) {
            Ok(Some(head)) => {
                self.input.drain(..head.head_len);
                self.phase = Phase::Handling;
                self.minor_version = head.minor_version;
                self.keep_alive = head.keep_alive && !self.last;
                self.head_only = head.method == "HEAD";
                self.continue_pending = head.expect_continue;
                self.incoming = match head.framing {
                    Framing::Empty | Framing::Length(0) => Incoming::Done,
                    Framing::Length(n) => Incoming::Length(n),
                    Framing::Chunked => Incoming::Chunked(ChunkedDecoder::new()),
                };
                self.decoded.clear();
                self.outgoing = Outgoing::NotStarted;
                Some(Ok(head))
            }
            Ok(None) => None,
            Err(rejection) => Some(Err(self.refuse(rejection.status(), rejection.reason()))),
        }
    }

    /// The handler is about to read the body: answers `Expect: 100-continue` if no response
    /// has started. False when no request is being handled.
    pub fn want_body(&mut self) -> bool {
        if self.phase != Phase::Handling {
            return false;
        }
        if self.continue_pending && self.outgoing == Outgoing::NotStarted {
            self.output.extend_from_slice(CONTINUE);
        }
        self.continue_pending = false;
        true
    }

    /// Up to `n` (at least 1) bytes of the request body from the input, empty at its end; None
    /// until more input arrives.
    pub fn read_body(&mut self, n: usize) -> Option<Result<Vec<u8>, BodyError>> {
        let piece = match &mut self.incoming {
            Incoming::Done => Some(Ok(Vec::new())),
            Incoming::Length(remaining) => {
                let k = (n as u64).min(*remaining).min(self.input.len() as u64) as usize;
                if k > 0 {
                    *remaining -= k as u64;
                    let bytes: Vec<u8> = self.input.drain(..k).collect();
                    if *remaining == 0 {
                        self.incoming = Incoming::Done;
                    }
                    Some(Ok(bytes))
                } else {
                    None
                }
            }
            Incoming::Chunked(decoder) => match decoder.decode(&self.input, &mut self.decoded) {
                Ok(used) => {
                    self.input.drain(..used);
                    if !self.decoded.is_empty() {
                        let k = n.min(self.decoded.len());
                        Some(Ok(self.decoded.drain(..k).collect()))
                    } else if decoder.done() {
                        self.incoming = Incoming::Done;
                        Some(Ok(Vec::new()))
                    } else {
                        None
                    }
                }
                Err(rejection) => {
                    let error = self.refuse(rejection.status(), rejection.reason());
                    Some(Err(BodyError::Malformed(error)))
                }
            },
        };
        piece.or_else(|| self.peer_finished.then_some(Err(BodyError::Truncated)))
    }

    /// The awaited head did not come in time (call only while [`awaiting_head`]): a connection
    /// that received nothing but whitespace closes quietly, one with part of a head gets 408.
    ///
    /// [`awaiting_head`]: Exchange::awaiting_head
    pub fn head_timed_out(&mut self) -> Option<ClientError> {
        if self.input.iter().all(u8::is_ascii_whitespace) {
            self.phase = Phase::Closing;
            return None;
        }
        let reason = "the request head did not arrive in time".to_string();
        Some(self.refuse(408, reason))
    }

    // ---- output --------------------------------------------------------------------------

    /// Adds response bytes: the head first if not sent yet (with `status` and `headers`), then
    /// `body`; `last` ends the response (a whole body is sent with Content-Length).
    pub fn respond(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &(impl Piece + ?Sized),
        last: bool,
    ) -> Result<Option<Ending>, Finished> {
        if self.phase != Phase::Handling || self.outgoing == Outgoing::Ended {
            return Err(Finished);
        }
        if self.outgoing == Outgoing::NotStarted {
            let kind = if last {
                BodyKind::Length(body.byte_len() as u64)
            } else if self.minor_version >= 1 {
                BodyKind::Chunked
            } else {
                BodyKind::UntilClose
            };
            self.start_response(status, headers, kind);
        }
        match self.outgoing {
            _ if self.head_only => {}
            Outgoing::Chunked => write_chunk(body, &mut self.output),
            _ => body.write_to(&mut self.output),
        }
        Ok(last.then(|| self.end_response()))
    }

    /// Ends the response (the head with an empty body if nothing was sent) and the exchange;
    /// None when there is none to end.
    pub fn end(&mut self, status: u16, headers: &[(String, String)]) -> Option<Ending> {
        if self.phase != Phase::Handling || self.outgoing == Outgoing::Ended {
            return None;
        }
        if self.outgoing == Outgoing::NotStarted {
            self.start_response(status, headers, BodyKind::Length(0));
        }
        Some(self.end_response())
    }

    /// Answers the request being handled with `response` (a whole `101 Switching Protocols`)
    /// and passes bytes through from then on (see [`Exchange::upgraded`]).
    pub fn upgrade(&mut self, response: &[u8]) -> Result<(), Finished> {
        if self.phase != Phase::Handling || self.outgoing != Outgoing::NotStarted {
            return Err(Finished);
        }
        self.output.extend_from_slice(response);
        self.outgoing = Outgoing::Ended;
        self.keep_alive = false;
        self.phase = Phase::Upgraded;
        Ok(())
    }

    /// An upgraded connection's received bytes (to be taken) and its output (to append to), and
    /// whether the peer has finished sending; None before the upgrade and after the close.
    pub fn upgraded(&mut self) -> Option<(&mut Vec<u8>, &mut Vec<u8>, bool)> {
        (self.phase == Phase::Upgraded).then_some((
            &mut self.input,
            &mut self.output,
            self.peer_finished,
        ))
    }

    /// Gives up on the exchange (the handler failed mid-response), or an upgraded connection is
    /// done with: no more bytes, then close.
    pub fn abort(&mut self) {
        if matches!(self.phase, Phase::Handling | Phase::Head | Phase::Upgraded) {
            self.keep_alive = false;
            self.outgoing = Outgoing::Ended;
            self.phase = Phase::Closing;
        }
    }

    /// No request after the current one (the server is closing): its response says
    /// `Connection: close`.
    pub fn disable_keep_alive(&mut self) {
        self.last = true;
        self.keep_alive = false;
    }

    /// Closes at once if no request has begun to arrive.
    pub fn close_if_idle(&mut self) {
        if self.phase == Phase::Head && self.input.is_empty() {
            self.phase = Phase::Closing;
        }
    }

    /// The bytes waiting to go to the peer.
    pub fn output(&self) -> &[u8] {
        &self.output[self.sent..]
    }

    /// `n` bytes of [`output`](Exchange::output) went out.
    pub fn written(&mut self, n: usize) {
        self.sent += n;
        if self.sent < self.output.len() {
            return;
        }
        self.sent = 0;
        // Between responses the buffer keeps at most KEEP bytes: one that carried a large body
        // would otherwise hold that body's size for as long as the connection stays open.
        if self.phase != Phase::Handling && self.output.capacity() > KEEP {
            self.output = Vec::new();
        } else {
            self.output.clear();
        }
    }

    /// Whether the connection is done with: its last response is out, or the peer left
    /// between requests and all that was owed to it is out.
    pub fn finished(&self) -> bool {
        self.sent == self.output.len()
            && (self.phase == Phase::Closing || (self.phase == Phase::Head && self.peer_finished))
    }

    /// Nothing more comes in or goes out; unsent output is dropped.
    pub fn close(&mut self) {
        self.phase = Phase::Closed;
        self.output = Vec::new();
        self.sent = 0;
    }

    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    // ---- the steps -----------------------------------------------------------------------

    fn start_response(&mut self, status: u16, headers: &[(String, String)], kind: BodyKind) {
        let asks_close = headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("connection")
                && value
                    .split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case("close"))
        });
        if asks_close || matches!(kind, BodyKind::UntilClose) || self.last {
            self.keep_alive = false;
        }
        self.outgoing = match kind {
            BodyKind::Length(_) => Outgoing::Length,
            BodyKind::Chunked => Outgoing::Chunked,
            BodyKind::UntilClose => Outgoing::UntilClose,
        };
        let head = ResponseHead {
            status,
            headers,
            body: kind,
            minor_version: self.minor_version,
            keep_alive: self.keep_alive,
        };
        write_head(&head, &(self.date)(), &mut self.output);
    }

    fn end_response(&mut self) -> Ending {
        if self.outgoing == Outgoing::Chunked && !self.head_only {
            self.output.extend_from_slice(LAST_CHUNK);
        }
        self.outgoing = Outgoing::Ended;
        let body_unread = !self.discard_body();
        if body_unread || !self.keep_alive || self.last {
            self.phase = Phase::Closing;
            Ending::Close
        } else {
            self.phase = Phase::Head;
            Ending::NextRequest
        }
    }

    /// Skips the rest of a request body the handler did not read, if it is already buffered;
    /// true when the next request's start is known.
    fn discard_body(&mut self) -> bool {
        match &mut self.incoming {
            Incoming::Done => true,
            Incoming::Length(remaining) => {
                if (self.input.len() as u64) < *remaining {
                    return false;
                }
                self.input.drain(..*remaining as usize);
                self.incoming = Incoming::Done;
                true
            }
            Incoming::Chunked(decoder) => {
                let mut skipped = Vec::new();
                match decoder.decode(&self.input, &mut skipped) {
                    Ok(used) if decoder.done() => {
                        self.input.drain(..used);
                        self.incoming = Incoming::Done;
                        true
                    }
                    _ => false,
                }
            }
        }
    }

    /// Answers bad input with `status` and its reason phrase as a plain-text body, unless a
    /// response has started, and closes after it.
    fn refuse(&mut self, status: u16, reason: String) -> ClientError {
        if self.outgoing == Outgoing::NotStarted || self.phase == Phase::Head {
            let body = format!("{} {}\n", status, reason_phrase(status));
            let head = ResponseHead {
                status,
                headers: &[("Content-Type".into(), "text/plain".into())],
                body: BodyKind::Length(body.len() as u64),
                minor_version: 1,
                keep_alive: false,
            };
            write_head(&head, &(self.date)(), &mut self.output);
            self.output.extend_from_slice(body.as_bytes());
        }
        self.keep_alive = false;
        self.outgoing = Outgoing::Ended;
        self.phase = Phase::Closing;
        ClientError { status, reason }
    }
}

#[cfg(test)]
mod tests;
