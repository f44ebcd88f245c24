// Request (Fetch Standard): a method, a URL, headers, a body (see body.js), a signal and the
// fetch options, merged from an input Request and an init as the constructor's steps say.
//
// Invariants: the method is a token and none of CONNECT, TRACE, TRACK (the standard ones
// uppercased); a GET or HEAD request has no body; `#options` is the shared frozen defaults until
// an init or an input sets one. Relative URLs resolve as body.js's `resolve` says.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ObjectFreeze, RegExpPrototypeExec, StringPrototypeToUpperCase, SymbolFor, SymbolToStringTag, TypeError,
  } = primordials;

  dispatch.load('nexus:headers');
  dispatch.load('nexus:body');
  dispatch.load('nexus:abort');
  const { make: makeHeaders, from: headersFrom, defaultType } = dispatch.headers;
  const { extract, fromNative, install, clone, transfer, isStream, unusable, resolve, noInit } = dispatch.body;
  const { AbortController, AbortSignal } = dispatch.abort;

  const customInspect = SymbolFor('nodejs.util.inspect.custom');
  const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const normalized = { __proto__: null, DELETE: true, GET: true, HEAD: true, OPTIONS: true, POST: true, PUT: true };
  const forbidden = { __proto__: null, CONNECT: true, TRACE: true, TRACK: true };

  const enums = {
    __proto__: null,
    mode: { __proto__: null, 'same-origin': true, 'no-cors': true, cors: true, navigate: true },
    credentials: { __proto__: null, omit: true, 'same-origin': true, include: true },
    cache: { __proto__: null, default: true, 'no-store': true, reload: true, 'no-cache': true, 'force-cache': true, 'only-if-cached': true },
    redirect: { __proto__: null, follow: true, error: true, manual: true },
    referrerPolicy: {
      __proto__: null, '': true, 'no-referrer': true, 'no-referrer-when-downgrade': true, 'same-origin': true, origin: true,
      'strict-origin': true, 'origin-when-cross-origin': true, 'strict-origin-when-cross-origin': true, 'unsafe-url': true,
    },
    priority: { __proto__: null, high: true, low: true, auto: true },
  };

  const defaults = ObjectFreeze({
    __proto__: null,
    mode: 'cors', credentials: 'same-origin', cache: 'default', redirect: 'follow', referrer: 'about:client',
    referrerPolicy: '', integrity: '', keepalive: false, priority: 'auto',
  });

  function parseURL(input, what) {
    const url = resolve(input, what);
    if (url.username !== '' || url.password !== '') throw new TypeError(`${what}: the URL '${input}' has credentials`);
    return url;
  }

  function methodOf(value) {
    const method = `${value}`;
    if (RegExpPrototypeExec(token, method) === null) throw new TypeError(`Request: '${method}' is not a valid method`);
    const upper = StringPrototypeToUpperCase(method);
    if (forbidden[upper] === true) throw new TypeError(`Request: the method '${method}' is forbidden`);
    return normalized[upper] === true ? upper : method;
  }

  function enumOf(name, value) {
    const text = `${value}`;
    if (enums[name][text] !== true) throw new TypeError(`Request: '${text}' is not a valid ${name}`);
    return text;
  }

  // A signal that aborts when `parent` does.
  function follow(parent) {
    const controller = new AbortController();
    if (parent.aborted) controller.abort(parent.reason);
    else parent.addEventListener('abort', () => controller.abort(parent.reason), { __proto__: null, once: true });
    return controller.signal;
  }

  // Set by Request's static block: makeRequest's and clone's way in, which skips the
  // constructor's steps (`trusted` tells the constructor so).
  let build;
  let trusted = false;

  class Request {
    #url;
    #method = 'GET';
    #headers = null;
    #fields = null; // a parsed request's flat fields, until its Headers are first asked for
    #body = null;
    #signal = null; // made on first read when none was given
    #options = defaults;

    constructor(input, init = undefined) {
      if (trusted) {
        trusted = false;
        return;
      }
      if (arguments.length === 0) throw new TypeError('Request: 1 argument required');
      if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') {
        throw new TypeError('Request: the init must be an object');
      }
      const given = init === undefined || init === null ? noInit : init;
      let inputBody = null;
      let inputHeaders = null;
      let parentSignal = null;
      if (input instanceof Request) {
        this.#url = input.#url;
        this.#method = input.#method;
        this.#options = input.#options;
        inputBody = input.#body;
        inputHeaders = input.#headersOf();
        parentSignal = input.#signal;
      } else {
        this.#url = parseURL(`${input}`, 'Request').href;
      }

      // Each member is read once, in the standard's (alphabetical) order, as WebIDL does.
      const body = given.body;
      const cache = given.cache;
      const credentials = given.credentials;
      const duplex = given.duplex;
      const headers = given.headers;
      const integrity = given.integrity;
      const keepalive = given.keepalive;
      const method = given.method;
      const mode = given.mode;
      const priority = given.priority;
      const redirect = given.redirect;
      const referrer = given.referrer;
      const referrerPolicy = given.referrerPolicy;
      const signal = given.signal;
      // There is no window to associate a request with: only null (or nothing) is allowed.
      if (given.window !== undefined && given.window !== null) throw new TypeError('Request: the window must be null');
      if (duplex !== undefined && `${duplex}` !== 'half') throw new TypeError(`Request: '${duplex}' is not a valid duplex`);

      const changes = cache !== undefined || credentials !== undefined || integrity !== undefined || keepalive !== undefined ||
        mode !== undefined || priority !== undefined || redirect !== undefined || referrer !== undefined ||
        referrerPolicy !== undefined;
      if (changes || (input instanceof Request && method !== undefined)) {
        const options = { __proto__: null };
        const old = this.#options;
        options.mode = mode === undefined ? (old.mode === 'navigate' ? 'same-origin' : old.mode) : enumOf('mode', mode);
        if (options.mode === 'navigate') throw new TypeError("Request: the mode 'navigate' is for browsers' navigations");
        options.credentials = credentials === undefined ? old.credentials : enumOf('credentials', credentials);
        options.cache = cache === undefined ? old.cache : enumOf('cache', cache);
        if (options.cache === 'only-if-cached' && options.mode !== 'same-origin') {
          throw new TypeError("Request: the cache 'only-if-cached' needs the mode 'same-origin'");
        }
        options.redirect = redirect === undefined ? old.redirect : enumOf('redirect', redirect);
        options.referrer = referrer === undefined ? old.referrer : referrerOf(referrer);
        options.referrerPolicy = referrerPolicy === undefined ? old.referrerPolicy : enumOf('referrerPolicy', referrerPolicy);
        options.integrity = integrity === undefined ? old.integrity : `${integrity}`;
        options.keepalive = keepalive === undefined ? old.keepalive : !!keepalive;
        options.priority = priority === undefined ? old.priority : enumOf('priority', priority);
        this.#options = ObjectFreeze(options);
      }
      if (method !== undefined) this.#method = methodOf(method);

      if (signal !== undefined && signal !== null && !(signal instanceof AbortSignal)) {
        throw new TypeError('Request: the signal must be an AbortSignal');
      }
      if (signal !== undefined) parentSignal = signal;
      if (parentSignal !== null) this.#signal = follow(parentSignal);

      this.#headers = headersFrom(headers !== undefined ? headers : inputHeaders !== null ? inputHeaders : undefined, 'request');
      if (this.#options.mode === 'no-cors' && this.#method !== 'GET' && this.#method !== 'HEAD' && this.#method !== 'POST') {
        throw new TypeError(`Request: the method '${this.#method}' is not allowed in the mode 'no-cors'`);
      }

      const hasInitBody = body !== undefined && body !== null;
      if ((hasInitBody || inputBody !== null) && (this.#method === 'GET' || this.#method === 'HEAD')) {
        throw new TypeError(`Request: a ${this.#method} request cannot have a body`);
      }
      if (hasInitBody) {
        const extracted = extract(body);
        if (this.#options.keepalive && isStream(extracted.body)) throw new TypeError('Request: a keepalive request cannot have a stream body');
        if (extracted.type !== null) defaultType(this.#headers, extracted.type);
        if (isStream(extracted.body) && duplex === undefined) throw new TypeError("Request: a stream body needs duplex: 'half'");
        this.#body = extracted.body;
      } else if (inputBody !== null) {
        if (unusable(inputBody)) throw new TypeError('Request: the input request\'s body has already been read');
        this.#body = transfer(inputBody);
      }
    }

    get method() { return this.#method; }
    get url() { return this.#url; }
    get headers() { return this.#headersOf(); }

    // Made from a parsed request's fields when first asked for: most handlers read none.
    #headersOf() {
      if (this.#fields !== null) {
        this.#headers = makeHeaders(this.#fields, 'request');
        this.#fields = null;
      }
      return this.#headers;
    }
    get destination() { return ''; }
    get referrer() {
      const referrer = this.#options.referrer;
      return referrer === 'no-referrer' ? '' : referrer;
    }
    get referrerPolicy() { return this.#options.referrerPolicy; }
    get mode() { return this.#options.mode; }
    get credentials() { return this.#options.credentials; }
    get cache() { return this.#options.cache; }
    get redirect() { return this.#options.redirect; }
    get integrity() { return this.#options.integrity; }
    get keepalive() { return this.#options.keepalive; }
    get isReloadNavigation() { return false; }
    get isHistoryNavigation() { return false; }
    get duplex() { return 'half'; }
    get signal() {
      if (this.#signal === null) this.#signal = new AbortController().signal;
      return this.#signal;
    }

    clone() {
      if (unusable(this.#body)) throw new TypeError('Request.clone: the body has already been read');
      const copy = build(this.#url, this.#method, headersFrom(this.#headersOf(), 'request'), clone(this.#body), this.#signal === null ? null : follow(this.#signal), null);
      copy.#options = this.#options;
      return copy;
    }

    get [SymbolToStringTag]() { return 'Request'; }
    [customInspect](depth, options, inspect) {
      const shown = { method: this.#method, url: this.#url, headers: this.#headersOf(), bodyUsed: this.bodyUsed };
      return `Request ${inspect(shown, options)}`;
    }

    static {
      build = (url, method, headers, body, signal, fields) => {
        trusted = true;
        const request = new Request();
        request.#url = url;
        request.#method = method;
        request.#headers = headers;
        request.#fields = fields;
        request.#body = body;
        request.#signal = signal;
        return request;
      };
      install(Request.prototype, (value) => #body in value, (self) => self.#body, (self) => self.#headersOf().get('content-type'));
    }
  }

  // 'client', 'no-referrer' or a URL: what an init's referrer says.
  function referrerOf(value) {
    const text = `${value}`;
    if (text === '') return 'no-referrer';
    const url = parseURL(text, 'Request: referrer');
    return url.href === 'about:client' ? 'about:client' : url.href;
  }

  // For the native server: a request as parsed, trusted (no validation), its headers immutable
  // to no one (a handler may change them, as a constructed Request's) and made when first read.
  dispatch.makeRequest = (url, method, flatHeaders, body, signal) => build(`${url}`, method, null, fromNative(body), signal === undefined ? null : signal, flatHeaders);
  dispatch.defineGlobals({ Request });
});
