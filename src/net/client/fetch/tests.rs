//! The client against a small threaded server: keep-alive reuse, chunked and close-delimited
//! bodies, a stale pooled connection retried, a refused port.

use super::*;
use crate::scheduler::Scheduler;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Serves each connection on a thread: answers every request by its path, counts connections.
fn server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            count.fetch_add(1, Ordering::SeqCst);
            let stream = stream.unwrap();
            stream.set_nodelay(true).unwrap();
            std::thread::spawn(move || serve(stream));
        }
    });
    (port, accepted)
}

fn serve(mut stream: TcpStream) {
    let mut buffer = Vec::new();
    loop {
        let mut piece = [0u8; 4096];
        let end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            match stream.read(&mut piece) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&piece[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_string();
        buffer.drain(..end);
        let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let answer: &[u8] = match path.as_str() {
            "/chunked" => b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n",
            "/close" => b"HTTP/1.1 200 OK\r\n\r\nuntil the end",
            "/once" => b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nonce",
            "/split" => {
                // The body in a packet of its own, as Python's http.server sends it.
                let head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
                if stream.write_all(head).is_err() {
                    return;
                }
                b"split"
            }
            _ => b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        };
        if stream.write_all(answer).is_err() || path == "/close" || path == "/once" {
            return;
        }
    }
}

fn wait<T>(rx: &mpsc::Receiver<T>) -> T {
    rx.recv_timeout(Duration::from_secs(5)).unwrap()
}

fn get(scheduler: &Scheduler, url: &str) -> Result<(u16, Vec<u8>), FetchError> {
    let url = Url::parse(url).unwrap();
    let fetch = Arc::new(Fetch::new(scheduler, "GET", &url, &[], RequestBody::Empty)?);
    let (tx, rx) = mpsc::channel();
    let sent = tx.clone();
    fetch.open(Box::new(move |r| sent.send(r.map(|()| None)).unwrap()));
    wait(&rx)?;
    let sent = tx.clone();
    fetch.head(Box::new(move |r| sent.send(r.map(Some)).unwrap()));
    let status = wait(&rx)?.unwrap().status;
    let (tx, rx) = mpsc::channel();
    let mut body = Vec::new();
    loop {
        let sent = tx.clone();
        fetch.read(Box::new(move |r| sent.send(r).unwrap()));
        match wait(&rx)? {
            Some(piece) => body.extend(piece),
            None => return Ok((status, body)),
        }
    }
}

#[test]
fn keep_alive_reuses_one_connection() {
    let scheduler = Scheduler::start(2).unwrap();
    let (port, accepted) = server();
    for _ in 0..50 {
        let (status, body) = get(&scheduler, &format!("http://127.0.0.1:{port}/")).unwrap();
        assert_eq!((status, body.as_slice()), (200, &b"hello"[..]));
    }
    for _ in 0..20 {
        let (_, body) = get(&scheduler, &format!("http://127.0.0.1:{port}/split")).unwrap();
        assert_eq!(body, b"split");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    let (_, body) = get(&scheduler, &format!("http://127.0.0.1:{port}/chunked")).unwrap();
    assert_eq!(body, b"abcdef");
    let (_, body) = get(&scheduler, &format!("http://localhost:{port}/close")).unwrap();
    assert_eq!(body, b"until the end");
}

#[test]
fn a_stale_pooled_connection_is_retried() {
    let scheduler = Scheduler::start(2).unwrap();
    let (port, accepted) = server();
    // The server closes after "/once" without saying so: the pooled socket is stale.
    let (_, body) = get(&scheduler, &format!("http://127.0.0.1:{port}/once")).unwrap();
    assert_eq!(body, b"once");
    std::thread::sleep(Duration::from_millis(50));
    let (_, body) = get(&scheduler, &format!("http://127.0.0.1:{port}/")).unwrap();
    assert_eq!(body, b"hello");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

#[test]
fn a_refused_port_names_the_address() {
    let scheduler = Scheduler::start(2).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = get(&scheduler, &format!("http://127.0.0.1:{port}/")).unwrap_err();
    assert_eq!(error.code, "ECONNREFUSED");
    assert_eq!(error.address.map(|a| a.port()), Some(port));
    let error = get(&scheduler, "http://no-such-host.invalid/").unwrap_err();
    assert_eq!(error.code, "ENOTFOUND");
}
