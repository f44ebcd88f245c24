//! Nexus.Net.UDP's native half: binding, connecting, options, and the sends and receives the
//! socket's pump finishes on the pool (see `net/udp/`). JS hears of datagrams through the
//! promise of its one pending `udpReceive`.

use super::Op;
use super::args::{arg, bytes_arg, io_error, number, port, realm};
use crate::api::resources::{self, Resource};
use crate::io::IoError;
use crate::net::udp::binding::Binding;
use crate::net::udp::family::Family;
use crate::net::udp::socket::{
    Cut, Datagram, Interface, ReceiveDone, SendDone, Socket, SocketOption,
};
use crate::scheduler::Priority;
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// The ops of js/udp.js.
pub const OPS: &[Op] = &[
    Op::sync("udpBind", udp_bind),
    Op::sync("udpAddress", udp_address),
    Op::asynchronous("udpConnect", udp_connect),
    Op::sync("udpTrySend", udp_try_send),
    Op::asynchronous("udpSend", udp_send),
    Op::asynchronous("udpReceive", udp_receive),
    Op::sync("udpStopReceiving", udp_stop_receiving),
    Op::asynchronous("udpClose", udp_close),
    Op::sync("udpSet", udp_set),
];

impl Resource for Binding {
    fn kind() -> &'static str {
        "a UDP socket"
    }

    fn close(&self) {
        self.leave();
    }
}

/// `[address, port]` of `address`.
fn pair<'a>(scope: &'a Scope<'a>, address: SocketAddr) -> JsResult<'a, Value<'a>> {
    let parts = [
        scope.string(&address.ip().to_string()),
        scope.number(address.port() as f64),
    ];
    Ok(scope.array(&parts)?.value())
}

/// `udpBind(type, address, port, reuse)` → handle; throws (EADDRINUSE, …) naming the address.
/// Realms binding the same address and port share one socket (see `net/udp/binding.rs`).
fn udp_bind<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let name = arg(scope, args, 0).to_string()?;
    let family = Family::named(&name).ok_or_else(|| {
        scope.error(
            ErrorKind::TypeError,
            &format!("the socket type must be 'udp4' or 'udp6', got '{name}'"),
        )
    })?;
    let host = arg(scope, args, 1).to_string()?;
    let port = port(scope, args, 2)?;
    let reuse = arg(scope, args, 3).to_bool();
    let realm = realm(scope)?;
    let binding = family
        .resolve(&host, port, "bind")
        .and_then(|address| Binding::bind(family, address, reuse, realm.id, &realm.scheduler))
        .map_err(|e| io_error(scope, &e))?;
    Ok(scope.number(resources::insert(Arc::new(binding)) as f64))
}

/// `udpAddress(handle)` → `[address, port]` it is bound to.
fn udp_address<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let binding = resources::arg::<Binding>(scope, args, 0)?;
    pair(scope, binding.socket.local)
}

/// `udpConnect(id, handle, address, port)` → Promise<[address, port]> of the peer.
fn udp_connect<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let binding = resources::arg::<Binding>(scope, args, 1)?;
    let host = arg(scope, args, 2).to_string()?;
    let port = port(scope, args, 3)?;
    // A host name is looked up here, off the realm's lock.
    realm(scope)?.complete(
        id,
        move || {
            let peer = binding.socket.family.resolve(&host, port, "connect")?;
            binding.socket.connect(binding.member, peer).map(|()| peer)
        },
        |scope, connected: Result<SocketAddr, IoError>| {
            pair(scope, connected.map_err(|e| io_error(scope, &e))?)
        },
    );
    Ok(scope.undefined())
}

/// Where a send goes: the connected peer, an address, or a host name still to look up.
enum Destination {
    Peer,
    Address(SocketAddr),
    Host(String, u16),
}

/// Arguments `i` and `i + 1` (an address and a port, or none for the connected peer) as where
/// `socket` sends; an IP address of the other family throws, naming it.
fn destination<'a>(
    scope: &'a Scope<'a>,
    args: &[Value<'a>],
    i: usize,
    socket: &Socket,
) -> JsResult<'a, Destination> {
    let host = arg(scope, args, i);
    if host.is_nullish() {
        return Ok(Destination::Peer);
    }
    let host = host.to_string()?;
    let port = port(scope, args, i + 1)?;
    match socket.family.literal(&host, port, "send") {
        Some(Ok(address)) => Ok(Destination::Address(address)),
        Some(Err(e)) => Err(io_error(scope, &e)),
        None => Ok(Destination::Host(host, port)),
    }
}

