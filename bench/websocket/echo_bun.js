// WebSocket echo for bench/websocket.sh: Bun.serve with its native websocket handler.
Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.argv[2]),
  fetch(request, server) {
    if (server.upgrade(request)) return undefined;
    return new Response('not a socket', { status: 400 });
  },
  websocket: { perMessageDeflate: false, message(ws, message) { ws.send(message); } },
});
