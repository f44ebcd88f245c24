// Nexus.Scheduler.offload: both halves. The caller's realm clones the arguments out and the
// result back in; a realm of the offload pool imports the module (once: its module graph keeps
// it), calls the export and clones the result (or the exception) back.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  dispatch.load('nexus:pending');
  dispatch.load('nexus:transfer');

  // The module that called offload(): the first stack frame outside Nexus's own parts.
  function callerModule(stack) {
    for (const line of String(stack).split('\n')) {
      const at = /@(.+):\d+:\d+$/.exec(line);
      if (at && !at[1].startsWith('nexus:')) return at[1];
    }
    return details.script;
  }

  dispatch.offload = async (specifier, exportName, args, stack) => {
    const [json, buffers] = dispatch.serialize(args);
    const [ok, resultJson, resultBuffers] = await dispatch.native('offload', String(specifier), callerModule(stack), String(exportName), json, buffers);
    const result = dispatch.deserialize(resultJson, resultBuffers);
    if (!ok) throw result;
    return result;
  };

  // This realm's modules by key, once imported: a later job skips the loader's resolve and fetch
  // steps (the module graph would give the same namespace).
  const imported = new Map();
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
    (async () => {
      const args = dispatch.deserialize(json, buffers);
      const module = imported.get(key) ?? (await importOnce(key));
      if (typeof module[exportName] !== 'function')
        throw new TypeError(`offload: '${key}' has no exported function '${exportName}'`);
      return module[exportName](...args);
    })().then((value) => reply(true, value), (error) => reply(false, error));
  };
});
