// WebSocket echo for bench/websocket.sh: serve() upgrading every request, each message sent back.
Nexus.Net.HTTP.serve({
  hostname: '127.0.0.1',
  port: Number(Nexus.argv[0]),
  fetch(request, info) {
    const ws = info.upgrade(request, { perMessageDeflate: false });
    ws.on('message', (data) => { ws.send(data); });
  },
});
