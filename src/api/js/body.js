// The body mixin of the Fetch Standard, shared by Request and Response: extracting a body from
// what a program gives (a string, bytes, a Blob, a FormData, URLSearchParams, a web or a Nexus
// ReadableStream), reading it once (text, json, arrayBuffer, bytes, blob, formData), `body` and
// `bodyUsed`, teeing it for clone(), and handing it to the native client and server.
//
// A body is a record `{ bytes, stream, disturbed, owned }`, or null for no body:
// - `bytes`: the body's content while it is known, unsent and no stream was made of it: a
//   Uint8Array, or the string a program gave (lone surrogates made U+FFFD, as its UTF-8 has
//   them), encoded only where bytes are needed: text() and json() take the string as it is, and
//   the native client and server encode it into their output. The fast path: a Response of a
//   string or bytes makes no stream unless `body` is read, and text() decodes bytes once.
//   `owned` is false when someone else holds the bytes too (a Blob, a clone): then
//   arrayBuffer() and bytes() copy.
// - `stream`: a web ReadableStream: the one a program gave (kept as it is: `body` returns it), or
//   the one `body` made of the bytes, which takes them over (the record then holds none).
// Whether a stream was read or is locked is the streams' own record's (dispatch.webReadable, there
// once any web stream exists); `disturbed` says the body was read without one.
// Invariant: a disturbed or locked body is never read again (every reader checks it first).
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayBufferPrototypeGetByteLength, JSONParse, ObjectDefineProperty, ObjectFreeze, ObjectSetPrototypeOf, PromisePrototypeThen, PromiseReject, PromiseResolve,
    StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeToLowerCase, StringPrototypeToWellFormed, TypeError,
    TypedArrayPrototypeGetBuffer, TypedArrayPrototypeGetByteLength, TypedArrayPrototypeGetByteOffset,
    TypedArrayPrototypeSlice, Uint8Array, globalThis,
  } = primordials;

  dispatch.load('nexus:encoding');
  dispatch.load('nexus:blob');
  dispatch.load('nexus:formdata');
  dispatch.load('nexus:url');
  const { Blob, bytesOf, copyOf, decode, make: makeBlob, streamOf } = dispatch.blob;
  const { FormData, parseMultipart, parseUrlencoded, serialize } = dispatch.formData;
  const { URL, URLSearchParams } = dispatch.url;
  const { encodeUtf8 } = dispatch;

  // A Request's or a redirect's URL. There is no document to resolve a relative one against: it
  // resolves against `globalThis.location.href` where a program set one (as Deno's --location
  // does), and throws otherwise.
  function resolve(input, what) {
    const location = globalThis.location;
    const base = location !== undefined && location !== null && typeof location.href === 'string' ? location.href : undefined;
    try {
      return new URL(`${input}`, base);
    } catch {
      throw new TypeError(`${what}: '${input}' is not a valid URL`);
    }
  }

  // The records below are instances of classes whose prototypes have none: made once a
  // message, they skip the prototype change a `{ __proto__: null }` literal costs each time, and
  // no property read reaches Object.prototype.
  const nullPrototype = (Class) => {
    ObjectSetPrototypeOf(Class.prototype, null);
    return Class;
  };

  const Body = nullPrototype(class {
    constructor(bytes, stream, owned) {
      this.bytes = bytes;
      this.stream = stream;
      this.disturbed = false;
      this.owned = owned;
    }
  });
  const record = (bytes, stream, owned) => new Body(bytes, stream, owned);

  // What extract() gives: the body and the Content-Type it implies (null for none).
  const Extracted = nullPrototype(class {
    constructor(body, type) {
      this.body = body;
      this.type = type;
    }
  });

  function extract(init) {
    if (typeof init === 'string') return new Extracted(record(StringPrototypeToWellFormed(init), null, true), 'text/plain;charset=UTF-8');
    if (init !== null && typeof init === 'object') {
      const copy = copyOf(init);
      if (copy !== undefined) return new Extracted(record(copy, null, true), null);
      if (init instanceof Blob) return new Extracted(record(bytesOf(init), null, false), init.type === '' ? null : init.type);
      if (init instanceof FormData) {
        const form = serialize(init);
        return new Extracted(record(form.bytes, null, true), form.type);
      }
      if (init instanceof URLSearchParams) {
        return new Extracted(record(`${init}`, null, true), 'application/x-www-form-urlencoded;charset=UTF-8');
      }
      if (dispatch.isWebReadable(init)) {
        if (streamUnusable(init)) throw new TypeError('the body stream is locked or has been read');
        return new Extracted(record(null, init, false), null);
      }
      dispatch.load('nexus:io');
      if (init instanceof Nexus.IO.ReadableStream) return new Extracted(record(null, dispatch.webStreamFromNexus(init), false), null);
    }
    return new Extracted(record(StringPrototypeToWellFormed(`${init}`), null, true), 'text/plain;charset=UTF-8');
  }

  // A known body's content (see `bytes` above) as text, and as bytes (new ones for a string).
  const contentText = (content) => (typeof content === 'string' ? content : decode(content));
  const contentBytes = (content) => (typeof content === 'string' ? encodeUtf8(content) : content);

  // A body of what the native client or server hands over: null, bytes no one else holds, or a
  // web ReadableStream.
  function fromNative(body) {
    if (body === null || body === undefined) return null;
    if (body instanceof Uint8Array) return record(body, null, true);
    return record(null, body, false);
  }

  const isStream = (body) => body !== null && body.stream !== null;
  const streamUnusable = (stream) => {
    const state = dispatch.webReadable.stateOf(stream);
    return state.disturbed || state.reader !== null;
  };
  const disturbed = (body) => body !== null && (body.disturbed || (body.stream !== null && dispatch.webReadable.stateOf(body.stream).disturbed));
  const unusable = (body) => body !== null && (body.disturbed || (body.stream !== null && streamUnusable(body.stream)));

  // All of the body's bytes, once: rejects with a TypeError when it was read before.
  function consume(body, what) {
    if (body === null) return PromiseResolve(new Uint8Array(0));
    if (unusable(body)) return PromiseReject(new TypeError(`${what}: the body has already been read`));
    body.disturbed = true;
    if (body.stream !== null) return dispatch.webReadAll(body.stream);
    return PromiseResolve(body.bytes);
  }

  // Bytes a program may keep and write: a copy unless the body held them alone and whole.
  function own(body, bytes) {
    if (typeof bytes === 'string') return encodeUtf8(bytes);
    const whole = TypedArrayPrototypeGetByteOffset(bytes) === 0 &&
      TypedArrayPrototypeGetByteLength(bytes) === ArrayBufferPrototypeGetByteLength(TypedArrayPrototypeGetBuffer(bytes));
    return body !== null && body.owned && whole && body.stream === null ? bytes : TypedArrayPrototypeSlice(bytes);
  }

  // The essence and parameters of a Content-Type, lowercased but for the parameters' values.
  function mimeOf(type) {
    if (type === null) return null;
    const semicolon = StringPrototypeIndexOf(type, ';');
    const essence = StringPrototypeToLowerCase(trim(semicolon === -1 ? type : StringPrototypeSlice(type, 0, semicolon)));
    return { __proto__: null, essence, params: semicolon === -1 ? '' : StringPrototypeSlice(type, semicolon) };
  }

  const trim = (text) => {
    let start = 0;
    let end = text.length;
    while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
    while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    return StringPrototypeSlice(text, start, end);
  };

  // The boundary parameter of multipart parameters (`; boundary=...`), quoted or not, or null.
  function boundaryOf(params) {
    const lower = StringPrototypeToLowerCase(params);
    const at = StringPrototypeIndexOf(lower, 'boundary=');
    if (at === -1) return null;
    let start = at + 'boundary='.length;
    let end;
    if (params[start] === '"') {
      start++;
      end = StringPrototypeIndexOf(params, '"', start);
      if (end === -1) return null;
    } else {
      end = StringPrototypeIndexOf(params, ';', start);
      if (end === -1) end = params.length;
    }
    const boundary = trim(StringPrototypeSlice(params, start, end));
    return boundary === '' ? null : boundary;
  }

  function formOf(content, type) {
    const mime = mimeOf(type);
    if (mime !== null && mime.essence === 'multipart/form-data') {
      const boundary = boundaryOf(mime.params);
      if (boundary === null) throw new TypeError('formData: the multipart/form-data type has no boundary');
      return parseMultipart(contentBytes(content), boundary);
    }
    if (mime !== null && mime.essence === 'application/x-www-form-urlencoded') return parseUrlencoded(contentText(content));
    throw new TypeError('formData: the body is neither multipart/form-data nor application/x-www-form-urlencoded');
  }

  // Request and Response, as install() registered them: [is, bodyOf, typeOf] each.
  const kinds = [];

  // Defines the mixin's members on `prototype`; `is(value)` tells an instance, `bodyOf(self)`
  // gives the body of one (throwing TypeError for anything else), `typeOf(self)` its
  // Content-Type or null.
  function install(prototype, is, bodyOf, typeOf) {
    kinds[kinds.length] = [is, bodyOf, typeOf];
    const reading = (what, finish) => function () {
      let body;
      try {
        body = bodyOf(this);
      } catch (error) {
        return PromiseReject(error);
      }
      const self = this;
      // Known bytes finish at once: one promise, no job between reading and decoding.
      if (body !== null && body.stream === null && !body.disturbed) {
        body.disturbed = true;
        try {
          return PromiseResolve(finish(body, body.bytes, self));
        } catch (error) {
          return PromiseReject(error);
        }
      }
      return PromisePrototypeThen(consume(body, what), (bytes) => finish(body, bytes, self));
    };
    const methods = {
      __proto__: null,
      arrayBuffer: reading('arrayBuffer', (body, bytes) => TypedArrayPrototypeGetBuffer(own(body, bytes))),
      bytes: reading('bytes', (body, bytes) => own(body, bytes)),
      text: reading('text', (body, content) => contentText(content)),
      json: reading('json', (body, content) => JSONParse(contentText(content))),
      blob: reading('blob', (body, bytes, self) => {
        const type = typeOf(self);
        return makeBlob(own(body, bytes), type === null ? '' : dispatch.blob.typeOf(type));
      }),
      formData: reading('formData', (body, bytes, self) => formOf(bytes, typeOf(self))),
    };
    const names = ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text'];
    for (let i = 0; i < names.length; i++) {
      ObjectDefineProperty(prototype, names[i], { __proto__: null, value: methods[names[i]], writable: true, enumerable: true, configurable: true });
    }
    ObjectDefineProperty(prototype, 'body', {
      __proto__: null,
      enumerable: true,
      configurable: true,
      get: function body() {
        const state = bodyOf(this);
        if (state === null) return null;
        if (state.stream === null) {
          // Sent bodies hold no bytes (see sending).
          state.stream = streamOf(state.bytes === null ? new Uint8Array(0) : contentBytes(state.bytes));
          state.bytes = null;
        }
        return state.stream;
      },
    });
    ObjectDefineProperty(prototype, 'bodyUsed', {
      __proto__: null,
      enumerable: true,
      configurable: true,
      get: function bodyUsed() {
        return disturbed(bodyOf(this));
      },
    });
  }

  // A second body with the same bytes: shared when known, else the two branches of a tee (this
  // body reads the first from then on).
  function clone(body) {
    if (body === null) return null;
    if (body.stream === null) {
      body.owned = false;
      return record(body.bytes, null, false);
    }
    const branches = body.stream.tee();
    body.stream = branches[0];
    return record(null, branches[1], false);
  }

  // Moves `body` into a new record (a Request made from another takes its body); `body` is
  // disturbed from then on.
  function transfer(body) {
    if (body === null) return null;
    const moved = record(body.bytes, body.stream, body.owned);
    body.disturbed = true;
    return moved;
  }

  // What the native client and server send: the bytes (or a string, which they encode), or a
  // stream to read, and the Content-Type. `owned` says no one else holds the bytes: once sent,
  // a copy may reuse them (dispatch.blob.recycle).
  const Sending = nullPrototype(class {
    constructor(bytes, stream, type, owned) {
      this.bytes = bytes;
      this.stream = stream;
      this.type = type;
      this.owned = owned;
    }
  });

  // Marks the body read; its bytes are the sender's from then on.
  function sending(body, type) {
    if (body === null) return new Sending(null, null, type, false);
    if (unusable(body)) throw new TypeError('the body has already been read');
    body.disturbed = true;
    if (body.stream !== null) return new Sending(null, body.stream, type, false);
    const content = body.bytes;
    body.bytes = null;
    return new Sending(content, null, type, typeof content !== 'string' && body.owned);
  }

  // The init of a Request or Response made without one: a dictionary with no members, read
  // without reaching Object.prototype, and no object made for it.
  const noInit = ObjectFreeze({ __proto__: null });

  dispatch.body = { extract, fromNative, install, clone, transfer, isStream, unusable, resolve, noInit };
  // For the native client and server: what to send of a Request or Response (see sending); its
  // type only when `typed` (the server sends the headers as they are).
  dispatch.bodyOf = (message, typed) => {
    for (let i = 0; i < kinds.length; i++) {
      if (kinds[i][0](message)) return sending(kinds[i][1](message), typed ? kinds[i][2](message) : null);
    }
    throw new TypeError('bodyOf: not a Request or Response');
  };
});
