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
/// IPv4 address, with an optional port: valid without the parser.
fn plain(authority: &str) -> bool {
    let (name, port) = match authority.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (authority, None),
    };
    if let Some(port) = port
        && !(port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| p <= 65535))
    {
        return false;
    }
    // Checked label by label without collecting them: this runs for every request.
    if name.split('.').any(str::is_empty) {
        return false;
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return name.split('.').count() == 4 && name.split('.').all(octet);
    }
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !last.starts_with("0x")
        && !last.starts_with("0X")
        && !name
            .split('.')
            .any(|label| label.len() >= 4 && label.as_bytes()[..4].eq_ignore_ascii_case(b"xn--"))
}

/// 0-255 in decimal without a leading zero (which the URL parser reads as octal).
fn octet(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 3
        && label.bytes().all(|b| b.is_ascii_digit())
        && (label == "0" || !label.starts_with('0'))
        && label.parse::<u16>().is_ok_and(|n| n <= 255)
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
