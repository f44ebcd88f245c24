// Type declarations for the Nexus runtime: the `Nexus` global with every namespace of the API
// reference (/work/shared/api/REFERENCE.md) and the web-platform globals Nexus provides. Use with
// `"lib": ["esnext"]` (not "dom": these declarations replace it) and `"types": []`.

/* ---------------------------------------------------------------------------------------------
 * Modules
 * ------------------------------------------------------------------------------------------- */

interface ImportMeta {
  /** file:// URL of the module, or its http(s):// URL for a remote module. */
  readonly url: string;
  /** Absolute path of the module (its URL for a remote module). */
  readonly filename: string;
  /** Absolute path of the module's directory (its directory URL for a remote module). */
  readonly dirname: string;
}

/* ---------------------------------------------------------------------------------------------
 * The Nexus global
 * ------------------------------------------------------------------------------------------- */

declare namespace Nexus {
  /** The Nexus version. */
  const version: string;
  /** Absolute path of the entry module. */
  const script: string;
  /** The arguments after the entry on the command line. */
  const argv: readonly string[];

  /** The environment: one view for the whole process (every realm sees the same values);
   * assigned values become strings; `delete` removes a variable. */
  const env: Record<string, string | undefined>;
  /** Ends the process now with `code` (else `exitCode`, else 0), after flushing stdout, stderr
   * and the --stats report. Callable from any realm and from offloaded code. */
  function exit(code?: number): never;
  /** The code of a natural exit when nothing failed (an uncaught error gives 1). */
  let exitCode: number | undefined;
  const pid: number;
  const ppid: number;
  function cwd(): string;
  const platform: 'linux';
  const arch: string;
  const versions: { readonly nexus: string; readonly javascriptcore: string; readonly webkitgtk: string };
  /** Seconds since the process started. */
  function uptime(): number;
  /** Bytes: the process's resident set, and the calling realm's heap. */
  function memoryUsage(): { rss: number; heapUsed: number; heapTotal: number };
  type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR1' | 'SIGUSR2' | 'SIGWINCH';
  /** While a signal has a handler in a realm, its default action is off and the handlers run
   * (in each realm that registered one); a second SIGINT or SIGTERM applies the default action.
   * Handlers do not keep an idle process alive. Handlers get the signal's name. */
  const Signals: EventEmitter & {
    on(signal: SignalName, handler: (signal: SignalName) => unknown): typeof Signals;
    once(signal: SignalName, handler: (signal: SignalName) => unknown): typeof Signals;
    off(signal: SignalName, handler: Handler): typeof Signals;
  };

  type Handler = (...args: any[]) => unknown;

  /** Events whose handlers each run as their own task. Subclassable. */
  class EventEmitter {
    constructor();
    on(event: string, handler: Handler): this;
    once(event: string, handler: Handler): this;
    many(event: string, handler: Handler, count: number): this;
    off(event: string, handler: Handler): this;
    allOff(event: string): this;
    /** How many handlers `event` has. */
    listenerCount(event: string): number;
    /** Resolves to the handlers' return values (awaited), in registration order. */
    emit(event: string, ...args: any[]): Promise<unknown[]>;
  }

  namespace Scheduler {
    /** Queue `fn` as a task on the thread pool. */
    function schedule(fn: () => unknown): void;
    /** Call the named export of a module in a realm of the offload pool; args and result are
     * passed by structured clone. */
    function offload(specifier: string, exportName: string, ...args: any[]): Promise<any>;
    /** Id of the thread running the current task. */
    const threadId: string;
    /** The maximum number of threads. */
    const concurrency: number;
  }

  namespace Realm {
    /** The number of the realm running the current code (0 for the first). */
    const id: number;
  }

  namespace IO {
    /** Data written anywhere: an ArrayBuffer or a view of one (a typed array or a DataView). */
    type BufferLike = ArrayBuffer | ArrayBufferView;

    /** A source or a sink: files, sockets, HTTP requests and responses. */
    interface Device extends EventEmitter {}

    class FilePushDevice extends EventEmitter implements Device {
      constructor(path: string);
    }
    class FilePullDevice extends EventEmitter implements Device {
      constructor(path: string);
      read(n: number): Promise<ArrayBuffer>;
      readSync(n: number): ArrayBuffer;
      seek(offset: number, whence?: 'begin' | 'current' | 'end'): number;
    }
    class FileSinkDevice extends EventEmitter implements Device {
      /** A path, or 0, 1, 2 for the standard streams. */
      constructor(pathOrFd: string | number);
      write(buffer: BufferLike): Promise<number>;
      writeSync(buffer: BufferLike): number;
    }

