// Nexus.FileSystem: paths, stat, and whole-file and directory operations. Every call that touches
// the disk runs natively off the realm's lock and returns a Promise; errors name the path.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    Boolean, Date, ObjectDefineProperty, ObjectFreeze, PromiseReject, StringPrototypeSplit, TypeError,
  } = primordials;

  dispatch.load('nexus:pending');

  const nativeMap = dispatch.nativeMap;
  const separator = '/';

  const FileType = ObjectFreeze({
    Directory: 'Directory', Regular: 'Regular', Symlink: 'Symlink', Block: 'Block', Character: 'Character',
    FIFO: 'FIFO', Socket: 'Socket', NotFound: 'NotFound', Unknown: 'Unknown',
  });

  const Permissions = ObjectFreeze({
    OwnerRead: 0o400, OwnerWrite: 0o200, OwnerExec: 0o100,
    GroupRead: 0o040, GroupWrite: 0o020, GroupExec: 0o010,
    OthersRead: 0o004, OthersWrite: 0o002, OthersExec: 0o001,
    SetUID: 0o4000, SetGID: 0o2000, StickyBit: 0o1000,
  });

  // Joins and normalizes: `.` and empty segments go, `..` removes the segment before it. Servers
  // call it per request: index arithmetic, no builtin call per segment.
  function normalize(path) {
    const absolute = path[0] === separator;
    const parts = StringPrototypeSplit(path, separator);
    const out = [];
    let n = 0; // out[0..n) are the segments kept
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part === '' || part === '.') continue;
      if (part !== '..') out[n++] = part;
      else if (n > 0 && out[n - 1] !== '..') n--;
      else if (!absolute) out[n++] = '..';
    }
    let joined = n > 0 ? out[0] : '';
    for (let i = 1; i < n; i++) joined += separator + out[i];
    return absolute ? separator + joined : joined || '.';
  }

  // The parts, each a string, joined with the separator.
  function joinParts(parts, what) {
    let joined = '';
    for (let i = 0; i < parts.length; i++) joined += (i === 0 ? '' : separator) + text(parts[i], what);
    return joined;
  }

  const pathError = (value, what) => new TypeError(`FileSystem.${what}: the path must be a string, got ${typeof value}`);

  function text(value, what) {
    if (typeof value !== 'string') throw pathError(value, what);
    return value;
  }

  // A call that touches the disk rejects its promise for a path that is not a string: null
  // when `path` is one, else the rejected promise to return.
  const badPath = (path, what) => (typeof path === 'string' ? null : PromiseReject(pathError(path, what)));

  const statOf = (stat) => ({ type: stat[0], permissions: stat[1], size: stat[2], lastModified: new Date(stat[3]) });

  const FileSystem = {
    separator,
    FileType,
    Permissions,
    join: (...parts) => normalize(joinParts(parts, 'join')),
    absolute: (...parts) => {
      const joined = joinParts(parts, 'absolute');
      return normalize(joined[0] === separator ? joined : ops.workingDirectory() + separator + joined);
    },
    stat: (path) => badPath(path, 'stat') ?? nativeMap('fsStat', statOf, path),
    readFile: (path) => badPath(path, 'readFile') ?? nativeMap('fsReadFile', null, path),
    writeFile: (path, data) => badPath(path, 'writeFile') ?? nativeMap('fsWriteFile', null, path, data),
    readdir: (path) => badPath(path, 'readdir') ?? nativeMap('fsReaddir', null, path),
    mkdir: (path, options = {}) => {
      const recursive = Boolean(options && options.recursive);
      return badPath(path, 'mkdir') ?? nativeMap('fsMkdir', null, path, recursive);
    },
    remove: (path) => badPath(path, 'remove') ?? nativeMap('fsRemove', null, path),
  };
  ObjectDefineProperty(Nexus, 'FileSystem', { __proto__: null, value: ObjectFreeze(FileSystem), enumerable: true });
});
