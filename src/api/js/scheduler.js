// Nexus.Scheduler, and the JS half of queued tasks. `dispatch.enqueue(fn, arg)` appends the
// task `fn(arg)` (`fn()` without `arg`) to this realm's task queue; native code runs the queue
// with `dispatch.runTasks(limit)`, which runs each task's promise jobs before the next task
// (`dispatch.runMicrotasks`, see jobs.js), so every task stays a task of its own while a burst
// of them costs one native hand-off.
// Invariant: `scheduled` is true from the `ops.enqueue()` that asked for a run until
// `runTasks()` leaves the queue empty.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const { ArrayFrom, Error, ObjectDefineProperty, ObjectFreeze, SafeSet, TypeError } = primordials;

  // Tasks wait as id, fn, arg, id, fn, arg, ... in chunks of CHUNK values, each chunk's last
  // slot linking the next: a burst grows the list instead of one array (which the collector
  // would rescan whole after every store) and leaves only the chunk being written to rescan.
  // `read` and `write` index the first and last chunks; the queue is empty when they meet in
  // one chunk, and then both go back to its start.
  const CHUNK = 3 * 1024;
  // Own elements from the start (fill() would assign, and a setter on Array.prototype see it);
  // the array-like has no prototype, whose Symbol.iterator Array.from would use.
  const chunk = () => ArrayFrom({ __proto__: null, length: CHUNK + 1 });
  let first = chunk();
  let last = first;
  let read = 0;
  let write = 0;
  let spare = null; // the chunk last emptied, for the next one needed
  let nextId = 1;
  let scheduled = false;
  const cancelled = new SafeSet(); // ids of queued tasks not to run; emptied with the queue

  // Stepping to the next chunk, a rare path, is kept out of enqueue and runTasks so that the JIT
  // compiles those small.
  const grow = () => {
    const next = spare ?? chunk();
    spare = null;
    last[CHUNK] = next;
    last = next;
    write = 0;
  };
  const advance = () => {
    const next = first[CHUNK];
    first[CHUNK] = undefined;
    spare = first;
    first = next;
    read = 0;
  };

  dispatch.enqueue = (fn, arg) => {
    const id = nextId++;
    if (write === CHUNK) grow();
    last[write] = id;
    last[write + 1] = fn;
    last[write + 2] = arg;
    write += 3;
    if (!scheduled) {
      scheduled = true;
      ops.enqueue();
    }
    return id;
  };
  let cancelling = false; // cancelled.size !== 0, without the engine's slow call
  dispatch.cancel = (id) => {
    cancelled.add(id);
    cancelling = true;
  };
  // Runs at most `limit` tasks, each followed by its promise jobs; gives how many ran (fewer
  // than `limit` once the queue is empty). A throwing task is reported and the next one runs.
  // The queue is empty when `first === last && read === write`, written out: a helper for it
  // was one more function for the JIT to compile in every tier.
  dispatch.runTasks = (limit) => {
    let ran = 0;
    while (ran < limit && !(first === last && read === write)) {
      if (read === CHUNK) advance();
      const id = first[read];
      const fn = first[read + 1];
      const arg = first[read + 2];
      first[read + 1] = first[read + 2] = undefined;
      read += 3;
      if (first === last && read === write) read = write = 0;
      if (cancelling && cancelled.delete(id)) continue;
      ran++;
      try {
        if (arg === undefined) fn();
        else fn(arg);
      } catch (error) {
        ops.reportUncaught(error);
      }
      dispatch.runMicrotasks();
    }
    if (first === last && read === write) {
      scheduled = false;
      cancelled.clear();
      cancelling = false;
    }
    return ran;
  };

  const Scheduler = {
    schedule(fn) {
      if (typeof fn !== 'function') throw new TypeError(`Scheduler.schedule: the task must be a function, got ${typeof fn}`);
      dispatch.enqueue(fn);
    },
    get threadId() { return ops.threadId(); },
    // Calls the export `exportName` of `specifier` (resolved from the calling module) in a realm
    // of the offload pool, with `args` and the result passed by structured clone.
    offload(specifier, exportName, ...args) {
      const stack = new Error().stack;
      dispatch.load('nexus:offload');
      return dispatch.offload(specifier, exportName, args, stack);
    },
    concurrency: details.concurrency,
  };
  // Native: it queues in the engine's job queue, and what a callback throws is reported as
  // uncaught (see the shim's jobs.cpp).
  dispatch.defineGlobals({ queueMicrotask: ops.queueMicrotaskFunction() });
  ObjectDefineProperty(Nexus, 'Scheduler', { __proto__: null, value: ObjectFreeze(Scheduler), enumerable: true });
});
