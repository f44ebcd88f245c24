//! Sockets bound by some realm, by requested address: another realm binding the same address
//! joins the socket instead of failing with EADDRINUSE (the Acceptor, UDP sockets).
//!
//! Invariants: a port-0 bind is never shared (each asks the OS for a free port of its own); the
//! map names its sockets weakly, so it keeps none open that every realm let go of; a socket is
//! opened under the map's lock, so realms binding one address at once open it once.

use crate::io::IoError;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, Weak};

pub struct Bound<T>(Mutex<Option<HashMap<SocketAddr, Weak<T>>>>);

impl<T> Bound<T> {
    pub const fn new() -> Bound<T> {
        Bound(Mutex::new(None))
    }

    /// The socket bound at `address`, if there is one and `join` lets the caller in; else the one
    /// `open` binds, which later binds of `address` may join.
    pub fn join_or_open(
        &self,
        address: SocketAddr,
        join: impl FnOnce(&T) -> bool,
        open: impl FnOnce() -> Result<Arc<T>, IoError>,
    ) -> Result<Arc<T>, IoError> {
        let mut bound = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let bound = bound.get_or_insert_with(HashMap::new);
        if address.port() == 0 {
            return open();
        }
        if let Some(shared) = bound.get(&address).and_then(Weak::upgrade)
            && join(&shared)
        {
            return Ok(shared);
        }
        let socket = open()?;
        bound.retain(|_, weak| weak.strong_count() > 0);
        bound.insert(address, Arc::downgrade(&socket));
        Ok(socket)
    }
}
