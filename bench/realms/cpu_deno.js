// examples/cpu_server.js for Deno: Deno.serve, every request hashed on the one JS
// thread. Prints `cpu server ready` once it listens.
// Usage: deno run --allow-net cpu_deno.js PORT
import { answer } from './hash.js';

Deno.serve({
  hostname: '127.0.0.1',
  port: Number(Deno.args[0]),
  onListen: () => console.log('cpu server ready'),
}, (request) => new Response(answer(request.url), {
  headers: { 'Content-Type': 'application/json' },
}));
