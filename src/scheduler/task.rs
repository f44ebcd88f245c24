//! A task: any unit of work the pool runs — a realm's JS lane, a timer firing, a native job.
//! The scheduler does not care which; it cares only about the priority.

/// Two classes of work. Every queue is drained high before low, so a flood of low-priority work
/// (timers, bulk native jobs) cannot starve a ready response (promise jobs, I/O completions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    High = 0,
    Low = 1,
}

pub type Job = Box<dyn FnOnce() + Send>;
