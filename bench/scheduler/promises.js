// 1,000,000 chained promise reactions, each one's value the previous one's plus 1.
// Prints the last value (1000000).
export {};
const n = 1_000_000;
let p = Promise.resolve(0);
for (let i = 0; i < n; i++) p = p.then((v) => v + 1);
console.log(await p);
