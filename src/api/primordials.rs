//! The builtins the runtime's JS calls, read before any program runs. A program may replace
//! `Array.prototype.push`, `Promise.prototype.then`, `Object.defineProperty`,
//! `Function.prototype.call`, an array's `Symbol.iterator` or the global `Map`, and most parts
//! load after it ran (on first use of a name); they call only what was read here, so they keep
//! working. [`install`](super::install) hands the object [`capture`] makes to every part as its
//! fifth argument, `primordials`; a part destructures the names it uses.
//!
//! Two steps, so that start-up pays little: [`capture`] reads the builtins natively (reading one
//! from JS costs the engine several times more, in code it runs once) and stores them as they
//! are; js/primordials.js, which lazy.js runs before the first lazy part loads, uncurries the
//! methods and getters in place and adds the helpers built on them. Eager parts (lazy.js) use
//! only the values that need no uncurrying.
//!
//! Names: a method of a prototype is uncurried, `ArrayPrototypePush(array, x)` being
//! `array.push(x)` with the push read here; a getter likewise (`MapPrototypeGetSize(map)`); a
//! static keeps its calling convention (`ObjectDefineProperty`); constructors keep their names
//! (`Map`, `TypeError`), since a program may rebind the globals. js/primordials.js uncurries every
//! name with `Prototype` but not `PrototypeOf` in it (`ObjectGetPrototypeOf` is a static), and a
//! test holds [`CAPTURED`] to that.
//!
//! Speed: an uncurried call is a rest parameter passed on to `Reflect.apply`, which the JIT
//! forwards without making the array; `Function.prototype.call.bind(f)`, what V8 runtimes use,
//! costs JSC several times more (its `call` is a JS builtin that collects the arguments in an
//! array). Still, an uncurried call costs tens of nanoseconds where a method call costs a few:
//! hot paths use `SafeMap` and `SafeSet` for the maps and sets a part keeps (method calls the JIT
//! inlines), index arithmetic on arrays, and emitter.js calls a handler as `fn.call(this, x)`
//! once it checked that `fn.call` is the `FunctionCall` read here (Reflect.apply otherwise).
//!
//! What a part must still avoid, as nothing read here can cover it: iterating an array or a Map
//! (for-of, spread, array destructuring run the program's `Symbol.iterator` and `next()`; use
//! index loops and the `ForEach` methods), calling a builtin's method as `value.method()`, a
//! derived class without a constructor (the engine's default one spreads its arguments),
//! resolving a promise with a promise (its `then()` is read: await it instead), and lookup
//! tables or property descriptors with a prototype (`Object.prototype` may have gained a `get`
//! or a key). The tests below catch the first three.
//!
//! Known gaps, which only the engine's private intrinsics would close: `then()`, `map()`,
//! `filter()` and `slice()` consult `constructor` and `Symbol.species`; a setter a program
//! defines on an index of `Array.prototype` sees pushes; `Object.prototype.toString` and
//! `JSON.stringify` read `Symbol.toStringTag` and `toJSON`; `instanceof` reads a
//! `Symbol.hasInstance` a program defines on a builtin constructor; a getter a program puts on
//! `Function.prototype.call` runs when emitter.js checks a handler's `call`.

use javascriptcore_sys::{JsResult, Object, Scope};

/// How a member is read, and named (see the module's documentation).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// As it is: `ArrayFrom`; a global under its own name: `Map`.
    Plain,
    /// A prototype's method, uncurried later: `ArrayPrototypePush`.
    Method,
    /// A prototype's getter, uncurried later: `MapPrototypeGetSize`.
    Getter,
}

use Kind::{Getter, Method, Plain};

