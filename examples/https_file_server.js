// The http_file_server example over HTTPS: the files of ./site (next to this file) streamed with
// chunked encoding, TLS 1.2 and 1.3 done natively (rustls) on the pool's threads.
// Usage: nexus https_file_server.js cert.pem key.pem [port] (default 8443). A self-signed pair
// for 127.0.0.1, good for 30 days:
//   openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=127.0.0.1 \
//     -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem
const [cert, key, port = '8443'] = Nexus.argv;
if (!cert || !key) {
  console.error('usage: nexus https_file_server.js cert.pem key.pem [port]');
  Nexus.exit(2);
}

const { FileSystem, IO } = Nexus;
const site = FileSystem.join(import.meta.dirname, 'site');
const types = {
  html: 'text/html', css: 'text/css', js: 'application/javascript', json: 'application/json',
  txt: 'text/plain', svg: 'image/svg+xml', png: 'image/png', jpg: 'image/jpeg',
};

/** The file a URL names under site/ (a directory's index.html), or null. */
async function find(url) {
  const path = decodeURIComponent(url.split('?')[0]).replace(/^\/+/, '');
  if (path.startsWith('.') || path.includes('/.')) return null; // hidden files and '..'
  let file = FileSystem.join(site, path);
  let { type } = await FileSystem.stat(file);
  if (type === FileSystem.FileType.Directory) {
    file = FileSystem.join(file, 'index.html');
    ({ type } = await FileSystem.stat(file));
  }
  return type === FileSystem.FileType.Regular ? file : null;
}

// PEM paths (or PEM text); a bad one throws here, naming it.
const server = new Nexus.Net.HTTP.Server({ tls: { cert, key } });

server.on('error', (e) => console.error(`error: ${e.message}`));

server.on('connection', async (connection) => {
  const { request, response } = connection;
  const file = await find(request.url).catch(() => null);
  if (file === null) {
    return response.status(404).set('Content-Type', 'text/plain').send('Not Found\n');
  }
  const extension = file.slice(file.lastIndexOf('.') + 1);
  response
    .set('Server', `nexus/${Nexus.version}`)
    .set('Content-Type', types[extension] || 'application/octet-stream')
    .status(200);
  const input = new IO.ReadableStream(new IO.FilePushDevice(file));
  const output = new IO.WritableStream(response);
  const disconnect = input.pipe(output);
  try {
    // Resolves after the last chunk is written.
    await input.resume();
  } finally {
    disconnect();
    await input.close();
    await output.close();
    await connection.close();
  }
});

server.bind('127.0.0.1', Number(port), true);
server.listen(1000);
console.log(`Nexus HTTPS server listening at https://127.0.0.1:${server.address.port}`);
