// The 8,673-byte page (examples/site/index.html) through Nexus.Net.HTTP.Server's own API, read
// once at start: the floor for page_nexus.js, which serves it through serve().
// Usage: nexus page_server_nexus.js PORT
const page = await Nexus.FileSystem.readFile(Nexus.FileSystem.join(import.meta.dirname, '../../examples/site/index.html'));
const server = new Nexus.Net.HTTP.Server();
server.on('connection', ({ response }) => { response.set('Content-Type', 'text/html').send(page); });
server.bind('127.0.0.1', Number(Nexus.argv[0]));
server.listen(1000);
