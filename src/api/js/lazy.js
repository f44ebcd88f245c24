// The one part evaluated at start-up: the program's details on Nexus, and loading every other
// part on first use. Most globals (console, URL, TextDecoder, Nexus.IO, ...) cost start-up time to
// evaluate and many programs never touch them, so each stands as a lazy property (see api/mod.rs)
// until first read; reading it loads its part here (once), which defines the real property.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const loaded = new Set();

  dispatch.load = (part) => {
    if (loaded.has(part)) return;
    loaded.add(part);
    ops.loadPart(part)(ops, details, Nexus, dispatch);
  };

  // A realm of the offload pool runs its jobs through this (see offload.js).
  dispatch.offloadRun = (...job) => {
    dispatch.load('nexus:offload');
    dispatch.runOffloaded(...job);
  };

  if (details.exposeGc)
    Object.defineProperty(globalThis, 'gc', { value: function gc() { ops.collectGarbage(); }, writable: true, configurable: true });

  Object.defineProperty(Nexus, 'version', { value: details.version, enumerable: true });
  Object.defineProperty(Nexus, 'script', { value: details.script, enumerable: true });
  Object.defineProperty(Nexus, 'Realm', { value: Object.freeze({ id: details.realm }), enumerable: true });
  Object.defineProperty(Nexus, 'argv', { value: Object.freeze(details.argv.slice()), enumerable: true });
});
