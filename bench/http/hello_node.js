// The hello-world HTTP server: 'ok' to every request, with hello_nexus.js's listen backlog.
// Usage: node hello_node.js PORT
import http from 'node:http';

http.createServer((request, response) => response.end('ok'))
  .listen(Number(process.argv[2]), '127.0.0.1', 1000);
