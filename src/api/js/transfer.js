// Values crossing realms (Nexus.Scheduler.offload): structured clone's rules, written out as
// JSON text plus a list of the ArrayBuffers' bytes, which native code copies into the other
// realm. Clones primitives (also undefined, NaN, +-Infinity, -0, BigInt), plain objects, arrays,
// Date, RegExp, Map, Set, ArrayBuffer, typed arrays, DataView, errors (name, message, stack,
// cause) and boxed primitives, keeping shared and circular references. Functions and symbols
// throw a DOMException named DataCloneError.
//
// Invariant: both sides number objects in the same order (an object gets its number when its
// record starts, a view after its buffer's), so `['@', n]` names the same object on both sides.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    Array, ArrayBufferIsView, ArrayBufferPrototypeSlice, ArrayPrototypePush, BigInt, BigIntPrototypeToString,
    BoxedPrimitive, DataView, DataViewPrototypeGetBuffer, DataViewPrototypeGetByteLength,
    DataViewPrototypeGetByteOffset, Date, DatePrototypeGetTime, Error, EvalError, JSONParse, JSONStringify,
    Map, MapPrototypeForEach, MapPrototypeSet, Number, NumberIsFinite, Object, ObjectDefineProperty, ObjectIs,
    ObjectKeys, ObjectPrototypeHasOwnProperty, ObjectPrototypeToString, RangeError, ReferenceError, RegExp,
    RegExpPrototypeGetFlags, RegExpPrototypeGetSource, SafeMap, Set, SetPrototypeAdd, SetPrototypeForEach,
    String, StringPrototypeSlice, SymbolPrototypeToString, SyntaxError, TypeError,
    TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteOffset, TypedArrayPrototypeGetLength,
    TypedArrayPrototypeGetSymbolToStringTag, TypedArrays, URIError,
  } = primordials;

  dispatch.load('nexus:domexception');
  const { DOMException } = dispatch.dom;

  const errorTypes = { __proto__: null, Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const tagOf = (v) => StringPrototypeSlice(ObjectPrototypeToString(v), 8, -1);
  const uncloneable = (v) => new DOMException(`${typeof v === 'symbol' ? SymbolPrototypeToString(v) : typeof v === 'function' ? `function ${v.name || '(anonymous)'}` : tagOf(v)} could not be cloned.`, 'DataCloneError');

  // -> [json, [ArrayBuffer...]]
  dispatch.serialize = (value) => {
    const seen = new SafeMap();
    const buffers = [];
    let count = 0;
    const entry = (k, v) => [encode(k), encode(v)];
    // The own enumerable properties of `v`, as [key, value] records.
    const properties = (v) => {
      const keys = ObjectKeys(v);
      const out = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) out[i] = entry(keys[i], v[keys[i]]);
      return out;
    };

    function encode(v) {
      switch (typeof v) {
        case 'string': case 'boolean': return v;
        case 'undefined': return ['u'];
        case 'bigint': return ['n', BigIntPrototypeToString(v)];
        case 'number':
          if (ObjectIs(v, -0)) return ['d', '-0'];
          return NumberIsFinite(v) ? v : ['d', String(v)];
        case 'function': case 'symbol': throw uncloneable(v);
      }
      if (v === null) return null;
      if (seen.has(v)) return ['@', seen.get(v)];
      if (ArrayBufferIsView(v)) {
        const name = TypedArrayPrototypeGetSymbolToStringTag(v);
        if (name === undefined) {
          const buffer = encode(DataViewPrototypeGetBuffer(v));
          seen.set(v, count++);
          return ['V', 'DataView', buffer, DataViewPrototypeGetByteOffset(v), DataViewPrototypeGetByteLength(v)];
        }
        const buffer = encode(TypedArrayPrototypeGetBuffer(v));
        seen.set(v, count++);
        return ['V', name, buffer, TypedArrayPrototypeGetByteOffset(v), TypedArrayPrototypeGetLength(v)];
      }
      const tag = tagOf(v);
      seen.set(v, count++);
      switch (tag) {
        case 'ArrayBuffer': return ['B', ArrayPrototypePush(buffers, ArrayBufferPrototypeSlice(v, 0)) - 1];
        case 'Error': {
          const record = ['E', String(v.name), String(v.message), typeof v.stack === 'string' ? v.stack : ''];
          if (ObjectPrototypeHasOwnProperty(v, 'cause')) ArrayPrototypePush(record, encode(v.cause));
          return record;
        }
        case 'Boolean': case 'Number': case 'String': case 'BigInt': return ['P', encode(BoxedPrimitive(v))];
        case 'Date': return ['D', DatePrototypeGetTime(v)];
        case 'RegExp': return ['R', RegExpPrototypeGetSource(v), RegExpPrototypeGetFlags(v)];
        case 'Map': {
          const pairs = [];
          MapPrototypeForEach(v, (val, k) => ArrayPrototypePush(pairs, entry(k, val)));
          return ['M', pairs];
        }
        case 'Set': {
          const values = [];
          SetPrototypeForEach(v, (val) => ArrayPrototypePush(values, encode(val)));
          return ['S', values];
        }
        case 'Array': return ['A', v.length, properties(v)];
        case 'Object':
          if (v instanceof DOMException) throw uncloneable(v);
          return ['O', properties(v)];
      }
      throw uncloneable(v);
    }

    return [JSONStringify(encode(value)), buffers];
  };

  dispatch.deserialize = (json, buffers) => {
    const objects = [];
    const keep = (o) => { ArrayPrototypePush(objects, o); return o; };

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
          return keep(new (r[1] === 'DataView' ? DataView : TypedArrays[r[1]])(buffer, r[3], r[4]));
        }
        case 'E': {
          const error = keep(new (errorTypes[r[1]] || Error)(r[2]));
          if (!(r[1] in errorTypes)) error.name = r[1];
          ObjectDefineProperty(error, 'stack', { __proto__: null, value: r[3], writable: true, configurable: true });
          if (r.length > 4) ObjectDefineProperty(error, 'cause', { __proto__: null, value: decode(r[4]), writable: true, configurable: true });
          return error;
        }
        case 'P': return keep(Object(decode(r[1])));
        case 'D': return keep(new Date(r[1]));
        case 'R': return keep(new RegExp(r[1], r[2]));
        case 'M': {
          const map = keep(new Map());
          for (let i = 0; i < r[1].length; i++) MapPrototypeSet(map, decode(r[1][i][0]), decode(r[1][i][1]));
          return map;
        }
        case 'S': {
          const set = keep(new Set());
          for (let i = 0; i < r[1].length; i++) SetPrototypeAdd(set, decode(r[1][i]));
          return set;
        }
        case 'A': {
          const array = keep(new Array(r[1]));
          for (let i = 0; i < r[2].length; i++) array[decode(r[2][i][0])] = decode(r[2][i][1]);
          return array;
        }
        case 'O': {
          const object = keep({});
          for (let i = 0; i < r[1].length; i++) object[decode(r[1][i][0])] = decode(r[1][i][1]);
          return object;
        }
      }
      throw new TypeError(`internal error: unknown record '${r[0]}'`);
    }

    return decode(JSONParse(json));
  };
});
