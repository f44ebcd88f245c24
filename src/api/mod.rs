//! The globals Nexus adds to a realm: `Nexus` and `console`.
//!
//! The JS side lives in `js/` and is evaluated once per realm; it reaches native code only through
//! the ops table of `ops.rs`.

mod ops;

use javascriptcore_sys::{JsResult, Scope};

/// What the globals report about the running program.
pub struct Info {
    pub script: String,
    pub argv: Vec<String>,
    pub concurrency: usize,
}

const BOOTSTRAP: &str = include_str!("js/bootstrap.js");

pub fn install<'s>(scope: &'s Scope<'s>, info: &Info) -> JsResult<'s, ()> {
    let setup = scope
        .evaluate_script(BOOTSTRAP, "nexus:bootstrap")?
        .to_object()?;
    let argv: Vec<_> = info.argv.iter().map(|a| scope.string(a)).collect();
    let details = scope.object();
    details.set("version", scope.string(env!("CARGO_PKG_VERSION")))?;
    details.set("script", scope.string(&info.script))?;
    details.set("argv", scope.array(&argv)?.value())?;
    details.set("concurrency", scope.number(info.concurrency as f64))?;
    setup.call(None, &[ops::table(scope)?.value(), details.value()])?;
    Ok(())
}
