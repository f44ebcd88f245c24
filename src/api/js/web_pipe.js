// ReadableStream's pipeTo and pipeThrough: the Streams Standard's ReadableStreamPipeTo
// (https://streams.spec.whatwg.org/#readable-stream-pipe-to) on the records of web_readable.js and
// web_writable.js.
//
// Invariants: a chunk is read only once the destination's writer is ready (backpressure); the pipe
// shuts down once, on the first of: the source closing or erroring, the destination erroring or
// closing, the signal aborting; before it releases the reader and writer, every write it started
// has settled (unless the destination is already closing); preventClose, preventAbort and
// preventCancel stop the propagation of the matching event, and only that.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const { PromisePrototypeThen, PromiseReject, PromiseResolve, SafePromiseAll, TypeError } = primordials;

  dispatch.load('nexus:promises');
  dispatch.load('nexus:abort');
  dispatch.load('nexus:web-readable');
  dispatch.load('nexus:web-writable');
  dispatch.load('nexus:web-common');
  const { newPromise, resolvePromise, rejectPromise } = dispatch;
  const readable = dispatch.webReadable;
  const writable = dispatch.webWritable;
  const { AbortSignal } = dispatch.abort;
  const { ignore } = dispatch.webCommon;

  // WebIDL's StreamPipeOptions, its members read in order.
  function optionsOf(options) {
    if (options === undefined || options === null) return { preventAbort: false, preventCancel: false, preventClose: false, signal: undefined };
    if (typeof options !== 'object' && typeof options !== 'function') throw new TypeError('pipe options must be an object');
    const preventAbort = !!options.preventAbort;
    const preventCancel = !!options.preventCancel;
    const preventClose = !!options.preventClose;
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('pipe options: signal must be an AbortSignal');
    return { preventAbort, preventCancel, preventClose, signal };
  }

  function pipe(source, dest, { preventAbort, preventCancel, preventClose, signal }) {
    const reader = readable.acquireReader(source);
    const writer = writable.acquireWriter(dest);
    source.disturbed = true;
    let shuttingDown = false;
    let currentWrite = PromiseResolve(undefined);
    const promise = newPromise();
    let abortAlgorithm = null;

    function finalize(isError, error) {
      writable.releaseWriter(writer);
      readable.releaseReader(reader);
      if (abortAlgorithm !== null) signal.removeEventListener('abort', abortAlgorithm);
      if (isError) rejectPromise(promise, error);
      else resolvePromise(promise, undefined);
    }

    function waitForWrites() {
      const old = currentWrite;
      return PromisePrototypeThen(currentWrite, () => (old !== currentWrite ? waitForWrites() : undefined));
    }

    // Runs `then` once the writes in flight settled, unless the destination is no longer writable
    // or already closing (then its writes may never settle).
    function afterWrites(then) {
      if (dest.state === 'writable' && !writable.closeQueuedOrInFlight(dest)) PromisePrototypeThen(waitForWrites(), then);
      else then();
    }

    function shutdownWithAction(action, isError, error) {
      if (shuttingDown) return;
      shuttingDown = true;
      afterWrites(() => {
        let done;
        try {
          done = action();
        } catch (thrown) {
          done = PromiseReject(thrown);
        }
        PromisePrototypeThen(done, () => finalize(isError, error), (newError) => finalize(true, newError));
      });
    }

    function shutdown(isError, error) {
      if (shuttingDown) return;
      shuttingDown = true;
      afterWrites(() => finalize(isError, error));
    }

    if (signal !== undefined) {
      abortAlgorithm = () => {
        const error = signal.reason;
        const abortDest = !preventAbort;
        const cancelSource = !preventCancel;
        shutdownWithAction(() => SafePromiseAll([
          abortDest && dest.state === 'writable' ? writable.streamAbort(dest, error) : undefined,
          cancelSource && source.state === 'readable' ? readable.streamCancel(source, error) : undefined,
        ]), true, error);
      };
      if (signal.aborted) {
        abortAlgorithm();
        return promise;
      }
      signal.addEventListener('abort', abortAlgorithm);
    }

    // Errors and closings, forward and backward, in the spec's order of checks.
    const onSourceError = (error) => {
      if (!preventAbort) shutdownWithAction(() => writable.streamAbort(dest, error), true, error);
      else shutdown(true, error);
    };
    const onDestError = (error) => {
      if (!preventCancel) shutdownWithAction(() => readable.streamCancel(source, error), true, error);
      else shutdown(true, error);
    };
    const onSourceClose = () => {
      if (!preventClose) shutdownWithAction(() => writable.closeWithErrorPropagation(writer), false);
      else shutdown(false);
    };
    if (source.state === 'errored') onSourceError(source.storedError);
    else PromisePrototypeThen(reader.closed, undefined, onSourceError);
    if (dest.state === 'errored') onDestError(dest.storedError);
    else PromisePrototypeThen(writer.closed, undefined, onDestError);
    if (source.state === 'closed') onSourceClose();
    else PromisePrototypeThen(reader.closed, onSourceClose, ignore);
    if (writable.closeQueuedOrInFlight(dest) || dest.state === 'closed') {
      const error = new TypeError('the destination WritableStream closed before all data could be piped to it');
      if (!preventCancel) shutdownWithAction(() => readable.streamCancel(source, error), true, error);
      else shutdown(true, error);
    }

    // One chunk at a time, each read once the writer is ready.
    const request = {
      chunk(chunk) {
        currentWrite = PromisePrototypeThen(writable.writerWrite(writer, chunk), undefined, ignore);
        step();
      },
      close: ignore,
      error: ignore,
    };
    const read = () => {
      if (!shuttingDown) readable.read(reader, request);
    };
    const step = () => {
      if (!shuttingDown) PromisePrototypeThen(writer.ready, read, ignore);
    };
    step();
    return promise;
  }

  dispatch.webPipeTo = (stream, destination, options) => {
    try {
      const dest = writable.stateOf(destination);
      if (dest === null) throw new TypeError('ReadableStream.pipeTo: the destination must be a WritableStream');
      const opts = optionsOf(options);
      const source = readable.stateOf(stream);
      if (source.reader !== null) throw new TypeError('ReadableStream.pipeTo: the stream is locked');
      if (dest.writer !== null) throw new TypeError('ReadableStream.pipeTo: the destination is locked');
      return pipe(source, dest, opts);
    } catch (error) {
      return PromiseReject(error);
    }
  };

  dispatch.webPipeThrough = (stream, transform, options) => {
    if (transform === null || (typeof transform !== 'object' && typeof transform !== 'function'))
      throw new TypeError('ReadableStream.pipeThrough: expected { readable, writable }');
    const out = transform.readable;
    if (readable.stateOf(out) === null) throw new TypeError('ReadableStream.pipeThrough: transform.readable must be a ReadableStream');
    const dest = writable.stateOf(transform.writable);
    if (dest === null) throw new TypeError('ReadableStream.pipeThrough: transform.writable must be a WritableStream');
    const opts = optionsOf(options);
    const source = readable.stateOf(stream);
    if (source.reader !== null) throw new TypeError('ReadableStream.pipeThrough: the stream is locked');
    if (dest.writer !== null) throw new TypeError('ReadableStream.pipeThrough: the transform\'s writable is locked');
    PromisePrototypeThen(pipe(source, dest, opts), undefined, ignore);
    return out;
  };
});
