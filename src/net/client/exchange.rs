//! The client's side of one HTTP/1.1 exchange, without I/O (as the server's `http/exchange.rs`):
//! the request head and body framing to send, and a [`ResponseReader`] that takes the bytes read
//! from the connection and gives the response head and the decoded body.
//!
//! Invariants:
//! - the reader consumes nothing past the end of the response, and a connection is reusable
//!   ([`ResponseReader::reusable`]) only when the response ended by its framing, left no bytes
//!   behind and both sides allowed persistence (RFC 9112 §9.3);
//! - 1xx interim responses are skipped; a response to HEAD, a 204 and a 304 have no body
//!   whatever their headers say (RFC 9112 §6.3);
//! - framing is strict where smuggling hides: Transfer-Encoding wins over Content-Length, and
//!   differing Content-Length values are an error.

use crate::net::http::chunked::ChunkedDecoder;
use crate::net::http::parse::{MAX_HEAD_BYTES, detail, latin1};

/// Most header fields a response head may have.
const MAX_HEADERS: usize = 128;

/// How the request body is framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestFraming {
    /// No body, and no Content-Length (GET, HEAD, a bodiless DELETE).
    Empty,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// A body of unknown length, sent chunked.
    Chunked,
}

/// The request head: the request line, `Host` unless given, the caller's fields (framing fields
/// dropped: the framing is this exchange's business) and the framing's own.
pub fn request_head(
    method: &str,
    target: &str,
    host: &str,
    headers: &[(String, String)],
    framing: RequestFraming,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    for part in [method, " ", target, " HTTP/1.1\r\n"] {
        out.extend_from_slice(part.as_bytes());
    }
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        for part in ["host: ", host, "\r\n"] {
            out.extend_from_slice(part.as_bytes());
        }
    }
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding")
        {
            continue;
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend(value.chars().map(|c| c as u32 as u8));
        out.extend_from_slice(b"\r\n");
    }
    match framing {
        RequestFraming::Empty => {}
        RequestFraming::Length(n) => {
            out.extend_from_slice(format!("content-length: {n}\r\n").as_bytes())
        }
        RequestFraming::Chunked => out.extend_from_slice(b"transfer-encoding: chunked\r\n"),
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// One chunk of a chunked body (an empty `bytes` gives nothing: an empty chunk would end it).
pub fn chunk(bytes: &[u8], out: &mut Vec<u8>) {
    if bytes.is_empty() {
        return;
    }
    out.extend_from_slice(format!("{:x}\r\n", bytes.len()).as_bytes());
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

/// The end of a chunked body.
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// A response head as fetch exposes it: header values are byte strings (one char per byte).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
}

impl ResponseHead {
    /// The values of the fields named `name`.
    pub fn values<'h>(&'h self, name: &'h str) -> impl Iterator<Item = &'h str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether a comma-separated field named `name` lists `token`.
    fn lists(&self, name: &str, token: &str) -> bool {
        self.values(name)
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }
}

/// Why a response cannot be read; the connection must close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

#[derive(Debug)]
enum Body {
    Length(u64),
    Chunked(ChunkedDecoder),
    /// Until the server closes the connection.
    Close,
}

#[derive(Debug)]
enum State {
    Head,
    Body(Body),
    Done,
}

/// Reads one response from the bytes of a connection.
#[derive(Debug)]
pub struct ResponseReader {
    state: State,
    /// The request was HEAD: the response has no body.
    head_request: bool,
    /// Bytes of an incomplete head.
    buffer: Vec<u8>,
    /// Both sides allow the connection to persist.
    persistent: bool,
    /// Bytes came after the response's end.
    excess: bool,
}

impl ResponseReader {
    /// `close`: the request asked the server to close (`connection: close`).
    pub fn new(head_request: bool, close: bool) -> ResponseReader {
        ResponseReader {
            state: State::Head,
            head_request,
            buffer: Vec::new(),
            persistent: !close,
            excess: false,
        }
    }

    /// Whether any byte of the response arrived (a stale pooled connection gives none).
    pub fn started(&self) -> bool {
        !matches!(self.state, State::Head) || !self.buffer.is_empty()
    }

    pub fn done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Whether the connection may carry another request.
    pub fn reusable(&self) -> bool {
        self.done() && self.persistent && !self.excess
    }

    /// Takes bytes read from the connection; appends body bytes to `body` and gives the head
    /// when these bytes completed it.
    pub fn feed(
        &mut self,
        input: &[u8],
        body: &mut Vec<u8>,
    ) -> Result<Option<ResponseHead>, Malformed> {
        if !matches!(self.state, State::Head) {
            return self.body(input, body).map(|()| None);
        }
        self.buffer.extend_from_slice(input);
        let buffer = std::mem::take(&mut self.buffer);
        let mut at = 0;
        let head = loop {
            let Some((parsed, len)) = self.parse_head(&buffer[at..])? else {
                self.buffer = buffer[at..].to_vec();
                return Ok(None);
            };
            at += len;
            match parsed.status {
                101 => return Err(Malformed("an unasked-for 101 upgrade".into())),
                100..=199 => continue,
                _ => break parsed,
            }
        };
        self.state = self.framing(&head)?;
        self.body(&buffer[at..], body).map(|()| Some(head))
    }

    /// The peer closed the connection: fine only for a body that runs until then.
    pub fn end(&mut self) -> Result<(), Malformed> {
        match self.state {
            State::Body(Body::Close) => {
                self.state = State::Done;
                self.persistent = false;
                Ok(())
            }
            State::Done => Ok(()),
            State::Head => Err(Malformed(
                "the server closed the connection before answering".into(),
            )),
            State::Body(_) => Err(Malformed(
                "the server closed the connection before the body's end".into(),
            )),
        }
    }

    fn body(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Malformed> {
        let State::Body(body) = &mut self.state else {
            self.excess |= !input.is_empty();
            return Ok(());
        };
        let used = match body {
            Body::Length(left) => {
                let take = input
                    .len()
                    .min(usize::try_from(*left).unwrap_or(usize::MAX));
                out.extend_from_slice(&input[..take]);
                *left -= take as u64;
                if *left == 0 {
                    self.state = State::Done;
                }
                take
            }
            Body::Chunked(decoder) => {
                // The decoder's words are a server's ("bad request"), here a bad response.
                let used = decoder
                    .decode(input, out)
                    .map_err(|e| Malformed(format!("chunked body: {}", detail(&e.reason()))))?;
                if decoder.done() {
                    self.state = State::Done;
                }
                used
            }
            Body::Close => {
                out.extend_from_slice(input);
                input.len()
            }
        };
        self.excess |= used < input.len();
        Ok(())
    }

    /// The head at the start of `buf` and its length, or None when incomplete.
    fn parse_head(&mut self, buf: &[u8]) -> Result<Option<(ResponseHead, usize)>, Malformed> {
        let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut fields);
        let len = match response.parse(buf) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD_BYTES => {
                return Err(Malformed(format!(
                    "a response head over {MAX_HEAD_BYTES} bytes"
                )));
            }
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(e) => return Err(Malformed(format!("a malformed response head: {e}"))),
        };
        let head = ResponseHead {
            status: response.code.unwrap_or(0),
            reason: response.reason.unwrap_or("").to_owned(),
            headers: response
                .headers
                .iter()
                .map(|h| (h.name.to_owned(), latin1(h.value)))
                .collect(),
        };
        if !(100..=999).contains(&head.status) {
            return Err(Malformed(format!("a status of {}", head.status)));
        }
        let minor = response.version.unwrap_or(1);
        if head.lists("connection", "close")
            || (minor == 0 && !head.lists("connection", "keep-alive"))
        {
            self.persistent = false;
        }
        Ok(Some((head, len)))
    }

    /// How the body of `head` is delimited (RFC 9112 §6.3).
    fn framing(&mut self, head: &ResponseHead) -> Result<State, Malformed> {
        if self.head_request || head.status == 204 || head.status == 304 {
            return Ok(State::Done);
        }
        if head.values("transfer-encoding").next().is_some() {
            let chunked_last = head
                .values("transfer-encoding")
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .last()
                .is_some_and(|t| t.eq_ignore_ascii_case("chunked"));
            if chunked_last {
                return Ok(State::Body(Body::Chunked(ChunkedDecoder::new())));
            }
            self.persistent = false;
            return Ok(State::Body(Body::Close));
        }
        let mut length = None;
        for value in head.values("content-length").flat_map(|v| v.split(',')) {
            let value = value.trim();
            let n: u64 = value
                .parse()
                .ok()
                .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| Malformed(format!("a Content-Length of '{value}'")))?;
            if length.is_some_and(|l| l != n) {
                return Err(Malformed("differing Content-Length values".into()));
            }
            length = Some(n);
        }
        Ok(match length {
            Some(0) => State::Done,
            Some(n) => State::Body(Body::Length(n)),
            None => {
                self.persistent = false;
                State::Body(Body::Close)
            }
        })
    }
}

#[cfg(test)]
mod tests;
