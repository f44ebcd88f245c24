// Nexus.Scheduler, and the JS half of queued tasks. `dispatch.enqueue(fn)` appends `fn` to this
// realm's task queue; native code runs the queue one task per `dispatch.runTask()` call, each
// followed by its promise jobs, so every task stays a task of its own while a burst of them costs
// one native hand-off. Invariant: `scheduled` is true from the `ops.enqueue()` that asked for a
// run until `runTask()` finds the queue empty.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const queue = []; // id, fn, id, fn, … from `head` on
  let head = 0;
  let nextId = 1;
  let scheduled = false;
  const cancelled = new Set();

  dispatch.enqueue = (fn) => {
    const id = nextId++;
    queue.push(id, fn);
    if (!scheduled) {
      scheduled = true;
      ops.enqueue();
    }
    return id;
  };
  dispatch.cancel = (id) => { cancelled.add(id); };
  // Runs the next task; true while more wait.
  dispatch.runTask = () => {
    while (head < queue.length) {
      const id = queue[head];
      const fn = queue[head + 1];
      queue[head + 1] = undefined;
      head += 2;
      if (head === queue.length) {
        queue.length = 0;
        head = 0;
      }
      if (cancelled.size !== 0 && cancelled.delete(id)) continue;
      fn();
      if (head < queue.length) return true;
      break;
    }
    scheduled = false;
    cancelled.clear();
    return false;
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
      ops.queueMicrotask(() => {
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
