//! Fuzzes the sans-I/O half of the HTTP server (`src/net/http/{exchange,parse,target,chunked,
//! response}.rs`). The first input byte picks the sizes of the pieces the rest, the stream,
//! arrives in, and what the handlers do.
//!
//! The exchange is driven as a connection drives it: requests, pipelined, with bodies read
//! whole, in part or not at all, responses sent whole, streamed, aborted, keep-alive turned off.
//! Beyond "no panic", it checks:
//! - a handler that reads each body whole before answering sees the same requests, bodies and
//!   errors, and the peer gets the same bytes, however the stream is split;
//! - every step's bytes out are what it should add: nothing for a new request, `100 Continue`
//!   at most once and only when asked, a response head that parses with the framing its body
//!   has, the body framed that way (none for HEAD), a last chunk, a complete 4xx/5xx answer to
//!   bad input, nothing after an abort or once a response has started;
//! - a response that says `Connection: close` ends the connection; a connection that ends has
//!   nothing left to send; a connection never stalls: it ends once the stream does.
//!
//! The parts are also fuzzed on their own, as the exchange uses them:
//! - heads, rejections and decoded bodies do not depend on how the input is split: each equals
//!   what one call on all the remaining bytes gives;
//! - `head_len` lies within the buffer and the limit; a chunked decoder consumes all it is given
//!   until the body ends, never more, and never outputs more than it consumed;
//! - a chunked body is accepted exactly when a plain whole-buffer reading of the grammar
//!   (`chunked_grammar`) finds a complete one, with the same content and length;
//! - a rejection maps to 400, 431, 501 or 505 and logs as one line;
//! - `write_head` sends exactly the valid, non-framing handler fields, whatever fields it is
//!   given (no CR or LF of theirs splits a line), and `write_chunk` round-trips through the
//!   decoder.

#![no_main]

use libfuzzer_sys::fuzz_target;

/// The files themselves, not `src/net/http/mod.rs`, which also declares the I/O half. A path
/// on an inline module names the folder its modules are read from.
#[path = "../../src/net/http"]
mod http {
    pub mod chunked;
    pub mod exchange;
    pub mod parse;
    pub mod response;
    pub mod target;
}

/// The one file of `src/net` beside `http` that those files use, at the path they name it by.
#[path = "../../src/net"]
mod net {
    pub mod piece;
}

use http::chunked::ChunkedDecoder;
use http::exchange::{BodyError, ClientError, Ending, Exchange, Finished};
use http::parse::{Framing, MAX_HEAD_BYTES, Rejection, RequestHead, parse_request};
use http::response::{
    BodyKind, CONTINUE, LAST_CHUNK, ResponseHead, http_date, reason_phrase, valid_header,
    write_chunk, write_head,
};
use std::rc::Rc;
use std::time::{Duration, SystemTime};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, stream)) = data.split_first() else {
        return;
    };
    let whole = serve(stream, None, Policy::ReadFirst, seed);
    let split = serve(stream, Some(Pieces::new(seed)), Policy::ReadFirst, seed);
    assert_eq!(whole, split, "the split changed what happened");
    serve(stream, Some(Pieces::new(seed)), Policy::Mixed, seed);
    parsing(stream, &mut Pieces::new(seed));
    handler_response(seed, stream);
    chunk_round_trip(stream, &mut Pieces::new(seed));
});

/// A small deterministic generator (an LCG).
struct Dice(u32);

impl Dice {
    fn new(seed: u8) -> Self {
        Dice(u32::from(seed) | 1)
    }

    /// 0..sides
    fn roll(&mut self, sides: u32) -> u32 {
        self.0 = self.0.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (self.0 >> 16) % sides
    }
}

/// Sizes of the pieces the stream arrives in: always 1 byte, or pseudo-random up to 7, 64 or
/// 4096 bytes, as the seed says.
struct Pieces {
    dice: Dice,
    most: u32,
}

impl Pieces {
    fn new(seed: u8) -> Self {
        Pieces {
            dice: Dice::new(seed),
            most: [1, 7, 64, 4096][usize::from(seed & 3)],
        }
    }

