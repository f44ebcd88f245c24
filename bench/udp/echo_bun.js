// UDP echo in Bun (Bun.udpSocket), for bench/udp.sh: every datagram back to its sender.
// Usage: bun echo_bun.js PORT
await Bun.udpSocket({
  hostname: '127.0.0.1',
  port: Number(process.argv[2]),
  socket: {
    data(socket, data, port, address) {
      socket.send(data, port, address);
    },
  },
});
console.log('ready');
