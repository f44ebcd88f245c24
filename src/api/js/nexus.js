// The program's details on the Nexus global.
(function (ops, details, Nexus) {
  'use strict';
  Object.defineProperty(Nexus, 'version', { value: details.version, enumerable: true });
  Object.defineProperty(Nexus, 'script', { value: details.script, enumerable: true });
  Object.defineProperty(Nexus, 'argv', { value: Object.freeze(details.argv.slice()), enumerable: true });
});
