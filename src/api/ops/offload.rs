//! Nexus.Scheduler.offload's native half: hands jobs to the offload pool (the runtime's, see
//! `api::offload`) and carries the cloned arguments and results between realms.

use super::Op;
use super::args::{arg, number, realm};
use crate::api::globals;
use crate::api::offload::Cloned;
use crate::modules;
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// The ops of js/offload.js.
pub const OPS: &[Op] = &[
    Op::asynchronous("offload", offload),
    Op::sync("offloadReply", offload_reply),
];

/// Text and ArrayBuffers from `transfer.js`'s `serialize`, copied out of this realm.
fn cloned<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> JsResult<'a, Cloned> {
    let json = arg(scope, args, i).to_string()?;
    let list = arg(scope, args, i + 1).to_object()?;
    let length = list.get("length")?.to_number()? as u32;
    let mut buffers = Vec::with_capacity(length as usize);
    for index in 0..length {
        let bytes = list
            .get_index(index)?
            .to_bytes()
            .ok_or_else(|| scope.error(ErrorKind::TypeError, "offload: expected an ArrayBuffer"))?;
        buffers.push(bytes);
    }
    Ok(Cloned { json, buffers })
}

/// `offload(id, specifier, referrer, exportName, json, buffers)` → Promise<[ok, json, buffers]>.
fn offload<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let specifier = arg(scope, args, 1).to_string()?;
    // Stack frames name file modules by path; the module map knows them by file:// URL.
    let referrer = arg(scope, args, 2).to_string()?;
    let referrer = match url::Url::from_file_path(&referrer) {
        Ok(url) => url.to_string(),
        Err(()) => referrer,
    };
    let export = arg(scope, args, 3).to_string()?;
    let key = resolve(specifier, referrer)
        .map_err(|e| scope.error(ErrorKind::Error, &format!("Scheduler.offload: {e}")))?;
    let args = cloned(scope, args, 4)?;
    let pool = globals::offload()
        .ok_or_else(|| scope.error(ErrorKind::Error, "Scheduler.offload: there is no pool"))?;
    pool.submit(key, export, args, realm(scope)?.completion(id));
    Ok(scope.undefined())
}

/// The module key `specifier` names for `referrer`, resolved once per pair (as Node's module
/// loader caches resolutions): a resolution reads the file system, and a program offloads the
/// same function many times.
fn resolve(specifier: String, referrer: String) -> Result<String, modules::ModuleError> {
    static RESOLVED: LazyLock<Mutex<HashMap<(String, String), String>>> =
        LazyLock::new(Default::default);
    let resolved = || RESOLVED.lock().unwrap_or_else(|e| e.into_inner());
    let pair = (referrer, specifier);
    if let Some(key) = resolved().get(&pair) {
        return Ok(key.clone());
    }
    let key = modules::resolve(&pair.1, Some(&pair.0))?;
    resolved().insert(pair, key.clone());
    Ok(key)
}

/// `offloadReply(job, ok, json, buffers)`: a pooled realm's answer to job `job`.
fn offload_reply<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let job = number(scope, args, 0)? as u64;
    let ok = arg(scope, args, 1).to_bool();
    let result = cloned(scope, args, 2)?;
    if let Some(pool) = globals::offload() {
        pool.reply(job, ok, result);
    }
    Ok(scope.undefined())
}
