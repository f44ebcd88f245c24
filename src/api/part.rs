//! The declaration of one JS-facing part of the globals: everything native code and the other
//! parts need to know about it, in one place (api/parts.rs lists them all). A part is its body
//! (JS source, or a value Rust makes), when it loads and which names load it, the parts it
//! depends on, and the ops it declares.
//!
//! Invariants (the tests in parts/tests.rs check them): a part's JS calls only its own ops, the
//! ops of the parts it depends on and the core ops (`ops::CORE`), each the way its [`Kind`]
//! says; the parts it names are exactly its dependencies; every name (op, global, Nexus name,
//! member) has one meaning.
//!
//! [`Kind`]: super::ops::Kind

use super::ops::Op;
use crate::realm::Realm;
use javascriptcore_sys::{JsResult, Scope, Value};

/// One part's declaration.
pub struct Part {
    /// `nexus:…`: what `dispatch.load` and `ops.defineLazyMembers` name it by, and the source URL
    /// its JS runs under (stack traces show it).
    pub name: &'static str,
    pub body: Body,
    pub load: Load,
    /// The parts its JS names: those it loads (`dispatch.load`) or declares the members of
    /// (`ops.defineLazyMembers`). It may call their ops.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "api/parts/tests.rs checks the parts' JS against it"
        )
    )]
    pub deps: &'static [&'static str],
    /// Its ops: sync ones its JS calls as `ops.name(...)`, async ones through `dispatch.native`.
    pub ops: &'static [Op],
}

pub enum Body {
    /// JS source: a function of `(ops, details, Nexus, dispatch, primordials)`, evaluated once
    /// per realm when the part loads.
    Js(&'static str),
    /// The value of the part's one lazy name, made by Rust on its first read.
    Native(Native),
}

/// Makes the value of a native part's lazy name.
pub type Native = for<'s> fn(&'s Scope<'s>, &Realm) -> JsResult<'s, Value<'s>>;

/// When a part is evaluated: at start-up, or on first read of one of the names it defines.
pub enum Load {
    Eager,
    /// Loaded by another part through `dispatch.load(name)`.
    OnDemand,
    Lazy {
        globals: &'static [&'static str],
        nexus: &'static [&'static str],
        /// Names it defines on an object another part makes, which declares them with
        /// `ops.defineLazyMembers(object, part)`.
        members: &'static [&'static str],
    },
}

impl Load {
    pub const fn globals(globals: &'static [&'static str]) -> Load {
        Load::Lazy {
            globals,
            nexus: &[],
            members: &[],
        }
    }

    pub const fn nexus(nexus: &'static [&'static str]) -> Load {
        Load::Lazy {
            globals: &[],
            nexus,
            members: &[],
        }
    }

    pub const fn members(members: &'static [&'static str]) -> Load {
        Load::Lazy {
            globals: &[],
            nexus: &[],
            members,
        }
    }
}

impl Part {
    /// Every name whose first read loads this part.
    pub fn lazy_names(&self) -> impl Iterator<Item = &'static str> {
        let lists = match self.load {
            Load::Lazy {
                globals,
                nexus,
                members,
            } => [globals, nexus, members],
            _ => [&[][..]; 3],
        };
        lists.into_iter().flatten().copied()
    }

    pub fn defines(&self, name: &str) -> bool {
        self.lazy_names().any(|n| n == name)
    }

    /// Its JS source; none for a native part.
    pub fn source(&self) -> Option<&'static str> {
        match self.body {
            Body::Js(source) => Some(source),
            Body::Native(_) => None,
        }
    }
}
