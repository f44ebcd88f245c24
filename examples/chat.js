// A chat room: the page at / joins the WebSocket at /chat, and every message a client sends is
// broadcast to every client (the sender too), all in the order the server received them.
// Usage: nexus [--realms 1] chat.js [port] (default 8080). A room lives in one realm: with
// --realms N each realm would hold a room of its own.
const page = `<!doctype html>
<meta charset="utf-8">
<title>Nexus chat</title>
<style>body { font: 16px sans-serif; max-width: 40em; margin: 2em auto; } #log { height: 20em; overflow-y: auto; border: 1px solid #ccc; padding: .5em; }</style>
<div id="log"></div>
<form id="form"><input id="name" placeholder="name" size="8"> <input id="text" placeholder="message" size="40" autofocus> <button>Send</button></form>
<script>
  const log = document.getElementById('log');
  const socket = new WebSocket(location.origin.replace(/^http/, 'ws') + '/chat');
  socket.onmessage = (event) => {
    const line = document.createElement('div');
    line.textContent = event.data;
    log.append(line);
    log.scrollTop = log.scrollHeight;
  };
  socket.onclose = () => log.append('(disconnected)');
  document.getElementById('form').onsubmit = (event) => {
    event.preventDefault();
    const text = document.getElementById('text');
    const name = document.getElementById('name').value || 'anonymous';
    if (text.value) socket.send(name + ': ' + text.value);
    text.value = '';
  };
</script>
`;

const room = new Set();

const server = Nexus.Net.HTTP.serve({
  port: Number(Nexus.argv[0] || 8080),
  fetch(request, info) {
    const { pathname } = new URL(request.url);
    if (pathname === '/chat') {
      const socket = info.upgrade(request);
      room.add(socket);
      socket.on('message', (data) => {
        // Not awaited: a slow client's sends queue up without holding the others back.
        for (const member of room) member.send(data);
      });
      socket.on('close', () => room.delete(socket));
      return;
    }
    if (pathname === '/') return new Response(page, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    return new Response('not found\n', { status: 404 });
  },
});
console.log(`chat on http://localhost:${server.port}/`);
