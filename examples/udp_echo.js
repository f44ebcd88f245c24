// A UDP echo server: every datagram goes back, whole, to the address and port it came from.
// Usage: nexus udp_echo.js [port] [address] (default 41234 on 0.0.0.0; an IPv6 address such as
// ::1 makes it a udp6 socket).
const port = Number(Nexus.argv[0] || 41234);
const address = Nexus.argv[1] || '0.0.0.0';
const socket = new Nexus.Net.UDP.Socket({ type: address.includes(':') ? 'udp6' : 'udp4' });

socket.bind(address, port);
socket.on('message', (data, peer) => socket.send(data, peer.address, peer.port));
socket.on('error', (error) => console.error(`udp_echo: ${error.message}`));

const bound = socket.address;
console.log(`echoing UDP on ${bound.address} port ${bound.port}`);