    interface Filter {
      process(buffer: BufferLike | string): Promise<ArrayBuffer | string> | ArrayBuffer | string;
      processSync?(buffer: BufferLike | string): ArrayBuffer | string;
    }
    /** Any WHATWG encoding label, plus UTF-16LE and UTF-16BE. */
    class EncodingConversionFilter implements Filter {
      constructor(from: string, to: string);
      process(buffer: BufferLike): Promise<ArrayBuffer>;
      processSync(buffer: BufferLike): ArrayBuffer;
    }
    /** Bytes to string (and string to UTF-8 bytes on a WritableStream). */
    class UTF8StringFilter implements Filter {
      constructor();
      process(buffer: BufferLike | string): Promise<ArrayBuffer | string>;
      processSync(buffer: BufferLike | string): ArrayBuffer | string;
    }

    class ReadableStream extends EventEmitter {
      constructor(source: Device | any);
      pushFilter(filter: Filter): this;
      pushFilters(...filters: Filter[]): this;
      popFilter(): Filter | undefined;
      /** Returns a function that disconnects the sinks. */
      pipe(...streams: WritableStream[]): () => void;
      /** Resolves when the source is exhausted and every piped sink took the last chunk. */
      resume(): Promise<void>;
      pause(): void;
      reset(): void;
      close(): Promise<void>;
    }
    class WritableStream extends EventEmitter {
      constructor(sink: Device | any);
      write(buffer: BufferLike | string): Promise<void>;
      pushFilter(filter: Filter): this;
      pushFilters(...filters: Filter[]): this;
      popFilter(): Filter | undefined;
      close(): Promise<void>;
    }
  }

  namespace FileSystem {
    type FileType = 'Directory' | 'Regular' | 'Symlink' | 'Block' | 'Character' | 'FIFO' | 'Socket' | 'NotFound' | 'Unknown';
    const FileType: {
      readonly Directory: 'Directory';
      readonly Regular: 'Regular';
      readonly Symlink: 'Symlink';
      readonly Block: 'Block';
      readonly Character: 'Character';
      readonly FIFO: 'FIFO';
      readonly Socket: 'Socket';
      readonly NotFound: 'NotFound';
      readonly Unknown: 'Unknown';
    };
    /** Bit flags of `Stat.permissions`. */
    const Permissions: {
      readonly OwnerRead: number;
      readonly OwnerWrite: number;
      readonly OwnerExec: number;
      readonly GroupRead: number;
      readonly GroupWrite: number;
      readonly GroupExec: number;
      readonly OthersRead: number;
      readonly OthersWrite: number;
      readonly OthersExec: number;
      readonly SetUID: number;
      readonly SetGID: number;
      readonly StickyBit: number;
    };
    interface Stat {
      type: FileType;
      permissions: number;
      size: number;
      lastModified: Date;
    }
    const separator: string;
    function join(...parts: string[]): string;
    function absolute(...parts: string[]): string;
    /** A missing path resolves with `type === FileType.NotFound`. */
    function stat(path: string): Promise<Stat>;
    function readFile(path: string): Promise<ArrayBuffer>;
    function writeFile(path: string, data: IO.BufferLike | string): Promise<void>;
    function readdir(path: string): Promise<string[]>;
    function mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
    function remove(path: string): Promise<void>;
  }

  namespace Net {
    interface Endpoint {
      address: string;
      port: number;
    }

    /** A certificate and its private key: PEM text (starting with -----BEGIN) or a file's path.
     * With several, `serverName` picks one by SNI (exactly, or `*.example.com` for one label);
     * the first is the default (no SNI, or a name none matches). Bad PEM throws, naming the
     * option and the file. */
    interface Certificate {
      cert: string;
      key: string;
      serverName?: string;
    }
    type TLSOption = Certificate | Certificate[];
    interface ListenerOptions {
      /** TLS 1.2 and 1.3 (rustls) on every connection; HTTP servers offer ALPN http/1.1. */
      tls?: TLSOption;
    }
    /** Datagram sockets. Each datagram is sent and received whole. */
    namespace UDP {
      /** Where a datagram came from. */
      interface Peer extends Endpoint {
        family: 'IPv4' | 'IPv6';
      }
      /** A multicast interface: an IPv4 address for a udp4 socket, an interface index (0: the
       * default) for a udp6 one. */
      type Interface = string | number;
      /** A UDP socket, also a device once connected: `new IO.WritableStream(socket)` sends each
       * chunk as datagrams of at most 65,507 bytes, in order; `new IO.ReadableStream(socket)`
       * reads one datagram per chunk. While bound, it keeps the program running only while it
       * has a 'message' or 'data' handler, a read waiting or a send not yet taken; `close()`
       * ends all three. */
      class Socket extends EventEmitter implements IO.Device {
        /** `'udp4'` (the default) or `'udp6'`. */
        constructor(options?: { type?: 'udp4' | 'udp6' } | 'udp4' | 'udp6');
        readonly type: 'udp4' | 'udp6';
        /** No address binds every interface; port 0 takes a free port; `reuse` sets
         * SO_REUSEADDR. Throws (EADDRINUSE, …) naming the address. Realms binding the same
         * address and port share one socket: each datagram goes to one of them, in turn. */
        bind(address?: string, port?: number, reuse?: boolean): this;
        /** Null before bind (send, connect and read bind a free port first). */
        readonly address: Peer | null;
        /** The peer connect() gave; null before. */
        readonly remoteAddress: Peer | null;
        /** One datagram; to the connected peer without an address. Resolves with its size once
         * the kernel took it; rejects naming the address (ENOTFOUND for a host that does not
         * resolve, EMSGSIZE for more than a datagram holds). */
        send(data: string | IO.BufferLike, address?: string, port?: number): Promise<number>;
        /** Sends go to the peer by default, and only its datagrams arrive. Rejects (EINVAL) on a
         * socket other realms share; a connected socket is not shared. */
        connect(address: string, port: number): Promise<Peer>;
        /** The device's write (connected): the bytes as datagrams of at most 65,507 bytes. */
        write(data: string | IO.BufferLike): Promise<number>;
        /** The device's read: the next datagram, whole; empty once closed. */
        read(n?: number): Promise<ArrayBuffer>;
        /** Resolves once the port can be bound again (unless other realms share the socket). */
        close(): Promise<void>;
        setBroadcast(on: boolean): this;
        setTTL(ttl: number): this;
        setMulticastTTL(ttl: number): this;
        setMulticastLoopback(on: boolean): this;
        setMulticastInterface(iface: Interface): this;
        addMembership(group: string, iface?: Interface): this;
        dropMembership(group: string, iface?: Interface): this;
        /** Also emitted as 'data' (the original Nexus.js's name). */
        on(event: 'message' | 'data', handler: (data: ArrayBuffer, peer: Peer) => unknown): this;
        on(event: 'error', handler: (error: Error) => unknown): this;
        on(event: 'close', handler: () => unknown): this;
        on(event: string, handler: Handler): this;
      }
    }
    /** The original Nexus.js's name for UDP.Socket. */
    const UDPSocket: typeof UDP.Socket;
    type UDPSocket = UDP.Socket;

