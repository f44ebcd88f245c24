//! Graceful shutdown: examples/graceful_server.js closes its server on SIGTERM while real
//! clients keep it busy; responses in progress finish, new connections are refused, nothing is
//! lost silently, and the process exits 0 soon after its last response.

mod common;

use common::{Server, example, fixture, run_command, tool};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Starts the example on a free loopback port with `env`, from `dir` (a copy) or examples/.
fn start(script: &Path, realms: &str, env: &[(&str, &str)]) -> (Server, u16) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_nexus"));
    command
        .args(["--realms", realms])
        .arg(script)
        .env("HOST", "127.0.0.1")
        .env("PORT", "0");
    for (name, value) in env {
        command.env(name, value);
    }
    let mut server = Server::spawn(&mut command);
    let port = server.listening_port();
    (server, port)
}

/// Runs a client script of tests/fixtures/process and gives what it printed, parsed.
fn client(script: &str, args: &[String]) -> Value {
    let run = run_command(
        tool("python3")
            .arg(fixture(&format!("process/{script}")))
            .args(args),
    );
    assert_eq!(run.code, 0, "{script}: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("the client prints JSON")
}

/// Waits for the server's exit after the client finished: it must come within `limit`. Gives
/// the exit code and the wait.
fn exits_within(server: &mut Server, limit: Duration) -> (i32, Duration) {
    let (status, took) = server.wait_exit();
    assert!(took < limit, "the server exited {took:?} after its clients");
    let code = status.code().expect("an exit, not a death by signal");
    (code, took)
}

#[test]
fn sigterm_under_keepalive_load_loses_nothing() {
    for realms in ["1", "2"] {
        let script = Path::new(&example("graceful_server.js")).to_path_buf();
        let (mut server, port) = start(&script, realms, &[]);
        let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/site/index.html");
        let args = [
            port.to_string(),
            "/".into(),
            index.display().to_string(),
            "8".into(),
            "1.0".into(),
            server.pid().to_string(),
        ];
        let outcome = client("keepalive_load.py", &args);
        let (code, took) = exits_within(&mut server, Duration::from_secs(1));
        let counted = |name: &str| outcome[name].as_u64().unwrap();
        assert_eq!(code, 0, "--realms {realms}: {}", server.stderr());
        assert_eq!(counted("broken"), 0, "--realms {realms}: {outcome}");
        assert!(
            outcome.get("unexpected").is_none(),
            "--realms {realms}: {outcome}"
        );
        assert!(counted("ok") > 50, "--realms {realms}: {outcome}");
        // With --realms each realm finishes its own: none ends the process under another's.
        assert!(
            counted("ok_after_signal") > 0,
            "requests in flight at the signal are answered: {outcome}"
        );
        assert_eq!(
            counted("refused"),
            8,
            "every client ends refused: {outcome}"
        );
        let stdout = server.stdout();
        assert!(stdout.contains("SIGTERM: closing"), "{stdout}");
        eprintln!("--realms {realms}: {outcome}; exited {took:?} after the clients ended");
    }
}

/// The big file's size: more than the kernel buffers on both sides of a loopback connection
/// hold (tcp_wmem's 4 MiB ceiling), so a slow download outlasts the grace.
const BIG: u32 = 16 << 20;

/// A copy of the example beside a site with a BIG file, so a download lasts.
fn with_big_file() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("graceful");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("site")).unwrap();
    std::fs::copy(
        example("graceful_server.js"),
        dir.join("graceful_server.js"),
    )
    .unwrap();
    let bytes: Vec<u8> = (0..BIG).map(|i: u32| (i % 251) as u8).collect();
    std::fs::write(dir.join("site/big.bin"), bytes).unwrap();
    dir
}

#[test]
fn a_slow_download_finishes_or_is_cut_at_the_grace() {
    let dir = with_big_file();
    let script = dir.join("graceful_server.js");
    let (mut server, port) = start(&script, "1", &[]);
    let args = vec![
        port.to_string(),
        "/big.bin".into(),
        server.pid().to_string(),
        "0".into(),
    ];
    let outcome = client("slow_download.py", &args);
    assert_eq!(outcome["complete"], true, "{outcome}");
    assert_eq!(outcome["received"], BIG, "{outcome}");
    assert_eq!(outcome["refused"], true, "{outcome}");
    assert_eq!(exits_within(&mut server, Duration::from_secs(1)).0, 0);

    let (mut server, port) = start(&script, "1", &[("GRACE_MS", "200")]);
    let args = vec![
        port.to_string(),
        "/big.bin".into(),
        server.pid().to_string(),
        "0.05".into(),
    ];
    let started = Instant::now();
    let outcome = client("slow_download.py", &args);
    assert_eq!(outcome["complete"], false, "cut: {outcome}");
    let ended = outcome["ended_after_s"].as_f64().unwrap();
    assert!(
        (0.15..1.5).contains(&ended),
        "cut {ended} s after the signal: {outcome}"
    );
    assert_eq!(exits_within(&mut server, Duration::from_secs(1)).0, 0);
    assert!(server.stdout().contains("closed in"), "{}", server.stdout());
    eprintln!("cut after {ended:.3} s ({:?} in all)", started.elapsed());
}

#[test]
fn a_closed_servers_port_binds_again_at_once() {
    common::nexus_fixture("process/rebind.js", &[]).assert_clean("bound 6 times\n");
}