/// What start-up reads: the object (a path of property names from the global object;
/// `%TypedArray%` is the typed arrays' shared constructor), the prefix of the names, how the
/// members are read, and the members, spaced (a getter may be `@@name`, the well-known
/// `Symbol.name`). An object with many members takes several rows.
#[rustfmt::skip]
const CAPTURED: &[(&str, &str, Kind, &str)] = &[
    ("", "", Plain, "globalThis Array ArrayBuffer BigInt Boolean DataView Date Error EvalError"),
    ("", "", Plain, "FinalizationRegistry Map Number Object Promise RangeError ReferenceError"),
    ("", "", Plain, "RegExp Set String Symbol SyntaxError TypeError URIError Uint8Array WeakMap"),
    // SharedArrayBuffer is absent where the engine turned it off.
    ("", "", Plain, "Proxy WeakSet SharedArrayBuffer"),
    ("Array", "Array", Plain, "from isArray"),
    ("Array.prototype", "ArrayPrototype", Method, "every filter includes indexOf join map pop"),
    ("Array.prototype", "ArrayPrototype", Method, "push slice sort splice unshift"),
    ("ArrayBuffer", "ArrayBuffer", Plain, "isView"),
    // `transfer` is absent where the engine cannot detach buffers.
    ("ArrayBuffer.prototype", "ArrayBufferPrototype", Method, "transfer"),
    ("ArrayBuffer.prototype", "ArrayBufferPrototype", Getter, "byteLength"),
    ("DataView.prototype", "DataViewPrototype", Getter, "buffer byteLength byteOffset"),
    ("%TypedArray%.prototype", "TypedArrayPrototype", Method, "set slice subarray"),
    ("%TypedArray%.prototype", "TypedArrayPrototype", Getter, "buffer byteLength byteOffset"),
    // @@toStringTag: the name of a typed array's type; undefined for anything else.
    ("%TypedArray%.prototype", "TypedArrayPrototype", Getter, "length @@toStringTag"),
    ("BigInt.prototype", "BigIntPrototype", Method, "toString valueOf"),
    ("Boolean.prototype", "BooleanPrototype", Method, "valueOf"),
    ("Date", "Date", Plain, "now"),
    ("Date.prototype", "DatePrototype", Method, "getTime toISOString toString"),
    ("FinalizationRegistry.prototype", "FinalizationRegistryPrototype", Method, "register"),
    ("FinalizationRegistry.prototype", "FinalizationRegistryPrototype", Method, "unregister"),
    ("Function.prototype", "FunctionPrototype", Method, "bind toString"),
    // Function.prototype.call itself, which emitter.js compares a handler's `call` with.
    ("Function.prototype", "Function", Plain, "call"),
    ("JSON", "JSON", Plain, "parse stringify"),
    ("Map.prototype", "MapPrototype", Method, "clear delete forEach get has set"),
    ("Map.prototype", "MapPrototype", Getter, "size"),
    ("Math", "Math", Plain, "floor max min random"),
    ("Number", "Number", Plain, "isFinite isInteger isNaN MAX_SAFE_INTEGER parseFloat parseInt"),
    ("Number.prototype", "NumberPrototype", Method, "toFixed toString valueOf"),
    ("Object", "Object", Plain, "create defineProperty freeze getOwnPropertyDescriptor"),
    ("Object", "Object", Plain, "getOwnPropertyNames getOwnPropertySymbols getPrototypeOf is keys"),
    ("Object", "Object", Plain, "setPrototypeOf values"),
    ("Object.prototype", "ObjectPrototype", Method, "hasOwnProperty propertyIsEnumerable toString"),
    ("Promise", "Promise", Plain, "reject resolve"),
    ("Promise.prototype", "PromisePrototype", Method, "then"),
    ("Reflect", "Reflect", Plain, "apply ownKeys"),
    ("RegExp.prototype", "RegExpPrototype", Method, "exec toString"),
    ("RegExp.prototype", "RegExpPrototype", Getter, "flags source"),
    ("Set.prototype", "SetPrototype", Method, "add clear delete forEach has"),
    ("Set.prototype", "SetPrototype", Getter, "size"),
    ("WeakSet.prototype", "WeakSetPrototype", Method, "add has"),
    ("String", "String", Plain, "fromCharCode"),
    ("String.prototype", "StringPrototype", Method, "charCodeAt codePointAt endsWith includes"),
    ("String.prototype", "StringPrototype", Method, "indexOf normalize padEnd"),
    ("String.prototype", "StringPrototype", Method, "padStart repeat slice split startsWith"),
    ("String.prototype", "StringPrototype", Method, "toLowerCase toUpperCase toWellFormed valueOf"),
    ("Symbol", "Symbol", Plain, "asyncIterator for iterator toStringTag"),
    ("Symbol.prototype", "SymbolPrototype", Method, "toString valueOf"),
];

/// The typed array constructors, gathered as `TypedArrays` by the name
/// `%TypedArray%.prototype[Symbol.toStringTag]` gives (`Float16Array` may be absent).
const TYPED_ARRAYS: &str = "Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array \
    Int32Array Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array Float16Array";

/// The name a member is kept under: `prefix`, `Get` for a getter, and the member with a capital
/// (`@@toStringTag` is `SymbolToStringTag`); a global's own name when there is no prefix.
fn name(prefix: &str, kind: Kind, member: &str) -> String {
    if prefix.is_empty() {
        return member.to_string();
    }
    let (symbol, member) = match member.strip_prefix("@@") {
        Some(well_known) => ("Symbol", well_known),
        None => ("", member),
    };
    let get = if kind == Getter { "Get" } else { "" };
    let mut chars = member.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "{prefix}{get}{symbol}{}{}",
        first.unwrap_or_default(),
        chars.as_str()
    )
}

