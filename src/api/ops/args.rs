//! What every op file reads its arguments and context with, and how an I/O failure or a read's
//! bytes reach JS: the helpers the op files share, so no op file imports another's.

use crate::io::IoError;
use crate::realm::{self, Realm};
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::sync::Arc;

/// Argument `i`, or `undefined` when the call passed fewer.
pub fn arg<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> Value<'a> {
    args.get(i).copied().unwrap_or_else(|| scope.undefined())
}

pub fn number<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> JsResult<'a, f64> {
    arg(scope, args, i).to_number()
}

/// Argument `i` as a port: an integer from 0 to 65535.
pub fn port<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> JsResult<'a, u16> {
    let port = number(scope, args, i)?;
    if !(0.0..=65535.0).contains(&port) || port.fract() != 0.0 {
        return Err(scope.error(
            ErrorKind::RangeError,
            &format!("port must be an integer from 0 to 65535, got {port}"),
        ));
    }
    Ok(port as u16)
}

/// The promise id an async op gets first (see api/js/pending.js).
pub fn id<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, u64> {
    Ok(arg(scope, args, 0).to_number()? as u64)
}

/// The realm the op runs in.
pub fn realm<'a>(scope: &'a Scope<'a>) -> JsResult<'a, Arc<Realm>> {
    realm::current()
        .ok_or_else(|| scope.error(ErrorKind::Error, "no realm is running on this thread"))
}

pub fn bytes_arg<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> JsResult<'a, Vec<u8>> {
    let value = arg(scope, args, i);
    if value.kind() == javascriptcore_sys::Kind::String {
        return Ok(value.to_string()?.into_bytes());
    }
    value.to_bytes().ok_or_else(|| {
        scope.error(
            ErrorKind::TypeError,
            "expected an ArrayBuffer, a typed array or a string",
        )
    })
}

/// An Error with the I/O failure's message and `code` (ENOENT, …).
pub fn io_error<'a>(scope: &'a Scope<'a>, error: &IoError) -> Value<'a> {
    let value = scope.error(ErrorKind::Error, &error.message);
    if let Some(object) = value.as_object() {
        let _ = object.set("code", scope.string(error.code));
    }
    value
}

pub fn buffer_or_error<'a>(
    scope: &'a Scope<'a>,
    result: Result<Vec<u8>, IoError>,
) -> JsResult<'a, Value<'a>> {
    match result {
        Ok(bytes) => Ok(scope.array_buffer(bytes)?.value()),
        Err(e) => Err(io_error(scope, &e)),
    }
}
