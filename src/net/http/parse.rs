//! The request head of HTTP/1.0 and HTTP/1.1: request line and header fields, read with httparse,
//! and the decisions that follow from them (body framing, keep-alive, `Expect: 100-continue`).
//!
//! Invariants, chosen so that no two readers of the same bytes (a proxy in front of us and us)
//! can disagree on where one request ends and the next begins (request smuggling, RFC 9112 §6.3
//! and §11.2):
//! - a head is accepted only whole and only within [`MAX_HEAD_BYTES`] and [`MAX_HEADERS`]; an
//!   incomplete head is either still under the limit (`Ok(None)`) or rejected;
//! - the body framing is unambiguous or the request is rejected: `Content-Length` together with
//!   `Transfer-Encoding`, differing lengths, a length that is not all digits, a transfer coding
//!   list that does not end in exactly one `chunked`, and `Transfer-Encoding` on HTTP/1.0 are
//!   all rejected rather than resolved by a precedence rule;
//! - nothing here reads or writes a socket: the caller owns the buffer and drains
//!   [`RequestHead::head_len`] bytes of it.
//!
//! A request also names a URL, or is rejected: see target.rs.

use super::target;

/// Most bytes a request head (request line, header fields and the final empty line, and any
/// empty lines before the request line) may take.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// Most header fields a request may carry; one more is treated like an over-long head.
pub const MAX_HEADERS: usize = 100;

/// A parsed request head. Method, target and header values are decoded one byte to one char
/// (latin-1), as Node does, so that the JS side sees exactly the bytes that were sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    pub method: String,
    /// The request-target as sent, e.g. `/a%20b?x=1`: neither decoded nor normalized.
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// Names as sent, in order, repeats kept; values without surrounding whitespace.
    pub headers: Vec<(String, String)>,
    pub framing: Framing,
    /// Whether the connection may carry another request after this one's response.
    pub keep_alive: bool,
    /// The client waits for `100 Continue` before sending the body (never set on HTTP/1.0,
    /// which RFC 9110 §10.1.1 says to ignore it on). Other expectations are ignored.
    pub expect_continue: bool,
    /// Bytes of the buffer the head took, leading empty lines included: the body, or the next
    /// request, starts there.
    pub head_len: usize,
}

/// How the request body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No `Content-Length` and no `Transfer-Encoding`: the request has no body.
    Empty,
    /// Exactly this many bytes follow the head (`Content-Length`, possibly 0).
    Length(u64),
    /// A chunked body follows (see `chunked::ChunkedDecoder`).
    Chunked,
}

/// How [`Rejection::reason`] starts for a 400.
const BAD_REQUEST: &str = "bad request: ";

/// A rejection's reason without a 400's opening words, for a message that names what failed in
/// its own words ("bad request body: …", "chunked body: …"); other reasons as they are.
pub fn detail(reason: &str) -> &str {
    reason.strip_prefix(BAD_REQUEST).unwrap_or(reason)
}

/// Why a request cannot be served; the connection closes after the error response, since where
/// the next request would start is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Malformed syntax or ambiguous framing (400); the text says which rule was broken.
    BadRequest(&'static str),
    /// The head is over [`MAX_HEAD_BYTES`] or has more than [`MAX_HEADERS`] fields (431).
    HeadTooLarge,
    /// A transfer coding other than `chunked` was applied (501).
    NotImplemented(&'static str),
    /// A well-formed `HTTP/x.y` version other than 1.0 and 1.1 (505).
    VersionNotSupported,
}

impl Rejection {
    /// The response status to send.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::BadRequest(_) => 400,
            Rejection::HeadTooLarge => 431,
            Rejection::NotImplemented(_) => 501,
            Rejection::VersionNotSupported => 505,
        }
    }

    /// One line for the log, e.g. `bad request: both Content-Length and Transfer-Encoding`.
    pub fn reason(&self) -> String {
        match self {
            Rejection::BadRequest(why) => format!("{BAD_REQUEST}{why}"),
            Rejection::HeadTooLarge => format!(
                "request head too large: over {MAX_HEAD_BYTES} bytes or over {MAX_HEADERS} header fields"
            ),
            Rejection::NotImplemented(why) => format!("not implemented: {why}"),
            Rejection::VersionNotSupported => {
                "HTTP version not supported (only HTTP/1.0 and HTTP/1.1)".to_owned()
            }
        }
    }
}

