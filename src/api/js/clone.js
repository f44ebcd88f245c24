// structuredClone: the HTML structured clone algorithm in JS (JSC's C API exposes no
// serializer). Clones primitives, plain objects, arrays, Date, RegExp, Map, Set, ArrayBuffer,
// typed arrays, DataView, errors and boxed primitives, keeping shared and circular references;
// class instances arrive as plain objects, as in browsers. Functions, symbols and host objects
// throw a DOMException named DataCloneError.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    Array, ArrayBuffer, ArrayBufferIsView, ArrayBufferPrototypeSlice, ArrayBufferPrototypeTransfer, ArrayFrom,
    BoxedPrimitive, DataView, DataViewPrototypeGetBuffer, DataViewPrototypeGetByteLength,
    DataViewPrototypeGetByteOffset, Date, DatePrototypeGetTime, Error, EvalError, FunctionPrototypeToString,
    Map, MapPrototypeForEach, MapPrototypeSet, Object, ObjectDefineProperty, ObjectKeys,
    ObjectPrototypeHasOwnProperty, ObjectPrototypeToString, RangeError, ReferenceError, RegExp,
    RegExpPrototypeGetFlags, RegExpPrototypeGetSource, SafeMap, SafeSet, Set, SetPrototypeAdd,
    SetPrototypeForEach, StringPrototypeSlice, SymbolPrototypeToString, SyntaxError, TypeError,
    TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteOffset, TypedArrayPrototypeGetLength,
    TypedArrayPrototypeGetSymbolToStringTag, TypedArrays, URIError,
  } = primordials;

  dispatch.load('nexus:domexception');
  const { DOMException } = dispatch.dom;

  const errorTypes = { __proto__: null, Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const tagOf = (v) => StringPrototypeSlice(ObjectPrototypeToString(v), 8, -1);
  // What String(v) gives of a builtin, through no toString() a program may have replaced.
  const describe = (v) => (typeof v === 'symbol' ? SymbolPrototypeToString(v)
    : typeof v === 'function' ? FunctionPrototypeToString(v) : ObjectPrototypeToString(v));
  const uncloneable = (v) => new DOMException(`${describe(v)} could not be cloned.`, 'DataCloneError');

  function structuredClone(value, options) {
    if (arguments.length === 0) throw new TypeError('structuredClone: 1 argument required');
    const memory = new SafeMap();
    // A sequence: the program's own iterator walks it, as WebIDL converts one.
    const transfer = options && options.transfer !== undefined ? ArrayFrom(options.transfer) : [];
    const transferred = new SafeSet();
    for (let i = 0; i < transfer.length; i++) {
      if (!(transfer[i] instanceof ArrayBuffer)) throw new DOMException('structuredClone: only ArrayBuffers can be transferred', 'DataCloneError');
      if (ArrayBufferPrototypeTransfer === undefined) throw new DOMException('structuredClone: this engine cannot detach ArrayBuffers', 'DataCloneError');
      transferred.add(transfer[i]);
    }

    function clone(v) {
      if (typeof v === 'function' || typeof v === 'symbol') throw uncloneable(v);
      if (v === null || typeof v !== 'object') return v;
      if (memory.has(v)) return memory.get(v);
      const remember = (copy) => { memory.set(v, copy); return copy; };
      if (ArrayBufferIsView(v)) {
        // A typed array's constructor by its internal name: `v.constructor` is the program's.
        const name = TypedArrayPrototypeGetSymbolToStringTag(v);
        if (name === undefined) {
          const buffer = clone(DataViewPrototypeGetBuffer(v));
          return remember(new DataView(buffer, DataViewPrototypeGetByteOffset(v), DataViewPrototypeGetByteLength(v)));
        }
        const buffer = clone(TypedArrayPrototypeGetBuffer(v));
        return remember(new TypedArrays[name](buffer, TypedArrayPrototypeGetByteOffset(v), TypedArrayPrototypeGetLength(v)));
      }
      const tag = tagOf(v);
      switch (tag) {
        case 'Boolean': case 'Number': case 'String': case 'BigInt':
          return remember(Object(BoxedPrimitive(v)));
        case 'Date': return remember(new Date(DatePrototypeGetTime(v)));
        case 'RegExp': return remember(new RegExp(RegExpPrototypeGetSource(v), RegExpPrototypeGetFlags(v)));
        case 'ArrayBuffer':
          return remember(transferred.has(v) ? ArrayBufferPrototypeTransfer(v) : ArrayBufferPrototypeSlice(v, 0));
        case 'Map': {
          const copy = remember(new Map());
          MapPrototypeForEach(v, (val, k) => MapPrototypeSet(copy, clone(k), clone(val)));
          return copy;
        }
        case 'Set': {
          const copy = remember(new Set());
          SetPrototypeForEach(v, (val) => SetPrototypeAdd(copy, clone(val)));
          return copy;
        }
        case 'Error': {
          const type = errorTypes[v.name] || Error;
          const copy = remember(new type(v.message));
          if (typeof v.stack === 'string') ObjectDefineProperty(copy, 'stack', { __proto__: null, value: v.stack, writable: true, configurable: true });
          if (ObjectPrototypeHasOwnProperty(v, 'cause')) ObjectDefineProperty(copy, 'cause', { __proto__: null, value: clone(v.cause), writable: true, configurable: true });
          return copy;
        }
        case 'Array': {
          const copy = remember(new Array(v.length));
          const keys = ObjectKeys(v);
          for (let i = 0; i < keys.length; i++) copy[keys[i]] = clone(v[keys[i]]);
          return copy;
        }
        case 'Object': {
          if (v instanceof DOMException) throw uncloneable(v);
          const copy = remember({});
          const keys = ObjectKeys(v);
          for (let i = 0; i < keys.length; i++) copy[keys[i]] = clone(v[keys[i]]);
          return copy;
        }
      }
      throw uncloneable(v);
    }

    return clone(value);
  }

  dispatch.defineGlobals({ structuredClone });
});
