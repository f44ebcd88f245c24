//! The engine's own timers: JSC paces garbage collection (collections while the program is idle,
//! incremental sweeping) with timers on the run loop of the thread that made each VM. They fire
//! only while that thread runs its loop; otherwise only allocation triggers collections, and an
//! idle program keeps all the garbage of its last burst.

use crate::ffi::*;
use std::ffi::c_void;

/// A reference to a thread's engine loop, to stop from any thread.
pub struct EngineLoop(*mut c_void);

// SAFETY: the pointer is a counted reference to a WTF::RunLoop, whose reference count is atomic,
// so it may be given back from any thread.
unsafe impl Send for EngineLoop {}
// SAFETY: the one `&self` operation, `stop`, only dispatches a function to the loop, and
// RunLoop::dispatch is thread-safe.
unsafe impl Sync for EngineLoop {}

impl EngineLoop {
    /// The main thread's loop; the first call makes the calling thread the engine's main
    /// thread, whose loop also serves the engine's process-wide timers.
    pub fn main() -> EngineLoop {
        // SAFETY: no preconditions (the shim makes the main thread once); the reference it gives
        // is ours, given back in Drop.
        EngineLoop(unsafe { nx_engine_loop_main() })
    }

    /// Runs the calling thread's loop, firing the engine timers of VMs made on this thread,
    /// until [`EngineLoop::stop`] on its handle (which may come first: the run then ends at once).
    pub fn run_current() {
        // SAFETY: no preconditions: the calling thread's own loop (made on first use) runs only
        // here, on its thread.
        unsafe { nx_engine_loop_run() }
    }

    /// Ends the loop's run, now or as soon as it starts.
    pub fn stop(&self) {
        // SAFETY: our reference keeps the loop alive; the stop is dispatched to the loop, which
        // any thread may do.
        unsafe { nx_engine_loop_stop(self.0) }
    }
}

impl Drop for EngineLoop {
    fn drop(&mut self) {
        // SAFETY: gives back the reference `main` took, once.
        unsafe { nx_engine_loop_release(self.0) }
    }
}