/// Parses the request head at the start of `buf`. `Ok(None)`: the head is incomplete and still
/// under [`MAX_HEAD_BYTES`]; call again when more bytes arrived. Bytes after the head (body,
/// pipelined requests) are not looked at.
pub fn parse_request(buf: &[u8]) -> Result<Option<RequestHead>, Rejection> {
    // Parsing at most the limit bounds the work per call, and an incomplete parse of a full
    // window means the head cannot end within the limit.
    let window = &buf[..buf.len().min(MAX_HEAD_BYTES)];
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut slots);
    let head_len = match request.parse(window) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if window.len() == MAX_HEAD_BYTES => {
            return Err(Rejection::HeadTooLarge);
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::Version) => return unsupported_version(window),
        Err(httparse::Error::TooManyHeaders) => return Err(Rejection::HeadTooLarge),
        Err(httparse::Error::HeaderName) => return Err(bad("invalid header name")),
        Err(httparse::Error::HeaderValue) => return Err(bad("invalid header value")),
        Err(httparse::Error::NewLine) => return Err(bad("invalid line ending")),
        Err(_) => return Err(bad("malformed request line")),
    };
    let (Some(method), Some(target), Some(minor_version)) =
        (request.method, request.path, request.version)
    else {
        unreachable!("httparse fills method, path and version of a complete request")
    };
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|h| (h.name.to_owned(), latin1(h.value)))
        .collect();

    let mut hosts = 0;
    let mut host = None;
    let mut lengths = Vec::new();
    // None without any Transfer-Encoding field: an empty one still counts as present.
    let mut codings: Option<Vec<&str>> = None;
    let mut connection = Tokens::default();
    let mut expect_continue = false;
    for (name, value) in &headers {
        if name.eq_ignore_ascii_case("host") {
            hosts += 1;
            host = Some(value.as_str());
        } else if name.eq_ignore_ascii_case("content-length") {
            lengths.push(value.as_str());
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            codings.get_or_insert_default().extend(list(value));
        } else if name.eq_ignore_ascii_case("connection") {
            connection.add(value);
        } else if name.eq_ignore_ascii_case("expect") {
            expect_continue |= value.eq_ignore_ascii_case("100-continue");
        }
    }
    // RFC 9112 §3.2: a 1.1 request without Host, or any request with several, gets 400.
    if hosts > 1 {
        return Err(bad("more than one Host header"));
    }
    if hosts == 0 && minor_version == 1 {
        return Err(bad("HTTP/1.1 request without a Host header"));
    }
    target::check(method, target, host).map_err(bad)?;
    let framing = framing(&lengths, codings.as_deref(), minor_version)?;
    let keep_alive = if minor_version == 0 {
        connection.keep_alive && !connection.close
    } else {
        !connection.close
    };

    Ok(Some(RequestHead {
        method: method.to_owned(),
        target: latin1(target.as_bytes()),
        minor_version,
        headers,
        framing,
        keep_alive,
        expect_continue: expect_continue && minor_version == 1,
        head_len,
    }))
}

fn bad(why: &'static str) -> Rejection {
    Rejection::BadRequest(why)
}

