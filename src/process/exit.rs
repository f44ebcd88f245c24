//! How the process ends: on the program's word (`Nexus.exit(code)`), with the code it chose for a
//! natural end (`Nexus.exitCode`), or by a signal's default action (see `signals`). Each way says
//! its last words first: what the program printed leaves stdout's buffer, then the runtime's
//! report (`--stats`), which the runtime sets once at start.
//!
//! Invariant: the first caller of [`now`] ends the process; a caller on another thread meanwhile
//! waits for that end instead of racing it, so last words are said once.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

/// `Nexus.exitCode`, or `UNSET`.
static CODE: AtomicI32 = AtomicI32::new(UNSET);
const UNSET: i32 = -1;

static LAST_WORDS: OnceLock<Box<dyn Fn() + Send + Sync>> = OnceLock::new();
static ENDING: Mutex<()> = Mutex::new(());

/// What the runtime says before the process ends (the --stats report); set once.
pub fn set_last_words(words: impl Fn() + Send + Sync + 'static) {
    let _ = LAST_WORDS.set(Box::new(words));
}

/// The program's code for a natural exit (`Nexus.exitCode`), if it chose one.
pub fn code() -> Option<u8> {
    u8::try_from(CODE.load(Ordering::Relaxed)).ok()
}

pub fn set_code(code: Option<u8>) {
    CODE.store(code.map_or(UNSET, i32::from), Ordering::Relaxed);
}

/// Says the last words and ends the process with `code`, without running exit handlers: the
/// engine may still be running JS on other threads, which those would tear down under it.
pub fn now(code: u8) -> ! {
    let _ending = ENDING.lock().unwrap_or_else(|e| e.into_inner());
    say_last_words();
    signal_hook::low_level::exit(code.into())
}

/// Flushes stdout, says the runtime's report and flushes again (called with no lock held that
/// the report needs).
pub fn say_last_words() {
    let _ = crate::io::stdout::flush();
    if let Some(words) = LAST_WORDS.get() {
        words();
    }
    let _ = crate::io::stdout::flush();
}
