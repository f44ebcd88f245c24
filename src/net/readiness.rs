//! Edge-triggered readiness of one socket, and the coalescing of the one "pump" task that acts on
//! it. The reactor reports each direction once per change; a pump that finds a direction not
//! ready (the OS said "would block") waits for the next report.
//!
//! Invariants:
//! - A direction's flag is cleared *before* its syscall is tried and set again only by success
//!   or by the reactor, so a report arriving during a pump is never lost: it sets the flag and
//!   has the pump run again. (A short read is not such a success: see `read_done`.)
//! - One pump of a socket runs at a time. What asks for a pump while one runs (a report, or an
//!   operation its own completions start) makes that pump run again on its thread, instead of
//!   a second one that would wait on the first's lock on another; after `AGAIN` runs in a row
//!   it goes back to the queue, behind other sockets' work.

use crate::scheduler::{Priority, Ready, Scheduler};
use mio::unix::SourceFd;
use mio::{Interest, Token};
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// The pump's states (see the invariants).
const IDLE: u8 = 0;
const QUEUED: u8 = 1;
const RUNNING: u8 = 2;
/// Running, and asked for again meanwhile.
const RERUN: u8 = 3;

/// How many times in a row a pump runs again before it queues behind other work.
const AGAIN: usize = 4;

pub struct Readiness {
    readable: AtomicBool,
    writable: AtomicBool,
    pump: AtomicU8,
    /// The reactor reported an error or the peer's end: sticky, as no edge follows it.
    hung_up: AtomicBool,
}

impl Default for Readiness {
    /// A new socket may already have data or room: the first pump tries both directions.
    fn default() -> Readiness {
        Readiness {
            readable: AtomicBool::new(true),
            writable: AtomicBool::new(true),
            pump: AtomicU8::new(IDLE),
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

    /// True when the caller must start a pump: none is queued or running (a running one is
    /// told to run again).
    pub fn schedule(&self) -> bool {
        let mut now = self.pump.load(Ordering::SeqCst);
        loop {
            let next = match now {
                IDLE => QUEUED,
                RUNNING => RERUN,
                _ => return false,
            };
            match self
                .pump
                .compare_exchange(now, next, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return now == IDLE,
                Err(actual) => now = actual,
            }
        }
    }

    /// Called by a pump that ends a run: true when it must run again (and is running again).
    fn rerun(&self) -> bool {
        match self
            .pump
            .compare_exchange(RUNNING, IDLE, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => false,
            Err(_) => {
                self.pump.store(RUNNING, Ordering::SeqCst);
                true
            }
        }
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

/// Queues a pump of `target` unless one is queued or running already (that one runs again).
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
    // A run that panics (a Nexus bug, which the pool reports) leaves the pump idle, or queued
    // again if it was asked for meanwhile, so the socket's later reports still start pumps.
    struct Unwound<'p, T: Pumped>(&'p Arc<T>);
    impl<T: Pumped> Drop for Unwound<'_, T> {
        fn drop(&mut self) {
            if std::thread::panicking()
                && self.0.readiness().pump.swap(IDLE, Ordering::SeqCst) == RERUN
            {
                schedule(self.0);
            }
        }
    }
    let _unwound = Unwound(&pumped);
    let readiness = pumped.readiness();
    readiness.pump.store(RUNNING, Ordering::SeqCst);
    // A socket that keeps asking gives the worker up after AGAIN runs in a row.
    for _ in 0..AGAIN {
        pumped.clone().pump();
        if !readiness.rerun() {
            return;
        }
    }
    readiness.pump.store(QUEUED, Ordering::SeqCst);
    spawn_pump(&pumped);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// A socket stand-in that records how its pumps ran.
    struct Probe {
        readiness: Readiness,
        scheduler: Scheduler,
        /// Pumps running now, and the most that ever ran at once.
        inside: AtomicUsize,
        most: AtomicUsize,
        runs: AtomicUsize,
        /// Requests for a pump so far, and how many the latest pump to start had seen.
        asked: AtomicUsize,
        seen: AtomicUsize,
        /// Runs that ask for another pump themselves, as a completion starting an operation does.
        self_asks: AtomicUsize,
        /// The next run panics.
        panics: AtomicBool,
    }

    impl Probe {
        fn new(scheduler: &Scheduler, self_asks: usize) -> Arc<Probe> {
            Arc::new(Probe {
                readiness: Readiness::default(),
                scheduler: scheduler.clone(),
                inside: AtomicUsize::new(0),
                most: AtomicUsize::new(0),
                runs: AtomicUsize::new(0),
                asked: AtomicUsize::new(0),
                seen: AtomicUsize::new(0),
                self_asks: AtomicUsize::new(self_asks),
                panics: AtomicBool::new(false),
            })
        }

        fn ask(self: &Arc<Self>) {
            self.asked.fetch_add(1, Ordering::SeqCst);
            schedule(self);
        }
    }

    impl Pumped for Probe {
        fn readiness(&self) -> &Readiness {
            &self.readiness
        }

        fn scheduler(&self) -> &Scheduler {
            &self.scheduler
        }

        fn pump(self: Arc<Self>) {
            if self.panics.swap(false, Ordering::SeqCst) {
                panic!("a pump's bug (expected by the test)");
            }
            self.seen
                .store(self.asked.load(Ordering::SeqCst), Ordering::SeqCst);
            let now = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
            self.most.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_micros(50));
            self.runs.fetch_add(1, Ordering::SeqCst);
            self.inside.fetch_sub(1, Ordering::SeqCst);
            let more = self
                .self_asks
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
            if more.is_ok() {
                self.ask();
            }
        }
    }

