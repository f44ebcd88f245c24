//! What every op file reads its arguments and context with, and how an I/O failure or a read's
//! bytes reach JS: the helpers the op files share, so no op file imports another's.

use crate::io::IoError;
use crate::net::piece::Piece;
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

/// Argument `i` as bytes: a string's UTF-8, or a copy of an ArrayBuffer's or a view's (a typed
/// array or a DataView).
pub fn bytes_arg<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> JsResult<'a, Vec<u8>> {
    Ok(match bytes_in_place(scope, args, i)? {
        Bytes::Text(text) => text,
        Bytes::Buffer(buffer, _) => buffer.to_bytes().unwrap_or_default(),
    })
}

/// Argument `i` as bytes left where JS keeps them when it is a buffer, for a native write that
/// copies them once, into its own output.
pub fn bytes_in_place<'a>(
    scope: &'a Scope<'a>,
    args: &[Value<'a>],
    i: usize,
) -> JsResult<'a, Bytes<'a>> {
    let value = arg(scope, args, i);
    if value.kind() == javascriptcore_sys::Kind::String {
        return Ok(Bytes::Text(value.to_string()?.into_bytes()));
    }
    match value.byte_length() {
        Some(len) => Ok(Bytes::Buffer(value, len)),
        None => Err(scope.error(
            ErrorKind::TypeError,
            "expected an ArrayBuffer, a typed array, a DataView or a string",
        )),
    }
}

/// A bytes argument (see [`bytes_in_place`]): a string's UTF-8, or a buffer and its length.
/// Invariant: no JS runs while one lives, so the buffer keeps that length.
pub enum Bytes<'a> {
    Text(Vec<u8>),
    Buffer(Value<'a>, usize),
}

impl Piece for Bytes<'_> {
    fn byte_len(&self) -> usize {
        match self {
            Bytes::Text(text) => text.len(),
            Bytes::Buffer(_, len) => *len,
        }
    }
    fn write_to(&self, out: &mut Vec<u8>) {
        match self {
            Bytes::Text(text) => out.extend_from_slice(text),
            Bytes::Buffer(buffer, _) => {
                buffer.append_bytes(out);
            }
        }
    }
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
