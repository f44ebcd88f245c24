// examples/cpu_server.js for `deno serve --parallel`: Deno's own way onto every core,
// one isolate per core (DENO_JOBS) sharing the port. Deno prints a listening line per isolate.
// Usage: deno serve --parallel --allow-net --host 127.0.0.1 --port PORT cpu_deno_serve.js
import { answer } from './hash.js';

export default {
  fetch: (request) => new Response(answer(request.url), {
    headers: { 'Content-Type': 'application/json' },
  }),
};
