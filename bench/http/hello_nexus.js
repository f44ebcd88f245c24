// The hello-world HTTP server: 'ok' to every request. Usage: nexus hello_nexus.js PORT
const server = new Nexus.Net.HTTP.Server();
server.on('connection', (connection) => { connection.response.send('ok'); return connection.close(); });
server.bind('127.0.0.1', Number(Nexus.argv[0]));
server.listen(1000);
