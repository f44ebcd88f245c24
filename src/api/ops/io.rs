//! Nexus.IO's native half: file devices and the encoding filter. Reads, writes and conversions
//! run as native tasks (`Realm::complete`) off the realm's lock; the `*Sync` variants run inline.

use super::Op;
use super::args::{arg, buffer_or_error, bytes_arg, io_error, number, realm};
use crate::api::resources::{self, Resource};
use crate::io::IoError;
use crate::io::encoding::Converter;
use crate::io::file::{FileDevice, Target};
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The ops of js/io.js.
pub const OPS: &[Op] = &[
    Op::sync("fileOpenRead", file_open_read),
    Op::sync("fileOpenWrite", file_open_write),
    Op::asynchronous("fileRead", file_read),
    Op::sync("fileReadSync", file_read_sync),
    Op::asynchronous("fileWrite", file_write),
    Op::sync("fileWriteSync", file_write_sync),
    Op::sync("fileSeek", file_seek),
    Op::sync("converterNew", converter_new),
    Op::asynchronous("converterProcess", converter_process),
    Op::sync("converterProcessSync", converter_process_sync),
    Op::sync("utf8Decode", utf8_decode),
    Op::sync("utf8Encode", utf8_encode),
];

/// Core ops (see `super::CORE`).
pub const CORE: &[Op] = &[Op::sync("release", release)];

impl Resource for Mutex<FileDevice> {
    fn kind() -> &'static str {
        "a file device"
    }

    fn close(&self) {
        self.lock().unwrap_or_else(|e| e.into_inner()).close();
    }
}

impl Resource for Mutex<Converter> {
    fn kind() -> &'static str {
        "an encoding filter"
    }
}

pub fn with_file<T>(
    file: &Mutex<FileDevice>,
    f: impl FnOnce(&mut FileDevice) -> Result<T, IoError>,
) -> Result<T, IoError> {
    f(&mut file.lock().unwrap_or_else(|e| e.into_inner()))
}

fn convert(converter: &Mutex<Converter>, bytes: &[u8], last: bool) -> Result<Vec<u8>, IoError> {
    let mut converter = converter.lock().unwrap_or_else(|e| e.into_inner());
    Ok(converter.convert(bytes, last))
}

/// `fileOpenRead(path)` → handle; throws when the file cannot be opened.
fn file_open_read<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let path = PathBuf::from(arg(scope, args, 0).to_string()?);
    let device = FileDevice::open_read(&path).map_err(|e| io_error(scope, &e))?;
    Ok(scope.number(resources::insert(Arc::new(Mutex::new(device))) as f64))
}

/// `fileOpenWrite(pathOrFd)` → handle: a path is created or truncated; 0, 1, 2 are the
/// standard streams.
fn file_open_write<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let target = arg(scope, args, 0);
    let target = if target.kind() == javascriptcore_sys::Kind::Number {
        match target.to_number()? as i64 {
            0 => Target::Stdin,
            1 => Target::Stdout,
            2 => Target::Stderr,
            fd => {
                return Err(scope.error(
                    ErrorKind::RangeError,
                    &format!("FileSinkDevice: fd {fd} is not 0, 1 or 2"),
                ));
            }
        }
    } else {
        Target::Path(PathBuf::from(target.to_string()?))
    };
    let device = FileDevice::open_write(target).map_err(|e| io_error(scope, &e))?;
    Ok(scope.number(resources::insert(Arc::new(Mutex::new(device))) as f64))
}

/// `fileRead(id, handle, n)` → Promise<[ArrayBuffer (empty at the end), at end]>: knowing the
/// end was reached spares the stream a read that could only come back empty.
fn file_read<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let file = resources::arg(scope, args, 1)?;
    let n = number(scope, args, 2)?.clamp(1.0, (64 << 20) as f64) as usize;
    realm(scope)?.complete(
        id,
        move || with_file(&file, |f| f.read(n)),
        |scope, read| {
            let (bytes, end) = read.map_err(|e| io_error(scope, &e))?;
            let parts = [scope.array_buffer(bytes)?.value(), scope.boolean(end)];
            Ok(scope.array(&parts)?.value())
        },
    );
    Ok(scope.undefined())
}

fn file_read_sync<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let file = resources::arg(scope, args, 0)?;
    let n = number(scope, args, 1)?.clamp(1.0, (64 << 20) as f64) as usize;
    buffer_or_error(
        scope,
        with_file(&file, |f| f.read(n).map(|(bytes, _)| bytes)),
    )
}

/// `fileWrite(id, handle, data)` → Promise<number of bytes>, all of them or a rejection.
fn file_write<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let file = resources::arg(scope, args, 1)?;
    let bytes = bytes_arg(scope, args, 2)?;
    realm(scope)?.complete(
        id,
        move || with_file(&file, |f| f.write(&bytes)),
        |scope, written| {
            written
                .map(|n| scope.number(n as f64))
                .map_err(|e| io_error(scope, &e))
        },
    );
    Ok(scope.undefined())
}

fn file_write_sync<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let file = resources::arg(scope, args, 0)?;
    let bytes = bytes_arg(scope, args, 1)?;
    let written = with_file(&file, |f| f.write(&bytes)).map_err(|e| io_error(scope, &e))?;
    Ok(scope.number(written as f64))
}

/// `fileSeek(handle, offset, whence)` → new position.
fn file_seek<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let file = resources::arg(scope, args, 0)?;
    let offset = number(scope, args, 1)? as i64;
    let whence = arg(scope, args, 2).to_string()?;
    let at = with_file(&file, |f| f.seek(offset, &whence)).map_err(|e| io_error(scope, &e))?;
    Ok(scope.number(at as f64))
}

/// `converterNew(from, to)` → handle; throws for an unknown encoding.
fn converter_new<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let from = arg(scope, args, 0).to_string()?;
    let to = arg(scope, args, 1).to_string()?;
    let converter =
        Converter::new(&from, &to).map_err(|e| scope.error(ErrorKind::RangeError, &e.message))?;
    Ok(scope.number(resources::insert(Arc::new(Mutex::new(converter))) as f64))
}

/// `converterProcess(id, handle, data, last)` → Promise<ArrayBuffer>.
fn converter_process<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let converter = resources::arg(scope, args, 1)?;
    let bytes = bytes_arg(scope, args, 2)?;
    let last = arg(scope, args, 3).to_bool();
    realm(scope)?.complete(
        id,
        move || convert(&converter, &bytes, last),
        buffer_or_error,
    );
    Ok(scope.undefined())
}

fn converter_process_sync<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let converter = resources::arg(scope, args, 0)?;
    let bytes = bytes_arg(scope, args, 1)?;
    let last = arg(scope, args, 2).to_bool();
    buffer_or_error(scope, convert(&converter, &bytes, last))
}

/// `release(handle)`: closes a device, socket, acceptor or server, or drops a filter; later uses
/// fail clearly.
fn release<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    if let Some(resource) = resources::remove(number(scope, args, 0)? as u64) {
        resource.close();
    }
    Ok(scope.undefined())
}

/// `utf8Decode(bytes)` → string; malformed sequences become U+FFFD.
fn utf8_decode<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let bytes = bytes_arg(scope, args, 0)?;
    Ok(scope.string(&String::from_utf8_lossy(&bytes)))
}

/// `utf8Encode(string)` → ArrayBuffer.
fn utf8_encode<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let text = arg(scope, args, 0).to_string()?;
    Ok(scope.array_buffer(text.into_bytes())?.value())
}
