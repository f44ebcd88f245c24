// The WHATWG ReadableStream (https://streams.spec.whatwg.org/#rs-class) with its default
// controller and default reader, tee(), async iteration and ReadableStream.from. pipeTo and
// pipeThrough live in web_pipe.js, which this part loads on their first call.
//
// A stream's state is a `Readable` record apart from the object a program holds (which keeps it
// in a private field), so the other web stream parts run the spec's algorithms on records
// (dispatch.webReadable). `type: 'bytes'` is accepted and makes a default stream (no BYOB reader):
// its chunks are whatever the source enqueues, Uint8Arrays for every source the runtime makes.
//
// Speed: a read of a chunk already queued settles at once and allocates one promise and its
// result object; queued chunks are taken by moving a head index (web_queue.js).
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ObjectDefineProperty, ObjectGetPrototypeOf, ObjectSetPrototypeOf, PromisePrototypeThen, PromiseReject,
    PromiseResolve, RangeError, ReflectApply, SymbolAsyncIterator, SymbolIterator, TypeError,
  } = primordials;

  dispatch.load('nexus:promises');
  dispatch.load('nexus:web-common');
  const { newPromise, resolvePromise, rejectPromise } = dispatch;
  const {
    SizedQueue, strategyOf, highWaterMarkOf, sizeOf, checkUnderlying, methodOf, promiseCall, ignore, markHandled,
    rejectedHandled, tag, noStart, nothing,
  } = dispatch.webCommon;

  // ---- records ------------------------------------------------------------------------------

  class Readable {
    constructor() {
      this.state = 'readable';
      this.reader = null;
      this.storedError = undefined;
      this.disturbed = false;
      this.controller = null;
      this.stream = null; // the ReadableStream a program holds
    }
  }

  class Controller {
    constructor(stream, pull, cancel, highWaterMark, size) {
      this.stream = stream;
      this.queue = new SizedQueue();
      this.started = false;
      this.closeRequested = false;
      this.pullAgain = false;
      this.pulling = false;
      this.pull = pull;
      this.cancel = cancel;
      this.highWaterMark = highWaterMark;
      this.size = size;
      this.object = null; // the ReadableStreamDefaultController a source is handed
    }
  }

  // A read waiting for a chunk: chunk(value), close() and error(reason) are its three ends.
  class Reader {
    constructor() {
      this.stream = null;
      this.closed = null;
      this.requests = new SizedQueue();
      this.object = null; // the ReadableStreamDefaultReader, for a reader a program holds
    }
  }

  // A program's read() that had to wait.
  class PromiseRead {
    constructor(promise) { this.promise = promise; }
    chunk(value) { resolvePromise(this.promise, { value, done: false }); }
    close() { resolvePromise(this.promise, { value: undefined, done: true }); }
    error(reason) { rejectPromise(this.promise, reason); }
  }

  // ---- the controller's algorithms ----------------------------------------------------------

  const canCloseOrEnqueue = (c) => !c.closeRequested && c.stream.state === 'readable';

  function desiredSize(c) {
    const state = c.stream.state;
    if (state === 'errored') return null;
    if (state === 'closed') return 0;
    return c.highWaterMark - c.queue.total;
  }

  function shouldCallPull(c) {
    if (!canCloseOrEnqueue(c) || !c.started) return false;
    const reader = c.stream.reader;
    if (reader !== null && reader.requests.length > 0) return true;
    return desiredSize(c) > 0;
  }

  function callPullIfNeeded(c) {
    if (!shouldCallPull(c)) return;
    if (c.pulling) {
      c.pullAgain = true;
      return;
    }
    c.pulling = true;
    PromisePrototypeThen(c.pull(), () => {
      c.pulling = false;
      if (c.pullAgain) {
        c.pullAgain = false;
        callPullIfNeeded(c);
      }
    }, (error) => controllerError(c, error));
  }

  function clearAlgorithms(c) {
    c.pull = undefined;
    c.cancel = undefined;
    c.size = undefined;
  }

  function controllerClose(c) {
    if (!canCloseOrEnqueue(c)) return;
    c.closeRequested = true;
    if (c.queue.length === 0) {
      clearAlgorithms(c);
      streamClose(c.stream);
    }
  }

  function controllerEnqueue(c, chunk) {
    if (!canCloseOrEnqueue(c)) return;
    const stream = c.stream;
    const reader = stream.reader;
    if (reader !== null && reader.requests.length > 0) {
      reader.requests.dequeue().chunk(chunk);
    } else {
      try {
        c.queue.enqueue(chunk, c.size(chunk));
      } catch (error) {
        controllerError(c, error);
        throw error;
      }
    }
    callPullIfNeeded(c);
  }

  function controllerError(c, error) {
    if (c.stream.state !== 'readable') return;
    c.queue.reset();
    clearAlgorithms(c);
    streamError(c.stream, error);
  }

  // The controller's [[PullSteps]]: the next chunk to `request`, now if one is queued.
  function pullSteps(c, request) {
    if (c.queue.length > 0) {
      request.chunk(takeChunk(c));
      return;
    }
    c.stream.reader.requests.enqueue(request, 0);
    callPullIfNeeded(c);
  }

  // The queued chunk a read takes, closing the stream after the last one once close was asked.
  function takeChunk(c) {
    const chunk = c.queue.dequeue();
    if (c.closeRequested && c.queue.length === 0) {
      clearAlgorithms(c);
      streamClose(c.stream);
    } else {
      callPullIfNeeded(c);
    }
    return chunk;
  }

  function setUpController(stream, start, pull, cancel, highWaterMark, size) {
    const c = new Controller(stream, pull, cancel, highWaterMark, size);
    stream.controller = c;
    c.object = makeControllerObject(c);
    const started = start(c.object);
    PromisePrototypeThen(PromiseResolve(started), () => {
      c.started = true;
      callPullIfNeeded(c);
    }, (error) => controllerError(c, error));
    return c;
  }

  // ---- the stream's algorithms --------------------------------------------------------------

  function streamClose(stream) {
    stream.state = 'closed';
    const reader = stream.reader;
    if (reader === null) return;
    resolvePromise(reader.closed, undefined);
    const requests = reader.requests;
    reader.requests = new SizedQueue();
    while (requests.length > 0) requests.dequeue().close();
  }

  function streamError(stream, error) {
    stream.state = 'errored';
    stream.storedError = error;
    const reader = stream.reader;
    if (reader === null) return;
    rejectPromise(reader.closed, error);
    markHandled(reader.closed);
    errorRequests(reader, error);
  }

  function errorRequests(reader, error) {
    const requests = reader.requests;
    reader.requests = new SizedQueue();
    while (requests.length > 0) requests.dequeue().error(error);
  }

  function streamCancel(stream, reason) {
    stream.disturbed = true;
    if (stream.state === 'closed') return PromiseResolve(undefined);
    if (stream.state === 'errored') return PromiseReject(stream.storedError);
    streamClose(stream);
    const c = stream.controller;
    c.queue.reset();
    const cancel = c.cancel;
    clearAlgorithms(c);
    return PromisePrototypeThen(cancel(reason), ignore);
  }

  // ---- readers ------------------------------------------------------------------------------

  function acquireReader(stream) {
    if (stream.reader !== null) throw new TypeError('ReadableStream is locked to a reader');
    const reader = new Reader();
    reader.stream = stream;
    stream.reader = reader;
    if (stream.state === 'readable') {
      reader.closed = newPromise();
    } else if (stream.state === 'closed') {
      reader.closed = PromiseResolve(undefined);
    } else {
      reader.closed = rejectedHandled(stream.storedError);
    }
    return reader;
  }

  function read(reader, request) {
    const stream = reader.stream;
    stream.disturbed = true;
    if (stream.state === 'closed') request.close();
    else if (stream.state === 'errored') request.error(stream.storedError);
    else pullSteps(stream.controller, request);
  }

  function releaseReader(reader) {
    const stream = reader.stream;
    const error = new TypeError('the reader was released');
    if (stream.state === 'readable') rejectPromise(reader.closed, error);
    else reader.closed = PromiseReject(error);
    markHandled(reader.closed);
    stream.reader = null;
    reader.stream = null;
    errorRequests(reader, error);
  }

  // ---- the objects a program holds ----------------------------------------------------------

  // Only the runtime makes controllers and stream records: `INTERNAL` is never handed out.
  const INTERNAL = {};
  let stateOf; // the Readable of a ReadableStream, or null for anything else

  class ReadableStream {
    #stream;
    static { stateOf = (value) => (value !== null && typeof value === 'object' && #stream in value ? value.#stream : null); }

    constructor(underlyingSource = undefined, strategy = undefined) {
      const stream = new Readable();
      stream.stream = this;
      this.#stream = stream;
      if (underlyingSource === INTERNAL) return;
      const what = 'ReadableStream: the underlying source';
      checkUnderlying(underlyingSource, what);
      const s = strategyOf(strategy, 'ReadableStream');
      const cancel = methodOf(underlyingSource, 'cancel', what);
      const pull = methodOf(underlyingSource, 'pull', what);
      const start = methodOf(underlyingSource, 'start', what);
      const type = underlyingSource === undefined ? undefined : underlyingSource.type;
      let bytes = false;
      if (type !== undefined) {
        if (`${type}` !== 'bytes') throw new TypeError(`ReadableStream: '${type}' is not a valid type`);
        if (s.size !== undefined) throw new RangeError('ReadableStream: a byte stream\'s strategy cannot have a size');
        bytes = true;
      }
      const size = sizeOf(s);
      const highWaterMark = highWaterMarkOf(s, bytes ? 0 : 1);
      setUpController(
        stream,
        start === undefined ? noStart : (controller) => ReflectApply(start, underlyingSource, [controller]),
        pull === undefined ? nothing : () => promiseCall(pull, underlyingSource, [stream.controller.object]),
        cancel === undefined ? nothing : (reason) => promiseCall(cancel, underlyingSource, [reason]),
        highWaterMark, size,
      );
    }

    get locked() { return own(this).reader !== null; }

    cancel(reason = undefined) {
      const stream = stateOf(this);
      if (stream === null) return PromiseReject(new TypeError('ReadableStream.cancel: not a ReadableStream'));
      if (stream.reader !== null) return PromiseReject(new TypeError('ReadableStream.cancel: the stream is locked'));
      return streamCancel(stream, reason);
    }

    getReader(options = undefined) {
      const stream = own(this);
      if (options !== undefined && options !== null && typeof options !== 'object' && typeof options !== 'function')
        throw new TypeError('ReadableStream.getReader: options must be an object');
      const mode = options === undefined || options === null ? undefined : options.mode;
      if (mode !== undefined) {
        if (`${mode}` !== 'byob') throw new TypeError(`ReadableStream.getReader: '${mode}' is not a valid mode`);
        throw new TypeError('ReadableStream.getReader: BYOB readers are not supported');
      }
      return new ReadableStreamDefaultReader(this);
    }

    pipeThrough(transform, options = undefined) {
      own(this);
      dispatch.load('nexus:web-pipe');
      return dispatch.webPipeThrough(this, transform, options);
    }

    pipeTo(destination, options = undefined) {
      if (stateOf(this) === null) return PromiseReject(new TypeError('ReadableStream.pipeTo: not a ReadableStream'));
      dispatch.load('nexus:web-pipe');
      return dispatch.webPipeTo(this, destination, options);
    }

    tee() {
      const branches = tee(own(this));
      return [branches[0].stream, branches[1].stream];
    }

    values(options = undefined) {
      const stream = own(this);
      if (options !== undefined && options !== null && typeof options !== 'object' && typeof options !== 'function')
        throw new TypeError('ReadableStream.values: options must be an object');
      const preventCancel = options === undefined || options === null ? false : !!options.preventCancel;
      return makeIterator(acquireReader(stream), preventCancel);
    }

    static from(asyncIterable) { return fromIterable(asyncIterable).stream; }
  }

  function own(stream) {
    const state = stateOf(stream);
    if (state === null) throw new TypeError('not a ReadableStream');
    return state;
  }

  ObjectDefineProperty(ReadableStream.prototype, SymbolAsyncIterator, {
    __proto__: null, value: ReadableStream.prototype.values, writable: true, configurable: true,
  });

  let makeControllerObject;
  class ReadableStreamDefaultController {
    #c;
    static {
      makeControllerObject = (c) => {
        const object = new ReadableStreamDefaultController(INTERNAL);
        object.#c = c;
        return object;
      };
    }

    constructor(token = undefined) {
      if (token !== INTERNAL) throw new TypeError('ReadableStreamDefaultController: illegal constructor');
    }

    get desiredSize() { return desiredSize(this.#c); }

    close() {
      const c = this.#c;
      if (!canCloseOrEnqueue(c)) throw new TypeError('ReadableStreamDefaultController.close: the stream is closed or closing');
      controllerClose(c);
    }

    enqueue(chunk = undefined) {
      const c = this.#c;
      if (!canCloseOrEnqueue(c)) throw new TypeError('ReadableStreamDefaultController.enqueue: the stream is closed or closing');
      controllerEnqueue(c, chunk);
    }

    error(e = undefined) { controllerError(this.#c, e); }
  }

  let readerOf; // the Reader of a ReadableStreamDefaultReader, or null
  class ReadableStreamDefaultReader {
    #reader;
    static { readerOf = (value) => (value !== null && typeof value === 'object' && #reader in value ? value.#reader : null); }

    constructor(stream) {
      const reader = acquireReader(own(stream));
      reader.object = this;
      this.#reader = reader;
    }

    get closed() {
      const reader = readerOf(this);
      if (reader === null) return PromiseReject(new TypeError('not a ReadableStreamDefaultReader'));
      return reader.closed;
    }

    read() {
      const reader = readerOf(this);
      if (reader === null) return PromiseReject(new TypeError('not a ReadableStreamDefaultReader'));
      const stream = reader.stream;
      if (stream === null) return PromiseReject(new TypeError('ReadableStreamDefaultReader.read: the reader was released'));
      const c = stream.controller;
      if (stream.state === 'readable' && c.queue.length > 0) {
        stream.disturbed = true;
        return PromiseResolve({ value: takeChunk(c), done: false });
      }
      const promise = newPromise();
      read(reader, new PromiseRead(promise));
      return promise;
    }

    releaseLock() {
      const reader = this.#reader;
      if (reader.stream !== null) releaseReader(reader);
    }

    cancel(reason = undefined) {
      const reader = readerOf(this);
      if (reader === null) return PromiseReject(new TypeError('not a ReadableStreamDefaultReader'));
      if (reader.stream === null) return PromiseReject(new TypeError('ReadableStreamDefaultReader.cancel: the reader was released'));
      return streamCancel(reader.stream, reason);
    }
  }

  // ---- streams the runtime makes ------------------------------------------------------------

  // The spec's CreateReadableStream: a stream whose controller runs the given algorithms.
  function create(start, pull, cancel, highWaterMark = 1, size = () => 1) {
    const stream = stateOf(new ReadableStream(INTERNAL));
    setUpController(stream, start, pull, cancel, highWaterMark, size);
    return stream;
  }

  const microtask = (fn) => { PromisePrototypeThen(PromiseResolve(undefined), fn); };

  // The spec's ReadableStreamDefaultTee: two branches that each see every chunk; the source is
  // cancelled once both are, with both reasons.
  function tee(stream) {
    const reader = acquireReader(stream);
    let reading = false;
    let readAgain = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1;
    let reason2;
    const cancelled = newPromise();
    const request = {
      chunk(value) {
        microtask(() => {
          readAgain = false;
          if (!canceled1) controllerEnqueue(branch1.controller, value);
          if (!canceled2) controllerEnqueue(branch2.controller, value);
          reading = false;
          if (readAgain) pull();
        });
      },
      close() {
        reading = false;
        if (!canceled1) controllerClose(branch1.controller);
        if (!canceled2) controllerClose(branch2.controller);
        if (!canceled1 || !canceled2) resolvePromise(cancelled, undefined);
      },
      error() { reading = false; },
    };
    const pull = () => {
      if (reading) {
        readAgain = true;
      } else {
        reading = true;
        read(reader, request);
      }
      return PromiseResolve(undefined);
    };
    const cancelBoth = () => PromisePrototypeThen(streamCancel(stream, [reason1, reason2]),
      () => resolvePromise(cancelled, undefined), (error) => rejectPromise(cancelled, error));
    const branch1 = create(noStart, pull, (reason) => {
      canceled1 = true;
      reason1 = reason;
      if (canceled2) cancelBoth();
      return cancelled;
    });
    const branch2 = create(noStart, pull, (reason) => {
      canceled2 = true;
      reason2 = reason;
      if (canceled1) cancelBoth();
      return cancelled;
    });
    PromisePrototypeThen(reader.closed, undefined, (error) => {
      controllerError(branch1.controller, error);
      controllerError(branch2.controller, error);
      if (!canceled1 || !canceled2) resolvePromise(cancelled, undefined);
    });
    return [branch1, branch2];
  }

  // The spec's ReadableStreamFromIterable: an async iterable's values, or a sync iterable's
  // (each awaited, as an async-from-sync iterator does), pulled one at a time.
  function fromIterable(iterable) {
    if (iterable === null || iterable === undefined) throw new TypeError('ReadableStream.from: expected an iterable');
    let method = iterable[SymbolAsyncIterator];
    let sync = false;
    if (method === undefined || method === null) {
      method = iterable[SymbolIterator];
      sync = true;
    }
    if (typeof method !== 'function') throw new TypeError('ReadableStream.from: the argument is not iterable');
    const iterator = ReflectApply(method, iterable, []);
    if (iterator === null || (typeof iterator !== 'object' && typeof iterator !== 'function')) throw new TypeError('ReadableStream.from: the iterator is not an object');
    const next = iterator.next;
    let stream;
    const take = (result) => {
      if (result === null || (typeof result !== 'object' && typeof result !== 'function')) throw new TypeError('ReadableStream.from: the iterator result is not an object');
      if (result.done) {
        controllerClose(stream.controller);
        return undefined;
      }
      const value = result.value;
      if (!sync) return controllerEnqueue(stream.controller, value);
      return PromisePrototypeThen(PromiseResolve(value), (v) => controllerEnqueue(stream.controller, v));
    };
    const pull = () => {
      let result;
      try {
        result = ReflectApply(next, iterator, []);
      } catch (error) {
        return PromiseReject(error);
      }
      if (sync) {
        try {
          return PromiseResolve(take(result));
        } catch (error) {
          return PromiseReject(error);
        }
      }
      return PromisePrototypeThen(PromiseResolve(result), take);
    };
    const cancel = (reason) => {
      let ret;
      try {
        ret = iterator.return;
        if (ret === undefined || ret === null) return PromiseResolve(undefined);
        if (typeof ret !== 'function') throw new TypeError('ReadableStream.from: the iterator\'s return is not a function');
        const result = ReflectApply(ret, iterator, [reason]);
        return PromisePrototypeThen(PromiseResolve(result), (r) => {
          if (r === null || (typeof r !== 'object' && typeof r !== 'function')) throw new TypeError('ReadableStream.from: the iterator\'s return gave no object');
        });
      } catch (error) {
        return PromiseReject(error);
      }
    };
    stream = create(noStart, pull, cancel, 0);
    return stream;
  }

  // ---- async iteration ----------------------------------------------------------------------

  const AsyncIteratorPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf(async function* () {}.prototype));
  const DONE = { value: undefined, done: true };

  // WebIDL's async iterator over a stream: next() calls run one after another; a chunk already
  // queued, with no call outstanding, is answered at once (one promise per read).
  let makeIterator;
  class ReadableStreamAsyncIterator {
    #reader;
    #preventCancel;
    #ongoing = null;
    #finished = false;
    static {
      makeIterator = (reader, preventCancel) => {
        const iterator = new ReadableStreamAsyncIterator(INTERNAL);
        iterator.#reader = reader;
        iterator.#preventCancel = preventCancel;
        return iterator;
      };
    }

    constructor(token) {
      if (token !== INTERNAL) throw new TypeError('illegal constructor');
    }

    next() {
      if (!(#reader in this)) return PromiseReject(new TypeError('next: not a ReadableStream async iterator'));
      if (this.#ongoing === null && !this.#finished) {
        const stream = this.#reader.stream;
        if (stream !== null && stream.state === 'readable' && stream.controller.queue.length > 0) {
          stream.disturbed = true;
          return PromiseResolve({ value: takeChunk(stream.controller), done: false });
        }
      }
      const step = () => this.#nextSteps();
      this.#ongoing = this.#ongoing === null ? step() : PromisePrototypeThen(this.#ongoing, step, step);
      return this.#ongoing;
    }

    #nextSteps() {
      if (this.#finished) return PromiseResolve({ value: undefined, done: true });
      const reader = this.#reader;
      const promise = newPromise();
      if (reader.stream === null) {
        rejectPromise(promise, new TypeError('the iterator\'s reader was released'));
      } else {
        read(reader, {
          chunk: (value) => resolvePromise(promise, value),
          close: () => {
            releaseReader(reader);
            resolvePromise(promise, DONE);
          },
          error: (error) => {
            releaseReader(reader);
            rejectPromise(promise, error);
          },
        });
      }
      return PromisePrototypeThen(promise, (value) => {
        this.#ongoing = null;
        if (value === DONE) {
          this.#finished = true;
          return { value: undefined, done: true };
        }
        return { value, done: false };
      }, (error) => {
        this.#ongoing = null;
        this.#finished = true;
        throw error;
      });
    }

    return(value = undefined) {
      if (!(#reader in this)) return PromiseReject(new TypeError('return: not a ReadableStream async iterator'));
      const step = () => this.#returnSteps(value);
      this.#ongoing = this.#ongoing === null ? step() : PromisePrototypeThen(this.#ongoing, step, step);
      return PromisePrototypeThen(this.#ongoing, () => ({ value, done: true }));
    }

    #returnSteps(value) {
      if (this.#finished) return PromiseResolve(undefined);
      this.#finished = true;
      const reader = this.#reader;
      if (reader.stream === null) return PromiseResolve(undefined);
      if (!this.#preventCancel) {
        const result = streamCancel(reader.stream, value);
        releaseReader(reader);
        return result;
      }
      releaseReader(reader);
      return PromiseResolve(undefined);
    }
  }
  ObjectSetPrototypeOf(ReadableStreamAsyncIterator.prototype, AsyncIteratorPrototype);

  tag(ReadableStream, 'ReadableStream');
  tag(ReadableStreamDefaultController, 'ReadableStreamDefaultController');
  tag(ReadableStreamDefaultReader, 'ReadableStreamDefaultReader');

  dispatch.webReadable = {
    stateOf, create, acquireReader, read, releaseReader, streamCancel,
    controllerClose, controllerEnqueue, controllerError, canCloseOrEnqueue, desiredSize,
    hasBackpressure: (c) => !shouldCallPull(c),
  };

  dispatch.defineGlobals({ ReadableStream, ReadableStreamDefaultController, ReadableStreamDefaultReader });
});
