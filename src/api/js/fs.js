// Nexus.FileSystem: paths, stat, and whole-file and directory operations. Every call that touches
// the disk runs natively off the realm's lock and returns a Promise; errors name the path.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  dispatch.load('nexus:pending');

  const nativeMap = dispatch.nativeMap;
  const separator = '/';

  const FileType = Object.freeze({
    Directory: 'Directory', Regular: 'Regular', Symlink: 'Symlink', Block: 'Block', Character: 'Character',
    FIFO: 'FIFO', Socket: 'Socket', NotFound: 'NotFound', Unknown: 'Unknown',
  });

  const Permissions = Object.freeze({
    OwnerRead: 0o400, OwnerWrite: 0o200, OwnerExec: 0o100,
    GroupRead: 0o040, GroupWrite: 0o020, GroupExec: 0o010,
    OthersRead: 0o004, OthersWrite: 0o002, OthersExec: 0o001,
    SetUID: 0o4000, SetGID: 0o2000, StickyBit: 0o1000,
  });

  // Joins and normalizes: `.` and empty segments go, `..` removes the segment before it.
  function normalize(path) {
    const absolute = path.startsWith(separator);
    const out = [];
    for (const part of path.split(separator)) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
        else if (!absolute) out.push('..');
      } else out.push(part);
    }
    const joined = out.join(separator);
    return absolute ? separator + joined : joined || '.';
  }

  function text(value, what) {
    if (typeof value !== 'string') throw new TypeError(`FileSystem.${what}: the path must be a string, got ${typeof value}`);
    return value;
  }

  const statOf = ([type, permissions, size, lastModified]) => ({ type, permissions, size, lastModified: new Date(lastModified) });

  // The native `op` on `path`, fulfilled with `map` of its result (as it is when `map` is null).
  const call = (what, op, map, path, ...args) => {
    try {
      return nativeMap(op, map, text(path, what), ...args);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const FileSystem = {
    separator,
    FileType,
    Permissions,
    join: (...parts) => normalize(parts.map((p) => text(p, 'join')).join(separator)),
    absolute: (...parts) => {
      const joined = parts.map((p) => text(p, 'absolute')).join(separator);
      return normalize(joined.startsWith(separator) ? joined : ops.cwd() + separator + joined);
    },
    stat: (path) => call('stat', 'fsStat', statOf, path),
    readFile: (path) => call('readFile', 'fsReadFile', null, path),
    writeFile: (path, data) => call('writeFile', 'fsWriteFile', null, path, data),
    readdir: (path) => call('readdir', 'fsReaddir', null, path),
    mkdir: (path, options = {}) => call('mkdir', 'fsMkdir', null, path, Boolean(options && options.recursive)),
    remove: (path) => call('remove', 'fsRemove', null, path),
  };
  Object.defineProperty(Nexus, 'FileSystem', { value: Object.freeze(FileSystem), enumerable: true });
});