    namespace TCP {
      /** A connected socket: a bidirectional device for ReadableStream and WritableStream. */
      interface Socket extends IO.Device {}
      class Acceptor extends EventEmitter {
        /** With `tls`, each socket is given once its TLS handshake is over; a client that fails
         * it (or takes over 10 s) is dropped and reported ('clientError', else a line on
         * stderr). */
        constructor(options?: ListenerOptions);
        /** New connections get these certificates; open ones keep theirs. Throws on bad PEM
         * (the old certificates stay) or for an Acceptor made without tls. */
        setCertificates(tls: TLSOption): this;
        /** Throws (EADDRINUSE, …) naming the address. Realms binding the same address share
         * one socket. */
        bind(address: string, port: number, reuse?: boolean): this;
        listen(backlog?: number): this;
        /** Stops accepting at once; resolves when every socket it accepted is closed;
         * `timeout` (ms) closes those still open then. */
        close(options?: { timeout?: number }): Promise<void>;
        /** Null before bind. */
        readonly address: Endpoint;
        on(event: 'connection', handler: (socket: Socket, peer: Endpoint) => unknown): this;
        on(event: 'error', handler: (error: Error) => unknown): this;
        /** A TLS client dropped before it became a socket. */
        on(event: 'clientError', handler: (error: Error, peer: Endpoint) => unknown): this;
        on(event: string, handler: Handler): this;
      }
      function connect(address: string, port: number): Promise<Socket>;
    }

    namespace TLS {
      interface ConnectOptions {
        /** PEM text or a path: certificates trusted besides the process's roots (Mozilla's, or
         * $NEXUS_CA_CERTS). */
        ca?: string;
        /** The name the certificate must be valid for, and SNI (default: `host`). */
        servername?: string;
      }
      /** A socket whose TLS handshake is over, dialed as fetch dials an https: origin; it
       * rejects as fetch's cause does (`code`: ECONNREFUSED, UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
       * ERR_TLS_CERT_ALTNAME_INVALID, …, and the reason). */
      function connect(host: string, port: number, options?: ConnectOptions): Promise<TCP.Socket>;
    }

