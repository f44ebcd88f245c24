//! A UDP socket as a device: datagrams out through a queue, datagrams in through the pending
//! receives of its members (the realms that bound it, see `members`), both finished by the
//! socket's pump when the OS is ready (a datagram with nothing queued before it may leave at
//! once, from the caller's thread: `try_send`).
//!
//! Invariants: a datagram is never split or truncated on the way in (the receive buffer is
//! larger than the largest UDP payload, 65,527 bytes over IPv6), and is read only while some
//! member has a receive pending, so none read is lost; sends leave in the order they were
//! queued, whichever member queued them, and one finishes when the kernel took its last
//! datagram. Each queued send and each pending receive hold the runtime (a `Hold`), and nothing
//! else does: a bound socket with neither lets the program end. A member's `leave` finishes its
//! pending operations, so none is left holding it; the socket closes when the last one leaves.

use super::family::Family;
use super::members::Members;
use crate::io::IoError;
use crate::net::readiness::{Pumped, Readiness, Registration, schedule_after_task};
use crate::scheduler::{Hold, Scheduler};
use mio::Interest;
use socket2::{Domain, Protocol, SockRef, Socket as RawSocket, Type};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex};

/// The largest datagram a device write sends: the UDP payload limit of IPv4 (65,535 less the IP
/// and UDP headers); a longer write is split into datagrams of this size, in order.
pub const MAX_DATAGRAM: usize = 65_507;
/// Larger than any UDP payload, so `recv_from` never truncates.
const RECEIVE_BUFFER: usize = 64 * 1024;

thread_local! {
    /// Each worker's buffer for receiving: a pump reads every datagram into it and copies out
    /// its bytes, so no receive allocates (and zeroes) a buffer of its own.
    static RECEIVED: RefCell<Box<[u8]>> = RefCell::new(vec![0; RECEIVE_BUFFER].into_boxed_slice());
}
/// What one receive hands JS at most, so a flood reaches JS in bounded batches.
const BATCH: usize = 64;
const BATCH_BYTES: usize = 1 << 20;

pub struct Datagram {
    pub bytes: Vec<u8>,
    pub peer: SocketAddr,
}

/// Datagrams received (none when the receive was stopped or the socket closed).
pub type Received = Result<Vec<Datagram>, IoError>;
pub type ReceiveDone = Box<dyn FnOnce(Received) + Send>;
pub type SendDone = Box<dyn FnOnce(Result<usize, IoError>) + Send>;

pub struct Socket {
    socket: UdpSocket,
    /// After `socket`, so it drops once the descriptor is closed.
    closed: Closed,
    pub family: Family,
    /// The bound address, with the port the OS chose for port 0.
    pub local: SocketAddr,
    registration: Registration,
    readiness: Readiness,
    scheduler: Scheduler,
    state: Mutex<Pending>,
}

struct Pending {
    members: Members<(ReceiveDone, Hold)>,
    sends: VecDeque<Outgoing>,
    /// The peer of `connect`, which sends without an address go to. A connected socket has one
    /// member: it neither connects while shared nor lets another realm join.
    peer: Option<SocketAddr>,
    /// The last member left.
    closed: bool,
}

/// One send of member `from`: `bytes` go out as datagrams of at most `piece` bytes; `at` is
/// where the next starts.
struct Outgoing {
    from: u64,
    bytes: Vec<u8>,
    at: usize,
    piece: usize,
    to: Option<SocketAddr>,
    done: SendDone,
    _hold: Hold,
}

/// What waits for the descriptor to be closed (the port to be free): called when this drops.
#[derive(Default)]
struct Closed(Mutex<Vec<Box<dyn FnOnce() + Send>>>);

impl Drop for Closed {
    fn drop(&mut self) {
        let waiting = std::mem::take(self.0.get_mut().unwrap_or_else(|e| e.into_inner()));
        for done in waiting {
            done();
        }
    }
}

