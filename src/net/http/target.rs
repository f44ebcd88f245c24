//! What a request names: its target and Host, checked so that every request the server passes on
//! names a URL under the WHATWG parser (the one `serve()`'s `Request.url` and a framework's
//! `new URL(request.url)` use). RFC 9112 §3.2 has a server answer 400 to a Host that is not
//! `host[:port]`; §3.2.3-4 keep `*` for OPTIONS and the authority form for CONNECT.
//!
//! Invariant: a request that passes has an origin-form target (`/…`), or an absolute one the URL
//! parser takes, or `*` with OPTIONS, or an authority with CONNECT; and a Host that is empty or
//! that the URL parser takes as `http://{host}/` and nothing more. Everyday hosts (a name, a
//! dotted IPv4 address, each with a port) are checked byte by byte, the rest by the parser.

use url::Url;

/// Why the target or Host does not name a URL, or `Ok`.
pub fn check(method: &str, target: &str, host: Option<&str>) -> Result<(), &'static str> {
    if let Some(host) = host
        && !host.is_empty()
        && !is_host(host)
    {
        return Err("invalid Host header");
    }
    if target.starts_with('/') {
        return Ok(());
    }
    match (method, target) {
        ("OPTIONS", "*") => Ok(()),
        (_, "*") => Err("a '*' target is only for OPTIONS"),
        ("CONNECT", authority) if is_host(authority) => Ok(()),
        ("CONNECT", _) => Err("malformed CONNECT target"),
        (_, absolute) if Url::parse(absolute).is_ok_and(|url| url.has_host()) => Ok(()),
        _ => Err("malformed request target"),
    }
}

/// `host[:port]` as the URL parser reads it after `http://`, and nothing more.
fn is_host(authority: &str) -> bool {
    if plain(authority) {
        return true;
    }
    Url::parse(&format!("http://{authority}/")).is_ok_and(|url| {
        url.path() == "/"
            && url.username().is_empty()
            && url.password().is_none()
            && url.query().is_none()
            && url.fragment().is_none()
    })
}

/// A name of letters, digits, '-' and '.' (no IDNA label, not ending in a number) or a dotted
/// IPv4 address, with an optional port: valid without the parser. One pass over the bytes, as
/// this runs for every request.
fn plain(authority: &str) -> bool {
    let bytes = authority.as_bytes();
    let (name, port) = match bytes.iter().rposition(|&b| b == b':') {
        Some(at) => (&bytes[..at], Some(&bytes[at + 1..])),
        None => (bytes, None),
    };
    if let Some(port) = port
        && !(matches!(port.len(), 1..=5) && number(port).is_some_and(|p| p <= 65535))
    {
        return false;
    }
    let (mut labels, mut octets, mut idna, mut last) = (0, true, false, &name[..0]);
    for label in name.split(|&b| b == b'.') {
        if label.is_empty()
            || !label
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return false;
        }
        labels += 1;
        octets &= octet(label);
        idna |= label.len() >= 4 && label[..4].eq_ignore_ascii_case(b"xn--");
        last = label;
    }
    if last.iter().all(u8::is_ascii_digit) {
        return labels == 4 && octets;
    }
    let hex = last.len() >= 2 && last[..2].eq_ignore_ascii_case(b"0x");
    !idna && !hex
}

/// 0-255 in decimal without a leading zero (which the URL parser reads as octal).
fn octet(label: &[u8]) -> bool {
    matches!(label.len(), 1..=3)
        && (label.len() == 1 || label[0] != b'0')
        && number(label).is_some_and(|n| n <= 255)
}

/// The value of ASCII digits (at most five here).
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyday_hosts_pass_without_the_parser() {
        for host in [
            "localhost",
            "127.0.0.1:8080",
            "example.com",
            "a-b.example.COM:443",
            "0.0.0.0",
        ] {
            assert!(plain(host), "{host}");
            assert!(check("GET", "/", Some(host)).is_ok(), "{host}");
        }
    }

    #[test]
    fn other_hosts_go_to_the_parser() {
        for host in [
            "[::1]:3000",
            "example.com.",
            "b\u{fc}cher.de",
            "a_b",
            "1.2.3",
        ] {
            assert!(!plain(host), "{host}");
            assert!(check("GET", "/", Some(host)).is_ok(), "{host}");
        }
        for host in [
            "a b",
            ": a",
            "a/b",
            "a?b",
            "a#b",
            "u@a",
            "a:99999",
            "a:x",
            "1.2.3.999",
            "[::1",
            "%zz",
            "xn--",
            "a:1:2",
        ] {
            assert_eq!(
                check("GET", "/", Some(host)),
                Err("invalid Host header"),
                "{host}"
            );
        }
        assert!(check("GET", "/", Some("")).is_ok());
        assert!(check("GET", "/", None).is_ok());
    }

    #[test]
    fn targets_take_their_forms() {
        assert!(check("GET", "/a?b#c", Some("h")).is_ok());
        assert!(check("GET", "http://other.example/x?y", Some("h")).is_ok());
        assert!(check("OPTIONS", "*", Some("h")).is_ok());
        assert!(check("CONNECT", "a:443", Some("a:443")).is_ok());
        assert_eq!(
            check("GET", "*", Some("h")),
            Err("a '*' target is only for OPTIONS")
        );
        assert_eq!(
            check("CONNECT", "a b", Some("h")),
            Err("malformed CONNECT target")
        );
        for target in ["x", "chunked/x", ":/x", "http://: a/x", "mailto:x"] {
            assert_eq!(
                check("GET", target, Some("h")),
                Err("malformed request target"),
                "{target}"
            );
        }
    }
}