    #[test]
    fn one_pump_runs_at_a_time_and_a_request_during_one_is_not_lost() {
        let scheduler = Scheduler::start(4).unwrap();
        let probe = Probe::new(&scheduler, 0);
        let askers: Vec<_> = (0..4)
            .map(|_| {
                let probe = probe.clone();
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        probe.ask();
                        std::thread::sleep(Duration::from_micros(20));
                    }
                })
            })
            .collect();
        askers.into_iter().for_each(|a| a.join().unwrap());
        scheduler.run_until_idle();
        assert_eq!(
            probe.most.load(Ordering::SeqCst),
            1,
            "two pumps of one socket ran at once"
        );
        // The last pump to start saw every request: none was made after the last pump began.
        assert_eq!(probe.seen.load(Ordering::SeqCst), 800);
        assert!(
            probe.runs.load(Ordering::SeqCst) < 800,
            "requests during a pump were not merged"
        );
    }

    #[test]
    fn a_pump_that_keeps_asking_for_itself_lets_other_work_run() {
        let scheduler = Scheduler::start(1).unwrap();
        let probe = Probe::new(&scheduler, 40);
        let runs_then = Arc::new(AtomicUsize::new(usize::MAX));
        let (inner, then) = (scheduler.clone(), runs_then.clone());
        let watched = probe.clone();
        scheduler.spawn(Priority::Low, move || {
            watched.ask();
            inner.spawn(Priority::Low, move || {
                then.store(watched.runs.load(Ordering::SeqCst), Ordering::SeqCst);
            });
        });
        scheduler.run_until_idle();
        assert_eq!(probe.runs.load(Ordering::SeqCst), 41);
        let then = runs_then.load(Ordering::SeqCst);
        assert!(
            then <= 2 * AGAIN,
            "the other job waited for {then} runs of the pump"
        );
    }

    /// Waits (5 s at most) until `done`.
    fn wait_until(done: impl Fn() -> bool) {
        let start = std::time::Instant::now();
        while !done() {
            assert!(start.elapsed() < Duration::from_secs(5), "timed out");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_pump_that_panicked_does_not_stop_later_pumps() {
        let scheduler = Scheduler::start(1).unwrap();
        let probe = Probe::new(&scheduler, 0);
        probe.panics.store(true, Ordering::SeqCst);
        probe.ask();
        wait_until(|| {
            !probe.panics.load(Ordering::SeqCst)
                && probe.readiness.pump.load(Ordering::SeqCst) == IDLE
        });
        probe.ask();
        wait_until(|| probe.runs.load(Ordering::SeqCst) == 1);
        scheduler.run_until_idle();
        assert_eq!(probe.runs.load(Ordering::SeqCst), 1);
    }
}