/// `udpTrySend(handle, data, address?, port?)` → the datagram's size when the kernel took it at
/// once, else undefined (a send is queued, the buffer is full, or a host name needs a lookup):
/// then `udpSend` queues it. Spares a datagram that can leave now two hops through the pool.
fn udp_try_send<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let binding = resources::arg::<Binding>(scope, args, 0)?;
    let (socket, member) = (&binding.socket, binding.member);
    let to = match destination(scope, args, 2, socket)? {
        Destination::Peer => None,
        Destination::Address(address) => Some(address),
        Destination::Host(..) => return Ok(scope.undefined()),
    };
    match socket.try_send(member, &bytes_arg(scope, args, 1)?, to) {
        Some(Ok(n)) => Ok(scope.number(n as f64)),
        Some(Err(e)) => Err(io_error(scope, &e)),
        None => Ok(scope.undefined()),
    }
}

/// `udpSend(id, handle, data, pieces, address?, port?)` → Promise<number of bytes>, once the
/// kernel took them: one datagram, or (`pieces`, a device write) as many as the size takes.
/// Without an address the datagrams go to the connected peer.
fn udp_send<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let binding = resources::arg::<Binding>(scope, args, 1)?;
    let bytes = bytes_arg(scope, args, 2)?;
    let cut = if arg(scope, args, 3).to_bool() {
        Cut::Pieces
    } else {
        Cut::Whole
    };
    let to = destination(scope, args, 4, &binding.socket)?;
    let realm = realm(scope)?;
    let completion = realm.completion(id);
    let done: SendDone = Box::new(move |sent| {
        completion.settle(sent, |scope, sent| match sent {
            Ok(n) => Ok(scope.number(n as f64)),
            Err(e) => Err(io_error(scope, &e)),
        })
    });
    let family = binding.socket.family;
    let send = move |to, done| binding.socket.send(binding.member, bytes, to, cut, done);
    match to {
        Destination::Peer => send(None, done),
        Destination::Address(address) => send(Some(address), done),
        // Looked up on the pool, where blocking costs no realm its turn.
        Destination::Host(host, port) => realm.scheduler.spawn(Priority::Low, move || match family
            .resolve(&host, port, "send")
        {
            Ok(address) => send(Some(address), done),
            Err(e) => done(Err(e)),
        }),
    }
    Ok(scope.undefined())
}

/// `udpReceive(id, handle)` → Promise<[data, address, port, …]>: the datagrams there once one
/// arrived, each an ArrayBuffer and its sender; empty when stopped or closed.
fn udp_receive<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let binding = resources::arg::<Binding>(scope, args, 1)?;
    let completion = realm(scope)?.completion(id);
    let done: ReceiveDone = Box::new(move |received| {
        completion.settle(received, |scope, received| {
            let datagrams = received.map_err(|e| io_error(scope, &e))?;
            // Each value goes into the array as it is made: in a Vec the GC would not see it.
            let mut failed = None;
            let flat = datagrams.into_iter().flat_map(|Datagram { bytes, peer }| {
                let data = scope
                    .array_buffer(bytes)
                    .map_or_else(|e| *failed.get_or_insert(e), |buffer| buffer.value());
                [
                    data,
                    scope.string(&peer.ip().to_string()),
                    scope.number(peer.port() as f64),
                ]
            });
            let array = scope.array_from(flat)?;
            failed.map_or(Ok(array.value()), Err)
        })
    });
    binding.socket.receive(binding.member, done);
    Ok(scope.undefined())
}

/// `udpStopReceiving(handle)`: the pending receive ends with no datagrams.
fn udp_stop_receiving<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let binding = resources::arg::<Binding>(scope, args, 0)?;
    binding.socket.stop_receiving(binding.member);
    Ok(scope.undefined())
}

