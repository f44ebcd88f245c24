// The fetch() global: the Fetch Standard's main fetch for http:, https: and data: URLs, over the
// native client (net/client/, ops/fetch.rs). This part builds the Request, follows redirects,
// wires the signal and makes the Response; the native side connects, pools, frames and decodes.
//
// Invariants kept here: every native fetch handle is released exactly once (at the body's end,
// on cancel, on abort, or when a redirect is followed), so a pooled connection is never held by
// a finished exchange; an aborted fetch rejects (and its body errors) with the signal's reason;
// a network failure rejects with TypeError('fetch failed', { cause }) as undici's does.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayPrototypePush, Error, FinalizationRegistry, FinalizationRegistryPrototypeRegister,
    FinalizationRegistryPrototypeUnregister, NumberIsNaN, NumberParseInt, PromisePrototypeThen, StringFromCharCode,
    StringPrototypeCharCodeAt, StringPrototypeIndexOf, StringPrototypeSlice, StringPrototypeToLowerCase,
    TypeError, Uint8Array, globalThis,
  } = primordials;

  dispatch.load('nexus:pending');
  dispatch.load('nexus:url');
  dispatch.load('nexus:base64');
  dispatch.load('nexus:request');
  dispatch.load('nexus:response');
  const native = dispatch.native;
  const { URL } = dispatch.url;
  // The globals those parts define (a program that replaced one before its first fetch gets its
  // own, as it would from a browser's fetch).
  const { Request, atob } = globalThis;
  const MAX_REDIRECTS = 20;

  const networkError = (cause) => new TypeError('fetch failed', { cause });

  // The flat [name, value, ...] list without the fields `drop` names (lowercase).
  function without(flat, drop) {
    const out = [];
    for (let i = 0; i < flat.length; i += 2) {
      if (!drop(StringPrototypeToLowerCase(flat[i]))) ArrayPrototypePush(out, flat[i], flat[i + 1]);
    }
    return out;
  }

  function has(flat, name) {
    for (let i = 0; i < flat.length; i += 2) if (StringPrototypeToLowerCase(flat[i]) === name) return true;
    return false;
  }

  function get(flat, name) {
    for (let i = 0; i < flat.length; i += 2) if (StringPrototypeToLowerCase(flat[i]) === name) return flat[i + 1];
    return null;
  }

  // The body's type as Content-Type when the program set none (accept, accept-encoding and
  // user-agent defaults are the native side's).
  function withType(flat, type) {
    const out = without(flat, () => false);
    if (type !== null && type !== '' && !has(out, 'content-type')) ArrayPrototypePush(out, 'content-type', type);
    return out;
  }

  // A failure of a native op as fetch reports it: the signal's reason once aborted.
  function failure(signal, error) {
    if (signal.aborted) return signal.reason;
    return networkError(error);
  }

  // Sends a web ReadableStream's chunks as the request body, then its end.
  async function sendStream(handle, stream) {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await native('fetchSend', handle, value);
    }
    await native('fetchSend', handle, null);
  }

  // One exchange: resolves with [handle, status, statusText, flatHeaders]; the handle is the
  // caller's to release from then on.
  async function exchange(method, url, flat, body, signal) {
    let bytes = null;
    let stream = null;
    if (body !== null) {
      if (body.bytes !== null) bytes = body.bytes;
      else stream = body.stream;
    }
    let handle;
    try {
      handle = ops.fetchCreate(method, url, flat, stream !== null ? -1 : bytes);
    } catch (error) {
      throw networkError(error);
    }
    const release = () => {
      if (handle !== null) ops.release(handle);
      handle = null;
    };
    const onAbort = () => release();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let sending = null;
      let head;
      if (stream === null) {
        head = await native('fetchOpenHead', handle);
      } else {
        await native('fetchOpen', handle);
        sending = sendStream(handle, stream);
        head = await native('fetchHead', handle);
      }
      // A body the server answered before taking whole is not waited for.
      if (sending !== null) PromisePrototypeThen(sending, undefined, () => {});
      signal.removeEventListener('abort', onAbort);
      return [handle, head[0], head[1], head[2]];
    } catch (error) {
      signal.removeEventListener('abort', onAbort);
      release();
      throw failure(signal, error);
    }
  }

  // A response body the program dropped unread: its connection closes when the collector
  // finds the stream gone, not at exit.
  const dropped = new FinalizationRegistry((handle) => ops.release(handle));

  // The response body as a web ReadableStream reading the native exchange; the handle is
  // released at its end, on cancel, on abort, or once the stream is collected.
  function bodyStream(handle, signal) {
    let open = true;
    const token = { __proto__: null };
    const release = () => {
      if (open) {
        ops.release(handle);
        FinalizationRegistryPrototypeUnregister(dropped, token);
      }
      open = false;
      signal.removeEventListener('abort', release);
    };
    signal.addEventListener('abort', release, { once: true });
    // What is here already is taken at once; only an empty buffer waits on the network.
    const read = () => {
      if (signal.aborted) throw signal.reason;
      const piece = ops.fetchTake(handle);
      if (piece === undefined) return wait();
      if (piece === null) release();
      return piece;
    };
    const wait = async () => {
      let piece;
      try {
        piece = await native('fetchRead', handle);
      } catch (error) {
        release();
        if (signal.aborted) throw signal.reason;
        throw new TypeError('terminated', { cause: error });
      }
      if (piece === null) release();
      return piece;
    };
    const stream = dispatch.webStreamFromRead(read, release);
    FinalizationRegistryPrototypeRegister(dropped, stream, handle, token);
    return stream;
  }

  // 204, 205 and 304 carry no body; nor does the answer to HEAD.
  const nullBodyStatus = (status) => status === 101 || status === 204 || status === 205 || status === 304;
  const isRedirect = (status) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
  const contentField = (name) => name === 'content-encoding' || name === 'content-language' ||
    name === 'content-location' || name === 'content-type' || name === 'content-length';

  // `current` is the href being fetched; only a redirect parses it again (for its origin).
  async function httpFetch(request, current) {
    const signal = request.signal;
    let method = request.method;
    let flat = dispatch.headerList(request.headers);
    // Not through request.body, whose getter would make a stream of bytes known now.
    let body = dispatch.bodyOf(request, true);
    if (body.bytes === null && body.stream === null) body = null;
    if (body !== null) flat = withType(flat, body.type);
    let redirected = false;
    for (let redirects = 0; ; redirects++) {
      const answer = await exchange(method, current, flat, body, signal);
      const handle = answer[0];
      const status = answer[1];
      const statusText = answer[2];
      const headers = answer[3];
      const location = isRedirect(status) ? get(headers, 'location') : null;
      if (location === null || request.redirect === 'manual') {
        if (method === 'HEAD' || nullBodyStatus(status)) {
          ops.release(handle);
          return dispatch.makeResponse(status, statusText, headers, null, current, redirected);
        }
        // A body that came whole with the head is bytes, not a stream: text() takes it at once.
        const whole = ops.fetchTakeWhole(handle);
        if (whole !== undefined) ops.release(handle);
        const content = whole !== undefined ? whole : bodyStream(handle, signal);
        return dispatch.makeResponse(status, statusText, headers, content, current, redirected);
      }
      ops.release(handle);
      if (request.redirect === 'error') throw networkError(new Error(`unexpected redirect to ${location}`));
      if (redirects + 1 > MAX_REDIRECTS) throw networkError(new Error(`more than ${MAX_REDIRECTS} redirects`));
      let next;
      try {
        next = new URL(location, current);
      } catch (error) {
        throw networkError(error);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw networkError(new Error(`a redirect to ${next.protocol} URL`));
      if ((status === 301 || status === 302) && method === 'POST' || status === 303 && method !== 'GET' && method !== 'HEAD') {
        method = 'GET';
        body = null;
        flat = without(flat, contentField);
      } else if (body !== null && body.bytes === null) {
        throw networkError(new Error('cannot follow a redirect with a streamed request body'));
      }
      if (next.origin !== new URL(current).origin) {
        flat = without(flat, (name) => name === 'authorization' || name === 'cookie' || name === 'proxy-authorization');
      }
      current = next.href;
      redirected = true;
    }
  }

  // data: URLs (the Fetch Standard's data: URL processor, without MIME type normalization).
  function dataFetch(href) {
    const comma = StringPrototypeIndexOf(href, ',');
    if (comma === -1) throw networkError(new Error('a data: URL without a comma'));
    let type = StringPrototypeSlice(href, 5, comma);
    let data = StringPrototypeSlice(href, comma + 1);
    const hash = StringPrototypeIndexOf(data, '#');
    if (hash !== -1) data = StringPrototypeSlice(data, 0, hash);
    let binary = '';
    for (let i = 0; i < data.length; i++) {
      const c = data[i];
      const hex = StringPrototypeSlice(data, i + 1, i + 3);
      if (c === '%' && hex.length === 2 && !NumberIsNaN(NumberParseInt(hex, 16))) {
        binary += StringFromCharCode(NumberParseInt(hex, 16));
        i += 2;
      } else binary += c;
    }
    const lower = StringPrototypeToLowerCase(type);
    if (lower.length >= 7 && StringPrototypeSlice(lower, lower.length - 7) === ';base64') {
      type = StringPrototypeSlice(type, 0, type.length - 7);
      try {
        binary = atob(binary);
      } catch (error) {
        throw networkError(error);
      }
    }
    if (type === '' || type[0] === ';') type = `text/plain${type === '' ? ';charset=US-ASCII' : type}`;
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = StringPrototypeCharCodeAt(binary, i) & 0xff;
    return dispatch.makeResponse(200, 'OK', ['content-type', type], bytes, href, false);
  }

  async function fetch(input, init = undefined) {
    const request = new Request(input, init);
    const signal = request.signal;
    if (signal.aborted) throw signal.reason;
    // The Request's URL is parsed and serialized already: its scheme is what precedes the ':'.
    const href = request.url;
    const protocol = StringPrototypeSlice(href, 0, StringPrototypeIndexOf(href, ':') + 1);
    if (protocol === 'data:') return dataFetch(href);
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw networkError(new Error(`fetching ${protocol} URLs is not supported`));
    }
    // Awaited, not returned: resolving with a promise would call its (replaceable) then().
    return await httpFetch(request, href);
  }

  dispatch.defineGlobals({ fetch });
});
