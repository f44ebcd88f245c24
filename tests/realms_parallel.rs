//! Realms run JS in parallel: measured with the cpu_server example. A file of its own, so
//! no other test of the suite shares the cores while it measures.
//!
//! Wall time alone would make this test depend on a free second core. What realms change is
//! when two concurrent slow requests finish: one after the other in a single realm (a request's
//! time apart), together in two realms (whether they get a core each or share one).

mod common;

use common::{Server, example, free_port, http_get};
use std::time::{Duration, Instant};

struct Pair {
    /// One request alone.
    single: Duration,
    /// Two at once: from their start until both answered.
    both: Duration,
    /// Two at once: between the first and the second answer.
    apart: Duration,
}

fn two_at_once(realms: &str) -> Pair {
    let port = free_port();
    let mut server = Server::start(&[
        "--realms",
        realms,
        &example("cpu_server.js"),
        &port.to_string(),
    ]);
    server.wait_until("every realm ready", |out, _| {
        out.matches("cpu server ready").count() == realms.parse::<usize>().unwrap()
    });
    // A request of roughly 100 ms. Every realm's JIT is warmed up first, so both runs compare
    // compiled code; the best of several stands.
    let path = format!("/?text={}", "QR-TEST-".repeat(8));
    for _ in 0..6 {
        http_get(port, &path);
    }
    let single = (0..3)
        .map(|_| {
            let started = Instant::now();
            http_get(port, &path);
            started.elapsed()
        })
        .min()
        .unwrap();
    let pairs: Vec<(Duration, Duration)> = (0..5)
        .map(|_| {
            let started = Instant::now();
            let pair: Vec<_> = (0..2)
                .map(|_| {
                    let path = path.clone();
                    std::thread::spawn(move || {
                        let response = http_get(port, &path);
                        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
                        Instant::now()
                    })
                })
                .collect();
            let done: Vec<Instant> = pair.into_iter().map(|t| t.join().unwrap()).collect();
            let (first, last) = (done[0].min(done[1]), done[0].max(done[1]));
            (last - started, last - first)
        })
        .collect();
    drop(server);
    let (both, apart) = pairs.into_iter().min_by_key(|&(_, apart)| apart).unwrap();
    Pair {
        single,
        both,
        apart,
    }
}

#[test]
fn two_realms_serve_two_slow_requests_at_once_one_realm_in_turn() {
    let (one, two) = (two_at_once("1"), two_at_once("2"));
    for (realms, pair) in [(1, &one), (2, &two)] {
        println!(
            "--realms {realms}: one request {:?}; two at once {:?}, answers {:?} apart",
            pair.single, pair.both, pair.apart
        );
    }
    assert!(
        one.apart.as_secs_f64() > one.single.as_secs_f64() * 0.6,
        "one realm answered two slow requests {:?} apart (one takes {:?}): not in turn?",
        one.apart,
        one.single
    );
    // Against the pair's own time, not the single request's: when the two realms share one
    // core with other work, both answers come late, but still close together, where one realm
    // answers the second a whole request (half the pair's time) after the first.
    assert!(
        two.apart.as_secs_f64() < two.both.as_secs_f64() * 0.35,
        "two realms answered two slow requests {:?} apart (both took {:?}): not at once",
        two.apart,
        two.both
    );
}
