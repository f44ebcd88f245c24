// Promise jobs, run from JS: the engine appends every job the realm's promises queue to `jobs`,
// five values each (the job and its four arguments; see the shim's jobs.cpp), and `run` calls
// them in queueing order, the ones they queue included, as plain calls: one engine entry per
// drain, not one per job. `dispatch.runMicrotasks()` runs them between tasks without leaving JS.
// Invariants: `jobs` is empty whenever `run` returns; a nested run (a job reaching native code
// that drains) returns at once, and the outer one runs what was queued.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  // Jobs already run are dropped from the front once they take this many values and at least
  // half of the array (the copy stays proportional to what was run).
  const ROOM = 5 * 4096;
  const jobs = [];
  let running = false;

  const run = () => {
    if (running) return;
    running = true;
    let next = 0;
    try {
      while (next < jobs.length) {
        const job = jobs[next];
        const a = jobs[next + 1], b = jobs[next + 2], c = jobs[next + 3], d = jobs[next + 4];
        next += 5;
        if (next >= ROOM && 2 * next >= jobs.length) {
          for (let i = next; i < jobs.length; i++) jobs[i - next] = jobs[i];
          jobs.length -= next;
          next = 0;
        }
        try {
          job(a, b, c, d);
        } catch (error) {
          ops.reportUncaught(error);
        }
      }
    } finally {
      jobs.length = 0;
      running = false;
    }
  };
  ops.installJobs(jobs, run);

  const rejections = ops.rejectionFlag(); // [1] while unhandled rejections wait to be reported
  dispatch.runMicrotasks = () => {
    if (jobs.length !== 0) run();
    if (rejections[0] !== 0) ops.runMicrotasks();
  };
});
