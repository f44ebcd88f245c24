//! Opening a connection to an origin: the name lookup on a pool worker (std's resolver blocks),
//! a non-blocking connect to each address in turn until one answers (so `localhost` reaches a
//! server on 127.0.0.1 when ::1 refuses), a CONNECT tunnel when an https: origin is reached
//! through a proxy, then TLS for https:.

use super::connection::{Connection, Done};
use super::error::FetchError;
use super::exchange::{RequestFraming, ResponseReader, request_head};
use crate::scheduler::{Priority, Scheduler};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;

/// Where a connection goes and what runs over it.
#[derive(Clone, Debug)]
pub struct Route {
    /// The host and port the socket connects to: the origin's, or the proxy's.
    pub host: String,
    pub port: u16,
    /// An https: origin reached through a proxy: the `host:port` to CONNECT to first.
    pub tunnel: Option<String>,
    /// The name TLS checks the certificate against, for https:.
    pub tls: Option<String>,
    /// TLS's configuration when not fetch's own (a TLS socket's, trusting its `ca` too).
    pub tls_config: Option<Arc<rustls::ClientConfig>>,
}

/// Opens a connection along `route`.
pub fn dial(scheduler: &Scheduler, route: Route, done: Done<Arc<Connection>>) {
    let hold = scheduler.hold();
    let lookup = scheduler.clone();
    scheduler.spawn(Priority::Low, move || {
        let host = route.host.trim_matches(['[', ']']).to_owned();
        let addresses = match (host.as_str(), route.port).to_socket_addrs() {
            Ok(all) => all.collect::<Vec<_>>(),
            Err(e) => return done(Err(FetchError::not_found(&route.host, e))),
        };
        if addresses.is_empty() {
            return done(Err(FetchError::not_found(&route.host, "no address")));
        }
        connect_any(lookup, addresses, 0, route, done);
        drop(hold);
    });
}

fn connect_any(
    scheduler: Scheduler,
    addresses: Vec<SocketAddr>,
    at: usize,
    route: Route,
    done: Done<Arc<Connection>>,
) {
    let address = addresses[at];
    let holder = Arc::new(std::sync::Mutex::new(None::<Arc<Connection>>));
    let slot = holder.clone();
    let retry = scheduler.clone();
    let connected: Done<()> = Box::new(move |result| match result {
        Err(_) if at + 1 < addresses.len() => connect_any(retry, addresses, at + 1, route, done),
        Err(error) => done(Err(error)),
        Ok(()) => match slot.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(connection) => after_connect(connection, route, done),
            None => done(Err(FetchError::aborted())),
        },
    });
    // The connect finishes on another worker, which waits for the slot's lock: the slot is
    // filled first. A failure at once is told before the call returns, without the slot.
    let mut guard = holder.lock().unwrap_or_else(|e| e.into_inner());
    *guard = Connection::connect(address, &scheduler, connected);
}

/// The tunnel, then TLS, as the route asks.
fn after_connect(connection: Arc<Connection>, route: Route, done: Done<Arc<Connection>>) {
    match route.tunnel.clone() {
        Some(authority) => {
            let head = request_head(
                "CONNECT",
                &authority,
                &authority,
                &[],
                RequestFraming::Empty,
            );
            let reading = connection.clone();
            connection.write(
                head,
                Box::new(move |written| match written {
                    Err(error) => done(Err(error)),
                    Ok(()) => read_tunnel(reading, ResponseReader::new(true, false), route, done),
                }),
            );
        }
        None => secure(connection, route, done),
    }
}

fn read_tunnel(
    connection: Arc<Connection>,
    mut reader: ResponseReader,
    route: Route,
    done: Done<Arc<Connection>>,
) {
    let reading = connection.clone();
    connection.read(Box::new(move |read| {
        let bytes = match read {
            Ok(bytes) if bytes.is_empty() => {
                return done(Err(FetchError::closed("the proxy closed the connection")));
            }
            Ok(bytes) => bytes,
            Err(error) => return done(Err(error)),
        };
        match reader.feed(&bytes, &mut Vec::new()) {
            Err(e) => done(Err(FetchError::malformed(format!("the proxy: {}", e.0)))),
            Ok(None) => read_tunnel(reading, reader, route, done),
            Ok(Some(head)) if head.status == 200 => secure(reading, route, done),
            Ok(Some(head)) => done(Err(FetchError::new(
                "UND_ERR_ABORTED",
                format!(
                    "the proxy refused the tunnel: {} {}",
                    head.status, head.reason
                ),
            ))),
        }
    }));
}

fn secure(connection: Arc<Connection>, route: Route, done: Done<Arc<Connection>>) {
    let Some(host) = route.tls else {
        return done(Ok(connection));
    };
    let config = match route.tls_config.map_or_else(crate::tls::client_config, Ok) {
        Ok(config) => config,
        Err(e) => return done(Err(FetchError::new("ERR_TLS_CONFIG", e))),
    };
    let secured = connection.clone();
    connection.start_tls(
        config,
        &host,
        Box::new(move |result| done(result.map(|()| secured))),
    );
}
