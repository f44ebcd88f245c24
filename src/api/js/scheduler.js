// Nexus.Scheduler, and the JS half of queued tasks: `dispatch.enqueue(fn)` keeps `fn` by id and
// asks native code to queue a task on this realm's lane, which calls `dispatch.runTask(id)`.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const tasks = new Map();
  let nextId = 1;

  dispatch.enqueue = (fn) => {
    const id = nextId++;
    tasks.set(id, fn);
    ops.enqueue(id);
    return id;
  };
  dispatch.cancel = (id) => { tasks.delete(id); };
  dispatch.runTask = (id) => {
    const fn = tasks.get(id);
    if (!fn) return;
    tasks.delete(id);
    fn();
  };

  const Scheduler = {
    schedule(fn) {
      if (typeof fn !== 'function') throw new TypeError(`Scheduler.schedule: the task must be a function, got ${typeof fn}`);
      dispatch.enqueue(fn);
    },
    get threadId() { return ops.threadId(); },
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