/// A field value (or target) as its Latin-1 characters, as the Fetch Standard's byte strings
/// read; the server's parse and the client's share it.
pub fn latin1(bytes: &[u8]) -> String {
    // Nearly every value is ASCII, which is its own UTF-8: one copy instead of a char at a time.
    if bytes.is_ascii() {
        return String::from_utf8(bytes.to_vec()).unwrap_or_default();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The elements of a comma-separated header list (RFC 9110 §5.6.1), trimmed, empty ones
/// skipped as the RFC asks recipients to.
fn list(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .map(|item| item.trim_matches([' ', '\t']))
        .filter(|item| !item.is_empty())
}

/// The `Connection` options that matter here, over all `Connection` fields of the request.
#[derive(Default)]
struct Tokens {
    close: bool,
    keep_alive: bool,
}

impl Tokens {
    fn add(&mut self, value: &str) {
        for option in list(value) {
            self.close |= option.eq_ignore_ascii_case("close");
            self.keep_alive |= option.eq_ignore_ascii_case("keep-alive");
        }
    }
}

/// The body framing from all `Content-Length` values and all transfer codings, in order.
fn framing(
    lengths: &[&str],
    codings: Option<&[&str]>,
    minor_version: u8,
) -> Result<Framing, Rejection> {
    if let Some(codings) = codings {
        if !lengths.is_empty() {
            return Err(bad("both Content-Length and Transfer-Encoding"));
        }
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
        if minor_version == 0 {
            return Err(bad("Transfer-Encoding on an HTTP/1.0 request"));
        }
        // RFC 9112 §6.3: without chunked last, the body length cannot be known.
        let Some((_, before)) = codings
            .split_last()
            .filter(|(last, _)| last.eq_ignore_ascii_case("chunked"))
        else {
            return Err(bad("Transfer-Encoding does not end in chunked"));
        };
        if before.iter().any(|c| c.eq_ignore_ascii_case("chunked")) {
            return Err(bad("chunked applied more than once"));
        }
        // The framing is sound, but the body under the chunks would need decoding (gzip, …):
        // RFC 9112 §6.1 answers a coding the server does not implement with 501.
        if !before.is_empty() {
            return Err(Rejection::NotImplemented(
                "transfer codings other than chunked",
            ));
        }
        return Ok(Framing::Chunked);
    }
    if lengths.is_empty() {
        return Ok(Framing::Empty);
    }
    // RFC 9112 §6.3: repeats of one value (also as a list, "5, 5") are one length; any
    // disagreement is unrecoverable.
    let mut length = None;
    for item in lengths.iter().flat_map(|value| value.split(',')) {
        let item = item.trim_matches([' ', '\t']);
        if item.is_empty() || !item.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("Content-Length is not a number"));
        }
        let n: u64 = item
            .parse()
            .map_err(|_| bad("Content-Length is too large"))?;
        if length.is_some_and(|seen| seen != n) {
            return Err(bad("several different Content-Length values"));
        }
        length = Some(n);
    }
    Ok(Framing::Length(length.expect("lengths is not empty")))
}

