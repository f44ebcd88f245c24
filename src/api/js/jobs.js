// The realm's jobs (promise reactions, `await` and queueMicrotask callbacks) wait in the engine's
// own queue (see the shim's jobs.cpp). `dispatch.runMicrotasks()` runs them between tasks without
// leaving JS when nothing waits: two bytes the host keeps say whether jobs or unhandled
// rejections wait, and only then is the native drain called.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const jobs = ops.jobsWaiting(); // [1] while jobs wait for a drain
  const rejections = ops.rejectionFlag(); // [1] while unhandled rejections wait to be reported
  dispatch.runMicrotasks = () => {
    if (jobs[0] !== 0 || rejections[0] !== 0) ops.runMicrotasks();
  };
});
