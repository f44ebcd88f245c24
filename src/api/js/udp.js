// Nexus.Net.UDP: datagram sockets (also Nexus.Net.UDPSocket, the original Nexus.js's name).
// Sending and receiving run natively on the pool (net/udp/); this side turns received datagrams
// into 'message' events (also emitted as 'data') and read() results.
//
// Invariants: while the socket is bound and someone wants datagrams (a 'message' or 'data'
// handler, or a read() waiting), exactly one native receive is pending; it, and each send not
// yet taken by the kernel, hold the runtime. Nothing else does: a socket with neither lets the
// program end, and close() ends both (as Node's ref'd dgram socket). A datagram arrives whole,
// as an ArrayBuffer, with its peer `{ address, port, family }`.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayBuffer, ArrayBufferPrototypeGetByteLength, Boolean, Error, Number, ObjectDefineProperty, ObjectFreeze,
    PromisePrototypeThen, PromiseReject, PromiseResolve, String, StringPrototypeIncludes, TypeError,
  } = primordials;

  dispatch.load('nexus:net');
  dispatch.load('nexus:pending');
  dispatch.load('nexus:promises');
  const { native, nativeMap, newPromise, rejectPromise, resolvePromise } = dispatch;
  // IPv4's largest UDP payload: a device write of more goes out as datagrams of this size, in
  // order (see net/udp/socket.rs), and a ReadableStream asks for this much (a datagram comes whole).
  const MAX_DATAGRAM = 65507;
  // Datagrams kept for read() between its calls; past this the newest are dropped, as a full
  // kernel buffer drops them.
  const UNREAD = 1024;

  const endpoint = (address, port) => ({ address, port, family: StringPrototypeIncludes(address, ':') ? 'IPv6' : 'IPv4' });

  // First in, first out, without Array.prototype.shift (not among the primordials).
  class Queue {
    constructor() {
      this.items = [];
      this.head = 0;
    }
    get length() { return this.items.length - this.head; }
    add(item) { this.items[this.items.length] = item; }
    take() {
      const item = this.items[this.head];
      this.items[this.head++] = undefined;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      }
      return item;
    }
  }

  class Socket extends dispatch.EventEmitter {
    #type;
    #handle = null;
    #local = null; // 'address:port' once bound, for errors after close
    #closed = false;
    #closing = null; // close()'s promise
    #peer = null; // the endpoint connect() gave
    #receiving = false; // a native receive is pending
    #reads = new Queue(); // promises of read() calls waiting for a datagram
    #unread = new Queue(); // datagrams that came before read() asked for them
    #reader = false; // read() was called: datagrams are kept for it

    constructor(options) {
      super();
      const type = typeof options === 'string' ? options : options?.type ?? 'udp4';
      if (type !== 'udp4' && type !== 'udp6') throw new TypeError(`UDP.Socket: type must be 'udp4' or 'udp6', got '${String(type)}'`);
      this.#type = type;
      this.chunkSize = MAX_DATAGRAM;
    }

    get type() { return this.#type; }

    // Port 0 binds a free port; no address binds every interface (0.0.0.0 or ::). `reuse` sets
    // SO_REUSEADDR, so several sockets can join a multicast group on one port.
    bind(address, port = 0, reuse = false) {
      this.#bindTo(address, port, reuse);
      return this;
    }

    #bindTo(address, port, reuse) {
      if (this.#closed) throw this.#closedError('bind');
      if (this.#handle !== null) throw new Error(`bind: the socket is already bound to ${this.#local}`);
      const host = address === undefined || address === null ? (this.#type === 'udp4' ? '0.0.0.0' : '::') : String(address);
      this.#handle = ops.udpBind(this.#type, host, Number(port), Boolean(reuse));
      const bound = this.address;
      this.#local = StringPrototypeIncludes(bound.address, ':') ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
      this.#receive();
    }

    get address() {
      if (this.#handle === null) return null;
      const bound = ops.udpAddress(this.#handle);
      return endpoint(bound[0], bound[1]);
    }

    get remoteAddress() { return this.#peer; }

    // The handle, binding any address and a free port first (as sending from an unbound socket
    // does in C); throws once closed.
    #open(method) {
      if (this.#handle === null) {
        if (this.#closed) throw this.#closedError(method);
        this.#bindTo(null, 0, false);
      }
      return this.#handle;
    }

    // The handle of a socket bind() was called on, for the options.
    #bound(method) {
      if (this.#closed) throw this.#closedError(method);
      if (this.#handle === null) throw new Error(`${method}: bind(address, port) first`);
      return this.#handle;
    }

    #closedError(method) {
      return new Error(`${method}: the UDP socket${this.#local === null ? '' : ` on ${this.#local}`} is closed`);
    }

    // One datagram (string, ArrayBuffer or view) to `address`:`port`, or to the connected peer
    // without them; resolves with its size once the kernel took it.
    send(data, address, port) {
      try {
        const handle = this.#open('send');
        if (address === undefined || address === null) {
          if (this.#peer === null) throw new Error('send: give an address and port, or connect(address, port) first');
          const sent = ops.udpTrySend(handle, data);
          return sent !== undefined ? PromiseResolve(sent) : native('udpSend', handle, data, false);
        }
        const host = String(address);
        const sent = ops.udpTrySend(handle, data, host, Number(port));
        return sent !== undefined ? PromiseResolve(sent) : native('udpSend', handle, data, false, host, Number(port));
      } catch (error) {
        return PromiseReject(error);
      }
    }

    // Resolves with the peer's endpoint; from then on only its datagrams arrive.
    connect(address, port) {
      try {
        return nativeMap('udpConnect', (peer) => (this.#peer = endpoint(peer[0], peer[1])), this.#open('connect'), String(address), Number(port));
      } catch (error) {
        return PromiseReject(error);
      }
    }

    // The device's write (a connected socket): the bytes as datagrams of at most MAX_DATAGRAM.
    write(data) {
      try {
        if (this.#peer === null) throw new Error('write: connect(address, port) first; a UDP device writes to its peer');
        return native('udpSend', this.#open('write'), data, true);
      } catch (error) {
        return PromiseReject(error);
      }
    }

    // The device's read: the next datagram (whole, whatever `n` says); an empty ArrayBuffer once
    // closed. An empty datagram, which would read as the end, goes only to 'message'.
    read() {
      if (this.#closed) return PromiseResolve(new ArrayBuffer(0));
      this.#reader = true;
      if (this.#unread.length > 0) return PromiseResolve(this.#unread.take());
      try {
        this.#open('read');
      } catch (error) {
        return PromiseReject(error);
      }
      const promise = newPromise();
      this.#reads.add(promise);
      this.#receive();
      return promise;
    }

    // Resolves once the port can be bound again (the OS socket is closed, unless other realms
    // share it).
    close() {
      if (this.#closed) return this.#closing;
      this.#closed = true;
      this.#closing = this.#handle !== null ? native('udpClose', this.#handle) : PromiseResolve();
      this.#handle = null;
      while (this.#reads.length > 0) resolvePromise(this.#reads.take(), new ArrayBuffer(0));
      this.#unread = new Queue();
      if (this.listenerCount('close') > 0) PromisePrototypeThen(this.emit('close'), undefined, (error) => dispatch.emitFailure(this, error));
      return this.#closing;
    }

    setBroadcast(on) { return this.#set('setBroadcast', 'broadcast', Boolean(on)); }
    setTTL(ttl) { return this.#set('setTTL', 'ttl', Number(ttl)); }
    setMulticastTTL(ttl) { return this.#set('setMulticastTTL', 'multicastTTL', Number(ttl)); }
    setMulticastLoopback(on) { return this.#set('setMulticastLoopback', 'multicastLoopback', Boolean(on)); }
    // An interface: an IPv4 address for a udp4 socket, an interface index for a udp6 one.
    setMulticastInterface(iface) { return this.#set('setMulticastInterface', 'multicastInterface', iface); }
    addMembership(group, iface) { return this.#set('addMembership', 'addMembership', String(group), iface); }
    dropMembership(group, iface) { return this.#set('dropMembership', 'dropMembership', String(group), iface); }

    #set(method, option, value, iface = null) {
      ops.udpSet(this.#bound(method), option, value, iface);
      return this;
    }

    // A handler added may want datagrams; one removed may leave no one wanting them.
    on(event, fn) { super.on(event, fn); this.#receive(); return this; }
    once(event, fn) { super.once(event, fn); this.#receive(); return this; }
    many(event, fn, count) { super.many(event, fn, count); this.#receive(); return this; }
    off(event, fn) { super.off(event, fn); this.#quiet(); return this; }
    allOff(event) { super.allOff(event); this.#quiet(); return this; }

    #wanted() {
      return this.#handle !== null && (this.#reads.length > 0 || this.listenerCount('message') > 0 || this.listenerCount('data') > 0);
    }

    #receive() {
      if (this.#receiving || !this.#wanted()) return;
      this.#receiving = true;
      PromisePrototypeThen(native('udpReceive', this.#handle), (batch) => this.#received(batch), (error) => this.#failed(error));
    }

    // No one wants datagrams any more: the pending receive ends, and with it its hold.
    #quiet() {
      if (this.#receiving && this.#handle !== null && !this.#wanted()) ops.udpStopReceiving(this.#handle);
    }

    // `batch` is [data, address, port, ...]: empty when the receive was stopped or the socket closed.
    #received(batch) {
      this.#receiving = false;
      for (let i = 0; i < batch.length; i += 3) this.#deliver(batch[i], endpoint(batch[i + 1], batch[i + 2]));
      this.#receive();
    }

    #deliver(data, peer) {
      if (ArrayBufferPrototypeGetByteLength(data) > 0) {
        if (this.#reads.length > 0) resolvePromise(this.#reads.take(), data);
        else if (this.#reader && this.#unread.length < UNREAD) this.#unread.add(data);
      }
      this.#emit('message', data, peer);
      this.#emit('data', data, peer);
    }

    #emit(event, data, peer) {
      if (this.listenerCount(event) > 0) PromisePrototypeThen(this.emit(event, data, peer), undefined, (error) => dispatch.emitFailure(this, error));
    }

    // Receiving stops at an error the OS gave (not a datagram's loss, which UDP does not report):
    // waiting reads reject with it, 'error' handlers hear of it, and with neither it is reported.
    #failed(error) {
      this.#receiving = false;
      const readers = this.#reads.length;
      while (this.#reads.length > 0) rejectPromise(this.#reads.take(), error);
      if (readers === 0 || this.listenerCount('error') > 0) dispatch.emitFailure(this, error);
    }
  }

  ObjectDefineProperty(dispatch.Net, 'UDP', { __proto__: null, value: ObjectFreeze({ Socket }), enumerable: true });
  ObjectDefineProperty(dispatch.Net, 'UDPSocket', { __proto__: null, value: Socket, enumerable: true });
});
