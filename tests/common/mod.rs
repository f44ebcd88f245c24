//! Runs the built `nexus` on fixture programs.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A program of the repository's examples/ (the copies tests/examples.rs keeps identical to
/// ../shared/api/examples), as an absolute path.
pub fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
        .canonicalize()
        .unwrap_or_else(|e| panic!("examples/{name}: {e}"))
        .display()
        .to_string()
}

/// Every file under `dir`, as paths relative to it, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) {
        let dir = root.join(relative);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let entry = entry.unwrap();
            let path = relative.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, Path::new(""), &mut files);
    files.sort();
    files
}

/// `program` from PATH. A test that cannot run its tool fails here naming it, rather than
/// passing without the check it was written for.
pub fn tool(program: &str) -> Command {
    Command::new(on_path(program).unwrap_or_else(|| {
        panic!("this test needs `{program}`, which is not on PATH (scripts/setup installs it)")
    }))
}

fn on_path(program: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|path| {
            std::fs::metadata(path)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// `program` run as root: [`tool`] itself when the tests run as root, else through `sudo -n`.
/// Without root and a sudo that runs it without asking for a password, the test fails saying so.
pub fn as_root(program: &str) -> Command {
    let command = tool(program);
    if owner(std::process::id()) == Some(0) {
        return command;
    }
    let needs_root =
        format!("`{program}` needs root: run the tests as root or as a user with sudo");
    let sudo = on_path("sudo").unwrap_or_else(|| panic!("{needs_root} (there is no sudo)"));
    let allowed = Command::new(&sudo)
        .args(["-n", "true"])
        .output()
        .expect("sudo runs");
    assert!(
        allowed.status.success(),
        "{needs_root} that asks for no password (`sudo -n true` failed: {})",
        String::from_utf8_lossy(&allowed.stderr).trim()
    );
    let mut through_sudo = Command::new(sudo);
    through_sudo.arg("-n").arg(command.get_program());
    through_sudo
}

/// The effective user of process `pid` (the owner of its /proc directory), while it runs.
fn owner(pid: u32) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/{pid}"))
        .ok()
        .map(|m| m.uid())
}

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .canonicalize()
        .unwrap()
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the program printed exactly `stdout` (its stderr shown if not), then exited 0
    /// with nothing on stderr.
    #[track_caller]
    pub fn assert_clean(&self, stdout: &str) {
        assert_eq!(self.stdout, stdout, "{}", self.stderr);
        assert_eq!((self.code, self.stderr.as_str()), (0, ""));
    }
}

pub fn nexus(args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_nexus")).args(args))
}

pub fn nexus_fixture(path: &str, args: &[&str]) -> Run {
    let file = fixture(path);
    let mut all = vec![file.to_str().unwrap()];
    all.extend_from_slice(args);
    nexus(&all)
}

/// The count of passed cases in a WPT-style run (fixtures/wpt/testharness.mjs and the URL
/// fixtures print `FAIL …` per failure and a last line `passed N failed M`), after checking that
/// `what` exited 0.
#[track_caller]
pub fn wpt_passed(what: &str, run: &Run) -> usize {
    assert_eq!(
        run.code, 0,
        "{what} exited with {}:\n{}",
        run.code, run.stderr
    );
    let summary = run.stdout.lines().last().unwrap_or_default();
    summary
        .strip_prefix("passed ")
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no summary in\n{}", run.stdout))
}

/// The failures an expectations file allows, by test name: a line `name: reason` each (a line
/// without a reason fails); blank lines and `#` comments between them.
pub fn expected_failures(path: &str) -> Vec<String> {
    let path = fixture(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (name, why) = line.rsplit_once(": ").unwrap_or((line, ""));
            assert!(!why.trim().is_empty(), "{path:?}: '{line}' gives no reason");
            name.to_string()
        })
        .collect()
}

/// Every run must end by itself: one still running after this long fails its test.
const LIMIT: Duration = Duration::from_secs(60);

fn run(command: &mut Command) -> Run {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nexus starts");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    let Ok(output) = rx.recv_timeout(LIMIT) else {
        let _ = tool("kill").arg("-9").arg(pid.to_string()).status();
        panic!("nexus did not exit within {LIMIT:?}: {command:?}");
    };
    let Output {
        status,
        stdout,
        stderr,
    } = output.expect("nexus runs");
    let stderr = String::from_utf8(stderr).unwrap();
    let Some(code) = status.code() else {
        panic!(
            "nexus was killed by signal {:?}, not exited: {command:?}\nstderr:\n{stderr}",
            status.signal()
        );
    };
    Run {
        code,
        stdout: String::from_utf8(stdout).unwrap(),
        stderr,
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_nexus"))
        .args(args)
        .current_dir(dir))
}

/// Runs the built `nexus` in `dir` with extra environment variables (see [`nexus_in`]).
pub fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Run {
    let mut command = nexus_in(dir);
    command.args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    run(&mut command)
}

