// Values crossing realms (Nexus.Scheduler.offload): structured clone's rules, written out as
// JSON text plus a list of the ArrayBuffers' bytes, which native code copies into the other
// realm. Clones primitives (also undefined, NaN, +-Infinity, -0, BigInt), plain objects, arrays,
// Date, RegExp, Map, Set, ArrayBuffer, typed arrays, DataView, errors (name, message, stack,
// cause) and boxed primitives, keeping shared and circular references. Functions and symbols
// throw a DOMException named DataCloneError.
//
// Invariant: both sides number objects in the same order (an object gets its number when its
// record starts, a view after its buffer's), so `['@', n]` names the same object on both sides.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const errorTypes = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const views = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView };
  const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);
  const uncloneable = (v) => new DOMException(`${typeof v === 'symbol' ? v.toString() : typeof v === 'function' ? `function ${v.name || '(anonymous)'}` : tagOf(v)} could not be cloned.`, 'DataCloneError');

  // -> [json, [ArrayBuffer...]]
  dispatch.serialize = (value) => {
    const seen = new Map();
    const buffers = [];
    let count = 0;
    const entries = (pairs) => pairs.map(([k, v]) => [encode(k), encode(v)]);

    function encode(v) {
      switch (typeof v) {
        case 'string': case 'boolean': return v;
        case 'undefined': return ['u'];
        case 'bigint': return ['n', v.toString()];
        case 'number':
          if (Object.is(v, -0)) return ['d', '-0'];
          return Number.isFinite(v) ? v : ['d', String(v)];
        case 'function': case 'symbol': throw uncloneable(v);
      }
      if (v === null) return null;
      if (seen.has(v)) return ['@', seen.get(v)];
      const tag = tagOf(v);
      if (tag === 'ArrayBuffer') {
        seen.set(v, count++);
        return ['B', buffers.push(v.slice(0)) - 1];
      }
      if (ArrayBuffer.isView(v)) {
        const buffer = encode(v.buffer);
        seen.set(v, count++);
        const length = tag === 'DataView' ? v.byteLength : v.length;
        return ['V', tag, buffer, v.byteOffset, length];
      }
      seen.set(v, count++);
      switch (tag) {
        case 'Error': {
          const cause = Object.prototype.hasOwnProperty.call(v, 'cause') ? [encode(v.cause)] : [];
          return ['E', String(v.name), String(v.message), typeof v.stack === 'string' ? v.stack : '', ...cause];
        }
        case 'Boolean': case 'Number': case 'String': case 'BigInt': return ['P', encode(v.valueOf())];
        case 'Date': return ['D', Date.prototype.getTime.call(v)];
        case 'RegExp': return ['R', v.source, v.flags];
        case 'Map': return ['M', entries([...v])];
        case 'Set': return ['S', [...v].map(encode)];
        case 'Array': return ['A', v.length, entries(Object.keys(v).map((k) => [k, v[k]]))];
        case 'Object':
          if (v instanceof DOMException) throw uncloneable(v);
          return ['O', entries(Object.keys(v).map((k) => [k, v[k]]))];
      }
      throw uncloneable(v);
    }

    return [JSON.stringify(encode(value)), buffers];
  };

  dispatch.deserialize = (json, buffers) => {
    const objects = [];
    const keep = (o) => { objects.push(o); return o; };

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
          return keep(new views[r[1]](buffer, r[3], r[4]));
        }
        case 'E': {
          const error = keep(new (errorTypes[r[1]] || Error)(r[2]));
          if (!(r[1] in errorTypes)) error.name = r[1];
          Object.defineProperty(error, 'stack', { value: r[3], writable: true, configurable: true });
          if (r.length > 4) Object.defineProperty(error, 'cause', { value: decode(r[4]), writable: true, configurable: true });
          return error;
        }
        case 'P': return keep(Object(decode(r[1])));
        case 'D': return keep(new Date(r[1]));
        case 'R': return keep(new RegExp(r[1], r[2]));
        case 'M': {
          const map = keep(new Map());
          for (const [k, v] of r[1]) map.set(decode(k), decode(v));
          return map;
        }
        case 'S': {
          const set = keep(new Set());
          for (const v of r[1]) set.add(decode(v));
          return set;
        }
        case 'A': {
          const array = keep(new Array(r[1]));
          for (const [k, v] of r[2]) array[decode(k)] = decode(v);
          return array;
        }
        case 'O': {
          const object = keep({});
          for (const [k, v] of r[1]) object[decode(k)] = decode(v);
          return object;
        }
      }
      throw new TypeError(`internal error: unknown record '${r[0]}'`);
    }

    return decode(JSON.parse(json));
  };
});
