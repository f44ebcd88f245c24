//! Nexus.Net.TCP's native half: Acceptors and sockets, plain or TLS (the TLS ops are in
//! ops/tls.rs). Accepting, reading and writing run as native tasks on the pool (see `net/`); JS
//! hears of them through `dispatch.accept` and the promises of `dispatch.native`.

use super::Op;
use super::args::{arg, buffer_or_error, bytes_arg, io_error, number, port, realm};
use super::tls::{server_config, tls_certificates, tls_connect, tls_set_certificates};
use crate::api::dispatch::{ACCEPT, TLS_ERROR};
use crate::api::resources::{self, Resource};
use crate::io::IoError;
use crate::net::acceptor::{Acceptor, Binding};
use crate::net::socket::Socket;
use crate::net::transport::Transport;
use crate::realm::Realm;
use crate::scheduler::Priority;
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

/// How long an accepted TLS client has for its handshake before it is dropped (as an HTTP
/// server's default `headersTimeout`).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The ops of js/net.js.
pub const OPS: &[Op] = &[
    Op::sync("acceptorBind", acceptor_bind),
    Op::sync("acceptorListen", acceptor_listen),
    Op::sync("acceptorAddress", acceptor_address),
    Op::asynchronous("socketConnect", socket_connect),
    Op::asynchronous("socketRead", socket_read),
    Op::asynchronous("socketWrite", socket_write),
    Op::sync("tlsCertificates", tls_certificates),
    Op::sync("tlsSetCertificates", tls_set_certificates),
    Op::asynchronous("tlsConnect", tls_connect),
];

/// `address:port` as a socket address; host names are resolved (the first address wins).
pub fn socket_address<'a>(
    scope: &'a Scope<'a>,
    args: &[Value<'a>],
    i: usize,
) -> JsResult<'a, SocketAddr> {
    let host = arg(scope, args, i).to_string()?;
    let port = port(scope, args, i + 1)?;
    (host.as_str(), port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut all| all.next())
        .ok_or_else(|| {
            scope.error(
                ErrorKind::Error,
                &format!("cannot resolve the address '{host}'"),
            )
        })
}

/// Runs `f` with the binding (a realm's hold on an Acceptor) that argument `i` names.
pub fn with_binding<'a, T>(
    scope: &'a Scope<'a>,
    args: &[Value<'a>],
    i: usize,
    f: impl FnOnce(&Binding) -> T,
) -> JsResult<'a, T> {
    Ok(f(&*resources::arg::<Binding>(scope, args, i)?))
}

/// A binding lets go of its socket when dropped.
impl Resource for Binding {
    fn kind() -> &'static str {
        "an Acceptor"
    }
}

impl Resource for Socket {
    fn kind() -> &'static str {
        "a socket"
    }

    fn close(&self) {
        Socket::close(self);
    }
}

/// `acceptorBind(address, port, reuse)` → handle; throws (EADDRINUSE, …) naming the address.
fn acceptor_bind<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let address = socket_address(scope, args, 0)?;
    let reuse = arg(scope, args, 2).to_bool();
    let realm = realm(scope)?;
    let acceptor = Acceptor::bind(address, reuse, realm.id, &realm.scheduler)
        .map_err(|e| io_error(scope, &e))?;
    let binding = Binding::new(acceptor, realm.id);
    Ok(scope.number(resources::insert(Arc::new(binding)) as f64))
}

/// `acceptorAddress(handle)` → `{ address, port }`.
fn acceptor_address<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let address = with_binding(scope, args, 0, |b| b.acceptor.address)?;
    endpoint(scope, address)
}

pub fn endpoint<'a>(scope: &'a Scope<'a>, address: SocketAddr) -> JsResult<'a, Value<'a>> {
    let object = scope.object();
    object.set("address", scope.string(&address.ip().to_string()))?;
    object.set("port", scope.number(address.port() as f64))?;
    Ok(object.value())
}

