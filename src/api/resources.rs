//! The handles JS holds native resources by: open file devices, filter states, sockets, acceptors,
//! HTTP servers and connections, and whatever joins them. The table is type-erased (as deno_core's
//! resource table): it names no concrete resource; each kind implements [`Resource`] beside the
//! ops that make it, and an op asks for the kind it expects (`get::<T>`, [`arg`]).
//!
//! Invariants: a handle never names a released resource's successor, because numbers are never
//! reused. JS owns the lifetime (a resource is released by its `close()`, through the `release`
//! op), except where the resource's owner forgets it itself (an HTTP connection, when its socket
//! closes).

use super::ops::args::arg as js_arg;
use javascriptcore_sys::{ErrorKind, JsResult, Scope, Value};
use std::any::Any;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// A native resource JS may hold a handle to.
pub trait Resource: Any + Send + Sync {
    /// What JS knows this kind as, with its article ("a socket"), for the error of a handle that
    /// names another kind.
    fn kind() -> &'static str
    where
        Self: Sized;

    /// Lets go of what the resource holds open, when JS releases its handle; the resource itself
    /// goes once no task still uses it.
    fn close(&self) {}
}

/// Why a handle gave no resource of the kind asked for.
pub enum Missing {
    /// Released, or never given out.
    Released,
    /// It names a resource of another kind.
    OtherKind,
}

static NEXT: AtomicU64 = AtomicU64::new(1);
static TABLE: RwLock<Option<Table>> = RwLock::new(None);

type Table = HashMap<u64, Arc<dyn Resource>, Handles>;

/// Hashes a handle by one multiplication (Fibonacci hashing): handles are counted out, never
/// chosen by a program, so they need no defence against collisions, and every op looks one up.
#[derive(Default, Clone, Copy)]
struct Handles;

#[derive(Default)]
struct HandleHasher(u64);

impl BuildHasher for Handles {
    type Hasher = HandleHasher;
    fn build_hasher(&self) -> HandleHasher {
        HandleHasher(0)
    }
}

impl Hasher for HandleHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8 | u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, handle: u64) {
        self.0 = handle.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Gives `resource` a new handle.
pub fn insert<T: Resource>(resource: Arc<T>) -> u64 {
    let handle = NEXT.fetch_add(1, Ordering::Relaxed);
    TABLE
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(|| HashMap::with_hasher(Handles))
        .insert(handle, resource);
    handle
}

/// The resource of kind `T` that `handle` names.
pub fn get<T: Resource>(handle: u64) -> Result<Arc<T>, Missing> {
    let resource = TABLE
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|table| table.get(&handle).cloned())
        .ok_or(Missing::Released)?;
    let resource: Arc<dyn Any + Send + Sync> = resource;
    resource.downcast().map_err(|_| Missing::OtherKind)
}

/// Forgets the handle; the resource itself goes once no task still uses it.
pub fn remove(handle: u64) -> Option<Arc<dyn Resource>> {
    TABLE
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .as_mut()?
        .remove(&handle)
}

/// The resource of kind `T` that an op's argument `i` names; throws if there is none.
pub fn arg<'a, T: Resource>(
    scope: &'a Scope<'a>,
    args: &[Value<'a>],
    i: usize,
) -> JsResult<'a, Arc<T>> {
    let handle = js_arg(scope, args, i).to_number()? as u64;
    get(handle).map_err(|missing| match missing {
        Missing::Released => {
            // "a socket" -> "the socket is closed": the kind gone, not a generic device.
            let kind = T::kind();
            let noun = kind
                .strip_prefix("an ")
                .or_else(|| kind.strip_prefix("a "))
                .unwrap_or(kind);
            scope.error(ErrorKind::Error, &format!("the {noun} is closed"))
        }
        Missing::OtherKind => scope.error(ErrorKind::TypeError, &format!("not {}", T::kind())),
    })
}
