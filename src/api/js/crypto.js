// crypto.getRandomValues and crypto.randomUUID, from the operating system's randomness.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const integerArrays = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
  const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

  function getRandomValues(array) {
    if (!integerArrays.some((type) => array instanceof type)) {
      throw new DOMException('crypto.getRandomValues: the argument must be an integer typed array', 'TypeMismatchError');
    }
    if (array.byteLength > 65536) {
      throw new DOMException(`crypto.getRandomValues: ${array.byteLength} bytes requested, at most 65536 allowed`, 'QuotaExceededError');
    }
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(ops.randomBytes(array.byteLength));
    return array;
  }

  // RFC 9562 version 4: 122 random bits, the version nibble 4 and the variant bits 10.
  function randomUUID() {
    const b = ops.randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => hex[x]);
    return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
  }

  const crypto = { getRandomValues, randomUUID };
  Object.defineProperty(globalThis, 'crypto', { value: crypto, writable: true, configurable: true, enumerable: false });
});
