// A reverse proxy in a few lines: every request is fetched from UPSTREAM (method, path, headers
// and body) and the upstream's answer is streamed back as it arrives, neither body held whole in
// memory.
// Usage: UPSTREAM=http://127.0.0.1:8000 PORT=8080 nexus fetch_proxy.js
// PORT defaults to 8080, HOST to 127.0.0.1.
const { env } = Nexus;
const upstream = new URL(env.UPSTREAM ?? 'http://127.0.0.1:8000');
const hop = ['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'host'];

const server = Nexus.Net.HTTP.serve({
  hostname: env.HOST ?? '127.0.0.1',
  port: Number(env.PORT ?? 8080),
  async fetch(request) {
    const url = new URL(request.url);
    const target = new URL(url.pathname + url.search, upstream);
    const headers = new Headers(request.headers);
    for (const name of hop) headers.delete(name);
    try {
      const answer = await fetch(target, {
        method: request.method,
        headers,
        body: request.body,
        duplex: 'half',
        redirect: 'manual',
      });
      const back = new Headers(answer.headers);
      // fetch() has decoded the body, so its encoding and length are no longer the upstream's.
      for (const name of [...hop, 'content-encoding', 'content-length']) back.delete(name);
      return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: back });
    } catch (error) {
      console.error(`proxy: ${request.method} ${target}: ${error.message}${error.cause ? ` (${error.cause.message ?? error.cause})` : ''}`);
      return new Response('Bad Gateway\n', { status: 502, headers: { 'Content-Type': 'text/plain' } });
    }
  },
});
console.log(`listening on ${server.hostname}:${server.port}, proxying ${upstream.origin}`);
