// Nexus.Net.HTTP: the server. Connections parse, frame, limit and time out natively; this side
// turns each request into a 'connection' event with a request (a source device for the body)
// and a response (a sink device: piping into it streams a chunked body).
//
// Invariants: an exchange ends exactly once (send, the response's close, connection.close, or
// the handlers settling, whichever comes first); a handler failure answers 500 only if no byte
// of the response went out, and otherwise cuts the connection, so a client never takes a
// half-written body for a whole one; a handler failing with a failure its client caused (gone,
// or a malformed body: see clientFault) is no failure of the program's, reported only to an
// 'error' listener.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayBuffer, ArrayBufferIsView, ArrayPrototypePush, ArrayPrototypeSplice, Error, Number, NumberIsInteger,
    ObjectDefineProperty, PromisePrototypeThen, PromiseReject, PromiseResolve, RangeError, RegExpPrototypeExec,
    SafeMap, String, StringPrototypeToLowerCase, Symbol, TypeError, WeakSet, WeakSetPrototypeAdd, WeakSetPrototypeHas,
  } = primordials;

  dispatch.load('nexus:net');
  dispatch.load('nexus:io');
  const native = dispatch.native;
  const nativeCatch = dispatch.nativeCatch;
  const pipeFile = dispatch.pipeFile;
  const CHUNK = 64 * 1024;
  // A character a field name (NOT_TOKEN) or value (LINE_BREAK) may not hold. Not global (exec()
  // leaves their lastIndex alone), and matching what is wrong: a valid field makes no match array.
  const NOT_TOKEN = /[^!#$%&'*+.^_`|~0-9A-Za-z-]/;
  const LINE_BREAK = /[\r\n\0]/;

  const isBytes = (v) => v instanceof ArrayBuffer || ArrayBufferIsView(v);

  // Failures the client caused: it left, or its request body is malformed (answered 400
  // natively). Marked where they arise, so the error stays the plain Error the program saw.
  const clientFaults = new WeakSet();
  const clientFault = (error) => {
    if (error !== null && typeof error === 'object') WeakSetPrototypeAdd(clientFaults, error);
    return error;
  };
  const byClient = (error) => error !== null && typeof error === 'object' && WeakSetPrototypeHas(clientFaults, error);
  const rethrowClientFault = (error) => { throw clientFault(error); };
  dispatch.byClient = byClient;
  dispatch.rethrowClientFault = rethrowClientFault;

  class Request extends dispatch.EventEmitter {
    #handle;
    #raw; // [name, value, name, value, ...] as received
    #headers = null;

    constructor(handle, method, url, minor, raw) {
      super();
      this.#handle = handle;
      this.#raw = raw;
      this.method = method;
      this.url = url;
      this.version = minor === 0 ? '1.0' : '1.1';
      this.chunkSize = CHUNK;
    }

    get headers() {
      if (this.#headers === null) {
        this.#headers = [];
        for (let i = 0; i < this.#raw.length; i += 2) ArrayPrototypePush(this.#headers, { name: this.#raw[i], value: this.#raw[i + 1] });
      }
      return this.#headers;
    }

    // Repeated fields are joined with ', ' (RFC 9110 section 5.3).
    header(name) {
      const wanted = StringPrototypeToLowerCase(String(name));
      let found;
      for (let i = 0; i < this.#raw.length; i += 2) {
        if (StringPrototypeToLowerCase(this.#raw[i]) === wanted) found = found === undefined ? this.#raw[i + 1] : `${found}, ${this.#raw[i + 1]}`;
      }
      return found;
    }

    read(n = CHUNK) { return PromisePrototypeThen(native('httpRead', this.#handle, n), undefined, rethrowClientFault); }
    close() { return PromiseResolve(); }
  }

  class Response extends dispatch.EventEmitter {
    #handle;
    #status = 200;
    #headers = [];
    #text = null;
    #state = 'idle'; // 'idle' -> 'streaming' -> 'ended'

    constructor(handle) {
      super();
      this.#handle = handle;
    }

    status(code) {
      if (code === undefined) return this.#status;
      const status = Number(code);
      if (!NumberIsInteger(status) || status < 100 || status > 999) throw new RangeError(`response.status: ${code} is not an HTTP status code`);
      if (this.#state !== 'idle') throw new Error('response.status: the head was already sent');
      this.#status = status;
      return this;
    }

    // Replaces any field of the same name (case-insensitive).
    set(name, value) { return this.#field('set', name, value); }
    // Adds a field and keeps those of the same name: a response may carry one more than once
    // (two Set-Cookie).
    append(name, value) { return this.#field('append', name, value); }

    #field(method, name, value) {
      name = String(name);
      value = String(value);
      if (name === '' || RegExpPrototypeExec(NOT_TOKEN, name) !== null) throw new TypeError(`response.${method}: '${name}' is not a valid header name`);
      if (RegExpPrototypeExec(LINE_BREAK, value) !== null) throw new TypeError(`response.${method}: the value of '${name}' contains a line break or NUL`);
      if (this.#state !== 'idle') throw new Error(`response.${method}('${name}'): the head was already sent`);
      const headers = this.#headers;
      if (method === 'set') {
        const lower = StringPrototypeToLowerCase(name);
        for (let i = headers.length - 1; i >= 0; i--) if (StringPrototypeToLowerCase(headers[i][0]) === lower) ArrayPrototypeSplice(headers, i, 1);
      }
      headers[headers.length] = [name, value];
      this.#text = null;
      return this;
    }

    get(name) {
      const lower = StringPrototypeToLowerCase(String(name));
      const headers = this.#headers;
      for (let i = 0; i < headers.length; i++) if (StringPrototypeToLowerCase(headers[i][0]) === lower) return headers[i][1];
      return undefined;
    }

    get sent() { return this.#state !== 'idle'; }
    get ended() { return this.#state === 'ended'; }

    // The head's fields for the native side, which reads them only before the head is sent.
    #headText() {
      if (this.#state !== 'idle') return '';
      if (this.#text === null) {
        const headers = this.#headers;
        let text = '';
        for (let i = 0; i < headers.length; i++) text += `${i === 0 ? '' : '\n'}${headers[i][0]}:${headers[i][1]}`;
        this.#text = text;
      }
      return this.#text;
    }

    #respond(data, last) {
      if (this.#state === 'ended') return PromiseReject(new Error('the response has already ended'));
      if (!isBytes(data) && typeof data !== 'string') return PromiseReject(new TypeError('response: the body must be a string, an ArrayBuffer or a typed array'));
      const head = this.#headText();
      this.#state = last ? 'ended' : 'streaming';
      try {
        if (ops.httpRespond(this.#handle, this.#status, head, data, last)) return PromiseResolve();
        return native('httpDrain', this.#handle);
      } catch (error) {
        // The connection is gone (the checks above caught the program's mistakes): a streamed
        // body's writer must stop, but a whole answer has nothing left to do, so send()
        // resolves, as Node's res.end() does; 'error' tells a program that listens.
        this.#state = 'ended';
        this.emit('error', clientFault(error));
        return last ? PromiseResolve() : PromiseReject(error);
      }
    }

    // A file device's next piece, read and written natively (see io.js): as write() would
    // send it, with the same failure (which also ends the response). The head is fixed as the
    // piece starts, not once its bytes are read.
    [pipeFile](file, n) {
      if (this.#state === 'ended') return null;
      const head = this.#headText();
      this.#state = 'streaming';
      return nativeCatch('httpPipeFile', (error) => {
        this.#state = 'ended';
        this.emit('error', error);
        throw error;
      }, this.#handle, this.#status, head, file, n);
    }

    // The whole body, sent with Content-Length; ends the response.
    send(body = '') { return this.#respond(body, true); }
    // A piece of a streamed body (chunked on HTTP/1.1); resolves when the server can take more.
    write(data) { return this.#respond(data, false); }

    // Ends the body (the last chunk; an empty body if nothing was written). It throws only once
    // the client is gone, which leaves nothing to end and nobody to tell.
    close() {
      if (this.#state !== 'ended') {
        const head = this.#headText();
        this.#state = 'ended';
        try {
          ops.httpEnd(this.#handle, this.#status, head);
        } catch {}
      }
      return PromiseResolve();
    }

    abort() {
      this.#state = 'ended';
      ops.httpAbort(this.#handle);
    }
  }

  class Connection {
    #upgrade;
    constructor(request, response, upgrade) {
      this.request = request;
      this.response = response;
      this.#upgrade = upgrade;
    }
    close() { return this.response.close(); }
    // Answers 101 and gives the WebSocket (js/websocket.js); a request that is no valid upgrade
    // is answered 400 (426 for another version) and throws.
    upgrade(options) { return this.#upgrade(options); }
  }

  // What upgrades the request being handled on connection `handle` to a WebSocket.
  dispatch.upgrader = (handle, method, minor, raw, peer) => (options) => {
    dispatch.load('nexus:websocket');
    return dispatch.upgradeWebSocket(handle, method, minor, raw, peer, options);
  };

  const servers = new SafeMap(); // acceptor handle -> Server
  // A server's method that takes each request (js/serve.js gives its servers another).
  const onRequest = Symbol('onRequest');

  class Server extends dispatch.Listener {
    #server = null;
    headersTimeout = 10000;
    keepAliveTimeout = 5000;

    constructor(options) { super(options); } // not the default one (see Listener)

    listen(limit = 511) {
      this.#server = ops.httpListen(this.handle, Number(limit), Number(this.headersTimeout), Number(this.keepAliveTimeout), this[dispatch.certificates]);
      servers.set(this.handle, this);
      return this;
    }

    // Stops accepting at once (with --realms, the shared socket closes with the last realm's
    // server); exchanges in progress finish, answered with `Connection: close`, idle
    // connections close; resolves when the last connection has closed. `timeout` (ms) cuts what
    // is still open then. Requests on those connections still reach this server's handlers.
    close(options) {
      const server = this.#server;
      if (server === null) return super.close();
      let timeout;
      try {
        timeout = dispatch.closeTimeout(options);
      } catch (error) {
        return PromiseReject(error);
      }
      this.#server = null;
      const acceptor = this.handle;
      super.close();
      return PromisePrototypeThen(native('httpClose', server, timeout), () => {
        servers.delete(acceptor);
        ops.release(server);
      });
    }

    [onRequest](handle, method, url, minor, raw, address, port) {
      const response = new Response(handle);
      const peer = { address, port };
      const connection = new Connection(new Request(handle, method, url, minor, raw), response, dispatch.upgrader(handle, method, minor, raw, peer));
      // The reactions return nothing: a promise returned would cost the then() two more jobs.
      PromisePrototypeThen(
        this.emit('connection', connection, peer),
        () => { response.close(); },
        (error) => {
          if (response.sent) response.abort();
          else response.status(500).set('Content-Type', 'text/plain').set('Connection', 'close').send('500 Internal Server Error\n');
          if (!byClient(error) || this.listenerCount('error') > 0) dispatch.emitFailure(this, error, peer);
        },
      );
    }
  }

  dispatch.request = (acceptor, handle, method, url, minor, raw, address, port) => {
    const server = servers.get(acceptor);
    if (server === undefined) return new Response(handle).status(503).send('');
    server[onRequest](handle, method, url, minor, raw, address, port);
  };

  dispatch.clientError = (acceptor, status, reason, address, port) => {
    const server = servers.get(acceptor);
    // Status 0: no HTTP answer was possible (TLS failed).
    const error = new Error(status === 0 ? `TLS with ${address}:${port}: ${reason}` : `HTTP ${status} to ${address}:${port}: ${reason}`);
    error.status = status;
    if (server !== undefined && server.listenerCount('clientError') > 0) server.emit('clientError', error, { address, port });
    else ops.write(2, `nexus: ${error.message}\n`);
  };

  dispatch.HTTPServer = Server;
  dispatch.onHTTPRequest = onRequest;
  // Not frozen: `serve` (js/serve.js) loads on its first read, and then replaces its lazy slot.
  const HTTP = {};
  ObjectDefineProperty(HTTP, 'Server', { __proto__: null, value: Server, enumerable: true });
  ops.defineLazyMembers(HTTP, 'nexus:serve');
  ObjectDefineProperty(dispatch.Net, 'HTTP', { __proto__: null, value: HTTP, enumerable: true });
});
