//! JS values borrowed from a [`Scope`].

use crate::context::Scope;
use crate::ffi::*;
use crate::protected::Protected;
use crate::string::JsString;
use std::ffi::c_void;
use std::ptr;

/// A JS operation's outcome; `Err` holds the thrown value.
pub type JsResult<'s, T> = Result<T, Value<'s>>;

#[derive(Clone, Copy)]
pub struct Value<'s> {
    pub(crate) raw: JSValueRef,
    pub(crate) scope: &'s Scope<'s>,
}

#[derive(Clone, Copy)]
pub struct Object<'s> {
    pub(crate) raw: JSObjectRef,
    pub(crate) scope: &'s Scope<'s>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Undefined,
    Null,
    Boolean,
    Number,
    String,
    Object,
    Symbol,
    BigInt,
}

/// The built-in error constructors native code throws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
}

impl ErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Error => "Error",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::RangeError => "RangeError",
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::ReferenceError => "ReferenceError",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromiseState {
    Pending,
    Fulfilled,
    Rejected,
}

impl<'s> Value<'s> {
    pub fn kind(&self) -> Kind {
        // SAFETY: the scope invariant: the lock nx_value_type does not take is held.
        match unsafe { nx_value_type(self.scope.ctx, self.raw) } {
            JS_TYPE_UNDEFINED => Kind::Undefined,
            JS_TYPE_NULL => Kind::Null,
            JS_TYPE_BOOLEAN => Kind::Boolean,
            JS_TYPE_NUMBER => Kind::Number,
            JS_TYPE_STRING => Kind::String,
            JS_TYPE_SYMBOL => Kind::Symbol,
            JS_TYPE_BIGINT => Kind::BigInt,
            _ => Kind::Object,
        }
    }

    pub fn is_nullish(&self) -> bool {
        matches!(self.kind(), Kind::Undefined | Kind::Null)
    }

    /// `String(value)`; throws for symbols, like JS.
    pub fn to_string(&self) -> JsResult<'s, String> {
        let mut exception = ptr::null();
        let mut out = String::new();
        // SAFETY: the scope invariant (the call does not take the lock). `string_sink` gets
        // `out`, a `String` that outlives the call, which is the only time the sink runs;
        // `exception` is a local out-parameter.
        unsafe {
            nx_value_to_string(
                self.scope.ctx,
                self.raw,
                string_sink,
                (&raw mut out).cast(),
                &mut exception,
            )
        };
        if !exception.is_null() {
            return Err(self.scope.wrap(exception));
        }
        Ok(out)
    }

    /// `Number(value)`.
    pub fn to_number(&self) -> JsResult<'s, f64> {
        let mut exception = ptr::null();
        // SAFETY: the scope invariant (the call does not take the lock); `exception` is a local
        // out-parameter.
        let n = unsafe { nx_value_to_number(self.scope.ctx, self.raw, &mut exception) };
        self.scope.check(n, exception)
    }

    /// `Boolean(value)`.
    pub fn to_bool(&self) -> bool {
        // SAFETY: the scope invariant (the call does not take the lock).
        unsafe { nx_value_to_boolean(self.scope.ctx, self.raw) }
    }

    /// `Object(value)`; throws for undefined and null.
    pub fn to_object(&self) -> JsResult<'s, Object<'s>> {
        let mut exception = ptr::null();
        // SAFETY: the scope invariant; `exception` is a local out-parameter.
        let o = unsafe { JSValueToObject(self.scope.ctx, self.raw, &mut exception) };
        self.scope.check(self.scope.wrap_object(o), exception)
    }

    /// The object, if this value is one.
    pub fn as_object(&self) -> Option<Object<'s>> {
        (self.kind() == Kind::Object).then(|| self.scope.wrap_object(self.raw as JSObjectRef))
    }

    /// The promise's state, if this value is a promise.
    pub fn promise_state(&self) -> Option<PromiseState> {
        // SAFETY: the scope invariant; the shim checks the value's type, so any value may go.
        match unsafe { nx_promise_state(self.scope.ctx, self.raw) } {
            0 => Some(PromiseState::Pending),
            1 => Some(PromiseState::Fulfilled),
            2 => Some(PromiseState::Rejected),
            _ => None,
        }
    }

    /// Keeps the value alive beyond this scope.
    pub fn protect(&self) -> Protected {
        Protected::new(self.scope, self.raw)
    }

    /// The scope this value belongs to.
    pub fn scope(&self) -> &'s Scope<'s> {
        self.scope
    }

    /// True when both are the same JS value (pointer identity for objects).
    pub fn same(&self, other: &Value<'_>) -> bool {
        self.raw == other.raw
    }
}

impl<'s> From<Object<'s>> for Value<'s> {
    fn from(o: Object<'s>) -> Value<'s> {
        Value {
            raw: o.raw as JSValueRef,
            scope: o.scope,
        }
    }
}

impl<'s> Object<'s> {
    pub fn get(&self, name: &str) -> JsResult<'s, Value<'s>> {
        let name = JsString::new(name);
        let mut exception = ptr::null();
        // SAFETY: the scope invariant; `name` is live through the call; `exception` is a local
        // out-parameter.
        let v = unsafe { JSObjectGetProperty(self.scope.ctx, self.raw, name.0, &mut exception) };
        self.scope.check(self.scope.wrap(v), exception)
    }

