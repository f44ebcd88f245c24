// 100,000 `await new Promise(r => r(i))`: a promise made, resolved by its executor and awaited per
// step. Prints the sum of the awaited values (4999950000).
export {};
const n = 100_000;
let sum = 0;
for (let i = 0; i < n; i++) sum += await new Promise((r) => r(i));
console.log(sum);
