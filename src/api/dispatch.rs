//! The dispatch functions of the globals' JS that this layer (and the runtime's offload pool)
//! calls back into; the realm declares the ones it calls itself (realm/dispatch.rs).

use crate::realm::{Callback, Realm};
use javascriptcore_sys::{JsResult, Scope};

/// `load(part)`: evaluates a part of the globals, once (js/lazy.js).
pub static LOAD: Callback = Callback::new("load");
/// `accept(acceptor, socket, address, port)`: a TCP connection was accepted (js/net.js).
pub static ACCEPT: Callback = Callback::new("accept");
/// `tlsError(acceptor, message, address, port)`: a client's TLS handshake with an Acceptor failed
/// or did not finish in time; the socket was dropped (js/net.js).
pub static TLS_ERROR: Callback = Callback::new("tlsError");
/// `request(acceptor, connection, method, url, minorVersion, headers, address, port)`
/// (js/http.js).
pub static REQUEST: Callback = Callback::new("request");
/// `clientError(acceptor, status, reason, address, port)`: bad input was answered (js/http.js).
pub static CLIENT_ERROR: Callback = Callback::new("clientError");
/// `websocket(connection, [kind, value, detail, …])`: a WebSocket's messages and close, in order
/// (js/websocket.js).
pub static WEBSOCKET: Callback = Callback::new("websocket");
/// `websocketClient(client, [kind, value, detail, …])`: the same for a client WebSocket
/// (js/websocket_client.js).
pub static WEBSOCKET_CLIENT: Callback = Callback::new("websocketClient");
/// `offloadRun(job, key, exportName, json, buffers)`: a job for a pooled realm (js/lazy.js).
pub static OFFLOAD_RUN: Callback = Callback::new("offloadRun");
/// `consolePrint(fd, args)`: formats and prints a console line (js/console.js).
pub static CONSOLE_PRINT: Callback = Callback::new("consolePrint");
/// `signal(name)`: a signal this realm listens to arrived (js/process.js).
pub static SIGNAL: Callback = Callback::new("signal");

/// Evaluates the part of the globals named `part` in `realm` (once); its exception goes to the
/// caller.
pub fn load<'s>(realm: &Realm, scope: &'s Scope<'s>, part: &str) -> JsResult<'s, ()> {
    realm.call_checked(scope, &LOAD, &[scope.string(part)])?;
    Ok(())
}
