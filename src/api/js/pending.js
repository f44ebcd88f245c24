// Native operations that finish later: `dispatch.native(op, ...args)` calls `ops[op](id, ...args)`
// and returns a Promise that native code settles through `dispatch.settle(id, ok, value)` once
// its task, run off the realm's lock, is done. `dispatch.nativeMap(op, map, ...args)` is the
// same, fulfilled with `map(value)`, which runs as it settles: no promise job in between, where
// a then() would take one (a throwing `map` rejects the promise; a null `map` maps nothing).
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const pending = new Map(); // id -> { resolve, reject, map }
  let nextId = 1;

  const start = (op, map, args) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, map });
    try {
      ops[op](id, ...args);
    } catch (error) {
      pending.delete(id);
      reject(error);
    }
  });
  dispatch.native = (op, ...args) => start(op, null, args);
  dispatch.nativeMap = (op, map, ...args) => start(op, map, args);

  dispatch.settle = (id, ok, value) => {
    const settle = pending.get(id);
    pending.delete(id);
    if (!ok) return settle.reject(value);
    if (settle.map === null) return settle.resolve(value);
    let mapped;
    try {
      mapped = settle.map(value);
    } catch (error) {
      return settle.reject(error);
    }
    settle.resolve(mapped);
  };
});
