//! What `--stats` tells of a realm: the tasks its lane ran, the promise jobs it queued, its heap.

use super::Realm;
use crate::say::say;
use std::sync::atomic::Ordering;

impl Realm {
    /// Prints this realm's lines of the report; `heap` also takes the realm's lock to read the
    /// heap's size (not while a task may hold it for long).
    pub fn say_stats(&self, heap: bool) {
        let id = self.id;
        say!(
            "  realm {id} JS tasks: {}",
            self.js_tasks.load(Ordering::Relaxed)
        );
        say!("  realm {id} promise jobs: {}", self.context.jobs_queued());
        if heap {
            let bytes = self.context.enter().heap_size();
            say!(
                "  realm {id} heap: {:.1} MiB",
                bytes as f64 / (1 << 20) as f64
            );
        }
    }
}
