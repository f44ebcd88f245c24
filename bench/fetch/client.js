// The fetch benchmark's client, the same file in every runtime: SEQUENTIAL GETs one after
// another, then TOTAL GETs with CONCURRENCY in flight, each body read with text() as users do.
// Prints one JSON line: {"sequential_s": ..., "concurrent_s": ..., "bytes": ...}.
// Usage: <runtime> client.js URL SEQUENTIAL TOTAL CONCURRENCY
const args = globalThis.Nexus ? Nexus.argv : globalThis.Deno ? Deno.args : process.argv.slice(2);
const [url, sequential, total, concurrency] = [args[0], ...args.slice(1, 4).map(Number)];

let bytes = 0;
async function get() {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  const body = await response.text();
  bytes += body.length;
}

let started = performance.now();
for (let i = 0; i < sequential; i++) await get();
const sequentialSeconds = (performance.now() - started) / 1000;

started = performance.now();
let next = 0;
async function lane() {
  while (next < total) {
    next++;
    await get();
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
const concurrentSeconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ sequential_s: sequentialSeconds, concurrent_s: concurrentSeconds, bytes }));
