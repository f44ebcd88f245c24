// setTimeout, setInterval, setImmediate and their clear*. Callbacks stay on the JS side, keyed
// by id; native code only arms timers by id and calls `dispatch.fireTimer(id)` or
// `dispatch.runTask(id)` when one is due.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const timers = new Map();
  let nextId = 1;

  function callback(fn, what) {
    if (typeof fn !== 'function') throw new TypeError(`${what}: the callback must be a function, got ${typeof fn}`);
    return fn;
  }

  // Like Node: a missing, negative or non-numeric delay is 1 ms; delays are whole milliseconds.
  function delay(ms) {
    const n = Math.trunc(Number(ms));
    return n >= 1 && n <= 2147483647 ? n : 1;
  }

  function arm(fn, ms, args, repeat, what) {
    const id = nextId++;
    timers.set(id, { fn: callback(fn, what), args, repeat });
    ops.timerStart(id, delay(ms), repeat);
    return id;
  }

  function clear(id) {
    if (timers.delete(id)) ops.timerStop(id);
  }

  dispatch.fireTimer = (id) => {
    const timer = timers.get(id);
    if (!timer) return; // cleared after it was queued
    if (!timer.repeat) timers.delete(id);
    timer.fn(...timer.args);
  };

  const globals = {
    setTimeout: (fn, ms, ...args) => arm(fn, ms, args, false, 'setTimeout'),
    setInterval: (fn, ms, ...args) => arm(fn, ms, args, true, 'setInterval'),
    clearTimeout: clear,
    clearInterval: clear,
    setImmediate: (fn, ...args) => {
      callback(fn, 'setImmediate');
      return dispatch.enqueue(() => fn(...args));
    },
    clearImmediate: (id) => dispatch.cancel(id),
  };
  for (const [name, value] of Object.entries(globals))
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
});