/// This realm's builtins, read as they are (js/primordials.js completes them).
pub fn capture<'s>(scope: &'s Scope<'s>) -> JsResult<'s, Object<'s>> {
    let global = scope.global();
    let object = global.get("Object")?.to_object()?;
    let describe = object.get("getOwnPropertyDescriptor")?.to_object()?;
    let symbol = global.get("Symbol")?.to_object()?;
    let typed_array = object
        .get("getPrototypeOf")?
        .to_object()?
        .call(None, &[global.get("Uint8Array")?])?
        .to_object()?;
    // No prototype: a part reading a name it does not have gets undefined, never an accessor
    // a program put on Object.prototype.
    let primordials = object
        .get("create")?
        .to_object()?
        .call(None, &[scope.null()])?
        .to_object()?;
    for &(path, prefix, kind, members) in CAPTURED {
        let mut holder = global;
        for step in path.split('.').filter(|step| !step.is_empty()) {
            holder = match step {
                "%TypedArray%" => typed_array,
                _ => holder.get(step)?.to_object()?,
            };
        }
        for member in members.split_whitespace() {
            let value = match kind {
                Getter => {
                    let key = match member.strip_prefix("@@") {
                        Some(well_known) => symbol.get(well_known)?,
                        None => scope.string(member),
                    };
                    let getter = describe.call(None, &[holder.value(), key])?;
                    getter.to_object()?.get("get")?
                }
                Plain | Method => holder.get(member)?,
            };
            primordials.set(&name(prefix, kind, member), value)?;
        }
    }
    let typed_arrays = scope.object();
    for name in TYPED_ARRAYS.split_whitespace() {
        typed_arrays.set(name, global.get(name)?)?;
    }
    primordials.set("TypedArrays", typed_arrays.value())?;
    Ok(primordials)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// `source`'s lines without their comments (whole lines, and trailing ` // ` ones).
    fn code(source: &str) -> Vec<&str> {
        source
            .lines()
            .map(|line| match line.find(" // ") {
                _ if line.trim_start().starts_with("//") => "",
                Some(at) => &line[..at],
                None => line,
            })
            .collect()
    }

    /// The entries of the braces that open `text`, split at its own commas.
    fn entries(text: &str) -> Vec<&str> {
        let (mut depth, mut start, mut out) = (0, 1, Vec::new());
        for (i, c) in text.char_indices() {
            match c {
                '{' | '(' | '[' => depth += 1,
                '}' | ')' | ']' => depth -= 1,
                ',' if depth == 1 => {
                    out.push(text[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
            if depth == 0 {
                out.push(text[start..i].trim());
                break;
            }
        }
        out.retain(|entry| !entry.is_empty());
        out
    }

    /// What the primordials hold: what [`super::capture`] reads, and what js/primordials.js adds
    /// as `primordials.Name = `.
    fn captured() -> BTreeSet<String> {
        let mut names: BTreeSet<String> = super::CAPTURED
            .iter()
            .flat_map(|&(_, prefix, kind, members)| {
                members
                    .split_whitespace()
                    .map(move |m| super::name(prefix, kind, m))
            })
            .collect();
        names.insert("TypedArrays".to_string());
        let (_, completion) = super::super::parts::sources()
            .find(|(part, _)| part.name == "nexus:primordials")
            .expect("a part nexus:primordials");
        for line in code(completion) {
            if let Some(set) = line.trim_start().strip_prefix("primordials.") {
                names.insert(set.split(' ').next().unwrap_or(set).to_string());
            }
        }
        names
    }

    /// What each part takes from `primordials`, by part name.
    fn taken() -> Vec<(&'static str, Vec<String>)> {
        super::super::parts::sources()
            .map(|(part, source)| {
                let code = code(source).join("\n");
                let names = match code.find("} = primordials;") {
                    Some(end) => {
                        let start = code[..end].rfind("const {").expect("a destructuring");
                        entries(&code[start + "const ".len()..=end])
                            .into_iter()
                            .map(|entry| entry.split(':').next().unwrap_or(entry).trim())
                            .map(str::to_string)
                            .collect()
                    }
                    None => Vec::new(),
                };
                (part.name, names)
            })
            .collect()
    }

    #[test]
    fn names_follow_the_convention() {
        use super::Kind::{Getter, Method, Plain};
        for (prefix, kind, member, name) in [
            ("", Plain, "globalThis", "globalThis"),
            ("Array", Plain, "from", "ArrayFrom"),
            ("N", Plain, "MAX_VALUE", "NMAX_VALUE"),
            ("ArrayPrototype", Method, "push", "ArrayPrototypePush"),
            ("MapPrototype", Getter, "size", "MapPrototypeGetSize"),
            ("P", Getter, "@@toStringTag", "PGetSymbolToStringTag"),
        ] {
            assert_eq!(super::name(prefix, kind, member), name);
        }
    }

    /// js/primordials.js tells the methods and getters it uncurries by their names alone.
    #[test]
    fn the_names_of_methods_and_getters_alone_have_prototype_in_them() {
        for &(_, prefix, kind, members) in super::CAPTURED {
            for member in members.split_whitespace() {
                let name = super::name(prefix, kind, member);
                let uncurried = name.contains("Prototype") && !name.contains("PrototypeOf");
                assert_eq!(uncurried, kind != super::Kind::Plain, "{name}");
            }
        }
    }

    #[test]
    fn every_name_a_part_takes_is_captured() {
        let captured = captured();
        for (part, names) in taken() {
            for name in names {
                assert!(
                    captured.contains(&name),
                    "{part} takes '{name}', which api/primordials.rs does not capture"
                );
            }
        }
    }

    #[test]
    fn every_captured_name_is_taken() {
        let taken: BTreeSet<String> = taken().into_iter().flat_map(|(_, names)| names).collect();
        for name in captured() {
            assert!(taken.contains(&name), "no part takes '{name}'");
        }
    }

    /// The engine's default constructor of a derived class spreads its arguments, through
    /// Array.prototype[Symbol.iterator]: every class that extends another writes its own.
    #[test]
    fn derived_classes_have_their_own_constructor() {
        for (part, source) in super::super::parts::sources() {
            let lines = code(source);
            for (i, line) in lines.iter().enumerate() {
                let class = line.trim_start();
                if !class.contains("class ") || !class.contains(" extends ") {
                    continue;
                }
                let end = format!("{}}}", &line[..line.len() - class.len()]);
                let own = !class.ends_with("{}")
                    && lines[i + 1..]
                        .iter()
                        .take_while(|l| !l.starts_with(&end))
                        .any(|l| l.trim_start().starts_with("constructor("));
                assert!(own, "{}:{}: {class} has no constructor", part.name, i + 1);
            }
        }
    }

    /// What a part must not write: calls of methods a program can replace on a builtin's
    /// prototype (but get, set, has, delete, add and clear, which SafeMap and SafeSet and the
    /// runtime's classes have too), the builtins' namespaces, and the syntax that runs an array's
    /// iterator.
    #[test]
    fn parts_call_builtins_only_through_primordials() {
        const METHODS: &str = "call apply bind then catch finally push pop shift unshift slice \
            splice map filter forEach some every find findIndex indexOf lastIndexOf includes join \
            concat flat sort reduce split replace startsWith endsWith padStart padEnd repeat \
            toLowerCase toUpperCase charCodeAt codePointAt normalize toString toFixed test exec \
            valueOf";
        const NAMESPACES: &str = "Object Array Promise Reflect JSON Math Number String Symbol \
            ArrayBuffer Function Date RegExp";
        const SYNTAX: &[&str] = &["[...", "const [", "let [", "]) =>"];
        // The calls a part makes only after checking what they call (see the module's
        // documentation): emitter.js's, of a handler whose `call` is FunctionCall.
        const CHECKED: &[(&str, &str)] = &[("nexus:emitter", "result = fn.call(target")];
        for (part, source) in super::super::parts::sources() {
            for (i, line) in code(source).into_iter().enumerate() {
                if CHECKED
                    .iter()
                    .any(|&(name, call)| part.name == name && line.contains(call))
                {
                    continue;
                }
                let methods = METHODS.split_whitespace().map(|m| format!(".{m}("));
                let namespaces = NAMESPACES.split_whitespace().flat_map(|n| {
                    [" ", "(", "[", "!", "{", "="].map(|before| format!("{before}{n}."))
                });
                let found = methods
                    .chain(namespaces)
                    .chain(SYNTAX.iter().map(|s| s.to_string()))
                    .find(|pattern| line.contains(pattern.as_str()))
                    .or_else(|| {
                        let head = line.split("for (").nth(1)?.split([';', ')']).next()?;
                        head.contains(" of ").then(|| "for-of".to_string())
                    });
                assert_eq!(
                    found,
                    None,
                    "{}:{}: use the primordials instead: {}",
                    part.name,
                    i + 1,
                    line.trim()
                );
            }
        }
    }
}
