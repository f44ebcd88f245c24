// WebSocket echo for bench/websocket.sh: Deno.serve with Deno.upgradeWebSocket.
Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.args[0]), onListen() {} }, (request) => {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.binaryType = 'arraybuffer';
  socket.onmessage = (event) => socket.send(event.data);
  return response;
});