/// The answer for a request line httparse refused for its version: 505 for a well-formed
/// `HTTP/d.d` other than 1.0 and 1.1 (httparse knows only those two), 400 for anything else,
/// `Ok(None)` while the line has not ended and may still become a well-formed version.
fn unsupported_version(window: &[u8]) -> Result<Option<RequestHead>, Rejection> {
    // httparse got past method and target, so leading empty lines are skipped and the request
    // line is `method SP target SP version`, each delimiter a single space.
    let start = window
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(window.len());
    let line = &window[start..];
    let line_end = line.iter().position(|&b| b == b'\r' || b == b'\n');
    let line = &line[..line_end.unwrap_or(line.len())];
    let version = line.splitn(3, |&b| b == b' ').nth(2).unwrap_or_default();
    const SHAPE: &[u8] = b"HTTP/d.d";
    let fits = |(&b, &shape): (&u8, &u8)| {
        if shape == b'd' {
            b.is_ascii_digit()
        } else {
            b == shape
        }
    };
    let shaped = version.len() <= SHAPE.len() && version.iter().zip(SHAPE).all(fits);
    match (shaped, line_end) {
        (true, Some(_)) if version.len() == SHAPE.len() => Err(Rejection::VersionNotSupported),
        (true, None) if window.len() == MAX_HEAD_BYTES => Err(Rejection::HeadTooLarge),
        (true, None) => Ok(None),
        _ => Err(bad("malformed HTTP version")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(buf: &[u8]) -> RequestHead {
        match parse_request(buf) {
            Ok(Some(head)) => head,
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(buf)),
        }
    }

    fn rejected(buf: &[u8]) -> Rejection {
        match parse_request(buf) {
            Err(rejection) => rejection,
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(buf)),
        }
    }

    fn with_headers(lines: &str) -> Vec<u8> {
        format!("POST /x HTTP/1.1\r\nHost: h\r\n{lines}\r\n").into_bytes()
    }

    #[test]
    fn simple_get() {
        let buf = b"GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
        let head = ok(buf);
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/a%20b?x=1");
        assert_eq!(head.minor_version, 1);
        assert_eq!(
            head.headers,
            [
                ("Host".to_owned(), "example.com".to_owned()),
                ("Accept".to_owned(), "*/*".to_owned())
            ]
        );
        assert_eq!(head.framing, Framing::Empty);
        assert!(head.keep_alive);
        assert!(!head.expect_continue);
        assert_eq!(head.head_len, buf.len());
    }

    #[test]
    fn head_len_stops_before_the_body_and_the_next_request() {
        let first = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n";
        let mut buf = first.to_vec();
        buf.extend_from_slice(b"helloGET / HTTP/1.1\r\nHost: h\r\n\r\n");
        let head = ok(&buf);
        assert_eq!(head.head_len, first.len());
        assert_eq!(head.framing, Framing::Length(5));
        let next = ok(&buf[head.head_len + 5..]);
        assert_eq!(next.method, "GET");
    }

    #[test]
    fn incomplete_heads_wait_for_more() {
        let buf = b"GET / HTTP/1.1\r\nHost: h\r\n\r\n";
        for end in 0..buf.len() {
            assert_eq!(
                parse_request(&buf[..end]),
                Ok(None),
                "prefix of {end} bytes"
            );
        }
        assert!(ok(buf).head_len == buf.len());
    }

    #[test]
    fn leading_empty_lines_are_skipped_and_counted() {
        let buf = b"\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
        assert_eq!(ok(buf).head_len, buf.len());
        assert_eq!(parse_request(b"\r\n"), Ok(None));
    }

    #[test]
    fn header_values_are_latin1_and_trimmed() {
        let head = ok(b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\nX-Name:  \xe9t\xe9 \t\r\n\r\n");
        assert_eq!(head.target, "/caf\u{c3}\u{a9}");
        assert_eq!(
            head.headers[1],
            ("X-Name".to_owned(), "\u{e9}t\u{e9}".to_owned())
        );
    }

    #[test]
    fn malformed_heads_are_bad_requests() {
        for buf in [
            &b"GET  / HTTP/1.1\r\nHost: h\r\n\r\n"[..],
            b"GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
            b"G(T / HTTP/1.1\r\nHost: h\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost : h\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",
            b"GET / FTP/1.1\r\nHost: h\r\n\r\n",
            b"GET / HTTP/1.x\r\nHost: h\r\n\r\n",
            b"GET /\r\n\r\n",
            b"\rGET / HTTP/1.1\r\nHost: h\r\n\r\n",
        ] {
            assert!(
                matches!(rejected(buf), Rejection::BadRequest(_)),
                "{:?}",
                String::from_utf8_lossy(buf)
            );
        }
    }

    #[test]
    fn other_versions_are_not_supported() {
        for buf in [
            &b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"[..],
            b"GET / HTTP/2.0\r\nHost: h\r\n\r\n",
            b"GET / HTTP/1.2\r\nHost: h\r\n\r\n",
            b"GET / HTTP/3.0\r\n",
            b"GET / HTTP/0.9\r\n",
        ] {
            assert_eq!(rejected(buf), Rejection::VersionNotSupported);
        }
        // Too short to tell yet: "HTTP/2" may still become "HTTP/2.0".
        assert_eq!(parse_request(b"GET / HTTP/2"), Ok(None));
        assert_eq!(parse_request(b"GET / HTTP/2."), Ok(None));
        assert!(matches!(
            rejected(b"GET / HTTP/2x"),
            Rejection::BadRequest(_)
        ));
    }

    #[test]
    fn http_1_0_works_without_host() {
        let head = ok(b"GET / HTTP/1.0\r\n\r\n");
        assert_eq!(head.minor_version, 0);
        assert!(!head.keep_alive);
    }

    #[test]
    fn host_is_required_once_on_1_1() {
        assert_eq!(
            rejected(b"GET / HTTP/1.1\r\n\r\n"),
            bad("HTTP/1.1 request without a Host header")
        );
        assert_eq!(
            rejected(b"GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"),
            bad("more than one Host header")
        );
        assert_eq!(
            rejected(b"GET / HTTP/1.0\r\nHost: a\r\nHOST: a\r\n\r\n"),
            bad("more than one Host header")
        );
        assert!(ok(b"GET / HTTP/1.1\r\nhOsT: \r\n\r\n").keep_alive);
    }

    #[test]
    fn keep_alive_follows_version_and_connection_tokens() {
        let cases: [(&[u8], bool); 8] = [
            (b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", true),
            (
                b"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
                false,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n",
                false,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n",
                true,
            ),
            (b"GET / HTTP/1.0\r\n\r\n", false),
            (b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
            (
                b"GET / HTTP/1.0\r\nConnection: foo,keep-alive\r\n\r\n",
                true,
            ),
            (
                b"GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
                false,
            ),
        ];
        for (buf, keep_alive) in cases {
            assert_eq!(
                ok(buf).keep_alive,
                keep_alive,
                "{}",
                String::from_utf8_lossy(buf)
            );
        }
    }

    #[test]
    fn expect_continue() {
        assert!(
            ok(&with_headers(
                "Expect: 100-Continue\r\nContent-Length: 3\r\n"
            ))
            .expect_continue
        );
        assert!(!ok(&with_headers("Expect: 200-ok\r\n")).expect_continue);
        assert!(!ok(b"POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").expect_continue);
    }

    #[test]
    fn content_length() {
        assert_eq!(
            ok(&with_headers("Content-Length: 42\r\n")).framing,
            Framing::Length(42)
        );
        assert_eq!(
            ok(&with_headers("Content-Length: 0\r\n")).framing,
            Framing::Length(0)
        );
        assert_eq!(
            ok(&with_headers("Content-Length: 18446744073709551615\r\n")).framing,
            Framing::Length(u64::MAX)
        );
        assert_eq!(
            ok(&with_headers("Content-Length: 5\r\ncontent-length: 5\r\n")).framing,
            Framing::Length(5)
        );
        assert_eq!(
            ok(&with_headers("Content-Length: 5, 5\r\n")).framing,
            Framing::Length(5)
        );
        assert_eq!(
            ok(&with_headers("Content-Length: 007\r\n")).framing,
            Framing::Length(7)
        );
    }

    #[test]
    fn bad_content_lengths() {
        for lines in [
            "Content-Length: 5\r\nContent-Length: 6\r\n",
            "Content-Length: 5, 6\r\n",
            "Content-Length: -1\r\n",
            "Content-Length: +5\r\n",
            "Content-Length: 0x10\r\n",
            "Content-Length: 1 2\r\n",
            "Content-Length: \r\n",
            "Content-Length: 5,\r\n",
            "Content-Length: 18446744073709551616\r\n",
            "Content-Length: 99999999999999999999999999\r\n",
        ] {
            assert!(
                matches!(rejected(&with_headers(lines)), Rejection::BadRequest(_)),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn transfer_encoding() {
        for lines in [
            "Transfer-Encoding: chunked\r\n",
            "Transfer-Encoding: CHUNKED\r\n",
            "Transfer-Encoding: , chunked\r\n",
        ] {
            assert_eq!(
                ok(&with_headers(lines)).framing,
                Framing::Chunked,
                "{lines:?}"
            );
        }
        for (lines, why) in [
            (
                "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                "both Content-Length and Transfer-Encoding",
            ),
            (
                "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                "both Content-Length and Transfer-Encoding",
            ),
            (
                "Transfer-Encoding: gzip\r\n",
                "Transfer-Encoding does not end in chunked",
            ),
            (
                "Transfer-Encoding: chunked, gzip\r\n",
                "Transfer-Encoding does not end in chunked",
            ),
            (
                "Transfer-Encoding: chunked;x=1\r\n",
                "Transfer-Encoding does not end in chunked",
            ),
            (
                "Transfer-Encoding: xchunked\r\n",
                "Transfer-Encoding does not end in chunked",
            ),
            (
                "Transfer-Encoding: \r\n",
                "Transfer-Encoding does not end in chunked",
            ),
            (
                "Transfer-Encoding: chunked, chunked\r\n",
                "chunked applied more than once",
            ),
            (
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                "chunked applied more than once",
            ),
        ] {
            assert_eq!(rejected(&with_headers(lines)), bad(why), "{lines:?}");
        }
        // A later field continues the list of an earlier one (RFC 9110 §5.3).
        assert_eq!(
            rejected(&with_headers(
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"
            )),
            bad("Transfer-Encoding does not end in chunked")
        );
        assert_eq!(
            rejected(&with_headers(
                "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"
            )),
            Rejection::NotImplemented("transfer codings other than chunked")
        );
        assert_eq!(
            rejected(&with_headers("Transfer-Encoding: gzip, chunked\r\n")),
            Rejection::NotImplemented("transfer codings other than chunked")
        );
        assert_eq!(
            rejected(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
            bad("Transfer-Encoding on an HTTP/1.0 request")
        );
    }

    #[test]
    fn head_size_limit() {
        let mut buf = b"GET / HTTP/1.1\r\nHost: h\r\nX: ".to_vec();
        let fixed = buf.len() + 4;
        buf.resize(MAX_HEAD_BYTES - 4, b'a');
        buf.extend_from_slice(b"\r\n\r\n");
        assert_eq!(buf.len(), MAX_HEAD_BYTES);
        assert_eq!(ok(&buf).head_len, MAX_HEAD_BYTES);
        assert!(fixed < MAX_HEAD_BYTES);

        // One byte more, complete or not.
        buf.insert(fixed - 4, b'a');
        assert_eq!(rejected(&buf), Rejection::HeadTooLarge);
        assert_eq!(rejected(&buf[..MAX_HEAD_BYTES]), Rejection::HeadTooLarge);
        assert_eq!(parse_request(&buf[..MAX_HEAD_BYTES - 1]), Ok(None));

        let blank_lines = b"\r\n".repeat(MAX_HEAD_BYTES / 2);
        assert_eq!(rejected(&blank_lines), Rejection::HeadTooLarge);
        let mut long_version = b"GET / HTTP/2".to_vec();
        long_version.resize(MAX_HEAD_BYTES, b' ');
        assert!(matches!(rejected(&long_version), Rejection::BadRequest(_)));
        let mut long_target = b"GET /".to_vec();
        long_target.resize(MAX_HEAD_BYTES, b'a');
        assert_eq!(rejected(&long_target), Rejection::HeadTooLarge);
    }

    #[test]
    fn header_count_limit() {
        let lines = |n: usize| "X: y\r\n".repeat(n);
        assert_eq!(
            ok(&with_headers(&lines(MAX_HEADERS - 1))).headers.len(),
            MAX_HEADERS
        );
        assert_eq!(
            rejected(&with_headers(&lines(MAX_HEADERS))),
            Rejection::HeadTooLarge
        );
    }

    #[test]
    fn rejection_statuses_and_reasons() {
        assert_eq!(bad("x").status(), 400);
        assert_eq!(Rejection::HeadTooLarge.status(), 431);
        assert_eq!(Rejection::NotImplemented("x").status(), 501);
        assert_eq!(Rejection::VersionNotSupported.status(), 505);
        assert_eq!(
            bad("both Content-Length and Transfer-Encoding").reason(),
            "bad request: both Content-Length and Transfer-Encoding"
        );
        assert!(Rejection::HeadTooLarge.reason().contains("16384 bytes"));
    }
}