/// `acceptorListen(handle, backlog, certificates)`: each accepted connection becomes a socket
/// handle given to `dispatch.accept`; with a certificate set (else null), a TLS one, given once
/// its handshake is over (a failed one goes to `dispatch.tlsError` instead).
fn acceptor_listen<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let handle = number(scope, args, 0)?;
    let backlog = number(scope, args, 1)?.clamp(1.0, 65535.0) as u32;
    let tls = server_config(scope, args, 2, &[])?;
    let realm = realm(scope)?;
    let scheduler = realm.scheduler.clone();
    let on_accept = Box::new(move |stream, peer: SocketAddr, slot| {
        // Raw sockets are not counted against a limit: their end is the program's business.
        drop(slot);
        let transport = match &tls {
            Some(config) => Transport::server(stream, config.clone()),
            None => Ok(Transport::plain(stream)),
        };
        let Ok(socket) = transport.and_then(|t| Socket::new(t, &scheduler)) else {
            return;
        };
        if tls.is_none() {
            return accepted(&realm, handle, socket);
        }
        let (realm, secured) = (realm.clone(), socket.clone());
        socket.handshake(
            HANDSHAKE_TIMEOUT,
            Box::new(move |over| match over {
                Ok(true) => accepted(&realm, handle, secured),
                Ok(false) => {}
                Err(e) => handshake_failed(&realm, handle, e.message, peer),
            }),
        );
    });
    with_binding(scope, args, 0, |b| b.listen(backlog, usize::MAX, on_accept))?
        .map_err(|e| io_error(scope, &e))?;
    Ok(scope.undefined())
}

/// Gives an accepted socket to JS.
fn accepted(realm: &Arc<Realm>, acceptor: f64, socket: Arc<Socket>) {
    let peer = socket.peer;
    let socket = resources::insert(socket) as f64;
    let call = realm.clone();
    realm.push(Priority::High, move |scope| {
        let args = [
            scope.number(acceptor),
            scope.number(socket),
            scope.string(&peer.ip().to_string()),
            scope.number(peer.port() as f64),
        ];
        call.call(scope, &ACCEPT, &args);
    });
}

/// Tells JS of a TLS client the Acceptor dropped.
fn handshake_failed(realm: &Arc<Realm>, acceptor: f64, why: String, peer: SocketAddr) {
    let call = realm.clone();
    realm.push(Priority::Low, move |scope| {
        let args = [
            scope.number(acceptor),
            scope.string(&why),
            scope.string(&peer.ip().to_string()),
            scope.number(peer.port() as f64),
        ];
        call.call(scope, &TLS_ERROR, &args);
    });
}

/// `socketConnect(id, address, port)` → Promise<[handle, address, port]>.
fn socket_connect<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let host = arg(scope, args, 1).to_string()?;
    let port = port(scope, args, 2)?;
    let realm = realm(scope)?;
    let scheduler = realm.scheduler.clone();
    // A host name is resolved there too, off the realm's lock.
    realm.complete(
        id,
        move || Socket::connect(&host, port, &scheduler),
        |scope, connected: Result<Arc<Socket>, IoError>| {
            socket_endpoint(scope, connected.map_err(|e| io_error(scope, &e))?)
        },
    );
    Ok(scope.undefined())
}

/// A connected socket for JS: `[handle, address, port]`.
pub fn socket_endpoint<'a>(scope: &'a Scope<'a>, socket: Arc<Socket>) -> JsResult<'a, Value<'a>> {
    let peer = socket.peer;
    let handle = resources::insert(socket) as f64;
    let parts = [
        scope.number(handle),
        scope.string(&peer.ip().to_string()),
        scope.number(peer.port() as f64),
    ];
    Ok(scope.array(&parts)?.value())
}

/// `socketRead(id, handle, n)` → Promise<ArrayBuffer> (empty once the peer finished sending).
fn socket_read<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let socket = resources::arg::<Socket>(scope, args, 1)?;
    let n = number(scope, args, 2)?.clamp(1.0, (16 << 20) as f64) as usize;
    let completion = realm(scope)?.completion(id);
    socket.read(
        n,
        Box::new(move |read| completion.settle(read, buffer_or_error)),
    );
    Ok(scope.undefined())
}

/// `socketWrite(id, handle, data)` → Promise<number of bytes>, all of them or a rejection.
fn socket_write<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let socket = resources::arg::<Socket>(scope, args, 1)?;
    let bytes = bytes_arg(scope, args, 2)?;
    let completion = realm(scope)?.completion(id);
    socket.write(
        bytes,
        Box::new(move |written| {
            completion.settle(written, |scope, written| match written {
                Ok(n) => Ok(scope.number(n as f64)),
                Err(e) => Err(io_error(scope, &e)),
            })
        }),
    );
    Ok(scope.undefined())
}
