// The CPU work of examples/cpu_server.js, for the Node, Bun and Deno servers here.
// getHash below must stay a verbatim copy of the example's: ../realms.sh compares the two texts
// before it measures anything.
export function getHash(text) {
  let h = 0x811c9dc5;
  for (let round = 0; round < 500000; round++) {
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h = (h ^ round) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

// The example's answer body for a request URL: its `text` query parameter, 'QR TEST' without one.
export function answer(url) {
  const query = new URLSearchParams(url.split('?')[1] || '');
  return JSON.stringify({ result: getHash(query.get('text') || 'QR TEST') });
}
