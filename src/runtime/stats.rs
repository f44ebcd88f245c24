//! The `--stats` report: the scheduler's lines, then each realm's (the offload pool's too).

use super::offload;
use crate::realm::Realm;
use crate::say::say;
use crate::scheduler::Scheduler;
use std::sync::Arc;

/// `heap`: also each realm's heap, which waits for the realm's lock (not while a realm may be in
/// a long task, as on SIGINT).
pub fn say_stats(scheduler: &Scheduler, realms: &[Arc<Realm>], heap: bool) {
    say!("{}", scheduler.stats().render().trim_end());
    for realm in realms.iter().chain(&offload::realms()) {
        realm.say_stats(heap);
    }
}
