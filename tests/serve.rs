//! Nexus.Net.HTTP.serve against real clients: the fixture app (fixtures/serve/server.js) with
//! curl, Python's http.client and raw sockets for status, fields, bodies both ways (whole and
//! streamed), HEAD, failing handlers, bad input, keep-alive, graceful close and --realms; Hono's
//! hello app (vendored under fixtures/serve/hono) unchanged; the fetch_proxy example in front of
//! Python's http.server.

mod common;

use common::http::{
    Conn, assert_500, assert_dated, assert_hello, assert_still_serving, curl, exchange,
};
use common::{Server, example, fixture, free_port, http_get, run_command, tool};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn serve(args: &[&str]) -> (Server, u16) {
    let mut server = Server::start_fixture("serve/server.js", args);
    let port = server.listening_port();
    (server, port)
}

fn url(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}{path}")
}

/// A Python http.client script run with the port as its argument; its stdout.
fn python(port: u16, script: &str) -> String {
    let run = run_command(tool("python3").args(["-c", script]).arg(port.to_string()));
    assert_eq!(run.code, 0, "python: {}\n{}", run.stderr, run.stdout);
    run.stdout
}

#[test]
fn a_handler_response_goes_out_with_its_status_fields_and_length() {
    let (_server, port) = serve(&[]);
    let hello = exchange(
        port,
        "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    assert_hello(&hello);
    assert_eq!(hello.header("content-type"), Some("text/plain"));
    assert!(!hello.chunked);

    let created = curl(&[&url(port, "/created")]);
    assert_eq!(created.status, 201);
    let cookies: Vec<&str> = created
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
    assert_eq!(created.body, b"made\n");

    let text = curl(&[&url(port, "/text")]);
    assert_eq!(text.body, "héllo 😀\u{FFFD}".as_bytes());
    assert_eq!(text.header("content-length"), Some("14"));
    assert_eq!(
        text.header("content-type"),
        Some("text/plain;charset=UTF-8")
    );

    let json = curl(&[&url(port, "/json")]);
    assert_eq!(json.status, 200);
    assert_eq!(json.header("content-type"), Some("application/json"));
    assert_eq!(
        String::from_utf8_lossy(&json.body),
        r#"{"method":"GET","path":"/json"}"#
    );

    let missing = curl(&[&url(port, "/nowhere")]);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body, b"Not Found\n");
}

