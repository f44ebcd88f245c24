//! A realm's start: its globals (made by the injected [`super::Globals`]), then the entry module,
//! whose promise, with the failures reported meanwhile, makes the realm's exit code.

use super::dispatch::{Dispatch, PROMISE_THEN};
use super::{Realm, current, globals, report};
use crate::say::say;
use javascriptcore_sys::{PromiseState, Scope};
use std::sync::Arc;

impl Realm {
    /// Installs the globals; false (reported) if they failed.
    pub fn install<'s>(&self, scope: &'s Scope<'s>) -> bool {
        let installed = globals::globals(scope)
            .and_then(|globals| globals.install(scope, self.id))
            .map(|dispatch| Dispatch::new(dispatch.value().protect()));
        match installed {
            Ok(dispatch) => {
                let _ = self.dispatch.set(dispatch);
                true
            }
            Err(error) => {
                say!(
                    "error: the Nexus globals failed to install: {}",
                    report::render(error)
                );
                self.failures.uncaught(error);
                false
            }
        }
    }

    /// Installs the globals, then loads and runs the entry module `key`.
    pub fn start<'s>(self: &Arc<Self>, scope: &'s Scope<'s>, key: &str) {
        if !self.install(scope) {
            return;
        }
        let promise = scope.load_module(key);
        let on_rejected = scope.function("reportEntryFailure", |scope, _this, args| {
            let error = args.first().copied().unwrap_or_else(|| scope.undefined());
            if let Some(realm) = current() {
                realm.failures.entry_failed(error);
            }
            Ok(scope.undefined())
        });
        // Through the then() read before any program ran, not the promise's own `then`.
        let watched = self.call_on(
            scope,
            &PROMISE_THEN,
            promise,
            &[scope.undefined(), on_rejected.value()],
        );
        if let Err(error) = watched {
            self.failures.uncaught(error);
        }
        *self.entry.lock().unwrap_or_else(|e| e.into_inner()) = Some(promise.value().protect());
    }

    /// 0, or 1 after an uncaught exception or unhandled rejection, or 13 when the entry module's
    /// top-level await never settled (as Node).
    pub fn exit_code(&self) -> u8 {
        let scope = self.context.enter();
        let entry = self.entry.lock().unwrap_or_else(|e| e.into_inner());
        let pending = entry.as_ref().and_then(|p| p.get(&scope).promise_state())
            == Some(PromiseState::Pending);
        if pending && !self.failures.any() {
            say!(
                "error: top-level await in the entry module never settled: nothing is left that could settle it"
            );
            return 13;
        }
        u8::from(self.failures.any())
    }
}
