// Response (Fetch Standard): a status, headers, a body (see body.js) and what the client tells
// of it (type, url, redirected); Response.json, Response.redirect and Response.error.
//
// Invariants: a constructed status is in 200-599 and a statusText is a reason phrase; a
// null-body status (101, 103, 204, 205, 304) has no body; the headers of Response.error() and
// Response.redirect() are immutable.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    JSONStringify, MathFloor, Number, NumberIsFinite, RangeError, RegExpPrototypeExec, SymbolFor, SymbolToStringTag, TypeError,
  } = primordials;

  dispatch.load('nexus:headers');
  dispatch.load('nexus:body');
  const { make: makeHeaders, from: headersFrom, defaultType } = dispatch.headers;
  const { extract, fromNative, install, clone, unusable, resolve, noInit } = dispatch.body;

  const customInspect = SymbolFor('nodejs.util.inspect.custom');
  // HTAB, SP, VCHAR and obs-text: what a reason phrase may hold.
  const reasonPhrase = /^[\t\x20-\x7e\x80-\xff]*$/;
  const nullBody = { __proto__: null, 101: true, 103: true, 204: true, 205: true, 304: true };
  const redirects = { __proto__: null, 301: true, 302: true, 303: true, 307: true, 308: true };

  // Set by Response's static block: the statics' and makeResponse's way in, which skips the
  // constructor's steps (`trusted` tells the constructor so).
  let build;
  let trusted = false;

  class Response {
    #status = 200;
    #statusText = '';
    #headers;
    #body = null;
    #type = 'default';
    #url = '';
    #redirected = false;

    constructor(body = null, init = undefined) {
      if (trusted) {
        trusted = false;
        return;
      }
      if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') {
        throw new TypeError('Response: the init must be an object');
      }
      const extracted = body === null ? null : extract(body);
      this.#initialize(init, extracted, 'Response');
    }

    // The standard's "initialize a response": the init's members, then the body.
    #initialize(init, extracted, what) {
      const given = init === undefined || init === null ? noInit : init;
      const headers = given.headers;
      const status = given.status === undefined ? 200 : statusOf(given.status);
      const statusText = given.statusText === undefined ? '' : `${given.statusText}`;
      if (status < 200 || status > 599) throw new RangeError(`${what}: the status ${status} is not in the range 200 to 599`);
      if (statusText !== '' && RegExpPrototypeExec(reasonPhrase, statusText) === null) throw new TypeError(`${what}: '${statusText}' is not a valid status text`);
      this.#status = status;
      this.#statusText = statusText;
      this.#headers = headersFrom(headers, 'response');
      if (extracted !== null) {
        if (nullBody[status] === true) throw new TypeError(`${what}: a response with the status ${status} cannot have a body`);
        this.#body = extracted.body;
        if (extracted.type !== null) defaultType(this.#headers, extracted.type);
      }
    }

    get type() { return this.#type; }
    get url() { return this.#url; }
    get redirected() { return this.#redirected; }
    get status() { return this.#status; }
    get ok() { return this.#status >= 200 && this.#status <= 299; }
    get statusText() { return this.#statusText; }
    get headers() { return this.#headers; }

    clone() {
      if (unusable(this.#body)) throw new TypeError('Response.clone: the body has already been read');
      const headers = headersFrom(this.#headers, 'response');
      return build(this.#status, this.#statusText, headers, clone(this.#body), this.#type, this.#url, this.#redirected);
    }

    static error() {
      return build(0, '', makeHeaders([], 'immutable'), null, 'error', '', false);
    }

    static redirect(url, status = 302) {
      const parsed = resolve(url, 'Response.redirect');
      const code = statusOf(status);
      if (redirects[code] !== true) throw new RangeError(`Response.redirect: ${code} is not a redirect status`);
      return build(code, '', makeHeaders(['location', parsed.href], 'immutable'), null, 'default', '', false);
    }

    static json(data, init = undefined) {
      const text = JSONStringify(data);
      if (text === undefined) throw new TypeError('Response.json: the data cannot be serialized as JSON');
      const extracted = extract(text);
      extracted.type = 'application/json';
      trusted = true;
      const response = new Response();
      response.#initialize(init, extracted, 'Response.json');
      return response;
    }

    get [SymbolToStringTag]() { return 'Response'; }
    [customInspect](depth, options, inspect) {
      const shown = {
        status: this.#status, statusText: this.#statusText, headers: this.#headers, body: this.#body === null ? null : 'ReadableStream',
        bodyUsed: this.bodyUsed, ok: this.ok, redirected: this.#redirected, type: this.#type, url: this.#url,
      };
      return `Response ${inspect(shown, options)}`;
    }

    static {
      build = (status, statusText, headers, body, type, url, redirected) => {
        trusted = true;
        const response = new Response();
        response.#status = status;
        response.#statusText = statusText;
        response.#headers = headers;
        response.#body = body;
        response.#type = type;
        response.#url = url;
        response.#redirected = redirected;
        return response;
      };
      install(Response.prototype, (value) => #body in value, (self) => self.#body, (self) => self.#headers.get('content-type'));
    }
  }

  // WebIDL's `unsigned short`: a number, truncated, wrapped into 0-65535.
  function statusOf(value) {
    const n = Number(value);
    if (!NumberIsFinite(n)) return 0;
    const truncated = n < 0 ? -MathFloor(-n) : MathFloor(n);
    const wrapped = truncated % 65536;
    return wrapped < 0 ? wrapped + 65536 : wrapped;
  }

  // For the native client: a response as received, trusted (no validation).
  dispatch.makeResponse = (status, statusText, flatHeaders, body, url, redirected) => {
    const headers = makeHeaders(flatHeaders, 'response');
    return build(status, `${statusText}`, headers, fromNative(body), 'basic', `${url}`, !!redirected);
  };
  dispatch.defineGlobals({ Response });
});