/// The built `nexus`, to run in `dir`; proxies are unset so loopback servers are reached
/// directly.
pub fn nexus_in(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nexus"));
    command.current_dir(dir);
    for name in [
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        command.env_remove(name);
    }
    command
}

/// Runs any program under the same time limit as nexus (npm and tsc in the globals tests).
pub fn run_command(command: &mut Command) -> Run {
    run(command)
}

/// The peak resident set in KiB (`VmHWM`) of a `/proc/<pid>/status` text.
pub fn vm_hwm_kb(status: &str) -> Option<u64> {
    status.lines().find_map(|l| {
        l.strip_prefix("VmHWM:")?
            .trim()
            .strip_suffix(" kB")?
            .parse()
            .ok()
    })
}

/// Runs the built `nexus` and reads `/proc/<pid>/<file>` until it exits, keeping the last value
/// `read` found there (for high-water marks and CPU time, which only grow). Returns the program's
/// stdout and that value.
pub fn run_sampling(
    args: &[&std::ffi::OsStr],
    file: &str,
    read: impl Fn(&str) -> Option<u64>,
) -> (String, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nexus"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let path = format!("/proc/{}/{file}", child.id());
    let mut last = 0;
    while child.try_wait().unwrap().is_none() {
        if let Some(value) = std::fs::read_to_string(&path)
            .ok()
            .as_deref()
            .and_then(&read)
        {
            last = value;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), last)
}

/// A free TCP port on 127.0.0.1, for programs that take a port argument (the examples).
/// Another process could take it before the program binds it; fixtures bind port 0 instead.
/// A self-signed leaf certificate for 127.0.0.1 and its key in `dir`, made by openssl (for
/// https servers the tests start: URL imports, fetch).
pub fn self_signed_certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let status = tool("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        // webpki refuses a CA certificate as the server's own: this one is a leaf, self-signed.
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success());
    (cert, key)
}

/// A port nothing listens on, for a server a test starts there. Taken below the kernel's
/// ephemeral range (ip_local_port_range): a port from bind(0) comes from that range, where the
/// tests' own client connections take their local ports, so one of them could hold it by the
/// time the server binds. Successive calls in a process start at different ports.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    const LOWEST: u32 = 10000;
    static CALLS: AtomicU32 = AtomicU32::new(0);
    let ephemeral = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u32>().ok())
        .unwrap_or(32768);
    let span = ephemeral.saturating_sub(LOWEST).max(1);
    let start = std::process::id()
        .wrapping_mul(7919)
        .wrapping_add(CALLS.fetch_add(1, Ordering::Relaxed).wrapping_mul(104_729))
        % span;
    (0..span)
        .map(|i| (LOWEST + (start + i) % span) as u16)
        .find(|&port| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok())
        .expect("a free port below the ephemeral range")
}

/// The value after `name` in ApacheBench's report, e.g. `Failed requests:`.
pub fn ab_field(report: &str, name: &str) -> String {
    report
        .lines()
        .find_map(|l| l.strip_prefix(name)?.split_whitespace().next())
        .unwrap_or_else(|| panic!("no `{name}` in ab's report\n{report}"))
        .to_string()
}

/// Sends `signal` (a name, as `kill -s` takes) to process `pid` (`child`, or one it started) and
/// waits up to SERVER_WAIT for `child` to end: its status and how long that took. Fails the test
/// (and kills `child`) if it is still running then.
pub fn signal_and_wait(
    child: &mut std::process::Child,
    pid: u32,
    signal: &str,
) -> (std::process::ExitStatus, Duration) {
    send_signal(pid, signal);
    wait_for_exit(child, &format!("SIG{signal}"))
}

