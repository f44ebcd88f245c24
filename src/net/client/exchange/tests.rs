//! The client exchange on byte strings: heads out, responses in at every split.

use super::*;

fn read_all(reader: &mut ResponseReader, wire: &[u8], split: usize) -> (ResponseHead, Vec<u8>) {
    let mut head = None;
    let mut body = Vec::new();
    for piece in wire.chunks(split.max(1)) {
        if let Some(h) = reader.feed(piece, &mut body).unwrap() {
            assert!(head.is_none(), "one head per response");
            head = Some(h);
        }
    }
    (head.expect("a head"), body)
}

#[test]
fn request_head_adds_host_and_framing() {
    let headers = vec![
        ("accept".to_owned(), "*/*".to_owned()),
        ("content-length".to_owned(), "99".to_owned()),
    ];
    let head = request_head("POST", "/x?y", "h:81", &headers, RequestFraming::Length(3));
    assert_eq!(
        head,
        b"POST /x?y HTTP/1.1\r\nhost: h:81\r\naccept: */*\r\ncontent-length: 3\r\n\r\n"
    );
    let head = request_head("PUT", "/", "h", &[], RequestFraming::Chunked);
    assert!(head.ends_with(b"transfer-encoding: chunked\r\n\r\n"));
    let mut out = Vec::new();
    chunk(b"hello", &mut out);
    chunk(b"", &mut out);
    assert_eq!(out, b"5\r\nhello\r\n");
}

#[test]
fn content_length_body_at_every_split() {
    let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: \xe9\r\n\r\nhello";
    for split in 1..wire.len() {
        let mut reader = ResponseReader::new(false, false);
        let (head, body) = read_all(&mut reader, wire, split);
        assert_eq!((head.status, head.reason.as_str()), (200, "OK"));
        assert_eq!(head.values("x").next(), Some("\u{e9}"));
        assert_eq!(body, b"hello");
        assert!(reader.reusable());
    }
}

#[test]
fn chunked_body_and_interim_responses() {
    let wire = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    for split in 1..wire.len() {
        let mut reader = ResponseReader::new(false, false);
        let (head, body) = read_all(&mut reader, wire, split);
        assert_eq!(head.status, 201);
        assert_eq!(body, b"abcde");
        assert!(reader.reusable());
    }
}

#[test]
fn close_delimited_body_ends_with_the_connection() {
    let mut reader = ResponseReader::new(false, false);
    let (_, body) = read_all(&mut reader, b"HTTP/1.1 200 OK\r\n\r\nall of it", 4);
    assert_eq!(body, b"all of it");
    assert!(!reader.done());
    reader.end().unwrap();
    assert!(reader.done() && !reader.reusable());
}

#[test]
fn bodiless_responses() {
    for (head_request, wire) in [
        (true, &b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"[..]),
        (
            false,
            b"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
        ),
        (
            false,
            b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
        ),
        (false, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    ] {
        let mut reader = ResponseReader::new(head_request, false);
        let (_, body) = read_all(&mut reader, wire, wire.len());
        assert!(body.is_empty() && reader.reusable());
    }
}

#[test]
fn keep_alive_per_rfc_9112() {
    let cases: [(&[u8], bool, bool); 5] = [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, true),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true, false),
        (
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            false,
            false,
        ),
        (
            b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
            false,
            false,
        ),
        (
            b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n",
            false,
            true,
        ),
    ];
    for (wire, close, reusable) in cases {
        let mut reader = ResponseReader::new(false, close);
        read_all(&mut reader, wire, wire.len());
        assert_eq!(
            reader.reusable(),
            reusable,
            "{}",
            String::from_utf8_lossy(wire)
        );
    }
}

#[test]
fn bad_framing_and_early_ends() {
    let mut body = Vec::new();
    let mut reader = ResponseReader::new(false, false);
    let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n";
    assert!(reader.feed(wire, &mut body).is_err());
    let mut reader = ResponseReader::new(false, false);
    assert!(
        reader
            .feed(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", &mut body)
            .is_err()
    );
    let mut reader = ResponseReader::new(false, false);
    assert!(!reader.started());
    assert!(reader.end().is_err());
    let mut reader = ResponseReader::new(false, false);
    reader
        .feed(
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc",
            &mut body,
        )
        .unwrap();
    assert!(reader.started() && reader.end().is_err());
    let mut reader = ResponseReader::new(false, false);
    reader
        .feed(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab", &mut body)
        .unwrap();
    assert!(reader.done() && !reader.reusable());
}
