// Offload round trip with Piscina, the usual Node worker pool: `pool.run([1, 2])` on
// piscina_add.js, one call at a time, with Piscina's default pool size. Piscina is not a
// dependency of this directory: ../realms.sh installs it into bench/.tools and passes that
// directory, where it is found with require's resolution.
// Usage: node offload_piscina.js CALLS WARMUP TOOLS_DIR
import { createRequire } from 'node:module';
import path from 'node:path';
import { timeRoundTrips } from './roundtrip.js';

const [calls, warmup] = process.argv.slice(2, 4).map(Number);
const { Piscina } = createRequire(path.resolve(process.argv[4], 'package.json'))('piscina');
const pool = new Piscina({ filename: new URL('./piscina_add.js', import.meta.url).href });
await timeRoundTrips(() => pool.run([1, 2]), calls, warmup);
await pool.destroy();