#[test]
fn the_request_has_an_absolute_url_fields_and_the_peer_address() {
    let (_server, port) = serve(&[]);
    let mut conn = Conn::open(port);
    let local = conn.local_port();
    conn.send(format!(
        "GET /request?x=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: tester/1\r\nX-Custom: a\r\nX-Custom: b\r\n\r\n"
    ));
    let response = conn.response();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text(),
        format!(
            r#"{{"method":"GET","url":"http://127.0.0.1:{port}/request?x=1","agent":"tester/1","custom":"a, b","hasBody":false,"remote":{{"address":"127.0.0.1","port":{local}}}}}"#
        )
    );
    // The realm keeps the strings it hands out again (names, the last Host and peer): each
    // request still sees its own, whatever came before.
    for (host, method, agent) in [
        ("a.example", "GET", "one"),
        ("b.example:8080", "DELETE", "two"),
        ("a.example", "GET", "three"),
    ] {
        conn.send(format!(
            "{method} /request HTTP/1.1\r\nhost: {host}\r\nuser-AGENT: {agent}\r\n\r\n"
        ));
        let text = conn.response().text();
        assert!(
            text.starts_with(&format!(
                r#"{{"method":"{method}","url":"http://{host}/request","agent":"{agent}","#
            )),
            "{text}"
        );
    }
    // Without a Host field (HTTP/1.0) the URL names the server's own address.
    conn.send("GET /request HTTP/1.0\r\n\r\n");
    let response = conn.response();
    assert!(
        response
            .text()
            .contains(&format!(r#""url":"http://127.0.0.1:{port}/request""#)),
        "{}",
        response.text()
    );
}

#[test]
fn bodies_stream_both_ways() {
    let (_server, port) = serve(&[]);
    // A chunked upload read whole, and one piped straight back as it arrives.
    let out = python(
        port,
        r#"
import http.client, sys
port = int(sys.argv[1])
pieces = [bytes([i % 251]) * 16384 for i in range(40)]
whole = b''.join(pieces)
for path in ['/echo', '/pipe']:
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    conn.request('POST', path, body=iter(pieces), encode_chunked=True)
    response = conn.getresponse()
    body = response.read()
    print(path, response.status, response.getheader('Transfer-Encoding'), response.getheader('X-Body-Length'),
          body == whole, len(body))
"#,
    );
    assert_eq!(
        out,
        "/echo 200 None 655360 True 655360\n/pipe 200 chunked None True 655360\n"
    );

    // A sized upload with curl.
    let posted = curl(&["--data-binary", "name=value&x=1", &url(port, "/echo")]);
    assert_eq!(posted.status, 200);
    assert_eq!(posted.header("x-body-length"), Some("14"));
    assert_eq!(posted.body, b"name=value&x=1");

    // A streamed response body is chunked on the wire, a chunk per piece.
    let mut conn = Conn::open(port);
    conn.send("GET /stream?n=4&size=3 HTTP/1.1\r\nHost: t\r\n\r\n");
    let response = conn.response();
    assert_eq!(response.status(), 200);
    assert!(response.chunked, "{:?}", response.headers);
    assert_eq!(response.text(), "aaabbbcccddd");
    assert_dated(&response);
    // The connection serves the next request.
    conn.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_hello(&conn.response());
}

#[test]
fn head_answers_have_the_length_and_no_body() {
    let (_server, port) = serve(&[]);
    let mut conn = Conn::open(port);
    conn.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    let head = conn.head_response();
    assert_eq!(head.status(), 200);
    assert_eq!(head.header("content-length"), Some("14"));
    assert!(head.body.is_empty());
    conn.send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(conn.head_response().status(), 200);
    // Nothing of either body arrives before the next answer.
    conn.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_hello(&conn.response());
    conn.expect_closed();
}

#[test]
fn a_failing_handler_gets_500_is_reported_and_the_server_goes_on() {
    let (mut server, port) = serve(&[]);
    let mut slow = Conn::open(port);
    slow.send("GET /slow?ms=1000 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    for (path, reported) in [
        ("/throw", "thrown on purpose"),
        ("/reject", "rejected on purpose"),
        ("/not-a-response", "Response"),
    ] {
        assert_500(port, path);
        server.wait_until(&format!("`{reported}` reported"), |_, err| {
            err.contains(reported)
        });
    }
    // A body stream that fails after its first piece: the connection is cut, not ended.
    let mut conn = Conn::open(port);
    conn.send("GET /broken-stream HTTP/1.1\r\nHost: t\r\n\r\n");
    while conn.fill() {}
    let received = String::from_utf8_lossy(&conn.buffer).into_owned();
    assert!(
        received.contains("partial") && !received.ends_with("0\r\n\r\n"),
        "{received:?}"
    );
    server.wait_until("the stream failure reported", |_, err| {
        err.contains("stream failed on purpose")
    });
    let response = slow.response();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "slow done after 1000 ms\n");
    assert_still_serving(port);
}

#[test]
fn on_error_answers_in_place_of_the_500() {
    let (mut server, port) = serve(&["0", "onError"]);
    let thrown = curl(&[&url(port, "/throw")]);
    assert_eq!(thrown.status, 503);
    assert_eq!(thrown.body, b"handled: thrown on purpose\n");
    server.wait_for_stdout("onError: thrown on purpose\n");
    assert!(!server.stderr().contains("Uncaught"), "{}", server.stderr());
}