/// Sends `signal` (a name, as `kill -s` takes) to process `pid`.
pub fn send_signal(pid: u32, signal: &str) {
    // A process of another user is one that sudo started as root (signals.rs): sudo signals it.
    let mut kill = if owner(pid) == owner(std::process::id()) {
        tool("kill")
    } else {
        as_root("kill")
    };
    let sent = kill
        .args(["-s", signal, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -s {signal} {pid} failed");
}

/// Waits up to SERVER_WAIT for `child` to end: its status and how long that took. Fails the test
/// (and kills `child`) if it still runs then, saying it did so after `event`.
fn wait_for_exit(
    child: &mut std::process::Child,
    event: &str,
) -> (std::process::ExitStatus, Duration) {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status, started.elapsed());
        }
        if started.elapsed() > SERVER_WAIT {
            let _ = child.kill();
            panic!("nexus still runs {SERVER_WAIT:?} after {event}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// How long a server gets to print or settle into what a test waits for.
pub const SERVER_WAIT: Duration = Duration::from_secs(10);

/// A `nexus` program that serves until its test ends. It is killed and reaped on drop, also when
/// the test fails (then its output so far is printed); stdout and stderr are collected as they
/// arrive, so a test can wait for a line while the program runs.
pub struct Server {
    child: std::process::Child,
    stdout: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    stderr: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_nexus"));
        command.args(args);
        Server::spawn(&mut command)
    }

    /// Starts `command`, which runs nexus (possibly under another program, as `unshare`).
    pub fn spawn(command: &mut Command) -> Server {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("nexus starts");
        let stdout = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let readers = vec![
            collect(child.stdout.take().unwrap(), stdout.clone()),
            collect(child.stderr.take().unwrap(), stderr.clone()),
        ];
        Server {
            child,
            stdout,
            stderr,
            readers,
        }
    }

    pub fn start_fixture(path: &str, args: &[&str]) -> Server {
        let file = fixture(path);
        let mut all = vec![file.to_str().unwrap()];
        all.extend_from_slice(args);
        Server::start(&all)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// [`signal_and_wait`] for the server (or, by `pid`, a process it started).
    pub fn signal(&mut self, pid: u32, signal: &str) -> (std::process::ExitStatus, Duration) {
        signal_and_wait(&mut self.child, pid, signal)
    }

    /// Waits up to SERVER_WAIT for the server to end by itself: its status and how long that
    /// took. Fails the test (and kills it) if it is still running then.
    pub fn wait_exit(&mut self) -> (std::process::ExitStatus, Duration) {
        wait_for_exit(&mut self.child, "its clients ended")
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Names of the server's threads now (from /proc).
    pub fn thread_names(&self) -> Vec<String> {
        let tasks = format!("/proc/{}/task", self.child.id());
        std::fs::read_dir(tasks)
            .map(|dir| {
                dir.flatten()
                    .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
                    .map(|name| name.trim_end().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits until `done(stdout, stderr)` holds and returns stdout then. Fails the test, naming
    /// `what`, after SERVER_WAIT or as soon as the program has exited without it holding.
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&str, &str) -> bool) -> String {
        let deadline = std::time::Instant::now() + SERVER_WAIT;
        loop {
            let exited = self.child.try_wait().unwrap();
            if exited.is_some() {
                // The readers drain the pipes once the process is gone.
                std::thread::sleep(Duration::from_millis(100));
            }
            let (stdout, stderr) = (self.stdout(), self.stderr());
            if done(&stdout, &stderr) {
                return stdout;
            }
            if let Some(status) = exited {
                panic!(
                    "nexus exited ({status}) before {what}\nstdout:\n{stdout}\nstderr:\n{stderr}"
                );
            }
            if std::time::Instant::now() > deadline {
                panic!("no {what} within {SERVER_WAIT:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_for_stdout(&mut self, needle: &str) -> String {
        self.wait_until(&format!("`{needle}` on stdout"), |out, _| {
            out.contains(needle)
        })
    }

    /// The port of the first stdout line `listening on ADDRESS:PORT`, which the fixtures print
    /// once they listen.
    pub fn listening_port(&mut self) -> u16 {
        let stdout = self.wait_until("a `listening on` line", |out, _| {
            out.lines().any(|l| l.starts_with("listening on "))
        });
        let line = stdout
            .lines()
            .find(|l| l.starts_with("listening on "))
            .unwrap();
        line.rsplit_once(':')
            .and_then(|(_, port)| port.parse().ok())
            .unwrap_or_else(|| panic!("no port in `{line}`"))
    }

    /// How many file descriptors the program has open.
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .expect("nexus is running")
            .count()
    }

    /// The open descriptor count once it is within `tolerance` of `target`, polled for up to
    /// SERVER_WAIT (closing runs as tasks after the peer is gone); else the last count seen.
    pub fn fds_near(&self, target: usize, tolerance: usize) -> usize {
        let deadline = std::time::Instant::now() + SERVER_WAIT;
        loop {
            let fds = self.open_fds();
            if fds.abs_diff(target) <= tolerance || std::time::Instant::now() > deadline {
                return fds;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Resident memory (VmRSS) in KiB.
    pub fn rss_kb(&self) -> u64 {
        rss_kb(self.pid()).expect("nexus is running, with VmRSS in /proc/PID/status")
    }
}

/// Resident memory (VmRSS) of process `pid` in KiB; None once it has gone.
pub fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| {
        l.strip_prefix("VmRSS:")?
            .trim()
            .strip_suffix(" kB")?
            .parse()
            .ok()
    })
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        if std::thread::panicking() {
            eprintln!(
                "--- nexus stdout (last 4 KiB):\n{}\n--- nexus stderr (last 4 KiB):\n{}",
                tail(&self.stdout(), 4096),
                tail(&self.stderr(), 4096)
            );
        }
    }
}

fn collect(
    mut pipe: impl std::io::Read + Send + 'static,
    into: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buffer = [0; 16 * 1024];
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            into.lock().unwrap().extend_from_slice(&buffer[..n]);
        }
    })
}

fn tail(text: &str, max: usize) -> &str {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// One GET on a new connection (`Connection: close`); gives the whole response.
pub fn http_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

pub mod http;
