// NexusGlobalObject: the realm's global object. Its method table is what turns the engine into a
// module runtime: resolve, fetch, dynamic import and import.meta go to the host's hooks, and so do
// promise jobs (see jobs.cpp) and rejection tracking.
//
// Invariant: every function here runs with the VM's lock held (the engine calls the method table
// only while running JS; the exported nx_* functions take a JSLockHolder).

#include "config.h"

#include "APICast.h"
#include "Completion.h"
#include "DeferredWorkTimer.h"
#include "Exception.h"
#include "GlobalObjectMethodTable.h"
#include "Identifier.h"
#include "JSCInlines.h"
#include "JSGlobalObject.h"
#include "JSInternalPromise.h"
#include "JSModuleLoader.h"
#include "JSNativeStdFunction.h"
#include "JSPromise.h"
#include "JSScriptFetchParameters.h"
#include "JSSourceCode.h"
#include "ObjectConstructor.h"
#include "OpaqueJSString.h"
#include "ParserError.h"
#include "ScriptFetchParameters.h"
#include "VMEntryScopeInlines.h"
#include "SourceOrigin.h"
#include <wtf/MainThread.h>
#include <wtf/RunLoop.h>
#include <wtf/SetForScope.h>
#include <wtf/URL.h>
#include <wtf/WTFConfig.h>
#include <csignal>

#include "hooks.h"
#include "jobs.h"
#include "nexus_shim.h"

using namespace JSC;

namespace {

NxHooks s_hooks;

// The realm whose deferred engine work nx_deferred_work_run is running on this thread.
thread_local JSGlobalObject* t_deferredWorkRunner = nullptr;

// Adopts a string the host returned.
String adopt(JSStringRef string)
{
    String result = string->string();
    JSStringRelease(string);
    return result;
}

Ref<OpaqueJSString> toRefString(const String& string)
{
    return OpaqueJSString::tryCreate(string).releaseNonNull();
}

class NexusGlobalObject final : public JSGlobalObject {
public:
    using Base = JSGlobalObject;

    static NexusGlobalObject* create(VM& vm, Structure* structure)
    {
        auto* object = new (NotNull, allocateCell<NexusGlobalObject>(vm)) NexusGlobalObject(vm, structure);
        object->finishCreation(vm);
        return object;
    }

    static Structure* createStructure(VM& vm, JSValue prototype)
    {
        return Structure::create(vm, nullptr, prototype, TypeInfo(GlobalObjectType, StructureFlags), info());
    }

    DECLARE_INFO;
    static const GlobalObjectMethodTable s_methodTable;

private:
    NexusGlobalObject(VM& vm, Structure* structure)
        : Base(vm, structure, &s_methodTable)
    {
    }

    static void queueMicrotask(JSGlobalObject& globalObject, QueuedTask&& task)
    {
        queueJob(globalObject, WTF::move(task));
    }

    static Identifier resolve(JSGlobalObject* globalObject, JSModuleLoader*, JSValue specifierValue, JSValue referrerValue, JSValue)
    {
        VM& vm = globalObject->vm();
        auto scope = DECLARE_THROW_SCOPE(vm);
        String specifier = specifierValue.toWTFString(globalObject);
        RETURN_IF_EXCEPTION(scope, { });
        RefPtr<OpaqueJSString> referrer;
        if (referrerValue.isString()) {
            referrer = toRefString(asString(referrerValue)->value(globalObject));
            RETURN_IF_EXCEPTION(scope, { });
        }
        JSValueRef exception = nullptr;
        JSStringRef key = s_hooks.resolve(toRef(globalObject), toRefString(specifier).ptr(), referrer.get(), &exception);
        if (!key) {
            throwException(globalObject, scope, toJS(globalObject, exception));
            return { };
        }
        return Identifier::fromString(vm, adopt(key));
    }

