//! The Nexus globals as the realm layer knows them ([`realm::Globals`]), made from what the
//! runtime gives once, before the first realm: the program's [`Info`] and the offload pool.

use super::Info;
use super::offload::Offload;
use crate::realm;
use javascriptcore_sys::{JsResult, Object, Scope, Value};
use std::sync::OnceLock;

pub struct Globals {
    info: Info,
    offload: &'static dyn Offload,
}

static GLOBALS: OnceLock<Globals> = OnceLock::new();

/// Sets what every realm's globals report and where their offloaded jobs go (the first call
/// wins); gives the installer for `realm::install_globals`.
pub fn configure(info: Info, offload: &'static dyn Offload) -> &'static Globals {
    GLOBALS.get_or_init(|| Globals { info, offload })
}

/// The offload pool, once [`configure`] gave it.
pub fn offload() -> Option<&'static dyn Offload> {
    GLOBALS.get().map(|globals| globals.offload)
}

impl realm::Globals for Globals {
    fn install<'s>(&self, scope: &'s Scope<'s>, realm: u32) -> JsResult<'s, Object<'s>> {
        super::install(scope, &self.info, realm)
    }

    fn lazy_property<'s>(
        &self,
        scope: &'s Scope<'s>,
        object: Object<'s>,
        name: &str,
    ) -> JsResult<'s, Value<'s>> {
        super::lazy_property(scope, object, name)
    }
}
