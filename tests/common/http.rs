//! A strict HTTP/1.1 client for the server tests: raw connections whose requests go out exactly
//! as written and whose answers are parsed strictly (framing, chunking, Date), and curl.

use super::tool;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;
/// Every socket read or write waits at most this long.
pub const TIMEOUT: Duration = Duration::from_secs(10);

pub struct Response {
    pub status_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub chunked: bool,
}

impl Response {
    pub fn status(&self) -> u16 {
        self.status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {:?}", self.status_line))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Every response carries a Date header in the IMF-fixdate form `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn assert_dated(response: &Response) {
    let date = response
        .header("date")
        .unwrap_or_else(|| panic!("no Date header in {:?}", response.headers));
    assert!(
        date.len() == 29 && date.ends_with(" GMT") && date.as_bytes()[3] == b',',
        "Date `{date}` is not an IMF-fixdate"
    );
}

pub fn find(bytes: &[u8], needle: &[u8]) -> Option<usize> {
    bytes.windows(needle.len()).position(|w| w == needle)
}

pub fn show(bytes: &[u8]) -> String {
    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(600)]).into_owned();
    format!("{shown:?}{}", if bytes.len() > 600 { "…" } else { "" })
}

/// One response from the front of `bytes` and how many bytes it took; None while incomplete.
/// `head_only` is for answers to HEAD; a body without length or chunking ends at `eof`.
pub fn parse_response(bytes: &[u8], head_only: bool, eof: bool) -> Option<(Response, usize)> {
    let head_end = find(bytes, b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&bytes[..head_end - 4])
        .unwrap_or_else(|_| panic!("response head is not text: {}", show(bytes)));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap().to_string();
    let headers = lines
        .map(|line| {
            let (name, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("bad header line {line:?} in {head:?}"));
            (name.to_string(), value.trim().to_string())
        })
        .collect();
    let mut response = Response {
        status_line,
        headers,
        body: Vec::new(),
        chunked: false,
    };
    let status = response.status();
    if head_only || (100..200).contains(&status) || status == 204 || status == 304 {
        return Some((response, head_end));
    }
    let rest = &bytes[head_end..];
    if let Some(encoding) = response.header("transfer-encoding") {
        assert!(
            encoding.eq_ignore_ascii_case("chunked"),
            "Transfer-Encoding {encoding}"
        );
        assert!(
            response.header("content-length").is_none(),
            "both Content-Length and chunked in {:?}",
            response.headers
        );
        response.chunked = true;
        let (body, used) = dechunk(rest)?;
        response.body = body;
        return Some((response, head_end + used));
    }
    if let Some(length) = response.header("content-length") {
        let length: usize = length.parse().expect("numeric Content-Length");
        if rest.len() < length {
            return None;
        }
        response.body = rest[..length].to_vec();
        return Some((response, head_end + length));
    }
    if !eof {
        return None;
    }
    response.body = rest.to_vec();
    Some((response, bytes.len()))
}

/// A chunked body decoded strictly, and how many bytes it took; None while incomplete.
pub fn dechunk(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let line_end = at + find(&bytes[at..], b"\r\n")?;
        let line = String::from_utf8_lossy(&bytes[at..line_end]);
        let size = usize::from_str_radix(line.split(';').next().unwrap().trim(), 16)
            .unwrap_or_else(|_| panic!("bad chunk size line {line:?}"));
        at = line_end + 2;
        if size == 0 {
            // Trailer lines, if any, end with an empty line.
            loop {
                let end = at + find(&bytes[at..], b"\r\n")?;
                let empty = end == at;
                at = end + 2;
                if empty {
                    return Some((body, at));
                }
            }
        }
        if bytes.len() < at + size + 2 {
            return None;
        }
        body.extend_from_slice(&bytes[at..at + size]);
        assert_eq!(
            &bytes[at + size..at + size + 2],
            b"\r\n",
            "chunk data not followed by CRLF"
        );
        at += size + 2;
    }
}

/// A raw client connection: requests go out exactly as given, answers are parsed strictly.
pub struct Conn {
    pub stream: TcpStream,
    /// Received and not yet parsed.
    pub buffer: Vec<u8>,
    pub eof: bool,
}

