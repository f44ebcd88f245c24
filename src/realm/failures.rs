//! A realm's failures: uncaught exceptions and unhandled rejections, printed when they happen
//! (with their stacks) and remembered for the exit code.

use super::report;
use crate::say::say;
use javascriptcore_sys::{Object, Protected, Scope, Value};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Failures {
    /// Says which realm failed when several run (`realm 2: `), else empty.
    label: String,
    /// Rejected promises without a handler, in rejection order. Invariant: a promise is here from
    /// its unhandled rejection until it gets a handler or the end of the task that rejected it.
    unhandled: Mutex<Vec<Protected>>,
    /// 1 while `unhandled` may hold any: the per-task report skips its lock when not, and JS
    /// reads it to skip the call (`rejection_flag`). Set and cleared under that lock.
    waiting: Arc<AtomicU8>,
    any: AtomicBool,
}

impl Failures {
    pub fn new(label: String) -> Failures {
        Failures {
            label,
            ..Failures::default()
        }
    }

    pub fn rejected(&self, promise: Object<'_>) {
        let mut unhandled = self.unhandled.lock().unwrap_or_else(|e| e.into_inner());
        unhandled.push(promise.value().protect());
        self.waiting.store(1, Ordering::Release);
    }

    pub fn handled<'s>(&self, scope: &'s Scope<'s>, promise: Object<'s>) {
        let mut unhandled = self.unhandled.lock().unwrap_or_else(|e| e.into_inner());
        unhandled.retain(|p| !p.get(scope).same(&promise.value()));
        self.waiting
            .store(u8::from(!unhandled.is_empty()), Ordering::Release);
    }

    pub fn uncaught(&self, error: Value<'_>) {
        say!("{}error: Uncaught {}", self.label, report::render(error));
        self.any.store(true, Ordering::SeqCst);
    }

    /// Reports the rejections still unhandled once a task and its promise jobs are done (as Node
    /// does after the microtask queue drains).
    pub fn report_unhandled<'s>(&self, scope: &'s Scope<'s>) {
        if self.waiting.load(Ordering::Acquire) == 0 {
            return;
        }
        let unhandled: Vec<Protected> = {
            let mut unhandled = self.unhandled.lock().unwrap_or_else(|e| e.into_inner());
            self.waiting.store(0, Ordering::Release);
            std::mem::take(&mut *unhandled)
        };
        for promise in &unhandled {
            let reason = promise.get(scope).as_object().map(|p| p.promise_result());
            say!(
                "{}error: Uncaught (in promise) {}",
                self.label,
                reason.map(report::render).unwrap_or_default()
            );
            self.any.store(true, Ordering::SeqCst);
        }
    }

    /// The entry module failed to load or threw while evaluating.
    pub fn entry_failed(&self, error: Value<'_>) {
        say!("{}error: {}", self.label, report::render(error));
        self.any.store(true, Ordering::SeqCst);
    }

    pub fn waiting(&self) -> Arc<AtomicU8> {
        self.waiting.clone()
    }

    pub fn any(&self) -> bool {
        self.any.load(Ordering::SeqCst)
    }
}
