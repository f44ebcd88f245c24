// Native operations that finish later: `dispatch.native(op, ...args)` calls `ops[op](id, ...args)`
// and returns a Promise that native code settles through `dispatch.settle(id, ok, value)` once
// its task, run off the realm's lock, is done. `dispatch.nativeMap(op, map, ...args)` is the
// same, fulfilled with `map(value)`, which runs as it settles: no promise job in between, where
// a then() would take one (a throwing `map` rejects the promise; a null `map` maps nothing).
// `dispatch.nativeCatch(op, fail, ...args)` is to `.catch(fail)` what nativeMap is to then().
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const { Array, ReflectApply } = primordials;

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
  const free = []; // free[0..freed): ids to reuse (index arithmetic: a push is a call here)
  let freed = 0;
  const release = (id) => {
    slots[id] = undefined;
    free[freed++] = id;
  };

  const start = (op, map, fail, args) => {
    const promise = newPromise();
    const id = freed !== 0 ? free[--freed] : slots.length;
    slots[id] = { promise, map, fail };
    const call = new Array(args.length + 1); // [id, ...args], built without a builtin's call
    call[0] = id;
    for (let i = 0; i < args.length; i++) call[i + 1] = args[i];
    try {
      ReflectApply(ops[op], ops, call);
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
