// Native operations that finish later: `dispatch.native(op, ...args)` calls `ops[op](id, ...args)`
// and returns a Promise that native code settles through `dispatch.settle(id, ok, value)` once
// its task, run off the realm's lock, is done.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const pending = new Map();
  let nextId = 1;

  dispatch.native = (op, ...args) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    try {
      ops[op](id, ...args);
    } catch (error) {
      pending.delete(id);
      reject(error);
    }
  });

  dispatch.settle = (id, ok, value) => {
    const settle = pending.get(id);
    pending.delete(id);
    if (ok) settle.resolve(value);
    else settle.reject(value);
  };
});
