//! The engine's calls into the host: module resolution and loading, import.meta, promise jobs,
//! rejection tracking. One [`Host`] serves every realm; each call comes with the [`Scope`] of
//! the realm concerned.

use crate::context::Scope;
use crate::ffi::*;
use crate::string::{JsString, to_rust};
use crate::value::{Object, Value};
use std::ffi::c_int;
use std::ptr;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchKind {
    JavaScript,
    Json,
}

/// A fetched module: its text and the name stacks show for it.
pub struct Fetched {
    pub source: String,
    pub source_url: String,
}

/// What the runtime provides to the engine. Every method runs on the thread holding the realm's
/// lock, in the middle of JS execution: no blocking on other realms here.
pub trait Host: Send + Sync + 'static {
    /// Maps `specifier`, imported by the module `referrer` (None for the entry and for code outside
    /// modules), to a module key. `Err` is thrown as the import's error.
    fn resolve<'s>(
        &self,
        scope: &'s Scope<'s>,
        specifier: &str,
        referrer: Option<&str>,
    ) -> Result<String, Value<'s>>;
    /// The source of the module `key`.
    fn fetch<'s>(
        &self,
        scope: &'s Scope<'s>,
        key: &str,
        kind: FetchKind,
    ) -> Result<Fetched, Value<'s>>;
    /// Fills `import.meta` of module `key`.
    fn import_meta<'s>(&self, scope: &'s Scope<'s>, key: &str, meta: Object<'s>);
    /// A promise was rejected with no handler (`handled == false`), or later got one.
    fn rejection<'s>(&self, scope: &'s Scope<'s>, promise: Object<'s>, handled: bool);
    /// An exception escaped a job the engine ran itself (a queueMicrotask callback).
    fn uncaught<'s>(&self, scope: &'s Scope<'s>, error: Value<'s>);
    /// The first read of the lazy property `name` (see [`Object::define_lazy`]) through `object`:
    /// define the real property and give its value.
    fn lazy_property<'s>(
        &self,
        scope: &'s Scope<'s>,
        object: Object<'s>,
        name: &str,
    ) -> Result<Value<'s>, Value<'s>>;
}

static HOST: OnceLock<&'static dyn Host> = OnceLock::new();

/// Installs the host for the whole process; later calls are ignored.
pub fn install_host(host: &'static dyn Host) {
    // The table is filled inside the initialization, so a thread that sees the host installed
    // (`installed`, which `Context::new` asserts) also sees the table.
    HOST.get_or_init(|| {
        let hooks = NxHooks {
            resolve,
            fetch,
            import_meta,
            rejection,
            uncaught,
            lazy_property,
        };
        // SAFETY: the shim copies the table during the call; every entry is a function below,
        // with the signature shim/nexus_shim.h declares. No realm exists yet to read the table
        // meanwhile: `Context::new` waits for `installed`.
        unsafe { nx_install_hooks(&hooks) };
        host
    });
}

pub(crate) fn installed() -> bool {
    HOST.get().is_some()
}

fn host() -> &'static dyn Host {
    *HOST.get().expect("hooks run only after install_host")
}

// Invariant (every trampoline below): the shim calls it from the realm's global object or job
// queue, on the thread holding the realm's lock, inside the engine's work for `ctx`; its string
// arguments are live for the call and non-null (but `referrer`), its value arguments are on the
// engine's stack, and `exception` and `source_url` point at the shim's locals. A string returned
// is adopted (released) by the shim.

unsafe extern "C" fn resolve(
    ctx: JSContextRef,
    specifier: JSStringRef,
    referrer: JSStringRef,
    exception: *mut JSValueRef,
) -> JSStringRef {
    // SAFETY: the trampoline invariant: the lock is held for the whole call.
    let scope = unsafe { Scope::borrowed(ctx) };
    // SAFETY: the trampoline invariant: `specifier` is live, `referrer` live or null.
    let (specifier, referrer) = unsafe {
        (
            to_rust(specifier),
            (!referrer.is_null()).then(|| to_rust(referrer)),
        )
    };
    match host().resolve(&scope, &specifier, referrer.as_deref()) {
        Ok(key) => JsString::new(&key).into_raw(),
        Err(error) => {
            // SAFETY: the trampoline invariant: `exception` is the shim's out-parameter.
            unsafe { *exception = error.raw };
            ptr::null_mut()
        }
    }
}

unsafe extern "C" fn fetch(
    ctx: JSContextRef,
    key: JSStringRef,
    kind: c_int,
    source_url: *mut JSStringRef,
    exception: *mut JSValueRef,
) -> JSStringRef {
    // SAFETY: the trampoline invariant: the lock is held for the whole call.
    let scope = unsafe { Scope::borrowed(ctx) };
    let kind = if kind == NX_FETCH_JSON {
        FetchKind::Json
    } else {
        FetchKind::JavaScript
    };
    // SAFETY: the trampoline invariant: `key` is live.
    let key = unsafe { to_rust(key) };
    match host().fetch(&scope, &key, kind) {
        Ok(fetched) => {
            // SAFETY: the trampoline invariant: `source_url` is the shim's out-parameter, which
            // adopts the string.
            unsafe { *source_url = JsString::new(&fetched.source_url).into_raw() };
            JsString::new(&fetched.source).into_raw()
        }
        Err(error) => {
            // SAFETY: the trampoline invariant: `exception` is the shim's out-parameter.
            unsafe { *exception = error.raw };
            ptr::null_mut()
        }
    }
}

unsafe extern "C" fn import_meta(ctx: JSContextRef, key: JSStringRef, meta: JSObjectRef) {
    // SAFETY: the trampoline invariant: the lock is held for the whole call.
    let scope = unsafe { Scope::borrowed(ctx) };
    // SAFETY: the trampoline invariant: `key` is live.
    let key = unsafe { to_rust(key) };
    host().import_meta(&scope, &key, scope.wrap_object(meta));
}

unsafe extern "C" fn rejection(ctx: JSContextRef, promise: JSObjectRef, handled: c_int) {
    // SAFETY: the trampoline invariant: the lock is held for the whole call.
    let scope = unsafe { Scope::borrowed(ctx) };
    host().rejection(&scope, scope.wrap_object(promise), handled != 0);
}

unsafe extern "C" fn uncaught(ctx: JSContextRef, error: JSValueRef) {
    // SAFETY: the trampoline invariant: the lock is held for the whole call.
    let scope = unsafe { Scope::borrowed(ctx) };
    host().uncaught(&scope, scope.wrap(error));
}

unsafe extern "C" fn lazy_property(
    ctx: JSContextRef,
    object: JSObjectRef,
    name: JSStringRef,
    exception: *mut JSValueRef,
) -> JSValueRef {
    // SAFETY: the trampoline invariant: the lock is held for the whole call.
    let scope = unsafe { Scope::borrowed(ctx) };
    // SAFETY: the trampoline invariant: `name` is live (a string name nx_define_lazy defined,
    // never a symbol, so the shim's copy of it is non-null).
    let name = unsafe { to_rust(name) };
    match host().lazy_property(&scope, scope.wrap_object(object), &name) {
        Ok(value) => value.raw,
        Err(error) => {
            // SAFETY: the trampoline invariant: `exception` is the shim's out-parameter.
            unsafe { *exception = error.raw };
            ptr::null()
        }
    }
}
