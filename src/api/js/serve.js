// Nexus.Net.HTTP.serve: the fetch-style server. A handler takes a `Request` and returns a
// `Response` (or a Promise of one), on the native server under Nexus.Net.HTTP.Server (js/http.js
// gives each request to its server's [onHTTPRequest]): the same limits, keep-alive, bad-input
// answers (sent natively before JS hears of the request), --realms socket sharing and close.
//
// Invariants: an exchange ends exactly once; a body known in full goes out with its head in one
// native call (Content-Length); a streamed body goes out chunked, a chunk at a time under the
// connection's high-water mark; a handler failure answers 500 only if no byte went out, and
// otherwise cuts the connection; a request body stream exists only for a request that has a
// body, and reads nothing until it is read; a handler failing with its request body's own
// failure (the client's malformed or cut-short body, answered 400 natively or gone) is no
// failure of the program's: it reaches onError if there is one, and is otherwise dropped.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayBufferIsView, Error, Number, ObjectDefineProperty, Promise, PromisePrototypeThen, PromiseResolve, ReflectApply, String,
    StringPrototypeCharCodeAt, StringPrototypeIncludes, StringPrototypeToLowerCase, TypeError, Uint8Array,
  } = primordials;

  dispatch.load('nexus:http');
  dispatch.load('nexus:request');
  dispatch.load('nexus:response');
  const native = dispatch.native;
  const { recycle } = dispatch.blob;
  const { byClient, rethrowClientFault } = dispatch;
  const bindListener = dispatch.Listener.prototype.bind;
  const CHUNK = 64 * 1024;
  const SLASH = 47;

  // A whole response. It throws only once the client is gone (or the exchange ended with a bad
  // request body's 400), which nobody needs to hear of.
  const respond = (handle, status, head, body) => {
    try {
      ops.httpRespond(handle, status, head, body, true);
    } catch {}
  };

  const failed = (handle) => respond(handle, 500, 'Content-Type:text/plain\nConnection:close', 'Internal Server Error\n');

  // Sends a streamed body; settles once the response has ended. A failed read is the handler's
  // failure (rethrown); a failed write means the client is gone, and only cancels the stream.
  async function pipe(handle, status, head, stream) {
    const reader = stream.getReader();
    let sent = false;
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
        if (chunk.done) break;
        if (!ArrayBufferIsView(chunk.value)) throw new TypeError('serve: a response body stream must yield Uint8Arrays');
      } catch (error) {
        PromisePrototypeThen(reader.cancel(error), undefined, () => {});
        if (sent) ops.httpAbort(handle);
        else failed(handle);
        throw error;
      }
      if (chunk.value.byteLength === 0) continue;
      try {
        sent = true;
        // The head's fields are read only with the first piece.
        const under = ops.httpRespond(handle, status, head, chunk.value, false);
        head = '';
        if (!under) await native('httpDrain', handle);
      } catch (error) {
        PromisePrototypeThen(reader.cancel(error), undefined, () => {});
        return;
      }
    }
    ops.httpEnd(handle, status, head);
  }

  // Sends what a handler returned; a stream settles later (a Promise), anything else now.
  function send(handle, method, response) {
    const body = dispatch.bodyOf(response, false); // throws for anything but a Response
    const status = response.status;
    if (status === 0) throw new TypeError('serve: the handler returned Response.error()');
    const head = dispatch.headerText(response.headers);
    if (body.stream !== null && method !== 'HEAD') return pipe(handle, status, head, body.stream);
    if (body.stream !== null) PromisePrototypeThen(body.stream.cancel(), undefined, () => {});
    if (body.bytes === null) ops.httpEnd(handle, status, head);
    else {
      respond(handle, status, head, body.bytes);
      if (body.owned) recycle(body.bytes);
    }
    return undefined;
  }

  // Whether field `name` is `lower` (spelled `usual` by most clients), in any case.
  const named = (name, usual, lower) => name === usual || name === lower || StringPrototypeToLowerCase(name) === lower;

  // A request body's failures are the client's doing, never the program's (see the invariants).
  const bodyReader = (handle) => () => PromisePrototypeThen(native('httpRead', handle, CHUNK), (buffer) => (buffer.byteLength === 0 ? null : new Uint8Array(buffer)), rethrowClientFault);
  // What is left unread is the native exchange's to skip or close on.
  const ignore = () => {};

  class Exchanges extends dispatch.HTTPServer {
    #fetch;
    #onError;
    #scheme;
    #origin = null; // 'http://address:port', for requests without a Host field

    constructor(fetch, onError, tls) {
      super({ tls });
      this.#fetch = fetch;
      this.#onError = onError;
      this.#scheme = tls === undefined || tls === null ? 'http' : 'https';
    }

    get #base() {
      if (this.#origin === null) {
        const { address, port } = this.address;
        this.#origin = `${this.#scheme}://${StringPrototypeIncludes(address, ':') ? `[${address}]` : address}:${port}`;
      }
      return this.#origin;
    }

    [dispatch.onHTTPRequest](handle, method, target, minor, raw, address, port) {
      let host = null;
      let body = false;
      // Names compared by length first (most requests carry a few short fields), then as
      // clients spell them, before a lowercase copy.
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i];
        if (name.length === 4 && host === null && named(name, 'Host', 'host')) host = raw[i + 1];
        else if (name.length === 14 && named(name, 'Content-Length', 'content-length')) body = raw[i + 1] !== '0';
        else if (name.length === 17 && named(name, 'Transfer-Encoding', 'transfer-encoding')) body = true;
      }
      // An absolute-form target (a proxy's request) is the URL already.
      const url = StringPrototypeCharCodeAt(target, 0) !== SLASH && target !== '*' ? target : host === null || host === '' ? `${this.#base}${target}` : `${this.#scheme}://${host}${target}`;
      const stream = body ? dispatch.webStreamFromRead(bodyReader(handle), ignore, 0) : null;
      const request = dispatch.makeRequest(url, method, raw, stream, null);
      const remoteAddress = { address, port };
      // After an upgrade the handler's return value is ignored, as in Bun and Deno.
      let upgraded = false;
      const info = {
        remoteAddress,
        upgrade: (req, options) => {
          if (req !== request) throw new TypeError('serve: info.upgrade(request) takes the request being handled');
          const socket = dispatch.upgrader(handle, method, minor, raw, remoteAddress)(options);
          upgraded = true;
          return socket;
        },
      };
      let result;
      try {
        result = this.#fetch(request, info);
        if (upgraded) return;
        if (!(result instanceof Promise)) {
          const streamed = send(handle, method, result);
          if (streamed !== undefined) PromisePrototypeThen(streamed, undefined, (error) => this.#report(error, info));
          return;
        }
      } catch (error) {
        return upgraded ? this.#report(error, info) : this.#failed(handle, method, error, info);
      }
      PromisePrototypeThen(result, (response) => {
        if (upgraded) return;
        try {
          const streamed = send(handle, method, response);
          if (streamed !== undefined) PromisePrototypeThen(streamed, undefined, (error) => this.#report(error, info));
        } catch (error) {
          this.#failed(handle, method, error, info);
        }
      }, (error) => {
        if (!upgraded) this.#failed(handle, method, error, info);
        else this.#report(error, info);
      });
    }

    // The handler threw, rejected or returned no Response; nothing of the response went out.
    // onError's Response answers instead of the 500, if it gives one.
    #failed(handle, method, error, info) {
      const onError = this.#onError;
      if (onError === undefined) {
        failed(handle);
        return byClient(error) ? undefined : dispatch.emitFailure(this, error, info.remoteAddress);
      }
      const answer = (response) => {
        try {
          const streamed = send(handle, method, response);
          if (streamed !== undefined) PromisePrototypeThen(streamed, undefined, ops.reportUncaught);
        } catch (reason) {
          failed(handle);
          ops.reportUncaught(reason);
        }
      };
      let result;
      try {
        result = onError(error);
      } catch (reason) {
        failed(handle);
        return ops.reportUncaught(reason);
      }
      if (result === undefined) return failed(handle);
      PromisePrototypeThen(PromiseResolve(result), answer, (reason) => {
        failed(handle);
        ops.reportUncaught(reason);
      });
    }

    #report(error, info) {
      const onError = this.#onError;
      if (onError === undefined) return byClient(error) ? undefined : dispatch.emitFailure(this, error, info.remoteAddress);
      try {
        onError(error);
      } catch (reason) {
        ops.reportUncaught(reason);
      }
    }
  }

  // What serve() returns: the address it listens on and its close().
  class FetchServer {
    #exchanges;

    constructor(exchanges, hostname) {
      this.#exchanges = exchanges;
      this.hostname = hostname;
      this.port = exchanges.address.port;
    }

    get address() { return this.#exchanges.address; }

    // New connections get these certificates (as Nexus.Net.HTTP.Server's).
    setCertificates(tls) {
      this.#exchanges.setCertificates(tls);
      return this;
    }

    // As Nexus.Net.HTTP.Server's close(): stops accepting, lets exchanges in progress finish,
    // resolves when the last connection has closed; `timeout` (ms) cuts what is open then.
    close(options) { return this.#exchanges.close(options); }
  }

  function serve(options) {
    if (options === null || typeof options !== 'object') throw new TypeError('serve: expected an options object with a fetch(request, info) handler');
    const { fetch, onError, signal, tls } = options;
    if (typeof fetch !== 'function') throw new TypeError('serve: options.fetch must be a function (request, info) => Response');
    if (onError !== undefined && typeof onError !== 'function') throw new TypeError('serve: options.onError must be a function');
    const hostname = options.hostname === undefined ? '0.0.0.0' : String(options.hostname);
    const port = options.port === undefined ? 3000 : Number(options.port);
    const exchanges = new Exchanges(fetch, onError, tls);
    // Shared with the other realms that serve on this address (--realms). Listener's bind(),
    // called through ReflectApply only because `.bind(` reads as Function's to the primordials
    // check.
    ReflectApply(bindListener, exchanges, [hostname, port, true]);
    exchanges.listen();
    const server = new FetchServer(exchanges, hostname);
    if (signal !== undefined && signal !== null) {
      if (signal.aborted) server.close();
      else signal.addEventListener('abort', () => server.close(), { once: true });
    }
    return server;
  }

  ObjectDefineProperty(dispatch.Net.HTTP, 'serve', { __proto__: null, value: serve, enumerable: true });
});