/// `udpClose(id, handle)` → Promise: this realm's member leaves (its pending receive and sends
/// end) and the handle is released; resolves once the port can be bound again (at once when
/// other realms keep the socket, else once its descriptor is closed).
fn udp_close<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let id = number(scope, args, 0)?;
    let handle = number(scope, args, 1)? as u64;
    let binding = resources::arg::<Binding>(scope, args, 1)?;
    let completion = realm(scope)?.completion(id);
    binding.socket.leave_then(
        binding.member,
        Some(Box::new(move || {
            completion.settle((), |scope, ()| Ok(scope.undefined()))
        })),
    );
    resources::remove(handle);
    Ok(scope.undefined())
}

/// `udpSet(handle, option, value, interface?)`: `broadcast`, `multicastLoopback` (booleans),
/// `ttl`, `multicastTTL` (numbers), `multicastInterface` (an interface), `addMembership` and
/// `dropMembership` (a group address and an interface). An interface is an IPv4 address for an
/// IPv4 socket and an index for an IPv6 one; null picks the default. Options set the socket, so
/// every realm that shares it.
fn udp_set<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let binding = resources::arg::<Binding>(scope, args, 0)?;
    let socket = &binding.socket;
    let name = arg(scope, args, 1).to_string()?;
    let value = arg(scope, args, 2);
    let hops = || -> JsResult<'a, u32> {
        let n = value.to_number()?;
        if !(1.0..=255.0).contains(&n) || n.fract() != 0.0 {
            return Err(scope.error(
                ErrorKind::RangeError,
                &format!("{name}: the TTL must be an integer from 1 to 255, got {n}"),
            ));
        }
        Ok(n as u32)
    };
    let (option, target) = match name.as_str() {
        "broadcast" => (
            SocketOption::Broadcast(value.to_bool()),
            socket.local.to_string(),
        ),
        "multicastLoopback" => (
            SocketOption::MulticastLoopback(value.to_bool()),
            socket.local.to_string(),
        ),
        "ttl" => (SocketOption::Ttl(hops()?), socket.local.to_string()),
        "multicastTTL" => (
            SocketOption::MulticastTtl(hops()?),
            socket.local.to_string(),
        ),
        "multicastInterface" => {
            let on = interface(scope, socket, value)?;
            (SocketOption::MulticastInterface(on), value.to_string()?)
        }
        "addMembership" | "dropMembership" => {
            let group = value.to_string()?;
            let address: IpAddr = group.parse().map_err(|_| {
                scope.error(
                    ErrorKind::TypeError,
                    &format!("{name}: '{group}' is not a multicast group address"),
                )
            })?;
            let on = interface(scope, socket, arg(scope, args, 3))?;
            let join = name == "addMembership";
            (SocketOption::Membership(join, address, on), group)
        }
        _ => {
            return Err(scope.error(
                ErrorKind::TypeError,
                &format!("no UDP socket option '{name}'"),
            ));
        }
    };
    socket
        .set(option, target)
        .map_err(|e| io_error(scope, &e))?;
    Ok(scope.undefined())
}

/// A multicast interface as the socket's family names it (see [`Interface`]).
fn interface<'a>(
    scope: &'a Scope<'a>,
    socket: &Socket,
    value: Value<'a>,
) -> JsResult<'a, Interface> {
    match socket.family {
        Family::V4 if value.is_nullish() => Ok(Interface::V4(Ipv4Addr::UNSPECIFIED)),
        Family::V4 => {
            let text = value.to_string()?;
            text.parse().map(Interface::V4).map_err(|_| {
                scope.error(
                    ErrorKind::TypeError,
                    &format!("an IPv4 socket names an interface by an IPv4 address, got '{text}'"),
                )
            })
        }
        Family::V6 if value.is_nullish() => Ok(Interface::V6(0)),
        Family::V6 => {
            let index = value.to_number()?;
            if !(0.0..=u32::MAX as f64).contains(&index) || index.fract() != 0.0 {
                return Err(scope.error(
                    ErrorKind::TypeError,
                    &format!("an IPv6 socket names an interface by its index, got {index}"),
                ));
            }
            Ok(Interface::V6(index as u32))
        }
    }
}
