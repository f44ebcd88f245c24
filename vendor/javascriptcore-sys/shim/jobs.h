// Promise jobs run from JS (jobs.cpp), for global_object.cpp.
#pragma once

namespace JSC {
class JSGlobalObject;
class QueuedTask;
class VM;
}

// Gives a new realm's VM its job queue; until nx_jobs_install, jobs go to the engine's queue.
void attachJobQueue(JSC::VM&);

// The global object's queueMicrotask: every promise job of the realm comes through here.
void queueJob(JSC::JSGlobalObject&, JSC::QueuedTask&&);
