// The web streams as other parts of the runtime see them: byte streams for bodies (fetch,
// Request/Response, serve) and the bridge to Nexus.IO's streams. Hooks on dispatch:
// - webStreamFromRead(read, cancel, highWaterMark = 1): a ReadableStream whose pull calls read()
//   -> Promise<Uint8Array | null> (null: the end) and whose cancel calls cancel(reason).
// - isWebReadable(value): whether value is a web ReadableStream.
// - webReadAll(stream) -> Promise<Uint8Array>: every chunk (each a Uint8Array), concatenated once.
// - webStreamFromNexus(stream): a Nexus.IO.ReadableStream as a web ReadableStream of Uint8Arrays.
// - webDeviceOf(value): a web ReadableStream as a Nexus.IO source device, or null.
// lazy.js puts stand-ins for the first four on dispatch that load this part on their first call.
//
// Invariants: the Nexus stream behind a web one is resumed on the first pull and then writes
// only while the web stream wants chunks (its sink's write waits otherwise); a device never gives
// an empty chunk before the end, which Nexus.IO reads as the end.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayBuffer, ArrayBufferIsView, ArrayBufferPrototypeGetByteLength, DataView, DataViewPrototypeGetBuffer, DataViewPrototypeGetByteLength,
    DataViewPrototypeGetByteOffset, PromisePrototypeThen, PromiseReject, PromiseResolve, TypeError,
    TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetByteOffset,
    TypedArrayPrototypeSet, Uint8Array,
  } = primordials;

  dispatch.load('nexus:promises');
  dispatch.load('nexus:web-readable');
  const { newPromise, resolvePromise, rejectPromise } = dispatch;
  const { stateOf, create, acquireReader, read, releaseReader, streamCancel, controllerClose, controllerEnqueue, controllerError, desiredSize } = dispatch.webReadable;

  dispatch.load('nexus:web-common');
  const { noStart } = dispatch.webCommon;

  // An ArrayBuffer's or a view's bytes, as a Uint8Array over them; null for anything else.
  function bytesOf(value) {
    if (value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (!ArrayBufferIsView(value)) return null;
    if (value instanceof DataView) return new Uint8Array(DataViewPrototypeGetBuffer(value), DataViewPrototypeGetByteOffset(value), DataViewPrototypeGetByteLength(value));
    return new Uint8Array(TypedArrayPrototypeGetBuffer(value), TypedArrayPrototypeGetByteOffset(value), TypedArrayPrototypeGetByteLength(value));
  }

  dispatch.isWebReadable = (value) => stateOf(value) !== null;

  dispatch.webStreamFromRead = (readChunk, cancel, highWaterMark = 1) => {
    let stream;
    const pull = () => {
      let next;
      try {
        next = readChunk();
      } catch (error) {
        return PromiseReject(error);
      }
      return PromisePrototypeThen(PromiseResolve(next), (chunk) => {
        if (chunk === null) controllerClose(stream.controller);
        else controllerEnqueue(stream.controller, chunk);
      });
    };
    const stop = (reason) => {
      try {
        return PromiseResolve(cancel === undefined ? undefined : cancel(reason));
      } catch (error) {
        return PromiseReject(error);
      }
    };
    stream = create(noStart, pull, stop, highWaterMark);
    return stream.stream;
  };

  dispatch.webReadAll = (value) => {
    const stream = stateOf(value);
    if (stream === null) return PromiseReject(new TypeError('expected a ReadableStream'));
    if (stream.reader !== null) return PromiseReject(new TypeError('the ReadableStream is locked'));
    const reader = acquireReader(stream);
    const promise = newPromise();
    const chunks = [];
    let count = 0;
    let total = 0;
    let pumping = false;
    let again = false;
    const pump = () => {
      pumping = true;
      do {
        again = false;
        read(reader, request);
      } while (again);
      pumping = false;
    };
    const request = {
      chunk(chunk) {
        if (!(chunk instanceof Uint8Array)) {
          const error = new TypeError('a body stream\'s chunks must be Uint8Arrays');
          streamCancel(stream, error);
          releaseReader(reader);
          rejectPromise(promise, error);
          return;
        }
        chunks[count++] = chunk;
        total += TypedArrayPrototypeGetByteLength(chunk);
        if (pumping) again = true;
        else pump();
      },
      close() {
        releaseReader(reader);
        if (count === 1) return resolvePromise(promise, chunks[0]);
        const all = new Uint8Array(total);
        let at = 0;
        for (let i = 0; i < count; i++) {
          TypedArrayPrototypeSet(all, chunks[i], at);
          at += TypedArrayPrototypeGetByteLength(chunks[i]);
        }
        resolvePromise(promise, all);
      },
      error(error) {
        releaseReader(reader);
        rejectPromise(promise, error);
      },
    };
    pump();
    return promise;
  };

  dispatch.webStreamFromNexus = (source) => {
    // Its ops encode the strings a Nexus stream with a UTF8StringFilter gives; loaded already
    // where such a stream exists.
    dispatch.load('nexus:io');
    let stream;
    let started = false;
    let waiting = null; // the sink write that waits for the web side to want more
    const wake = () => {
      if (waiting !== null) resolvePromise(waiting, undefined);
      waiting = null;
    };
    const sink = {
      write(data) {
        const bytes = typeof data === 'string' ? new Uint8Array(ops.utf8Encode(data)) : bytesOf(data);
        controllerEnqueue(stream.controller, bytes);
        if (desiredSize(stream.controller) > 0) return PromiseResolve(undefined);
        waiting = newPromise();
        return waiting;
      },
    };
    const pull = () => {
      wake();
      if (!started) {
        started = true;
        source.pipe(sink);
        PromisePrototypeThen(source.resume(), () => controllerClose(stream.controller), (error) => controllerError(stream.controller, error));
      }
      return PromiseResolve(undefined);
    };
    const cancel = () => {
      source.pause();
      wake();
      return source.close();
    };
    stream = create(noStart, pull, cancel, 1);
    return stream.stream;
  };

  // A whole ArrayBuffer of `bytes`: its own buffer when it covers all of it, else a copy.
  function bufferOf(bytes) {
    const buffer = TypedArrayPrototypeGetBuffer(bytes);
    const length = TypedArrayPrototypeGetByteLength(bytes);
    if (TypedArrayPrototypeGetByteOffset(bytes) === 0 && length === ArrayBufferPrototypeGetByteLength(buffer)) return buffer;
    const copy = new Uint8Array(length);
    TypedArrayPrototypeSet(copy, bytes, 0);
    return TypedArrayPrototypeGetBuffer(copy);
  }

  // A source device for Nexus.IO.ReadableStream: read() gives the web stream's next chunk as an
  // ArrayBuffer, empty at the end; close() cancels the web stream if it has not ended.
  class WebStreamDevice {
    #reader;
    constructor(reader) { this.#reader = reader; }
    read() {
      const reader = this.#reader;
      const promise = newPromise();
      if (reader.stream === null) {
        resolvePromise(promise, new ArrayBuffer(0));
        return promise;
      }
      const request = {
        chunk(chunk) {
          const bytes = bytesOf(chunk);
          if (bytes === null) return rejectPromise(promise, new TypeError('a web stream read as a Nexus device must give bytes'));
          if (TypedArrayPrototypeGetByteLength(bytes) === 0) return read(reader, request);
          resolvePromise(promise, bufferOf(bytes));
        },
        close() {
          releaseReader(reader);
          resolvePromise(promise, new ArrayBuffer(0));
        },
        error(error) {
          releaseReader(reader);
          rejectPromise(promise, error);
        },
      };
      read(reader, request);
      return promise;
    }
    close() {
      const reader = this.#reader;
      if (reader.stream === null) return PromiseResolve(undefined);
      const stream = reader.stream;
      releaseReader(reader);
      return streamCancel(stream, undefined);
    }
  }

  dispatch.webDeviceOf = (value) => {
    const stream = stateOf(value);
    return stream === null ? null : new WebStreamDevice(acquireReader(stream));
  };
});
