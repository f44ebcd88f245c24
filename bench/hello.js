// The start-up benchmark's program: the least an ES module can do that shows it ran.
export {};
console.log("hello world");
