// TextEncoder and TextDecoder (WHATWG Encoding). The bytes are converted natively by
// encoding_rs; a streaming decoder's split characters wait natively between calls (see
// ops/text.rs), and are freed when the stream ends or the TextDecoder is collected.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const streams = new FinalizationRegistry((id) => ops.decoderDrop(id));

  // Native code reads ArrayBuffers and typed arrays but not DataViews, which cross as a
  // Uint8Array over the same bytes.
  function bytesOf(input, what) {
    if (input === undefined || input instanceof ArrayBuffer) return input;
    if (ArrayBuffer.isView(input)) {
      return input instanceof DataView ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : input;
    }
    if (typeof SharedArrayBuffer === 'function' && input instanceof SharedArrayBuffer) return new Uint8Array(input).slice();
    throw new TypeError(`${what}: the input must be an ArrayBuffer or a view of one`);
  }

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return ops.encodeUtf8(`${input}`); }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) throw new TypeError('TextEncoder.encodeInto: the destination must be a Uint8Array');
      const [read, bytes] = ops.encodeUtf8Into(`${source}`, destination.length);
      destination.set(bytes);
      return { read, written: bytes.length };
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
      if (previous) streams.unregister(this);
      // A fatal error ends the stream: the native decoder was consumed by the failed call.
      this.#stream = 0;
      const [text, id] = ops.decode(previous, this.#encoding, this.#fatal, this.#ignoreBOM, bytesOf(input, 'TextDecoder.decode'), stream);
      this.#stream = id;
      if (id) streams.register(this, id, this);
      return text;
    }
  }

  for (const [name, value] of Object.entries({ TextEncoder, TextDecoder }))
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
});
