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
    if HOST.set(host).is_ok() {
        let hooks = NxHooks {
            resolve,
            fetch,
            import_meta,
            rejection,
            uncaught,
            lazy_property,
        };
        // SAFETY: the table is copied by the shim; every entry is a function below.
        unsafe { nx_install_hooks(&hooks) };
    }
}

pub(crate) fn installed() -> bool {
    HOST.get().is_some()
}

fn host() -> &'static dyn Host {
    *HOST.get().expect("hooks run only after install_host")
}

// SAFETY (all trampolines): the shim calls them with the realm's lock held and live arguments;
// returned strings are adopted by the shim.

unsafe extern "C" fn resolve(
    ctx: JSContextRef,
    specifier: JSStringRef,
    referrer: JSStringRef,
    exception: *mut JSValueRef,
) -> JSStringRef {
    unsafe {
        let scope = Scope::borrowed(ctx);
        let specifier = to_rust(specifier);
        let referrer = (!referrer.is_null()).then(|| to_rust(referrer));
        match host().resolve(&scope, &specifier, referrer.as_deref()) {
            Ok(key) => JsString::new(&key).into_raw(),
            Err(error) => {
                *exception = error.raw;
                ptr::null_mut()
            }
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
    unsafe {
        let scope = Scope::borrowed(ctx);
        let kind = if kind == NX_FETCH_JSON {
            FetchKind::Json
        } else {
            FetchKind::JavaScript
        };
        match host().fetch(&scope, &to_rust(key), kind) {
            Ok(fetched) => {
                *source_url = JsString::new(&fetched.source_url).into_raw();
                JsString::new(&fetched.source).into_raw()
            }
            Err(error) => {
                *exception = error.raw;
                ptr::null_mut()
            }
        }
    }
}

unsafe extern "C" fn import_meta(ctx: JSContextRef, key: JSStringRef, meta: JSObjectRef) {
    unsafe {
        let scope = Scope::borrowed(ctx);
        host().import_meta(&scope, &to_rust(key), scope.wrap_object(meta));
    }
}

unsafe extern "C" fn rejection(ctx: JSContextRef, promise: JSObjectRef, handled: c_int) {
    let scope = unsafe { Scope::borrowed(ctx) };
    host().rejection(&scope, scope.wrap_object(promise), handled != 0);
}

unsafe extern "C" fn uncaught(ctx: JSContextRef, error: JSValueRef) {
    let scope = unsafe { Scope::borrowed(ctx) };
    host().uncaught(&scope, scope.wrap(error));
}

unsafe extern "C" fn lazy_property(
    ctx: JSContextRef,
    object: JSObjectRef,
    name: JSStringRef,
    exception: *mut JSValueRef,
) -> JSValueRef {
    unsafe {
        let scope = Scope::borrowed(ctx);
        match host().lazy_property(&scope, scope.wrap_object(object), &to_rust(name)) {
            Ok(value) => value.raw,
            Err(error) => {
                *exception = error.raw;
                ptr::null()
            }
        }
    }
}
