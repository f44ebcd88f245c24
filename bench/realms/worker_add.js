// offload_worker_threads.js's worker: answers each posted [a, b] with trivial.js's add(a, b).
import { parentPort } from 'node:worker_threads';
import { add } from './trivial.js';

parentPort.on('message', ([a, b]) => parentPort.postMessage(add(a, b)));
