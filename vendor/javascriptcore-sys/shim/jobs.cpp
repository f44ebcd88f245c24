// Promise jobs run from JS. The engine's own queue calls each job through a VM entry of its own
// (runJSMicrotask), which costs more than most jobs. Once the host installs a queue
// (nx_jobs_install), the realm's jobs are appended to a JS array instead and a JS function of
// the host's calls them: ordinary JS calls, one VM entry per drain.
//
// Invariants: element 0 of the array is the index just past the last queued value; from index
// 1 on, five values per job (the job, then its four arguments), in queueing order, written as
// own elements (like defineProperty, so no setter on Array.prototype sees them). The run
// function calls every job, those queued meanwhile included, and sets element 0 back to 1; the
// array keeps its length, so a drain reallocates nothing. Jobs queued before the install wait
// in the engine's queue, which the install runs first: from then on that queue stays empty.

#include "config.h"

#include "APICast.h"
#include "JSArray.h"
#include "JSCInlines.h"
#include "MicrotaskQueue.h"
#include "StrongInlines.h"

#include "hooks.h"
#include "jobs.h"
#include "nexus_shim.h"

#include <atomic>
#include <optional>

using namespace JSC;

namespace {

// The VM's client data: this crate's VMs have no other (no WebCore).
class JobQueue final : public VM::ClientData {
public:
    String overrideSourceURL(const StackFrame&, const String&) const final { return { }; }

    JSArray* jobs() const { return m_jobs.get(); }
    JSObject* run() const { return m_run.get(); }

    void install(VM& vm, JSArray* jobs, JSObject* run)
    {
        m_jobs.set(vm, jobs);
        m_run.set(vm, run);
    }

    // Written only by the lock holder, read by anyone (nx_jobs_queued): plain loads and stores.
    void count() { m_queued.store(m_queued.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
    uint64_t queued() const { return m_queued.load(std::memory_order_relaxed); }

private:
    Strong<JSArray> m_jobs;
    Strong<JSObject> m_run;
    std::atomic<uint64_t> m_queued { 0 };
};

JobQueue& jobQueue(VM& vm)
{
    return *static_cast<JobQueue*>(vm.clientData);
}

bool waiting(JSGlobalObject* globalObject, JSArray* jobs)
{
    return jobs->getIndex(globalObject, 0).asUInt32() > 1;
}

// The common case, once the array holds values of any kind and has room: the job's five values
// stored straight into its butterfly, with one write barrier for all of them, as putDirectIndex
// would store them one at a time. False, having changed nothing, in any other case.
bool appendInPlace(VM& vm, JSArray* jobs, const QueuedTask& task)
{
    if (!hasContiguous(jobs->indexingType()) || isCopyOnWrite(jobs->indexingMode()))
        return false;
    Butterfly* butterfly = jobs->butterfly();
    auto slots = butterfly->contiguous();
    unsigned end = slots.at(jobs, 0).get().asUInt32();
    unsigned next = end + 1 + task.arguments().size();
    if (next > butterfly->vectorLength())
        return false;
    slots.at(jobs, end).setWithoutWriteBarrier(task.job());
    for (JSValue argument : task.arguments())
        slots.at(jobs, ++end).setWithoutWriteBarrier(argument ? argument : jsUndefined());
    slots.at(jobs, 0).setWithoutWriteBarrier(jsNumber(next));
    if (next > butterfly->publicLength())
        butterfly->setPublicLength(next);
    vm.writeBarrier(jobs);
    return true;
}

} // namespace

void attachJobQueue(VM& vm)
{
    vm.clientData = new JobQueue;
}

void queueJob(JSGlobalObject& globalObject, QueuedTask&& task)
{
    VM& vm = globalObject.vm();
    JobQueue& queue = jobQueue(vm);
    queue.count();
    JSArray* jobs = queue.jobs();
    if (!jobs) {
        // The VM's queue keeps the job's values marked for the GC until a drain runs it.
        vm.queueMicrotask(WTFMove(task));
        return;
    }
    if (appendInPlace(vm, jobs, task))
        return;
    unsigned end = jobs->getIndex(&globalObject, 0).asUInt32();
    jobs->putDirectIndex(&globalObject, end, task.job());
    for (JSValue argument : task.arguments())
        jobs->putDirectIndex(&globalObject, ++end, argument ? argument : jsUndefined());
    jobs->putDirectIndex(&globalObject, 0, jsNumber(end + 1));
}

extern "C" {

int nx_jobs_install(JSContextRef ctx, JSObjectRef jobsRef, JSObjectRef runRef)
{
    JSGlobalObject* globalObject = toJS(ctx);
    VM& vm = globalObject->vm();
    JSLockHolder locker(vm);
    auto* jobs = jsDynamicCast<JSArray*>(toJS(jobsRef));
    JSObject* run = toJS(runRef);
    if (!jobs || jobs->length() != 1 || jobs->getIndex(globalObject, 0) != jsNumber(1) || !run->isCallable())
        return 0;
    vm.drainMicrotasks();
    jobQueue(vm).install(vm, jobs, run);
    return 1;
}

void nx_jobs_reserve(JSContextRef ctx, uint32_t length)
{
    JSGlobalObject* globalObject = toJS(ctx);
    VM& vm = globalObject->vm();
    JSLockHolder locker(vm);
    JSArray* jobs = jobQueue(vm).jobs();
    unsigned from = jobs ? jobs->length() : length;
    if (from >= length)
        return;
    // One reallocation for all the room, then an undefined in every new element: left as
    // holes, they would send JS's writes on to Array.prototype.
    jobs->setLength(globalObject, length, false);
    for (unsigned i = from; i < length; i++)
        jobs->putDirectIndex(globalObject, i, jsUndefined());
}

uint64_t nx_jobs_queued(JSContextRef ctx)
{
    return jobQueue(toJS(ctx)->vm()).queued();
}

void nx_microtasks_drain(JSContextRef ctx)
{
    JSGlobalObject* globalObject = toJS(ctx);
    VM& vm = globalObject->vm();
    // Called between tasks with the lock mostly held already: a holder's reference counting
    // would cost more than the check.
    std::optional<JSLockHolder> locker;
    if (!vm.currentThreadIsHoldingAPILock())
        locker.emplace(vm);
    JobQueue& queue = jobQueue(vm);
    if (!queue.jobs()) {
        vm.drainMicrotasks();
        return;
    }
    if (waiting(globalObject, queue.jobs())) {
        NakedPtr<Exception> exception;
        call(globalObject, queue.run(), getCallData(queue.run()), jsUndefined(), ArgList { }, exception);
        if (exception)
            nexusHooks().uncaught(ctx, toRef(globalObject, exception->value()));
    }
    // The end of a checkpoint: WeakRef targets read meanwhile may go.
    vm.finalizeSynchronousJSExecution();
}

} // extern "C"
