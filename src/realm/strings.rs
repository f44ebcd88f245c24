//! JS strings a realm hands to JS again and again: a request's method and field names, and the
//! Host value and peer address it saw last. Made once and kept (protected), so a request does
//! not make them anew; a JS string cannot change, so sharing one is invisible to programs.
//!
//! Invariants: what a client chooses cannot grow the cache or push common names out of it.
//! Names are kept only while fewer than `NAMES` are (the first ones a realm sees are the
//! common ones; a client sending odd names fills the rest and then gets fresh strings, as
//! every request did before), each at most `LONGEST` bytes; the Host value and the peer
//! address keep one slot each, replaced when another comes.

use javascriptcore_sys::{Protected, Scope, Value};
use std::collections::HashMap;
use std::sync::Mutex;

const NAMES: usize = 128;
const LONGEST: usize = 40;

#[derive(Default)]
pub struct Strings {
    cache: Mutex<Cache>,
}

#[derive(Default)]
pub struct Cache {
    names: HashMap<Box<str>, Protected>,
    host: Option<(Box<str>, Protected)>,
    peer: Option<(Box<str>, Protected)>,
}

impl Strings {
    /// Runs `f` with the cache, taken once for all the strings of one request.
    pub fn with<R>(&self, f: impl FnOnce(&mut Cache) -> R) -> R {
        f(&mut self.cache.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Cache {
    /// A method or a field name.
    pub fn name<'s>(&mut self, scope: &'s Scope<'s>, text: &str) -> Value<'s> {
        if let Some(kept) = self.names.get(text) {
            return kept.get(scope);
        }
        let value = scope.string(text);
        if self.names.len() < NAMES && text.len() <= LONGEST {
            self.names.insert(text.into(), value.protect());
        }
        value
    }

    /// A Host field's value.
    pub fn host<'s>(&mut self, scope: &'s Scope<'s>, text: &str) -> Value<'s> {
        last(&mut self.host, scope, text)
    }

    /// A peer's address.
    pub fn peer<'s>(&mut self, scope: &'s Scope<'s>, text: &str) -> Value<'s> {
        last(&mut self.peer, scope, text)
    }
}

/// The string in `slot` if it is `text`, else a new one that takes the slot.
fn last<'s>(
    slot: &mut Option<(Box<str>, Protected)>,
    scope: &'s Scope<'s>,
    text: &str,
) -> Value<'s> {
    if let Some((kept, value)) = slot
        && **kept == *text
    {
        return value.get(scope);
    }
    let value = scope.string(text);
    if text.len() <= LONGEST {
        *slot = Some((text.into(), value.protect()));
    }
    value
}
