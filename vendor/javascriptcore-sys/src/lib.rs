//! JavaScriptCore for Nexus: the engine built from pinned source (see build/), the C++ shim that
//! gives it ES modules and promise-job hooks (shim/), and a safe Rust surface over both.
//!
//! This is the only crate with `unsafe`. Its invariants:
//! - A [`Scope`] holds its realm's lock; every [`Value`] borrows a scope, so values are only
//!   touched by the thread that holds the lock. The GC finds them by scanning that thread's stack:
//!   keep `Value`s in locals and stack arrays, and use [`Protected`] for anything kept longer.
//! - Native closures never run JS finalization-time work: a [`Protected`] dropped inside a GC
//!   finalizer is unprotected later, at the next scope entry.

mod allocator;
mod bytes;
mod cache_dir;
mod context;
mod engine_loop;
mod ffi;
mod function;
mod hooks;
mod protected;
mod string;
mod value;

pub use allocator::EngineAllocator;
pub use cache_dir::cache_dir;
pub use context::{Context, Scope};
pub use engine_loop::EngineLoop;
pub use function::NativeFn;
pub use hooks::{FetchKind, Fetched, Host, install_host};
pub use protected::Protected;
pub use value::{ErrorKind, JsResult, Kind, Object, PromiseState, Value};
