// crypto.getRandomValues and crypto.randomUUID, from the operating system's randomness.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayFrom, NumberPrototypeToString, StringPrototypePadStart, TypedArrayPrototypeGetBuffer,
    TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetByteOffset,
    TypedArrayPrototypeGetSymbolToStringTag, TypedArrayPrototypeSet, Uint8Array,
  } = primordials;

  dispatch.load('nexus:domexception');
  const { DOMException } = dispatch.dom;

  const integerArrays = {
    __proto__: null,
    Int8Array: true, Uint8Array: true, Uint8ClampedArray: true, Int16Array: true, Uint16Array: true,
    Int32Array: true, Uint32Array: true, BigInt64Array: true, BigUint64Array: true,
  };
  const hex = ArrayFrom({ __proto__: null, length: 256 }, (_, i) => StringPrototypePadStart(NumberPrototypeToString(i, 16), 2, '0'));

  function getRandomValues(array) {
    // By the array's internal type name (undefined for anything but a typed array).
    if (integerArrays[TypedArrayPrototypeGetSymbolToStringTag(array)] !== true) {
      throw new DOMException('crypto.getRandomValues: the argument must be an integer typed array', 'TypeMismatchError');
    }
    const length = TypedArrayPrototypeGetByteLength(array);
    if (length > 65536) {
      throw new DOMException(`crypto.getRandomValues: ${length} bytes requested, at most 65536 allowed`, 'QuotaExceededError');
    }
    const bytes = new Uint8Array(TypedArrayPrototypeGetBuffer(array), TypedArrayPrototypeGetByteOffset(array), length);
    TypedArrayPrototypeSet(bytes, ops.randomBytes(length));
    return array;
  }

  // RFC 9562 version 4: 122 random bits, the version nibble 4 and the variant bits 10.
  function randomUUID() {
    const b = ops.randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let uuid = '';
    for (let i = 0; i < 16; i++) uuid += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + hex[b[i]];
    return uuid;
  }

  const crypto = { getRandomValues, randomUUID };
  dispatch.defineGlobals({ crypto });
});
