//! JavaScriptCore for Nexus: the engine built from pinned source (see build/), the C++ shim that
//! gives it ES modules and promise-job hooks (shim/), and a safe Rust surface over both.
//!
//! This is the only crate with `unsafe`. Its invariants:
//! - A [`Scope`] holds its realm's lock; every [`Value`] borrows a scope, so values are only
//!   touched by the thread that holds the lock. The GC finds them by scanning that thread's stack:
//!   keep `Value`s in locals and stack arrays, and use [`Protected`] for anything kept longer.
//! - Native closures never run JS finalization-time work: a [`Protected`] dropped inside a GC
//!   finalizer is unprotected later, at the next scope entry.
//! - The scope invariant, which most `SAFETY` comments cite: while a `Scope` lives, its `ctx` is a
//!   live global context (a scope borrows its [`Context`]; a borrowed scope lives only inside the
//!   engine's call that gave it) and the calling thread holds that realm's lock. So a call given
//!   `scope.ctx` and raw values of that scope is sound: the shim's `nx_*` value functions do not
//!   take the lock and rely on it being held; the C API's functions take it again (recursively).
//! - Values go only to calls on their own realm. Types do not check this (a thread may hold
//!   scopes of two realms); [`Protected::get`] checks it at run time, nothing else does.
//!
//! Every `unsafe` block and impl has a `SAFETY` comment saying why it is sound; the lints in
//! Cargo.toml make a missing one an error.

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