#[test]
fn bad_input_gets_400_before_the_handler_and_the_server_goes_on() {
    let (mut server, port) = serve(&[]);
    for request in [
        "GET /hello NOT-HTTP\r\nHost: t\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: t\r\nno colon here\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        // Requests that name no URL: request.url would be one no URL parser takes.
        "GET /hello HTTP/1.1\r\nHost: a b\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: 1.2.3.999\r\n\r\n",
        "GET hello HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: t\r\n\r\n",
    ] {
        let response = exchange(port, request);
        assert_eq!(
            response.status_line, "HTTP/1.1 400 Bad Request",
            "{request:?}"
        );
    }
    server.wait_until("the bad requests logged", |_, err| {
        err.matches("HTTP 400").count() >= 7
    });
    for line in [
        "invalid Host header",
        "malformed request target",
        "only for OPTIONS",
    ] {
        assert!(
            server.stderr().contains(line),
            "{line}: {}",
            server.stderr()
        );
    }
    // Hosts the URL parser takes beyond names and IPv4 addresses still pass.
    for host in ["[::1]", "a_b.example.:8080"] {
        let response = exchange(
            port,
            &format!("GET /json HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(response.status_line, "HTTP/1.1 200 OK", "{host}");
    }
    // A body cut short: the client leaves before its end.
    let mut conn = Conn::open(port);
    conn.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    drop(conn);
    assert_still_serving(port);
    // The handlers failed with their request bodies' failures: the clients' doing, not the
    // program's, so nothing is reported and the exit is clean.
    common::send_signal(server.pid(), "TERM");
    server.wait_for_stdout("closed\n");
    let (status, _) = server.wait_exit();
    let stderr = server.stderr();
    assert!(status.success(), "{status}\n{stderr}");
    assert!(!stderr.contains("Uncaught"), "{stderr}");
}

#[test]
fn on_error_hears_of_a_malformed_request_body() {
    let (mut server, port) = serve(&["0", "onError"]);
    let response = exchange(
        port,
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    );
    assert_eq!(response.status_line, "HTTP/1.1 400 Bad Request");
    server.wait_for_stdout("onError: bad request body: invalid chunk size\n");
    assert_still_serving(port);
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let (_server, port) = serve(&[]);
    let out = python(
        port,
        r#"
import http.client, sys
conn = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=10)
ports = set()
# Heads alike in their number of fields and unlike in their values follow each other: each
# response keeps its own (the realm joins a head's text once while heads repeat).
types = {'/hello': 'text/plain', '/json': 'application/json', '/text': 'text/plain;charset=UTF-8'}
for i in range(60):
    path = ['/hello', '/json', '/text'][i % 3]
    conn.request('GET', path)
    response = conn.getresponse()
    response.read()
    ports.add(conn.sock.getsockname()[1])
    assert response.status == 200, response.status
    assert response.getheader('content-type') == types[path], (path, response.getheaders())
    assert (response.getheader('x-route') == 'hello') == (path == '/hello'), (path, response.getheaders())
print(len(ports))
"#,
    );
    assert_eq!(out, "1\n");
}

#[test]
fn byte_bodies_are_copies_and_a_sent_one_leaves_nothing_behind() {
    let (_server, port) = serve(&[]);
    let out = python(
        port,
        r#"
import http.client, json, sys
conn = http.client.HTTPConnection('127.0.0.1', int(sys.argv[1]), timeout=10)
for i in range(40):
    which = 'ab'[i % 2]
    conn.request('GET', '/bytes?which=' + which)
    body = conn.getresponse().read()
    assert body == which.encode() * 4000, (i, body[:20], len(body))
conn.request('GET', '/sent-bytes')
print(json.loads(conn.getresponse().read()))
"#,
    );
    assert_eq!(out, "{'used': True, 'body': ''}\n");
}

#[test]
fn close_lets_a_request_in_flight_finish_and_stops_accepting() {
    let (mut server, port) = serve(&[]);
    let mut conn = Conn::open(port);
    conn.send("GET /slow?ms=800 HTTP/1.1\r\nHost: t\r\n\r\n");
    std::thread::sleep(Duration::from_millis(200));
    let pid = server.pid();
    let started = Instant::now();
    common::send_signal(pid, "TERM");
    let response = conn.response();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "slow done after 800 ms\n");
    assert_eq!(response.header("connection"), Some("close"));
    conn.expect_closed();
    server.wait_for_stdout("closed\n");
    let (status, _) = server.wait_exit();
    assert!(status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn realms_share_the_socket_and_each_serves_some() {
    let port = free_port();
    let mut server = Server::start(&[
        "--realms",
        "2",
        fixture("serve/server.js").to_str().unwrap(),
        &port.to_string(),
    ]);
    server.wait_until("two realms listening", |out, _| {
        out.lines().filter(|l| l.contains("listening on")).count() == 2
    });
    let mut served: HashMap<String, usize> = HashMap::new();
    for _ in 0..200 {
        let response = http_get(port, "/realm");
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        let realm = response
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("x-realm: ")
                    .map(str::to_string)
            })
            .unwrap_or_else(|| panic!("an x-realm field in {response}"));
        *served.entry(realm).or_default() += 1;
    }
    assert_eq!(served.values().sum::<usize>(), 200);
    for realm in ["0", "1"] {
        assert!(served.get(realm).copied().unwrap_or(0) > 0, "{served:?}");
    }
}

