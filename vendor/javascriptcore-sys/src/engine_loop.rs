//! The engine's own timers: JSC paces garbage collection (collections while the program is idle,
//! incremental sweeping) with timers on the run loop of the thread that made each VM. They fire
//! only while that thread runs its loop; otherwise only allocation triggers collections, and an
//! idle program keeps all the garbage of its last burst.

use crate::ffi::*;
use std::ffi::c_void;

/// A reference to a thread's engine loop, to stop from any thread.
pub struct EngineLoop(*mut c_void);

// SAFETY: the pointer is a counted reference to a WTF::RunLoop (thread-safe reference count);
// the one operation offered across threads (`stop`) is thread-safe in WTF.
unsafe impl Send for EngineLoop {}
unsafe impl Sync for EngineLoop {}

impl EngineLoop {
    /// The main thread's loop; the first call makes the calling thread the engine's main
    /// thread, whose loop also serves the engine's process-wide timers.
    pub fn main() -> EngineLoop {
        // SAFETY: no preconditions; the reference is given back in Drop.
        EngineLoop(unsafe { nx_engine_loop_main() })
    }

    /// Runs the calling thread's loop, firing the engine timers of VMs made on this thread,
    /// until [`EngineLoop::stop`] on its handle (which may come first: the run then ends at once).
    pub fn run_current() {
        // SAFETY: runs the calling thread's own loop.
        unsafe { nx_engine_loop_run() }
    }

    /// Ends the loop's run, now or as soon as it starts.
    pub fn stop(&self) {
        // SAFETY: our reference keeps the loop alive.
        unsafe { nx_engine_loop_stop(self.0) }
    }
}

impl Drop for EngineLoop {
    fn drop(&mut self) {
        // SAFETY: gives back the reference `current` took, once.
        unsafe { nx_engine_loop_release(self.0) }
    }
}
