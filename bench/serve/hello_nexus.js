// The hello-world fetch-style server: 'ok' to every request, through Nexus.Net.HTTP.serve.
// Usage: nexus hello_nexus.js PORT
Nexus.Net.HTTP.serve({ hostname: '127.0.0.1', port: Number(Nexus.argv[0]), fetch: () => new Response('ok') });