    namespace HTTP {
      interface Header {
        name: string;
        value: string;
      }
      /** The request head, and a source device for the body. */
      interface Request extends IO.Device {
        readonly method: string;
        readonly url: string;
        readonly version: string;
        readonly headers: Header[];
        /** Case-insensitive; repeated fields joined with ', '. */
        header(name: string): string | undefined;
        /** Up to `n` bytes of the body; empty at its end. */
        read(n?: number): Promise<ArrayBuffer>;
      }
      /** A sink device for the body (chunked when a stream is piped into it). */
      interface Response extends IO.Device {
        /** Sets the status code and returns the response. */
        status(code: number): Response;
        /** The status code (a number). Typed `any` because programs, like the reference's
         * http_file_server.js, reuse the variable holding it for a decorated string. */
        status(): any;
        /** Replaces any field of the same name (case-insensitive). */
        set(name: string, value: string): Response;
        /** Adds a field, keeping those of the same name: a response may carry a field more
         * than once (two Set-Cookie). */
        append(name: string, value: string): Response;
        /** The first field of that name (case-insensitive). */
        get(name: string): string | undefined;
        /** The whole body with Content-Length; ends the response. Resolves even when the client
         * is gone (the response's 'error' event tells). */
        send(body?: string | IO.BufferLike): Promise<void>;
        /** A piece of a chunked body; resolves when the connection can take more, rejects once
         * the client is gone. */
        write(data: string | IO.BufferLike): Promise<void>;
        /** Ends the body (an empty one if nothing was written). */
        close(): Promise<void>;
        /** True once the head went out. */
        readonly sent: boolean;
      }
      interface Connection {
        readonly request: Request;
        readonly response: Response;
        close(): Promise<void>;
        /** Answers 101 and gives the request's WebSocket; a request that is no valid upgrade is
         * answered 400 (426 for another version) and this throws an Error with `status`. */
        upgrade(options?: UpgradeOptions): WebSocket;
      }
      interface UpgradeOptions {
        /** The subprotocol(s) the server speaks, in its order of preference: the first the
         * client offers is chosen (none when none matches). */
        protocol?: string | string[];
        /** Accept permessage-deflate when offered (default true). */
        perMessageDeflate?: boolean;
        /** The largest message in bytes, after inflating (default 16 MiB); a larger one closes
         * the socket with 1009. */
        maxPayload?: number;
        /** Milliseconds of silence before a ping, and as long again before the socket is given
         * up on (default 120000; 0 never). */
        idleTimeout?: number;
      }
      /** A server's WebSocket (RFC 6455): an EventEmitter and a device (read() gives the next
       * message's bytes, empty after the close; write() sends binary). */
      interface WebSocket extends IO.Device {
        /** The chosen subprotocol, '' for none. */
        readonly protocol: string;
        /** The agreed Sec-WebSocket-Extensions value, '' for none. */
        readonly extensions: string;
        readonly remoteAddress: Endpoint;
        /** 1 open, 2 closing, 3 closed. */
        readonly readyState: number;
        /** A string goes as a text message, bytes as binary; resolves true once the connection
         * takes more (backpressure), false when the socket is closing (the message is dropped). */
        send(data: string | IO.BufferLike): Promise<boolean>;
        ping(data?: string | IO.BufferLike): Promise<boolean>;
        /** Starts the close handshake (code 1000-1003, 1007-1014 or 3000-4999); resolves once
         * closed. */
        close(code?: number, reason?: string): Promise<void>;
        read(): Promise<ArrayBuffer>;
        write(data: string | IO.BufferLike): Promise<boolean>;
        /** A text message as a string, a binary one as an ArrayBuffer. */
        on(event: 'message', handler: (data: string | ArrayBuffer, isBinary: boolean) => unknown): this;
        /** Once, after every message: the peer's code and reason (1005 for none), or the code
         * this side failed the connection with (1002, 1007, 1009), or 1006 when the connection
         * ended without a close. */
        on(event: 'close', handler: (code: number, reason: string) => unknown): this;
        on(event: 'error', handler: (error: Error) => unknown): this;
        on(event: string, handler: Handler): this;
      }
      class Server extends EventEmitter {
        /** With `tls`, HTTPS. */
        constructor(options?: ListenerOptions);
        /** New connections get these certificates; open ones keep theirs. Throws on bad PEM
         * (the old certificates stay) or for a server made without tls. */
        setCertificates(tls: TLSOption): this;
        bind(address: string, port: number, reuse?: boolean): this;
        /** At most `limit` connections open at once; more wait in the kernel's queue. */
        listen(limit?: number): this;
        /** Stops accepting at once; exchanges in progress finish (answered with `Connection:
         * close`), idle connections close; resolves when the last connection has closed.
         * `timeout` (ms) cuts what is still open then (the clients get a reset). */
        close(options?: { timeout?: number }): Promise<void>;
        readonly address: Endpoint;
        /** Milliseconds a request head may take (default 10000). */
        headersTimeout: number;
        /** Milliseconds an idle keep-alive connection stays open (default 5000). */
        keepAliveTimeout: number;
        on(event: 'connection', handler: (connection: Connection, peer: Endpoint) => unknown): this;
        on(event: 'error', handler: (error: Error, peer?: Endpoint) => unknown): this;
        /** Bad input that was answered (400, 408, 431, 501, 505), or a TLS handshake that failed
         * or did not finish in time (status 0); without a listener, one line on stderr. */
        on(event: 'clientError', handler: (error: Error & { status: number }, peer: Endpoint) => unknown): this;
        on(event: string, handler: Handler): this;
      }
      /** What a serve() handler is told besides the request. */
      interface ServeInfo {
        /** The client's address and port. */
        readonly remoteAddress: Endpoint;
        /** Upgrades the request being handled (as Connection's upgrade()); the handler's return
         * value is then ignored, as in Bun and Deno. */
        upgrade(request: globalThis.Request, options?: UpgradeOptions): WebSocket;
      }
      interface ServeOptions {
        /** Default 3000; 0 takes a free port (then read `server.port`). */
        port?: number;
        /** Default '0.0.0.0'. */
        hostname?: string;
        /** Answers each request; a throw, a rejection or anything but a Response answers 500. */
        fetch(request: globalThis.Request, info: ServeInfo): globalThis.Response | Promise<globalThis.Response> | void;
        /** Hears of a failed handler (instead of the 'error' report); a Response it gives
         * answers in place of the 500. */
        onError?(error: unknown): globalThis.Response | Promise<globalThis.Response> | void;
        /** Closes the server when aborted. */
        signal?: AbortSignal;
        /** HTTPS (requests' URLs are https:); see Net.Certificate. */
        tls?: TLSOption;
      }
      interface FetchServer {
        readonly hostname: string;
        /** The port it listens on (the one taken, for port 0). */
        readonly port: number;
        readonly address: Endpoint;
        /** As Server's setCertificates(). */
        setCertificates(tls: TLSOption): this;
        /** As Server's close(): stops accepting, lets exchanges in progress finish, resolves when
         * the last connection has closed; `timeout` (ms) cuts what is still open then. */
        close(options?: { timeout?: number }): Promise<void>;
      }
      /** A fetch-style server on the same engine as Server: its limits, keep-alive, bad-input
       * answers, --realms socket sharing and graceful close. */
      function serve(options: ServeOptions): FetchServer;
    }
  }
}

