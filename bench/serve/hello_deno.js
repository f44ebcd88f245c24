// The hello-world fetch-style server for Deno: 'ok' to every request.
// Usage: deno run --allow-net hello_deno.js PORT
Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.args[0]), onListen() {} }, () => new Response('ok'));
