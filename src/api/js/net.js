// Nexus.Net.TCP: Acceptors and sockets. A socket is a bidirectional device (read/write/close)
// for Nexus.IO's streams. Accepting, reading and writing happen natively on the pool; the JS
// side only hears of finished work. Nexus.Net.HTTP is its own part, loaded on first use.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayPrototypeUnshift, Boolean, Error, Number, ObjectDefineProperty, ObjectFreeze, PromisePrototypeThen,
    PromiseReject, PromiseResolve, ReflectApply, SafeMap, String,
  } = primordials;

  dispatch.load('nexus:pending');
  dispatch.load('nexus:emitter');
  const native = dispatch.native;
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
    constructor(handle, peer) {
      this.#handle = handle;
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
      return PromiseResolve();
    }
  }

  // Both the TCP Acceptor and the HTTP server bind like this.
  class Listener extends dispatch.EventEmitter {
    #handle = null;

    // Not the default constructor, which spreads its arguments (see api/primordials.rs); so for
    // the subclasses.
    constructor() { super(); }

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
    close() {
      if (this.#handle !== null) ops.release(this.#handle);
      this.#handle = null;
      return PromiseResolve();
    }
  }

  const acceptors = new SafeMap(); // acceptor handle -> Acceptor

  class Acceptor extends Listener {
    constructor() { super(); }
    listen(backlog = 511) {
      ops.acceptorListen(this.handle, Number(backlog));
      acceptors.set(this.handle, this);
      return this;
    }
    close() {
      if (this.address !== null) acceptors.delete(this.handle);
      return super.close();
    }
  }

  dispatch.accept = (acceptor, handle, address, port) => {
    const owner = acceptors.get(acceptor);
    if (owner === undefined) return ops.release(handle);
    const peer = { address, port };
    PromisePrototypeThen(owner.emit('connection', new Socket(handle, peer), peer), undefined, (error) => dispatch.emitFailure(owner, error));
  };

  async function connect(address, port) {
    const connected = await native('socketConnect', String(address), Number(port)); // [handle, address, port]
    return new Socket(connected[0], { address: connected[1], port: connected[2] });
  }

  dispatch.Listener = Listener;
  const Net = { TCP: ObjectFreeze({ Acceptor, connect }) };
  ops.defineLazyMembers(Net, 'nexus:http');
  dispatch.Net = Net;
  ObjectDefineProperty(Nexus, 'Net', { __proto__: null, value: Net, enumerable: true });
});
