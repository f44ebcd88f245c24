// Nexus.Scheduler, and the JS half of queued tasks. `dispatch.enqueue(fn, arg)` appends the
// task `fn(arg)` (`fn()` without `arg`) to this realm's task queue; native code runs the queue
// with `dispatch.runTasks(limit)`, which runs each task's promise jobs before the next task
// (`dispatch.runMicrotasks`, see jobs.js), so every task stays a task of its own while a burst
// of them costs one native hand-off.
// Invariant: `scheduled` is true from the `ops.enqueue()` that asked for a run until
// `runTasks()` leaves the queue empty.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  // id, fn, arg, id, fn, arg, ... from `head` to `tail`. Emptied by moving both back to 0; setting
  // `length` is the engine's slow path, so it is done only to give back the room of a big burst.
  const ROOM = 3 * 4096;
  const queue = [];
  let head = 0;
  let tail = 0;
  let nextId = 1;
  let scheduled = false;
  const cancelled = new Set(); // ids of queued tasks not to run; emptied with the queue

  dispatch.enqueue = (fn, arg) => {
    const id = nextId++;
    queue[tail] = id;
    queue[tail + 1] = fn;
    queue[tail + 2] = arg;
    tail += 3;
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
  dispatch.runTasks = (limit) => {
    let ran = 0;
    while (ran < limit && head < tail) {
      const id = queue[head];
      const fn = queue[head + 1];
      const arg = queue[head + 2];
      queue[head + 1] = queue[head + 2] = undefined;
      head += 3;
      if (head === tail) {
        head = tail = 0;
        if (queue.length > ROOM) queue.length = 0;
      }
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
    if (head === tail) {
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
  Object.defineProperty(globalThis, 'queueMicrotask', {
    // The engine swallows exceptions of promise jobs; this one reports them, as uncaught.
    value: function queueMicrotask(fn) {
      if (typeof fn !== 'function') throw new TypeError(`queueMicrotask: the callback must be a function, got ${typeof fn}`);
      ops.queuePromiseJob(() => {
        try {
          fn();
        } catch (error) {
          ops.reportUncaught(error);
        }
      });
    },
    writable: true, configurable: true, enumerable: false,
  });
  Object.defineProperty(Nexus, 'Scheduler', { value: Object.freeze(Scheduler), enumerable: true });
});
