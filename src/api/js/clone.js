// structuredClone: the HTML structured clone algorithm in JS (JSC's C API exposes no
// serializer). Clones primitives, plain objects, arrays, Date, RegExp, Map, Set, ArrayBuffer,
// typed arrays, DataView, errors and boxed primitives, keeping shared and circular references;
// class instances arrive as plain objects, as in browsers. Functions, symbols and host objects
// throw a DOMException named DataCloneError.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const errorTypes = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);
  const uncloneable = (v) => new DOMException(`${typeof v === 'symbol' ? v.toString() : String(v)} could not be cloned.`, 'DataCloneError');

  function structuredClone(value, options) {
    if (arguments.length === 0) throw new TypeError('structuredClone: 1 argument required');
    const memory = new Map();
    const transfer = options && options.transfer !== undefined ? [...options.transfer] : [];
    for (const buffer of transfer) {
      if (!(buffer instanceof ArrayBuffer)) throw new DOMException('structuredClone: only ArrayBuffers can be transferred', 'DataCloneError');
      if (typeof buffer.transfer !== 'function') throw new DOMException('structuredClone: this engine cannot detach ArrayBuffers', 'DataCloneError');
    }
    const transferred = new Set(transfer);

    function clone(v) {
      if (typeof v === 'function' || typeof v === 'symbol') throw uncloneable(v);
      if (v === null || typeof v !== 'object') return v;
      if (memory.has(v)) return memory.get(v);
      const remember = (copy) => { memory.set(v, copy); return copy; };
      switch (tagOf(v)) {
        case 'Boolean': case 'Number': case 'String': case 'BigInt':
          return remember(Object(v.valueOf()));
        case 'Date': return remember(new Date(Date.prototype.getTime.call(v)));
        case 'RegExp': return remember(new RegExp(v.source, v.flags));
        case 'ArrayBuffer': return remember(transferred.has(v) ? v.transfer() : v.slice(0));
        case 'DataView': {
          const buffer = clone(v.buffer);
          return remember(new DataView(buffer, v.byteOffset, v.byteLength));
        }
        case 'Map': {
          const copy = remember(new Map());
          for (const [k, val] of v) copy.set(clone(k), clone(val));
          return copy;
        }
        case 'Set': {
          const copy = remember(new Set());
          for (const val of v) copy.add(clone(val));
          return copy;
        }
        case 'Error': {
          const type = errorTypes[v.name] || Error;
          const copy = remember(new type(v.message));
          if (typeof v.stack === 'string') Object.defineProperty(copy, 'stack', { value: v.stack, writable: true, configurable: true });
          if (Object.prototype.hasOwnProperty.call(v, 'cause')) Object.defineProperty(copy, 'cause', { value: clone(v.cause), writable: true, configurable: true });
          return copy;
        }
        case 'Array': {
          const copy = remember(new Array(v.length));
          for (const k of Object.keys(v)) copy[k] = clone(v[k]);
          return copy;
        }
        case 'Object': {
          if (v instanceof DOMException) throw uncloneable(v);
          const copy = remember({});
          for (const k of Object.keys(v)) copy[k] = clone(v[k]);
          return copy;
        }
      }
      if (ArrayBuffer.isView(v)) {
        const buffer = clone(v.buffer);
        return remember(new v.constructor(buffer, v.byteOffset, v.length));
      }
      throw uncloneable(v);
    }

    return clone(value);
  }

  Object.defineProperty(globalThis, 'structuredClone', { value: structuredClone, writable: true, configurable: true, enumerable: false });
});
