//! Termination signals: SIGINT, SIGTERM and SIGHUP end the process as their default action
//! would, also when nexus is PID 1, a container's init, for which the kernel drops a signal that
//! has no handler (without this, `docker stop` waits out its grace period and Ctrl-C in `docker
//! run -it` does nothing). Before the end, what the program printed leaves stdout's buffer and
//! `last_words` runs (the --stats report). No JS runs: a program cannot catch these signals.
//!
//! A thread of its own waits for them, so they are taken while every worker runs JS. The last
//! words may wait for stdout (a full pipe nobody reads): a second signal, or GRACE, ends the
//! process without them.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::time::{Duration, Instant};

const GRACE: Duration = Duration::from_secs(1);

pub fn watch(last_words: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("nexus-signals".into())
        .spawn(move || {
            let Some(signal) = signals.forever().next() else {
                return;
            };
            let said = std::thread::Builder::new().spawn(move || {
                let _ = crate::io::stdout::flush();
                last_words();
                let _ = crate::io::stdout::flush();
                end(signal)
            });
            if said.is_ok() {
                let deadline = Instant::now() + GRACE;
                while Instant::now() < deadline && signals.pending().next().is_none() {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            end(signal)
        })?;
    Ok(())
}

/// Dies of `signal`, as without a handler: the parent sees the signal (systemd counts a SIGTERM
/// as a clean stop). PID 1 cannot (the kernel drops it again), so it exits with the status a
/// shell reports for a death by that signal, 128 + its number. No exit handlers run either way:
/// they could meet the engine still running on other threads.
fn end(signal: i32) -> ! {
    if std::process::id() != 1 {
        let _ = signal_hook::low_level::emulate_default_handler(signal);
    }
    signal_hook::low_level::exit(128 + signal)
}
