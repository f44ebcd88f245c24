// Blob and File (File API). A Blob holds its bytes as one Uint8Array, joined once when it is
// made; slice() shares them (a view, no copy), and text() decodes them once.
//
// Invariants: a Blob's bytes never change (no one else holds a view that could write them: every
// part is copied in); `#bytes` is exactly the Blob's bytes, never a longer buffer.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayBuffer, ArrayBufferIsView, ArrayBufferPrototypeGetByteLength, ArrayFrom, DataView, DataViewPrototypeGetBuffer, DataViewPrototypeGetByteLength,
    DataViewPrototypeGetByteOffset, DateNow, MathFloor, MathMax, MathMin, Number, NumberIsFinite, NumberIsNaN, PromiseResolve,
    RegExpReplace, SafeMap, SharedArrayBuffer, StringPrototypeCharCodeAt, StringPrototypeToLowerCase, SymbolIterator,
    SymbolToStringTag, TypeError, TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteLength,
    TypedArrayPrototypeGetByteOffset, TypedArrayPrototypeGetLength, TypedArrayPrototypeSet,
    TypedArrayPrototypeSlice, TypedArrayPrototypeSubarray, Uint8Array,
  } = primordials;

  dispatch.load('nexus:encoding');
  const lineBreaks = /\r\n|\r|\n/g;

  // The bytes of an ArrayBuffer or a view of one, as a view over the same memory (no copy), or
  // undefined for anything else.
  function viewOf(input) {
    if (input instanceof ArrayBuffer || (SharedArrayBuffer !== undefined && input instanceof SharedArrayBuffer)) return new Uint8Array(input);
    if (!ArrayBufferIsView(input)) return undefined;
    if (input instanceof DataView) {
      return new Uint8Array(DataViewPrototypeGetBuffer(input), DataViewPrototypeGetByteOffset(input), DataViewPrototypeGetByteLength(input));
    }
    return new Uint8Array(TypedArrayPrototypeGetBuffer(input), TypedArrayPrototypeGetByteOffset(input), TypedArrayPrototypeGetByteLength(input));
  }

  // A copy of more bytes than JSC keeps inside its collected heap (1,000) gets new memory, which
  // no cache holds until a collection frees it for reuse: serve() answering with an 8,673-byte
  // Response spent about 1.3 us a request (a tenth of its CPU) on that copy. So the bytes a sent
  // body leaves behind (recycle) wait here, one Uint8Array for each length, up to SPARE_BYTES in
  // all, and the next copy of that length writes into them while they are warm.
  // Invariant: a spare is whole (its buffer's only view) and nothing else holds it.
  const IN_HEAP = 1000;
  const SPARE_BYTES = 4 << 20;
  const spares = new SafeMap(); // byte length -> Uint8Array
  let spareBytes = 0;

  // A copy of the bytes of `input` (an ArrayBuffer or a view), or undefined for anything else.
  function copyOf(input) {
    const view = viewOf(input);
    if (view === undefined) return undefined;
    const length = TypedArrayPrototypeGetByteLength(view);
    const spare = length > IN_HEAP && spareBytes !== 0 ? spares.get(length) : undefined;
    if (spare === undefined) return TypedArrayPrototypeSlice(view);
    spares.delete(length);
    spareBytes -= length;
    TypedArrayPrototypeSet(spare, view);
    return spare;
  }

  // Takes back `bytes`, which nothing holds any more, for copyOf if they are a whole buffer's.
  // (The length first: asking a smaller typed array for its buffer makes it one.)
  function recycle(bytes) {
    const length = TypedArrayPrototypeGetByteLength(bytes);
    if (length <= IN_HEAP || length > SPARE_BYTES || spares.has(length)) return;
    if (TypedArrayPrototypeGetByteOffset(bytes) !== 0 || ArrayBufferPrototypeGetByteLength(TypedArrayPrototypeGetBuffer(bytes)) !== length) return;
    if (spareBytes + length > SPARE_BYTES) {
      spares.clear();
      spareBytes = 0;
    }
    spares.set(length, bytes);
    spareBytes += length;
  }

  // The type as the standard keeps it: lowercased, or '' when a character is outside U+0020-007E.
  function typeOf(type) {
    const text = `${type}`;
    for (let i = 0; i < text.length; i++) {
      const code = StringPrototypeCharCodeAt(text, i);
      if (code < 0x20 || code > 0x7e) return '';
    }
    return StringPrototypeToLowerCase(text);
  }

  function join(parts) {
    if (parts.length === 1) return parts[0];
    let length = 0;
    for (let i = 0; i < parts.length; i++) length += TypedArrayPrototypeGetLength(parts[i]);
    const out = new Uint8Array(length);
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
      TypedArrayPrototypeSet(out, parts[i], at);
      at += TypedArrayPrototypeGetLength(parts[i]);
    }
    return out;
  }

  const decode = (bytes) => dispatch.decodeUtf8(bytes);

  // A web ReadableStream of `bytes`, in one chunk, a copy: the reader may write to it.
  function streamOf(bytes) {
    let sent = TypedArrayPrototypeGetLength(bytes) === 0;
    const read = () => {
      if (sent) return PromiseResolve(null);
      sent = true;
      return PromiseResolve(TypedArrayPrototypeSlice(bytes));
    };
    return dispatch.webStreamFromRead(read, () => { sent = true; return PromiseResolve(); });
  }

  // Set by Blob's static block: the other parts' access to a Blob's bytes, and a Blob made of
  // bytes no one else holds.
  let bytesOf;
  let make;
  let setBytes;

  class Blob {
    #bytes;
    #type;
    constructor(blobParts = undefined, options = undefined) {
      const native = readOptions(options, 'Blob');
      this.#bytes = blobParts === undefined ? new Uint8Array(0) : join(partsOf(blobParts, native, 'Blob'));
      this.#type = options === undefined || options === null || options.type === undefined ? '' : typeOf(options.type);
    }
    get size() { return TypedArrayPrototypeGetLength(this.#bytes); }
    get type() { return this.#type; }
    // Negative positions count from the end, as the standard says.
    slice(start = undefined, end = undefined, contentType = undefined) {
      const size = TypedArrayPrototypeGetLength(this.#bytes);
      const from = position(start, size, 0);
      const to = position(end, size, size);
      const bytes = TypedArrayPrototypeSubarray(this.#bytes, from, MathMax(from, to));
      return make(bytes, contentType === undefined ? '' : typeOf(contentType));
    }
    text() { return PromiseResolve(decode(this.#bytes)); }
    arrayBuffer() { return PromiseResolve(TypedArrayPrototypeGetBuffer(TypedArrayPrototypeSlice(this.#bytes))); }
    bytes() { return PromiseResolve(TypedArrayPrototypeSlice(this.#bytes)); }
    stream() { return streamOf(this.#bytes); }
    get [SymbolToStringTag]() { return 'Blob'; }
    static {
      bytesOf = (blob) => blob.#bytes;
      setBytes = (blob, bytes) => { blob.#bytes = bytes; };
      make = (bytes, type) => {
        const blob = new Blob();
        blob.#bytes = bytes;
        blob.#type = type;
        return blob;
      };
    }
  }

  function position(value, size, fallback) {
    if (value === undefined) return fallback;
    let n = Number(value);
    if (NumberIsNaN(n)) n = 0;
    n = n < 0 ? -MathFloor(-n) : MathFloor(n);
    return n < 0 ? MathMax(size + n, 0) : MathMin(n, size);
  }

  // `endings: 'native'` when line breaks become the platform's (a line feed here).
  function readOptions(options, what) {
    if (options === undefined || options === null) return false;
    if (typeof options !== 'object' && typeof options !== 'function') throw new TypeError(`${what}: the options must be an object`);
    const endings = options.endings;
    if (endings === undefined || endings === 'transparent') return false;
    if (`${endings}` === 'native') return true;
    if (`${endings}` === 'transparent') return false;
    throw new TypeError(`${what}: endings must be 'transparent' or 'native'`);
  }

  // The bytes of each part: a sequence, walked by its own iterator as WebIDL converts one.
  function partsOf(blobParts, native, what) {
    if (blobParts === null || typeof blobParts !== 'object' && typeof blobParts !== 'function' || typeof blobParts[SymbolIterator] !== 'function') {
      throw new TypeError(`${what}: the parts must be a sequence`);
    }
    const parts = ArrayFrom(blobParts);
    const out = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part instanceof Blob) out[i] = bytesOf(part);
      else {
        const copy = copyOf(part);
        if (copy !== undefined) out[i] = copy;
        else out[i] = ops.encodeUtf8(native ? RegExpReplace(lineBreaks, `${part}`, '\n') : `${part}`);
      }
    }
    return out;
  }

  class File extends Blob {
    #name;
    #lastModified;
    constructor(fileBits, fileName, options = undefined) {
      if (arguments.length < 2) throw new TypeError('File: 2 arguments required');
      super(fileBits, options);
      this.#name = `${fileName}`;
      const last = options === undefined || options === null ? undefined : options.lastModified;
      this.#lastModified = last === undefined ? DateNow() : truncate(last);
    }
    get name() { return this.#name; }
    get lastModified() { return this.#lastModified; }
    get webkitRelativePath() { return ''; }
    get [SymbolToStringTag]() { return 'File'; }
  }

  // WebIDL's `long long`: the number truncated, 0 for NaN and the infinities.
  function truncate(value) {
    const n = Number(value);
    if (!NumberIsFinite(n)) return 0;
    return n < 0 ? -MathFloor(-n) : MathFloor(n);
  }

  dispatch.blob = {
    Blob, File, bytesOf, make, viewOf, copyOf, recycle, decode, join, streamOf, typeOf,
    // A File of bytes no one else holds (a multipart part, a FormData entry's copy).
    file: (bytes, name, type, lastModified = undefined) => {
      const file = new File(undefined, name, { __proto__: null, type, lastModified });
      setBytes(file, bytes);
      return file;
    },
  };
  dispatch.defineGlobals({ Blob, File });
});
