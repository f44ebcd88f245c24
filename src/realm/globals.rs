//! What makes a realm's globals: the layer above implements [`Globals`] (api: the Nexus globals)
//! and the runtime injects it once, before the first realm, as the engine's `Host` is injected
//! (host.rs, `javascriptcore_sys::install_host`). The realm calls it without naming it.

use super::host;
use javascriptcore_sys::{ErrorKind, JsResult, Object, Scope, Value};
use std::sync::OnceLock;

pub trait Globals: Send + Sync + 'static {
    /// Installs the globals in the VM of realm `realm`; gives the dispatch object native code
    /// calls back through, which defines (once their parts load) the realm's own callbacks
    /// (`FIRE_TIMERS`, `RUN_TASKS`, `SETTLE`, `PROMISE_THEN` in dispatch.rs).
    fn install<'s>(&self, scope: &'s Scope<'s>, realm: u32) -> JsResult<'s, Object<'s>>;

    /// The first read of the lazy property `name` of `object` (see `Object::define_lazy`):
    /// defines the real property and gives its value.
    fn lazy_property<'s>(
        &self,
        scope: &'s Scope<'s>,
        object: Object<'s>,
        name: &str,
    ) -> JsResult<'s, Value<'s>>;
}

static GLOBALS: OnceLock<&'static dyn Globals> = OnceLock::new();

/// Before the first realm: the globals every realm gets, and the engine's hooks this layer
/// answers (module loading, rejections, lazy properties).
pub fn install_globals(globals: &'static dyn Globals) {
    let _ = GLOBALS.set(globals);
    host::install();
}

/// The injected globals; an error before [`install_globals`].
pub fn globals<'s>(scope: &'s Scope<'s>) -> JsResult<'s, &'static dyn Globals> {
    GLOBALS.get().copied().ok_or_else(|| {
        scope.error(
            ErrorKind::Error,
            "internal error: no globals were installed (realm::install_globals)",
        )
    })
}
