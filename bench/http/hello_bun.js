// The hello-world HTTP server: 'ok' to every request. Usage: bun hello_bun.js PORT
Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.argv[2]),
  fetch: () => new Response('ok'),
});
