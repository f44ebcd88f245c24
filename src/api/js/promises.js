// Promises the runtime's own JS settles itself: `dispatch.newPromise()` gives a pending promise,
// `dispatch.resolvePromise(promise, value)` and `dispatch.rejectPromise(promise, reason)` settle
// it the first time either is called (later calls do nothing), as its resolving functions would.
// No executor and no resolving closures are made, and the JIT inlines the settling calls.
// Invariant: the settling functions only ever get promises `newPromise` made, and never reach a
// user program. They are the engine's own builtins, which do not check their arguments.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const functions = ops.promiseFunctions();
  dispatch.newPromise = functions[0];
  dispatch.resolvePromise = functions[1];
  dispatch.rejectPromise = functions[2];
});
