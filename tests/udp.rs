//! Nexus.Net.UDP: the udp_echo example against Python's socket client over IPv4 and IPv6, a
//! connected socket used as a device to send a file and hearing only its peer, broadcast and
//! multicast on the loopback interface, failures that name their address, what keeps a program
//! running, and realms that share one socket by binding the same port.

mod common;

use common::{Server, example, fixture, nexus_fixture, run_command, tool};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};

/// Starts udp_echo.js on a free port of `address`; the server and its port.
fn echo_server(address: &str) -> (Server, u16) {
    let mut server = Server::start(&[&example("udp_echo.js"), "0", address]);
    let stdout = server.wait_for_stdout(" port ");
    let port = stdout
        .lines()
        .find_map(|l| l.strip_prefix(&format!("echoing UDP on {address} port ")))
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no port in {stdout}"));
    (server, port)
}

/// Runs echo_client.py with `count` datagrams against udp_echo.js on `address`, and checks that
/// every one came back intact and the server reported nothing.
fn assert_echoes(address: &str, count: usize) {
    let (server, port) = echo_server(address);
    let client = run_command(
        tool("python3")
            .arg(common::fixture("udp/echo_client.py"))
            .args([address, &port.to_string(), &count.to_string()]),
    );
    assert_eq!(client.code, 0, "{}{}", client.stdout, client.stderr);
    let intact = format!("{count} datagrams echoed intact, 1 to 65507 bytes");
    assert!(client.stdout.starts_with(&intact), "{}", client.stdout);
    assert_eq!(server.stderr(), "");
}

#[test]
fn echo_example_returns_ten_thousand_datagrams_of_every_size_intact() {
    assert_echoes("127.0.0.1", 10_000);
}

#[test]
fn echo_example_serves_the_ipv6_loopback() {
    if let Err(e) = std::net::UdpSocket::bind("[::1]:0") {
        panic!("this test needs the IPv6 loopback, and binding [::1]:0 failed: {e}");
    }
    assert_echoes("::1", 1_000);
}

/// What `child` wrote to its piped stderr, to its end.
fn stderr_of(child: &mut Child) -> String {
    let mut text = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        stderr.read_to_string(&mut text).unwrap();
    }
    text
}

