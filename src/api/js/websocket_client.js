// The WHATWG WebSocket client (as in browsers, Node 22, Bun and Deno), with MessageEvent and
// CloseEvent. The connection is the fetch client's (dial, proxies, rustls for wss:), driven
// natively by net/websocket/client.rs; this side hears of the open through the wsConnect promise
// and of messages and the close through `dispatch.websocketClient`.
//
// Invariants: events fire in order: open, then messages, then at most one error and exactly one
// close; readyState moves only forwards; a socket keeps the program running while it is open.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayBuffer, ArrayBufferIsView, ArrayBufferPrototypeGetByteLength, ArrayIsArray, ArrayPrototypeIncludes,
    ArrayPrototypeJoin, ArrayPrototypePush, DataView, DataViewPrototypeGetByteLength, Number, NumberIsInteger,
    ObjectDefineProperty, PromisePrototypeThen, RegExpPrototypeExec, SafeMap, String, StringPrototypeCharCodeAt,
    StringPrototypeSlice, TypeError, TypedArrayPrototypeGetByteLength, Uint8Array,
  } = primordials;

  dispatch.load('nexus:pending');
  dispatch.load('nexus:domexception');
  dispatch.load('nexus:url');
  dispatch.load('nexus:blob');
  const { DOMException, Event, EventTarget } = dispatch.dom;
  const { URL } = dispatch.url;
  const { Blob, bytesOf, make } = dispatch.blob;
  const native = dispatch.native;
  const MAX_MESSAGE = 16 * 1024 * 1024;
  // A subprotocol is an HTTP token.
  const NOT_TOKEN = /[^!#$%&'*+.^_`|~0-9A-Za-z-]/;

  class MessageEvent extends Event {
    #data;
    #origin;
    constructor(type, init = {}) {
      super(type, init);
      this.#data = init.data === undefined ? null : init.data;
      this.#origin = init.origin === undefined ? '' : String(init.origin);
    }
    get data() { return this.#data; }
    get origin() { return this.#origin; }
    get lastEventId() { return ''; }
    get source() { return null; }
    get ports() { return []; }
  }

  class CloseEvent extends Event {
    #wasClean;
    #code;
    #reason;
    constructor(type, init = {}) {
      super(type, init);
      this.#wasClean = !!init.wasClean;
      this.#code = init.code === undefined ? 0 : Number(init.code);
      this.#reason = init.reason === undefined ? '' : String(init.reason);
    }
    get wasClean() { return this.#wasClean; }
    get code() { return this.#code; }
    get reason() { return this.#reason; }
  }

  const CONNECTING = 0;
  const OPEN = 1;
  const CLOSING = 2;
  const CLOSED = 3;

  const sockets = new SafeMap(); // handle -> WebSocket

  const syntaxError = (message) => new DOMException(`WebSocket: ${message}`, 'SyntaxError');

  // The URL as the spec's constructor parses it: http(s) becomes ws(s), a fragment is an error.
  function parseURL(url) {
    let parsed;
    try {
      parsed = new URL(String(url));
    } catch {
      throw syntaxError(`'${url}' is not a valid URL`);
    }
    if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
    else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw syntaxError(`the URL's scheme must be ws: or wss:, not ${parsed.protocol}`);
    if (parsed.hash !== '' || StringPrototypeSlice(parsed.href, -1) === '#') throw syntaxError('the URL must not have a fragment');
    return parsed.href;
  }

  function parseProtocols(protocols) {
    const list = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : ArrayIsArray(protocols) ? protocols : [String(protocols)];
    const seen = [];
    for (let i = 0; i < list.length; i++) {
      const protocol = String(list[i]);
      if (protocol === '' || RegExpPrototypeExec(NOT_TOKEN, protocol) !== null) throw syntaxError(`'${protocol}' is not a valid subprotocol`);
      if (ArrayPrototypeIncludes(seen, protocol)) throw syntaxError(`the subprotocol '${protocol}' is given twice`);
      ArrayPrototypePush(seen, protocol);
    }
    return seen;
  }

  const byteLength = (bytes) => (bytes instanceof ArrayBuffer ? ArrayBufferPrototypeGetByteLength(bytes)
    : bytes instanceof DataView ? DataViewPrototypeGetByteLength(bytes) : TypedArrayPrototypeGetByteLength(bytes));

  // The UTF-8 length of a string, as bufferedAmount counts it.
  function utf8Length(text) {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = StringPrototypeCharCodeAt(text, i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.length) { n += 4; i++; } else n += 3;
    }
    return n;
  }

  class WebSocket extends EventTarget {
    #url;
    #origin;
    #handle = null;
    #state = CONNECTING;
    #protocol = '';
    #extensions = '';
    #binaryType = 'blob';
    // Sent before the open, or while the socket closes: counted as the spec counts them.
    #pending = 0;
    // Closed while connecting: its close is reported as a failed connection.
    #failed = false;

    constructor(url, protocols = undefined) {
      if (arguments.length === 0) throw new TypeError('WebSocket: the url argument is required');
      super();
      this.#url = parseURL(url);
      this.#origin = new URL(this.#url).origin;
      const offered = parseProtocols(protocols);
      this.onopen = null;
      this.onmessage = null;
      this.onerror = null;
      this.onclose = null;
      PromisePrototypeThen(native('wsConnect', this.#url, ArrayPrototypeJoin(offered, '\n'), MAX_MESSAGE), (opened) => {
        const handle = opened[0];
        this.#handle = handle;
        sockets.set(handle, this);
        this.#protocol = opened[1];
        this.#extensions = opened[2];
        if (this.#state === CLOSING) {
          // close() was called while connecting: the spec fails the connection (1006).
          this.#failed = true;
          ops.wsClientClose(handle, 1000, '');
          return;
        }
        this.#state = OPEN;
        this.dispatchEvent(new Event('open'));
      }, (error) => this.#fail(error));
    }

    get url() { return this.#url; }
    get readyState() { return this.#state; }
    get protocol() { return this.#protocol; }
    get extensions() { return this.#extensions; }
    get bufferedAmount() { return this.#pending + (this.#handle === null ? 0 : ops.wsClientBuffered(this.#handle)); }
    get binaryType() { return this.#binaryType; }
    set binaryType(type) {
      if (type === 'blob' || type === 'arraybuffer') this.#binaryType = type;
    }

    send(data) {
      if (this.#state === CONNECTING) throw new DOMException('WebSocket.send: the socket is still connecting', 'InvalidStateError');
      let bytes;
      const text = typeof data === 'string';
      if (text) bytes = data;
      else if (data instanceof ArrayBuffer || ArrayBufferIsView(data)) bytes = data;
      else if (data instanceof Blob) bytes = bytesOf(data);
      else bytes = data = String(data);
      const isText = typeof bytes === 'string';
      if (this.#state !== OPEN || !ops.wsClientSend(this.#handle, bytes, isText)) {
        // After the close began the data is dropped but counted (the spec's bufferedAmount).
        this.#pending += isText ? utf8Length(bytes) : byteLength(bytes);
      }
    }

    close(code = undefined, reason = undefined) {
      if (code !== undefined) {
        code = Number(code);
        if (!NumberIsInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) throw new DOMException(`WebSocket.close: the code must be 1000 or from 3000 to 4999, got ${code}`, 'InvalidAccessError');
      }
      reason = reason === undefined ? '' : String(reason);
      if (utf8Length(reason) > 123) throw syntaxError('the close reason is longer than 123 bytes');
      if (this.#state === CLOSING || this.#state === CLOSED) return;
      const connecting = this.#state === CONNECTING;
      this.#state = CLOSING;
      if (!connecting) ops.wsClientClose(this.#handle, code === undefined ? 1005 : code, reason);
    }

    // The connection could not be made: the error event says why, as undici's does.
    #fail(error) {
      this.#state = CLOSED;
      const event = new Event('error');
      event.error = error;
      event.message = error.message;
      this.dispatchEvent(event);
      this.dispatchEvent(new CloseEvent('close', { wasClean: false, code: 1006, reason: '' }));
    }

    static deliver(socket, batch) {
      for (let i = 0; i < batch.length; i += 3) {
        const kind = batch[i];
        const value = batch[i + 1];
        if (kind < 2) {
          if (socket.#state !== OPEN) continue;
          const data = kind === 0 ? value : socket.#binaryType === 'arraybuffer' ? value : make(new Uint8Array(value), '');
          socket.dispatchEvent(new MessageEvent('message', { data, origin: socket.#origin }));
          continue;
        }
        sockets.delete(socket.#handle);
        ops.release(socket.#handle);
        socket.#state = CLOSED;
        const clean = kind === 2 && !socket.#failed;
        if (!clean) socket.dispatchEvent(new Event('error'));
        socket.dispatchEvent(new CloseEvent('close', clean ? { wasClean: true, code: value, reason: batch[i + 2] } : { wasClean: false, code: socket.#failed ? 1006 : value, reason: '' }));
      }
    }
  }

  const constant = (name, value) => {
    ObjectDefineProperty(WebSocket, name, { __proto__: null, value, enumerable: true });
    ObjectDefineProperty(WebSocket.prototype, name, { __proto__: null, value, enumerable: true });
  };
  constant('CONNECTING', CONNECTING);
  constant('OPEN', OPEN);
  constant('CLOSING', CLOSING);
  constant('CLOSED', CLOSED);

  dispatch.websocketClient = (handle, batch) => {
    const socket = sockets.get(handle);
    if (socket !== undefined) WebSocket.deliver(socket, batch);
  };

  dispatch.defineGlobals({ WebSocket, MessageEvent, CloseEvent });
});
