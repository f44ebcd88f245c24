// The structured clone algorithm, once for every value that is copied: structuredClone (a copy in
// the same realm) and Nexus.Scheduler.offload (arguments and results copied into another realm)
// read the value with the one `walk`, which tells a maker what to make of each part: `copies`
// makes the copy itself; `records` makes JSON-safe records, which `read` later hands to `copies`
// in the realm that receives them. Offload adds one step on top: the records as JSON text plus
// the ArrayBuffers' bytes, which native code copies into the other realm.
//
// Clones primitives (also undefined, NaN, +-Infinity, -0, BigInt), plain objects, arrays, Date,
// RegExp, Map, Set, ArrayBuffer, typed arrays, DataView, errors (DOMException too) and boxed
// primitives, keeping shared and circular references; class instances arrive as plain objects,
// as in browsers. Anything else (functions, symbols, promises, weak collections) throws a
// DOMException named DataCloneError whose message names it as Node's does.
//
// Invariants: no constructor or species of the program's runs (a typed array is made by its
// intrinsic type, a buffer copied into an intrinsic ArrayBuffer); the walk reads only the own
// enumerable properties of objects and arrays, and an error's name, message, stack and cause, as
// the HTML standard says. Objects are numbered in the order their making starts (a container
// before its contents, a view after its buffer) by the walk and by `read` alike, so a record
// `['@', n]` names the same object on both sides.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    Array, ArrayBuffer, ArrayBufferIsView, ArrayBufferPrototypeGetByteLength, ArrayBufferPrototypeTransfer,
    BigInt, BigIntPrototypeToString, BoxedPrimitive, DataView, DataViewPrototypeGetBuffer,
    DataViewPrototypeGetByteLength, DataViewPrototypeGetByteOffset, Date, DatePrototypeGetTime, Error,
    EvalError, FunctionPrototypeToString, JSONParse, JSONStringify, Map, MapPrototypeForEach,
    MapPrototypeSet, Number, NumberIsFinite, Object, ObjectDefineProperty, ObjectGetOwnPropertyDescriptor,
    ObjectIs, ObjectKeys, ObjectPrototypeHasOwnProperty, ObjectPrototypeToString, RangeError,
    ReferenceError, RegExp, RegExpPrototypeGetFlags, RegExpPrototypeGetSource, SafeMap, Set,
    SetPrototypeAdd, SetPrototypeForEach, String, StringPrototypeSlice, SymbolPrototypeToString,
    SyntaxError, TypeError, TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteOffset,
    TypedArrayPrototypeGetLength, TypedArrayPrototypeGetSymbolToStringTag, TypedArrayPrototypeSet,
    TypedArrays, URIError, Uint8Array,
  } = primordials;

  dispatch.load('nexus:domexception');
  const { DOMException } = dispatch.dom;

  const errorTypes = { __proto__: null, Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const tagOf = (v) => StringPrototypeSlice(ObjectPrototypeToString(v), 8, -1);
  // What V8 (Node, Deno) names: a function's source, a symbol's description, an object's tag;
  // through no toString() a program may have replaced.
  const describe = (v) => (typeof v === 'symbol' ? SymbolPrototypeToString(v)
    : typeof v === 'function' ? FunctionPrototypeToString(v) : `#<${tagOf(v)}>`);
  const uncloneable = (v) => new DOMException(`${describe(v)} could not be cloned.`, 'DataCloneError');
  // An own data property `message`, as a string; null when there is none.
  const messageOf = (error) => {
    const own = ObjectGetOwnPropertyDescriptor(error, 'message');
    return own !== undefined && ObjectPrototypeHasOwnProperty(own, 'value') ? String(own.value) : null;
  };
  const hidden = (object, key, value) => ObjectDefineProperty(object, key, { __proto__: null, value, writable: true, configurable: true });

  // Reads `value` and returns what `out` (`copies`, or a `records` maker: the same methods) made
  // of it. Containers are made before their contents, so cycles close.
  function walk(value, out) {
    const seen = new SafeMap(); // object -> what out.again() takes to give it once more
    let count = 0;
    const remember = (v, product) => {
      seen.set(v, out.mark(product, count++));
      return product;
    };

    function visit(v) {
      if (typeof v === 'function' || typeof v === 'symbol') throw uncloneable(v);
      if (v === null || typeof v !== 'object') return out.primitive(v);
      if (seen.has(v)) return out.again(seen.get(v));
      if (ArrayBufferIsView(v)) {
        // The type by its internal name: `v.constructor` is the program's.
        const type = TypedArrayPrototypeGetSymbolToStringTag(v);
        if (type === undefined) {
          const buffer = visit(DataViewPrototypeGetBuffer(v));
          return remember(v, out.view('DataView', buffer, DataViewPrototypeGetByteOffset(v), DataViewPrototypeGetByteLength(v)));
        }
        const buffer = visit(TypedArrayPrototypeGetBuffer(v));
        return remember(v, out.view(type, buffer, TypedArrayPrototypeGetByteOffset(v), TypedArrayPrototypeGetLength(v)));
      }
      const tag = tagOf(v);
      switch (tag) {
        case 'ArrayBuffer': return remember(v, out.buffer(v));
        case 'Error': {
          const name = String(v.name);
          const stack = typeof v.stack === 'string' ? v.stack : null;
          // A DOMException keeps its name (DataCloneError, AbortError, ...), as browsers clone it.
          if (v instanceof DOMException) return remember(v, out.domException(name, String(v.message), stack));
          // The standard's rule: a name other than the builtin errors' clones as Error.
          const error = remember(v, out.error(name in errorTypes ? name : 'Error', messageOf(v), stack));
          if (ObjectPrototypeHasOwnProperty(v, 'cause')) out.cause(error, visit(v.cause));
          return error;
        }
        case 'Boolean': case 'Number': case 'String': case 'BigInt':
          return remember(v, out.boxed(out.primitive(BoxedPrimitive(v))));
        case 'Date': return remember(v, out.date(DatePrototypeGetTime(v)));
        case 'RegExp': return remember(v, out.regexp(RegExpPrototypeGetSource(v), RegExpPrototypeGetFlags(v)));
        case 'Map': {
          const map = remember(v, out.emptyMap());
          MapPrototypeForEach(v, (val, k) => out.mapSet(map, visit(k), visit(val)));
          return map;
        }
        case 'Set': {
          const set = remember(v, out.emptySet());
          SetPrototypeForEach(v, (val) => out.setAdd(set, visit(val)));
          return set;
        }
        case 'Array': case 'Object': {
          const into = remember(v, tag === 'Array' ? out.emptyArray(v.length) : out.emptyObject());
          const keys = ObjectKeys(v);
          for (let i = 0; i < keys.length; i++) out.property(into, keys[i], visit(v[keys[i]]));
          return into;
        }
      }
      throw uncloneable(v);
    }

    return visit(value);
  }

  // Not ArrayBuffer.prototype.slice, which makes the copy with the buffer's `constructor`.
  const copyOf = (buffer) => {
    const copy = new ArrayBuffer(ArrayBufferPrototypeGetByteLength(buffer));
    TypedArrayPrototypeSet(new Uint8Array(copy), new Uint8Array(buffer));
    return copy;
  };

  // The stack the original had, not the one the engine gave the copy (which names this file).
  const withStack = (error, stack) => {
    hidden(error, 'stack', stack === null ? undefined : stack);
    return error;
  };

  // The copy, in this realm. A property is assigned, as the clone always was (a setter a program
  // put on Object.prototype sees it), except `__proto__`, which must stay a key.
  const copies = {
    __proto__: null,
    primitive: (v) => v,
    mark: (copy) => copy,
    again: (copy) => copy,
    buffer: copyOf,
    view: (type, buffer, offset, length) => new (type === 'DataView' ? DataView : TypedArrays[type])(buffer, offset, length),
    error: (name, message, stack) => withStack(new errorTypes[name](message === null ? undefined : message), stack),
    cause: (error, cause) => hidden(error, 'cause', cause),
    domException: (name, message, stack) => withStack(new DOMException(message, name), stack),
    boxed: (primitive) => Object(primitive),
    date: (time) => new Date(time),
    regexp: (source, flags) => new RegExp(source, flags),
    emptyMap: () => new Map(),
    mapSet: MapPrototypeSet,
    emptySet: () => new Set(),
    setAdd: SetPrototypeAdd,
    emptyArray: (length) => new Array(length),
    emptyObject: () => ({}),
    property: (object, key, value) => {
      if (key === '__proto__') ObjectDefineProperty(object, key, { __proto__: null, value, writable: true, enumerable: true, configurable: true });
      else object[key] = value;
    },
  };

  // Records for JSON: a string, boolean, finite number or null as itself, anything else an array
  // whose first item says what it is. `buffers` gets the ArrayBuffers (copies, or the originals
  // of `moving`, a SafeMap whose value for each becomes its index in `buffers`).
  const records = (buffers, moving) => ({
    __proto__: null,
    primitive: (v) => {
      switch (typeof v) {
        case 'undefined': return ['u'];
        case 'bigint': return ['n', BigIntPrototypeToString(v)];
        case 'number': return ObjectIs(v, -0) ? ['d', '-0'] : NumberIsFinite(v) ? v : ['d', String(v)];
      }
      return v;
    },
    mark: (record, n) => n,
    again: (n) => ['@', n],
    buffer: (v) => {
      const index = buffers.length;
      if (moving.has(v)) moving.set(v, index);
      buffers[index] = moving.has(v) ? v : copyOf(v);
      return ['B', index];
    },
    view: (type, buffer, offset, length) => ['V', type, buffer, offset, length],
    error: (name, message, stack) => ['E', name, message, stack],
    cause: (record, cause) => { record[4] = cause; },
    domException: (name, message, stack) => ['X', name, message, stack],
    boxed: (primitive) => ['P', primitive],
    date: (time) => ['D', time],
    regexp: (source, flags) => ['R', source, flags],
    emptyMap: () => ['M', []],
    mapSet: (record, key, value) => { record[1][record[1].length] = [key, value]; },
    emptySet: () => ['S', []],
    setAdd: (record, value) => { record[1][record[1].length] = value; },
    emptyArray: (length) => ['A', [], length],
    emptyObject: () => ['O', []],
    property: (record, key, value) => { record[1][record[1].length] = [key, value]; },
  });

  // The value `records` wrote, made by `copies`; `buffers` are this realm's.
  function read(record, buffers) {
    const objects = [];
    const keep = (o) => {
      objects[objects.length] = o;
      return o;
    };

    function decode(r) {
      if (r === null || typeof r !== 'object') return r;
      switch (r[0]) {
        case 'u': return undefined;
        case 'n': return BigInt(r[1]);
        case 'd': return r[1] === '-0' ? -0 : Number(r[1]);
        case '@': return objects[r[1]];
        case 'B': return keep(buffers[r[1]]);
        case 'V': {
          const buffer = decode(r[2]);
          return keep(copies.view(r[1], buffer, r[3], r[4]));
        }
        case 'E': {
          const error = keep(copies.error(r[1], r[2], r[3]));
          if (r.length > 4) copies.cause(error, decode(r[4]));
          return error;
        }
        case 'X': return keep(copies.domException(r[1], r[2], r[3]));
        case 'P': return keep(copies.boxed(decode(r[1])));
        case 'D': return keep(copies.date(r[1]));
        case 'R': return keep(copies.regexp(r[1], r[2]));
        case 'M': {
          const map = keep(copies.emptyMap());
          for (let i = 0; i < r[1].length; i++) copies.mapSet(map, decode(r[1][i][0]), decode(r[1][i][1]));
          return map;
        }
        case 'S': {
          const set = keep(copies.emptySet());
          for (let i = 0; i < r[1].length; i++) copies.setAdd(set, decode(r[1][i]));
          return set;
        }
        case 'A': case 'O': {
          const object = keep(r[0] === 'A' ? copies.emptyArray(r[2]) : copies.emptyObject());
          for (let i = 0; i < r[1].length; i++) copies.property(object, r[1][i][0], decode(r[1][i][1]));
          return object;
        }
      }
      throw new TypeError(`internal error: unknown record '${r[0]}'`);
    }

    return decode(record);
  }

  // structuredClone(value, { transfer }), the list checked by the caller: distinct ArrayBuffers.
  // With buffers to transfer the copy goes through records: the standard detaches them only once
  // the walk is done (a view met after its buffer still reads its offset and length), and every
  // one listed, met or not.
  dispatch.structuredClone = (value, transfer) => {
    if (transfer.length === 0) return walk(value, copies);
    const moving = new SafeMap();
    for (let i = 0; i < transfer.length; i++) moving.set(transfer[i], -1);
    const buffers = [];
    const record = walk(value, records(buffers, moving));
    for (let i = 0; i < transfer.length; i++) {
      const moved = ArrayBufferPrototypeTransfer(transfer[i]);
      const at = moving.get(transfer[i]);
      if (at !== -1) buffers[at] = moved;
    }
    return read(record, buffers);
  };

  // -> [json, [ArrayBuffer...]], for a copy in another realm.
  dispatch.serialize = (value) => {
    const buffers = [];
    const record = walk(value, records(buffers, new SafeMap()));
    return [JSONStringify(record), buffers];
  };

  dispatch.deserialize = (json, buffers) => read(JSONParse(json), buffers);
});