impl Conn {
    pub fn open(port: u16) -> Conn {
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let stream = TcpStream::connect_timeout(&address, TIMEOUT)
            .unwrap_or_else(|e| panic!("connect to 127.0.0.1:{port}: {e}"));
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(TIMEOUT)).unwrap();
        Conn {
            stream,
            buffer: Vec::new(),
            eof: false,
        }
    }

    pub fn local_port(&self) -> u16 {
        self.stream.local_addr().unwrap().port()
    }

    pub fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.stream.write_all(bytes.as_ref()).expect("request sent");
    }

    /// Reads what the server sent next; false at the end of the stream (a reset counts as the
    /// end: the server may reset after its last answer when request bytes were left unread).
    pub fn fill(&mut self) -> bool {
        let mut chunk = [0; 64 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => {
                self.eof = true;
                false
            }
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                true
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                self.eof = true;
                false
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => panic!(
                "nothing more from the server within {TIMEOUT:?}; so far {}",
                show(&self.buffer)
            ),
            Err(e) => panic!("read: {e}"),
        }
    }

    pub fn read_response(&mut self, head_only: bool) -> Response {
        loop {
            if let Some((response, used)) = parse_response(&self.buffer, head_only, self.eof) {
                self.buffer.drain(..used);
                return response;
            }
            assert!(
                !self.eof,
                "the connection ended inside a response: {}",
                show(&self.buffer)
            );
            self.fill();
        }
    }

    pub fn response(&mut self) -> Response {
        self.read_response(false)
    }

    /// The answer to a HEAD request: a head, no body.
    pub fn head_response(&mut self) -> Response {
        self.read_response(true)
    }

    /// The server closes the connection, with nothing after the responses already read.
    pub fn expect_closed(&mut self) {
        while !self.eof {
            self.fill();
        }
        assert!(
            self.buffer.is_empty(),
            "bytes after the last response: {}",
            show(&self.buffer)
        );
    }
}

/// One request on its own connection, which the server must close after the response.
pub fn exchange(port: u16, request: &str) -> Response {
    let mut conn = Conn::open(port);
    conn.send(request);
    let response = conn.response();
    conn.expect_closed();
    response
}

/// The `/hello` route of the fixture servers (net/http_server.js, serve/server.js).
pub fn assert_hello(response: &Response) {
    assert_eq!(response.status_line, "HTTP/1.1 200 OK");
    assert_eq!(response.header("content-length"), Some("14"));
    assert_eq!(response.header("x-route"), Some("hello"));
    assert_eq!(response.text(), "Hello, World!\n");
    assert_dated(response);
}

/// A GET of `path` on a keep-alive connection of its own is answered 500 (its handler failed),
/// and the connection closes.
pub fn assert_500(port: u16, path: &str) {
    let mut conn = Conn::open(port);
    conn.send(format!("GET {path} HTTP/1.1\r\nHost: t\r\n\r\n"));
    let response = conn.response();
    assert_eq!(
        response.status_line, "HTTP/1.1 500 Internal Server Error",
        "{path}"
    );
    assert_dated(&response);
    conn.expect_closed();
}

/// The server still answers a good request on a new connection.
pub fn assert_still_serving(port: u16) {
    let response = exchange(
        port,
        "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    assert_hello(&response);
    assert_eq!(response.header("connection"), Some("close"));
}

pub struct Fetched {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Fetched {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// curl with a 10 s limit and no proxy; `args` end with the URL.
pub fn curl(args: &[&str]) -> Fetched {
    let out = tool("curl")
        .args(["-sS", "--noproxy", "*", "--max-time", "10", "-i"])
        .args(args)
        .output()
        .expect("curl runs");
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Interim heads (`100 Continue` to a large upload) come first; the final one follows.
    let mut start = 0;
    let (end, head) = loop {
        let end = start + find(&out.stdout[start..], b"\r\n\r\n").expect("a head from curl -i");
        let head = String::from_utf8_lossy(&out.stdout[start..end]).into_owned();
        if !head.starts_with("HTTP/1.1 1") {
            break (end, head);
        }
        start = end + 4;
    };
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_string(), v.trim().to_string()))
        .collect();
    Fetched {
        status,
        headers,
        body: out.stdout[end + 4..].to_vec(),
    }
}
