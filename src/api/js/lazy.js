// Loading parts on first use. Most globals (console, URL, TextDecoder, Nexus.IO, …) cost
// start-up time to evaluate and many programs never touch them, so each stands as an accessor
// until first read; reading it evaluates its part (once), which defines the real property.
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
});
