// The smallest Nexus program: an ES module that prints a greeting.
console.log(`Hello from Nexus ${Nexus.version}!`);