/* ---------------------------------------------------------------------------------------------
 * Timers
 * ------------------------------------------------------------------------------------------- */

declare function setTimeout<A extends any[]>(fn: (...args: A) => unknown, ms?: number, ...args: A): number;
declare function setInterval<A extends any[]>(fn: (...args: A) => unknown, ms?: number, ...args: A): number;
declare function setImmediate<A extends any[]>(fn: (...args: A) => unknown, ...args: A): number;
declare function clearTimeout(id: number | undefined): void;
declare function clearInterval(id: number | undefined): void;
declare function clearImmediate(id: number | undefined): void;
declare function queueMicrotask(fn: () => void): void;

/* ---------------------------------------------------------------------------------------------
 * console
 * ------------------------------------------------------------------------------------------- */

interface InspectOptions {
  depth?: number | null;
  showHidden?: boolean;
  colors?: boolean;
  maxArrayLength?: number | null;
  maxStringLength?: number;
  breakLength?: number;
  compact?: number;
}

interface Console {
  log(...data: any[]): void;
  info(...data: any[]): void;
  debug(...data: any[]): void;
  warn(...data: any[]): void;
  error(...data: any[]): void;
  trace(...data: any[]): void;
  assert(condition?: unknown, ...data: any[]): void;
  count(label?: string): void;
  countReset(label?: string): void;
  time(label?: string): void;
  timeLog(label?: string, ...data: any[]): void;
  timeEnd(label?: string): void;
  table(data: unknown, properties?: string[]): void;
  group(...label: any[]): void;
  groupCollapsed(...label: any[]): void;
  groupEnd(): void;
  dir(value: unknown, options?: InspectOptions): void;
  /** Prints a Node-style rendering of the value (unlike Node's util.inspect, which returns it). */
  inspect(value: unknown, options?: InspectOptions): void;
}
declare var console: Console;

/* ---------------------------------------------------------------------------------------------
 * Web-platform globals
 * ------------------------------------------------------------------------------------------- */

declare class DOMException extends Error {
  constructor(message?: string, name?: string);
  readonly name: string;
  readonly code: number;
}

interface EventInit {
  cancelable?: boolean;
}
declare class Event {
  constructor(type: string, init?: EventInit);
  readonly type: string;
  readonly target: EventTarget | null;
  readonly currentTarget: EventTarget | null;
  readonly cancelable: boolean;
  readonly defaultPrevented: boolean;
  readonly timeStamp: number;
  preventDefault(): void;
  stopPropagation(): void;
  stopImmediatePropagation(): void;
}
type EventListener = ((event: Event) => void) | { handleEvent(event: Event): void };
interface AddEventListenerOptions {
  once?: boolean;
  signal?: AbortSignal;
}
declare class EventTarget {
  addEventListener(type: string, listener: EventListener | null, options?: AddEventListenerOptions | boolean): void;
  removeEventListener(type: string, listener: EventListener | null): void;
  dispatchEvent(event: Event): boolean;
}

declare class AbortSignal extends EventTarget {
  private constructor();
  readonly aborted: boolean;
  readonly reason: any;
  onabort: ((event: Event) => void) | null;
  throwIfAborted(): void;
  static abort(reason?: any): AbortSignal;
  /** Aborts with a TimeoutError DOMException after `ms` milliseconds. */
  static timeout(ms: number): AbortSignal;
  static any(signals: Iterable<AbortSignal>): AbortSignal;
}
declare class AbortController {
  constructor();
  readonly signal: AbortSignal;
  abort(reason?: any): void;
}

type BufferSource = ArrayBuffer | ArrayBufferView;

/* The WHATWG streams (lib.dom's names). Nexus.IO.ReadableStream is another class. */