    static JSInternalPromise* fetch(JSGlobalObject* globalObject, JSModuleLoader*, JSValue keyValue, JSValue attributes, JSValue)
    {
        VM& vm = globalObject->vm();
        auto scope = DECLARE_THROW_SCOPE(vm);
        auto* promise = JSInternalPromise::create(vm, globalObject->internalPromiseStructure());
        String key = keyValue.toWTFString(globalObject);
        RETURN_IF_EXCEPTION(scope, promise->rejectWithCaughtException(globalObject, scope));

        auto kind = NX_FETCH_JAVASCRIPT;
        if (auto* parameters = jsDynamicCast<JSScriptFetchParameters*>(attributes); parameters && parameters->parameters().type() == ScriptFetchParameters::JSON)
            kind = NX_FETCH_JSON;

        JSValueRef exception = nullptr;
        JSStringRef sourceURL = nullptr;
        JSStringRef text = s_hooks.fetch(toRef(globalObject), toRefString(key).ptr(), kind, &sourceURL, &exception);
        if (!text) {
            promise->reject(vm, globalObject, toJS(globalObject, exception));
            return promise;
        }
        String name = sourceURL ? adopt(sourceURL) : key;
        auto type = kind == NX_FETCH_JSON ? SourceProviderSourceType::JSON : SourceProviderSourceType::Module;
        URL url { { }, key };
        auto source = makeSource(adopt(text), SourceOrigin { url }, SourceTaintedOrigin::Untainted, WTF::move(name), TextPosition(), type);
        scope.release();
        promise->resolve(globalObject, JSSourceCode::create(vm, WTF::move(source)));
        return promise;
    }

    static JSInternalPromise* importModule(JSGlobalObject* globalObject, JSModuleLoader*, JSString* specifierValue, JSValue options, const SourceOrigin& origin)
    {
        VM& vm = globalObject->vm();
        auto scope = DECLARE_THROW_SCOPE(vm);
        auto* promise = JSInternalPromise::create(vm, globalObject->internalPromiseStructure());
        String specifier = specifierValue->value(globalObject);
        RETURN_IF_EXCEPTION(scope, promise->rejectWithCaughtException(globalObject, scope));

        auto attributes = retrieveImportAttributesFromDynamicImportOptions(globalObject, options, { vm.propertyNames->type.impl() });
        RETURN_IF_EXCEPTION(scope, promise->rejectWithCaughtException(globalObject, scope));
        auto type = retrieveTypeImportAttribute(globalObject, attributes);
        RETURN_IF_EXCEPTION(scope, promise->rejectWithCaughtException(globalObject, scope));
        JSValue parameters = type ? JSValue(JSScriptFetchParameters::create(vm, ScriptFetchParameters::create(*type))) : jsUndefined();

        // Code outside any module (a native callback) imports relative to nothing: the host
        // resolves that like the entry, against the working directory.
        JSValue referrer = origin.isNull() ? jsUndefined() : jsString(vm, origin.url().string());
        auto* result = JSC::importModule(globalObject, Identifier::fromString(vm, specifier), referrer, parameters, jsUndefined());
        RETURN_IF_EXCEPTION(scope, promise->rejectWithCaughtException(globalObject, scope));
        return result;
    }

    static JSObject* importMeta(JSGlobalObject* globalObject, JSModuleLoader*, JSValue key, JSModuleRecord*, JSValue)
    {
        VM& vm = globalObject->vm();
        auto scope = DECLARE_THROW_SCOPE(vm);
        JSObject* meta = constructEmptyObject(globalObject);
        String keyString = key.toWTFString(globalObject);
        RETURN_IF_EXCEPTION(scope, nullptr);
        s_hooks.import_meta(toRef(globalObject), toRefString(keyString).ptr(), toRef(meta));
        return meta;
    }

    static void rejectionTracker(JSGlobalObject* globalObject, JSPromise* promise, JSPromiseRejectionOperation operation)
    {
        // The module loader's own promises are internal plumbing; their failures surface through
        // the public promise nx_module_load returns.
        if (promise->inherits<JSInternalPromise>())
            return;
        s_hooks.rejection(toRef(globalObject), toRef(promise), operation == JSPromiseRejectionOperation::Handle);
    }

