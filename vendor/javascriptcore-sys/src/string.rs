//! Conversions between Rust strings and JSC's UTF-16 `JSStringRef`.

use crate::ffi::*;
use std::ffi::CString;

/// An owned `JSStringRef`, released on drop.
pub(crate) struct JsString(pub(crate) JSStringRef);

impl JsString {
    pub(crate) fn new(text: &str) -> JsString {
        // ASCII text (most names, keys and sources) is kept as 8-bit characters: half the
        // memory, and the parser's faster 8-bit lexer.
        if text.is_ascii() {
            // SAFETY: the pointer and length describe `text`, ASCII and so valid Latin-1, which
            // the shim copies; it needs no lock, and returns a string with one reference, ours.
            return JsString(unsafe { nx_string_from_ascii(text.as_ptr().cast(), text.len()) });
        }
        // From UTF-8 JSC makes UTF-16. Only a text with NUL cannot go this way.
        if let Ok(c_text) = CString::new(text) {
            // SAFETY: a NUL-terminated UTF-8 string, which JSC copies into a string with one
            // reference, ours.
            return JsString(unsafe { JSStringCreateWithUTF8CString(c_text.as_ptr()) });
        }
        let units: Vec<u16> = text.encode_utf16().collect();
        // SAFETY: the pointer and length describe `units`, which JSC copies into a string with
        // one reference, ours.
        JsString(unsafe { JSStringCreateWithCharacters(units.as_ptr(), units.len()) })
    }

    /// Hands ownership to the caller (the shim adopts strings returned from hooks).
    pub(crate) fn into_raw(self) -> JSStringRef {
        let raw = self.0;
        std::mem::forget(self);
        raw
    }
}

impl Drop for JsString {
    fn drop(&mut self) {
        // SAFETY: we own one reference to a live string (`into_raw` forgets `self` instead).
        unsafe { JSStringRelease(self.0) }
    }
}

/// Copies a borrowed `JSStringRef` into a Rust string (lone surrogates become U+FFFD).
///
/// # Safety
/// `s` must be a live string.
pub(crate) unsafe fn to_rust(s: JSStringRef) -> String {
    // SAFETY: `s` is live (the caller's promise).
    let len = unsafe { JSStringGetLength(s) };
    if len == 0 {
        return String::new();
    }
    // SAFETY: `s` is live; its UTF-16 characters (made on first request and kept by the string,
    // race-free) are `len` units, non-null for a non-empty string, alive as long as `s`, which
    // outlives this call.
    let chars = unsafe { std::slice::from_raw_parts(JSStringGetCharactersPtr(s), len) };
    String::from_utf16_lossy(chars)
}
