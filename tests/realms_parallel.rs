//! Realms run JS in parallel: measured with the shared cpu_server example. A file of its own, so
//! no other test of the suite shares the cores while it measures.

mod common;

use common::{Server, free_port, http_get, shared_example};
use std::time::{Duration, Instant};

/// Two slow requests at once: wall time with `realms` realms.
fn two_at_once(realms: &str) -> Duration {
    let port = free_port();
    let mut server = Server::start(&[
        "--realms",
        realms,
        &shared_example("cpu_server.js"),
        &port.to_string(),
    ]);
    server.wait_until("every realm ready", |out, _| {
        out.matches("cpu server ready").count() == realms.parse::<usize>().unwrap()
    });
    // A request of roughly 100 ms. Every realm's JIT is warmed up first, so both runs compare
    // compiled code; the best of three pairs stands, as other tests share the cores.
    let path = format!("/?text={}", "QR-TEST-".repeat(8));
    for _ in 0..6 {
        http_get(port, &path);
    }
    let elapsed = (0..3)
        .map(|_| {
            let started = Instant::now();
            let pair: Vec<_> = (0..2)
                .map(|_| {
                    let path = path.clone();
                    std::thread::spawn(move || http_get(port, &path))
                })
                .collect();
            for request in pair {
                assert!(request.join().unwrap().starts_with("HTTP/1.1 200 OK"));
            }
            started.elapsed()
        })
        .min()
        .unwrap();
    drop(server);
    elapsed
}

#[test]
fn two_realms_serve_two_slow_requests_in_about_the_time_of_one() {
    let (one, two) = (two_at_once("1"), two_at_once("2"));
    println!("two slow requests at once: --realms 1 {one:?}, --realms 2 {two:?}");
    assert!(
        two.as_secs_f64() < one.as_secs_f64() * 0.75,
        "--realms 2 took {two:?}, --realms 1 {one:?}: no parallelism"
    );
}
