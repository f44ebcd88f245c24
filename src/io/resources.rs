//! Native resources JS holds by number: open file devices, filter states, sockets, acceptors and
//! HTTP servers and connections. JS owns the lifetime (a device or filter is released by its
//! `close()`), except for an HTTP connection, which leaves when its socket closes; a handle never
//! names a released resource's successor, because numbers are never reused.

use super::encoding::Converter;
use super::file::FileDevice;
use crate::net::acceptor::Binding;
use crate::net::http::connection::Connection;
use crate::net::http::server::Server;
use crate::net::socket::Socket;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

pub enum Resource {
    File(Mutex<FileDevice>),
    Converter(Mutex<Converter>),
    Acceptor(Binding),
    Socket(Arc<Socket>),
    Server(Arc<Server>),
    Http(Arc<Connection>),
}

static NEXT: AtomicU64 = AtomicU64::new(1);
static TABLE: RwLock<Option<HashMap<u64, Arc<Resource>>>> = RwLock::new(None);

pub fn insert(resource: Resource) -> u64 {
    let handle = NEXT.fetch_add(1, Ordering::Relaxed);
    TABLE
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(handle, Arc::new(resource));
    handle
}

pub fn get(handle: u64) -> Option<Arc<Resource>> {
    TABLE
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()?
        .get(&handle)
        .cloned()
}

/// Forgets the handle; the resource itself goes once no task still uses it.
pub fn remove(handle: u64) -> Option<Arc<Resource>> {
    TABLE
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .as_mut()?
        .remove(&handle)
}
