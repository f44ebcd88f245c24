// Headers (Fetch Standard): a header list with a guard. Names are kept lowercased, as every
// reader of the list (get, iteration, the HTTP client and server) wants them; values are
// normalized (leading and trailing HTTP whitespace stripped) and validated on the way in.
//
// Invariants: `#list` is flat, `[name, value, name, value, ...]`, in insertion order, each entry
// valid; an immutable Headers never changes after it was made. The forbidden request and
// response header names are not enforced: like Node and Deno, a server runtime has no page whose
// requests they protect, so the request and response guards accept every valid header.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayFrom, ArrayPrototypeJoin, ArrayPrototypePush, ArrayPrototypeSort, ArrayPrototypeSplice,
    FunctionPrototypeCall, ObjectDefineProperty, ObjectGetOwnPropertyDescriptor, ObjectGetPrototypeOf, ObjectSetPrototypeOf, ReflectOwnKeys, RegExpPrototypeExec, SafeMap,
    StringPrototypeCharCodeAt, StringPrototypeSlice, StringPrototypeToLowerCase, SymbolFor, SymbolIterator,
    SymbolToStringTag, TypeError,
  } = primordials;

  const customInspect = SymbolFor('nodejs.util.inspect.custom');
  const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  // A value may hold no NUL, CR or LF; a character past U+00FF is no byte (a ByteString throws).
  const badValue = /[\0\r\n\u0100-\uffff]/;

  // HTTP whitespace: tab, line feed, carriage return, space.
  const isSpace = (code) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

  function normalizeValue(value) {
    const text = `${value}`;
    let start = 0;
    let end = text.length;
    while (start < end && isSpace(StringPrototypeCharCodeAt(text, start))) start++;
    while (end > start && isSpace(StringPrototypeCharCodeAt(text, end - 1))) end--;
    return start === 0 && end === text.length ? text : StringPrototypeSlice(text, start, end);
  }

  // Names found valid, each to its lowercase: a program names the same few fields again and
  // again. Emptied when full, so a stream of distinct names costs it no memory.
  const checked = new SafeMap();
  const CHECKED_AT_MOST = 256;

  function checkName(name, what) {
    const text = `${name}`;
    const known = checked.get(text);
    if (known !== undefined) return known;
    if (RegExpPrototypeExec(token, text) === null) throw new TypeError(`${what}: '${text}' is not a valid header name`);
    const lower = StringPrototypeToLowerCase(text);
    if (checked.size >= CHECKED_AT_MOST) checked.clear();
    checked.set(text, lower);
    return lower;
  }

  function checkValue(value, name, what) {
    const text = normalizeValue(value);
    if (RegExpPrototypeExec(badValue, text) !== null) throw new TypeError(`${what}: the value of header '${name}' is not valid`);
    return text;
  }

  // %IteratorPrototype%, reached through a generator: an array's iterator may be the program's.
  const IteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf(function* () {}.prototype));

  // An iterator over pairs, as WebIDL makes one for `iterable<K, V>`: `kind` 0 gives the keys, 1
  // the values, 2 the pairs; `pairsOf(target)` is read again at each step, so a change shows.
  function pairIterator(name, pairsOf) {
    class Iterator {
      #target;
      #kind;
      #index = 0;
      constructor(target, kind) {
        this.#target = target;
        this.#kind = kind;
      }
      next() {
        const pairs = pairsOf(this.#target);
        if (this.#index >= pairs.length) return { value: undefined, done: true };
        const pair = pairs[this.#index++];
        return { value: this.#kind === 2 ? [pair[0], pair[1]] : pair[this.#kind], done: false };
      }
    }
    ObjectSetPrototypeOf(Iterator.prototype, IteratorPrototype);
    ObjectDefineProperty(Iterator.prototype, 'next', { __proto__: null, value: Iterator.prototype.next, writable: true, enumerable: true, configurable: true });
    ObjectDefineProperty(Iterator.prototype, SymbolToStringTag, { __proto__: null, value: `${name} Iterator`, configurable: true });
    return Iterator;
  }

  // Set by Headers' static block: the sorted and combined pairs of a Headers.
  let pairsOf;
  const HeadersIterator = pairIterator('Headers', (headers) => pairsOf(headers));

  // Set by Headers' static block: the other parts' access to a Headers' state.
  let listOf;
  let guarded;
  let defaultType;

  class Headers {
    #list = [];
    #guard = 'none';
    #sorted = null; // the sort-and-combine of #list, until it changes
    constructor(init = undefined) {
      if (init === undefined) return;
      if (init === null || (typeof init !== 'object' && typeof init !== 'function')) {
        throw new TypeError('Headers: the init must be a Headers, a sequence of pairs or a record');
      }
      if (#list in init && init[SymbolIterator] === entries) {
        const list = init.#list;
        for (let i = 0; i < list.length; i++) ArrayPrototypePush(this.#list, list[i]);
        return;
      }
      // A sequence goes through its own iterator, as WebIDL converts one; a record through its
      // own keys and their descriptors, in that order.
      if (init[SymbolIterator] !== undefined) {
        if (typeof init[SymbolIterator] !== 'function') throw new TypeError('Headers: the init is not iterable');
        const pairs = ArrayFrom(init);
        for (let i = 0; i < pairs.length; i++) {
          const pair = pairs[i];
          if (pair === null || typeof pair !== 'object' || typeof pair[SymbolIterator] !== 'function') {
            throw new TypeError('Headers: each header must be a [name, value] pair');
          }
          const items = ArrayFrom(pair);
          if (items.length !== 2) throw new TypeError('Headers: each header must be a [name, value] pair');
          this.append(items[0], items[1]);
        }
        return;
      }
      const keys = ReflectOwnKeys(init);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (typeof key === 'symbol') continue;
        const descriptor = ObjectGetOwnPropertyDescriptor(init, key);
        if (descriptor !== undefined && descriptor.enumerable) this.append(key, init[key]);
      }
    }

    #writable(what) {
      if (this.#guard === 'immutable') throw new TypeError(`Headers.${what}: the headers are immutable`);
      this.#sorted = null;
    }

    append(name, value) {
      const lower = checkName(name, 'Headers.append');
      const text = checkValue(value, lower, 'Headers.append');
      this.#writable('append');
      ArrayPrototypePush(this.#list, lower, text);
    }

    delete(name) {
      const lower = checkName(name, 'Headers.delete');
      this.#writable('delete');
      const list = this.#list;
      for (let i = list.length - 2; i >= 0; i -= 2) if (list[i] === lower) ArrayPrototypeSplice(list, i, 2);
    }

    get(name) {
      const lower = checkName(name, 'Headers.get');
      const list = this.#list;
      let out = null;
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === lower) out = out === null ? list[i + 1] : `${out}, ${list[i + 1]}`;
      }
      return out;
    }

    getSetCookie() {
      const list = this.#list;
      const out = [];
      for (let i = 0; i < list.length; i += 2) if (list[i] === 'set-cookie') ArrayPrototypePush(out, list[i + 1]);
      return out;
    }

    has(name) {
      const lower = checkName(name, 'Headers.has');
      const list = this.#list;
      for (let i = 0; i < list.length; i += 2) if (list[i] === lower) return true;
      return false;
    }

    // The first entry of the name takes the value, where the others were; the others go.
    set(name, value) {
      const lower = checkName(name, 'Headers.set');
      const text = checkValue(value, lower, 'Headers.set');
      this.#writable('set');
      const list = this.#list;
      let first = -1;
      for (let i = list.length - 2; i >= 0; i -= 2) {
        if (list[i] !== lower) continue;
        if (first !== -1) ArrayPrototypeSplice(list, first, 2);
        first = i;
      }
      if (first === -1) ArrayPrototypePush(list, lower, text);
      else list[first + 1] = text;
    }

    // Sorted by name; the values of a name combined with ', ', but Set-Cookie's, each its own.
    #pairs() {
      if (this.#sorted !== null) return this.#sorted;
      const list = this.#list;
      const names = [];
      for (let i = 0; i < list.length; i += 2) ArrayPrototypePush(names, list[i]);
      ArrayPrototypeSort(names, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const pairs = [];
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        if (name === 'set-cookie') {
          let seen = 0;
          while (i + 1 < names.length && names[i + 1] === name) { i++; seen++; }
          const cookies = this.getSetCookie();
          for (let c = 0; c <= seen; c++) ArrayPrototypePush(pairs, [name, cookies[c]]);
        } else if (i === 0 || names[i - 1] !== name) {
          ArrayPrototypePush(pairs, [name, this.get(name)]);
        }
      }
      this.#sorted = pairs;
      return pairs;
    }

    keys() { return new HeadersIterator(this, 0); }
    values() { return new HeadersIterator(this, 1); }
    entries() { return new HeadersIterator(this, 2); }
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError('Headers.forEach: the callback must be a function');
      for (let i = 0; i < this.#pairs().length; i++) {
        const pair = this.#pairs()[i];
        FunctionPrototypeCall(callback, thisArg, pair[1], pair[0], this);
      }
    }

    get [SymbolToStringTag]() { return 'Headers'; }
    static {
      pairsOf = (headers) => headers.#pairs();
    }
    // console.log shows the pairs, as Node does.
    [customInspect](depth, options, inspect) {
      const pairs = this.#pairs();
      const shown = [];
      for (let i = 0; i < pairs.length; i++) ArrayPrototypePush(shown, `${inspect(pairs[i][0], options)} => ${inspect(pairs[i][1], options)}`);
      return shown.length === 0 ? 'Headers {}' : `Headers { ${ArrayPrototypeJoin(shown, ', ')} }`;
    }

    static {
      listOf = (headers) => headers.#list;
      guarded = (headers, guard) => {
        headers.#guard = guard;
        return headers;
      };
      defaultType = (headers, type) => {
        const list = headers.#list;
        for (let i = 0; i < list.length; i += 2) if (list[i] === 'content-type') return;
        ArrayPrototypePush(list, 'content-type', type);
        headers.#sorted = null;
      };
    }
  }

  const entries = Headers.prototype.entries;
  ObjectDefineProperty(Headers.prototype, SymbolIterator, { __proto__: null, value: entries, writable: true, configurable: true });

  // The other parts' access (request.js, response.js, body.js; the client and the server).
  dispatch.headers = {
    Headers,
    pairIterator,
    // Trusts `flat`: the native client and server made it from a parsed head.
    make: (flat, guard) => {
      const headers = new Headers();
      const list = listOf(headers);
      for (let i = 0; i < flat.length; i += 2) ArrayPrototypePush(list, StringPrototypeToLowerCase(flat[i]), flat[i + 1]);
      return guarded(headers, guard);
    },
    // A copy of `init` (a Headers, a sequence of pairs or a record) under `guard`.
    from: (init, guard) => guarded(new Headers(init), guard),
    // Adds Content-Type where the headers have none: a body's type, when it is extracted.
    defaultType,
  };
  // Each header once, in insertion order (Set-Cookie lines each their own): what goes on the wire.
  dispatch.headerList = (headers) => {
    const list = listOf(headers);
    const out = [];
    for (let i = 0; i < list.length; i++) ArrayPrototypePush(out, list[i]);
    return out;
  };
  // The fields as the native server's head takes them: `name:value` lines joined by '\n' (see
  // ops/http.rs). The last fields and their text are kept: a server's responses mostly carry
  // the same fields, so their text (which the native side reads whole) is joined once.
  let lastFields = [];
  let lastText = '';
  dispatch.headerText = (headers) => {
    const list = listOf(headers);
    if (list.length === lastFields.length) {
      let i = 0;
      while (i < list.length && list[i] === lastFields[i]) i++;
      if (i === list.length) return lastText;
    }
    let text = '';
    for (let i = 0; i < list.length; i += 2) text += `${i === 0 ? '' : '\n'}${list[i]}:${list[i + 1]}`;
    // Copied by index: Array.from would iterate with the program's Array.prototype iterator.
    const fields = [];
    for (let i = 0; i < list.length; i++) fields[i] = list[i];
    lastFields = fields;
    lastText = text;
    return text;
  };
  dispatch.defineGlobals({ Headers });
});
