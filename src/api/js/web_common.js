// What the web stream parts share (dispatch.webCommon): the Streams Standard's queue-with-sizes
// (https://streams.spec.whatwg.org/#queue-with-sizes), the WebIDL conversions of strategies and
// underlying sources, sinks and transformers, and the promise helpers their algorithms use.
//
// Invariants: `total` is the sum of the sizes of the values queued (never below 0: rounding may
// leave a float sum slightly under it); a dequeue moves a head index, so taking a queued chunk
// allocates nothing, and the array is compacted only once its dead half is large.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    Number, NumberIsFinite, NumberIsNaN, ObjectDefineProperty, PromisePrototypeThen, PromiseReject, PromiseResolve,
    RangeError, ReflectApply, SymbolToStringTag, TypeError,
  } = primordials;

  class SizedQueue {
    constructor() {
      this.values = [];
      this.sizes = [];
      this.head = 0;
      this.total = 0;
    }
    get length() { return this.values.length - this.head; }
    // The spec's EnqueueValueWithSize: a size that is not a finite number >= 0 is a RangeError.
    enqueue(value, size) {
      const n = Number(size);
      if (NumberIsNaN(n) || n < 0 || !NumberIsFinite(n)) throw new RangeError(`a chunk's size must be a finite, non-negative number, not ${size}`);
      const at = this.values.length;
      this.values[at] = value;
      this.sizes[at] = n;
      this.total += n;
    }
    dequeue() {
      const at = this.head;
      const value = this.values[at];
      this.total -= this.sizes[at];
      if (this.total < 0) this.total = 0;
      this.values[at] = undefined;
      this.head = at + 1;
      if (this.head === this.values.length) this.reset();
      else if (this.head > 1024 && this.head * 2 > this.values.length) this.#compact();
      return value;
    }
    peek() { return this.values[this.head]; }
    reset() {
      this.values = [];
      this.sizes = [];
      this.head = 0;
      this.total = 0;
    }
    #compact() {
      const { values, sizes, head } = this;
      const live = values.length - head;
      for (let i = 0; i < live; i++) {
        values[i] = values[head + i];
        sizes[i] = sizes[head + i];
      }
      values.length = live;
      sizes.length = live;
      this.head = 0;
    }
  }

  const one = () => 1;

  // A QueuingStrategy dictionary as WebIDL converts one: highWaterMark (a number) is read before
  // size (a function), and both stay undefined when absent.
  function strategyOf(strategy, what) {
    if (strategy === undefined || strategy === null) return { highWaterMark: undefined, size: undefined };
    if (typeof strategy !== 'object' && typeof strategy !== 'function') throw new TypeError(`${what}: the strategy must be an object`);
    const mark = strategy.highWaterMark;
    const highWaterMark = mark === undefined ? undefined : Number(mark);
    const size = strategy.size;
    if (size !== undefined && typeof size !== 'function') throw new TypeError(`${what}: the strategy's size must be a function`);
    return { highWaterMark, size };
  }

  function highWaterMarkOf(strategy, fallback) {
    const mark = strategy.highWaterMark;
    if (mark === undefined) return fallback;
    if (NumberIsNaN(mark) || mark < 0) throw new RangeError(`highWaterMark must be a non-negative number, not ${mark}`);
    return mark;
  }

  // The size algorithm calls the strategy's size with `this` undefined, as the spec's callback.
  function sizeOf(strategy) {
    const size = strategy.size;
    return size === undefined ? one : (chunk) => size(chunk);
  }

  // An underlying source, sink or transformer as WebIDL takes one: an object, or undefined.
  function checkUnderlying(value, what) {
    if (value !== undefined && (value === null || (typeof value !== 'object' && typeof value !== 'function')))
      throw new TypeError(`${what} must be an object`);
  }

  // An underlying source's, sink's or transformer's member: undefined, or a function.
  function methodOf(object, name, what) {
    if (object === undefined || object === null) return undefined;
    const method = object[name];
    if (method !== undefined && typeof method !== 'function') throw new TypeError(`${what}: '${name}' must be a function`);
    return method;
  }

  // What `method` called on `self` with `args` gives, as a promise; resolved with undefined when
  // there is no method, rejected when it throws (the spec's "invoking ... as a promise").
  function promiseCall(method, self, args) {
    if (method === undefined) return PromiseResolve(undefined);
    try {
      return PromiseResolve(ReflectApply(method, self, args));
    } catch (error) {
      return PromiseReject(error);
    }
  }

  const ignore = () => {};
  // A promise the spec marks as handled: its rejection is never reported as unhandled.
  const markHandled = (promise) => { PromisePrototypeThen(promise, undefined, ignore); };
  const rejectedHandled = (error) => {
    const promise = PromiseReject(error);
    markHandled(promise);
    return promise;
  };
  const tag = (Class, name) => ObjectDefineProperty(Class.prototype, SymbolToStringTag, { __proto__: null, value: name, configurable: true });

  dispatch.webCommon = {
    SizedQueue, strategyOf, highWaterMarkOf, sizeOf, checkUnderlying, methodOf, promiseCall,
    ignore, markHandled, rejectedHandled, tag,
    noStart: () => undefined,
    nothing: () => PromiseResolve(undefined),
  };
});
