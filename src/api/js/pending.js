// Native operations that finish later: `dispatch.native(op, ...args)` calls `ops[op](id, ...args)`
// and returns a Promise that native code settles through `dispatch.settle(id, ok, value)` once
// its task, run off the realm's lock, is done. `dispatch.nativeMap(op, map, ...args)` is the
// same, fulfilled with `map(value)`, which runs as it settles: no promise job in between, where
// a then() would take one (a throwing `map` rejects the promise; a null `map` maps nothing).
// `dispatch.nativeCatch(op, fail, ...args)` is to `.catch(fail)` what nativeMap is to then().
(function (ops, details, Nexus, dispatch) {
  'use strict';

  dispatch.load('nexus:promises');
  const { newPromise, resolvePromise, rejectPromise } = dispatch;

  // The operations in flight: `slots[id]` is { promise, map, fail } until `id` settles,
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

  const start = (op, map, fail, args) => {
    const promise = newPromise();
    const id = free.length !== 0 ? free.pop() : slots.length;
    slots[id] = { promise, map, fail };
    try {
      ops[op](id, ...args);
    } catch (error) {
      release(id);
      rejectPromise(promise, error);
    }
    return promise;
  };
  dispatch.native = (op, ...args) => start(op, null, null, args);
  dispatch.nativeMap = (op, map, ...args) => start(op, map, null, args);
  dispatch.nativeCatch = (op, fail, ...args) => start(op, null, fail, args);

  // `promise` fulfilled with what `fn(value)` returns, or rejected with what it throws.
  const settleWith = (promise, fn, value) => {
    let out;
    try {
      out = fn(value);
    } catch (error) {
      return rejectPromise(promise, error);
    }
    resolvePromise(promise, out);
  };

  dispatch.settle = (id, ok, value) => {
    const { promise, map, fail } = slots[id];
    release(id);
    if (!ok) return fail === null ? rejectPromise(promise, value) : settleWith(promise, fail, value);
    if (map === null) return resolvePromise(promise, value);
    settleWith(promise, map, value);
  };
});
