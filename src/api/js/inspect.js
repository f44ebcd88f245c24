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
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    Array, ArrayBuffer, ArrayBufferPrototypeGetByteLength, ArrayIsArray, ArrayPrototypeEvery,
    ArrayPrototypeFilter, ArrayPrototypeIncludes, ArrayPrototypeIndexOf, ArrayPrototypeJoin,
    ArrayPrototypeMap, ArrayPrototypePop, ArrayPrototypePush, ArrayPrototypeSplice, ArrayPrototypeUnshift,
    BoxedPrimitive, DataView, Date, DatePrototypeGetTime, DatePrototypeToISOString, DatePrototypeToString,
    Error, FunctionPrototypeCall, FunctionPrototypeToString, JSONStringify, Map, MapPrototypeForEach,
    MapPrototypeGetSize, MathFloor, MathMax, MathMin, Number, NumberIsNaN, NumberParseFloat, NumberParseInt,
    NumberPrototypeToString, ObjectCreate, ObjectGetOwnPropertyDescriptor, ObjectGetOwnPropertyNames,
    ObjectGetOwnPropertySymbols, ObjectGetPrototypeOf, ObjectIs, ObjectKeys, ObjectPrototypeHasOwnProperty,
    ObjectPrototypePropertyIsEnumerable, ObjectPrototypeToString, ObjectValues, Promise, RegExp,
    RegExpPrototypeExec, RegExpPrototypeToString, RegExpReplace, SafeMap, Set, SetPrototypeForEach,
    SetPrototypeGetSize, String, StringPrototypeCharCodeAt, StringPrototypeCodePointAt,
    StringPrototypeEndsWith, StringPrototypeIncludes, StringPrototypeIndexOf,
    StringPrototypeNormalize, StringPrototypePadEnd, StringPrototypePadStart, StringPrototypeRepeat,
    StringPrototypeSlice, StringPrototypeSplit, StringPrototypeStartsWith, StringPrototypeToLowerCase,
    StringPrototypeToUpperCase, SymbolFor, SymbolIterator, SymbolPrototypeToString, SymbolToStringTag,
    TypeError, TypedArrayPrototypeGetLength, TypedArrayPrototypeGetSymbolToStringTag, Uint8Array, WeakMap,
    WeakSet, globalThis,
  } = primordials;

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
  const meta = { __proto__: null, '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', "'": "\\'", '\\': '\\\\' };
  const styles = { __proto__: null, special: 36, number: 33, bigint: 33, boolean: 33, undefined: 90, null: 1, string: 32, symbol: 32, date: 35, regexp: 31 };
  const customInspect = SymbolFor('nodejs.util.inspect.custom');
  const hasOwn = ObjectPrototypeHasOwnProperty;
  const isError = (v) => v instanceof Error || ObjectPrototypeToString(v) === '[object Error]';
  const test = (regexp, string) => RegExpPrototypeExec(regexp, string) !== null;

  function stylizeWithColor(str, style) {
    const code = styles[style];
    if (code === undefined) return str;
    return `\u001b[${code}m${str}\u001b[${code === 1 ? 22 : 39}m`;
  }
  const stylizeNoColor = (str) => str;
  const removeColors = (s) => RegExpReplace(colorRegExp, s, '');

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
    if (test(/^[\x20-\x7e]*$/, str)) return str.length;
    str = StringPrototypeNormalize(str, 'NFC');
    let columns = 0;
    for (let i = 0; i < str.length; i++) {
      const c = StringPrototypeCodePointAt(str, i);
      if (c > 0xffff) i++; // the second half of a surrogate pair
      if (isFullWidth(c)) columns += 2;
      else if (!isZeroWidth(c)) columns++;
    }
    return columns;
  }

  function escapeFn(c) {
    if (meta[c] !== undefined) return meta[c];
    const code = StringPrototypeCharCodeAt(c, 0);
    const hex = NumberPrototypeToString(code, 16);
    return code > 0xff ? `\\u${hex}` : `\\x${StringPrototypePadStart(StringPrototypeToUpperCase(hex), 2, '0')}`;
  }

  function strEscape(str) {
    let escape = escapeTest;
    let all = escapeAll;
    let quote = "'";
    // Prefer a quote the string does not contain over escaping, as Node does.
    if (StringPrototypeIncludes(str, "'")) {
      if (!StringPrototypeIncludes(str, '"')) quote = '"';
      else if (!StringPrototypeIncludes(str, '`') && !StringPrototypeIncludes(str, '${')) quote = '`';
      if (quote !== "'") { escape = escapeTestSingle; all = escapeAllSingle; }
    }
    if (!test(escape, str)) return quote + str + quote;
    return quote + RegExpReplace(all, str, escapeFn) + quote;
  }

  const formatNumber = (fn, n) => fn(ObjectIs(n, -0) ? '-0' : `${n}`, 'number');
  const formatBigInt = (fn, n) => fn(`${n}n`, 'bigint');

  // The lines of `text`, each with its line break.
  function linesOf(text) {
    const lines = [];
    let start = 0;
    for (let end = StringPrototypeIndexOf(text, '\n'); end !== -1; end = StringPrototypeIndexOf(text, '\n', start)) {
      ArrayPrototypePush(lines, StringPrototypeSlice(text, start, end + 1));
      start = end + 1;
    }
    if (start < text.length) ArrayPrototypePush(lines, StringPrototypeSlice(text, start));
    return lines;
  }

  function formatPrimitive(fn, value, ctx) {
    switch (typeof value) {
      case 'string': {
        let trailer = '';
        if (value.length > ctx.maxStringLength) {
          const remaining = value.length - ctx.maxStringLength;
          value = StringPrototypeSlice(value, 0, ctx.maxStringLength);
          trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
        }
        if (value.length > kMinLineWidth && value.length > ctx.breakLength - ctx.indentationLvl - 4) {
          const lines = ArrayPrototypeMap(linesOf(value), (line) => fn(strEscape(line), 'string'));
          return ArrayPrototypeJoin(lines, ` +\n${StringPrototypeRepeat(' ', ctx.indentationLvl + 2)}`) + trailer;
        }
        return fn(strEscape(value), 'string') + trailer;
      }
      case 'number': return formatNumber(fn, value);
      case 'bigint': return formatBigInt(fn, value);
      case 'boolean': return fn(`${value}`, 'boolean');
      case 'undefined': return fn('undefined', 'undefined');
      default: return fn(SymbolPrototypeToString(value), 'symbol');
    }
  }

  function getConstructorName(obj) {
    let proto = obj;
    let first;
    while (proto) {
      const desc = ObjectGetOwnPropertyDescriptor(proto, 'constructor');
      if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '' && isInstanceof(obj, desc.value)) {
        return String(desc.value.name);
      }
      proto = ObjectGetPrototypeOf(proto);
      if (first === undefined) first = proto;
    }
    if (first === null) return null;
    const tag = StringPrototypeSlice(ObjectPrototypeToString(obj), 8, -1);
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
    const keys = showHidden ? ObjectGetOwnPropertyNames(value) : ObjectKeys(value);
    const symbols = ObjectGetOwnPropertySymbols(value);
    for (let i = 0; i < symbols.length; i++) {
      if (showHidden || ObjectPrototypePropertyIsEnumerable(value, symbols[i])) ArrayPrototypePush(keys, symbols[i]);
    }
    return keys;
  }

  const getNonIndexKeys = (value, showHidden) => ArrayPrototypeFilter(getKeys(value, showHidden), (k) => typeof k === 'symbol' || !test(numberRegExp, k));

  // `text` with `n` spaces after each of its line breaks.
  const indent = (text, n) => ArrayPrototypeJoin(StringPrototypeSplit(text, '\n'), `\n${StringPrototypeRepeat(' ', n)}`);

  // `typedArray` is set for the `[buffer]` of a typed array shown with showHidden.
  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(ctx.stylize, value, ctx);
    if (value === null) return ctx.stylize('null', 'null');
    // A value may render itself, as with Node's util.inspect.custom (URL does).
    const custom = value[customInspect];
    if (typeof custom === 'function' && custom !== inspect && !(value.constructor && value.constructor.prototype === value)) {
      const options = { ...ctx, depth: ctx.depth - recurseTimes };
      delete options.seen;
      delete options.indentationLvl;
      delete options.currentDepth;
      delete options.circular;
      const result = FunctionPrototypeCall(custom, value, ctx.depth - recurseTimes, options, inspect);
      if (result !== value) {
        if (typeof result !== 'string') return formatValue(ctx, result, recurseTimes);
        return indent(result, ctx.indentationLvl);
      }
    }
    if (ArrayPrototypeIncludes(ctx.seen, value)) {
      if (ctx.circular === undefined) ctx.circular = new SafeMap();
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
    let tag = value[SymbolToStringTag];
    if (typeof tag !== 'string' || (tag !== '' && ObjectPrototypePropertyIsEnumerable(value, SymbolToStringTag))) tag = '';
    let base = '';
    let formatter = () => [];
    let braces;
    let noIterator = true;
    let extrasType = kObjectType;
    let boxed;

    if (SymbolIterator in value || constructor === null) {
      noIterator = false;
      if (ArrayIsArray(value)) {
        const prefix = constructor !== 'Array' || tag !== '' ? getPrefix(constructor, tag, 'Array', `(${value.length})`) : '';
        keys = getNonIndexKeys(value, ctx.showHidden);
        braces = [`${prefix}[`, ']'];
        if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
        extrasType = kArrayExtrasType;
        formatter = formatArray;
      } else if (value instanceof Set) {
        const size = SetPrototypeGetSize(value);
        const prefix = getPrefix(constructor, tag, 'Set', `(${size})`);
        keys = getKeys(value, ctx.showHidden);
        formatter = formatSet;
        if (size === 0 && keys.length === 0) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (value instanceof Map) {
        const size = MapPrototypeGetSize(value);
        const prefix = getPrefix(constructor, tag, 'Map', `(${size})`);
        keys = getKeys(value, ctx.showHidden);
        formatter = formatMap;
        if (size === 0 && keys.length === 0) return `${prefix}{}`;
        braces = [`${prefix}{`, '}'];
      } else if (TypedArrayPrototypeGetSymbolToStringTag(value) !== undefined) {
        keys = getNonIndexKeys(value, ctx.showHidden);
        const fallback = constructor === null ? TypedArrayPrototypeGetSymbolToStringTag(value) : '';
        const length = TypedArrayPrototypeGetLength(value);
        const prefix = getPrefix(constructor, tag, fallback, `(${length})`);
        braces = [`${prefix}[`, ']'];
        if (length === 0 && keys.length === 0 && !ctx.showHidden) return `${braces[0]}]`;
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
        if (ObjectPrototypeToString(value) === '[object Arguments]') braces[0] = '[Arguments] [';
        else if (tag !== '') braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
        if (keys.length === 0) return `${braces[0]}}`;
      } else if (value instanceof RegExp) {
        base = RegExpPrototypeToString(value);
        const prefix = getPrefix(constructor, tag, 'RegExp');
        if (prefix !== 'RegExp ') base = `${prefix}${base}`;
        if (keys.length === 0 || recurseTimes > ctx.depth) return ctx.stylize(base, 'regexp');
      } else if (value instanceof Date) {
        const time = DatePrototypeGetTime(value);
        base = NumberIsNaN(time) ? DatePrototypeToString(value) : DatePrototypeToISOString(value);
        if (keys.length === 0) return ctx.stylize(base, 'date');
        const prefix = getPrefix(constructor, tag, 'Date');
        if (prefix !== 'Date ') base = `${prefix}${base}`;
      } else if (isError(value)) {
        // JSC's own bookkeeping properties are not part of the error as Node shows it.
        keys = ArrayPrototypeFilter(keys, (k) => k !== 'line' && k !== 'column' && k !== 'sourceURL');
        base = formatError(value, constructor, ctx, keys);
        if (keys.length === 0) return base;
      } else if (value instanceof ArrayBuffer) {
        const prefix = getPrefix(constructor, tag, 'ArrayBuffer');
        if (typedArray === undefined) formatter = formatArrayBuffer;
        else if (keys.length === 0) return `${prefix}{ byteLength: ${formatNumber(ctx.stylize, ArrayBufferPrototypeGetByteLength(value))} }`;
        braces[0] = `${prefix}{`;
        ArrayPrototypeUnshift(keys, 'byteLength');
      } else if (value instanceof DataView) {
        braces[0] = `${getPrefix(constructor, tag, 'DataView')}{`;
        ArrayPrototypeUnshift(keys, 'byteLength', 'byteOffset', 'buffer');
      } else if (value instanceof Promise) {
        braces[0] = `${getPrefix(constructor, tag, 'Promise')}{`;
        formatter = formatPromise;
      } else if (value instanceof WeakSet || value instanceof WeakMap) {
        braces[0] = `${getPrefix(constructor, tag, value instanceof WeakSet ? 'WeakSet' : 'WeakMap')}{`;
        formatter = (c) => [c.stylize('<items unknown>', 'special')];
      } else if ((boxed = BoxedPrimitive(value)) !== undefined) {
        base = formatBoxed(boxed, ctx, keys, constructor, tag);
        if (keys.length === 0) return base;
      } else {
        if (keys.length === 0) return `${getPrefix(constructor, tag, 'Object')}{}`;
        braces[0] = `${getPrefix(constructor, tag, 'Object')}{`;
      }
    }

    if (recurseTimes > ctx.depth) {
      let name = StringPrototypeSlice(getPrefix(constructor, tag, 'Object'), 0, -1);
      if (constructor !== null) name = `[${name}]`;
      return ctx.stylize(name, 'special');
    }
    recurseTimes += 1;
    ArrayPrototypePush(ctx.seen, value);
    ctx.currentDepth = recurseTimes;
    let output;
    try {
      output = formatter(ctx, value, recurseTimes);
      for (let i = 0; i < keys.length; i++) ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, keys[i], extrasType));
    } finally {
      ArrayPrototypePop(ctx.seen);
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
    const source = FunctionPrototypeToString(value);
    if (StringPrototypeStartsWith(source, 'class') && StringPrototypeEndsWith(source, '}')) {
      let base = `class ${(hasOwn(value, 'name') && value.name) || '(anonymous)'}`;
      if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
      if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
      if (constructor !== null) {
        const superName = ObjectGetPrototypeOf(value).name;
        if (superName) base += ` extends ${superName}`;
      } else {
        base += ' extends [null prototype]';
      }
      return `[${base}]`;
    }
    let type = 'Function';
    const kind = StringPrototypeSlice(ObjectPrototypeToString(value), 8, -1);
    if (kind === 'GeneratorFunction' || kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction') type = kind;
    let base = `[${type}`;
    if (constructor === null) base += ' (null prototype)';
    base += value.name === '' ? ' (anonymous)' : `: ${value.name}`;
    base += ']';
    if (constructor !== type && constructor !== null) base += ` ${constructor}`;
    if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
    return base;
  }

  const boxNames = { __proto__: null, number: 'Number', string: 'String', boolean: 'Boolean', bigint: 'BigInt', symbol: 'Symbol' };

  function formatBoxed(primitive, ctx, keys, constructor, tag) {
    const fallback = boxNames[typeof primitive];
    if (fallback === 'String') ArrayPrototypeSplice(keys, 0, primitive.length);
    let base = `[${fallback}`;
    if (fallback !== constructor) base += constructor === null ? ' (null prototype)' : ` (${constructor})`;
    base += `: ${formatPrimitive(stylizeNoColor, primitive, ctx)}]`;
    if (tag !== '' && tag !== constructor) base += ` [${tag}]`;
    if (keys.length !== 0 || ctx.stylize === stylizeNoColor) return base;
    return ctx.stylize(base, StringPrototypeToLowerCase(fallback));
  }

  // JSC stacks read `name@file:line:col`; Node users expect V8's `    at name (file:line:col)`.
  // The one rule is native (realm/report.rs), which uncaught-error reports use too.
  const stackFrames = (stack) => ops.stackFrames(stack);

  // Node's formatError: the stack (or `[name: message]` without frames), the class name put in
  // front of the error's name the way Node's improveStack does, and the own properties the text
  // already shows (name, message, stack) removed from `keys`.
  const shownByError = ['name', 'message', 'stack'];
  function formatError(err, constructor, ctx, keys) {
    const name = err.name != null ? String(err.name) : 'Error';
    const message = err.message != null ? String(err.message) : '';
    let head = message ? `${name}: ${message}` : name;
    if (constructor !== null && constructor !== name && StringPrototypeEndsWith(name, 'Error')) {
      const rest = StringPrototypeSlice(head, name.length);
      head = StringPrototypeIncludes(constructor, name) ? `${constructor}${rest}` : `${constructor} [${name}]${rest}`;
    }
    const frames = typeof err.stack === 'string' ? stackFrames(err.stack) : [];
    ArrayPrototypeUnshift(frames, head);
    let text = frames.length === 1 ? `[${head}]` : ArrayPrototypeJoin(frames, '\n');
    if (!ctx.showHidden) {
      for (let k = 0; k < shownByError.length; k++) {
        const key = shownByError[k];
        const i = ArrayPrototypeIndexOf(keys, key);
        if (i !== -1 && (typeof err[key] !== 'string' || StringPrototypeIncludes(text, err[key]))) ArrayPrototypeSplice(keys, i, 1);
      }
    }
    if ('cause' in err && !ArrayPrototypeIncludes(keys, 'cause')) ArrayPrototypePush(keys, 'cause');
    if (ArrayIsArray(err.errors) && !ArrayPrototypeIncludes(keys, 'errors')) ArrayPrototypePush(keys, 'errors');
    if (ctx.indentationLvl !== 0) text = indent(text, ctx.indentationLvl);
    return text;
  }

  function formatArrayBuffer(ctx, value) {
    const bytes = new Uint8Array(value);
    const length = TypedArrayPrototypeGetLength(bytes);
    const shown = MathMin(ctx.maxArrayLength, length);
    let hex = '';
    for (let i = 0; i < shown; i++) hex += (i ? ' ' : '') + StringPrototypePadStart(NumberPrototypeToString(bytes[i], 16), 2, '0');
    const remaining = length - ctx.maxArrayLength;
    if (remaining > 0) hex += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
    return [`${ctx.stylize('[Uint8Contents]', 'special')}: <${hex}>`];
  }

  const more = (n) => `... ${n} more item${n > 1 ? 's' : ''}`;

  function formatArray(ctx, value, recurseTimes) {
    const len = MathMin(MathMax(0, ctx.maxArrayLength), value.length);
    const remaining = value.length - len;
    const output = [];
    for (let i = 0; i < len; i++) {
      if (!hasOwn(value, i)) return formatSpecialArray(ctx, value, recurseTimes, len, output, i);
      ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, i, kArrayType));
    }
    if (remaining > 0) ArrayPrototypePush(output, more(remaining));
    return output;
  }

  function formatSpecialArray(ctx, value, recurseTimes, maxLength, output, i) {
    const keys = ObjectKeys(value);
    let index = i;
    for (; i < keys.length && output.length < maxLength; i++) {
      const key = keys[i];
      const tmp = +key;
      if (tmp > 2 ** 32 - 2) break;
      if (`${index}` !== key) {
        if (!test(numberRegExp, key)) break;
        const empty = tmp - index;
        ArrayPrototypePush(output, ctx.stylize(`<${empty} empty item${empty > 1 ? 's' : ''}>`, 'undefined'));
        index = tmp;
        if (output.length === maxLength) break;
      }
      ArrayPrototypePush(output, formatProperty(ctx, value, recurseTimes, key, kArrayType));
      index++;
    }
    const remaining = value.length - index;
    if (output.length !== maxLength) {
      if (remaining > 0) ArrayPrototypePush(output, ctx.stylize(`<${remaining} empty item${remaining > 1 ? 's' : ''}>`, 'undefined'));
    } else if (remaining > 0) {
      ArrayPrototypePush(output, more(remaining));
    }
    return output;
  }

  const typedArrayHidden = ['BYTES_PER_ELEMENT', 'length', 'byteLength', 'byteOffset', 'buffer'];
  function formatTypedArray(ctx, value, recurseTimes) {
    const length = TypedArrayPrototypeGetLength(value);
    const shown = MathMin(MathMax(0, ctx.maxArrayLength), length);
    const output = [];
    const element = typeof value[0] === 'bigint' ? formatBigInt : formatNumber;
    for (let i = 0; i < shown; i++) ArrayPrototypePush(output, element(ctx.stylize, value[i]));
    if (length > shown) ArrayPrototypePush(output, more(length - shown));
    if (ctx.showHidden) {
      ctx.indentationLvl += 2;
      for (let i = 0; i < typedArrayHidden.length; i++) {
        const key = typedArrayHidden[i];
        ArrayPrototypePush(output, `[${key}]: ${formatValue(ctx, value[key], recurseTimes, true)}`);
      }
      ctx.indentationLvl -= 2;
    }
    return output;
  }

  function formatSet(ctx, value, recurseTimes) {
    const size = SetPrototypeGetSize(value);
    const shown = MathMin(ctx.maxArrayLength, size);
    const output = [];
    ctx.indentationLvl += 2;
    SetPrototypeForEach(value, (v) => {
      if (output.length < shown) ArrayPrototypePush(output, formatValue(ctx, v, recurseTimes));
    });
    if (size > shown) ArrayPrototypePush(output, more(size - shown));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const size = MapPrototypeGetSize(value);
    const shown = MathMin(ctx.maxArrayLength, size);
    const output = [];
    ctx.indentationLvl += 2;
    MapPrototypeForEach(value, (v, k) => {
      if (output.length < shown) ArrayPrototypePush(output, `${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
    });
    if (size > shown) ArrayPrototypePush(output, more(size - shown));
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
    const desc = ObjectGetOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
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
    if (typeof key === 'symbol') name = `[${ctx.stylize(RegExpReplace(escapeAll, SymbolPrototypeToString(key), escapeFn), 'symbol')}]`;
    else if (key === '__proto__') name = "['__proto__']";
    else if (desc.enumerable === false) name = `[${RegExpReplace(escapeAll, key, escapeFn)}]`;
    else if (test(keyStrRegExp, key)) name = ctx.stylize(key, 'name');
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
      const averageBias = (actualMax - totalLength / output.length) ** 0.5;
      const biasedMax = MathMax(actualMax - 3 - averageBias, 1);
      // Aim for a square, characters being about 2.5 times as high as wide.
      const columns = MathMin(
        MathFloor((2.5 * biasedMax * outputLength) ** 0.5 / biasedMax + 0.5), // rounded
        MathFloor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15,
      );
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineLength = 0;
        for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
        ArrayPrototypePush(maxLineLength, lineLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') { padStart = false; break; }
        }
      }
      for (let i = 0; i < outputLength; i += columns) {
        const max = MathMin(i + columns, outputLength);
        let str = '';
        let j = i;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
          str += padStart ? StringPrototypePadStart(`${output[j]}, `, padding, ' ') : StringPrototypePadEnd(`${output[j]}, `, padding, ' ');
        }
        if (padStart) {
          const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
          str += StringPrototypePadStart(output[j], padding, ' ');
        } else {
          str += output[j];
        }
        ArrayPrototypePush(tmp, str);
      }
      if (ctx.maxArrayLength < output.length) ArrayPrototypePush(tmp, output[outputLength]);
      output = tmp;
    }
    return output;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (let i = 0; i < output.length; i++) {
      totalLength += ctx.colors ? removeColors(output[i]).length : output[i].length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !StringPrototypeIncludes(base, '\n');
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    const entries = output.length;
    if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
    // Only the innermost `compact` levels may share a line, and grouped arrays keep their rows.
    if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
      const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
      if (isBelowBreakLength(ctx, output, start, base)) {
        const joined = ArrayPrototypeJoin(output, ', ');
        if (!StringPrototypeIncludes(joined, '\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
    const indentation = `\n${StringPrototypeRepeat(' ', ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${ArrayPrototypeJoin(output, `,${indentation}  `)}${indentation}${braces[1]}`;
  }

  function inspect(value, options) {
    const ctx = { ...defaults, seen: [], indentationLvl: 0, currentDepth: 0, circular: undefined };
    if (options !== null && typeof options === 'object') {
      const keys = ObjectKeys(defaults);
      for (let i = 0; i < keys.length; i++) if (options[keys[i]] !== undefined) ctx[keys[i]] = options[keys[i]];
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
    do { pointer = ObjectGetPrototypeOf(pointer); } while (!hasOwn(pointer, 'toString'));
    const desc = ObjectGetOwnPropertyDescriptor(pointer, 'constructor');
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
        if (StringPrototypeCharCodeAt(first, i) !== 37) continue;
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
              tempStr = typeof v === 'bigint' ? formatBigInt(stylizeNoColor, v) : typeof v === 'symbol' ? 'NaN' : formatNumber(stylizeNoColor, NumberParseInt(v));
              break;
            }
            case 'f': {
              const v = args[++a];
              tempStr = typeof v === 'symbol' ? 'NaN' : formatNumber(stylizeNoColor, NumberParseFloat(v));
              break;
            }
            case 'c': a += 1; tempStr = ''; break;
            case '%': str += StringPrototypeSlice(first, lastPos, i); lastPos = i + 1; continue;
            default: continue;
          }
          if (lastPos !== i - 1) str += StringPrototypeSlice(first, lastPos, i - 1);
          str += tempStr;
          lastPos = i + 1;
        } else if (next === '%') {
          str += StringPrototypeSlice(first, lastPos, i);
          lastPos = i + 1;
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += StringPrototypeSlice(first, lastPos);
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
      return JSONStringify(value);
    } catch (err) {
      if (err instanceof TypeError && test(/circular|cyclic/i, err.message)) return '[Circular]';
      throw err;
    }
  }

  // ---- console.table: Node's box-drawn table, cells left-aligned (Node 20.19+) ------------------

  function renderRow(row, widths) {
    let out = '\u2502 ';
    for (let i = 0; i < row.length; i++) {
      out += row[i] + StringPrototypeRepeat(' ', widths[i] - stringWidth(row[i]));
      if (i !== row.length - 1) out += ' \u2502 ';
    }
    return out + ' \u2502';
  }

  function renderTable(head, columns) {
    const rows = [];
    const widths = ArrayPrototypeMap(head, stringWidth);
    let longest = 0;
    for (let i = 0; i < columns.length; i++) longest = MathMax(longest, columns[i].length);
    for (let i = 0; i < head.length; i++) {
      for (let j = 0; j < longest; j++) {
        if (rows[j] === undefined) rows[j] = [];
        const value = (rows[j][i] = hasOwn(columns[i], j) ? columns[i][j] : '');
        widths[i] = MathMax(widths[i] || 0, stringWidth(value));
      }
    }
    const divider = ArrayPrototypeMap(widths, (w) => StringPrototypeRepeat('\u2500', w + 2));
    let result = `\u250c${ArrayPrototypeJoin(divider, '\u252c')}\u2510\n${renderRow(head, widths)}\n\u251c${ArrayPrototypeJoin(divider, '\u253c')}\u2524\n`;
    for (let i = 0; i < rows.length; i++) result += `${renderRow(rows[i], widths)}\n`;
    return result + `\u2514${ArrayPrototypeJoin(divider, '\u2534')}\u2518`;
  }

  function table(data, properties) {
    if (properties !== undefined && !ArrayIsArray(properties)) {
      throw new TypeError('console.table: the "properties" argument must be an array');
    }
    const cell = (v) => inspect(v, {
      depth: v !== null && typeof v === 'object' && !ArrayIsArray(v) && ObjectKeys(v).length > 2 ? -1 : 0,
      maxArrayLength: 3,
      breakLength: Infinity,
    });
    const isPrimitive = (v) => v === null || (typeof v !== 'function' && typeof v !== 'object');
    let indexKeys;
    let items;
    let valuesKey = 'Values';
    if (data instanceof Map) {
      indexKeys = [];
      const keys = [];
      const values = [];
      MapPrototypeForEach(data, (value, key) => {
        ArrayPrototypePush(indexKeys, cell(indexKeys.length));
        ArrayPrototypePush(keys, cell(key));
        ArrayPrototypePush(values, cell(value));
      });
      return renderTable(['(iteration index)', 'Key', 'Values'], [indexKeys, keys, values]);
    } else if (data instanceof Set) {
      items = [];
      SetPrototypeForEach(data, (item) => ArrayPrototypePush(items, item));
      indexKeys = ArrayPrototypeMap(items, (_, i) => cell(i));
      valuesKey = 'Values';
      if (properties === undefined && ArrayPrototypeEvery(items, isPrimitive)) return renderTable(['(iteration index)', valuesKey], [indexKeys, ArrayPrototypeMap(items, cell)]);
    } else {
      indexKeys = ObjectKeys(data);
      items = ArrayPrototypeMap(indexKeys, (k) => data[k]);
    }
    const map = ObjectCreate(null);
    let hasPrimitives = false;
    const valuesColumn = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const primitive = isPrimitive(item);
      if (properties === undefined && primitive) {
        hasPrimitives = true;
        valuesColumn[i] = cell(item);
      } else {
        const keys = properties || ObjectKeys(item);
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k];
          if (map[key] === undefined) map[key] = [];
          map[key][i] = (primitive && properties) || !hasOwn(item, key) ? '' : cell(item[key]);
        }
      }
    }
    const head = ObjectKeys(map);
    const columns = ObjectValues(map);
    if (hasPrimitives) { ArrayPrototypePush(head, valuesKey); ArrayPrototypePush(columns, valuesColumn); }
    ArrayPrototypeUnshift(head, data instanceof Set ? '(iteration index)' : '(index)');
    ArrayPrototypeUnshift(columns, indexKeys);
    return renderTable(head, columns);
  }

  dispatch.inspect = { inspect, formatArgs, stackFrames, table };
});
