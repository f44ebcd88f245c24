// The one part evaluated at start-up: the program's details on Nexus, and loading every other
// part on first use. Most globals (console, URL, TextDecoder, Nexus.IO, ...) cost start-up time to
// evaluate and many programs never touch them, so each stands as an accessor until first read;
// reading it evaluates its part (once), which defines the real property. `details.parts` lists
// [part, global names, Nexus names] for each part loaded that way.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const loaded = new Set();

  dispatch.load = (part) => {
    if (loaded.has(part)) return;
    loaded.add(part);
    ops.loadPart(part)(ops, details, Nexus, dispatch);
  };

  dispatch.lazy = (target, names, part) => {
    for (const name of names) {
      const get = () => {
        dispatch.load(part);
        if (Object.getOwnPropertyDescriptor(target, name)?.get === get)
          throw new Error(`internal error: part '${part}' did not define '${name}'`);
        return target[name];
      };
      Object.defineProperty(target, name, {
        configurable: true,
        enumerable: target !== globalThis,
        get,
        // Assigning before first use replaces the built-in, as it would for a plain property.
        set(value) {
          Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: target !== globalThis });
        },
      });
    }
  };

  // A realm of the offload pool runs its jobs through this (see offload.js).
  dispatch.offloadRun = (...job) => {
    dispatch.load('nexus:offload');
    dispatch.runOffloaded(...job);
  };

  for (const [part, globals, names] of details.parts) {
    dispatch.lazy(globalThis, globals, part);
    dispatch.lazy(Nexus, names, part);
  }

  if (details.exposeGc)
    Object.defineProperty(globalThis, 'gc', { value: function gc() { ops.collectGarbage(); }, writable: true, configurable: true });

  Object.defineProperty(Nexus, 'version', { value: details.version, enumerable: true });
  Object.defineProperty(Nexus, 'script', { value: details.script, enumerable: true });
  Object.defineProperty(Nexus, 'Realm', { value: Object.freeze({ id: details.realm }), enumerable: true });
  Object.defineProperty(Nexus, 'argv', { value: Object.freeze(details.argv.slice()), enumerable: true });
});
