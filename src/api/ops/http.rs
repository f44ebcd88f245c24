//! Nexus.Net.HTTP's native half. Connections parse, frame and time out natively (`net/http/`);
//! JS hears of each request through `dispatch.request` and answers through these ops.

use super::Op;
use super::args::{arg, buffer_or_error, bytes_in_place, io_error, number, realm};
use super::io::with_file;
use super::net::with_binding;
use super::tls::server_config;
use crate::api::dispatch::{CLIENT_ERROR, REQUEST};
use crate::api::resources::{self, Resource};
use crate::io::IoError;
use crate::net::http::connection::Connection;
use crate::net::http::parse::RequestHead;
use crate::net::http::server::{Handler, Server, Timeouts};
use crate::realm::Realm;
use crate::scheduler::Priority;
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The ops of js/http.js.
pub const OPS: &[Op] = &[
    Op::sync("httpListen", http_listen),
    Op::asynchronous("httpClose", http_close),
    Op::sync("httpRespond", http_respond),
    Op::sync("httpEnd", http_end),
    Op::sync("httpAbort", http_abort),
    Op::asynchronous("httpDrain", http_drain),
    Op::asynchronous("httpPipeFile", http_pipe_file),
    Op::asynchronous("httpRead", http_read),
];

/// Hands a server's requests and client errors to its realm's JS side.
struct ToRealm {
    realm: Arc<Realm>,
    acceptor: f64,
}

impl Handler for ToRealm {
    fn request(&self, connection: &Arc<Connection>, head: RequestHead) {
        let acceptor = self.acceptor;
        // A connection gets its handle when it first reaches JS, and keeps it while it lives.
        let handle = *connection
            .token
            .get_or_init(|| resources::insert(connection.clone())) as f64;
        let connection = connection.clone();
        let call = self.realm.clone();
        self.realm.push(Priority::High, move |scope| {
            // The method, the field names, Host and the peer come from the realm's kept strings.
            let strings = call.strings.with(|cache| {
                let headers = scope.array_from(head.headers.iter().flat_map(|(name, value)| {
                    let value = match name.eq_ignore_ascii_case("host") {
                        true => cache.host(scope, value),
                        false => scope.string(value),
                    };
                    [cache.name(scope, name), value]
                }));
                let method = cache.name(scope, &head.method);
                let peer = cache.peer(scope, &connection.peer_ip);
                headers.map(|headers| (headers, method, peer))
            });
            let Ok((headers, method, peer)) = strings else {
                return;
            };
            let args = [
                scope.number(acceptor),
                scope.number(handle),
                method,
                scope.string(&head.target),
                scope.number(head.minor_version as f64),
                headers.value(),
                peer,
                scope.number(connection.peer.port() as f64),
            ];
            call.call(scope, &REQUEST, &args);
        });
    }

    fn client_error(&self, peer: SocketAddr, status: u16, reason: &str) {
        let acceptor = self.acceptor;
        let reason = reason.to_string();
        let call = self.realm.clone();
        self.realm.push(Priority::Low, move |scope| {
            let args = [
                scope.number(acceptor),
                scope.number(status as f64),
                scope.string(&reason),
                scope.string(&peer.ip().to_string()),
                scope.number(peer.port() as f64),
            ];
            call.call(scope, &CLIENT_ERROR, &args);
        });
    }

    fn closed(&self, connection: &Connection) {
        if let Some(&handle) = connection.token.get() {
            resources::remove(handle);
        }
    }
}

impl Resource for Server {
    fn kind() -> &'static str {
        "an HTTP server"
    }

    fn close(&self) {
        Server::close(self);
    }
}

/// Has no `close`: it leaves the table when its socket closes (see `ToRealm::closed`).
impl Resource for Connection {
    fn kind() -> &'static str {
        "an HTTP connection"
    }
}

fn millis<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> JsResult<'a, Duration> {
    let ms = number(scope, args, i)?;
    if ms.is_nan() || ms <= 0.0 {
        return Err(scope.error(
            ErrorKind::RangeError,
            &format!("a timeout must be a positive number of milliseconds, got {ms}"),
        ));
    }
    Ok(Duration::from_millis(ms.min(1e12) as u64))
}

/// `httpListen(acceptor, limit, headersTimeout, keepAliveTimeout, certificates)` → server
/// handle; HTTPS (ALPN `http/1.1`) with a certificate set, else null.
fn http_listen<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let handle = number(scope, args, 0)?;
    let limit = number(scope, args, 1)?.clamp(1.0, 1e6) as usize;
    let timeouts = Timeouts {
        headers: millis(scope, args, 2)?,
        keep_alive: millis(scope, args, 3)?,
    };
    let tls = server_config(scope, args, 4, &[b"http/1.1"])?;
    let handler = ToRealm {
        realm: realm(scope)?,
        acceptor: handle,
    };
    let scheduler = handler.realm.scheduler.clone();
    let server = with_binding(scope, args, 0, |b| {
        Server::listen(b, limit, timeouts, scheduler, Box::new(handler), tls)
    })?
    .map_err(|e| io_error(scope, &e))?;
    Ok(scope.number(resources::insert(server) as f64))
}

