// The C API's most frequent value calls, without the lock each of them takes: every caller runs
// inside a Scope, which holds the realm's lock already (javascriptcore-sys's crate invariant), and
// an op call makes several of these. Same arguments and results as the C API functions named.

#include "config.h"

#include "APICast.h"
#include "JSCInlines.h"
#include "OpaqueJSString.h"
#include "PureNaN.h"

#include "nexus_shim.h"

using namespace JSC;

extern "C" {

// JSValueGetType.
unsigned nx_value_type(JSContextRef ctx, JSValueRef value)
{
    JSValue v = toJS(toJS(ctx), value);
    if (v.isUndefined())
        return kJSTypeUndefined;
    if (!v || v.isNull())
        return kJSTypeNull;
    if (v.isBoolean())
        return kJSTypeBoolean;
    if (v.isNumber())
        return kJSTypeNumber;
    if (v.isString())
        return kJSTypeString;
    if (v.isSymbol())
        return kJSTypeSymbol;
    if (v.isBigInt())
        return kJSTypeBigInt;
    return kJSTypeObject;
}

// JSValueToNumber.
double nx_value_to_number(JSContextRef ctx, JSValueRef value, JSValueRef* exception)
{
    JSGlobalObject* globalObject = toJS(ctx);
    JSValue v = toJS(globalObject, value);
    if (v.isNumber())
        return v.asNumber();
    auto scope = DECLARE_CATCH_SCOPE(globalObject->vm());
    double number = v.toNumber(globalObject);
    if (auto* thrown = scope.exception()) {
        if (exception)
            *exception = toRef(globalObject, thrown->value());
        scope.clearException();
        return PNaN;
    }
    return number;
}

// JSValueToBoolean.
bool nx_value_to_boolean(JSContextRef ctx, JSValueRef value)
{
    JSGlobalObject* globalObject = toJS(ctx);
    return toJS(globalObject, value).toBoolean(globalObject);
}

// JSValueMakeNumber, JSValueMakeBoolean, JSValueMakeUndefined, JSValueMakeNull.
JSValueRef nx_make_number(JSContextRef ctx, double number)
{
    return toRef(toJS(ctx), jsNumber(purifyNaN(number)));
}

JSValueRef nx_make_boolean(JSContextRef ctx, bool boolean)
{
    return toRef(toJS(ctx), jsBoolean(boolean));
}

JSValueRef nx_make_undefined(JSContextRef ctx)
{
    return toRef(toJS(ctx), jsUndefined());
}

JSValueRef nx_make_null(JSContextRef ctx)
{
    return toRef(toJS(ctx), jsNull());
}

// JSObjectMakeArray for an array about to get `capacity` elements: empty, with room for them,
// so that filling it (nx_array_put_index) never grows its storage.
JSObjectRef nx_array_with_capacity(JSContextRef ctx, unsigned capacity, JSValueRef* exception)
{
    JSGlobalObject* globalObject = toJS(ctx);
    Structure* structure = globalObject->arrayStructureForIndexingTypeDuringAllocation(ArrayWithUndecided);
    if (JSArray* array = JSArray::tryCreate(globalObject->vm(), structure, 0, capacity))
        return toRef(array);
    *exception = toRef(globalObject, createOutOfMemoryError(globalObject));
    return nullptr;
}

// JSObjectSetPropertyAtIndex for an array being filled: an own data element, as
// Array.prototype's setters (a program may add some) must not see the runtime's arrays.
void nx_array_put_index(JSContextRef ctx, JSObjectRef array, unsigned index, JSValueRef value, JSValueRef* exception)
{
    JSGlobalObject* globalObject = toJS(ctx);
    auto scope = DECLARE_CATCH_SCOPE(globalObject->vm());
    toJS(array)->putDirectIndex(globalObject, index, toJS(globalObject, value));
    if (auto* thrown = scope.exception()) {
        *exception = toRef(globalObject, thrown->value());
        scope.clearException();
    }
}

// JSStringCreateWithUTF8CString for ASCII text, which needs neither the NUL-terminated copy nor
// the UTF-16 conversion buffer: 8-bit characters, copied once.
JSStringRef nx_string_from_ascii(const char* characters, size_t length)
{
    return &OpaqueJSString::create(std::span { reinterpret_cast<const Latin1Character*>(characters), length }).leakRef();
}

// JSValueMakeString for ASCII text: straight from the bytes to an 8-bit JSString.
JSValueRef nx_make_string_ascii(JSContextRef ctx, const char* characters, size_t length)
{
    JSGlobalObject* globalObject = toJS(ctx);
    return toRef(globalObject, jsString(globalObject->vm(), String(std::span { reinterpret_cast<const Latin1Character*>(characters), length })));
}

// JSValueToStringCopy: the characters go to `sink` from the string itself, without the
// OpaqueJSString's copy and its conversion of 8-bit text to UTF-16.
void nx_value_to_string(JSContextRef ctx, JSValueRef value, NxStringSink sink, void* data, JSValueRef* exception)
{
    JSGlobalObject* globalObject = toJS(ctx);
    auto scope = DECLARE_CATCH_SCOPE(globalObject->vm());
    String string = toJS(globalObject, value).toWTFString(globalObject);
    if (auto* thrown = scope.exception()) {
        if (exception)
            *exception = toRef(globalObject, thrown->value());
        scope.clearException();
        return;
    }
    if (string.is8Bit()) {
        auto characters = string.span8();
        sink(data, characters.data(), nullptr, characters.size());
    } else {
        auto characters = string.span16();
        sink(data, nullptr, reinterpret_cast<const unsigned short*>(characters.data()), characters.size());
    }
}
} // extern "C"
