// URL and URLSearchParams (WHATWG URL). Parsing, serialization and the component setters are
// the `url` crate's (ops/url.rs); a URL keeps the record the last parse or set returned
// (`[href, start, end, ...]`: its serialization and where each component lies in it). A URL
// and its searchParams stay in step: changing one re-serializes into the other.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayFrom, ArrayPrototypeFilter, ArrayPrototypeJoin, ArrayPrototypePush, ArrayPrototypeSort,
    FunctionPrototypeCall, ObjectKeys, RegExpReplace, SafeMap, StringPrototypeSlice, StringPrototypeStartsWith, Symbol,
    SymbolFor, SymbolIterator, SymbolToStringTag, TypeError,
  } = primordials;

  const customInspect = SymbolFor('nodejs.util.inspect.custom');
  const linkParams = Symbol('link');
  const replaceList = Symbol('replace');
  const colors = /\u001b\[\d\d?m/g;

  class URLSearchParams {
    #list = [];
    #url = null;
    constructor(init = '') {
      if (init instanceof URLSearchParams) {
        const list = init.#list;
        for (let i = 0; i < list.length; i++) ArrayPrototypePush(this.#list, [list[i][0], list[i][1]]);
      } else if (init !== null && typeof init === 'object' || typeof init === 'function') {
        // A sequence of pairs goes through its own iterators, as WebIDL converts one.
        if (typeof init[SymbolIterator] === 'function') {
          const pairs = ArrayFrom(init);
          for (let i = 0; i < pairs.length; i++) {
            const items = ArrayFrom(pairs[i]);
            if (items.length !== 2) throw new TypeError('URLSearchParams: each pair must have exactly two items');
            ArrayPrototypePush(this.#list, [`${items[0]}`, `${items[1]}`]);
          }
        } else {
          const keys = ObjectKeys(init);
          for (let i = 0; i < keys.length; i++) ArrayPrototypePush(this.#list, [keys[i], `${init[keys[i]]}`]);
        }
      } else {
        const text = `${init}`;
        this[replaceList](StringPrototypeStartsWith(text, '?') ? StringPrototypeSlice(text, 1) : text);
      }
    }
    [replaceList](query) {
      const flat = ops.formParse(query);
      this.#list = [];
      for (let i = 0; i < flat.length; i += 2) ArrayPrototypePush(this.#list, [flat[i], flat[i + 1]]);
    }
    [linkParams](url) { this.#url = url; }
    #update() {
      if (this.#url !== null) this.#url[linkParams](this.#serialize());
    }
    get size() { return this.#list.length; }
    append(name, value) {
      ArrayPrototypePush(this.#list, [`${name}`, `${value}`]);
      this.#update();
    }
    delete(name, value) {
      const n = `${name}`;
      const v = value === undefined ? undefined : `${value}`;
      this.#list = ArrayPrototypeFilter(this.#list, (pair) => pair[0] !== n || (v !== undefined && pair[1] !== v));
      this.#update();
    }
    get(name) {
      const n = `${name}`;
      const list = this.#list;
      for (let i = 0; i < list.length; i++) if (list[i][0] === n) return list[i][1];
      return null;
    }
    getAll(name) {
      const n = `${name}`;
      const list = this.#list;
      const out = [];
      for (let i = 0; i < list.length; i++) if (list[i][0] === n) ArrayPrototypePush(out, list[i][1]);
      return out;
    }
    has(name, value) {
      const n = `${name}`;
      const v = value === undefined ? undefined : `${value}`;
      const list = this.#list;
      for (let i = 0; i < list.length; i++) if (list[i][0] === n && (v === undefined || list[i][1] === v)) return true;
      return false;
    }
    set(name, value) {
      const n = `${name}`;
      const list = this.#list;
      let i = 0;
      while (i < list.length && list[i][0] !== n) i++;
      if (i === list.length) ArrayPrototypePush(list, [n, `${value}`]);
      else {
        list[i][1] = `${value}`;
        this.#list = ArrayPrototypeFilter(list, (pair, j) => j <= i || pair[0] !== n);
      }
      this.#update();
    }
    // Stable (the engine's sort is), by UTF-16 code units, as the standard says (the default
    // comparison of strings).
    sort() {
      ArrayPrototypeSort(this.#list, (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.#update();
    }
    forEach(callback, thisArg) {
      if (typeof callback !== 'function') throw new TypeError('URLSearchParams.forEach: the callback must be a function');
      for (let i = 0; i < this.#list.length; i++) FunctionPrototypeCall(callback, thisArg, this.#list[i][1], this.#list[i][0], this);
    }
    *entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
    *keys() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0]; }
    *values() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1]; }
    [SymbolIterator]() { return this.entries(); }
    #serialize() {
      const flat = [];
      for (let i = 0; i < this.#list.length; i++) ArrayPrototypePush(flat, this.#list[i][0], this.#list[i][1]);
      return ops.formSerialize(flat);
    }
    toString() { return this.#serialize(); }
    get [SymbolToStringTag]() { return 'URLSearchParams'; }
    // console.log shows the pairs, as Node does.
    [customInspect](depth, options, inspect) {
      if (typeof depth === 'number' && depth < 0) return options.stylize('[Object]', 'special');
      const inner = { ...options, depth: depth - 1 };
      const output = [];
      let length = -2;
      for (let i = 0; i < this.#list.length; i++) {
        const entry = `${inspect(this.#list[i][0], inner)} => ${inspect(this.#list[i][1], inner)}`;
        ArrayPrototypePush(output, entry);
        length += RegExpReplace(colors, entry, '').length + 2;
      }
      if (length > options.breakLength) return `${this.constructor.name} {\n  ${ArrayPrototypeJoin(output, ',\n  ')} }`;
      return output.length ? `${this.constructor.name} { ${ArrayPrototypeJoin(output, ', ')} }` : `${this.constructor.name} {}`;
    }
  }

  // Records of inputs parsed without a base, by input: a program parses the same few URLs
  // again and again (a client its endpoints, a server its paths). A record is never changed in
  // place (a setter makes a new one), so URLs share it. Emptied when full; long inputs not kept.
  const parsed = new SafeMap();
  const PARSED_AT_MOST = 256;
  const KEPT_LENGTH_AT_MOST = 1024;

  function parse(url, base, what) {
    const input = `${url}`;
    if (base === undefined) {
      const known = parsed.get(input);
      if (known !== undefined) return known;
    }
    const record = ops.urlParse(input, base === undefined ? undefined : `${base}`);
    if (record === null) throw new TypeError(`${what}: invalid URL '${input}'${base === undefined ? '' : ` against base '${base}'`}`);
    if (base === undefined && input.length <= KEPT_LENGTH_AT_MOST) {
      if (parsed.size >= PARSED_AT_MOST) parsed.clear();
      parsed.set(input, record);
    }
    return record;
  }

  // What console.log shows of a URL, in Node's order.
  const shownKeys = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash'];

  class URL {
    #record;
    #params = null;
    constructor(url, base) {
      if (arguments.length === 0) throw new TypeError('URL: 1 argument required');
      this.#record = parse(url, base, 'URL');
    }
    static canParse(url, base) {
      return ops.urlParse(`${url}`, base === undefined ? undefined : `${base}`) !== null;
    }
    #origin = null;
    #set(component, value) {
      this.#record = ops.urlSet(this.#record[0], component, `${value}`);
      this.#origin = null;
      if (this.#params !== null && (component === 'href' || component === 'search')) {
        this.#params[replaceList](StringPrototypeSlice(this.search, 1));
      }
    }
    // Called by the linked URLSearchParams with its new serialization.
    [linkParams](query) {
      this.#record = ops.urlSet(this.#record[0], 'search', query);
    }
    // Component `n` of the record (protocol 0, username 1, ..., hash 8).
    #part(n) {
      const record = this.#record;
      return StringPrototypeSlice(record[0], record[1 + 2 * n], record[2 + 2 * n]);
    }
    get href() { return this.#record[0]; }
    set href(value) { this.#set('href', value); }
    get origin() {
      if (this.#origin === null) this.#origin = ops.urlOrigin(this.#record[0]);
      return this.#origin;
    }
    get protocol() { return this.#part(0); }
    set protocol(value) { this.#set('protocol', value); }
    get username() { return this.#part(1); }
    set username(value) { this.#set('username', value); }
    get password() { return this.#part(2); }
    set password(value) { this.#set('password', value); }
    get host() { return this.#part(3); }
    set host(value) { this.#set('host', value); }
    get hostname() { return this.#part(4); }
    set hostname(value) { this.#set('hostname', value); }
    get port() { return this.#part(5); }
    set port(value) { this.#set('port', value); }
    get pathname() { return this.#part(6); }
    set pathname(value) { this.#set('pathname', value); }
    get search() { return this.#part(7); }
    set search(value) { this.#set('search', value); }
    get hash() { return this.#part(8); }
    set hash(value) { this.#set('hash', value); }
    get searchParams() {
      if (this.#params === null) {
        this.#params = new URLSearchParams(this.search);
        this.#params[linkParams](this);
      }
      return this.#params;
    }
    toString() { return this.#record[0]; }
    toJSON() { return this.#record[0]; }
    get [SymbolToStringTag]() { return 'URL'; }
    // console.log shows the components, as Node does.
    [customInspect](depth, options, inspect) {
      if (typeof depth === 'number' && depth < 0) return this;
      const shown = {};
      for (let i = 0; i < shownKeys.length; i++) shown[shownKeys[i]] = this[shownKeys[i]];
      return `${this.constructor.name} ${inspect(shown, options)}`;
    }
  }
  // Other parts take them from here: a program may have replaced the globals.
  dispatch.url = { URL, URLSearchParams };
  dispatch.defineGlobals({ URL, URLSearchParams });
});
