// The WHATWG WritableStream (https://streams.spec.whatwg.org/#ws-class) with its default writer
// and controller.
//
// As in web_readable.js, a stream's state is a `Writable` record apart from the object a program
// holds; web_pipe.js and web_transform.js run the spec's algorithms on records through
// dispatch.webWritable. Invariants: one sink write or close is in flight at a time, in queue
// order; a writer's `ready` is pending exactly while the stream is writable with backpressure;
// the sink's abort runs only once no write or close is in flight.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    PromisePrototypeThen, PromiseReject, PromiseResolve, RangeError, ReflectApply, TypeError,
  } = primordials;

  dispatch.load('nexus:promises');
  dispatch.load('nexus:web-common');
  dispatch.load('nexus:abort');
  const { newPromise, resolvePromise, rejectPromise } = dispatch;
  const {
    SizedQueue, strategyOf, highWaterMarkOf, sizeOf, checkUnderlying, methodOf, promiseCall, markHandled,
    rejectedHandled, tag, noStart, nothing,
  } = dispatch.webCommon;
  const { AbortController } = dispatch.abort;

  // What the queue holds for a close, after every write.
  const CLOSE = {};

  // ---- records ------------------------------------------------------------------------------

  class Writable {
    constructor() {
      this.state = 'writable';
      this.storedError = undefined;
      this.writer = null;
      this.controller = null;
      this.inFlightWrite = null;
      this.closeRequest = null;
      this.inFlightClose = null;
      this.pendingAbort = null; // { promise, reason, wasAlreadyErroring }
      this.writeRequests = new SizedQueue();
      this.backpressure = false;
      this.stream = null; // the WritableStream a program holds
    }
  }

  class Controller {
    constructor(stream, write, close, abort, highWaterMark, size) {
      this.stream = stream;
      this.queue = new SizedQueue();
      this.started = false;
      this.write = write;
      this.close = close;
      this.abort = abort;
      this.highWaterMark = highWaterMark;
      this.size = size;
      this.abortController = new AbortController();
      this.object = null;
    }
  }

  // Its promises with whether each is still pending, which the spec's "ensure rejected" needs.
  class Writer {
    constructor() {
      this.stream = null;
      this.ready = null;
      this.readyPending = false;
      this.closed = null;
      this.closedPending = false;
      this.object = null;
    }
  }

  // ---- the stream's algorithms --------------------------------------------------------------

  const closeQueuedOrInFlight = (w) => w.closeRequest !== null || w.inFlightClose !== null;
  const operationInFlight = (w) => w.inFlightWrite !== null || w.inFlightClose !== null;

  function streamAbort(w, reason) {
    if (w.state === 'closed' || w.state === 'errored') return PromiseResolve(undefined);
    w.controller.abortController.abort(reason);
    const state = w.state;
    if (state === 'closed' || state === 'errored') return PromiseResolve(undefined);
    if (w.pendingAbort !== null) return w.pendingAbort.promise;
    const wasAlreadyErroring = state === 'erroring';
    const promise = newPromise();
    w.pendingAbort = { promise, reason: wasAlreadyErroring ? undefined : reason, wasAlreadyErroring };
    if (!wasAlreadyErroring) startErroring(w, reason);
    return promise;
  }

  function streamClose(w) {
    const state = w.state;
    if (state === 'closed' || state === 'errored') return PromiseReject(new TypeError(`the WritableStream is ${state}`));
    const promise = newPromise();
    w.closeRequest = promise;
    const writer = w.writer;
    if (writer !== null && w.backpressure && state === 'writable') resolveReady(writer);
    w.controller.queue.enqueue(CLOSE, 0);
    advanceQueueIfNeeded(w.controller);
    return promise;
  }

  function dealWithRejection(w, error) {
    if (w.state === 'writable') startErroring(w, error);
    else finishErroring(w);
  }

  function startErroring(w, reason) {
    const c = w.controller;
    w.state = 'erroring';
    w.storedError = reason;
    if (w.writer !== null) ensureReadyRejected(w.writer, reason);
    if (!operationInFlight(w) && c.started) finishErroring(w);
  }

  function finishErroring(w) {
    w.state = 'errored';
    w.controller.queue.reset();
    const error = w.storedError;
    const requests = w.writeRequests;
    w.writeRequests = new SizedQueue();
    while (requests.length > 0) rejectPromise(requests.dequeue(), error);
    const abort = w.pendingAbort;
    if (abort === null) {
      rejectCloseAndClosed(w);
      return;
    }
    w.pendingAbort = null;
    if (abort.wasAlreadyErroring) {
      rejectPromise(abort.promise, error);
      rejectCloseAndClosed(w);
      return;
    }
    const c = w.controller;
    const sinkAbort = c.abort;
    clearAlgorithms(c);
    PromisePrototypeThen(sinkAbort(abort.reason), () => {
      resolvePromise(abort.promise, undefined);
      rejectCloseAndClosed(w);
    }, (reason) => {
      rejectPromise(abort.promise, reason);
      rejectCloseAndClosed(w);
    });
  }

  function finishInFlightWrite(w) {
    resolvePromise(w.inFlightWrite, undefined);
    w.inFlightWrite = null;
  }

  function finishInFlightWriteWithError(w, error) {
    rejectPromise(w.inFlightWrite, error);
    w.inFlightWrite = null;
    dealWithRejection(w, error);
  }

  function finishInFlightClose(w) {
    resolvePromise(w.inFlightClose, undefined);
    w.inFlightClose = null;
    if (w.state === 'erroring') {
      w.storedError = undefined;
      if (w.pendingAbort !== null) {
        resolvePromise(w.pendingAbort.promise, undefined);
        w.pendingAbort = null;
      }
    }
    w.state = 'closed';
    if (w.writer !== null) {
      resolvePromise(w.writer.closed, undefined);
      w.writer.closedPending = false;
    }
  }

  function finishInFlightCloseWithError(w, error) {
    rejectPromise(w.inFlightClose, error);
    w.inFlightClose = null;
    if (w.pendingAbort !== null) {
      rejectPromise(w.pendingAbort.promise, error);
      w.pendingAbort = null;
    }
    dealWithRejection(w, error);
  }

  function rejectCloseAndClosed(w) {
    if (w.closeRequest !== null) {
      rejectPromise(w.closeRequest, w.storedError);
      w.closeRequest = null;
    }
    const writer = w.writer;
    if (writer !== null) {
      rejectPromise(writer.closed, w.storedError);
      writer.closedPending = false;
      markHandled(writer.closed);
    }
  }

  function updateBackpressure(w, backpressure) {
    const writer = w.writer;
    if (writer !== null && backpressure !== w.backpressure) {
      if (backpressure) {
        writer.ready = newPromise();
        writer.readyPending = true;
      } else {
        resolveReady(writer);
      }
    }
    w.backpressure = backpressure;
  }

  // ---- writers ------------------------------------------------------------------------------

  function resolveReady(writer) {
    resolvePromise(writer.ready, undefined);
    writer.readyPending = false;
  }

  function ensureReadyRejected(writer, error) {
    if (writer.readyPending) rejectPromise(writer.ready, error);
    else writer.ready = PromiseReject(error);
    writer.readyPending = false;
    markHandled(writer.ready);
  }

  function ensureClosedRejected(writer, error) {
    if (writer.closedPending) rejectPromise(writer.closed, error);
    else writer.closed = PromiseReject(error);
    writer.closedPending = false;
    markHandled(writer.closed);
  }

  function acquireWriter(w) {
    if (w.writer !== null) throw new TypeError('WritableStream is locked to a writer');
    const writer = new Writer();
    writer.stream = w;
    w.writer = writer;
    const state = w.state;
    if (state === 'writable') {
      if (!closeQueuedOrInFlight(w) && w.backpressure) {
        writer.ready = newPromise();
        writer.readyPending = true;
      } else {
        writer.ready = PromiseResolve(undefined);
      }
      writer.closed = newPromise();
      writer.closedPending = true;
    } else if (state === 'erroring') {
      writer.ready = rejectedHandled(w.storedError);
      writer.closed = newPromise();
      writer.closedPending = true;
    } else if (state === 'closed') {
      writer.ready = PromiseResolve(undefined);
      writer.closed = PromiseResolve(undefined);
    } else {
      writer.ready = rejectedHandled(w.storedError);
      writer.closed = rejectedHandled(w.storedError);
    }
    return writer;
  }

  function releaseWriter(writer) {
    const error = new TypeError('the writer was released');
    ensureReadyRejected(writer, error);
    ensureClosedRejected(writer, error);
    writer.stream.writer = null;
    writer.stream = null;
  }

  function writerDesiredSize(writer) {
    const w = writer.stream;
    if (w.state === 'errored' || w.state === 'erroring') return null;
    if (w.state === 'closed') return 0;
    return w.controller.highWaterMark - w.controller.queue.total;
  }

  function writerWrite(writer, chunk) {
    const w = writer.stream;
    const c = w.controller;
    const size = chunkSize(c, chunk);
    if (w !== writer.stream) return PromiseReject(new TypeError('the writer was released'));
    const state = w.state;
    if (state === 'errored') return PromiseReject(w.storedError);
    if (closeQueuedOrInFlight(w) || state === 'closed') return PromiseReject(new TypeError('the WritableStream is closing or closed'));
    if (state === 'erroring') return PromiseReject(w.storedError);
    const promise = newPromise();
    w.writeRequests.enqueue(promise, 0);
    controllerWrite(c, chunk, size);
    return promise;
  }

  function closeWithErrorPropagation(writer) {
    const w = writer.stream;
    if (closeQueuedOrInFlight(w) || w.state === 'closed') return PromiseResolve(undefined);
    if (w.state === 'errored') return PromiseReject(w.storedError);
    return streamClose(w);
  }

  // ---- the controller's algorithms ----------------------------------------------------------

  function setUpController(w, start, write, close, abort, highWaterMark, size) {
    const c = new Controller(w, write, close, abort, highWaterMark, size);
    w.controller = c;
    c.object = makeControllerObject(c);
    updateBackpressure(w, backpressureOf(c));
    const started = start(c.object);
    PromisePrototypeThen(PromiseResolve(started), () => {
      c.started = true;
      advanceQueueIfNeeded(c);
    }, (error) => {
      c.started = true;
      dealWithRejection(w, error);
    });
    return c;
  }

  const backpressureOf = (c) => c.highWaterMark - c.queue.total <= 0;

  function clearAlgorithms(c) {
    c.write = undefined;
    c.close = undefined;
    c.abort = undefined;
    c.size = undefined;
  }

  function chunkSize(c, chunk) {
    if (c.size === undefined) return 1;
    try {
      return c.size(chunk);
    } catch (error) {
      errorIfNeeded(c, error);
      return 1;
    }
  }

  function controllerWrite(c, chunk, size) {
    try {
      c.queue.enqueue(chunk, size);
    } catch (error) {
      errorIfNeeded(c, error);
      return;
    }
    const w = c.stream;
    if (!closeQueuedOrInFlight(w) && w.state === 'writable') updateBackpressure(w, backpressureOf(c));
    advanceQueueIfNeeded(c);
  }

  function advanceQueueIfNeeded(c) {
    const w = c.stream;
    if (!c.started || w.inFlightWrite !== null) return;
    if (w.state === 'erroring') {
      finishErroring(w);
      return;
    }
    if (c.queue.length === 0) return;
    const value = c.queue.peek();
    if (value === CLOSE) processClose(c);
    else processWrite(c, value);
  }

  function errorIfNeeded(c, error) {
    if (c.stream.state === 'writable') controllerError(c, error);
  }

  function controllerError(c, error) {
    clearAlgorithms(c);
    startErroring(c.stream, error);
  }

  function processClose(c) {
    const w = c.stream;
    w.inFlightClose = w.closeRequest;
    w.closeRequest = null;
    c.queue.dequeue();
    const close = c.close;
    clearAlgorithms(c);
    PromisePrototypeThen(close(), () => finishInFlightClose(w), (reason) => finishInFlightCloseWithError(w, reason));
  }

  function processWrite(c, chunk) {
    const w = c.stream;
    w.inFlightWrite = w.writeRequests.dequeue();
    PromisePrototypeThen(c.write(chunk), () => {
      finishInFlightWrite(w);
      c.queue.dequeue();
      if (!closeQueuedOrInFlight(w) && w.state === 'writable') updateBackpressure(w, backpressureOf(c));
      advanceQueueIfNeeded(c);
    }, (reason) => {
      if (w.state === 'writable') clearAlgorithms(c);
      finishInFlightWriteWithError(w, reason);
    });
  }

  // ---- the objects a program holds ----------------------------------------------------------

  const INTERNAL = {};
  let stateOf; // the Writable of a WritableStream, or null for anything else

  class WritableStream {
    #stream;
    static { stateOf = (value) => (value !== null && typeof value === 'object' && #stream in value ? value.#stream : null); }

    constructor(underlyingSink = undefined, strategy = undefined) {
      const w = new Writable();
      w.stream = this;
      this.#stream = w;
      if (underlyingSink === INTERNAL) return;
      const what = 'WritableStream: the underlying sink';
      checkUnderlying(underlyingSink, what);
      const s = strategyOf(strategy, 'WritableStream');
      const abort = methodOf(underlyingSink, 'abort', what);
      const close = methodOf(underlyingSink, 'close', what);
      const start = methodOf(underlyingSink, 'start', what);
      const type = underlyingSink === undefined ? undefined : underlyingSink.type;
      const write = methodOf(underlyingSink, 'write', what);
      if (type !== undefined) throw new RangeError('WritableStream: the underlying sink\'s type must be undefined');
      const size = sizeOf(s);
      const highWaterMark = highWaterMarkOf(s, 1);
      setUpController(
        w,
        start === undefined ? noStart : (controller) => ReflectApply(start, underlyingSink, [controller]),
        write === undefined ? nothing : (chunk) => promiseCall(write, underlyingSink, [chunk, w.controller.object]),
        close === undefined ? nothing : () => promiseCall(close, underlyingSink, []),
        abort === undefined ? nothing : (reason) => promiseCall(abort, underlyingSink, [reason]),
        highWaterMark, size,
      );
    }

    get locked() { return own(this).writer !== null; }

    abort(reason = undefined) {
      const w = stateOf(this);
      if (w === null) return PromiseReject(new TypeError('WritableStream.abort: not a WritableStream'));
      if (w.writer !== null) return PromiseReject(new TypeError('WritableStream.abort: the stream is locked'));
      return streamAbort(w, reason);
    }

    close() {
      const w = stateOf(this);
      if (w === null) return PromiseReject(new TypeError('WritableStream.close: not a WritableStream'));
      if (w.writer !== null) return PromiseReject(new TypeError('WritableStream.close: the stream is locked'));
      if (closeQueuedOrInFlight(w)) return PromiseReject(new TypeError('WritableStream.close: the stream is closing'));
      return streamClose(w);
    }

    getWriter() { return new WritableStreamDefaultWriter(this); }
  }

  function own(stream) {
    const w = stateOf(stream);
    if (w === null) throw new TypeError('not a WritableStream');
    return w;
  }

  let makeControllerObject;
  class WritableStreamDefaultController {
    #c;
    static {
      makeControllerObject = (c) => {
        const object = new WritableStreamDefaultController(INTERNAL);
        object.#c = c;
        return object;
      };
    }

    constructor(token = undefined) {
      if (token !== INTERNAL) throw new TypeError('WritableStreamDefaultController: illegal constructor');
    }

    get signal() { return this.#c.abortController.signal; }

    error(e = undefined) {
      const c = this.#c;
      if (c.stream.state === 'writable') controllerError(c, e);
    }
  }

  let writerOf; // the Writer of a WritableStreamDefaultWriter, or null
  class WritableStreamDefaultWriter {
    #writer;
    static { writerOf = (value) => (value !== null && typeof value === 'object' && #writer in value ? value.#writer : null); }

    constructor(stream) {
      const writer = acquireWriter(own(stream));
      writer.object = this;
      this.#writer = writer;
    }

    get closed() {
      const writer = writerOf(this);
      if (writer === null) return PromiseReject(new TypeError('not a WritableStreamDefaultWriter'));
      return writer.closed;
    }

    get desiredSize() {
      const writer = this.#writer;
      if (writer.stream === null) throw new TypeError('WritableStreamDefaultWriter.desiredSize: the writer was released');
      return writerDesiredSize(writer);
    }

    get ready() {
      const writer = writerOf(this);
      if (writer === null) return PromiseReject(new TypeError('not a WritableStreamDefaultWriter'));
      return writer.ready;
    }

    abort(reason = undefined) {
      const writer = writerOf(this);
      if (writer === null) return PromiseReject(new TypeError('not a WritableStreamDefaultWriter'));
      if (writer.stream === null) return PromiseReject(new TypeError('WritableStreamDefaultWriter.abort: the writer was released'));
      return streamAbort(writer.stream, reason);
    }

    close() {
      const writer = writerOf(this);
      if (writer === null) return PromiseReject(new TypeError('not a WritableStreamDefaultWriter'));
      const w = writer.stream;
      if (w === null) return PromiseReject(new TypeError('WritableStreamDefaultWriter.close: the writer was released'));
      if (closeQueuedOrInFlight(w)) return PromiseReject(new TypeError('WritableStreamDefaultWriter.close: the stream is closing'));
      return streamClose(w);
    }

    releaseLock() {
      const writer = this.#writer;
      if (writer.stream !== null) releaseWriter(writer);
    }

    write(chunk = undefined) {
      const writer = writerOf(this);
      if (writer === null) return PromiseReject(new TypeError('not a WritableStreamDefaultWriter'));
      if (writer.stream === null) return PromiseReject(new TypeError('WritableStreamDefaultWriter.write: the writer was released'));
      return writerWrite(writer, chunk);
    }
  }

  tag(WritableStream, 'WritableStream');
  tag(WritableStreamDefaultController, 'WritableStreamDefaultController');
  tag(WritableStreamDefaultWriter, 'WritableStreamDefaultWriter');

  // The spec's CreateWritableStream: a stream whose controller runs the given algorithms.
  function create(start, write, close, abort, highWaterMark = 1, size = () => 1) {
    const w = stateOf(new WritableStream(INTERNAL));
    setUpController(w, start, write, close, abort, highWaterMark, size);
    return w;
  }

  dispatch.webWritable = {
    stateOf, create, acquireWriter, releaseWriter, writerWrite, closeWithErrorPropagation, streamAbort,
    closeQueuedOrInFlight, errorIfNeeded,
  };

  dispatch.defineGlobals({ WritableStream, WritableStreamDefaultController, WritableStreamDefaultWriter });
});
