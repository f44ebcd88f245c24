// The offloaded function of the round-trip benchmark: so little work that a call's time is the
// cost of getting there and back.
export const add = (a, b) => a + b;
