// The console methods beyond output (see api/console.rs), defined on the console object on the
// first read of any of them.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  dispatch.load('nexus:console');
  const console = dispatch.consoleObject;
  const { group, colored, emit, formatArgs, formatter } = dispatch.console;
  const inspect = (value, options) => formatter().inspect(value, options);
  const counts = new Map();
  const timers = new Map();
  const label = (l) => (l === undefined ? 'default' : `${l}`);

  function formatTime(ms) {
    if (ms >= 60000) {
      const hours = Math.floor(ms / 3600000);
      const minutes = Math.floor((ms % 3600000) / 60000);
      const [seconds, millis] = ((ms % 60000) / 1000).toFixed(3).split('.');
      const pad = (n) => `${n}`.padStart(2, '0');
      const res = hours !== 0 ? `${hours}:${pad(minutes)}` : minutes;
      return `${res}:${pad(seconds)}.${millis} (${hours !== 0 ? 'h:m' : ''}m:ss.mmm)`;
    }
    if (ms >= 1000) return `${(ms / 1000).toFixed(3)}s`;
    return `${Number(ms.toFixed(3))}ms`;
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
      emit(2, [`Trace${args.length ? ': ' + formatArgs({ colors: colored[2] }, args) : ''}`, ...frames].join('\n'));
    },
    assert: (condition, ...args) => {
      if (condition) return;
      args[0] = `Assertion failed${args.length === 0 ? '' : `: ${args[0]}`}`;
      console.warn(...args);
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
      if (time !== undefined) console.log(`${name}: ${time}`, ...data);
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
      if (labels.length) console.log(...labels);
      group.indent += '  ';
    },
    groupEnd: () => { group.indent = group.indent.slice(0, -2); },
  };
  tools.groupCollapsed = tools.group;
  for (const [name, value] of Object.entries(tools))
    Object.defineProperty(console, name, { value, writable: true, configurable: true, enumerable: true });
});
