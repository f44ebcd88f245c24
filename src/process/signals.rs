//! Signals: the ones a program may handle (`Nexus.Signals`) go to its listeners; without a
//! listener each keeps its default action. SIGINT, SIGTERM and SIGHUP end the process as that
//! action would also when nexus is PID 1, a container's init, for which the kernel drops a signal
//! that has no handler (without this, `docker stop` waits out its grace period and Ctrl-C in
//! `docker run -it` does nothing).
//!
//! A thread of its own waits for them, so they are taken while every worker runs JS. A listener
//! only queues work (a task on its realm's lane); listeners never keep the process alive.
//!
//! Invariants:
//! - a signal with a listener has no default action; removing the last listener restores it;
//! - once a SIGINT or SIGTERM went to listeners, the next one of either takes the default action
//!   (the second Ctrl-C ends a program whose handler does not);
//! - a default action that ends the process says the last words first (see `exit`); they may wait
//!   for stdout (a full pipe nobody reads): another signal, or GRACE, ends the process without them.

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};
use signal_hook::iterator::Signals;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const GRACE: Duration = Duration::from_secs(1);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Signal {
    Int,
    Term,
    Hup,
    Quit,
    Usr1,
    Usr2,
    Winch,
}

impl Signal {
    pub const ALL: [Signal; 7] = [
        Signal::Int,
        Signal::Term,
        Signal::Hup,
        Signal::Quit,
        Signal::Usr1,
        Signal::Usr2,
        Signal::Winch,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Signal::Int => "SIGINT",
            Signal::Term => "SIGTERM",
            Signal::Hup => "SIGHUP",
            Signal::Quit => "SIGQUIT",
            Signal::Usr1 => "SIGUSR1",
            Signal::Usr2 => "SIGUSR2",
            Signal::Winch => "SIGWINCH",
        }
    }

    pub fn named(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.name() == name)
    }

    fn number(self) -> i32 {
        match self {
            Signal::Int => SIGINT,
            Signal::Term => SIGTERM,
            Signal::Hup => SIGHUP,
            Signal::Quit => SIGQUIT,
            Signal::Usr1 => SIGUSR1,
            Signal::Usr2 => SIGUSR2,
            Signal::Winch => SIGWINCH,
        }
    }

    /// SIGINT and SIGTERM: the ones a second arrival of applies the default action.
    fn interrupts(self) -> bool {
        matches!(self, Signal::Int | Signal::Term)
    }
}

pub type Listener = Arc<dyn Fn(Signal) + Send + Sync>;

/// Who listens to what: (owner, signal, listener); an owner (a realm) listens once per signal.
static LISTENERS: Mutex<Vec<(u32, Signal, Listener)>> = Mutex::new(Vec::new());

fn listeners() -> std::sync::MutexGuard<'static, Vec<(u32, Signal, Listener)>> {
    LISTENERS.lock().unwrap_or_else(|e| e.into_inner())
}

/// `owner` takes `signal` (its default action is off until nobody listens).
pub fn listen(owner: u32, signal: Signal, listener: Listener) {
    let mut listeners = listeners();
    listeners.retain(|(o, s, _)| (*o, *s) != (owner, signal));
    listeners.push((owner, signal, listener));
}

pub fn unlisten(owner: u32, signal: Signal) {
    listeners().retain(|(o, s, _)| (*o, *s) != (owner, signal));
}

/// Starts the thread that takes the signals.
pub fn watch() -> std::io::Result<()> {
    let mut signals = Signals::new(Signal::ALL.map(Signal::number))?;
    std::thread::Builder::new()
        .name("nexus-signals".into())
        .spawn(move || {
            let mut interrupted = false;
            while let Some(number) = signals.forever().next() {
                let Some(signal) = Signal::ALL.into_iter().find(|s| s.number() == number) else {
                    continue;
                };
                let taken: Vec<Listener> = listeners()
                    .iter()
                    .filter(|(_, s, _)| *s == signal)
                    .map(|(_, _, listener)| listener.clone())
                    .collect();
                if taken.is_empty() || (interrupted && signal.interrupts()) {
                    default_action(signal, &mut signals);
                    continue;
                }
                interrupted |= signal.interrupts();
                taken.iter().for_each(|listener| listener(signal));
            }
        })?;
    Ok(())
}

/// What the signal does without a handler: nothing for SIGWINCH; for the others, the end of the
/// process, after its last words if they come within GRACE and no other signal comes first.
fn default_action(signal: Signal, signals: &mut Signals) {
    if signal == Signal::Winch {
        return;
    }
    let said = std::thread::Builder::new().spawn(move || {
        super::exit::say_last_words();
        end(signal)
    });
    if said.is_ok() {
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline && signals.pending().next().is_none() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    end(signal)
}

/// Dies of `signal`, as without a handler: the parent sees the signal (systemd counts a SIGTERM
/// as a clean stop). PID 1 cannot (the kernel drops it again), so it exits with the status a
/// shell reports for a death by that signal, 128 + its number. No exit handlers run either way:
/// they could meet the engine still running on other threads.
fn end(signal: Signal) -> ! {
    let number = signal.number();
    if std::process::id() != 1 {
        let _ = signal_hook::low_level::emulate_default_handler(number);
    }
    signal_hook::low_level::exit(128 + number)
}