    static void reportUncaught(JSGlobalObject* globalObject, Exception* exception)
    {
        s_hooks.uncaught(toRef(globalObject), toRef(globalObject, exception->value()));
    }

    // Deferred engine work (a finished WebAssembly compile resolving its promise) runs JS, so it
    // runs only from the realm's lane, through nx_deferred_work_run. The engine's run loop may
    // fire the same timer on the main thread: there the work waits (suspended) for the lane.
    static ScriptExecutionStatus runOnlyFromLane(JSGlobalObject* globalObject, JSObject*)
    {
        return t_deferredWorkRunner == globalObject ? ScriptExecutionStatus::Running : ScriptExecutionStatus::Suspended;
    }
};

const ClassInfo NexusGlobalObject::s_info = { "GlobalObject"_s, &Base::s_info, nullptr, nullptr, CREATE_METHOD_TABLE(NexusGlobalObject) };
STATIC_ASSERT_ISO_SUBSPACE_SHARABLE(NexusGlobalObject, JSGlobalObject);

const GlobalObjectMethodTable NexusGlobalObject::s_methodTable = {
    &supportsRichSourceInfo,
    &shouldInterruptScript,
    &javaScriptRuntimeFlags,
    &queueMicrotask,
    &shouldInterruptScriptBeforeTimeout,
    &importModule,
    &resolve,
    &fetch,
    &importMeta,
    nullptr, // moduleLoaderEvaluate: the engine's own
    &rejectionTracker,
    &reportUncaught,
    &currentScriptExecutionOwner,
    &runOnlyFromLane,
    &reportViolationForUnsafeEval,
    nullptr, // defaultLanguage
    nullptr, // compileStreaming
    nullptr, // instantiateStreaming
    &deriveShadowRealmGlobalObject,
    &codeForEval,
    &canCompileStrings,
    &trustedScriptStructure,
};

// Owns a native function's data; the GC destroys it with the function.
class NativeData {
    WTF_MAKE_NONCOPYABLE(NativeData);
    WTF_DEPRECATED_MAKE_FAST_ALLOCATED(NativeData);
public:
    NativeData(void* data, NxFinalize finalize)
        : m_data(data)
        , m_finalize(finalize)
    {
    }
    ~NativeData() { m_finalize(m_data); }
    void* data() const { return m_data; }

private:
    void* m_data;
    NxFinalize m_finalize;
};

} // namespace

extern "C" {

JSObjectRef nx_function_create(JSContextRef ctx, JSStringRef name, unsigned length, NxCallback callback, void* data, NxFinalize finalize)
{
    JSGlobalObject* globalObject = toJS(ctx);
    VM& vm = globalObject->vm();
    JSLockHolder locker(vm);
    auto owner = makeUnique<NativeData>(data, finalize);
    auto body = [callback, owner = WTF::move(owner)](JSGlobalObject* globalObject, CallFrame* frame) -> EncodedJSValue {
        VM& vm = globalObject->vm();
        auto scope = DECLARE_THROW_SCOPE(vm);
        size_t argc = frame->argumentCount();
        Vector<JSValueRef, 8> argv(argc, [&](size_t i) {
            return toRef(globalObject, frame->uncheckedArgument(i));
        });
        JSValueRef exception = nullptr;
        JSValueRef result = callback(toRef(globalObject), owner->data(), toRef(globalObject, frame->thisValue()), argc, argv.span().data(), &exception);
        if (exception) {
            throwException(globalObject, scope, toJS(globalObject, exception));
            return { };
        }
        return JSValue::encode(result ? toJS(globalObject, result) : jsUndefined());
    };
    return toRef(JSNativeStdFunction::create(vm, globalObject, length, name->string(), WTF::move(body)));
}

void* nx_entry_scope_begin(JSContextRef ctx)
{
    JSGlobalObject* globalObject = toJS(ctx);
    nx_keep_only_current_stack(ctx);
    return new VMEntryScope(globalObject->vm(), globalObject);
}

size_t nx_heap_size(JSContextRef ctx)
{
    return toJS(ctx)->vm().heap.capacity();
}

size_t nx_heap_used(JSContextRef ctx)
{
    return toJS(ctx)->vm().heap.size();
}

void nx_collect_garbage(JSContextRef ctx)
{
    VM& vm = toJS(ctx)->vm();
    JSLockHolder locker(vm);
    // JSGarbageCollect only hints; this collects everything unreachable before it returns.
    vm.heap.collectNow(Sync, CollectionScope::Full);
}

void nx_entry_scope_end(void* scope)
{
    delete static_cast<VMEntryScope*>(scope);
}

void nx_install_hooks(const NxHooks* hooks)
{
    s_hooks = *hooks;
}

} // extern "C"