interface QueuingStrategySize<T = any> {
  (chunk: T): number;
}
interface QueuingStrategy<T = any> {
  highWaterMark?: number;
  size?: QueuingStrategySize<T>;
}
interface QueuingStrategyInit {
  highWaterMark: number;
}
declare class ByteLengthQueuingStrategy implements QueuingStrategy<ArrayBufferView> {
  constructor(init: QueuingStrategyInit);
  readonly highWaterMark: number;
  readonly size: QueuingStrategySize<ArrayBufferView>;
}
declare class CountQueuingStrategy implements QueuingStrategy {
  constructor(init: QueuingStrategyInit);
  readonly highWaterMark: number;
  readonly size: QueuingStrategySize;
}

interface UnderlyingDefaultSource<R = any> {
  start?(controller: ReadableStreamDefaultController<R>): any;
  pull?(controller: ReadableStreamDefaultController<R>): void | PromiseLike<void>;
  cancel?(reason?: any): void | PromiseLike<void>;
  /** Accepted; the stream is then a default stream of what the source enqueues (no BYOB reader). */
  type?: 'bytes';
}
interface ReadableStreamReadResult<T> {
  done: boolean;
  value: T | undefined;
}
interface StreamPipeOptions {
  preventAbort?: boolean;
  preventCancel?: boolean;
  preventClose?: boolean;
  signal?: AbortSignal;
}
interface ReadableWritablePair<R = any, W = any> {
  readable: ReadableStream<R>;
  writable: WritableStream<W>;
}
declare class ReadableStream<R = any> implements AsyncIterable<R> {
  constructor(underlyingSource?: UnderlyingDefaultSource<R>, strategy?: QueuingStrategy<R>);
  readonly locked: boolean;
  cancel(reason?: any): Promise<void>;
  getReader(options?: { mode?: undefined }): ReadableStreamDefaultReader<R>;
  pipeThrough<T>(transform: ReadableWritablePair<T, R>, options?: StreamPipeOptions): ReadableStream<T>;
  pipeTo(destination: WritableStream<R>, options?: StreamPipeOptions): Promise<void>;
  tee(): [ReadableStream<R>, ReadableStream<R>];
  values(options?: { preventCancel?: boolean }): AsyncIterableIterator<R>;
  [Symbol.asyncIterator](options?: { preventCancel?: boolean }): AsyncIterableIterator<R>;
  static from<R>(iterable: Iterable<R | PromiseLike<R>> | AsyncIterable<R>): ReadableStream<R>;
}
declare class ReadableStreamDefaultController<R = any> {
  private constructor();
  readonly desiredSize: number | null;
  close(): void;
  enqueue(chunk?: R): void;
  error(e?: any): void;
}
declare class ReadableStreamDefaultReader<R = any> {
  constructor(stream: ReadableStream<R>);
  readonly closed: Promise<void>;
  cancel(reason?: any): Promise<void>;
  read(): Promise<ReadableStreamReadResult<R>>;
  releaseLock(): void;
}

interface UnderlyingSink<W = any> {
  start?(controller: WritableStreamDefaultController): any;
  write?(chunk: W, controller: WritableStreamDefaultController): void | PromiseLike<void>;
  close?(): void | PromiseLike<void>;
  abort?(reason?: any): void | PromiseLike<void>;
}
declare class WritableStream<W = any> {
  constructor(underlyingSink?: UnderlyingSink<W>, strategy?: QueuingStrategy<W>);
  readonly locked: boolean;
  abort(reason?: any): Promise<void>;
  close(): Promise<void>;
  getWriter(): WritableStreamDefaultWriter<W>;
}
declare class WritableStreamDefaultController {
  private constructor();
  readonly signal: AbortSignal;
  error(e?: any): void;
}
declare class WritableStreamDefaultWriter<W = any> {
  constructor(stream: WritableStream<W>);
  readonly closed: Promise<void>;
  readonly desiredSize: number | null;
  readonly ready: Promise<void>;
  abort(reason?: any): Promise<void>;
  close(): Promise<void>;
  releaseLock(): void;
  write(chunk?: W): Promise<void>;
}

interface Transformer<I = any, O = any> {
  start?(controller: TransformStreamDefaultController<O>): any;
  transform?(chunk: I, controller: TransformStreamDefaultController<O>): void | PromiseLike<void>;
  flush?(controller: TransformStreamDefaultController<O>): void | PromiseLike<void>;
  cancel?(reason?: any): void | PromiseLike<void>;
}
declare class TransformStream<I = any, O = any> {
  constructor(transformer?: Transformer<I, O>, writableStrategy?: QueuingStrategy<I>, readableStrategy?: QueuingStrategy<O>);
  readonly readable: ReadableStream<O>;
  readonly writable: WritableStream<I>;
}
declare class TransformStreamDefaultController<O = any> {
  private constructor();
  readonly desiredSize: number | null;
  enqueue(chunk?: O): void;
  error(reason?: any): void;
  terminate(): void;
}