/// How a send cuts its bytes into datagrams.
#[derive(Clone, Copy)]
pub enum Cut {
    /// One datagram: the OS refuses one too large (EMSGSIZE).
    Whole,
    /// Datagrams of at most [`MAX_DATAGRAM`] bytes: a device write.
    Pieces,
}

impl Socket {
    /// Binds `address` (SO_REUSEADDR when `reuse`, so several sockets may join one multicast
    /// port) for its first member, `member` of `realm`, and watches the socket.
    pub fn open(
        family: Family,
        address: SocketAddr,
        reuse: bool,
        member: u64,
        realm: u32,
        scheduler: &Scheduler,
    ) -> Result<Arc<Socket>, IoError> {
        let bound = || -> std::io::Result<UdpSocket> {
            let domain = match family {
                Family::V4 => Domain::IPV4,
                Family::V6 => Domain::IPV6,
            };
            let raw = RawSocket::new(domain, Type::DGRAM.nonblocking(), Some(Protocol::UDP))?;
            if reuse {
                raw.set_reuse_address(true)?;
            }
            raw.bind(&address.into())?;
            Ok(raw.into())
        };
        let socket = bound().map_err(|e| IoError::net(&e, "bind", address))?;
        let local = socket
            .local_addr()
            .map_err(|e| IoError::net(&e, "bind", address))?;
        let fd = socket.as_raw_fd();
        let socket = Arc::new(Socket {
            socket,
            closed: Closed::default(),
            family,
            local,
            registration: Registration::default(),
            readiness: Readiness::default(),
            scheduler: scheduler.clone(),
            state: Mutex::new(Pending {
                members: Members::first(member, realm),
                sends: VecDeque::new(),
                peer: None,
                closed: false,
            }),
        });
        socket
            .registration
            .watch(&socket, fd, Interest::READABLE | Interest::WRITABLE)
            .map_err(|e| IoError::net(&e, "bind", address))?;
        Ok(socket)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `member` of `realm`, unless the socket is closed or connected, or the realm is a
    /// member already.
    pub fn join(&self, member: u64, realm: u32) -> bool {
        let mut state = self.lock();
        !state.closed && state.peer.is_none() && state.members.join(member, realm)
    }

    /// Sends without an address go to `peer` from now on, and only its datagrams arrive; refused
    /// while other realms share the socket, whose datagrams would then come from `peer` alone.
    pub fn connect(&self, member: u64, peer: SocketAddr) -> Result<(), IoError> {
        let mut state = self.lock();
        if !state.members.contains(member) {
            return Err(self.closed_error("connect"));
        }
        if state.members.len() > 1 {
            return Err(IoError::invalid(format!(
                "EINVAL: the UDP socket on {} is shared by {} realms, so it cannot connect \
                 (a connected socket is one realm's: bind one to port 0), connect {peer}",
                self.local,
                state.members.len()
            )));
        }
        self.socket
            .connect(peer)
            .map_err(|e| IoError::net(&e, "connect", peer))?;
        state.peer = Some(peer);
        Ok(())
    }

    /// Queues `bytes` from `member` for `to` (the connected peer when None).
    pub fn send(
        self: &Arc<Self>,
        member: u64,
        bytes: Vec<u8>,
        to: Option<SocketAddr>,
        cut: Cut,
        done: SendDone,
    ) {
        let mut state = self.lock();
        let refusal = if !state.members.contains(member) {
            Some(self.closed_error("send"))
        } else if to.is_none() && state.peer.is_none() {
            Some(IoError {
                code: "EDESTADDRREQ",
                message: format!(
                    "EDESTADDRREQ: the socket on {} is not connected: give send an address and port",
                    self.local
                ),
            })
        } else {
            None
        };
        if let Some(error) = refusal {
            drop(state);
            return done(Err(error));
        }
        let piece = match cut {
            Cut::Whole => usize::MAX,
            Cut::Pieces => MAX_DATAGRAM,
        };
        state.sends.push_back(Outgoing {
            from: member,
            bytes,
            at: 0,
            piece,
            to,
            done,
            _hold: self.scheduler.hold(),
        });
        drop(state);
        schedule_after_task(self);
    }

    /// Sends one datagram at once when nothing is queued before it and the kernel takes it:
    /// its size, or the error naming the destination. None when it must queue (see `send`),
    /// which also gives the refusals of a closed or unconnected socket.
    pub fn try_send(
        &self,
        member: u64,
        bytes: &[u8],
        to: Option<SocketAddr>,
    ) -> Option<Result<usize, IoError>> {
        let state = self.lock();
        let unsendable = !state.members.contains(member) || (to.is_none() && state.peer.is_none());
        if unsendable || !state.sends.is_empty() || !self.readiness.take_writable() {
            return None;
        }
        loop {
            let sent = match to {
                Some(to) => self.socket.send_to(bytes, to),
                None => self.socket.send(bytes),
            };
            return match sent {
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // The flag stays cleared: the queued send waits for the reactor's next report.
                Err(e) if e.kind() == ErrorKind::WouldBlock => None,
                Ok(_) => {
                    self.readiness.still_writable();
                    Some(Ok(bytes.len()))
                }
                Err(e) => {
                    self.readiness.still_writable();
                    Some(Err(IoError::net(
                        &e,
                        "send",
                        self.destination(to, state.peer),
                    )))
                }
            };
        }
    }

    /// Receives, for `member`, its share of the datagrams that are there once at least one is.
    pub fn receive(self: &Arc<Self>, member: u64, done: ReceiveDone) {
        let mut state = self.lock();
        let Some(receive) = state.members.receive_of(member) else {
            drop(state);
            return done(Ok(Vec::new()));
        };
        if receive.is_some() {
            drop(state);
            return done(Err(IoError::invalid(
                "a receive is already pending on this socket",
            )));
        }
        *receive = Some((done, self.scheduler.hold()));
        drop(state);
        // Stored first: a report arriving now finds it, whether or not this pump is started.
        if self.readiness.readable() {
            schedule_after_task(self);
        }
    }

    /// Ends `member`'s pending receive with no datagrams, letting go of its hold on the runtime.
    pub fn stop_receiving(&self, member: u64) {
        let receive = self
            .lock()
            .members
            .receive_of(member)
            .and_then(Option::take);
        if let Some((done, _)) = receive {
            done(Ok(Vec::new()));
        }
    }

    /// `member` leaves: its pending receive ends with no datagrams, its queued sends with an
    /// error. When the last has left the socket is closed: no longer watched, and joined by none.
    pub fn leave(&self, member: u64) {
        self.leave_then(member, None);
    }

    /// [`Socket::leave`], then `freed` once the port is free again: at once when other members
    /// keep the socket, else once its descriptor is closed (when the last task using the socket
    /// has let go of it).
    pub fn leave_then(&self, member: u64, freed: Option<Box<dyn FnOnce() + Send>>) {
        let (receive, sends, last, freed) = {
            let mut state = self.lock();
            let receive = state.members.leave(member);
            let (sends, others): (VecDeque<Outgoing>, _) = std::mem::take(&mut state.sends)
                .into_iter()
                .partition(|send| send.from == member);
            state.sends = others;
            let last = state.members.is_empty() && !state.closed;
            state.closed |= last;
            // Under the state's lock: no other member can leave in between and close it.
            let freed = match freed {
                Some(done) if state.closed => {
                    self.closed
                        .0
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(done);
                    None
                }
                other => other,
            };
            (receive, sends, last, freed)
        };
        if let Some(done) = freed {
            done();
        }
        if last {
            self.registration
                .unwatch(&self.scheduler, self.socket.as_raw_fd());
        }
        if let Some((done, _)) = receive {
            done(Ok(Vec::new()));
        }
        for send in sends {
            (send.done)(Err(self.closed_error("send")));
        }
    }

    fn closed_error(&self, syscall: &str) -> IoError {
        IoError {
            code: "EBADF",
            message: format!(
                "EBADF: the UDP socket on {} is closed, {syscall}",
                self.local
            ),
        }
    }

    /// Sets one of the socket's options; an error names `target` (the group, the interface).
    pub fn set(&self, option: SocketOption, target: impl std::fmt::Display) -> Result<(), IoError> {
        let socket = SockRef::from(&self.socket);
        let v6 = self.family == Family::V6;
        let result = match option {
            SocketOption::Broadcast(on) => socket.set_broadcast(on),
            SocketOption::MulticastLoopback(on) if v6 => socket.set_multicast_loop_v6(on),
            SocketOption::MulticastLoopback(on) => socket.set_multicast_loop_v4(on),
            SocketOption::MulticastTtl(ttl) if v6 => socket.set_multicast_hops_v6(ttl),
            SocketOption::MulticastTtl(ttl) => socket.set_multicast_ttl_v4(ttl),
            SocketOption::Ttl(ttl) if v6 => socket.set_unicast_hops_v6(ttl),
            SocketOption::Ttl(ttl) => socket.set_ttl_v4(ttl),
            SocketOption::MulticastInterface(Interface::V4(ip)) => socket.set_multicast_if_v4(&ip),
            SocketOption::MulticastInterface(Interface::V6(index)) => {
                socket.set_multicast_if_v6(index)
            }
            SocketOption::Membership(join, group, interface) => {
                membership(&socket, join, group, interface)
            }
        };
        result.map_err(|e| IoError::net(&e, option.name(), target))
    }
}

/// A multicast interface: an IPv4 socket names it by one of its addresses, an IPv6 socket by
/// its index (0: the one the routing table picks).
#[derive(Clone, Copy)]
pub enum Interface {
    V4(std::net::Ipv4Addr),
    V6(u32),
}

/// A socket option JS sets.
#[derive(Clone, Copy)]
pub enum SocketOption {
    Broadcast(bool),
    MulticastLoopback(bool),
    MulticastTtl(u32),
    Ttl(u32),
    MulticastInterface(Interface),
    /// Joins (true) or leaves the group on the interface.
    Membership(bool, IpAddr, Interface),
}

impl SocketOption {
    /// The JS method that sets it, for errors.
    fn name(&self) -> &'static str {
        match self {
            SocketOption::Broadcast(_) => "setBroadcast",
            SocketOption::MulticastLoopback(_) => "setMulticastLoopback",
            SocketOption::MulticastTtl(_) => "setMulticastTTL",
            SocketOption::Ttl(_) => "setTTL",
            SocketOption::MulticastInterface(_) => "setMulticastInterface",
            SocketOption::Membership(true, ..) => "addMembership",
            SocketOption::Membership(false, ..) => "dropMembership",
        }
    }
}

