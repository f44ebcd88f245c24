// The threads whose stacks a collection scans. The engine adds every thread that ever took a VM's
// lock to that VM's thread group and never removes one before it exits; a collection suspends
// each of them (a signal and two handshakes per thread) to scan its stack conservatively. Nexus
// runs a realm's JS on whichever worker drains its lane, so every worker, and the main thread
// (engine timers), joins every realm's group, and each collection stopped them all.
//
// Invariant kept by the runtime: only the thread holding a VM's lock has that VM's values on its
// stack (a Scope holds the lock for as long as any value lives, and the engine drops the lock
// with JS frames on the stack only for Objective-C releases and the inspector, neither of which
// Nexus has). So when a thread takes the lock, every other thread leaves the group: the
// collections it runs scan its own stack and suspend nobody.

#include "config.h"

#include "APICast.h"
#include "JSCInlines.h"
#include "MachineStackMarker.h"
#include <wtf/ThreadGroup.h>
#include <wtf/Threading.h>

#include "nexus_shim.h"

using namespace JSC;

namespace {

// The members that leave a thread group are private to ThreadGroup and MachineThreads (only a
// thread's exit uses them: it drops itself from each group's set; its own weak set of groups is
// read only then, so an entry left there is harmless). An explicit instantiation may name
// private members; this one hands out pointers to them.
template<typename Tag, typename Tag::type Member>
struct Expose {
    friend typename Tag::type member(Tag) { return Member; }
};

struct GroupOf {
    using type = Ref<ThreadGroup> MachineThreads::*;
    friend type member(GroupOf);
};
struct ThreadsOf {
    using type = ListHashSet<Ref<Thread>> ThreadGroup::*;
    friend type member(ThreadsOf);
};

template struct Expose<GroupOf, &MachineThreads::m_threadGroup>;
template struct Expose<ThreadsOf, &ThreadGroup::m_threads>;

}

// Called with the VM's lock held.
void nx_keep_only_current_stack(JSContextRef ctx)
{
    VM& vm = toJS(ctx)->vm();
    MachineThreads& machineThreads = vm.heap.machineThreads();
    // The engine adds a thread only when the lock's owner changes; this one must be there.
    machineThreads.addCurrentThread();
    ThreadGroup& group = (machineThreads.*member(GroupOf {})).get();
    auto& current = Thread::currentSingleton();
    Locker locker { group.getLock() };
    auto& threads = group.*member(ThreadsOf {});
    if (threads.size() <= 1)
        return;
    Vector<Ref<Thread>> others;
    for (auto& thread : threads) {
        if (thread.ptr() != &current)
            others.append(thread.copyRef());
    }
    // As a thread's exit leaves its groups.
    for (auto& thread : others)
        threads.remove(thread.get());
}
