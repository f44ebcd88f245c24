//! The fetch global against real local servers: fixtures/fetch/server.py (Python's threaded
//! http.server, plain or TLS with a certificate this test makes) and proxy.py, driven by the
//! fixture programs beside them.

mod common;

use common::{Server, fixture, free_port, run_command, self_signed_certificate, tool};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// fixtures/fetch/`script` under python3, with its port once it listens.
fn python(script: &str, args: &[&Path]) -> (Server, u16) {
    let mut command = tool("python3");
    command.arg(fixture(&format!("fetch/{script}"))).args(args);
    let mut server = Server::spawn(&mut command);
    let port = server.listening_port();
    (server, port)
}

fn nexus_command(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nexus"));
    command
        .arg(fixture(&format!("fetch/{program}")))
        .args(args)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy");
    command
}

const BASIC: &str = "\
hello 200 OK text/plain true hello
post POST abc length text/plain;charset=UTF-8 1 */* gzip, deflate, br true
stream PUT stream chunked
follow 200 true /redirect/0 arrived
too many TypeError fetch failed more than 20 redirects
manual 302 /redirect/0
error TypeError fetch failed
303 GET \"\" no type
307 POST x
cross-origin no authorization yes
gzip gzip 16000 compressed b
deflate deflate 16000 compressed b
br br 12000 brotli body 
chunked one two three
head 200 5 null \"\"
data text/plain hello
data text/plain;charset=US-ASCII a b
";

#[test]
fn fetch_against_a_local_server() {
    let (_server, port) = python("server.py", &[]);
    let refused = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let other = format!("http://localhost:{port}");
    let run = run_command(&mut nexus_command(
        "basic.mjs",
        &[&base, &other, &refused.to_string()],
    ));
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{}", run.stdout);
    let (expected, rest) = run.stdout.split_at(BASIC.len().min(run.stdout.len()));
    assert_eq!(expected, BASIC);
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(
        lines[0], "refused TypeError fetch failed ECONNREFUSED 127.0.0.1 true",
        "{rest}"
    );
    assert!(
        lines[1].starts_with("dns TypeError fetch failed ENOTFOUND no-such-host.invalid"),
        "{rest}"
    );
    assert_eq!(lines[2], "reset TypeError terminated", "{rest}");
    assert_eq!(
        lines[3], "badchunk TypeError terminated chunked body: invalid chunk size",
        "{rest}"
    );
    assert_eq!(
        &lines[4..],
        [
            "abort AbortError",
            "timeout TimeoutError",
            "first piece 12345",
            "body aborted stop reading",
        ],
        "{rest}"
    );
}

#[test]
fn a_thousand_concurrent_then_twenty_thousand_kept_alive() {
    let (_server, port) = python("server.py", &[]);
    let base = format!("http://127.0.0.1:{port}");
    let mut client = Server::spawn(&mut nexus_command("many.mjs", &[&base, "20000"]));
    client.wait_for_stdout("concurrent 1000 true");
    // After the burst, sequential fetches reuse one pooled connection: the count stays flat.
    client.wait_for_stdout("sequential 1000");
    let start = client.open_fds();
    let mut most = start;
    for i in 2..=20 {
        client.wait_for_stdout(&format!("sequential {}", i * 1000));
        if i < 20 {
            most = most.max(client.open_fds());
        }
    }
    assert!(
        most <= start + 4,
        "open descriptors grew from {start} to {most} over 20,000 sequential fetches"
    );
    assert_eq!(client.wait_exit().0.code(), Some(0), "{}", client.stderr());
}

/// How many sockets `client` has open.
fn sockets(client: &Server) -> usize {
    std::fs::read_dir(format!("/proc/{}/fd", client.pid()))
        .expect("nexus is running")
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter(|link| link.to_string_lossy().starts_with("socket:"))
        .count()
}

/// The sockets of `client` once they are `at_most`, or after `within` as they are. A closed
/// connection's socket goes with its last reference, which a worker thread may hold until it
/// next runs or lets go (up to a second later).
fn sockets_fall_to(client: &Server, at_most: usize, within: Duration) -> usize {
    let deadline = Instant::now() + within;
    loop {
        let open = sockets(client);
        if open <= at_most || Instant::now() > deadline {
            return open;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn idle_pooled_connections_and_dropped_bodies_are_closed() {
    let (_server, port) = python("server.py", &[]);
    let base = format!("http://127.0.0.1:{port}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_nexus"));
    command
        .arg("--expose-gc")
        .arg(fixture("fetch/idle.mjs"))
        .arg(&base);
    let mut client = Server::spawn(&mut command);
    client.wait_for_stdout("ready");
    let before = sockets(&client);
    client.wait_for_stdout("pooled");
    let pooled = sockets(&client);
    assert!(
        pooled > before,
        "no pooled connection: {before} sockets, then {pooled}"
    );
    client.wait_for_stdout("swept");
    let swept = sockets_fall_to(&client, before, Duration::from_millis(2500));
    assert_eq!(
        swept, before,
        "idle pooled connections stay open: {before} sockets, {pooled} pooled, then {swept}"
    );
    client.wait_for_stdout("unread true");
    let unread = sockets(&client);
    assert!(
        unread >= before + 8,
        "8 bodies unread: {before} sockets, then {unread}"
    );
    client.wait_for_stdout("collected");
    // The collector scans stacks conservatively: one stale pointer may keep a stream.
    let collected = sockets_fall_to(&client, before, Duration::from_millis(2500));
    assert!(
        collected <= before + 2,
        "dropped bodies keep their connections: {before} sockets, {unread} unread, then {collected}"
    );
    assert_eq!(client.wait_exit().0.code(), Some(0), "{}", client.stderr());
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nexus-fetch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn https_with_nexus_ca_certs_and_through_a_proxy() {
    let dir = scratch("tls");
    let (cert, key) = self_signed_certificate(&dir);
    let (_tls, tls_port) = python("server.py", &[Path::new("--tls"), &cert, &key]);
    let (_plain, plain_port) = python("server.py", &[]);
    let (proxy, proxy_port) = python("proxy.py", &[]);
    let secure = format!("https://127.0.0.1:{tls_port}/hello");
    let plain = format!("http://127.0.0.1:{plain_port}/hello");

    let untrusted = run_command(&mut nexus_command("tls.mjs", &[&secure]));
    assert_eq!(
        untrusted.stdout.split(' ').next_back().map(str::trim),
        Some("UNABLE_TO_GET_ISSUER_CERT_LOCALLY"),
        "{}",
        untrusted.stdout
    );
    let trusted = run_command(nexus_command("tls.mjs", &[&secure]).env("NEXUS_CA_CERTS", &cert));
    assert_eq!(trusted.stdout, "200 direct hello\n", "{}", trusted.stderr);

    let proxy_url = format!("http://127.0.0.1:{proxy_port}");
    let proxied = run_command(nexus_command("tls.mjs", &[&plain]).env("HTTP_PROXY", &proxy_url));
    assert_eq!(proxied.stdout, "200 1 hello\n", "{}", proxied.stderr);
    let excluded = run_command(
        nexus_command("tls.mjs", &[&plain])
            .env("HTTP_PROXY", &proxy_url)
            .env("NO_PROXY", "example.com,127.0.0.1"),
    );
    assert_eq!(excluded.stdout, "200 direct hello\n", "{}", excluded.stderr);
    let tunneled = run_command(
        nexus_command("tls.mjs", &[&secure])
            .env("HTTPS_PROXY", &proxy_url)
            .env("NEXUS_CA_CERTS", &cert),
    );
    assert_eq!(tunneled.stdout, "200 direct hello\n", "{}", tunneled.stderr);
    let log = proxy.stdout();
    assert!(log.contains(&format!("GET {plain}")), "{log}");
    assert!(
        log.contains(&format!("CONNECT 127.0.0.1:{tls_port}")),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
