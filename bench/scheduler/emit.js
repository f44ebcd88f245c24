// 100,000 emits of one event with 4 handlers, each emit awaited. Nexus: Nexus.EventEmitter, whose
// emit runs every handler as its own task and returns a Promise of their results. Node, Bun and
// Deno: EventEmitter from node:events, whose emit calls the handlers synchronously and returns a
// boolean; it is awaited too, so that the loop has the same shape. Prints the handler calls (400000).
const { EventEmitter } = globalThis.Nexus ?? (await import("node:events"));
const n = 100_000;
let count = 0;
const e = new EventEmitter();
for (let k = 0; k < 4; k++) {
  e.on("x", (v) => {
    count++;
    return v;
  });
}
for (let i = 0; i < n; i++) await e.emit("x", i);
console.log(count);
