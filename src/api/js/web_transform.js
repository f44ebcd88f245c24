// The WHATWG TransformStream (https://streams.spec.whatwg.org/#ts-class) and its default
// controller: a writable side whose chunks a transformer turns into the readable side's.
//
// Invariants: a write reaches transform() only while the readable side wants chunks (the
// `backpressure` flag, with a promise that settles when it changes); flush, cancel and abort run
// at most once between them (`finish`); an error on one side errors the other.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const { PromisePrototypeThen, PromiseReject, PromiseResolve, RangeError, ReflectApply, TypeError } = primordials;

  dispatch.load('nexus:promises');
  dispatch.load('nexus:web-common');
  dispatch.load('nexus:web-readable');
  dispatch.load('nexus:web-writable');
  const { newPromise, resolvePromise, rejectPromise } = dispatch;
  const { strategyOf, highWaterMarkOf, sizeOf, checkUnderlying, methodOf, promiseCall, tag, nothing } = dispatch.webCommon;
  const readable = dispatch.webReadable;
  const writable = dispatch.webWritable;

  class Transform {
    constructor() {
      this.readable = null;
      this.writable = null;
      this.backpressure = undefined;
      this.backpressureChange = null;
      this.transform = undefined;
      this.flush = undefined;
      this.cancel = undefined;
      this.finish = null; // the promise of the one flush, cancel or abort
      this.object = null;
    }
  }

  // `promise` settled as `value` (a promise or not) settles.
  function settleAs(promise, value) {
    PromisePrototypeThen(PromiseResolve(value), (v) => resolvePromise(promise, v), (e) => rejectPromise(promise, e));
  }

  function setBackpressure(t, backpressure) {
    if (t.backpressureChange !== null) resolvePromise(t.backpressureChange, undefined);
    t.backpressureChange = newPromise();
    t.backpressure = backpressure;
  }

  function clearAlgorithms(t) {
    t.transform = undefined;
    t.flush = undefined;
    t.cancel = undefined;
  }

  function error(t, e) {
    readable.controllerError(t.readable.controller, e);
    errorWritableAndUnblockWrite(t, e);
  }

  function errorWritableAndUnblockWrite(t, e) {
    clearAlgorithms(t);
    writable.errorIfNeeded(t.writable.controller, e);
    if (t.backpressure) setBackpressure(t, false);
  }

  function enqueue(t, chunk) {
    const c = t.readable.controller;
    if (!readable.canCloseOrEnqueue(c)) throw new TypeError('TransformStream: the readable side is closed or errored');
    try {
      readable.controllerEnqueue(c, chunk);
    } catch (e) {
      errorWritableAndUnblockWrite(t, e);
      throw t.readable.storedError;
    }
    if (readable.hasBackpressure(c) && !t.backpressure) setBackpressure(t, true);
  }

  function terminate(t) {
    readable.controllerClose(t.readable.controller);
    errorWritableAndUnblockWrite(t, new TypeError('the TransformStream was terminated'));
  }

  function performTransform(t, chunk) {
    return PromisePrototypeThen(t.transform(chunk), undefined, (reason) => {
      error(t, reason);
      throw reason;
    });
  }

  // ---- the writable side's algorithms -------------------------------------------------------

  function sinkWrite(t, chunk) {
    if (!t.backpressure) return performTransform(t, chunk);
    return PromisePrototypeThen(t.backpressureChange, () => {
      if (t.writable.state === 'erroring') throw t.writable.storedError;
      return performTransform(t, chunk);
    });
  }

  // Runs the one finishing algorithm; `then` and `fail` settle `finish` from its outcome.
  function finishWith(t, algorithm, argument, then, fail) {
    if (t.finish !== null) return t.finish;
    const finish = newPromise();
    t.finish = finish;
    const run = algorithm === undefined ? PromiseResolve(undefined) : algorithm(argument);
    clearAlgorithms(t);
    PromisePrototypeThen(run, () => then(finish), (reason) => fail(finish, reason));
    return finish;
  }

  function sinkAbort(t, reason) {
    const rs = t.readable;
    return finishWith(t, t.cancel, reason, (finish) => {
      if (rs.state === 'errored') {
        rejectPromise(finish, rs.storedError);
      } else {
        readable.controllerError(rs.controller, reason);
        resolvePromise(finish, undefined);
      }
    }, (finish, r) => {
      readable.controllerError(rs.controller, r);
      rejectPromise(finish, r);
    });
  }

  function sinkClose(t) {
    const rs = t.readable;
    return finishWith(t, t.flush, undefined, (finish) => {
      if (rs.state === 'errored') {
        rejectPromise(finish, rs.storedError);
      } else {
        readable.controllerClose(rs.controller);
        resolvePromise(finish, undefined);
      }
    }, (finish, r) => {
      readable.controllerError(rs.controller, r);
      rejectPromise(finish, r);
    });
  }

  // ---- the readable side's algorithms -------------------------------------------------------

  function sourcePull(t) {
    setBackpressure(t, false);
    return t.backpressureChange;
  }

  function sourceCancel(t, reason) {
    const ws = t.writable;
    return finishWith(t, t.cancel, reason, (finish) => {
      if (ws.state === 'errored') {
        rejectPromise(finish, ws.storedError);
      } else {
        writable.errorIfNeeded(ws.controller, reason);
        if (t.backpressure) setBackpressure(t, false);
        resolvePromise(finish, undefined);
      }
    }, (finish, r) => {
      writable.errorIfNeeded(ws.controller, r);
      if (t.backpressure) setBackpressure(t, false);
      rejectPromise(finish, r);
    });
  }

  // ---- the objects a program holds ----------------------------------------------------------

  const INTERNAL = {};

  class TransformStream {
    #t;

    constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
      const what = 'TransformStream: the transformer';
      checkUnderlying(transformer, what);
      const ws = strategyOf(writableStrategy, 'TransformStream');
      const rs = strategyOf(readableStrategy, 'TransformStream');
      const cancel = methodOf(transformer, 'cancel', what);
      const flush = methodOf(transformer, 'flush', what);
      const readableType = transformer === undefined ? undefined : transformer.readableType;
      const start = methodOf(transformer, 'start', what);
      const transform = methodOf(transformer, 'transform', what);
      const writableType = transformer === undefined ? undefined : transformer.writableType;
      if (readableType !== undefined) throw new RangeError('TransformStream: readableType must be undefined');
      if (writableType !== undefined) throw new RangeError('TransformStream: writableType must be undefined');
      const readableHighWaterMark = highWaterMarkOf(rs, 0);
      const readableSize = sizeOf(rs);
      const writableHighWaterMark = highWaterMarkOf(ws, 1);
      const writableSize = sizeOf(ws);

      const t = new Transform();
      this.#t = t;
      const started = newPromise();
      const startAlgorithm = () => started;
      t.writable = writable.create(startAlgorithm, (chunk) => sinkWrite(t, chunk), () => sinkClose(t),
        (reason) => sinkAbort(t, reason), writableHighWaterMark, writableSize);
      t.readable = readable.create(startAlgorithm, () => sourcePull(t), (reason) => sourceCancel(t, reason),
        readableHighWaterMark, readableSize);
      setBackpressure(t, true);
      t.object = makeControllerObject(t);
      t.transform = transform === undefined
        ? (chunk) => {
          try {
            enqueue(t, chunk);
            return PromiseResolve(undefined);
          } catch (e) {
            return PromiseReject(e);
          }
        }
        : (chunk) => promiseCall(transform, transformer, [chunk, t.object]);
      t.flush = flush === undefined ? nothing : () => promiseCall(flush, transformer, [t.object]);
      t.cancel = cancel === undefined ? nothing : (reason) => promiseCall(cancel, transformer, [reason]);
      settleAs(started, start === undefined ? undefined : ReflectApply(start, transformer, [t.object]));
    }

    get readable() { return this.#t.readable.stream; }

    get writable() { return this.#t.writable.stream; }
  }

  let makeControllerObject;
  class TransformStreamDefaultController {
    #t;
    static {
      makeControllerObject = (t) => {
        const object = new TransformStreamDefaultController(INTERNAL);
        object.#t = t;
        return object;
      };
    }

    constructor(token = undefined) {
      if (token !== INTERNAL) throw new TypeError('TransformStreamDefaultController: illegal constructor');
    }

    get desiredSize() { return readable.desiredSize(this.#t.readable.controller); }

    enqueue(chunk = undefined) { enqueue(this.#t, chunk); }

    error(reason = undefined) { error(this.#t, reason); }

    terminate() { terminate(this.#t); }
  }

  tag(TransformStream, 'TransformStream');
  tag(TransformStreamDefaultController, 'TransformStreamDefaultController');

  dispatch.defineGlobals({ TransformStream, TransformStreamDefaultController });
});
