// URL and URLSearchParams (WHATWG URL). Parsing, serialization and the component setters are
// the `url` crate's (ops/url.rs); a URL keeps the record the last parse or set returned. A URL
// and its searchParams stay in step: changing one re-serializes into the other.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const customInspect = Symbol.for('nodejs.util.inspect.custom');
  const linkParams = Symbol('link');
  const replaceList = Symbol('replace');

  class URLSearchParams {
    #list = [];
    #url = null;
    constructor(init = '') {
      if (init instanceof URLSearchParams) {
        this.#list = init.#list.map(([k, v]) => [k, v]);
      } else if (init !== null && typeof init === 'object' || typeof init === 'function') {
        if (typeof init[Symbol.iterator] === 'function') {
          for (const pair of init) {
            const items = [...pair];
            if (items.length !== 2) throw new TypeError('URLSearchParams: each pair must have exactly two items');
            this.#list.push([`${items[0]}`, `${items[1]}`]);
          }
        } else {
          for (const key of Object.keys(init)) this.#list.push([key, `${init[key]}`]);
        }
      } else {
        const text = `${init}`;
        this[replaceList](text.startsWith('?') ? text.slice(1) : text);
      }
    }
    [replaceList](query) {
      const flat = ops.formParse(query);
      this.#list = [];
      for (let i = 0; i < flat.length; i += 2) this.#list.push([flat[i], flat[i + 1]]);
    }
    [linkParams](url) { this.#url = url; }
    #update() {
      if (this.#url !== null) this.#url[linkParams](this.toString());
    }
    get size() { return this.#list.length; }
    append(name, value) {
      this.#list.push([`${name}`, `${value}`]);
      this.#update();
    }
    delete(name, value) {
      const n = `${name}`;
      const v = value === undefined ? undefined : `${value}`;
      this.#list = this.#list.filter(([k, val]) => k !== n || (v !== undefined && val !== v));
      this.#update();
    }
    get(name) {
      const found = this.#list.find(([k]) => k === `${name}`);
      return found ? found[1] : null;
    }
    getAll(name) { return this.#list.filter(([k]) => k === `${name}`).map(([, v]) => v); }
    has(name, value) {
      const v = value === undefined ? undefined : `${value}`;
      return this.#list.some(([k, val]) => k === `${name}` && (v === undefined || val === v));
    }
    set(name, value) {
      const n = `${name}`;
      const i = this.#list.findIndex(([k]) => k === n);
      if (i < 0) this.#list.push([n, `${value}`]);
      else {
        this.#list[i][1] = `${value}`;
        this.#list = this.#list.filter(([k], j) => j <= i || k !== n);
      }
      this.#update();
    }
    // Stable, by UTF-16 code units, as the standard says (the default comparison of strings).
    sort() {
      this.#list = this.#list.map((pair, i) => [pair, i])
        .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j))
        .map(([pair]) => pair);
      this.#update();
    }
    forEach(callback, thisArg) {
      if (typeof callback !== 'function') throw new TypeError('URLSearchParams.forEach: the callback must be a function');
      for (let i = 0; i < this.#list.length; i++) callback.call(thisArg, this.#list[i][1], this.#list[i][0], this);
    }
    *entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
    *keys() { for (const [k] of this.entries()) yield k; }
    *values() { for (const [, v] of this.entries()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return ops.formSerialize(this.#list.flat()); }
    get [Symbol.toStringTag]() { return 'URLSearchParams'; }
    // console.log shows the pairs, as Node does.
    [customInspect](depth, options, inspect) {
      if (typeof depth === 'number' && depth < 0) return options.stylize('[Object]', 'special');
      const inner = { ...options, depth: depth - 1 };
      const output = this.#list.map(([k, v]) => `${inspect(k, inner)} => ${inspect(v, inner)}`);
      const length = output.reduce((sum, entry) => sum + entry.replace(/\u001b\[\d\d?m/g, '').length + 2, -2);
      if (length > options.breakLength) return `${this.constructor.name} {\n  ${output.join(',\n  ')} }`;
      return output.length ? `${this.constructor.name} { ${output.join(', ')} }` : `${this.constructor.name} {}`;
    }
  }

  function parse(url, base, what) {
    const record = ops.urlParse(`${url}`, base === undefined ? undefined : `${base}`);
    if (record === null) throw new TypeError(`${what}: invalid URL '${url}'${base === undefined ? '' : ` against base '${base}'`}`);
    return record;
  }

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
    #set(component, value) {
      this.#record = ops.urlSet(this.#record.href, component, `${value}`);
      if (this.#params !== null && (component === 'href' || component === 'search')) {
        this.#params[replaceList](this.#record.search.slice(1));
      }
    }
    // Called by the linked URLSearchParams with its new serialization.
    [linkParams](query) {
      this.#record = ops.urlSet(this.#record.href, 'search', query);
    }
    get href() { return this.#record.href; }
    set href(value) { this.#set('href', value); }
    get origin() { return this.#record.origin; }
    get protocol() { return this.#record.protocol; }
    set protocol(value) { this.#set('protocol', value); }
    get username() { return this.#record.username; }
    set username(value) { this.#set('username', value); }
    get password() { return this.#record.password; }
    set password(value) { this.#set('password', value); }
    get host() { return this.#record.host; }
    set host(value) { this.#set('host', value); }
    get hostname() { return this.#record.hostname; }
    set hostname(value) { this.#set('hostname', value); }
    get port() { return this.#record.port; }
    set port(value) { this.#set('port', value); }
    get pathname() { return this.#record.pathname; }
    set pathname(value) { this.#set('pathname', value); }
    get search() { return this.#record.search; }
    set search(value) { this.#set('search', value); }
    get hash() { return this.#record.hash; }
    set hash(value) { this.#set('hash', value); }
    get searchParams() {
      if (this.#params === null) {
        this.#params = new URLSearchParams(this.#record.search);
        this.#params[linkParams](this);
      }
      return this.#params;
    }
    toString() { return this.#record.href; }
    toJSON() { return this.#record.href; }
    get [Symbol.toStringTag]() { return 'URL'; }
    // console.log shows the components, as Node does.
    [customInspect](depth, options, inspect) {
      if (typeof depth === 'number' && depth < 0) return this;
      const shown = {};
      for (const key of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash']) {
        shown[key] = this[key];
      }
      return `${this.constructor.name} ${inspect(shown, options)}`;
    }
  }
  for (const [name, value] of Object.entries({ URL, URLSearchParams }))
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
});
