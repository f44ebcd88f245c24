// Promise jobs, run from JS: the engine appends every job the realm's promises queue to `jobs`
// (see the shim's jobs.cpp), and queueMicrotask its callbacks: from index 1, five values each
// (the job and its four arguments), `jobs[0]` being the index just past the last. `run` calls
// them in queueing order, the ones they queue included, as plain calls: one engine entry per
// drain, not one per job.
// `dispatch.runMicrotasks()` runs them between tasks without leaving JS.
// Invariants: `jobs[0]` is 1 whenever `run` returns, and no slot holds a job that ran (nothing
// it referenced is kept alive); a nested run (a job reaching native code that drains) returns
// at once, and the outer one runs what was queued. The array's length only grows, except after
// a burst of more than BIG values, so draining reallocates nothing.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  // Jobs still queued move to the front once this many values ran and those left are fewer:
  // a chain of jobs reuses the same few thousand slots, and each move costs less than what ran.
  const ROOM = 5 * 4096;
  const BIG = 4 * ROOM;
  const jobs = [1];
  let running = false;

  // Moves the jobs from `next` on to the front. A function of its own, so that run() stays
  // small for the JIT.
  const compact = (next) => {
    const end = jobs[0];
    for (let i = next; i < end; i++) {
      jobs[i - next + 1] = jobs[i];
      jobs[i] = undefined;
    }
    jobs[0] = end - next + 1;
  };

  const run = () => {
    if (running) return;
    running = true;
    let next = 1;
    try {
      while (next < jobs[0]) {
        const job = jobs[next];
        const a = jobs[next + 1], b = jobs[next + 2], c = jobs[next + 3], d = jobs[next + 4];
        jobs[next] = jobs[next + 1] = jobs[next + 2] = jobs[next + 3] = jobs[next + 4] = undefined;
        next += 5;
        if (next > ROOM && 2 * next > jobs[0]) {
          compact(next);
          next = 1;
        }
        try {
          job(a, b, c, d);
        } catch (error) {
          ops.reportUncaught(error);
        }
      }
    } finally {
      jobs[0] = 1;
      if (jobs.length > BIG) jobs.length = 1;
      running = false;
    }
  };
  ops.installJobs(jobs, run);

  // queueMicrotask's callbacks join the same queue from JS, called with no arguments: no native
  // call per callback. They are only written below the array's length, where every element is
  // an own one (no setter on Array.prototype sees them); the host lengthens it, doubling.
  const callback = (fn) => fn();
  dispatch.queueMicrotask = (fn) => {
    const end = jobs[0];
    if (end + 5 > jobs.length) ops.reserveJobs(Math.max(end + 5, 2 * jobs.length));
    jobs[end] = callback;
    jobs[end + 1] = fn;
    jobs[end + 2] = jobs[end + 3] = jobs[end + 4] = undefined;
    jobs[0] = end + 5;
  };

  const rejections = ops.rejectionFlag(); // [1] while unhandled rejections wait to be reported
  dispatch.runMicrotasks = () => {
    if (jobs[0] !== 1) run();
    if (rejections[0] !== 0) ops.runMicrotasks();
  };
});
