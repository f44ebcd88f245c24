// The server's WebSocket: what `connection.upgrade()` (js/http.js) and `info.upgrade(request)`
// (js/serve.js) return. Frames are read, checked, joined and written natively; this side hears
// of whole messages and the close through `dispatch.websocket`, and is an EventEmitter
// ('message' (data, isBinary), 'close' (code, reason), 'error') and a device: read() gives the
// next message's bytes (empty after the close), write(data) sends one.
//
// Invariants: 'close' is emitted once, after every message; a send resolves once the connection
// takes more (its high-water mark), so a slow client slows its sender, and resolves false when
// the message was dropped because the socket is closing (a race no program can avoid, so it is
// no rejection); messages are kept for read() only once read() was called, so a socket used
// through events buffers nothing.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayBuffer, ArrayBufferIsView, ArrayPrototypeJoin, ArrayPrototypePush, ArrayPrototypeSplice, Error, Number,
    NumberIsInteger, PromisePrototypeThen, PromiseReject, PromiseResolve, RangeError, SafeMap, String, TypeError,
  } = primordials;

  dispatch.load('nexus:net');
  dispatch.load('nexus:http'); // its drain: a socket's sends wait like a response's writes
  dispatch.load('nexus:encoding');
  const { newPromise, resolvePromise } = dispatch;
  const native = dispatch.native;
  const accepted = () => true;
  const dropped = () => false;
  const MAX_MESSAGE = 16 * 1024 * 1024;
  const IDLE = 120000;
  const EMPTY = new ArrayBuffer(0);

  const sockets = new SafeMap(); // connection handle -> WebSocket

  const isBytes = (v) => v instanceof ArrayBuffer || ArrayBufferIsView(v);

  // A close code a server may send (RFC 6455 section 7.4 and the IANA registry).
  const validCode = (code) => (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);

  class WebSocket extends dispatch.EventEmitter {
    #handle;
    #state = 1; // 1 open, 2 closing, 3 closed
    #closed = newPromise();
    #inbox = null; // messages kept for read(), once read() was called
    #reader = null; // a read() waiting for the next message

    constructor(handle, protocol, extensions, remoteAddress) {
      super();
      this.#handle = handle;
      this.protocol = protocol;
      this.extensions = extensions;
      this.remoteAddress = remoteAddress;
      this.chunkSize = MAX_MESSAGE;
    }

    get readyState() { return this.#state; }

    // Resolves true once the connection takes more, false if the socket is closing.
    send(data) {
      const text = typeof data === 'string';
      if (!text && !isBytes(data)) return PromiseReject(new TypeError('WebSocket.send: data must be a string, an ArrayBuffer or a typed array'));
      if (this.#state !== 1) return PromiseResolve(false);
      let under;
      try {
        under = ops.wsSend(this.#handle, data, text);
      } catch {
        // The native side closed first; its close event is on its way.
        return PromiseResolve(false);
      }
      return this.#accepted(under);
    }

    ping(data = '') {
      if (typeof data !== 'string' && !isBytes(data)) return PromiseReject(new TypeError('WebSocket.ping: data must be a string, an ArrayBuffer or a typed array'));
      if (this.#state !== 1) return PromiseResolve(false);
      let under;
      try {
        under = ops.wsPing(this.#handle, data);
      } catch {
        return PromiseResolve(false);
      }
      return this.#accepted(under);
    }

    // True at once under the connection's high-water mark, else once it drains (false if the
    // connection fails meanwhile).
    #accepted(under) {
      if (under) return PromiseResolve(true);
      return PromisePrototypeThen(native('httpDrain', this.#handle), accepted, dropped);
    }

    // Starts the close handshake; resolves once the socket is closed.
    close(code = 1000, reason = '') {
      code = Number(code);
      if (!NumberIsInteger(code) || !validCode(code)) return PromiseReject(new RangeError(`WebSocket.close: ${code} is not a close code that may be sent (1000-1003, 1007-1014, 3000-4999)`));
      reason = String(reason);
      if (this.#state === 1) {
        this.#state = 2;
        ops.wsClose(this.#handle, code, reason);
      }
      return this.#closed;
    }

    // The device: the next message's bytes (a text message's in UTF-8), empty after the close.
    read() {
      if (this.#inbox === null) this.#inbox = [];
      if (this.#inbox.length > 0) return PromiseResolve(ArrayPrototypeSplice(this.#inbox, 0, 1)[0]);
      if (this.#state === 3) return PromiseResolve(EMPTY);
      if (this.#reader !== null) return PromiseReject(new Error('WebSocket.read: a read is already pending'));
      this.#reader = newPromise();
      return this.#reader;
    }

    write(data) { return this.send(data); }

    #keep(bytes) {
      const reader = this.#reader;
      if (reader !== null) {
        this.#reader = null;
        resolvePromise(reader, bytes);
      } else ArrayPrototypePush(this.#inbox, bytes);
    }

    static deliver(socket, batch) {
      for (let i = 0; i < batch.length; i += 3) {
        const kind = batch[i];
        const value = batch[i + 1];
        if (kind < 2) {
          if (socket.#inbox !== null) socket.#keep(kind === 0 ? ops.encodeUtf8(value) : value);
          dispatch.deliver(socket, 'message', value, kind === 1);
          continue;
        }
        socket.#state = 3;
        sockets.delete(socket.#handle);
        if (socket.#inbox !== null) socket.#keep(EMPTY);
        resolvePromise(socket.#closed, undefined);
        dispatch.deliver(socket, 'close', value, batch[i + 2]);
      }
    }
  }

  dispatch.websocket = (handle, batch) => {
    const socket = sockets.get(handle);
    if (socket !== undefined) WebSocket.deliver(socket, batch);
  };

  // Upgrades the request being handled on connection `handle`; `raw` its fields as received.
  // Options: protocol (a name or names in order of preference; the first the client offers is
  // chosen), perMessageDeflate (default true), maxPayload (bytes, default 16 MiB), idleTimeout
  // (ms, default 120000; 0 never).
  dispatch.upgradeWebSocket = (handle, method, minor, raw, remoteAddress, options = {}) => {
    if (options === null || typeof options !== 'object') throw new TypeError('upgrade: options must be an object');
    const { protocol, perMessageDeflate = true, maxPayload = MAX_MESSAGE, idleTimeout = IDLE } = options;
    const protocols = protocol === undefined ? '' : typeof protocol === 'string' ? protocol : ArrayPrototypeJoin(protocol, '\n');
    const limit = Number(maxPayload);
    if (!(limit >= 1)) throw new RangeError(`upgrade: maxPayload must be a positive number of bytes, got ${maxPayload}`);
    let agreed;
    try {
      agreed = ops.wsUpgrade(handle, method, minor, ArrayPrototypeJoin(raw, '\n'), protocols, perMessageDeflate !== false, limit, Number(idleTimeout) || 0);
    } catch (error) {
      if (error.status !== undefined) throw error; // refused (and answered) for the reason it names
      // The client left before its upgrade: a socket that closes at once, as if it left just
      // after (1006), once the handler has had its turn to listen.
      const gone = new WebSocket(handle, '', '', remoteAddress);
      PromisePrototypeThen(PromiseResolve(), () => WebSocket.deliver(gone, [3, 1006, '']));
      return gone;
    }
    const socket = new WebSocket(handle, agreed[0], agreed[1], remoteAddress);
    sockets.set(handle, socket);
    return socket;
  };
});
