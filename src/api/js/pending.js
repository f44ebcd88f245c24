// Native operations that finish later: `dispatch.native(op, ...args)` calls `ops[op](id, ...args)`
// and returns a Promise that native code settles through `dispatch.settle(id, ok, value)` once
// its task, run off the realm's lock, is done. `dispatch.nativeMap(op, map, ...args)` is the
// same, fulfilled with `map(value)`, which runs as it settles: no promise job in between, where
// a then() would take one (a throwing `map` rejects the promise; a null `map` maps nothing).
(function (ops, details, Nexus, dispatch) {
  'use strict';

  // The operations in flight: `slots[id]` is { resolve, reject, map } until `id` settles, then
  // undefined and `id` goes to `free` for the next operation. A Map kept here churned through a
  // new storage every few operations, and the engine chains each storage it leaves to the next
  // one (for iterators) without clearing it: a stale reference to an old storage kept every
  // later record alive, with the promises and errors they reached (tens of MiB, freed at once
  // when it went). Reusing an id is safe: native code settles each id once (a Completion is
  // consumed by settling), and an op that throws has made no Completion (ops read all their
  // arguments first), so its id is free at once.
  const slots = [];
  const free = [];
  const release = (id) => {
    slots[id] = undefined;
    free.push(id);
  };

  const start = (op, map, args) => new Promise((resolve, reject) => {
    const id = free.length !== 0 ? free.pop() : slots.length;
    slots[id] = { resolve, reject, map };
    try {
      ops[op](id, ...args);
    } catch (error) {
      release(id);
      reject(error);
    }
  });
  dispatch.native = (op, ...args) => start(op, null, args);
  dispatch.nativeMap = (op, map, ...args) => start(op, map, args);

  dispatch.settle = (id, ok, value) => {
    const settle = slots[id];
    release(id);
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
