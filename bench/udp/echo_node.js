// UDP echo in Node (dgram), for bench/udp.sh: every datagram back to its sender.
// Usage: node echo_node.js PORT
import dgram from 'node:dgram';

const socket = dgram.createSocket('udp4');
socket.on('message', (data, peer) => socket.send(data, peer.port, peer.address));
socket.bind(Number(process.argv[2]), '127.0.0.1', () => console.log('ready'));
