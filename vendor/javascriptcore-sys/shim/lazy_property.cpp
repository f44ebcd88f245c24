// Lazy properties: a property whose value the host makes on first read. It is a custom accessor
// (no JS function behind it, no closure per property); reading it calls the host's lazy_property
// hook, which defines the real property and gives its value. Writing it first replaces it with a
// plain data property, as assigning a built-in would.
//
// Invariant: every function here runs with the VM's lock held (the getter and setter run inside
// JS; nx_define_lazy takes a JSLockHolder).

#include "config.h"

#include "APICast.h"
#include "CustomGetterSetter.h"
#include "JSCInlines.h"
#include "JSGlobalProxy.h"
#include "OpaqueJSString.h"

#include "hooks.h"
#include "nexus_shim.h"

using namespace JSC;

namespace {

// Properties of a global object live on it, not on the proxy `globalThis` may be.
JSObject* holder(JSObject* object)
{
    if (auto* proxy = jsDynamicCast<JSGlobalProxy*>(object))
        return proxy->target();
    return object;
}

JSC_DECLARE_CUSTOM_GETTER(lazyGetter);
JSC_DECLARE_CUSTOM_SETTER(lazySetter);

JSC_DEFINE_CUSTOM_GETTER(lazyGetter, (JSGlobalObject* globalObject, EncodedJSValue thisValue, PropertyName name))
{
    VM& vm = globalObject->vm();
    auto scope = DECLARE_THROW_SCOPE(vm);
    JSObject* object = JSValue::decode(thisValue).toObject(globalObject);
    RETURN_IF_EXCEPTION(scope, { });
    auto nameString = OpaqueJSString::tryCreate(String(name.publicName()));
    JSValueRef exception = nullptr;
    JSValueRef value = nexusHooks().lazy_property(toRef(globalObject), toRef(object), nameString.get(), &exception);
    if (!value) {
        throwException(globalObject, scope, toJS(globalObject, exception));
        return { };
    }
    return JSValue::encode(toJS(globalObject, value));
}

JSC_DEFINE_CUSTOM_SETTER(lazySetter, (JSGlobalObject* globalObject, EncodedJSValue thisValue, EncodedJSValue value, PropertyName name))
{
    VM& vm = globalObject->vm();
    auto scope = DECLARE_THROW_SCOPE(vm);
    JSObject* object = JSValue::decode(thisValue).toObject(globalObject);
    RETURN_IF_EXCEPTION(scope, false);
    object = holder(object);
    unsigned attributes = 0;
    bool enumerable = object->getDirectOffset(vm, name, attributes) != invalidOffset && !(attributes & PropertyAttribute::DontEnum);
    PropertyDescriptor descriptor(JSValue::decode(value), enumerable ? 0 : static_cast<unsigned>(PropertyAttribute::DontEnum));
    RELEASE_AND_RETURN(scope, object->methodTable()->defineOwnProperty(object, globalObject, name, descriptor, true));
}

} // namespace

extern "C" {

void nx_define_lazy(JSContextRef ctx, JSObjectRef objectRef, JSStringRef nameRef, int enumerable)
{
    JSGlobalObject* globalObject = toJS(ctx);
    VM& vm = globalObject->vm();
    JSLockHolder locker(vm);
    JSObject* object = holder(toJS(objectRef));
    unsigned attributes = PropertyAttribute::CustomAccessor | (enumerable ? 0 : static_cast<unsigned>(PropertyAttribute::DontEnum));
    object->putDirectCustomAccessor(vm, nameRef->identifier(&vm), CustomGetterSetter::create(vm, lazyGetter, lazySetter), attributes);
}

} // extern "C"
