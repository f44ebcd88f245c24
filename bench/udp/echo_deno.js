// UDP echo in Deno (Deno.listenDatagram, behind --unstable-net), for bench/udp.sh: every
// datagram back to its sender. Usage: deno run --unstable-net --allow-net echo_deno.js PORT
const listener = Deno.listenDatagram({ hostname: '127.0.0.1', port: Number(Deno.args[0]), transport: 'udp' });
console.log('ready');
for await (const [data, peer] of listener) await listener.send(data, peer);
