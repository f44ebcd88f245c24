// Binary data between Rust and JS without the C API's detours, for callers that hold the realm's
// lock (javascriptcore-sys's crate invariant): a small ArrayBuffer made by copying, and the
// bytes of a buffer or view read in one call.

#include "config.h"

#include "APICast.h"
#include "ArrayBuffer.h"
#include "Error.h"
#include "JSArrayBuffer.h"
#include "JSArrayBufferView.h"
#include "JSCInlines.h"

#include "nexus_shim.h"

using namespace JSC;

extern "C" {

// An ArrayBuffer holding a copy of `length` bytes: JSObjectMakeArrayBufferWithBytesNoCopy
// without the deallocator's task per buffer and the call back into Rust when it dies. Null, and
// a RangeError in `exception`, when memory ran out.
JSObjectRef nx_array_buffer_copy(JSContextRef ctx, const uint8_t* bytes, size_t length, JSValueRef* exception)
{
    JSGlobalObject* globalObject = toJS(ctx);
    VM& vm = globalObject->vm();
    auto buffer = ArrayBuffer::tryCreate(std::span { bytes, length });
    if (!buffer) {
        *exception = toRef(globalObject, createOutOfMemoryError(globalObject));
        return nullptr;
    }
    return toRef(JSArrayBuffer::create(vm, globalObject->arrayBufferStructure(ArrayBufferSharingMode::Default), WTF::move(buffer)));
}

// The bytes of an ArrayBuffer (shared or not), a typed array or a DataView (the view's range;
// none when it is detached or out of its resizable buffer's bounds): JSValueGetTypedArrayType
// and the C API's pointer and length calls in one. Unlike those it neither pins the buffer (the
// caller copies the bytes before JS runs again) nor gives a small typed array a buffer of its
// own, and it takes a DataView, as the web's BufferSource does. False for any other value.
bool nx_bytes_view(JSContextRef ctx, JSValueRef value, const uint8_t** data, size_t* length)
{
    JSValue v = toJS(toJS(ctx), value);
    *data = nullptr;
    *length = 0;
    if (!v.isObject())
        return false;
    JSObject* object = v.getObject();
    if (auto* buffer = jsDynamicCast<JSArrayBuffer*>(object)) {
        ArrayBuffer* impl = buffer->impl();
        *data = static_cast<const uint8_t*>(impl->data());
        *length = impl->byteLength();
        return true;
    }
    if (!isTypedArrayTypeIncludingDataView(object->type()))
        return false;
    auto* view = jsCast<JSArrayBufferView*>(object);
    if (view->isOutOfBounds())
        return true;
    *data = static_cast<const uint8_t*>(view->vector());
    *length = view->byteLength();
    return true;
}
} // extern "C"
