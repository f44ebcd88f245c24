// Promise jobs and queueMicrotask callbacks (jobs.cpp), for global_object.cpp.
#pragma once

namespace JSC {
class JSGlobalObject;
class QueuedTask;
class VM;
}

// Gives a new realm's VM its job queue (the VM's client data).
void attachJobQueue(JSC::VM&);

// The global object's queueMicrotask: every job of the realm comes through here.
void queueJob(JSC::JSGlobalObject&, JSC::QueuedTask&&);
