// The hello-world fetch-style server for Bun: 'ok' to every request. With `reuse`, the socket is
// bound with SO_REUSEPORT so that several processes share the port.
// Usage: bun hello_bun.js PORT [reuse]
Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.argv[2]),
  reusePort: process.argv[3] === 'reuse',
  fetch: () => new Response('ok'),
});