    pub fn get_index(&self, index: u32) -> JsResult<'s, Value<'s>> {
        let mut exception = ptr::null();
        // SAFETY: the scope invariant; `exception` is a local out-parameter.
        let v =
            unsafe { JSObjectGetPropertyAtIndex(self.scope.ctx, self.raw, index, &mut exception) };
        self.scope.check(self.scope.wrap(v), exception)
    }

    pub fn set(&self, name: &str, value: Value<'_>) -> JsResult<'s, ()> {
        self.set_with(name, value, JS_PROPERTY_NONE)
    }

    /// Defines a read-only, non-enumerable property (for built-ins).
    pub fn set_hidden(&self, name: &str, value: Value<'_>) -> JsResult<'s, ()> {
        self.set_with(name, value, JS_PROPERTY_READ_ONLY | JS_PROPERTY_DONT_ENUM)
    }

    /// Defines `name` as a lazy property: its first read asks the host
    /// ([`crate::Host::lazy_property`]) for the real property; a write before that replaces it.
    pub fn define_lazy(&self, name: &str, enumerable: bool) {
        let name = JsString::new(name);
        // SAFETY: the scope invariant; `name` is live through the call, which makes an
        // identifier of it.
        unsafe { nx_define_lazy(self.scope.ctx, self.raw, name.0, enumerable.into()) }
    }

    fn set_with(&self, name: &str, value: Value<'_>, attributes: u32) -> JsResult<'s, ()> {
        let name = JsString::new(name);
        let mut exception = ptr::null();
        // SAFETY: the scope invariant; `value` belongs to this realm (the caller's duty, see the
        // crate docs); `name` is live through the call; `exception` is a local out-parameter.
        unsafe {
            JSObjectSetProperty(
                self.scope.ctx,
                self.raw,
                name.0,
                value.raw,
                attributes,
                &mut exception,
            )
        };
        self.scope.check((), exception)
    }

    pub fn call(&self, this: Option<Object<'_>>, args: &[Value<'_>]) -> JsResult<'s, Value<'s>> {
        let raws: Vec<JSValueRef> = args.iter().map(|v| v.raw).collect();
        let this = this.map_or(ptr::null_mut(), |o| o.raw);
        let mut exception = ptr::null();
        // SAFETY: the scope invariant; `this` and `args` belong to this realm (the caller's duty,
        // see the crate docs); `raws` holds `raws.len()` of them (rooted through `args`) through
        // the call; a null `this` is undefined; `exception` is a local out-parameter.
        let v = unsafe {
            JSObjectCallAsFunction(
                self.scope.ctx,
                self.raw,
                this,
                raws.len(),
                raws.as_ptr(),
                &mut exception,
            )
        };
        self.scope.check(self.scope.wrap(v), exception)
    }

    pub fn construct(&self, args: &[Value<'_>]) -> JsResult<'s, Object<'s>> {
        let raws: Vec<JSValueRef> = args.iter().map(|v| v.raw).collect();
        let mut exception = ptr::null();
        // SAFETY: as in `call`; JSC throws (into `exception`) when the object is no constructor.
        let o = unsafe {
            JSObjectCallAsConstructor(
                self.scope.ctx,
                self.raw,
                raws.len(),
                raws.as_ptr(),
                &mut exception,
            )
        };
        self.scope.check(self.scope.wrap_object(o), exception)
    }

    /// The value a settled promise holds (undefined while pending, and for anything but a
    /// promise).
    pub fn promise_result(&self) -> Value<'s> {
        if self.value().promise_state().is_none() {
            return self.scope.undefined();
        }
        // SAFETY: the scope invariant; the object is a promise (checked above), which the shim's
        // unchecked cast needs.
        self.scope
            .wrap(unsafe { nx_promise_result(self.scope.ctx, self.raw) })
    }

    pub fn value(&self) -> Value<'s> {
        (*self).into()
    }
}

/// Copies a string's characters into the `String` behind `data` (lone surrogates become U+FFFD).
///
/// # Safety
/// `data` is a `*mut String`; the other pointer describes `length` live characters.
unsafe extern "C" fn string_sink(
    data: *mut c_void,
    latin1: *const u8,
    utf16: *const u16,
    length: usize,
) {
    // SAFETY: the caller gives a `*mut String` nothing else uses during the call.
    let out = unsafe { &mut *data.cast::<String>() };
    if length == 0 {
        return;
    }
    if latin1.is_null() {
        // SAFETY: with `latin1` null, `utf16` points at `length` live 16-bit characters (the
        // string's own, which the shim keeps alive during the call).
        *out = String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(utf16, length) });
        return;
    }
    // SAFETY: `latin1` is non-null, so it points at `length` live 8-bit characters.
    let bytes = unsafe { std::slice::from_raw_parts(latin1, length) };
    if bytes.is_ascii() {
        out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
    } else {
        out.extend(bytes.iter().map(|&b| char::from(b)));
    }
}
