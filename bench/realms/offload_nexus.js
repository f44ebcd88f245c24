// Offload round trip in Nexus: `await Nexus.Scheduler.offload('./trivial.js', 'add', 1, 2)`,
// one call at a time, in a realm of the offload pool (its default size, --concurrency).
// Usage: nexus offload_nexus.js CALLS WARMUP
import { timeRoundTrips } from './roundtrip.js';

const [calls, warmup] = Nexus.argv.map(Number);
await timeRoundTrips(() => Nexus.Scheduler.offload('./trivial.js', 'add', 1, 2), calls, warmup);
