//! The native half of TLS in Nexus.Net: certificate sets made and swapped from JS (the `tls`
//! option and `setCertificates` of servers and Acceptors; the listens in ops/http.rs and
//! ops/net.rs read them) and `Nexus.Net.TLS.connect`, whose socket is dialed as fetch dials an
//! https: origin and then becomes a device like a TCP socket. Declared in ops/net.rs's list, as
//! js/net.js calls them.

use super::args::{arg, number, realm};
use super::fetch::fetch_error;
use super::net::socket_endpoint;
use crate::api::resources::{self, Resource};
use crate::net::client::dial::{Route, dial};
use crate::net::client::error::FetchError;
use crate::net::socket::Socket;
use crate::tls::certificates::{Certificates, Entry};
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::sync::Arc;

/// A server's certificate set, held by its JS object; listening servers hold it too.
impl Resource for Certificates {
    fn kind() -> &'static str {
        "a TLS certificate set"
    }
}

/// `[serverName, cert, key, …]` (serverName '' for none), as js/net.js flattened the option.
fn entries<'a>(scope: &'a Scope<'a>, args: &[Value<'a>], i: usize) -> JsResult<'a, Vec<Entry>> {
    let list = arg(scope, args, i).to_object()?;
    let length = list.get("length")?.to_number()? as u32;
    let text = |k: u32| list.get_index(k)?.to_string();
    (0..length / 3)
        .map(|k| {
            let name = text(3 * k)?;
            Ok(Entry {
                server_name: (!name.is_empty()).then_some(name),
                cert: text(3 * k + 1)?,
                key: text(3 * k + 2)?,
            })
        })
        .collect()
}

/// `tlsCertificates(list)` → handle; throws naming the certificate or key at fault.
pub fn tls_certificates<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let entries = entries(scope, args, 0)?;
    let certificates =
        Certificates::new(&entries).map_err(|e| scope.error(ErrorKind::Error, &e))?;
    Ok(scope.number(resources::insert(certificates) as f64))
}

/// `tlsSetCertificates(handle, list)`: new connections get these; on an error the old stay.
pub fn tls_set_certificates<'a>(
    scope: &'a Scope<'a>,
    args: &[Value<'a>],
) -> JsResult<'a, Value<'a>> {
    let certificates = resources::arg::<Certificates>(scope, args, 0)?;
    let entries = entries(scope, args, 1)?;
    certificates
        .replace(&entries)
        .map_err(|e| scope.error(ErrorKind::Error, &e))?;
    Ok(scope.undefined())
}

/// The server configuration of a listen: over the set argument `i` names (none when null),
/// offering `alpn`.
pub fn server_config<'a>(
    scope: &'a Scope<'a>,
    args: &[Value<'a>],
    i: usize,
    alpn: &[&[u8]],
) -> JsResult<'a, Option<Arc<rustls::ServerConfig>>> {
    if arg(scope, args, i).is_nullish() {
        return Ok(None);
    }
    let certificates = resources::arg::<Certificates>(scope, args, i)?;
    certificates
        .server_config(alpn)
        .map(Some)
        .map_err(|e| scope.error(ErrorKind::Error, &e))
}

/// `tlsConnect(id, host, port, ca, servername)` → Promise<[handle, address, port]>: a socket
/// whose handshake is over, its certificate checked against `servername` (else `host`) and the
/// process's roots plus `ca` (PEM text or a path). Fails as fetch does (a `code`, the reason).
pub fn tls_connect<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let host = arg(scope, args, 1).to_string()?;
    let port = number(scope, args, 2)?;
    if !(1.0..=65535.0).contains(&port) || port.fract() != 0.0 {
        return Err(scope.error(
            ErrorKind::RangeError,
            &format!("TLS.connect: port must be an integer from 1 to 65535, got {port}"),
        ));
    }
    let optional = |i| {
        let value = arg(scope, args, i);
        if value.is_nullish() {
            Ok(None)
        } else {
            value.to_string().map(Some)
        }
    };
    let ca = optional(3)?;
    let servername = optional(4)?.unwrap_or_else(|| host.clone());
    let config = crate::tls::roots::socket_config(ca.as_deref())
        .map_err(|e| scope.error(ErrorKind::Error, &format!("TLS.connect: {e}")))?;
    let realm = realm(scope)?;
    let completion = realm.completion(id);
    let scheduler = realm.scheduler.clone();
    let route = Route {
        host: host.trim_matches(['[', ']']).to_owned(),
        port: port as u16,
        tunnel: None,
        tls: Some(servername),
        tls_config: Some(config),
    };
    let socket_scheduler = scheduler.clone();
    dial(
        &scheduler,
        route,
        Box::new(move |dialed| {
            let socket = dialed.and_then(|connection| {
                let peer = connection.peer;
                let transport = connection.detach().ok_or_else(FetchError::aborted)?;
                Socket::new(transport, &socket_scheduler)
                    .map_err(|e| FetchError::socket(&e, "connect", peer))
            });
            completion.settle(socket, |scope, socket| match socket {
                Ok(socket) => socket_endpoint(scope, socket),
                Err(e) => Err(fetch_error(scope, &e)),
            })
        }),
    );
    Ok(scope.undefined())
}
