// Offload round trip with `node:worker_threads`, the plain way: one worker (worker_add.js), the
// arguments posted as [1, 2] and the sum posted back, one call at a time. Runs in Node, and in
// Bun and Deno through their node:worker_threads.
// Usage: node offload_worker_threads.js CALLS WARMUP
import { Worker } from 'node:worker_threads';
import { timeRoundTrips } from './roundtrip.js';

const [calls, warmup] = process.argv.slice(2).map(Number);
const worker = new Worker(new URL('./worker_add.js', import.meta.url));
let answered;
worker.on('message', (sum) => answered(sum));
worker.on('error', (error) => { console.error(error); process.exit(1); });
await timeRoundTrips(() => new Promise((resolve) => {
  answered = resolve;
  worker.postMessage([1, 2]);
}), calls, warmup);
await worker.terminate();
