//! Nexus.FileSystem's native half; every call runs as a native task.

use super::Op;
use super::args::{arg, io_error, realm};
use crate::io::fs;
use javascriptcore_sys::{JsResult, Kind, Scope, Value};
use std::path::PathBuf;

/// The ops of js/fs.js.
pub const OPS: &[Op] = &[
    Op::asynchronous("fsStat", stat),
    Op::asynchronous("fsReadFile", read_file),
    Op::asynchronous("fsWriteFile", write_file),
    Op::asynchronous("fsReaddir", readdir),
    Op::asynchronous("fsMkdir", mkdir),
    Op::asynchronous("fsRemove", remove),
];

fn path_args<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, (f64, PathBuf)> {
    Ok((
        arg(scope, args, 0).to_number()?,
        PathBuf::from(arg(scope, args, 1).to_string()?),
    ))
}

/// `fsStat(id, path)` → Promise<[type, permissions, size, lastModified ms]>: one array, which
/// costs less to make than an object's four named properties (fs.js names them).
fn stat<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let (id, path) = path_args(scope, args)?;
    realm(scope)?.complete(
        id,
        move || fs::stat(&path),
        |scope, stat| {
            let stat = stat.map_err(|e| io_error(scope, &e))?;
            let fields = [
                scope.string(stat.kind.name()),
                scope.number(f64::from(stat.permissions)),
                scope.number(stat.size as f64),
                scope.number(stat.modified_ms),
            ];
            Ok(scope.array(&fields)?.value())
        },
    );
    Ok(scope.undefined())
}

/// `fsReadFile(id, path)` → Promise<ArrayBuffer>.
fn read_file<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let (id, path) = path_args(scope, args)?;
    realm(scope)?.complete(
        id,
        move || fs::read_file(&path),
        |scope, bytes| match bytes {
            Ok(bytes) => Ok(scope.array_buffer(bytes)?.value()),
            Err(e) => Err(io_error(scope, &e)),
        },
    );
    Ok(scope.undefined())
}

/// `fsWriteFile(id, path, data)`: data is a string (written as UTF-8) or bytes.
fn write_file<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let (id, path) = path_args(scope, args)?;
    let data = arg(scope, args, 2);
    let bytes = if data.kind() == Kind::String {
        data.to_string()?.into_bytes()
    } else {
        data.to_bytes().ok_or_else(|| {
            scope.error(
                javascriptcore_sys::ErrorKind::TypeError,
                "writeFile: data must be a string, an ArrayBuffer or a typed array",
            )
        })?
    };
    realm(scope)?.complete(id, move || fs::write_file(&path, &bytes), unit);
    Ok(scope.undefined())
}

fn unit<'a>(scope: &'a Scope<'a>, done: Result<(), crate::io::IoError>) -> JsResult<'a, Value<'a>> {
    done.map(|()| scope.undefined())
        .map_err(|e| io_error(scope, &e))
}

/// `fsReaddir(id, path)` → Promise<string[]>, sorted.
fn readdir<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let (id, path) = path_args(scope, args)?;
    realm(scope)?.complete(
        id,
        move || fs::readdir(&path),
        |scope, names| {
            let names = names.map_err(|e| io_error(scope, &e))?;
            Ok(scope
                .array_from(names.iter().map(|n| scope.string(n)))?
                .value())
        },
    );
    Ok(scope.undefined())
}

/// `fsMkdir(id, path, recursive)`.
fn mkdir<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let (id, path) = path_args(scope, args)?;
    let recursive = arg(scope, args, 2).to_bool();
    realm(scope)?.complete(id, move || fs::mkdir(&path, recursive), unit);
    Ok(scope.undefined())
}

/// `fsRemove(id, path)`: a file, or a directory and its contents.
fn remove<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let (id, path) = path_args(scope, args)?;
    realm(scope)?.complete(id, move || fs::remove(&path), unit);
    Ok(scope.undefined())
}