    fn next(&mut self) -> usize {
        1 + self.dice.roll(self.most) as usize
    }
}

/// Moves the next piece of `rest` to the end of `buf`; false when nothing is left.
fn receive(buf: &mut Vec<u8>, rest: &mut &[u8], pieces: &mut Pieces) -> bool {
    if rest.is_empty() {
        return false;
    }
    let (piece, after) = rest.split_at(pieces.next().min(rest.len()));
    buf.extend_from_slice(piece);
    *rest = after;
    true
}

// ---- the exchange ---------------------------------------------------------------------------

/// What the handlers saw, in order.
#[derive(Debug, PartialEq)]
enum Seen {
    Request(RequestHead),
    /// A whole body, or why it could not be read.
    Body(Result<Vec<u8>, BodyError>),
    Refused(ClientError),
    Ended(Ending),
}

#[derive(Clone, Copy, PartialEq)]
enum Policy {
    /// Each handler reads its body whole, then answers as the body's length says.
    ReadFirst,
    /// Each handler does what the dice say: answer before reading, read a part, stream, abort,
    /// ask to close, or turn keep-alive off as a closing server does.
    Mixed,
}

/// The `Date` of every response: fixed, so that runs can be compared byte for byte.
fn date() -> Rc<str> {
    http_date(SystemTime::UNIX_EPOCH).into()
}

/// An exchange, its peer's stream and what the peer received.
struct Peer<'a> {
    exchange: Exchange,
    rest: &'a [u8],
    /// None: all that is left arrives at once.
    pieces: Option<Pieces>,
    wire: Vec<u8>,
    seen: Vec<Seen>,
}

impl Peer<'_> {
    /// What the exchange has sent since the last call, as the connection would write it.
    fn take(&mut self) -> Vec<u8> {
        let out = self.exchange.output().to_vec();
        self.exchange.written(out.len());
        assert!(self.exchange.output().is_empty());
        self.wire.extend_from_slice(&out);
        out
    }

    /// Gives the exchange the next piece, or the stream's end, if it takes input now.
    fn feed(&mut self) -> bool {
        if !self.exchange.wants_input() {
            return false;
        }
        if self.rest.is_empty() {
            self.exchange.peer_finished();
            assert!(!self.exchange.wants_input());
            return true;
        }
        let size = self.pieces.as_mut().map_or(self.rest.len(), Pieces::next);
        let (piece, rest) = self.rest.split_at(size.min(self.rest.len()));
        self.exchange.receive(piece);
        self.rest = rest;
        true
    }
}

/// Serves `stream` until the connection ends; gives what the handlers saw and the bytes sent.
fn serve(stream: &[u8], pieces: Option<Pieces>, policy: Policy, seed: u8) -> (Vec<Seen>, Vec<u8>) {
    let mut peer = Peer {
        exchange: Exchange::new(date),
        rest: stream,
        pieces,
        wire: Vec::new(),
        seen: Vec::new(),
    };
    let mut dice = Dice::new(seed.rotate_left(3));
    while !peer.exchange.finished() {
        assert!(peer.exchange.awaiting_head());
        match peer.exchange.next_request() {
            Some(Ok(head)) => {
                assert!(peer.take().is_empty(), "a new request sends nothing");
                assert!(!peer.exchange.awaiting_head());
                peer.seen.push(Seen::Request(head.clone()));
                handle(&mut peer, &head, policy, &mut dice);
            }
            Some(Err(error)) => {
                check_refusal(&peer.take(), &error);
                peer.seen.push(Seen::Refused(error));
                assert!(peer.exchange.finished());
            }
            // A head that stops coming: late for the connection's timer, now and then.
            None if policy == Policy::Mixed && dice.roll(16) == 0 => {
                let partial = peer.exchange.has_input();
                match peer.exchange.head_timed_out() {
                    Some(error) => {
                        assert!(partial && error.status == 408);
                        check_refusal(&peer.take(), &error);
                        peer.seen.push(Seen::Refused(error));
                    }
                    None => assert!(peer.take().is_empty()),
                }
                assert!(peer.exchange.finished());
            }
            None => assert!(peer.feed(), "the connection stalled"),
        }
    }
    assert!(peer.exchange.next_request().is_none());
    peer.exchange.close();
    assert!(peer.exchange.is_closed() && !peer.exchange.wants_input());
    (peer.seen, peer.wire)
}

