//! WebSocket's native half. The server's: `connection.upgrade()` answers 101 and hands the HTTP
//! connection to a WebSocket session (`net/http/connection/upgrade.rs`); the socket keeps its
//! HTTP connection's handle. The client's (the global `WebSocket`): `net/websocket/client.rs`
//! over the fetch client's connection. Frames are read, checked, joined and written natively;
//! JS hears of whole messages and the close through `dispatch.websocket` (the server's) and
//! `dispatch.websocketClient`, a batch at a time.

use super::Op;
use super::args::{arg, bytes_arg, bytes_in_place, io_error, number, realm};
use crate::api::dispatch::{WEBSOCKET, WEBSOCKET_CLIENT};
use crate::api::resources::{self, Resource};
use crate::net::client::dial::Route;
use crate::net::client::proxy::proxy_for;
use crate::net::http::connection::{Connection, UpgradeOptions};
use crate::net::websocket::backlog::Receipt;
use crate::net::websocket::client::{self, Client};
use crate::net::websocket::{Event, Listener};
use crate::realm::{Callback, Realm};
use crate::scheduler::Priority;
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The ops of js/websocket.js.
pub const OPS: &[Op] = &[
    Op::sync("wsUpgrade", ws_upgrade),
    Op::sync("wsSend", ws_send),
    Op::sync("wsPing", ws_ping),
    Op::sync("wsClose", ws_close),
];

/// The ops of js/websocket_client.js.
pub const CLIENT: &[Op] = &[
    Op::asynchronous("wsConnect", ws_connect),
    Op::sync("wsClientSend", ws_client_send),
    Op::sync("wsClientClose", ws_client_close),
    Op::sync("wsClientBuffered", ws_client_buffered),
];

/// Hands one socket's events to its realm's JS side, through `callback`.
struct ToRealm {
    realm: Arc<Realm>,
    /// Set before the first event is delivered (a client's once it is open).
    handle: Arc<OnceLock<f64>>,
    callback: &'static Callback,
}

impl Listener for ToRealm {
    fn events(&self, events: Vec<Event>, receipt: Receipt) {
        let (handle, callback) = (self.handle.clone(), self.callback);
        let call = self.realm.clone();
        self.realm.push(Priority::High, move |scope| {
            // Dropped when this task ends: its messages' handlers have run.
            let _receipt = receipt;
            let Some(&handle) = handle.get() else {
                return;
            };
            // [kind, value, detail] per event: 0 text, 1 binary, 2 a clean close, 3 another.
            // Each value goes into the array as it is made (array_from): a value waiting in a
            // Rust Vec is out of the collector's sight.
            let batch = scope.array_from(events.into_iter().flat_map(|event| {
                match event {
                    Event::Text(text) => {
                        [scope.number(0.0), scope.string(&text), scope.undefined()]
                    }
                    Event::Binary(bytes) => [
                        scope.number(1.0),
                        scope
                            .array_buffer(bytes)
                            .map_or_else(|_| scope.undefined(), |buffer| buffer.value()),
                        scope.undefined(),
                    ],
                    Event::Closed(close) => [
                        scope.number(if close.clean { 2.0 } else { 3.0 }),
                        scope.number(f64::from(close.code)),
                        scope.string(&close.reason),
                    ],
                }
            }));
            let Ok(batch) = batch else {
                return;
            };
            call.call(scope, callback, &[scope.number(handle), batch.value()]);
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
        .as_chunks::<2>()
        .0
        .iter()
        .map(|[name, value]| (name.to_string(), value.to_string()))
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
        handle: Arc::new(OnceLock::from(handle)),
        callback: &WEBSOCKET,
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
    let payload = bytes_in_place(scope, args, 1)?;
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

impl Resource for Client {
    fn kind() -> &'static str {
        "a WebSocket"
    }

    fn close(&self) {}
}

/// `wsConnect(id, url, protocols, maxMessage)` → Promise<[handle, protocol, extensions]>;
/// `url` is a ws: or wss: URL JS has checked, `protocols` lines. Through a proxy the socket is
/// always a CONNECT tunnel: a plain proxy may not pass an upgrade on.
fn ws_connect<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let text = arg(scope, args, 1).to_string()?;
    let protocols = lines(scope, args, 2)?;
    let max_message = number(scope, args, 3)?.clamp(1.0, (1u64 << 40) as f64) as usize;
    let url = url::Url::parse(&text)
        .map_err(|e| scope.error(ErrorKind::SyntaxError, &format!("{text}: {e}")))?;
    let secure = url.scheme() == "wss";
    let host = url.host_str().unwrap_or_default().to_string();
    let port = url
        .port_or_known_default()
        .unwrap_or(if secure { 443 } else { 80 });
    // The proxy of the http(s): URL the socket stands for.
    let mut web = url.clone();
    let _ = web.set_scheme(if secure { "https" } else { "http" });
    let proxy = proxy_for(&web).map_err(|e| scope.error(ErrorKind::Error, &e))?;
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    };
    let route = Route {
        host: proxy.as_ref().map_or(host.clone(), |p| {
            p.host_str().unwrap_or_default().to_string()
        }),
        port: proxy
            .as_ref()
            .map_or(port, |p| p.port_or_known_default().unwrap_or(80)),
        tunnel: proxy.is_some().then(|| format!("{host}:{port}")),
        tls: secure.then(|| host.trim_matches(['[', ']']).to_string()),
        tls_config: None,
    };
    let mut target = url.path().to_string();
    if let Some(query) = url.query() {
        target = format!("{target}?{query}");
    }
    let request = client::Request {
        route,
        host: authority,
        target,
        protocols,
        max_message,
    };
    let realm = realm(scope)?;
    let completion = realm.completion(id);
    // Its events are delivered after the open, which gives the socket its handle.
    let handle = Arc::new(OnceLock::new());
    let listener = Arc::new(ToRealm {
        realm: realm.clone(),
        handle: handle.clone(),
        callback: &WEBSOCKET_CLIENT,
    });
    Client::open(
        &realm.scheduler,
        request,
        listener,
        Box::new(move |opened| {
            completion.settle(opened, move |scope, opened| match opened {
                Ok((client, answer)) => {
                    let id = *handle.get_or_init(|| resources::insert(client) as f64);
                    Ok(scope
                        .array(&[
                            scope.number(id),
                            scope.string(&answer.protocol),
                            scope.string(&answer.extensions),
                        ])?
                        .value())
                }
                Err(why) => Err(scope.error(ErrorKind::Error, &why)),
            })
        }),
    );
    Ok(scope.undefined())
}

/// `wsClientSend(client, data, text)` → false once a close was started.
fn ws_client_send<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let client = resources::arg::<Client>(scope, args, 0)?;
    let payload = bytes_arg(scope, args, 1)?;
    let text = arg(scope, args, 2).to_bool();
    Ok(scope.boolean(client.send(text, &payload)))
}

/// `wsClientClose(client, code, reason)`: starts the close handshake (JS checked the code).
fn ws_client_close<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let client = resources::arg::<Client>(scope, args, 0)?;
    let code = number(scope, args, 1)? as u16;
    let reason = arg(scope, args, 2).to_string()?;
    client.close(code, &reason);
    Ok(scope.undefined())
}

/// `wsClientBuffered(client)` → bytes sent and not yet written to the socket.
fn ws_client_buffered<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let client = resources::arg::<Client>(scope, args, 0)?;
    Ok(scope.number(client.buffered() as f64))
}
