// performance.now() and performance.timeOrigin: a monotonic clock shared by all realms of the
// process (ops/host.rs), in milliseconds with sub-millisecond precision.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const timeOrigin = ops.timeOrigin();
  const performance = {
    now: () => ops.now(),
    timeOrigin,
    toJSON: () => ({ timeOrigin }),
  };
  dispatch.defineGlobals({ performance });
});
