// Native operations that finish later: `dispatch.native(op, ...args)` calls `ops[op](id, ...args)`
// and returns a Promise that native code settles through `dispatch.settle(id, ok, value)` once
// its task, run off the realm's lock, is done. `dispatch.nativeMap(op, map, ...args)` is the
// same, fulfilled with `map(value)`, which runs as it settles: no promise job in between, where
// a then() would take one (a throwing `map` rejects the promise; a null `map` maps nothing).
// `dispatch.nativeCatch(op, fail, ...args)` is to `.catch(fail)` what nativeMap is to then().
(function (ops, details, Nexus, dispatch) {
  'use strict';

  // The operations in flight: `slots[id]` is { resolve, reject, map, fail } until `id` settles,
  // then undefined and `id` goes to `free` for the next operation. A Map kept here churned through
  // a new storage every few operations, and the engine chains each storage it leaves to the next
  // one (for iterators) without clearing it: a stale reference to an old storage kept every later
  // record alive, with the promises and errors they reached (tens of MiB, freed at once when it
  // went). Reusing an id is safe: native code settles each id once (a Completion is consumed by
  // settling), and an op that throws has made no Completion (ops read all their arguments first),
  // so its id is free at once.
  const slots = [];
  const free = [];
  const release = (id) => {
    slots[id] = undefined;
    free.push(id);
  };

  const start = (op, map, fail, args) => new Promise((resolve, reject) => {
    const id = free.length !== 0 ? free.pop() : slots.length;
    slots[id] = { resolve, reject, map, fail };
    try {
      ops[op](id, ...args);
    } catch (error) {
      release(id);
      reject(error);
    }
  });
  dispatch.native = (op, ...args) => start(op, null, null, args);
  dispatch.nativeMap = (op, map, ...args) => start(op, map, null, args);
  dispatch.nativeCatch = (op, fail, ...args) => start(op, null, fail, args);

  // `settle` fulfilled with what `fn(value)` returns, or rejected with what it throws.
  const settleWith = (settle, fn, value) => {
    let out;
    try {
      out = fn(value);
    } catch (error) {
      return settle.reject(error);
    }
    settle.resolve(out);
  };

  dispatch.settle = (id, ok, value) => {
    const settle = slots[id];
    release(id);
    if (!ok) return settle.fail === null ? settle.reject(value) : settleWith(settle, settle.fail, value);
    if (settle.map === null) return settle.resolve(value);
    settleWith(settle, settle.map, value);
  };
});
