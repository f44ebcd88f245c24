/* The C surface of the Nexus shim: what JSC's public C API cannot do (ES modules, promise jobs,
 * rejection tracking), as a handful of functions over the public C-API types. */
#pragma once

#include <JavaScriptCore/JavaScript.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Module fetch kinds, from the import attribute `type`. */
enum { NX_FETCH_JAVASCRIPT = 0, NX_FETCH_JSON = 1 };

/* Calls from the engine into the host. Each is made with the realm's lock held, on the thread that
 * is running that realm. A returned JSStringRef is adopted (released) by the shim. A hook that
 * fails returns NULL and stores an error value in *exception. */
typedef struct NxHooks {
    /* specifier as written, referrer module key (NULL for the entry) -> module key */
    JSStringRef (*resolve)(JSContextRef, JSStringRef specifier, JSStringRef referrer, JSValueRef* exception);
    /* module key -> source text; *source_url is the name stacks show (adopted) */
    JSStringRef (*fetch)(JSContextRef, JSStringRef key, int kind, JSStringRef* source_url, JSValueRef* exception);
    /* fills import.meta for the module `key` */
    void (*import_meta)(JSContextRef, JSStringRef key, JSObjectRef meta);
    /* a promise was rejected with no handler (handled = 0), or got its first handler later (1) */
    void (*rejection)(JSContextRef, JSObjectRef promise, int handled);
    /* an exception escaped a job the engine ran by itself (e.g. a queueMicrotask callback) */
    void (*uncaught)(JSContextRef, JSValueRef exception);
    /* the first read of a lazy property `name` (see nx_define_lazy) through `object`: defines the
     * real property and returns its value */
    JSValueRef (*lazy_property)(JSContextRef, JSObjectRef object, JSStringRef name, JSValueRef* exception);
} NxHooks;

/* A native function's body and the release of its data. */
typedef JSValueRef (*NxCallback)(JSContextRef, void* data, JSValueRef thisValue, size_t argc, const JSValueRef* argv, JSValueRef* exception);
typedef void (*NxFinalize)(void* data);

/* A real JS function (typeof 'function', Function.prototype, name, length) whose body is
 * `callback`. Unlike the C API's callback objects it keeps the realm's lock while native code
 * runs: no lock hand-off per call. `finalize(data)` runs when the GC collects the function. */
JSObjectRef nx_function_create(JSContextRef ctx, JSStringRef name, unsigned length, NxCallback callback, void* data, NxFinalize finalize);

/* Installs the hooks for every realm; call once, before the first nx_context_create. */
void nx_install_hooks(const NxHooks* hooks);

/* A new realm: its own VM and a global object with the Nexus method table. Release with
 * JSGlobalContextRelease. */
JSGlobalContextRef nx_context_create(void);

/* Loads, links and evaluates the module graph of `key`; returns a Promise settled with the
 * evaluation's outcome (top-level await included). */
JSObjectRef nx_module_load(JSContextRef ctx, JSStringRef key);

/* Defines `name` on `object` as a lazy property: its first read calls the lazy_property hook; a
 * write before that replaces it with a plain data property. */
void nx_define_lazy(JSContextRef ctx, JSObjectRef object, JSStringRef name, int enumerable);

/* The realm's `queueMicrotask` function: queues its callback with the promise jobs, in FIFO order;
 * what a callback throws reaches the `uncaught` hook and the next job runs. */
JSObjectRef nx_queue_microtask_function(JSContextRef ctx);

/* A byte that is 1 while jobs wait for nx_microtasks_drain (JS reads it to skip the call). It
 * lives as long as the realm's VM. */
uint8_t* nx_jobs_waiting(JSContextRef ctx);

/* How many jobs the realm has queued; safe to call without the lock. */
uint64_t nx_jobs_queued(JSContextRef ctx);

/* Runs queued jobs until none is left, then reports unhandled rejections to the hook. Does
 * nothing when called from inside a drain (a job reaching native code that drains). */
void nx_microtasks_drain(JSContextRef ctx);

/* Three functions for the host's own JS (see promises.cpp): `create()` gives a new pending
 * promise; `resolve(promise, value)` and `reject(promise, reason)` settle one the first time
 * either is called for it. The last two do not check their first argument: they must only get
 * promises `create` made. */
void nx_promise_functions(JSContextRef ctx, JSValueRef* create, JSValueRef* resolve, JSValueRef* reject);

/* 0 pending, 1 fulfilled, 2 rejected, -1 not a promise. */
int nx_promise_state(JSContextRef ctx, JSValueRef value);

