//! Nexus.Net.TCP: the tcp_hello example served to Python clients, and fixtures that bind
//! port 0, echo through streams, use the IPv6 loopback, read replies whose end came with them,
//! and report refused and busy ports.

mod common;

use common::{Server, example, free_port, nexus_fixture, run_command, tool};

#[test]
fn tcp_hello_example_greets_numbers_and_logs_clients() {
    let port = free_port();
    let mut server = Server::start(&[&example("tcp_hello.js"), &port.to_string()]);
    // `server ready` comes after listen(): no probe connection may take number #0.
    server.wait_for_stdout("server ready\n");
    let client = run_command(
        tool("python3")
            .arg(common::fixture("net/tcp_hello_client.py"))
            .arg(port.to_string()),
    );
    assert_eq!(client.code, 0, "{}", client.stderr);
    let lines: Vec<&str> = client.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", client.stdout);
    let mut ports = Vec::new();
    for line in &lines[..2] {
        let (local, greeting) = line.split_once(' ').unwrap();
        assert_eq!(greeting, r"b'Hello World!\n'", "{}", client.stdout);
        ports.push(local.parse::<u16>().unwrap());
    }
    assert_eq!(lines[2], "after greeting: nothing");

    let expected = [
        format!("connection #0 from 127.0.0.1:{}", ports[0]),
        "sending greeting to #0!".to_string(),
        format!("connection #1 from 127.0.0.1:{}", ports[1]),
        "sending greeting to #1!".to_string(),
        "got message: first message".to_string(),
        "got message: second message".to_string(),
    ];
    let stdout = server.wait_until("both messages logged", |out, _| {
        expected.iter().all(|line| out.lines().any(|l| l == line))
    });
    let position = |line: &str| stdout.lines().position(|l| l == line).unwrap();
    assert_eq!(stdout.lines().next(), Some("server ready"));
    assert!(position(&expected[0]) < position(&expected[2]), "{stdout}");
    assert!(position(&expected[0]) < position(&expected[1]), "{stdout}");
    assert!(position(&expected[2]) < position(&expected[3]), "{stdout}");
    assert!(!stdout.contains("connection #2"), "{stdout}");
    assert_eq!(server.stderr(), "");
}

#[test]
fn port_zero_echo_server_and_client_in_one_program_exit_by_themselves() {
    let run = nexus_fixture("net/echo.js", &[]);
    run.assert_clean(
        "acceptor on 127.0.0.1, port chosen\n\
         server: connection from 127.0.0.1, port given\n\
         client: 1048576 bytes came back intact\n\
         server: client closed after 1048576 bytes\n\
         after close: ECONNREFUSED\n",
    );
}

#[test]
fn ipv6_loopback_binds_accepts_and_connects() {
    if let Err(e) = std::net::TcpListener::bind("[::1]:0") {
        panic!("this test needs the IPv6 loopback, and binding [::1]:0 failed: {e}");
    }
    let run = nexus_fixture("net/ipv6.js", &[]);
    run.assert_clean("bound ::1\npeer ::1\nclient got: reply to hello over IPv6\n");
}

#[test]
fn a_reply_and_its_end_reported_together_are_both_read() {
    let run = nexus_fixture("net/reply_and_close.js", &[]);
    run.assert_clean("100 replies read to their end\n");
}

#[test]
fn refused_or_unresolved_connection_rejects_naming_the_address() {
    let port = free_port(); // bound and released: nothing listens there
    let run = nexus_fixture("net/refused.js", &[&port.to_string()]);
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("true ECONNREFUSED"), "{}", run.stderr);
    let message = lines.next().unwrap_or_default();
    assert!(
        message.contains(&format!("127.0.0.1:{port}")),
        "message `{message}` does not name 127.0.0.1:{port}"
    );
    assert_eq!(
        lines.next(),
        Some(
            format!(
                "ENOTFOUND ENOTFOUND: cannot resolve the address 'no-such-host.invalid', \
                 connect no-such-host.invalid:{port}"
            )
            .as_str()
        )
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
}

#[test]
fn binding_a_busy_port_reports_eaddrinuse_naming_the_port() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let run = nexus_fixture("net/in_use.js", &[&port.to_string()]);
    let mut lines = run.stdout.lines();
    let how = lines.next().unwrap_or_default();
    assert!(
        how == "thrown: EADDRINUSE" || how == "error event: EADDRINUSE",
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let message = lines.next().unwrap_or_default();
    assert!(
        message.contains(&port.to_string()),
        "message `{message}` does not name port {port}"
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    drop(busy);
}
