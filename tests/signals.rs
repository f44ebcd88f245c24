//! SIGINT, SIGTERM and SIGHUP without a handler: the process ends as by their default action,
//! with what it printed flushed and --stats reported; as PID 1 (a container's init) too, where a
//! program's handler runs as anywhere; and within a bound when stdout is a pipe nobody reads.
//! (Handlers in JS: tests/process.rs.)

mod common;

use common::{SERVER_WAIT, Server, as_root, fixture, http_get, signal_and_wait};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A program that receives one of these signals ends within this (it waits for nothing).
const PROMPT: Duration = Duration::from_secs(1);

#[test]
fn sigterm_ends_a_server_with_its_log_flushed_and_its_stats() {
    let mut server = Server::start(&["--stats", fixture("signals/server.js").to_str().unwrap()]);
    let port = server.listening_port();
    for i in 0..3 {
        assert!(http_get(port, &format!("/{i}")).ends_with("ok"));
    }
    let (status, took) = server.signal(server.pid(), "TERM");
    assert_eq!(status.signal(), Some(15), "dies of SIGTERM: {status}");
    assert!(took < PROMPT, "took {took:?}");
    let stdout = server.stdout();
    for i in 0..3 {
        let line = format!("served {}: /{i}", i + 1);
        assert!(stdout.contains(&line), "`{line}` in:\n{stdout}");
    }
    let stderr = server.stderr();
    assert!(stderr.contains("nexus stats:"), "{stderr}");
    assert!(stderr.contains("realm 0 JS tasks:"), "{stderr}");
}

#[test]
fn sigint_and_sighup_end_js_that_never_yields_with_its_output_flushed() {
    for (signal, number) in [("INT", 2), ("HUP", 1)] {
        let mut spin = Server::start(&[fixture("signals/spin.js").to_str().unwrap()]);
        spin.wait_until("`spinning` on stderr", |_, err| err.contains("spinning"));
        std::thread::sleep(Duration::from_millis(100));
        let (status, took) = spin.signal(spin.pid(), signal);
        assert_eq!(
            status.signal(),
            Some(number),
            "dies of SIG{signal}: {status}"
        );
        assert!(took < PROMPT, "SIG{signal} took {took:?}");
        assert_eq!(spin.stdout(), "printed before the signal\n");
    }
}

/// The kernel drops a signal that PID 1 has no handler for; unshare makes nexus PID 1 of a new
/// PID namespace, as `docker run` does. Dying of the signal is not possible there: the status is
/// the one a shell reports for it. A new PID namespace needs root: sudo's, when the tests are not
/// root (then the signal goes through sudo too).
#[test]
fn as_pid_1_sigterm_and_sigint_still_end_the_program() {
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let mut command = as_root("unshare");
        command.args([
            "--pid",
            "--fork",
            "--kill-child",
            env!("CARGO_BIN_EXE_nexus"),
        ]);
        command.arg(fixture("signals/server.js"));
        let mut server = Server::spawn(&mut command);
        let nexus = RootNexus::under(server.pid());
        server.listening_port();
        let status = std::fs::read_to_string(format!("/proc/{}/status", nexus.0)).unwrap();
        assert!(
            status
                .lines()
                .any(|l| l.starts_with("NSpid:") && l.ends_with("\t1")),
            "nexus is PID 1 in its namespace:\n{status}"
        );
        let (status, took) = server.signal(nexus.0, signal);
        assert_eq!(status.code(), Some(code), "after SIG{signal}: {status}");
        assert!(took < PROMPT, "SIG{signal} took {took:?}");
    }
}

/// As PID 1 nothing changes for a program with a handler: examples/graceful_server.js takes
/// SIGTERM, closes its server and exits 0 (what `docker stop` sees).
#[test]
fn as_pid_1_a_sigterm_handler_runs() {
    let mut command = as_root("unshare");
    command.args([
        "--pid",
        "--fork",
        "--kill-child",
        "env",
        "HOST=127.0.0.1",
        "PORT=0",
        env!("CARGO_BIN_EXE_nexus"),
    ]);
    command.arg(common::example("graceful_server.js"));
    let mut server = Server::spawn(&mut command);
    let nexus = RootNexus::under(server.pid());
    let port = server.listening_port();
    assert!(http_get(port, "/").starts_with("HTTP/1.1 200"));
    let (status, took) = server.signal(nexus.0, "TERM");
    assert_eq!(
        status.code(),
        Some(0),
        "after SIGTERM: {status}\n{}",
        server.stderr()
    );
    assert!(took < PROMPT, "SIGTERM took {took:?}");
    assert!(
        server.stdout().contains("SIGTERM: closing"),
        "{}",
        server.stdout()
    );
}

/// The nexus that unshare started as root. Killed if still running when dropped (a test that
/// failed): the Server's drop kills only unshare or sudo, and killing sudo does not reach it.
struct RootNexus(u32);

impl RootNexus {
    /// Follows the only child of each process from `pid` (sudo, unshare) down to nexus.
    fn under(pid: u32) -> RootNexus {
        let deadline = std::time::Instant::now() + SERVER_WAIT;
        let mut pid = pid;
        loop {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if name.trim_end() == "nexus" {
                return RootNexus(pid);
            }
            let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            match children.split_whitespace().next() {
                Some(child) => pid = child.parse().unwrap(),
                None if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                None => panic!("no nexus started under process {pid} within {SERVER_WAIT:?}"),
            }
        }
    }
}

impl Drop for RootNexus {
    fn drop(&mut self) {
        if std::path::Path::new(&format!("/proc/{}", self.0)).exists() {
            let _ = as_root("kill")
                .args(["-s", "KILL", &self.0.to_string()])
                .status();
        }
    }
}

/// The last words wait for stdout; with a full pipe that nobody reads they cannot finish, and
/// the process ends anyway, about a second later.
#[test]
fn sigterm_ends_a_program_blocked_on_a_full_stdout_pipe() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nexus"))
        .arg(fixture("signals/flood.js"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // stderr says it started; then the 64 KiB pipe fills at once.
    let mut stderr = child.stderr.take().unwrap();
    let mut started = [0; 8];
    std::io::Read::read_exact(&mut stderr, &mut started).unwrap();
    assert_eq!(&started, b"flooding");
    std::thread::sleep(Duration::from_millis(300));
    let pid = child.id();
    let (status, took) = signal_and_wait(&mut child, pid, "TERM");
    assert_eq!(status.signal(), Some(15), "{status}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "took {took:?}"
    );
}
