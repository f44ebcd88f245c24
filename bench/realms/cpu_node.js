// examples/cpu_server.js for Node in one process: `node:http`, every request hashed
// on the one JS thread. Prints `cpu server ready` once it listens.
// Usage: node cpu_node.js PORT
import http from 'node:http';
import { answer } from './hash.js';

http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(answer(request.url));
}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('cpu server ready'));
