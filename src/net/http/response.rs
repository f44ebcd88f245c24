//! The bytes of a response head and of chunked body framing, as the server sends them.
//!
//! Invariants:
//! - the server owns the framing: `Content-Length`, `Transfer-Encoding` and `Connection` come
//!   from [`ResponseHead::body`] and [`ResponseHead::keep_alive`] only, and a handler's own
//!   fields of those names are dropped, so the bytes on the wire always delimit the body the
//!   way the connection will actually send it (the caller reads a handler's
//!   `Connection: close` into `keep_alive` and its `Content-Length` into `body` first);
//! - no CR or LF from a handler reaches the wire (response splitting): a field that fails
//!   [`valid_header`] is skipped; callers check it first to throw a JS error instead;
//! - field values are written one char to one byte (latin-1), the mirror of how request fields
//!   are decoded, so chars above U+00FF are invalid rather than silently changed.

use crate::net::piece::Piece;
use std::time::SystemTime;

/// How the response body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Exactly this many bytes follow.
    Length(u64),
    /// The body is sent with [`write_chunk`] and ends with [`LAST_CHUNK`]; HTTP/1.1 only.
    Chunked,
    /// The body ends when the connection closes: for HTTP/1.0 clients when the length is not
    /// known up front; `keep_alive` must be false.
    UntilClose,
}

/// What [`write_head`] needs to know about a response.
#[derive(Debug, Clone, Copy)]
pub struct ResponseHead<'a> {
    /// 100..=999 (the caller rejects others, as Node does); written as is.
    pub status: u16,
    /// The handler's fields, in the order it set them.
    pub headers: &'a [(String, String)],
    pub body: BodyKind,
    /// The request's minor version: an HTTP/1.0 client is told about keep-alive explicitly.
    pub minor_version: u8,
    /// Whether the connection stays open after this response.
    pub keep_alive: bool,
}

/// The bytes that end a chunked body: the last (empty) chunk and no trailers.
pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// The interim response to `Expect: 100-continue`.
pub const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// The standard reason phrase of `status` (Node's `http.STATUS_CODES`), "" for unknown ones.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        509 => "Bandwidth Limit Exceeded",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => "",
    }
}