/// `httpClose(id, server, timeout)`: stops the server's connections taking new requests (idle
/// ones close now) and settles once the last one has closed; a `timeout` of 0 or more
/// milliseconds cuts what is still open then. (Accepting stops when JS releases the binding.)
fn http_close<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let server = resources::arg::<Server>(scope, args, 1)?;
    let timeout = number(scope, args, 2)?;
    let realm = realm(scope)?;
    let scheduler = realm.scheduler.clone();
    let cut = (timeout >= 0.0).then(|| {
        let (server, pool) = (server.clone(), scheduler.clone());
        let delay = Duration::from_millis(timeout.min(1e12) as u64);
        // A timer only queues work: cutting inside it would let go of the connections' holds
        // before the close is settled, and the runtime could go idle in between.
        scheduler.timer(delay, None, move |_| {
            let server = server.clone();
            pool.spawn(Priority::High, move || server.cut());
        })
    });
    let completion = realm.completion(id);
    server.close();
    server.when_closed(Box::new(move || {
        if let Some(key) = cut {
            scheduler.cancel_timer(key);
        }
        completion.settle((), |scope, ()| Ok(scope.undefined()));
    }));
    Ok(scope.undefined())
}

/// Header lines `name:value` joined by `\n`, as the JS side validated and joined them.
fn headers<'a>(
    scope: &'a Scope<'a>,
    args: &[Value<'a>],
    i: usize,
) -> JsResult<'a, Vec<(String, String)>> {
    let text = arg(scope, args, i).to_string()?;
    Ok(text
        .split('\n')
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect())
}

fn status<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> JsResult<'a, u16> {
    Ok(number(scope, args, i)?.clamp(100.0, 999.0) as u16)
}

/// `httpRespond(connection, status, headers, body, last)` → true while under the high-water
/// mark (else wait with `httpDrain`); throws once the client is gone.
fn http_respond<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let connection = resources::arg::<Connection>(scope, args, 0)?;
    let status = status(scope, args, 1)?;
    let headers = headers(scope, args, 2)?;
    let body = bytes_in_place(scope, args, 3)?;
    let last = arg(scope, args, 4).to_bool();
    let under = connection
        .respond(status, &headers, &body, last)
        .map_err(|e| io_error(scope, &e))?;
    Ok(scope.boolean(under))
}

/// `httpEnd(connection, status, headers)`: ends the response and the exchange.
fn http_end<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let connection = resources::arg::<Connection>(scope, args, 0)?;
    let status = status(scope, args, 1)?;
    let headers = headers(scope, args, 2)?;
    connection.end(status, &headers);
    Ok(scope.undefined())
}

/// `httpAbort(connection)`: closes without finishing the response (the handler failed).
fn http_abort<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    if let Ok(connection) = resources::arg::<Connection>(scope, args, 0) {
        connection.abort();
    }
    Ok(scope.undefined())
}

/// `httpDrain(id, connection)` → Promise resolved once the output is under the high-water mark.
fn http_drain<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let connection = resources::arg::<Connection>(scope, args, 1)?;
    let completion = realm(scope)?.completion(id);
    connection.drain(Box::new(move |drained| {
        completion.settle(drained, |scope, drained| match drained {
            Ok(()) => Ok(scope.undefined()),
            Err(e) => Err(io_error(scope, &e)),
        })
    }));
    Ok(scope.undefined())
}

/// `httpRead(id, connection, n)` → Promise<ArrayBuffer> of request body (empty at its end).
fn http_read<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let connection = resources::arg::<Connection>(scope, args, 1)?;
    let n = number(scope, args, 2)?.clamp(1.0, (16 << 20) as f64) as usize;
    let completion = realm(scope)?.completion(id);
    connection.read_body(
        n,
        Box::new(move |read| completion.settle(read, buffer_or_error)),
    );
    Ok(scope.undefined())
}

/// `httpPipeFile(id, connection, status, headers, file, n)` → Promise<whether the file ended,
/// or the read's Error>: up to `n` bytes of a file device become the response's next piece,
/// read and written off the realm's lock. A failed read fulfills with its error (the response
/// is not at fault, as with a stream's failed read); a failed write rejects. The bytes go out
/// with what the JS task that hears of them writes (see `Connection::respond_later`).
fn http_pipe_file<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let connection = resources::arg::<Connection>(scope, args, 1)?;
    let status = status(scope, args, 2)?;
    let headers = headers(scope, args, 3)?;
    let file = resources::arg(scope, args, 4)?;
    let n = number(scope, args, 5)?.clamp(1.0, (64 << 20) as f64) as usize;
    let realm = realm(scope)?;
    let completion = realm.completion(id);
    realm.scheduler.spawn(Priority::Low, move || {
        let (bytes, end) = match with_file(&file, |f| f.read(n)) {
            // An empty read ends a file whose size is unknown (a FIFO) too.
            Ok((bytes, end)) => {
                let end = end || bytes.is_empty();
                (bytes, end)
            }
            Err(e) => return completion.settle(e, |scope, e| Ok(io_error(scope, &e))),
        };
        let under = if bytes.is_empty() {
            Ok(true)
        } else {
            connection.respond_later(status, &headers, &bytes)
        };
        let sent = connection.clone();
        let finish = move |written| completion.settle((sent, end, written), piped);
        match under {
            Ok(true) => finish(Ok(())),
            Ok(false) => connection.drain(Box::new(finish)),
            Err(e) => finish(Err(e)),
        }
    });
    Ok(scope.undefined())
}

/// On the lane, in the JS task that hears of a piped piece: its bytes go out with that task's.
fn piped<'s>(
    scope: &'s Scope<'s>,
    (connection, end, written): (Arc<Connection>, bool, Result<(), IoError>),
) -> JsResult<'s, Value<'s>> {
    connection.send_after_task();
    written
        .map(|()| scope.boolean(end))
        .map_err(|e| io_error(scope, &e))
}
