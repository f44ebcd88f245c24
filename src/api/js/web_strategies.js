// The Streams Standard's two queuing strategies: ByteLengthQueuingStrategy (a chunk's size is
// its byteLength) and CountQueuingStrategy (every chunk counts 1). Each class's `size` is one
// function, the same for every instance, as the spec asks.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const { Number, TypeError } = primordials;

  function markOf(init, what) {
    if (init === null || (typeof init !== 'object' && typeof init !== 'function')) throw new TypeError(`${what}: expected { highWaterMark }`);
    const mark = init.highWaterMark;
    if (mark === undefined) throw new TypeError(`${what}: highWaterMark is required`);
    return Number(mark);
  }

  // Named `size`, as the spec's functions are; called with any `this`.
  const byteLengthSize = { size(chunk) { return chunk.byteLength; } }.size;
  const countSize = { size() { return 1; } }.size;

  class ByteLengthQueuingStrategy {
    #highWaterMark;
    constructor(init) { this.#highWaterMark = markOf(init, 'ByteLengthQueuingStrategy'); }
    get highWaterMark() { return this.#highWaterMark; }
    get size() {
      if (!(#highWaterMark in this)) throw new TypeError('not a ByteLengthQueuingStrategy');
      return byteLengthSize;
    }
  }

  class CountQueuingStrategy {
    #highWaterMark;
    constructor(init) { this.#highWaterMark = markOf(init, 'CountQueuingStrategy'); }
    get highWaterMark() { return this.#highWaterMark; }
    get size() {
      if (!(#highWaterMark in this)) throw new TypeError('not a CountQueuingStrategy');
      return countSize;
    }
  }

  dispatch.load('nexus:web-common');
  const { tag } = dispatch.webCommon;
  tag(ByteLengthQueuingStrategy, 'ByteLengthQueuingStrategy');
  tag(CountQueuingStrategy, 'CountQueuingStrategy');

  dispatch.defineGlobals({ ByteLengthQueuingStrategy, CountQueuingStrategy });
});
