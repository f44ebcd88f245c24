// The console methods beyond output (see api/console.rs), defined on the console object on the
// first read of any of them.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayPrototypeJoin, ArrayPrototypeUnshift, Error, MathFloor, Number, NumberPrototypeToFixed,
    ObjectDefineProperty, ObjectKeys, ReflectApply, SafeMap, StringPrototypePadStart, StringPrototypeSlice,
    StringPrototypeSplit,
  } = primordials;

  dispatch.load('nexus:console');
  const console = dispatch.consoleObject;
  const { group, colored, emit, formatArgs, formatter } = dispatch.console;
  const inspect = (value, options) => formatter().inspect(value, options);
  const counts = new SafeMap();
  const timers = new SafeMap();
  const label = (l) => (l === undefined ? 'default' : `${l}`);

  function formatTime(ms) {
    if (ms >= 60000) {
      const hours = MathFloor(ms / 3600000);
      const minutes = MathFloor((ms % 3600000) / 60000);
      const parts = StringPrototypeSplit(NumberPrototypeToFixed((ms % 60000) / 1000, 3), '.');
      const seconds = parts[0];
      const millis = parts[1];
      const pad = (n) => StringPrototypePadStart(`${n}`, 2, '0');
      const res = hours !== 0 ? `${hours}:${pad(minutes)}` : minutes;
      return `${res}:${pad(seconds)}.${millis} (${hours !== 0 ? 'h:m' : ''}m:ss.mmm)`;
    }
    if (ms >= 1000) return `${NumberPrototypeToFixed(ms / 1000, 3)}s`;
    return `${Number(NumberPrototypeToFixed(ms, 3))}ms`;
  }

  function elapsed(name, method) {
    const start = timers.get(name);
    if (start === undefined) {
      emit(2, `Warning: No such label '${name}' for console.${method}()`);
      return undefined;
    }
    return formatTime(ops.now() - start);
  }

  const tools = {
    dir: (value, options) => { emit(1, inspect(value, { colors: colored[1], ...options })); },
    // Prints, as the Nexus reference specifies (Node's util.inspect returns the text instead).
    inspect: (value, options) => { emit(1, inspect(value, { colors: colored[1], ...options })); },
    trace: (...args) => {
      // This frame is console-tools' own, which stackFrames leaves out with the other nexus: parts.
      const frames = formatter().stackFrames(new Error().stack || '');
      ArrayPrototypeUnshift(frames, `Trace${args.length ? ': ' + formatArgs({ colors: colored[2] }, args) : ''}`);
      emit(2, ArrayPrototypeJoin(frames, '\n'));
    },
    assert: (condition, ...args) => {
      if (condition) return;
      args[0] = `Assertion failed${args.length === 0 ? '' : `: ${args[0]}`}`;
      ReflectApply(console.warn, console, args);
    },
    count: (l) => {
      const name = label(l);
      const n = (counts.get(name) || 0) + 1;
      counts.set(name, n);
      console.log(`${name}: ${n}`);
    },
    countReset: (l) => {
      const name = label(l);
      if (!counts.has(name)) emit(2, `Warning: Count for '${name}' does not exist`);
      counts.delete(name);
    },
    time: (l) => {
      const name = label(l);
      if (timers.has(name)) emit(2, `Warning: Label '${name}' already exists for console.time()`);
      else timers.set(name, ops.now());
    },
    timeLog: (l, ...data) => {
      const name = label(l);
      const time = elapsed(name, 'timeLog');
      if (time === undefined) return;
      ArrayPrototypeUnshift(data, `${name}: ${time}`);
      ReflectApply(console.log, console, data);
    },
    timeEnd: (l) => {
      const name = label(l);
      const time = elapsed(name, 'timeEnd');
      if (time === undefined) return;
      timers.delete(name);
      console.log(`${name}: ${time}`);
    },
    table: (data, properties) => {
      if (data === null || typeof data !== 'object') console.log(data);
      else emit(1, formatter().table(data, properties));
    },
    group: (...labels) => {
      if (labels.length) ReflectApply(console.log, console, labels);
      group.indent += '  ';
    },
    groupEnd: () => { group.indent = StringPrototypeSlice(group.indent, 0, -2); },
  };
  tools.groupCollapsed = tools.group;
  const names = ObjectKeys(tools);
  for (let i = 0; i < names.length; i++) {
    const value = tools[names[i]];
    ObjectDefineProperty(console, names[i], { __proto__: null, value, writable: true, configurable: true, enumerable: true });
  }
});
