// The static-file server of examples/http_file_server.js for Deno: Deno.serve,
// Deno.stat per request, the body the opened file's ReadableStream. With CERT and KEY (PEM
// files), over HTTPS (bench/https.sh).
// Usage: deno run --allow-net --allow-read file_deno.js PORT SITE_DIR [CERT KEY]
import { mimeType, resolve } from './site.js';

const [port, root, certFile, keyFile] = Deno.args;
const tls = certFile ? { cert: Deno.readTextFileSync(certFile), key: Deno.readTextFileSync(keyFile) } : {};

async function kind(filePath) {
  try {
    const stats = await Deno.stat(filePath);
    return stats.isFile ? 'file' : stats.isDirectory ? 'directory' : null;
  } catch {
    return null;
  }
}

Deno.serve({ hostname: '127.0.0.1', port: Number(port), ...tls, onListen() {} }, async (request) => {
  const url = new URL(request.url);
  const file = await resolve(root, url.pathname + url.search, kind);
  const server = `deno/${Deno.version.deno}`;
  if (!file) {
    return new Response(`Not Found: '${url.pathname}'`,
      { status: 404, headers: { 'Content-Type': 'text/plain', Server: server } });
  }
  return new Response((await Deno.open(file.filePath)).readable,
    { headers: { 'Content-Type': mimeType(file.path), Server: server } });
});