#[test]
fn a_connected_socket_as_a_device_sends_a_file_that_arrives_byte_exact() {
    let dir = std::env::temp_dir().join(format!("nexus-udp-device-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Two file chunks and a part, none a multiple of the datagram size; bytes from a xorshift.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let bytes: Vec<u8> = (0..2 * 1024 * 1024 + 12_345)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let (file, out) = (dir.join("sent.bin"), dir.join("received.bin"));
    std::fs::write(&file, &bytes).unwrap();

    let mut receiver = tool("python3")
        .arg(common::fixture("udp/receive_file.py"))
        .arg(bytes.len().to_string())
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(receiver.stdout.take().unwrap()).lines();
    let Some(Ok(port)) = lines.next() else {
        panic!(
            "receive_file.py did not start: {}",
            stderr_of(&mut receiver)
        );
    };

    let run = nexus_fixture("udp/send_file.js", &[file.to_str().unwrap(), &port]);
    run.assert_clean("sent to 127.0.0.1 port given\n");
    let summary = lines.next().and_then(Result::ok).unwrap_or_default();
    let why = stderr_of(&mut receiver);
    assert!(receiver.wait().unwrap().success(), "{why}");
    assert!(summary.ends_with("the largest 65507 bytes"), "{summary}");
    assert!(
        std::fs::read(&out).unwrap() == bytes,
        "the file came back altered"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broadcast_and_multicast_reach_sockets_bound_to_every_interface() {
    let run = nexus_fixture("udp/broadcast_multicast.js", &[]);
    run.assert_clean(
        "without setBroadcast: EACCES, names the address: true\n\
         broadcast: 'to all' from 127.0.0.1 (IPv4)\n\
         multicast: 'to the group' from 127.0.0.1 (IPv4)\n\
         after dropMembership: 'directly' from 127.0.0.1 (IPv4)\n",
    );
}

#[test]
fn failures_name_the_address_host_or_socket() {
    let busy = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let run = nexus_fixture("udp/errors.js", &[&port.to_string()]);
    let expected = format!(
        "bind: EADDRINUSE | EADDRINUSE: address already in use, bind 127.0.0.1:{port}\n\
         unresolvable: ENOTFOUND | ENOTFOUND: cannot resolve the address 'no-such-host.invalid', \
         send no-such-host.invalid:9\n\
         ipv6 from udp4: EAFNOSUPPORT | EAFNOSUPPORT: address family not supported by protocol, \
         send [::1]:9\n\
         too large: EMSGSIZE | EMSGSIZE: message too long, send 127.0.0.1:9\n\
         not connected: undefined | send: give an address and port, or connect(address, port) \
         first\n\
         device not connected: undefined | write: connect(address, port) first; a UDP device \
         writes to its peer\n\
         bad port: undefined | port must be an integer from 0 to 65535, got 70000\n\
         option before bind: setBroadcast: bind(address, port) first\n"
    );
    assert!(
        run.stdout.starts_with(&expected),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let rest: Vec<&str> = run.stdout[expected.len()..].lines().collect();
    assert_eq!(rest.len(), 2, "{}", run.stdout);
    assert!(
        rest[0].starts_with("after close: send: the UDP socket on 0.0.0.0:")
            && rest[0].ends_with(" is closed"),
        "{}",
        rest[0]
    );
    assert_eq!(
        rest[1],
        "type: UDP.Socket: type must be 'udp4' or 'udp6', got 'udp5'"
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    drop(busy);
}

#[test]
fn a_socket_keeps_the_program_running_only_while_it_has_handlers_and_until_closed() {
    let run = nexus_fixture("udp/lifecycle.js", &[]);
    run.assert_clean(
        "message: first is an ArrayBuffer: true, IPv4\n\
         data: first from port of the client\n\
         message: second is an ArrayBuffer: true, IPv4\n\
         data: second from port of the client\n\
         stream read: one two three\n\
         server closed\n",
    );
}

#[test]
fn a_connected_socket_sends_to_its_peer_and_hears_only_it() {
    let run = nexus_fixture("udp/connected.js", &[]);
    run.assert_clean(
        "connected to 127.0.0.1 (IPv4), the peer's port: true\n\
         the peer got 'hello' from the socket's port: true\n\
         heard: from the peer\n",
    );
}

/// A UDP port free now on the IPv4 loopback (a free TCP port may be a busy UDP one).
fn free_udp_port() -> String {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port().to_string()
}

/// Starts `script` (and `args`) under `--realms 2`, once both realms printed `ready`.
fn two_realms(script: &str, args: &[&str], ready: &str) -> Server {
    let mut server = Server::start(&[&["--realms", "2", script], args].concat());
    server.wait_until("both realms bound", |out, _| {
        out.matches(ready).count() == 2
    });
    server
}

/// realms_client.py against the server on `port`: `count` datagrams from four sockets.
fn realms_client(port: &str, count: &str, tagged: bool) -> common::Run {
    let mut client = tool("python3");
    client
        .arg(fixture("udp/realms_client.py"))
        .args(["127.0.0.1", port, count, "4"]);
    if tagged {
        client.arg("tagged");
    }
    run_command(&mut client)
}

#[test]
fn realms_binding_one_port_share_its_socket_and_echo_every_datagram() {
    let port = free_udp_port();
    let server = two_realms(&example("udp_echo.js"), &[&port, "127.0.0.1"], " port ");
    let client = realms_client(&port, "2000", false);
    assert_eq!(
        (client.code, client.stdout.as_str()),
        (
            0,
            "2000 datagrams from 4 sockets echoed intact; realms that served: untagged\n"
        ),
        "{}",
        client.stderr
    );
    assert_eq!(server.stderr(), "");
}

#[test]
fn each_realm_serves_some_until_it_closes_and_the_last_to_close_ends_the_program() {
    let port = free_udp_port();
    let script = fixture("udp/realm_echo.js");
    let mut server = two_realms(script.to_str().unwrap(), &[&port], "echoing on port");
    let client = realms_client(&port, "2000", true);
    assert_eq!(client.code, 0, "{}{}", client.stdout, client.stderr);
    let lines: Vec<&str> = client.stdout.lines().collect();
    let refusal = format!(
        "connect: EINVAL | EINVAL: the UDP socket on 127.0.0.1:{port} is shared by 2 realms, so \
         it cannot connect (a connected socket is one realm's: bind one to port 0), connect \
         127.0.0.1:"
    );
    assert_eq!(lines.len(), 4, "{}", client.stdout);
    assert_eq!(
        lines[0],
        "2000 datagrams from 4 sockets echoed intact; realms that served: 0, 1"
    );
    assert!(lines[1].starts_with(&refusal), "{}", lines[1]);
    assert_eq!(
        lines[2..],
        [
            "a realm closed; the others echoed 200 more intact",
            "every realm closed"
        ]
    );
    let (status, _) = server.wait_exit();
    assert!(status.success(), "{status}: {}", server.stderr());
    let out = server.stdout();
    assert_eq!(
        out.matches(": a second bind in this realm: EADDRINUSE")
            .count(),
        2,
        "{out}"
    );
}

#[test]
fn a_failing_message_handler_is_reported_and_the_socket_keeps_receiving() {
    let run = nexus_fixture("udp/failing.js", &[]);
    assert_eq!(
        run.stdout,
        "unheard: handler a,job a,handler b,job b,handler last,job last\n\
         heard: handler a,job a,handler b,job b,handler last,job last; \
         rejected by a handler (heard), thrown by a handler (heard)\n",
        "{}",
        run.stderr
    );
    // Unheard failures are reported once each, and make the exit code 1.
    for failure in [
        "thrown by a handler (unheard)",
        "rejected by a handler (unheard)",
    ] {
        assert_eq!(run.stderr.matches(failure).count(), 1, "{}", run.stderr);
    }
    assert!(!run.stderr.contains("(heard)"), "{}", run.stderr);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn a_port_can_be_bound_again_once_close_resolves() {
    nexus_fixture("udp/rebind.js", &[]).assert_clean("bound 51 times to one port\n");
}
