// Nexus.IO: the seed's three primitives. Devices move bytes (as ArrayBuffers) to and from the
// outside, filters transform chunks, streams connect a source through filters to sinks.
//
// Invariants kept here: chunks reach every sink in order; a ReadableStream reads at most one
// chunk ahead of the slowest sink (backpressure, so memory stays bounded by about two chunks per
// stage); a device's OS handle is released by its close(), or by the stream that ends it.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    Array, ArrayBuffer, ArrayBufferIsView, ArrayBufferPrototypeGetByteLength, ArrayPrototypeIndexOf,
    ArrayPrototypePop, ArrayPrototypePush, ArrayPrototypeSplice, DataView, DataViewPrototypeGetBuffer,
    DataViewPrototypeGetByteLength, DataViewPrototypeGetByteOffset, Error, ObjectDefineProperty, ObjectFreeze,
    Promise, PromisePrototypeThen, PromiseReject, PromiseResolve, SafePromiseAll, String, Symbol, TypeError,
    TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetByteOffset,
    TypedArrayPrototypeGetLength, TypedArrayPrototypeSet, Uint8Array,
  } = primordials;

  dispatch.load('nexus:pending');

  // Chunk sizes: a stream reads `source.chunkSize` bytes at a time (files: 1 MiB, which keeps the
  // per-chunk cost small next to the bytes moved), else 64 KiB.
  const CHUNK = 64 * 1024;
  const FILE_CHUNK = 1024 * 1024;
  const native = dispatch.native;
  const nativeMap = dispatch.nativeMap;

  const isBytes = (v) => v instanceof ArrayBuffer || ArrayBufferIsView(v);
  // Of a string (its length) or bytes (an ArrayBuffer or a view).
  const byteLength = (v) => (typeof v === 'string' ? v.length
    : v instanceof ArrayBuffer ? ArrayBufferPrototypeGetByteLength(v)
      : v instanceof DataView ? DataViewPrototypeGetByteLength(v) : TypedArrayPrototypeGetByteLength(v));

  // An ArrayBuffer's or a view's bytes, as a Uint8Array over them.
  function bytesOf(v) {
    if (v instanceof ArrayBuffer) return new Uint8Array(v);
    if (v instanceof DataView) return new Uint8Array(DataViewPrototypeGetBuffer(v), DataViewPrototypeGetByteOffset(v), DataViewPrototypeGetByteLength(v));
    return new Uint8Array(TypedArrayPrototypeGetBuffer(v), TypedArrayPrototypeGetByteOffset(v), TypedArrayPrototypeGetByteLength(v));
  }

  function concat(a, b) {
    if (a === null) return b;
    if (b === null) return a;
    if (typeof a === 'string' || typeof b === 'string') return String(a) + String(b);
    const first = bytesOf(a);
    const second = bytesOf(b);
    const length = TypedArrayPrototypeGetLength(first);
    const out = new Uint8Array(length + TypedArrayPrototypeGetLength(second));
    TypedArrayPrototypeSet(out, first, 0);
    TypedArrayPrototypeSet(out, second, length);
    return TypedArrayPrototypeGetBuffer(out);
  }

  // What `fn()` gives, as a promise (its own, if it gives one), rejected if it throws: what an
  // async function returning it would give, without that function's promise jobs.
  function promised(fn) {
    try {
      return PromiseResolve(fn());
    } catch (error) {
      return PromiseReject(error);
    }
  }

  const closeDevice = (device) => (typeof device.close === 'function' ? promised(() => device.close()) : PromiseResolve());

  // A sink that can take a file device's next piece natively has a method of this name:
  // `sink[pipeFile](handle, n)` -> Promise<whether the file ended, or the read's Error> (a
  // rejection is the sink's failure), or null when it cannot now. See ReadableStream.#step.
  const pipeFile = Symbol('pipeFile');
  dispatch.pipeFile = pipeFile;

  const ignore = () => {};
  // A promise settling once `value` (what a device or run gave) settles, fulfilled either way.
  const settled = (value) => PromisePrototypeThen(PromiseResolve(value), undefined, ignore);

  // ---- devices ----------------------------------------------------------------------------

  let handleOf; // the OS handle of a file device, null once closed
  class FileDevice {
    #handle;
    static { handleOf = (device) => device.#handle; }
    constructor(handle, path) {
      this.#handle = handle;
      this.path = path;
    }
    get handle() {
      if (this.#handle === null) throw new Error(`${this.constructor.name}: '${this.path}' is closed`);
      return this.#handle;
    }
    close() {
      if (this.#handle !== null) ops.release(this.#handle);
      this.#handle = null;
      return PromiseResolve();
    }
  }

  let pipeable; // the handle of a file device a stream may pipe natively, else null
  class FilePullDevice extends FileDevice {
    #drained = false; // the last read reached the end of the file
    static {
      pipeable = (device) => (#drained in device && !device.#drained && device.read === FilePullDevice.prototype.read ? handleOf(device) : null);
    }

    constructor(path) {
      super(ops.fileOpenRead(String(path)), String(path));
      this.chunkSize = FILE_CHUNK;
    }
    read(n = FILE_CHUNK) {
      if (this.#drained) {
        this.#drained = false;
        return PromiseResolve(new ArrayBuffer(0));
      }
      return nativeMap('fileRead', (read) => {
        this.#drained = read[1] && ArrayBufferPrototypeGetByteLength(read[0]) > 0;
        return read[0];
      }, this.handle, n);
    }
    readSync(n = FILE_CHUNK) { return ops.fileReadSync(this.handle, n); }
    seek(offset, whence = 'begin') { return promised(() => this.seekSync(offset, whence)); }
    seekSync(offset, whence = 'begin') {
      this.#drained = false;
      return ops.fileSeek(this.handle, offset, whence);
    }
    reset() { return this.seek(0); }
  }

  // A push device delivers the file's chunks in order when its stream is resumed.
  class FilePushDevice extends FilePullDevice {
    // Not the default constructor, which spreads its arguments (see api/primordials.rs).
    constructor(path) { super(path); }
  }

  class FileSinkDevice extends FileDevice {
    constructor(target) {
      const fd = typeof target === 'number';
      super(ops.fileOpenWrite(fd ? target : String(target)), fd ? `fd ${target}` : String(target));
    }
    write(data) { return native('fileWrite', this.handle, data); }
    writeSync(data) { return ops.fileWriteSync(this.handle, data); }
  }

  // ---- filters ----------------------------------------------------------------------------

  class EncodingConversionFilter {
    #from;
    #to;
    #handle;
    constructor(from, to) {
      this.#from = String(from);
      this.#to = String(to);
      this.#handle = ops.converterNew(this.#from, this.#to);
    }
    process(buffer) { return native('converterProcess', this.#handle, buffer, false); }
    processSync(buffer) { return ops.converterProcessSync(this.#handle, buffer, false); }
    // The bytes of a character left incomplete at the end of the input (as U+FFFD).
    flush() { return native('converterProcess', this.#handle, new ArrayBuffer(0), true); }
    reset() {
      ops.release(this.#handle);
      this.#handle = ops.converterNew(this.#from, this.#to);
    }
    close() { ops.release(this.#handle); }
  }

  // Bytes -> string on a readable stream (a character split across chunks waits for its end);
  // string -> UTF-8 bytes on a writable one.
  class UTF8StringFilter {
    #pending = new EncodingConversionFilter('UTF-8', 'UTF-8');
    processSync(data) {
      if (typeof data === 'string') return ops.utf8Encode(data);
      return ops.utf8Decode(this.#pending.processSync(data));
    }
    process(data) { return promised(() => this.processSync(data)); }
    async flush() { return ops.utf8Decode(await this.#pending.flush()); }
    reset() { this.#pending.reset(); }
    close() { this.#pending.close(); }
  }

  function checkFilter(filter) {
    if (!filter || typeof filter.process !== 'function')
      throw new TypeError('a filter must be an object with a process(buffer) method');
    return filter;
  }

  // Runs `data` (null at the end) through `filters` in order; at the end each filter's flush()
  // output joins the stream after what came before it.
  async function applyFilters(filters, data, end) {
    for (let i = 0; i < filters.length; i++) {
      const filter = filters[i];
      let out = data === null ? null : await filter.process(data);
      if (end && typeof filter.flush === 'function') {
        const tail = await filter.flush();
        if (tail !== null && tail !== undefined && byteLength(tail) > 0) out = concat(out, tail);
      }
      data = out === undefined ? null : out;
    }
    return data;
  }

  // ---- streams ----------------------------------------------------------------------------

  // A web ReadableStream as a source device (web_bytes.js); anything else as it is.
  function webDevice(source) {
    dispatch.load('nexus:web-bytes');
    return dispatch.webDeviceOf(source) ?? source;
  }

  let filtered; // whether a stream has filters
  // The filters a stream runs its chunks through, in push order.
  class FilterChain {
    #filters = [];
    static { filtered = (chain) => chain.#filters.length !== 0; }

    pushFilter(filter) {
      ArrayPrototypePush(this.#filters, checkFilter(filter));
      return this;
    }
    pushFilters(...filters) {
      for (let i = 0; i < filters.length; i++) this.pushFilter(filters[i]);
      return this;
    }
    popFilter() { return ArrayPrototypePop(this.#filters); }

    // No filter, no promise to wait for: most streams carry bytes as they are (callers await
    // only a promise, so such a stream's chunk costs no promise job here).
    runFilters(data, end) {
      return this.#filters.length === 0 ? data : applyFilters(this.#filters, data, end);
    }

    resetFilters() {
      const filters = this.#filters;
      for (let i = 0; i < filters.length; i++) if (typeof filters[i].reset === 'function') filters[i].reset();
    }
  }

  class ReadableStream extends FilterChain {
    #source;
    #sinks = []; // each target once, in pipe order
    #handlers = { __proto__: null, data: [], end: [], error: [] };
    #paused = true;
    #run = null; // the loop's promise while it runs
    #looping = false;
    #ahead = null; // the read of the next chunk, started while the current one is delivered
    #ended = false;

    constructor(source) {
      super();
      if (source && typeof source.read !== 'function') source = webDevice(source);
      if (!source || typeof source.read !== 'function')
        throw new TypeError('ReadableStream: the source must be a device with read(n) or a web ReadableStream');
      this.#source = source;
    }


    pipe(...targets) {
      for (let i = 0; i < targets.length; i++) {
        const t = targets[i];
        if (!t || typeof t.write !== 'function') throw new TypeError('pipe: every target must have write(buffer)');
        if (ArrayPrototypeIndexOf(this.#sinks, t) === -1) ArrayPrototypePush(this.#sinks, t);
      }
      return () => {
        for (let i = 0; i < targets.length; i++) {
          const at = ArrayPrototypeIndexOf(this.#sinks, targets[i]);
          if (at !== -1) ArrayPrototypeSplice(this.#sinks, at, 1);
        }
      };
    }

    on(event, handler) {
      if (!(event in this.#handlers)) throw new TypeError(`ReadableStream.on: unknown event '${event}'`);
      ArrayPrototypePush(this.#handlers[event], handler);
      return this;
    }

    #emit(event, value) {
      const handlers = this.#handlers[event];
      for (let i = 0; i < handlers.length; i++) handlers[i](value);
    }

    resume() {
      this.#paused = false;
      if (this.#ended) return PromiseResolve();
      if (this.#run === null) {
        const run = this.#loop();
        // The loop clears #run as it ends; one that ended before its first await is not kept.
        if (this.#looping) this.#run = run;
        return run;
      }
      return this.#run;
    }

    pause() { this.#paused = true; }

    async #loop() {
      this.#looping = true;
      try {
        while (!this.#paused) {
          const size = this.#source.chunkSize ?? CHUNK;
          const step = this.#ahead === null ? this.#step(size) : null;
          if (step !== null) {
            const end = await step;
            if (end instanceof Error) throw end;
            if (end) {
              this.#ended = true;
              this.#emit('end');
              return;
            }
            continue;
          }
          const chunk = await (this.#ahead ?? this.#source.read(size));
          this.#ahead = null;
          if (!isBytes(chunk))
            throw new TypeError('ReadableStream: the source read() must give an ArrayBuffer (empty at the end)');
          const end = byteLength(chunk) === 0;
          if (!end) this.#ahead = this.#source.read(size);
          let data = this.runFilters(end ? null : chunk, end);
          if (data instanceof Promise) data = await data;
          if (data !== null && byteLength(data) > 0) {
            this.#emit('data', data);
            await this.#write(data);
          }
          if (end) {
            this.#ended = true;
            this.#emit('end');
            return;
          }
        }
      } catch (error) {
        this.#paused = true;
        // A read started ahead is abandoned: its own failure (the device closed under it once
        // the stream failed) would only repeat this one.
        if (this.#ahead !== null) settled(this.#ahead);
        this.#ahead = null;
        if (this.#handlers.error.length > 0) this.#emit('error', error);
        throw error;
      } finally {
        this.#looping = false;
        this.#run = null;
      }
    }

    // The next chunk moved natively, off the realm's lock, when nothing could see it on the
    // way: a file device's bytes, no filter, no 'data' handler, one sink that can take them
    // (a response, or a WritableStream without filters or queued writes around one). Else null,
    // and the chunk goes through JS. Decided chunk by chunk, so a handler or filter added
    // meanwhile sees the next one.
    #step(size) {
      if (this.#sinks.length !== 1 || this.#handlers.data.length !== 0 || filtered(this)) return null;
      const file = pipeable(this.#source);
      if (file === null) return null;
      const sink = this.#sinks[0];
      return sink instanceof WritableStream ? pipeInto(sink, file, size) : sink[pipeFile]?.(file, size) ?? null;
    }

    // To every sink; one sink's write is awaited as it is (what Promise.all of one gives).
    #write(data) {
      const sinks = this.#sinks;
      if (sinks.length === 1) return sinks[0].write(data);
      const writes = new Array(sinks.length);
      for (let i = 0; i < sinks.length; i++) writes[i] = sinks[i].write(data);
      return SafePromiseAll(writes);
    }

    async reset() {
      this.pause();
      if (this.#run) await settled(this.#run);
      if (this.#ahead) await settled(this.#ahead);
      this.#ahead = null;
      this.#ended = false;
      if (typeof this.#source.reset === 'function') await this.#source.reset();
      this.resetFilters();
    }

    // Resolves once the source is closed, after the run and a read ahead have settled (without
    // waiting a promise job when neither is in flight, as after a run to the end).
    close() {
      this.pause();
      return this.#run === null && this.#ahead === null ? closeDevice(this.#source) : this.#settleAndClose();
    }

    async #settleAndClose() {
      if (this.#run) await settled(this.#run);
      if (this.#ahead) await settled(this.#ahead);
      this.#ahead = null;
      await closeDevice(this.#source);
    }
  }

  let pipeInto; // a file's next piece into a WritableStream's sink (see ReadableStream.#step)
  class WritableStream extends FilterChain {
    #sink;
    #last = PromiseResolve();
    #queued = 0; // writes not yet settled
    #errorHandlers = [];

    static {
      pipeInto = (stream, file, n) => {
        if (stream.#queued !== 0 || filtered(stream)) return null;
        const piped = stream.#sink[pipeFile]?.(file, n) ?? null;
        if (piped !== null) stream.#track(piped);
        return piped;
      };
    }

    constructor(sink) {
      super();
      if (!sink || typeof sink.write !== 'function') throw new TypeError('WritableStream: the sink must be a device with write(buffer)');
      this.#sink = sink;
    }


    on(event, handler) {
      if (event !== 'error') throw new TypeError(`WritableStream.on: unknown event '${event}'`);
      ArrayPrototypePush(this.#errorHandlers, handler);
      return this;
    }

    // Writes keep their order; each resolves once the sink accepted all of its bytes. A failed
    // write rejects and is also reported to the 'error' handlers.
    write(data) {
      if (!isBytes(data) && typeof data !== 'string') return PromiseReject(new TypeError('WritableStream.write: expected an ArrayBuffer, a typed array or a string'));
      const done = this.#writeAfter(this.#last, data);
      this.#track(done);
      return done;
    }

    // Awaits what the sink's write gives rather than resolving with it: resolving a promise with
    // a promise calls its then(), which a program may have replaced.
    async #writeAfter(last, data) {
      await last;
      let out = this.runFilters(data, false);
      if (out instanceof Promise) out = await out;
      return await this.#give(out);
    }

    // The next write waits for `done`; its failure goes to the 'error' handlers.
    #track(done) {
      this.#queued++;
      this.#last = PromisePrototypeThen(
        done,
        () => { this.#queued--; },
        (error) => {
          this.#queued--;
          const handlers = this.#errorHandlers;
          for (let i = 0; i < handlers.length; i++) handlers[i](error);
        },
      );
    }

    // What the filters made of a write, to the sink (0 when nothing is left).
    #give(out) {
      return out !== null && byteLength(out) > 0 ? this.#sink.write(out) : 0;
    }

    // Resolves once the sink is closed, after every write and the filters' flush.
    close() {
      return this.#queued === 0 && !filtered(this) ? closeDevice(this.#sink) : this.#flushAndClose();
    }

    async #flushAndClose() {
      await this.#last;
      let tail = this.runFilters(null, true);
      if (tail instanceof Promise) tail = await tail;
      if (tail !== null && byteLength(tail) > 0) await this.#sink.write(tail);
      await closeDevice(this.#sink);
    }
  }

  const IO = {
    FilePushDevice, FilePullDevice, FileSinkDevice,
    EncodingConversionFilter, UTF8StringFilter,
    ReadableStream, WritableStream,
  };
  ObjectDefineProperty(Nexus, 'IO', { __proto__: null, value: ObjectFreeze(IO), enumerable: true });
});
