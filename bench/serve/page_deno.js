// The 8,673-byte page as a Response of its bytes, read once at start, for Deno.
// Usage: deno run --allow-net --allow-read page_deno.js PORT
const page = Deno.readFileSync(new URL('../../examples/site/index.html', import.meta.url));
const headers = { 'Content-Type': 'text/html' };
Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.args[0]), onListen() {} }, () => new Response(page, { headers }));
