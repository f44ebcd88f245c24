// setTimeout, setInterval, setImmediate and their clear*. Callbacks stay on the JS side, in a
// slab (pages of slots with a free list: no hashing, memory bounded by the timers armed at once);
// an id is `generation * SLOTS + slot`, so a stale id never reaches a newer timer. Pages, not one
// array: the collector rescans a written array whole at every young collection, and a million
// armed timers made that most of the time spent. Native code calls
// `dispatch.fireTimers(ids)` with the timers that came due, and knows the timer by the key it returned.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayFrom, ArrayPrototypePush, ArrayPrototypeSlice, MathFloor, Number, ObjectFreeze, RangeError,
    ReflectApply, TypeError,
  } = primordials;

  dispatch.load('nexus:scheduler');

  const NO_ARGS = ObjectFreeze([]);
  const SLOTS = 2 ** 21;
  const PAGE_BITS = 10;
  const PAGE = 1 << PAGE_BITS; // slots per page
  const pages = []; // pages[slot / PAGE][slot % PAGE]
  let used = 0; // slots ever handed out
  const free = []; // free[0..freed): slots to reuse (index arithmetic: a push is a call here)
  let freed = 0;
  let generation = 0;

  // Ids pass 2^31, so they are doubles: floor division is cheaper on them than `%`.
  const slotOf = (id) => id - MathFloor(id / SLOTS) * SLOTS;

  function lookup(id) {
    const slot = slotOf(id);
    const timer = pages[slot >>> PAGE_BITS][slot & (PAGE - 1)];
    return timer !== undefined && timer.id === id ? timer : undefined;
  }

  function release(id) {
    const slot = slotOf(id);
    pages[slot >>> PAGE_BITS][slot & (PAGE - 1)] = undefined;
    free[freed++] = slot;
  }

  function callback(fn, what) {
    if (typeof fn !== 'function') throw new TypeError(`${what}: the callback must be a function, got ${typeof fn}`);
    return fn;
  }

  // Like Node: a missing, negative or non-numeric delay is 1 ms; delays are whole milliseconds.
  function delay(ms) {
    const n = Number(ms);
    return n >= 1 && n < 2147483648 ? n | 0 : 1;
  }

  // An unreferenced timer does not keep the process running (Node's `unref()`).
  function arm(fn, ms, args, repeat, what, unreferenced = false) {
    callback(fn, what);
    let slot;
    if (freed > 0) slot = free[--freed];
    else if (used < SLOTS) {
      slot = used++;
      if ((slot & (PAGE - 1)) === 0) ArrayPrototypePush(pages, ArrayFrom({ __proto__: null, length: PAGE })); // own elements
    } else throw new RangeError(`${what}: more than ${SLOTS} timers are armed`);
    generation = (generation % 2 ** 31) + 1;
    const id = generation * SLOTS + slot;
    const timer = { id, fn, args, repeat, key: 0 };
    pages[slot >>> PAGE_BITS][slot & (PAGE - 1)] = timer;
    timer.key = ops.timerStart(id, delay(ms), repeat, unreferenced);
    return id;
  }

  function clear(id) {
    const timer = typeof id === 'number' ? lookup(id) : undefined;
    if (timer) {
      release(id);
      ops.timerStop(timer.key);
    }
  }

  // Native code hands over the timers that came due, in order; each callback's promise jobs run
  // before the next callback, as in Node, and a throwing callback does not stop the others.
  dispatch.fireTimers = (ids) => {
    for (let i = 0; i < ids.length; i++) {
      try {
        fire(ids[i]);
      } catch (error) {
        ops.reportUncaught(error);
      }
      dispatch.runMicrotasks();
    }
  };

  const fire = (id) => {
    const timer = lookup(id);
    if (!timer) return; // cleared after it was queued
    if (!timer.repeat) release(id);
    if (timer.args.length === 0) timer.fn();
    else ReflectApply(timer.fn, undefined, timer.args);
  };

  // For AbortSignal.timeout, whose pending timeout must not keep the process alive.
  dispatch.unreferencedTimeout = (fn, ms, what) => arm(fn, ms, NO_ARGS, false, what, true);

  const globals = {
    // Plain functions reading `arguments`: a rest parameter would allocate an array per call.
    setTimeout: function setTimeout(fn, ms) {
      return arm(fn, ms, arguments.length > 2 ? ArrayPrototypeSlice(arguments, 2) : NO_ARGS, false, 'setTimeout');
    },
    setInterval: function setInterval(fn, ms) {
      return arm(fn, ms, arguments.length > 2 ? ArrayPrototypeSlice(arguments, 2) : NO_ARGS, true, 'setInterval');
    },
    clearTimeout: clear,
    clearInterval: clear,
    setImmediate: (fn, ...args) => {
      callback(fn, 'setImmediate');
      return dispatch.enqueue(args.length === 0 ? fn : () => ReflectApply(fn, undefined, args));
    },
    clearImmediate: (id) => dispatch.cancel(id),
  };
  dispatch.defineGlobals(globals);
});
