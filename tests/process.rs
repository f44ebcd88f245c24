//! The process as a program sees it: Nexus.env, Nexus.exit and Nexus.exitCode, Nexus.Signals.

mod common;

use common::{Server, fixture, nexus, nexus_fixture, nexus_in, run_command, send_signal};
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

#[test]
fn the_environment_is_one_view_of_strings() {
    let mut command = nexus_in(&std::env::temp_dir());
    command
        .arg(fixture("process/env.js"))
        .env("NEXUS_TEST_GREETING", "hello");
    let run = run_command(&mut command);
    run.assert_clean(
        "greeting hello\nnumber string 42\nin true true\nspread hello\nfor-in 1\n\
         deleted undefined false\nother realm from realm 0\nTypeError\n",
    );
}

#[test]
fn exit_ends_the_process_from_anywhere_with_its_code() {
    for how in ["entry", "timer", "offload"] {
        let run = nexus_fixture("process/exit.js", &[how]);
        assert_eq!(run.code, 3, "{how}: {}", run.stderr);
        assert!(!run.stdout.contains("never"), "{how}: {}", run.stdout);
    }
    let realm = fixture("process/exit.js");
    let run = nexus(&["--realms", "2", realm.to_str().unwrap(), "realm"]);
    assert_eq!(run.code, 3, "from realm 1: {}", run.stderr);
}

#[test]
fn exit_writes_what_was_printed_first() {
    let out = std::env::temp_dir().join(format!("nexus-exit-{}.txt", std::process::id()));
    let file = std::fs::File::create(&out).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_nexus"))
        .arg(fixture("process/exit.js"))
        .arg("big")
        .stdout(Stdio::from(file))
        .status()
        .unwrap();
    let written = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        written.len(),
        (1 << 20) + 1,
        "the 1 MiB line and its newline"
    );
}

#[test]
fn exit_code_is_the_code_of_a_natural_end_unless_something_failed() {
    let run = nexus_fixture("process/exit.js", &["code"]);
    assert_eq!((run.code, run.stdout.as_str()), (4, "exitCode 4\n"));
    let run = nexus_fixture("process/exit.js", &["code-then-exit"]);
    assert_eq!(
        run.code, 6,
        "exit() without a code takes exitCode: {}",
        run.stderr
    );
    let run = nexus_fixture("process/exit.js", &["code-then-throw"]);
    assert_eq!(run.code, 1, "an uncaught error wins: {}", run.stderr);
    let run = nexus_fixture("process/exit.js", &["bad-code"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "TypeError an exit code must be an integer, not 1.5\n")
    );
}

#[test]
fn a_second_interrupt_ends_a_program_whose_handler_stays() {
    let mut server = Server::start_fixture("process/signals.js", &["stubborn"]);
    server.wait_for_stdout("ready");
    send_signal(server.pid(), "INT");
    server.wait_for_stdout("SIGINT, staying");
    let (status, _) = server.signal(server.pid(), "INT");
    assert_eq!(status.signal(), Some(2), "{status}");
}

#[test]
fn removing_the_last_handler_restores_the_default() {
    let mut server = Server::start_fixture("process/signals.js", &["removed"]);
    server.wait_for_stdout("ready");
    let (status, _) = server.signal(server.pid(), "TERM");
    assert_eq!(status.signal(), Some(15), "{status}");
    assert!(!server.stdout().contains("never"));
}

#[test]
fn every_realm_that_listens_hears_the_signal() {
    let path = fixture("process/signals.js");
    let mut server = Server::start(&["--realms", "2", path.to_str().unwrap(), "user"]);
    server.wait_until("both realms ready", |out, _| {
        out.contains("realm 0: ready") && out.contains("realm 1: ready")
    });
    send_signal(server.pid(), "USR1");
    server.wait_until("both realms' SIGUSR1", |out, _| {
        out.contains("realm 0: SIGUSR1") && out.contains("realm 1: SIGUSR1")
    });
    let (status, _) = server.signal(server.pid(), "USR2");
    assert_eq!(status.code(), Some(0), "{status}\n{}", server.stderr());
    assert!(server.stdout().contains("SIGUSR2, leaving"));
}

#[test]
fn handlers_keep_no_process_alive_and_names_are_checked() {
    let run = nexus_fixture("process/signals.js", &["idle"]);
    run.assert_clean("idle\nrealm 0: ready\n");
    let run = nexus_fixture("process/signals.js", &["unknown"]);
    assert_eq!(
        run.stdout,
        "TypeError Nexus.Signals: unknown signal SIGKILL; use one of SIGINT, SIGTERM, SIGHUP, \
         SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH\nrealm 0: ready\n"
    );
}
