// Promises the host's own JS settles without resolving functions. `new Promise(executor)` makes
// an executor closure, two resolving closures and their scope for every promise; the engine's
// own settling functions (C++ host functions with JIT intrinsics in 2.52) settle a promise from
// its internal fields alone.
//
// Invariant (kept by the callers, the runtime's JS parts): the settling functions are only
// called with promises made by the create function. The engine's functions do not check what
// they are given (an unchecked jsCast<JSPromise*>), so they must never reach a user program.

#include "config.h"

#include "APICast.h"
#include "JSCInlines.h"
#include "JSPromise.h"
#include "LinkTimeConstant.h"

#include "nexus_shim.h"

using namespace JSC;

namespace {

JSC_DEFINE_HOST_FUNCTION(newPromise, (JSGlobalObject* globalObject, CallFrame*))
{
    return JSValue::encode(JSPromise::create(globalObject->vm(), globalObject->promiseStructure()));
}

} // namespace

extern "C" {

void nx_promise_functions(JSContextRef ctx, JSValueRef* create, JSValueRef* resolve, JSValueRef* reject)
{
    JSGlobalObject* globalObject = toJS(ctx);
    VM& vm = globalObject->vm();
    JSLockHolder locker(vm);
    *create = toRef(globalObject, JSFunction::create(vm, globalObject, 0, "newPromise"_s, newPromise, ImplementationVisibility::Private));
    *resolve = toRef(globalObject, globalObject->linkTimeConstant(LinkTimeConstant::resolvePromiseWithFirstResolvingFunctionCallCheck));
    *reject = toRef(globalObject, globalObject->linkTimeConstant(LinkTimeConstant::rejectPromiseWithFirstResolvingFunctionCallCheck));
}

} // extern "C"
