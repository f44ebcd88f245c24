// 1,000,000 setTimeout(f, 0) callbacks, all armed at once; the program ends when the last fires.
// Prints how many fired (1000000).
export {};
const n = 1_000_000;
let fired = 0;
const f = () => {
  if (++fired === n) console.log(fired);
};
for (let i = 0; i < n; i++) setTimeout(f, 0);
