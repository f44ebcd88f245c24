//! The process as a program sees it: its environment, its exit and its signals. Nothing here
//! knows JS (the api layer turns these into `Nexus.env`, `Nexus.exit`, `Nexus.Signals`): each is
//! process-wide state that every realm and every worker thread shares.

pub mod env;
pub mod exit;
pub mod signals;

use std::sync::OnceLock;
use std::time::Instant;

/// When the process started, as the runtime saw it: the first call, which `runtime::run` makes
/// before anything else.
pub fn started() -> Instant {
    static STARTED: OnceLock<Instant> = OnceLock::new();
    *STARTED.get_or_init(Instant::now)
}
