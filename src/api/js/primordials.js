// Completes the primordials start-up read (api/primordials.rs): uncurries every method and getter
// (the names with `Prototype` in them, but not `PrototypeOf`: ObjectGetPrototypeOf is a static) in
// place, and adds the helpers built on them. lazy.js runs it before any other lazy part. The
// program has run by then: this calls only what was read.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  // As start-up read them: the methods not uncurried yet.
  const {
    Array, BigIntPrototypeValueOf, BooleanPrototypeValueOf, FunctionPrototypeBind, Map, MapPrototypeClear,
    MapPrototypeDelete, MapPrototypeGet, MapPrototypeGetSize, MapPrototypeHas, MapPrototypeSet,
    NumberPrototypeValueOf, ObjectDefineProperty, ObjectFreeze, ObjectKeys, Promise, PromiseReject,
    PromiseResolve, ReflectApply, Set, SetPrototypeAdd, SetPrototypeClear, SetPrototypeDelete,
    SetPrototypeGetSize, SetPrototypeHas, StringPrototypeIndexOf, StringPrototypeValueOf,
    SymbolPrototypeValueOf, TypedArrays,
  } = primordials;

  // uncurryThis(f)(self, ...args) is f called with `this` self (why this form: api/primordials.rs).
  const uncurryThis = (fn) => (self, ...args) => ReflectApply(fn, self, args);
  const has = (name, part) => ReflectApply(StringPrototypeIndexOf, name, [part]) !== -1;
  const names = ObjectKeys(primordials);
  for (let i = 0; i < names.length; i++) {
    const value = primordials[names[i]];
    // Undefined where the engine lacks it (ArrayBufferPrototypeTransfer).
    if (value !== undefined && has(names[i], 'Prototype') && !has(names[i], 'PrototypeOf')) primordials[names[i]] = uncurryThis(value);
  }
  ObjectFreeze(TypedArrays);
  primordials.FunctionPrototypeCall = (fn, self, ...args) => ReflectApply(fn, self, args);
  primordials.PromiseReject = ReflectApply(FunctionPrototypeBind, PromiseReject, [Promise]);
  primordials.PromiseResolve = ReflectApply(FunctionPrototypeBind, PromiseResolve, [Promise]);

  // A subclass of Map or Set whose prototype holds the methods start-up read as its own
  // properties: `map.get(key)` on one calls the captured get, and the JIT inlines it. For the maps
  // and sets a part makes and keeps, never handed to a program.
  const makeSafe = (Base, methods, size) => {
    const Safe = class extends Base {
      // Not the default constructor, which spreads its arguments (see api/primordials.rs).
      constructor() { super(); }
    };
    const keys = ObjectKeys(methods);
    for (let i = 0; i < keys.length; i++) ObjectDefineProperty(Safe.prototype, keys[i], { __proto__: null, value: methods[keys[i]] });
    ObjectDefineProperty(Safe.prototype, 'size', { __proto__: null, get: size });
    ObjectFreeze(Safe.prototype);
    return Safe;
  };
  primordials.SafeMap = makeSafe(Map, {
    __proto__: null,
    clear: MapPrototypeClear, delete: MapPrototypeDelete, get: MapPrototypeGet, has: MapPrototypeHas, set: MapPrototypeSet,
  }, MapPrototypeGetSize);
  primordials.SafeSet = makeSafe(Set, {
    __proto__: null,
    add: SetPrototypeAdd, clear: SetPrototypeClear, delete: SetPrototypeDelete, has: SetPrototypeHas,
  }, SetPrototypeGetSize);

  // The primitive a Number, String, Boolean, BigInt or Symbol object holds; undefined for anything
  // else. Each valueOf throws for anything but an object of its own kind.
  const valueOfs = [NumberPrototypeValueOf, StringPrototypeValueOf, BooleanPrototypeValueOf, BigIntPrototypeValueOf, SymbolPrototypeValueOf];
  primordials.BoxedPrimitive = (value) => {
    for (let i = 0; i < valueOfs.length; i++) {
      try {
        return ReflectApply(valueOfs[i], value, []);
      } catch {}
    }
    return undefined;
  };

  // Promise.all, without the then() and Promise.resolve a program may have replaced.
  const then = primordials.PromisePrototypeThen;
  const resolved = primordials.PromiseResolve;
  primordials.SafePromiseAll = (values) => new Promise((resolve, reject) => {
    const results = new Array(values.length);
    let waiting = values.length;
    if (waiting === 0) resolve(results);
    for (let i = 0; i < values.length; i++) {
      then(resolved(values[i]), (value) => {
        results[i] = value;
        if (--waiting === 0) resolve(results);
      }, reject);
    }
  });

  // `string.replace(regexp, replacement)` for a global `regexp`, `replacement` a string or a
  // function of the match, through exec() alone: replace() would call the exec(), flags and
  // Symbol.replace a program may have replaced.
  const exec = primordials.RegExpPrototypeExec;
  const substring = primordials.StringPrototypeSlice;
  primordials.RegExpReplace = (regexp, string, replacement) => {
    let out = '';
    let last = 0;
    regexp.lastIndex = 0;
    for (let match = exec(regexp, string); match !== null; match = exec(regexp, string)) {
      out += substring(string, last, match.index);
      out += typeof replacement === 'string' ? replacement : replacement(match[0]);
      last = match.index + match[0].length;
      if (match[0] === '') regexp.lastIndex++;
    }
    return out + substring(string, last);
  };

  ObjectFreeze(primordials);
});
