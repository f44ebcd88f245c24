//! The offload pool as this layer sees it: where `Nexus.Scheduler.offload` sends a job, and where
//! a pooled realm's answer goes. The pool itself (realms made on first need) is the runtime's,
//! which is above this layer: it implements [`Offload`] and gives it to [`super::configure`].

use crate::realm::Completion;

/// Arguments or a result on their way between realms: JSON text and the ArrayBuffers' bytes.
pub struct Cloned {
    pub json: String,
    pub buffers: Vec<Vec<u8>>,
}

pub trait Offload: Send + Sync + 'static {
    /// Runs `export` of module `key` with `args` in a pooled realm, through its
    /// `dispatch.offloadRun`; `reply` gets `[ok, json, buffers]` in the caller's realm.
    fn submit(&self, key: String, export: String, args: Cloned, reply: Completion);

    /// A pooled realm finished job `job`.
    fn reply(&self, job: u64, ok: bool, result: Cloned);
}
