// The static-file server of examples/http_file_server.js for Bun, as Bun users write it:
// Bun.serve, `Bun.file(path).exists()` per request (a regular file; false for a directory), the
// body the Bun.file itself (Bun sends it with sendfile, or through TLS). With CERT and KEY (PEM
// files), over HTTPS (bench/https.sh). With --stream, the body is `Bun.file(path).stream()`
// instead (chunked, the example's own framing).
// Usage: bun file_bun.js PORT SITE_DIR [--stream] [CERT KEY]
import { mimeType, resolve } from './site.js';

const args = process.argv.slice(2);
const stream = args.includes('--stream');
const [port, root, cert, key] = args.filter((arg) => arg !== '--stream');

// site.js's kind(): a path that is not a file is a directory to serve when it holds an
// index.html, which is all resolve() does with a directory, so the answers are the example's.
async function kind(filePath) {
  if (await Bun.file(filePath).exists()) return 'file';
  return (await Bun.file(`${filePath}/index.html`).exists()) ? 'directory' : null;
}

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
    const body = Bun.file(file.filePath);
    return new Response(stream ? body.stream() : body,
      { headers: { 'Content-Type': mimeType(file.path), Server: server } });
  },
});
