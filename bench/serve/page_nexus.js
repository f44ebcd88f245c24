// The 8,673-byte page (examples/site/index.html) as a Response of its bytes, read once at start.
// Usage: nexus page_nexus.js PORT
const page = await Nexus.FileSystem.readFile(Nexus.FileSystem.join(import.meta.dirname, '../../examples/site/index.html'));
const headers = { 'Content-Type': 'text/html' };
Nexus.Net.HTTP.serve({ hostname: '127.0.0.1', port: Number(Nexus.argv[0]), fetch: () => new Response(page, { headers }) });
