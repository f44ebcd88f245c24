// Nexus.Scheduler.offload: both halves. The caller's realm clones the arguments out and the
// result back in; a realm of the offload pool imports the module (once: its module graph keeps
// it), calls the export and clones the result (or the exception) back.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    PromisePrototypeThen, ReflectApply, RegExpPrototypeExec, SafeMap, String, StringPrototypeSplit,
    StringPrototypeStartsWith, TypeError,
  } = primordials;

  dispatch.load('nexus:pending');
  dispatch.load('nexus:transfer');

  // The module that called offload(): the first stack frame outside Nexus's own parts.
  function callerModule(stack) {
    const lines = StringPrototypeSplit(String(stack), '\n');
    for (let i = 0; i < lines.length; i++) {
      const at = RegExpPrototypeExec(/@(.+):\d+:\d+$/, lines[i]);
      if (at !== null && !StringPrototypeStartsWith(at[1], 'nexus:')) return at[1];
    }
    return details.script;
  }

  dispatch.offload = async (specifier, exportName, args, stack) => {
    const out = dispatch.serialize(args); // [json, buffers]
    const module = callerModule(stack);
    const reply = await dispatch.native('offload', String(specifier), module, String(exportName), out[0], out[1]); // [ok, json, buffers]
    const result = dispatch.deserialize(reply[1], reply[2]);
    if (!reply[0]) throw result;
    return result;
  };

  // This realm's modules by key, once imported: a later job skips the loader's resolve and fetch
  // steps (the module graph would give the same namespace).
  const imported = new SafeMap();
  const importOnce = async (key) => {
    const module = await import(key);
    imported.set(key, module);
    return module;
  };

  dispatch.runOffloaded = (job, key, exportName, json, buffers) => {
    const reply = (ok, value) => {
      let out;
      try {
        out = dispatch.serialize(value);
      } catch (error) {
        ok = false;
        out = dispatch.serialize(error);
      }
      ops.offloadReply(job, ok, out[0], out[1]);
    };
    // Awaits what the export gives rather than resolving with it: resolving a promise with a
    // promise calls its then(), which the program may have replaced.
    const run = async () => {
      const args = dispatch.deserialize(json, buffers);
      const module = imported.get(key) ?? (await importOnce(key));
      if (typeof module[exportName] !== 'function')
        throw new TypeError(`offload: '${key}' has no exported function '${exportName}'`);
      return await ReflectApply(module[exportName], module, args);
    };
    PromisePrototypeThen(run(), (value) => reply(true, value), (error) => reply(false, error));
  };
});
