// console: the console methods. Every call writes its whole text with one `ops.write`, which
// is one locked write: lines from different threads never interleave. Colors are used only when
// the stream is a terminal and NO_COLOR is unset.
//
// Plain strings print as they are; anything else goes through inspect.js, which loads on first
// need, so that a program printing text does not pay for the formatter at start-up.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const formatter = () => {
    dispatch.load('nexus:inspect');
    return dispatch.inspect;
  };
  const formatArgs = (options, args) =>
    args.every((a) => typeof a === 'string') && !(args.length > 0 && args[0].includes('%'))
      ? args.join(' ')
      : formatter().formatArgs(options, args);
  const inspect = (value, options) => formatter().inspect(value, options);
  const stackFrames = (stack) => formatter().stackFrames(stack);
  const table = (data, properties) => formatter().table(data, properties);

  // ---- console ----------------------------------------------------------------------------------

  // As Node decides: NO_COLOR (any value) or TERM=dumb turn colors off, FORCE_COLOR (other
  // than 0/false) turns them on even off a terminal.
  const force = ops.env('FORCE_COLOR');
  const noColor = ops.env('NO_COLOR') !== undefined || ops.env('TERM') === 'dumb';
  const useColor = (fd) => (force !== undefined && force !== '0' && force !== 'false') || (!noColor && ops.isTerminal(fd));
  const colored = [false, useColor(1), useColor(2)];
  let groupIndent = '';
  const counts = new Map();
  const timers = new Map();

  function emit(fd, text) {
    if (groupIndent !== '') text = groupIndent + text.split('\n').join(`\n${groupIndent}`);
    ops.write(fd, text + '\n');
  }
  const out = (fd) => (...args) => { emit(fd, formatArgs({ colors: colored[fd] }, args)); };
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

  const console = {
    log: out(1),
    info: out(1),
    debug: out(1),
    warn: out(2),
    error: out(2),
    dir: (value, options) => { emit(1, inspect(value, { colors: colored[1], ...options })); },
    // Prints, as the Nexus reference specifies (Node's util.inspect returns the text instead).
    inspect: (value, options) => { emit(1, inspect(value, { colors: colored[1], ...options })); },
    trace: (...args) => {
      const frames = stackFrames(new Error().stack || '').slice(1);
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
      else emit(1, table(data, properties));
    },
    group: (...labels) => {
      if (labels.length) console.log(...labels);
      groupIndent += '  ';
    },
    groupEnd: () => { groupIndent = groupIndent.slice(0, -2); },
  };
  console.groupCollapsed = console.group;
  Object.defineProperty(globalThis, 'console', { value: console, writable: true, configurable: true, enumerable: false });
});
