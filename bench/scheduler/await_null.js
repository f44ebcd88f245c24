// 100,000 `await null` in one async function: the engine's await path on a settled value.
// Prints the count (100000).
export {};
const n = 100_000;
let count = 0;
for (let i = 0; i < n; i++) {
  await null;
  count++;
}
console.log(count);
