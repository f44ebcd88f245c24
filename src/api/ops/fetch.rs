//! `fetch`'s native half: one [`Fetch`] per request (the handle JS holds, released when the
//! body ends or the request is aborted) and the async ops that move it along. Redirects,
//! `Request`/`Response` and signals are js/fetch.js's.

use super::Op;
use super::args::{arg, bytes_arg, number, realm};
use crate::api::resources::{self, Resource};
use crate::net::client::connection::Done;
use crate::net::client::error::FetchError;
use crate::net::client::exchange::ResponseHead;
use crate::net::client::fetch::{Fetch, RequestBody};
use crate::realm::Completion;
use javascriptcore_sys::{ErrorKind, JsResult, Kind, Scope, Value};
use std::cell::RefCell;
use url::Url;

/// The ops of js/fetch.js.
pub const OPS: &[Op] = &[
    Op::sync("fetchCreate", fetch_create),
    Op::asynchronous("fetchOpen", fetch_open),
    Op::asynchronous("fetchSend", fetch_send),
    Op::asynchronous("fetchHead", fetch_head),
    Op::asynchronous("fetchOpenHead", fetch_open_head),
    Op::sync("fetchTake", fetch_take),
    Op::sync("fetchTakeWhole", fetch_take_whole),
    Op::asynchronous("fetchRead", fetch_read),
];

impl Resource for Fetch {
    fn kind() -> &'static str {
        "a fetch"
    }

    fn close(&self) {
        self.abort();
    }
}

/// An Error whose `code` (and `address`/`port`, or `hostname`) say why, as undici's `cause`.
pub fn fetch_error<'a>(scope: &'a Scope<'a>, error: &FetchError) -> Value<'a> {
    let value = scope.error(ErrorKind::Error, &error.message);
    if let Some(object) = value.as_object() {
        let _ = object.set("code", scope.string(error.code));
        if let Some(address) = error.address {
            let _ = object.set("address", scope.string(&address.ip().to_string()));
            let _ = object.set("port", scope.number(address.port() as f64));
        }
        if let Some(host) = &error.host {
            let _ = object.set("hostname", scope.string(host));
        }
    }
    value
}

/// Fulfils `completion` with undefined, or rejects it with the failure.
fn settle_done(completion: Completion) -> Done<()> {
    Box::new(move |done| {
        completion.settle(done, |scope, done| match done {
            Ok(()) => Ok(scope.undefined()),
            Err(e) => Err(fetch_error(scope, &e)),
        })
    })
}

/// `fetchCreate(method, url, [name, value, ...], body)` → handle; `body` is null, bytes, or
/// the length of a body sent later through fetchSend (-1: unknown, sent chunked).
fn fetch_create<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let method = arg(scope, args, 0).to_string()?;
    let url = arg(scope, args, 1).to_string()?;
    let url = parsed(&url)
        .map_err(|e| scope.error(ErrorKind::TypeError, &format!("invalid URL {url}: {e}")))?;
    let flat = arg(scope, args, 2).to_object()?;
    let length = flat.get("length")?.to_number()? as u32;
    let mut headers = Vec::with_capacity(length as usize / 2);
    for i in (0..length.saturating_sub(1)).step_by(2) {
        let name = flat.get_index(i)?.to_string()?;
        let value = flat.get_index(i + 1)?.to_string()?;
        headers.push((name, value));
    }
    let body = arg(scope, args, 3);
    let body = if body.is_nullish() {
        RequestBody::Empty
    } else if body.kind() == Kind::Number {
        let n = body.to_number()?;
        RequestBody::Stream((n >= 0.0).then_some(n as u64))
    } else {
        RequestBody::Bytes(bytes_arg(scope, args, 3)?)
    };
    let scheduler = realm(scope)?.scheduler.clone();
    let fetch = Fetch::new(&scheduler, &method, &url, &headers, body)
        .map_err(|e| fetch_error(scope, &e))?;
    Ok(scope.number(resources::insert(std::sync::Arc::new(fetch)) as f64))
}