fn membership(
    socket: &SockRef<'_>,
    join: bool,
    group: IpAddr,
    interface: Interface,
) -> std::io::Result<()> {
    match (group, interface) {
        (IpAddr::V4(group), Interface::V4(on)) if join => socket.join_multicast_v4(&group, &on),
        (IpAddr::V4(group), Interface::V4(on)) => socket.leave_multicast_v4(&group, &on),
        (IpAddr::V6(group), Interface::V6(on)) if join => socket.join_multicast_v6(&group, on),
        (IpAddr::V6(group), Interface::V6(on)) => socket.leave_multicast_v6(&group, on),
        _ => Err(std::io::Error::from_raw_os_error(97)), // EAFNOSUPPORT
    }
}

impl Socket {
    /// The waiting members' receives that datagrams (or an error) finish, dealt in turn.
    fn pump_receive(&self, state: &mut Pending) -> Vec<(ReceiveDone, Received)> {
        let waiting = state.members.waiting();
        if waiting == 0 || !self.readiness.take_readable() {
            return Vec::new();
        }
        let (datagrams, failure) =
            RECEIVED.with_borrow_mut(|buffer| self.read_batch(buffer, waiting));
        match failure {
            // One member hears of it; the others wait on.
            Some(e) if datagrams.is_empty() => {
                let error = IoError::net(&e, "recv", self.local);
                let next = state.members.next_waiting();
                next.map(|(done, _)| (done, Err(error)))
                    .into_iter()
                    .collect()
            }
            _ => state
                .members
                .deal(datagrams)
                .into_iter()
                .map(|((done, _), batch)| (done, Ok(batch)))
                .collect(),
        }
    }

