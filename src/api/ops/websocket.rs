//! The WebSocket server's native half: `connection.upgrade()` answers 101 and hands the HTTP
//! connection to a WebSocket session (`net/http/connection/upgrade.rs`); frames are read, checked,
//! joined and written natively, and JS hears of whole messages and the close through
//! `dispatch.websocket`, a batch per pump. The socket keeps its HTTP connection's handle.

use super::Op;
use super::args::{arg, bytes_arg, io_error, number, realm};
use crate::api::dispatch::WEBSOCKET;
use crate::api::resources;
use crate::net::http::connection::{Connection, UpgradeOptions};
use crate::net::websocket::{Event, Listener};
use crate::realm::Realm;
use crate::scheduler::Priority;
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::sync::Arc;
use std::time::Duration;

/// The ops of js/websocket.js.
pub const OPS: &[Op] = &[
    Op::sync("wsUpgrade", ws_upgrade),
    Op::sync("wsSend", ws_send),
    Op::sync("wsPing", ws_ping),
    Op::sync("wsClose", ws_close),
];

/// Hands one socket's events to its realm's JS side.
struct ToRealm {
    realm: Arc<Realm>,
    handle: f64,
}

impl Listener for ToRealm {
    fn events(&self, events: Vec<Event>) {
        let handle = self.handle;
        let call = self.realm.clone();
        self.realm.push(Priority::High, move |scope| {
            // [kind, value, detail] per event: 0 text, 1 binary, 2 a clean close, 3 another.
            let mut flat = Vec::with_capacity(events.len() * 3);
            for event in events {
                let (kind, value, detail) = match event {
                    Event::Text(text) => (0.0, scope.string(&text), scope.undefined()),
                    Event::Binary(bytes) => match scope.array_buffer(bytes) {
                        Ok(buffer) => (1.0, buffer.value(), scope.undefined()),
                        Err(_) => return,
                    },
                    Event::Closed(close) => (
                        if close.clean { 2.0 } else { 3.0 },
                        scope.number(f64::from(close.code)),
                        scope.string(&close.reason),
                    ),
                };
                flat.extend([scope.number(kind), value, detail]);
            }
            let Ok(batch) = scope.array(&flat) else {
                return;
            };
            call.call(scope, &WEBSOCKET, &[scope.number(handle), batch.value()]);
        });
    }
}

/// Lines of a string argument joined by '\n', none when empty.
fn lines<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> JsResult<'a, Vec<String>> {
    let text = arg(scope, args, i).to_string()?;
    Ok(text
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// `wsUpgrade(connection, method, minor, headers, protocols, deflate, maxMessage, idleMs)` →
/// `[protocol, extensions]`; `headers` are `name\nvalue` lines, `protocols` lines. A request that
/// is no valid upgrade is answered (400 or 426) and throws an Error naming why, with `status`.
fn ws_upgrade<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let connection = resources::arg::<Connection>(scope, args, 0)?;
    let handle = number(scope, args, 0)?;
    let method = arg(scope, args, 1).to_string()?;
    let minor = number(scope, args, 2)? as u8;
    let flat = arg(scope, args, 3).to_string()?;
    let flat: Vec<&str> = flat.split('\n').collect();
    let headers: Vec<(String, String)> = flat
        .chunks_exact(2)
        .map(|pair| (pair[0].to_string(), pair[1].to_string()))
        .collect();
    let idle = number(scope, args, 7)?;
    let options = UpgradeOptions {
        protocols: lines(scope, args, 4)?,
        deflate: arg(scope, args, 5).to_bool(),
        max_message: number(scope, args, 6)?.clamp(1.0, (1u64 << 40) as f64) as usize,
        idle: (idle > 0.0).then(|| Duration::from_millis(idle.min(1e12) as u64)),
    };
    let listener = Arc::new(ToRealm {
        realm: realm(scope)?,
        handle,
    });
    match connection.upgrade((&method, minor, &headers), options, listener) {
        Ok(agreed) => Ok(scope
            .array(&[
                scope.string(&agreed.protocol),
                scope.string(&agreed.extensions),
            ])?
            .value()),
        Err(refusal) => {
            let error = scope.error(
                ErrorKind::Error,
                &format!(
                    "WebSocket upgrade refused ({}): {}",
                    refusal.status, refusal.reason
                ),
            );
            if let Some(object) = error.as_object() {
                object.set("status", scope.number(f64::from(refusal.status)))?;
            }
            Err(error)
        }
    }
}

/// `wsSend(connection, data, text)` → true while under the high-water mark (else wait with
/// `httpDrain`); throws once the socket is closing.
fn ws_send<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let connection = resources::arg::<Connection>(scope, args, 0)?;
    let payload = bytes_arg(scope, args, 1)?;
    let text = arg(scope, args, 2).to_bool();
    let under = connection
        .websocket_send(text, &payload)
        .map_err(|e| io_error(scope, &e))?;
    Ok(scope.boolean(under))
}

/// `wsPing(connection, data)` → as `wsSend`.
fn ws_ping<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let connection = resources::arg::<Connection>(scope, args, 0)?;
    let payload = bytes_arg(scope, args, 1)?;
    let under = connection
        .websocket_ping(&payload)
        .map_err(|e| io_error(scope, &e))?;
    Ok(scope.boolean(under))
}

/// `wsClose(connection, code, reason)`: starts the close handshake (JS checked the code).
fn ws_close<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    if let Ok(connection) = resources::arg::<Connection>(scope, args, 0) {
        let code = number(scope, args, 1)? as u16;
        let reason = arg(scope, args, 2).to_string()?;
        connection.websocket_close(code, &reason);
    }
    Ok(scope.undefined())
}
