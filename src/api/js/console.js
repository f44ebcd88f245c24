// console: Node-style rendering of values (`inspect`) and the console methods on top of it.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  // ---- inspect: a Node-style rendering of any value -------------------------------------------

  const MAX_ARRAY = 100;
  const BREAK_LENGTH = 72;
  const identifier = /^[A-Za-z_$][\w$]*$/;

  function quote(s) {
    const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('`') ? '`' : "'";
    const escaped = s.replace(/[\\\n\t\r\b\f\v\0]/g, (c) => ({
      '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0',
    })[c]);
    return q + (q === "'" ? escaped.replace(/'/g, "\\'") : escaped) + q;
  }

  function key(k) {
    if (typeof k === 'symbol') return `[${k.toString()}]`;
    return identifier.test(k) ? k : quote(k);
  }

  function className(value) {
    const proto = Object.getPrototypeOf(value);
    if (proto === null) return '[Object: null prototype]';
    const ctor = proto && Object.prototype.hasOwnProperty.call(proto, 'constructor') ? proto.constructor : null;
    return ctor && typeof ctor.name === 'string' ? ctor.name : 'Object';
  }

  function wrap(prefix, parts, open, close, indent) {
    if (parts.length === 0) return `${prefix}${open}${close}`;
    const single = `${prefix}${open} ${parts.join(', ')} ${close}`;
    if (single.length <= BREAK_LENGTH && !parts.some((p) => p.includes('\n'))) return single;
    const pad = '  '.repeat(indent + 1);
    return `${prefix}${open}\n${pad}${parts.map((p) => p.split('\n').join('\n' + pad)).join(',\n' + pad)}\n${'  '.repeat(indent)}${close}`;
  }

  function formatError(err) {
    const stack = typeof err.stack === 'string' && err.stack ? err.stack : '';
    const head = err.message ? `${err.name}: ${err.message}` : String(err.name);
    const frames = stack.split('\n').filter(Boolean).map((line) => {
      const at = line.lastIndexOf('@');
      const name = at >= 0 ? line.slice(0, at) : '';
      const where = at >= 0 ? line.slice(at + 1) : line;
      return name && name !== 'module code' && name !== 'global code' ? `    at ${name} (${where})` : `    at ${where}`;
    });
    return [head, ...frames].join('\n');
  }

  function inspect(value, options) {
    const depthLimit = options && options.depth !== undefined ? options.depth : 2;
    const seen = [];
    const circular = new Map();

    function fmt(v, depth, indent, nested) {
      switch (typeof v) {
        case 'string': return nested ? quote(v) : v;
        case 'number': return Object.is(v, -0) ? '-0' : String(v);
        case 'bigint': return `${v}n`;
        case 'symbol': return v.toString();
        case 'undefined': return 'undefined';
        case 'boolean': return String(v);
        case 'function': {
          const base = `[${/^class\s/.test(Function.prototype.toString.call(v)) ? 'class' : 'Function'}${v.name ? ': ' + v.name : ' (anonymous)'}]`;
          const props = Object.keys(v);
          if (props.length === 0) return base;
          return formatObject(v, depth, indent, base + ' ');
        }
      }
      if (v === null) return 'null';
      if (seen.includes(v)) {
        if (!circular.has(v)) circular.set(v, circular.size + 1);
        return `[Circular *${circular.get(v)}]`;
      }
      const name = className(v);
      if (v instanceof Error) return formatError(v);
      if (v instanceof Date) return isNaN(v) ? 'Invalid Date' : v.toISOString();
      if (v instanceof RegExp) return String(v);
      if (v instanceof Promise) {
        const state = ops.promiseState(v);
        if (state === 'pending') return 'Promise { <pending> }';
        return `Promise { ${state === 'rejected' ? '<rejected> ' : ''}${fmt(ops.promiseResult(v), depth + 1, indent + 1, true)} }`;
      }
      if (depth > depthLimit) {
        return Array.isArray(v) ? '[Array]' : `[${name === '[Object: null prototype]' ? 'Object: null prototype' : name}]`;
      }
      seen.push(v);
      try {
        return formatObject(v, depth, indent, null, name);
      } finally {
        seen.pop();
      }
    }

    function entries(v, depth, indent) {
      return Object.keys(v).map((k) => `${key(k)}: ${property(v, k, depth, indent)}`)
        .concat(Object.getOwnPropertySymbols(v).filter((s) => Object.prototype.propertyIsEnumerable.call(v, s))
          .map((s) => `${key(s)}: ${property(v, s, depth, indent)}`));
    }

    function property(v, k, depth, indent) {
      const desc = Object.getOwnPropertyDescriptor(v, k);
      if (desc && desc.get) return desc.set ? '[Getter/Setter]' : '[Getter]';
      if (desc && desc.set) return '[Setter]';
      return fmt(v[k], depth + 1, indent + 1, true);
    }

    function formatObject(v, depth, indent, prefix, name) {
      let parts;
      let open = '{';
      let close = '}';
      let label = prefix || '';
      if (Array.isArray(v)) {
        parts = [];
        const shown = Math.min(v.length, MAX_ARRAY);
        let holes = 0;
        for (let i = 0; i < shown; i++) {
          if (!(i in v)) { holes++; continue; }
          if (holes) { parts.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`); holes = 0; }
          parts.push(fmt(v[i], depth + 1, indent + 1, true));
        }
        if (holes) parts.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
        if (v.length > MAX_ARRAY) parts.push(`... ${v.length - MAX_ARRAY} more item${v.length - MAX_ARRAY > 1 ? 's' : ''}`);
        parts = parts.concat(Object.keys(v).filter((k) => !/^\d+$/.test(k)).map((k) => `${key(k)}: ${property(v, k, depth, indent)}`));
        open = '['; close = ']';
        if (name !== 'Array') label = `${name}(${v.length}) `;
      } else if (v instanceof Map) {
        parts = [...v].map(([k, val]) => `${fmt(k, depth + 1, indent + 1, true)} => ${fmt(val, depth + 1, indent + 1, true)}`);
        label = `${name}(${v.size}) `;
      } else if (v instanceof Set) {
        parts = [...v].map((val) => fmt(val, depth + 1, indent + 1, true));
        label = `${name}(${v.size}) `;
      } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const shown = Math.min(v.length, MAX_ARRAY);
        parts = [];
        for (let i = 0; i < shown; i++) parts.push(fmt(v[i], depth + 1, indent + 1, true));
        if (v.length > MAX_ARRAY) parts.push(`... ${v.length - MAX_ARRAY} more item${v.length - MAX_ARRAY > 1 ? 's' : ''}`);
        open = '['; close = ']';
        label = `${name}(${v.length}) `;
      } else if (v instanceof ArrayBuffer) {
        const bytes = new Uint8Array(v, 0, Math.min(v.byteLength, 50));
        const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
        parts = [`[Uint8Contents]: <${hex}${v.byteLength > 50 ? ` ... ${v.byteLength - 50} more bytes` : ''}>`, `byteLength: ${v.byteLength}`];
        label = 'ArrayBuffer ';
      } else {
        parts = entries(v, depth, indent);
        if (!prefix && name !== 'Object') label = `${name} `;
      }
      const ref = circular.get(v);
      return wrap((ref ? `<ref *${ref}> ` : '') + label, parts, open, close, indent);
    }

    return fmt(value, 0, 0, false);
  }

  // ---- console ----------------------------------------------------------------------------------

  function format(args) {
    if (args.length === 0) return '';
    let first = args[0];
    let rest = 1;
    let out = '';
    if (typeof first === 'string' && first.includes('%')) {
      out = first.replace(/%[sdifjoOc%]/g, (directive) => {
        if (directive === '%%') return '%';
        if (rest >= args.length) return directive;
        const a = args[rest++];
        switch (directive) {
          case '%s': return typeof a === 'string' ? a : inspect(a, { depth: 1 });
          case '%d': return typeof a === 'bigint' ? `${a}n` : String(Number(a));
          case '%i': return typeof a === 'bigint' ? `${a}n` : String(parseInt(a));
          case '%f': return String(parseFloat(a));
          case '%j': try { return JSON.stringify(a); } catch { return '[Circular]'; }
          case '%o': return inspect(a, { depth: 4 });
          case '%O': return inspect(a);
          case '%c': return '';
        }
        return directive;
      });
    } else {
      out = inspect(first);
    }
    for (; rest < args.length; rest++) out += ' ' + inspect(args[rest]);
    return out;
  }

  const out = (fd) => (...args) => { ops.write(fd, format(args) + '\n'); };
  const console = {
    log: out(1),
    info: out(1),
    debug: out(1),
    warn: out(2),
    error: out(2),
    // Prints, as the Nexus reference specifies (Node's util.inspect returns the text instead).
    inspect: (value, options) => { ops.write(1, inspect(value, options) + '\n'); },
  };
  Object.defineProperty(globalThis, 'console', { value: console, writable: true, configurable: true, enumerable: false });

});
