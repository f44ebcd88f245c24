// Nexus.Net.TCP and Nexus.Net.TLS: Acceptors and sockets, plain or TLS. A socket is a
// bidirectional device (read/write/close) for Nexus.IO's streams. Accepting, reading and writing
// (and TLS handshakes) happen natively on the pool; the JS side only hears of finished work.
// Nexus.Net.HTTP is its own part, loaded on first use.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayIsArray, ArrayPrototypePush, ArrayPrototypeUnshift, Boolean, Error, Number, ObjectDefineProperty, ObjectFreeze,
    PromisePrototypeThen, PromiseReject, PromiseResolve, RangeError, ReflectApply, SafeMap, SafeSet, SetPrototypeForEach,
    String, Symbol, TypeError,
  } = primordials;

  dispatch.load('nexus:pending');
  dispatch.load('nexus:emitter');
  dispatch.load('nexus:promises');
  dispatch.load('nexus:timers');
  const native = dispatch.native;
  const { newPromise, resolvePromise } = dispatch;
  const CHUNK = 64 * 1024;

  // Handlers that threw or rejected: 'error' on the emitter, or reported as uncaught when it has
  // no 'error' handler.
  dispatch.emitFailure = (emitter, error, ...more) => {
    if (emitter.listenerCount('error') > 0) {
      ArrayPrototypeUnshift(more, 'error', error);
      PromisePrototypeThen(ReflectApply(emitter.emit, emitter, more), undefined, ops.reportUncaught);
    } else ops.reportUncaught(error);
  };

  class Socket {
    #handle;
    #owner; // the Acceptor that accepted it, told when it closes; null for a client's
    constructor(handle, peer, owner = null) {
      this.#handle = handle;
      this.#owner = owner;
      this.peer = peer;
      this.chunkSize = CHUNK;
    }
    get #open() {
      if (this.#handle === null) throw new Error(`the socket to ${this.peer.address}:${this.peer.port} is closed`);
      return this.#handle;
    }
    read(n = CHUNK) {
      try {
        return native('socketRead', this.#open, n);
      } catch (error) {
        return PromiseReject(error);
      }
    }
    write(data) {
      try {
        return native('socketWrite', this.#open, data);
      } catch (error) {
        return PromiseReject(error);
      }
    }
    close() {
      if (this.#handle !== null) ops.release(this.#handle);
      this.#handle = null;
      if (this.#owner !== null) forget(this.#owner, this);
      this.#owner = null;
      return PromiseResolve();
    }
  }

  // `close({ timeout })` of an Acceptor or HTTP server: -1 for none, else milliseconds.
  dispatch.closeTimeout = (options) => {
    if (options === undefined || options === null || options.timeout === undefined) return -1;
    const timeout = Number(options.timeout);
    if (!(timeout >= 0)) throw new RangeError(`close: timeout must be a number of milliseconds, got ${String(options.timeout)}`);
    return timeout;
  };

  // An Acceptor's open sockets, and the promise its close() returned, settled when the last of
  // them closes.
  const accepted = new SafeMap(); // Acceptor -> SafeSet of Socket
  const draining = new SafeMap(); // Acceptor -> promise

  function forget(acceptor, socket) {
    const sockets = accepted.get(acceptor);
    if (sockets === undefined || !sockets.delete(socket) || sockets.size > 0) return;
    accepted.delete(acceptor);
    const closed = draining.get(acceptor);
    if (closed === undefined) return;
    draining.delete(acceptor);
    resolvePromise(closed, undefined);
  }

  // A `tls` option, `{ cert, key }` or `[{ serverName, cert, key }, ...]` (PEM text or paths),
  // flattened for the native side: [serverName or '', cert, key, ...].
  const certificateList = (tls, what) => {
    const list = ArrayIsArray(tls) ? tls : [tls];
    const flat = [];
    for (let i = 0; i < list.length; i++) {
      const entry = list[i];
      if (entry === null || typeof entry !== 'object' || entry.cert === undefined || entry.key === undefined) {
        throw new TypeError(`${what}: tls must be { cert, key } or an array of { serverName, cert, key } (PEM text or file paths)`);
      }
      ArrayPrototypePush(flat, entry.serverName === undefined ? '' : String(entry.serverName), String(entry.cert), String(entry.key));
    }
    return flat;
  };

  // A Listener's native certificate set (null without tls), for its subclasses' listen().
  const certificates = Symbol('certificates');

  // Both the TCP Acceptor and the HTTP server bind like this, and take `{ tls }`.
  class Listener extends dispatch.EventEmitter {
    #handle = null;
    #certificates = null;

    // Not the default constructor, which spreads its arguments (see api/primordials.rs); so for
    // the subclasses. Bad PEM throws here, naming the file or saying what is wrong.
    constructor(options) {
      super();
      const tls = options === undefined || options === null ? undefined : options.tls;
      if (tls !== undefined && tls !== null) this.#certificates = ops.tlsCertificates(certificateList(tls, 'tls'));
    }

    // New connections get these certificates; those open keep theirs.
    setCertificates(tls) {
      if (this.#certificates === null) throw new Error('setCertificates: this server was made without tls');
      ops.tlsSetCertificates(this.#certificates, certificateList(tls, 'setCertificates'));
      return this;
    }

    get [certificates]() { return this.#certificates; }

    bind(address, port, reuse = false) {
      if (this.#handle !== null) throw new Error('bind: already bound');
      this.#handle = ops.acceptorBind(String(address), Number(port), Boolean(reuse));
      return this;
    }
    get handle() {
      if (this.#handle === null) throw new Error('listen: bind(address, port) first');
      return this.#handle;
    }
    get address() { return this.#handle === null ? null : ops.acceptorAddress(this.#handle); }
    // The certificate set goes too (listening servers hold their own reference to it), so a
    // later setCertificates throws.
    close() {
      if (this.#handle !== null) ops.release(this.#handle);
      this.#handle = null;
      if (this.#certificates !== null) ops.release(this.#certificates);
      return PromiseResolve();
    }
  }

  const acceptors = new SafeMap(); // acceptor handle -> Acceptor

  class Acceptor extends Listener {
    constructor(options) { super(options); }
    listen(backlog = 511) {
      ops.acceptorListen(this.handle, Number(backlog), this[certificates]);
      acceptors.set(this.handle, this);
      return this;
    }
    // Stops accepting at once; resolves when every socket it accepted is closed. `timeout`
    // (ms) closes those still open then.
    close(options) {
      let timeout;
      try {
        timeout = dispatch.closeTimeout(options);
      } catch (error) {
        return PromiseReject(error);
      }
      if (this.address !== null) acceptors.delete(this.handle);
      super.close();
      const sockets = accepted.get(this);
      if (sockets === undefined) return PromiseResolve();
      let closed = draining.get(this);
      if (closed === undefined) {
        closed = newPromise();
        draining.set(this, closed);
      }
      // Unreferenced: the open sockets keep the process running, not the timeout.
      if (timeout >= 0) dispatch.unreferencedTimeout(() => SetPrototypeForEach(sockets, (socket) => socket.close()), timeout, 'close');
      return closed;
    }
  }

  dispatch.accept = (acceptor, handle, address, port) => {
    const owner = acceptors.get(acceptor);
    if (owner === undefined) return ops.release(handle);
    const peer = { address, port };
    const socket = new Socket(handle, peer, owner);
    let sockets = accepted.get(owner);
    if (sockets === undefined) {
      sockets = new SafeSet();
      accepted.set(owner, sockets);
    }
    sockets.add(socket);
    PromisePrototypeThen(owner.emit('connection', socket, peer), undefined, (error) => dispatch.emitFailure(owner, error));
  };

  // A TLS client dropped before it became a socket: 'clientError' on its Acceptor, or a line on
  // stderr as an HTTP server logs a bad client.
  dispatch.tlsError = (acceptor, message, address, port) => {
    const owner = acceptors.get(acceptor);
    const error = new Error(message);
    if (owner !== undefined && owner.listenerCount('clientError') > 0) owner.emit('clientError', error, { address, port });
    else ops.write(2, `nexus: ${message}\n`);
  };

  async function connect(address, port) {
    const connected = await native('socketConnect', String(address), Number(port)); // [handle, address, port]
    return new Socket(connected[0], { address: connected[1], port: connected[2] });
  }

  // A socket whose TLS handshake is over: the certificate checked against `servername` (else
  // `host`) and the trusted roots plus `ca` (PEM text or a path). Fails as fetch does.
  async function connectTLS(host, port, options) {
    const { ca, servername } = options === undefined || options === null ? {} : options;
    const connected = await native('tlsConnect', String(host), Number(port), ca === undefined ? null : String(ca), servername === undefined ? null : String(servername));
    return new Socket(connected[0], { address: connected[1], port: connected[2] });
  }

  dispatch.Listener = Listener;
  dispatch.certificates = certificates;
  const Net = { TCP: ObjectFreeze({ Acceptor, connect }), TLS: ObjectFreeze({ connect: connectTLS }) };
  ops.defineLazyMembers(Net, 'nexus:http');
  ops.defineLazyMembers(Net, 'nexus:udp');
  dispatch.Net = Net;
  ObjectDefineProperty(Nexus, 'Net', { __proto__: null, value: Net, enumerable: true });
});
