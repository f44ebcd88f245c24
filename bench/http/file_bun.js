// The static-file server of examples/http_file_server.js for Bun: Bun.serve, a stat
// per request, the body a Bun.file. With CERT and KEY (PEM files), over HTTPS (bench/https.sh).
// Usage: bun file_bun.js PORT SITE_DIR [CERT KEY]
import { kind } from './node_stat.js';
import { mimeType, resolve } from './site.js';

const [port, root, cert, key] = process.argv.slice(2);

Bun.serve({
  hostname: '127.0.0.1',
  port: Number(port),
  tls: cert ? { cert: Bun.file(cert), key: Bun.file(key) } : undefined,
  async fetch(request) {
    const url = new URL(request.url);
    const file = await resolve(root, url.pathname + url.search, kind);
    const server = `bun/${Bun.version}`;
    if (!file) {
      return new Response(`Not Found: '${url.pathname}'`,
        { status: 404, headers: { 'Content-Type': 'text/plain', Server: server } });
    }
    return new Response(Bun.file(file.filePath),
      { headers: { 'Content-Type': mimeType(file.path), Server: server } });
  },
});
