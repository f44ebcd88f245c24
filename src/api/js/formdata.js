// FormData (XHR standard), and its two wire forms: multipart/form-data, which it serializes to
// and parses from (HTML's and the Fetch Standard's rules), and application/x-www-form-urlencoded,
// which it parses from (through the URL part's parser).
//
// Invariants: an entry is `[name, value]`, the name a well-formed string, the value a
// well-formed string or a File (a Blob that is not one is wrapped as the standard says).
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayPrototypeFilter, ArrayPrototypePush, FunctionPrototypeCall, MathFloor, MathRandom,
    NumberPrototypeToString, ObjectDefineProperty, RegExpReplace, StringFromCharCode, StringPrototypeCharCodeAt,
    StringPrototypeIndexOf, StringPrototypePadStart, StringPrototypeSlice, StringPrototypeToLowerCase,
    StringPrototypeToWellFormed, SymbolIterator, SymbolToStringTag, TypeError, TypedArrayPrototypeGetLength,
    TypedArrayPrototypeSubarray, Uint8Array,
  } = primordials;

  dispatch.load('nexus:encoding');
  dispatch.load('nexus:blob');
  dispatch.load('nexus:headers');
  const { Blob, File, bytesOf, decode, file, join } = dispatch.blob;

  function entryOf(name, value, filename, what) {
    const key = StringPrototypeToWellFormed(`${name}`);
    if (!(value instanceof Blob)) {
      if (filename !== undefined) throw new TypeError(`${what}: a filename is only for a Blob value`);
      return [key, StringPrototypeToWellFormed(`${value}`)];
    }
    if (value instanceof File && filename === undefined) return [key, value];
    const name2 = filename === undefined ? 'blob' : StringPrototypeToWellFormed(`${filename}`);
    const lastModified = value instanceof File ? value.lastModified : undefined;
    return [key, file(bytesOf(value), name2, value.type, lastModified)];
  }

  // Set by FormData's static block: the parsers fill, and serialize reads, a form's entries.
  let entriesOf;

  class FormData {
    #entries = [];
    constructor(form = undefined, submitter = undefined) {
      // There is no HTML form outside a page, and no submitter without one.
      if (form !== undefined || submitter !== undefined) throw new TypeError('FormData: there is no HTMLFormElement here');
    }
    append(name, value, filename = undefined) {
      if (arguments.length < 2) throw new TypeError('FormData.append: 2 arguments required');
      ArrayPrototypePush(this.#entries, entryOf(name, value, filename, 'FormData.append'));
    }
    delete(name) {
      const key = StringPrototypeToWellFormed(`${name}`);
      this.#entries = ArrayPrototypeFilter(this.#entries, (entry) => entry[0] !== key);
    }
    get(name) {
      const key = StringPrototypeToWellFormed(`${name}`);
      const entries = this.#entries;
      for (let i = 0; i < entries.length; i++) if (entries[i][0] === key) return entries[i][1];
      return null;
    }
    getAll(name) {
      const key = StringPrototypeToWellFormed(`${name}`);
      const entries = this.#entries;
      const out = [];
      for (let i = 0; i < entries.length; i++) if (entries[i][0] === key) ArrayPrototypePush(out, entries[i][1]);
      return out;
    }
    has(name) {
      const key = StringPrototypeToWellFormed(`${name}`);
      const entries = this.#entries;
      for (let i = 0; i < entries.length; i++) if (entries[i][0] === key) return true;
      return false;
    }
    // The first entry of the name takes the value, where it was; the others go.
    set(name, value, filename = undefined) {
      if (arguments.length < 2) throw new TypeError('FormData.set: 2 arguments required');
      const entry = entryOf(name, value, filename, 'FormData.set');
      const entries = this.#entries;
      let i = 0;
      while (i < entries.length && entries[i][0] !== entry[0]) i++;
      if (i === entries.length) ArrayPrototypePush(entries, entry);
      else {
        entries[i] = entry;
        this.#entries = ArrayPrototypeFilter(entries, (other, j) => j <= i || other[0] !== entry[0]);
      }
    }
    keys() { return new FormDataIterator(this, 0); }
    values() { return new FormDataIterator(this, 1); }
    entries() { return new FormDataIterator(this, 2); }
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError('FormData.forEach: the callback must be a function');
      for (let i = 0; i < this.#entries.length; i++) FunctionPrototypeCall(callback, thisArg, this.#entries[i][1], this.#entries[i][0], this);
    }
    get [SymbolToStringTag]() { return 'FormData'; }
    static {
      entriesOf = (form) => form.#entries;
    }
  }

  const FormDataIterator = dispatch.headers.pairIterator('FormData', (form) => entriesOf(form));
  ObjectDefineProperty(FormData.prototype, SymbolIterator, { __proto__: null, value: FormData.prototype.entries, writable: true, configurable: true });

  // ---- multipart/form-data: serializing ----------------------------------------------------

  // A name or filename in a quoted header parameter: line breaks and quotes percent-encoded.
  const escapes = /[\n\r"]/g;
  const escaped = { __proto__: null, '\n': '%0A', '\r': '%0D', '"': '%22' };
  const escape = (text) => RegExpReplace(escapes, text, (c) => escaped[c]);
  const lineBreaks = /\r\n|\r|\n/g;
  const padding = /^[ \t]+|[ \t]+$/g;

  function boundary() {
    let out = '----NexusFormBoundary';
    for (let i = 0; i < 4; i++) out += StringPrototypePadStart(NumberPrototypeToString(MathFloor(MathRandom() * 0x100000000), 16), 8, '0');
    return out;
  }

  // { bytes, type }: the form as one multipart/form-data body.
  function serialize(form) {
    const entries = entriesOf(form);
    const mark = boundary();
    const parts = [];
    for (let i = 0; i < entries.length; i++) {
      const name = escape(RegExpReplace(lineBreaks, entries[i][0], '\r\n'));
      const value = entries[i][1];
      if (typeof value === 'string') {
        ArrayPrototypePush(parts, ops.encodeUtf8(`--${mark}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${RegExpReplace(lineBreaks, value, '\r\n')}\r\n`));
      } else {
        const type = value.type === '' ? 'application/octet-stream' : value.type;
        ArrayPrototypePush(parts, ops.encodeUtf8(`--${mark}\r\nContent-Disposition: form-data; name="${name}"; filename="${escape(value.name)}"\r\nContent-Type: ${type}\r\n\r\n`));
        ArrayPrototypePush(parts, bytesOf(value), ops.encodeUtf8('\r\n'));
      }
    }
    ArrayPrototypePush(parts, ops.encodeUtf8(`--${mark}--\r\n`));
    return { bytes: join(parts), type: `multipart/form-data; boundary=${mark}` };
  }

  // ---- multipart/form-data: parsing --------------------------------------------------------

  // Where `pattern` (bytes) first occurs in `bytes` at or after `from`, or -1.
  function find(bytes, pattern, from) {
    const last = TypedArrayPrototypeGetLength(bytes) - TypedArrayPrototypeGetLength(pattern);
    const first = pattern[0];
    outer: for (let i = from; i <= last; i++) {
      if (bytes[i] !== first) continue;
      for (let j = 1; j < TypedArrayPrototypeGetLength(pattern); j++) if (bytes[i + j] !== pattern[j]) continue outer;
      return i;
    }
    return -1;
  }

  // Bytes as a string of one character per byte (header lines).
  function latin1(bytes, from, to) {
    let out = '';
    for (let i = from; i < to; i++) out += StringFromCharCode(bytes[i]);
    return out;
  }

  // The value of parameter `name` in a Content-Disposition, or null; quoted or a token.
  function parameter(header, name) {
    const lower = StringPrototypeToLowerCase(header);
    let at = 0;
    for (;;) {
      at = StringPrototypeIndexOf(lower, `${name}=`, at);
      if (at === -1) return null;
      const before = at === 0 ? ';' : lower[at - 1];
      if (before === ';' || before === ' ' || before === '\t') break;
      at += name.length;
    }
    let start = at + name.length + 1;
    if (header[start] !== '"') {
      let end = start;
      while (end < header.length && header[end] !== ';') end++;
      return StringPrototypeSlice(header, start, end);
    }
    start++;
    let end = start;
    while (end < header.length && header[end] !== '"') end++;
    if (end === header.length) return null;
    return StringPrototypeSlice(header, start, end);
  }

  const utf8 = (text) => {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = StringPrototypeCharCodeAt(text, i);
    return decode(bytes);
  };

  const failure = () => new TypeError('formData: the body is not valid multipart/form-data');

  // A FormData of the parts of `bytes`, delimited by `mark`; throws TypeError when malformed.
  function parseMultipart(bytes, mark) {
    const form = new FormData();
    const entries = entriesOf(form);
    const delimiter = ops.encodeUtf8(`--${mark}`);
    const next = ops.encodeUtf8(`\r\n--${mark}`);
    const size = TypedArrayPrototypeGetLength(bytes);
    let at = find(bytes, delimiter, 0);
    if (at === -1) throw failure();
    at += TypedArrayPrototypeGetLength(delimiter);
    for (;;) {
      if (bytes[at] === 0x2d && bytes[at + 1] === 0x2d) return form;
      if (bytes[at] !== 0x0d || bytes[at + 1] !== 0x0a) throw failure();
      at += 2;
      let name = null;
      let filename = null;
      let type = '';
      // Header lines, up to the empty one.
      for (;;) {
        let end = at;
        while (end + 1 < size && !(bytes[end] === 0x0d && bytes[end + 1] === 0x0a)) end++;
        if (end + 1 >= size) throw failure();
        if (end === at) { at += 2; break; }
        const line = latin1(bytes, at, end);
        const colon = StringPrototypeIndexOf(line, ':');
        if (colon === -1) throw failure();
        const field = StringPrototypeToLowerCase(StringPrototypeSlice(line, 0, colon));
        const value = RegExpReplace(padding, StringPrototypeSlice(line, colon + 1), '');
        if (field === 'content-disposition') {
          name = parameter(value, 'name');
          filename = parameter(value, 'filename');
        } else if (field === 'content-type') {
          type = utf8(value);
        }
        at = end + 2;
      }
      if (name === null) throw failure();
      const end = find(bytes, next, at);
      if (end === -1) throw failure();
      const content = TypedArrayPrototypeSubarray(bytes, at, end);
      if (filename === null) ArrayPrototypePush(entries, [utf8(name), decode(content)]);
      else ArrayPrototypePush(entries, [utf8(name), file(content, utf8(filename), type)]);
      at = end + TypedArrayPrototypeGetLength(next);
    }
  }

  // A FormData of the pairs of an application/x-www-form-urlencoded body.
  function parseUrlencoded(text) {
    dispatch.load('nexus:url');
    const flat = ops.formParse(text);
    const form = new FormData();
    const entries = entriesOf(form);
    for (let i = 0; i < flat.length; i += 2) ArrayPrototypePush(entries, [flat[i], flat[i + 1]]);
    return form;
  }

  dispatch.formData = { FormData, serialize, parseMultipart, parseUrlencoded };
  dispatch.defineGlobals({ FormData });
});
