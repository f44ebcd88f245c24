// The request-to-file logic of examples/http_file_server.js, shared by the Node, Bun
// and Deno file servers so that all three answer exactly as the Nexus example does: a leading
// '/' dropped, hidden files and '..' refused (404), '' served as index.html, a directory served
// as its index.html, anything that is neither a file nor a directory a 404.

const mimeTypes = {
  html: 'text/html', htm: 'text/html', css: 'text/css', js: 'application/javascript',
  json: 'application/json', png: 'image/png', jpg: 'image/jpeg', svg: 'image/svg+xml',
  txt: 'text/plain',
};

export function mimeType(path) {
  return mimeTypes[path.substr(path.lastIndexOf('.') + 1)] || 'application/octet-stream';
}

/**
 * The file a request URL names under `root`, as `{ path, filePath }` (`path` relative to `root`,
 * for the MIME type), or null for a 404. `kind(filePath)` resolves to 'file', 'directory' or
 * null, with each runtime's own stat.
 */
export async function resolve(root, url, kind) {
  let path = decodeURIComponent(url.split('?')[0]);
  for (;;) {
    if (path.startsWith('/')) path = path.substr(1);
    if (path.startsWith('.') || path.includes('/.')) return null;
    if (!path) path = 'index.html';
    const filePath = `${root}/${path}`;
    const type = await kind(filePath);
    if (type === 'file') return { path, filePath };
    if (type !== 'directory') return null;
    path = `${path}/index.html`;
  }
}
