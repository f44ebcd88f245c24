// Times sequential round trips to another thread, the same way in every runtime: `call()` is
// awaited WARMUP times untimed, then CALLS times, each timed alone with performance.now(); every
// call must resolve to 3 (add(1, 2)). Prints one JSON line for report.py: the calls, the mean,
// median, p99 and max in microseconds, and the calls per second over the whole timed loop.
export async function timeRoundTrips(call, calls, warmup) {
  for (let i = 0; i < warmup; i++) expectThree(await call());
  const samples = new Float64Array(calls);
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const before = performance.now();
    const result = await call();
    samples[i] = performance.now() - before;
    expectThree(result);
  }
  const elapsed = performance.now() - start;
  samples.sort();
  const us = (ms) => Math.round(ms * 10000) / 10;
  const at = (share) => samples[Math.min(calls - 1, Math.ceil(share * calls) - 1)];
  console.log(JSON.stringify({
    calls,
    warmup,
    mean_us: us(samples.reduce((sum, ms) => sum + ms, 0) / calls),
    p50_us: us(at(0.5)),
    p99_us: us(at(0.99)),
    max_us: us(samples[calls - 1]),
    per_second: Math.round(calls / (elapsed / 1000)),
  }));
}

function expectThree(result) {
  if (result !== 3) throw new Error(`the call answered ${JSON.stringify(result)}, not 3`);
}