/// `href` parsed, or this thread's last parse when it was of the same href: a client fetches
/// the same few URLs again and again (js/url.js remembers its parses too).
fn parsed(href: &str) -> Result<Url, url::ParseError> {
    thread_local! {
        static LAST: RefCell<Option<Url>> = const { RefCell::new(None) };
    }
    LAST.with(|last| {
        if let Some(url) = &*last.borrow()
            && url.as_str() == href
        {
            return Ok(url.clone());
        }
        let url = Url::parse(href)?;
        *last.borrow_mut() = Some(url.clone());
        Ok(url)
    })
}

/// `fetchOpen(id, handle)` → Promise: connected, and the head (and a bytes body) sent.
fn fetch_open<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let fetch = resources::arg::<Fetch>(scope, args, 1)?;
    fetch.open(settle_done(realm(scope)?.completion(id)));
    Ok(scope.undefined())
}

/// `fetchSend(id, handle, bytes | null)` → Promise: a piece of a streamed body sent (null: its
/// end).
fn fetch_send<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let fetch = resources::arg::<Fetch>(scope, args, 1)?;
    let piece = match arg(scope, args, 2).is_nullish() {
        true => None,
        false => Some(bytes_arg(scope, args, 2)?),
    };
    fetch.send(piece, settle_done(realm(scope)?.completion(id)));
    Ok(scope.undefined())
}

/// `fetchHead(id, handle)` → Promise<[status, statusText, [name, value, ...]]>.
fn fetch_head<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let fetch = resources::arg::<Fetch>(scope, args, 1)?;
    fetch.head(settle_head(realm(scope)?.completion(id)));
    Ok(scope.undefined())
}

/// `fetchOpenHead(id, handle)` → what fetchOpen then fetchHead give, for a body known now.
fn fetch_open_head<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let fetch = resources::arg::<Fetch>(scope, args, 1)?;
    fetch.open_and_head(settle_head(realm(scope)?.completion(id)));
    Ok(scope.undefined())
}

/// `fetchTake(handle)` → Uint8Array (decoded bytes here now), null (the body's end) or
/// undefined (a read must wait: fetchRead).
fn fetch_take<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let fetch = resources::arg::<Fetch>(scope, args, 0)?;
    match fetch.take() {
        Some(Some(bytes)) => Ok(scope.uint8_array(bytes)?.value()),
        Some(None) => Ok(scope.null()),
        None => Ok(scope.undefined()),
    }
}

/// `fetchTakeWhole(handle)` → Uint8Array, the whole body if it is here already (it came with
/// the head), else undefined.
fn fetch_take_whole<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let fetch = resources::arg::<Fetch>(scope, args, 0)?;
    match fetch.take_whole() {
        Some(bytes) => Ok(scope.uint8_array(bytes)?.value()),
        None => Ok(scope.undefined()),
    }
}

/// Fulfils `completion` with `[status, statusText, [name, value, ...]]`, or rejects it.
fn settle_head(completion: Completion) -> Done<ResponseHead> {
    Box::new(move |head| {
        completion.settle(head, |scope, head| {
            let head = head.map_err(|e| fetch_error(scope, &e))?;
            let headers = scope.array_from(
                head.headers
                    .iter()
                    .flat_map(|(name, value)| [scope.string(name), scope.string(value)]),
            )?;
            let parts = [
                scope.number(head.status as f64),
                scope.string(&head.reason),
                headers.value(),
            ];
            Ok(scope.array(&parts)?.value())
        })
    })
}

/// `fetchRead(id, handle)` → Promise<Uint8Array | null>: the next decoded piece of the body,
/// null at its end.
fn fetch_read<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let fetch = resources::arg::<Fetch>(scope, args, 1)?;
    let completion = realm(scope)?.completion(id);
    fetch.read(Box::new(move |read| {
        completion.settle(read, |scope, read| match read {
            Ok(Some(bytes)) => Ok(scope.uint8_array(bytes)?.value()),
            Ok(None) => Ok(scope.null()),
            Err(e) => Err(fetch_error(scope, &e)),
        })
    }));
    Ok(scope.undefined())
}
