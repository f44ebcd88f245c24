// examples/cpu_server.js for Bun: Bun.serve, every request hashed on the one JS
// thread. With `reuse`, the socket is bound with SO_REUSEPORT so that several processes can
// share the port (the kernel spreads connections over them); ../realms.sh starts one per core.
// Prints `cpu server ready` once it listens.
// Usage: bun cpu_bun.js PORT [reuse]
import { answer } from './hash.js';

Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.argv[2]),
  reusePort: process.argv[3] === 'reuse',
  fetch: (request) =>
    new Response(answer(request.url), { headers: { 'Content-Type': 'application/json' } }),
});
console.log('cpu server ready');
