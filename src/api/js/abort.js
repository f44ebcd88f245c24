// AbortController and AbortSignal (DOM), including AbortSignal.abort, .timeout and .any.
// AbortSignal.timeout's timer is unreferenced, as in Node: a pending timeout does not keep the
// process alive.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const { ArrayFrom, Number, NumberMAX_SAFE_INTEGER, TypeError } = primordials;

  dispatch.load('nexus:domexception');
  const { DOMException, Event, EventTarget } = dispatch.dom;

  // Only `make` constructs signals; AbortController reaches a signal's #abort through abortWith.
  let constructing = false;
  let abortWith;

  class AbortSignal extends EventTarget {
    #aborted = false;
    #reason = undefined;
    constructor() {
      if (!constructing) throw new TypeError('AbortSignal: illegal constructor, use AbortController');
      super();
      constructing = false;
      this.onabort = null;
    }
    get aborted() { return this.#aborted; }
    get reason() { return this.#reason; }
    throwIfAborted() { if (this.#aborted) throw this.#reason; }
    static abort(reason) {
      const signal = make();
      signal.#abort(reason);
      return signal;
    }
    static timeout(ms) {
      const delay = Number(ms);
      if (!(delay >= 0) || delay > NumberMAX_SAFE_INTEGER) throw new TypeError(`AbortSignal.timeout: ${ms} is not a non-negative number of milliseconds`);
      const signal = make();
      dispatch.load('nexus:timers');
      dispatch.unreferencedTimeout(() => signal.#abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), delay, 'AbortSignal.timeout');
      return signal;
    }
    // A sequence: the program's own iterator walks it, as WebIDL converts one.
    static any(iterable) {
      const signals = ArrayFrom(iterable);
      const signal = make();
      for (let i = 0; i < signals.length; i++) {
        const s = signals[i];
        if (!(s instanceof AbortSignal)) throw new TypeError('AbortSignal.any: every element must be an AbortSignal');
        if (s.aborted) { signal.#abort(s.reason); return signal; }
      }
      for (let i = 0; i < signals.length; i++) {
        const s = signals[i];
        s.addEventListener('abort', () => signal.#abort(s.reason), { once: true });
      }
      return signal;
    }
    static {
      abortWith = (signal, reason) => signal.#abort(reason);
    }
    #abort(reason) {
      if (this.#aborted) return;
      this.#aborted = true;
      this.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
      this.dispatchEvent(new Event('abort'));
    }
  }

  function make() {
    constructing = true;
    return new AbortSignal();
  }

  class AbortController {
    #signal = make();
    get signal() { return this.#signal; }
    abort(reason) { abortWith(this.#signal, reason); }
  }

  dispatch.abort = { AbortController, AbortSignal };
  dispatch.defineGlobals({ AbortController, AbortSignal });
});
