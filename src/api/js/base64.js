// atob and btoa (HTML's forgiving-base64 over Latin-1 strings).
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    RegExpPrototypeExec, RegExpReplace, StringFromCharCode, StringPrototypeCharCodeAt, TypeError, Uint8Array,
  } = primordials;

  dispatch.load('nexus:domexception');
  const { DOMException } = dispatch.dom;

  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const values = new Uint8Array(128); // by character code, for the characters of `alphabet`
  for (let i = 0; i < alphabet.length; i++) values[StringPrototypeCharCodeAt(alphabet, i)] = i;

  function btoa(data) {
    if (arguments.length === 0) throw new TypeError('btoa: 1 argument required');
    const s = `${data}`;
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const codes = [StringPrototypeCharCodeAt(s, i), StringPrototypeCharCodeAt(s, i + 1), StringPrototypeCharCodeAt(s, i + 2)];
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
    let s = RegExpReplace(/[\t\n\f\r ]/g, `${data}`, '');
    if (s.length % 4 === 0) s = RegExpReplace(/==?$/g, s, '');
    if (s.length % 4 === 1 || RegExpPrototypeExec(/[^A-Za-z0-9+/]/, s) !== null) {
      throw new DOMException('atob: the string to be decoded is not correctly encoded', 'InvalidCharacterError');
    }
    let out = '';
    let buffer = 0;
    let bits = 0;
    for (let i = 0; i < s.length; i++) {
      buffer = (buffer << 6) | values[StringPrototypeCharCodeAt(s, i)];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += StringFromCharCode((buffer >> bits) & 0xff);
      }
    }
    return out;
  }

  dispatch.defineGlobals({ atob, btoa });
});
