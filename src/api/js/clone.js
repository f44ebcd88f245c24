// structuredClone: the global over the structured clone algorithm of transfer.js (JSC's C API
// exposes no serializer), which Nexus.Scheduler.offload uses too: one set of clonable types and
// one DataCloneError for both. Here: the arguments, and the checks of the transfer list.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const { ArrayBuffer, ArrayBufferPrototypeTransfer, ArrayFrom, SafeSet, TypeError } = primordials;

  dispatch.load('nexus:domexception');
  dispatch.load('nexus:transfer');
  const { DOMException } = dispatch.dom;
  const cloneError = (message) => new DOMException(`structuredClone: ${message}`, 'DataCloneError');

  function structuredClone(value, options) {
    if (arguments.length === 0) throw new TypeError('structuredClone: 1 argument required');
    // A sequence: the program's own iterator walks it, as WebIDL converts one.
    const transfer = options && options.transfer !== undefined ? ArrayFrom(options.transfer) : [];
    const listed = new SafeSet();
    for (let i = 0; i < transfer.length; i++) {
      if (!(transfer[i] instanceof ArrayBuffer)) throw cloneError('only ArrayBuffers can be transferred');
      if (ArrayBufferPrototypeTransfer === undefined) throw cloneError('this engine cannot detach ArrayBuffers');
      if (listed.has(transfer[i])) throw cloneError(`the ArrayBuffer at index ${i} of transfer is listed twice`);
      listed.add(transfer[i]);
    }
    return dispatch.structuredClone(value, transfer);
  }

  dispatch.defineGlobals({ structuredClone });
});
