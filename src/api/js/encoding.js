// TextEncoder and TextDecoder (WHATWG Encoding). The bytes are converted natively by
// encoding_rs; a streaming decoder's split characters wait natively between calls (see
// ops/text.rs), and are freed when the stream ends or the TextDecoder is collected.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayBuffer, ArrayBufferIsView, DataView, DataViewPrototypeGetBuffer, DataViewPrototypeGetByteLength,
    DataViewPrototypeGetByteOffset, FinalizationRegistry, FinalizationRegistryPrototypeRegister,
    FinalizationRegistryPrototypeUnregister, ReflectApply, SharedArrayBuffer, StringFromCharCode, StringPrototypeCharCodeAt, TypeError,
    TypedArrayPrototypeGetLength,
    TypedArrayPrototypeSet, TypedArrayPrototypeSlice, Uint8Array,
  } = primordials;

  // Up to this many UTF-16 units (or bytes) ASCII text is encoded (or decoded) here: cheaper
  // than the native call and its buffer (a body of 'ok', a header line).
  const SHORT = 128;

  // The UTF-8 bytes of `text` (a string).
  function encodeUtf8(text) {
    const length = text.length;
    if (length <= SHORT) {
      const bytes = new Uint8Array(length);
      let i = 0;
      for (; i < length; i++) {
        const unit = StringPrototypeCharCodeAt(text, i);
        if (unit > 0x7f) break;
        bytes[i] = unit;
      }
      if (i === length) return bytes;
    }
    return ops.encodeUtf8(text);
  }

  const streams = new FinalizationRegistry((id) => ops.decoderDrop(id));

  // Native code reads ArrayBuffers and typed arrays but not DataViews, which cross as a
  // Uint8Array over the same bytes.
  function bytesOf(input, what) {
    if (input === undefined || input instanceof ArrayBuffer) return input;
    if (ArrayBufferIsView(input)) {
      if (!(input instanceof DataView)) return input;
      return new Uint8Array(DataViewPrototypeGetBuffer(input), DataViewPrototypeGetByteOffset(input), DataViewPrototypeGetByteLength(input));
    }
    if (SharedArrayBuffer !== undefined && input instanceof SharedArrayBuffer) return TypedArrayPrototypeSlice(new Uint8Array(input));
    throw new TypeError(`${what}: the input must be an ArrayBuffer or a view of one`);
  }

  // The text of UTF-8 `bytes` (a Uint8Array), a BOM skipped, malformed bytes replaced.
  function decodeUtf8(bytes) {
    const length = TypedArrayPrototypeGetLength(bytes);
    if (length <= SHORT) {
      let i = 0;
      while (i < length && bytes[i] <= 0x7f) i++;
      if (i === length) return ReflectApply(StringFromCharCode, undefined, bytes);
    }
    return ops.decode(0, 'utf-8', false, false, bytes, false)[0];
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return encodeUtf8(`${input}`); }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) throw new TypeError('TextEncoder.encodeInto: the destination must be a Uint8Array');
      const out = ops.encodeUtf8Into(`${source}`, TypedArrayPrototypeGetLength(destination));
      TypedArrayPrototypeSet(destination, out[1]);
      return { read: out[0], written: TypedArrayPrototypeGetLength(out[1]) };
    }
  }

  class TextDecoder {
    #encoding;
    #fatal;
    #ignoreBOM;
    #stream = 0;
    constructor(label = 'utf-8', options = {}) {
      this.#encoding = ops.encodingName(`${label}`);
      this.#fatal = !!(options && options.fatal);
      this.#ignoreBOM = !!(options && options.ignoreBOM);
    }
    get encoding() { return this.#encoding; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input, options = {}) {
      const stream = !!(options && options.stream);
      const previous = this.#stream;
      if (previous) FinalizationRegistryPrototypeUnregister(streams, this);
      // A fatal error ends the stream: the native decoder was consumed by the failed call.
      this.#stream = 0;
      const out = ops.decode(previous, this.#encoding, this.#fatal, this.#ignoreBOM, bytesOf(input, 'TextDecoder.decode'), stream);
      const id = out[1];
      this.#stream = id;
      if (id) FinalizationRegistryPrototypeRegister(streams, this, id, this);
      return out[0];
    }
  }

  dispatch.encodeUtf8 = encodeUtf8;
  dispatch.decodeUtf8 = decodeUtf8;
  dispatch.defineGlobals({ TextEncoder, TextDecoder });
});