const NxHooks& nexusHooks()
{
    return s_hooks;
}

// The engine stops threads for its collector with a signal, SIGUSR1 unless configured before it
// initializes. SIGUSR1 and SIGUSR2 belong to the program (Nexus.Signals), so the engine gets
// SIGPWR, which nothing sends a server, unless JSC_SIGNAL_FOR_GC names another (the engine reads
// that itself). Called before anything initializes the engine's threading.
static void configureEngineSignal()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (getenv("JSC_SIGNAL_FOR_GC"))
            return;
        g_wtfConfig.sigThreadSuspendResume = SIGPWR;
        g_wtfConfig.isUserSpecifiedThreadSuspendResumeSignalConfigured = true;
    });
}

extern "C" {

JSGlobalContextRef nx_context_create(void)
{
    configureEngineSignal();
    // The engine's options come from JSC_<name> variables when it initializes; the callback runs
    // after they are read and before the options freeze, so it sets the host's own defaults
    // where no variable did. Later calls return at once.
    JSC::initialize([] {
        auto byDefault = [](const char* name, const char* value) {
            if (!getenv(makeString("JSC_"_s, String::fromLatin1(name)).utf8().data()))
                Options::setOption(makeString(String::fromLatin1(name), '=', String::fromLatin1(value)).utf8().data());
        };
        // On machines with 16 GB of RAM or more the engine's "aggressive" growth lets the young
        // generation grow eightfold while collections come often: an allocating loop then
        // touches hundreds of MB of fresh pages instead of reusing a few warm ones (3 million
        // small objects: 165 ms; 40 ms with a young generation of 8 MB, as Bun's heap behaves).
        // The host collects when a realm goes quiet (src/realm/idle.rs), which the engine's own
        // timers would not do after a burst that ended with a collection.
        byDefault("aggressiveHeapThresholdInMB", "4294967295");
        byDefault("largeHeapSize", "8388608");
    });
    // A context-group VM owns its atom-string table, so the realm may move between threads as
    // long as one holds its lock at a time.
    // A large heap, as the jsc shell and browsers' main threads use: a server's working set is big,
    // and the small heap's frequent collections cost more than they save.
    Ref<VM> vm = VM::createContextGroup(HeapType::Large);
    JSLockHolder locker(vm.ptr());
    attachJobQueue(vm.get());
    auto* globalObject = NexusGlobalObject::create(vm.get(), NexusGlobalObject::createStructure(vm.get(), jsNull()));
    return JSGlobalContextRetain(toGlobalRef(globalObject));
}

JSObjectRef nx_module_load(JSContextRef ctx, JSStringRef key)
{
    JSGlobalObject* globalObject = toJS(ctx);
    VM& vm = globalObject->vm();
    JSLockHolder locker(vm);
    auto scope = DECLARE_CATCH_SCOPE(vm);
    // Settle a public promise from the loader's internal one so the host uses plain Promise API.
    auto* result = JSPromise::create(vm, globalObject->promiseStructure());
    auto* internal = loadAndEvaluateModule(globalObject, key->string(), jsUndefined(), jsUndefined());
    if (scope.exception()) {
        JSValue error = scope.exception()->value();
        scope.clearException();
        result->rejectAsHandled(vm, globalObject, error);
        return toRef(result);
    }
    auto* onFulfilled = JSNativeStdFunction::create(vm, globalObject, 1, String(), [result](JSGlobalObject* globalObject, CallFrame* frame) {
        result->resolve(globalObject, frame->argument(0));
        return JSValue::encode(jsUndefined());
    });
    auto* onRejected = JSNativeStdFunction::create(vm, globalObject, 1, String(), [result](JSGlobalObject* globalObject, CallFrame* frame) {
        // Handled: the host reads the outcome from the promise itself.
        result->rejectAsHandled(globalObject->vm(), globalObject, frame->argument(0));
        return JSValue::encode(jsUndefined());
    });
    // The lambdas hold `result` only through the functions, which the internal promise keeps
    // alive; `result` is also returned to the host, which roots it.
    internal->then(globalObject, onFulfilled, onRejected);
    scope.clearException();
    return toRef(result);
}

int nx_promise_state(JSContextRef ctx, JSValueRef value)
{
    JSGlobalObject* globalObject = toJS(ctx);
    JSLockHolder locker(globalObject->vm());
    auto* promise = jsDynamicCast<JSPromise*>(toJS(globalObject, value));
    if (!promise)
        return -1;
    switch (promise->status()) {
    case JSPromise::Status::Pending:
        return 0;
    case JSPromise::Status::Fulfilled:
        return 1;
    case JSPromise::Status::Rejected:
        return 2;
    }
    return -1;
}

JSValueRef nx_promise_result(JSContextRef ctx, JSObjectRef promiseRef)
{
    JSGlobalObject* globalObject = toJS(ctx);
    JSLockHolder locker(globalObject->vm());
    auto* promise = jsCast<JSPromise*>(toJS(promiseRef));
    return toRef(globalObject, promise->result());
}

int nx_deferred_work_run(JSContextRef ctx)
{
    VM& vm = toJS(ctx)->vm();
    JSLockHolder locker(vm);
    // The engine would run this from its own run loop, which Nexus does not run: the realm's lane
    // polls instead, only while work is outstanding.
    auto& timer = vm.deferredWorkTimer.get();
    // The common case, checked first: nothing outstanding, so no locks and no timer bookkeeping.
    if (!timer.hasAnyPendingWork())
        return 0;
    SetForScope runner(t_deferredWorkRunner, toJS(ctx));
    timer.doWork(vm);
    return timer.hasAnyPendingWork();
}

int nx_module_syntax_error(JSContextRef ctx, JSStringRef source, int* line, int* column)
{
    JSGlobalObject* globalObject = toJS(ctx);
    JSLockHolder locker(globalObject->vm());
    ParserError error;
    auto code = makeSource(source->string(), SourceOrigin { }, SourceTaintedOrigin::Untainted, String(), TextPosition(), SourceProviderSourceType::Module);
    if (checkModuleSyntax(globalObject, code, error))
        return 0;
    auto location = error.token().location();
    *line = location.line;
    *column = static_cast<int>(location.startOffset - location.lineStartOffset) + 1;
    return 1;
}

void* nx_engine_loop_main(void)
{
    // The engine's main-thread services (the memory-pressure handler a full collection
    // consults) live on the main run loop, which must be set before they are first used.
    configureEngineSignal();
    static std::once_flag once;
    std::call_once(once, [] { WTF::initializeMainThread(); });
    // A reference, so the loop outlives its thread for as long as the host holds it.
    return &Ref { RunLoop::mainSingleton() }.leakRef();
}

void nx_engine_loop_release(void* loop)
{
    static_cast<RunLoop*>(loop)->deref();
}

void nx_engine_loop_run(void)
{
    RunLoop::run();
}

void nx_engine_loop_stop(void* loop)
{
    // Dispatched rather than stopped directly: a stop that came before run() would be lost.
    static_cast<RunLoop*>(loop)->dispatch([] { RunLoop::currentSingleton().stop(); });
}

} // extern "C"