declare class TextEncoder {
  constructor();
  readonly encoding: 'utf-8';
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
declare class TextDecoder {
  constructor(label?: string, options?: TextDecoderOptions);
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: BufferSource, options?: { stream?: boolean }): string;
}

declare class URLSearchParams implements Iterable<[string, string]> {
  constructor(init?: string | URLSearchParams | Record<string, string> | Iterable<[string, string]> | string[][]);
  readonly size: number;
  append(name: string, value: string): void;
  delete(name: string, value?: string): void;
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string, value?: string): boolean;
  set(name: string, value: string): void;
  sort(): void;
  forEach(callback: (value: string, key: string, parent: URLSearchParams) => void, thisArg?: any): void;
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
  toString(): string;
}
declare class URL {
  constructor(url: string | URL, base?: string | URL);
  static canParse(url: string | URL, base?: string | URL): boolean;
  href: string;
  readonly origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  readonly searchParams: URLSearchParams;
  hash: string;
  toString(): string;
  toJSON(): string;
}

type HeadersInit = [string, string][] | Record<string, string> | Headers;
declare class Headers implements Iterable<[string, string]> {
  constructor(init?: HeadersInit);
  append(name: string, value: string): void;
  delete(name: string): void;
  get(name: string): string | null;
  /** Each Set-Cookie value, uncombined. */
  getSetCookie(): string[];
  has(name: string): boolean;
  set(name: string, value: string): void;
  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: any): void;
  /** Sorted by lowercased name; the values of a name combined with ", " (Set-Cookie's apart). */
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}

type BlobPart = BufferSource | Blob | string;
interface BlobPropertyBag {
  type?: string;
  endings?: 'transparent' | 'native';
}
declare class Blob {
  constructor(blobParts?: Iterable<BlobPart>, options?: BlobPropertyBag);
  readonly size: number;
  readonly type: string;
  slice(start?: number, end?: number, contentType?: string): Blob;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  bytes(): Promise<Uint8Array>;
  stream(): ReadableStream<Uint8Array>;
}
interface FilePropertyBag extends BlobPropertyBag {
  lastModified?: number;
}
declare class File extends Blob {
  constructor(fileBits: Iterable<BlobPart>, fileName: string, options?: FilePropertyBag);
  readonly name: string;
  readonly lastModified: number;
  readonly webkitRelativePath: string;
}

type FormDataEntryValue = File | string;
declare class FormData implements Iterable<[string, FormDataEntryValue]> {
  constructor();
  append(name: string, value: string | Blob, fileName?: string): void;
  delete(name: string): void;
  get(name: string): FormDataEntryValue | null;
  getAll(name: string): FormDataEntryValue[];
  has(name: string): boolean;
  set(name: string, value: string | Blob, fileName?: string): void;
  forEach(callback: (value: FormDataEntryValue, key: string, parent: FormData) => void, thisArg?: any): void;
  entries(): IterableIterator<[string, FormDataEntryValue]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<FormDataEntryValue>;
  [Symbol.iterator](): IterableIterator<[string, FormDataEntryValue]>;
}

/** What a Request or Response body may be made of; a Nexus stream is read as a web one. */
type BodyInit = string | BufferSource | Blob | FormData | URLSearchParams | ReadableStream<Uint8Array> | Nexus.IO.ReadableStream;
/** The body mixin: each reader reads the body once (a second read rejects with TypeError). */
interface Body {
  /** The body as a web stream, made on first read; null for no body. */
  readonly body: ReadableStream<Uint8Array> | null;
  readonly bodyUsed: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
  blob(): Promise<Blob>;
  bytes(): Promise<Uint8Array>;
  /** Parses multipart/form-data or application/x-www-form-urlencoded, by the Content-Type. */
  formData(): Promise<FormData>;
  json(): Promise<any>;
  text(): Promise<string>;
}

type RequestMode = 'same-origin' | 'no-cors' | 'cors' | 'navigate';
type RequestCredentials = 'omit' | 'same-origin' | 'include';
type RequestCache = 'default' | 'no-store' | 'reload' | 'no-cache' | 'force-cache' | 'only-if-cached';
type RequestRedirect = 'follow' | 'error' | 'manual';
type ReferrerPolicy = '' | 'no-referrer' | 'no-referrer-when-downgrade' | 'same-origin' | 'origin' | 'strict-origin' | 'origin-when-cross-origin' | 'strict-origin-when-cross-origin' | 'unsafe-url';
interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit | null;
  mode?: RequestMode;
  credentials?: RequestCredentials;
  cache?: RequestCache;
  redirect?: RequestRedirect;
  referrer?: string;
  referrerPolicy?: ReferrerPolicy;
  integrity?: string;
  keepalive?: boolean;
  signal?: AbortSignal | null;
  /** Required with a stream body. */
  duplex?: 'half';
  priority?: 'high' | 'low' | 'auto';
}
type RequestInfo = Request | string | URL;
declare class Request {
  /** A relative URL resolves against `globalThis.location.href` where a program set one. */
  constructor(input: RequestInfo, init?: RequestInit);
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly destination: string;
  readonly referrer: string;
  readonly referrerPolicy: ReferrerPolicy;
  readonly mode: RequestMode;
  readonly credentials: RequestCredentials;
  readonly cache: RequestCache;
  readonly redirect: RequestRedirect;
  readonly integrity: string;
  readonly keepalive: boolean;
  readonly isReloadNavigation: boolean;
  readonly isHistoryNavigation: boolean;
  readonly signal: AbortSignal;
  readonly duplex: 'half';
  clone(): Request;
}
/** Request has the body mixin's members. */
interface Request extends Body {}

interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}
type ResponseType = 'basic' | 'cors' | 'default' | 'error' | 'opaque' | 'opaqueredirect';
declare class Response {
  constructor(body?: BodyInit | null, init?: ResponseInit);
  static error(): Response;
  static redirect(url: string | URL, status?: number): Response;
  static json(data: any, init?: ResponseInit): Response;
  readonly type: ResponseType;
  readonly url: string;
  readonly redirected: boolean;
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: Headers;
  clone(): Response;
}

/** HTTP(S) and data: URLs over the native client: keep-alive pooling, redirects, gzip/deflate/br,
 * `signal`, NEXUS_CA_CERTS and HTTP_PROXY/HTTPS_PROXY/NO_PROXY. A network failure rejects with
 * `TypeError("fetch failed")` whose `cause` has a `code` (ECONNREFUSED with `address` and `port`,
 * ENOTFOUND with `hostname`, a TLS certificate code). */
declare function fetch(input: RequestInfo, init?: RequestInit): Promise<Response>;

/** Response has the body mixin's members. */
interface Response extends Body {}

interface StructuredSerializeOptions {
  transfer?: ArrayBuffer[];
}
declare function structuredClone<T>(value: T, options?: StructuredSerializeOptions): T;

interface Performance {
  /** Milliseconds since `timeOrigin`, monotonic, with sub-millisecond precision. */
  now(): number;
  /** The wall-clock time (ms since the epoch) the process's clock started at. */
  readonly timeOrigin: number;
  toJSON(): { timeOrigin: number };
}
declare var performance: Performance;

type IntegerTypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
interface Crypto {
  /** Fills the array with OS randomness (at most 65536 bytes) and returns it. */
  getRandomValues<T extends IntegerTypedArray>(array: T): T;
  /** A random RFC 9562 version 4 UUID. */
  randomUUID(): `${string}-${string}-${string}-${string}-${string}`;
}
declare var crypto: Crypto;

declare function atob(data: string): string;
declare function btoa(data: string): string;

declare namespace WebAssembly {
  type ImportValue = Function | Global | Memory | Table | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  type Exports = Record<string, Function | Global | Memory | Table>;
  class Module {
    constructor(bytes: BufferSource);
    static exports(module: Module): { name: string; kind: string }[];
    static imports(module: Module): { module: string; name: string; kind: string }[];
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Table {
    constructor(descriptor: { element: 'anyfunc' | 'externref'; initial: number; maximum?: number });
    readonly length: number;
    get(index: number): any;
    set(index: number, value: any): void;
    grow(delta: number): number;
  }
  class Global {
    constructor(descriptor: { value: string; mutable?: boolean }, value?: any);
    value: any;
    valueOf(): any;
  }
  class CompileError extends Error {}
  class LinkError extends Error {}
  class RuntimeError extends Error {}
  function validate(bytes: BufferSource): boolean;
  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(bytes: BufferSource, imports?: Imports): Promise<{ module: Module; instance: Instance }>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}

/* ---------------------------------------------------------------------------------------------
 * The WebSocket client (lib.dom's names), for ws: and wss:
 * ------------------------------------------------------------------------------------------- */

interface MessageEventInit<T = any> extends EventInit {
  data?: T;
  origin?: string;
}
declare class MessageEvent<T = any> extends Event {
  constructor(type: string, init?: MessageEventInit<T>);
  readonly data: T;
  readonly origin: string;
  readonly lastEventId: string;
}
interface CloseEventInit extends EventInit {
  code?: number;
  reason?: string;
  wasClean?: boolean;
}
declare class CloseEvent extends Event {
  constructor(type: string, init?: CloseEventInit);
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}
type BinaryType = 'blob' | 'arraybuffer';
/** Over the fetch client's connections (proxies, NEXUS_CA_CERTS); offers permessage-deflate. */
declare class WebSocket extends EventTarget {
  /** Throws a SyntaxError DOMException for a URL that is not ws:, wss:, http: or https:, has a
   * fragment, or a bad or repeated subprotocol. */
  constructor(url: string | URL, protocols?: string | string[]);
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
  readonly url: string;
  readonly readyState: number;
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  binaryType: BinaryType;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  /** The event's `message` says why a connection could not be made. */
  onerror: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  /** Throws InvalidStateError while connecting. */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void;
  /** Throws InvalidAccessError for a code that is not 1000 or 3000-4999, SyntaxError for a
   * reason over 123 bytes. */
  close(code?: number, reason?: string): void;
}