const FIELDS: &[(&str, &str)] = &[("X-Handler", "fuzz")];

fn fields(close: bool) -> Vec<(String, String)> {
    let extra = close.then_some(("Connection", "close"));
    FIELDS
        .iter()
        .chain(&extra)
        .map(|&(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// One handler, start to end.
fn handle(peer: &mut Peer, head: &RequestHead, policy: Policy, dice: &mut Dice) {
    let action = match policy {
        Policy::ReadFirst => 0,
        Policy::Mixed => dice.roll(6),
    };
    let n = 1 + dice.roll(300) as usize;
    let target = head.target.as_bytes();
    match action {
        0 => match read_body(peer, head, n, None) {
            Ok(body) => {
                let mode = body.len() as u32 % 3;
                peer.seen.push(Seen::Body(Ok(body.clone())));
                answer(peer, head, &body, mode, false);
            }
            Err(error) => {
                let refused = matches!(error, BodyError::Malformed(_));
                peer.seen.push(Seen::Body(Err(error)));
                // The handler fails: a 500 if the response can still start.
                match peer.exchange.respond(500, &fields(false), b"", true) {
                    Ok(ending) => {
                        assert!(!refused);
                        assert_eq!(ending, Some(Ending::Close), "the body's end is unknown");
                        response_head(&peer.take());
                        assert!(peer.exchange.finished());
                    }
                    Err(Finished) => assert!(refused && peer.take().is_empty()),
                }
            }
        },
        1 => answer(peer, head, target, dice.roll(3), dice.roll(2) == 0),
        2 => match read_body(peer, head, n, Some(1 + dice.roll(3))) {
            Ok(_) => answer(peer, head, target, 1, false),
            Err(_) => peer.exchange.abort(),
        },
        3 => {
            assert_eq!(peer.exchange.respond(200, &fields(false), target, false), Ok(None));
            response_head(&peer.take());
            abort(peer);
        }
        4 => abort(peer),
        _ => {
            peer.exchange.disable_keep_alive();
            peer.exchange.close_if_idle();
            assert!(!peer.exchange.finished());
            answer(peer, head, target, dice.roll(3), false);
            assert_eq!(peer.seen.last(), Some(&Seen::Ended(Ending::Close)));
        }
    }
    peer.take();
}

/// Reads the body in reads of up to `n` bytes, whole or only `reads` of them.
fn read_body(
    peer: &mut Peer,
    head: &RequestHead,
    n: usize,
    mut reads: Option<u32>,
) -> Result<Vec<u8>, BodyError> {
    assert!(peer.exchange.want_body());
    let interim = peer.take();
    if head.expect_continue {
        assert_eq!(interim, CONTINUE);
    } else {
        assert!(interim.is_empty());
    }
    assert!(peer.exchange.want_body());
    assert!(peer.take().is_empty(), "100 Continue goes out once");
    let mut body = Vec::new();
    loop {
        match peer.exchange.read_body(n) {
            Some(Ok(piece)) if piece.is_empty() => break,
            Some(Ok(piece)) => {
                assert!(piece.len() <= n);
                body.extend_from_slice(&piece);
                if let Some(left) = &mut reads {
                    *left -= 1;
                    if *left == 0 {
                        break;
                    }
                }
            }
            Some(Err(BodyError::Malformed(error))) => {
                check_refusal(&peer.take(), &error);
                assert_eq!(error.status, 400);
                return Err(BodyError::Malformed(error));
            }
            Some(Err(BodyError::Truncated)) => return Err(BodyError::Truncated),
            None => assert!(peer.feed(), "a body read waits for input that cannot come"),
        }
    }
    if let Framing::Length(length) = head.framing
        && reads.is_none()
    {
        assert_eq!(body.len() as u64, length);
    }
    Ok(body)
}

/// Gives up on the exchange: nothing more is sent, and the connection ends.
fn abort(peer: &mut Peer) {
    peer.exchange.abort();
    assert!(peer.take().is_empty());
    assert!(peer.exchange.finished());
    assert_eq!(peer.exchange.end(200, &[]), None);
    assert_eq!(peer.exchange.respond(200, &[], b"x", true), Err(Finished));
}

/// Answers with `body`: whole (mode 0), streamed in two writes (1), or as an empty 204 (2);
/// checks every step's bytes.
fn answer(peer: &mut Peer, head: &RequestHead, body: &[u8], mode: u32, close: bool) {
    let fields = fields(close);
    let head_only = head.method == "HEAD";
    let shown = |bytes: &[u8]| if head_only { Vec::new() } else { bytes.to_vec() };
    let (ending, said_close) = match mode {
        0 => {
            let ending = peer.exchange.respond(200, &fields, body, true);
            let out = peer.take();
            let (response, at) = response_head(&out);
            assert_eq!(response.field("Content-Length"), Some(body.len().to_string()));
            assert_eq!(out[at..], shown(body));
            (ending.unwrap().expect("a whole body ends the response"), response.close())
        }
        1 => {
            let (first, second) = body.split_at(body.len() / 2);
            let chunked = head.minor_version == 1;
            let framed = |bytes: &[u8]| match chunked {
                _ if head_only => Vec::new(),
                true => {
                    let mut out = Vec::new();
                    write_chunk(bytes, &mut out);
                    out
                }
                false => bytes.to_vec(),
            };
            assert_eq!(peer.exchange.respond(200, &fields, first, false), Ok(None));
            let out = peer.take();
            let (response, at) = response_head(&out);
            assert_eq!(response.field("Content-Length"), None);
            let coding = chunked.then(|| "chunked".to_owned());
            assert_eq!(response.field("Transfer-Encoding"), coding);
            assert_eq!(out[at..], framed(first));
            assert_eq!(peer.exchange.respond(200, &fields, second, false), Ok(None));
            assert_eq!(peer.take(), framed(second));
            let ending = peer.exchange.end(200, &fields).expect("a response to end");
            let last: &[u8] = if chunked && !head_only { LAST_CHUNK } else { b"" };
            assert_eq!(peer.take(), last);
            if !chunked {
                assert_eq!(ending, Ending::Close, "the body ends with the connection");
            }
            (ending, response.close())
        }
        _ => {
            let ending = peer.exchange.end(204, &fields).expect("a response to end");
            let out = peer.take();
            let (response, at) = response_head(&out);
            assert_eq!(response.status, 204);
            assert_eq!(response.field("Content-Length"), None);
            assert_eq!(at, out.len());
            (ending, response.close())
        }
    };
    if said_close || close {
        assert_eq!(ending, Ending::Close, "the response said Connection: close");
    }
    match ending {
        Ending::Close => assert!(peer.exchange.finished()),
        Ending::NextRequest => assert!(peer.exchange.awaiting_head()),
    }
    peer.seen.push(Seen::Ended(ending));
}

/// A response head as the peer parses it.
struct Parsed {
    status: u16,
    fields: Vec<(String, String)>,
}

impl Parsed {
    fn field(&self, name: &str) -> Option<String> {
        let mut values = self.fields.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let value = values.next().map(|(_, v)| v.clone());
        assert!(values.next().is_none(), "{name} twice");
        value
    }

    fn close(&self) -> bool {
        self.field("Connection").as_deref() == Some("close")
    }
}

/// Parses the response head at the start of `out`: it and where it ends.
fn response_head(out: &[u8]) -> (Parsed, usize) {
    let mut slots = [httparse::EMPTY_HEADER; 8];
    let mut response = httparse::Response::new(&mut slots);
    let Ok(httparse::Status::Complete(at)) = response.parse(out) else {
        panic!("no response head in {:?}", String::from_utf8_lossy(out));
    };
    let fields = response
        .headers
        .iter()
        .map(|h| (h.name.to_owned(), h.value.iter().map(|&b| char::from(b)).collect()))
        .collect();
    let parsed = Parsed {
        status: response.code.expect("a status"),
        fields,
    };
    assert_eq!(parsed.field("Date").as_deref(), Some(&*date()));
    (parsed, at)
}

/// `out` is the whole answer to bad input: its status, a plain-text body, and close.
fn check_refusal(out: &[u8], error: &ClientError) {
    assert!(matches!(error.status, 400 | 408 | 431 | 501 | 505));
    assert!(!error.reason.is_empty() && !error.reason.contains(['\r', '\n']));
    if out.is_empty() {
        return; // a response had started: it is cut instead
    }
    let (response, at) = response_head(out);
    assert_eq!(response.status, error.status);
    assert!(response.close());
    let body = format!("{} {}\n", error.status, reason_phrase(error.status));
    assert_eq!(response.field("Content-Length"), Some(body.len().to_string()));
    assert_eq!(out[at..], *body.as_bytes());
}

// ---- the parts ------------------------------------------------------------------------------

/// One connection's requests parsed and their bodies decoded, until the stream ends, a request
/// is rejected or asks to close.
fn parsing(stream: &[u8], pieces: &mut Pieces) {
    let mut buf = Vec::new();
    let mut rest = stream;
    loop {
        let whole = [&buf[..], rest].concat();
        let head = loop {
            match parse_request(&buf) {
                Ok(Some(head)) => break head,
                Ok(None) if receive(&mut buf, &mut rest, pieces) => {}
                Ok(None) => {
                    assert_eq!(parse_request(&whole), Ok(None));
                    return;
                }
                Err(rejection) => {
                    check_rejection(&rejection);
                    assert_eq!(parse_request(&whole), Err(rejection));
                    return;
                }
            }
        };
        assert!(head.head_len > 0 && head.head_len <= buf.len());
        assert!(head.head_len <= MAX_HEAD_BYTES);
        assert!(head.minor_version <= 1);
        assert_eq!(parse_request(&whole), Ok(Some(head.clone())));
        respond_to(&head);
        buf.drain(..head.head_len);

        match head.framing {
            Framing::Empty => {}
            Framing::Length(mut left) => loop {
                let take = usize::try_from(left).map_or(buf.len(), |n| n.min(buf.len()));
                buf.drain(..take);
                left -= take as u64;
                if left == 0 {
                    break;
                }
                if !receive(&mut buf, &mut rest, pieces) {
                    return;
                }
            },
            Framing::Chunked => {
                if !chunked_body(&mut buf, &mut rest, pieces) {
                    return;
                }
            }
        }
        if !head.keep_alive {
            return;
        }
    }
}

/// Decodes a chunked body from `buf` and then `rest`, comparing with one call on all of it;
/// true when the body ended and the connection goes on.
fn chunked_body(buf: &mut Vec<u8>, rest: &mut &[u8], pieces: &mut Pieces) -> bool {
    let whole = [&buf[..], *rest].concat();
    let mut reference = ChunkedDecoder::new();
    let mut expected = Vec::new();
    let expected_used = reference.decode(&whole, &mut expected);

    let mut decoder = ChunkedDecoder::new();
    let mut body = Vec::new();
    let mut used = 0;
    loop {
        let before = body.len();
        let n = match decoder.decode(buf, &mut body) {
            Ok(n) => n,
            Err(rejection) => {
                check_rejection(&rejection);
                assert_eq!(rejection.status(), 400);
                assert_eq!(expected_used, Err(rejection));
                return false;
            }
        };
        assert!(n <= buf.len());
        assert!(body.len() - before <= n);
        assert!(
            decoder.done() || n == buf.len(),
            "stopped early without finishing"
        );
        used += n;
        buf.drain(..n);
        if decoder.done() {
            break;
        }
        if !receive(buf, rest, pieces) {
            break;
        }
    }
    assert_eq!(expected_used, Ok(used));
    assert_eq!(reference.done(), decoder.done());
    assert_eq!(expected, body);
    if let Ok(Some((grammar_body, grammar_used))) = chunked_grammar(&whole) {
        assert!(decoder.done(), "a complete chunked body was not accepted");
        assert_eq!((grammar_body, grammar_used), (body, used));
    } else {
        assert!(
            !decoder.done(),
            "an incomplete or invalid chunked body was accepted"
        );
    }
    decoder.done()
}

/// The chunked grammar (RFC 9112 §7.1, with the decoder's strictness and limits) read the
/// plain way, whole lines at a time: the body and the bytes it took if `input` starts with a
/// complete one, `Ok(None)` if it may still become one, `Err` if it cannot.
fn chunked_grammar(input: &[u8]) -> Result<Option<(Vec<u8>, usize)>, ()> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let Some(line) = crlf_line(&input[at..], MAX_HEAD_BYTES)? else {
            return Ok(None);
        };
        at += line.len() + 2;
        let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        let size = line[..digits]
            .iter()
            .try_fold(0u64, |n, &b| {
                let digit = u64::from(char::from(b).to_digit(16)?);
                n.checked_mul(16)?.checked_add(digit)
            })
            .filter(|_| digits > 0)
            .ok_or(())?;
        let after = &line[digits..];
        let space = after
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        match after.get(space) {
            None => {}
            Some(b';') if after[space..].iter().all(|&b| text_byte(b)) => {}
            Some(_) => return Err(()),
        }
        if size == 0 {
            break;
        }
        let Some(data) = usize::try_from(size)
            .ok()
            .and_then(|size| input.get(at..at.checked_add(size)?))
        else {
            return Ok(None);
        };
        body.extend_from_slice(data);
        at += data.len();
        match input.get(at..at + 2) {
            Some(b"\r\n") => at += 2,
            Some(_) => return Err(()),
            None if input[at..].is_empty() || input[at..] == *b"\r" => return Ok(None),
            None => return Err(()),
        }
    }
    let trailers = at;
    loop {
        let Some(line) = crlf_line(&input[at..], MAX_HEAD_BYTES - (at - trailers))? else {
            return Ok(None);
        };
        at += line.len() + 2;
        if line.is_empty() {
            return Ok(Some((body, at)));
        }
        if !line.iter().all(|&b| text_byte(b)) {
            return Err(());
        }
    }
}

/// The line at the start of `input`, without its CRLF, if it is complete and fits in `limit`
/// bytes with its CRLF; a bare CR or LF is an error.
fn crlf_line(input: &[u8], limit: usize) -> Result<Option<&[u8]>, ()> {
    match input.iter().position(|&b| b == b'\r' || b == b'\n') {
        Some(end) if end + 2 > limit || input[end] == b'\n' => Err(()),
        Some(end) => match input.get(end + 1) {
            Some(b'\n') => Ok(Some(&input[..end])),
            Some(_) => Err(()),
            None => Ok(None),
        },
        None if input.len() >= limit => Err(()),
        None => Ok(None),
    }
}

/// HTAB, visible ASCII, space and obs-text: what extensions and trailer lines may hold.
fn text_byte(b: u8) -> bool {
    matches!(b, b'\t' | b' '..=b'~' | 0x80..=0xff)
}

fn check_rejection(rejection: &Rejection) {
    assert!(matches!(rejection.status(), 400 | 431 | 501 | 505));
    let reason = rejection.reason();
    assert!(!reason.is_empty() && !reason.contains(['\r', '\n']));
}

/// A response to a parsed request, echoing its fields back.
fn respond_to(request: &RequestHead) {
    let body = match request.framing {
        Framing::Length(n) => BodyKind::Length(n),
        Framing::Chunked => BodyKind::Chunked,
        Framing::Empty => BodyKind::UntilClose,
    };
    check_head(&ResponseHead {
        status: 200,
        headers: &request.headers,
        body,
        minor_version: request.minor_version,
        keep_alive: request.keep_alive,
    });
    if request.expect_continue {
        check_parses(CONTINUE, 0);
    }
}

/// A response whose status, framing and fields come from the input; fields are separated by
/// NUL bytes and may hold anything, CR, LF and chars above U+00FF included.
fn handler_response(seed: u8, stream: &[u8]) {
    let parts: Vec<String> = stream
        .split(|&b| b == 0)
        .take(64)
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect();
    let headers: Vec<(String, String)> = parts
        .chunks_exact(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect();
    let number = stream.iter().fold(u64::from(seed), |n, &b| {
        n.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    let status = 100 + (number % 900) as u16;
    let body = match seed >> 6 {
        0 => BodyKind::Length(number),
        1 => BodyKind::Chunked,
        _ => BodyKind::UntilClose,
    };
    check_head(&ResponseHead {
        status,
        headers: &headers,
        body,
        minor_version: seed & 1,
        keep_alive: seed & 2 != 0,
    });
}

/// Writes `head` and reads it back: the handler's valid, non-framing fields arrive exactly, in
/// order, between our `Date` (when the handler set none) and our framing fields.
fn check_head(head: &ResponseHead) {
    const OWNED: [&str; 3] = ["content-length", "transfer-encoding", "connection"];
    let date = http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(head.status)));
    let mut out = Vec::new();
    write_head(head, &date, &mut out);

    let expected: Vec<(String, String)> = head
        .headers
        .iter()
        .filter(|(name, value)| valid_header(name, value))
        .filter(|(name, _)| !OWNED.iter().any(|owned| name.eq_ignore_ascii_case(owned)))
        .map(|(name, value)| (name.clone(), value.trim_matches([' ', '\t']).to_owned()))
        .collect();
    let mut got = check_parses(&out, expected.len() + 3);
    if !expected
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("date"))
    {
        assert_eq!(got.remove(0), ("Date".to_owned(), date));
    }
    let ours = got.len() - expected.len();
    assert!(
        got[expected.len()..]
            .iter()
            .all(|(name, _)| { OWNED.iter().any(|owned| name.eq_ignore_ascii_case(owned)) })
    );
    got.truncate(got.len() - ours);
    assert_eq!(got, expected);

    let status_line = format!(
        "HTTP/1.1 {} {}\r\n",
        head.status,
        reason_phrase(head.status)
    );
    assert!(out.starts_with(status_line.as_bytes()));
}

/// Parses a whole response head, checking that every line ends in CRLF and nothing follows the
/// head; returns its fields, values decoded as latin-1.
fn check_parses(out: &[u8], most_fields: usize) -> Vec<(String, String)> {
    for (i, &b) in out.iter().enumerate() {
        match b {
            b'\r' => assert_eq!(out.get(i + 1), Some(&b'\n'), "bare CR"),
            b'\n' => assert!(i > 0 && out[i - 1] == b'\r', "bare LF"),
            _ => {}
        }
    }
    let mut slots = vec![httparse::EMPTY_HEADER; most_fields + 1];
    let mut response = httparse::Response::new(&mut slots);
    assert_eq!(
        response.parse(out),
        Ok(httparse::Status::Complete(out.len()))
    );
    let fields = response.headers.len();
    assert_eq!(out.windows(2).filter(|w| w == b"\r\n").count(), fields + 2);
    response
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_owned(),
                h.value.iter().map(|&b| char::from(b)).collect(),
            )
        })
        .collect()
}

/// Stream pieces written as chunks decode back to the stream, whatever the read sizes.
fn chunk_round_trip(stream: &[u8], pieces: &mut Pieces) {
    let mut encoded = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        let (piece, after) = rest.split_at(pieces.next().min(rest.len()));
        write_chunk(piece, &mut encoded);
        rest = after;
    }
    encoded.extend_from_slice(LAST_CHUNK);
    encoded.extend_from_slice(b"next");

    let mut decoder = ChunkedDecoder::new();
    let mut body = Vec::new();
    let mut at = 0;
    while !decoder.done() {
        assert!(at < encoded.len(), "the last chunk did not end the body");
        let end = (at + pieces.next()).min(encoded.len());
        at += decoder
            .decode(&encoded[at..end], &mut body)
            .expect("our own chunks decode");
    }
    assert_eq!(body, stream);
    assert_eq!(&encoded[at..], b"next");
}
