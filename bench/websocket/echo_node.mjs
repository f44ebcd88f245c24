// WebSocket echo for bench/websocket.sh: Node's http server with the `ws` package (from
// bench/.tools, where the script installs it).
import { createRequire } from 'node:module';
const require = createRequire(process.argv[3] + '/');
const { WebSocketServer } = require('ws');
const server = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2]), perMessageDeflate: false });
server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
