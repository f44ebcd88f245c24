// The part evaluated at start-up: the program's details on Nexus, and loading every other part on
// first use. Most globals (console, URL, TextDecoder, Nexus.IO, ...) cost start-up time to
// evaluate and many programs never touch them, so each stands as a lazy property (see api/mod.rs)
// until first read; reading it loads its part here (once), which defines the real property.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  // Values that need no uncurrying: nexus:primordials completes the rest on the first load.
  const {
    ObjectDefineProperty, ObjectFreeze, ObjectKeys, ObjectSetPrototypeOf, ReflectApply, globalThis,
  } = primordials;

  // Read and written long after a program started: no accessor it puts on Object.prototype may
  // see a dispatch name.
  ObjectSetPrototypeOf(dispatch, null);

  const loaded = { __proto__: null }; // part name -> true

  dispatch.load = (part) => {
    if (loaded[part]) return;
    loaded[part] = true;
    if (part !== 'nexus:primordials') dispatch.load('nexus:primordials');
    ops.loadPart(part)(ops, details, Nexus, dispatch, primordials);
  };

  // A realm of the offload pool runs its jobs through this (see offload.js).
  dispatch.offloadRun = (...job) => {
    dispatch.load('nexus:offload');
    ReflectApply(dispatch.runOffloaded, undefined, job);
  };

  // The globals a part defines, as the web's are: writable, configurable, not enumerable.
  // Descriptors here and in every part have no prototype, so ObjectDefineProperty reads no
  // `get` or `value` a program put on Object.prototype.
  dispatch.defineGlobals = (values) => {
    const names = ObjectKeys(values);
    for (let i = 0; i < names.length; i++) {
      const value = values[names[i]];
      ObjectDefineProperty(globalThis, names[i], { __proto__: null, value, writable: true, configurable: true, enumerable: false });
    }
  };

  // The web streams' hooks for the runtime's other web parts (fetch, Request and Response, serve):
  // each stand-in loads web_bytes.js, which replaces it, on its first call.
  const webHooks = ['webStreamFromRead', 'isWebReadable', 'webReadAll', 'webStreamFromNexus'];
  for (let i = 0; i < webHooks.length; i++) {
    const name = webHooks[i];
    dispatch[name] = (...args) => {
      dispatch.load('nexus:web-bytes');
      return ReflectApply(dispatch[name], undefined, args);
    };
  }

  if (details.exposeGc) dispatch.defineGlobals({ gc: function gc() { ops.collectGarbage(); } });

  ObjectDefineProperty(Nexus, 'version', { __proto__: null, value: details.version, enumerable: true });
  ObjectDefineProperty(Nexus, 'script', { __proto__: null, value: details.script, enumerable: true });
  ObjectDefineProperty(Nexus, 'Realm', { __proto__: null, value: ObjectFreeze({ id: details.realm }), enumerable: true });
  // On Nexus from the start, as a program may set it before it reads anything else; the code is
  // the process's, shared by every realm (ops/process.rs).
  ObjectDefineProperty(Nexus, 'exitCode', {
    __proto__: null, get: () => ops.exitCode(), set: (code) => ops.setExitCode(code), enumerable: true,
  });
  // `details` is the runtime's own: its argv is frozen rather than copied.
  ObjectDefineProperty(Nexus, 'argv', { __proto__: null, value: ObjectFreeze(details.argv), enumerable: true });
});
