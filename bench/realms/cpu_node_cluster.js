// examples/cpu_server.js for Node on every core: `node:cluster` forks one worker per
// core (os.availableParallelism()), each running cpu_node.js's server; the primary accepts and
// hands connections to the workers round-robin (cluster's default on Linux). Each worker prints
// `cpu server ready` once it listens; a worker that dies takes the whole server down, so a crash
// shows as a failed run rather than a quietly smaller cluster.
// Usage: node cpu_node_cluster.js PORT
import cluster from 'node:cluster';
import os from 'node:os';

if (cluster.isPrimary) {
  for (let i = os.availableParallelism(); i > 0; i--) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    console.error(`worker ${worker.process.pid} exited (${signal || code})`);
    process.exit(1);
  });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      cluster.removeAllListeners('exit');
      for (const worker of Object.values(cluster.workers)) worker.kill();
      process.exit(0);
    });
  }
} else {
  await import('./cpu_node.js');
}
