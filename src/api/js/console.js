// console.js: formatting and printing of console lines once anything more than plain text is
// printed (see api/console.rs, which prints plain text natively until this loads). Every line is
// written with one `ops.write`, which is one locked write: lines from different threads never
// interleave. Colors are used only when the stream is a terminal and NO_COLOR is unset.
//
// Values go through inspect.js, which loads on first need.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const { ArrayPrototypeJoin, StringPrototypeIncludes, StringPrototypeSplit } = primordials;

  ops.consoleInJs();

  const formatter = () => {
    dispatch.load('nexus:inspect');
    return dispatch.inspect;
  };
  function formatArgs(options, args) {
    for (let i = 0; i < args.length; i++)
      if (typeof args[i] !== 'string') return formatter().formatArgs(options, args);
    return args.length > 0 && StringPrototypeIncludes(args[0], '%') ? formatter().formatArgs(options, args) : ArrayPrototypeJoin(args, ' ');
  }

  // As Node decides: NO_COLOR (any value) or TERM=dumb turn colors off, FORCE_COLOR (other
  // than 0/false) turns them on even off a terminal.
  const force = ops.envGet('FORCE_COLOR');
  const noColor = ops.envGet('NO_COLOR') !== undefined || ops.envGet('TERM') === 'dumb';
  const useColor = (fd) => (force !== undefined && force !== '0' && force !== 'false') || (!noColor && ops.isTerminal(fd));
  const colored = [false, useColor(1), useColor(2)];
  // console.group's indentation, changed by console_tools.js.
  const group = { indent: '' };

  function emit(fd, text) {
    if (group.indent !== '') text = group.indent + ArrayPrototypeJoin(StringPrototypeSplit(text, '\n'), `\n${group.indent}`);
    ops.write(fd, text + '\n');
  }

  dispatch.consolePrint = (fd, args) => { emit(fd, formatArgs({ colors: colored[fd] }, args)); };
  dispatch.console = { group, colored, emit, formatArgs, formatter };
});
