// inspect: Node's util.inspect rendering of values, and console's formatting (format
// directives, tables) on top of it. Loaded by console.js on the first value that is not a plain
// string (see lazy.js); it hands its functions over through `dispatch.inspect`.
//
// `inspect` follows Node 20's lib/internal/util/inspect.js (formatValue -> formatRaw ->
// reduceToSingleString / groupArrayElements) so that output matches Node's byte for byte for the
// values Node users print; the tests compare against `node` itself.
//
// Known differences from Node, each from the engine rather than the formatter: stack frames are
// JSC's (`at fn (file:line:col)` rebuilt from `fn@file:line:col`, no internal frames, other
// columns); `%o` lists an error's hidden properties in JSC's order (message before stack); an
// error whose `name` property was changed after creation always hides it (JSC stacks carry no
// header line to compare with); warnings print without Node's `(node:pid)` prefix.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  // ---- inspect ----------------------------------------------------------------------------------

  const defaults = { depth: 2, colors: false, maxArrayLength: 100, maxStringLength: 10000, breakLength: 80, compact: 3, showHidden: false };
  const kObjectType = 0;
  const kArrayType = 1;
  const kArrayExtrasType = 2;
  const kMinLineWidth = 16;
  const keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  const numberRegExp = /^(0|[1-9][0-9]*)$/;
  const colorRegExp = /\u001b\[\d\d?m/g;
  const escapeTest = /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  const escapeTestSingle = /[\x00-\x1f\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  const escapeAll = /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const escapeAllSingle = /[\x00-\x1f\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const meta = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', "'": "\\'", '\\': '\\\\' };
  const styles = { special: 36, number: 33, bigint: 33, boolean: 33, undefined: 90, null: 1, string: 32, symbol: 32, date: 35, regexp: 31 };
  const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const tagOfTypedArray = Object.getOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag).get;
  const customInspect = Symbol.for('nodejs.util.inspect.custom');
  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const isError = (v) => v instanceof Error || Object.prototype.toString.call(v) === '[object Error]';

  function stylizeWithColor(str, style) {
    const code = styles[style];
    if (code === undefined) return str;
    return `\u001b[${code}m${str}\u001b[${code === 1 ? 22 : 39}m`;
  }
  const stylizeNoColor = (str) => str;
  const removeColors = (s) => s.replace(colorRegExp, '');

  // Columns a string takes on a terminal (Node's getStringWidth): East Asian wide characters
  // take two, control characters and combining marks none.
  const isFullWidth = (c) => c >= 0x1100 && (c <= 0x115f || c === 0x2329 || c === 0x232a ||
    (c >= 0x2e80 && c <= 0x3247 && c !== 0x303f) || (c >= 0x3250 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0xa4c6) || (c >= 0xa960 && c <= 0xa97c) || (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe10 && c <= 0xfe19) || (c >= 0xfe30 && c <= 0xfe6b) ||
    (c >= 0xff01 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1b000 && c <= 0x1b001) ||
    (c >= 0x1f200 && c <= 0x1f251) || (c >= 0x1f300 && c <= 0x1f64f) || (c >= 0x20000 && c <= 0x3fffd));
  const isZeroWidth = (c) => c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0x300 && c <= 0x36f) ||
    (c >= 0x200b && c <= 0x200f) || (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe00 && c <= 0xfe0f) ||
    (c >= 0xfe20 && c <= 0xfe2f) || (c >= 0xe0100 && c <= 0xe01ef);
  function stringWidth(str) {
    str = removeColors(str);
    // Plain ASCII, the common case, is one column a character.
    if (/^[\x20-\x7e]*$/.test(str)) return str.length;
    let columns = 0;
    for (const ch of str.normalize('NFC')) {
      const c = ch.codePointAt(0);
      if (isFullWidth(c)) columns += 2;
      else if (!isZeroWidth(c)) columns++;
    }
    return columns;
  }

  function escapeFn(c) {
    if (meta[c] !== undefined) return meta[c];
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  }

  function strEscape(str) {
    let test = escapeTest;
    let all = escapeAll;
    let quote = "'";
    // Prefer a quote the string does not contain over escaping, as Node does.
    if (str.includes("'")) {
      if (!str.includes('"')) quote = '"';
      else if (!str.includes('`') && !str.includes('${')) quote = '`';
      if (quote !== "'") { test = escapeTestSingle; all = escapeAllSingle; }
    }
    if (!test.test(str)) return quote + str + quote;
    return quote + str.replace(all, escapeFn) + quote;
  }

  const formatNumber = (fn, n) => fn(Object.is(n, -0) ? '-0' : `${n}`, 'number');
  const formatBigInt = (fn, n) => fn(`${n}n`, 'bigint');

  function formatPrimitive(fn, value, ctx) {
    switch (typeof value) {
      case 'string': {
        let trailer = '';
        if (value.length > ctx.maxStringLength) {
          const remaining = value.length - ctx.maxStringLength;
          value = value.slice(0, ctx.maxStringLength);
          trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
        }
        if (value.length > kMinLineWidth && value.length > ctx.breakLength - ctx.indentationLvl - 4) {
          return value.split(/(?<=\n)/).map((line) => fn(strEscape(line), 'string'))
            .join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer;
        }
        return fn(strEscape(value), 'string') + trailer;
      }
      case 'number': return formatNumber(fn, value);
      case 'bigint': return formatBigInt(fn, value);
      case 'boolean': return fn(`${value}`, 'boolean');
      case 'undefined': return fn('undefined', 'undefined');
      default: return fn(value.toString(), 'symbol');
    }
  }

  function getConstructorName(obj) {
    let proto = obj;
    let first;
    while (proto) {
      const desc = Object.getOwnPropertyDescriptor(proto, 'constructor');
      if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '' && isInstanceof(obj, desc.value)) {
        return String(desc.value.name);
      }
      proto = Object.getPrototypeOf(proto);
      if (first === undefined) first = proto;
    }
    if (first === null) return null;
    const tag = Object.prototype.toString.call(obj).slice(8, -1);
    return `${tag} <Complex prototype>`;
  }

  function isInstanceof(obj, ctor) {
    try { return obj instanceof ctor; } catch { return false; }
  }

  function getPrefix(constructor, tag, fallback, size = '') {
    if (constructor === null) {
      if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
      return `[${fallback}${size}: null prototype] `;
    }
    if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `;
    return `${constructor}${size} `;
  }

  // With showHidden (`%o`), non-enumerable properties too, shown as `[key]`.
  function getKeys(value, showHidden) {
    const keys = showHidden ? Object.getOwnPropertyNames(value) : Object.keys(value);
    for (const s of Object.getOwnPropertySymbols(value)) {
      if (showHidden || Object.prototype.propertyIsEnumerable.call(value, s)) keys.push(s);
    }
    return keys;
  }

  const getNonIndexKeys = (value, showHidden) => getKeys(value, showHidden).filter((k) => typeof k === 'symbol' || !numberRegExp.test(k));

  // `typedArray` is set for the `[buffer]` of a typed array shown with showHidden.
  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(ctx.stylize, value, ctx);
    if (value === null) return ctx.stylize('null', 'null');
    // A value may render itself, as with Node's util.inspect.custom (URL does).
    const custom = value[customInspect];
    if (typeof custom === 'function' && custom !== inspect && !(value.constructor && value.constructor.prototype === value)) {
      const options = { ...ctx, depth: ctx.depth - recurseTimes };
      for (const internal of ['seen', 'indentationLvl', 'currentDepth', 'circular']) delete options[internal];
      const result = custom.call(value, ctx.depth - recurseTimes, options, inspect);
      if (result !== value) {
        if (typeof result !== 'string') return formatValue(ctx, result, recurseTimes);
        return result.split('\n').join(`\n${' '.repeat(ctx.indentationLvl)}`);
      }
    }
    if (ctx.seen.includes(value)) {
      if (ctx.circular === undefined) ctx.circular = new Map();
      let index = ctx.circular.get(value);
      if (index === undefined) {
        index = ctx.circular.size + 1;
        ctx.circular.set(value, index);
      }
      return ctx.stylize(`[Circular *${index}]`, 'special');
    }
    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  function formatRaw(ctx, value, recurseTimes, typedArray) {
    let keys;
    const constructor = getConstructorName(value);
    let tag = value[Symbol.toStringTag];
    if (typeof tag !== 'string' || (tag !== '' && Object.prototype.propertyIsEnumerable.call(value, Symbol.toStringTag))) tag = '';
    let base = '';
    let formatter = () => [];
    let braces;
    let noIterator = true;
    let extrasType = kObjectType;

    if (Symbol.iterator in value || constructor === null) {
      noIterator = false;
      if (Array.isArray(value)) {
        const prefix = constructor !== 'Array' || tag !== '' ? getPrefix(constructor, tag, 'Array', `(${value.length})`) : '';
        keys = getNonIndexKeys(value, ctx.showHidden);
        braces = [`${prefix}[`, ']'];
        if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
        extrasType = kArrayExtrasType;
        formatter = formatArray;
      } else if (value instanceof Set) {
        const prefix = getPrefix(constructor, tag, 'Set', `(${value.size})`);
        keys = getKeys(value, ctx.showHidden);
        formatter = formatSet;
        if (value.size === 0 && keys.length === 0) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (value instanceof Map) {
        const prefix = getPrefix(constructor, tag, 'Map', `(${value.size})`);
        keys = getKeys(value, ctx.showHidden);
        formatter = formatMap;
        if (value.size === 0 && keys.length === 0) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        keys = getNonIndexKeys(value, ctx.showHidden);
        const fallback = constructor === null ? tagOfTypedArray.call(value) : '';
        const prefix = getPrefix(constructor, tag, fallback, `(${value.length})`);
        braces = [`${prefix}[`, ']'];
        if (value.length === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
        formatter = formatTypedArray;
        extrasType = kArrayExtrasType;
      } else {
        noIterator = true;
      }
    }
    if (noIterator) {
      keys = getKeys(value, ctx.showHidden);
      braces = ['{', '}'];
      if (typeof value === 'function') {
        base = getFunctionBase(value, constructor, tag);
        if (keys.length === 0) return ctx.stylize(base, 'special');
      } else if (constructor === 'Object') {
        if (Object.prototype.toString.call(value) === '[object Arguments]') braces[0] = '[Arguments] [';
        else if (tag !== '') braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
        if (keys.length === 0) return `${braces[0]}}`;
      } else if (value instanceof RegExp) {
        base = RegExp.prototype.toString.call(value);
        const prefix = getPrefix(constructor, tag, 'RegExp');
        if (prefix !== 'RegExp ') base = `${prefix}${base}`;
        if (keys.length === 0 || recurseTimes > ctx.depth) return ctx.stylize(base, 'regexp');
      } else if (value instanceof Date) {
        const time = Date.prototype.getTime.call(value);
        base = Number.isNaN(time) ? Date.prototype.toString.call(value) : Date.prototype.toISOString.call(value);
        if (keys.length === 0) return ctx.stylize(base, 'date');
        const prefix = getPrefix(constructor, tag, 'Date');
        if (prefix !== 'Date ') base = `${prefix}${base}`;
      } else if (isError(value)) {
        // JSC's own bookkeeping properties are not part of the error as Node shows it.
        keys = keys.filter((k) => k !== 'line' && k !== 'column' && k !== 'sourceURL');
        base = formatError(value, constructor, ctx, keys);
        if (keys.length === 0) return base;
      } else if (value instanceof ArrayBuffer) {
        const prefix = getPrefix(constructor, tag, 'ArrayBuffer');
        if (typedArray === undefined) formatter = formatArrayBuffer;
        else if (keys.length === 0) return `${prefix}{ byteLength: ${formatNumber(ctx.stylize, value.byteLength)} }`;
        braces[0] = `${prefix}{`;
        keys.unshift('byteLength');
      } else if (value instanceof DataView) {
        braces[0] = `${getPrefix(constructor, tag, 'DataView')}{`;
        keys.unshift('byteLength', 'byteOffset', 'buffer');
      } else if (value instanceof Promise) {
        braces[0] = `${getPrefix(constructor, tag, 'Promise')}{`;
        formatter = formatPromise;
      } else if (value instanceof WeakSet || value instanceof WeakMap) {
        braces[0] = `${getPrefix(constructor, tag, value instanceof WeakSet ? 'WeakSet' : 'WeakMap')}{`;
        formatter = (c) => [c.stylize('<items unknown>', 'special')];
      } else if (isBoxed(value)) {
        base = formatBoxed(value, ctx, keys, constructor, tag);
        if (keys.length === 0) return base;
      } else {
        if (keys.length === 0) return `${getPrefix(constructor, tag, 'Object')}{}`;
        braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
      }
    }

    if (recurseTimes > ctx.depth) {
      let name = getPrefix(constructor, tag, 'Object').slice(0, -1);
      if (constructor !== null) name = `[${name}]`;
      return ctx.stylize(name, 'special');
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    let output;
    try {
      output = formatter(ctx, value, recurseTimes);
      for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, extrasType));
    } finally {
      ctx.seen.pop();
    }
    if (ctx.circular !== undefined) {
      const index = ctx.circular.get(value);
      if (index !== undefined) {
        const reference = ctx.stylize(`<ref *${index}>`, 'special');
        base = base === '' ? reference : `${reference} ${base}`;
      }
    }
    return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  }

  function getFunctionBase(value, constructor, tag) {
    const source = Function.prototype.toString.call(value);
    if (source.startsWith('class') && source.endsWith('}')) {
      let base = `class ${(hasOwn(value, 'name') && value.name) || '(anonymous)'}`;
      if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
      if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
      if (constructor !== null) {
        const superName = Object.getPrototypeOf(value).name;
        if (superName) base += ` extends ${superName}`;
      } else {
        base += ' extends [null prototype]';
      }
      return `[${base}]`;
    }
    let type = 'Function';
    const kind = Object.prototype.toString.call(value).slice(8, -1);
    if (kind === 'GeneratorFunction' || kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction') type = kind;
    let base = `[${type}`;
    if (constructor === null) base += ' (null prototype)';
    base += value.name === '' ? ' (anonymous)' : `: ${value.name}`;
    base += ']';
    if (constructor !== type && constructor !== null) base += ` ${constructor}`;
    if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
    return base;
  }

  const boxes = [[Number, 'Number'], [String, 'String'], [Boolean, 'Boolean'], [BigInt, 'BigInt'], [Symbol, 'Symbol']];
  function isBoxed(value) {
    return boxes.some(([type]) => { try { type.prototype.valueOf.call(value); return true; } catch { return false; } });
  }

  function formatBoxed(value, ctx, keys, constructor, tag) {
    const [type, fallback] = boxes.find(([t]) => { try { t.prototype.valueOf.call(value); return true; } catch { return false; } });
    const primitive = type.prototype.valueOf.call(value);
    if (type === String) keys.splice(0, primitive.length);
    let base = `[${fallback}`;
    if (fallback !== constructor) base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
    base += `: ${formatPrimitive(stylizeNoColor, primitive, ctx)}]`;
    if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
    if (keys.length !== 0 || ctx.stylize === stylizeNoColor) return base;
    return ctx.stylize(base, fallback.toLowerCase());
  }

  // JSC stacks read `name@file:line:col`; Node users expect V8's `    at name (file:line:col)`.
  // Frames of Nexus's own parts (`nexus:...`, which run tasks, timers and promise jobs) are left
  // out, as in uncaught-error reports.
  function stackFrames(stack) {
    const frames = [];
    for (const line of stack.split('\n')) {
      const at = line.lastIndexOf('@');
      const name = at >= 0 ? line.slice(0, at) : '';
      const where = at >= 0 ? line.slice(at + 1) : line;
      if (line && !where.startsWith('nexus:')) frames.push(frameLine(name, where));
    }
    return frames;
  }

  function frameLine(name, where) {
    if (where === '[native code]') return `    at ${name || '<anonymous>'} (native)`;
    return name && name !== 'module code' && name !== 'global code' ? `    at ${name} (${where})` : `    at ${where}`;
  }

  // Node's formatError: the stack (or `[name: message]` without frames), the class name put in
  // front of the error's name the way Node's improveStack does, and the own properties the text
  // already shows (name, message, stack) removed from `keys`.
  function formatError(err, constructor, ctx, keys) {
    const name = err.name != null ? String(err.name) : 'Error';
    const message = err.message != null ? String(err.message) : '';
    let head = message ? `${name}: ${message}` : name;
    if (constructor !== null && constructor !== name && name.endsWith('Error')) {
      const rest = head.slice(name.length);
      head = constructor.includes(name) ? `${constructor}${rest}` : `${constructor} [${name}]${rest}`;
    }
    const frames = typeof err.stack === 'string' ? stackFrames(err.stack) : [];
    let text = frames.length === 0 ? `[${head}]` : [head, ...frames].join('\n');
    for (const key of ctx.showHidden ? [] : ['name', 'message', 'stack']) {
      const i = keys.indexOf(key);
      if (i !== -1 && (typeof err[key] !== 'string' || text.includes(err[key]))) keys.splice(i, 1);
    }
    if ('cause' in err && !keys.includes('cause')) keys.push('cause');
    if (Array.isArray(err.errors) && !keys.includes('errors')) keys.push('errors');
    if (ctx.indentationLvl !== 0) text = text.split('\n').join(`\n${' '.repeat(ctx.indentationLvl)}`);
    return text;
  }

  function formatArrayBuffer(ctx, value) {
    const bytes = new Uint8Array(value);
    const shown = Math.min(ctx.maxArrayLength, bytes.length);
    let hex = '';
    for (let i = 0; i < shown; i++) hex += (i ? ' ' : '') + bytes[i].toString(16).padStart(2, '0');
    const remaining = bytes.length - ctx.maxArrayLength;
    if (remaining > 0) hex += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
    return [`${ctx.stylize('[Uint8Contents]', 'special')}: <${hex}>`];
  }

  const more = (n) => `... ${n} more item${n > 1 ? 's' : ''}`;

  function formatArray(ctx, value, recurseTimes) {
    const len = Math.min(Math.max(0, ctx.maxArrayLength), value.length);
    const remaining = value.length - len;
    const output = [];
    for (let i = 0; i < len; i++) {
      if (!hasOwn(value, i)) return formatSpecialArray(ctx, value, recurseTimes, len, output, i);
      output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
    }
    if (remaining > 0) output.push(more(remaining));
    return output;
  }

  function formatSpecialArray(ctx, value, recurseTimes, maxLength, output, i) {
    const keys = Object.keys(value);
    let index = i;
    for (; i < keys.length && output.length < maxLength; i++) {
      const key = keys[i];
      const tmp = +key;
      if (tmp > 2 ** 32 - 2) break;
      if (`${index}` !== key) {
        if (!numberRegExp.test(key)) break;
        const empty = tmp - index;
        output.push(ctx.stylize(`<${empty} empty item${empty > 1 ? 's' : ''}>`, 'undefined'));
        index = tmp;
        if (output.length === maxLength) break;
      }
      output.push(formatProperty(ctx, value, recurseTimes, key, kArrayType));
      index++;
    }
    const remaining = value.length - index;
    if (output.length !== maxLength) {
      if (remaining > 0) output.push(ctx.stylize(`<${remaining} empty item${remaining > 1 ? 's' : ''}>`, 'undefined'));
    } else if (remaining > 0) {
      output.push(more(remaining));
    }
    return output;
  }

  function formatTypedArray(ctx, value, recurseTimes) {
    const shown = Math.min(Math.max(0, ctx.maxArrayLength), value.length);
    const output = [];
    const element = typeof value[0] === 'bigint' ? formatBigInt : formatNumber;
    for (let i = 0; i < shown; i++) output.push(element(ctx.stylize, value[i]));
    if (value.length > shown) output.push(more(value.length - shown));
    if (ctx.showHidden) {
      ctx.indentationLvl += 2;
      for (const key of ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer']) {
        output.push(`[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`);
      }
      ctx.indentationLvl -= 2;
    }
    return output;
  }

  function formatSet(ctx, value, recurseTimes) {
    const shown = Math.min(ctx.maxArrayLength, value.size);
    const output = [];
    ctx.indentationLvl += 2;
    for (const v of value) {
      if (output.length >= shown) break;
      output.push(formatValue(ctx, v, recurseTimes));
    }
    if (value.size > shown) output.push(more(value.size - shown));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const shown = Math.min(ctx.maxArrayLength, value.size);
    const output = [];
    ctx.indentationLvl += 2;
    for (const [k, v] of value) {
      if (output.length >= shown) break;
      output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
    }
    if (value.size > shown) output.push(more(value.size - shown));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatPromise(ctx, value, recurseTimes) {
    const state = ops.promiseState(value);
    if (state === 'pending') return [ctx.stylize('<pending>', 'special')];
    ctx.indentationLvl += 2;
    const str = formatValue(ctx, ops.promiseResult(value), recurseTimes);
    ctx.indentationLvl -= 2;
    return [state === 'rejected' ? `${ctx.stylize('<rejected>', 'special')} ${str}` : str];
  }

  function formatProperty(ctx, value, recurseTimes, key, type) {
    const desc = Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    let str;
    if (desc.value !== undefined) {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, desc.value, recurseTimes);
      ctx.indentationLvl -= 2;
    } else if (desc.get !== undefined) {
      str = ctx.stylize(desc.set !== undefined ? '[Getter/Setter]' : '[Getter]', 'special');
    } else if (desc.set !== undefined) {
      str = ctx.stylize('[Setter]', 'special');
    } else {
      str = ctx.stylize('undefined', 'undefined');
    }
    if (type === kArrayType) return str;
    let name;
    if (typeof key === 'symbol') name = `[${ctx.stylize(key.toString().replace(escapeAll, escapeFn), 'symbol')}]`;
    else if (key === '__proto__') name = "['__proto__']";
    else if (desc.enumerable === false) name = `[${key.replace(escapeAll, escapeFn)}]`;
    else if (keyStrRegExp.test(key)) name = ctx.stylize(key, 'name');
    else name = ctx.stylize(strEscape(key), 'string');
    return `${name}: ${str}`;
  }

  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let outputLength = output.length;
    // The "... n more items" entry is not grouped.
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (let i = 0; i < outputLength; i++) {
      const len = stringWidth(output[i]);
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    // At least three columns must fit, and no entry may dwarf the others.
    if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      // Aim for a square, characters being about 2.5 times as high as wide.
      const columns = Math.min(
        Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
        Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15,
      );
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineLength = 0;
        for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
        maxLineLength.push(lineLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') { padStart = false; break; }
        }
      }
      for (let i = 0; i < outputLength; i += columns) {
        const max = Math.min(i + columns, outputLength);
        let str = '';
        let j = i;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
          str += padStart ? `${output[j]}, `.padStart(padding, ' ') : `${output[j]}, `.padEnd(padding, ' ');
        }
        if (padStart) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
          str += output[j].padStart(padding, ' ');
        } else {
          str += output[j];
        }
        tmp.push(str);
      }
      if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength]);
      output = tmp;
    }
    return output;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (const entry of output) {
      totalLength += ctx.colors ? removeColors(entry).length : entry.length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !base.includes('\n');
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    const entries = output.length;
    if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
    // Only the innermost `compact` levels may share a line, and grouped arrays keep their rows.
    if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
      const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
      if (isBelowBreakLength(ctx, output, start, base)) {
        const joined = output.join(', ');
        if (!joined.includes('\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }

  function inspect(value, options) {
    const ctx = { ...defaults, seen: [], indentationLvl: 0, currentDepth: 0, circular: undefined };
    if (options !== null && typeof options === 'object') {
      for (const key of Object.keys(defaults)) if (options[key] !== undefined) ctx[key] = options[key];
    }
    if (ctx.depth === null) ctx.depth = Infinity;
    if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
    ctx.stylize = ctx.colors ? stylizeWithColor : stylizeNoColor;
    return formatValue(ctx, value, 0);
  }

  // ---- format: printf-style directives as Node's util.format ----------------------------------

  function hasBuiltInToString(value) {
    if (typeof value.toString !== 'function') return true;
    if (hasOwn(value, 'toString')) return false;
    let pointer = value;
    do { pointer = Object.getPrototypeOf(pointer); } while (!hasOwn(pointer, 'toString'));
    const desc = Object.getOwnPropertyDescriptor(pointer, 'constructor');
    return desc !== undefined && typeof desc.value === 'function' && globalThis[desc.value.name] === desc.value;
  }

  function formatArgs(options, args) {
    const first = args[0];
    let a = 0;
    let str = '';
    let join = '';
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let lastPos = 0;
      let tempStr;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) !== 37) continue;
        const next = first[++i];
        if (a + 1 !== args.length) {
          switch (next) {
            case 's': {
              const v = args[++a];
              if (typeof v === 'number') tempStr = formatNumber(stylizeNoColor, v);
              else if (typeof v === 'bigint') tempStr = formatBigInt(stylizeNoColor, v);
              else if (typeof v !== 'object' || v === null || !hasBuiltInToString(v)) tempStr = String(v);
              else tempStr = inspect(v, { ...options, depth: 0, colors: false, compact: 3 });
              break;
            }
            case 'j': tempStr = stringify(args[++a]); break;
            case 'd': {
              const v = args[++a];
              tempStr = typeof v === 'bigint' ? formatBigInt(stylizeNoColor, v) : typeof v === 'symbol' ? 'NaN' : formatNumber(stylizeNoColor, Number(v));
              break;
            }
            case 'O': tempStr = inspect(args[++a], options); break;
            case 'o': tempStr = inspect(args[++a], { ...options, showHidden: true, depth: 4 }); break;
            case 'i': {
              const v = args[++a];
              tempStr = typeof v === 'bigint' ? formatBigInt(stylizeNoColor, v) : typeof v === 'symbol' ? 'NaN' : formatNumber(stylizeNoColor, Number.parseInt(v));
              break;
            }
            case 'f': {
              const v = args[++a];
              tempStr = typeof v === 'symbol' ? 'NaN' : formatNumber(stylizeNoColor, Number.parseFloat(v));
              break;
            }
            case 'c': a += 1; tempStr = ''; break;
            case '%': str += first.slice(lastPos, i); lastPos = i + 1; continue;
            default: continue;
          }
          if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
          str += tempStr;
          lastPos = i + 1;
        } else if (next === '%') {
          str += first.slice(lastPos, i);
          lastPos = i + 1;
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }
    for (; a < args.length; a++) {
      const value = args[a];
      str += join + (typeof value !== 'string' ? inspect(value, options) : value);
      join = ' ';
    }
    return str;
  }

  function stringify(value) {
    try {
      return JSON.stringify(value);
    } catch (err) {
      if (err instanceof TypeError && /circular|cyclic/i.test(err.message)) return '[Circular]';
      throw err;
    }
  }

  // ---- console.table: Node's box-drawn table, cells left-aligned (Node 20.19+) ------------------

  function renderRow(row, widths) {
    let out = '\u2502 ';
    for (let i = 0; i < row.length; i++) {
      out += row[i] + ' '.repeat(widths[i] - stringWidth(row[i]));
      if (i !== row.length - 1) out += ' \u2502 ';
    }
    return out + ' \u2502';
  }

  function renderTable(head, columns) {
    const rows = [];
    const widths = head.map(stringWidth);
    const longest = Math.max(...columns.map((c) => c.length));
    for (let i = 0; i < head.length; i++) {
      for (let j = 0; j < longest; j++) {
        if (rows[j] === undefined) rows[j] = [];
        const value = (rows[j][i] = hasOwn(columns[i], j) ? columns[i][j] : '');
        widths[i] = Math.max(widths[i] || 0, stringWidth(value));
      }
    }
    const divider = widths.map((w) => '\u2500'.repeat(w + 2));
    let result = `\u250c${divider.join('\u252c')}\u2510\n${renderRow(head, widths)}\n\u251c${divider.join('\u253c')}\u2524\n`;
    for (const row of rows) result += `${renderRow(row, widths)}\n`;
    return result + `\u2514${divider.join('\u2534')}\u2518`;
  }

  function table(data, properties) {
    if (properties !== undefined && !Array.isArray(properties)) {
      throw new TypeError('console.table: the "properties" argument must be an array');
    }
    const cell = (v) => inspect(v, {
      depth: v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 2 ? -1 : 0,
      maxArrayLength: 3,
      breakLength: Infinity,
    });
    const isPrimitive = (v) => v === null || (typeof v !== 'function' && typeof v !== 'object');
    let indexKeys;
    let items;
    let valuesKey = 'Values';
    if (data instanceof Map) {
      indexKeys = [...data.keys()].map((_, i) => cell(i));
      const keys = [...data.keys()].map(cell);
      const values = [...data.values()];
      return renderTable(['(iteration index)', 'Key', 'Values'], [indexKeys, keys, values.map(cell)]);
    } else if (data instanceof Set) {
      items = [...data];
      indexKeys = items.map((_, i) => cell(i));
      valuesKey = 'Values';
      if (properties === undefined && items.every(isPrimitive)) return renderTable(['(iteration index)', valuesKey], [indexKeys, items.map(cell)]);
    } else {
      indexKeys = Object.keys(data);
      items = indexKeys.map((k) => data[k]);
    }
    const map = Object.create(null);
    let hasPrimitives = false;
    const valuesColumn = [];
    items.forEach((item, i) => {
      const primitive = isPrimitive(item);
      if (properties === undefined && primitive) {
        hasPrimitives = true;
        valuesColumn[i] = cell(item);
      } else {
        for (const key of properties || Object.keys(item)) {
          if (map[key] === undefined) map[key] = [];
          map[key][i] = (primitive && properties) || !hasOwn(item, key) ? '' : cell(item[key]);
        }
      }
    });
    const head = Object.keys(map);
    const columns = Object.values(map);
    if (hasPrimitives) { head.push(valuesKey); columns.push(valuesColumn); }
    head.unshift(data instanceof Set ? '(iteration index)' : '(index)');
    columns.unshift(indexKeys);
    return renderTable(head, columns);
  }

  dispatch.inspect = { inspect, formatArgs, stackFrames, table };
});
