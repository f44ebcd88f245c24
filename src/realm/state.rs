//! What the runtime tracks per realm between engine callbacks: promises rejected with no handler
//! yet, and whether an uncaught error has happened.

use super::report;
use javascriptcore_sys::{Context, Object, Protected, Scope, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

#[derive(Default)]
pub struct RealmState {
    /// Rejected promises without a handler, in rejection order. Invariant: a promise is here from
    /// its unhandled rejection until it gets a handler or is reported.
    unhandled: Mutex<Vec<Protected>>,
    /// Errors that escaped a job the engine ran itself, rendered.
    uncaught: Mutex<Vec<String>>,
}

static REALMS: RwLock<Option<HashMap<usize, Arc<RealmState>>>> = RwLock::new(None);

pub fn register(context: &Context) -> Arc<RealmState> {
    let state = Arc::new(RealmState::default());
    let mut realms = REALMS.write().unwrap_or_else(|e| e.into_inner());
    realms
        .get_or_insert_with(HashMap::new)
        .insert(context.id(), state.clone());
    state
}

pub fn of(scope: &Scope<'_>) -> Option<Arc<RealmState>> {
    let realms = REALMS.read().unwrap_or_else(|e| e.into_inner());
    realms.as_ref()?.get(&scope.context_id()).cloned()
}

impl RealmState {
    pub fn rejected(&self, promise: Object<'_>) {
        self.unhandled
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(promise.value().protect());
    }

    pub fn handled<'s>(&self, scope: &'s Scope<'s>, promise: Object<'s>) {
        let mut unhandled = self.unhandled.lock().unwrap_or_else(|e| e.into_inner());
        unhandled.retain(|p| !p.get(scope).same(&promise.value()));
    }

    pub fn uncaught(&self, error: Value<'_>) {
        self.uncaught
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(report::render(error));
    }

    /// Prints uncaught errors and still-unhandled rejections; true if there were any.
    pub fn report_failures<'s>(&self, scope: &'s Scope<'s>) -> bool {
        let uncaught: Vec<String> =
            std::mem::take(&mut *self.uncaught.lock().unwrap_or_else(|e| e.into_inner()));
        let unhandled: Vec<Protected> =
            std::mem::take(&mut *self.unhandled.lock().unwrap_or_else(|e| e.into_inner()));
        for error in &uncaught {
            eprintln!("error: Uncaught {error}");
        }
        for promise in &unhandled {
            let reason = promise.get(scope).as_object().map(|p| p.promise_result());
            let rendered = reason.map(report::render).unwrap_or_default();
            eprintln!("error: Uncaught (in promise) {rendered}");
        }
        !uncaught.is_empty() || !unhandled.is_empty()
    }
}
