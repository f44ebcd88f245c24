//! The WebSocket load client of bench/websocket.sh, the same for every server: CLIENTS sockets,
//! each keeping DEPTH messages of SIZE bytes in flight and sending the next as each echo
//! arrives, for SECONDS after a one-second warm-up. Prints `messages N seconds S` (echoes counted
//! after the warm-up) and fails on a wrong echo.
//!
//! Why this and not a runtime's client: on a 2-core machine the client's CPU is taken from the
//! server's, so the client must cost least per message. This is std only (built by the script
//! with rustc, nothing to fetch): one blocking thread per socket, one write and one read call
//! per echo, no compression offered (so every server echoes the same bytes), and the all-zero
//! mask, which is valid (RFC 6455 section 5.3) and makes masking free.
//!
//! Usage: load PORT CLIENTS SECONDS [SIZE [DEPTH]]   (SIZE 32, DEPTH 4)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x82];
    match payload.len() {
        n @ 0..=125 => out.push(0x80 | n as u8),
        n @ 126..=0xFFFF => {
            out.push(0x80 | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(0x80 | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(payload);
    out
}

/// One socket's life: handshake, then echo until `stop`, counting into `count` while `counting`.
fn run(port: u16, size: usize, depth: usize, stop: &AtomicBool, counting: &AtomicBool, count: &AtomicU64) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_nodelay(true).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    let mut input = Vec::with_capacity(64 * 1024);
    let mut buffer = vec![0; 64 * 1024];
    let head_end = loop {
        let n = stream.read(&mut buffer).expect("read the answer");
        assert!(n > 0, "the server closed during the handshake");
        input.extend_from_slice(&buffer[..n]);
        if let Some(at) = input.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    assert!(input.starts_with(b"HTTP/1.1 101"), "{}", String::from_utf8_lossy(&input));
    input.drain(..head_end);
    let payload: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let message = frame(&payload);
    let mut burst = Vec::new();
    for _ in 0..depth {
        burst.extend_from_slice(&message);
    }
    stream.write_all(&burst).unwrap();
    let header = if size <= 125 { 2 } else if size <= 0xFFFF { 4 } else { 10 };
    while !stop.load(Ordering::Relaxed) {
        let n = stream.read(&mut buffer).expect("read");
        assert!(n > 0, "the server closed the socket");
        input.extend_from_slice(&buffer[..n]);
        let mut echoes = 0;
        let mut at = 0;
        while input.len() - at >= header + size {
            assert_eq!(input[at] & 0x0F, 0x2, "an echo that is not a binary frame");
            assert_eq!(&input[at + header..at + header + size], &payload[..], "a wrong echo");
            at += header + size;
            echoes += 1;
        }
        input.drain(..at);
        if echoes > 0 {
            if counting.load(Ordering::Relaxed) {
                count.fetch_add(echoes, Ordering::Relaxed);
            }
            burst.clear();
            for _ in 0..echoes {
                burst.extend_from_slice(&message);
            }
            stream.write_all(&burst).unwrap();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize, default: u64| args.get(i).map_or(default, |a| a.parse().expect("a number"));
    let port = number(1, 0) as u16;
    let clients = number(2, 100) as usize;
    let seconds = number(3, 10);
    let size = number(4, 32) as usize;
    let depth = number(5, 4) as usize;
    let stop = Arc::new(AtomicBool::new(false));
    let counting = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (stop, counting, count) = (stop.clone(), counting.clone(), count.clone());
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || run(port, size, depth, &stop, &counting, &count))
                .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    counting.store(true, Ordering::SeqCst);
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(seconds));
    counting.store(false, Ordering::SeqCst);
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    let messages = count.load(Ordering::SeqCst);
    println!("messages {messages} seconds {elapsed:.2}");
    // The threads block in reads the servers keep answering; the process ends them.
    drop(threads);
    std::process::exit(0);
}
