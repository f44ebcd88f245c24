// console: the output methods every program uses (log, info, debug, warn, error); the others
// (dir, table, time, count, group, ...) are lazy members made by console_tools.js on first use.
// Every call writes its whole text with one `ops.write`, which is one locked write: lines from
// different threads never interleave. Colors are used only when the stream is a terminal and
// NO_COLOR is unset.
//
// Plain strings print as they are; anything else goes through inspect.js, which loads on first
// need, so that a program printing text does not pay for the formatter at start-up.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const formatter = () => {
    dispatch.load('nexus:inspect');
    return dispatch.inspect;
  };
  function formatArgs(options, args) {
    for (let i = 0; i < args.length; i++)
      if (typeof args[i] !== 'string') return formatter().formatArgs(options, args);
    return args.length > 0 && args[0].includes('%') ? formatter().formatArgs(options, args) : args.join(' ');
  }

  // As Node decides: NO_COLOR (any value) or TERM=dumb turn colors off, FORCE_COLOR (other
  // than 0/false) turns them on even off a terminal.
  const force = ops.env('FORCE_COLOR');
  const noColor = ops.env('NO_COLOR') !== undefined || ops.env('TERM') === 'dumb';
  const useColor = (fd) => (force !== undefined && force !== '0' && force !== 'false') || (!noColor && ops.isTerminal(fd));
  const colored = [false, useColor(1), useColor(2)];
  // console.group's indentation, changed by console_tools.js.
  const group = { indent: '' };

  function emit(fd, text) {
    if (group.indent !== '') text = group.indent + text.split('\n').join(`\n${group.indent}`);
    ops.write(fd, text + '\n');
  }
  const out = (fd) => (...args) => { emit(fd, formatArgs({ colors: colored[fd] }, args)); };

  const console = { log: out(1), info: out(1), debug: out(1), warn: out(2), error: out(2) };
  ops.defineLazyMembers(console, 'nexus:console-tools');
  dispatch.console = { console, group, colored, emit, formatArgs, formatter };
  Object.defineProperty(globalThis, 'console', { value: console, writable: true, configurable: true, enumerable: false });
});
