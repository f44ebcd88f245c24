//! The engine's hooks, answered by the module loader and the realm state.

use super::state;
use crate::modules::{self, ModuleError};
use javascriptcore_sys::{ErrorKind, FetchKind, Fetched, Host, Object, Scope, Value};

struct Runtime;

static RUNTIME: Runtime = Runtime;

pub fn install() {
    javascriptcore_sys::install_host(&RUNTIME);
}

fn module_error<'s>(scope: &'s Scope<'s>, error: ModuleError) -> Value<'s> {
    let value = scope.error(ErrorKind::Error, &error.to_string());
    if let Some(object) = value.as_object() {
        let _ = object.set("code", scope.string(error.code()));
    }
    value
}

impl Host for Runtime {
    fn resolve<'s>(
        &self,
        scope: &'s Scope<'s>,
        specifier: &str,
        referrer: Option<&str>,
    ) -> Result<String, Value<'s>> {
        modules::resolve(specifier, referrer).map_err(|e| module_error(scope, e))
    }

    fn fetch<'s>(
        &self,
        scope: &'s Scope<'s>,
        key: &str,
        _kind: FetchKind,
    ) -> Result<Fetched, Value<'s>> {
        let source = modules::fetch(key).map_err(|e| module_error(scope, e))?;
        Ok(Fetched {
            source: source.text,
            source_url: source.name,
        })
    }

    fn import_meta<'s>(&self, scope: &'s Scope<'s>, key: &str, meta: Object<'s>) {
        for (name, value) in modules::import_meta(key) {
            let _ = meta.set(name, scope.string(&value));
        }
    }

    fn microtask_queued(&self, _scope: &Scope<'_>) {
        // The realm drains its microtasks at the end of every task; nothing to schedule yet.
    }

    fn rejection<'s>(&self, scope: &'s Scope<'s>, promise: Object<'s>, handled: bool) {
        if let Some(state) = state::of(scope) {
            if handled {
                state.handled(scope, promise);
            } else {
                state.rejected(promise);
            }
        }
    }

    fn uncaught<'s>(&self, scope: &'s Scope<'s>, error: Value<'s>) {
        if let Some(state) = state::of(scope) {
            state.uncaught(error);
        }
    }
}
