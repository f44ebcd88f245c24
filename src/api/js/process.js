// The process as a program sees it: Nexus.env, exit, pid, ppid, cwd(), platform, arch, versions,
// uptime(), memoryUsage() and Nexus.Signals. The environment and the signals are the process's,
// kept natively (ops/process.rs) and shared by every realm; `Nexus.exitCode` is on Nexus from
// start-up (js/lazy.js), since a program may set it before reading anything else.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayPrototypeJoin, ObjectDefineProperty, ObjectFreeze, PromisePrototypeThen, Proxy, String, TypeError,
  } = primordials;

  dispatch.load('nexus:emitter');

  // Nexus.env: every read and write goes to the one native copy (ops/process.rs), so a realm sees
  // what another wrote. Symbols are not variables: they read as undefined and cannot be set.
  const env = new Proxy({ __proto__: null }, {
    __proto__: null,
    get(target, name) { return typeof name === 'string' ? ops.envGet(name) : undefined; },
    set(target, name, value) {
      if (typeof name !== 'string') throw new TypeError('Nexus.env: a variable name must be a string');
      ops.envSet(name, String(value));
      return true;
    },
    has(target, name) { return typeof name === 'string' && ops.envGet(name) !== undefined; },
    deleteProperty(target, name) {
      if (typeof name === 'string') ops.envDelete(name);
      return true;
    },
    ownKeys() { return ops.envNames(); },
    getOwnPropertyDescriptor(target, name) {
      const value = typeof name === 'string' ? ops.envGet(name) : undefined;
      if (value === undefined) return undefined;
      return { __proto__: null, value, writable: true, enumerable: true, configurable: true };
    },
    defineProperty(target, name, descriptor) {
      if (typeof name !== 'string') throw new TypeError('Nexus.env: a variable name must be a string');
      ops.envSet(name, String(descriptor.value));
      return true;
    },
  });

  // Nexus.Signals: an emitter whose first handler for a signal takes it from its default action
  // in this realm, and whose last handler's removal gives it back.
  const SIGNALS = ObjectFreeze(ops.signalNames());
  const known = { __proto__: null };
  for (let i = 0; i < SIGNALS.length; i++) known[SIGNALS[i]] = true;
  function checked(name) {
    if (typeof name !== 'string' || !known[name]) {
      throw new TypeError(`Nexus.Signals: unknown signal ${String(name)}; use one of ${ArrayPrototypeJoin(SIGNALS, ', ')}`);
    }
    return name;
  }

  class Signals extends dispatch.EventEmitter {
    constructor() { super(); }
    on(name, fn) { return this.#listening(checked(name), () => super.on(name, fn)); }
    once(name, fn) { return this.#listening(checked(name), () => super.once(name, fn)); }
    many(name, fn, count) { return this.#listening(checked(name), () => super.many(name, fn, count)); }
    off(name, fn) { return this.#listening(checked(name), () => super.off(name, fn)); }
    allOff(name) { return this.#listening(checked(name), () => super.allOff(name)); }
    // Runs the change, then tells the runtime whether this realm still listens to `name`.
    #listening(name, change) {
      const result = change();
      ops.signalListen(name, this.listenerCount(name) > 0);
      return result;
    }
  }
  const signals = new Signals();
  // The runtime calls this when a signal this realm listens to arrives; a handler that throws is
  // reported as uncaught, as any other task's exception.
  dispatch.signal = (name) => {
    PromisePrototypeThen(signals.emit(name, name), undefined, ops.reportUncaught);
    // once() handlers may have been the last ones.
    if (signals.listenerCount(name) === 0) ops.signalListen(name, false);
  };

  const versions = ObjectFreeze(ops.engineVersions());
  const define = (name, value) => ObjectDefineProperty(Nexus, name, { __proto__: null, value, enumerable: true });
  define('env', env);
  define('exit', function exit(code) { ops.processExit(code); });
  define('pid', ops.processId());
  // The parent changes when it dies first (the orphan goes to init): read anew each time.
  ObjectDefineProperty(Nexus, 'ppid', { __proto__: null, get: () => ops.parentProcessId(), enumerable: true });
  define('cwd', function cwd() { return ops.workingDirectory(); });
  define('platform', 'linux');
  define('arch', ops.processArch());
  define('versions', versions);
  define('uptime', function uptime() { return ops.processUptime(); });
  define('memoryUsage', function memoryUsage() { return ops.processMemory(); });
  define('Signals', signals);
});