/* The value a settled promise holds. */
JSValueRef nx_promise_result(JSContextRef ctx, JSObjectRef promise);

/* Runs engine work that finished off-thread (e.g. WebAssembly.instantiate's compile) and is
 * waiting to resolve its promises. Returns 1 while such work is still outstanding. */
int nx_deferred_work_run(JSContextRef ctx);

/* Parses `source` as a module; on a syntax error returns 1 with its 1-based line and column. */
int nx_module_syntax_error(JSContextRef ctx, JSStringRef source, int* line, int* column);

/* Enters the VM once for a batch of calls: each C-API call inside is then a nested entry, which
 * skips per-entry services (the date cache's time-zone check, among others). The lock must be
 * held from begin to end; end before unlocking. */
void* nx_entry_scope_begin(JSContextRef ctx);
/* Leaves only the calling thread, which holds the lock, in the group of threads whose stacks the
 * VM's collections scan (see stack_threads.cpp); nx_entry_scope_begin calls it. */
void nx_keep_only_current_stack(JSContextRef ctx);
void nx_entry_scope_end(void* scope);
size_t nx_heap_size(JSContextRef ctx);
size_t nx_heap_used(JSContextRef ctx);
void nx_collect_garbage(JSContextRef ctx);

/* The engine's timers (garbage-collection pacing, incremental sweeping) of the VMs made on a
 * thread fire on that thread's run loop, only while it runs. `main` makes the calling thread the
 * engine's main thread (the first call decides) and gives a reference to its loop (given back
 * with `release`); `run` runs the calling thread's loop until `stop` (callable from any thread,
 * before or during the run). */
void* nx_engine_loop_main(void);
void nx_engine_loop_release(void* loop);
void nx_engine_loop_run(void);
void nx_engine_loop_stop(void* loop);

/* Held across a batch of C-API calls (recursive); declared in JSLockRefPrivate.h. */
void JSLock(JSContextRef ctx);
void JSUnlock(JSContextRef ctx);

/* JSValueGetType, JSValueToNumber, JSValueToBoolean and JSValueMake{Number,Boolean,Undefined,Null}
 * for callers that hold the realm's lock (these do not take it). */
unsigned nx_value_type(JSContextRef ctx, JSValueRef value);
double nx_value_to_number(JSContextRef ctx, JSValueRef value, JSValueRef* exception);
bool nx_value_to_boolean(JSContextRef ctx, JSValueRef value);
JSValueRef nx_make_number(JSContextRef ctx, double number);
JSValueRef nx_make_boolean(JSContextRef ctx, bool boolean);
JSValueRef nx_make_undefined(JSContextRef ctx);
JSValueRef nx_make_null(JSContextRef ctx);

/* An empty array with room for `capacity` elements, without the lock. */
JSObjectRef nx_array_with_capacity(JSContextRef ctx, unsigned capacity, JSValueRef* exception);

/* JSObjectSetPropertyAtIndex on an array being filled, without the lock: an own element
 * (Array.prototype's setters are not called). */
void nx_array_put_index(JSContextRef ctx, JSObjectRef array, unsigned index, JSValueRef value, JSValueRef* exception);

/* A string of `length` ASCII characters, kept 8-bit (copied; no lock needed). */
JSStringRef nx_string_from_ascii(const char* characters, size_t length);

/* JSValueMakeString of ASCII text in one copy, for callers that hold the realm's lock. */
JSValueRef nx_make_string_ascii(JSContextRef ctx, const char* characters, size_t length);

/* Receives a string's characters, 8-bit (Latin-1, `utf16` null) or 16-bit (`latin1` null),
 * valid during the call only. */
typedef void (*NxStringSink)(void* data, const unsigned char* latin1, const unsigned short* utf16, size_t length);

/* JSValueToStringCopy without the lock and without an OpaqueJSString: `sink` gets the
 * characters of String(value) (nothing is called when it throws). */
void nx_value_to_string(JSContextRef ctx, JSValueRef value, NxStringSink sink, void* data, JSValueRef* exception);

/* For callers that hold the realm's lock: an ArrayBuffer holding a copy of `length` bytes (null
 * and `exception` set when memory ran out); and the bytes of an ArrayBuffer or typed array, valid
 * until JS runs again (false for any other value; `data` may be null when `length` is 0). */
JSObjectRef nx_array_buffer_copy(JSContextRef ctx, const uint8_t* bytes, size_t length, JSValueRef* exception);
bool nx_bytes_view(JSContextRef ctx, JSValueRef value, const uint8_t** data, size_t* length);

#ifdef __cplusplus
}
#endif
