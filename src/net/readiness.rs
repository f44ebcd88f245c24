//! Edge-triggered readiness of one socket, and the coalescing of the one "pump" task that acts on
//! it. The reactor reports each direction once per change; a pump that finds a direction not
//! ready (the OS said "would block") waits for the next report.
//!
//! Invariant: a direction's flag is cleared *before* its syscall is tried and set again only by
//! success or by the reactor, so a report arriving during a pump is never lost: it sets the flag
//! and schedules another pump. (A short read is not such a success: see `read_done`.)

use crate::scheduler::{Priority, Ready, Scheduler};
use mio::unix::SourceFd;
use mio::{Interest, Token};
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

pub struct Readiness {
    readable: AtomicBool,
    writable: AtomicBool,
    scheduled: AtomicBool,
    /// The reactor reported an error or the peer's end: sticky, as no edge follows it.
    hung_up: AtomicBool,
}

impl Default for Readiness {
    /// A new socket may already have data or room: the first pump tries both directions.
    fn default() -> Readiness {
        Readiness {
            readable: AtomicBool::new(true),
            writable: AtomicBool::new(true),
            scheduled: AtomicBool::new(false),
            hung_up: AtomicBool::new(false),
        }
    }
}

impl Readiness {
    /// Records a report from the reactor; true when the caller must start a pump.
    pub fn report(&self, ready: Ready) -> bool {
        if ready.hung_up {
            self.hung_up.store(true, Ordering::SeqCst);
        }
        if ready.readable {
            self.readable.store(true, Ordering::SeqCst);
        }
        if ready.writable {
            self.writable.store(true, Ordering::SeqCst);
        }
        self.schedule()
    }

    /// True when the caller must start a pump (none is queued yet).
    pub fn schedule(&self) -> bool {
        !self.scheduled.swap(true, Ordering::SeqCst)
    }

    /// Called first thing by a pump: later reports start another one.
    pub fn pump_started(&self) {
        self.scheduled.store(false, Ordering::SeqCst);
    }

    /// Whether reading may make progress; clears the flag for the attempt.
    pub fn take_readable(&self) -> bool {
        self.readable.swap(false, Ordering::SeqCst)
    }

    /// Whether reading may make progress, leaving the flag as it is: an operation queued while
    /// it is clear needs no pump of its own, as the reactor's next report schedules one.
    pub fn readable(&self) -> bool {
        self.readable.load(Ordering::SeqCst)
    }

    pub fn take_writable(&self) -> bool {
        self.writable.swap(false, Ordering::SeqCst)
    }

    /// After a read that did not meet "would block": more may be there.
    pub fn still_readable(&self) {
        self.readable.store(true, Ordering::SeqCst);
    }

    /// After a read of `n` bytes into a buffer of `capacity`: a short read emptied the socket,
    /// and what arrives next is a new edge, so no read is spent on "would block" — unless the
    /// peer's end (or an error) was reported, which no edge follows. The report comes before
    /// the pump it schedules, so a pump reading the last bytes sees it.
    pub fn read_done(&self, n: usize, capacity: usize) {
        if n == capacity || n == 0 || self.hung_up.load(Ordering::SeqCst) {
            self.still_readable();
        }
    }

    pub fn still_writable(&self) {
        self.writable.store(true, Ordering::SeqCst);
    }
}

/// A socket that one pump task at a time drives from its readiness.
pub trait Pumped: Send + Sync + 'static {
    fn readiness(&self) -> &Readiness;
    fn scheduler(&self) -> &Scheduler;
    /// Acts on the socket: reads, writes, accepts, whatever its pending work allows.
    fn pump(self: Arc<Self>);
}

/// Queues a pump of `target` unless one is queued already.
pub fn schedule<T: Pumped>(target: &Arc<T>) {
    if target.readiness().schedule() {
        spawn_pump(target);
    }
}

/// Like [`schedule`], but the pump starts only when the running JS task ends, so that the
/// task's writes go out together (see `Pool::corked`).
pub fn schedule_after_task<T: Pumped>(target: &Arc<T>) {
    if target.readiness().schedule() {
        let pumped = target.clone();
        target
            .scheduler()
            .spawn_after_task(Priority::Low, move || pump(pumped));
    }
}

fn pump<T: Pumped>(pumped: Arc<T>) {
    pumped.readiness().pump_started();
    pumped.pump();
}

fn spawn_pump<T: Pumped>(target: &Arc<T>) {
    let pumped = target.clone();
    target
        .scheduler()
        .spawn(Priority::Low, move || pump(pumped));
}

/// A socket's entry in the reactor's table. It is made once the socket is whole (a report for a
/// half-built one would find nothing to pump and be lost) and removed once: by `close`, or by
/// the socket's drop when it was never closed.
#[derive(Default)]
pub struct Registration(Mutex<Option<Token>>);

impl Registration {
    /// Watches `fd`; every readiness report schedules a pump of `target`.
    pub fn watch<T: Pumped>(
        &self,
        target: &Arc<T>,
        fd: RawFd,
        interest: Interest,
    ) -> io::Result<()> {
        let weak: Weak<T> = Arc::downgrade(target);
        let token = target.scheduler().register(
            &mut SourceFd(&fd),
            interest,
            Arc::new(move |ready| {
                if let Some(target) = weak.upgrade()
                    && target.readiness().report(ready)
                {
                    spawn_pump(&target);
                }
            }),
        )?;
        *self.lock() = Some(token);
        Ok(())
    }

    /// Stops watching `fd`; later calls do nothing.
    pub fn unwatch(&self, scheduler: &Scheduler, fd: RawFd) {
        if let Some(token) = self.lock().take() {
            scheduler.deregister(&mut SourceFd(&fd), token);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
