//! Fuzzes the sans-I/O half of the HTTP server (`src/net/http/{parse,chunked,response}.rs`)
//! the way a connection drives it: bytes arrive in pieces, a head is parsed and drained, its
//! body is skipped or decoded, and pipelined requests follow until the input runs out or a
//! request is rejected. The first input byte picks the piece sizes; the rest is the stream.
//!
//! Beyond "no panic", it checks the invariants the connection code relies on:
//! - results do not depend on how the input is split: every head, rejection and decoded body
//!   equals what one call on all the remaining bytes gives;
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
    pub mod parse;
    pub mod response;
}

use http::chunked::ChunkedDecoder;
use http::parse::{Framing, MAX_HEAD_BYTES, Rejection, RequestHead, parse_request};
use http::response::{
    BodyKind, CONTINUE, LAST_CHUNK, ResponseHead, http_date, reason_phrase, valid_header,
    write_chunk, write_head,
};
use std::time::{Duration, SystemTime};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, stream)) = data.split_first() else {
        return;
    };
    connection(stream, &mut Pieces::new(seed));
    handler_response(seed, stream);
    chunk_round_trip(stream, &mut Pieces::new(seed));
});

/// Sizes of the pieces the stream arrives in: always 1 byte, or pseudo-random up to 7, 64 or
/// 4096 bytes, as the seed says.
struct Pieces {
    state: u32,
    most: u32,
}

impl Pieces {
    fn new(seed: u8) -> Self {
        Pieces {
            state: u32::from(seed) | 1,
            most: [1, 7, 64, 4096][usize::from(seed & 3)],
        }
    }

    fn next(&mut self) -> usize {
        self.state = self.state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        1 + ((self.state >> 16) % self.most) as usize
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

/// One connection's requests, until the stream ends, a request is rejected or asks to close.
fn connection(stream: &[u8], pieces: &mut Pieces) {
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
