//! WHATWG URL parsing and form encoding for `URL` and `URLSearchParams` (the `url` crate).
//!
//! A URL crosses to JS as its serialization (`href`) and where each component lies in it, so
//! the JS side keeps no parser of its own and a parse makes one string, not eleven; a setter
//! sends the href and the new component back here and gets the whole record again, following
//! the crate's `quirks` (the WHATWG setters). The origin, not a part of href, has its own op.

use super::Op;
use super::args::arg;
use javascriptcore_sys::{ErrorKind, JsResult, Kind, Object, Scope, Value};
use url::{Url, form_urlencoded, quirks};

/// The ops of js/url.js.
pub const OPS: &[Op] = &[
    Op::sync("urlParse", url_parse),
    Op::sync("urlSet", url_set),
    Op::sync("urlOrigin", url_origin),
    Op::sync("formParse", form_parse),
    Op::sync("formSerialize", form_serialize),
];

/// `[href, start, end, …]`: the serialization, then where protocol, username, password, host,
/// hostname, port, pathname, search and hash lie in it (an empty one as 0, 0). A serialized URL
/// is ASCII, so byte offsets are JS string offsets.
fn record<'a>(scope: &'a Scope<'a>, url: &Url) -> JsResult<'a, Value<'a>> {
    let href = quirks::href(url);
    let parts = [
        quirks::protocol(url),
        quirks::username(url),
        quirks::password(url),
        quirks::host(url),
        quirks::hostname(url),
        quirks::port(url),
        quirks::pathname(url),
        quirks::search(url),
        quirks::hash(url),
    ];
    let mut spans = [(0, 0); 9];
    for (slot, part) in spans.iter_mut().zip(parts) {
        *slot = span(href, part).ok_or_else(|| {
            scope.error(
                ErrorKind::Error,
                &format!("URL: a component of '{href}' is not in its serialization"),
            )
        })?;
    }
    // Filled in place: nineteen values at once would overflow the engine's inline argument
    // buffer, whose heap spill costs more than the parse.
    let offsets = spans
        .into_iter()
        .flat_map(|(start, end)| [start, end])
        .map(|offset| scope.number(offset as f64));
    Ok(scope
        .array_from(std::iter::once(scope.string(href)).chain(offsets))?
        .value())
}

/// Where `part`, a slice of `href` (or an empty string from anywhere), lies in `href`.
fn span(href: &str, part: &str) -> Option<(usize, usize)> {
    if part.is_empty() {
        return Some((0, 0));
    }
    let start = (part.as_ptr() as usize).checked_sub(href.as_ptr() as usize)?;
    let end = start + part.len();
    (end <= href.len()).then_some((start, end))
}

/// `urlOrigin(href)` → the origin of a URL href that parsed before.
fn url_origin<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let href = arg(scope, args, 0).to_string()?;
    let url = Url::parse(&href)
        .map_err(|e| scope.error(ErrorKind::TypeError, &format!("URL: '{href}': {e}")))?;
    Ok(scope.string(&origin(&url)))
}

/// The standard gives a blob: URL the origin of the URL it wraps only when that one is http(s);
/// the crate also looks through other schemes.
fn origin(url: &Url) -> String {
    if url.scheme() == "blob" {
        let inner = Url::parse(url.path());
        if !matches!(inner, Ok(ref u) if u.scheme() == "http" || u.scheme() == "https") {
            return "null".to_string();
        }
    }
    quirks::origin(url)
}

/// `urlParse(input, base?)` → the record, or null when the input (or the base) is not a URL.
fn url_parse<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let input = arg(scope, args, 0).to_string()?;
    let base = arg(scope, args, 1);
    let parsed = if base.kind() == Kind::Undefined {
        Url::parse(&input)
    } else {
        match Url::parse(&base.to_string()?) {
            Ok(base) => base.join(&input),
            Err(e) => Err(e),
        }
    };
    match parsed {
        Ok(url) => record(scope, &url),
        Err(_) => Ok(scope.null()),
    }
}

/// `urlSet(href, component, value)` → the record after the WHATWG setter; a value the setter
/// rejects leaves the URL as it was, except for `href`, which throws like the standard says.
fn url_set<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let href = arg(scope, args, 0).to_string()?;
    let component = arg(scope, args, 1).to_string()?;
    let value = arg(scope, args, 2).to_string()?;
    let mut url = Url::parse(&href).map_err(|e| {
        scope.error(
            ErrorKind::TypeError,
            &format!("URL: '{href}' no longer parses: {e}"),
        )
    })?;
    // The setters' Err(()) means "ignore the new value", as the standard's setters do.
    match component.as_str() {
        "href" => quirks::set_href(&mut url, &value).map_err(|e| {
            scope.error(
                ErrorKind::TypeError,
                &format!("URL: invalid URL '{value}': {e}"),
            )
        })?,
        "protocol" => quirks::set_protocol(&mut url, &value).unwrap_or(()),
        "username" => quirks::set_username(&mut url, &value).unwrap_or(()),
        "password" => quirks::set_password(&mut url, &value).unwrap_or(()),
        "host" => quirks::set_host(&mut url, &value).unwrap_or(()),
        "hostname" => quirks::set_hostname(&mut url, &value).unwrap_or(()),
        "port" => quirks::set_port(&mut url, &value).unwrap_or(()),
        "pathname" => quirks::set_pathname(&mut url, &value),
        "search" => quirks::set_search(&mut url, &value),
        "hash" => quirks::set_hash(&mut url, &value),
        other => {
            return Err(scope.error(
                ErrorKind::TypeError,
                &format!("urlSet: '{other}' is not a URL component"),
            ));
        }
    }
    record(scope, &url)
}

/// `application/x-www-form-urlencoded` text → a flat array `[name, value, name, value, …]`.
fn form_parse<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let text = arg(scope, args, 0).to_string()?;
    let items = form_urlencoded::parse(text.as_bytes()).flat_map(|(name, value)| [name, value]);
    Ok(scope
        .array_from(items.map(|text| scope.string(&text)))?
        .value())
}

/// A flat array `[name, value, …]` → its `application/x-www-form-urlencoded` text.
fn form_serialize<'a>(scope: &'a Scope<'a>, args: &[Value<'a>]) -> JsResult<'a, Value<'a>> {
    let list: Option<Object<'a>> = arg(scope, args, 0).as_object();
    let list = list.ok_or_else(|| {
        scope.error(
            ErrorKind::TypeError,
            "formSerialize: expected an array of strings",
        )
    })?;
    let length = list.get("length")?.to_number()? as u32;
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    let mut i = 0;
    while i + 1 < length {
        let name = list.get_index(i)?.to_string()?;
        let value = list.get_index(i + 1)?.to_string()?;
        serializer.append_pair(&name, &value);
        i += 2;
    }
    Ok(scope.string(&serializer.finish()))
}