/// Whether a field may be sent: the name is a token (RFC 9110 §5.1) and the value holds only
/// HTAB, visible ASCII, space and U+0080..=U+00FF (what Node accepts), so never CR, LF or NUL.
pub fn valid_header(name: &str, value: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(is_token_byte)
        && value
            .chars()
            .all(|c| matches!(c, '\t' | ' '..='~' | '\u{80}'..='\u{ff}'))
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Writes the status line, the fields and the empty line that ends the head. `Date` (from
/// `date`, see [`http_date`]) comes first unless the handler set one; the handler's fields
/// follow in order, except invalid ones and the framing fields the server owns (see the module
/// doc); then `Content-Length` or `Transfer-Encoding: chunked` per `body` (neither for 1xx, 204
/// and 304, which have no body), and `Connection` when it differs from the version's default.
pub fn write_head(head: &ResponseHead, date: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(b"HTTP/1.1 ");
    decimal(out, u64::from(head.status));
    out.push(b' ');
    out.extend_from_slice(reason_phrase(head.status).as_bytes());
    out.extend_from_slice(b"\r\n");
    let sent = || {
        head.headers.iter().filter(|(name, value)| {
            valid_header(name, value)
                && !["content-length", "transfer-encoding", "connection"]
                    .iter()
                    .any(|owned| name.eq_ignore_ascii_case(owned))
        })
    };
    if !sent().any(|(name, _)| name.eq_ignore_ascii_case("date")) {
        field(out, "Date", date);
    }
    for (name, value) in sent() {
        field(out, name, value);
    }
    let bodyless = matches!(head.status, 100..=199 | 204 | 304);
    match head.body {
        _ if bodyless => {}
        BodyKind::Length(n) => {
            out.extend_from_slice(b"Content-Length: ");
            decimal(out, n);
            out.extend_from_slice(b"\r\n");
        }
        BodyKind::Chunked => field(out, "Transfer-Encoding", "chunked"),
        BodyKind::UntilClose => {}
    }
    if !head.keep_alive {
        field(out, "Connection", "close");
    } else if head.minor_version == 0 {
        field(out, "Connection", "keep-alive");
    }
    out.extend_from_slice(b"\r\n");
}

/// `n` in decimal digits, without the formatting machinery (a few of these go into every head).
fn decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// One field line; `value` is latin-1 (checked by `valid_header` or written by the server).
fn field(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    // valid_header admits only chars up to U+00FF, so each is one byte (ASCII as it is).
    if value.is_ascii() {
        out.extend_from_slice(value.as_bytes());
    } else {
        out.extend(value.chars().map(|c| c as u8));
    }
    out.extend_from_slice(b"\r\n");
}

/// Appends `data` as one chunk; nothing for empty data, which would end the body.
pub fn write_chunk(data: &(impl Piece + ?Sized), out: &mut Vec<u8>) {
    if data.byte_len() == 0 {
        return;
    }
    out.extend_from_slice(format!("{:x}\r\n", data.byte_len()).as_bytes());
    data.write_to(out);
    out.extend_from_slice(b"\r\n");
}

/// `now` as an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`, for the `Date` field.
pub fn http_date(now: SystemTime) -> String {
    httpdate::fmt_http_date(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const DATE: &str = "Sun, 06 Nov 1994 08:49:37 GMT";

    fn head(
        status: u16,
        headers: &[(&str, &str)],
        body: BodyKind,
        minor: u8,
        keep: bool,
    ) -> String {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|&(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let mut out = Vec::new();
        write_head(
            &ResponseHead {
                status,
                headers: &headers,
                body,
                minor_version: minor,
                keep_alive: keep,
            },
            DATE,
            &mut out,
        );
        out.iter().map(|&b| char::from(b)).collect()
    }

    #[test]
    fn keep_alive_response_with_length() {
        assert_eq!(
            head(
                200,
                &[("Content-Type", "text/plain")],
                BodyKind::Length(5),
                1,
                true
            ),
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
             Content-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
        );
    }

    #[test]
    fn chunked_and_closing() {
        assert_eq!(
            head(404, &[], BodyKind::Chunked, 1, false),
            "HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn http_1_0_gets_explicit_keep_alive() {
        assert_eq!(
            head(200, &[], BodyKind::Length(0), 0, true),
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
             Content-Length: 0\r\nConnection: keep-alive\r\n\r\n"
        );
        assert_eq!(
            head(200, &[], BodyKind::UntilClose, 0, false),
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn handler_date_replaces_ours_in_place() {
        assert_eq!(
            head(
                200,
                &[("X", "1"), ("date", "yesterday")],
                BodyKind::Length(0),
                1,
                true
            ),
            "HTTP/1.1 200 OK\r\nX: 1\r\ndate: yesterday\r\nContent-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn framing_fields_are_the_servers() {
        assert_eq!(
            head(
                200,
                &[
                    ("content-length", "999"),
                    ("Transfer-Encoding", "gzip"),
                    ("CONNECTION", "upgrade"),
                    ("X", "kept"),
                ],
                BodyKind::Length(2),
                1,
                true
            ),
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nX: kept\r\n\
             Content-Length: 2\r\n\r\n"
        );
    }

    #[test]
    fn bodyless_statuses_get_no_body_fields() {
        for status in [100, 101, 204, 304] {
            for body in [BodyKind::Length(7), BodyKind::Chunked] {
                let text = head(status, &[], body, 1, true);
                assert!(!text.contains("Content-Length"), "{text}");
                assert!(!text.contains("Transfer-Encoding"), "{text}");
            }
        }
    }

    #[test]
    fn unknown_status_has_an_empty_reason() {
        assert!(head(599, &[], BodyKind::Length(0), 1, true).starts_with("HTTP/1.1 599 \r\n"));
        assert_eq!(reason_phrase(999), "");
        assert_eq!(reason_phrase(418), "I'm a Teapot");
    }

    #[test]
    fn header_validity() {
        assert!(valid_header("X-Custom_1", "a\tb c~\u{e9}\u{ff}"));
        assert!(valid_header("X", ""));
        for (name, value) in [
            ("", "v"),
            ("X Y", "v"),
            ("X:", "v"),
            ("X\r\nInjected", "v"),
            ("\u{e9}", "v"),
            ("X", "a\r\nSet-Cookie: evil"),
            ("X", "a\rb"),
            ("X", "a\nb"),
            ("X", "a\0b"),
            ("X", "a\u{7f}"),
            ("X", "\u{100}"),
            ("X", "\u{10a}\u{d}"),
        ] {
            assert!(!valid_header(name, value), "{name:?}: {value:?}");
        }
    }

    #[test]
    fn invalid_fields_never_reach_the_wire() {
        let text = head(
            200,
            &[
                ("X", "a\r\nSet-Cookie: evil"),
                ("Bad\nName", "v"),
                ("X", "\u{20a}\u{20d}"),
                ("Date", "x\ry"),
                ("Y", "ok"),
            ],
            BodyKind::Length(0),
            1,
            true,
        );
        assert_eq!(
            text,
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nY: ok\r\n\
             Content-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn latin1_values_are_one_byte_each() {
        let headers = [("X".to_owned(), "\u{e9}".to_owned())];
        let mut out = Vec::new();
        write_head(
            &ResponseHead {
                status: 200,
                headers: &headers,
                body: BodyKind::Length(0),
                minor_version: 1,
                keep_alive: true,
            },
            DATE,
            &mut out,
        );
        assert!(out.windows(6).any(|w| w == b"X: \xe9\r\n"));
    }

    #[test]
    fn heads_parse_back() {
        let headers = [("Content-Type".to_owned(), "text/html".to_owned())];
        let mut out = Vec::new();
        write_head(
            &ResponseHead {
                status: 201,
                headers: &headers,
                body: BodyKind::Chunked,
                minor_version: 1,
                keep_alive: false,
            },
            DATE,
            &mut out,
        );
        let mut slots = [httparse::EMPTY_HEADER; 8];
        let mut response = httparse::Response::new(&mut slots);
        assert_eq!(
            response.parse(&out),
            Ok(httparse::Status::Complete(out.len()))
        );
        assert_eq!(response.code, Some(201));
        assert_eq!(response.reason, Some("Created"));
        assert_eq!(response.headers.len(), 4);
    }

    #[test]
    fn chunks() {
        let mut out = Vec::new();
        write_chunk(b"hello", &mut out);
        write_chunk(b"", &mut out);
        write_chunk(&[b'x'; 26], &mut out);
        out.extend_from_slice(LAST_CHUNK);
        let mut expected = b"5\r\nhello\r\n1a\r\n".to_vec();
        expected.extend_from_slice(&[b'x'; 26]);
        expected.extend_from_slice(b"\r\n0\r\n\r\n");
        assert_eq!(out, expected);
    }

    #[test]
    fn continue_is_a_complete_interim_response() {
        let mut slots = [httparse::EMPTY_HEADER; 1];
        let mut response = httparse::Response::new(&mut slots);
        assert_eq!(
            response.parse(CONTINUE),
            Ok(httparse::Status::Complete(CONTINUE.len()))
        );
        assert_eq!(response.code, Some(100));
    }

    #[test]
    fn dates_are_imf_fixdates() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(t), DATE);
        assert_eq!(
            http_date(SystemTime::UNIX_EPOCH),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }
}