#[test]
fn hono_serves_its_hello_app_unchanged() {
    let mut server = Server::start_fixture("serve/hono/app.js", &[]);
    let port = server.listening_port();
    let hello = curl(&[&url(port, "/")]);
    assert_eq!(hello.status, 200);
    assert!(
        hello
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain")),
        "{:?}",
        hello.headers
    );
    assert_eq!(hello.body, b"Hello Hono!");
    let user = curl(&[&url(port, "/users/ann?q=1")]);
    assert_eq!(user.status, 200);
    assert_eq!(user.body, br#"{"name":"ann","q":"1"}"#);
    let echoed = curl(&["--data-binary", "some text", &url(port, "/echo")]);
    assert_eq!(echoed.status, 201);
    assert_eq!(echoed.body, b"got some text");
    assert_eq!(curl(&[&url(port, "/missing")]).status, 404);
}

/// Python's http.server on a free port, serving `dir`; stopped on drop.
struct Upstream(std::process::Child, u16);

impl Upstream {
    fn start(dir: &std::path::Path) -> Upstream {
        let port = free_port();
        let child = tool("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 -m http.server starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "http.server did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        Upstream(child, port)
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn fetch_proxy_streams_a_100_mb_upstream_body_without_holding_it() {
    const SIZE: usize = 100 << 20;
    // A bound well under the body: the proxy holds a few chunks at a time, not the whole.
    const PEAK_RSS_KB: u64 = 80 << 10;
    let dir = std::env::temp_dir().join(format!("nexus-serve-proxy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let content: Vec<u8> = (0..SIZE as u32).map(|i| (i ^ (i >> 13)) as u8).collect();
    std::fs::write(dir.join("big.bin"), &content).unwrap();
    std::fs::write(dir.join("small.txt"), "small file\n").unwrap();
    let upstream = Upstream::start(&dir);

    let port = free_port();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_nexus"));
    command
        .arg(example("fetch_proxy.js"))
        .env("UPSTREAM", format!("http://127.0.0.1:{}", upstream.1))
        .env("PORT", port.to_string());
    for name in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        command.env_remove(name);
    }
    let mut proxy = Server::spawn(&mut command);
    proxy.wait_for_stdout("listening on");

    let small = curl(&[&url(port, "/small.txt")]);
    assert_eq!(small.status, 200);
    assert_eq!(small.body, b"small file\n");
    assert_eq!(curl(&[&url(port, "/missing")]).status, 404);

    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pid = proxy.pid();
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let rss = common::rss_kb(pid).unwrap_or(0);
                peak.fetch_max(rss, std::sync::atomic::Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let downloaded = dir.join("downloaded.bin");
    let out = tool("curl")
        .args(["-sS", "--noproxy", "*", "--max-time", "60", "-o"])
        .arg(&downloaded)
        .arg(url(port, "/big.bin"))
        .output()
        .unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    sampler.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = std::fs::read(&downloaded).unwrap();
    assert_eq!(got.len(), SIZE);
    assert!(
        Sha256::digest(&got) == Sha256::digest(&content),
        "the body differs"
    );
    let peak = peak.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        peak < PEAK_RSS_KB,
        "peak RSS {peak} kB while proxying {SIZE} bytes (bound {PEAK_RSS_KB} kB)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