    /// Reads datagrams through `buffer` until the socket is empty or a batch for each of
    /// `receivers` is full; the error that stopped it, if one did.
    fn read_batch(
        &self,
        buffer: &mut [u8],
        receivers: usize,
    ) -> (Vec<Datagram>, Option<std::io::Error>) {
        let mut datagrams = Vec::new();
        let mut bytes = 0;
        let failure = loop {
            if datagrams.len() == BATCH * receivers || bytes >= BATCH_BYTES * receivers {
                self.readiness.still_readable();
                break None;
            }
            match self.socket.recv_from(buffer) {
                Ok((n, peer)) => {
                    bytes += n;
                    datagrams.push(Datagram {
                        bytes: buffer[..n].to_vec(),
                        peer,
                    });
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break None,
                // An ICMP "port unreachable" answering an earlier send of a connected socket:
                // that send was settled when the kernel took it, and receiving goes on.
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset
                    ) =>
                {
                    continue;
                }
                Err(e) => {
                    // Met again by the next receive, when datagrams go first.
                    self.readiness.still_readable();
                    break Some(e);
                }
            }
        };
        (datagrams, failure)
    }

    fn pump_send(&self, state: &mut Pending) -> Vec<(SendDone, Result<usize, IoError>)> {
        let mut finished = Vec::new();
        if state.sends.is_empty() || !self.readiness.take_writable() {
            return finished;
        }
        while let Some(send) = state.sends.front_mut() {
            // At least one datagram, so an empty send sends an empty datagram.
            let end = send.bytes.len().min(send.at.saturating_add(send.piece));
            let datagram = &send.bytes[send.at..end];
            let sent = match send.to {
                Some(to) => self.socket.send_to(datagram, to),
                None => self.socket.send(datagram),
            };
            let result = match sent {
                Ok(_) if end < send.bytes.len() => {
                    send.at = end;
                    continue;
                }
                Ok(_) => Ok(send.bytes.len()),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return finished,
                Err(e) => Err(IoError::net(
                    &e,
                    "send",
                    self.destination(send.to, state.peer),
                )),
            };
            if let Some(send) = state.sends.pop_front() {
                finished.push((send.done, result));
            }
        }
        self.readiness.still_writable();
        finished
    }

    /// Where a send went, for its error.
    fn destination(&self, to: Option<SocketAddr>, peer: Option<SocketAddr>) -> String {
        to.or(peer)
            .map_or_else(|| self.local.to_string(), |a| a.to_string())
    }
}

impl Pumped for Socket {
    fn readiness(&self) -> &Readiness {
        &self.readiness
    }

    fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    fn pump(self: Arc<Self>) {
        let (received, sent) = {
            let mut state = self.lock();
            (self.pump_receive(&mut state), self.pump_send(&mut state))
        };
        // Callbacks run outside the lock: they may queue the next operation at once.
        for (done, result) in received {
            done(result);
        }
        for (done, result) in sent {
            done(result);
        }
    }
}

impl Drop for Socket {
    /// A socket JS let go of without closing still leaves the reactor's table.
    fn drop(&mut self) {
        self.registration
            .unwatch(&self.scheduler, self.socket.as_raw_fd());
    }
}
