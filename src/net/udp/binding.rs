//! A realm's hold on a UDP socket: what JS's handle names. Realms of one process that bind the
//! same address and port join one socket (as Acceptors do), each a member that receives its
//! share of the datagrams and sends through the socket, so replies come from the bound port.
//!
//! Invariants: a port-0 bind is never shared; a realm joins a socket at most once, so its second
//! bind of an address opens a socket of its own (EADDRINUSE without SO_REUSEADDR); a connected
//! socket is one realm's alone. Dropping the binding (the handle's release) ends its member
//! only; the socket closes with the last.

use super::family::Family;
use super::socket::Socket;
use crate::io::IoError;
use crate::net::bound::Bound;
use crate::scheduler::Scheduler;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// UDP sockets by requested address, for realms to share.
static BOUND: Bound<Socket> = Bound::new();
/// Member numbers are never reused, so a binding dropped late cannot end a later member.
static NEXT_MEMBER: AtomicU64 = AtomicU64::new(1);

pub struct Binding {
    pub socket: Arc<Socket>,
    /// This realm's member of `socket`, which every operation names.
    pub member: u64,
}

impl Binding {
    /// Binds `address` for `realm`, or joins the socket another realm bound there.
    pub fn bind(
        family: Family,
        address: SocketAddr,
        reuse: bool,
        realm: u32,
        scheduler: &Scheduler,
    ) -> Result<Binding, IoError> {
        let member = NEXT_MEMBER.fetch_add(1, Ordering::Relaxed);
        let socket = BOUND.join_or_open(
            address,
            |shared| shared.family == family && shared.join(member, realm),
            || Socket::open(family, address, reuse, member, realm, scheduler),
        )?;
        Ok(Binding { socket, member })
    }

    /// Ends this realm's member: its receive and queued sends finish; the last closes the socket.
    pub fn leave(&self) {
        self.socket.leave(self.member);
    }
}

impl Drop for Binding {
    fn drop(&mut self) {
        self.leave();
    }
}
