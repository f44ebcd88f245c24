// atob and btoa (HTML's forgiving-base64 over Latin-1 strings).
(function (ops, details, Nexus, dispatch) {
  'use strict';

  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const values = new Map(Array.from(alphabet, (c, i) => [c, i]));

  function btoa(data) {
    if (arguments.length === 0) throw new TypeError('btoa: 1 argument required');
    const s = `${data}`;
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const codes = [s.charCodeAt(i), s.charCodeAt(i + 1), s.charCodeAt(i + 2)];
      for (let j = 0; j < 3 && i + j < s.length; j++) {
        if (codes[j] > 0xff) throw new DOMException('btoa: the string contains characters outside of the Latin1 range', 'InvalidCharacterError');
      }
      const n = (codes[0] << 16) | ((codes[1] || 0) << 8) | (codes[2] || 0);
      const left = s.length - i;
      out += alphabet[(n >> 18) & 63] + alphabet[(n >> 12) & 63] + (left > 1 ? alphabet[(n >> 6) & 63] : '=') + (left > 2 ? alphabet[n & 63] : '=');
    }
    return out;
  }

  function atob(data) {
    if (arguments.length === 0) throw new TypeError('atob: 1 argument required');
    let s = `${data}`.replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
      throw new DOMException('atob: the string to be decoded is not correctly encoded', 'InvalidCharacterError');
    }
    let out = '';
    let buffer = 0;
    let bits = 0;
    for (const c of s) {
      buffer = (buffer << 6) | values.get(c);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buffer >> bits) & 0xff);
      }
    }
    return out;
  }

  for (const [name, value] of Object.entries({ atob, btoa }))
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
});
