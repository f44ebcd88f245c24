// The 8,673-byte page as a Response of its bytes, read once at start, for Bun.
// Usage: bun page_bun.js PORT [reuse]
import { readFileSync } from 'node:fs';

const page = readFileSync(new URL('../../examples/site/index.html', import.meta.url));
const headers = { 'Content-Type': 'text/html' };
Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.argv[2]),
  reusePort: process.argv[3] === 'reuse',
  fetch: () => new Response(page, { headers }),
});
