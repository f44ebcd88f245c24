// A static-file server that shuts down gracefully, as a container or systemd stops it: on SIGTERM
// (or Ctrl-C) it stops accepting, lets the responses in progress finish, and exits 0.
// Usage: HOST=0.0.0.0 PORT=8080 nexus graceful_server.js; serves ./site next to this file.
// HOST defaults to 0.0.0.0 (reachable through `docker run -p`), PORT to 3000;
// GRACE_MS (default 10000) cuts what is still open after that long.
const { FileSystem, IO, Net, Signals, env } = Nexus;
const host = env.HOST || '0.0.0.0';
const port = Number(env.PORT || 3000);
const grace = Number(env.GRACE_MS || 10000);
const site = FileSystem.join(import.meta.dirname, 'site');
const types = { html: 'text/html', css: 'text/css', js: 'application/javascript', txt: 'text/plain' };

// The file a request path names under ./site (a directory's index.html), or null.
async function find(url) {
  const path = decodeURIComponent(url.split('?')[0]);
  if (path.includes('/.')) return null;
  let file = FileSystem.join(site, path);
  let { type } = await FileSystem.stat(file);
  if (type === FileSystem.FileType.Directory) {
    file = FileSystem.join(file, 'index.html');
    ({ type } = await FileSystem.stat(file));
  }
  return type === FileSystem.FileType.Regular ? file : null;
}

const server = new Net.HTTP.Server();
// A handler that failed (a client gone mid-response, or cut at the grace): logged, not fatal.
server.on('error', (error) => console.error(`request failed: ${error.message}`));
server.on('connection', async ({ request, response }) => {
  const file = await find(request.url);
  if (file === null) return response.status(404).set('Content-Type', 'text/plain').send('Not Found\n');
  const type = types[file.slice(file.lastIndexOf('.') + 1)] || 'application/octet-stream';
  response.status(200).set('Content-Type', type);
  const input = new IO.ReadableStream(new IO.FilePushDevice(file));
  input.pipe(new IO.WritableStream(response));
  await input.resume();
});

async function stop(signal) {
  console.log(`${signal}: closing`);
  const started = Date.now();
  await server.close({ timeout: grace });
  console.log(`closed in ${Date.now() - started} ms`);
  // The process ends by itself now: nothing is pending. (With --realms every realm closes its own
  // server; Nexus.exit() here would end the others before their responses are out.)
}
Signals.once('SIGTERM', stop);
Signals.once('SIGINT', stop);

server.bind(host, port, true);
server.listen(1000);
console.log(`listening on ${host}:${server.address.port}`);
