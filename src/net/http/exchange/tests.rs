//! The exchange's transitions, driven with byte strings as a connection would drive them.

use super::*;

const DATE: &str = "Sun, 06 Nov 1994 08:49:37 GMT";

fn date() -> Rc<str> {
    DATE.into()
}

fn exchange(input: &[u8]) -> Exchange {
    let mut exchange = Exchange::new(date);
    exchange.receive(input);
    exchange
}

fn request(exchange: &mut Exchange) -> RequestHead {
    match exchange.next_request() {
        Some(Ok(head)) => head,
        other => panic!("no request: {other:?}"),
    }
}

/// Takes all the output, as a connection writing it would, as text.
fn sent(exchange: &mut Exchange) -> String {
    let text = String::from_utf8(exchange.output().to_vec()).unwrap();
    exchange.written(exchange.output().len());
    text
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|&(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

fn ok(length: usize) -> String {
    format!("HTTP/1.1 200 OK\r\nDate: {DATE}\r\nContent-Length: {length}\r\n\r\n")
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: h\r\n\r\n";

#[test]
fn a_keep_alive_exchange_then_the_next_head_is_awaited() {
    let mut e = exchange(b"GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
    assert!(e.awaiting_head());
    assert_eq!(request(&mut e).target, "/a");
    assert!(!e.awaiting_head());
    assert_eq!(e.read_body(10), Some(Ok(Vec::new())), "no body");
    assert_eq!(
        e.respond(200, &[], b"hello", true),
        Ok(Some(Ending::NextRequest))
    );
    assert!(!e.finished());
    assert_eq!(sent(&mut e), ok(5) + "hello");
    assert!(e.awaiting_head() && !e.finished() && e.wants_input());
    assert_eq!(e.next_request(), None);
}

#[test]
fn nothing_is_answered_before_a_request() {
    let mut e = exchange(b"");
    assert_eq!(e.respond(200, &[], b"x", true), Err(Finished));
    assert_eq!(e.end(200, &[]), None);
    assert!(!e.want_body());
    assert!(e.output().is_empty());
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let mut e = exchange(
        b"GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\n\r\n",
    );
    assert_eq!(request(&mut e).target, "/1");
    assert_eq!(e.next_request(), None, "/1 is still being handled");
    assert_eq!(e.end(200, &[]), Some(Ending::NextRequest));
    assert_eq!(request(&mut e).target, "/2");
    assert_eq!(
        e.respond(404, &[], b"no", true),
        Ok(Some(Ending::NextRequest))
    );
    assert_eq!(request(&mut e).target, "/3");
    assert_eq!(e.end(200, &[]), Some(Ending::NextRequest));
    assert_eq!(
        sent(&mut e),
        format!(
            "{}HTTP/1.1 404 Not Found\r\nDate: {DATE}\r\nContent-Length: 2\r\n\r\nno{}",
            ok(0),
            ok(0)
        )
    );
    assert!(!e.has_input());
}

#[test]
fn a_content_length_body_is_read_in_pieces() {
    let mut e = exchange(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhel");
    request(&mut e);
    assert!(e.want_body());
    assert_eq!(e.read_body(2), Some(Ok(b"he".to_vec())));
    assert_eq!(e.read_body(100), Some(Ok(b"l".to_vec())));
    assert_eq!(e.read_body(100), None, "waits for input");
    // The body ends inside this piece; the rest is the next request's.
    e.receive(b"lo worldGET");
    assert_eq!(e.read_body(100), Some(Ok(b"lo world".to_vec())));
    assert_eq!(e.read_body(100), Some(Ok(Vec::new())), "the end");
    assert_eq!(e.end(200, &[]), Some(Ending::NextRequest));
    assert_eq!(e.next_request(), None);
    e.receive(b" /next HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_eq!(request(&mut e).target, "/next");
}

/// Feeds `wire` in pieces of `size` bytes as they are asked for, reads the first request's
/// body 3 bytes at a time, ends its exchange and gives the body and the next request's target.
fn body_in_pieces(wire: &[u8], size: usize) -> (Vec<u8>, String) {
    let mut e = Exchange::new(date);
    let mut pieces = wire.chunks(size);
    let mut feed = |e: &mut Exchange| e.receive(pieces.next().expect("more input"));
    while e.next_request().is_none() {
        feed(&mut e);
    }
    assert!(e.want_body());
    let mut body = Vec::new();
    loop {
        match e.read_body(3) {
            Some(Ok(piece)) if piece.is_empty() => break,
            Some(Ok(piece)) => body.extend_from_slice(&piece),
            Some(Err(error)) => panic!("{error:?}"),
            None => feed(&mut e),
        }
    }
    assert_eq!(e.end(200, &[]), Some(Ending::NextRequest));
    let next = loop {
        match e.next_request() {
            Some(head) => break head.unwrap(),
            None => feed(&mut e),
        }
    };
    (body, next.target)
}

#[test]
fn bodies_do_not_depend_on_how_the_input_is_split() {
    let next = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
    let chunked = format!(
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\
         5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: t\r\n\r\n{next}"
    );
    let length =
        format!("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world{next}");
    for wire in [chunked, length] {
        for size in 1..=wire.len() {
            assert_eq!(
                body_in_pieces(wire.as_bytes(), size),
                (b"hello world".to_vec(), "/next".to_owned()),
                "pieces of {size}: {wire:?}"
            );
        }
    }
}

#[test]
fn expect_continue_is_answered_once_at_the_first_read() {
    let wire = b"POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
    let mut e = exchange(wire);
    request(&mut e);
    assert_eq!(sent(&mut e), "", "not before the handler reads");
    assert!(e.want_body());
    assert_eq!(sent(&mut e), "HTTP/1.1 100 Continue\r\n\r\n");
    assert!(e.want_body());
    assert_eq!(sent(&mut e), "");
    e.receive(b"ok");
    assert_eq!(e.read_body(10), Some(Ok(b"ok".to_vec())));

    // A handler that answers without reading: no 100, and the body that never came leaves
    // the next request's start unknown.
    let mut e = exchange(wire);
    request(&mut e);
    assert_eq!(e.respond(417, &[], b"", true), Ok(Some(Ending::Close)));
    assert!(!e.want_body());
    assert!(sent(&mut e).starts_with("HTTP/1.1 417 Expectation Failed\r\n"));

    // Nor once a response has started.
    let mut e = exchange(wire);
    request(&mut e);
    e.respond(200, &[], b"x", false).unwrap();
    assert!(e.want_body());
    assert!(!sent(&mut e).contains("100 Continue"));
}

/// Ends the exchange `wire` starts with an empty response carrying `headers`: it ends as
/// `ending` says, its head with `connection` (a field line, or nothing) after the length.
fn ends(wire: &[u8], headers: &[(&str, &str)], ending: Ending, connection: &str) {
    let mut e = exchange(wire);
    request(&mut e);
    assert_eq!(e.end(200, &fields(headers)), Some(ending));
    assert_eq!(
        sent(&mut e),
        format!("HTTP/1.1 200 OK\r\nDate: {DATE}\r\nContent-Length: 0\r\n{connection}\r\n"),
        "{:?}",
        String::from_utf8_lossy(wire)
    );
    assert_eq!(e.finished(), ending == Ending::Close);
}

#[test]
fn keep_alive_follows_the_request_and_the_response() {
    let close = "Connection: close\r\n";
    ends(GET, &[], Ending::NextRequest, "");
    let asks_close = b"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    ends(asks_close, &[], Ending::Close, close);
    ends(GET, &[("connection", "Close")], Ending::Close, close);
    ends(b"GET / HTTP/1.0\r\n\r\n", &[], Ending::Close, close);
    let keep_alive = b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    let said = "Connection: keep-alive\r\n";
    ends(keep_alive, &[], Ending::NextRequest, said);
}

#[test]
fn a_streamed_response_is_chunked_on_1_1_and_until_close_on_1_0() {
    let mut e = exchange(GET);
    request(&mut e);
    assert_eq!(e.respond(200, &[], b"hello", false), Ok(None));
    assert_eq!(e.respond(200, &[], b"", false), Ok(None));
    assert_eq!(e.respond(200, &[], b"!", false), Ok(None));
    assert_eq!(e.end(200, &[]), Some(Ending::NextRequest));
    assert_eq!(
        sent(&mut e),
        format!(
            "HTTP/1.1 200 OK\r\nDate: {DATE}\r\nTransfer-Encoding: chunked\r\n\r\n\
             5\r\nhello\r\n1\r\n!\r\n0\r\n\r\n"
        )
    );

    let mut e = exchange(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    request(&mut e);
    e.respond(200, &[], b"hello", false).unwrap();
    assert_eq!(e.end(200, &[]), Some(Ending::Close));
    assert_eq!(
        sent(&mut e),
        format!("HTTP/1.1 200 OK\r\nDate: {DATE}\r\nConnection: close\r\n\r\nhello")
    );
    assert!(e.finished());
}

#[test]
fn head_requests_get_no_body_bytes() {
    let mut e = exchange(b"HEAD / HTTP/1.1\r\nHost: h\r\n\r\nHEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
    request(&mut e);
    e.respond(200, &[], b"hello", true).unwrap();
    assert_eq!(sent(&mut e), ok(5));
    request(&mut e);
    e.respond(200, &[], b"hello", false).unwrap();
    e.end(200, &[]).unwrap();
    assert_eq!(
        sent(&mut e),
        format!("HTTP/1.1 200 OK\r\nDate: {DATE}\r\nTransfer-Encoding: chunked\r\n\r\n")
    );
}

#[test]
fn a_body_left_unread_is_skipped_if_it_is_all_there() {
    let next = "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
    for (body, ending) in [
        ("Content-Length: 3\r\n\r\nabc", Ending::NextRequest),
        (
            "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            Ending::NextRequest,
        ),
        ("Content-Length: 100\r\n\r\nabc", Ending::Close),
        (
            "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
            Ending::Close,
        ),
    ] {
        let mut e = exchange(format!("POST / HTTP/1.1\r\nHost: h\r\n{body}{next}").as_bytes());
        request(&mut e);
        assert_eq!(e.end(200, &[]), Some(ending), "{body:?}");
        assert_eq!(sent(&mut e), ok(0));
        match ending {
            Ending::NextRequest => assert_eq!(request(&mut e).target, "/2"),
            Ending::Close => assert!(e.finished() && !e.wants_input()),
        }
    }
}

#[test]
fn a_malformed_request_is_answered_then_the_connection_closes() {
    let mut e =
        exchange(b"GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n");
    request(&mut e);
    e.end(200, &[]).unwrap();
    assert_eq!(
        e.next_request(),
        Some(Err(ClientError {
            status: 400,
            reason: "bad request: HTTP/1.1 request without a Host header".to_owned(),
        }))
    );
    assert!(!e.finished(), "the answer is not out yet");
    assert_eq!(
        sent(&mut e),
        format!(
            "{}HTTP/1.1 400 Bad Request\r\nDate: {DATE}\r\nContent-Type: text/plain\r\n\
             Content-Length: 16\r\nConnection: close\r\n\r\n400 Bad Request\n",
            ok(0)
        )
    );
    assert!(e.finished() && !e.wants_input());
    assert_eq!(e.next_request(), None);
    assert_eq!(e.respond(200, &[], b"", true), Err(Finished));

    for (wire, status) in [
        (
            &b"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"[..],
            400,
        ),
        (b"GET / HTTP/2.0\r\n\r\n", 505),
        (
            b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            501,
        ),
        (&[b'a'; MAX_HEAD_BYTES + 1], 431),
    ] {
        let mut e = exchange(wire);
        let error = e.next_request().unwrap().unwrap_err();
        assert_eq!(error.status, status);
        let text = sent(&mut e);
        assert!(text.starts_with(&format!("HTTP/1.1 {status} ")), "{text}");
        assert!(text.ends_with(&format!(
            "Connection: close\r\n\r\n{status} {}\n",
            reason_phrase(status)
        )));
        assert!(e.finished());
    }
}

#[test]
fn a_malformed_chunk_fails_the_read_and_closes() {
    let wire = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n";
    let malformed = Some(Err(BodyError::Malformed(ClientError {
        status: 400,
        reason: "bad request: invalid chunk size".to_owned(),
    })));

    let mut e = exchange(wire);
    request(&mut e);
    assert_eq!(e.read_body(100), Some(Ok(b"abc".to_vec())));
    e.receive(b"zz\r\n");
    assert_eq!(e.read_body(100), malformed);
    assert!(sent(&mut e).starts_with("HTTP/1.1 400 Bad Request\r\n"));
    assert!(e.finished());

    // A response already under way is cut, not followed by a second head.
    let mut e = exchange(wire);
    request(&mut e);
    e.respond(200, &[], b"so far", false).unwrap();
    assert_eq!(e.read_body(100), Some(Ok(b"abc".to_vec())));
    e.receive(b"zz\r\n");
    assert_eq!(e.read_body(100), malformed);
    assert_eq!(e.respond(200, &[], b"more", false), Err(Finished));
    assert_eq!(
        sent(&mut e),
        format!(
            "HTTP/1.1 200 OK\r\nDate: {DATE}\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nso far\r\n"
        )
    );
    assert!(e.finished());
}

#[test]
fn a_peer_leaving_mid_body_fails_the_read() {
    let mut e = exchange(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
    request(&mut e);
    assert_eq!(e.read_body(100), Some(Ok(b"abc".to_vec())));
    assert_eq!(e.read_body(100), None);
    e.peer_finished();
    assert!(!e.wants_input());
    assert_eq!(e.read_body(100), Some(Err(BodyError::Truncated)));
    // The handler may still answer; nothing can follow it.
    assert_eq!(e.respond(400, &[], b"", true), Ok(Some(Ending::Close)));
    assert!(!e.finished());
    sent(&mut e);
    assert!(e.finished());
}

#[test]
fn a_response_still_goes_to_a_peer_that_half_closed() {
    let mut e = exchange(GET);
    e.peer_finished();
    request(&mut e);
    assert!(!e.finished(), "a request is being handled");
    assert_eq!(
        e.respond(200, &[], b"bye", true),
        Ok(Some(Ending::NextRequest))
    );
    assert!(!e.finished(), "its response is not out yet");
    assert_eq!(sent(&mut e), ok(3) + "bye");
    assert!(e.finished(), "no request can follow");

    let mut e = exchange(b"GET / HT");
    e.peer_finished();
    assert_eq!(e.next_request(), None);
    assert!(e.finished());
}

#[test]
fn an_abort_sends_nothing_more_and_closes() {
    let mut e = exchange(GET);
    request(&mut e);
    e.respond(200, &[], b"part", false).unwrap();
    e.abort();
    assert_eq!(e.respond(200, &[], b"more", false), Err(Finished));
    assert_eq!(e.end(200, &[]), None);
    let text = sent(&mut e);
    assert!(text.ends_with("\r\n\r\n4\r\npart\r\n"), "{text}");
    assert!(e.finished());
}

#[test]
fn a_late_head_closes_quietly_or_gets_408() {
    let mut e = exchange(b"\r\n");
    assert_eq!(e.next_request(), None);
    assert_eq!(e.head_timed_out(), None);
    assert!(e.output().is_empty() && e.finished());

    let mut e = exchange(b"GET / HT");
    assert_eq!(e.next_request(), None);
    assert_eq!(
        e.head_timed_out(),
        Some(ClientError {
            status: 408,
            reason: "the request head did not arrive in time".to_owned(),
        })
    );
    assert!(sent(&mut e).starts_with("HTTP/1.1 408 Request Timeout\r\n"));
    assert!(e.finished());
}

#[test]
fn a_closing_server_ends_idle_connections_and_answers_the_others_last() {
    let mut e = exchange(b"");
    e.disable_keep_alive();
    e.close_if_idle();
    assert!(e.finished());

    let mut e = exchange(GET);
    request(&mut e);
    e.disable_keep_alive();
    e.close_if_idle();
    assert!(!e.finished());
    assert_eq!(e.end(200, &[]), Some(Ending::Close));
    assert!(sent(&mut e).ends_with("Connection: close\r\n\r\n"));

    // A head under way is still answered, as the last.
    let mut e = exchange(b"GET / HTTP/1.1\r\n");
    e.disable_keep_alive();
    e.close_if_idle();
    e.receive(b"Host: h\r\n\r\n");
    request(&mut e);
    assert_eq!(e.end(200, &[]), Some(Ending::Close));
}

#[test]
fn input_is_bounded() {
    let mut e = exchange(&[b'a'; MAX_HEAD_BYTES]);
    assert!(e.wants_input(), "a head may take the whole limit");
    e.receive(b"a");
    assert!(!e.wants_input());

    let mut e = exchange(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n");
    request(&mut e);
    e.receive(&[b'x'; INPUT_LIMIT - 1]);
    assert!(e.wants_input());
    e.receive(b"x");
    assert!(!e.wants_input(), "until the handler reads");
    e.read_body(1);
    assert!(e.wants_input());
}

#[test]
fn a_large_output_buffer_is_let_go_between_responses() {
    let big = vec![b'x'; 4 * KEEP];
    let mut e = exchange(GET);
    request(&mut e);
    e.respond(200, &[], &big, false).unwrap();
    e.written(e.output().len());
    assert!(
        e.output.capacity() > KEEP,
        "kept while the response goes on"
    );
    e.respond(200, &[], &big, true).unwrap();
    e.written(e.output().len() - 1);
    assert_eq!(e.output(), b"\n");
    e.written(1);
    assert_eq!(e.output.capacity(), 0);
}

#[test]
fn a_closed_exchange_drops_its_output_and_takes_nothing() {
    let mut e = exchange(GET);
    request(&mut e);
    e.respond(200, &[], b"unsent", true).unwrap();
    e.close();
    assert!(e.is_closed() && e.output().is_empty());
    assert!(!e.wants_input() && !e.finished());
    assert_eq!(e.next_request(), None);
    assert_eq!(e.end(200, &[]), None);
}

#[test]
fn an_upgraded_exchange_passes_bytes_through_until_it_is_aborted() {
    let mut exchange = exchange(b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\nearly frame");
    request(&mut exchange);
    assert!(exchange.upgraded().is_none());
    exchange
        .upgrade(b"HTTP/1.1 101 Switching Protocols\r\n\r\n")
        .unwrap();
    assert_eq!(exchange.upgrade(b"again"), Err(Finished));
    let (input, output, peer_finished) = exchange.upgraded().unwrap();
    assert_eq!(
        (input.as_slice(), peer_finished),
        (&b"early frame"[..], false)
    );
    input.clear();
    output.extend_from_slice(b"frame out");
    assert_eq!(
        sent(&mut exchange),
        "HTTP/1.1 101 Switching Protocols\r\n\r\nframe out"
    );
    assert!(exchange.wants_input() && exchange.next_request().is_none());
    assert_eq!(exchange.end(200, &[]), None);
    assert!(!exchange.finished());
    exchange.abort();
    assert!(exchange.upgraded().is_none() && exchange.finished());
}
