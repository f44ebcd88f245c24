// The static-file server of examples/http_file_server.js for Node: `node:http`, a
// stat per request, the file streamed with fs.createReadStream piped into the response. The
// listen backlog is the Nexus example's 1000 (Node's default, 511, overflows at c=1000). With
// CERT and KEY (PEM files), `node:https` (bench/https.sh). With --pipeline, the file goes
// through `stream.pipeline` instead of `pipe`.
// Usage: node file_node.js PORT SITE_DIR [--pipeline] [CERT KEY]
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';
import { kind } from './node_stat.js';
import { mimeType, resolve } from './site.js';

const args = process.argv.slice(2);
const usePipeline = args.includes('--pipeline');
const [port, root, cert, key] = args.filter((arg) => arg !== '--pipeline');

async function handle(request, response) {
  response.setHeader('Server', `node/${process.versions.node}`);
  const file = await resolve(root, request.url, kind);
  if (!file) {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end(`Not Found: '${request.url}'`);
    return;
  }
  response.writeHead(200, { 'Content-Type': mimeType(file.path) });
  const stream = fs.createReadStream(file.filePath);
  if (usePipeline) pipeline(stream, response, () => {});
  else stream.on('error', () => response.destroy()).pipe(response);
}

const server = cert
  ? https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, handle)
  : http.createServer(handle);
server.listen(Number(port), '127.0.0.1', 1000);
