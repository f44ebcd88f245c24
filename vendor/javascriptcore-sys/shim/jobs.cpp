// Promise jobs and queueMicrotask callbacks. The realm's microtask queue is the engine's own:
// promise reactions and `await` are C++ jobs (InternalMicrotask) that VM::drainMicrotasks runs
// in one VM entry per drain. The host adds three things:
// - a count of queued jobs (--stats) and a byte JS reads to skip the drain call when none wait;
// - queueMicrotask callbacks, queued in the same FIFO with a dispatcher of ours that reports what
//   they throw (the engine's InvokeFunctionJob clears such exceptions silently);
// - drains that do not nest: a job that reaches native code which drains again (a Nexus API
//   calling dispatch.runMicrotasks) must not run the jobs queued after it before it returns.
//
// Invariants: every function here runs with the VM's lock held, except nx_jobs_queued, which
// reads an atomic. `waiting` is 1 from the queueing of a job until the drain that ran it ends.

#include "config.h"

#include "APICast.h"
#include "JSCInlines.h"
#include "MicrotaskQueue.h"
#include <wtf/SetForScope.h>

#include "hooks.h"
#include "jobs.h"
#include "nexus_shim.h"

#include <atomic>
#include <optional>

using namespace JSC;

namespace {

// Runs a queueMicrotask callback with no arguments; an exception is reported, and the drain goes on.
class CallbackDispatcher final : public MicrotaskDispatcher {
public:
    CallbackDispatcher()
        : MicrotaskDispatcher(Type::None)
    {
    }

    QueuedTaskResult run(QueuedTask& task) final
    {
        JSGlobalObject* globalObject = task.globalObject();
        VM& vm = globalObject->vm();
        auto scope = DECLARE_CATCH_SCOPE(vm);
        JSValue callback = task.arguments()[0];
        NakedPtr<Exception> exception;
        call(globalObject, callback, getCallData(callback), jsUndefined(), ArgList { }, exception);
        if (exception && !vm.isTerminationException(exception.get()))
            nexusHooks().uncaught(toRef(globalObject), toRef(globalObject, exception->value()));
        return QueuedTaskResult::Executed;
    }

    bool isRunnable() const final { return true; }
};

// The VM's client data: this crate's VMs have no other (no WebCore).
class JobQueue final : public VM::ClientData {
public:
    String overrideSourceURL(const StackFrame&, const String&) const final { return { }; }

    void queued()
    {
        m_queued.store(m_queued.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        m_waiting = 1;
    }
    uint64_t count() const { return m_queued.load(std::memory_order_relaxed); }
    uint8_t* waiting() { return &m_waiting; }
    CallbackDispatcher& callbacks() { return m_callbacks.get(); }
    bool& draining() { return m_draining; }

private:
    Ref<CallbackDispatcher> m_callbacks { adoptRef(*new CallbackDispatcher) };
    // Written only by the lock holder, read by anyone (nx_jobs_queued): plain loads and stores.
    std::atomic<uint64_t> m_queued { 0 };
    uint8_t m_waiting { 0 };
    bool m_draining { false };
};

JobQueue& jobQueue(VM& vm)
{
    return *static_cast<JobQueue*>(vm.clientData);
}

JSC_DEFINE_HOST_FUNCTION(queueCallback, (JSGlobalObject* globalObject, CallFrame* frame))
{
    VM& vm = globalObject->vm();
    auto scope = DECLARE_THROW_SCOPE(vm);
    JSValue callback = frame->argument(0);
    if (!callback.isCallable())
        return throwVMTypeError(globalObject, scope, makeString("queueMicrotask: the callback must be a function, got "_s, asString(jsTypeStringForValue(globalObject, callback))->value(globalObject).data));
    JobQueue& queue = jobQueue(vm);
    queueJob(*globalObject, QueuedTask { &queue.callbacks(), InternalMicrotask::Opaque, 0, globalObject, callback });
    return JSValue::encode(jsUndefined());
}

} // namespace

void attachJobQueue(VM& vm)
{
    vm.clientData = new JobQueue;
}

void queueJob(JSGlobalObject& globalObject, QueuedTask&& task)
{
    VM& vm = globalObject.vm();
    jobQueue(vm).queued();
    vm.queueMicrotask(WTF::move(task));
}

extern "C" {

JSObjectRef nx_queue_microtask_function(JSContextRef ctx)
{
    JSGlobalObject* globalObject = toJS(ctx);
    VM& vm = globalObject->vm();
    JSLockHolder locker(vm);
    return toRef(JSFunction::create(vm, globalObject, 1, "queueMicrotask"_s, queueCallback, ImplementationVisibility::Public));
}

uint8_t* nx_jobs_waiting(JSContextRef ctx)
{
    return jobQueue(toJS(ctx)->vm()).waiting();
}

uint64_t nx_jobs_queued(JSContextRef ctx)
{
    return jobQueue(toJS(ctx)->vm()).count();
}

void nx_microtasks_drain(JSContextRef ctx)
{
    VM& vm = toJS(ctx)->vm();
    // Called between tasks with the lock mostly held already: a holder's reference counting
    // would cost more than the check.
    std::optional<JSLockHolder> locker;
    if (!vm.currentThreadIsHoldingAPILock())
        locker.emplace(vm);
    JobQueue& queue = jobQueue(vm);
    if (queue.draining())
        return;
    SetForScope draining(queue.draining(), true);
    // Cleared first: a job queued during the drain sets it again, and this drain runs that job.
    *queue.waiting() = 0;
    vm.drainMicrotasks();
    *queue.waiting() = 0;
}

} // extern "C"
