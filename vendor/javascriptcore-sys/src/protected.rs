//! Values kept alive beyond a scope.
//!
//! Invariants:
//! - `JSValueUnprotect` never runs inside a GC finalizer. A `Protected` dropped there (a native
//!   closure owning one, finalized with its function) is queued and released at the next
//!   `Context::enter`.
//! - A realm's `Protected` values are dropped before its [`crate::Context`]: unprotecting touches
//!   the realm's VM, which the context's drop frees. Types do not check this; the runtime keeps
//!   it by never dropping a realm.

use crate::context::Scope;
use crate::ffi::*;
use crate::value::Value;
use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct Protected {
    ctx: JSGlobalContextRef,
    raw: JSValueRef,
}

// SAFETY: the handle is two pointers into a VM that is not tied to a thread; the drop's
// JSValueUnprotect takes the VM's lock itself, on whichever thread drops.
unsafe impl Send for Protected {}
// SAFETY: `&self` only reads the raw value back, into a scope of the same realm (asserted in
// `get`), whose lock the reading thread holds.
unsafe impl Sync for Protected {}

struct Deferred(JSGlobalContextRef, JSValueRef);
// SAFETY: only used to call JSValueUnprotect on the context's realm, under its lock (see
// `release_deferred`).
unsafe impl Send for Deferred {}

static DEFERRED: Mutex<Vec<Deferred>> = Mutex::new(Vec::new());
/// Lets `release_deferred` skip the mutex on the common path.
static ANY_DEFERRED: AtomicBool = AtomicBool::new(false);

thread_local! {
    static IN_FINALIZER: Cell<bool> = const { Cell::new(false) };
}

impl Protected {
    pub(crate) fn new(scope: &Scope<'_>, raw: JSValueRef) -> Protected {
        // SAFETY: the scope invariant; `raw` is a value of this scope, given by `Value::protect`.
        unsafe {
            JSValueProtect(scope.ctx, raw);
            Protected {
                ctx: scope.context_id() as JSGlobalContextRef,
                raw,
            }
        }
    }

    /// The value, in a scope of the same realm.
    pub fn get<'s>(&self, scope: &'s Scope<'s>) -> Value<'s> {
        assert_eq!(
            scope.context_id(),
            self.ctx as usize,
            "Protected value used in another realm"
        );
        scope.wrap(self.raw)
    }
}

impl Drop for Protected {
    fn drop(&mut self) {
        if IN_FINALIZER.with(Cell::get) {
            DEFERRED
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Deferred(self.ctx, self.raw));
            ANY_DEFERRED.store(true, Ordering::Release);
        } else {
            // SAFETY: balances the JSValueProtect in `new`; outside any finalizer (checked above);
            // the realm's VM is still alive (module invariant). The call takes the lock.
            unsafe { JSValueUnprotect(self.ctx, self.raw) }
        }
    }
}

/// Runs `f` with drops of `Protected` deferred (used around finalizers).
pub(crate) fn finalizing(f: impl FnOnce()) {
    IN_FINALIZER.with(|flag| flag.set(true));
    f();
    IN_FINALIZER.with(|flag| flag.set(false));
}

pub(crate) fn release_deferred(scope: &Scope<'_>) {
    if !ANY_DEFERRED.load(Ordering::Acquire) {
        return;
    }
    let mine = scope.context_id();
    let mut deferred = DEFERRED.lock().unwrap_or_else(|e| e.into_inner());
    deferred.retain(|d| {
        if d.0 as usize != mine {
            return true;
        }
        // SAFETY: the scope invariant for this entry's context (the ids match); we are outside
        // any finalizer (a scope is being entered); the entry balances a protect whose
        // `Protected` was dropped in a finalizer, so it is released once.
        unsafe { JSValueUnprotect(d.0, d.1) };
        false
    });
    ANY_DEFERRED.store(!deferred.is_empty(), Ordering::Release);
}
