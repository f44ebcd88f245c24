//! The engine's hooks, answered by the module loader, the current realm and the injected
//! globals (see globals.rs).

use super::{current, globals};
use crate::modules::{self, ModuleError};
use javascriptcore_sys::{ErrorKind, FetchKind, Fetched, Host, Object, Scope, Value};

struct RealmHost;

static HOST: RealmHost = RealmHost;

pub(super) fn install() {
    javascriptcore_sys::install_host(&HOST);
}

fn module_error<'s>(scope: &'s Scope<'s>, error: ModuleError) -> Value<'s> {
    let value = scope.error(ErrorKind::Error, &error.to_string());
    if let Some(object) = value.as_object() {
        let _ = object.set("code", scope.string(error.code()));
    }
    value
}

impl Host for RealmHost {
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
        kind: FetchKind,
    ) -> Result<Fetched, Value<'s>> {
        let source = modules::fetch(key, kind).map_err(|e| module_error(scope, e))?;
        Ok(Fetched {
            source: source.text,
            source_url: source.name,
        })
    }

    fn import_meta<'s>(&self, scope: &'s Scope<'s>, key: &str, meta: Object<'s>) {
        for (name, value) in modules::import_meta(key) {
            let _ = meta.set(name, scope.string(&value));
        }
        let referrer = key.to_string();
        let resolve = scope.function("resolve", move |scope, _this, args| {
            let specifier = match args.first() {
                Some(value) => value.to_string()?,
                None => {
                    return Err(scope.error(
                        ErrorKind::TypeError,
                        "import.meta.resolve needs a specifier",
                    ));
                }
            };
            // Resolution only: a remote URL is not downloaded until it is imported.
            match modules::resolve(&specifier, Some(&referrer)) {
                Ok(resolved) => Ok(scope.string(&resolved)),
                Err(error) => Err(module_error(scope, error)),
            }
        });
        let _ = meta.set("resolve", resolve.value());
    }

    fn rejection<'s>(&self, scope: &'s Scope<'s>, promise: Object<'s>, handled: bool) {
        if let Some(realm) = current() {
            if handled {
                realm.failures.handled(scope, promise);
            } else {
                realm.failures.rejected(promise);
            }
        }
    }

    fn uncaught<'s>(&self, _scope: &'s Scope<'s>, error: Value<'s>) {
        if let Some(realm) = current() {
            realm.failures.uncaught(error);
        }
    }

    fn lazy_property<'s>(
        &self,
        scope: &'s Scope<'s>,
        object: Object<'s>,
        name: &str,
    ) -> Result<Value<'s>, Value<'s>> {
        globals::globals(scope)?.lazy_property(scope, object, name)
    }
}
