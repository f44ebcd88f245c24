//! Runs the built `nexus` on fixture programs.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

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

pub fn nexus(args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_nexus")).args(args))
}

pub fn nexus_fixture(path: &str, args: &[&str]) -> Run {
    let file = fixture(path);
    let mut all = vec![file.to_str().unwrap()];
    all.extend_from_slice(args);
    nexus(&all)
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
        let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        panic!("nexus did not exit within {LIMIT:?}: {command:?}");
    };
    let Output {
        status,
        stdout,
        stderr,
    } = output.expect("nexus runs");
    Run {
        code: status
            .code()
            .expect("nexus exits by itself, not by a signal"),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_nexus"))
        .args(args)
        .current_dir(dir))
}

/// Runs the built `nexus` in `dir` with extra environment variables; proxies are unset so
/// loopback servers are reached directly.
pub fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nexus"));
    command.args(args).current_dir(dir);
    for name in [
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    run(&mut command)
}

/// Runs any program under the same time limit as nexus (node, npm, tsc in the globals tests).
pub fn run_command(command: &mut Command) -> Run {
    run(command)
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
